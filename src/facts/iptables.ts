/**
 * iptables rules as iptables-restore files and `iptables -S` print them: rules, their options and
 * targets, and the questions the benchmark asks of them (loopback traffic, a port named by a rule).
 * Pure parsing; the firewall fact (firewall.ts) decides which files and commands to read.
 */
import { CheckError } from '../model/verdict.js';


export interface IptOption { name: string; values: string[]; negated: boolean }

export interface IptRule {
  chain: string;
  /** the rule's options in order, without the -A/-I and chain */
  options: IptOption[];
  /** the jump target (-j), if any */
  target?: string;
  file: string;
  line: number;
  text: string;
}

export interface IptRuleset {
  /** built-in chain policies of the filter table */
  policies: Map<string, { policy: string; file: string; line: number }>;
  rules: IptRule[];
}

/** Split an iptables line into words, honouring double and single quotes. */
export function iptWords(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function parseOptions(words: string[]): { options: IptOption[]; target?: string } {
  const options: IptOption[] = [];
  let negated = false;
  let target: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '!') { negated = true; continue; }
    if (!w.startsWith('-') || /^-\d/.test(w)) {
      const last = options[options.length - 1];
      if (!last) throw new CheckError(`"${w}" comes before any option`);
      last.values.push(w);
      continue;
    }
    const opt: IptOption = { name: w, values: [], negated };
    negated = false;
    while (i + 1 < words.length && words[i + 1] !== '!' && (!words[i + 1].startsWith('-') || /^-\d/.test(words[i + 1]))) opt.values.push(words[++i]);
    if ((w === '-j' || w === '--jump') && opt.values[0]) target = opt.values[0];
    options.push(opt);
  }
  return { options, target };
}

/**
 * Parse the filter table of an iptables ruleset: an iptables-save file (*filter … COMMIT, ":CHAIN POLICY"
 * lines) or `iptables -S` output ("-P CHAIN POLICY"). Other tables are skipped. A line that is none of
 * these is a parse failure.
 */
export function parseIptables(text: string, file: string): IptRuleset {
  const policies: IptRuleset['policies'] = new Map();
  const rules: IptRule[] = [];
  let table = 'filter';
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    if (!line || line.startsWith('#')) return;
    if (line.startsWith('*')) { table = line.slice(1).trim(); return; }
    if (line === 'COMMIT') { table = 'filter'; return; }
    if (table !== 'filter') return;
    let m = /^:(\S+)\s+(\S+)(\s+\[\d+:\d+\])?$/.exec(line);
    if (m) { if (m[2] !== '-') policies.set(m[1], { policy: m[2], file, line: n }); return; }
    m = /^-P\s+(\S+)\s+(\S+)$/.exec(line);
    if (m) { policies.set(m[1], { policy: m[2], file, line: n }); return; }
    if (/^-N\s+\S+$/.test(line)) return;
    m = /^(-A|-I)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) throw new CheckError(`${file}:${n} is not an iptables rule line: ${JSON.stringify(line.slice(0, 120))}`);
    let rest = m[3];
    if (m[1] === '-I') rest = rest.replace(/^\d+\s+/, '');
    let parsed;
    try {
      parsed = parseOptions(iptWords(rest));
    } catch (e) {
      throw new CheckError(`${file}:${n} cannot be parsed: ${(e as Error).message}`);
    }
    rules.push({ chain: m[2], options: parsed.options, target: parsed.target, file, line: n, text: line });
  });
  return { policies, rules };
}

export function mergeIptables(sets: IptRuleset[]): IptRuleset {
  const policies: IptRuleset['policies'] = new Map();
  for (const s of sets) for (const [k, v] of s.policies) policies.set(k, v);
  return { policies, rules: sets.flatMap((s) => s.rules) };
}

/** The match conditions of a rule: its options before -j, without module loads (-m) and comments. */
export function ruleConditions(rule: IptRule): IptOption[] {
  const out: IptOption[] = [];
  for (const o of rule.options) {
    if ((o.name === '-j' || o.name === '--jump' || o.name === '-g' || o.name === '--goto')) break;
    if (o.name === '-m' || o.name === '--match' || o.name === '--comment') continue;
    out.push(o);
  }
  return out;
}

const OPTION_ALIASES: Record<string, string> = {
  '--in-interface': '-i', '--out-interface': '-o', '--source': '-s', '--src': '-s', '--destination': '-d', '--dst': '-d',
  '--protocol': '-p', '--destination-port': '--dport', '--destination-ports': '--dports',
};
const optName = (o: IptOption) => OPTION_ALIASES[o.name] ?? o.name;

export type Family = 4 | 6;
const LOOPBACK_SOURCES: Record<Family, string[]> = { 4: ['127.0.0.0/8'], 6: ['::1', '::1/128'] };
const DENY_TARGETS = new Set(['DROP', 'REJECT']);

export interface LoopbackRules {
  acceptIn?: IptRule;
  acceptOut?: IptRule;
  dropFromLoopback?: IptRule;
}

/**
 * The three loopback rules: accept everything arriving on lo, accept everything leaving on lo, and drop
 * (or reject) packets with a loopback source address (which can only be forged when they arrive on
 * another interface). A rule counts when it has no other condition (a "! -i lo" on the drop rule aside).
 */
export function loopbackRules(rs: IptRuleset, family: Family, isInput: (chain: string) => boolean, isOutput: (chain: string) => boolean): LoopbackRules {
  const only = (r: IptRule, allowed: (o: IptOption) => boolean) => ruleConditions(r).every(allowed);
  const found: LoopbackRules = {};
  for (const r of rs.rules) {
    const conds = ruleConditions(r);
    const has = (name: string, value: string, negated = false) => conds.some((o) => optName(o) === name && o.values[0] === value && o.negated === negated);
    if (!found.acceptIn && isInput(r.chain) && r.target === 'ACCEPT' && has('-i', 'lo') && only(r, (o) => optName(o) === '-i')) found.acceptIn = r;
    if (!found.acceptOut && isOutput(r.chain) && r.target === 'ACCEPT' && has('-o', 'lo') && only(r, (o) => optName(o) === '-o')) found.acceptOut = r;
    if (!found.dropFromLoopback && isInput(r.chain) && r.target && DENY_TARGETS.has(r.target)
      && LOOPBACK_SOURCES[family].some((s) => has('-s', s))
      && only(r, (o) => optName(o) === '-s' || (optName(o) === '-i' && o.negated && o.values[0] === 'lo'))) found.dropFromLoopback = r;
  }
  return found;
}

/** Port ranges a rule's destination port option names ("22", "80,443", "1000:2000"). */
export function portSpec(values: string[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const part of values.join(',').split(',')) {
    const m = /^(\d*)(?::(\d*))?$/.exec(part.trim());
    if (!m || part.trim() === '') continue;
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === undefined ? lo : m[2] === '' ? 65535 : Number(m[2]);
    out.push([lo, hi]);
  }
  return out;
}

/** Does the rule name this destination port for this protocol (possibly in a list or range)? */
export function ruleNamesPort(rule: IptRule, proto: 'tcp' | 'udp', port: number): boolean {
  const conds = ruleConditions(rule);
  const p = conds.find((o) => optName(o) === '-p');
  if (!p || p.negated || p.values[0] !== proto) return false;
  return conds.some((o) => (optName(o) === '--dport' || optName(o) === '--dports') && !o.negated
    && portSpec(o.values).some(([lo, hi]) => port >= lo && port <= hi));
}

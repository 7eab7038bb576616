/**
 * Audit rules, parsed: the lines of rules files (how the files on disk become the kernel's rule set is
 * src/facts/audit-rules-on-disk.ts) and the rules loaded in the running kernel (`auditctl -l`, live
 * systems only). Both are parsed
 * into one normalised form so that rules that mean the same compare equal however they are written:
 *
 * - `-a always,exit` and `-a exit,always` (and `-A`) are the same rule;
 * - `-S a -S b` and `-S a,b` are the same syscall set; no `-S` (or `-S all`) means every syscall;
 * - `-F` fields compare as a set, in any order; `-Fauid>=1000` (no space) is read like `-F auid>=1000`;
 *   `-C euid!=uid` equals `-C uid!=euid`;
 * - `-k key` and `-F key=key` are the same key;
 * - an unset login uid is `4294967295`, `-1` or `unset` (auditctl -l prints `-1` or `unset`);
 * - `arch=x86_64` is `arch=b64`, `arch=i386` is `arch=b32`; `exit=-13` is `exit=-EACCES`, `exit=-1` is `exit=-EPERM`;
 * - `-w /dir/` is `-w /dir` (auditctl -l drops the slash), and a rule of only `-F path=` or `-F dir=` with
 *   `-F perm=` on the exit list is the watch auditctl -l prints as `-w`.
 *
 * A rule that does not parse is an error: what the kernel would make of it cannot be judged.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { silences } from './audit-rule-overlap.js';

export const AUDIT_RULES_DIR = '/etc/audit/rules.d';
export const AUDIT_RULES_GLOB = `${AUDIT_RULES_DIR}/*.rules`;
/** The file augenrules writes from rules.d and loads; loaded as it is when rules.d holds no rules file. */
export const AUDIT_RULES_FILE = '/etc/audit/audit.rules';
export const AUDITCTL_LIST = 'auditctl -l';

export type AuditRule =
  /** a setting of the audit system itself: -D, -b 8192, -f 1, -e 2, --backlog_wait_time 0 ... */
  | { kind: 'control'; option: string; value?: string }
  /** a file watch: -w path -p perms -k key */
  | { kind: 'watch'; op: 'add' | 'delete'; path: string; perms: string; keys: string[] }
  /** a syscall rule: -a action,list -S syscalls -F fields -C comparisons -k key */
  | { kind: 'syscall'; op: 'add' | 'delete'; list: string; action: string; syscalls: string[]; fields: string[]; keys: string[] };

export interface AuditRuleLine {
  /** the file, or the command whose output it is */
  source: string;
  line: number;
  text: string;
  rule: AuditRule;
}

const LISTS = new Set(['task', 'exit', 'user', 'exclude', 'filesystem', 'entry']);
const ACTIONS = new Set(['always', 'never']);
const CONTROL_WITH_VALUE = new Set(['-b', '-f', '-r', '-e', '--backlog_wait_time', '-t']);
const CONTROL_FLAG = new Set(['-D', '-i', '-c', '--loginuid-immutable', '--reset-lost', '--reset_backlog_wait_time_actual']);
/** Fields whose value is a user id: the unset id has three spellings. */
const ID_FIELDS = new Set(['auid', 'uid', 'euid', 'suid', 'fsuid', 'loginuid', 'obj_uid', 'gid', 'egid', 'sgid', 'fsgid', 'obj_gid']);
const ERRNO: Record<string, string> = { '-13': '-EACCES', '-1': '-EPERM' };
const PERM_ORDER = 'rwxa';

export class AuditRuleSyntaxError extends Error {}

function normalisePerms(p: string): string {
  if (!/^[rwxa]+$/.test(p)) throw new AuditRuleSyntaxError(`"${p}" is not a permission set of r, w, x and a`);
  return [...PERM_ORDER].filter((c) => p.includes(c)).join('');
}

/** One -F or -C expression, normalised; `key=` is returned apart. */
function normaliseField(expr: string, comparison: boolean): { field?: string; key?: string } {
  const m = /^([A-Za-z0-9_]+)(!=|>=|<=|&=|=|>|<|&)(.*)$/.exec(expr);
  if (!m || m[3] === '') throw new AuditRuleSyntaxError(`"${expr}" is not a field comparison`);
  const name = m[1].toLowerCase();
  const op = m[2];
  let value = m[3];
  if (comparison) {
    // `-C euid!=uid` and `-C uid!=euid` are the same comparison; ordering operators keep their sides
    const [a, b] = op === '=' || op === '!=' ? [name, value.toLowerCase()].sort() : [name, value.toLowerCase()];
    return { field: `C:${a}${op}${b}` };
  }
  if (name === 'key') return { key: value };
  if (ID_FIELDS.has(name) && (value === '-1' || value === '4294967295' || value.toLowerCase() === 'unset')) value = 'unset';
  if (name === 'arch') value = ({ x86_64: 'b64', i386: 'b32', i686: 'b32' } as Record<string, string>)[value] ?? value;
  if (name === 'exit') value = ERRNO[value] ?? value;
  if (name === 'perm') value = normalisePerms(value);
  if (name === 'path' || name === 'dir') value = stripSlash(value);
  return { field: `${name}${op}${value}` };
}

const stripSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/** Parse one rule line (without comments) into its normalised form. */
export function parseAuditRule(text: string): AuditRule {
  const tokens = text.trim().split(/\s+/);
  const first = tokens[0];
  if (CONTROL_FLAG.has(first) && tokens.length === 1) return { kind: 'control', option: first };
  // `-D -k key` deletes the rules that carry the key
  if (first === '-D' && tokens.length === 3 && tokens[1] === '-k') return { kind: 'control', option: '-D -k', value: tokens[2] };
  if (CONTROL_WITH_VALUE.has(first)) {
    if (tokens.length !== 2) throw new AuditRuleSyntaxError(`${first} takes one value`);
    return { kind: 'control', option: first, value: tokens[1] };
  }
  let op: 'add' | 'delete' | undefined;
  let list: string | undefined;
  let action: string | undefined;
  let watch: string | undefined;
  let perms: string | undefined;
  const syscalls = new Set<string>();
  const fields = new Set<string>();
  const keys: string[] = [];
  const need = (i: number, opt: string) => {
    if (i >= tokens.length) throw new AuditRuleSyntaxError(`${opt} needs a value`);
    return tokens[i];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '-a' || t === '-A' || t === '-d') {
      if (op || watch !== undefined) throw new AuditRuleSyntaxError('more than one rule on one line');
      op = t === '-d' ? 'delete' : 'add';
      const parts = need(++i, t).split(',');
      if (parts.length !== 2) throw new AuditRuleSyntaxError(`${t} ${tokens[i]}: expected a list and an action`);
      const l = parts.find((p) => LISTS.has(p));
      const a = parts.find((p) => ACTIONS.has(p));
      if (!l || !a) throw new AuditRuleSyntaxError(`${t} ${tokens[i]}: expected a list (exit, task, user, exclude, filesystem) and an action (always, never)`);
      list = l;
      action = a;
    } else if (t === '-w' || t === '-W') {
      if (op || watch !== undefined) throw new AuditRuleSyntaxError('more than one rule on one line');
      op = t === '-W' ? 'delete' : 'add';
      watch = stripSlash(need(++i, t));
    } else if (t === '-p') {
      perms = normalisePerms(need(++i, t));
    } else if (t === '-S') {
      for (const s of need(++i, t).split(',')) if (s) syscalls.add(s.toLowerCase());
    } else if (t === '-F' || t === '-C' || (t.startsWith('-F') && t.length > 2) || (t.startsWith('-C') && t.length > 2)) {
      const expr = t.length > 2 ? t.slice(2) : need(++i, t);
      const f = normaliseField(expr, t.startsWith('-C'));
      if (f.key !== undefined) keys.push(f.key);
      if (f.field) fields.add(f.field);
    } else if (t === '-k') {
      keys.push(need(++i, t));
    } else {
      throw new AuditRuleSyntaxError(`unknown option ${t}`);
    }
  }
  if (!op) throw new AuditRuleSyntaxError('neither a rule (-a, -w) nor a control option (-D, -b, -e, ...)');
  if (watch !== undefined) {
    if (syscalls.size || fields.size) throw new AuditRuleSyntaxError('a watch (-w) takes only -p and -k');
    return { kind: 'watch', op, path: watch, perms: perms ?? PERM_ORDER, keys: [...new Set(keys)].sort() };
  }
  if (perms !== undefined) throw new AuditRuleSyntaxError('-p belongs to a watch (-w); a rule uses -F perm=');
  syscalls.delete('all');
  const fieldList = [...fields].sort();
  // `-a always,exit -F path=X -F perm=wa` is the watch `-w X -p wa`: auditctl -l prints it that way
  const targets = fieldList.filter((f) => /^(path|dir)=/.test(f));
  if (list === 'exit' && action === 'always' && !syscalls.size && targets.length === 1 && fieldList.every((f) => /^(path|dir|perm)=/.test(f))) {
    const perm = fieldList.find((f) => f.startsWith('perm='))?.slice(5);
    return { kind: 'watch', op, path: targets[0].replace(/^(path|dir)=/, ''), perms: perm ?? PERM_ORDER, keys: [...new Set(keys)].sort() };
  }
  return {
    kind: 'syscall', op, list: list!, action: action!,
    syscalls: syscalls.size ? [...syscalls].sort() : ['all'],
    fields: fieldList,
    keys: [...new Set(keys)].sort(),
  };
}

/** The normalised rule as one line, in the form auditctl -l prints (fields sorted), for evidence and equality. */
export function canonicalRule(r: AuditRule): string {
  const keys = r.kind === 'control' ? '' : r.keys.map((k) => ` -k ${k}`).join('');
  if (r.kind === 'control') return r.value === undefined ? r.option : `${r.option} ${r.value}`;
  if (r.kind === 'watch') return `${r.op === 'delete' ? '-W' : '-w'} ${r.path} -p ${r.perms}${keys}`;
  const arch = r.fields.filter((f) => f.startsWith('arch'));
  const rest = r.fields.filter((f) => !f.startsWith('arch'));
  const f = (x: string) => (x.startsWith('C:') ? ` -C ${x.slice(2)}` : ` -F ${x}`);
  const sys = r.syscalls[0] === 'all' ? '' : ` -S ${r.syscalls.join(',')}`;
  return `${r.op === 'delete' ? '-d' : '-a'} ${r.action},${r.list}${arch.map(f).join('')}${sys}${rest.map(f).join('')}${keys}`;
}

/** Parse a rules file (or auditctl -l output): `#` comments and blank lines are skipped. */
export function parseAuditRules(text: string, source: string): AuditRuleLine[] {
  const out: AuditRuleLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    try {
      out.push({ source, line: i + 1, text: line, rule: parseAuditRule(line) });
    } catch (e) {
      if (e instanceof AuditRuleSyntaxError) throw new CheckError(`${source}:${i + 1} is not an audit rule auditctl accepts (${e.message}): ${line.slice(0, 160)}`);
      throw e;
    }
  });
  return out;
}

export interface RuleCoverage {
  expected: AuditRule;
  /** the rules that together provide it (those a `never` rule silences included) */
  by: AuditRuleLine[];
  /** for a syscall rule: the syscalls no rule with the same list, action, fields and key covers */
  missingSyscalls: string[];
  /** the `never` rules that silence the events of every rule providing a syscall (or the watch), with what they silence */
  silencedBy: Array<{ never: AuditRuleLine; syscall?: string }>;
  covered: boolean;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
const includesAll = (have: string[], want: string[]) => want.every((x) => have.includes(x));

/** The first `never` rule that silences `e` (for `syscall`) before the rule at `index`, in the kernel's order. */
function silencer(rules: AuditRuleLine[], index: number, e: AuditRule, syscall?: string): AuditRuleLine | undefined {
  return rules.find((n, i) => (i < index || (n.rule.kind === 'syscall' && n.rule.list === 'task')) && silences(n.rule, e, syscall));
}

/**
 * Whether the rules, in the order the kernel tries them, provide an expected rule. A watch is provided by
 * a watch of the same path with at least its permissions and its keys. A syscall rule is provided when
 * each of its syscalls is in some rule with the same list, action, fields and key (so one rule may be split
 * over several lines, or several merged into one); a rule for every syscall (no -S) provides only a rule
 * for every syscall, or any syscall. A providing rule counts only if no `never` rule before it (or on the
 * task list) can match the same events (src/facts/audit-rule-overlap.ts).
 */
export function coverage(expected: AuditRule, rules: AuditRuleLine[]): RuleCoverage {
  if (expected.kind === 'control') throw new Error('a control line is not a rule');
  const silencedBy: RuleCoverage['silencedBy'] = [];
  if (expected.kind === 'watch') {
    const by = rules.filter((l) => l.rule.kind === 'watch' && l.rule.op === 'add' && l.rule.path === expected.path
      && includesAll([...l.rule.perms], [...expected.perms]) && includesAll(l.rule.keys, expected.keys));
    const silenced = by.map((l) => silencer(rules, rules.indexOf(l), expected));
    const live = silenced.some((n) => n === undefined);
    if (by.length && !live) silencedBy.push({ never: silenced[0]! });
    return { expected, by, missingSyscalls: [], silencedBy, covered: by.length > 0 && live };
  }
  const candidates = rules.filter((l) => l.rule.kind === 'syscall' && l.rule.op === 'add' && l.rule.list === expected.list
    && l.rule.action === expected.action && sameSet(l.rule.fields, expected.fields) && includesAll(l.rule.keys, expected.keys));
  const by = new Set<AuditRuleLine>();
  const missing: string[] = [];
  for (const s of expected.syscalls) {
    const hit = candidates.filter((l) => l.rule.kind === 'syscall' && (s === 'all' ? l.rule.syscalls[0] === 'all' : l.rule.syscalls.includes(s) || l.rule.syscalls[0] === 'all'));
    if (!hit.length) { missing.push(s); continue; }
    hit.forEach((h) => by.add(h));
    const silenced = expected.action === 'always' ? hit.map((h) => silencer(rules, rules.indexOf(h), expected, s)) : [];
    if (silenced.length && silenced.every((n) => n !== undefined)) silencedBy.push({ never: silenced[0]!, syscall: s });
  }
  return { expected, by: [...by], missingSyscalls: missing, silencedBy, covered: missing.length === 0 && silencedBy.length === 0 };
}

export interface LoadedAuditRules {
  command: string;
  lines: AuditRuleLine[];
}

/** Parse `auditctl -l`: one rule per line, or "No rules" when the kernel has none. */
export function parseAuditctlList(text: string): AuditRuleLine[] {
  if (/^\s*No rules\s*$/.test(text)) return [];
  return parseAuditRules(text, AUDITCTL_LIST);
}

/** The rules in the running kernel. Needs root (CAP_AUDIT_CONTROL) on a running system. */
export const loadedAuditRules = defineFact<LoadedAuditRules>('audit-rules-loaded', async ({ facts }) => {
  const r = await facts.command(AUDITCTL_LIST, `PATH="$PATH:/sbin:/usr/sbin"; ${AUDITCTL_LIST}`);
  const out = r.stdout.toString('utf8');
  if (r.exitCode !== 0) {
    const why = (r.stderr.trim() || out.trim()).split('\n')[0].slice(0, 200);
    throw new CheckError(r.exitCode === 127 ? `${AUDITCTL_LIST}: auditctl is not installed, the loaded rules cannot be listed`
      : `${AUDITCTL_LIST} failed (exit ${r.exitCode}): ${why}`);
  }
  return { command: AUDITCTL_LIST, lines: parseAuditctlList(out) };
});

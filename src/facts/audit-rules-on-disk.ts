/**
 * The audit rules the kernel holds after the next boot, from the files. At boot auditd.service runs
 * `augenrules --load`: augenrules writes /etc/audit/audit.rules from /etc/audit/rules.d (src/facts/
 * augenrules.ts; an empty rules.d gives an empty rule set) and `auditctl -R` loads that file line by line.
 * Only when /etc/audit/rules.d is not a directory does augenrules load /etc/audit/audit.rules as it is.
 *
 * `auditctl -R` applies each line in order and stops at the first line the kernel refuses, so:
 * - `-D` deletes every rule loaded so far, `-D -k key` those with the key; `-d`/`-W` delete one rule;
 * - `-a` appends to the end of a list, `-A` puts the rule first;
 * - a rule equal to one already loaded is refused ("Rule exists"), as is the deletion of a rule that is
 *   not loaded: nothing after that line is loaded;
 * - after `-e 2` every change is refused: nothing after it is loaded.
 * A line auditctl splits differently than it reads (a tab, a carriage return: auditctl splits at spaces
 * only) is an error: what the kernel would make of it cannot be judged.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { AuditRuleSyntaxError, AUDIT_RULES_DIR, AUDIT_RULES_FILE, AUDIT_RULES_GLOB, canonicalRule, parseAuditRule, type AuditRuleLine } from './audit-rules.js';
import { augenrulesMerge, awkFromAlternatives, type AwkFlavour, type MergedRuleLine, type RulesDirEntry } from './augenrules.js';

export const AWK_ALTERNATIVES = '/var/lib/dpkg/alternatives/awk';

export interface AuditRulesOnDisk {
  /** /etc/audit/rules.d/*.rules (augenrules merges them), or /etc/audit/audit.rules (loaded as it is) */
  source: string;
  /** true when augenrules merges rules.d; false when it loads /etc/audit/audit.rules as it is */
  compiled: boolean;
  /** the files read, in the order augenrules reads them */
  files: string[];
  /** which awk runs augenrules, and how that was decided (only when rules.d is merged) */
  awk?: { awk: AwkFlavour; why: string };
  /** every rule and control line auditctl -R is given, in order */
  lines: AuditRuleLine[];
  /** the watches and syscall rules loaded, in the kernel's order */
  rules: AuditRuleLine[];
  /** the last -e line applied */
  enabled?: AuditRuleLine;
  /** the line the kernel refuses, where auditctl -R stops, and why */
  stoppedAt?: { line: AuditRuleLine; reason: string };
  /** the lines after that one: never loaded */
  notLoaded: AuditRuleLine[];
}

const where = (l: AuditRuleLine) => `${l.source}:${l.line}`;

/** One line as `auditctl -R` reads it: leading spaces skipped, blank and `#` lines skipped. */
export function parseLoadLine(text: string, source: string, line: number): AuditRuleLine | undefined {
  const stripped = text.replace(/^ +/, '');
  if (!stripped || stripped.startsWith('#')) return undefined;
  const shown = text.slice(0, 160).replace(/\t/g, '\\t').replace(/\r/g, '\\r');
  if (/[\t\r\f\v]/.test(stripped)) {
    throw new CheckError(`${source}:${line} holds a tab or carriage return; auditctl splits a rule at spaces only, so what it loads from this line cannot be judged: ${shown}`);
  }
  try {
    return { source, line, text: stripped.trim(), rule: parseAuditRule(stripped) };
  } catch (e) {
    if (e instanceof AuditRuleSyntaxError) throw new CheckError(`${source}:${line} is not an audit rule auditctl accepts (${e.message}): ${shown}`);
    throw e;
  }
}

/** Apply the lines as `auditctl -R` does, up to the first line the kernel refuses. */
export function loadAsAuditctl(lines: AuditRuleLine[]): Pick<AuditRulesOnDisk, 'rules' | 'enabled' | 'stoppedAt' | 'notLoaded'> {
  let rules: AuditRuleLine[] = [];
  let enabled: AuditRuleLine | undefined;
  let locked: AuditRuleLine | undefined;
  const stop = (i: number, reason: string) => ({ rules, enabled, stoppedAt: { line: lines[i], reason }, notLoaded: lines.slice(i + 1) });
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const r = l.rule;
    if (locked) return stop(i, `the rules were locked by "${locked.text}" (${where(locked)}): the kernel refuses every later change, and auditctl -R stops at the first refusal`);
    if (r.kind === 'control') {
      if (r.option === '-D') rules = [];
      else if (r.option === '-D -k') rules = rules.filter((x) => x.rule.kind === 'control' || !x.rule.keys.includes(r.value!));
      else if (r.option === '-e') {
        if (!['0', '1', '2'].includes(r.value!)) return stop(i, `auditctl accepts only -e 0, 1 or 2`);
        enabled = l;
        if (r.value === '2') locked = l;
      }
      continue;
    }
    const same = canonicalRule({ ...r, op: 'add' });
    const at = rules.findIndex((x) => canonicalRule(x.rule) === same);
    if (r.op === 'add') {
      if (at >= 0) return stop(i, `the same rule is already loaded from ${where(rules[at])}: the kernel answers "Rule exists" and auditctl -R stops there`);
      if (/(^|\s)-A(\s|$)/.test(l.text)) rules = [l, ...rules];
      else rules = [...rules, l];
    } else {
      if (at < 0) return stop(i, `no such rule is loaded: the kernel refuses the deletion and auditctl -R stops there`);
      rules = rules.filter((_, j) => j !== at);
    }
  }
  return { rules, enabled, notLoaded: [] };
}

const toRuleLines = (merged: MergedRuleLine[]): AuditRuleLine[] => merged.flatMap((m) => {
  const l = parseLoadLine(m.text, m.source, m.line);
  return l ? [l] : [];
});

/** augenrules' merge of rules.d (entries by name), then auditctl -R of the result. */
export function auditRulesFromRulesDir(entries: RulesDirEntry[], awk: { awk: AwkFlavour; why: string }): AuditRulesOnDisk {
  const merged = augenrulesMerge(entries, awk.awk, AUDIT_RULES_DIR);
  const lines = toRuleLines(merged.lines);
  return { source: AUDIT_RULES_GLOB, compiled: true, files: merged.read, awk, lines, ...loadAsAuditctl(lines) };
}

/** /etc/audit/audit.rules loaded as it is (rules.d is not a directory); null when it does not exist either. */
export function auditRulesFromLoadFile(text: string | null, path = AUDIT_RULES_FILE): AuditRulesOnDisk {
  const lines = text === null ? [] : toRuleLines(text.split('\n').map((t, i) => ({ source: path, line: i + 1, text: t })));
  return { source: path, compiled: false, files: text === null ? [] : [path], lines, ...loadAsAuditctl(lines) };
}

/** The -e line in force after the load, and the other -e lines given. */
export function decidingEnableFlag(disk: AuditRulesOnDisk): { flag?: AuditRuleLine; others: AuditRuleLine[] } {
  const flags = disk.lines.filter((l) => l.rule.kind === 'control' && l.rule.option === '-e');
  return { flag: disk.enabled, others: flags.filter((l) => l !== disk.enabled) };
}

export const auditRulesOnDisk = defineFact<AuditRulesOnDisk>('audit-rules-on-disk', async ({ facts }) => {
  const [dir] = await facts.readMany([AUDIT_RULES_DIR]);
  if (dir.state !== 'directory') {
    if (dir.state === 'unreadable') throw new CheckError(`${AUDIT_RULES_DIR} cannot be read: ${dir.reason}`);
    return auditRulesFromLoadFile(await facts.text(AUDIT_RULES_FILE));
  }
  const entries: RulesDirEntry[] = [];
  for (const r of await facts.readMany([`${AUDIT_RULES_DIR}/*`])) {
    const name = r.path.slice(AUDIT_RULES_DIR.length + 1);
    if (r.state === 'missing') continue;
    if (r.state === 'directory') entries.push({ name });
    else if (r.state === 'unreadable') {
      if (/\.rules$/.test(name)) throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    } else entries.push({ name, text: r.content.toString('utf8') });
  }
  return auditRulesFromRulesDir(entries, awkFromAlternatives(await facts.text(AWK_ALTERNATIVES)));
}, [AUDIT_RULES_DIR, `${AUDIT_RULES_DIR}/*`, AUDIT_RULES_FILE, AWK_ALTERNATIVES]);

/**
 * sudo's configuration: /etc/sudoers and the files it includes, in the order sudo reads them, reduced to
 * the Defaults entries (user specifications and aliases are not needed by any check yet).
 *
 * `#include file` reads one file; `#includedir dir` reads the files of a directory in name order, skipping
 * names that end in "~" or contain a "." (sudo's own rule). `@include` and `@includedir` are sudo 1.9.1's
 * spelling: older sudo (Ubuntu 18.04 ships 1.8.21) stops with a parse error on them and runs no command
 * at all, so they end the check as an error.
 *
 * Entries sudo parses but refuses for the options the checks read (a value for the flag use_pty, logfile
 * without a value or with a value not starting with "/") are kept with `invalid` set: sudo warns and
 * ignores them, `visudo -c` refuses the file. "+=" and "-=" on logfile set it as "=" does (sudo 1.8.21).
 * A "!" before an option with a value is a parse error. Proven against sudo -V and visudo -c of the
 * fixture's sudo 1.8.21 in test/differential/sudoers.test.ts.
 * A Defaults entry with no binding (`Defaults`, not `Defaults:user`, `Defaults@host`, `Defaults!cmnd` or
 * `Defaults>runas`) applies to everyone; for one option the last such entry wins.
 *
 * Round trips: /etc/sudoers and /etc/sudoers.d/* are prefetched; another directory or file named by an
 * include costs one more read.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact, type FactStore } from './store.js';

export const SUDOERS = '/etc/sudoers';
export const SUDOERS_FILES = [SUDOERS, '/etc/sudoers.d/*'];

interface Where { file: string; line: number; text: string }

export interface SudoDefault extends Where {
  /** ":alice", "@host", "!/bin/ls", ">root"; null for an entry that applies to everyone */
  binding: string | null;
  name: string;
  /** "on" (name), "off" (!name), "=", "+=", "-=" */
  op: 'on' | 'off' | '=' | '+=' | '-=';
  value?: string;
  /** why sudo ignores this entry and visudo -c refuses it (sudo's own message) */
  invalid?: string;
}

/** What sudo 1.8.21 says of an entry for one of the options the checks read; undefined when it accepts it. */
function refusal(name: string, op: SudoDefault['op'], value: string | undefined): string | undefined {
  const hasValue = op === '=' || op === '+=' || op === '-=';
  if (name === 'use_pty' && hasValue) return 'option "use_pty" does not take a value';
  if (name === 'logfile' && op === 'on') return 'no value specified for "logfile"';
  if (name === 'logfile' && hasValue && !(value ?? '').startsWith('/')) return 'values for "logfile" must start with a \'/\'';
  return undefined;
}

export interface SudoInclude extends Where { kind: 'include' | 'includedir'; path: string }

export interface SudoersFile { file: string; entries: Array<SudoDefault | SudoInclude> }

/** Split on commas outside double quotes. */
function splitOptions(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) { cur += c + s[++i]; continue; }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out.map((o) => o.trim()).filter(Boolean);
}

/** Drop a comment: "#" outside double quotes, unless it starts an include directive or a uid (#1000). */
function stripComment(line: string): string {
  if (/^\s*#include(dir)?\s/.test(line)) return line;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') { i++; continue; }
    if (c === '"') quoted = !quoted;
    if (c === '#' && !quoted && !/^\d/.test(line.slice(i + 1))) return line.slice(0, i);
  }
  return line;
}

const unquote = (v: string) => (/^".*"$/.test(v) ? v.slice(1, -1) : v).replace(/\\(.)/g, '$1');

export function parseSudoers(text: string, file: string): SudoersFile {
  const entries: SudoersFile['entries'] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const line = i + 1;
    let logical = raw[i];
    while (/\\$/.test(logical) && i + 1 < raw.length) logical = logical.slice(0, -1) + raw[++i];
    const body = stripComment(logical).trim();
    if (!body) continue;
    const text = body.replace(/\s+/g, ' ');
    if (/^@include(dir)?\s/.test(body)) {
      throw new CheckError(`${file}:${line} "${text}": sudo before 1.9.1 (Ubuntu 18.04 ships 1.8.21) cannot parse @include and @includedir and refuses to run; write #include or #includedir`);
    }
    const inc = /^#(include|includedir)\s+(.+)$/.exec(body);
    if (inc) {
      entries.push({ kind: inc[1] as 'include' | 'includedir', path: unquote(inc[2].trim()), file, line, text });
      continue;
    }
    const d = /^Defaults([:@!>]\S+)?(?:\s+(.*))?$/.exec(body);
    if (!d) continue;
    if (!d[2]) throw new CheckError(`${file}:${line} "${text}": a Defaults entry without options`);
    for (const opt of splitOptions(d[2])) {
      const m = /^(!*)\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:(\+=|-=|=)\s*(.*))?$/.exec(opt);
      if (!m) throw new CheckError(`${file}:${line} "${text}": cannot read the option "${opt}"`);
      const [, bang, name, op, value] = m;
      if (bang && op) throw new CheckError(`${file}:${line} "${text}": "!" before an option with a value is a parse error for sudo, which then refuses to run`);
      const entry: SudoDefault = { binding: d[1] ?? null, name, op: op ? (op as '=' | '+=' | '-=') : bang.length % 2 ? 'off' : 'on', file, line, text };
      if (op) entry.value = unquote(value.trim());
      const invalid = refusal(name, entry.op, entry.value);
      if (invalid) entry.invalid = invalid;
      entries.push(entry);
    }
  }
  return { file, entries };
}

/** Whether sudo reads a file found by #includedir: not when its name ends in "~" or contains ".". */
export const includedirReads = (name: string) => !name.endsWith('~') && !name.includes('.');

export interface Sudoers {
  exists: boolean;
  /** files read, in sudo's order */
  files: string[];
  /** files in an included directory that sudo skips, with why */
  skipped: string[];
  /** every Defaults entry in the order sudo applies them */
  defaults: SudoDefault[];
  /** directories named by an includedir line, in the order sudo reads them */
  includedDirs: string[];
}

async function readSudoersTree(facts: FactStore): Promise<Sudoers> {
  const files: string[] = [];
  const skipped: string[] = [];
  const includedDirs: string[] = [];
  const defaults: SudoDefault[] = [];
  const visit = async (path: string, depth: number): Promise<boolean> => {
    if (depth > 8) throw new CheckError(`sudoers includes nest too deep at ${path}`);
    const text = await facts.text(path);
    if (text === null) return false;
    files.push(path);
    for (const e of parseSudoers(text, path).entries) {
      if (!('kind' in e)) { defaults.push(e); continue; }
      const base = path.slice(0, path.lastIndexOf('/'));
      const target = e.path.startsWith('/') ? e.path : `${base}/${e.path}`;
      if (e.kind === 'include') { await visit(target, depth + 1); continue; }
      includedDirs.push(target);
      // sudo reads regular files only; an unreadable one must end the check as an error, not be skipped
      const found = (await facts.readMany([`${target}/*`])).filter((r) => r.state === 'file' || r.state === 'unreadable').map((r) => r.path).sort();
      for (const f of found) {
        const name = f.slice(f.lastIndexOf('/') + 1);
        if (includedirReads(name)) await visit(f, depth + 1);
        else skipped.push(`${f} (sudo skips names that ${name.endsWith('~') ? 'end in "~"' : 'contain "."'})`);
      }
    }
    return true;
  };
  const exists = await visit(SUDOERS, 0);
  return { exists, files, skipped, defaults, includedDirs };
}

export const sudoers = defineFact<Sudoers>('sudoers', async ({ facts }) => readSudoersTree(facts), SUDOERS_FILES);

/** The Defaults entries for one option that apply to everyone, in order; the last one sudo accepts decides. */
export function globalDefaults(s: Sudoers, name: string): SudoDefault[] {
  return s.defaults.filter((d) => d.binding === null && d.name === name);
}

/** The entry that decides an option for everyone: the last global entry sudo accepts (it ignores refused ones). */
export function effectiveGlobal(s: Sudoers, name: string): SudoDefault | undefined {
  return globalDefaults(s, name).filter((d) => !d.invalid).pop();
}

/** Whether an entry sets logfile to a path (sudo 1.8.21 treats "+=" and "-=" on it as "="). */
export const setsValue = (d: SudoDefault) => (d.op === '=' || d.op === '+=' || d.op === '-=') && !d.invalid;

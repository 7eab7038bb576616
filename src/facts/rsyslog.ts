/**
 * rsyslog's configuration: /etc/rsyslog.conf with the files it includes (`$IncludeConfig` or
 * `include(file=...)`, expanded where they stand), then any /etc/rsyslog.d/*.conf it did not include (the
 * benchmark reads those too). Three kinds of statement matter to the checks:
 *
 * - legacy directives: `$FileCreateMode 0640`, `$ModLoad imtcp`, `$InputTCPServerRun 514`;
 * - selector rules: `facility.priority  action`, e.g. `*.* @@loghost:514` (`@@` TCP, `@` UDP);
 * - RainerScript objects, possibly over several lines: `module(load="imtcp")`, `input(type="imtcp" port="514")`,
 *   `action(type="omfwd" target="loghost" ...)`, `module(load="builtin:omfile" fileCreateMode="0640")`.
 *
 * `#` starts a comment (outside quotes), `/* ... *\/` is a block comment. Statement names and parameter
 * names are case-insensitive in rsyslog; they are kept lower-case here.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const RSYSLOG_CONF = '/etc/rsyslog.conf';
export const RSYSLOG_D_GLOB = '/etc/rsyslog.d/*.conf';
const MAX_INCLUDE_DEPTH = 8;

interface At { file: string; line: number; text: string }
export type RsyslogStatement =
  | (At & { kind: 'directive'; name: string; value: string })
  | (At & { kind: 'rule'; selector: string; action: string })
  | (At & { kind: 'object'; type: string; params: Record<string, string> })
  | (At & { kind: 'other' });

const OBJECT_START = /\b(action|module|input|global|include|template|main_queue|timezone|parser|lookup_table|ruleset|property|constant)\s*\(/gi;

/** Blank out block comments, keeping line breaks so line numbers stay right. */
function dropBlockComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
}

/** Cut a `#` comment that is outside quotes. */
function dropLineComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === '\\') i++; else if (c === quote) quote = null; }
    else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** Index just past the `)` closing the `(` at `open`, or -1 when the text ends first. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) { if (c === '\\') i++; else if (c === quote) quote = null; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') { depth--; if (depth === 0) return i + 1; }
  }
  return -1;
}

export function parseObjectParams(inner: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of inner.matchAll(/([A-Za-z_][\w.]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s)"']+))/g)) {
    params[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return params;
}

const SELECTOR = /^([A-Za-z0-9_*]+(?:,[A-Za-z0-9_*]+)*\.[!=<>]*[A-Za-z0-9_*]+(?:;[A-Za-z0-9_*,]+\.[!=<>]*[A-Za-z0-9_*]+)*)\s+(\S.*)$/;

/** Parse one configuration file into statements (includes are left as statements, not expanded). */
export function parseRsyslogConf(text: string, file: string): RsyslogStatement[] {
  const lines = dropBlockComments(text).split('\n').map(dropLineComment);
  const out: RsyslogStatement[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const at = { file, line: i + 1, text: line };
    if (line.startsWith('$')) {
      const m = /^(\$\S+)\s*(.*)$/.exec(line)!;
      out.push({ ...at, kind: 'directive', name: m[1].toLowerCase(), value: m[2].trim() });
      continue;
    }
    OBJECT_START.lastIndex = 0;
    if (OBJECT_START.test(line)) {
      // an object may run over several lines: join them until its parentheses close
      let joined = line;
      let last = i;
      const objects: Array<{ type: string; params: Record<string, string> }> = [];
      let pos = 0;
      for (;;) {
        OBJECT_START.lastIndex = pos;
        const m = OBJECT_START.exec(joined);
        if (!m) break;
        const open = m.index + m[0].length - 1;
        let end = closingParen(joined, open);
        while (end < 0 && last + 1 < lines.length) {
          joined += `\n${lines[++last]}`;
          end = closingParen(joined, open);
        }
        if (end < 0) throw new CheckError(`${file}:${i + 1}: ${m[1]}( is never closed`);
        objects.push({ type: m[1].toLowerCase(), params: parseObjectParams(joined.slice(open + 1, end - 1)) });
        pos = end;
      }
      const sel = SELECTOR.exec(line);
      if (sel && !/^(action|module|input|global|include|template)\s*\(/i.test(line)) out.push({ ...at, kind: 'rule', selector: sel[1], action: sel[2] });
      const text = joined.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
      for (const o of objects) out.push({ ...at, text, kind: 'object', type: o.type, params: o.params });
      i = last;
      continue;
    }
    const sel = SELECTOR.exec(line);
    if (sel) { out.push({ ...at, kind: 'rule', selector: sel[1], action: sel[2] }); continue; }
    const prop = /^(:[^,]+,\s*!?[A-Za-z_-]+,\s*"(?:[^"\\]|\\.)*")\s+(\S.*)$/.exec(line);
    if (prop) { out.push({ ...at, kind: 'rule', selector: prop[1], action: prop[2] }); continue; }
    out.push({ ...at, kind: 'other' });
  }
  return out;
}

/** The pattern an include statement names, or undefined when the statement is not an include. */
export function includePattern(s: RsyslogStatement): string | undefined {
  let p: string | undefined;
  if (s.kind === 'directive' && s.name === '$includeconfig') p = s.value;
  else if (s.kind === 'object' && s.type === 'include') p = s.params.file;
  if (!p) return undefined;
  // a directory includes every file in it
  return p.endsWith('/') ? `${p}*` : p;
}

export interface RsyslogConfig {
  exists: boolean;
  /** the files read, in the order rsyslog reads them */
  files: string[];
  /** files of /etc/rsyslog.d that no include named (read anyway, as the benchmark does) */
  notIncluded: string[];
  statements: RsyslogStatement[];
}

/** The entries a pattern names: files with their text, and directories (rsyslog includes what is in them). */
export type FileReader = (pattern: string) => Promise<Array<{ path: string; text: string } | { path: string; directory: true }>>;
type Entry = Awaited<ReturnType<FileReader>>[number];
const byPath = (a: Entry, b: Entry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Read rsyslog.conf and expand its includes where they stand, as rsyslogd 8.32 does
 * (test/differential/rsyslog.test.ts): an include puts every file its pattern matches (sorted; a
 * directory with everything in it, recursively) on rsyslog's stack of files to read, at once, and they are
 * read in that order before the rest of the including file. A file already on the stack (being read, or
 * put there by an include not yet finished) is not included again (rsyslog says "already included -
 * ignored"); a file included again after it was read is read again, and its settings apply again.
 * Then the rsyslog.d files no include named, which the benchmark reads too.
 */
export async function assembleRsyslog(read: FileReader): Promise<RsyslogConfig> {
  const main = (await read(RSYSLOG_CONF)).filter((e): e is { path: string; text: string } => !('directory' in e));
  if (!main.length) return { exists: false, files: [], notIncluded: [], statements: [] };
  const files: string[] = [];
  const onStack = new Set<string>();
  const matches = async (pattern: string, dirDepth: number): Promise<Array<{ path: string; text: string }>> => {
    const out: Array<{ path: string; text: string }> = [];
    for (const m of (await read(pattern)).sort(byPath)) {
      if (!('directory' in m)) { out.push(m); continue; }
      if (dirDepth >= MAX_INCLUDE_DEPTH) throw new CheckError(`${m.path}: directories nest more than ${MAX_INCLUDE_DEPTH} deep`);
      out.push(...(await matches(`${m.path}/*`, dirDepth + 1)));
    }
    return out;
  };
  const expand = async (path: string, text: string, depth: number): Promise<RsyslogStatement[]> => {
    if (depth > MAX_INCLUDE_DEPTH) throw new CheckError(`${path}: includes nest more than ${MAX_INCLUDE_DEPTH} deep`);
    if (!files.includes(path)) files.push(path);
    const out: RsyslogStatement[] = [];
    for (const s of parseRsyslogConf(text, path)) {
      out.push(s);
      const pattern = includePattern(s);
      if (!pattern) continue;
      const queued = (await matches(pattern, 0)).filter((m) => !onStack.has(m.path));
      for (const m of queued) onStack.add(m.path);
      for (const m of queued) {
        out.push(...(await expand(m.path, m.text, depth + 1)));
        onStack.delete(m.path);
      }
    }
    return out;
  };
  onStack.add(main[0].path);
  const statements = await expand(main[0].path, main[0].text, 0);
  const notIncluded: string[] = [];
  for (const f of (await read(RSYSLOG_D_GLOB)).sort(byPath)) {
    if ('directory' in f || files.includes(f.path)) continue;
    notIncluded.push(f.path);
    onStack.clear();
    onStack.add(f.path);
    statements.push(...(await expand(f.path, f.text, 1)));
  }
  return { exists: true, files, notIncluded, statements };
}

export const rsyslogConfig = defineFact<RsyslogConfig>('rsyslog-config', async ({ facts }) => assembleRsyslog(async (pattern) => {
  const out: Awaited<ReturnType<FileReader>> = [];
  for (const r of await facts.readMany([pattern])) {
    if (r.state === 'missing') continue;
    if (r.state === 'directory') { out.push({ path: r.path, directory: true }); continue; }
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    out.push({ path: r.path, text: r.content.toString('utf8') });
  }
  return out;
}), [RSYSLOG_CONF, RSYSLOG_D_GLOB]);

/** A file creation mode rsyslog is told to use: the default for later file actions, or one action's own. */
export interface FileCreateMode extends At { scope: 'default' | 'action'; value: string; mode: number }

const parseMode = (v: string, where: At): number => {
  if (!/^0?[0-7]{3}$/.test(v)) throw new CheckError(`${where.file}:${where.line}: "${v}" is not an octal file mode`);
  return parseInt(v, 8);
};

export function fileCreateModes(statements: RsyslogStatement[]): FileCreateMode[] {
  const out: FileCreateMode[] = [];
  for (const s of statements) {
    const at = { file: s.file, line: s.line, text: s.text };
    if (s.kind === 'directive' && s.name === '$filecreatemode') out.push({ ...at, scope: 'default', value: s.value, mode: parseMode(s.value, at) });
    if (s.kind === 'object' && s.params.filecreatemode !== undefined) {
      const isDefault = s.type === 'module' && /^(builtin:)?omfile$/i.test(s.params.load ?? '');
      if (isDefault || s.type === 'action') out.push({ ...at, scope: isDefault ? 'default' : 'action', value: s.params.filecreatemode, mode: parseMode(s.params.filecreatemode, at) });
    }
  }
  return out;
}

/** Where messages are sent over the network: `@host` / `@@host` rule actions, or actions with a target. */
export interface RemoteTarget extends At { how: string; target: string }

export function remoteTargets(statements: RsyslogStatement[]): RemoteTarget[] {
  const out: RemoteTarget[] = [];
  for (const s of statements) {
    if (s.kind === 'rule') {
      const m = /^(@@?)(?:\([^)]*\))?(\S+)/.exec(s.action);
      if (m) out.push({ file: s.file, line: s.line, text: s.text, how: `${s.selector} to ${m[1] === '@@' ? 'TCP' : 'UDP'}`, target: m[2] });
    }
    if (s.kind === 'object' && s.type === 'action' && s.params.target) {
      out.push({ file: s.file, line: s.line, text: s.text, how: `action type ${s.params.type ?? '(none)'}${s.params.protocol ? ` over ${s.params.protocol}` : ''}`, target: s.params.target });
    }
  }
  return out;
}

/** Statements that make rsyslog listen for messages from the network (TCP, UDP or RELP). */
export function networkInputs(statements: RsyslogStatement[]): RsyslogStatement[] {
  return statements.filter((s) => (s.kind === 'directive' && ((s.name === '$modload' && /^im(tcp|udp|relp)$/i.test(s.value))
      || /^\$(inputtcpserverrun|udpserverrun|inputrelpserverrun)$/.test(s.name)))
    || (s.kind === 'object' && s.type === 'module' && /^im(tcp|udp|relp)$/i.test(s.params.load ?? ''))
    || (s.kind === 'object' && s.type === 'input' && /^im(tcp|udp|relp)$/i.test(s.params.type ?? '')));
}

/** The logging rules: which messages go where (selector rules and actions). */
export function loggingRules(statements: RsyslogStatement[]): RsyslogStatement[] {
  const ruleAt = new Set(statements.filter((s) => s.kind === 'rule').map((s) => `${s.file}:${s.line}`));
  return statements.filter((s) => s.kind === 'rule' || (s.kind === 'object' && s.type === 'action' && !ruleAt.has(`${s.file}:${s.line}`)));
}

/**
 * logrotate's configuration: /etc/logrotate.conf and the files of /etc/logrotate.d. A file holds global
 * directives (`weekly`, `create 0640 root utmp`, `include /etc/logrotate.d`) and blocks that name log files
 * before `{` (possibly over several lines) and list their own directives up to `}`. Script sections
 * (`postrotate` ... `endscript`, and the like) are skipped; `#` starts a comment line.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const LOGROTATE_CONF = '/etc/logrotate.conf';
export const LOGROTATE_D_GLOB = '/etc/logrotate.d/*';

export interface LogrotateDirective {
  name: string;
  args: string[];
  file: string;
  line: number;
  text: string;
  /** the log files of the block it is in; null for a global directive */
  block: string[] | null;
}

export interface LogrotateFile { path: string; directives: LogrotateDirective[]; blocks: Array<{ logs: string[]; line: number }> }

const SCRIPTS = new Set(['prerotate', 'postrotate', 'firstaction', 'lastaction', 'preremove']);

export function parseLogrotateConf(text: string, file: string): LogrotateFile {
  const directives: LogrotateDirective[] = [];
  const blocks: LogrotateFile['blocks'] = [];
  let block: string[] | null = null;
  let pending: string[] = [];
  let pendingLine = 0;
  let inScript = false;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (inScript) { if (line === 'endscript') inScript = false; return; }
    if (!line || line.startsWith('#')) return;
    const fail = (why: string): never => { throw new CheckError(`${file}:${i + 1} ${why}: ${line.slice(0, 120)}`); };
    if (line === '}') {
      if (!block) fail('closes a block that was never opened');
      block = null;
      return;
    }
    const brace = line.indexOf('{');
    if (brace >= 0) {
      if (block) fail('opens a block inside a block');
      if (line.slice(brace + 1).trim()) fail('has text after "{"');
      const logs = [...pending, ...line.slice(0, brace).trim().split(/\s+/).filter(Boolean)].map((l) => l.replace(/^"|"$/g, ''));
      if (!logs.length) fail('opens a block that names no log file');
      block = logs;
      blocks.push({ logs, line: pending.length ? pendingLine : i + 1 });
      pending = [];
      return;
    }
    const words = line.split(/\s+/);
    // outside a block, a line that starts with a path (or a quote) names log files of the block to come
    if (!block && /^["/~]/.test(words[0])) {
      if (!pending.length) pendingLine = i + 1;
      pending.push(...words);
      return;
    }
    if (pending.length) fail('comes between log file names and their "{"');
    const name = words[0].toLowerCase();
    directives.push({ name, args: words.slice(1), file, line: i + 1, text: line, block });
    if (SCRIPTS.has(name)) inScript = true;
  });
  if (inScript) throw new CheckError(`${file}: a script section has no endscript`);
  if (block) throw new CheckError(`${file}: a block opened is never closed`);
  if (pending.length) throw new CheckError(`${file}:${pendingLine} names log files without a "{" block`);
  return { path: file, directives, blocks };
}

export interface LogrotateMain { path: string; exists: boolean; parsed: LogrotateFile | null; /** the file as read, for a fix to start from */ text: string | null }

/** /etc/logrotate.conf, the file whose settings apply to every log. */
export const logrotateMainConfig = defineFact<LogrotateMain>('logrotate-main', async ({ facts }) => {
  const text = await facts.text(LOGROTATE_CONF);
  return { path: LOGROTATE_CONF, exists: text !== null, parsed: text === null ? null : parseLogrotateConf(text, LOGROTATE_CONF), text };
}, [LOGROTATE_CONF]);

/** The files of /etc/logrotate.d in name order; one that cannot be parsed keeps its reason, for a person to read. */
export const logrotateDropins = defineFact<Array<LogrotateFile | { path: string; problem: string }>>('logrotate-dropins', async ({ facts }) => {
  const out: Array<LogrotateFile | { path: string; problem: string }> = [];
  for (const r of await facts.readMany([LOGROTATE_D_GLOB])) {
    if (r.state === 'missing' || r.state === 'directory') continue;
    if (r.state === 'unreadable') { out.push({ path: r.path, problem: `cannot be read: ${r.reason}` }); continue; }
    try {
      out.push(parseLogrotateConf(r.content.toString('utf8'), r.path));
    } catch (e) {
      if (!(e instanceof CheckError)) throw e;
      out.push({ path: r.path, problem: e.message });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}, [LOGROTATE_D_GLOB]);

/** The mode a `create` directive gives new log files; null when it names none (`create` or `create owner group`). */
export function createMode(d: LogrotateDirective): number | null {
  const first = d.args[0];
  if (first === undefined || !/^[0-7]{3,4}$/.test(first)) return null;
  return parseInt(first, 8);
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

/**
 * The text of a logrotate configuration with its "create" directives made strict: a mode more permissive
 * than `max` loses the extra bits, a "create" naming owners but no mode gets `max`, and the last global
 * "create" (or "nocreate") becomes `defaultCreate` when it names no mode; with no global one at all,
 * `defaultCreate` is put first, so that it applies to every log. Indentation and every other line are kept.
 */
export function withStrictCreateModes(text: string, parsed: LogrotateFile, max: number, defaultCreate: string): string {
  const lines = text.split('\n');
  const rewrite = (d: LogrotateDirective, directive: string) => {
    const indent = /^\s*/.exec(lines[d.line - 1])![0];
    lines[d.line - 1] = `${indent}${directive}`;
  };
  const globals = parsed.directives.filter((d) => d.block === null && (d.name === 'create' || d.name === 'nocreate'));
  const lastGlobal = globals[globals.length - 1];
  for (const d of parsed.directives.filter((x) => x.name === 'create')) {
    const mode = createMode(d);
    if (mode === null) {
      if (d !== lastGlobal && d.args.length) rewrite(d, `create ${octal(max)} ${d.args.join(' ')}`);
    } else if (mode & ~max & 0o7777) rewrite(d, `create ${octal(mode & max)} ${d.args.slice(1).join(' ')}`.trimEnd());
  }
  if (lastGlobal && (lastGlobal.name === 'nocreate' || createMode(lastGlobal) === null)) rewrite(lastGlobal, defaultCreate);
  if (!lastGlobal) lines.unshift(defaultCreate);
  return lines.join('\n');
}

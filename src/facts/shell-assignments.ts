/**
 * Settings in shell variable files (NAME=value lines that a start script sources with the shell):
 * /etc/default/ufw and /etc/ufw/ufw.conf, which ufw's boot script sources. Files that systemd reads itself
 * (EnvironmentFile=: the chrony and ntpd options files) have their own reader, src/facts/systemd-env-file.ts.
 *
 * The reader reads the file as `. FILE` in /bin/sh (dash) does, for the part of the shell language such
 * files use: commands made only of assignments (NAME=word ...), `export` of such assignments or of names,
 * separated by newlines or `;`, and comments. A word is unquoted characters, `\c`, '...' and "..." (where a
 * backslash quotes only $ ` " \ and a newline). Anything else, which dash would run, expand or reject
 * (another command, `$`, a backtick, `~`, a redirection, `&`, `|`, parentheses, an unterminated quote),
 * is an error, never a guess. test/facts/shell-assignments-differential.test.ts compares it with dash.
 */
import { TextCursor, VARIABLE_NAME } from './text-cursor.js';

export interface ShellAssignment { name: string; value: string; file: string; line: number }

/** One shell word after quote removal; `plain` is how many of its first characters were unquoted. */
interface Word { value: string; plain: number; line: number; glob: boolean }

const BLANK = new Set([' ', '\t']);
/** characters that end an unquoted word */
const ENDS_WORD = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
/** the characters a backslash quotes inside double quotes (a backslash before a newline removes both) */
const DQ_ESCAPABLE = new Set(['$', '`', '"', '\\']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

class Reader extends TextCursor {
  /** a backslash before a newline (outside single quotes) joins the lines: both characters go */
  private continuation(): boolean {
    if (this.text[this.i] !== '\\' || this.text[this.i + 1] !== '\n') return false;
    this.take(); this.take();
    return true;
  }

  skipBlanks(): void {
    for (;;) {
      if (!this.done && BLANK.has(this.next)) this.take();
      else if (!this.continuation()) return;
    }
  }

  skipComment(): void {
    while (!this.done && this.next !== '\n') this.take();
  }

  word(): Word {
    const start = this.line;
    let value = '';
    let plain = 0;
    let quoted = false;
    let glob = false;
    const quote = (s: string) => { value += s; quoted = true; };
    while (!this.done && !ENDS_WORD.has(this.next)) {
      if (this.continuation()) continue;
      const c = this.take();
      if (c === '\\') {
        if (this.done) this.fail('ends with a backslash, which dash rejects');
        quote(this.take());
      } else if (c === "'") {
        const close = this.text.indexOf("'", this.i);
        if (close < 0) this.fail('has an assignment whose quoting cannot be read (a quote is not closed)', start);
        let s = '';
        while (this.i < close) s += this.take();
        this.take();
        quote(s);
      } else if (c === '"') {
        quote(this.doubleQuoted(start));
      } else if (c === '$' || c === '`') {
        this.fail(`expands ${c === '$' ? 'a $ expression' : 'a backtick command'}, which this reader does not evaluate`);
      } else if (c === '~') {
        this.fail('has a ~, which dash may expand to a home directory');
      } else if (c === '\0') {
        this.fail('has a NUL character');
      } else {
        if ('*?['.includes(c)) glob = true;
        value += c;
        if (!quoted) plain = value.length;
      }
    }
    return { value, plain, line: start, glob };
  }

  private doubleQuoted(start: number): string {
    let s = '';
    for (;;) {
      if (this.done) this.fail('has an assignment whose quoting cannot be read (a quote is not closed)', start);
      if (this.continuation()) continue;
      const c = this.take();
      if (c === '"') return s;
      if (c === '$' || c === '`') this.fail(`expands ${c === '$' ? 'a $ expression' : 'a backtick command'} inside double quotes, which this reader does not evaluate`);
      if (c === '\\' && !this.done && DQ_ESCAPABLE.has(this.next)) s += this.take();
      else s += c;
    }
  }
}

/** NAME=value of a word that is an assignment (its NAME= unquoted), or undefined. */
function assignment(w: Word): { name: string; value: string } | undefined {
  const m = ASSIGNMENT.exec(w.value);
  if (!m || m[0].length > w.plain) return undefined;
  return { name: m[1], value: w.value.slice(m[0].length) };
}

/**
 * The variables such a file sets, as dash leaves them after sourcing it: the last assignment of a name
 * wins; `export NAME` keeps its value. A line that is blank or a comment sets nothing. Anything else is a
 * CheckError naming the file and line (see the top of this file).
 */
export function parseShellAssignments(text: string, file: string): Map<string, ShellAssignment> {
  const out = new Map<string, ShellAssignment>();
  const r = new Reader(text, file);
  const set = (a: { name: string; value: string }, line: number) => out.set(a.name, { ...a, file, line });
  while (!r.done) {
    r.skipBlanks();
    if (r.done) break;
    if (r.next === '\n') { r.take(); continue; }
    if (r.next === '#') { r.skipComment(); continue; }
    const words: Word[] = [];
    for (;;) {
      r.skipBlanks();
      if (r.done || r.next === '\n') break;
      if (r.next === '#') { r.skipComment(); break; }
      if (r.next === ';') {
        if (words.length === 0) r.fail('has a ; with no command before it, which dash rejects');
        r.take();
        break;
      }
      if (ENDS_WORD.has(r.next)) r.fail(`has a "${r.next}" (a redirection, pipe, background or subshell), which this reader does not run`);
      words.push(r.word());
    }
    const isExport = words[0].value === 'export' && words[0].plain === 6;
    if (isExport) {
      for (const w of words.slice(1)) {
        const a = assignment(w);
        if (a && !w.glob) set(a, w.line);
        else if (!(w.plain === w.value.length && VARIABLE_NAME.test(w.value))) r.fail('has an export argument that is not NAME or NAME=word', w.line);
      }
      continue;
    }
    const as = words.map(assignment);
    const command = as.findIndex((a) => a === undefined);
    if (command >= 0) {
      r.fail(command === 0
        ? 'runs a command, which this reader does not run (only assignments are read)'
        : 'has assignments followed by a command: dash gives them to that command only, and runs it', words[command].line);
    }
    as.forEach((a, k) => set(a!, words[k].line));
  }
  return out;
}

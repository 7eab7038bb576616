/**
 * Files that a systemd unit names with EnvironmentFile= (/etc/default/chrony, /etc/sysconfig/chronyd,
 * /etc/sysconfig/ntpd): systemd reads them itself, no shell is involved, so $X stays literal, `A=a b` is
 * "a b" and `A=b; B=c` is "b; B=c". The rules, as systemd.exec(5) states them and as systemd 237 and 252
 * behave (test/facts/systemd-env-file-differential.test.ts compares this reader with systemd's own loader):
 *
 * - A line is NAME=value. Blank lines, lines without "=", and lines whose first non-blank character is
 *   # or ; set nothing. A carriage return ends a line as a newline does.
 * - Blanks around NAME and at the start of the value are dropped; an assignment whose NAME is not a valid
 *   variable name ([A-Za-z_][A-Za-z0-9_]*, so not `export A` or `1A`) is ignored, as systemd ignores it.
 * - An unquoted value runs to the end of the line, blanks inside it kept and trailing blanks dropped;
 *   quotes after its first character are ordinary characters; a backslash takes the next character
 *   literally, and a backslash before the end of the line joins the next line.
 * - A value that starts with '...' or "..." may span lines (but see below); inside double quotes a
 *   backslash quotes " \ ` $ and joins lines before a newline. Quoted parts and unquoted text right after
 *   them join up.
 * - The last assignment of a name wins; NAME= sets the empty value.
 *
 * Where systemd versions differ or the file is broken, the reader throws CheckError with file:line rather
 * than pick one reading: a comment line ending in a backslash (systemd before 254 continues the comment on
 * the next line, later ones do not: systemd/systemd#27975); a value with a newline or another control
 * character (only quotes can hold one; systemd before 239 refuses such a value); a backslash before any
 * other character inside double quotes (237 drops the backslash, 252 keeps it); a backslash inside single
 * quotes (237 reads it as an escape, so \' does not close the quote there; 252 keeps it); a quote left open
 * at the end of the file; a NUL; text that was not valid UTF-8.
 */
import { CheckError } from '../model/verdict.js';
import { TextCursor, VARIABLE_NAME } from './text-cursor.js';
import type { ShellAssignment } from './shell-assignments.js';

const BLANK = new Set([' ', '\t']);
/** systemd ends a line at either */
const LINE_END = new Set(['\n', '\r']);
/** what a backslash quotes inside double quotes, in every systemd version */
const DQ_ESCAPABLE = new Set(['"', '\\', '`', '$']);
/** control characters but tab: only quotes can put them in a value */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

class EnvFileReader extends TextCursor {
  /** a comment runs to the end of the line; one that ends in an odd number of backslashes is read differently by systemd versions */
  comment(): void {
    const start = this.line;
    let backslashes = 0;
    while (!this.done && !LINE_END.has(this.next)) backslashes = this.take() === '\\' ? backslashes + 1 : 0;
    if (!this.done && backslashes % 2 === 1) {
      this.fail('has a comment ending in a backslash: systemd before 254 also ignores the next line, later versions read it', start);
    }
  }

  /** NAME up to "=", blanks after it dropped; undefined when the line ends first (the line sets nothing). A first "=" belongs to the name (which is then invalid). */
  key(): string | undefined {
    let key = this.take();
    while (!this.done && !LINE_END.has(this.next)) {
      const c = this.take();
      if (c === '=') return key.replace(/[ \t]+$/, '');
      key += c;
    }
    return undefined;
  }

  /** the value after "=", up to the end of its (last) line */
  value(start: number): string {
    let value = '';
    // before any unquoted character: blanks are skipped and quotes open
    for (;;) {
      if (this.done || LINE_END.has(this.next)) return value;
      const c = this.take();
      if (BLANK.has(c)) continue;
      if (c === "'") value += this.singleQuoted(start);
      else if (c === '"') value += this.doubleQuoted(start);
      else if (c === '\\') return this.unquoted(value + this.escaped());
      else return this.unquoted(value + c);
    }
  }

  /** the character after a backslash outside quotes: a line end is removed with the backslash */
  private escaped(): string {
    if (this.done) return '';
    if (LINE_END.has(this.next)) { this.take(); return ''; }
    return this.take();
  }

  /** the rest of an unquoted value: to the end of the line, trailing blanks dropped (not escaped ones) */
  private unquoted(value: string): string {
    let kept = value.length;
    for (;;) {
      if (this.done || LINE_END.has(this.next)) return value.slice(0, kept);
      const c = this.take();
      if (c === '\\') {
        value += this.escaped();
        kept = value.length;
      } else {
        value += c;
        if (!BLANK.has(c)) kept = value.length;
      }
    }
  }

  private singleQuoted(start: number): string {
    const close = this.text.indexOf("'", this.i);
    if (close < 0) this.fail('has a single quote that is not closed', start);
    let s = '';
    while (this.i < close) s += this.take();
    this.take();
    if (s.includes('\\')) this.fail('has a backslash inside single quotes: systemd 237 reads it as an escape, 252 as a backslash', start);
    return s;
  }

  private doubleQuoted(start: number): string {
    let s = '';
    for (;;) {
      if (this.done) this.fail('has a double quote that is not closed', start);
      const c = this.take();
      if (c === '"') return s;
      if (c !== '\\') { s += c; continue; }
      if (this.done) this.fail('has a double quote that is not closed', start);
      const e = this.take();
      if (DQ_ESCAPABLE.has(e)) s += e;
      else if (e !== '\n') {
        this.fail(`has a backslash before ${JSON.stringify(e)} inside double quotes: systemd 237 drops the backslash, 252 keeps it`);
      }
    }
  }

  /** blank lines and the blanks before a NAME */
  skipSpace(): void {
    while (!this.done && (BLANK.has(this.next) || LINE_END.has(this.next))) this.take();
  }
}

/**
 * Every assignment of the file with a valid NAME, in order, as systemd reads it (NAME= included, with the
 * empty value). Throws CheckError where systemd versions differ or the file is broken (see the top).
 */
export function environmentFileAssignments(text: string, file: string): ShellAssignment[] {
  const bad = /[\0\uFFFD]/.exec(text);
  if (bad) {
    const line = text.slice(0, bad.index).split('\n').length;
    throw new CheckError(`${file}:${line} ${bad[0] === '\0' ? 'has a NUL character' : 'is not valid UTF-8 (or has a replacement character), which systemd refuses'}`);
  }
  const out: ShellAssignment[] = [];
  const r = new EnvFileReader(text, file);
  for (;;) {
    r.skipSpace();
    if (r.done) return out;
    if (r.next === '#' || r.next === ';') { r.comment(); continue; }
    const line = r.line;
    const name = r.key();
    if (name === undefined) continue;
    const value = r.value(line);
    if (!VARIABLE_NAME.test(name)) continue;
    if (CONTROL.test(value)) r.fail('has a value with a newline or another control character inside quotes, which systemd before 239 refuses (EnvironmentFile= ignores the assignment there) and later versions keep', line);
    out.push({ name, value, file, line });
  }
}

/** The variables an EnvironmentFile= gives the service: the last assignment of each name. */
export function parseEnvironmentFile(text: string, file: string): Map<string, ShellAssignment> {
  return new Map(environmentFileAssignments(text, file).map((a) => [a.name, a]));
}

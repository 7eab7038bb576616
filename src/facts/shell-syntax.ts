/**
 * The structure of a shell start-up file, as bash parses it: words (with quotes, escapes, line
 * continuations, command substitutions), comments, here-documents, and the compound commands that decide
 * whether a statement runs (if, case, loops, functions, subshells, && and ||). A pure function of the
 * text; what the statements do is worked out in shell-effective.ts.
 */

/** A word as written and, when it has no expansion, its value after quote removal. */
export interface Word { raw: string; value: string | null; quoted: boolean }

export interface SimpleCommand { kind: 'simple'; words: Word[]; line: number; text: string }
export interface IfCommand { kind: 'if'; clauses: Array<{ cond: List; body: List }>; otherwise: List | null }
export interface LoopCommand { kind: 'loop'; variable: string | null; items: Word[] | null; cond: List | null; body: List }
/** `word`: what is matched; `fallthrough`: an arm ends with ;& or ;;& (the next arm may run too) */
export interface CaseCommand { kind: 'case'; word: Word | null; fallthrough: boolean; arms: Array<{ patterns: string[]; body: List }> }
export interface GroupCommand { kind: 'group' | 'subshell'; body: List }
export interface FunctionDef { kind: 'function'; name: string; body: Command; line: number }
export type Command = SimpleCommand | IfCommand | LoopCommand | CaseCommand | GroupCommand | FunctionDef;

export interface Pipeline { bang: boolean; commands: Command[] }
export interface AndOr { first: Pipeline; rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }>; background: boolean }
export type List = AndOr[];
/**
 * A top-level complete command: what bash parses and runs as one unit (one line, or a multi-line
 * compound). `error` marks where bash meets a syntax error: it runs the commands before and stops there.
 */
export interface TopLevel { list: List; line: number; error?: string }

type Token = { t: 'word'; w: Word; line: number } | { t: 'op'; op: string; line: number; message?: string };

export class ShellSyntaxError extends Error {}

const OPS = ['&&', '||', ';;&', ';;', ';&', '<<<', '<<-', '<<', '>>', '>&', '<&', '&>>', '&>', '>|', '<>', '|&', ';', '&', '|', '(', ')', '<', '>'];
const REDIRECTS = new Set(['<<<', '<<-', '<<', '>>', '>&', '<&', '&>>', '&>', '>|', '<>', '<', '>']);

/** Read a $( ... ) or ` ... ` or ${ ... } span; returns the index after it. */
function skipNested(s: string, i: number, open: string, close: string): number {
  let depth = 1;
  while (i < s.length && depth > 0) {
    const c = s[i];
    if (c === '\\') { i += 2; continue; }
    if (c === "'" && open === '(') { const j = s.indexOf("'", i + 1); i = j < 0 ? s.length : j + 1; continue; }
    if (c === '"') { i = skipDouble(s, i + 1); continue; }
    if (c === open) depth++;
    else if (c === close) depth--;
    i++;
  }
  if (depth > 0) throw new ShellSyntaxError(`unterminated ${open === '(' ? '$(' : open}`);
  return i;
}

function skipDouble(s: string, i: number): number {
  while (i < s.length && s[i] !== '"') {
    if (s[i] === '\\') i += 2;
    else if (s[i] === '$' && s[i + 1] === '(') i = skipNested(s, i + 2, '(', ')');
    else if (s[i] === '$' && s[i + 1] === '{') i = skipNested(s, i + 2, '{', '}');
    else if (s[i] === '`') { const j = s.indexOf('`', i + 1); if (j < 0) throw new ShellSyntaxError('unterminated `'); i = j + 1; }
    else i++;
  }
  if (i >= s.length) throw new ShellSyntaxError('unterminated "');
  return i + 1;
}

/** Split the text into tokens, dropping comments, line continuations and here-document bodies. */
export function tokenize(input: string): Token[] {
  const out: Token[] = [];
  const line = { n: 1 };
  try { tokenizeInto(input, out, line); } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    out.push({ t: 'op', op: '\u0000error', line: line.n, message: e.message });
  }
  return out;
}

function tokenizeInto(input: string, out: Token[], lineRef: { n: number }): void {
  const s = input.replace(/\r\n/g, '\n');
  const heredocs: Array<{ delim: string; strip: boolean }> = [];
  let line = 1;
  let i = 0;
  const lineAt = (from: number, to: number) => { for (let k = from; k < to; k++) if (s[k] === '\n') line++; lineRef.n = line; };
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === '\n') { i += 2; line++; continue; }
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '#') { while (i < s.length && s[i] !== '\n') i++; continue; }
    if (c === '\n') {
      lineRef.n = line;
      out.push({ t: 'op', op: '\n', line });
      i++; line++;
      for (const h of heredocs.splice(0)) {
        for (;;) {
          // bash warns and takes the rest of the file as the here-document
          if (i >= s.length) break;
          const end = s.indexOf('\n', i);
          const body = s.slice(i, end < 0 ? s.length : end);
          i = end < 0 ? s.length : end + 1; line++;
          if ((h.strip ? body.replace(/^\t+/, '') : body) === h.delim) break;
        }
      }
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (op && !(op === '<' && s[i + 1] === '(') && !(op === '>' && s[i + 1] === '(')) {
      out.push({ t: 'op', op, line });
      i += op.length;
      if (op === '<<' || op === '<<-') {
        while (s[i] === ' ' || s[i] === '\t') i++;
        const start = i;
        const w = readWord(s, i);
        heredocs.push({ delim: w.value ?? w.raw.replace(/["'\\]/g, ''), strip: op === '<<-' });
        lineAt(start, w.end);
        i = w.end;
      }
      continue;
    }
    const start = i;
    lineRef.n = line;
    const w = readWord(s, i);
    out.push({ t: 'word', w: { raw: w.raw, value: w.value, quoted: w.quoted }, line });
    lineAt(start, w.end);
    i = w.end;
  }
}

/** One word starting at i: its raw text (continuations removed), literal value or null, end index. */
function readWord(s: string, i: number): { raw: string; value: string | null; quoted: boolean; end: number } {
  let raw = '';
  let value: string | null = '';
  let quoted = false;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      if (s[i + 1] === '\n') { i += 2; continue; }
      raw += s.slice(i, i + 2); if (value !== null) value += s[i + 1] ?? ''; i += 2; quoted = true; continue;
    }
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) throw new ShellSyntaxError("unterminated '");
      raw += s.slice(i, j + 1); if (value !== null) value += s.slice(i + 1, j); i = j + 1; quoted = true; continue;
    }
    if (c === '"') {
      const j = skipDouble(s, i + 1);
      const inner = s.slice(i + 1, j - 1);
      raw += s.slice(i, j);
      if (value !== null) value = /[$`]/.test(inner.replace(/\\[$`"\\]/g, '')) ? null : value + inner.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
      i = j; quoted = true; continue;
    }
    if (c === '$' && s[i + 1] === "'") {
      const j = s.indexOf("'", i + 2);
      if (j < 0) throw new ShellSyntaxError("unterminated $'");
      raw += s.slice(i, j + 1); value = null; i = j + 1; quoted = true; continue;
    }
    if (c === '$' && (s[i + 1] === '(' || s[i + 1] === '{')) {
      const j = skipNested(s, i + 2, s[i + 1], s[i + 1] === '(' ? ')' : '}');
      raw += s.slice(i, j); value = null; i = j; continue;
    }
    if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) throw new ShellSyntaxError('unterminated `');
      raw += s.slice(i, j + 1); value = null; i = j + 1; continue;
    }
    if ((c === '<' || c === '>') && s[i + 1] === '(') {
      const j = skipNested(s, i + 2, '(', ')');
      raw += s.slice(i, j); value = null; i = j; continue;
    }
    if (/[\s;&|()<>]/.test(c)) break;
    if (c === '$') value = null;
    raw += c; if (value !== null) value += c; i++;
  }
  return { raw, value, quoted, end: i };
}

const STOP = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}', ';;', ';&', ';;&', ')']);

class Parser {
  private pos = 0;
  constructor(private toks: Token[], private text: string[]) {}

  private peek(): Token | undefined {
    const t = this.toks[this.pos];
    if (t?.t === 'op' && t.op === '\u0000error') throw new ShellSyntaxError(`line ${t.line}: ${t.message}`);
    return t;
  }
  private isOp(op: string) { const t = this.peek(); return t?.t === 'op' && t.op === op; }
  private isWord(w: string) { const t = this.peek(); return t?.t === 'word' && t.w.raw === w; }
  private keyword(): string | null {
    const t = this.peek();
    if (!t) return null;
    return t.t === 'op' ? t.op : t.w.raw;
  }
  private expectWord(w: string) {
    if (!this.isWord(w)) throw new ShellSyntaxError(`line ${this.peek()?.line ?? 'end'}: "${w}" expected`);
    this.pos++;
  }
  private skipNewlines() { while (this.isOp('\n')) this.pos++; }

  program(): TopLevel[] {
    const out: TopLevel[] = [];
    for (;;) {
      this.skipNewlines();
      if (!this.peek()) return out;
      const line = this.peek()!.line;
      try {
        const list = this.list(true);
        if (this.peek() && !this.isOp('\n')) throw new ShellSyntaxError(`line ${this.peek()!.line}: unexpected "${this.keyword()}"`);
        out.push({ list, line });
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        out.push({ list: [], line, error: `syntax error in the command starting at line ${line} (${e.message}): bash stops reading the file there` });
        return out;
      }
    }
  }

  /** and-or lists up to a closing keyword, or (top level) up to the end of the line; a body may not be empty. */
  list(topLevel = false): List {
    const out: List = [];
    for (;;) {
      if (!topLevel) this.skipNewlines();
      const k = this.keyword();
      if (k === null || STOP.has(k) || (topLevel && k === '\n')) {
        if (!out.length && !topLevel && k !== ';;' && k !== ';&' && k !== ';;&' && k !== 'esac') throw new ShellSyntaxError(`line ${this.peek()?.line ?? 'end'}: an empty command list before "${k ?? 'the end of the file'}"`);
        return out;
      }
      const ao = this.andOr();
      if (this.isOp(';') || this.isOp('&')) { ao.background = (this.peek() as { op: string }).op === '&'; this.pos++; }
      out.push(ao);
    }
  }

  private andOr(): AndOr {
    const ao: AndOr = { first: this.pipeline(), rest: [], background: false };
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.peek() as { op: '&&' | '||' }).op;
      this.pos++;
      this.skipNewlines();
      ao.rest.push({ op, pipeline: this.pipeline() });
    }
    return ao;
  }

  private pipeline(): Pipeline {
    let bang = false;
    while (this.isWord('!')) { bang = !bang; this.pos++; }
    const commands = [this.command()];
    while (this.isOp('|') || this.isOp('|&')) { this.pos++; this.skipNewlines(); commands.push(this.command()); }
    return { bang, commands };
  }

  private command(): Command {
    const t = this.peek();
    if (!t) throw new ShellSyntaxError('a command was expected at the end of the file');
    if (t.t === 'op' && t.op === '(') { this.pos++; const body = this.list(); this.closeOp(')'); this.redirects(); return { kind: 'subshell', body }; }
    if (t.t === 'word') {
      const w = t.w.raw;
      if (w === 'if') return this.ifCommand();
      if (w === 'for' || w === 'select') return this.forCommand();
      if (w === 'while' || w === 'until') { this.pos++; const cond = this.list(); this.expectWord('do'); const body = this.list(); this.expectWord('done'); this.redirects(); return { kind: 'loop', variable: null, items: null, cond, body }; }
      if (w === 'case') return this.caseCommand();
      if (w === '{') { this.pos++; const body = this.list(); this.expectWord('}'); this.redirects(); return { kind: 'group', body }; }
      if (w === 'function') {
        this.pos++;
        const name = this.peek();
        if (name?.t !== 'word') throw new ShellSyntaxError(`line ${t.line}: a function name was expected`);
        this.pos++;
        if (this.isOp('(')) { this.pos++; this.closeOp(')'); }
        this.skipNewlines();
        return { kind: 'function', name: name.w.raw, body: this.command(), line: t.line };
      }
      const next = this.toks[this.pos + 1];
      if (next?.t === 'op' && next.op === '(' && /^[A-Za-z_][\w:.-]*$/.test(w)) {
        this.pos += 2; this.closeOp(')'); this.skipNewlines();
        return { kind: 'function', name: w, body: this.command(), line: t.line };
      }
    }
    return this.simple();
  }

  private closeOp(op: string) {
    if (!this.isOp(op)) throw new ShellSyntaxError(`line ${this.peek()?.line ?? 'end'}: "${op}" expected`);
    this.pos++;
  }

  private redirects() {
    while (this.peek()?.t === 'op' && REDIRECTS.has((this.peek() as { op: string }).op)) { this.pos++; if (this.peek()?.t === 'word') this.pos++; }
  }

  private ifCommand(): IfCommand {
    this.expectWord('if');
    const clauses: IfCommand['clauses'] = [];
    let cond = this.list();
    this.expectWord('then');
    clauses.push({ cond, body: this.list() });
    let otherwise: List | null = null;
    for (;;) {
      if (this.isWord('elif')) { this.pos++; cond = this.list(); this.expectWord('then'); clauses.push({ cond, body: this.list() }); continue; }
      if (this.isWord('else')) { this.pos++; otherwise = this.list(); }
      this.expectWord('fi');
      this.redirects();
      return { kind: 'if', clauses, otherwise };
    }
  }

  private forCommand(): LoopCommand {
    this.pos++;
    const v = this.peek();
    if (v?.t !== 'word') throw new ShellSyntaxError(`line ${v?.line ?? 'end'}: a loop variable was expected`);
    this.pos++;
    let items: Word[] | null = null;
    this.skipNewlines();
    if (this.isWord('in')) {
      this.pos++;
      items = [];
      while (this.peek()?.t === 'word') { items.push((this.peek() as { w: Word }).w); this.pos++; }
    }
    if (this.isOp(';')) this.pos++;
    this.skipNewlines();
    this.expectWord('do');
    const body = this.list();
    this.expectWord('done');
    this.redirects();
    return { kind: 'loop', variable: v.w.raw, items, cond: null, body };
  }

  private caseCommand(): CaseCommand {
    this.pos++;
    const subject = this.peek();
    const word = subject?.t === 'word' ? subject.w : null;
    this.pos++; // the word
    let fallthrough = false;
    this.skipNewlines();
    this.expectWord('in');
    const arms: CaseCommand['arms'] = [];
    for (;;) {
      this.skipNewlines();
      if (this.isWord('esac')) { this.pos++; this.redirects(); return { kind: 'case', word, fallthrough, arms }; }
      if (this.isOp('(')) this.pos++;
      const patterns: string[] = [];
      for (;;) {
        const p = this.peek();
        if (p?.t !== 'word') throw new ShellSyntaxError(`line ${p?.line ?? 'end'}: a case pattern was expected`);
        patterns.push(p.w.raw); this.pos++;
        if (this.isOp('|')) { this.pos++; continue; }
        break;
      }
      this.closeOp(')');
      const body = this.list();
      arms.push({ patterns, body });
      if (this.isOp(';&') || this.isOp(';;&')) fallthrough = true;
      if (this.isOp(';;') || this.isOp(';&') || this.isOp(';;&')) this.pos++;
    }
  }

  private simple(): SimpleCommand {
    const words: Word[] = [];
    const line = this.peek()!.line;
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (t.t === 'op') {
        if (REDIRECTS.has(t.op)) { this.pos++; if (this.peek()?.t === 'word') this.pos++; continue; }
        break;
      }
      // a closing keyword ends a command only in command position ("echo fi" is a word)
      if (words.length === 0 && STOP.has(t.w.raw)) break;
      words.push(t.w); this.pos++;
      if (words.length === 1 && t.w.raw === '[[') {
        while (this.peek() && !(this.peek()!.t === 'word' && (this.peek() as { w: Word }).w.raw === ']]')) {
          const n = this.peek()!;
          words.push(n.t === 'word' ? n.w : { raw: n.op, value: n.op, quoted: false }); this.pos++;
        }
        if (this.peek()) { words.push((this.peek() as { w: Word }).w); this.pos++; }
      }
    }
    if (!words.length) throw new ShellSyntaxError(`line ${line}: unexpected "${this.keyword()}"`);
    return { kind: 'simple', words, line, text: (this.text[line - 1] ?? '').trim() };
  }
}

/** Parse a whole file; a ShellSyntaxError says where bash would have stopped reading it. */
export function parseShell(text: string): TopLevel[] {
  return new Parser(tokenize(text), text.replace(/\r\n/g, '\n').split('\n')).program();
}

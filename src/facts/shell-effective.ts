/**
 * What a login shell ends up with after its start-up files: the umask and the TMOUT variable (value,
 * read-only, exported), worked out the way bash runs the files. Each statement is followed along every
 * path bash could take: a branch of an if or case whose condition cannot be decided from the files gives
 * both outcomes, a loop may run or not, && and || may skip their right side, a function counts where it
 * is called (and, since it may keep its variables local, its effect may also not last), a subshell,
 * a pipeline or a background command changes nothing, `return` ends the file, and an assignment to a
 * read-only TMOUT aborts the rest of the complete command, as bash does. The result for each is the set
 * of values a shell can end with: a value every login shell gets is a set of one.
 *
 * Decided from the files alone: whether the shell is interactive (PS1, $-) and a login shell, that it is
 * bash, whether the files sourced exist, and loops over file globs the fact has read. Anything else
 * (ids, other variables, command output) is not decided, and both outcomes are kept.
 */
import type { AndOr, Command, List, Pipeline, SimpleCommand, TopLevel, Word } from './shell-syntax.js';
import { applyUmask } from './shell-umask.js';
import { casePattern, expandWord } from './shell-words.js';
import { copy, initialState, join, key, unknownEffect, UNKNOWN, type LoginShell, type Origin, type Possible, type ShellFiles, type ShellState, type UmaskValue } from './shell-state.js';

export { applyUmask, initialState, join, UNKNOWN };
export type { LoginShell, Origin, Possible, ShellFiles, ShellState, UmaskValue };

interface Ctx {
  files: ShellFiles;
  shell: LoginShell;
  file: string;
  vars: Map<string, string>;
  returns: ShellState[];
  aborts: ShellState[];
  inFunction: number;
  depth: number;
  /** problems that make the result less certain, for evidence (a file that could not be parsed, ...) */
  notes: string[];
}

interface Outcome { state: ShellState | null; status: boolean | undefined }

/**
 * A word's value, with the few variables known here ($i of an unrolled loop, a function's $1, PS1, BASH,
 * $-, and those the caller set: HOME, EUID, a PATH every path agrees on).
 */
function wordValue(w: Word, ctx: Ctx, assignment = false): string | null {
  // an unquoted ~ at the start (in an assignment, also after a colon) is the home directory
  if (w.value !== null && !w.raw.startsWith('~') && !(assignment && w.raw.includes(':~'))) return w.value;
  const dash = ctx.shell.interactive ? 'himBHs' : 'hB';
  if (/^"?\$\{-#\*i\}"?$/.test(w.raw)) return dash.includes('i') ? dash.slice(dash.indexOf('i') + 1) : dash;
  if (/^"?\$-"?$/.test(w.raw)) return dash;
  return expandWord(w.raw, (name) => lookupVar(name, ctx), assignment);
}

function lookupVar(name: string, ctx: Ctx): string | null {
  if (ctx.vars.has(name)) return ctx.vars.get(name)!;
  if (name === 'PS1') return ctx.shell.interactive ? '\\s-\\v\\$ ' : '';
  if (name === 'BASH') return '/bin/bash';
  return null;
}

/** The arm a case runs when its word and the patterns up to the matching one are known: its index, -1 for none, null when not known. */
function caseArm(c: Extract<Command, { kind: 'case' }>, s: ShellState, ctx: Ctx): number | null {
  if (!c.word || c.fallthrough) return null;
  syncPath(s, ctx);
  const subject = wordValue(c.word, ctx);
  if (subject === null) return null;
  for (let k = 0; k < c.arms.length; k++) {
    const patterns = c.arms[k].patterns.map((p) => casePattern(p, (name) => lookupVar(name, ctx)));
    if (patterns.some((p) => p === null)) return null;
    if (patterns.some((p) => p!.test(subject))) return k;
  }
  return -1;
}

/** $PATH in words: known when every path through the files so far agrees on it. */
function syncPath(s: ShellState, ctx: Ctx): void {
  const values = [...s.path.values()];
  if (values.length === 1 && values[0].value !== UNKNOWN) ctx.vars.set('PATH', values[0].value ?? '');
  else ctx.vars.delete('PATH');
}

/** More possible values of PATH than this: it is taken as not determined. */
const MAX_PATHS = 64;

/** PATH=raw (or PATH+=raw), worked out for each value PATH may have before it. */
function assignPath(s: ShellState, raw: string, append: boolean, origin: Origin, ctx: Ctx): ShellState {
  const out = copy(s);
  out.path = new Map();
  for (const old of s.path.values()) {
    if (old.value === UNKNOWN) ctx.vars.delete('PATH'); else ctx.vars.set('PATH', old.value ?? '');
    const word = wordValue({ raw, value: null, quoted: false }, ctx, true);
    const value = word === null || (append && old.value === UNKNOWN) ? UNKNOWN : append ? (old.value ?? '') + word : word;
    out.path.set(key(value, origin), { value, origin });
  }
  if (out.path.size > MAX_PATHS) out.path = new Map([[key(UNKNOWN, origin), { value: UNKNOWN, origin }]]);
  syncPath(out, ctx);
  return out;
}

/** The outcome of a test ([ ... ], test, [[ ... ]]) when the files decide it. */
function testValue(args: Array<string | null>, ctx: Ctx): boolean | undefined {
  if (args[0] === '!') { const v = testValue(args.slice(1), ctx); return v === undefined ? undefined : !v; }
  if (args.some((a) => a === null)) return undefined;
  const a = args as string[];
  if (a.length === 1) return a[0] !== '';
  if (a.length === 2 && a[0] === '-n') return a[1] !== '';
  if (a.length === 2 && a[0] === '-z') return a[1] === '';
  if (a.length === 2 && ['-f', '-r', '-e', '-s'].includes(a[0])) {
    const parsed = ctx.files.parsed(a[1]);
    if (parsed !== undefined) return parsed !== null;
  }
  if (a.length === 2 && a[0] === '-d' && ctx.files.isDirectory(a[1]) !== undefined) return ctx.files.isDirectory(a[1]);
  // a path the fact stat'ed, tested as root tests it (root reads anything; executes what has an x bit)
  const st = a.length === 2 && /^-[defrsx]$/.test(a[0]) && a[1].startsWith('/') ? ctx.files.stat?.(a[1]) : undefined;
  if (st !== undefined) {
    if (st === null) return false;
    return { '-d': st.type === 'd', '-e': true, '-f': st.type === 'f', '-r': true, '-s': st.size > 0, '-x': st.type === 'd' || (st.mode & 0o111) !== 0 }[a[0]];
  }
  if (a.length === 3 && ['=', '==', '!='].includes(a[1]) && !/[*?[]/.test(a[2])) return (a[0] === a[2]) === (a[1] !== '!=');
  return undefined;
}

function originOf(c: SimpleCommand, ctx: Ctx): Origin { return { file: ctx.file, line: c.line, text: c.text }; }

function assignTmout(s: ShellState, value: string | null, origin: Origin, ctx: Ctx, plainAssignment: boolean): ShellState | null {
  const v: Possible<string | null> = { value, origin };
  if (!s.readonly.has(false)) { if (plainAssignment) ctx.aborts.push(s); return plainAssignment ? null : s; }
  if (s.readonly.has(true) && plainAssignment) ctx.aborts.push(s);
  const kept = s.readonly.has(true) ? copy(s) : null;
  const out = copy(s);
  out.readonly = new Set([false]);
  out.tmout = new Map([[key(v.value, origin), v]]);
  return kept && !plainAssignment ? join(kept, out) : out;
}

/** eval of the output of these commands sets none of what is tracked here. */
const EVAL_KNOWN = /^"\$\((SHELL=\/bin\/sh )?(lesspipe|\/usr\/bin\/lesspipe|dircolors -b( ~\/\.dircolors)?)\)"$/;

const DECLARERS = new Set(['export', 'readonly', 'declare', 'typeset', 'local']);

function simple(c: SimpleCommand, s: ShellState, ctx: Ctx): Outcome {
  const origin = originOf(c, ctx);
  const words = c.words;
  let i = 0;
  syncPath(s, ctx);
  const assignments: Array<[string, string | null, string, boolean]> = [];
  while (i < words.length && /^[A-Za-z_]\w*\+?=/.test(words[i].raw)) {
    const eq = words[i].raw.indexOf('=');
    const append = words[i].raw[eq - 1] === '+';
    const value = wordValue({ raw: words[i].raw.slice(eq + 1), value: words[i].value === null ? null : words[i].value!.slice(eq + 1), quoted: words[i].quoted }, ctx, true);
    assignments.push([words[i].raw.slice(0, append ? eq - 1 : eq), append ? null : value, words[i].raw.slice(eq + 1), append]);
    i++;
  }
  if (i === words.length) {
    let out: ShellState | null = s;
    for (const [name, value, raw, append] of assignments) {
      if (name === 'TMOUT' && out) out = assignTmout(out, value ?? UNKNOWN, origin, ctx, true);
      else if (name === 'PATH' && out) out = assignPath(out, raw, append, origin, ctx);
      else if (name !== 'TMOUT' && name !== 'PATH') ctx.vars.delete(name);
    }
    return { state: out, status: out ? true : undefined };
  }
  // assignments before a command last only for that command, or, for some builtins, longer: either
  let state: ShellState | null = s;
  if (assignments.some(([n]) => n === 'TMOUT')) state = join(s, assignTmout(s, UNKNOWN, origin, { ...ctx, aborts: [] }, false));
  if (!state) return { state, status: undefined };
  const name = wordValue(words[i], ctx);
  const args = words.slice(i + 1);
  if (name === null) return { state: unknownEffect(state, origin), status: undefined };
  if (name === 'true' || name === ':') return { state, status: true };
  if (name === 'false') return { state, status: false };
  if (name === '[' || name === 'test' || name === '[[') {
    // an unquoted expansion that is empty is no argument at all
    const a = args.map((w) => [w, wordValue(w, ctx)] as const).filter(([w, v]) => !(v === '' && w.value === null && !w.raw.startsWith('"'))).map(([, v]) => v);
    if (name !== 'test') a.pop();
    return { state, status: testValue(a, ctx) };
  }
  if (name === 'shopt' && args.length === 2 && args[0].value === '-q' && args[1].value === 'login_shell') return { state, status: ctx.shell.login };
  if (name === 'umask') return { state: umaskCommand(args, state, origin, ctx), status: undefined };
  if (DECLARERS.has(name)) return { state: declare(name, args, state, origin, ctx), status: undefined };
  if (name === 'unset') {
    const names = args.map((w) => w.value);
    if (names.includes('-f')) return { state, status: undefined };
    if (names.includes('PATH')) {
      state = copy(state);
      state.path = new Map([[key(null, origin), { value: null, origin }]]);
      syncPath(state, ctx);
    }
    if (!names.includes('TMOUT')) return { state, status: undefined };
    if (!state.readonly.has(false)) return { state, status: false };
    const out = copy(state);
    out.tmout = new Map([[key(null, origin), { value: null, origin }]]); out.readonly = new Set([false]); out.exported = new Set([false]);
    return { state: state.readonly.has(true) ? join(state, out) : out, status: undefined };
  }
  if (name === 'return') { ctx.returns.push(state); return { state: null, status: undefined }; }
  if (name === 'exit' || name === 'exec' && args.length > 0) return { state: null, status: undefined };
  if (name === '.' || name === 'source') return source(args[0] ? wordValue(args[0], ctx) : null, state, origin, ctx);
  // lesspipe and dircolors -b print assignments of LESSOPEN, LESSCLOSE and LS_COLORS only
  if (name === 'eval' && args.length === 1 && EVAL_KNOWN.test(args[0].raw)) return { state, status: undefined };
  if (name === 'eval' || name === 'builtin' || name === 'command' || name === 'set' && args.some((a) => a.value === '-a')) return { state: unknownEffect(state, origin), status: undefined };
  const bodies = state.functions.get(name);
  if (bodies) return { state: callFunction(bodies, state, ctx, args.map((a) => wordValue(a, ctx))), status: undefined };
  return { state, status: undefined };
}

function umaskCommand(args: Word[], s: ShellState, origin: Origin, ctx: Ctx): ShellState {
  const operands = args.filter((w) => !/^-[Sp]+$/.test(w.value ?? ''));
  if (!operands.length) return s;
  const written = wordValue(operands[0], ctx);
  const out = copy(s);
  out.umask = new Map();
  for (const old of s.umask.values()) {
    // above 0777: bash 4.4 refuses it, bash 5 keeps the low bits; either may be the target's
    const wide = written !== null && /^[0-7]+$/.test(written) && parseInt(written, 8) > 0o777;
    const next = written === null ? UNKNOWN : wide ? parseInt(written, 8) & 0o777 : applyUmask(old.value, written);
    const p = next === null ? old : { value: next, origin };
    out.umask.set(key(p.value, p.origin), p);
    if (wide) out.umask.set(key(old.value, old.origin), old);
  }
  return out;
}

function declare(cmd: string, args: Word[], s: ShellState, origin: Origin, ctx: Ctx): ShellState | null {
  let readonly = cmd === 'readonly';
  let exported: boolean | undefined = cmd === 'export' ? true : undefined;
  let functions = false;
  let local = cmd === 'local' || ((cmd === 'declare' || cmd === 'typeset') && ctx.inFunction > 0);
  let state: ShellState | null = s;
  for (const w of args) {
    const v = wordValue(w, ctx);
    if (v !== null && /^[-+][a-zA-Z]+$/.test(v)) {
      const on = v[0] === '-';
      if (v.includes('r') && on) readonly = true;
      if (v.includes('x')) exported = on;
      if (v.includes('n') && cmd === 'export') exported = false;
      if (v.includes('f') || v.includes('F')) functions = true;
      if (v.includes('g')) local = false;
      continue;
    }
    if (functions || !state) continue;
    const raw = w.raw;
    if (/^PATH\+?=/.test(raw)) {
      const assigned = assignPath(state, raw.slice(raw.indexOf('=') + 1), raw[4] === '+', origin, ctx);
      state = local ? join(state, assigned) : assigned;
      continue;
    }
    if (raw !== 'TMOUT' && !raw.startsWith('TMOUT=') && !(v !== null && (v === 'TMOUT' || v.startsWith('TMOUT=')))) continue;
    if (local) { state = join(state, unknownEffect(state, origin)); continue; }
    const text = v ?? raw;
    let next: ShellState | null = state;
    if (text.startsWith('TMOUT=')) next = assignTmout(state, v === null ? UNKNOWN : text.slice(6), origin, ctx, false);
    if (!next) continue;
    // a declaration on a read-only TMOUT that also assigns fails as a whole; a bare one still sets attributes
    const failed = text.startsWith('TMOUT=') && !state.readonly.has(false);
    if (failed) { state = next; continue; }
    const out = copy(next);
    if (readonly) out.readonly = new Set([true]);
    if (exported !== undefined) out.exported = new Set([exported && true]);
    state = text.startsWith('TMOUT=') && state.readonly.has(true) ? join(state, out) : out;
  }
  return state;
}

function source(path: string | null, s: ShellState, origin: Origin, ctx: Ctx): Outcome {
  if (path === null) return { state: unknownEffect(s, origin), status: undefined };
  const parsed = ctx.files.parsed(path);
  if (parsed === null) return { state: s, status: false };
  if (parsed === undefined || typeof parsed === 'string' || ctx.depth > 8) {
    ctx.notes.push(`${origin.file}:${origin.line} sources ${path}: ${parsed === undefined ? 'a file not read here' : typeof parsed === 'string' ? parsed : 'sourced too deeply'}; what it sets is not known`);
    return { state: unknownEffect(s, origin), status: undefined };
  }
  return { state: runFile(path, parsed, s, { ...ctx, depth: ctx.depth + 1 }), status: undefined };
}

function callFunction(bodies: Array<Command | null>, s: ShellState, ctx: Ctx, args: Array<string | null>): ShellState | null {
  if (ctx.inFunction > 4) return unknownEffect(s, { file: ctx.file, line: 0, text: 'a recursive function' });
  const outcomes = bodies.map((body) => {
    if (!body) return s;
    const returns: ShellState[] = [];
    // the function's own positional parameters, for the length of the call
    const vars = new Map([...ctx.vars].filter(([n]) => !/^[0-9]$/.test(n)));
    args.slice(0, 9).forEach((a, k) => { if (a !== null) vars.set(String(k + 1), a); });
    for (let k = args.length + 1; k <= 9; k++) vars.set(String(k), '');
    const inner = { ...ctx, vars, returns, inFunction: ctx.inFunction + 1 };
    return join(command(body, s, inner).state, ...returns);
  });
  // what a function sets may have been local to it: the state before the call stays possible
  return join(s, ...outcomes);
}


function pipeline(p: Pipeline, s: ShellState, ctx: Ctx): Outcome {
  if (p.commands.length > 1) return { state: s, status: undefined };
  const o = command(p.commands[0], s, ctx);
  return { state: o.state, status: p.bang && o.status !== undefined ? !o.status : p.bang ? undefined : o.status };
}

function andOr(ao: AndOr, s: ShellState, ctx: Ctx): Outcome {
  if (ao.background) return { state: s, status: true };
  let o = pipeline(ao.first, s, ctx);
  for (const { op, pipeline: p } of ao.rest) {
    if (!o.state) return o;
    const runs = o.status === undefined ? undefined : op === '&&' ? o.status : !o.status;
    if (runs === false) continue;
    const ran = pipeline(p, o.state, ctx);
    if (runs === true) { o = ran; continue; }
    o = { state: join(o.state, ran.state), status: undefined };
  }
  return o;
}

export function runList(list: List, s: ShellState | null, ctx: Ctx): Outcome {
  let o: Outcome = { state: s, status: true };
  for (const ao of list) {
    if (!o.state) return o;
    o = andOr(ao, o.state, ctx);
  }
  return o;
}

function command(c: Command, s: ShellState, ctx: Ctx): Outcome {
  switch (c.kind) {
    case 'simple': return simple(c, s, ctx);
    case 'subshell': return { state: s, status: undefined };
    case 'group': return runList(c.body, s, ctx);
    case 'function': {
      const out = copy(s);
      out.functions.set(c.name, [c.body]);
      return { state: out, status: true };
    }
    case 'if': {
      const ends: Array<ShellState | null> = [];
      let rest: ShellState | null = s;
      for (const clause of c.clauses) {
        if (!rest) break;
        const cond = runList(clause.cond, rest, ctx);
        if (cond.status !== false) ends.push(runList(clause.body, cond.state, ctx).state);
        rest = cond.status === true ? null : cond.state;
      }
      if (rest) ends.push(c.otherwise ? runList(c.otherwise, rest, ctx).state : rest);
      return { state: join(...ends), status: undefined };
    }
    case 'case': {
      const arm = caseArm(c, s, ctx);
      if (arm !== null) return { state: arm < 0 ? s : runList(c.arms[arm].body, s, ctx).state, status: undefined };
      const exhaustive = c.arms.some((a) => a.patterns.includes('*'));
      return { state: join(...c.arms.map((a) => runList(a.body, s, ctx).state), exhaustive ? null : s), status: undefined };
    }
    case 'loop': return loop(c, s, ctx);
  }
}

function loop(c: Extract<Command, { kind: 'loop' }>, s: ShellState, ctx: Ctx): Outcome {
  // a for loop over words and file globs the fact has read runs once per item, in order
  if (c.items && c.variable) {
    const items: string[] = [];
    let known = true;
    for (const w of c.items) {
      const v = wordValue(w, ctx);
      if (v === null) { known = false; break; }
      if (/[*?[]/.test(v) && !w.quoted) {
        const matched = ctx.files.glob(v);
        if (matched === null) { known = false; break; }
        items.push(...(matched.length ? matched : [v]));
      } else items.push(v);
    }
    if (known) {
      let state: ShellState | null = s;
      for (const item of items) {
        if (!state) break;
        ctx.vars.set(c.variable, item);
        state = runList(c.body, state, ctx).state;
      }
      ctx.vars.delete(c.variable);
      return { state, status: undefined };
    }
    ctx.vars.delete(c.variable);
  }
  let state: ShellState | null = s;
  for (let k = 0; k < 3 && state; k++) {
    const cond = c.cond ? runList(c.cond, state, ctx).state : state;
    state = join(state, runList(c.body, cond, ctx).state);
  }
  return { state, status: undefined };
}

/** Run one file: each complete command in order; `return` ends it, a read-only error ends that command. */
export function runFile(file: string, program: TopLevel[], s: ShellState | null, parent: Omit<Ctx, 'file' | 'returns' | 'aborts'> & Partial<Ctx>): ShellState | null {
  const returns: ShellState[] = [];
  const ctx: Ctx = { ...parent, vars: parent.vars, file, returns, aborts: [] } as Ctx;
  let state = s;
  for (const top of program) {
    if (!state) break;
    if (top.error) { ctx.notes.push(`${file}: ${top.error}`); break; }
    ctx.aborts = [];
    state = join(runList(top.list, state, ctx).state, ...ctx.aborts);
  }
  return join(state, ...returns);
}

export function newContext(files: ShellFiles, shell: LoginShell, notes: string[]): Omit<Ctx, 'file' | 'returns' | 'aborts'> {
  return { files, shell, vars: new Map(), inFunction: 0, depth: 0, notes };
}

/**
 * The state a login shell's start-up files are followed in (see shell-effective.ts): the possible values
 * of what is tracked (TMOUT and its attributes, the umask, PATH) and the functions defined, with the
 * union of the states of several paths through the files.
 */
import type { Command, TopLevel } from './shell-syntax.js';

/** Where a value came from: the statement that set it, or "initial" (what the shell had before the files). */
export interface Origin { file: string; line: number; text: string }
/** A possible value of TMOUT: its text, or null when unset; '*' marks a value the files do not determine. */
export interface Possible<T> { value: T; origin: Origin | null }
export const UNKNOWN = '*';
/** A umask: the mask bits, 'inherited' (what login gave the shell, e.g. pam_umask), or UNKNOWN. */
export type UmaskValue = number | 'inherited' | typeof UNKNOWN;

export interface ShellState {
  tmout: Map<string, Possible<string | null>>;
  readonly: Set<boolean>;
  exported: Set<boolean>;
  umask: Map<string, Possible<UmaskValue>>;
  /** the possible values of PATH (null: unset; '*': not determined by the files) */
  path: Map<string, Possible<string | null>>;
  functions: Map<string, Array<Command | null>>;
}

/** The kind of login shell the files are run for: the files test whether it is interactive, never who logs in. */
export interface LoginShell { interactive: boolean; login: boolean }

export interface ShellFiles {
  /**
   * the parsed file; null when it does not exist, a string (why) when it could not be read or parsed,
   * undefined when it is not one of the files the fact read
   */
  parsed(path: string): TopLevel[] | null | string | undefined;
  /** the existing files a glob matches, in the order bash expands it; null when the glob is not one the fact read */
  glob(pattern: string): string[] | null;
  /** whether the path is an existing directory, or undefined when unknown */
  isDirectory(path: string): boolean | undefined;
  /**
   * what a test of root on a path not read as a file sees (stat, following links): null when it does not
   * exist, undefined when not known (the fact did not stat it)
   */
  stat?(path: string): { type: string; mode: number; size: number } | null | undefined;
}

export const key = (v: unknown, o: Origin | null) => `${String(v)}@${o ? `${o.file}:${o.line}` : ''}`;

/** The state a login shell starts in; `path` is the PATH login gave it (null: none). */
export function initialState(path: string | null = null): ShellState {
  return {
    tmout: new Map([[key(null, null), { value: null, origin: null }]]), readonly: new Set([false]), exported: new Set([false]),
    umask: new Map([[key('inherited', null), { value: 'inherited', origin: null }]]), path: new Map([[key(path, null), { value: path, origin: null }]]),
    functions: new Map(),
  };
}

export const copy = (s: ShellState): ShellState => ({
  tmout: new Map(s.tmout), readonly: new Set(s.readonly), exported: new Set(s.exported), umask: new Map(s.umask), path: new Map(s.path), functions: new Map(s.functions),
});

/** The union of the states of several paths; null is a path that never gets here. */
export function join(...states: Array<ShellState | null>): ShellState | null {
  const live = states.filter((s): s is ShellState => s !== null);
  if (!live.length) return null;
  const out = copy(live[0]);
  for (const s of live.slice(1)) {
    for (const [k, v] of s.tmout) out.tmout.set(k, v);
    for (const v of s.readonly) out.readonly.add(v);
    for (const v of s.exported) out.exported.add(v);
    for (const [k, v] of s.umask) out.umask.set(k, v);
    for (const [k, v] of s.path) out.path.set(k, v);
    for (const [name, bodies] of s.functions) out.functions.set(name, [...new Set([...(out.functions.get(name) ?? [null]), ...bodies])]);
    for (const [name, bodies] of out.functions) if (!s.functions.has(name) && !bodies.includes(null)) out.functions.set(name, [...bodies, null]);
  }
  return out;
}

/** Every tracked value may now be anything: for sourcing a file the fact has not read, eval, and the like. */
export function unknownEffect(s: ShellState, origin: Origin): ShellState {
  const out = copy(s);
  out.tmout.set(key(UNKNOWN, origin), { value: UNKNOWN, origin });
  out.readonly.add(true); out.exported.add(true); out.exported.add(false);
  out.umask.set(key(UNKNOWN, origin), { value: UNKNOWN, origin });
  out.path.set(key(UNKNOWN, origin), { value: UNKNOWN, origin });
  return out;
}


/**
 * root's PATH in a login shell, worked out from files, without logging in.
 *
 * A login of root (login on a console, `su -`, sshd) first gives the shell a PATH, then bash, started as
 * a login shell, runs its start-up files, which may change it:
 * - login and `su -` (shadow's and util-linux's) set PATH from ENV_SUPATH in /etc/login.defs, or from
 *   their compiled-in value for root when it is not set (taken here as the usual system directories,
 *   COMPILED_IN_ROOT_PATH). pam_env, in the session stacks that call it, then replaces PATH with the one
 *   /etc/environment sets (readenv=1, values taken literally). Each of these is a PATH root may start
 *   with, and each is followed through the start-up files: every one must be sound.
 * - PATH set in /etc/security/pam_env.conf or in root's ~/.pam_environment (expansions, DEFAULT and
 *   OVERRIDE) is not evaluated here: such a PATH is "not determined", and the item says so.
 * - bash then reads /etc/profile and the first of ~/.bash_profile, ~/.bash_login, ~/.profile that exists;
 *   ~/.bashrc only when one of them sources it. The statements are followed as shell-effective.ts does,
 *   with HOME, USER, LOGNAME, EUID and UID known for root, for an interactive and a non-interactive login;
 *   a test of a literal path (`[ -d /opt/tools/bin ]`) is decided from a stat of it (testedPaths).
 * The result is the set of values PATH may end with; a value the files do not determine is UNKNOWN.
 */
import { parseLoginDefs } from './login-defs.js';
import { shellFiles } from './shell-login.js';
import { initialState, newContext, runFile, UNKNOWN, type LoginShell, type Possible, type ShellFiles } from './shell-effective.js';

/** The files that set the PATH a login gives root, before the shell runs. */
export const LOGIN_PATH_FILES = ['/etc/login.defs', '/etc/environment', '/etc/security/pam_env.conf'];
/** bash's login start-up files in the home, in the order it looks for them (it reads the first that exists). */
export const HOME_PROFILES = ['.bash_profile', '.bash_login', '.profile'];
/** The files in root's home that are read. */
export const rootHomeFiles = (home: string) => [...HOME_PROFILES, '.bashrc', '.bash_aliases', '.pam_environment'].map((f) => `${home === '/' ? '' : home}/${f}`);
/** login's and su's PATH for root when /etc/login.defs has no ENV_SUPATH (the directories both use). */
export const COMPILED_IN_ROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A PATH a login may give root before the start-up files run; value null: not determined (why says why). */
export interface LoginPath { source: string; value: string | null; why?: string }

/** PATH in /etc/environment as pam_env reads it (KEY=VALUE lines, "export " allowed, one pair of quotes removed; the last wins). */
export function environmentPath(text: string): { value: string; line: number } | null {
  let found: { value: string; line: number } | null = null;
  text.split('\n').forEach((raw, i) => {
    const body = raw.trim().replace(/^export\s+/, '');
    const m = /^PATH=(.*)$/.exec(body);
    if (!m) return;
    const v = m[1].trim();
    found = { value: /^(["']).*\1$/.test(v) && v.length >= 2 ? v.slice(1, -1) : v, line: i + 1 };
  });
  return found;
}

/** A line of a pam_env.conf-style file that names PATH (pam_env.conf, ~/.pam_environment). */
function pamEnvPathLine(text: string): number | null {
  const i = text.split('\n').findIndex((l) => /^\s*(export\s+)?PATH(\s|=)/.test(l));
  return i < 0 ? null : i + 1;
}

/** The PATHs a login may give root before the shell's start-up files run. */
export function loginPaths(contents: Map<string, string>, home: string): LoginPath[] {
  const out: LoginPath[] = [];
  const supath = contents.has('/etc/login.defs') ? parseLoginDefs(contents.get('/etc/login.defs')!).get('ENV_SUPATH') : undefined;
  if (supath) out.push({ source: `ENV_SUPATH in /etc/login.defs:${supath.line} (login and su - give it to root)`, value: supath.value.replace(/^PATH=/, '') });
  else out.push({ source: `login's and su's compiled-in PATH for root (no ENV_SUPATH in /etc/login.defs)`, value: COMPILED_IN_ROOT_PATH });
  const env = contents.has('/etc/environment') ? environmentPath(contents.get('/etc/environment')!) : null;
  if (env) out.push({ source: `PATH in /etc/environment:${env.line} (pam_env replaces the PATH with it where the PAM stack calls pam_env)`, value: env.value });
  for (const file of ['/etc/security/pam_env.conf', `${home === '/' ? '' : home}/.pam_environment`]) {
    const line = contents.has(file) ? pamEnvPathLine(contents.get(file)!) : null;
    if (line !== null) out.push({ source: `${file}:${line}`, value: null, why: `${file}:${line} sets PATH for pam_env (DEFAULT/OVERRIDE and their expansions are not evaluated here)` });
  }
  return out;
}

export interface RootPathOutcome {
  login: LoginPath;
  /** "an interactive login shell" / "a non-interactive login shell" */
  shell: string;
  /** the values PATH may end with; UNKNOWN: not determined by the files */
  values: Array<Possible<string | null>>;
}

export interface RootPathSettings {
  /** the start-up files a login shell of root reads itself, in order (others are read when sourced) */
  files: string[];
  outcomes: RootPathOutcome[];
  /** what made the result less certain (a file that could not be parsed, a file sourced that was not read) */
  notes: string[];
}

/** What a path tested in the files is (stat, following links); null: it does not exist. */
export type PathStats = Map<string, { type: string; mode: number; size: number } | null>;

/** The literal absolute paths the files test with -d, -e, -f, -r, -s or -x: stat'ed, so that such tests are decided. */
export function testedPaths(contents: Map<string, string>): string[] {
  const found = new Set<string>();
  for (const text of contents.values()) {
    for (const m of text.matchAll(/(?:^|[\s[])-[defrsx]\s+(["']?)(\/[A-Za-z0-9._+\/-]+)\1(?=[\s\];&|)]|$)/gm)) found.add(m[2]);
  }
  return [...found].slice(0, 200);
}

/** The start-up files, root's own included: a file of root's home that is absent is known to be absent. */
function rootShellFiles(contents: Map<string, string>, home: string, stats: PathStats): ShellFiles {
  const base = shellFiles(contents);
  const own = new Set(rootHomeFiles(home));
  return {
    ...base,
    parsed(path) {
      const p = base.parsed(path);
      return p === undefined && own.has(path) ? null : p;
    },
    isDirectory(path) {
      const known = base.isDirectory(path);
      if (known !== undefined || !stats.has(path)) return known;
      return stats.get(path)?.type === 'd';
    },
    stat: (path) => stats.get(path),
  };
}

const SHELLS: Array<[LoginShell, string]> = [
  [{ interactive: true, login: true }, 'an interactive login shell'],
  [{ interactive: false, login: true }, 'a non-interactive login shell'],
];

/** Follow root's start-up files from each PATH a login may give. A pure function of the files' contents. */
export function evaluateRootPath(contents: Map<string, string>, home: string, logins: LoginPath[], stats: PathStats = new Map()): RootPathSettings {
  const files = rootShellFiles(contents, home, stats);
  const profile = rootHomeFiles(home).slice(0, HOME_PROFILES.length).find((p) => contents.has(p));
  const order = ['/etc/profile', ...(profile ? [profile] : [])];
  const notes: string[] = [];
  const outcomes: RootPathOutcome[] = [];
  for (const login of logins) {
    for (const [shell, label] of SHELLS) {
      if (login.value === null) {
        outcomes.push({ login, shell: label, values: [{ value: UNKNOWN, origin: { file: login.source, line: 0, text: login.why ?? 'not determined' } }] });
        continue;
      }
      const ctx = newContext(files, shell, notes);
      for (const [k, v] of Object.entries({ HOME: home, USER: 'root', LOGNAME: 'root', EUID: '0', UID: '0' })) ctx.vars.set(k, v);
      const start = initialState(login.value);
      let state: typeof start | null = start;
      for (const file of order) {
        const parsed = files.parsed(file);
        if (!state || parsed === null || parsed === undefined) continue;
        if (typeof parsed === 'string') {
          state = null;
          outcomes.push({ login, shell: label, values: [{ value: UNKNOWN, origin: { file, line: 0, text: parsed } }] });
          break;
        }
        state = runFile(file, parsed, state, ctx);
      }
      // a login that never reaches the prompt (exit in a start-up file) leaves no shell whose PATH counts
      if (state) outcomes.push({ login, shell: label, values: [...state.path.values()] });
    }
  }
  return { files: order, outcomes, notes: [...new Set(notes)] };
}

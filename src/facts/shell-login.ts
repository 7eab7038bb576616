/**
 * The umask and TMOUT every login shell ends up with after the system-wide start-up files, run the way
 * bash runs them (see shell-effective.ts), for an interactive and a non-interactive login shell.
 *
 * Which files, in which order, is the distribution's wiring, read from the files themselves:
 * - bash, started as a login shell, reads /etc/profile. Ubuntu's /etc/profile sources /etc/bash.bashrc
 *   (when PS1 is set, i.e. for an interactive shell) and then each /etc/profile.d/*.sh; the Red Hat
 *   family's (ACL2) sources /etc/profile.d/*.sh and /etc/profile.d/sh.local. Both are followed as
 *   written, so a changed /etc/profile is followed as changed.
 * - On the Red Hat family (an /etc/bashrc and no /etc/bash.bashrc), the default ~/.bash_profile sources
 *   ~/.bashrc, which sources /etc/bashrc: /etc/bashrc is taken as read after /etc/profile, as it is for
 *   every account made from /etc/skel.
 * - The files in users' homes (~/.bash_profile, ~/.profile, ~/.bashrc) are not read: they belong to the
 *   user, who can change a umask anyway; a read-only TMOUT is what keeps them from lifting the timeout.
 * - An interactive shell started from a login shell (a terminal, `su` without -l) is not a login shell:
 *   it starts with the umask of its parent and reads only the system bashrc, which may change it again.
 *   Its outcome is reported too; TMOUT is judged on login shells.
 * - Files are globbed in byte order (the C locale); a locale with another collation may order
 *   /etc/profile.d differently.
 */
import { CheckError } from '../model/verdict.js';
import { globMatch } from '../model/glob.js';
import { defineFact } from './store.js';
import { parseShell, type TopLevel } from './shell-syntax.js';
import { initialState, newContext, runFile, type LoginShell, type Possible, type ShellFiles, type UmaskValue } from './shell-effective.js';

const PROFILE_D_GLOB = '/etc/profile.d/*.sh';
export const LOGIN_SHELL_FILES = ['/etc/profile', '/etc/profile.d/*.sh', '/etc/profile.d/sh.local', '/etc/bash.bashrc', '/etc/bashrc', '/etc/locale.conf'];

export interface LoginShellOutcome {
  shell: LoginShell;
  /** "an interactive login shell" / "a non-interactive login shell" */
  label: string;
  /** the possible values of TMOUT at the end (null: unset; '*': not determined by the files) */
  tmout: Array<Possible<string | null>>;
  readonly: boolean[];
  exported: boolean[];
  /** the possible umasks at the end ('inherited': the files leave the umask login gave) */
  umask: Array<Possible<UmaskValue>>;
}

export interface LoginShellSettings {
  /** the files read, in the order a login shell starts from */
  files: string[];
  outcomes: LoginShellOutcome[];
  /** what made a result less certain (a file that could not be parsed, a file sourced that was not read) */
  notes: string[];
}

/** The files, parsed, keyed by path; glob support for /etc/profile.d/*.sh, as bash expands it. */
export function shellFiles(contents: Map<string, string>): ShellFiles {
  const cache = new Map<string, TopLevel[]>();
  const readGlob = (p: string) => globMatch(PROFILE_D_GLOB, p, { pathname: true });
  return {
    parsed(path) {
      if (!contents.has(path)) return LOGIN_SHELL_FILES.includes(path) || readGlob(path) ? null : undefined;
      if (!cache.has(path)) {
        cache.set(path, parseShell(contents.get(path)!));
      }
      return cache.get(path)!;
    },
    glob(pattern) {
      if (pattern === PROFILE_D_GLOB) {
        const byteOrder = (a: string, b: string) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1);
        return [...contents.keys()].filter((p) => globMatch(PROFILE_D_GLOB, p, { pathname: true, period: true })).sort(byteOrder);
      }
      if (LOGIN_SHELL_FILES.includes(pattern)) return contents.has(pattern) ? [pattern] : [];
      return null;
    },
    isDirectory(path) {
      if (path === '/etc/profile.d' || path === '/etc/profile.d/') return [...contents.keys()].some(readGlob) ? true : undefined;
      return undefined;
    },
  };
}

const label = (s: LoginShell) => (!s.login ? 'an interactive shell started from a login shell (not a login shell itself)'
  : s.interactive ? 'an interactive login shell' : 'a non-interactive login shell');

/** Run the start-up files for both kinds of login shell. A pure function of the files' contents. */
export function evaluateLoginShells(contents: Map<string, string>): LoginShellSettings {
  const files = shellFiles(contents);
  const notes: string[] = [];
  const redHat = contents.has('/etc/bashrc') && !contents.has('/etc/bash.bashrc');
  const order = ['/etc/profile', ...(redHat ? ['/etc/bashrc'] : [])];
  const shells: LoginShell[] = [{ interactive: true, login: true }, { interactive: false, login: true }, { interactive: true, login: false }];
  const outcomes = shells.map((shell): LoginShellOutcome => {
    // an interactive shell that is not a login shell reads only the system bashrc (through ~/.bashrc on the Red Hat family)
    const files_ = shell.login ? order : [redHat ? '/etc/bashrc' : '/etc/bash.bashrc'];
    const ctx = newContext(files, shell, notes);
    let state = initialState();
    let s: typeof state | null = state;
    for (const file of files_) {
      const parsed = files.parsed(file);
      if (!s || parsed === null || parsed === undefined) continue;
      if (typeof parsed === 'string') throw new CheckError(`${file}: ${parsed}`);
      s = runFile(file, parsed, s, ctx);
    }
    // a login that never reaches the prompt (exit in a start-up file) leaves no shell to judge
    state = s ?? state;
    return {
      shell, label: label(shell), tmout: [...state.tmout.values()], readonly: [...state.readonly], exported: [...state.exported], umask: [...state.umask.values()],
    };
  });
  return { files: [...order, ...[...contents.keys()].filter((p) => !order.includes(p))], outcomes, notes: [...new Set(notes)] };
}

export const loginShellSettings = defineFact<LoginShellSettings>('login-shell-settings', async ({ facts }) => {
  const reads = await facts.readMany(LOGIN_SHELL_FILES);
  const contents = new Map<string, string>();
  for (const r of reads) {
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    if (r.state === 'file') contents.set(r.path, r.content.toString('utf8'));
  }
  if (!contents.has('/etc/profile')) throw new CheckError('/etc/profile does not exist: no login shell settings can be shown');
  return evaluateLoginShells(contents);
}, LOGIN_SHELL_FILES);

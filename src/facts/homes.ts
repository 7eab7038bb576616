/**
 * Users' home directories and what lies directly in them, and root's login PATH (from its files).
 *
 * Whose homes: accounts that can log in, i.e. every account in /etc/passwd except those whose shell
 * refuses a login (NON_LOGIN_SHELLS) and the traditional command accounts halt, sync and shutdown, whose
 * "shell" is a single command. root is included.
 *
 * Round trips: one stat of all homes (following symbolic links, as `test -d` does); one walk, limited to
 * the first level of each home, for the files in them (as lstat sees them, so a symbolic link is
 * reported as a link, never as the file it points to).
 */
import { CheckError } from '../model/verdict.js';
import type { FileStat, WalkEntry } from '../targets/target.js';
import { passwd, type PasswdEntry } from './accounts.js';
import { defineFact } from './store.js';
import { LOGIN_SHELL_FILES } from './shell-login.js';
import { evaluateRootPath, LOGIN_PATH_FILES, loginPaths, rootHomeFiles, testedPaths, type PathStats, type RootPathSettings } from './shell-root-path.js';

/** Shells that refuse an interactive login. */
export const NON_LOGIN_SHELLS = ['/usr/sbin/nologin', '/sbin/nologin', '/bin/false', '/usr/bin/false'];
/** Accounts whose shell is one command (halt, sync, shutdown), not a login. */
export const COMMAND_ACCOUNTS = ['halt', 'sync', 'shutdown'];

export interface LoginAccounts {
  /** accounts whose homes are checked */
  accounts: PasswdEntry[];
  /** accounts left out, with why */
  skipped: Array<{ name: string; why: string }>;
}

/** Split accounts into those that can log in (their homes are checked) and those that cannot. */
export function loginAccounts(users: PasswdEntry[]): LoginAccounts {
  const accounts: PasswdEntry[] = [];
  const skipped: LoginAccounts['skipped'] = [];
  for (const u of users) {
    if (COMMAND_ACCOUNTS.includes(u.name)) skipped.push({ name: u.name, why: `command account, shell ${u.shell}` });
    else if (NON_LOGIN_SHELLS.includes(u.shell.replace(/\/+$/, ''))) skipped.push({ name: u.name, why: `shell ${u.shell}` });
    else accounts.push(u);
  }
  return { accounts, skipped };
}

/** A home path as the checks use it: absolute, without trailing slashes; null when it is not absolute. */
export function normaliseHome(home: string): string | null {
  if (!home.startsWith('/')) return null;
  const trimmed = home.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.replace(/\/{2,}/g, '/');
}

export interface UserHome {
  account: PasswdEntry;
  /** the home path, normalised; null when /etc/passwd gives no absolute path */
  path: string | null;
  /** stat of the home (following symbolic links); null when it does not exist */
  stat: FileStat | null;
}

export const userHomes = defineFact<{ homes: UserHome[]; skipped: LoginAccounts['skipped'] }>('user-homes', async ({ facts }) => {
  const { accounts, skipped } = loginAccounts(await facts.get(passwd));
  const paths = [...new Set(accounts.map((a) => normaliseHome(a.home)).filter((p): p is string => p !== null))];
  const stats = await facts.stat(paths);
  const homes = accounts.map((account) => {
    const path = normaliseHome(account.home);
    return { account, path, stat: path === null ? null : stats.get(path) ?? null };
  });
  return { homes, skipped };
});

/** Escape a literal path for use in a find -path pattern. */
export function escapeFindPattern(path: string): string {
  return path.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Plan walks that list only the first level of each home: each home is a root, and "<home>/*\/*" is
 * pruned. A home inside another home would be pruned by the outer home's pattern, so such homes go in
 * separate walks; usually there is one.
 */
export function planHomeWalks(homes: string[]): Array<{ roots: string[]; prune: string[] }> {
  const sorted = [...new Set(homes)].sort();
  const batches: string[][] = [];
  for (const h of sorted) {
    const isInside = (other: string) => other !== h && (other === '/' || h.startsWith(`${other}/`));
    const batch = batches.find((b) => !b.some(isInside));
    if (batch) batch.push(h);
    else batches.push([h]);
  }
  return batches.map((roots) => ({
    roots,
    prune: roots.map((r) => (r === '/' ? '/*/*' : `${escapeFindPattern(r)}/*/*`)),
  }));
}

export interface HomeListing {
  home: string;
  /** entries directly in the home (names only, not the home itself), as lstat sees them; null when not listed */
  entries: WalkEntry[] | null;
  /** why the home could not be listed */
  unlisted?: string;
}

/**
 * Sort walked entries into each home's first-level listing. The home itself must be among the entries:
 * if it is missing or is a symbolic link (the walk does not follow it), its listing is null, with why.
 */
export function firstLevelListings(homes: string[], walked: WalkEntry[]): HomeListing[] {
  const byHome = new Map<string, HomeListing>(homes.map((h) => [h, { home: h, entries: null as WalkEntry[] | null }]));
  const selfEntry = new Map<string, WalkEntry>();
  const children = new Map<string, WalkEntry[]>(homes.map((h) => [h, []]));
  for (const e of walked) {
    if (byHome.has(e.path)) selfEntry.set(e.path, e);
    const slash = e.path.lastIndexOf('/');
    const parent = slash === 0 ? '/' : e.path.slice(0, slash);
    if (e.path !== '/' && children.has(parent)) children.get(parent)!.push(e);
  }
  for (const listing of byHome.values()) {
    const self = selfEntry.get(listing.home);
    if (!self) listing.unlisted = 'the home directory could not be listed';
    else if (self.type === 'l') listing.unlisted = 'the home directory path is a symbolic link, which the listing does not follow';
    else if (self.type !== 'd') listing.unlisted = 'the home path is not a directory';
    else listing.entries = children.get(listing.home)!.sort((a, b) => (a.path < b.path ? -1 : 1));
  }
  return [...byHome.values()];
}

/** First-level listing of every existing home directory of an account that can log in. */
export const homeListings = defineFact<HomeListing[]>('home-listings', async ({ facts, target }) => {
  const { homes } = await facts.get(userHomes);
  const dirs = [...new Set(homes.filter((h) => h.path !== null && h.stat?.type === 'd').map((h) => h.path!))];
  const listings: HomeListing[] = [];
  for (const plan of planHomeWalks(dirs)) {
    const walked: WalkEntry[] = [];
    await target.walk(plan, (e) => walked.push(e));
    listings.push(...firstLevelListings(plan.roots, walked));
  }
  return listings.sort((a, b) => (a.home < b.home ? -1 : 1));
});

export interface PathProblems {
  entries: string[];
  /** problems of the PATH string itself */
  problems: string[];
  /** absolute entries, to be checked as directories */
  directories: string[];
}

/** Split a PATH and find what is wrong with its shape: empty entries, a trailing colon, "." or relative entries. */
export function analysePath(path: string): PathProblems {
  const entries = path.split(':');
  const problems: string[] = [];
  if (path === '') problems.push('the PATH is empty');
  else {
    if (path.endsWith(':')) problems.push('the PATH ends with ":" (an empty last entry means the current directory)');
    if (path.startsWith(':')) problems.push('the PATH starts with ":" (an empty first entry means the current directory)');
    if (/::/.test(path)) problems.push('the PATH has an empty entry "::" (it means the current directory)');
  }
  const directories: string[] = [];
  entries.forEach((e, i) => {
    if (e === '') return;
    if (e === '.') problems.push(`entry ${i + 1} is "." (the current directory)`);
    else if (!e.startsWith('/')) problems.push(`entry ${i + 1} "${e}" is a relative directory`);
    else directories.push(e);
  });
  return { entries, problems, directories: [...new Set(directories)] };
}

/**
 * root's PATH as a login shell of root sets it, worked out from the files (shell-root-path.ts): nothing
 * logs in, so no authentication is attempted and none is logged. root's files are readable by root only:
 * an audit that is not root gets "cannot be read", an error, never a pass.
 */
export const rootLoginPath = defineFact<RootLoginPath>('root-login-path', async ({ facts }) => {
  const root = (await facts.get(passwd)).find((u) => u.name === 'root');
  if (!root) throw new CheckError('/etc/passwd has no root account');
  if (!/(^|\/)bash$/.test(root.shell)) {
    throw new CheckError(`root's login shell is ${JSON.stringify(root.shell)} (/etc/passwd:${root.line}): its PATH is worked out for bash only; check it by hand`);
  }
  const home = normaliseHome(root.home);
  if (home === null) throw new CheckError(`root's home ${JSON.stringify(root.home)} (/etc/passwd:${root.line}) is not an absolute path`);
  const reads = await facts.readMany([...LOGIN_PATH_FILES, ...LOGIN_SHELL_FILES, ...rootHomeFiles(home)]);
  const contents = new Map<string, string>();
  for (const r of reads) {
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    if (r.state === 'file') contents.set(r.path, r.content.toString('utf8'));
  }
  if (!contents.has('/etc/profile')) throw new CheckError('/etc/profile does not exist: the start-up files of a login shell cannot be followed');
  const stats: PathStats = new Map();
  const tested = testedPaths(contents);
  const found = await facts.stat(tested);
  for (const p of tested) stats.set(p, found.get(p) ?? null);
  return { home, shell: root.shell, ...evaluateRootPath(contents, home, loginPaths(contents, home), stats) };
}, [...LOGIN_PATH_FILES, ...LOGIN_SHELL_FILES]);

export interface RootLoginPath extends RootPathSettings { home: string; shell: string }

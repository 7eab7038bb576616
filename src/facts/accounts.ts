/**
 * Local accounts: /etc/passwd, /etc/group, /etc/shadow and /etc/gshadow, parsed. Password hashes never
 * leave the parser: a shadow entry keeps only whether a password is set, locked or empty.
 *
 * Lines are read as glibc reads them (nss_files, and nss_compat, which Ubuntu's nsswitch.conf names):
 * white space before the first field is skipped, empty lines and lines starting with "#" are not
 * entries, and a group's member list is split at "," with white space before each name skipped.
 *
 * Lines starting with "+" or "-" are the NIS "compat" syntax ("+", "+name", "+@netgroup", "-name"): they
 * pull accounts or groups in from NIS, or keep them out, and are not local entries. The entry parsers
 * leave them out; `nisCompatLines` lists them (by their name part only, never the rest of the line).
 */
import { CheckError } from '../model/verdict.js';
import { defineFact, type FactDef } from './store.js';

/** The passwd password field, reduced to what checks need: never the hash itself. */
export type PasswdPasswordField = 'x' | PasswordState;
export interface PasswdEntry { name: string; password: PasswdPasswordField; uid: number; gid: number; gecos: string; home: string; shell: string; line: number }
export interface GroupEntry { name: string; password: string; gid: number; members: string[]; line: number }
export type PasswordState = 'hashed' | 'locked' | 'empty' | 'no-login';
export interface ShadowEntry {
  name: string; state: PasswordState; lastChange: number | null; minDays: number | null; maxDays: number | null;
  warnDays: number | null; inactiveDays: number | null; expires: number | null; line: number;
}

const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));

/** A line of the NIS compat syntax: "+" or "-" first. No local account or group name starts so. */
const isCompatLine = (l: string) => l.startsWith('+') || l.startsWith('-');

/** The entry lines with their numbers, leading white space skipped, as glibc skips it. */
function lines(text: string): Array<[string, number]> {
  return text.split('\n').map((l, i) => [l.replace(/^\s+/, ''), i + 1] as [string, number])
    .filter(([l]) => l !== '' && !l.startsWith('#') && !isCompatLine(l));
}

/** A member list as glibc splits it: at ",", white space before each name skipped, empty names dropped. */
export function splitMembers(field: string): string[] {
  return field.split(',').map((m) => m.replace(/^\s+/, '')).filter(Boolean);
}

/** One NIS compat line of an account file: its marker and the name part (what follows it up to ":"). */
export interface CompatLine { line: number; marker: '+' | '-'; name: string }

/**
 * The NIS compat lines of /etc/passwd, /etc/shadow, /etc/group or /etc/gshadow. Only the name part is
 * kept ("" for the lone "+", "@ops" for a netgroup): the other fields may hold a password hash.
 */
export function parseCompatLines(text: string): CompatLine[] {
  const out: CompatLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/^\s+/, '');
    if (!isCompatLine(l)) return;
    out.push({ line: i + 1, marker: l[0] as '+' | '-', name: l.slice(1).split(':')[0].trim() });
  });
  return out;
}

export function parsePasswd(text: string, source = '/etc/passwd'): PasswdEntry[] {
  return lines(text).map(([l, line]) => {
    const f = l.split(':');
    if (f.length < 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) throw new CheckError(`${source}:${line} is not a valid passwd line`);
    return { name: f[0], password: f[1] === 'x' ? 'x' : passwordState(f[1]), uid: Number(f[2]), gid: Number(f[3]), gecos: f[4], home: f[5], shell: f[6], line };
  });
}

export function parseGroup(text: string, source = '/etc/group'): GroupEntry[] {
  return lines(text).map(([l, line]) => {
    const f = l.split(':');
    if (f.length < 4 || !/^\d+$/.test(f[2])) throw new CheckError(`${source}:${line} is not a valid group line`);
    // the member list runs to the end of the line: a ":" in it is part of a name
    return { name: f[0], password: f[1], gid: Number(f[2]), members: splitMembers(f.slice(3).join(':')), line };
  });
}

export function passwordState(field: string): PasswordState {
  if (field === '') return 'empty';
  // "*", "*LK*" (locked by some tools), "!", "!!", "!*": no password can match
  if (field.startsWith('*') || field === '!' || field === '!!' || field === '!*') return 'no-login';
  if (field.startsWith('!')) return 'locked';
  return 'hashed';
}

export function parseShadow(text: string, source = '/etc/shadow'): ShadowEntry[] {
  return lines(text).map(([l, line]) => {
    const f = l.split(':');
    if (f.length < 8) throw new CheckError(`${source}:${line} is not a valid shadow line`);
    return {
      name: f[0], state: passwordState(f[1]), lastChange: num(f[2]), minDays: num(f[3]), maxDays: num(f[4]),
      warnDays: num(f[5]), inactiveDays: num(f[6]), expires: num(f[7]), line,
    };
  });
}

async function required(facts: import('./store.js').FactStore, path: string): Promise<string> {
  const text = await facts.text(path);
  if (text === null) throw new CheckError(`${path} does not exist`);
  return text;
}

export const passwd = defineFact('passwd', async ({ facts }) => parsePasswd(await required(facts, '/etc/passwd')), ['/etc/passwd']);
export const groups = defineFact('group', async ({ facts }) => parseGroup(await required(facts, '/etc/group')), ['/etc/group']);
export const shadow = defineFact('shadow', async ({ facts }) => parseShadow(await required(facts, '/etc/shadow')), ['/etc/shadow']);

/** The account files whose NIS compat lines can be asked for. */
export const ACCOUNT_FILES = ['/etc/passwd', '/etc/shadow', '/etc/group', '/etc/gshadow'] as const;

const compatFacts = new Map<string, FactDef<CompatLine[]>>(ACCOUNT_FILES.map((path) => [path,
  defineFact<CompatLine[]>(`nis-compat-lines:${path}`, async ({ facts }) => parseCompatLines(await required(facts, path)), [path])]));

/** The NIS compat lines of one account file (one of ACCOUNT_FILES). */
export function nisCompatLines(path: string): FactDef<CompatLine[]> {
  const def = compatFacts.get(path);
  if (!def) throw new CheckError(`${path} is not an account file (${ACCOUNT_FILES.join(', ')})`);
  return def;
}

/** Name ↔ id maps of the target (never of the auditing machine). */
export interface Identities {
  userName(uid: number): string | undefined;
  groupName(gid: number): string | undefined;
  uid(name: string): number | undefined;
  gid(name: string): number | undefined;
}

export const identities = defineFact<Identities>('identities', async ({ facts }) => {
  const [users, grps] = await Promise.all([facts.get(passwd), facts.get(groups)]);
  const uidToName = new Map<number, string>();
  for (const u of users) if (!uidToName.has(u.uid)) uidToName.set(u.uid, u.name);
  const gidToName = new Map<number, string>();
  for (const g of grps) if (!gidToName.has(g.gid)) gidToName.set(g.gid, g.name);
  return {
    userName: (uid) => uidToName.get(uid),
    groupName: (gid) => gidToName.get(gid),
    uid: (name) => users.find((u) => u.name === name)?.uid,
    gid: (name) => grps.find((g) => g.name === name)?.gid,
  };
});

/**
 * Local accounts: /etc/passwd, /etc/group, /etc/shadow and /etc/gshadow, parsed. Password hashes never
 * leave the parser: a shadow entry keeps only whether a password is set, locked or empty.
 */
import { CheckError } from '../engine/verdict.js';
import { defineFact } from './store.js';

/** The passwd password field, reduced to what checks need: never the hash itself. */
export type PasswdPasswordField = 'x' | PasswordState;
export interface PasswdEntry { name: string; password: PasswdPasswordField; uid: number; gid: number; gecos: string; home: string; shell: string; line: number }
export interface GroupEntry { name: string; password: string; gid: number; members: string[]; line: number }
export type PasswordState = 'hashed' | 'locked' | 'empty' | 'no-login';
export interface ShadowEntry {
  name: string; state: PasswordState; lastChange: number | null; minDays: number | null; maxDays: number | null;
  warnDays: number | null; inactiveDays: number | null; expires: number | null; line: number;
}
export interface GshadowEntry { name: string; state: PasswordState; admins: string[]; members: string[]; line: number }

const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));

function lines(text: string): Array<[string, number]> {
  return text.split('\n').map((l, i) => [l, i + 1] as [string, number]).filter(([l]) => l.trim() !== '' && !l.startsWith('#'));
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
    return { name: f[0], password: f[1], gid: Number(f[2]), members: f[3].split(',').filter(Boolean), line };
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

export function parseGshadow(text: string, source = '/etc/gshadow'): GshadowEntry[] {
  return lines(text).map(([l, line]) => {
    const f = l.split(':');
    if (f.length < 4) throw new CheckError(`${source}:${line} is not a valid gshadow line`);
    return { name: f[0], state: passwordState(f[1]), admins: f[2].split(',').filter(Boolean), members: f[3].split(',').filter(Boolean), line };
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
export const gshadow = defineFact('gshadow', async ({ facts }) => parseGshadow(await required(facts, '/etc/gshadow')), ['/etc/gshadow']);

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

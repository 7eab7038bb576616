/**
 * Who belongs to a group, as `id` and `getent` work it out from /etc/passwd and /etc/group (glibc):
 * - at login (initgroups, `getent initgroups USER`) a user's processes get the primary gid of the user's
 *   first passwd entry, plus the gid of every group line that lists the user's name, duplicates of a group
 *   name included;
 * - `id -G USER` looks the name up, then the uid again: with a duplicated uid it shows the groups of the
 *   FIRST account with that uid, not those the named user gets at login; names are those of the first
 *   group line with each gid;
 * - `getent group NAME` and `getent passwd NAME` give the first entry with that name (ids likewise);
 * - a group's members are therefore the names listed on any line with its gid, and every account whose
 *   primary gid it is, which `getent group` never shows.
 * Pure functions of the parsed entries.
 */
import type { GroupEntry, PasswdEntry } from './accounts.js';

/** The first entry with this name or id, as getent returns it. */
export function firstGroup(groups: GroupEntry[], key: string | number): GroupEntry | undefined {
  return groups.find((g) => (typeof key === 'number' ? g.gid === key : g.name === key));
}

export function firstUser(users: PasswdEntry[], key: string | number): PasswdEntry | undefined {
  return users.find((u) => (typeof key === 'number' ? u.uid === key : u.name === key));
}

/** The gids a user's processes get at login (initgroups): the primary gid, then each group listing the user. */
export function groupIdsOf(users: PasswdEntry[], groups: GroupEntry[], user: string): number[] | undefined {
  const u = firstUser(users, user);
  if (!u) return undefined;
  return [...new Set([u.gid, ...groups.filter((g) => g.members.includes(user)).map((g) => g.gid)])];
}

/** `id -G USER`: the groups of the first account with USER's uid (coreutils looks the uid up again). */
export function idGroupIds(users: PasswdEntry[], groups: GroupEntry[], user: string): number[] | undefined {
  const named = firstUser(users, user);
  if (!named) return undefined;
  const byUid = firstUser(users, named.uid)!;
  return [...new Set([byUid.gid, ...groups.filter((g) => g.members.includes(byUid.name)).map((g) => g.gid)])];
}

/** `id -Gn USER`: the names of those gids (the first group line with each gid; the number when none). */
export function idGroupNames(users: PasswdEntry[], groups: GroupEntry[], user: string): string[] | undefined {
  return idGroupIds(users, groups, user)?.map((gid) => firstGroup(groups, gid)?.name ?? String(gid));
}

export interface GroupMember {
  name: string;
  /** how: listed on a group line (file:line), or primary group of an account (file:line) */
  how: 'listed' | 'primary';
  line: number;
}

/**
 * Everyone who has the gid(s) of the group named `name`, as the kernel sees it after login: the names
 * listed on every group line with one of those gids, and every account whose primary gid is one of them.
 * The gids are those of every line named `name` (a duplicate name counts with its own gid).
 */
export function membersOfGroup(users: PasswdEntry[], groups: GroupEntry[], name: string): GroupMember[] {
  const gids = new Set(groups.filter((g) => g.name === name).map((g) => g.gid));
  const listed = groups.filter((g) => gids.has(g.gid)).flatMap((g) => g.members.map((m) => ({ name: m, how: 'listed' as const, line: g.line })));
  const primary = users.filter((u) => gids.has(u.gid)).map((u) => ({ name: u.name, how: 'primary' as const, line: u.line }));
  return [...listed, ...primary];
}

/**
 * Mode and owner of one file as the target's own accounts name them, and the fix for a file that is too
 * permissive or owned by the wrong account: shared by the step files that check files.
 */
import type { CisWorld } from './world.js';
import { formatMode, type Owner } from './parameter-types.js';
import { identities } from '../../src/facts/accounts.js';
import type { FileStat } from '../../src/targets/target.js';
import { permissionsFix, type PermissionChange } from '../../src/remediation/templates.js';

/** A stat'ed file in words: its type, mode and owner as the target's accounts name them. */
export async function describeStat(world: CisWorld, st: FileStat): Promise<string> {
  const ids = await world.fact(identities);
  return `${st.type === 'd' ? 'directory' : st.type === 'f' ? 'file' : st.type}, mode ${formatMode(st.mode)}, owner ${ids.userName(st.uid) ?? `uid ${st.uid}`}:${ids.groupName(st.gid) ?? `gid ${st.gid}`}`;
}

export async function describeOwner(world: CisWorld, st: FileStat): Promise<{ user: string; group: string; text: string }> {
  const ids = await world.fact(identities);
  const user = ids.userName(st.uid) ?? `uid ${st.uid}`;
  const group = ids.groupName(st.gid) ?? `gid ${st.gid}`;
  return { user, group, text: `mode ${formatMode(st.mode)}, owner ${user}:${group} (uid ${st.uid}, gid ${st.gid})` };
}

/** Check mode and owner of one stat'ed file; returns the problems found (empty when compliant). */
export async function permissionProblems(world: CisWorld, st: FileStat, maxMode: number, owners: Owner[]): Promise<string[]> {
  const who = await describeOwner(world, st);
  world.record(st.path, who.text);
  const problems: string[] = [];
  const extra = st.mode & ~maxMode & 0o7777;
  if (extra) problems.push(`${st.path} has mode ${formatMode(st.mode)}, more permissive than ${formatMode(maxMode)} (extra bits ${formatMode(extra)})`);
  if (!owners.some((o) => o.user === who.user && o.group === who.group)) {
    problems.push(`${st.path} is owned by ${who.user}:${who.group}, expected ${owners.map((o) => `${o.user}:${o.group}`).join(' or ')}`);
  }
  return problems;
}

/**
 * The remediation of a permission problem: drop the extra mode bits and, when the owner is not one of
 * those allowed, give the file to the first allowed owner (names resolved on the target).
 */
export async function remedyPermissions(world: CisWorld, st: FileStat, maxMode: number, owners: Owner[]): Promise<void> {
  const ids = await world.fact(identities);
  const fix: PermissionChange = { path: st.path };
  if (st.mode & ~maxMode & 0o7777) fix.mode = st.mode & maxMode;
  const current = { user: ids.userName(st.uid), group: ids.groupName(st.gid) };
  if (!owners.some((o) => o.user === current.user && o.group === current.group)) {
    const uid = ids.uid(owners[0].user);
    const gid = ids.gid(owners[0].group);
    if (uid === undefined || gid === undefined) return;
    fix.owner = { uid, gid };
  }
  if (fix.mode !== undefined || fix.owner) world.remedy(permissionsFix(`set ${st.path} to mode at most ${formatMode(maxMode)}, owner ${owners[0].user}:${owners[0].group}`, [fix]));
}

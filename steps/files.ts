/** Steps about individual files: existence, permissions and ownership as the target's own accounts name them. */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode, type Owner } from './support/parameter-types.js';
import { identities } from '../src/facts/accounts.js';
import type { FileStat } from '../src/targets/target.js';
import type { Change } from '../src/model/remediation.js';

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
  const changes: Change[] = [];
  if (st.mode & ~maxMode & 0o7777) changes.push({ kind: 'set-mode', path: st.path, mode: st.mode & maxMode });
  const current = { user: ids.userName(st.uid), group: ids.groupName(st.gid) };
  if (!owners.some((o) => o.user === current.user && o.group === current.group)) {
    const uid = ids.uid(owners[0].user);
    const gid = ids.gid(owners[0].group);
    if (uid === undefined || gid === undefined) return;
    changes.push({ kind: 'set-owner', path: st.path, uid, gid });
  }
  if (changes.length) world.remedy({ summary: `set ${st.path} to mode at most ${formatMode(maxMode)}, owner ${owners[0].user}:${owners[0].group}`, changes });
}

async function checkFile(world: CisWorld, path: string, maxMode: number, owners: Owner[], optional: boolean) {
  const st = (await world.facts.stat([path])).get(path);
  if (!st) {
    world.record(path, 'does not exist');
    if (optional) return world.notApplicable(`${path} does not exist`);
    world.fail(`${path} does not exist`);
  }
  const problems = await permissionProblems(world, st, maxMode, owners);
  if (problems.length) {
    await remedyPermissions(world, st, maxMode, owners);
    world.fail(problems.join('; '));
  }
  return undefined;
}

Then('the file {string} has mode at most {mode} and is owned by {owners}', async function (this: CisWorld, path: string, mode: number, owners: Owner[]) {
  return checkFile(this, path, mode, owners, false);
});

Then('the file {string}, if it exists, has mode at most {mode} and is owned by {owners}', async function (this: CisWorld, path: string, mode: number, owners: Owner[]) {
  return checkFile(this, path, mode, owners, true);
});

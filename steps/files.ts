/** Steps about individual files: existence, permissions and ownership as the target's own accounts name them. */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode, type Owner } from './support/parameter-types.js';
import { identities } from '../src/facts/accounts.js';
import type { FileStat } from '../src/targets/target.js';

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

async function checkFile(world: CisWorld, path: string, maxMode: number, owners: Owner[], optional: boolean) {
  const st = (await world.facts.stat([path])).get(path);
  if (!st) {
    world.record(path, 'does not exist');
    if (optional) return world.notApplicable(`${path} does not exist`);
    world.fail(`${path} does not exist`);
  }
  const problems = await permissionProblems(world, st, maxMode, owners);
  if (problems.length) world.fail(problems.join('; '));
  return undefined;
}

Then('the file {string} has mode at most {mode} and is owned by {owners}', async function (this: CisWorld, path: string, mode: number, owners: Owner[]) {
  return checkFile(this, path, mode, owners, false);
});

Then('the file {string}, if it exists, has mode at most {mode} and is owned by {owners}', async function (this: CisWorld, path: string, mode: number, owners: Owner[]) {
  return checkFile(this, path, mode, owners, true);
});

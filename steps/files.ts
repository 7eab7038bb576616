/** Steps about individual files: existence, permissions and ownership as the target's own accounts name them. */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import type { Owner } from './support/parameter-types.js';
import { permissionProblems, remedyPermissions } from './support/permissions.js';

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

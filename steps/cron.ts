/**
 * Steps about the job schedulers cron and at: whether the daemon runs on a live system, and who may
 * schedule jobs (allow and deny lists). Unit enablement and file modes use the shared steps of
 * services.ts and files.ts.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { runningProcesses } from '../src/facts/processes.js';
import { schedulerAccessLists } from '../src/facts/cron-access.js';

Then('the running system has a process named {string}', async function (this: CisWorld, name: string) {
  const live = await this.liveFact(runningProcesses);
  if (!live) return;
  const found = live.processes.filter((p) => p.name === name);
  if (!found.length) {
    this.record(live.command, `no process named ${name} among ${live.processes.length}: ${[...new Set(live.processes.map((p) => p.name))].sort().join(', ')}`);
    this.fail(`no process named ${name} is running`);
  }
  this.record(live.command, found.map((p) => `pid ${p.pid} ${p.name}`).join('\n'));
});

Then('there is no deny list {string}', async function (this: CisWorld, path: string) {
  const list = (await this.fact(schedulerAccessLists)).get(path);
  if (!list) throw new Error(`${path} is not one of the allow and deny lists this step reads`);
  if (!list.exists) {
    this.record(path, 'does not exist');
    return;
  }
  this.record(path, list.users.length ? `exists; denies ${list.users.slice(0, 20).join(', ')}${list.users.length > 20 ? ` and ${list.users.length - 20} more` : ''}` : 'exists and is empty (it denies nobody, yet without an allow list everyone may schedule jobs)');
  this.fail(`${path} exists: access is granted to everyone not listed instead of only to those in an allow list`);
});

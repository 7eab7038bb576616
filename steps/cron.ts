/**
 * Steps about the job schedulers cron and at: whether the daemon runs on a live system, and who may
 * schedule jobs (allow and deny lists). Unit enablement and file modes use the shared steps of
 * services.ts and files.ts.
 *
 * Restricting a scheduler means an allow list instead of a deny list: a remediation deletes the deny list
 * and creates the allow list with root in it (mode 0600, root:root), or tightens the one there is.
 */
import { Then, type DataTable } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { formatMode, type Owner } from './support/parameter-types.js';
import { permissionProblems, remedyPermissions } from './support/permissions.js';
import { runningProcesses } from '../src/facts/processes.js';
import { schedulerAccessLists, type AccessList } from '../src/facts/cron-access.js';
import { systemdUnits } from '../src/facts/systemd-units.js';
import { CheckError } from '../src/model/verdict.js';
import type { Change } from '../src/model/remediation.js';
import { deletePath, linesFix, remediation, rootFile, serviceStartFix } from '../src/remediation/templates.js';

Then('the running system has a process named {string}', async function (this: CisWorld, name: string) {
  const live = await this.liveFact(runningProcesses);
  if (!live) return;
  const found = live.processes.filter((p) => p.name === name);
  if (!found.length) {
    this.record(live.command, `no process named ${name} among ${live.processes.length}: ${[...new Set(live.processes.map((p) => p.name))].sort().join(', ')}`);
    // the daemon's unit, when it has one of its name: (re)start it
    const unit = (await this.fact(systemdUnits)).state(`${name}.service`);
    if (unit.path && !unit.masked) this.remedy(serviceStartFix(unit.name));
    this.fail(`no process named ${name} is running`);
  }
  this.record(live.command, found.map((p) => `pid ${p.pid} ${p.name}`).join('\n'));
});

/** The allow list that replaces a deny list: /etc/cron.deny -> /etc/cron.allow. */
const allowListFor = (deny: string) => deny.replace(/\.deny$/, '.allow');

/** A new allow list: root only, readable by root only. */
const createAllowList = (path: string, summary?: string) => linesFix({ path, lines: ['root'], create: rootFile(0o600), summary });

function describeList(list: AccessList, what: 'denies' | 'allows'): string {
  if (!list.exists) return 'does not exist';
  if (!list.users.length && !list.notes.length) return what === 'denies' ? 'exists and is empty (it denies nobody, yet without an allow list everyone may schedule jobs)' : 'exists and is empty (only root may schedule jobs)';
  const notes = list.notes.length ? `; lines read otherwise than they look: ${list.notes.join(', ')}` : '';
  if (!list.users.length) return `exists and names no user (${what === 'denies' ? 'it denies nobody' : 'only root may schedule jobs'})${notes}`;
  return `exists; ${what} ${list.users.slice(0, 20).join(', ')}${list.users.length > 20 ? ` and ${list.users.length - 20} more` : ''}${notes}`;
}

async function accessList(world: CisWorld, path: string): Promise<AccessList> {
  const list = (await world.fact(schedulerAccessLists)).get(path);
  if (!list) throw new CheckError(`${path} is not one of the allow and deny lists cis-bdd reads`);
  return list;
}

Then('there is no deny list {string}', async function (this: CisWorld, path: string) {
  const list = await accessList(this, path);
  this.record(path, describeList(list, 'denies'));
  if (!list.exists) return;
  const allow = allowListFor(path);
  const changes = [deletePath(path)];
  if (!(await accessList(this, allow)).exists) changes.push(...createAllowList(allow).changes);
  this.remedy(remediation(`delete ${path}${changes.length > 1 ? `, create ${allow} allowing root only` : ''}`, changes));
  this.fail(`${path} exists: access is granted to everyone not listed instead of only to those in an allow list`);
});

/** An allow list must exist (a missing one is created allowing root only) with at most the given mode and owner. */
Then('the allow list {string} exists with mode at most {mode} and is owned by {owners}', async function (this: CisWorld, path: string, mode: number, owners: Owner[]) {
  const allow = await accessList(this, path);
  if (!allow.exists) {
    this.record(path, 'does not exist');
    this.remedy(createAllowList(path, `create ${path} allowing root only (${formatMode(mode)})`));
    this.fail(`${path} does not exist: without it, everyone not in a deny list may schedule jobs`);
  }
  this.record(path, describeList(allow, 'allows'));
  const st = (await this.facts.stat([path])).get(path);
  if (!st) throw new CheckError(`${path} was read but cannot be stat'ed`);
  const problems = await permissionProblems(this, st, mode, owners);
  if (problems.length) {
    await remedyPermissions(this, st, mode, owners);
    this.fail(problems.join('; '));
  }
});

/**
 * One item, several schedulers: every row's deny list must be absent and its allow list present with a
 * mode and owner at most the given ones. All rows are checked (and remedied) before the verdict.
 */
Then('for each scheduler, the deny list does not exist and the allow list exists with mode at most {mode}, owned by {owners}:', async function (
  this: CisWorld, mode: number, owners: Owner[], table: DataTable,
) {
  const rows = table.hashes();
  if (!rows.length || !rows.every((r) => r['deny list'] && r['allow list'])) throw new CheckError('the table needs the columns "deny list" and "allow list"');
  const problems: string[] = [];
  const changes: Change[] = [];
  for (const row of rows) {
    const deny = await accessList(this, row['deny list']);
    const allow = await accessList(this, row['allow list']);
    this.record(deny.path, describeList(deny, 'denies'));
    if (deny.exists) {
      problems.push(`${deny.path} exists: everyone not listed in it may schedule jobs`);
      changes.push(deletePath(deny.path));
    }
    if (!allow.exists) {
      this.record(allow.path, 'does not exist');
      problems.push(`${allow.path} does not exist`);
      changes.push(...createAllowList(allow.path).changes);
      continue;
    }
    this.record(allow.path, describeList(allow, 'allows'));
    const st = (await this.facts.stat([allow.path])).get(allow.path);
    if (!st) throw new CheckError(`${allow.path} was read but cannot be stat'ed`);
    const found = await permissionProblems(this, st, mode, owners);
    if (found.length) {
      problems.push(...found);
      await remedyPermissions(this, st, mode, owners);
    }
  }
  if (changes.length) this.remedy(remediation(`allow lists instead of deny lists (${formatMode(mode)}, root only)`, changes));
  if (problems.length) this.fail(problems.join('; '));
});

/** Steps about systemd services: whether a unit is enabled at boot, read from the unit directories. */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { describeUnit, systemdUnits } from '../src/facts/systemd-units.js';

const unitName = (s: string) => (/\.[a-z]+$/.test(s) ? s : `${s}.service`);

Then('the service {string} is not enabled', async function (this: CisWorld, name: string) {
  const u = (await this.fact(systemdUnits)).state(unitName(name));
  this.record('systemd unit files', describeUnit(u));
  if (u.enabledBy.length && !u.masked) {
    // disabling is removing the links that pull the unit in at boot, as `systemctl disable` does
    this.remedy({ summary: `disable ${u.name}`, changes: u.enabledBy.map((p) => ({ kind: 'delete' as const, path: p })) });
    this.fail(`${u.name} is enabled (${u.enabledBy.join(', ')})`);
  }
});

Then('the service {string} is enabled', async function (this: CisWorld, name: string) {
  const u = (await this.fact(systemdUnits)).state(unitName(name));
  this.record('systemd unit files', describeUnit(u));
  if (u.masked) this.fail(`${u.name} is masked`);
  if (!u.path) this.fail(`${u.name} has no unit file`);
  if (!u.enabledBy.length) this.fail(`${u.name} is not enabled`);
});

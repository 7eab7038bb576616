/** Steps about systemd services: whether a unit is enabled at boot, read from the unit directories. */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { describeUnit, parseUnitInstall, systemdUnits } from '../src/facts/systemd-units.js';
import { serviceDisableFix, serviceEnableFix } from '../src/remediation/templates.js';

const unitName = (s: string) => (/\.[a-z]+$/.test(s) ? s : `${s}.service`);

Then('the service {string} is not enabled', async function (this: CisWorld, name: string) {
  const u = (await this.fact(systemdUnits)).state(unitName(name));
  this.record('systemd unit files', describeUnit(u));
  if (u.enabledBy.length && !u.masked) {
    // disabling is removing the links that pull the unit in at boot, as `systemctl disable` does
    this.remedy(serviceDisableFix([u.name], u.enabledBy));
    this.fail(`${u.name} is enabled (${u.enabledBy.join(', ')})`);
  }
});

Then('the service {string} is enabled', async function (this: CisWorld, name: string) {
  const u = (await this.fact(systemdUnits)).state(unitName(name));
  this.record('systemd unit files', describeUnit(u));
  if (u.masked) this.fail(`${u.name} is masked`);
  if (!u.path) this.fail(`${u.name} has no unit file`);
  if (!u.enabledBy.length) {
    await remedyEnable(this, u.name, u.path);
    this.fail(`${u.name} is not enabled`);
  }
});

/** Enabling is linking the unit into the targets its [Install] section names, as `systemctl enable` does. */
async function remedyEnable(world: CisWorld, name: string, path: string): Promise<void> {
  const text = await world.facts.text(path);
  if (text === null) return;
  const install = parseUnitInstall(text);
  const links = [
    ...install.wantedBy.map((t) => `/etc/systemd/system/${t}.wants/${name}`),
    ...install.requiredBy.map((t) => `/etc/systemd/system/${t}.requires/${name}`),
  ];
  // aliases are linked too; units named by Also= are enabled by their own items
  const aliases = install.alias.map((a) => `/etc/systemd/system/${a}`);
  if (!links.length) {
    world.needsPerson([`${path} has no WantedBy= or RequiredBy= in its [Install] section: decide what should start ${name} at boot`]);
    return;
  }
  world.remedy(serviceEnableFix(name, path, [...links, ...aliases]));
}

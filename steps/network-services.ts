/**
 * Steps about the services a system offers: whether named service and socket units are enabled at boot
 * (read from the unit links, so also on an offline root filesystem); and the sockets listening on the
 * running system, with the processes holding them, and every unit enabled at boot, for an auditor who
 * decides which of them the system needs.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { describeSocket, listeningSockets, socketTables } from '../src/facts/listening-sockets.js';
import { describeUnit, systemdUnits } from '../src/facts/systemd-units.js';
import { serviceDisableFix } from '../src/remediation/templates.js';
import { byCodeUnits } from '../src/model/text.js';

const MAX_LISTED = 60;
const unitName = (s: string) => (/\.[a-z]+$/.test(s) ? s : `${s}.service`);

Then('none of the services {words} is enabled', async function (this: CisWorld, names: string[]) {
  const units = await this.fact(systemdUnits);
  const enabled = [];
  for (const n of names) {
    const u = units.state(unitName(n));
    this.record('systemd unit files', describeUnit(u));
    if (u.enabledBy.length && !u.masked) enabled.push(u);
  }
  if (enabled.length) {
    // disabling is removing the links that pull each unit in at boot, as `systemctl disable` does
    const links = [...new Set(enabled.flatMap((u) => u.enabledBy))];
    this.remedy(serviceDisableFix(enabled.map((u) => u.name), links));
    this.fail(`enabled: ${enabled.map((u) => `${u.name} (${u.enabledBy.join(', ')})`).join('; ')}`);
  }
});

Given('the sockets listening on the running system, with the processes that hold them', async function (this: CisWorld) {
  const tables = await this.liveFact(socketTables);
  if (!tables) return;
  const listening = listeningSockets(tables);
  this.record('listening sockets (/proc/net/tcp, tcp6, udp, udp6)', listening.length
    ? listening.slice(0, MAX_LISTED).map(describeSocket).join('; ') + (listening.length > MAX_LISTED ? `; and ${listening.length - MAX_LISTED} more` : '')
    : 'no TCP or UDP socket is listening');
});

Given('the service and socket units enabled at boot', async function (this: CisWorld) {
  const units = await this.fact(systemdUnits);
  const enabled = [...units.units.values()]
    .filter((u) => /\.(service|socket)$/.test(u.name) && u.enabledBy.length && !u.masked)
    .sort((a, b) => byCodeUnits(a.name, b.name));
  // an instance (getty@tty1.service) has no file of its own: its template (getty@.service) provides it
  const hasTemplate = (name: string) => Boolean(units.state(name.replace(/@[^.]+\./, '@.')).path);
  const masked = [...units.units.values()].filter((u) => u.masked).map((u) => u.name).sort();
  this.record('systemd unit files (/etc/systemd/system/*.wants, *.requires)', enabled.length
    ? `${enabled.length} enabled: ${enabled.map((u) => `${u.name}${u.path || hasTemplate(u.name) ? '' : ' (no unit file)'}`).join(', ')}`
    : 'no service or socket unit is enabled');
  this.record('systemd unit files (/etc/systemd/system)', masked.length ? `masked: ${masked.join(', ')}` : 'no unit is masked');
});

Then('an auditor decides which of these services the system needs, and confirms the others are removed or masked', function (this: CisWorld) {
  return this.manual('review the listening sockets and the enabled service and socket units recorded as evidence: every service the '
    + 'system does not need must be removed (its package purged) or its unit masked');
});

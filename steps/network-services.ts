/**
 * Steps about the services a system offers: the sockets listening on the running system, with the
 * processes holding them, and the service and socket units enabled at boot. Which of them the system
 * needs is a judgement, so these steps gather the facts for an auditor.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { describeSocket, listeningSockets, socketTables } from '../src/facts/listening-sockets.js';
import { systemdUnits } from '../src/facts/systemd-units.js';

const MAX_LISTED = 60;

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
    .sort((a, b) => a.name.localeCompare(b.name));
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

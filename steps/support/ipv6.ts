/** Whether IPv6 is on, recorded as evidence once per scenario: shared by the network and firewall steps. */
import type { CisWorld } from './world.js';
import { ipv6Status, type Ipv6Status } from '../../src/facts/ipv6.js';

/** The IPv6 status, recorded as evidence once per scenario. */
export async function ipv6(world: CisWorld): Promise<Ipv6Status> {
  const status = await world.fact(ipv6Status);
  if (!world.subject.ipv6Recorded) {
    world.subject.ipv6Recorded = true;
    for (const l of status.kernelLines.slice(0, 5)) world.record(`${l.entry.file}:${l.entry.line}`, `${l.entry.text.slice(0, 200)} (ipv6.disable ${l.value === undefined ? 'not set' : `= ${l.value}`})`);
    world.record('IPv6 status', `${status.disabled ? 'IPv6 is disabled' : 'IPv6 is enabled'}: ${status.explanation.join('; ')}`
      + (status.running === null && status.bySysctl && !status.byCommandLine ? ' (running values not read: offline root filesystem)' : ''));
  }
  return status;
}

/**
 * The network interfaces of a running system (of the audit shell's network namespace), from
 * /sys/class/net: for each, whether it is a wireless device (it has a `wireless` directory or a
 * `phy80211` link) and which kernel module drives it. When NetworkManager's nmcli is present, its
 * radio switches are read too (`nmcli -t -f WIFI,WWAN radio`). One command.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const INTERFACES_COMMAND = [
  'for d in /sys/class/net/*; do [ -e "$d" ] || continue; w=-; { [ -d "$d/wireless" ] || [ -e "$d/phy80211" ]; } && w=wireless;',
  'm=$(readlink -f "$d/device/driver/module" 2>/dev/null); echo "iface ${d##*/} $w ${m##*/}"; done;',
  'if command -v nmcli >/dev/null 2>&1; then echo "nmcli $(nmcli -t -f WIFI,WWAN radio 2>&1 | head -n 1)"; fi',
].join(' ');

export interface NetworkInterface { name: string; wireless: boolean; driverModule: string | null }

export interface NetworkInterfaces {
  command: string;
  interfaces: NetworkInterface[];
  /** NetworkManager's radio switches, when nmcli is installed */
  nmcliRadio: { wifi: string; wwan: string; raw: string } | null;
}

export function parseInterfaces(stdout: string): Omit<NetworkInterfaces, 'command'> {
  const interfaces: NetworkInterface[] = [];
  let nmcliRadio: NetworkInterfaces['nmcliRadio'] = null;
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    let m = /^iface (\S+) (wireless|-) ?(\S*)$/.exec(line);
    if (m) { interfaces.push({ name: m[1], wireless: m[2] === 'wireless', driverModule: m[3] || null }); continue; }
    m = /^nmcli (.*)$/.exec(line);
    if (m) {
      const r = /^(enabled|disabled):(enabled|disabled)$/.exec(m[1].trim());
      if (!r) throw new CheckError(`nmcli radio printed ${JSON.stringify(m[1])}`);
      nmcliRadio = { wifi: r[1], wwan: r[2], raw: m[1].trim() };
      continue;
    }
    throw new CheckError(`unexpected line in the interface list: ${JSON.stringify(line)}`);
  }
  return { interfaces, nmcliRadio };
}

export const networkInterfaces = defineFact<NetworkInterfaces>('network-interfaces', async ({ facts }) => {
  const r = await facts.command('network interfaces (/sys/class/net)', INTERFACES_COMMAND);
  const parsed = parseInterfaces(r.stdout.toString('utf8'));
  // every network namespace has at least lo: an empty list means /sys/class/net could not be read
  if (!parsed.interfaces.length) throw new CheckError(`no network interface could be read from /sys/class/net (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return { command: INTERFACES_COMMAND, ...parsed };
});

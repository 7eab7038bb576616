/** Parsers of the network facts: socket tables, interfaces, and how the IPv6 status is decided. */
import { describe, expect, it } from 'vitest';
import {
  decodeSocketAddress, describeListeningPort, isLoopbackAddress, listeningSockets, parseSocketTable, parseSocketTablesOutput,
} from '../../src/facts/listening-sockets.js';
import { parseInterfaces } from '../../src/facts/network-interfaces.js';
import { decideIpv6 } from '../../src/facts/ipv6.js';
import { parseGrubKernelLines } from '../../src/facts/kernel-cmdline.js';
import { parseSysctlConf } from '../../src/facts/sysctl.js';

// /proc/net tables of an Ubuntu 18.04 container with listeners on 0.0.0.0:8080, 127.0.0.1:631, [::]:2222,
// udp 0.0.0.0:68 and [::]:123, and a connected UDP socket (not open for others)
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 308600 1 00000000b6050941 100 0 0 10 0
   1: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 308602 1 00000000f0f49992 100 0 0 10 0
   2: 0100007F:0277 0100007F:D3F2 01 00000000:00000000 00:00000000 00000000     0        0 308606 1 00000000f0f49992 100 0 0 10 0`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:08AE 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 308601 1 00000000e675cc69 100 0 0 10 0
   1: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 308609 1 00000000e675cc69 100 0 0 10 0`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
 2785: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 308603 2 00000000d03dae5a 0
 4057: 0100007F:853C 0100007F:0009 01 00000000:00000000 00:00000000 00000000     0        0 308605 2 00000000822ad538 0`;

describe('open ports, as the firewall checks read them (listening sockets)', () => {
  const tables = parseSocketTablesOutput(['/proc/net/tcp', TCP, '/proc/net/tcp6', TCP6, '/proc/net/udp', UDP].reduce(
    (out, x, i) => out + (i % 2 === 0 ? `@@table ${x}\n` : `${x}\n`), '') + '@@missing /proc/net/udp6\n@@fd\n@@comm\n');
  const open = listeningSockets(tables);
  it('reads listening TCP sockets, not established ones', () => {
    expect(open.filter((p) => p.proto === 'tcp' && p.family === 4).map((p) => `${describeListeningPort(p)} ${isLoopbackAddress(p.localAddress)}`))
      .toEqual(['tcp 0.0.0.0:8080 false', 'tcp 127.0.0.1:631 true']);
  });
  it('decodes IPv6 addresses word by word', () => {
    expect(open.filter((p) => p.family === 6).map((p) => `${describeListeningPort(p)} ${isLoopbackAddress(p.localAddress)}`)).toEqual(['tcp6 [::]:2222 false', 'tcp6 [::1]:22 true']);
    expect(decodeSocketAddress('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(decodeSocketAddress('B80D0120000000000000000001000000')).toBe('2001:db8::1');
  });
  it('counts unconnected UDP sockets as open, connected ones not', () => {
    expect(open.filter((p) => p.proto === 'udp').map(describeListeningPort)).toEqual(['udp 0.0.0.0:68']);
    expect(tables.missingTables).toEqual(['/proc/net/udp6']);
  });
  it('rejects a line that is not a socket entry', () => {
    expect(() => parseSocketTable(`${TCP}\n   3: garbage`, '/proc/net/tcp')).toThrow(/\/proc\/net\/tcp:5 is not a socket entry/);
  });
});

describe('network interfaces', () => {
  it('reads interfaces, wireless ones with their driver, and nmcli radios', () => {
    const r = parseInterfaces('iface eth0 - e1000e\niface lo - \niface wlp2s0 wireless iwlwifi\nnmcli enabled:disabled\n');
    expect(r.interfaces).toEqual([
      { name: 'eth0', wireless: false, driverModule: 'e1000e' },
      { name: 'lo', wireless: false, driverModule: null },
      { name: 'wlp2s0', wireless: true, driverModule: 'iwlwifi' },
    ]);
    expect(r.nmcliRadio).toEqual({ wifi: 'enabled', wwan: 'disabled', raw: 'enabled:disabled' });
  });
  it('rejects what it does not understand', () => {
    expect(() => parseInterfaces('iface lo -\nsomething else\n')).toThrow(/unexpected line/);
    expect(() => parseInterfaces('nmcli Error: NetworkManager is not running.\n')).toThrow(/nmcli radio printed/);
  });
});

describe('IPv6 status', () => {
  const grub = (lines: string[]) => parseGrubKernelLines(lines.join('\n'), '/boot/grub/grub.cfg');
  const off = parseSysctlConf('net.ipv6.conf.all.disable_ipv6 = 1\nnet.ipv6.conf.default.disable_ipv6 = 1\n', '/etc/sysctl.d/60-ipv6.conf');
  it('is disabled when every kernel line has ipv6.disable=1', () => {
    const s = decideIpv6(grub(['\tlinux /vmlinuz root=/dev/sda1 ro ipv6.disable=1', '\tlinux /vmlinuz root=/dev/sda1 ro single ipv6.disable=1']), [], null);
    expect([s.disabled, s.byCommandLine]).toEqual([true, true]);
  });
  it('is enabled when one kernel line lacks it and sysctl does not disable it', () => {
    const s = decideIpv6(grub(['linux /vmlinuz ipv6.disable=1', 'linux /vmlinuz recovery']), [], null);
    expect([s.disabled, s.byCommandLine]).toEqual([false, false]);
    expect(s.explanation[0]).toMatch(/1 of 2 kernel line\(s\) lack ipv6\.disable=1: \/boot\/grub\/grub\.cfg:2/);
  });
  it('is disabled by sysctl only when the running kernel agrees; offline the configuration decides', () => {
    expect(decideIpv6([], off, null).disabled).toBe(true);
    expect(decideIpv6([], off, new Map([['net.ipv6.conf.all.disable_ipv6', '1'], ['net.ipv6.conf.default.disable_ipv6', '1']])).disabled).toBe(true);
    expect(decideIpv6([], off, new Map([['net.ipv6.conf.all.disable_ipv6', '0'], ['net.ipv6.conf.default.disable_ipv6', '1']])).disabled).toBe(false);
    expect(decideIpv6([], [], new Map([['net.ipv6.conf.all.disable_ipv6', '1'], ['net.ipv6.conf.default.disable_ipv6', '1']])).disabled).toBe(false);
  });
  it('lets a later setting (such as ufw\'s file) undo an earlier one', () => {
    const later = parseSysctlConf('net/ipv6/conf/default/disable_ipv6=0\n', '/etc/ufw/sysctl.conf');
    expect(decideIpv6([], [...off, ...later], null).disabled).toBe(false);
  });
});

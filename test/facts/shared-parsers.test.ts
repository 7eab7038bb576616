/** Pure parsers of the shared facts, on samples taken from the Ubuntu 18.04 fixture and malformed input. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { orderSysctlFiles, parseSysctlA, parseSysctlConf } from '../../src/facts/sysctl.js';
import { parseModprobeConf, parseProcModules } from '../../src/facts/kernel-modules.js';
import { parseMountTable, parseMountUnit } from '../../src/facts/mounts.js';
import { classifyUnits } from '../../src/facts/systemd-units.js';
import { parseReadFiles, parseStat, WalkStreamParser } from '../../src/targets/shell-protocol.js';
import type { WalkEntry } from '../../src/targets/target.js';

const base = ensureUbuntuBase();
const fixture = (p: string) => readFileSync(path.join(base, p), 'utf8');

describe('sysctl', () => {
  it('parses the fixture\'s network security file', () => {
    const s = parseSysctlConf(fixture('etc/sysctl.d/10-network-security.conf'), '/etc/sysctl.d/10-network-security.conf');
    expect(s.find((x) => x.key === 'net.ipv4.conf.all.rp_filter')).toMatchObject({ value: '1', file: '/etc/sysctl.d/10-network-security.conf' });
  });
  it('accepts slashes, spaces, comments and a leading dash; ignores junk', () => {
    const s = parseSysctlConf('# c\n; c\n net/ipv4/ip_forward = 0 \n-kernel.x=1\njunk line\n', 'f');
    expect(s.map((x) => `${x.key}=${x.value}@${x.line}`)).toEqual(['net.ipv4.ip_forward=0@3', 'kernel.x=1@4']);
  });
  it('orders files by name across directories, /etc hiding the same name, sysctl.conf last', () => {
    expect(orderSysctlFiles(['/etc/sysctl.conf', '/usr/lib/sysctl.d/50-a.conf', '/etc/sysctl.d/50-a.conf', '/lib/sysctl.d/10-b.conf', '/etc/sysctl.d/99-z.conf']))
      .toEqual(['/lib/sysctl.d/10-b.conf', '/etc/sysctl.d/50-a.conf', '/etc/sysctl.d/99-z.conf', '/etc/sysctl.conf']);
  });
  it('parses sysctl -a output', () => {
    const v = parseSysctlA('kernel.randomize_va_space = 2\nnet.ipv4.ip_forward = 1\nfs.x = a\tb\n');
    expect(v.get('kernel.randomize_va_space')).toBe('2');
    expect(v.get('fs.x')).toBe('a b');
  });
});

describe('modprobe.d', () => {
  it('finds blacklist lines in the fixture', () => {
    const d = parseModprobeConf(fixture('etc/modprobe.d/blacklist.conf'), '/etc/modprobe.d/blacklist.conf');
    expect(d.some((x) => x.kind === 'blacklist')).toBe(true);
  });
  it('parses install commands, dashes as underscores, continuation lines', () => {
    const d = parseModprobeConf('install cramfs /bin/true\ninstall usb-storage \\\n /bin/false\noptions x y\n', 'f');
    expect(d).toEqual([
      { kind: 'install', module: 'cramfs', command: '/bin/true', file: 'f', line: 1 },
      { kind: 'install', module: 'usb_storage', command: '/bin/false', file: 'f', line: 2 },
    ]);
  });
  it('reads /proc/modules names', () => {
    expect([...parseProcModules('overlay 118784 0 - Live 0x0\nnf-nat 1 0 - Live 0\n')]).toEqual(['overlay', 'nf_nat']);
  });
});

describe('mounts', () => {
  it('parses the fixture fstab (only a comment) as empty', () => {
    expect(parseMountTable(fixture('etc/fstab'), '/etc/fstab')).toEqual([]);
  });
  it('parses mount tables with octal escapes and options', () => {
    const m = parseMountTable('tmpfs /tmp tmpfs rw,nosuid,nodev 0 0\n/dev/sda1 /my\\040dir ext4 defaults 0 1\nshort line\n', 'f');
    expect(m.map((x) => [x.mountpoint, x.options])).toEqual([['/tmp', ['rw', 'nosuid', 'nodev']], ['/my dir', ['defaults']]]);
  });
  it('parses the tmp.mount unit Ubuntu ships in /usr/share/systemd', () => {
    const e = parseMountUnit(fixture('usr/share/systemd/tmp.mount'), '/etc/systemd/system/tmp.mount');
    expect(e?.mountpoint).toBe('/tmp');
    expect(e?.options).toContain('nosuid');
  });
});

describe('systemd units', () => {
  it('classifies enabled, masked and plain units', () => {
    const e = (p: string, type = 'f', linkTarget?: string): WalkEntry => ({ path: p, type, mode: 0o644, uid: 0, gid: 0, size: 0, linkTarget });
    const u = classifyUnits([
      e('/lib/systemd/system/ssh.service'),
      e('/etc/systemd/system/multi-user.target.wants/ssh.service', 'l', '/lib/systemd/system/ssh.service'),
      e('/etc/systemd/system/sshd.service', 'l', '/lib/systemd/system/ssh.service'),
      e('/lib/systemd/system/avahi-daemon.service'),
      e('/etc/systemd/system/rsync.service', 'l', '/dev/null'),
      e('/lib/systemd/system/rsync.service'),
    ]);
    expect(u.state('ssh.service').enabledBy).toEqual(['/etc/systemd/system/multi-user.target.wants/ssh.service']);
    expect(u.state('avahi-daemon.service').enabledBy).toEqual([]);
    expect(u.state('rsync.service').masked).toBe(true);
    expect(u.state('nothing.service').path).toBeNull();
  });
});

describe('shell protocol', () => {
  it('frames files, directories, missing and unreadable entries', () => {
    const out = Buffer.concat([
      Buffer.from('\0CISBDD F 3 /a\0'), Buffer.from([0, 1, 2]),
      Buffer.from('\0CISBDD D /d\0\0CISBDD M /m\0\0CISBDD E /e\0'),
    ]);
    const r = parseReadFiles(out);
    expect(r.map((x) => `${x.path}:${x.state}`)).toEqual(['/a:file', '/d:directory', '/m:missing', '/e:unreadable']);
    expect((r[0] as { content: Buffer }).content).toEqual(Buffer.from([0, 1, 2]));
  });
  it('rejects a truncated stream', () => {
    expect(() => parseReadFiles(Buffer.from('\0CISBDD F 10 /a\0abc'))).toThrow(/truncated/);
  });
  it('parses stat lines with type bits', () => {
    const m = parseStat('81a4 0 42 690 /etc/shadow\n41ed 0 0 4096 /etc\nnonsense\n');
    expect(m.get('/etc/shadow')).toMatchObject({ type: 'f', mode: 0o644, gid: 42 });
    expect(m.get('/etc')?.type).toBe('d');
  });
  it('streams walk records split across chunks, with link targets', () => {
    const got: WalkEntry[] = [];
    const p = new WalkStreamParser((e) => got.push(e), '/root');
    const data = Buffer.from('f 4755 0 0 10 /root/bin/su\0\0l 777 0 0 7 /root/etc/x\0/dev/null\0');
    p.push(data.subarray(0, 13));
    p.push(data.subarray(13));
    p.end();
    expect(got.map((e) => [e.path, e.type, e.mode.toString(8), e.linkTarget])).toEqual([['/bin/su', 'f', '4755', undefined], ['/etc/x', 'l', '777', '/dev/null']]);
  });
});

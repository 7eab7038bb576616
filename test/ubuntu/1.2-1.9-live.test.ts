/**
 * CIS Ubuntu 18.04 sections 1.2-1.9 on running containers. As a container, the boot loader, the kernel's
 * parameters and no-execute support, and the AppArmor profiles loaded in the kernel belong to the host
 * (the container rule). Audited with containerAsHost, the running kernel is read as a host's would be:
 * /proc/cpuinfo and the kernel parameters are the host's, so the expected verdicts are derived from what
 * the container sees; docker run options replace what a test must control (`-v FILE:/proc/cpuinfo` for a
 * processor without nx, `-v DIR:/sys/kernel/security` for an AppArmor filesystem with chosen profiles).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit, statuses, text } from '../support/audit.js';
import { IMAGES, type RunningContainer, withContainerArgs } from '../support/containers.js';

const benchmark = 'cis-ubuntu-18.04-v2.1.0';
const only = ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8', '1.9'];

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-1x-live-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));


const run = async (c: RunningContainer, asHost: boolean, ids = only) => (await audit({ target: c.uri, benchmark, only: ids, containerAsHost: asHost })).report;

/** An AppArmor filesystem with the given profiles, to mount at /sys/kernel/security. */
function securityfs(name: string, profiles: string[]): string {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, 'apparmor'), { recursive: true });
  writeFileSync(path.join(dir, 'apparmor/profiles'), profiles.map((p) => `${p}\n`).join(''));
  return dir;
}

const HOST_ITEMS = ['1.4.1', '1.4.2', '1.4.3', '1.4.4', '1.5.1', '1.5.2', '1.5.4', '1.6.1.2', '1.6.1.3', '1.6.1.4'];

describe('1.2-1.9 on running containers', () => {
  it('the hardened image as a container: the host items do not apply; everything a container can pass passes', async () => {
    await withContainerArgs(IMAGES.ubuntuHardened, [], undefined, async (c) => {
      const r = await run(c, false);
      for (const id of HOST_ITEMS) expect(text(r, id), id).toMatch(/^container: /);
      expect(statuses(r)).toEqual({
        '1.2.1': 'manual', '1.2.2': 'manual',
        // AIDE is not in the image and cannot be installed offline; the cron job is there
        '1.3.1': 'fail', '1.3.2': 'pass',
        ...Object.fromEntries(HOST_ITEMS.map((id) => [id, 'not-applicable'])),
        '1.5.3': 'pass', '1.6.1.1': 'pass',
        '1.7.1': 'pass', '1.7.2': 'pass', '1.7.3': 'pass', '1.7.4': 'not-applicable', '1.7.5': 'pass', '1.7.6': 'pass',
        '1.8.1': 'pass', '1.8.2': 'not-applicable', '1.8.3': 'not-applicable', '1.8.4': 'not-applicable',
        '1.9': 'manual',
      });
      expect(text(r, '1.3.2')).toMatch(/\/etc\/cron.d\/aide:2: 0 5 \* \* \* root \/usr\/bin\/aide.wrapper/);
      expect(text(r, '1.9')).toMatch(/no package index in \/var\/lib\/apt\/lists[\s\S]*no package would be upgraded/);
    });
  });

  it('the hardened image as a host: the running kernel decides 1.5.1, 1.5.2 and 1.5.4; AppArmor needs the host kernel', async () => {
    await withContainerArgs(IMAGES.ubuntuHardened, [], undefined, async (c) => {
      // what the rule expects from the kernel this container runs on
      const nx = c.exec("grep -m1 '^flags' /proc/cpuinfo || echo no-flags");
      const aslr = c.exec('cat /proc/sys/kernel/randomize_va_space').trim();
      const suidDumpable = c.exec('cat /proc/sys/fs/suid_dumpable').trim();
      const apparmor = c.exec('cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo absent').trim();
      const r = await run(c, true, ['1.4', '1.5', '1.6']);
      expect(statuses(r)).toEqual({
        '1.4.1': 'not-applicable', '1.4.2': 'not-applicable', '1.4.3': 'not-applicable',
        // no root password in an image: a person sets it on each host
        '1.4.4': 'fail',
        '1.5.1': / nx( |$)/m.test(nx) || nx.includes('no-flags') ? 'pass' : 'fail',
        '1.5.2': aslr === '2' ? 'pass' : 'fail',
        '1.5.3': 'pass',
        '1.5.4': suidDumpable === '0' ? 'pass' : 'fail',
        '1.6.1.1': 'pass', '1.6.1.2': 'not-applicable',
        // every profile is enforced on disk; without a readable AppArmor filesystem the kernel's side is unknown
        '1.6.1.3': apparmor === 'Y' ? 'error' : 'fail',
        '1.6.1.4': apparmor === 'Y' ? 'error' : 'fail',
      });
      expect(text(r, '1.5.2')).toMatch(/60-cis-process-hardening.conf:2: kernel.randomize_va_space = 2/);
      expect(text(r, '1.5.4')).toMatch(/60-cis-core.conf:2: \* hard core 0[\s\S]*sysctl -a: fs.suid_dumpable = /);
      if (apparmor !== 'Y') expect(text(r, '1.6.1.3')).toMatch(/^AppArmor is not enabled in the running kernel/);
    });
  });

  it('1.5.1 fails on a processor that does not list nx (runc lets /proc/cpuinfo, not /proc/cmdline, be replaced: noexec=off is unit-tested)', async () => {
    const cpuinfo = path.join(scratch, 'cpuinfo-without-nx');
    writeFileSync(cpuinfo, 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse tsc msr pae mce cx8\n\nprocessor\t: 1\nflags\t\t: fpu vme de pse tsc msr pae nx\n');
    await withContainerArgs(IMAGES.ubuntuStock, ['-v', `${cpuinfo}:/proc/cpuinfo:ro`], undefined, async (c) => {
      const r = await run(c, true, ['1.5.1']);
      expect(statuses(r)).toEqual({ '1.5.1': 'fail' });
      expect(text(r, '1.5.1')).toMatch(/^no-execute protection is not available: \/proc\/cpuinfo lists no nx flag for processor\(s\) 0\n/);
    });
  });

  it('1.6.1.3 and 1.6.1.4 follow the profiles loaded in the kernel', async () => {
    const enforced = securityfs('enforced', ['/usr/sbin/chronyd (enforce)', '/usr/sbin/rsyslogd (enforce)', 'docker-default (enforce)']);
    const complain = securityfs('complain', ['/usr/sbin/chronyd (enforce)', '/usr/sbin/rsyslogd (complain)']);
    const none = securityfs('none', []);
    const ids = ['1.6.1.3', '1.6.1.4'];
    const expectations: Array<[string, Record<string, string>, RegExp]> = [
      [enforced, { '1.6.1.3': 'pass', '1.6.1.4': 'pass' }, /3 profile\(s\) loaded: 3 enforce/],
      [complain, { '1.6.1.3': 'pass', '1.6.1.4': 'fail' }, /2 profile\(s\) loaded: 1 enforce, 1 complain/],
      [none, { '1.6.1.3': 'fail', '1.6.1.4': 'fail' }, /no AppArmor profile is loaded in the running kernel/],
    ];
    for (const [dir, want, evidence] of expectations) {
      await withContainerArgs(IMAGES.ubuntuHardened, ['-v', `${dir}:/sys/kernel/security:ro`], undefined, async (c) => {
        const r = await run(c, true, ids);
        expect(statuses(r), dir).toEqual(want);
        expect(text(r, '1.6.1.3')).toMatch(evidence);
        if (want['1.6.1.4'] === 'fail' && dir === complain) expect(text(r, '1.6.1.4')).toMatch(/^1 loaded profile\(s\) not in enforce mode: \/usr\/sbin\/rsyslogd \(complain\)/);
      });
    }
  });

  it('1.9 lists what the package lists on the system already know, without a network', async () => {
    // a local file repository offering a newer bash: apt-get update reads it from disk
    const setup = [
      'mkdir -p /srv/repo',
      'printf "Package: bash\\nVersion: 9.9-9\\nArchitecture: amd64\\nMaintainer: Test <test@example.com>\\nInstalled-Size: 1\\nFilename: ./bash_9.9-9_amd64.deb\\nSize: 1\\nMD5sum: 00000000000000000000000000000000\\nDescription: test\\n\\n" > /srv/repo/Packages',
      'echo "deb [trusted=yes] file:/srv/repo ./" > /etc/apt/sources.list',
      'apt-get update >/dev/null 2>&1',
    ].join('\n');
    await withContainerArgs(IMAGES.ubuntuStock, [], setup, async (c) => {
      const r = await run(c, false, ['1.2.1', '1.9']);
      expect(statuses(r)).toEqual({ '1.2.1': 'manual', '1.9': 'manual' });
      expect(text(r, '1.9')).toMatch(/package lists last updated \d{4}-\d\d-\d\d \d\d:\d\d UTC \(1 index and Release file\(s\)\)[\s\S]*1 package\(s\) would be upgraded or installed, 0 from a security pocket:\nbash 4.4.18-2ubuntu1 → 9.9-9/);
      expect(text(r, '1.2.1')).toMatch(/\/etc\/apt\/sources.list:1: deb \[trusted=yes\] file:\/srv\/repo \.\/\n→ note: trusted turns signature checks off/);
    });
  });
});

/**
 * 1.1 Filesystem Configuration of CIS Aliyun Linux 2 v1.0.0 on the ACL2 fixture. Offline (acl2-stock with
 * an overlay per case), only the boot configuration can be read: modprobe.d, /etc/fstab, systemd mount
 * units, and the mount systemd makes itself at /dev/shm; it fails an item, and a compliant one leaves the
 * item not applicable until the running system is checked. The running parts pass and fail on containers
 * of the acl2 images audited as hosts (docker's mount options make the mounts; this machine's kernel has
 * no loadable modules, so nothing is loaded). Then acl2-hardened, and hardening with the remediations the
 * failing items record.
 *
 * On stock: no modprobe.d line for squashfs; /etc/fstab mounts only / (by UUID); tmp.mount is shipped
 * in /usr/lib/systemd/system but not enabled; nothing configures /dev/shm, so systemd mounts it with nosuid
 * and nodev; no world-writable directory lacks the sticky bit; autofs is not installed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rootfsItemCases, type ItemCase } from '../support/cases.js';
import { installRpm, removeRpm } from '../support/rpm.js';
import { ensureAcl2Base, repoRoot, withOverlay, type Layer } from '../support/fixtures.js';
import { audit, item, statuses, text } from '../support/audit.js';
import { type RunningContainer, withContainerArgs } from '../support/containers.js';
import type { HardenResult } from '../../src/remediation/harden.js';

const ACL2 = 'cis-aliyun-linux-2-v1.0.0';
const IMAGE = { stock: 'cis-bdd/acl2-stock:latest', hardened: 'cis-bdd/acl2-hardened:latest' };
const SCOPE = ['1.1'];
const OFFLINE_MOUNTS = /offline root filesystem: mounted filesystems \(\/proc\/self\/mounts\) not checked/;
const OFFLINE_MODULES = /offline root filesystem: loaded kernel modules \(\/proc\/modules\) not checked/;
const SYSTEMD_SHM = /systemd's own mount table \(mount-setup\.c\): tmpfs on \/dev\/shm, options mode=1777,nosuid,nodev,strictatime/;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-acl2-11-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const all = (...fns: Array<(l: Layer) => void>) => (l: Layer) => fns.forEach((f) => f(l));
const fstab = (...lines: string[]) => (l: Layer) => l.append('/etc/fstab', `${lines.join('\n')}\n`);
const modprobe = (text: string) => (l: Layer) => l.write('/etc/modprobe.d/cis.conf', text);
const symlink = (l: Layer, target: string, p: string) => { mkdirSync(path.dirname(path.join(l.root, p)), { recursive: true }); symlinkSync(target, path.join(l.root, p)); };

/** Enable ACL2's own tmp.mount as `systemctl enable tmp.mount` does (the unit file stays in /usr/lib). */
const enableTmpMount = (l: Layer) => symlink(l, '/usr/lib/systemd/system/tmp.mount', '/etc/systemd/system/local-fs.target.wants/tmp.mount');
/** A copy of tmp.mount in /etc/systemd/system with other options, enabled. */
function etcTmpMount(l: Layer, options: string): void {
  l.write('/etc/systemd/system/tmp.mount', l.read('/usr/lib/systemd/system/tmp.mount').replace(/^Options=.*$/m, `Options=${options}`));
  symlink(l, '/etc/systemd/system/tmp.mount', '/etc/systemd/system/local-fs.target.wants/tmp.mount');
}

// --- the tree's RPM database (Berkeley DB, read-only to the host's rpm): copied into a SQLite one to change it

/** autofs as CentOS 7.9 ships it: the package and its unit, enabled or not. */
const AUTOFS_UNIT = '[Unit]\nDescription=Automounts filesystems on demand\nAfter=network.target ypbind.service sssd.service network-online.target remote-fs.target rpc-statd.service rpcbind.service\nWants=network-online.target rpc-statd.service rpcbind.service\n\n[Service]\nType=forking\nPIDFile=/run/autofs.pid\nEnvironmentFile=-/etc/sysconfig/autofs\nExecStart=/usr/sbin/automount $OPTIONS --pid-file /run/autofs.pid\nExecReload=/usr/bin/kill -HUP $MAINPID\nTimeoutSec=180\n\n[Install]\nWantedBy=multi-user.target\n';
const installAutofs = (l: Layer) => { installRpm(l, 'autofs', '1:5.0.7-116.al7'); l.write('/usr/lib/systemd/system/autofs.service', AUTOFS_UNIT); };
const enableAutofs = (l: Layer) => symlink(l, '/usr/lib/systemd/system/autofs.service', '/etc/systemd/system/multi-user.target.wants/autofs.service');

// ------------------------------------------------------------------------------------------------ offline cases

const partitionCases = ([id, p, unit]: [string, string, string]): ItemCase[] => [
  { id, expect: 'fail', given: `no ${p} line, as shipped`, change: () => {}, reason: new RegExp(`no /etc/fstab line mounts ${p.replace(/\//g, '\\/')}; ${unit.replace('.', '\\.')}: no unit file`) },
];

rootfsItemCases(ACL2, SCOPE, [
  // 1.1.1 squashfs: the modprobe.d part decides offline
  { id: '1.1.1', expect: 'fail', given: 'no modprobe.d line for squashfs, as shipped', change: () => {}, reason: /no modprobe\.d "install squashfs \/bin\/true" line/ },
  { id: '1.1.1', expect: 'fail', given: 'squashfs only blacklisted, which does not stop a mount from loading it', change: modprobe('blacklist squashfs\n'), reason: /no modprobe\.d "install squashfs \/bin\/true" line/ },
  { id: '1.1.1', expect: 'fail', given: 'an install line that loads it after all', change: modprobe('install squashfs /sbin/modprobe --ignore-install squashfs\n'),
    reason: /installs squashfs with "\/sbin\/modprobe --ignore-install squashfs"/ },
  { id: '1.1.1', expect: 'not-applicable', given: 'install squashfs /bin/true: the loaded modules need a running system', change: modprobe('install squashfs /bin/true\n'),
    reason: new RegExp(`${OFFLINE_MODULES.source}[\\s\\S]*/etc/modprobe.d/cis.conf:1: install squashfs /bin/true`) },
  { id: '1.1.1', expect: 'not-applicable', given: 'the line in /usr/lib/modprobe.d counts as well', change: (l) => l.write('/usr/lib/modprobe.d/squashfs.conf', 'install squashfs /bin/false\n'), reason: OFFLINE_MODULES },

  // 1.1.2 /tmp configured at boot
  { id: '1.1.2', expect: 'fail', given: 'tmp.mount shipped but not enabled, no fstab line, as shipped', change: () => {},
    reason: /no \/etc\/fstab line mounts \/tmp; tmp\.mount \(\S*\/systemd\/system\/tmp\.mount\) is not enabled/ },
  { id: '1.1.2', expect: 'not-applicable', given: 'ACL2\'s tmp.mount enabled, whose options set none of the three flags', change: enableTmpMount,
    reason: new RegExp(`${OFFLINE_MOUNTS.source}[\\s\\S]*tmp\\.mount: What=tmpfs Where=/tmp Type=tmpfs Options=mode=1777,strictatime \\(enabled mount unit\\)`),
    alsoChanges: { '1.1.3': 'fail', '1.1.4': 'fail', '1.1.5': 'fail' } },
  { id: '1.1.2', expect: 'not-applicable', given: 'an fstab line mounts a tmpfs on /tmp with the three options', change: fstab('tmpfs /tmp tmpfs defaults,rw,nosuid,nodev,noexec,relatime 0 0'),
    reason: /\/etc\/fstab:7: tmpfs \/tmp tmpfs defaults,rw,nosuid,nodev,noexec,relatime/ },
  { id: '1.1.2', expect: 'fail', given: 'the fstab line for /tmp has noauto', change: fstab('tmpfs /tmp tmpfs noauto,nodev,nosuid,noexec 0 0'),
    reason: /\/etc\/fstab:7 has the option noauto/ },
  { id: '1.1.2', expect: 'fail', given: 'the fstab line for /tmp is commented out', change: fstab('#tmpfs /tmp tmpfs defaults,nodev,nosuid,noexec 0 0'), reason: /no \/etc\/fstab line mounts \/tmp/ },

  // 1.1.3-1.1.5 options of /tmp
  { id: '1.1.3', expect: 'not-applicable', given: '/tmp is not a separate mount, as shipped', change: () => {}, reason: /^\/tmp is not a separate mount/ },
  { id: '1.1.3', expect: 'fail', given: 'the /tmp line lacks nodev', change: fstab('tmpfs /tmp tmpfs defaults,nosuid,noexec 0 0'),
    reason: /the boot configuration of \/tmp: nodev is not among the options/, alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.3', expect: 'fail', given: 'nodev on the /tmp line is undone by a later dev', change: fstab('tmpfs /tmp tmpfs nodev,nosuid,noexec,dev 0 0'),
    reason: /nodev is turned off by "dev"/, alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.3', expect: 'not-applicable', given: 'the /tmp line sets nodev: the running system is not checked offline', change: fstab('tmpfs /tmp tmpfs defaults,nodev,nosuid,noexec 0 0'),
    reason: new RegExp(`${OFFLINE_MOUNTS.source}[\\s\\S]*nodev is set \\(by nodev\\)`), alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.4', expect: 'fail', given: 'the /tmp line lacks nosuid', change: fstab('tmpfs /tmp tmpfs defaults,nodev,noexec 0 0'),
    reason: /the boot configuration of \/tmp: nosuid is not among the options/, alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.4', expect: 'not-applicable', given: 'a tmp.mount copied to /etc/systemd/system with all three options', change: (l) => etcTmpMount(l, 'mode=1777,strictatime,noexec,nodev,nosuid'),
    reason: /\/etc\/systemd\/system\/tmp\.mount: the boot configuration of \/tmp: nosuid is set \(by nosuid\)/, alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.5', expect: 'fail', given: 'the /tmp line lacks noexec', change: fstab('tmpfs /tmp tmpfs defaults,nodev,nosuid 0 0'),
    reason: /the boot configuration of \/tmp: noexec is not among the options/, alsoChanges: { '1.1.2': 'not-applicable' } },
  { id: '1.1.5', expect: 'fail', given: 'an fstab line wins over the enabled tmp.mount, and it lacks noexec', change: all((l) => etcTmpMount(l, 'mode=1777,noexec,nodev,nosuid'), fstab('tmpfs /tmp tmpfs nodev,nosuid 0 0')),
    reason: /\/etc\/fstab:7: the boot configuration of \/tmp: noexec is not among the options/, alsoChanges: { '1.1.2': 'not-applicable' } },

  // 1.1.6, 1.1.7, 1.1.11-1.1.13 separate partitions (Level 2)
  ...([['1.1.6', '/var', 'var.mount'], ['1.1.7', '/var/tmp', 'var-tmp.mount'], ['1.1.11', '/var/log', 'var-log.mount'], ['1.1.12', '/var/log/audit', 'var-log-audit.mount'],
    ['1.1.13', '/home', 'home.mount']] as Array<[string, string, string]>).flatMap(partitionCases),
  { id: '1.1.6', expect: 'not-applicable', given: 'an fstab line mounts a logical volume on /var', change: fstab('/dev/mapper/vg-var /var xfs defaults 0 0'),
    reason: /\/etc\/fstab:7: \/dev\/mapper\/vg-var \/var xfs defaults/ },
  { id: '1.1.7', expect: 'not-applicable', given: '/var/tmp mounted by UUID', change: fstab('UUID=6f1c2a4e-0b7d-4c55-9a61-3d2b8e0f9c11 /var/tmp xfs nodev,nosuid,noexec 0 0'),
    reason: OFFLINE_MOUNTS },
  { id: '1.1.11', expect: 'not-applicable', given: 'an fstab line for /var/log', change: fstab('/dev/vdb1 /var/log ext4 defaults 0 2'), reason: OFFLINE_MOUNTS },
  { id: '1.1.11', expect: 'fail', given: 'the /var/log line is commented out', change: fstab('#/dev/vdb1 /var/log ext4 defaults 0 2'), reason: /no \/etc\/fstab line mounts \/var\/log/ },
  { id: '1.1.12', expect: 'not-applicable', given: 'an fstab line for /var/log/audit', change: fstab('LABEL=audit /var/log/audit xfs defaults 0 0'), reason: OFFLINE_MOUNTS },
  { id: '1.1.12', expect: 'fail', given: 'a line for /var/log does not make /var/log/audit separate', change: fstab('/dev/vdb1 /var/log ext4 defaults 0 2'),
    reason: /no \/etc\/fstab line mounts \/var\/log\/audit/, alsoChanges: { '1.1.11': 'not-applicable' } },
  { id: '1.1.13', expect: 'not-applicable', given: 'an fstab line for /home', change: fstab('/dev/vdc1 /home xfs defaults,nodev 0 0'), reason: OFFLINE_MOUNTS },
  { id: '1.1.13', expect: 'fail', given: 'an enabled home.mount unit with noauto', change: (l) => {
    l.write('/etc/systemd/system/home.mount', '[Mount]\nWhat=/dev/vdc1\nWhere=/home\nType=xfs\nOptions=noauto,nodev\n\n[Install]\nWantedBy=local-fs.target\n');
    symlink(l, '/etc/systemd/system/home.mount', '/etc/systemd/system/local-fs.target.wants/home.mount');
  }, reason: /\/etc\/systemd\/system\/home\.mount has the option noauto/ },

  // 1.1.8-1.1.10, 1.1.14 options of /var/tmp and /home
  { id: '1.1.8', expect: 'not-applicable', given: '/var/tmp is not a separate mount, as shipped', change: () => {}, reason: /^\/var\/tmp is not a separate mount/ },
  { id: '1.1.8', expect: 'fail', given: 'the /var/tmp line lacks nodev', change: fstab('/dev/vdb2 /var/tmp xfs nosuid,noexec 0 0'),
    reason: /the boot configuration of \/var\/tmp: nodev is not among the options/, alsoChanges: { '1.1.7': 'not-applicable' } },
  { id: '1.1.9', expect: 'fail', given: 'a bind mount of /tmp on /var/tmp sets no option', change: fstab('/tmp /var/tmp none bind 0 0'),
    reason: /nosuid is not among the options/, alsoChanges: { '1.1.7': 'not-applicable', '1.1.8': 'fail', '1.1.10': 'fail' } },
  { id: '1.1.9', expect: 'not-applicable', given: 'the /var/tmp line sets nosuid', change: fstab('/dev/vdb2 /var/tmp xfs defaults,nosuid 0 0'),
    reason: /nosuid is set \(by nosuid\)/, alsoChanges: { '1.1.7': 'not-applicable', '1.1.8': 'fail', '1.1.10': 'fail' } },
  { id: '1.1.10', expect: 'fail', given: 'the /var/tmp line lacks noexec', change: fstab('/dev/vdb2 /var/tmp xfs nodev,nosuid 0 0'),
    reason: /noexec is not among the options/, alsoChanges: { '1.1.7': 'not-applicable' } },
  { id: '1.1.10', expect: 'not-applicable', given: '"users" on the /var/tmp line implies noexec, nosuid and nodev', change: fstab('/dev/vdb2 /var/tmp xfs users 0 0'),
    reason: /noexec is set \(by users \(implies noexec\)\)/, alsoChanges: { '1.1.7': 'not-applicable' } },
  { id: '1.1.14', expect: 'not-applicable', given: '/home is not a separate mount, as shipped', change: () => {}, reason: /^\/home is not a separate mount/ },
  { id: '1.1.14', expect: 'fail', given: 'the /home line has only defaults', change: fstab('/dev/vdc1 /home xfs defaults 0 0'),
    reason: /the boot configuration of \/home: nodev is not among the options/, alsoChanges: { '1.1.13': 'not-applicable' } },
  { id: '1.1.14', expect: 'not-applicable', given: 'the /home line has nodev', change: fstab('/dev/vdc1 /home xfs defaults,nodev 0 0'),
    reason: /nodev is set \(by nodev\)/, alsoChanges: { '1.1.13': 'not-applicable' } },

  // 1.1.15-1.1.17 /dev/shm: systemd's own mount unless something configures it
  { id: '1.1.15', expect: 'not-applicable', given: 'nothing configures /dev/shm: systemd mounts it with nodev, as shipped', change: () => {},
    reason: new RegExp(`systemd 219-78\\.al7 installed[\\s\\S]*${SYSTEMD_SHM.source}[\\s\\S]*the boot configuration of /dev/shm: nodev is set \\(by nodev\\)`) },
  { id: '1.1.16', expect: 'not-applicable', given: 'systemd mounts /dev/shm with nosuid, as shipped', change: () => {}, reason: /the boot configuration of \/dev\/shm: nosuid is set \(by nosuid\)/ },
  { id: '1.1.17', expect: 'fail', given: 'systemd mounts /dev/shm without noexec, as shipped', change: () => {},
    reason: new RegExp(`^the boot configuration of /dev/shm: noexec is not among the options[\\s\\S]*${SYSTEMD_SHM.source}`) },
  { id: '1.1.17', expect: 'not-applicable', given: 'an fstab line for /dev/shm with the three options', change: fstab('tmpfs /dev/shm tmpfs defaults,nodev,nosuid,noexec 0 0'),
    reason: /\/etc\/fstab:7: the boot configuration of \/dev\/shm: noexec is set \(by noexec\)/ },
  { id: '1.1.15', expect: 'fail', given: 'an fstab line for /dev/shm replaces systemd\'s options, and lacks nodev', change: fstab('tmpfs /dev/shm tmpfs defaults,nosuid,noexec 0 0'),
    reason: /the boot configuration of \/dev\/shm: nodev is not among the options/, alsoChanges: { '1.1.17': 'not-applicable' } },
  { id: '1.1.16', expect: 'fail', given: 'the fstab line for /dev/shm turns suid back on', change: fstab('tmpfs /dev/shm tmpfs defaults,nodev,noexec,suid 0 0'),
    reason: /nosuid is turned off by "suid"/, alsoChanges: { '1.1.17': 'not-applicable' } },
  { id: '1.1.17', expect: 'not-applicable', given: 'without systemd nothing mounts /dev/shm unless configured: not a separate mount offline', change: (l) => removeRpm(l, 'systemd'),
    reason: /^\/dev\/shm is not a separate mount[\s\S]*no installed package matches systemd/ },

  // 1.1.18 sticky bit, from the filesystem walk
  { id: '1.1.18', expect: 'pass', given: 'every world-writable directory is sticky, as shipped', change: () => {}, reason: /world-writable directories without the sticky bit: none among \d+ entries/ },
  { id: '1.1.18', expect: 'pass', given: 'a new drop directory 1777', change: (l) => l.mkdir('/srv/drop', 0o1777) },
  { id: '1.1.18', expect: 'fail', given: 'a shared directory 0777 owned by nobody', change: (l) => l.mkdir('/srv/shared', 0o777, 99, 99),
    reason: /world-writable directories without the sticky bit: 1\n\/srv\/shared \(mode 0777, owner nobody:nobody\)/ },
  { id: '1.1.18', expect: 'fail', given: '/var/tmp lost its sticky bit', change: (l) => l.chmod('/var/tmp', 0o777), reason: /\/var\/tmp \(mode 0777, owner root:root\)/ },

  // 1.1.19 autofs
  { id: '1.1.19', expect: 'pass', given: 'autofs not installed, as shipped', change: () => {}, reason: /no installed package matches autofs[\s\S]*autofs\.service: no unit file/ },
  { id: '1.1.19', expect: 'pass', given: 'autofs installed but not enabled', change: installAutofs, reason: /autofs 5\.0\.7-116\.al7 installed[\s\S]*autofs\.service \(\S+\/autofs\.service\) is not enabled/ },
  { id: '1.1.19', expect: 'fail', given: 'autofs installed and enabled', change: all(installAutofs, enableAutofs),
    reason: /autofs\.service is enabled \(\/etc\/systemd\/system\/multi-user\.target\.wants\/autofs\.service\)/ },
  { id: '1.1.19', expect: 'pass', given: 'autofs enabled, then masked', change: all(installAutofs, enableAutofs, (l) => symlink(l, '/dev/null', '/etc/systemd/system/autofs.service')),
    reason: /autofs\.service is masked/ },
], { base: () => ensureAcl2Base() });

// ------------------------------------------------------------------------------------------------ running containers


const run = async (c: RunningContainer, asHost: boolean) => (await audit({ target: c.uri, benchmark: ACL2, only: SCOPE, containerAsHost: asHost })).report;

const HOST_ITEMS = ['1.1.1', '1.1.2', '1.1.3', '1.1.4', '1.1.5', '1.1.6', '1.1.7', '1.1.8', '1.1.9', '1.1.10', '1.1.11', '1.1.12', '1.1.13', '1.1.14', '1.1.15', '1.1.16', '1.1.17'];

/** What the benchmark's rule says for each item on the stock tree (see the header). */
const STOCK: Record<string, string> = {
  '1.1.1': 'fail', '1.1.2': 'fail', '1.1.3': 'not-applicable', '1.1.4': 'not-applicable', '1.1.5': 'not-applicable',
  '1.1.6': 'fail', '1.1.7': 'fail', '1.1.8': 'not-applicable', '1.1.9': 'not-applicable', '1.1.10': 'not-applicable',
  '1.1.11': 'fail', '1.1.12': 'fail', '1.1.13': 'fail', '1.1.14': 'not-applicable',
  '1.1.15': 'not-applicable', '1.1.16': 'not-applicable', '1.1.17': 'fail', '1.1.18': 'pass', '1.1.19': 'pass',
};
/**
 * The stock image as a host: docker mounts nothing on /tmp, /var, /home; it mounts /dev/shm with nodev, nosuid
 * and noexec, but at the next boot systemd's own mount would lack noexec. The kernel here has no loadable
 * modules, so squashfs is not loaded (the modprobe.d part still fails).
 */
const STOCK_AS_HOST: Record<string, string> = { ...STOCK, '1.1.15': 'pass', '1.1.16': 'pass' };

/** Docker mounts for every partition the section asks about, with the options asked for, and the fstab lines to match. */
const PARTITIONS = ['--tmpfs', '/tmp:rw,nodev,nosuid,noexec', '-v', '/var', '--tmpfs', '/var/tmp:rw,nodev,nosuid,noexec', '-v', '/var/log', '-v', '/var/log/audit', '--tmpfs', '/home:rw,nodev'];
const FSTAB_PARTITIONS = [
  "cat >> /etc/fstab <<'EOF'",
  'tmpfs /tmp tmpfs defaults,rw,nosuid,nodev,noexec,relatime 0 0',
  '/dev/mapper/vg-var /var xfs defaults 0 0',
  'tmpfs /var/tmp tmpfs defaults,nodev,nosuid,noexec 0 0',
  '/dev/mapper/vg-log /var/log xfs defaults 0 0',
  '/dev/mapper/vg-audit /var/log/audit xfs defaults 0 0',
  '/dev/mapper/vg-home /home xfs defaults,nodev 0 0',
  'EOF',
].join('\n');

describe(`${ACL2} 1.1 on running containers of the ACL2 images`, () => {
  it('stock as a container: modules and mounts belong to the host; the walk and autofs are the container\'s own', async () => {
    await withContainerArgs(IMAGE.stock, [], undefined, async (c) => {
      const r = await run(c, false);
      expect(statuses(r)).toEqual({ ...Object.fromEntries(HOST_ITEMS.map((id) => [id, 'not-applicable'])), '1.1.18': 'pass', '1.1.19': 'pass' });
      for (const id of HOST_ITEMS) expect(item(r, id).reason, id).toMatch(/^container: /);
    });
  });

  it('stock as a host: nothing separate but docker\'s /dev/shm, whose noexec would not survive a reboot', async () => {
    await withContainerArgs(IMAGE.stock, [], undefined, async (c) => {
      const r = await run(c, true);
      expect(statuses(r)).toEqual(STOCK_AS_HOST);
      expect(text(r, '1.1.2')).toMatch(/nothing is mounted at \/tmp; it is part of the filesystem mounted at \/ \(overlay from overlay, line 1\)/);
      expect(item(r, '1.1.2').manualFix?.steps.join('\n')).toMatch(/give \/tmp a filesystem of its own[\s\S]*systemctl unmask tmp\.mount && systemctl enable tmp\.mount/);
      expect(text(r, '1.1.3')).toMatch(/^\/tmp is not a separate mount[^\n]*and nothing is mounted on it/);
      expect(text(r, '1.1.15')).toMatch(/\/proc\/self\/mounts:\d+: shm \/dev\/shm tmpfs rw,nosuid,nodev,noexec[^\n]*\nthe filesystem mounted at \/dev\/shm: nodev is set \(by nodev\)/);
      expect(text(r, '1.1.15')).toMatch(/systemd's own mount table \(mount-setup\.c\): the boot configuration of \/dev\/shm: nodev is set \(by nodev\)/);
      expect(text(r, '1.1.17')).toMatch(/the filesystem mounted at \/dev\/shm: noexec is set \(by noexec\)/);
      expect(item(r, '1.1.17').reason).toBe('the boot configuration of /dev/shm: noexec is not among the options');
      expect(item(r, '1.1.17').remediation?.changes).toEqual([{ kind: 'edit-file', path: '/etc/fstab', create: { mode: 0o644, uid: 0, gid: 0 }, edits: [
        { op: 'ensure-line', line: 'tmpfs /dev/shm tmpfs mode=1777,nosuid,nodev,strictatime,noexec 0 0' }, { op: 'comment-out', pattern: expect.stringMatching(/\/dev\/shm/) }] }]);
      expect(item(r, '1.1.1').reason).toBe('no modprobe.d "install squashfs /bin/true" line: the module can be loaded');
    });
  });

  it('hardened as a host, with every partition mounted and configured: all pass but the ACK-exempt sticky bit', async () => {
    await withContainerArgs(IMAGE.hardened, PARTITIONS, FSTAB_PARTITIONS, async (c) => {
      const r = await run(c, true);
      expect(statuses(r)).toEqual({ ...Object.fromEntries(Object.keys(STOCK).map((id) => [id, 'pass'])), '1.1.18': 'fail' });
      expect(text(r, '1.1.1')).toMatch(/\/etc\/modprobe\.d\/cis-filesystems\.conf:3: install squashfs \/bin\/true[\s\S]*squashfs is not loaded/);
      expect(text(r, '1.1.5')).toMatch(/\/proc\/self\/mounts:\d+: tmpfs \/tmp tmpfs rw,nosuid,nodev,noexec/);
      expect(text(r, '1.1.5')).toMatch(/\/etc\/fstab:9: tmpfs \/tmp tmpfs defaults,rw,nosuid,nodev,noexec,relatime/);
      expect(text(r, '1.1.6')).toMatch(/\/proc\/self\/mounts:\d+: \S+ \/var \S+[\s\S]*\/etc\/fstab:\d+: \/dev\/mapper\/vg-var \/var xfs defaults/);
      expect(text(r, '1.1.17')).toMatch(/\/etc\/fstab:8: the boot configuration of \/dev\/shm: noexec is set \(by noexec\)/);
      expect(text(r, '1.1.18')).toMatch(/\/var\/lib\/kubelet\/pods\/[^/]+\/volumes\/kubernetes\.io~empty-dir\/cache \(mode 0777, owner root:root\)/);
    });
  });

  it('judges the running mounts against the boot configuration, and records the fix of each', async () => {
    // /tmp mounted but not configured; /var/tmp configured with noexec but mounted with exec; /home lacks nodev in both
    const args = ['--tmpfs', '/tmp', '--tmpfs', '/var/tmp:rw,nodev,nosuid,exec', '--tmpfs', '/home:rw,dev'];
    const setup = "printf '%s\\n' 'tmpfs /var/tmp tmpfs defaults,nodev,nosuid,noexec 0 0' '/dev/vdc1 /home xfs defaults 0 0' >> /etc/fstab";
    await withContainerArgs(IMAGE.stock, args, setup, async (c) => {
      const r = await run(c, true);
      expect(statuses(r)).toEqual({
        ...STOCK_AS_HOST, '1.1.3': 'fail', '1.1.4': 'fail', '1.1.5': 'fail',
        '1.1.7': 'pass', '1.1.8': 'pass', '1.1.9': 'pass', '1.1.10': 'fail', '1.1.13': 'pass', '1.1.14': 'fail',
      });
      expect(item(r, '1.1.2').reason).toBe('/tmp is not configured to be mounted at boot: no /etc/fstab line and no enabled systemd mount unit');
      expect(item(r, '1.1.3').reason).toMatch(/\/tmp is not configured to be mounted at boot .* so nodev is not set at boot/);
      // the boot configuration of /var/tmp has noexec: only remounting is left, for a person
      expect(item(r, '1.1.10').reason).toBe('the filesystem mounted at /var/tmp: noexec is not among the options');
      expect(item(r, '1.1.10').remediation).toBeUndefined();
      expect(item(r, '1.1.10').manualFix?.steps).toEqual(['once the boot configuration of /var/tmp has noexec, mount it again with it: mount -o remount,noexec /var/tmp (or reboot)']);
      // /home: nodev is off now and missing at boot: the fstab line is fixed, the remount is a person's
      expect(item(r, '1.1.14').reason).toBe('the filesystem mounted at /home: nodev is not among the options');
      expect(item(r, '1.1.14').remediation?.changes).toEqual([{ kind: 'edit-file', path: '/etc/fstab', edits: [
        { op: 'ensure-line', line: '/dev/vdc1 /home xfs defaults,nodev 0 0' }, { op: 'comment-out', pattern: expect.stringMatching(/\/home/) }] }]);
      expect(item(r, '1.1.14').manualFix?.steps).toEqual(['once the boot configuration of /home has nodev, mount it again with it: mount -o remount,nodev /home (or reboot)']);
    });
  });
});

// ------------------------------------------------------------------------------------------------ acl2-hardened

/** acl2-hardened (tree): the ACK-exempt 1.1.2 and 1.1.18 fail, the Level 2 partitions fail, the rest complies. */
const HARDENED: Record<string, string> = { ...STOCK, '1.1.1': 'not-applicable', '1.1.17': 'not-applicable', '1.1.18': 'fail' };

describe(`${ACL2} 1.1 on acl2-hardened (after ACK's CIS reinforcement)`, () => {
  it('passes or (offline) complies on every Level 1 scored item but the ACK-exempt 1.1.2 and 1.1.18', async () => {
    const r = (await audit({ target: `rootfs:${ensureAcl2Base('hardened')}`, benchmark: ACL2, only: SCOPE })).report;
    expect(statuses(r)).toEqual(HARDENED);
    for (const id of ['1.1.1', '1.1.15', '1.1.16', '1.1.17']) expect(item(r, id).reason, id).toMatch(/^offline root filesystem: .* the persistent configuration was checked and complies$/);
    expect(text(r, '1.1.17')).toMatch(/\/etc\/fstab:8: the boot configuration of \/dev\/shm: noexec is set \(by noexec\)/);
    expect(item(r, '1.1.2').reason).toMatch(/^\/tmp is not configured to be mounted at boot/);
    expect(item(r, '1.1.18').reason).toMatch(/^world-writable directories without the sticky bit: 1, e\.g\. \/var\/lib\/kubelet\/pods\//);
    // the Level 1 scored items that neither pass nor (offline) comply are exactly the exempt ones and those that do not apply
    const level1 = r.items.filter((i) => i.level === 1 && i.scored && i.status !== 'not-selected');
    expect(level1.filter((i) => i.status === 'fail').map((i) => i.id)).toEqual(['1.1.2', '1.1.18']);
  });
});

// ------------------------------------------------------------------------------------------------ hardening

describe(`${ACL2} 1.1 hardened with the recorded remediations`, () => {
  const harden = async (root: string): Promise<HardenResult> => {
    const { runHarden } = (await import(path.join(repoRoot, 'dist/src/remediation/harden.js'))) as typeof import('../../src/remediation/harden.js');
    return runHarden({ target: `rootfs:${root}`, benchmark: ACL2, only: SCOPE, out: mkdtempSync(path.join(scratch, 'harden-')) });
  };
  const outcome = (r: HardenResult, id: string) => r.report.outcomes.find((o) => o.id === id)?.outcome;

  it('stock: squashfs and /dev/shm are fixed; the partitions are a person\'s work', async () => {
    await withOverlay(ensureAcl2Base(), () => undefined, async (root) => {
      const first = await harden(root);
      expect(outcome(first, '1.1.1')).toBe('fixed');
      expect(outcome(first, '1.1.17')).toBe('fixed');
      for (const id of ['1.1.2', '1.1.6', '1.1.7', '1.1.11', '1.1.12', '1.1.13']) expect(`${id} ${outcome(first, id)}`).toBe(`${id} needs a person`);
      const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
      expect(read('etc/modprobe.d/60-cis-bdd.conf')).toBe('install squashfs /bin/true\n');
      expect(read('etc/fstab')).toBe(`${readFileSync(path.join(ensureAcl2Base(), 'etc/fstab'), 'utf8')}tmpfs /dev/shm tmpfs mode=1777,nosuid,nodev,strictatime,noexec 0 0\n`);
      const after = (await audit({ target: `rootfs:${root}`, benchmark: ACL2, only: SCOPE })).report;
      expect(statuses(after)).toEqual({ ...STOCK, '1.1.1': 'not-applicable', '1.1.17': 'not-applicable' });
      const second = await harden(root);
      expect(second.report.plan).toEqual([]);
    });
  }, 300_000);

  it('fstab options, a tmp.mount in /etc, the sticky bit and autofs; two options missing on one line take two rounds of one run', async () => {
    await withOverlay(ensureAcl2Base(), all(
      fstab('tmpfs /tmp tmpfs defaults,noexec 0 0', '/dev/vdc1 /home xfs defaults,dev 0 0'),
      (l) => l.mkdir('/srv/shared', 0o777),
      (l) => l.mkdir('/srv/drop', 0o2777),
      installAutofs, enableAutofs,
    ), async (root) => {
      const first = await harden(root);
      for (const id of ['1.1.4', '1.1.14', '1.1.18', '1.1.19']) expect(`${id} ${outcome(first, id)}`).toBe(`${id} fixed`);
      // each option item rewrites the /tmp line from what it read: the later nosuid fix replaced the nodev
      // one, which a second round of the run puts back
      expect(outcome(first, '1.1.3')).toBe('fixed');
      expect((await harden(root)).report.plan).toEqual([]);
      const fstabText = readFileSync(path.join(root, 'etc/fstab'), 'utf8');
      expect(fstabText.split('\n').filter((l) => /\s\/tmp\s/.test(l) && !l.startsWith('#'))).toEqual(['tmpfs /tmp tmpfs defaults,noexec,nosuid,nodev 0 0']);
      expect(fstabText).toContain('# tmpfs /tmp tmpfs defaults,noexec 0 0  # disabled by cis-bdd');
      expect(fstabText.split('\n').filter((l) => /\s\/home\s/.test(l) && !l.startsWith('#'))).toEqual(['/dev/vdc1 /home xfs defaults,nodev 0 0']);
      expect(statSync(path.join(root, 'srv/shared')).mode & 0o7777).toBe(0o1777);
      expect(statSync(path.join(root, 'srv/drop')).mode & 0o7777).toBe(0o3777);
      expect(existsSync(path.join(root, 'etc/systemd/system/multi-user.target.wants/autofs.service'))).toBe(false);
      const after = (await audit({ target: `rootfs:${root}`, benchmark: ACL2, only: SCOPE })).report;
      expect(statuses(after)).toEqual({
        ...STOCK, '1.1.1': 'not-applicable', '1.1.17': 'not-applicable', '1.1.2': 'not-applicable', '1.1.3': 'not-applicable', '1.1.4': 'not-applicable', '1.1.5': 'not-applicable',
        '1.1.13': 'not-applicable', '1.1.14': 'not-applicable',
      });
    });
  }, 300_000);

  it('an enabled tmp.mount: its Options= in /etc is set; the vendor unit is left alone and fstab takes over', async () => {
    await withOverlay(ensureAcl2Base(), (l) => etcTmpMount(l, 'mode=1777,strictatime,nosuid,noexec'), async (root) => {
      expect(outcome(await harden(root), '1.1.3')).toBe('fixed');
      expect(readFileSync(path.join(root, 'etc/systemd/system/tmp.mount'), 'utf8')).toMatch(/^Options=mode=1777,strictatime,nosuid,noexec,nodev$/m);
    });
    await withOverlay(ensureAcl2Base(), enableTmpMount, async (root) => {
      const vendor = readFileSync(path.join(root, 'usr/lib/systemd/system/tmp.mount'), 'utf8');
      const first = await harden(root);
      expect(outcome(first, '1.1.5')).toBe('fixed');
      expect(readFileSync(path.join(root, 'usr/lib/systemd/system/tmp.mount'), 'utf8')).toBe(vendor);
      // the three option items each wrote the vendor unit's line with their option: the last one stands, and
      // the next rounds of the run add the others
      const tmpLine = readFileSync(path.join(root, 'etc/fstab'), 'utf8').split('\n').filter((l) => /\s\/tmp\s/.test(l) && !l.startsWith('#'));
      expect(tmpLine).toHaveLength(1);
      expect(tmpLine[0]).toMatch(/^tmpfs \/tmp tmpfs mode=1777,strictatime,\S+ 0 0$/);
      expect(tmpLine[0].split(/\s+/)[3].split(',').sort()).toEqual(['mode=1777', 'nodev', 'noexec', 'nosuid', 'strictatime']);
      for (const id of ['1.1.3', '1.1.4', '1.1.5']) expect(`${id} ${outcome(first, id)}`).toBe(`${id} fixed`);
    });
  }, 300_000);
});

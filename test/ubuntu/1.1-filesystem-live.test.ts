/**
 * 1.1 Filesystem Configuration on running containers of the Ubuntu 18.04 image. As a container, the
 * items about modules and mounts belong to the host (the container rule); audited with containerAsHost,
 * the container's own mount table is read as a host's would be. docker run options make the mounts:
 * `--tmpfs DIR[:OPTIONS]` mounts a tmpfs (docker's defaults nosuid,nodev,noexec hold unless the options say
 * suid, dev or exec), `-v DIR` an anonymous volume (removed with the container).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, item, statuses, text } from '../support/audit.js';
import { docker, IMAGES, startContainer, type RunningContainer } from '../support/containers.js';
import { repoRoot } from '../support/fixtures.js';

const benchmark = 'cis-ubuntu-18.04-v2.1.0';
const only = ['1.1'];
const HARDEN = readFileSync(path.join(repoRoot, 'containers/ubuntu-18.04-hardened/harden.d/11-filesystems.sh'), 'utf8');

const MODULE_ITEMS: Record<string, string> = {
  '1.1.1.1': 'cramfs', '1.1.1.2': 'freevxfs', '1.1.1.3': 'jffs2', '1.1.1.4': 'hfs', '1.1.1.5': 'hfsplus', '1.1.1.6': 'udf', '1.1.24': 'usb_storage',
};
const PARTITION_ITEMS = ['1.1.2', '1.1.3', '1.1.4', '1.1.5', '1.1.6', '1.1.7', '1.1.8', '1.1.9', '1.1.10', '1.1.11', '1.1.12', '1.1.13', '1.1.14',
  '1.1.15', '1.1.16', '1.1.17', '1.1.18', '1.1.19', '1.1.20', '1.1.21'];

async function withHostContainer<T>(extraArgs: string[], setup: string | undefined, fn: (c: RunningContainer) => Promise<T>): Promise<T> {
  const c = startContainer(IMAGES.ubuntuStock, extraArgs);
  try {
    if (setup) c.exec(setup);
    return await fn(c);
  } finally {
    // -v: anonymous volumes go with the container
    try { docker('rm', '-f', '-v', c.name); } catch { /* already gone */ }
  }
}

const auditAsHost = async (c: RunningContainer) => (await audit({ target: c.uri, benchmark, only, containerAsHost: true })).report;

/**
 * What the module items must be once modprobe.d stops the modules, by the rule: pass when the module is
 * not in the host kernel's /proc/modules, fail when it is; a kernel without loadable module support has no
 * /proc/modules: nothing can be loaded into it, so the "not loaded" part holds.
 */
function moduleVerdicts(c: RunningContainer): Record<string, string> {
  const modules = c.exec('cat /proc/modules 2>/dev/null || echo NO-PROC-MODULES');
  if (modules.includes('NO-PROC-MODULES')) return Object.fromEntries(Object.keys(MODULE_ITEMS).map((id) => [id, 'pass']));
  const loaded = new Set(modules.split('\n').map((l) => l.split(' ')[0]));
  return Object.fromEntries(Object.entries(MODULE_ITEMS).map(([id, m]) => [id, loaded.has(m) ? 'fail' : 'pass']));
}

/** The stock image as a host: nothing configured at boot, docker's own /dev/shm, no removable media. */
const STOCK_AS_HOST: Record<string, string> = {
  ...Object.fromEntries(Object.keys(MODULE_ITEMS).map((id) => [id, 'fail'])),
  '1.1.2': 'fail', '1.1.3': 'not-applicable', '1.1.4': 'not-applicable', '1.1.5': 'not-applicable',
  '1.1.6': 'fail', '1.1.7': 'fail', '1.1.8': 'fail', '1.1.9': 'fail',
  '1.1.10': 'fail', '1.1.11': 'fail', '1.1.12': 'not-applicable', '1.1.13': 'not-applicable', '1.1.14': 'not-applicable',
  '1.1.15': 'fail', '1.1.16': 'fail', '1.1.17': 'fail', '1.1.18': 'not-applicable',
  '1.1.19': 'pass', '1.1.20': 'pass', '1.1.21': 'pass', '1.1.22': 'pass', '1.1.23': 'pass',
};

describe('1.1 on running containers', () => {
  it('the stock image: as a container the host items do not apply; as a host, its mounts are judged', async () => {
    await withHostContainer([], undefined, async (c) => {
      const asContainer = (await audit({ target: c.uri, benchmark, only })).report;
      for (const id of [...Object.keys(MODULE_ITEMS), ...PARTITION_ITEMS]) {
        expect(item(asContainer, id).status, id).toBe('not-applicable');
        expect(item(asContainer, id).reason, id).toMatch(/^container: /);
      }
      expect(statuses(asContainer)['1.1.22']).toBe('pass');
      expect(statuses(asContainer)['1.1.23']).toBe('pass');

      const host = await auditAsHost(c);
      expect(statuses(host)).toEqual(STOCK_AS_HOST);
      expect(text(host, '1.1.2')).toMatch(/nothing is mounted at \/tmp; it is part of the filesystem mounted at \/ \(overlay from overlay, line 1\)/);
      expect(text(host, '1.1.3')).toMatch(/^\/tmp is not a separate mount[^\n]*and nothing is mounted on it/);
      // /dev/shm is mounted by docker with all three options, but nothing configures it for boot
      expect(text(host, '1.1.6')).toMatch(/\/proc\/self\/mounts:\d+: shm \/dev\/shm tmpfs rw,nosuid,nodev,noexec/);
      expect(item(host, '1.1.6').reason).toMatch(/\/dev\/shm is not configured to be mounted at boot/);
      expect(text(host, '1.1.7')).toMatch(/the filesystem mounted at \/dev\/shm: nodev is set \(by nodev\)/);
      expect(item(host, '1.1.7').reason).toMatch(/so nodev is not set at boot/);
      expect(text(host, '1.1.21')).toMatch(/\/proc\/self\/mounts: no removable media mount among the \d+ filesystems mounted on the running system/);
    });
  });

  it('passes 1.1.2-1.1.9 after 11-filesystems.sh with a tmpfs /tmp, and removable media mounted with all three options', async () => {
    const args = ['--tmpfs', '/tmp:rw,nodev,nosuid,noexec', '--tmpfs', '/media/usb:rw,nodev,nosuid,noexec'];
    await withHostContainer(args, HARDEN, async (c) => {
      const host = await auditAsHost(c);
      const expected: Record<string, string> = { ...STOCK_AS_HOST, ...moduleVerdicts(c) };
      for (const id of ['1.1.2', '1.1.3', '1.1.4', '1.1.5', '1.1.6', '1.1.7', '1.1.8', '1.1.9']) expected[id] = 'pass';
      expect(statuses(host)).toEqual(expected);
      expect(text(host, '1.1.1.1')).toMatch(/\/etc\/modprobe\.d\/cis-1\.1-filesystems\.conf:\d+: install cramfs \/bin\/true/);
      expect(text(host, '1.1.24')).toMatch(/install usb-storage \/bin\/true/);
      expect(text(host, '1.1.5')).toMatch(/\/proc\/self\/mounts:\d+: tmpfs \/tmp tmpfs rw,nosuid,nodev,noexec/);
      expect(text(host, '1.1.5')).toMatch(/\/etc\/fstab:\d+: tmpfs \/tmp tmpfs defaults,rw,nodev,nosuid,noexec,relatime/);
      expect(text(host, '1.1.21')).toMatch(/tmpfs \/media\/usb tmpfs [^\n]*\nremovable media: mounted under \/media, where removable media are mounted; noexec is set \(by noexec\)/);
    });
  });

  it('judges separate filesystems, an unconfigured /tmp, a missing option and a USB stick mounted with exec', async () => {
    const args = ['-v', '/var', '-v', '/var/log', '-v', '/var/log/audit', '--tmpfs', '/var/tmp:rw,nodev,nosuid,exec', '--tmpfs', '/home:rw,nodev',
      '--tmpfs', '/tmp', '--tmpfs', '/media/usb:rw,suid,exec'];
    const setup = [
      "cat >> /etc/fstab <<'EOF'",
      '/dev/mapper/vg-var /var ext4 defaults 0 2',
      'tmpfs /var/tmp tmpfs nodev,nosuid,noexec 0 0',
      '/dev/mapper/vg-log /var/log ext4 defaults 0 2',
      '/dev/mapper/vg-audit /var/log/audit ext4 defaults 0 2',
      '/dev/sdb1 /home ext4 defaults 0 2',
      'EOF',
      'mkdir -p /srv/drop && chmod 0777 /srv/drop',
    ].join('\n');
    await withHostContainer(args, setup, async (c) => {
      const host = await auditAsHost(c);
      expect(statuses(host)).toEqual({
        ...STOCK_AS_HOST,
        // /tmp is mounted (docker's defaults) but nothing configures it for boot
        '1.1.2': 'fail', '1.1.3': 'fail', '1.1.4': 'fail', '1.1.5': 'fail',
        '1.1.10': 'pass', '1.1.11': 'pass', '1.1.12': 'pass', '1.1.13': 'pass', '1.1.14': 'fail',
        '1.1.15': 'pass', '1.1.16': 'pass', '1.1.17': 'pass', '1.1.18': 'fail',
        '1.1.19': 'pass', '1.1.20': 'fail', '1.1.21': 'fail', '1.1.22': 'fail',
      });
      expect(item(host, '1.1.2').reason).toMatch(/\/tmp is not configured to be mounted at boot/);
      expect(text(host, '1.1.3')).toMatch(/the filesystem mounted at \/tmp: nodev is set/);
      expect(item(host, '1.1.3').reason).toMatch(/\/tmp is not configured to be mounted at boot .* so nodev is not set at boot/);
      expect(text(host, '1.1.10')).toMatch(/\/proc\/self\/mounts:\d+: \S+ \/var \S+[\s\S]*\/etc\/fstab:2: \/dev\/mapper\/vg-var \/var ext4 defaults/);
      // the boot configuration has noexec, the running mount does not
      expect(item(host, '1.1.14').reason).toBe('the filesystem mounted at /var/tmp: noexec is not among the options');
      expect(text(host, '1.1.14')).toMatch(/\/etc\/fstab:3: tmpfs \/var\/tmp tmpfs nodev,nosuid,noexec/);
      // the running mount has nodev, the boot configuration does not
      expect(item(host, '1.1.18').reason).toBe('the boot configuration of /home: nodev is not among the options');
      expect(item(host, '1.1.20').reason).toBe('removable media filesystems mounted on the running system without nosuid: /media/usb');
      expect(item(host, '1.1.21').reason).toBe('removable media filesystems mounted on the running system without noexec: /media/usb');
      expect(text(host, '1.1.22')).toMatch(/world-writable directories without the sticky bit: 1\n\/srv\/drop \(mode 0777, owner root:root\)/);
    });
  });
});

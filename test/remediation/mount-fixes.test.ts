/**
 * The boot configuration fixes of mounts (src/remediation/mount-fixes.ts) and the option lists they write
 * (withMountFlag, withoutNoauto in src/facts/mount-options.ts), applied to real file samples with the
 * same text editor `cis-bdd harden` uses.
 */
import { describe, expect, it } from 'vitest';
import { parseMountTable, parseMountUnit, systemdOwnMountAt, type MountEntry } from '../../src/facts/mounts.js';
import { readMountFlag, withMountFlag, withoutNoauto } from '../../src/facts/mount-options.js';
import { bootOptionFix, configureOwnMountFix, fstabLine, fstabLinesFor, noautoFix, separateFilesystemSteps } from '../../src/remediation/mount-fixes.js';
import { applyEdits } from '../../src/remediation/edits.js';
import type { Change } from '../../src/model/remediation.js';

/** An ACL2 fstab as the image installer writes it, with a /tmp line, a /home line and a path with a space. */
const FSTAB = [
  '',
  '#',
  '# /etc/fstab',
  '#',
  'UUID=c3b1b5e0-7c3a-4a4b-9b4e-1f2a3c4d5e6f /                       ext4    defaults        1 1',
  'tmpfs   /tmp    tmpfs   defaults,noexec   0 0',
  '/dev/vdc1 /home xfs defaults,dev 0 2',
  '/dev/vdd1 /srv/shared\\040data xfs defaults',
  '',
].join('\n');

const entries = parseMountTable(FSTAB, '/etc/fstab');
const at = (mp: string) => entries.find((e) => e.mountpoint === mp)!;
const apply = (text: string, c: Change) => {
  if (c.kind !== 'edit-file') throw new Error(`not an edit: ${c.kind}`);
  return applyEdits(text, c.edits);
};
const active = (text: string, mp: string) => parseMountTable(text, '/etc/fstab').filter((e) => e.mountpoint === mp).map((e) => `${e.fields!.join(' ')}`);

describe('option lists', () => {
  it('withMountFlag removes what turns the flag off and appends it once', () => {
    expect(withMountFlag(['defaults', 'noexec'], 'nodev')).toEqual(['defaults', 'noexec', 'nodev']);
    expect(withMountFlag(['defaults', 'dev'], 'nodev')).toEqual(['defaults', 'nodev']);
    expect(withMountFlag(['nodev', 'dev'], 'nodev')).toEqual(['nodev']);
    expect(withMountFlag(['user', 'suid'], 'nosuid')).toEqual(['user']);
    expect(withMountFlag(['users'], 'noexec')).toEqual(['users']);
    expect(withMountFlag([], 'noexec')).toEqual(['noexec']);
    for (const f of ['nodev', 'nosuid', 'noexec'] as const) expect(readMountFlag(withMountFlag(['exec', 'suid', 'dev', 'rw'], f), f).set).toBe(true);
  });

  it('withoutNoauto keeps the rest', () => {
    expect(withoutNoauto(['noauto', 'nodev', 'auto'])).toEqual(['nodev', 'auto']);
    expect(withoutNoauto(['noauto'])).toEqual([]);
  });
});

describe('fstab lines', () => {
  it('matches the active lines of one mount point, with trailing slashes, not of its subdirectories', () => {
    const re = new RegExp(fstabLinesFor('/tmp'));
    expect(re.test('tmpfs /tmp tmpfs defaults 0 0')).toBe(true);
    expect(re.test('  tmpfs\t/tmp/ tmpfs defaults 0 0')).toBe(true);
    expect(re.test('tmpfs /tmp/cache tmpfs defaults 0 0')).toBe(false);
    expect(re.test('/tmp /var/tmp none bind 0 0')).toBe(false);
    expect(new RegExp(fstabLinesFor('/srv/shared data')).test('/dev/vdd1 /srv/shared\\040data xfs defaults')).toBe(true);
  });

  it('rewrites a line with its own fields as written, and makes one from a unit', () => {
    expect(fstabLine(at('/tmp'), ['defaults', 'noexec', 'nodev'])).toBe('tmpfs /tmp tmpfs defaults,noexec,nodev 0 0');
    expect(fstabLine(at('/srv/shared data'), ['defaults', 'nodev'])).toBe('/dev/vdd1 /srv/shared\\040data xfs defaults,nodev');
    const unit = parseMountUnit('[Mount]\nWhat=tmpfs\nWhere=/tmp\nType=tmpfs\nOptions=mode=1777,strictatime\n', '/usr/lib/systemd/system/tmp.mount')!;
    expect(fstabLine(unit, ['mode=1777', 'strictatime', 'nosuid'])).toBe('tmpfs /tmp tmpfs mode=1777,strictatime,nosuid 0 0');
    expect(fstabLine({ ...unit, options: [] }, [])).toBe('tmpfs /tmp tmpfs defaults 0 0');
  });
});

describe('boot option fixes', () => {
  it('an fstab line: the old line is commented out, the new one appended, nothing else changes', () => {
    const fix = bootOptionFix(at('/tmp'), 'nodev');
    expect(fix.summary).toMatch(/^mount \/tmp with nodev at boot: the \/etc\/fstab line for \/tmp gets the options defaults,noexec,nodev/);
    const after = apply(FSTAB, fix.changes[0]);
    expect(active(after, '/tmp')).toEqual(['tmpfs /tmp tmpfs defaults,noexec,nodev 0 0']);
    expect(after).toContain('# tmpfs   /tmp    tmpfs   defaults,noexec   0 0  # disabled by cis-bdd');
    expect(active(after, '/home')).toEqual(['/dev/vdc1 /home xfs defaults,dev 0 2']);
    // applied again, nothing changes
    expect(apply(after, bootOptionFix(parseMountTable(after, '/etc/fstab').find((e) => e.mountpoint === '/tmp')!, 'nodev').changes[0])).toBe(after);
  });

  it('"dev" is replaced by nodev', () => {
    expect(active(apply(FSTAB, bootOptionFix(at('/home'), 'nodev').changes[0]), '/home')).toEqual(['/dev/vdc1 /home xfs defaults,nodev 0 2']);
  });

  it('two fixes of one line computed from the same reading: the later one stands (the limitation the next run makes up for)', () => {
    const after = apply(apply(FSTAB, bootOptionFix(at('/tmp'), 'nodev').changes[0]), bootOptionFix(at('/tmp'), 'nosuid').changes[0]);
    expect(active(after, '/tmp')).toEqual(['tmpfs /tmp tmpfs defaults,noexec,nosuid 0 0']);
  });

  it('a mount unit in /etc/systemd/system: its Options= is set', () => {
    const text = '[Unit]\nDescription=Temporary Directory\n\n[Mount]\nWhat=tmpfs\nWhere=/tmp\nType=tmpfs\nOptions=mode=1777,strictatime\n';
    const unit = parseMountUnit(text, '/etc/systemd/system/tmp.mount')!;
    const fix = bootOptionFix(unit, 'noexec');
    expect(fix.changes).toEqual([{ kind: 'edit-file', path: '/etc/systemd/system/tmp.mount', edits: [{ op: 'key-value-set', key: 'Options', value: 'mode=1777,strictatime,noexec', separator: '=' }] }]);
    expect(apply(text, fix.changes[0])).toBe(text.replace('strictatime\n', 'strictatime,noexec\n'));
  });

  it('a vendor unit or systemd\'s own mount: an fstab line takes over, and the vendor file is not touched', () => {
    const vendor = parseMountUnit('[Mount]\nWhat=tmpfs\nWhere=/tmp\nType=tmpfs\nOptions=mode=1777,strictatime\n', '/usr/lib/systemd/system/tmp.mount')!;
    const fix = bootOptionFix(vendor, 'nosuid');
    expect(fix.changes.map((c) => (c as { path: string }).path)).toEqual(['/etc/fstab']);
    expect(fix.summary).toMatch(/an \/etc\/fstab line for \/tmp \(it takes precedence over \/usr\/lib\/systemd\/system\/tmp\.mount\)/);
    expect(active(apply(FSTAB, fix.changes[0]), '/tmp')).toEqual(['tmpfs /tmp tmpfs mode=1777,strictatime,nosuid 0 0']);

    const shm = systemdOwnMountAt('/dev/shm')!;
    const created = apply('', bootOptionFix(shm, 'noexec').changes[0]);
    expect(created).toBe('tmpfs /dev/shm tmpfs mode=1777,nosuid,nodev,strictatime,noexec 0 0\n');
    expect((bootOptionFix(shm, 'noexec').changes[0] as { create?: unknown }).create).toEqual({ mode: 0o644, uid: 0, gid: 0 });
  });

  it('systemd\'s own /dev/shm written into fstab (1.1.6) carries nodev, nosuid and noexec, so 1.1.7-1.1.9 hold too', () => {
    const shm = systemdOwnMountAt('/dev/shm')!;
    const fix = configureOwnMountFix(shm);
    expect(fix.summary).toBe('configure /dev/shm in /etc/fstab as systemd mounts it (mode=1777,nosuid,nodev,strictatime) with noexec added: options mode=1777,nosuid,nodev,strictatime,noexec');
    const written = apply(FSTAB, fix.changes[0]);
    expect(written).toBe(`${FSTAB}tmpfs /dev/shm tmpfs mode=1777,nosuid,nodev,strictatime,noexec 0 0\n`);
    const line = parseMountTable(written, '/etc/fstab').find((e) => e.mountpoint === '/dev/shm')!;
    for (const flag of ['nodev', 'nosuid', 'noexec'] as const) expect(`${flag} ${readMountFlag(line.options, flag).set}`).toBe(`${flag} true`);
    // a fix of one flag on systemd's own mount writes the other two as well
    const nodevOnly = apply('', bootOptionFix({ ...shm, options: ['mode=1777', 'strictatime'] }, 'nodev').changes[0]);
    expect(nodevOnly).toBe('tmpfs /dev/shm tmpfs mode=1777,strictatime,nodev,nosuid,noexec 0 0\n');
  });

  it('noauto: the line without it', () => {
    const e: MountEntry = parseMountTable('tmpfs /tmp tmpfs noauto,nodev,nosuid,noexec 0 0\n', '/etc/fstab')[0];
    expect(active(apply('tmpfs /tmp tmpfs noauto,nodev,nosuid,noexec 0 0\n', noautoFix(e).changes[0]), '/tmp')).toEqual(['tmpfs /tmp tmpfs nodev,nosuid,noexec 0 0']);
  });
});

describe('a separate filesystem is a person\'s work', () => {
  it('names the path, and offers a tmpfs only for /tmp', () => {
    expect(separateFilesystemSteps('/var/log').join('\n')).toMatch(/give \/var\/log a filesystem of its own[\s\S]*\/etc\/fstab line mounting it on \/var\/log/);
    expect(separateFilesystemSteps('/var/log').join('\n')).not.toMatch(/tmpfs/);
    expect(separateFilesystemSteps('/tmp').at(-1)).toMatch(/^or, without re-partitioning, mount a memory-backed tmpfs on \/tmp/);
  });
});

/** How mount option lists are read for nodev, nosuid and noexec, on real option lists and odd ones. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { isRestrictingFlag, readMountFlag } from '../../src/facts/mount-options.js';
import { parseMountTable, parseMountUnit } from '../../src/facts/mounts.js';

const base = ensureUbuntuBase();

describe('readMountFlag', () => {
  it('reads the flags the kernel lists in /proc/self/mounts (docker\'s /dev/shm)', () => {
    const [shm] = parseMountTable('shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0\n', '/proc/self/mounts', true);
    expect(readMountFlag(shm.options, 'nodev')).toEqual({ set: true, decidedBy: 'nodev' });
    expect(readMountFlag(shm.options, 'nosuid')).toEqual({ set: true, decidedBy: 'nosuid' });
    expect(readMountFlag(shm.options, 'noexec')).toEqual({ set: true, decidedBy: 'noexec' });
  });

  it('reads Ubuntu 18.04\'s own tmp.mount: nosuid and nodev, no noexec', () => {
    const unit = parseMountUnit(readFileSync(path.join(base, 'usr/share/systemd/tmp.mount'), 'utf8'), '/usr/share/systemd/tmp.mount')!;
    expect(unit).toMatchObject({ source: 'tmpfs', mountpoint: '/tmp', fstype: 'tmpfs' });
    expect(readMountFlag(unit.options, 'nosuid').set).toBe(true);
    expect(readMountFlag(unit.options, 'nodev').set).toBe(true);
    expect(readMountFlag(unit.options, 'noexec')).toEqual({ set: false, decidedBy: null });
  });

  it('finds nothing in the fixture\'s unconfigured fstab', () => {
    expect(parseMountTable(readFileSync(path.join(base, 'etc/fstab'), 'utf8'), '/etc/fstab')).toEqual([]);
  });

  it('lets a later option undo an earlier one', () => {
    expect(readMountFlag(['nodev', 'nosuid', 'dev'], 'nodev')).toEqual({ set: false, decidedBy: 'dev' });
    expect(readMountFlag(['exec', 'noexec'], 'noexec')).toEqual({ set: true, decidedBy: 'noexec' });
  });

  it('treats "defaults" as changing none of the three', () => {
    expect(readMountFlag(['noexec', 'defaults'], 'noexec').set).toBe(true);
    expect(readMountFlag(['defaults'], 'nodev')).toEqual({ set: false, decidedBy: null });
  });

  it('applies what user, users, owner and group imply, unless a later option overrides it', () => {
    expect(readMountFlag(['user', 'noauto'], 'noexec')).toEqual({ set: true, decidedBy: 'user (implies noexec)' });
    expect(readMountFlag(['users'], 'nodev').decidedBy).toBe('users (implies nodev)');
    expect(readMountFlag(['user', 'exec'], 'noexec')).toEqual({ set: false, decidedBy: 'exec' });
    expect(readMountFlag(['owner'], 'nosuid').set).toBe(true);
    expect(readMountFlag(['group'], 'noexec').set).toBe(false);
    expect(readMountFlag(['exec', 'user'], 'noexec').set).toBe(true);
  });

  it('does not mistake look-alike options for the flags', () => {
    expect(readMountFlag(['nodevice', 'uid=0', 'nosuidx', 'x-noexec'], 'nodev').set).toBe(false);
    expect(readMountFlag(['nosuidx'], 'nosuid').set).toBe(false);
    expect(readMountFlag([''], 'noexec')).toEqual({ set: false, decidedBy: null });
  });

  it('knows which options are the restricting flags', () => {
    expect(['nodev', 'nosuid', 'noexec', 'ro', 'dev'].filter(isRestrictingFlag)).toEqual(['nodev', 'nosuid', 'noexec']);
  });
});

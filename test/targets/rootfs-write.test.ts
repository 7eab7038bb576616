/**
 * Hardening writes into a root filesystem only inside it: directories are created one level at a time,
 * each parent resolved inside the tree, so a link on the way (/var/lib -> /data, absolute) leads to the
 * tree's /data and never to the auditing machine's own directories.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RootfsTarget } from '../../src/targets/rootfs.js';

function tree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-rootfs-write-'));
  mkdirSync(path.join(root, 'var'));
  mkdirSync(path.join(root, 'data'));
  return root;
}

describe('writing into a root filesystem', () => {
  it('a directory under an absolute link is created inside the tree, not on this machine', async () => {
    const root = tree();
    const outside = `/cis-bdd-escape-${path.basename(root)}`;
    symlinkSync(outside, path.join(root, 'var/lib')); // /var/lib -> an absolute path; in the tree: <root>/cis-bdd-escape-…
    mkdirSync(path.join(root, outside));
    const t = new RootfsTarget(`rootfs:${root}`, root);
    await t.writeNode({ path: '/var/lib/cis-bdd/runs/r1', type: 'directory', mode: 0o700, uid: 0, gid: 0 });
    await t.writeNode({ path: '/var/lib/cis-bdd/runs/r1/record.json', type: 'file', content: Buffer.from('{}'), mode: 0o600, uid: 0, gid: 0 });
    expect(existsSync(outside)).toBe(false);
    expect(lstatSync(path.join(root, outside, 'cis-bdd/runs/r1')).isDirectory()).toBe(true);
    expect(lstatSync(path.join(root, outside, 'cis-bdd/runs/r1')).mode & 0o777).toBe(0o700);
    expect(readFileSync(path.join(root, outside, 'cis-bdd/runs/r1/record.json'), 'utf8')).toBe('{}');
  });

  it('a relative link that climbs above the root stops at the root; a link leading nowhere in the tree is refused', async () => {
    const root = tree();
    symlinkSync('../../../../../../tmp', path.join(root, 'var/spool'));
    const t = new RootfsTarget(`rootfs:${root}`, root);
    // while the link leads nowhere inside the tree, nothing is created anywhere
    await expect(t.writeNode({ path: '/var/spool/cis-bdd-made-here', type: 'directory', mode: 0o755, uid: 0, gid: 0 })).rejects.toThrow(/does not lead to a directory inside the tree/);
    expect(existsSync('/tmp/cis-bdd-made-here')).toBe(false);
    mkdirSync(path.join(root, 'tmp'));
    await t.writeNode({ path: '/var/spool/cis-bdd-made-here', type: 'directory', mode: 0o755, uid: 0, gid: 0 });
    expect(existsSync('/tmp/cis-bdd-made-here')).toBe(false);
    expect(lstatSync(path.join(root, 'tmp/cis-bdd-made-here')).isDirectory()).toBe(true);
  });

  it('an existing directory gets its mode and owner; a file where a directory should be is refused', async () => {
    const root = tree();
    const t = new RootfsTarget(`rootfs:${root}`, root);
    await t.writeNode({ path: '/data', type: 'directory', mode: 0o750, uid: 0, gid: 0 });
    expect(lstatSync(path.join(root, 'data')).mode & 0o777).toBe(0o750);
    writeFileSync(path.join(root, 'var/file'), 'x');
    await expect(t.writeNode({ path: '/var/file', type: 'directory', mode: 0o755, uid: 0, gid: 0 })).rejects.toThrow(/exists and is not a directory/);
  });
});

/** The rootfs walk resolves symlinked start points inside the tree, never on the auditing machine. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RootfsTarget } from '../../src/targets/rootfs.js';
import type { WalkEntry } from '../../src/targets/target.js';

describe('rootfs walk', () => {
  it('follows an absolute symlink start point within the tree and reports the asked-for names', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-walk-'));
    mkdirSync(path.join(root, 'data/home/alice'), { recursive: true });
    writeFileSync(path.join(root, 'data/home/alice/.netrc'), 'x');
    symlinkSync('/data/home', path.join(root, 'home'));
    const t = new RootfsTarget(`rootfs:${root}`, root);
    const seen: WalkEntry[] = [];
    await t.walk({ roots: ['/home'] }, (e) => seen.push(e));
    expect(seen.map((e) => e.path).sort()).toEqual(['/home', '/home/alice', '/home/alice/.netrc']);
  });
});

/**
 * The filesystem scan's walk sends whole only the entries a finding can come from (walkSelection); every
 * other entry is one empty record, counted. On generated trees, walked by the real find both ways, the
 * scan's findings and its count of entries must be the same as when every entry is sent.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lchownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ScanCollector, classifyEntry, walkSelection } from '../../src/facts/filesystem.js';
import { batches } from '../../src/targets/host-find.js';
import { RootfsTarget } from '../../src/targets/rootfs.js';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { findArgs, walkScript, WalkStreamParser } from '../../src/targets/shell-protocol.js';
import type { WalkEntry, WalkOptions } from '../../src/targets/target.js';

const asRoot = process.getuid?.() === 0;
// as root the tree gets owners the scan knows and does not know; otherwise every entry is the user's own
const KNOWN_UIDS = asRoot ? new Set([0, 1, 2]) : new Set([process.getuid!()]);
const KNOWN_GIDS = asRoot ? new Set([0, 4, 42]) : new Set([process.getgid!()]);
const UIDS = asRoot ? [0, 1, 2, 4242, 65534] : [process.getuid!()];
const GIDS = asRoot ? [0, 4, 42, 4343, 65534] : [process.getgid!()];

const made: string[] = [];
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

type Kind = 'f' | 'd' | 'l' | 'p';
interface Node { dir: number; name: string; kind: Kind; mode: number; uid: number; gid: number }
interface Owned { mode: number; uid: number; gid: number }
interface Tree { dirs: Owned[]; nodes: Node[] }

const nameArb = fc.oneof(
  fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
  // names a line-based reader would split: spaces, newlines, tabs, backslashes
  fc.constantFrom('with space', 'new\nline', 'tab\there', 'back\\slash', '-dash', 'ünï'),
).filter((n) => n !== '.' && n !== '..');
const nodeArb: fc.Arbitrary<Node> = fc.record({
  dir: fc.nat(3),
  name: nameArb,
  kind: fc.constantFrom<Kind>('f', 'f', 'f', 'd', 'l', 'p'),
  mode: fc.nat(0o7777),
  uid: fc.constantFrom(...UIDS),
  gid: fc.constantFrom(...GIDS),
});
const treeArb: fc.Arbitrary<Tree> = fc.record({
  dirs: fc.array(fc.record({ mode: fc.nat(0o7777), uid: fc.constantFrom(...UIDS), gid: fc.constantFrom(...GIDS) }), { minLength: 4, maxLength: 4 }),
  nodes: fc.uniqueArray(nodeArb, { maxLength: 30, selector: (n) => `${n.dir}/${n.name}` }),
});

/** Build the tree; directories' modes last, so a directory without write permission still gets its entries. */
function build(tree: Tree): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-walksel-'));
  made.push(root);
  const dirs = tree.dirs.map((_, i) => path.join(root, `d${i}`));
  for (const d of dirs) mkdirSync(d);
  for (const n of tree.nodes) {
    const p = path.join(dirs[n.dir], n.name);
    if (n.kind === 'f') writeFileSync(p, 'x');
    else if (n.kind === 'd') mkdirSync(p);
    else if (n.kind === 'p') { const r = spawnSync('mkfifo', [p]); if (r.status !== 0) throw new Error(`mkfifo ${p} failed`); }
    if (n.kind === 'l') { symlinkSync('../elsewhere', p); if (asRoot) lchownSync(p, n.uid, n.gid); continue; }
    if (asRoot) chownSync(p, n.uid, n.gid);
    chmodSync(p, n.mode);
  }
  tree.dirs.forEach((d, i) => { if (asRoot) chownSync(dirs[i], d.uid, d.gid); chmodSync(dirs[i], d.mode | 0o700); });
  return root;
}

/**
 * Walk ROOT with the auditing machine's find through the rootfs target: with or without the selection, as
 * one find or as several at once (parallel), with prune paths.
 */
async function scan(root: string, select: boolean, parallel = false, prune: string[] = []) {
  const collector = new ScanCollector(KNOWN_UIDS, KNOWN_GIDS);
  const sent: WalkEntry[] = [];
  const options: WalkOptions = { roots: ['/'], parallel, prune, ...(select ? { keepOnly: walkSelection(KNOWN_UIDS, KNOWN_GIDS) } : {}) };
  const walked = await new RootfsTarget(`rootfs:${root}`, root).walk(options, (e) => { sent.push(e); collector.add(e); });
  return { walked, sent, found: collector.result() };
}

/** The same walk as a command target sends it: the shell script, run by sh, its output parsed. */
function scanByScript(root: string) {
  const collector = new ScanCollector(KNOWN_UIDS, KNOWN_GIDS);
  const parser = new WalkStreamParser((e) => collector.add(e), root);
  const r = spawnSync('sh', ['-c', walkScript({ roots: [root], keepOnly: walkSelection(KNOWN_UIDS, KNOWN_GIDS) })], { maxBuffer: 64 * 1024 * 1024 });
  parser.push(r.stdout);
  parser.end();
  return { walked: parser.walked, found: collector.result() };
}

/** Every entry as a line (path, type, mode, owner, group, link), sorted: walks in any order compare equal. */
function sortedPaths(entries: WalkEntry[]): string[] {
  return entries.map((e) => JSON.stringify([e.path, e.type, e.mode, e.uid, e.gid, e.linkTarget])).sort();
}

function hasFinding(e: WalkEntry): boolean {
  return Object.values(classifyEntry(e, KNOWN_UIDS, KNOWN_GIDS)).some(Boolean);
}

/** What WalkSelection says it sends, read from its documentation, for walkSelection's masks. */
function selected(e: WalkEntry): boolean {
  return (e.type === 'f' && (e.mode & 0o6002) !== 0) || (e.type === 'd' && (e.mode & 0o002) !== 0)
    || !KNOWN_UIDS.has(e.uid) || !KNOWN_GIDS.has(e.gid);
}

describe('the filesystem scan walk with a selection', () => {
  it('finds exactly what the walk of every entry finds, and counts the same entries, on generated trees', async () => {
    await fc.assert(fc.asyncProperty(treeArb, async (tree) => {
      const root = build(tree);
      const all = await scan(root, false);
      const withSelection = await scan(root, true);
      expect(withSelection.found).toEqual(all.found);
      expect(withSelection.walked).toBe(all.walked);
      expect(all.walked).toBe(all.sent.length);
      // the selection sends what it says, a finding's every entry among them, and nothing else
      expect(all.sent.filter(hasFinding).every(selected)).toBe(true);
      expect(withSelection.sent.map((e) => e.path).sort()).toEqual(all.sent.filter(selected).map((e) => e.path).sort());
      // several finds at once over the subdirectories: the same entries, the same count
      const parallel = await scan(root, true, true);
      expect(parallel.found).toEqual(all.found);
      expect(parallel.walked).toBe(all.walked);
      expect(sortedPaths(parallel.sent)).toEqual(sortedPaths(withSelection.sent));
      const allParallel = await scan(root, false, true, ['/d2']);
      const allPruned = await scan(root, false, false, ['/d2']);
      expect(sortedPaths(allParallel.sent)).toEqual(sortedPaths(allPruned.sent));
      expect(allParallel.walked).toBe(allPruned.walked);
      const byScript = scanByScript(root);
      expect(byScript.found).toEqual(all.found);
      expect(byScript.walked).toBe(all.walked);
      rmSync(root, { recursive: true, force: true });
    }), { numRuns: 40 });
  });

  it('a tree of ordinary files sends none of them whole', async () => {
    const root = build({ dirs: [0o755, 0o755, 0o755, 0o755].map((mode) => ({ mode, uid: UIDS[0], gid: GIDS[0] })), nodes: [] });
    for (let i = 0; i < 500; i++) writeFileSync(path.join(root, 'd1', `f${i}`), '');
    const r = await scan(root, true);
    expect(r.walked).toBe(1 + 4 + 500);
    expect(r.sent).toEqual([]);
  });
});

describe('the parallel walk', () => {
  it.runIf(asRoot)('lists a mount point inside the tree but does not walk into it, like one find -xdev', async () => {
    const root = build({ dirs: [0o755, 0o755, 0o755, 0o755].map((mode) => ({ mode, uid: 0, gid: 0 })), nodes: [] });
    const mounts = [path.join(root, 'd1', 'mnt'), path.join(root, 'm')];
    try {
      for (const m of mounts) {
        mkdirSync(m);
        const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0777', 'cis-bdd-walk-test', m]);
        expect(r.status, r.stderr?.toString()).toBe(0);
        writeFileSync(path.join(m, 'inside'), 'x');
        chmodSync(path.join(m, 'inside'), 0o666);
      }
      for (let i = 0; i < 20; i++) writeFileSync(path.join(root, 'd1', `f${i}`), '');
      const single = await scan(root, false);
      const parallel = await scan(root, false, true);
      expect(sortedPaths(parallel.sent)).toEqual(sortedPaths(single.sent));
      expect(parallel.sent.map((e) => e.path)).toEqual(expect.arrayContaining(['/m', '/d1/mnt']));
      expect(parallel.sent.some((e) => e.path.endsWith('/inside'))).toBe(false);
      // with the selection: the world-writable mount point directories are found, what is inside them is not
      const selected = await scan(root, true, true);
      expect(selected.found.worldWritableDirsWithoutSticky.entries.map((e) => e.path)).toEqual(['/d1/mnt', '/m']);
      expect(selected.walked).toBe(single.walked);
    } finally {
      for (const m of mounts) spawnSync('umount', [m]);
    }
  });

  it('walks a start point of more than 10,000 entries with the one find, and the same entries', async () => {
    const root = build({ dirs: [0o755, 0o755, 0o755, 0o755].map((mode) => ({ mode, uid: UIDS[0], gid: GIDS[0] })), nodes: [] });
    for (let i = 0; i < 10_001; i++) writeFileSync(path.join(root, `f${i}`), '');
    writeFileSync(path.join(root, 'd2', 'inner'), '');
    const single = await scan(root, false);
    const parallel = await scan(root, false, true);
    expect(parallel.walked).toBe(1 + 4 + 10_001 + 1);
    expect(sortedPaths(parallel.sent)).toEqual(sortedPaths(single.sent));
  });

  it('falls back to one find when a name is not UTF-8, and walks the same entries', async () => {
    const root = build({ dirs: [0o755, 0o755, 0o755, 0o755].map((mode) => ({ mode, uid: UIDS[0], gid: GIDS[0] })), nodes: [] });
    const odd = Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0x6e, 0xff, 0x6d])]);
    mkdirSync(odd);
    writeFileSync(Buffer.concat([odd, Buffer.from('/f')]), '');
    const single = await scan(root, false);
    const parallel = await scan(root, false, true);
    expect(parallel.walked).toBe(single.walked);
    expect(sortedPaths(parallel.sent)).toEqual(sortedPaths(single.sent));
    expect(single.walked).toBe(1 + 4 + 2);
  });
});

describe('the parallel walk, in batches of subdirectories', () => {
  it('cuts the subdirectories into batches of similar weight, each once, in order, a heavy one alone', () => {
    const subdirs = [{ path: '/usr', links: 40 }, { path: '/etc', links: 30 }, { path: '/lib', links: 12 },
      ...['/var', '/bin', '/boot', '/dev', '/home', '/mnt', '/opt', '/root', '/run', '/sbin', '/srv', '/tmp'].map((p) => ({ path: p, links: 3 }))];
    const got = batches(subdirs, 6);
    expect(got.flat()).toEqual(subdirs.map((s) => s.path));
    expect(got[0]).toEqual(['/usr']);
    expect(got[1]).toEqual(['/etc']);
    expect(got.length).toBeLessThanOrEqual(7);
    expect(got.length).toBeLessThan(subdirs.length);
    fc.assert(fc.property(fc.array(fc.nat({ max: 500 }), { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (links, count) => {
      const dirs = links.map((l, i) => ({ path: `/d${i}`, links: l + 2 })).sort((a, b) => b.links - a.links);
      const out = batches(dirs, count);
      expect(out.flat()).toEqual(dirs.map((d) => d.path));
      expect(out.every((b) => b.length > 0)).toBe(true);
      // a batch goes over its share only with its first directory
      const share = dirs.reduce((n, d) => n + d.links, 0) / count;
      const weight = new Map(dirs.map((d) => [d.path, d.links]));
      for (const b of out) if (b.length > 1) expect(b.reduce((n, p) => n + weight.get(p)!, 0)).toBeLessThanOrEqual(share);
    }), { seed: 20261208, numRuns: 2_000 });
    // thousands of light subdirectories (a /home of many accounts): no find gets more than the byte cap
    const many = Array.from({ length: 5_000 }, (_, i) => ({ path: `/home/${'u'.repeat(200)}${i}`, links: 2 }));
    const capped = batches(many, 6, 64 * 1024);
    expect(capped.flat()).toEqual(many.map((d) => d.path));
    for (const b of capped) expect(b.reduce((n, p) => n + Buffer.byteLength(p) + 1, 0)).toBeLessThanOrEqual(64 * 1024);
    expect(capped.length).toBeGreaterThan(6);
  });

  it('walks 3,000 subdirectories of long names (hundreds of start points to a find) to the same entries as one find', async () => {
    const root = build({ dirs: [], nodes: [] });
    for (let i = 0; i < 3_000; i++) writeFileSync(path.join(root, `${'d'.repeat(120)}${i}`), '');
    for (let i = 0; i < 3_000; i++) mkdirSync(path.join(root, `${'s'.repeat(120)}${i}`));
    writeFileSync(path.join(root, `${'s'.repeat(120)}7`, 'inner'), '');
    const single = await scan(root, false);
    const parallel = await scan(root, false, true);
    expect(parallel.walked).toBe(single.walked);
    expect(sortedPaths(parallel.sent)).toEqual(sortedPaths(single.sent));
  });

  it('walks the Ubuntu 18.04 fixture (twenty top-level directories) to the same entries as one find, with and without prune paths', async () => {
    const root = ensureUbuntuBase();
    for (const prune of [[], ['/usr/share', '/var']]) {
      const single = await scan(root, false, false, prune);
      const parallel = await scan(root, false, true, prune);
      expect(parallel.walked).toBe(single.walked);
      expect(single.walked).toBeGreaterThan(1_000);
      expect(sortedPaths(parallel.sent)).toEqual(sortedPaths(single.sent));
    }
  });
});

describe('findArgs with a selection', () => {
  it('puts the selection before the full record and an empty record for every other entry', () => {
    const args = findArgs({ roots: ['/'], prune: ['/proc'], keepOnly: { fileModeAny: 0o6002, dirModeAny: 0o002, uidsIn: [0, 1], gidsIn: [0] } });
    expect(args).toEqual(['/', '-xdev', '(', '-path', '/proc', ')', '-prune', '-o',
      '(', '(', '-type', 'f', '-perm', '/6002', ')', '-o', '(', '-type', 'd', '-perm', '/2', ')', '-o',
      '!', '(', '-uid', '0', '-o', '-uid', '1', ')', '-o', '!', '(', '-gid', '0', ')', ')',
      '-printf', '%y %m %U %G %s %p\\0%l\\0', '-o', '-printf', '\\0\\0']);
  });

  it('sends every entry when the ids cannot be put on a command line', () => {
    const plain = findArgs({ roots: ['/'] });
    const many = Array.from({ length: 1001 }, (_, i) => i);
    expect(findArgs({ roots: ['/'], keepOnly: { fileModeAny: 0o6002, dirModeAny: 2, uidsIn: many, gidsIn: [0] } })).toEqual(plain);
    expect(findArgs({ roots: ['/'], keepOnly: { fileModeAny: 0o6002, dirModeAny: 2, uidsIn: [], gidsIn: [0] } })).toEqual(plain);
    expect(findArgs({ roots: ['/'], keepOnly: { fileModeAny: 0o6002, dirModeAny: 2, uidsIn: [-1], gidsIn: [0] } })).toEqual(plain);
  });
});

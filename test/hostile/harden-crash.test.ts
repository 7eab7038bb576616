/**
 * Crash safety of hardening: `cis-bdd harden` killed with SIGKILL at chosen points (through the test hook
 * CIS_BDD_FAULT, src/remediation/fault-injection.ts) and at random moments, then `cis-bdd rollback --run
 * latest`: the tree must be exactly as before (paths, types, modes, owners, link targets, contents).
 * Every cis-bdd process runs under a timeout and a memory limit (a cgroup), so a regression fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { ensureAcl2Base, ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';
import { listingScript, snapshotScript } from '../support/snapshot.js';
import { IMAGES, startContainer } from '../support/containers.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const ACL2 = 'cis-aliyun-linux-2-v1.0.0';
/**
 * Sections whose remediations change files only (package removals cannot be undone) and, together, every
 * kind of node: files edited and created, modes and owners of files and directories, a symlink removed,
 * a directory created (Ubuntu: /etc/systemd/journald.conf.d), 25-30 nodes in all.
 */
const FILE_SECTIONS = '1.5,1.6,1.7,4.2,5.1,5.3,5.4';
const RUNS = '/var/lib/cis-bdd/runs';
const TIMEOUT_MS = 120_000;
const MEMORY_LIMIT = 1536 << 20;

let cgroup: string | undefined;
beforeAll(() => {
  const dir = `/sys/fs/cgroup/memory/cis-bdd-harden-crash-${randomBytes(3).toString('hex')}`;
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(MEMORY_LIMIT));
  cgroup = dir;
});
afterAll(() => { if (cgroup && existsSync(cgroup)) rmdirSync(cgroup); });

interface Run { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** The cis-bdd command line inside the memory cgroup. */
function argv(args: string[]): string[] {
  return ['-c', `echo $$ > ${cgroup}/cgroup.procs && exec "$@"`, 'sh', process.execPath, path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args];
}

function cli(args: string[], fault?: string): Run {
  const env = { ...process.env };
  delete env.CIS_BDD_FAULT;
  if (fault) env.CIS_BDD_FAULT = fault;
  const r = spawnSync('sh', argv(args), { env, encoding: 'utf8', timeout: TIMEOUT_MS, killSignal: 'SIGKILL', cwd: repoRoot });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** harden started and killed after `ms` (unless it ends first). */
function cliKilledAfter(args: string[], ms: number): Promise<Run> {
  const env = { ...process.env };
  delete env.CIS_BDD_FAULT;
  return new Promise((resolve) => {
    const child = spawn('sh', argv(args), { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const guard = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (status, signal) => { clearTimeout(timer); clearTimeout(guard); resolve({ status, signal, stdout, stderr }); });
  });
}

const hardenArgs = (uri: string, benchmark: string, only = FILE_SECTIONS) =>
  ['harden', '--target', uri, '--benchmark', benchmark, '--only', only, '--out', mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-crash-'))];
const rollbackLatest = (uri: string) => cli(['rollback', '--target', uri, '--run', 'latest']);

/**
 * The exact state of an overlay's merged tree, cheaply: the listing of every node (path, type, mode, owner,
 * link target) and the regular files whose content differs from the lower tree. Only files in the upper
 * directory can differ (overlayfs copies a file up before any change), so those are compared byte for byte
 * with the base; every other file is the base's by construction. The upper directory is withOverlay's.
 */
function treeState(root: string, base: string): string {
  const listing = execFileSync('sh', ['-c', listingScript(root)], { maxBuffer: 256 << 20 }).toString();
  const upper = path.join(path.dirname(root), 'upper');
  const copied = execFileSync('sh', ['-c', `cd '${upper}' && find . -path ./var/lib/cis-bdd -prune -o -type f -print0`], { maxBuffer: 64 << 20 })
    .toString().split('\0').filter(Boolean).sort();
  const differing = copied.filter((f) => {
    const lower = path.join(base, f);
    return !existsSync(lower) || !readFileSync(path.join(root, f)).equals(readFileSync(lower));
  });
  return `${listing}${differing.map((f) => `content differs from the base: ${f}\n`).join('')}`;
}

/**
 * The fixture bases are shared by every session on the machine and an overlay shows changes made to its
 * lower tree: a base that changed during a case is named as the cause, not taken for a rollback fault.
 */
function checkBaseUnchanged(base: string, listing: string): void {
  const now = execFileSync('sh', ['-c', listingScript(base)], { maxBuffer: 256 << 20 }).toString();
  if (now !== listing) throw new Error(`the shared fixture base ${base} was changed by another process during this case:\n${treeDiff(listing, now)}`);
}

/** The first lines that differ between two states, for a readable failure. */
function treeDiff(before: string, after: string): string {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  const gone = [...a].filter((l) => !b.has(l)).slice(0, 10).map((l) => `- ${l}`);
  const added = [...b].filter((l) => !a.has(l)).slice(0, 10).map((l) => `+ ${l}`);
  return [...gone, ...added].join('\n');
}

const runDirs = (root: string) => (existsSync(path.join(root, RUNS)) ? readdirSync(path.join(root, RUNS)).sort() : []);

interface CrashCase { fault: string; /** the tree was changed before the kill */ changed: boolean; what: string }

const UBUNTU_CASES: CrashCase[] = [
  { fault: 'run-reserved:1', changed: false, what: 'run directory made, no record yet' },
  { fault: 'torn-record:1', changed: false, what: 'first record half-written under its temporary name' },
  { fault: 'recorded:1', changed: false, what: 'after the backup is recorded, before any change' },
  { fault: 'dir-created:1', changed: true, what: 'after creating a directory for a new drop-in' },
  { fault: 'applied:1', changed: true, what: 'after the first node is written' },
  { fault: 'torn-write:9', changed: true, what: 'mid-apply, a node half-written under its temporary name' },
  { fault: 'applied:20', changed: true, what: 'mid-apply, 20 nodes written' },
  { fault: 'torn-record:2', changed: true, what: 'all nodes written, the next record half-written' },
  { fault: 'before-complete:1', changed: true, what: 'everything done but the final record' },
];

async function crashThenRollback(base: string, benchmark: string, c: CrashCase): Promise<void> {
  const baseListing = execFileSync('sh', ['-c', listingScript(base)], { maxBuffer: 256 << 20 }).toString();
  await withOverlay(base, () => undefined, async (root) => {
    const uri = `rootfs:${root}`;
    const before = treeState(root, base);
    const h = cli(hardenArgs(uri, benchmark), c.fault);
    expect(h.signal, `harden was not killed at ${c.fault}: exit ${h.status}\n${h.stderr}`).toBe('SIGKILL');
    const killed = treeState(root, base);
    if ((killed !== before) !== c.changed) checkBaseUnchanged(base, baseListing);
    expect(killed !== before, `${c.fault}: the tree changed before the kill\n${treeDiff(before, killed)}`).toBe(c.changed);
    const rb = rollbackLatest(uri);
    expect(rb.status, rb.stdout + rb.stderr).toBe(0);
    expect(rb.stdout).toMatch(c.changed ? /had not completed \(it was stopped\); restoring everything it recorded/ : /had not completed \(it was stopped\)/);
    const after = treeState(root, base);
    if (after !== before) checkBaseUnchanged(base, baseListing);
    expect(after === before, `${c.fault} (${c.what}): rollback did not restore the tree exactly\n${treeDiff(before, after)}`).toBe(true);
  });
}

describe('harden killed at a chosen point, then rollback --run latest (Ubuntu 18.04 rootfs)', () => {
  for (const c of UBUNTU_CASES) {
    it(`${c.fault}: ${c.what}`, async () => { await crashThenRollback(ensureUbuntuBase(), UBUNTU, c); }, 3 * TIMEOUT_MS);
  }

  it('a rollback killed part-way and run again still restores the tree exactly', async () => {
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const uri = `rootfs:${root}`;
      const base = ensureUbuntuBase();
      const before = treeState(root, base);
      const h = cli(hardenArgs(uri, UBUNTU));
      expect([0, 1], h.stderr).toContain(h.status);
      expect(cli(['rollback', '--target', uri, '--run', 'latest'], 'restored:5').signal).toBe('SIGKILL');
      const rb = rollbackLatest(uri);
      expect(rb.status, rb.stdout + rb.stderr).toBe(0);
      expect(rb.stdout).toMatch(/removed directory \/etc\/systemd\/journald\.conf\.d \(created by the run\)/);
      const after = treeState(root, base);
      expect(after === before, treeDiff(before, after)).toBe(true);
    });
  }, 3 * TIMEOUT_MS);

  it('a second harden after a crash takes a new run id, keeps the first run\'s record, and two rollbacks restore the tree', async () => {
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const uri = `rootfs:${root}`;
      const base = ensureUbuntuBase();
      const before = treeState(root, base);
      expect(cli(hardenArgs(uri, UBUNTU), 'applied:7').signal).toBe('SIGKILL');
      const [first] = runDirs(root);
      const firstRecord = readFileSync(path.join(root, RUNS, first, 'manifest.json'));
      const second = cli(hardenArgs(uri, UBUNTU));
      expect([0, 1], second.stderr).toContain(second.status);
      expect(second.stdout).toContain(`Run ${first} on this target was stopped before it completed`);
      const dirs = runDirs(root);
      expect(dirs).toHaveLength(2);
      expect(readFileSync(path.join(root, RUNS, first, 'manifest.json')).equals(firstRecord), 'the second run changed the first run\'s record').toBe(true);
      const secondId = dirs.find((d) => d !== first)!;
      const rb1 = rollbackLatest(uri);
      expect(rb1.stdout).toContain(`rolled back run ${secondId}`);
      const rb2 = rollbackLatest(uri);
      expect(rb2.stdout).toContain(`rolled back run ${first}`);
      const after = treeState(root, base);
      expect(after === before, treeDiff(before, after)).toBe(true);
      const none = rollbackLatest(uri);
      expect(none.status).toBe(2);
      expect(none.stderr).toMatch(/no hardening run to roll back/);
    });
  }, 4 * TIMEOUT_MS);

  it('harden killed at random moments (fixed seed): rollback always restores the tree exactly', async () => {
    const delays = fc.sample(fc.integer({ min: 300, max: 9000 }), { seed: 20261207, numRuns: Number(process.env.CIS_BDD_CRASH_RUNS ?? 6) });
    let killed = 0;
    let changedBeforeKill = 0;
    for (const ms of delays) {
      await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
        const uri = `rootfs:${root}`;
        const base = ensureUbuntuBase();
        const before = treeState(root, base);
        const h = await cliKilledAfter(hardenArgs(uri, UBUNTU), ms);
        if (h.signal === 'SIGKILL') killed++;
        if (treeState(root, base) !== before) changedBeforeKill++;
        if (runDirs(root).length) {
          const rb = rollbackLatest(uri);
          expect(rb.status, `killed after ${ms} ms: ${rb.stdout}${rb.stderr}`).toBe(0);
        }
        const after = treeState(root, base);
        expect(after === before, `killed after ${ms} ms: ${treeDiff(before, after)}`).toBe(true);
      });
    }
    console.log(`harden killed at random moments: ${delays.length} runs (${delays.join(', ')} ms), ${killed} killed, ${changedBeforeKill} had changed the tree; all restored exactly`);
  }, 12 * TIMEOUT_MS);
});

describe('harden killed at a chosen point, then rollback (ACL2 rootfs)', () => {
  for (const c of [UBUNTU_CASES[2], UBUNTU_CASES[4], UBUNTU_CASES[5], UBUNTU_CASES[8]]) {
    it(`${c.fault}: ${c.what}`, async () => { await crashThenRollback(ensureAcl2Base('stock'), ACL2, c); }, 3 * TIMEOUT_MS);
  }
});

describe('harden killed in a running container (docker://)', () => {
  it('applied:4 then rollback --run latest: the container\'s tree is exactly as before, the directory the run made removed', async () => {
    const c = startContainer(IMAGES.ubuntuStock);
    try {
      const script = snapshotScript('/', ['var/lib/cis-bdd', 'proc', 'sys', 'dev']);
      const snap = () => execFileSync('docker', ['exec', '-u', '0', c.name, '/bin/sh', '-c', script], { maxBuffer: 256 << 20 }).toString();
      const before = snap();
      const h = cli(hardenArgs(c.uri, UBUNTU, '4.2,5.3,6.1'), 'applied:4');
      expect(h.signal, h.stderr).toBe('SIGKILL');
      expect(snap() !== before).toBe(true);
      const rb = rollbackLatest(c.uri);
      expect(rb.status, rb.stdout + rb.stderr).toBe(0);
      // 4.2's journald drop-in needs a directory the image does not have: the run made it, rollback removes it
      expect(rb.stdout).toMatch(/removed directory \/etc\/systemd\/journald\.conf\.d \(created by the run\)/);
      const after = snap();
      expect(after === before, treeDiff(before, after)).toBe(true);
    } finally {
      c.remove();
    }
  }, 3 * TIMEOUT_MS);
});

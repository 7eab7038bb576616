/**
 * The run record and rollback in small: which run "--run latest" means, run ids never reused, records
 * that are missing, torn or damaged, and a created directory that someone filled since the run.
 * On small trees of their own (rootfs: of a temporary directory), through the compiled engine.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/fixtures.js';
import { snapshot } from '../support/snapshot.js';

const dist = async <T>(p: string) => (await import(path.join(repoRoot, 'dist/src', p))) as T;
const record = () => dist<typeof import('../../src/remediation/run-record.js')>('remediation/run-record.js');
const engine = () => dist<typeof import('../../src/remediation/harden.js')>('remediation/harden.js');
const rollback = () => dist<typeof import('../../src/remediation/rollback.js')>('remediation/rollback.js');
const api = () => dist<typeof import('../../src/api.js')>('api.js');
const RUNS = 'var/lib/cis-bdd/runs';

/** A tiny Linux tree: os-release, an sshd_config, an empty /etc/systemd, /var/lib (where run records go). */
function tree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-record-'));
  mkdirSync(path.join(root, 'var/lib'), { recursive: true });
  mkdirSync(path.join(root, 'etc/ssh'), { recursive: true });
  mkdirSync(path.join(root, 'etc/systemd'), { recursive: true });
  writeFileSync(path.join(root, 'etc/os-release'), 'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="18.04"\n');
  writeFileSync(path.join(root, 'etc/ssh/sshd_config'), 'PermitRootLogin yes\n', { mode: 0o644 });
  return root;
}

function writeRun(root: string, runId: string, body: Record<string, unknown> | string) {
  mkdirSync(path.join(root, RUNS, runId), { recursive: true });
  writeFileSync(path.join(root, RUNS, runId, 'manifest.json'), typeof body === 'string' ? body : JSON.stringify({
    runId, target: 'x', nodes: [], commands: [], packagesRemoved: [], ...body,
  }));
}

async function withTarget<T>(root: string, fn: (t: Awaited<ReturnType<Awaited<ReturnType<typeof api>>['connectTarget']>>) => Promise<T>): Promise<T> {
  const t = await (await api()).connectTarget({ target: `rootfs:${root}`, out: '' });
  try { return await fn(t); } finally { await t.close(); }
}

/** Two items' worth of changes: a new drop-in in two directories that do not exist, and an edit. */
const changes = [
  { id: 't.1', title: 'a drop-in', remediation: { summary: 'new drop-in', changes: [{ kind: 'edit-file' as const, path: '/etc/systemd/journald.conf.d/deep/60-test.conf', edits: [{ op: 'ensure-line' as const, line: 'Storage=persistent' }], create: { mode: 0o644, uid: 0, gid: 0 } }] } },
  { id: 't.2', title: 'an edit', remediation: { summary: 'edit', changes: [{ kind: 'edit-file' as const, path: '/etc/ssh/sshd_config', edits: [{ op: 'sshd-set' as const, key: 'PermitRootLogin', value: 'no' }] }, { kind: 'set-mode' as const, path: '/etc/ssh/sshd_config', mode: 0o600 }] } },
];

async function applyTestChanges(root: string, runId: string) {
  const { planChanges, applyRemediations } = await engine();
  return withTarget(root, async (t) => {
    const planning = await planChanges(t, changes, 'dpkg');
    return applyRemediations(t, changes, { out: '', runId, manager: 'dpkg', original: planning.original, final: planning.final, plan: planning.plan });
  });
}

describe('--run latest', () => {
  it('is the newest run by the time in its record, not by name; rolled-back runs are passed over; runs without a readable record count by the time in their id', async () => {
    const { latestRun, listRuns } = await record();
    const root = tree();
    writeRun(root, 'zzzz-oldest-by-time', { createdAt: '2026-01-01T00:00:00.000Z', state: 'complete' });
    writeRun(root, 'aaaa-newest-by-time', { createdAt: '2026-06-01T00:00:00.000Z', state: 'applying' });
    writeRun(root, 'mmmm-rolled-back', { createdAt: '2026-12-01T00:00:00.000Z', rolledBackAt: '2026-12-02T00:00:00.000Z' });
    mkdirSync(path.join(root, RUNS, 'zzzz-no-record'));
    writeRun(root, 'zzzz-damaged', '{"runId": "zzzz-dam');
    const runs = await withTarget(root, (t) => listRuns(t));
    expect(runs.map((r) => `${r.runId} ${r.state}${r.recorded ? '' : ' (no record)'}${r.damaged ? ' (damaged)' : ''}`).sort()).toEqual([
      'aaaa-newest-by-time applying', 'mmmm-rolled-back rolled-back', 'zzzz-damaged applying (damaged)', 'zzzz-no-record applying (no record)', 'zzzz-oldest-by-time complete',
    ]);
    expect(latestRun(runs)?.runId).toBe('aaaa-newest-by-time');
    expect(latestRun(runs.filter((r) => r.runId !== 'aaaa-newest-by-time'))?.runId).toBe('zzzz-oldest-by-time');
    expect(latestRun([])).toBeUndefined();
  });

  it('rollback of a run without a record says it changed nothing and marks it; a damaged record is a clear error', async () => {
    const { rollbackRun } = await rollback();
    const root = tree();
    mkdirSync(path.join(root, RUNS, '20260101T000000-aaaaaaaaaaaa'), { recursive: true });
    // what a kill while writing the first record leaves: half of it under the temporary name
    writeFileSync(path.join(root, RUNS, '20260101T000000-aaaaaaaaaaaa', 'manifest.json.cis-bdd-tmp'), '{"runId": "2026');
    writeRun(root, '20260101T000000-bbbbbbbbbbbb', 'not json');
    await withTarget(root, async (t) => {
      const r = await rollbackRun(t, '20260101T000000-aaaaaaaaaaaa');
      expect(r).toMatchObject({ interrupted: true, restored: [], removedDirectories: [], startedAt: '2026-01-01T00:00:00.000Z' });
      // marked, so that the next "--run latest" goes on to the run before it
      await expect(rollbackRun(t, '20260101T000000-aaaaaaaaaaaa')).rejects.toThrow(/already rolled back/);
      await expect(rollbackRun(t, '20260101T000000-bbbbbbbbbbbb')).rejects.toThrow(/manifest\.json is not a run record/);
      await expect(rollbackRun(t, '20260101T000000-cccccccccccc')).rejects.toThrow(/no hardening run 20260101T000000-cccccccccccc/);
      await expect(rollbackRun(t, '../../etc')).rejects.toThrow(/not a run id/);
    });
  });
});

describe('run ids and directories', () => {
  it('a run never takes a directory another run used: a taken id is replaced by a fresh one', async () => {
    const { reserveRun } = await record();
    const root = tree();
    writeRun(root, '20260101T000000-taken', { createdAt: '2026-01-01T00:00:00.000Z' });
    const before = readFileSync(path.join(root, RUNS, '20260101T000000-taken', 'manifest.json'));
    const id = await withTarget(root, (t) => reserveRun(t, '20260101T000000-taken'));
    expect(id).not.toBe('20260101T000000-taken');
    expect(id).toMatch(/^\d{8}T\d{6}-[0-9a-f]{12}$/);
    expect(readFileSync(path.join(root, RUNS, '20260101T000000-taken', 'manifest.json')).equals(before)).toBe(true);
    expect(readdirSync(path.join(root, RUNS)).sort()).toEqual(['20260101T000000-taken', id].sort());
  });

  it('directories a run creates are recorded before they are made and removed by rollback; the tree is exactly as before', async () => {
    const root = tree();
    const before = snapshot(root);
    const applied = await applyTestChanges(root, '20260101T000000-dirs');
    const rec = JSON.parse(readFileSync(path.join(root, RUNS, '20260101T000000-dirs', 'manifest.json'), 'utf8'));
    expect(rec.createdDirectories).toEqual(['/etc/systemd/journald.conf.d', '/etc/systemd/journald.conf.d/deep']);
    expect(rec.tempNames).toEqual(['/etc/systemd/journald.conf.d/deep/60-test.conf.cis-bdd-tmp', '/etc/ssh/sshd_config.cis-bdd-tmp']);
    expect(applied.backedUp).toEqual([{ path: '/etc/systemd/journald.conf.d/deep/60-test.conf', type: 'missing' }, { path: '/etc/ssh/sshd_config', type: 'file' }]);
    expect(readFileSync(path.join(root, 'etc/systemd/journald.conf.d/deep/60-test.conf'), 'utf8')).toBe('Storage=persistent\n');
    const r = await withTarget(root, async (t) => (await rollback()).rollbackRun(t, 'latest'));
    expect(r.removedDirectories).toEqual(['/etc/systemd/journald.conf.d/deep', '/etc/systemd/journald.conf.d']);
    expect(r.cannotUndo).toEqual([]);
    expect(snapshot(root) === before, 'rollback did not restore the tree exactly').toBe(true);
  });

  it('a created directory that now holds a file the run did not write stays, and rollback says so', async () => {
    const root = tree();
    await applyTestChanges(root, '20260101T000000-full');
    writeFileSync(path.join(root, 'etc/systemd/journald.conf.d/deep/added-later.conf'), 'x\n');
    const r = await withTarget(root, async (t) => (await rollback()).rollbackRun(t, '20260101T000000-full'));
    expect(r.cannotUndo).toEqual(['directory /etc/systemd/journald.conf.d/deep was created by the run but now holds files it did not create: left in place, with the directories above it']);
    expect(r.removedDirectories).toEqual([]);
    expect(existsSync(path.join(root, 'etc/systemd/journald.conf.d/deep/added-later.conf'))).toBe(true);
    expect(existsSync(path.join(root, 'etc/systemd/journald.conf.d/deep/60-test.conf'))).toBe(false);
    expect(readFileSync(path.join(root, 'etc/ssh/sshd_config'), 'utf8')).toBe('PermitRootLogin yes\n');
  });

  it('a dry run plans the new directories and creates nothing', async () => {
    const { planChanges } = await engine();
    const root = tree();
    const before = snapshot(root, []);
    const planning = await withTarget(root, (t) => planChanges(t, changes, 'dpkg'));
    expect(planning.plan[0].directories).toEqual(['/etc/systemd/journald.conf.d', '/etc/systemd/journald.conf.d/deep']);
    expect(planning.plan[1].directories).toBeUndefined();
    expect(snapshot(root, [])).toBe(before);
  });
});

describe('the fault hook', () => {
  it('is inert without CIS_BDD_FAULT', async () => {
    const { crashPoint } = await dist<typeof import('../../src/remediation/fault-injection.js')>('remediation/fault-injection.js');
    expect(process.env.CIS_BDD_FAULT).toBeUndefined();
    for (let i = 0; i < 3; i++) await crashPoint('applied');
    expect(true).toBe(true);
  });
});

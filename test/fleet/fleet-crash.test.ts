/**
 * A fleet in one process: an error no code catches in one target's audit (thrown in a timer, or a promise
 * rejected with no handler) ends that target's audit as crashed, and the other targets' audits go on and
 * are reported, as with a process per target. Without the containment Node ends the whole process and
 * fleet.json is never written. The errors are raised by a preload that wraps the rootfs target's reads of
 * two of the trees (the same fixture reached through symbolic links), inside those audits' async contexts.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';

describe('a fleet in one process, one target crashing', () => {
  it('reports the crashed targets as crashed and the others as audited', () => {
    const base = ensureUbuntuBase();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-fleet-crash-'));
    const thrown = path.join(dir, 'thrown');
    const rejected = path.join(dir, 'rejected');
    symlinkSync(base, thrown);
    symlinkSync(base, rejected);
    const preload = path.join(dir, 'preload.mjs');
    writeFileSync(preload, [
      `import { RootfsTarget } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'dist/src/targets/rootfs.js')).href)};`,
      'const readFiles = RootfsTarget.prototype.readFiles;',
      'const done = new Set();',
      'RootfsTarget.prototype.readFiles = function (paths) {',
      `  if (this.root === ${JSON.stringify(thrown)} && !done.has(this.root)) { done.add(this.root); setTimeout(() => { throw new Error('boom in a timer'); }, 0); }`,
      `  if (this.root === ${JSON.stringify(rejected)} && !done.has(this.root)) { done.add(this.root); Promise.reject(new Error('boom rejected')); }`,
      '  return readFiles.call(this, paths);',
      '};',
    ].join('\n'));
    const list = path.join(dir, 'targets.txt');
    writeFileSync(list, [`rootfs:${thrown}`, `rootfs:${base}`, `rootfs:${rejected}`, ''].join('\n'));
    const out = path.join(dir, 'out');
    const r = spawnSync(process.execPath, ['--import', preload, path.join(repoRoot, 'bin/cis-bdd.mjs'), 'audit', '--targets', list,
      '--benchmark', 'cis-ubuntu-18.04-v2.1.0', '--concurrency', '3', '--out', out, '--no-html'], { encoding: 'utf8', timeout: 240_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(existsSync(path.join(out, 'fleet.json')), r.stderr).toBe(true);
    const fleet = JSON.parse(readFileSync(path.join(out, 'fleet.json'), 'utf8')) as {
      targets: Array<{ target: string; status: string; message?: string; report?: string }>; counts: { crashed: number };
    };
    const of = (uri: string) => fleet.targets.find((t) => t.target === uri)!;
    expect(of(`rootfs:${thrown}`).status).toBe('crashed');
    expect(of(`rootfs:${thrown}`).message).toMatch(/boom in a timer/);
    expect(of(`rootfs:${rejected}`).status).toBe('crashed');
    expect(of(`rootfs:${rejected}`).message).toMatch(/boom rejected/);
    expect(fleet.counts.crashed).toBe(2);
    // the target nothing happened to was audited in full
    const good = of(`rootfs:${base}`);
    expect(good.status).toBe('failing');
    const report = JSON.parse(readFileSync(path.resolve(out, good.report!), 'utf8')) as { items: Array<{ status: string }> };
    expect(report.items.filter((i) => i.status !== 'not-selected' && i.status !== 'error').length).toBeGreaterThan(200);
    // a failing target and crashed ones: the fleet's exit code is the failing one's
    expect(r.status).toBe(1);
  }, 300_000);
});

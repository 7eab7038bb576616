/**
 * Ctrl-C during a fleet, audited in one process or with --isolate: what was measured is kept. The audit that is running
 * stops and writes its report marked interrupted, the targets not started are "not-audited" in
 * fleet.json (valid against the schema), the fleet's files are written, and the exit code is 130.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureAcl2Base, ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import { IMAGES } from '../support/containers.js';
import { fleetSchema } from '../support/fleet-schema.js';

describe('a fleet interrupted', () => {
  // in one process, and with --isolate (the signal goes to the fleet's process alone: it passes it on)
  for (const isolate of [false, true]) {
    it(`keeps what was measured${isolate ? ' (--isolate)' : ''}: the running audit's report marked interrupted, the others not audited, exit 130`, async () => {
      const out = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-fleet-interrupt-'));
      const list = path.join(out, 'targets.txt');
      // the first target (an image: a container per round trip) takes some seconds; the signal comes during it
      writeFileSync(list, [`docker-image://${IMAGES.ubuntuStock}`, `rootfs:${ensureUbuntuBase()}`, `rootfs:${ensureAcl2Base('stock')}`, ''].join('\n'));
      const child = spawn(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), 'audit', '--targets', list, '--benchmark', 'closest',
        '--concurrency', '1', '--out', out, '--no-html', '--trace', ...(isolate ? ['--isolate'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      const deadline = Date.now() + 60_000;
      if (isolate) {
        // the per-target process's trace does not reach this terminal: wait until it has made its report directory
        const first = path.join(out, 'docker-image-cis-bdd_ubuntu-18.04-stock_latest');
        while (!existsSync(first) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 1000));
      } else {
        // once the first audit's session is open (the stat of the paths the features name is its last round
        // trip before the items run), interrupt
        while (!/\[docker-image\] \d+ ms exit=\d+ stat -L/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code, stderr).toBe(130);
      const fleet = JSON.parse(readFileSync(path.join(out, 'fleet.json'), 'utf8'));
      const validate = fleetSchema();
      expect(validate(fleet), JSON.stringify(validate.errors, null, 1)).toBe(true);
      expect(fleet.targets.map((t: { status: string }) => t.status).slice(1)).toEqual(['not-audited', 'not-audited']);
      // the first too when its own process was interrupted before its audit started (--isolate)
      expect(fleet.counts.notAudited).toBe(fleet.targets.filter((t: { status: string }) => t.status === 'not-audited').length);
      expect(fleet.counts.notAudited).toBeGreaterThanOrEqual(2);
      expect(fleet.targets[1].message).toMatch(/not audited: the fleet was interrupted \(SIGINT\) before this target started/);
      if (!isolate) {
        const report = JSON.parse(readFileSync(fleet.targets[0].report, 'utf8'));
        expect(report.run.interrupted?.signal).toBe('SIGINT');
        expect(report.items.some((i: { status: string; reason?: string }) => i.status === 'error' && /interrupted/.test(i.reason ?? ''))).toBe(true);
      } else {
        // its own process got the signal passed on: it stopped (before its session opened, or during the
        // audit with its report marked interrupted), or had just finished; it never runs on unasked
        const first = fleet.targets[0];
        const report = first.report ? JSON.parse(readFileSync(first.report, 'utf8')) : undefined;
        if (report === undefined) expect(first, JSON.stringify(first)).toMatchObject({ status: 'not-audited', exitCode: 130 });
        else expect(report.run.interrupted?.signal ?? 'complete', JSON.stringify(first)).toMatch(/^(SIGINT|complete)$/);
      }
    }, 120_000);
  }
});

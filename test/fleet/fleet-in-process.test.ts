/**
 * A fleet audited in one process (the default: the step library loads once, each target's audit has its
 * own session) writes for every target what an audit of it in a process of its own writes (--isolate,
 * which is `cis-bdd audit` of that target alone): the same compliance.json item for item, the same
 * summary, the same Allure results; and fleet.json says the same of each target.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureAcl2Base, ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import { IMAGES } from '../support/containers.js';

const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8' });

/**
 * A report without what differs from one run to the next: times, durations, the output directory, and the
 * bytes read (a running container's process list changes between two audits of it).
 */
function comparable(file: string, dir: string): unknown {
  const text = readFileSync(file, 'utf8').split(dir).join('OUT');
  return JSON.parse(text, (k, v) => (['startedAt', 'finishedAt', 'durationMs', 'generatedAt', 'bytesRead'].includes(k) ? 0
    : typeof v === 'string' ? v.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/g, 'TIME') : v));
}

describe('a fleet in one process', () => {
  it('writes for each target what an audit of it alone writes', () => {
    // targets whose content does not change between two audits (a running container's process list does:
    // the audit's own commands are in it)
    const root = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-fleet-in-process-'));
    const list = path.join(root, 'targets.txt');
    writeFileSync(list, [`rootfs:${ensureUbuntuBase()}`, `rootfs:${ensureAcl2Base('stock')}`, `rootfs:${ensureAcl2Base('hardened')}`, `docker-image://${IMAGES.ubuntuHardened}`, 'docker://cis-bdd-no-such-container', ''].join('\n'));
    {
      const here = path.join(root, 'here');
      const apart = path.join(root, 'apart');
      const a = cli('audit', '--targets', list, '--benchmark', 'closest', '--concurrency', '4', '--out', here, '--no-html');
      const b = cli('audit', '--targets', list, '--benchmark', 'closest', '--concurrency', '4', '--out', apart, '--no-html', '--isolate');
      expect(a.status, a.stderr).toBe(b.status);
      expect(a.status).toBe(1);
      const fleetHere = comparable(path.join(here, 'fleet.json'), here) as { targets: Array<{ target: string; report?: string }> };
      const fleetApart = comparable(path.join(apart, 'fleet.json'), apart);
      expect(fleetHere).toEqual(fleetApart);
      expect(fleetHere.targets).toHaveLength(5);
      const dirs = readdirSync(here).filter((d) => existsSync(path.join(here, d, 'compliance.json')));
      expect(dirs).toHaveLength(4);
      for (const d of dirs) {
        const report = comparable(path.join(here, d, 'compliance.json'), path.join(here, d)) as { items: Array<{ status: string }> };
        expect(report.items.filter((i) => i.status !== 'not-selected').length, d).toBeGreaterThan(150);
        expect(report, d).toEqual(comparable(path.join(apart, d, 'compliance.json'), path.join(apart, d)));
        const summary = (dir: string) => readFileSync(path.join(dir, d, 'summary.txt'), 'utf8').split(dir).join('OUT')
          .replace(/^Duration: [\d.]+ (m?s)/m, 'Duration: N');
        expect(summary(here), d).toBe(summary(apart));
        const results = (dir: string) => readdirSync(path.join(dir, d, 'allure-results')).filter((f) => f.endsWith('-result.json'))
          .map((f) => JSON.parse(readFileSync(path.join(dir, d, 'allure-results', f), 'utf8')) as { fullName: string; status: string; name: string })
          .map((r) => `${r.fullName} ${r.status} ${r.name}`).sort();
        expect(results(here), d).toEqual(results(apart));
      }
    }
  }, 300_000);
});

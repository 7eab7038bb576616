/**
 * Several targets at once: one report per target, fleet.json, one Allure report with each target as its
 * own parent suite; an unreachable target is reported and does not stop the others. `merge` builds a
 * fleet report from reports collected elsewhere. (The Kubernetes manifests: test/deploy/manifests.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import { IMAGES, startContainer } from '../support/containers.js';
import { fleetSchema } from '../support/fleet-schema.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-fleet-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8' });

describe('fleet audits', () => {
  it('audits every target, reports the unreachable one, and merges Allure results per target', () => {
    const c = startContainer(IMAGES.ubuntuStock);
    const out = tmp();
    const list = path.join(out, 'targets.txt');
    writeFileSync(list, `# the fleet\n${c.uri}\ndocker://cis-bdd-no-such-container\n`);
    try {
      const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--targets', list, '--only', '6.1,5.3', '--concurrency', '2', '--out', out, '--no-html');
      expect(r.status, r.stderr).toBe(1); // 5.3 fails on the stock system
      const fleet = JSON.parse(readFileSync(path.join(out, 'fleet.json'), 'utf8'));
      expect(fleet.counts).toMatchObject({ targets: 3, failing: 2, unreachable: 1 });
      const validate = fleetSchema();
      expect(validate(fleet), JSON.stringify(validate.errors, null, 1)).toBe(true);
      const byTarget = Object.fromEntries(fleet.targets.map((t: { target: string }) => [t.target, t]));
      expect(byTarget['docker://cis-bdd-no-such-container'].message).toMatch(/target unreachable: container "cis-bdd-no-such-container" not found/);
      expect(byTarget[c.uri].failing).toContain('5.3.10');
      expect(byTarget[`rootfs:${ensureUbuntuBase()}`].failing).toEqual(byTarget[c.uri].failing);
      for (const t of fleet.targets.filter((x: { report?: string }) => x.report)) {
        expect(JSON.parse(readFileSync(t.report, 'utf8')).target.uri).toBe(t.target);
      }
      const results = readdirSync(path.join(out, 'allure-results')).filter((f) => f.endsWith('-result.json'))
        .map((f) => JSON.parse(readFileSync(path.join(out, 'allure-results', f), 'utf8')));
      const suites = new Set(results.map((x) => x.labels.find((l: { name: string }) => l.name === 'parentSuite')?.value));
      expect([...suites].sort()).toEqual([c.uri, `rootfs:${ensureUbuntuBase()}`].sort());
    } finally {
      c.remove();
    }
  }, 180_000);

  it('refuses a malformed targets file with its line', () => {
    const out = tmp();
    const list = path.join(out, 'targets.txt');
    writeFileSync(list, 'rootfs:/x\nrootfs:/y colour=blue\n');
    const r = cli('audit', '--targets', list, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/targets\.txt:2: unknown option "colour=blue"/);
  });

  it('merge builds a fleet report from collected compliance.json files', () => {
    const a = tmp();
    const b = tmp();
    cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '6.1', '--out', a, '--no-html');
    cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '5.3', '--out', b, '--no-html');
    const out = tmp();
    const r = cli('merge', '--out', out, path.join(a, 'compliance.json'), path.join(b, 'compliance.json'));
    expect(r.status).toBe(1);
    const fleet = JSON.parse(readFileSync(path.join(out, 'fleet.json'), 'utf8'));
    expect(fleet.targets.map((t: { status: string }) => t.status)).toEqual(['compliant', 'failing']);
    const bad = cli('merge', '--out', out, path.join(out, 'fleet.json'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/is not a cis-bdd compliance\.json/);
  }, 60_000);
});

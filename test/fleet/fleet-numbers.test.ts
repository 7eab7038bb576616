/**
 * `merge` makes the fleet.json an audit of the same targets makes (README "Fleets"): a mixed fleet (the
 * Ubuntu stock image through the engine, the ACL2 stock tree) is audited, its compliance.json files are
 * merged, and the two fleet.json files are equal byte for byte but for `generatedAt` (the time each was
 * written). Every entry carries its benchmark, policy and selection, and the counts of its compliance.json.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureAcl2Base, repoRoot } from '../support/fixtures.js';
import { requireImage } from '../support/containers.js';
import { fleetSchema } from '../support/fleet-schema.js';
import type { FleetReport } from '../../src/fleet.js';
import type { ComplianceReport } from '../../src/model/result.js';

const { headlineCounts } = await import(pathToFileURL(path.join(repoRoot, 'dist/src/model/counts.js')).href) as typeof import('../../src/model/counts.js');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-fleet-numbers-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
/** fleet.json without the moment it was written */
const timeless = (text: string) => text.replace(/^ {2}"generatedAt": "[^"]*",\n/m, '');

describe('merge and a fleet audit write the same fleet.json', () => {
  it('a mixed fleet (Ubuntu image, ACL2 tree with the ACK policy): byte for byte but generatedAt; counts as in each compliance.json', () => {
    const image = 'cis-bdd/ubuntu-18.04-stock:latest';
    requireImage(image);
    const acl2 = `rootfs:${ensureAcl2Base('stock')}`;
    const list = path.join(tmp(), 'fleet.txt');
    writeFileSync(list, `docker-image://${image}\n${acl2} policy=${path.join(repoRoot, 'policies/ack-reinforcement.yaml')}\n`);
    const out = tmp();
    const audit = cli('audit', '--targets', list, '--no-allure', '--formats', 'none', '--concurrency', '2', '--out', out);
    expect(audit.status, audit.stderr).toBe(1);
    const auditText = readFileSync(path.join(out, 'fleet.json'), 'utf8');
    const fleet = JSON.parse(auditText) as FleetReport;
    expect(fleet.targets.map((t) => t.status)).toEqual(['failing', 'failing']);

    const merged = tmp();
    const merge = cli('merge', '--out', merged, ...fleet.targets.map((t) => t.report!));
    expect(merge.status, merge.stderr).toBe(audit.status);
    const mergeText = readFileSync(path.join(merged, 'fleet.json'), 'utf8');
    expect(timeless(mergeText)).toBe(timeless(auditText));
    expect(timeless(mergeText)).not.toBe(mergeText);
    // the table both print: the same rows
    const rows = (stdout: string) => stdout.split('\n').filter((l) => /^(compliant|failing|errors|unreachable|crashed) /.test(l));
    expect(rows(merge.stdout)).toEqual(rows(audit.stdout));
    expect(rows(audit.stdout)).toHaveLength(2);

    // each target labelled with its own benchmark, policy and selection; its counts are its report's
    expect(fleet.targets.map((t) => t.benchmark)).toEqual(['cis-ubuntu-18.04-v2.1.0', 'cis-aliyun-linux-2-v1.0.0']);
    expect(fleet.targets[0].policy).toBeNull();
    expect(fleet.targets[1].policy).toMatchObject({ name: expect.any(String), file: expect.stringMatching(/ack-reinforcement\.yaml$/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    for (const t of fleet.targets) {
      const report = JSON.parse(readFileSync(t.report!, 'utf8')) as ComplianceReport;
      const counts = headlineCounts(report.items);
      expect(t.counts).toEqual(counts);
      expect(Object.fromEntries(Object.keys(counts).map((k) => [k, (report.summary as unknown as Record<string, unknown>)[k]]))).toEqual(counts);
      expect(t.score).toBe(report.summary.score);
      expect(t.selection).toEqual(report.selection);
      expect(t.failing).toEqual(report.items.filter((i) => i.scored && i.status === 'fail').map((i) => i.id));
      expect(t.failingNotScored).toEqual(report.items.filter((i) => !i.scored && i.status === 'fail').map((i) => i.id));
      expect(t.failing).toHaveLength(counts.fail);
      expect(t.durationMs).toBe(report.run.durationMs);
      expect(audit.stdout).toContain(`(${counts.pass} pass, ${counts.fail} fail, ${counts.error} error)`);
    }
    expect(fleet.targets[1].counts!.waived).toBe(17);
    const validate = fleetSchema();
    for (const text of [auditText, mergeText]) expect(validate(JSON.parse(text)), JSON.stringify(validate.errors, null, 1)).toBe(true);
    console.log(`fleet.json of the audit and of merge: ${mergeText.length} bytes, equal but for generatedAt`);
  }, 300_000);

  it('merge: an interrupted report or one whose target was lost is labelled as the audit labels it; an unknown status is refused', () => {
    const dir = tmp();
    const base = {
      schemaVersion: '2.0.0', benchmark: { id: 'cis-ubuntu-18.04-v2.1.0', title: 'x' }, target: { kind: 'rootfs', uri: 'rootfs:/a', os: null },
      selection: { level: 2, scoredOnly: false, only: [], tags: null }, policy: null, summary: {},
      items: [{ id: '1.1', scored: true, status: 'pass' }, { id: '1.2', scored: true, status: 'error' }, { id: '1.3', scored: false, status: 'fail' }],
    };
    const write = (name: string, r: object) => { const f = path.join(dir, name); writeFileSync(f, JSON.stringify(r)); return f; };
    const interrupted = write('i.json', { ...base, run: { durationMs: 5, interrupted: { signal: 'SIGINT', at: '' } } });
    const lost = write('l.json', { ...base, target: { ...base.target, uri: 'rootfs:/b' }, run: { durationMs: 7, targetLost: 'the container stopped' } });
    const out = tmp();
    const r = cli('merge', '--out', out, interrupted, lost);
    const fleet = JSON.parse(readFileSync(path.join(out, 'fleet.json'), 'utf8')) as FleetReport;
    expect(fleet.targets.map((t) => [t.status, t.exitCode, t.message])).toEqual([
      ['crashed', 130, 'interrupted by SIGINT'],
      ['errors', 3, 'target lost during the audit: the container stopped'],
    ]);
    expect(fleet.targets[0].counts).toMatchObject({ pass: 1, fail: 0, notScoredFail: 1, error: 1, score: 100, outcome: 'incomplete' });
    expect(fleet.targets[0].failingNotScored).toEqual(['1.3']);
    expect(r.status).toBe(2); // a crashed target counts as unreachable does
    const odd = write('o.json', { ...base, run: { durationMs: 1 }, items: [{ id: '1.1', scored: true, status: 'passed' }] });
    const bad = cli('merge', '--out', tmp(), odd);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/o\.json: item 1\.1 has no known status or scored flag/);
  });
});

/**
 * A fleet's junit.xml (one testsuite per target) and results.sarif (one run per target), from a real fleet
 * run of two root filesystems, read by junitparser and checked against the SARIF 2.1.0 schema.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ensureAcl2Base, ensureUbuntuBase, repoRoot } from '../support/fixtures.js';

const require = createRequire(import.meta.url);

describe('fleet report formats', () => {
  it('two targets: junit.xml has two testsuites, results.sarif two runs, each matching its compliance.json', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-fleet-formats-'));
    const targets = [`rootfs:${ensureUbuntuBase()}`, `rootfs:${ensureAcl2Base('stock')}`];
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), 'audit', ...targets.flatMap((t) => ['--target', t]),
      '--only', '5', '--no-allure', '--out', out], { encoding: 'utf8', cwd: repoRoot, timeout: 300_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/junit\.xml: .*\/junit\.xml/);
    const fleet = JSON.parse(readFileSync(path.join(out, 'fleet.json'), 'utf8'));
    const reports = fleet.targets.map((t: { report: string }) => JSON.parse(readFileSync(t.report, 'utf8')));
    const suites = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import json, sys
from junitparser import JUnitXml
print(json.dumps([{'name': s.name, 'tests': s.tests, 'failures': s.failures, 'errors': s.errors} for s in JUnitXml.fromfile(sys.argv[1])]))
`, path.join(out, 'junit.xml')], { encoding: 'utf8' }));
    expect(suites.map((s: { name: string }) => s.name)).toEqual(reports.map((x: { benchmark: { id: string }; target: { uri: string } }) => `${x.benchmark.id} on ${x.target.uri}`));
    suites.forEach((s: { tests: number; failures: number }, i: number) => {
      const items = reports[i].items.filter((it: { status: string }) => it.status !== 'not-selected');
      expect(s.tests).toBe(items.length);
      expect(s.failures).toBe(items.filter((it: { status: string }) => it.status === 'fail').length);
    });
    const ajv = new (Ajv as unknown as typeof Ajv.default)({ strict: false, allErrors: true, unicodeRegExp: false });
    (addFormats as unknown as typeof addFormats.default)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(require.resolve('schemastore/schemas/json/sarif-2.1.0.json'), 'utf8')));
    const log = JSON.parse(readFileSync(path.join(out, 'results.sarif'), 'utf8'));
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(log.runs.map((run: { properties: { target: { uri: string } } }) => run.properties.target.uri)).toEqual(targets);
    expect(log.runs.map((run: { properties: { benchmark: { id: string } } }) => run.properties.benchmark.id)).toEqual(['cis-ubuntu-18.04-v2.1.0', 'cis-aliyun-linux-2-v1.0.0']);
    // each target's own directory has its own three files as well
    for (const t of fleet.targets) for (const f of ['junit.xml', 'results.sarif', 'xccdf-results.xml']) expect(() => readFileSync(path.join(path.dirname(t.report), f))).not.toThrow();
  });
});

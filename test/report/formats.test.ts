/**
 * junit.xml, results.sarif and xccdf-results.xml of full audits of both fixtures, read by real consumers:
 * Debian's junitparser (the library CI tools use to merge and read JUnit results) and xmllint for JUnit;
 * the published SARIF 2.1.0 JSON schema (SchemaStore's copy, with ajv) and, when installed, Microsoft's
 * SARIF multitool for SARIF; OpenSCAP's `oscap xccdf validate` and `oscap xccdf generate report` for XCCDF.
 * Counts are checked against compliance.json of the same run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { audit } from '../support/audit.js';
import { ensureAcl2Base, ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import type { ComplianceReport } from '../../src/model/result.js';
import { junitXml } from '../../src/report/junit.js';
import { sarifLog } from '../../src/report/sarif.js';
import { xccdfResults } from '../../src/report/xccdf.js';

const require = createRequire(import.meta.url);
const PY = '/usr/bin/python3'; // Debian's python, where python3-junitparser is installed

/** What junitparser reads from a junit.xml: per suite, its counts and each case's outcome. */
function junitparser(file: string): Array<{ name: string; tests: number; failures: number; errors: number; skipped: number; cases: Record<string, string>; props: Record<string, string> }> {
  const script = `
import json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
out = []
for suite in xml:
    cases = {}
    for case in suite:
        kinds = [type(r).__name__.lower() for r in case.result]
        cases[case.name] = kinds[0] if kinds else 'passed'
    out.append({'name': suite.name, 'tests': suite.tests, 'failures': suite.failures, 'errors': suite.errors, 'skipped': suite.skipped,
                'cases': cases, 'props': {p.name: p.value for p in suite.properties()}})
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(PY, ['-c', script, file], { encoding: 'utf8' }));
}

const sarifSchema = JSON.parse(readFileSync(require.resolve('schemastore/schemas/json/sarif-2.1.0.json'), 'utf8'));
// the published schema's language-tag pattern is not valid in Unicode mode: ajv must read it as the
// schema's authors wrote it (ECMA-262 without the u flag)
const ajv = new (Ajv as unknown as typeof Ajv.default)({ strict: false, allErrors: true, unicodeRegExp: false });
(addFormats as unknown as typeof addFormats.default)(ajv);
const validateSarif = ajv.compile(sarifSchema);

function multitool(): string | null {
  try {
    const dir = path.dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json'));
    const bin = path.join(dir, 'Sarif.Multitool');
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const selected = (r: ComplianceReport) => r.items.filter((i) => i.status !== 'not-selected');
const count = (r: ComplianceReport, ...s: string[]) => r.items.filter((i) => s.includes(i.status)).length;
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-formats-'));

const fixtures: Array<{ name: string; root: () => string; policy?: string }> = [
  { name: 'Ubuntu 18.04 stock', root: ensureUbuntuBase },
  // ACK's policy waives 17 items: waivers must reach SARIF (suppressions) and XCCDF (overrides)
  { name: 'ACL2 stock under ACK\'s policy', root: () => ensureAcl2Base('stock'), policy: path.join(repoRoot, 'policies/ack-reinforcement.yaml') },
];

describe.each(fixtures)('report formats of a full audit: $name', ({ root, policy }) => {
  let report: ComplianceReport;
  let out: string;
  beforeAll(async () => {
    out = tmp();
    ({ report } = await audit({ target: `rootfs:${root()}`, out, policy, formats: ['junit', 'sarif', 'xccdf'] }));
  });

  it('junit.xml is well-formed and junitparser reads one testcase per item run, with the right outcomes', () => {
    const file = path.join(out, 'junit.xml');
    execFileSync('xmllint', ['--noout', file]);
    const [suite, ...rest] = junitparser(file);
    expect(rest).toEqual([]);
    expect(suite.tests).toBe(selected(report).length);
    expect(suite.failures).toBe(count(report, 'fail'));
    expect(suite.errors).toBe(count(report, 'error', 'unknown'));
    expect(suite.skipped).toBe(count(report, 'not-applicable', 'manual', 'waived'));
    expect(suite.props).toMatchObject({ benchmark: report.benchmark.id, target: report.target!.uri, score: report.summary.score!.toFixed(1) });
    const expected = { pass: 'passed', fail: 'failure', error: 'error', unknown: 'error', 'not-applicable': 'skipped', manual: 'skipped', waived: 'skipped' } as Record<string, string>;
    for (const i of selected(report)) expect(suite.cases[`${i.id} ${i.title}`], i.id).toBe(expected[i.status]);
  });

  it('results.sarif is valid SARIF 2.1.0: a rule per catalogue item, a result per failing or erroring item, waivers as suppressions', () => {
    const log = JSON.parse(readFileSync(path.join(out, 'results.sarif'), 'utf8'));
    expect(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    const [run] = log.runs;
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(report.items.map((i) => i.id));
    expect(run.tool.driver.rules.every((r: { help: { text: string } }) => r.help.text.length > 10)).toBe(true);
    const unsuppressed = run.results.filter((r: { suppressions?: unknown[] }) => !r.suppressions);
    expect(unsuppressed.length).toBe(count(report, 'fail', 'error'));
    const waivedFailing = report.items.filter((i) => i.status === 'waived' && (i.observed === 'fail' || i.observed === 'error'));
    const suppressed = run.results.filter((r: { suppressions?: unknown[] }) => r.suppressions);
    expect(suppressed.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual(waivedFailing.map((i) => i.id).sort());
    for (const r of suppressed) expect(r.suppressions[0].justification).toBe(report.items.find((i) => i.id === r.ruleId)!.waiver!.reason);
    expect(run.properties).toMatchObject({ benchmark: { id: report.benchmark.id }, target: { uri: report.target!.uri } });
    // where the evidence names a file, the result points into the target's tree
    const located = run.results.filter((r: { locations?: unknown[] }) => r.locations);
    expect(located.length).toBeGreaterThan(10);
    for (const r of located) {
      for (const l of r.locations) {
        expect(l.physicalLocation.artifactLocation.uriBaseId).toBe('TARGETROOT');
        expect(l.physicalLocation.artifactLocation.uri).not.toMatch(/^\//);
      }
    }
    expect(run.originalUriBaseIds.TARGETROOT.uri).toBe(`file://${report.target!.uri.slice('rootfs:'.length)}/`);
  });

  it('results.sarif passes the SARIF multitool\'s validator (errors; its style warnings are allowed)', () => {
    const bin = multitool();
    if (!bin) {
      console.log('SARIF multitool not installed: schema validation only');
      return;
    }
    const result = path.join(tmp(), 'validation.sarif');
    const r = spawnSync(bin, ['validate', path.join(out, 'results.sarif'), '--output', result, '--log', 'ForceOverwrite'], {
      encoding: 'utf8', env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' }, timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const findings = JSON.parse(readFileSync(result, 'utf8')).runs[0].results as Array<{ level?: string; ruleId: string; message: { text?: string; id?: string } }>;
    expect(findings.filter((f) => f.level === 'error').map((f) => `${f.ruleId}`)).toEqual([]);
  });

  it('xccdf-results.xml is accepted by oscap (validate) and rendered by oscap (generate report)', () => {
    const file = path.join(out, 'xccdf-results.xml');
    const v = spawnSync('oscap', ['xccdf', 'validate', file], { encoding: 'utf8' });
    const overridden = report.items.filter((i) => i.status === 'waived').length;
    if (!overridden) {
      expect(v.status, v.stdout + v.stderr).toBe(0);
    } else {
      // The XML schema accepts the file. OpenSCAP 1.3.7's schematron rule for overrides is written for every
      // rule-result of a TestResult in which any rule-result has an override, so it reports each rule-result
      // WITHOUT an override: that rule, and only that rule, may complain, once per rule-result not overridden.
      const xsd = spawnSync('oscap', ['xccdf', 'validate', '--skip-schematron', file], { encoding: 'utf8' });
      expect(xsd.status, xsd.stdout + xsd.stderr).toBe(0);
      const errors = `${v.stdout}${v.stderr}`.split('\n').filter((l) => l.startsWith('Error:'));
      expect(new Set(errors)).toEqual(new Set(["Error: The value of the 'result' element must match the value of the 'new-result' element in an 'override' element when present. See the XCCDF 1.2.1 specification, Section 6.6.4.3."]));
      expect(errors.length).toBe(report.items.length - overridden);
    }
    const html = path.join(tmp(), 'report.html');
    const g = spawnSync('oscap', ['xccdf', 'generate', 'report', '--output', html, file], { encoding: 'utf8' });
    expect(g.status, g.stderr).toBe(0);
    const page = readFileSync(html, 'utf8');
    const failing = report.items.find((i) => i.status === 'fail')!;
    expect(page).toContain(failing.title);
    expect(page).toContain(report.target!.uri);
  });

  it('xccdf-results.xml has one rule-result per item, mapped from the verdict, waivers as overrides', () => {
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => ['rule-result', 'Rule', 'override', 'message'].includes(n) })
      .parse(readFileSync(path.join(out, 'xccdf-results.xml'), 'utf8'));
    const tr = doc.Benchmark.TestResult;
    expect(doc.Benchmark.Rule.length).toBe(report.items.length);
    const rr = tr['rule-result'] as Array<{ '@idref': string; result: string; override?: Array<{ 'old-result': string; 'new-result': string; remark: string }> }>;
    expect(rr.length).toBe(report.items.length);
    const byId = new Map(rr.map((r) => [r['@idref'].replace(/^xccdf_dev\.cis-bdd_rule_/, ''), r]));
    for (const i of report.items) {
      const r = byId.get(i.id)!;
      const want = i.status === 'pass' || i.status === 'fail' ? (i.scored ? i.status : 'informational')
        : ({ error: 'error', unknown: 'unknown', 'not-applicable': 'notapplicable', manual: 'notchecked', 'not-selected': 'notselected', waived: 'informational' } as Record<string, string>)[i.status];
      expect(r.result, i.id).toBe(want);
      if (i.status === 'waived') {
        expect(r.override?.[0]['old-result']).toBe(i.observed === 'pass' || i.observed === 'fail' ? (i.scored ? i.observed : 'informational') : ({ error: 'error', 'not-applicable': 'notapplicable', manual: 'notchecked' } as Record<string, string>)[i.observed!]);
        expect(r.override?.[0].remark).toContain(i.waiver!.reason);
      }
    }
    expect(Number(tr.score['#text'])).toBe(report.summary.score);
  });
});

describe('report formats carry hostile text safely', () => {
  it('control characters and lone surrogates from the target become visible escapes; consumers still read the files', () => {
    const base = JSON.parse(readFileSync(path.join(repoRoot, 'test/report/fixtures/small-report.json'), 'utf8')) as ComplianceReport;
    const evil = '\u0001\u001b[31mred\u0007 \uD800 "quoted" <tag> & ]]>';
    const r: ComplianceReport = { ...base, items: base.items.map((i) => (i.status === 'fail' ? { ...i, reason: evil, evidence: [{ source: '/etc/pa\u0000sswd:3', excerpt: evil }] } : i)) };
    const dir = tmp();
    writeFileSync(path.join(dir, 'junit.xml'), junitXml([r]));
    writeFileSync(path.join(dir, 'x.xml'), xccdfResults(r));
    execFileSync('xmllint', ['--noout', path.join(dir, 'junit.xml')]);
    expect(spawnSync('oscap', ['xccdf', 'validate', path.join(dir, 'x.xml')]).status).toBe(0);
    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain('\\u0001\\u001b[31mred\\u0007 \\ud800');
    expect(junit).not.toMatch(/[\u0001\u001b\u0007]/);
    expect(junitparser(path.join(dir, 'junit.xml'))[0].failures).toBe(count(r, 'fail'));
    expect(validateSarif(JSON.parse(JSON.stringify(sarifLog([r]))))).toBe(true);
  });
});

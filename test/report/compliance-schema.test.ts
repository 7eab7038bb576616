import { describe, expect, it, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { repoRoot, ensureUbuntuBase } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import type { ComplianceReport } from '../../src/model/result.js';

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/compliance.schema.json'), 'utf8'));
const catalogueIds = (b: string) => readFileSync(path.join(repoRoot, 'benchmarks', b, 'catalogue.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);

function validator() {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: true, strictRequired: false });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  return ajv.compile(schema);
}

describe('compliance.json', () => {
  let report: ComplianceReport;
  beforeAll(async () => {
    report = (await audit({ target: `rootfs:${ensureUbuntuBase()}`, benchmark: 'cis-ubuntu-18.04-v2.1.0' })).report;
  });

  it('validates against the published JSON Schema', () => {
    const validate = validator();
    expect(validate(report), JSON.stringify(validate.errors, null, 1)).toBe(true);
  });

  it('lists every catalogue item exactly once, in catalogue order', () => {
    expect(report.items.map((i) => i.id)).toEqual(catalogueIds('cis-ubuntu-18.04-v2.1.0'));
  });

  it('summary counts add up to the items', () => {
    const s = report.summary;
    expect(s.pass + s.fail + s.notScoredPass + s.notScoredFail + s.error + s.unknown + s.notApplicable + s.manual + s.notSelected + s.waived).toBe(s.total);
    expect(s.total).toBe(242);
    expect(s.selected).toBe(s.total - s.notSelected);
    expect(report.schemaVersion).toBe('2.0.0');
  });

  it('score is passed / (passed + failed) over scored items, one decimal', () => {
    const scored = report.items.filter((i) => i.scored);
    const p = scored.filter((i) => i.status === 'pass').length;
    const f = scored.filter((i) => i.status === 'fail').length;
    expect(report.summary.score).toBe(Math.round((p / (p + f)) * 1000) / 10);
    expect([report.summary.pass, report.summary.fail]).toEqual([p, f]);
    expect([report.summary.cisCat.pass, report.summary.cisCat.fail]).toEqual([p, f]);
  });

  it('the schema rejects a report that drops a required field or invents a status', () => {
    const validate = validator();
    const broken = structuredClone(report) as unknown as { items: Array<{ status: string }>; summary?: unknown };
    broken.items[0].status = 'passed';
    expect(validate(broken)).toBe(false);
    const noSummary = structuredClone(report) as unknown as { summary?: unknown };
    delete noSummary.summary;
    expect(validate(noSummary)).toBe(false);
    const noOutcome = structuredClone(report) as unknown as { summary: { outcome?: string } };
    delete noOutcome.summary.outcome;
    expect(validate(noOutcome)).toBe(false);
  });
});

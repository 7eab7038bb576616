/** Allure shows every executed item with the status compliance.json gives it, never a friendlier one. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { audit } from '../support/audit.js';

const EXPECTED: Record<string, string> = { pass: 'passed', fail: 'failed', error: 'broken', 'not-applicable': 'skipped', manual: 'skipped' };

describe('Allure results agree with compliance.json', () => {
  it('maps every verdict, including manual and not-applicable items, and carries the reason', async () => {
    const { report, allureResultsDir } = await audit({ target: `rootfs:${ensureUbuntuBase()}`, benchmark: 'cis-ubuntu-18.04-v2.1.0', allureResults: true });
    const results = readdirSync(allureResultsDir!).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(path.join(allureResultsDir!, f), 'utf8')));
    const executed = report.items.filter((i) => EXPECTED[i.status]);
    expect(results.length).toBe(executed.length);
    const seen = new Set(executed.map((i) => i.status));
    expect(seen.has('manual') && seen.has('pass') && seen.has('fail'), `statuses covered: ${[...seen]}`).toBe(true);
    for (const item of executed) {
      const r = results.find((x) => x.labels.some((l: { name: string; value: string }) => l.name === 'cis_id' && l.value === item.id));
      expect(r, `no Allure result for ${item.id}`).toBeDefined();
      expect(`${item.id} ${r.status}`).toBe(`${item.id} ${EXPECTED[item.status]}`);
      if (item.status !== 'pass') expect(r.statusDetails?.message ?? '').toContain(item.reason);
    }
  });
});

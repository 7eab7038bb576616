/**
 * Allure shows every executed item with the status compliance.json gives it, never a friendlier one, and
 * with the evidence compliance.json holds; an audit writes one file per result and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { COMPLIANCE_WORDS, evidenceMarkdown } from '../../src/report/allure-item.js';
import { escapeMarkdown } from '../../src/report/allure-remediation.js';

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
      const r = results.find((x) => x.labels.some((l: { name: string; value: string }) => l.name === 'item' && l.value === item.id));
      expect(r, `no Allure result for ${item.id}`).toBeDefined();
      expect(`${item.id} ${r.status}`).toBe(`${item.id} ${EXPECTED[item.status]}`);
      // the reason in the description, under the compliance status (never as a status message: Allure boxes it as "Error")
      expect(r.statusDetails).toEqual({});
      expect(r.description).toContain(`**Compliance status**: **${COMPLIANCE_WORDS[item.status as keyof typeof COMPLIANCE_WORDS]}**`);
      if (item.status !== 'pass') expect(r.description).toContain(escapeMarkdown(item.reason!));
      // the evidence, every source and excerpt, in the description; never a secret (those never reach evidence)
      expect(item.evidence.length, `${item.id} has no evidence`).toBeGreaterThan(0);
      for (const e of item.evidence) {
        expect(r.description, `${item.id}: ${e.source}`).toContain(e.source);
        for (const line of e.excerpt.split('\n')) expect(r.description, `${item.id}: ${e.source}`).toContain(line);
      }
      expect(r.description).not.toMatch(/\$6\$|\$y\$/);
    }
    // one file per result: no hook containers, no verdict or Examples attachments
    const others = readdirSync(allureResultsDir!).filter((f) => !f.endsWith('-result.json'));
    expect(others).toEqual([]);
    const outline = results.find((x) => x.name.startsWith('1.1.1.1 '));
    expect(outline.parameters).toContainEqual({ name: 'fs', value: 'cramfs' });
    expect(outline.attachments).toEqual([]);
    // the failing step says why after its name, with no status message (no "Error" box, no stack trace)
    const cramfs = report.items.find((i) => i.id === '1.1.1.1')!;
    expect(cramfs.status).toBe('fail');
    expect(outline.steps.map((s: { name: string }) => s.name)).toEqual([`Then the kernel module "cramfs" is set not to load — ${cramfs.reason}`, 'And the kernel module "cramfs" is not loaded']);
    expect(outline.steps.map((s: { statusDetails: unknown }) => s.statusDetails)).toEqual([{}, {}]);
  });
});

describe('evidence as Markdown', () => {
  it('keeps each excerpt in a fence longer than any run of backticks in it, so nothing escapes the block', () => {
    const md = evidenceMarkdown([
      { source: '/etc/motd', excerpt: 'line with ``` inside\n````\n<script>x</script>' },
      { source: 'command: echo `id`', excerpt: 'plain' },
    ]);
    expect(md).toContain('  `````\n  line with ``` inside\n  ````\n  <script>x</script>\n  `````');
    expect(md).toContain('- `` command: echo `id` ``');
    expect(md).toContain('  ```\n  plain\n  ```');
  });
});

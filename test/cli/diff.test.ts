/**
 * `cis-bdd diff OLD NEW` and `audit --baseline`, as a release pipeline uses them. Expected exit codes come
 * from the gate's rule: 1 when NEW has a scored item failing that did not fail in OLD, 0 otherwise, 2 on
 * bad input. The reports are a real audit's compliance.json with statuses changed the way a new image
 * would change them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';
import type { ComplianceItem, ComplianceReport } from '../../src/model/result.js';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-diff-'));
const base = (): ComplianceReport => JSON.parse(readFileSync(path.join(repoRoot, 'test/report/fixtures/small-report.json'), 'utf8'));

/** The report with some items changed, written to a file. */
function variant(change: (items: Map<string, ComplianceItem>, r: ComplianceReport) => void, dir = tmp()): string {
  const r = base();
  change(new Map(r.items.map((i) => [i.id, i])), r);
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(r));
  return file;
}
const same = () => variant(() => undefined);
const set = (id: string, status: ComplianceItem['status'], extra: Partial<ComplianceItem> = {}) =>
  (items: Map<string, ComplianceItem>) => Object.assign(items.get(id)!, { status, ...extra });

describe('cis-bdd diff', () => {
  it('no change: exit 0, says so for every target', () => {
    const r = cli('diff', same(), same());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no change in any item/);
    expect(r.stdout).toMatch(/No scored item newly failing/);
  });

  it('a scored item that passed and now fails: exit 1, listed as newly failing with its reason', () => {
    const r = cli('diff', same(), variant(set('6.1.2', 'fail', { reason: '/etc/passwd has mode 0666' })));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Newly failing \(1\):\n\s+6\.1\.2\s+Ensure permissions on \/etc\/passwd are configured \(was pass\) — \/etc\/passwd has mode 0666/);
    expect(r.stdout).toMatch(/REGRESSION: 1 scored item\(s\) newly failing/);
  });

  it('a scored item that was not selected, in error or waived before and fails now is a regression too', () => {
    for (const before of ['not-selected', 'error', 'not-applicable'] as const) {
      const r = cli('diff', variant(set('6.1.2', before)), variant(set('6.1.2', 'fail')));
      expect(r.code, before).toBe(1);
    }
  });

  it('items that kept failing are accepted: exit 0 even with 18 failures on both sides', () => {
    const r = cli('diff', same(), same());
    expect(base().items.filter((i) => i.status === 'fail').length).toBe(18);
    expect(r.code).toBe(0);
  });

  it('a failing item that now passes is listed as newly passing; the score change is shown; exit 0', () => {
    const failing = base().items.find((i) => i.status === 'fail' && i.scored)!;
    const r = cli('diff', same(), variant(set(failing.id, 'pass', { reason: undefined })));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Newly passing (1):\n    ${failing.id.padEnd(10)} ${failing.title} (was fail)`);
    expect(r.stdout).toMatch(/score \d+\.\d% → \d+\.\d% \(\+\d+\.\d\)/);
  });

  it('a not-scored item newly failing is listed but does not fail the gate', () => {
    const r = cli('diff', same(), variant((items) => Object.assign(items.get('6.1.2')!, { status: 'fail', scored: false })));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/6\.1\.2 .*\[not scored\]/);
  });

  it('waivers added, removed and expired are listed; a failure no longer waived (expired or removed) is a regression', () => {
    const waiver = { reason: 'accepted until the next image', owner: 'platform', expires: '2026-01-01', declaredAt: 'policy.yaml:3' };
    const failing = base().items.find((i) => i.status === 'fail' && i.scored)!;
    const waived = variant(set(failing.id, 'waived', { observed: 'fail', waiver }));
    const expired = variant(set(failing.id, 'fail', { expiredWaiver: waiver }));
    const added = cli('diff', same(), waived);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Waivers added \(1\):\n\s+\S+\s+.*accepted until the next image \(expires 2026-01-01\)/);
    const lapsed = cli('diff', waived, expired);
    expect(lapsed.code).toBe(1);
    expect(lapsed.stdout).toMatch(/Waivers expired \(1\)/);
    expect(lapsed.stdout).not.toMatch(/Waivers removed/);
    const removed = cli('diff', waived, same());
    expect(removed.code).toBe(1); // a waived item was not failing: once the waiver is gone its failure counts
    expect(removed.stdout).toMatch(/Waivers removed \(1\)/);
  });

  it('--json gives the same facts for machines', () => {
    const r = cli('diff', same(), variant(set('6.1.2', 'fail')), '--json');
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout);
    expect(d.regressions).toBe(1);
    expect(d.targets[0].newlyFailing.map((c: { id: string }) => c.id)).toEqual(['6.1.2']);
    expect(d.benchmark).toBe('cis-ubuntu-18.04-v2.1.0');
  });

  it('fleet.json on both sides: targets are matched by URI; a regression on one target fails the gate', () => {
    const mk = (dir: string, web2: (items: Map<string, ComplianceItem>) => void) => {
      mkdirSync(dir, { recursive: true });
      const a = variant((_i, r) => { r.target!.uri = 'ssh://web-1'; }, dir);
      const b = variant((i, r) => { r.target!.uri = 'ssh://web-2'; web2(i); }, dir);
      const fleet = { schemaVersion: '1.0.0', generatedAt: '', counts: {}, targets: [
        { target: 'ssh://web-1', status: 'failing', report: a }, { target: 'ssh://web-2', status: 'failing', report: path.basename(b) },
        { target: 'ssh://down', status: 'unreachable' }] };
      writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify(fleet));
      return path.join(dir, 'fleet.json');
    };
    const d = tmp();
    const r = cli('diff', mk(path.join(d, 'old'), () => undefined), mk(path.join(d, 'new'), set('6.1.2', 'fail')), '--json');
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.targets.map((t: { target: string; newlyFailing: unknown[] }) => [t.target, t.newlyFailing.length])).toEqual([['ssh://web-1', 0], ['ssh://web-2', 1]]);
  });

  const bad: Array<[string, () => string[], RegExp]> = [
    ['different benchmarks', () => [same(), variant((_i, r) => { r.benchmark.id = 'cis-aliyun-linux-2-v1.0.0'; })], /cannot compare audits of different benchmarks/],
    ['a missing file', () => [same(), '/nonexistent/compliance.json'], /\/nonexistent\/compliance.json cannot be read: ENOENT/],
    ['a file that is not JSON', () => { const f = path.join(tmp(), 'x.json'); writeFileSync(f, 'not json'); return [same(), f]; }, /is not JSON/],
    ['JSON that is not a report', () => { const f = path.join(tmp(), 'x.json'); writeFileSync(f, '{"a":1}'); return [f, same()]; }, /neither a cis-bdd compliance.json nor a fleet.json/],
    ['one file only', () => [same()], /usage: cis-bdd diff OLD NEW/],
    ['an unknown option', () => [same(), same(), '--frobnicate'], /Unknown option '--frobnicate'/],
  ];
  for (const [what, args, message] of bad) {
    it(`2 for ${what}, with one line and no stack trace`, () => {
      const r = cli('diff', ...args());
      expect(r.code, r.stdout).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('cis-bdd audit --baseline', () => {
  let baseline: string;
  beforeAll(() => {
    const out = tmp();
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '5.3,6.1.2', '--no-allure', '--formats', 'none', '--out', out);
    expect(r.code).toBe(1); // the stock image fails several 5.3 items
    baseline = path.join(out, 'compliance.json');
  });

  it('the same image against its own baseline: exit 0 although items fail, and the summary shows the delta', () => {
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '5.3,6.1.2', '--no-allure', '--formats', 'none', '--out', tmp(), '--baseline', baseline);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Against the baseline .*compliance\.json:/);
    expect(r.stdout).toMatch(/Exit code 0 \(from the baseline: no scored item newly fails\)/);
  });

  it('a new failure against the baseline: exit 1, named in the summary', async () => {
    await withOverlay(ensureUbuntuBase(), (l) => l.chmod('/etc/passwd', 0o666), async (root) => {
      const out = tmp();
      const r = cli('audit', '--target', `rootfs:${root}`, '--only', '5.3,6.1.2', '--no-allure', '--formats', 'none', '--out', out, '--baseline', baseline);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/Newly failing \(1\):\n\s+6\.1\.2/);
      expect(readFileSync(path.join(out, 'summary.txt'), 'utf8')).toMatch(/Exit code 1/);
    });
  });

  it('a baseline of another benchmark or an unreadable one: exit 2 with one line (an unreadable one before anything is audited)', () => {
    const other = variant((_i, r) => { r.benchmark.id = 'cis-aliyun-linux-2-v1.0.0'; });
    const out = tmp();
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '6.1.2', '--no-allure', '--out', out, '--baseline', other);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot compare audits of different benchmarks/);
    const early = tmp();
    const missing = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '6.1.2', '--no-allure', '--out', early, '--baseline', '/nonexistent.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/\/nonexistent\.json cannot be read/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(() => readFileSync(path.join(early, 'compliance.json'))).toThrow();
  });
});

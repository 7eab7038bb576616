/**
 * Policies: shipped vendor policies equal the seed exemption table, profiles select the catalogue's
 * counts, tailoring moves a verdict both ways, a waiver hides nothing, an expired or out-of-scope waiver
 * does not apply, and a malformed policy is refused with its file and line.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureUbuntuBase, repoRoot, sharedDir, withOverlay } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { loadBenchmark, parseCsv } from '../../src/engine/catalogue.js';
import { isSelectedByRule } from '../../src/engine/result.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const ACL2 = 'cis-aliyun-linux-2-v1.0.0';
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-policy-'));
const write = (dir: string, name: string, text: string) => { const p = path.join(dir, name); writeFileSync(p, text); return p; };
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

function seedRows(origin: (o: string) => boolean) {
  const [header, ...rows] = parseCsv(readFileSync(path.join(sharedDir, 'benchmarks/seed-exemptions.csv'), 'utf8')).filter((r) => r.length > 1);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))).filter((r) => origin(r.origin));
}

async function loadShipped(name: string) {
  const api = await import(path.join(repoRoot, 'dist/src/api.js'));
  return api.loadPolicyChecked(path.join(repoRoot, 'policies', name));
}

describe('shipped policies', () => {
  it('ack-reinforcement waives exactly the 17 ACK rows, with ACK\'s reasons, on Level 1 scored of ACL2', async () => {
    const p = await loadShipped('ack-reinforcement.yaml');
    const rows = seedRows((o) => o === 'ACK CIS reinforcement');
    expect(rows.length).toBe(17);
    expect(p.benchmark).toBe(ACL2);
    expect([p.level, p.scoredOnly]).toEqual([1, true]);
    expect(p.waivers.map((w: { ids: string[]; reason: string }) => [w.ids.join(), w.reason])).toEqual(rows.map((r) => [r.id, r.reason]));
  });

  it('aks-ubuntu-18.04 waives exactly the 70 AKS rows, with AKS\'s reasons or the stated fallback', async () => {
    const p = await loadShipped('aks-ubuntu-18.04.yaml');
    const rows = seedRows((o) => o.startsWith('AKS'));
    expect(rows.length).toBe(70);
    expect([p.benchmark, p.level, p.scoredOnly]).toEqual([UBUNTU, 1, false]);
    const expected = rows.map((r) => [r.id, r.reason || (r.status === 'fail'
      ? 'listed as failing in the AKS baseline, no reason published'
      : 'listed as not applicable in the AKS baseline, no reason published')]);
    expect(p.waivers.map((w: { ids: string[]; reason: string }) => [w.ids.join(), w.reason])).toEqual(expected);
  });

  for (const f of ['cis-ubuntu-18.04-level-1.yaml', 'cis-ubuntu-18.04-level-2.yaml', 'cis-aliyun-linux-2-level-1.yaml', 'cis-aliyun-linux-2-level-2.yaml', 'ack-reinforcement.yaml', 'aks-ubuntu-18.04.yaml']) {
    it(`${f} passes "cis-bdd policy check"`, () => {
      const r = cli('policy', 'check', path.join(repoRoot, 'policies', f));
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/valid\./);
    });
  }
});

describe('profile selection', () => {
  const count = (b: string, level: number, scoredOnly: boolean) =>
    loadBenchmark(b).items.filter((i) => isSelectedByRule(i, { level, scoredOnly, only: [], tags: null })).length;
  it('picks the catalogue\'s counts', () => {
    expect(count(ACL2, 1, false)).toBe(168);
    expect(count(ACL2, 1, true)).toBe(145);
    expect(count(ACL2, 2, false)).toBe(204);
    expect(count(UBUNTU, 1, false)).toBe(205);
    expect(count(UBUNTU, 2, false)).toBe(242);
  });
  it('an audit with the Level 1 policy leaves exactly the 37 Level 2 items unselected', async () => {
    const { report } = await audit({ target: `rootfs:${ensureUbuntuBase()}`, policy: path.join(repoRoot, 'policies/cis-ubuntu-18.04-level-1.yaml') });
    expect(report.items.filter((i) => i.status !== 'not-selected').length).toBe(205);
    expect(report.items.filter((i) => i.status === 'not-selected').every((i) => i.level === 2)).toBe(true);
    expect(report.policy?.name).toBe('CIS Ubuntu 18.04 Level 1');
    expect(report.policy?.hash).toMatch(/^[0-9a-f]{64}$/);
  });
  it('include and exclude add and remove items and sections', async () => {
    const dir = tmp();
    const p = write(dir, 'p.yaml', `benchmark: ${UBUNTU}\nprofile: level-1\ninclude: ["5.3.6"]\nexclude: ["6.2", "5.3.10"]\n`);
    const { report } = await audit({ target: `rootfs:${ensureUbuntuBase()}`, policy: p, only: ['5.3', '6'] });
    const st = (id: string) => report.items.find((i) => i.id === id)!.status;
    expect(st('5.3.6')).not.toBe('not-selected');
    expect(st('5.3.20')).toBe('not-selected');
    expect(st('5.3.10')).toBe('not-selected');
    expect(report.items.filter((i) => i.id.startsWith('6.2.')).every((i) => i.status === 'not-selected')).toBe(true);
    expect(st('6.1.2')).toBe('pass');
  });
});

describe('tailoring', () => {
  it('a tailored limit turns a failing item into a passing one (stock MaxAuthTries is 6)', async () => {
    const base = ensureUbuntuBase();
    const dir = tmp();
    const strict = await audit({ target: `rootfs:${base}`, benchmark: UBUNTU, only: ['5.3.7'] });
    expect(strict.report.items.find((i) => i.id === '5.3.7')!.status).toBe('fail');
    const p = write(dir, 'p.yaml', `benchmark: ${UBUNTU}\ntailoring:\n  ssh-max-auth-tries: 6\n`);
    const tailored = await audit({ target: `rootfs:${base}`, policy: p, only: ['5.3.7'] });
    const item = tailored.report.items.find((i) => i.id === '5.3.7')!;
    expect(item.status).toBe('pass');
    expect(item.evidence.map((e) => e.excerpt).join('\n')).toMatch(/ssh-max-auth-tries = 6 \(set by the policy\)/);
    expect(tailored.report.policy?.tailored).toEqual({ 'ssh-max-auth-tries': { value: 6, default: 4 } });
  });
  it('and a stricter one turns a passing item into a failing one', async () => {
    const dir = tmp();
    const p = write(dir, 'p.yaml', `benchmark: ${UBUNTU}\ntailoring:\n  ssh-max-auth-tries: 3\n`);
    await withOverlay(ensureUbuntuBase(), (l) => l.edit('/etc/ssh/sshd_config', (t) => `MaxAuthTries 4\n${t}`), async (root) => {
      expect((await audit({ target: `rootfs:${root}`, benchmark: UBUNTU, only: ['5.3.7'] })).report.items.find((i) => i.id === '5.3.7')!.status).toBe('pass');
      expect((await audit({ target: `rootfs:${root}`, policy: p, only: ['5.3.7'] })).report.items.find((i) => i.id === '5.3.7')!.status).toBe('fail');
    });
  });
});

describe('waivers', () => {
  it('a waived item keeps its real verdict and leaves the score', async () => {
    const dir = tmp();
    const base = ensureUbuntuBase();
    const plain = (await audit({ target: `rootfs:${base}`, benchmark: UBUNTU, only: ['5.3'] })).report;
    const p = write(dir, 'p.yaml', `benchmark: ${UBUNTU}\nwaivers:\n  - id: "5.3.10"\n    reason: break-glass root login on the bastion\n    owner: platform-team\n    expires: 2999-12-31\n`);
    const waived = (await audit({ target: `rootfs:${base}`, policy: p, only: ['5.3'] })).report;
    const item = waived.items.find((i) => i.id === '5.3.10')!;
    expect(item).toMatchObject({ status: 'waived', observed: 'fail', waiver: { reason: 'break-glass root login on the bastion', owner: 'platform-team', expires: '2999-12-31' } });
    expect(item.evidence.length).toBeGreaterThan(0);
    expect(waived.summary.waived).toBe(1);
    const s = plain.summary;
    expect(waived.summary.score).toBe(Math.round((s.pass / (s.pass + s.fail - 1)) * 1000) / 10);
  });

  it('Allure files a waived item under "Waived by policy" with reason, owner and expiry', async () => {
    const dir = tmp();
    const p = write(dir, 'p.yaml', `benchmark: ${UBUNTU}\nwaivers:\n  - id: "5.3.10"\n    reason: bastion host\n    owner: ops\n    expires: 2999-12-31\n`);
    const { allureResultsDir } = await audit({ target: `rootfs:${ensureUbuntuBase()}`, policy: p, only: ['5.3.10'], allureResults: true });
    const { readdirSync } = await import('node:fs');
    const results = readdirSync(allureResultsDir!).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(path.join(allureResultsDir!, f), 'utf8')));
    expect(results).toHaveLength(1);
    expect(results[0].status).toBe('skipped');
    // the waiver in the description, not as a status message (Allure shows that in a box titled "Error");
    // the HTML report's categories match the compliance label (Allure 3 reads them from its configuration)
    expect(results[0].statusDetails).toEqual({});
    expect(results[0].description).toContain('**Waived by policy** (the audit observed **fail**');
    expect(results[0].description).toMatch(/- Reason: bastion host\n- Owner: ops\n- Expires: 2999-12-31/);
    expect(results[0].labels).toContainEqual({ name: 'compliance', value: 'waived' });
    const { COMPLIANCE_CATEGORIES } = await import('../../src/report/allure-item.js');
    const waivedCategory = COMPLIANCE_CATEGORIES.find((c) => c.name === 'Waived by policy')!;
    expect(new RegExp(waivedCategory.matchers[0].labels.compliance).test('waived')).toBe(true);
  });

  it('an expired waiver does not apply; the item counts and the summary lists it', async () => {
    const dir = tmp();
    const out = tmp();
    const p = write(dir, 'p.yaml', `benchmark: ${UBUNTU}\nwaivers:\n  - id: "5.3.10"\n    reason: temporary\n    owner: ops\n    expires: 2020-01-31\n`);
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--policy', p, '--only', '5.3.10', '--out', out, '--no-html');
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8'));
    const item = report.items.find((i: { id: string }) => i.id === '5.3.10');
    expect(item.status).toBe('fail');
    expect(item.expiredWaiver).toMatchObject({ reason: 'temporary', expires: '2020-01-31' });
    expect(report.summary.expiredWaivers).toEqual(['5.3.10']);
    expect(r.out).toMatch(/Expired waivers \(1[^)]*\):\s+5\.3\.10\s+fail\s+expired 2020-01-31: temporary/);
  });

  it('a waiver scoped to other target kinds or names does not apply', async () => {
    const dir = tmp();
    const p = write(dir, 'p.yaml', `benchmark: ${UBUNTU}\nwaivers:\n  - id: "5.3.10"\n    reason: r\n    scope: { kinds: [ssh] }\n  - id: "5.3.7"\n    reason: r\n    scope: { targets: ["rootfs:/somewhere/*"] }\n  - id: "5.3.6"\n    reason: r\n    scope: { kinds: [rootfs], targets: ["rootfs:*"] }\n`);
    const { report } = await audit({ target: `rootfs:${ensureUbuntuBase()}`, policy: p, only: ['5.3'] });
    const st = (id: string) => report.items.find((i) => i.id === id)!.status;
    expect([st('5.3.10'), st('5.3.7'), st('5.3.6')]).toEqual(['fail', 'fail', 'waived']);
  });

  it('a waiver by tag expression covers the items whose scenarios carry the tags', async () => {
    const dir = tmp();
    const p = write(dir, 'p.yaml', `benchmark: ${UBUNTU}\nwaivers:\n  - tags: "@section:5.3 and @level:2"\n    reason: level 2 SSH items are tracked separately\n`);
    const { report } = await audit({ target: `rootfs:${ensureUbuntuBase()}`, policy: p, only: ['5.3'] });
    const waived = report.items.filter((i) => i.status === 'waived').map((i) => i.id);
    expect(waived).toEqual(['5.3.6', '5.3.20']);
  });

  it('extends: the child overrides the profile and replaces an inherited waiver for the same item', async () => {
    const dir = tmp();
    write(dir, 'parent.yaml', `benchmark: ${UBUNTU}\nprofile: level-2\nwaivers:\n  - id: "5.3.10"\n    reason: parent reason\n`);
    const child = write(dir, 'child.yaml', `extends: parent.yaml\nprofile: level-1\nwaivers:\n  - id: "5.3.10"\n    reason: child reason\n`);
    const { report } = await audit({ target: `rootfs:${ensureUbuntuBase()}`, policy: child, only: ['5.3'] });
    expect(report.items.find((i) => i.id === '5.3.10')!.waiver?.reason).toBe('child reason');
    expect(report.items.find((i) => i.id === '5.3.6')!.status).toBe('not-selected');
  });
});

describe('malformed policies are refused with file, line and what is wrong', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['an unknown item id', `benchmark: ${UBUNTU}\nwaivers:\n  - id: "5.3.99"\n    reason: x\n`, /p\.yaml:3: waiver for unknown item 5\.3\.99/],
    ['an unknown tailoring name', `benchmark: ${UBUNTU}\ntailoring:\n  ssh-max-auth-trys: 3\n`, /p\.yaml:3: unknown tailoring value "ssh-max-auth-trys"/],
    ['a tailoring value of the wrong type', `benchmark: ${UBUNTU}\ntailoring:\n  ssh-max-auth-tries: "three"\n`, /p\.yaml:3: "ssh-max-auth-tries" must be an integer, got "three"/],
    ['a date that does not exist', `benchmark: ${UBUNTU}\nwaivers:\n  - id: "5.3.10"\n    reason: x\n    expires: 2027-02-30\n`, /p\.yaml:5: expires 2027-02-30 is not a real date/],
    ['a date in another format', `benchmark: ${UBUNTU}\nwaivers:\n  - id: "5.3.10"\n    reason: x\n    expires: 31/12/2027\n`, /p\.yaml:5: .*expires must be a date written YYYY-MM-DD/],
    ['a waiver without a reason', `benchmark: ${UBUNTU}\nwaivers:\n  - id: "5.3.10"\n    owner: me\n`, /p\.yaml:3: .*must have required property 'reason'/],
    ['a YAML syntax error', `benchmark: ${UBUNTU}\nwaivers:\n  - id: "5.3.10\n    reason: x\n`, /p\.yaml:\d+: YAML: /],
    ['an unknown key', `benchmark: ${UBUNTU}\nprofil: level-1\n`, /p\.yaml:2: unknown key "profil"/],
    ['an unknown profile', `benchmark: ${UBUNTU}\nprofile: level-3\n`, /p\.yaml:2: \/profile must be one of "level-1", "level-2"/],
    ['an unknown benchmark', 'benchmark: cis-ubuntu-18.04\nprofile: level-1\n', /p\.yaml:1: unknown benchmark "cis-ubuntu-18\.04"; known: cis-aliyun-linux-2-v1\.0\.0, cis-ubuntu-18\.04-v2\.1\.0/],
    ['an extends cycle', `extends: p.yaml\nbenchmark: ${UBUNTU}\n`, /extends .*p\.yaml, which extends it back: a cycle/],
  ];
  for (const [what, text, message] of cases) {
    it(`${what}: exit 2`, () => {
      const dir = tmp();
      const p = write(dir, 'p.yaml', text);
      const check = cli('policy', 'check', p);
      expect(check.code, check.out + check.err).toBe(2);
      expect(check.err).toMatch(message);
      expect(check.err).not.toMatch(/\n\s+at /);
      const run = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--policy', p, '--out', dir);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(message);
    });
  }
});

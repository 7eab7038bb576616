/**
 * `cis-bdd policy check` (issue 21, point 8): a policy is checked for what it shows by itself (waivers that
 * expired, waivers of items it does not select) and, with --against compliance.json, for waivers of items
 * that passed in that audit.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-pcheck-'));

function policy(text: string): string {
  const f = path.join(tmp(), 'policy.yaml');
  writeFileSync(f, `name: team\nextends: ${path.join(repoRoot, 'policies/cis-ubuntu-18.04-level-1.yaml')}\n${text}`);
  return f;
}

describe('cis-bdd policy check', () => {
  it('a clean policy: "valid" and its counts, no warning', () => {
    const r = cli('policy', 'check', 'policies/cis-ubuntu-18.04-level-1.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^policies\/cis-ubuntu-18\.04-level-1\.yaml: valid\. .*cis-ubuntu-18\.04-v2\.1\.0, level 1, 205 item\(s\) selected/);
    expect(r.stdout).not.toMatch(/warning/);
  });

  it('a waiver that expired in 2020 is named, with its file:line and what to do; a waiver of an item the policy does not select too', () => {
    const p = policy([
      'waivers:',
      '  - id: "6.1.2"',
      '    reason: migration',
      '    expires: 2020-06-30',
      '  - id: "1.1.10"',
      '    reason: level 2 item',
      '',
    ].join('\n'));
    const r = cli('policy', 'check', p);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/: valid, with 2 warning\(s\)\./);
    expect(r.stdout).toMatch(/^warning: \S*policy\.yaml:4: the waiver of 6\.1\.2 expired on 2020-06-30: it no longer applies and the item counts with its real verdict; renew "expires" or remove the waiver$/m);
    expect(r.stdout).toMatch(/^warning: \S*policy\.yaml:7: the waiver of 1\.1\.10: 1\.1\.10 is not selected by the policy .*, so the waiver has no effect there$/m);
  });

  it('--against compliance.json: waivers of items that passed in that audit are named as not needed', () => {
    const p = policy([
      'waivers:',
      '  - ids: ["6.1.2", "6.1.3"]',
      '    reason: we thought these failed',
      '',
    ].join('\n'));
    const out = tmp();
    const audit = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--policy', p, '--only', '6.1.2,6.1.3', '--out', out, '--no-allure', '--formats', 'none');
    expect(audit.code, audit.stderr + audit.stdout).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8'));
    const passed = report.items.filter((i: { id: string; status: string; observed?: string }) => ['6.1.2', '6.1.3'].includes(i.id) && i.status === 'waived' && i.observed === 'pass').map((i: { id: string }) => i.id);
    expect(passed.length).toBeGreaterThan(0);
    const r = cli('policy', 'check', p, '--against', path.join(out, 'compliance.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/valid, with 1 warning\(s\)/);
    expect(r.stdout).toMatch(new RegExp(`^warning: \\S*policy\\.yaml:\\d+: the waiver of 6\\.1\\.2, 6\\.1\\.3: ${passed.join(', ').replace(/\./g, '\\.')} passed on rootfs:\\S+ \\(compliance\\.json\\); the waiver is not needed there \\(remove it, or narrow its scope\\)$`, 'm'));
  });

  it('--against a file that is not a report, or a report of another benchmark: exit 2, one line', () => {
    const notJson = path.join(tmp(), 'x.json');
    writeFileSync(notJson, 'nope');
    const r = cli('policy', 'check', 'policies/cis-ubuntu-18.04-level-1.yaml', '--against', notJson);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--against .*x\.json is not JSON; give the compliance\.json of an audit with this policy/);
    const other = path.join(tmp(), 'c.json');
    writeFileSync(other, JSON.stringify({ benchmark: { id: 'cis-aliyun-linux-2-v1.0.0' }, items: [] }));
    const r2 = cli('policy', 'check', 'policies/cis-ubuntu-18.04-level-1.yaml', '--against', other);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/is an audit of cis-aliyun-linux-2-v1\.0\.0; the policy is for cis-ubuntu-18\.04-v2\.1\.0/);
    expect(r2.stderr.trim().split('\n')).toHaveLength(1);
  });
});

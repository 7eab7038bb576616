/**
 * Selecting nothing is not compliance (issue 21, point 2): a run in which a target has no selected item
 * exits 2 with one line naming the filter and the known tags; a tag expression that does not parse is
 * refused before anything runs; the same for a policy whose include/exclude leave nothing, for harden,
 * and for each target of a fleet.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-sel-'));
const KNOWN = /known tags: .*@scored.*@level:1, @level:2.*@section:<section id>, @id:<item id>/;

/** The run stopped with exit 2, one line on stderr, no stack trace, nothing written to --out. */
function refused(r: ReturnType<typeof cli>, out: string, message: RegExp) {
  expect(r.code, r.stderr + r.stdout).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(existsSync(path.join(out, 'compliance.json'))).toBe(false);
  expect(r.stdout).not.toMatch(/Selected|score/i);
}

function policy(text: string): string {
  const f = path.join(tmp(), 'policy.yaml');
  writeFileSync(f, text);
  return f;
}

describe('a run that selects nothing exits 2 and says which filter emptied it', () => {
  it('a misspelt tag (--tags "@levl:1"): the tag no scenario has, the nearest known one, and the known tags', () => {
    const out = tmp();
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--tags', '@levl:1', '--out', out);
    refused(r, out, /nothing to audit: --tags "@levl:1" selects no item of .*; no scenario has the tag @levl:1 \(did you mean @level:1\?\); known tags: /);
    expect(r.stderr).toMatch(KNOWN);
  });

  it('contradictory filters (--only 5.3 --level 1 --scored-only --tags "@level:2"): what the others select and the filter that leaves none', () => {
    const out = tmp();
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--benchmark', 'cis-ubuntu-18.04-v2.1.0', '--only', '5.3', '--level', '1', '--scored-only', '--tags', '@level:2', '--out', out);
    refused(r, out, /nothing to audit: --level 1, --scored-only, --only 5\.3 select \d+ item\(s\) of cis-ubuntu-18\.04-v2\.1\.0, and --tags "@level:2" \(\d+ item\(s\) alone\) leaves none of them; known tags: /);
  });

  it('a malformed tag expression (--tags "@level:1 and") is refused before the target is opened: exit 2, no stack trace', () => {
    const out = tmp();
    // a target that does not exist: the expression is refused first
    const r = cli('audit', '--target', 'rootfs:/nonexistent/root', '--tags', '@level:1 and', '--out', out);
    refused(r, out, /--tags "@level:1 and" is not a tag expression \(.*\); write for example --tags "@level:1 and not @section:1\.1"/);
  });

  it('a selection empty only in the benchmark the target\'s OS calls for is refused once the benchmark is known', () => {
    // @id:1.2.3 is an ACL2 item: the selection is not empty everywhere, but the Ubuntu fixture has nothing to audit
    const out = tmp();
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--tags', '@id:1.2.3', '--out', out, '--no-allure');
    expect(r.code, r.stderr + r.stdout).toBe(2);
    expect(r.stderr).toMatch(/nothing to audit: --tags "@id:1\.2\.3" selects no item of cis-ubuntu-18\.04-v2\.1\.0; no scenario has the tag @id:1\.2\.3.*; known tags: /);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(path.join(out, 'compliance.json'))).toBe(false);
  });

  it('a policy whose include/exclude leave nothing: exit 2 naming the policy, for audit and for policy check', () => {
    const p = policy('name: nothing\nbenchmark: cis-ubuntu-18.04-v2.1.0\nprofile: level-1\nexclude: ["1", "2", "3", "4", "5", "6"]\n');
    const out = tmp();
    refused(cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--policy', p, '--out', out), out,
      /nothing to audit: the policy .*policy\.yaml \(profile level-1; exclude 1, 2, 3, 4, 5, 6\) selects no item of cis-ubuntu-18\.04-v2\.1\.0; known tags: /);
    const check = cli('policy', 'check', p);
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/nothing to audit: the policy .* selects no item/);
    expect(check.stdout).not.toMatch(/valid/);
  });

  it('--only with a policy that leaves none of those items: names both', () => {
    const p = policy('name: no ssh\nbenchmark: cis-ubuntu-18.04-v2.1.0\nexclude: ["5.3"]\n');
    const out = tmp();
    refused(cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--policy', p, '--only', '5.3.10', '--out', out), out,
      /the policy .* \(profile level-2; exclude 5\.3\) selects \d+ item\(s\) of cis-ubuntu-18\.04-v2\.1\.0, and --only 5\.3\.10 \(1 item\(s\) alone\) leaves none of them/);
  });

  it('harden refuses an empty selection the same way, before it plans or changes anything', () => {
    const out = tmp();
    refused(cli('harden', '--target', `rootfs:${ensureUbuntuBase()}`, '--tags', '@levl:1', '--dry-run', '--out', out), out, /nothing to audit: --tags "@levl:1" selects no item/);
  });

  it('list refuses it too, and shows what a non-empty selection holds', () => {
    const r = cli('list', '--benchmark', 'cis-ubuntu-18.04-v2.1.0', '--tags', '@levl:1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did you mean @level:1\?/);
    const ok = cli('list', '--benchmark', 'cis-ubuntu-18.04-v2.1.0', '--only', '5.3', '--level', '1', '--scored-only');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^5\.3\.10\s+L1 scored\s+Ensure SSH root login is disabled$/m);
    expect(ok.stdout).not.toMatch(/^5\.3\.6 /m); // 5.3.6 is level 2
    expect(ok.stdout).toMatch(/(\d+) item\(s\) selected of 242 in cis-ubuntu-18\.04-v2\.1\.0/);
  });
});

describe('a tag no scenario carries, in a selection that is not empty', () => {
  it('runs, with one warning line naming the tag and the nearest known one', () => {
    const r = cli('list', '--benchmark', 'cis-ubuntu-18.04-v2.1.0', '--tags', 'not @levl:1 and @id:5.3.10');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1 item\(s\) selected of 242/m);
    expect(r.stderr.trim()).toBe('cis-bdd: warning: --tags "not @levl:1 and @id:5.3.10": no scenario has the tag @levl:1 (did you mean @level:1?)');
  });
});

describe('each target of a fleet', () => {
  it('a selection empty in every benchmark stops the fleet before any target runs (exit 2, one line)', () => {
    const out = tmp();
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--target', `rootfs:${ensureUbuntuBase()}`, '--tags', '@levl:1', '--out', out);
    refused(r, out, /nothing to audit: --tags "@levl:1" selects no item of cis-aliyun-linux-2-v1\.0\.0 or cis-ubuntu-18\.04-v2\.1\.0/);
    expect(existsSync(path.join(out, 'fleet.json'))).toBe(false);
  });

  it('a target whose own policy (policy= in the targets file) selects nothing stops the fleet, naming the target', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'empty.yaml'), 'name: nothing\nbenchmark: cis-ubuntu-18.04-v2.1.0\nexclude: ["1", "2", "3", "4", "5", "6"]\n');
    writeFileSync(path.join(dir, 'fleet.txt'), `rootfs:${ensureUbuntuBase()}\nrootfs:${ensureUbuntuBase()} policy=empty.yaml\n`);
    const out = tmp();
    const r = cli('audit', '--targets', path.join(dir, 'fleet.txt'), '--out', out);
    refused(r, out, /target rootfs:\S+ \(policy=\S+empty\.yaml\): nothing to audit: the policy .* selects no item/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a target whose OS calls for a benchmark in which the selection is empty is reported with the reason; the fleet exits 2', () => {
    const out = tmp();
    const fleet = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--target', `rootfs:${ensureUbuntuBase()}`, '--tags', '@id:1.2.3', '--out', out, '--no-allure');
    expect(fleet.code, fleet.stderr + fleet.stdout).toBe(2);
    expect(fleet.stdout).toMatch(/nothing to audit: --tags "@id:1\.2\.3" selects no item of cis-ubuntu-18\.04-v2\.1\.0/);
  });
});

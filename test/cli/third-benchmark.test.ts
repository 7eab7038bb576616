/**
 * A third benchmark is a folder, not a code change: test/fixtures/benchmarks/example-debian-12-v0.1.0/
 * (a manifest, a five-item catalogue, one .feature file written with the step definitions that exist)
 * audits the Ubuntu fixture through the CLI once CIS_BDD_BENCHMARKS_DIR names its parent folder. The
 * expected verdicts come from the rules in that folder and from what the real programs read on the
 * fixture: stat(2), the fixture's getent, dpkg-query on its package database, and its own `sshd -T`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';
import type { ComplianceReport } from '../../src/model/result.js';

const ID = 'example-debian-12-v0.1.0';
const benchmarksDir = path.join(repoRoot, 'test/fixtures/benchmarks');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-third-'));

function cli(env: Record<string, string | undefined>, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], {
    encoding: 'utf8', cwd: repoRoot, timeout: 120_000, env: { ...process.env, CIS_BDD_BENCHMARKS_DIR: undefined, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const withDir = { CIS_BDD_BENCHMARKS_DIR: benchmarksDir };

function audit(root: string, ...extra: string[]): { code: number | null; report: ComplianceReport; stderr: string } {
  const out = tmp();
  const r = cli(withDir, 'audit', '--target', `rootfs:${root}`, '--no-allure', '--formats', 'none', '--quiet', '--out', out, ...extra);
  return { code: r.code, stderr: r.stderr, report: JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8')) as ComplianceReport };
}

/** dpkg's own reading of the fixture's package database: the package's status word, or null when dpkg knows no such package. */
function dpkgStatus(root: string, pkg: string): string | null {
  const r = spawnSync('dpkg-query', [`--admindir=${root}/var/lib/dpkg`, '-W', '-f', '${db:Status-Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The rule "mode at most M, owned by one of the owners", applied to what stat(2) says. */
function modeRule(file: string, most: number, owners: Array<[number, number]>): 'pass' | 'fail' {
  const st = statSync(file);
  return (st.mode & 0o7777 & ~most) === 0 && owners.some(([u, g]) => st.uid === u && st.gid === g) ? 'pass' : 'fail';
}

describe(`a benchmark that is only a folder (${ID})`, () => {
  const root = ensureUbuntuBase();
  let maxAuthTries: number;
  let expected: Record<string, 'pass' | 'fail'>;

  beforeAll(async () => {
    // the fixture's own sshd says what it applies (host keys made in an overlay, never in the fixture)
    maxAuthTries = await withOverlay(root, () => undefined, async (merged) => {
      const out = execFileSync('timeout', ['60', 'chroot', merged, '/bin/sh', '-c',
        'ssh-keygen -A >/dev/null && mkdir -p /run/sshd && /usr/sbin/sshd -T -C user=root,host=client.example,addr=192.0.2.1'], { encoding: 'utf8' });
      return Number(/^maxauthtries (\d+)$/m.exec(out)![1]);
    });
    const shadowGid = Number(execFileSync('chroot', [root, 'getent', 'group', 'shadow'], { encoding: 'utf8' }).split(':')[2]);
    const rsh = dpkgStatus(root, 'rsh-client');
    const aide = dpkgStatus(root, 'aide');
    expected = {
      '1.1': modeRule(path.join(root, 'etc/passwd'), 0o644, [[0, 0]]),
      '1.2': modeRule(path.join(root, 'etc/shadow'), 0o640, [[0, 0], [0, shadowGid]]),
      // the feature: installed in every dpkg state but not-installed and config-files
      '2.1': rsh === null || rsh === 'not-installed' || rsh === 'config-files' ? 'pass' : 'fail',
      // completely installed: state installed, or only triggers left to run
      '2.2': aide === 'installed' || aide === 'triggers-pending' ? 'pass' : 'fail',
      '3.1': maxAuthTries <= 3 ? 'pass' : 'fail',
    };
  }, 180_000);

  it('is unknown without CIS_BDD_BENCHMARKS_DIR: nothing of it is in the code', () => {
    const r = cli({}, 'audit', '--target', `rootfs:${root}`, '--benchmark', ID, '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`unknown benchmark "${ID}"`));
    expect(cli({}, 'list').stdout).not.toContain(ID);
  });

  it('is listed with its items and its tailoring default once the folder is given', () => {
    expect(cli(withDir, 'list').stdout).toMatch(new RegExp(`${ID}\\s+Example benchmark for Debian 12.*: 5 items \\(4 level 1, 1 level 2; 5 scored\\)`));
    expect(cli(withDir, 'list', '--benchmark', ID).stdout).toMatch(/5 item\(s\) selected of 5 in example-debian-12-v0\.1\.0/);
    expect(cli(withDir, 'list', '--tailoring', '--benchmark', ID).stdout).toMatch(/ssh-max-auth-tries\s+\(integer, default 3; items 3\.1\)/);
  });

  it('audits the Ubuntu fixture end to end: its items, each verdict as its rule says, a valid compliance.json', () => {
    const { code, report } = audit(root, '--benchmark', ID);
    expect(report.benchmark).toEqual({ id: ID, title: 'Example benchmark for Debian 12 (a test of benchmarks as data, not a CIS benchmark)' });
    expect(report.items.map((i) => i.id)).toEqual(['1.1', '1.2', '2.1', '2.2', '3.1']);
    expect(Object.fromEntries(report.items.map((i) => [i.id, i.status]))).toEqual(expected);
    for (const i of report.items) expect(i.evidence.length, i.id).toBeGreaterThan(0);
    expect(report.items.find((i) => i.id === '3.1')!.evidence).toContainEqual({ source: 'policy tailoring', excerpt: 'ssh-max-auth-tries = 3 (benchmark default)' });
    if (expected['3.1'] === 'fail') expect(report.items.find((i) => i.id === '3.1')!.reason).toBe(`MaxAuthTries is ${maxAuthTries}; it must be at most 3`);
    expect(report.run.warnings.join('\n')).toMatch(/example-debian-12-v0\.1\.0 was requested, but the target runs Ubuntu 18\.04 LTS.*calls for cis-ubuntu-18\.04-v2\.1\.0/);
    expect(code).toBe(Object.values(expected).includes('fail') ? 1 : 0);
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/compliance.schema.json'), 'utf8'));
    const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: true, strictRequired: false });
    (addFormats as unknown as typeof addFormats.default)(ajv);
    const validate = ajv.compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('is the default benchmark of the OS its manifest names (the fixture as Debian 12)', async () => {
    await withOverlay(root, (l) => l.write('/usr/lib/os-release', 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'), async (merged) => {
      const { report } = audit(merged);
      expect(report.benchmark.id).toBe(ID);
      expect(report.run.warnings).toEqual([]);
      expect(Object.fromEntries(report.items.map((i) => [i.id, i.status]))).toEqual(expected);
    });
  });

  it('takes a policy: level 1 leaves out its level 2 item, and its own tailoring value is set', () => {
    const dir = tmp();
    const policy = path.join(dir, 'p.yaml');
    writeFileSync(policy, `benchmark: ${ID}\nprofile: level-1\ntailoring:\n  ssh-max-auth-tries: ${maxAuthTries}\n`);
    expect(cli(withDir, 'policy', 'check', policy).code).toBe(0);
    const { report } = audit(root, '--policy', policy);
    const byId = new Map(report.items.map((i) => [i.id, i]));
    expect(byId.get('2.2')!.status).toBe('not-selected');
    expect(byId.get('3.1')!.status).toBe('pass');
    expect(byId.get('3.1')!.evidence).toContainEqual({ source: 'policy tailoring', excerpt: `ssh-max-auth-tries = ${maxAuthTries} (set by the policy)` });
    // ssh-max-sessions is the Ubuntu benchmark's, not this one's
    writeFileSync(policy, `benchmark: ${ID}\ntailoring:\n  ssh-max-sessions: 4\n`);
    const r = cli(withDir, 'policy', 'check', policy);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/p\.yaml:3: unknown tailoring value "ssh-max-sessions" for example-debian-12-v0\.1\.0/);
  });

  it('has a cucumber-js profile of its own, which writes the same verdicts', () => {
    const out = path.join(tmp(), 'compliance.json');
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/@cucumber/cucumber/bin/cucumber.js'), '--profile', ID], {
      encoding: 'utf8', cwd: repoRoot, timeout: 120_000,
      env: { ...process.env, ...withDir, CIS_BDD_TARGET: `rootfs:${root}`, CIS_BDD_BENCHMARK: undefined, CIS_BDD_COMPLIANCE_JSON: out },
    });
    expect(r.stdout).toMatch(/5 scenarios/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as ComplianceReport;
    expect(report.benchmark.id).toBe(ID);
    expect(Object.fromEntries(report.items.map((i) => [i.id, i.status]))).toEqual(expected);
  });

  it('a broken manifest or an id already known stops the command (exit 2), naming the file', () => {
    const broken = tmp();
    cpSync(path.join(benchmarksDir, ID), path.join(broken, ID), { recursive: true });
    const manifest = path.join(broken, ID, 'benchmark.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"family"', '"familly"'));
    let r = cli({ CIS_BDD_BENCHMARKS_DIR: broken }, 'list');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${manifest}: unknown key "os.familly"`);
    const twin = tmp();
    mkdirSync(path.join(twin, 'cis-ubuntu-18.04-v2.1.0'));
    cpSync(path.join(benchmarksDir, ID), path.join(twin, 'cis-ubuntu-18.04-v2.1.0'), { recursive: true });
    const twinManifest = path.join(twin, 'cis-ubuntu-18.04-v2.1.0', 'benchmark.json');
    writeFileSync(twinManifest, readFileSync(twinManifest, 'utf8').replace(`"${ID}"`, '"cis-ubuntu-18.04-v2.1.0"'));
    r = cli({ CIS_BDD_BENCHMARKS_DIR: twin }, 'list');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/benchmark "cis-ubuntu-18\.04-v2\.1\.0" is already defined by .*benchmarks\/cis-ubuntu-18\.04-v2\.1\.0\/benchmark\.json/);
  });
});

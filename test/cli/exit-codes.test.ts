/**
 * The CLI as a CI job sees it: exit codes 0/1/2/3, messages without stack traces, and the benchmark
 * chosen from the target's os-release.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-cli-'));

describe('cis-bdd exit codes', () => {
  it('0 when every selected scored item passes', () => {
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '6.1.2', '--out', tmp(), '--no-html');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/Pass\s+1/);
  });

  it('--no-allure writes no Allure results (compliance.json, summary.txt and the other formats only); without it, Allure results are written too', () => {
    const [bare, full] = [tmp(), tmp()];
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '6.1.2', '--out', bare, '--no-allure');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(readdirSync(bare).sort()).toEqual(['compliance.json', 'junit.xml', 'results.sarif', 'summary.txt', 'xccdf-results.xml']);
    expect(r.stdout).not.toMatch(/Allure/);
    expect(cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '6.1.2', '--out', full, '--no-html').code).toBe(0);
    expect(readdirSync(full)).toContain('allure-results');
  });

  it('1 when a selected scored item fails, and the summary names it', async () => {
    await withOverlay(ensureUbuntuBase(), (l) => l.chmod('/etc/passwd', 0o666), async (root) => {
      const out = tmp();
      const r = cli('audit', '--target', `rootfs:${root}`, '--only', '6.1.2', '--out', out, '--no-html');
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/Failed \(1\):\s+6\.1\.2\s+Ensure permissions on \/etc\/passwd are configured/);
      expect(JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8')).items.find((i: { id: string }) => i.id === '6.1.2').status).toBe('fail');
      expect(readFileSync(path.join(out, 'summary.txt'), 'utf8')).toContain('6.1.2');
    });
  });

  it('3 when the audit ran but an item ended in error (an unparseable /etc/group)', async () => {
    await withOverlay(ensureUbuntuBase(), (l) => l.append('/etc/group', 'this is not a group line\n'), async (root) => {
      const r = cli('audit', '--target', `rootfs:${root}`, '--only', '6.1.2', '--out', tmp(), '--no-html');
      expect(r.code, r.stdout).toBe(3);
      expect(r.stdout).toMatch(/Errors \(1\):\s+6\.1\.2 .*not a valid group line/);
    });
  });

  const usage: Array<[string, string[], RegExp]> = [
    ['an unknown option', ['audit', '--frobnicate'], /Unknown option '--frobnicate'/],
    ['a bad level', ['audit', '--level', '3'], /--level must be 1 or 2/],
    ['an unknown benchmark', ['audit', '--target', 'rootfs:/', '--benchmark', 'cis-windows'], /unknown benchmark "cis-windows"; known: cis-aliyun-linux-2-v1.0.0, cis-ubuntu-18.04-v2.1.0/],
    ['a missing root filesystem', ['audit', '--target', 'rootfs:/nonexistent/root'], /target unreachable: root filesystem \/nonexistent\/root cannot be read/],
    ['an unknown target form', ['audit', '--target', 'ftp://x'], /usage error: unknown target "ftp:\/\/x"/],
    ['a password in an ssh URI', ['audit', '--target', 'ssh://ops:secret@127.0.0.1'], /a password in the target URI is refused/],
    ['an unknown container', ['audit', '--target', 'docker://cis-bdd-no-such-container'], /target unreachable: container "cis-bdd-no-such-container" not found/],
    ['a missing image', ['audit', '--target', 'docker-image://cis-bdd/no-such-image:0'], /target unreachable: image "cis-bdd\/no-such-image:0" is not present/],
    ['an unknown --only id', ['audit', '--target', `rootfs:${'/var/tmp/cis-bdd-fixtures/ubuntu-18.04'}`, '--only', '9.9.9'], /--only 9\.9\.9: no item or section/],
  ];
  for (const [what, args, message] of usage) {
    it(`2 for ${what}, with a message and no stack trace`, () => {
      ensureUbuntuBase();
      const r = cli(...args, '--out', tmp());
      expect(r.code, r.stderr + r.stdout).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      if (what.includes('password')) expect(r.stderr + r.stdout).not.toContain('secret');
    });
  }

  it('2 for an OS no benchmark covers, naming both benchmarks and --benchmark', () => {
    const root = tmp();
    mkdirSync(path.join(root, 'etc'));
    writeFileSync(path.join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
    const r = cli('audit', '--target', `rootfs:${root}`, '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Debian GNU\/Linux 12.*cis-aliyun-linux-2-v1\.0\.0, cis-ubuntu-18\.04-v2\.1\.0.*--benchmark/);
  });

  it('records a warning when --benchmark does not match the target OS', () => {
    const out = tmp();
    const r = cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--benchmark', 'cis-aliyun-linux-2-v1.0.0', '--only', '6.1.2', '--out', out, '--no-html');
    expect([0, 1, 3]).toContain(r.code);
    const report = JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8'));
    expect(report.benchmark.id).toBe('cis-aliyun-linux-2-v1.0.0');
    expect(report.run.warnings.join('\n')).toMatch(/requested, but the target runs Ubuntu 18\.04 LTS.*calls for cis-ubuntu-18\.04-v2\.1\.0/);
    expect(r.stdout).toMatch(/WARNING: benchmark cis-aliyun-linux-2-v1\.0\.0 was requested/);
  });

  it('picks the benchmark from /etc/os-release when none is given', () => {
    const out = tmp();
    cli('audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '6.1.2', '--out', out, '--no-html');
    expect(JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8')).benchmark.id).toBe('cis-ubuntu-18.04-v2.1.0');
  });
});

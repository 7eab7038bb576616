/**
 * The HTML report says nothing of the machine that made it: run from inside a git repository whose origin
 * URL holds a credential, `cis-bdd audit` must not put that URL, the token, the repository's name or its
 * branch into the report (Allure asks git about the current directory to describe the "CI" it ran in).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('the HTML report and the auditing machine', () => {
  it('holds no git remote, token, repository name or branch of the directory it was made in', () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-secret-repo-'));
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'pipe' });
    git('init', '-q');
    git('checkout', '-q', '-b', 'release-branch-7f3a');
    git('remote', 'add', 'origin', 'https://alice:ghp_cisbddFakeToken0123456789@github.com/acme/infra-secrets.git');
    const out = path.join(repo, 'out');
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), 'audit', '--target', `rootfs:${ensureUbuntuBase()}`,
      '--benchmark', 'cis-ubuntu-18.04-v2.1.0', '--only', '1.1.1.1', '--out', out, '--quiet'], { cwd: repo, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    const report = path.join(out, 'allure-report');
    const files = allFiles(report);
    expect(files.some((f) => f.endsWith('index.html'))).toBe(true);
    const text = files.map((f) => readFileSync(f, 'latin1')).join('\n');
    expect(text).toContain('1.1.1.1'); // the report is there, with the item
    for (const secret of ['ghp_cisbddFakeToken0123456789', 'acme/infra-secrets', 'release-branch-7f3a', path.basename(repo)]) {
      expect(text.includes(secret), secret).toBe(false);
    }
  }, 120_000);
});

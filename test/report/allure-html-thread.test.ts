/**
 * The audit's HTML report is made in a worker thread that loads Allure while the audit runs
 * (src/report/allure-html-thread.ts): the report it makes, its errors, and a thread never asked.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';

type Thread = typeof import('../../src/report/allure-html-thread.js');
const threads = async () => (await import(/* @vite-ignore */ pathToFileURL(path.join(repoRoot, 'dist/src/report/allure-html-thread.js')).href)) as Thread;

const scratch: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), `cis-bdd-${prefix}-`));
  scratch.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const audit = (out: string) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), 'audit', '--target', `rootfs:${ensureUbuntuBase()}`,
  '--benchmark', 'cis-ubuntu-18.04-v2.1.0', '--only', '1.1.1.1,1.1.1.2', '--formats', 'none', '--out', out], { encoding: 'utf8', timeout: 120_000 });

describe("the audit's HTML report, made in its own thread", () => {
  it('is the report `cis-bdd report` makes of the same results, with the audit exit code', () => {
    const out = path.join(tmp('html-thread'), 'out');
    const r = audit(out);
    expect(r.status, r.stderr).toBe(1);
    const index = path.join(out, 'allure-report', 'index.html');
    expect(r.stdout).toContain(`Allure report: ${index}`);
    const results = (file: string) => {
      const tests = JSON.parse(readFileSync(file, 'utf8')) as { byId: Record<string, { name: string; status: string }> };
      return Object.values(tests.byId).map((t) => `${t.name}: ${t.status}`).sort();
    };
    const fromThread = results(path.join(out, 'allure-report', 'test-results.json'));
    expect(fromThread).toHaveLength(2);
    expect(readFileSync(index, 'utf8')).not.toMatch(/googletagmanager|google-analytics|\bgtag\s*\(/i);
    const again = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), 'report', out, '--out', path.join(out, 'again')], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(results(path.join(out, 'again', 'test-results.json'))).toEqual(fromThread);
  });

  it("says why when the thread cannot make it, and the audit's result stands", () => {
    const out = path.join(tmp('html-thread-refused'), 'out');
    mkdirSync(path.join(out, 'allure-report'), { recursive: true });
    writeFileSync(path.join(out, 'allure-report', 'notes.txt'), 'not a report\n');
    const r = audit(out);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/Allure report: not generated \(.*allure-report exists and does not hold an Allure report; not replacing it\)/);
    expect(existsSync(path.join(out, 'compliance.json'))).toBe(true);
    expect(readFileSync(path.join(out, 'allure-report', 'notes.txt'), 'utf8')).toBe('not a report\n');
  });

  it('answers an error of the thread as an error, and a thread never asked ends when closed', async () => {
    const { startAllureHtmlThread } = await threads();
    const thread = startAllureHtmlThread();
    const missing = path.join(tmp('html-thread-missing'), 'none');
    await expect(thread.generate(missing, path.join(missing, '..', 'report'), { benchmark: { title: 'b' }, target: { uri: 'x' } } as never))
      .rejects.toThrow(`no Allure results directory at ${missing}`);
    await expect(thread.generate(missing, missing, {} as never)).rejects.toThrow('the report thread makes one report');
    await thread.close();
    const idle = startAllureHtmlThread();
    await idle.close();
    await expect(idle.generate(missing, missing, {} as never)).rejects.toThrow(/was closed before the report was made/);
  });
});

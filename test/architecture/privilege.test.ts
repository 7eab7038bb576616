/**
 * A local audit not run as root (issue 21, point 7): it says once, before the items start, how many of
 * the selected items need root and how to run it instead; the items that read root-only files end in
 * "error" with the file that could not be read, and nothing logs in. The CLI is run as nobody
 * (setpriv --reuid=65534 --regid=65534 --clear-groups) against the Ubuntu fixture tree and `local`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import { itemsNeedingRoot, readsWithOwnRights, rootNotice } from '../../src/engine/privilege.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const ACL2 = 'cis-aliyun-linux-2-v1.0.0';
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function cli(args: string[], asNobody: boolean): { code: number | null; stderr: string; out: string } {
  const out = mkdtempSync('/tmp/cis-bdd-privilege-');
  dirs.push(out);
  chmodSync(out, 0o777);
  const argv = ['node', path.join(repoRoot, 'bin/cis-bdd.mjs'), 'audit', ...args, '--out', out, '--no-html', '--no-allure', '--formats', 'none'];
  const cmd = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
  const r = spawnSync('timeout', ['300', ...cmd], { cwd: '/tmp', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stderr: r.stderr, out };
}

const report = (out: string) => JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8')) as { items: Array<{ id: string; status: string; reason?: string }> };

describe('which items need root', () => {
  it('is known from the steps: shadow, sudoers, root\'s PATH need root; a modprobe setting does not', () => {
    const c = itemsNeedingRoot(UBUNTU, '@id:5.5.1.1 or @id:6.2.12 or @id:1.1.1.1 or @id:5.2.2 or @id:6.2.1');
    expect(c.selected.sort()).toEqual(['1.1.1.1', '5.2.2', '5.5.1.1', '6.2.1', '6.2.12']);
    expect(c.needRoot.sort()).toEqual(['5.2.2', '5.5.1.1', '6.2.12']);
    expect(rootNotice(c)).toBe('cis-bdd: warning: 3 of the 5 selected items need root to read what they check; run as root (sudo cis-bdd …), or use --sudo over ssh://\n');
  });

  it('counts whole benchmarks, on both', () => {
    for (const b of [UBUNTU, ACL2]) {
      const c = itemsNeedingRoot(b, undefined);
      expect(c.selected.length).toBeGreaterThan(150);
      expect(c.needRoot.length).toBeGreaterThan(20);
      expect(c.needRoot.length).toBeLessThan(c.selected.length);
    }
    expect(itemsNeedingRoot(ACL2, '@id:6.2.6').needRoot).toEqual(['6.2.6']);
  });

  it('applies to targets read with this process\'s rights only', () => {
    expect([undefined, 'local', 'local://', 'rootfs:/mnt'].map(readsWithOwnRights)).toEqual([true, true, true, true]);
    expect(['ssh://u@h', 'docker://c', 'docker-image://i'].map(readsWithOwnRights)).toEqual([false, false, false]);
  });
});

describe('the CLI run as nobody', () => {
  const ONLY = '5.5.1.1,6.2.12,1.1.1.1,5.2.2';

  it('on a root filesystem: says once, before the items, that 3 of the 4 need root; those items are errors naming the file', () => {
    const base = ensureUbuntuBase();
    const r = cli(['--target', `rootfs:${base}`, '--only', ONLY], true);
    const notice = 'cis-bdd: warning: 3 of the 4 selected items need root to read what they check; run as root (sudo cis-bdd …), or use --sudo over ssh://';
    expect(r.stderr.split('\n').filter((l) => l.includes('need root')), r.stderr).toEqual([notice]);
    expect(r.stderr.indexOf(notice)).toBeLessThan(Math.max(0, r.stderr.indexOf('audited 4 items')));
    const items = report(r.out).items;
    const status = (id: string) => items.find((i) => i.id === id)!;
    expect(status('5.5.1.1')).toMatchObject({ status: 'error', reason: expect.stringMatching(/\/etc\/shadow cannot be read: permission denied/) });
    expect(status('5.2.2')).toMatchObject({ status: 'error', reason: expect.stringMatching(/\/etc\/sudoers cannot be read/) });
    expect(status('6.2.12')).toMatchObject({ status: 'error', reason: expect.stringMatching(/\/root\/\.\S+ cannot be read: permission denied/) });
    expect(status('1.1.1.1').status).toBe('fail');
  });

  it('as root: no notice, and 6.2.12 is worked out from the files (pass on the stock tree)', () => {
    const r = cli(['--target', `rootfs:${ensureUbuntuBase()}`, '--only', ONLY], false);
    expect(r.stderr).not.toMatch(/need root/);
    expect(report(r.out).items.find((i) => i.id === '6.2.12')!.status).toBe('pass');
  });

  it('on local: the notice counts the selected items; root\'s PATH is an error, and nothing is asked of su', () => {
    const r = cli(['--target', 'local', '--benchmark', UBUNTU, '--only', '6.2.12,1.1.1.1'], true);
    expect(r.stderr.split('\n').filter((l) => l.includes('need root')), r.stderr).toEqual([
      'cis-bdd: warning: 1 of the 2 selected items need root to read what they check; run as root (sudo cis-bdd …), or use --sudo over ssh://',
    ]);
    const item = report(r.out).items.find((i) => i.id === '6.2.12')!;
    expect(item.status).toBe('error');
    expect(item.reason).toMatch(/cannot be read|login shell is/);
    expect(item.reason).not.toMatch(/\bsu\b/);
    // the host's own su was never started by the audit
    expect(execFileSync('sh', ['-c', 'ps -eo comm | grep -cx su || true'], { encoding: 'utf8' }).trim()).toBe('0');
  });
});

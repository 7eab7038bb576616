/**
 * A hostile root filesystem, audited whole through the CLI under a 500 MB memory cgroup and a timeout
 * (limited.ts): a device, a FIFO, a 2 GiB sparse file, a symbolic link loop and links aimed at the host's
 * own files where configuration files should be, and binary bytes in one. Expected, by the rule:
 * the items that need those files end `error` with a reason naming the path and what it is; every other
 * item keeps the verdict it has on the untouched tree; nothing from the host is read; the run completes
 * with exit code 3 or 1; memory stays under 500 MB.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, withOverlay } from '../support/fixtures.js';
import { describeRun, limitedCli, MEMORY_LIMIT_BYTES } from './limited.js';

interface Item { id: string; status: string; reason?: string; evidence: Array<{ source: string; excerpt: string }> }
interface Report { items: Item[]; run: { interrupted?: unknown } }
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-hostile-'));
const readReport = (out: string): Report => JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8'));
const byId = (r: Report) => new Map(r.items.map((i) => [i.id, i]));

/** Every file the run wrote, as one text (compliance.json, summary.txt, Allure results). */
function allOutput(dir: string): string {
  let text = '';
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) text += readFileSync(path.join(e.parentPath, e.name), 'latin1');
  }
  return text;
}

const SECRET = `host-only-secret-${process.pid}`;
let hostDir: string;
let baseline: Report;

beforeAll(async () => {
  hostDir = tmp();
  writeFileSync(path.join(hostDir, 'secret'), `${SECRET}\nALL: ALL\n`);
  const out = tmp();
  const r = await limitedCli(['audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--out', out, '--no-allure', '--timeout', '60']);
  expect([0, 1, 3], r.stderr).toContain(r.code);
  baseline = readReport(out);
}, 300_000);

afterAll(() => { rmSync(hostDir, { recursive: true, force: true }); });

describe('a hostile root filesystem', () => {
  it('ends the items that need an unreadable file in error, keeps every other verdict, reads nothing of the host, stays under 500 MB', async () => {
    const out = tmp();
    console.log(`reports: ${out}`);
    const run = await withOverlay(ensureUbuntuBase(), (l) => {
      const at = (p: string) => path.join(l.root, p);
      l.remove('/etc/login.defs');
      symlinkSync('/dev/zero', at('/etc/login.defs'));
      l.remove('/etc/ssh/sshd_config');
      symlinkSync('../../dev/urandom', at('/etc/ssh/sshd_config'));
      execFileSync('mkfifo', [at('/etc/profile.d/zz-hostile.sh')]);
      l.remove('/etc/issue');
      execFileSync('truncate', ['-s', '2G', at('/etc/issue')]);
      l.remove('/etc/issue.net');
      writeFileSync(at('/etc/issue.net'), Buffer.concat([Buffer.from('Authorized uses only \x1b[2J\x1b]0;pwned\x07 '), Buffer.from([0xff, 0xfe, 0x00, 0x9b]), Buffer.from(' \u202eevil\n')]));
      l.remove('/etc/cron.allow');
      symlinkSync('/etc/cron.allow.b', at('/etc/cron.allow'));
      symlinkSync('/etc/cron.allow', at('/etc/cron.allow.b'));
      l.remove('/etc/hosts.allow');
      symlinkSync(path.join(hostDir, 'secret'), at('/etc/hosts.allow'));
      l.remove('/etc/hosts.deny');
      symlinkSync(`${'../'.repeat(12)}${path.join(hostDir, 'secret').slice(1)}`, at('/etc/hosts.deny'));
    }, async (root) => {
      const r = await limitedCli(['audit', '--target', `rootfs:${root}`, '--out', out, '--timeout', '60', '--no-html'], { timeoutSeconds: 240 });
      return r;
    });
    console.log(`hostile rootfs audit: ${describeRun(run)}`);
    expect(run.killedByTimeout, run.stderr).toBe(false);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect([1, 3]).toContain(run.code);
    expect(run.maxRssBytes).toBeLessThan(MEMORY_LIMIT_BYTES);
    const report = readReport(out);
    const items = byId(report);
    const old = byId(baseline);
    const changed = report.items.filter((i) => old.get(i.id)?.status !== i.status).map((i) => `${i.id}: ${old.get(i.id)?.status} -> ${i.status}: ${i.reason}`);
    console.log(changed.join('\n'));
    const reasonOf = (id: string) => items.get(id)?.reason ?? '';
    // only the items that need one of the hostile files changed: an unreadable /etc/issue is an error of
    // 1.7.6 alone (1.7.1 reads /etc/motd; 1.7.5 reads the rewritten /etc/issue.net and gets its own verdict)
    // 6.2.12 (root's PATH) starts from login.defs (ENV_SUPATH/ENV_PATH), so the character device there makes it an error too
    const expectedChanges = /^(1\.7\.[56]|5\.1\.[89]|5\.3\.\d+|5\.5\.1\.\d|5\.5\.[245]|3\.3\.[2-5]|6\.2\.12):/;
    expect(changed.filter((c) => !expectedChanges.test(c))).toEqual([]);
    for (const c of changed.filter((x) => !/^(3\.3\.|1\.7\.5)/.test(x))) expect(c).toMatch(/-> error: /);
    expect(items.get('1.7.1')?.status).toBe(old.get('1.7.1')?.status);
    expect(items.get('1.7.5')?.status).not.toBe('error');
    // login.defs is a character device inside the tree
    expect(reasonOf('5.5.1.1')).toMatch(/\/etc\/login\.defs.*character device/);
    expect(items.get('5.5.1.1')?.status).toBe('error');
    expect(items.get('6.2.12')?.status).toBe('error');
    expect(reasonOf('6.2.12')).toMatch(/\/etc\/login\.defs.*character device/);
    // sshd_config -> urandom
    expect(items.get('5.3.10')?.status).toBe('error');
    expect(reasonOf('5.3.10')).toMatch(/\/etc\/ssh\/sshd_config.*character device/);
    // a FIFO among the profile scripts
    expect(items.get('5.5.4')?.status).toBe('error');
    expect(reasonOf('5.5.4')).toMatch(/\/etc\/profile\.d\/zz-hostile\.sh.*FIFO/);
    // a 2 GiB sparse /etc/issue
    expect(items.get('1.7.6')?.status).toBe('error');
    expect(reasonOf('1.7.6')).toMatch(/\/etc\/issue.*too large to be a configuration file/);
    // a link loop at /etc/cron.allow
    expect(items.get('5.1.8')?.status).toBe('error');
    expect(reasonOf('5.1.8')).toMatch(/\/etc\/cron\.allow.*symbolic link loop/);
    // nothing of the host's file is read, wherever the links point
    const everything = allOutput(out);
    expect(everything).not.toContain(SECRET);
    // binary and control bytes are escaped, never raw, in every output
    expect(everything).not.toMatch(/\x1b|\x07|\xff\xfe|\u202e/);
    expect(existsSync(path.join(out, 'summary.txt'))).toBe(true);
  }, 300_000);

  it('shows binary bytes, escape sequences and odd file names escaped, never raw', async () => {
    const out = tmp();
    const run = await withOverlay(ensureUbuntuBase(), (l) => {
      const at = (p: string) => path.join(l.root, p);
      l.remove('/etc/issue.net');
      writeFileSync(at('/etc/issue.net'), Buffer.concat([Buffer.from('Authorized uses only \\s \x1b[2J\x1b]0;pwned\x07 '), Buffer.from([0xff, 0xfe, 0x9b]), Buffer.from(' \u202eevil\n')]));
      // a world-writable file whose name holds a newline, a tab, an escape sequence and a byte that is not UTF-8
      const odd = Buffer.concat([Buffer.from(`${l.root}/var/tmp-odd-\nname\t\x1b[31m`), Buffer.from([0xff])]);
      writeFileSync(odd, 'x');
      chmodSync(odd, 0o666);
    }, async (root) => limitedCli(['audit', '--target', `rootfs:${root}`, '--out', out, '--only', '1.7.5,6.1.10', '--timeout', '60', '--no-html'], { timeoutSeconds: 240 }));
    console.log(`escaping audit: ${describeRun(run)}`);
    expect(run.code, run.stderr).toBe(1);
    const report = readReport(out);
    const items = byId(report);
    const banner = items.get('1.7.5')!;
    const world = items.get('6.1.10')!;
    expect(banner.status).toBe('fail'); // \s shows the OS name: fails by the benchmark's rule
    expect(world.status).toBe('fail');
    const bannerText = JSON.stringify(banner);
    // the banner fact decodes with Buffer#toString: each byte that is not UTF-8 became U+FFFD, shown escaped
    expect(bannerText).toMatch(/\\\\x1b\[2J\\\\x1b\]0;pwned\\\\x07 (\\\\xff\\\\xfe\\\\x9b|(\\\\ufffd){3}) \\\\u202eevil/);
    const worldText = JSON.stringify(world);
    expect(worldText).toContain('tmp-odd-\\\\nname\\\\t\\\\x1b[31m');
    // every report the run wrote, and the terminal: nothing raw
    const everything = allOutput(out) + run.stdout;
    expect(everything).not.toMatch(/\x1b|\x07|\u202e|\xff\xfe|\ufffd/);
    expect(everything).not.toMatch(/tmp-odd-\n/);
  }, 300_000);
});

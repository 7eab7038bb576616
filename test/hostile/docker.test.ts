/**
 * The hostile cases on a running container (docker://), audited through the CLI under a 500 MB memory
 * cgroup and a timeout (limited.ts), the container itself under `docker run --memory`: a device, a FIFO,
 * a 2 GiB sparse file and a link loop where configuration files should be; and the container stopped in
 * the middle of an audit.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docker, IMAGES, startContainer } from '../support/containers.js';
import { describeRun, limitedCli, MEMORY_LIMIT_BYTES } from './limited.js';

interface Item { id: string; status: string; reason?: string }
interface Report { items: Item[]; run: { targetLost?: string } }
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-hostile-'));
const readReport = (out: string): Report => JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8'));

const HOSTILE_SETUP = [
  'ln -sf /dev/zero /etc/login.defs',
  'ln -sf /dev/urandom /etc/ssh/sshd_config',
  'mkfifo /etc/profile.d/zz-hostile.sh',
  'rm -f /etc/issue && truncate -s 2G /etc/issue',
  'rm -f /etc/cron.allow && ln -s /etc/cron.allow.b /etc/cron.allow && ln -s /etc/cron.allow /etc/cron.allow.b',
].join(' && ');

describe('a hostile running container', () => {
  it('a full audit: the items that need an unreadable file end in error with the reason, the others keep their verdict, under 500 MB', async () => {
    const base = startContainer(IMAGES.ubuntuStock, ['--memory', '256m']);
    const hostile = startContainer(IMAGES.ubuntuStock, ['--memory', '256m']);
    try {
      hostile.exec(HOSTILE_SETUP);
      const [outBase, outHostile] = [tmp(), tmp()];
      const args = ['--no-allure', '--timeout', '20']; // a full audit, level 2
      const b = await limitedCli(['audit', '--target', base.uri, '--out', outBase, ...args], { timeoutSeconds: 300 });
      expect([0, 1, 3], b.stderr).toContain(b.code);
      const run = await limitedCli(['audit', '--target', hostile.uri, '--out', outHostile, ...args], { timeoutSeconds: 300 });
      console.log(`hostile docker audit: ${describeRun(run)}`);
      expect(run.killedByTimeout, run.stderr).toBe(false);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect([1, 3]).toContain(run.code);
      expect(run.maxRssBytes).toBeLessThan(MEMORY_LIMIT_BYTES);
      const before = new Map(readReport(outBase).items.map((i) => [i.id, i]));
      const report = readReport(outHostile);
      const items = new Map(report.items.map((i) => [i.id, i]));
      const changed = report.items.filter((i) => before.get(i.id)?.status !== i.status).map((i) => `${i.id}: ${before.get(i.id)?.status} -> ${i.status}: ${i.reason}`);
      console.log(changed.join('\n'));
      const reason = (id: string) => `${items.get(id)?.status}: ${items.get(id)?.reason}`;
      expect(reason('5.5.1.1')).toMatch(/^error: .*\/etc\/login\.defs.*character device/);
      expect(reason('5.5.4')).toMatch(/^error: .*\/etc\/profile\.d\/zz-hostile\.sh.*FIFO/);
      expect(reason('1.7.6')).toMatch(/^error: .*\/etc\/issue.*too large to be a configuration file/);
      expect(reason('5.1.8')).toMatch(/^error: .*\/etc\/cron\.allow.*symbolic link loop/);
      // sshd -T reading /dev/urandom was abandoned at our timeout and killed on the target soon after
      expect(reason('5.3.10')).toMatch(/^error: .*timed out after 20 s \(docker command: .*(sshd -T|for c in 'user=root)/);
      await new Promise((r) => setTimeout(r, 8000));
      expect(hostile.exec("for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f 2>/dev/null; echo; done | grep -c '^sshd -T' || true").trim()).toBe('0');
      // and what the target's own programs make of the hostile files: dpkg --verify hashing the 2 GiB
      // /etc/issue until the (scaled) timeout; root's login PATH is worked out from the files, where
      // /dev/zero as login.defs and the FIFO in profile.d are refused
      expect(reason('6.1.1')).toMatch(/^error: .*timed out after \d+ s \(docker command: (: )?dpkg --verify|^manual: /);
      expect(reason('6.2.12')).toMatch(/^error: .*(\/etc\/login\.defs|zz-hostile\.sh)|^pass: /);
      for (const c of changed) expect(c).toMatch(/^(1\.7\.[156]|5\.1\.[89]|5\.3\.\d+|5\.5\.1\.\d|5\.5\.[245]|6\.1\.1|6\.2\.12): .* -> error: /);
    } finally {
      base.remove();
      hostile.remove();
    }
  }, 600_000);

  it('the container stopped mid-audit: affected items error, the report is written, exit 3 or 2, one line on stderr', async () => {
    const c = startContainer(IMAGES.ubuntuStock);
    try {
      // sshd -T reading /dev/urandom waits until --timeout: the audit is certainly still running when the
      // container is killed 12 s in, however fast the rest of it is
      c.exec('ln -sf /dev/urandom /etc/ssh/sshd_config');
      const out = tmp();
      let stopped = false;
      const run = await limitedCli(['audit', '--target', c.uri, '--out', out, '--no-allure', '--timeout', '60'], {
        timeoutSeconds: 300,
        onStart: () => { setTimeout(() => { docker('kill', c.name); stopped = true; }, 12_000); },
      });
      console.log(`container stopped mid-audit: ${describeRun(run)}; stderr: ${run.stderr.trim()}`);
      expect(stopped).toBe(true);
      expect(run.killedByTimeout).toBe(false);
      expect([2, 3]).toContain(run.code);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr).toMatch(new RegExp(`cis-bdd: the container ${c.name} stopped during the audit`));
      expect(existsSync(path.join(out, 'compliance.json'))).toBe(true);
      const report = readReport(out);
      expect(report.run.targetLost).toMatch(/stopped during the audit/);
      expect(report.items.filter((i) => i.status === 'error').length).toBeGreaterThan(0);
    } finally {
      c.remove();
    }
  }, 600_000);
});

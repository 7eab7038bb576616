/**
 * `cis-bdd harden` as a person runs it: what is printed (the plan's header, what rollback cannot undo,
 * the outcome of every item including any the run made worse, the score before and after, both reports,
 * a rollback command that works when pasted), the exit codes, and the confirmation a live system asks for.
 * Real applies happen only on overlays of the Ubuntu fixture and in the sshd fixture container; on `local`
 * only the refusals are run, which stop before anything is read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';
import { snapshot } from '../support/snapshot.js';
import { docker } from '../support/containers.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';

const bin = path.join(repoRoot, 'bin/cis-bdd.mjs');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-harden-cli-'));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const env = { ...process.env, NO_COLOR: '1', PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` } as NodeJS.ProcessEnv;

/** The CLI without a terminal (stdin a pipe). */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 300_000, env, input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A line printed, run as it is by a shell (what a person does when pasting it). */
function paste(line: string) {
  const r = spawnSync('bash', ['-c', line], { encoding: 'utf8', cwd: os.tmpdir(), timeout: 120_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI on a pseudo-terminal (util-linux script), with what the person types. */
function onPty(args: string[], typed: string) {
  const command = [process.execPath, bin, ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], { encoding: 'utf8', cwd: repoRoot, timeout: 300_000, input: typed, env: { ...env, TERM: 'dumb', COLUMNS: '200' } });
  return { code: r.status, out: r.stdout };
}

const undoLine = (stdout: string) => /^To undo this run: (.+)$/m.exec(stdout)?.[1];
const statuses = (file: string) => new Map<string, string>(JSON.parse(readFileSync(file, 'utf8')).items.map((i: { id: string; status: string }) => [i.id, i.status]));

describe('harden a root filesystem copy of the Ubuntu fixture, Level 2 (the whole benchmark)', () => {
  it('reports every item as it ended, the score before → after and both reports; a second dry run plans nothing; the printed rollback works when pasted', async () => {
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const out = tmp();
      const r = cli('harden', '--target', `rootfs:${root}`, '--level', '2', '--out', out, '--quiet');
      // 5.7 is fixed as far as a tool may (the rest is a person's): not every planned item is fixed
      expect(r.code, r.stderr + r.stdout).toBe(1);
      const lines = r.stdout.split('\n');
      expect(lines.slice(1, 5)).toEqual([
        `Hardening ${JSON.parse(readFileSync(path.join(out, 'harden.json'), 'utf8')).runId} of rootfs:${root}`,
        'Benchmark: cis-ubuntu-18.04-v2.1.0',
        'Profile:   Level 2 (Level 1 and 2 items)',
        'Policy:    none (no --policy: the profile above selects the items)',
      ]);
      expect(r.stdout).toMatch(/^1\.1\.6 +FIXED +configure \/dev\/shm in \/etc\/fstab .*options mode=1777,nosuid,nodev,strictatime,noexec$/m);
      expect(r.stdout).toMatch(/^2\.1\.16 +FIXED +.*rsync.*\n +cannot be undone: removes package rsync \(rollback cannot reinstall it\)$/m);
      expect(r.stdout).toMatch(/^\d+ fixed, 0 still failing, 0 made worse, \d+ skipped, \d+ need a person$/m);
      expect(r.stdout).not.toMatch(/MADE WORSE/);
      const score = /^Score: (\d+\.\d)% before → (\d+\.\d)% after$/m.exec(r.stdout);
      expect(score, r.stdout).not.toBeNull();
      expect(Number(score![2])).toBeGreaterThan(Number(score![1]));
      expect(lines).toContain(`Before: ${path.join(out, 'before/compliance.json')}`);
      expect(lines).toContain(`After:  ${path.join(out, 'after/compliance.json')}`);

      // the whole audit, not only the planned items: nothing that passed or did not apply fails now
      const [was, now] = [statuses(path.join(out, 'before/compliance.json')), statuses(path.join(out, 'after/compliance.json'))];
      const worse = [...now].filter(([id, s]) => ['pass', 'not-applicable'].includes(was.get(id)!) && ['fail', 'error', 'unknown'].includes(s));
      expect(worse).toEqual([]);
      // /dev/shm: configured by the 1.1.6 fix with the options 1.1.7-1.1.9 ask for
      expect(readFileSync(path.join(root, 'etc/fstab'), 'utf8')).toContain('tmpfs /dev/shm tmpfs mode=1777,nosuid,nodev,strictatime,noexec 0 0\n');
      for (const id of ['1.1.7', '1.1.8', '1.1.9']) expect(`${id} ${now.get(id)}`).not.toBe(`${id} fail`);

      // a hardened target plans nothing that is automatable
      const again = cli('harden', '--target', `rootfs:${root}`, '--level', '2', '--dry-run', '--out', tmp(), '--quiet');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/^0 item\(s\) planned; nothing changed$/m);
      expect(again.stdout).not.toMatch(/PLANNED/);

      // the rollback command as printed, pasted into a shell from another directory
      const undo = undoLine(r.stdout);
      expect(undo).toMatch(new RegExp(`rollback --target rootfs:${root} --run \\d{8}T\\d{6}-[0-9a-f]+$`));
      const rb = paste(undo!);
      expect(rb.code, rb.stderr).toBe(1); // the removed packages cannot be put back, and it says so
      expect(rb.stdout).toContain('cannot undo: package rsync was removed');
      expect(rb.stdout).toMatch(/^rolled back run \S+ .* \d+ file\(s\) restored/m);
      expect(readFileSync(path.join(root, 'etc/fstab'), 'utf8')).not.toContain('/dev/shm');
    });
  }, 300_000);

  it('without packages removed, the pasted rollback restores the tree byte for byte and exits 0', async () => {
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const before = snapshot(root);
      const r = cli('harden', '--target', `rootfs:${root}`, '--level', '1', '--only', '1.1,6.1', '--out', tmp(), '--quiet');
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(r.stdout).toMatch(/^Profile: {3}Level 1 only, only 1\.1,6\.1$/m);
      expect(r.stdout).not.toMatch(/cannot be undone/);
      const rb = paste(undoLine(r.stdout)!);
      expect(rb.code, rb.stderr + rb.stdout).toBe(0);
      expect(snapshot(root) === before, 'the pasted rollback did not restore the tree').toBe(true);
    });
  }, 180_000);

  it('a dry run marks in the plan the steps rollback cannot undo, and says how many', async () => {
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const r = cli('harden', '--target', `rootfs:${root}`, '--only', '2.1.16,2.2.4,5.3.1', '--dry-run', '--out', tmp(), '--quiet');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Hardening plan \(dry run\) /m);
      expect(r.stdout).toMatch(/^2\.1\.16 +PLANNED +.*rsync.*\n +CANNOT BE UNDONE: removes package rsync \(rollback cannot reinstall it\)$/m);
      expect(r.stdout).toMatch(/^2\.2\.4 +PLANNED +.*telnet.*\n +CANNOT BE UNDONE: removes package telnet/m);
      expect(r.stdout).toMatch(/^3 item\(s\) planned, 2 of them with changes rollback cannot undo; nothing changed$/m);
    });
  }, 120_000);
});

describe('harden refuses before it reads anything', () => {
  it('a real apply without --policy, --level or --only: exit 2, naming them', () => {
    const out = tmp();
    const r = cli('harden', '--target', 'rootfs:/nonexistent', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cis-bdd: usage error: harden needs to be told what to harden: --policy FILE or --level 1|2 (or --only IDS); --dry-run shows the plan without them\n');
    expect(readdirSync(out)).toEqual([]);
  });

  it('local without a terminal and without --yes: exit 2, one line naming --yes, nothing audited', () => {
    const out = tmp();
    const r = cli('harden', '--level', '1', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cis-bdd: usage error: hardening local changes a live system and there is no terminal to confirm the plan on: pass --yes to apply it without asking (read it first with --dry-run)\n');
    expect(r.stdout).toBe('');
    expect(readdirSync(out)).toEqual([]);
    expect(cli('harden', '--target', 'local', '--policy', 'policies/ack-reinforcement.yaml', '--out', tmp()).stderr).toMatch(/--yes/);
  });

  it('ssh:// without a terminal and without --yes: the same, before any connection', () => {
    const r = cli('harden', '--target', 'ssh://ops@127.0.0.1:1', '--level', '1', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cis-bdd: usage error: hardening ssh:\/\/ops@127\.0\.0\.1:1 changes a live system .*pass --yes/);
  });
});

describe('harden over SSH asks on a terminal (the sshd fixture container)', () => {
  let sshd: SshdFixture;
  const args = (out: string) => ['harden', '--target', sshd.uri('ops'), '--identity', sshd.keyFile, '--known-hosts', path.join(sshd.dir, 'known_hosts'),
    '--accept-new-host-key', '--sudo', '--only', '5.3.10', '--out', out];
  const sshdConfig = () => docker('exec', sshd.name, 'cat', '/etc/ssh/sshd_config');
  beforeAll(async () => { sshd = await startSshd(); });
  afterAll(() => sshd?.stop());

  it('shows the plan and asks; anything but yes changes nothing (exit 1)', () => {
    const before = sshdConfig();
    const out = tmp();
    const r = onPty(args(out), 'no\n');
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/Hardening plan \S+ of ssh:\/\/ops@127\.0\.0\.1:\d+\r?\nBenchmark: cis-ubuntu-18\.04-v2\.1\.0/);
    expect(r.out).toMatch(/5\.3\.10 +PLANNED +.*PermitRootLogin/);
    expect(r.out).toMatch(/\+PermitRootLogin no/);
    expect(r.out).toContain('Apply this plan to ssh://ops@127.0.0.1');
    expect(r.out).toMatch(/Nothing changed on ssh:\/\/ops@127\.0\.0\.1:\d+: the plan was not confirmed/);
    expect(sshdConfig()).toBe(before);
    expect(existsSync(path.join(out, 'after'))).toBe(false);
  }, 120_000);

  it('yes applies; the rollback command printed, pasted, restores the file over the same SSH connection options', () => {
    const before = sshdConfig();
    const r = onPty(args(tmp()), 'yes\n');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/5\.3\.10 +FIXED/);
    expect(sshdConfig()).toMatch(/^PermitRootLogin no/m);
    const undo = undoLine(r.out.replace(/\r/g, ''));
    expect(undo).toMatch(/ rollback --target ssh:\/\/ops@127\.0\.0\.1:\d+ --run \S+ --identity \S+ --known-hosts \S+ --sudo$/);
    const rb = paste(undo!);
    expect(rb.code, rb.stderr + rb.stdout).toBe(0);
    expect(sshdConfig()).toBe(before);
  }, 120_000);

  it('--yes applies without a terminal', () => {
    const r = cli(...args(tmp()), '--yes');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^5\.3\.10 +FIXED/m);
  }, 120_000);
});

/**
 * Faults during an audit, through the CLI under a memory cgroup and a timeout (limited.ts): Ctrl-C and
 * SIGTERM (the report so far kept and marked interrupted, exit 130/143; a second signal exits at once),
 * the SSH connection dropping mid-audit, and bad input on the command line (one line, exit 2, no stack).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import { docker, IMAGES, startContainer, type RunningContainer } from '../support/containers.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { describeRun, limitedCli } from './limited.js';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** compliance.json checked against the published schema (run.interrupted, run.targetLost included). */
function schemaErrors(out: string): unknown {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: true, strictRequired: false });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'schemas/compliance.schema.json'), 'utf8')));
  return validate(JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8'))) ? null : validate.errors;
}

interface Report { items: Array<{ id: string; status: string; reason?: string }>; run: { interrupted?: { signal: string }; targetLost?: string } }
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-hostile-'));
const readReport = (out: string): Report => JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8'));

/** Send a signal to a process that may already have exited. */
const signalIfRunning = (pid: number, signal: NodeJS.Signals) => { try { process.kill(pid, signal); } catch { /* exited */ } };

/**
 * The audits below are made slow on purpose, so that the fault lands mid-audit whatever the machine's
 * speed: sshd_config links to /dev/urandom, and `sshd -T` (gathered early, in the warm-up) reads it until
 * the --timeout of 120 s.
 */
const SLOW_SSHD = 'ln -sf /dev/urandom /etc/ssh/sshd_config';

describe('Ctrl-C and SIGTERM during an audit', () => {
  let c: RunningContainer;
  beforeAll(() => { c = startContainer(IMAGES.ubuntuStock, ['--memory', '256m']); c.exec(SLOW_SSHD); });
  afterAll(() => c.remove());

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: the report so far is written and marked interrupted, exit ${code}`, async () => {
      const out = tmp();
      const run = await limitedCli(['audit', '--target', c.uri, '--out', out, '--no-html', '--timeout', '120'], {
        timeoutSeconds: 240,
        onStart: (pid) => { setTimeout(() => signalIfRunning(pid, signal), 8000); },
      });
      console.log(`${signal} mid-audit: ${describeRun(run)}`);
      expect(run.code, run.stderr).toBe(code);
      expect(run.durationMs).toBeLessThan(60_000); // not waiting for the 120 s timeout
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr).toMatch(new RegExp(`cis-bdd: ${signal}: stopping`));
      const report = readReport(out);
      expect(report.run.interrupted?.signal).toBe(signal);
      expect(schemaErrors(out)).toBeNull();
      expect(report.items.some((i) => i.status === 'error' && /audit interrupted/.test(i.reason ?? ''))).toBe(true);
      expect(readFileSync(path.join(out, 'summary.txt'), 'utf8')).toMatch(new RegExp(`INTERRUPTED by ${signal}`));
    }, 300_000);
  }

  it('a second signal exits at once', async () => {
    const out = tmp();
    let pid = 0;
    const run = await limitedCli(['audit', '--target', c.uri, '--out', out, '--no-html', '--timeout', '120'], {
      timeoutSeconds: 240,
      onStart: (p) => { pid = p; setTimeout(() => signalIfRunning(p, 'SIGTERM'), 8000); },
      // the second as soon as the first has been handled (two sent together may arrive as one)
      onStderr: (chunk) => { if (/SIGTERM: stopping/.test(chunk)) signalIfRunning(pid, 'SIGTERM'); },
    });
    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toMatch(/SIGTERM again: exiting now/);
    expect(run.durationMs).toBeLessThan(20_000);
  }, 300_000);
});

describe('the SSH connection dropping mid-audit', () => {
  let sshd: SshdFixture;
  beforeAll(async () => {
    sshd = await startSshd();
    // the running sshd keeps its configuration (its children get it from the listener), `sshd -T` hangs
    docker('exec', sshd.name, '/bin/sh', '-c', SLOW_SSHD);
  }, 120_000);
  afterAll(() => sshd?.stop());

  it('the items it left unmeasured are error, the report is written, exit 3 (or 2), one clear line', async () => {
    const out = tmp();
    const knownHosts = path.join(tmp(), 'known_hosts');
    const run = await limitedCli(['audit', '--target', sshd.uri(), '--identity', sshd.keyFile, '--known-hosts', knownHosts,
      '--accept-new-host-key', '--out', out, '--no-allure', '--timeout', '120'], {
      timeoutSeconds: 240,
      onStart: () => { setTimeout(() => sshd.stop(), 10_000); },
    });
    console.log(`ssh dropped mid-audit: ${describeRun(run)}; stderr: ${run.stderr.trim()}`);
    expect(run.killedByTimeout).toBe(false);
    expect([2, 3]).toContain(run.code);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).toMatch(/cis-bdd: the SSH connection to 127\.0\.0\.1:\d+ was lost during the audit/);
    // one line says what went wrong; the others are the progress display's phase lines (no terminal)
    const lines = run.stderr.trim().split('\n');
    expect(lines.filter((l) => !/^cis-bdd: (auditing|audited) /.test(l))).toHaveLength(1);
    const report = readReport(out);
    expect(report.run.targetLost).toMatch(/SSH connection .* was lost/);
    expect(schemaErrors(out)).toBeNull();
    expect(report.items.some((i) => i.status === 'error' && /was lost during the audit/.test(i.reason ?? ''))).toBe(true);
  }, 300_000);
});

describe('bad input on the command line: one line, exit 2, no stack trace', () => {
  const fileOut = path.join(tmp(), 'a-file');
  writeFileSync(fileOut, 'x');
  const notLinux = tmp();
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown flag', ['audit', '--frobnicate'], /Unknown option '--frobnicate'/],
    ['a malformed ssh URI', ['audit', '--target', 'ssh://[::1'], /not a valid ssh URI/],
    ['an ssh URI with a bad port', ['audit', '--target', 'ssh://host:99999'], /not a valid ssh URI/],
    ['a relative rootfs path', ['audit', '--target', 'rootfs:relative/dir'], /rootfs target needs an absolute path/],
    ['an empty docker name', ['audit', '--target', 'docker://'], /docker:\/\/ needs a container name/],
    ['a policy that does not exist', ['audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--policy', '/nonexistent/policy.yaml', '--out', tmp()], /cannot read the policy: ENOENT/],
    ['--out pointing at a file', ['audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--out', fileOut], /--out .* is not a directory/],
    ['a target that is not Linux', ['audit', '--target', `rootfs:${notLinux}`, '--out', tmp()], /unknown OS \(no \/etc\/os-release\)/],
    ['a bad --timeout', ['audit', '--timeout', 'soon'], /--timeout must be a positive number of seconds/],
    ['a bad --max-file-size', ['audit', '--max-file-size', 'lots'], /--max-file-size must be a size/],
    ['a policy that cannot be read (a directory; root reads any file)', ['audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--policy', os.tmpdir(), '--out', tmp()], /cannot read the policy: EISDIR/],
    ['an option without its value', ['audit', '--max-file-size', '-3'], /Option '--max-file-size' argument is ambiguous/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await limitedCli(args, { timeoutSeconds: 60 });
      expect(r.code, r.stderr + r.stdout).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr.trim().split('\n').filter((l) => !/Run "cis-bdd --help"/.test(l))).toHaveLength(1);
    }, 90_000);
  }
});

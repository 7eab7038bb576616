/**
 * What a person sees while an audit runs. On a pseudo-terminal (util-linux `script` gives the CLI a real
 * pty): a progress line redrawn in place with items done of total, and a coloured summary unless NO_COLOR.
 * Without a terminal (a CI log): one plain line per phase and no control sequence at all. --quiet: only
 * the final summary line.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';
import { Progress } from '../../src/report/progress.js';

const bin = path.join(repoRoot, 'bin/cis-bdd.mjs');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-progress-'));
const auditArgs = () => ['audit', '--target', `rootfs:${ensureUbuntuBase()}`, '--only', '5.3', '--no-allure', '--formats', 'none', '--out', tmp()];
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** Run the CLI on a pseudo-terminal; everything it wrote (stdout and stderr share the pty) comes back. */
function onPty(args: string[], env: Record<string, string> = {}) {
  const command = [process.execPath, bin, ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8', cwd: repoRoot, timeout: 120_000,
    env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: undefined, COLUMNS: '120', ...env } as NodeJS.ProcessEnv,
  });
  return { code: r.status, out: r.stdout };
}

function piped(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 120_000, env: { ...process.env, NO_COLOR: undefined } as NodeJS.ProcessEnv });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('progress while an audit runs', () => {
  it('on a terminal: a line redrawn in place, counting the 22 items of 5.3, the section, and a coloured summary', () => {
    const r = onPty(auditArgs());
    expect(r.code, r.out).toBe(1);
    const frames = r.out.split('\r\x1b[2K').slice(1);
    expect(frames.length).toBeGreaterThanOrEqual(2); // the first items and the last, at least (drawing is throttled)
    expect(r.out).toMatch(/\[\s*\d+\/22\]\s+\d\d:\d\d\s+5\.3 SSH Server/);
    expect(r.out).toContain('[22/22]');
    expect(r.out).toMatch(/\x1b\[31m/); // red: the failing items and NOT COMPLIANT
    expect(r.out).toMatch(/\x1b\[31mNOT COMPLIANT\x1b\[39m: score \d+\.\d%/);
  });

  it('on a terminal with NO_COLOR: progress still drawn, but no colour in the summary', () => {
    const r = onPty(auditArgs(), { NO_COLOR: '1' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('\r\x1b[2K');
    const summary = r.out.slice(r.out.lastIndexOf('\x1b[2K') + 4);
    expect(summary).toMatch(/Failed \(\d+\):/);
    expect(summary).not.toMatch(/\x1b\[/);
  });

  it('without a terminal (CI): one plain line per phase on stderr, no control sequences anywhere', () => {
    const r = piped(auditArgs());
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^cis-bdd: auditing rootfs:\/.*ubuntu-18\.04$/),
      expect.stringMatching(/^cis-bdd: audited 22 items of cis-ubuntu-18\.04-v2\.1\.0 \(\d\d:\d\d\)$/),
    ]);
    expect(r.stderr + r.stdout).not.toMatch(CONTROL);
    expect(r.stdout).toMatch(/Failed \(\d+\):\n\s+5\.3\.\d+ .* — /); // failing items with their reasons
  });

  it('--quiet: only the final summary line, nothing on stderr, on a terminal as in a pipe', () => {
    const r = piped([...auditArgs(), '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([expect.stringMatching(/^NOT COMPLIANT: score \d+\.\d%; \d+ pass, \d+ fail, 0 error, .* — cis-ubuntu-18\.04-v2\.1\.0 on rootfs:/), '']);
    const t = onPty([...auditArgs(), '--quiet'], { NO_COLOR: '1' });
    expect(t.out.trim().split('\n')).toHaveLength(1);
    expect(t.out).not.toContain('\x1b[2K');
  });
});

describe('progress while hardening', () => {
  it('without a terminal: the audit before, the plan, and each round\'s apply and verify, one line each', async () => {
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const r = piped(['harden', '--target', `rootfs:${root}`, '--only', '1.1.1.1,1.1.1.2', '--out', tmp()]);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toEqual(expect.arrayContaining([
        expect.stringMatching(/^cis-bdd: audit before hardening$/),
        expect.stringMatching(/^cis-bdd: audited: 2 item\(s\) failing \(\d\d:\d\d\)$/),
        expect.stringMatching(/^cis-bdd: planned 2 item\(s\)/),
        expect.stringMatching(/^cis-bdd: round 1: applying 2 item\(s\)$/),
        expect.stringMatching(/^cis-bdd: round 1: verifying$/),
        expect.stringMatching(/^cis-bdd: round 1: 0 item\(s\) still failing/),
      ]));
      expect(r.stderr).not.toMatch(CONTROL);
    });
  });
});

describe('the progress display', () => {
  const stream = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, s: { isTTY, columns: 60, write: (x: string) => chunks.push(x) } };
  };

  it('a fleet on a terminal: targets done of total, the slowest running, finished targets kept above the line', () => {
    let t = 0;
    const { chunks, s } = stream(true);
    const p = new Progress('tty', s, () => t);
    p.phase('auditing 3 targets');
    p.items(3);
    t = 5_000;
    p.status('2 running; slowest ssh://node-1 (5 s)');
    p.itemFinished();
    p.note('compliant   ssh://node-2 score 100%');
    p.end();
    const all = chunks.join('');
    expect(all).toMatch(/\[0\/3\]\s+00:05\s+2 running; slowest ssh:\/\/node-1 \(5 s\)/);
    expect(all).toContain('\r\x1b[2Kcompliant   ssh://node-2 score 100%\n');
    expect(all).toContain('[1/3]');
    expect(all.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('text from a target cannot move the cursor: control characters in a section or note are shown as ?', () => {
    const { chunks, s } = stream(false);
    const p = new Progress('plain', s);
    p.phase('auditing docker://evil\x1b[2J');
    p.note('failing ssh://x\x07');
    expect(chunks.join('')).toBe('cis-bdd: auditing docker://evil?[2J\nfailing ssh://x?\n');
  });

  it('lines longer than the terminal are cut, not wrapped', () => {
    const { chunks, s } = stream(true);
    const p = new Progress('tty', s, () => 0);
    p.phase(`auditing ${'x'.repeat(200)}`);
    const frame = chunks.join('').split('\r\x1b[2K').pop()!;
    expect(frame.length).toBeLessThanOrEqual(59);
    expect(frame.endsWith('…')).toBe(true);
  });
});

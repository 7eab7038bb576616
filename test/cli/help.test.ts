/**
 * Help and errors a person can follow (issue 21, point 8): each command's --help describes every option
 * it takes; a misspelt command or flag gets "did you mean"; `list` alone lists the benchmarks; a flag that
 * contradicts the policy is refused with the fix; an unknown OS is refused naming --benchmark closest.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-help-'));

/** One line on stderr, exit 2, no stack trace. */
function oneLine(r: ReturnType<typeof cli>, message: RegExp) {
  expect(r.code, r.stderr + r.stdout).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

/** The flags each command accepts (what its parser takes), each of which its help must describe. */
const ACCEPTED: Record<string, string[]> = {
  rollback: ['--target', '--run', '--identity', '--known-hosts', '--accept-new-host-key', '--sudo'],
  merge: ['--out'],
  report: ['--out'],
  diff: ['--json', '--limit'],
  policy: ['--against'],
  list: ['--benchmark', '--policy', '--level', '--scored-only', '--only', '--tags', '--tailoring'],
};

describe('each command\'s help describes every option', async () => {
  const { AUDIT_OPTIONS, HARDEN_OPTIONS } = await import(path.join(repoRoot, 'dist/src/cli/audit-command.js'));
  ACCEPTED.audit = Object.keys(AUDIT_OPTIONS).filter((k) => k !== 'help').map((k) => `--${k}`);
  ACCEPTED.harden = [...ACCEPTED.audit.filter((f) => !['--targets', '--concurrency', '--isolate', '--baseline'].includes(f)), ...Object.keys(HARDEN_OPTIONS).map((k) => `--${k}`), '--yes'];

  for (const command of ['audit', 'harden', 'rollback', 'merge', 'report', 'diff', 'policy', 'list']) {
    it(`cis-bdd ${command} --help: its own usage, and a description for each of its options (exit 0)`, () => {
      for (const flag of ['--help', '-h']) {
        const r = cli(command, flag);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^Usage:\\n  cis-bdd ${command}`));
        expect(r.stdout).not.toMatch(/Unknown option|Usage:[\s\S]*Usage:/);
        for (const option of ACCEPTED[command]) {
          // the flag at the start of a line, followed by its description on the same line or the next
          expect(r.stdout, `${command} ${option}`).toMatch(new RegExp(`^  ${option}( [A-Z0-9|:_]+)?\\s+\\S.{8,}`, 'm'));
        }
      }
    });
  }

  it('harden --help says what --dry-run, --yes, --allow-install and --tag do', () => {
    const r = cli('harden', '--help');
    r.stdout = r.stdout.replace(/\s+/g, ' '); // descriptions are wrapped to the terminal's width
    expect(r.stdout).toMatch(/--dry-run\s+print the plan .* and change nothing/);
    expect(r.stdout).toMatch(/--yes\s+apply without asking; needed when there is no terminal, for local and ssh:\/\/ targets/);
    expect(r.stdout).toMatch(/--allow-install\s+allow installing packages/);
    expect(r.stdout).toMatch(/--tag IMAGE:TAG\s+docker-image:\/\/ targets \(required there\)/);
  });

  it('cis-bdd help COMMAND is the same as cis-bdd COMMAND --help; cis-bdd --help points to it', () => {
    expect(cli('help', 'rollback').stdout).toBe(cli('rollback', '--help').stdout);
    const g = cli('--help');
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/"cis-bdd COMMAND --help" describes every option of a command/);
  });
});

describe('did you mean', () => {
  it('a misspelt command: the nearest command and the list of commands', () => {
    oneLine(cli('adit', '--target', 'local'), /unknown command "adit" \(did you mean "cis-bdd audit"\?\); the commands: audit, harden, diff, merge, rollback, policy, list/);
    oneLine(cli('rolback'), /did you mean "cis-bdd rollback"\?/);
    oneLine(cli('frobnicate'), /^cis-bdd: unknown command "frobnicate"; the commands: /);
  });

  it('a misspelt flag, on every command: the nearest flag and where the options are described', () => {
    oneLine(cli('audit', '--fromats', 'none'), /Unknown option '--fromats' for "cis-bdd audit" \(did you mean --formats\?\); "cis-bdd audit --help" lists the options/);
    oneLine(cli('audit', '--scored'), /did you mean --scored-only\?/);
    oneLine(cli('harden', '--dryrun'), /Unknown option '--dryrun' for "cis-bdd harden" \(did you mean --dry-run\?\)/);
    oneLine(cli('rollback', '--rnu', 'latest'), /Unknown option '--rnu' for "cis-bdd rollback" \(did you mean --run\?\)/);
    oneLine(cli('list', '--benchmrk', 'x'), /did you mean --benchmark\?/);
    oneLine(cli('merge', '--ot', 'x', 'f'), /did you mean --out\?/);
    oneLine(cli('diff', 'a', 'b', '--jsn'), /did you mean --json\?/);
    oneLine(cli('policy', 'check', 'x', '--againts', 'y'), /did you mean --against\?/);
  });

  it('a target given without --target, an option before the command, a misspelt benchmark', () => {
    oneLine(cli('audit', 'ssh://node-1'), /unexpected argument "ssh:\/\/node-1": "cis-bdd audit" takes options only \(did you mean --target ssh:\/\/node-1\?\)/);
    oneLine(cli('--target', 'local'), /"--target" is an option: write the command first \(for example "cis-bdd audit --target local"\)/);
    oneLine(cli('audit', '--benchmark', 'cis-ubuntu-18.04', '--target', 'rootfs:/nonexistent'), /unknown benchmark "cis-ubuntu-18\.04" \(did you mean cis-ubuntu-18\.04-v2\.1\.0\?\); known: .*, or "closest"/);
    oneLine(cli('policy', 'chek', 'p.yaml'), /usage: cis-bdd policy check FILE .*\(did you mean "policy check"\?\)/);
  });
});

describe('list, flags against the policy, an unknown OS', () => {
  it('list alone lists the benchmarks and says how to see their items', () => {
    const r = cli('list');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^cis-aliyun-linux-2-v1\.0\.0\s+CIS Aliyun Linux 2 Benchmark v1\.0\.0: 204 items/m);
    expect(r.stdout).toMatch(/^cis-ubuntu-18\.04-v2\.1\.0\s+CIS Ubuntu Linux 18\.04 LTS Benchmark v2\.1\.0: 242 items/m);
    expect(r.stdout).toMatch(/"cis-bdd list --benchmark ID" lists a benchmark's items/);
  });

  it('--level, --scored-only or --benchmark that contradict the policy are refused with the fix; the same values are accepted', () => {
    const out = tmp();
    const base = ['--target', `rootfs:${ensureUbuntuBase()}`, '--policy', 'policies/cis-ubuntu-18.04-level-1.yaml', '--out', out];
    oneLine(cli('audit', ...base, '--level', '2'), /--level 2 contradicts the policy policies\/cis-ubuntu-18\.04-level-1\.yaml \(profile: level-1\); leave --level out, the policy sets the level, or change its profile/);
    oneLine(cli('audit', ...base, '--scored-only'), /--scored-only contradicts the policy .* \(scored-only: false\); leave --scored-only out, or set "scored-only: true" in the policy/);
    oneLine(cli('audit', ...base, '--benchmark', 'cis-aliyun-linux-2-v1.0.0'), /--benchmark cis-aliyun-linux-2-v1\.0\.0 contradicts the policy, which is for cis-ubuntu-18\.04-v2\.1\.0/);
    oneLine(cli('list', '--policy', 'policies/cis-ubuntu-18.04-level-1.yaml', '--level', '2'), /--level 2 contradicts the policy/);
    const same = cli('audit', ...base, '--level', '1', '--only', '6.1.2', '--no-allure');
    expect(same.code, same.stderr + same.stdout).toBe(0);
  });

  it('an OS no benchmark covers: the refusal names --benchmark closest and what it would pick', () => {
    const root = tmp();
    mkdirSync(path.join(root, 'etc'));
    writeFileSync(path.join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
    oneLine(cli('audit', '--target', `rootfs:${root}`, '--out', tmp()), /Debian GNU\/Linux 12 .*which no shipped benchmark covers .*; --benchmark closest audits it with cis-ubuntu-18\.04-v2\.1\.0, the benchmark of its family \(a warning is recorded\), or choose one with --benchmark ID/);
    writeFileSync(path.join(root, 'etc/os-release'), 'ID=plan9\nVERSION_ID="4"\n');
    oneLine(cli('audit', '--target', `rootfs:${root}`, '--out', tmp()), /choose one with --benchmark ID \(--benchmark closest needs an OS of a family a benchmark names: (?=.*\bdebian\b)(?=.*\brhel\b).*\)/);
  });
});

/**
 * `npm test` on a fresh machine: the test set-up (scripts/setup/test-setup.sh) keeps the contract of
 * scripts/setup/debian-packages.txt (one package a line, # comments), installs only what is missing
 * (apt-get update once, then one install) when root on a Debian-family system, and otherwise stops at once
 * with the command to run. apt-get is a stub here (this machine's packages are not changed); the real path,
 * with everything installed, runs before every `npm test` and is what the rest of the suite stands on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/fixtures.js';

const script = path.join(repoRoot, 'scripts/setup/test-setup.sh');
/** A directory others may read (the run's TMPDIR is private to root). */
const made: string[] = [];
const openDir = () => { const d = mkdtempSync('/var/tmp/cis-bdd-setup-test-'); chmodSync(d, 0o755); made.push(d); return d; };
const listFile = (lines: string) => { const d = openDir(); const f = path.join(d, 'packages.txt'); writeFileSync(f, lines); chmodSync(f, 0o644); return f; };
const run = (cmd: string[], env: Record<string, string>) => spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });

describe('the test set-up (npm test on a fresh machine)', () => {
  afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

  it('npm test picks a supported Node, builds, sets up, then runs vitest; .ci/run is the README\'s commands and nothing else', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.scripts.test).toBe('bash scripts/setup/test.sh');
    const steps = readFileSync(path.join(repoRoot, 'scripts/setup/test.sh'), 'utf8').split('\n').filter((l) => /^(npm|bash|exec) /.test(l));
    expect(steps).toEqual(['npm run build', 'bash scripts/setup/test-setup.sh', 'exec vitest run "$@"']);
    const ci = readFileSync(path.join(repoRoot, '.ci/run'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ci.slice(0, 4)).toEqual(['set -euo pipefail', 'cd "$(dirname "$0")/.."', 'npm ci --no-audit --no-fund', 'CIS_BDD_TEST_NODE=active npm test']);
    expect(ci[4]).toMatch(/^CIS_BDD_TEST_NODE=oldest npm test -- test\/node-lines( test\/[\w/.-]+)+$/);
    expect(ci).toHaveLength(5);
    // every README command CI runs is in the README
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    for (const line of ci.slice(2)) expect(readme).toContain(line.replace(/ -- .*/, ''));
  });

  it('as root with a package missing: apt-get update once, then installs only the missing ones', () => {
    const stubs = openDir();
    const calls = path.join(stubs, 'calls');
    // stops the script at the install (exit 100, as apt-get does when a package cannot be found)
    writeFileSync(path.join(stubs, 'apt-get'), `#!/bin/sh\necho "$*" >> ${calls}\ncase "$1" in install) exit 100;; esac\n`);
    chmodSync(path.join(stubs, 'apt-get'), 0o755);
    const list = listFile('# a comment line\nbash            # present on every Debian\ncis-bdd-no-such-package   # missing\n\ncoreutils\n');
    const r = run(['bash', script], { PATH: `${stubs}:${process.env.PATH}`, CIS_BDD_DEBIAN_PACKAGES: list });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/installing Debian packages: cis-bdd-no-such-package\n/);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['update -qq', 'install -y -qq --no-install-recommends cis-bdd-no-such-package']);
  });

  it('not root: stops at once with the exact command, and says the tests need root', () => {
    const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'bash', script];
    const missing = run(nobody, { CIS_BDD_DEBIAN_PACKAGES: listFile('bash\ncis-bdd-no-such-package\n') });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/missing Debian packages: cis-bdd-no-such-package\n/);
    expect(missing.stderr).toContain('run as root: apt-get update && apt-get install -y --no-install-recommends cis-bdd-no-such-package');
    const present = run(nobody, { CIS_BDD_DEBIAN_PACKAGES: listFile('bash\n') });
    expect(present.status).toBe(1);
    expect(present.stderr).toMatch(/the tests need root .*run npm test as root/);
  });

  it('not a Debian-family system (no dpkg-query, no apt-get): stops at once, naming the packages', () => {
    const bin = openDir();
    for (const tool of ['bash', 'dirname', 'date', 'id', 'mkdir', 'flock', 'sed', 'grep']) {
      const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(real, path.join(bin, tool));
    }
    const r = run([path.join(bin, 'bash'), script], { PATH: bin, CIS_BDD_DEBIAN_PACKAGES: listFile('docker.io\nchromium\n') });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not a Debian-family system:\n.*docker\.io chromium/);
    expect(r.stderr).toContain('bash containers/build.sh && CIS_BDD_SKIP_SETUP=1 npm test');
  });

  it('starting the Docker engine: dockerd runs without the set-up\'s lock, so the next set-up on the machine does not wait for it', () => {
    // stubs: `docker info` fails until the stub dockerd has run; the stub dockerd records its open files
    const stubs = openDir();
    const started = path.join(stubs, 'started');
    const fds = path.join(stubs, 'fds');
    writeFileSync(path.join(stubs, 'docker'), `#!/bin/sh\n[ -f ${started} ]\n`);
    writeFileSync(path.join(stubs, 'dockerd'), `#!/bin/sh\nls -l /proc/$$/fd > ${fds}\ntouch ${started}\n`);
    for (const f of ['docker', 'dockerd']) chmodSync(path.join(stubs, f), 0o755);
    // stops after the engine, at the missing fixture tarball
    const r = run(['bash', script], { PATH: `${stubs}:${process.env.PATH}`, CIS_BDD_DEBIAN_PACKAGES: listFile('bash\n'), CIS_BDD_SHARED: path.join(stubs, 'no-shared'), CIS_BDD_DOCKERD_LOG: path.join(stubs, 'dockerd.log') });
    expect(r.stdout).toContain('starting dockerd');
    expect(r.stderr).toContain('fixture tarball');
    const open = readFileSync(fds, 'utf8');
    expect(open).toContain(path.join(stubs, 'dockerd.log'));
    expect(open).not.toContain('test-setup.lock');
  });

  it('the real package list parses to package names only', () => {
    const names = spawnSync('bash', ['-c', `cd ${repoRoot} && sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' scripts/setup/debian-packages.txt | grep .`], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(names).toContain('docker.io');
    expect(names).toContain('chromium');
    for (const n of names) expect(n).toMatch(/^[a-z0-9][a-z0-9.+-]+$/);
  });
});

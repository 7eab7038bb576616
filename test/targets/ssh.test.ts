/**
 * ssh:// against a real OpenSSH server (the sshd fixture on loopback): host-key checking, key and agent-less
 * authentication, passwords kept out of output, sudo for non-root users, and the same verdicts as a
 * docker exec into the very same container.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { utils } from 'ssh2';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { audit } from '../support/audit.js';
import { repoRoot } from '../support/fixtures.js';

let sshd: SshdFixture;
let knownHosts: string;

beforeAll(async () => {
  sshd = await startSshd();
  knownHosts = path.join(sshd.dir, 'known_hosts');
});
afterAll(() => sshd?.stop());

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '', ...env } });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('ssh:// target', () => {
  it('refuses a host whose key is not known, unless told to accept it', async () => {
    await expect(audit({ target: sshd.uri(), identityFile: sshd.keyFile, knownHostsFile: knownHosts, only: ['6.1.2'] }))
      .rejects.toThrow(/host key of 127\.0\.0\.1:\d+ is not in .*known_hosts.*--accept-new-host-key/);
  });

  it('accepts and records a new host key when asked, then trusts it', async () => {
    const first = await audit({ target: sshd.uri(), identityFile: sshd.keyFile, knownHostsFile: knownHosts, acceptNewHostKey: true, only: ['6.1.2'] });
    expect(first.report.target?.kind).toBe('ssh');
    expect(readFileSync(knownHosts, 'utf8')).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-`, 'm'));
    const second = await audit({ target: sshd.uri(), identityFile: sshd.keyFile, knownHostsFile: knownHosts, only: ['6.1.2'] });
    expect(second.report.items.find((i) => i.id === '6.1.2')?.status).toBe('pass');
  });

  it('refuses a host whose key differs from known_hosts', async () => {
    const other = path.join(sshd.dir, 'known_hosts_wrong');
    const fake = utils.generateKeyPairSync('ed25519').public.split(' ').slice(0, 2).join(' ');
    writeFileSync(other, `[127.0.0.1]:${sshd.port} ${fake}\n`);
    await expect(audit({ target: sshd.uri(), identityFile: sshd.keyFile, knownHostsFile: other, only: ['6.1.2'] }))
      .rejects.toThrow(/does not match .*possible man-in-the-middle/);
  });

  it('exits 2 on a wrong key or password and never prints the password', () => {
    const wrongKey = path.join(sshd.dir, 'wrong_key');
    writeFileSync(wrongKey, utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
    const r = cli(['audit', '--target', sshd.uri(), '--identity', wrongKey, '--known-hosts', knownHosts, '--only', '6.1.2', '--out', path.join(sshd.dir, 'o1'), '--trace'],
      { CIS_BDD_SSH_PASSWORD: 'hunter2-not-the-password' });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/authentication failed for root@127\.0\.0\.1/);
    expect(r.out).not.toContain('hunter2');
    expect(r.out).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when nothing listens on the port', () => {
    const r = cli(['audit', '--target', 'ssh://root@127.0.0.1:1', '--identity', sshd.keyFile, '--known-hosts', knownHosts, '--out', path.join(sshd.dir, 'o2')]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/target unreachable: cannot connect to 127\.0\.0\.1:1/);
  });

  it('a non-root user with --sudo sees what root sees; without it, root-only files are an error', async () => {
    const asRoot = await audit({ target: sshd.uri(), identityFile: sshd.keyFile, knownHostsFile: knownHosts, only: ['6'] });
    const withSudo = await audit({ target: sshd.uri('ops'), identityFile: sshd.keyFile, knownHostsFile: knownHosts, sudo: true, only: ['6'] });
    expect(withSudo.report.items.map((i) => [i.id, i.status])).toEqual(asRoot.report.items.map((i) => [i.id, i.status]));
    const noSudo = await audit({ target: sshd.uri('ops'), identityFile: sshd.keyFile, knownHostsFile: knownHosts, only: ['6.2.2'] });
    const item = noSudo.report.items.find((i) => i.id === '6.2.2')!;
    expect(item.status).toBe('error');
    expect(item.reason).toMatch(/\/etc\/shadow cannot be read/);
  });

  it('gives the same verdicts as docker exec into the same container, counting round trips', async () => {
    // over SSH nothing says the node is a container, so the docker side is audited as a host too
    const overSsh = await audit({ target: sshd.uri(), identityFile: sshd.keyFile, knownHostsFile: knownHosts });
    const overDocker = await audit({ target: `docker://${sshd.name}`, containerAsHost: true });
    expect(overSsh.report.items.map((i) => `${i.id} ${i.status}`)).toEqual(overDocker.report.items.map((i) => `${i.id} ${i.status}`));
    expect(overSsh.report.run.roundTrips).toBeGreaterThan(0);
    expect(overSsh.report.run.roundTrips).toBe(overDocker.report.run.roundTrips);
  });
});

/**
 * An SSH server that refuses channels: an in-process ssh2 server on 127.0.0.1 that runs each command in a
 * chroot of the Ubuntu 18.04 fixture tree, and refuses every session channel after the first N (as an
 * sshd over its MaxSessions or a server under load does). The CLI audits it under a memory cgroup and a
 * timeout (limited.ts). Expected: refused from the first channel on, nothing can be measured: exit 2 and
 * one line saying why; refused mid-audit: the items it could not measure are `error`, the report is
 * written, and the exit code is what the verdicts say (1 when a measured item failed, else 3): the
 * connection itself was not lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Server, utils } from 'ssh2';
import { ensureUbuntuBase, withOverlay } from '../support/fixtures.js';
import { describeRun, limitedCli } from './limited.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-hostile-'));
let server: Server | undefined;
afterEach(() => { server?.close(); server = undefined; });

/**
 * Start the server; channels after the first `allowed` are refused. Returns its port. Commands run in a
 * chroot of an overlay, so what they leave (iptables' lock file, say) never lands in the shared fixture.
 */
async function refusingServer(allowed: number, root: string): Promise<number> {
  const hostKey = utils.generateKeyPairSync('ed25519');
  let opened = 0;
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('authentication', (ctx) => ctx.accept());
    client.on('error', () => undefined);
    client.on('ready', () => {
      client.on('session', (accept, reject) => {
        if (++opened > allowed) { reject(); return; }
        const session = accept();
        session.on('exec', (acceptExec, _rejectExec, info) => {
          const channel = acceptExec();
          const child = spawn('chroot', [root, '/bin/sh', '-c', info.command], { stdio: ['ignore', 'pipe', 'pipe'] });
          child.stdout.pipe(channel, { end: false });
          child.stderr.pipe(channel.stderr, { end: false });
          child.on('close', (code) => { channel.exit(code ?? 255); channel.end(); });
          channel.on('close', () => child.kill('SIGKILL'));
        });
      });
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server!.address() as AddressInfo).port;
}

function clientKey(): string {
  const file = path.join(tmp(), 'id_ed25519');
  writeFileSync(file, utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
  return file;
}

const auditArgs = (port: number, out: string) => ['audit', '--target', `ssh://root@127.0.0.1:${port}`, '--identity', clientKey(),
  '--known-hosts', path.join(tmp(), 'known_hosts'), '--accept-new-host-key', '--out', out, '--no-allure', '--timeout', '30'];

describe('an SSH server refusing channels', () => {
  it('from the first channel: nothing can be measured, exit 2, one line saying why', async () => {
    const run = await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const port = await refusingServer(0, root);
      return limitedCli(auditArgs(port, tmp()), { timeoutSeconds: 180 });
    });
    console.log(`channels refused from the start: ${describeRun(run)}; stderr: ${run.stderr.trim()}`);
    // the message names the run's stderr, so that a failure in CI says what the CLI printed
    expect(run.code, `exit ${run.code}; stderr: ${run.stderr}`).toBe(2);
    expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
    expect(run.stderr).toMatch(/target unreachable: .*cannot be read: the SSH server refused a channel/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 240_000);

  it('mid-audit: the items it could not measure are error, the others keep their verdicts, the report is written', async () => {
    const out = tmp();
    const run = await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const port = await refusingServer(8, root);
      const r = await limitedCli(auditArgs(port, out), { timeoutSeconds: 300 });
      server?.close();
      return r;
    });
    console.log(`channels refused after 8: ${describeRun(run)}`);
    expect(run.killedByTimeout).toBe(false);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const report = JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8')) as { items: Array<{ id: string; status: string; reason?: string }> };
    const refused = report.items.filter((i) => i.status === 'error' && /refused a channel/.test(i.reason ?? ''));
    console.log(report.items.filter((i) => i.status === "error").slice(0, 5).map((i) => `${i.id}: ${i.reason}`).join("\n"));
    console.log(`${refused.length} item(s) in error "refused a channel"; ${report.items.filter((i) => i.status === 'pass' || i.status === 'fail').length} measured`);
    expect(refused.length).toBeGreaterThan(0);
    expect(report.items.some((i) => i.status === 'pass' || i.status === 'fail')).toBe(true);
    // failures were measured too, but an item in error keeps a failing run at 1 and a passing one at 3
    expect([1, 3], `exit ${run.code}; stderr: ${run.stderr}`).toContain(run.code);
  }, 360_000);
});

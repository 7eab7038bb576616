/**
 * The sshd fixture: the Ubuntu 18.04 image running its own OpenSSH server with --network host, bound to
 * 127.0.0.1 on a free high port, with a key pair generated for this test run.
 */
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { utils } from 'ssh2';
import { docker, IMAGES, requireImage } from './containers.js';

export interface SshdFixture {
  port: number;
  name: string;
  keyFile: string;
  dir: string;
  uri(user?: string): string;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForBanner(port: number, timeoutMs = 20_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d) => { s.destroy(); resolve(d.toString().startsWith('SSH-')); });
      s.once('error', () => resolve(false));
      setTimeout(() => { s.destroy(); resolve(false); }, 1000);
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port}`);
}

export async function startSshd(): Promise<SshdFixture> {
  requireImage(IMAGES.sshd);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-ssh-'));
  const keys = utils.generateKeyPairSync('ed25519');
  const keyFile = path.join(dir, 'id_ed25519');
  writeFileSync(keyFile, keys.private, { mode: 0o600 });
  const port = await freePort();
  const name = `cis-bdd-sshd-${port}`;
  docker('run', '-d', '--name', name, '--network', 'host', '--label', 'io.cis-bdd.test=true',
    '-e', `SSHD_PORT=${port}`, '-e', `AUTHORIZED_KEY=${keys.public}`, IMAGES.sshd);
  await waitForBanner(port);
  return {
    port, name, keyFile, dir,
    uri: (user = 'root') => `ssh://${user}@127.0.0.1:${port}`,
    stop: () => { try { docker('rm', '-f', name); } catch { /* gone */ } },
  };
}

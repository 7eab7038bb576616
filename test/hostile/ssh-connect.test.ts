/**
 * An SSH port that does not behave: it accepts and says nothing, sends a banner and hangs up, or closes
 * at once. Connecting must fail with one clear reason, and nothing ssh2 emits afterwards (it can report a
 * second error for the same connection, "Connection lost before handshake", when it closes the socket)
 * may end the process: a fleet audits many targets in one process. Each case runs in a child process,
 * which must live on after the failure and exit by itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { utils } from 'ssh2';
import { repoRoot } from '../support/fixtures.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-ssh-connect-'));
const key = path.join(dir, 'id_ed25519');
writeFileSync(key, utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
let server: net.Server | undefined;
afterEach(() => { server?.close(); server = undefined; });

async function listen(onSocket: (s: net.Socket) => void): Promise<number> {
  server = net.createServer((s) => { s.on('error', () => undefined); onSocket(s); });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server!.address() as AddressInfo).port;
}

/**
 * Connect from a child process with a 700 ms handshake limit; it prints the outcome, waits 1.5 s more, and
 * exits 0. (Asynchronously: the server runs in this process and must answer meanwhile.)
 */
function connectFromChild(port: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const script = `
    import { SshTarget } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'dist/src/targets/ssh.js')).href)};
    const t = new SshTarget('ssh://root@127.0.0.1:${port}', { host: '127.0.0.1', port: ${port}, username: 'root',
      identityFile: ${JSON.stringify(key)}, knownHostsFile: ${JSON.stringify(path.join(dir, 'known_hosts'))}, acceptNewHostKey: true, connectTimeoutMs: 700 });
    try { await t.connect(); console.log('connected'); } catch (e) { console.log('refused: ' + e.message); }
    await new Promise((r) => setTimeout(r, 1500));
    console.log('alive');
  `;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('an SSH port that does not behave', () => {
  it('silent after accepting: "did not answer", and the process lives on', async () => {
    const port = await listen(() => undefined);
    const r = await connectFromChild(port);
    expect(r.stderr).not.toMatch(/Unhandled 'error' event/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^refused: 127\.0\.0\.1:\d+ did not answer within 700 ms\nalive\n$/);
  });

  it('a banner, then the connection closed: "cannot connect", and the process lives on', async () => {
    const port = await listen((s) => { s.write('SSH-2.0-OpenSSH_7.6p1\r\n'); setTimeout(() => s.destroy(), 100); });
    const r = await connectFromChild(port);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^refused: cannot connect to 127\.0\.0\.1:\d+: .+\nalive\n$/);
  });

  it('closed at once: "cannot connect", and the process lives on', async () => {
    const port = await listen((s) => s.destroy());
    const r = await connectFromChild(port);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^refused: cannot connect to 127\.0\.0\.1:\d+: .+\nalive\n$/);
  });
});

/**
 * A node over SSH (ssh2): one connection per run, commands multiplexed as channels up to a small bound
 * (sshd's default MaxSessions is 10), Nagle disabled. The host key is checked against a known_hosts file;
 * an unknown key is refused unless the user asked to accept and record it. Secrets are handed over by the
 * caller (the CLI takes the password from CIS_BDD_SSH_PASSWORD) and never appear in traces or reports.
 */
import type { Client, ConnectConfig } from 'ssh2';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecResult, TargetKind, TargetLimits, TraceSink } from './target.js';
import { MAX_STDERR_CHARS, TargetError } from './target.js';
import { CommandTarget, type TransportRunOptions } from './command-target.js';

// ssh2 is loaded by the first ssh:// connection, not by every process that imports the transports.
const requireHere = createRequire(import.meta.url);

export interface SshOptions {
  host: string;
  port: number;
  username: string;
  identityFile?: string;
  knownHostsFile?: string;
  acceptNewHostKey?: boolean;
  sudo?: boolean;
  connectTimeoutMs?: number;
  maxChannels?: number;
  /** secrets, handed over by the caller (the CLI reads them from its environment); never from a URI */
  password?: string;
  passphrase?: string;
  /** an ssh-agent socket */
  agentSocket?: string;
}

export class SshTarget extends CommandTarget {
  readonly kind: TargetKind = 'ssh';
  private client?: Client;
  private active = 0;
  private waiting: Array<() => void> = [];
  private readonly maxChannels: number;

  constructor(uri: string, private readonly options: SshOptions, trace?: TraceSink, limits: Partial<TargetLimits> = {}) {
    super(uri, trace, options.sudo ?? false, limits);
    this.maxChannels = options.maxChannels ?? 5;
  }

  async connect(): Promise<void> {
    const o = this.options;
    const knownHostsFile = o.knownHostsFile ?? path.join(os.homedir(), '.ssh', 'known_hosts');
    const knownKeys = await readKnownHosts(knownHostsFile, o.host, o.port);
    let hostKeyProblem: string | undefined;
    let newKey: Buffer | undefined;
    let keyType = '';

    const config: ConnectConfig = {
      host: o.host,
      port: o.port,
      username: o.username,
      readyTimeout: o.connectTimeoutMs ?? 15_000,
      keepaliveInterval: 15_000,
      hostVerifier: (key: Buffer) => {
        keyType = readKeyType(key);
        if (knownKeys.some((k) => k.equals(key))) return true;
        if (knownKeys.length) {
          hostKeyProblem = `the host key of ${o.host}:${o.port} does not match ${knownHostsFile}: possible man-in-the-middle, connection refused`;
          return false;
        }
        if (o.acceptNewHostKey) { newKey = key; return true; }
        hostKeyProblem = `the host key of ${o.host}:${o.port} is not in ${knownHostsFile}; add it (ssh-keyscan) or pass --accept-new-host-key`;
        return false;
      },
    };
    if (o.identityFile) {
      try {
        config.privateKey = await fs.readFile(o.identityFile);
      } catch (e) {
        throw new TargetError(`identity file ${o.identityFile} cannot be read: ${(e as NodeJS.ErrnoException).code}`, 'usage');
      }
      if (o.passphrase) config.passphrase = o.passphrase;
    }
    if (o.password) config.password = o.password;
    if (o.agentSocket) config.agent = o.agentSocket;
    if (!config.privateKey && !config.password && !config.agent) {
      throw new TargetError('no SSH credentials: give --identity, run an ssh-agent, or set CIS_BDD_SSH_PASSWORD', 'usage');
    }

    const { Client: SshClient } = requireHere('ssh2') as typeof import('ssh2');
    const client = new SshClient();
    // ssh2 may emit several errors for one failed connection (a timeout, then "Connection lost before
    // handshake" when it closes the socket): the first decides, the others are only traced. An 'error'
    // event without a listener would end the whole process, and with it every audit it runs.
    client.on('error', (err) => this.trace?.(`[ssh] connection error: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (err: Error & { level?: string }) => {
        client.end();
        if (hostKeyProblem) reject(new TargetError(hostKeyProblem, 'auth'));
        else if (err.level === 'client-authentication') reject(new TargetError(`authentication failed for ${o.username}@${o.host}:${o.port} (methods tried: ${[config.privateKey && 'publickey', config.agent && 'agent', config.password && 'password'].filter(Boolean).join(', ')})`, 'auth'));
        else if (err.level === 'client-timeout') reject(new TargetError(`${o.host}:${o.port} did not answer within ${config.readyTimeout} ms`, 'unreachable'));
        else reject(new TargetError(`cannot connect to ${o.host}:${o.port}: ${err.message}`, 'unreachable'));
      });
      // closed without an error (after its banner, say): nothing else would settle this promise
      client.once('close', () => reject(new TargetError(`cannot connect to ${o.host}:${o.port}: the connection was closed before the SSH handshake completed`, 'unreachable')));
      client.on('handshake', () => undefined);
      client.connect(config);
      // ssh2 exposes the socket once connected; disable Nagle so small request/response round trips are fast.
      const sock = (client as unknown as { _sock?: { setNoDelay?: (v: boolean) => void } })._sock;
      sock?.setNoDelay?.(true);
    });
    (client as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
    // later errors (the peer going away) fail the command in flight (the listener above keeps them from
    // crashing the process)
    // the connection going away mid-audit: what is in flight and everything after fails at once
    client.on('close', () => {
      if (this.client === client) this.connectionLost(`the SSH connection to ${o.host}:${o.port} was lost during the audit`);
    });
    this.client = client;
    if (newKey) {
      const host = o.port === 22 ? o.host : `[${o.host}]:${o.port}`;
      await fs.mkdir(path.dirname(knownHostsFile), { recursive: true });
      await fs.appendFile(knownHostsFile, `${host} ${keyType} ${newKey.toString('base64')}\n`, { mode: 0o600 });
      this.trace?.(`[ssh] recorded the new host key of ${host} (${keyType}) in ${knownHostsFile}`);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    client?.end();
  }

  private async acquire(abort: AbortSignal): Promise<void> {
    if (this.active < this.maxChannels) { this.active++; return; }
    await new Promise<void>((resolve, reject) => {
      const wake = () => { abort.removeEventListener('abort', onAbort); resolve(); };
      const onAbort = () => { this.waiting = this.waiting.filter((w) => w !== wake); reject(abort.reason); };
      abort.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  protected async run(command: string, options: TransportRunOptions): Promise<Omit<ExecResult, 'stdout'>> {
    const client = this.client;
    if (!client) throw new TargetError('not connected', 'usage');
    await this.acquire(options.abort);
    const started = Date.now();
    try {
      return await new Promise<Omit<ExecResult, 'stdout'>>((resolve, reject) => {
        let channel: import('ssh2').ClientChannel | undefined;
        const onAbort = () => { channel?.close(); reject(options.abort.reason); };
        if (options.abort.aborted) { onAbort(); return; }
        options.abort.addEventListener('abort', onAbort, { once: true });
        const settle = () => options.abort.removeEventListener('abort', onAbort);
        try {
          client.exec(command, (err, ch) => {
            if (err) { settle(); reject(new TargetError(`the SSH server refused a channel: ${err.message}`, 'io')); return; }
            channel = ch;
            if (options.abort.aborted) { ch.close(); return; }
            let stderr = '';
            let exitCode = -1;
            ch.on('data', (c: Buffer) => options.onStdout(c));
            ch.stderr.on('data', (c: Buffer) => { if (stderr.length < MAX_STDERR_CHARS) stderr += c.toString(); });
            ch.on('exit', (code: number | null) => { exitCode = code ?? -1; });
            ch.on('close', () => {
              settle();
              resolve({ command, exitCode, stderr, durationMs: Date.now() - started });
            });
          });
        } catch (e) {
          settle();
          reject(new TargetError(`the SSH connection cannot run commands: ${(e as Error).message}`, 'io'));
        }
      });
    } finally {
      this.release();
    }
  }
}

/** The raw keys known for host:port in an OpenSSH known_hosts file (plain or hashed names). */
export async function readKnownHosts(file: string, host: string, port: number): Promise<Buffer[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return [];
  }
  return parseKnownHosts(text, host, port);
}

export function parseKnownHosts(text: string, host: string, port: number): Buffer[] {
  const names = port === 22 ? [host, `[${host}]:22`] : [`[${host}]:${port}`];
  const keys: Buffer[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    if (fields[0].startsWith('@')) continue; // @revoked / @cert-authority lines are not plain host keys
    if (fields.length < 3) continue;
    const [hostsField, , keyB64] = fields;
    const matches = hostsField.startsWith('|1|')
      ? names.some((n) => hashedMatch(hostsField, n))
      : hostsField.split(',').some((h) => names.includes(h));
    if (matches) keys.push(Buffer.from(keyB64, 'base64'));
  }
  return keys;
}

function hashedMatch(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function readKeyType(key: Buffer): string {
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('ascii');
}

/**
 * The machine cis-bdd runs on. Files are read directly (as a root filesystem at "/"); commands run in
 * /bin/sh; the system is live.
 */
import { spawn } from 'node:child_process';
import type { ExecResult, TargetKind, TraceSink } from './target.js';
import { TargetError } from './target.js';
import { RootfsTarget } from './rootfs.js';

export class LocalTarget extends RootfsTarget {
  override readonly kind: TargetKind = 'local';
  override readonly canExecute = true;
  override readonly isLive = true;
  override readonly notLiveReason = undefined;

  constructor(uri: string, private readonly trace?: TraceSink) {
    super(uri, '/');
  }

  override async exec(command: string, options: { timeoutMs?: number } = {}): Promise<ExecResult> {
    this.counters.roundTrips++;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new TargetError(`command timed out after ${options.timeoutMs} ms: ${command}`, 'timeout'));
      }, options.timeoutMs ?? 120_000);
      child.stdout.on('data', (c: Buffer) => { out.push(c); this.counters.bytesRead += c.length; });
      child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
      child.on('error', (e) => { clearTimeout(timer); reject(e); });
      child.on('close', (code) => {
        clearTimeout(timer);
        const durationMs = Date.now() - started;
        this.trace?.(`[local] ${durationMs} ms exit=${code} ${command.split('\n')[0].slice(0, 160)}`);
        resolve({ command, exitCode: code ?? -1, stdout: Buffer.concat(out), stderr: err, durationMs });
      });
    });
  }
}

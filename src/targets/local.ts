/**
 * The machine cis-bdd runs on. Files are read directly (as a root filesystem at "/"); commands run in
 * /bin/sh; the system is live.
 */
import { spawn } from 'node:child_process';
import type { ExecResult, TargetKind, TargetLimits, TraceSink } from './target.js';
import { commandTimeoutMs, MAX_COMMAND_OUTPUT_BYTES, MAX_STDERR_CHARS, TargetError, timedOutMessage } from './target.js';
import { RootfsTarget } from './rootfs.js';

export class LocalTarget extends RootfsTarget {
  override readonly kind: TargetKind = 'local';
  override readonly canExecute = true;
  override readonly isLive = true;
  override readonly notLiveReason = undefined;

  constructor(uri: string, private readonly trace?: TraceSink, limits: Partial<TargetLimits> = {}) {
    super(uri, '/', limits);
  }

  override async exec(command: string, options: { timeoutMs?: number } = {}): Promise<ExecResult> {
    this.checkInterrupted();
    this.counters.roundTrips++;
    const started = Date.now();
    const timeoutMs = commandTimeoutMs(this.limits, options.timeoutMs);
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let size = 0;
      let err = '';
      let failed: Error | undefined;
      const kill = () => { child.kill('SIGKILL'); };
      this.running.add(kill);
      const timer = setTimeout(() => {
        failed ??= new TargetError(timedOutMessage(timeoutMs, `command: ${command.split('\n')[0].slice(0, 80)}`), 'timeout');
        kill();
      }, timeoutMs);
      child.stdout.on('data', (c: Buffer) => {
        size += c.length;
        this.counters.bytesRead += c.length;
        if (size > MAX_COMMAND_OUTPUT_BYTES) {
          failed ??= new TargetError(`the output of a command exceeded ${MAX_COMMAND_OUTPUT_BYTES / 1024 / 1024} MiB and was stopped`, 'io');
          kill();
          return;
        }
        out.push(c);
      });
      child.stderr.on('data', (c: Buffer) => { if (err.length < MAX_STDERR_CHARS) err += c.toString(); });
      child.on('error', (e) => { failed ??= e; });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.running.delete(kill);
        const durationMs = Date.now() - started;
        this.trace?.(`[local] ${durationMs} ms exit=${code ?? signal} ${command.split('\n')[0].slice(0, 160)}`);
        if (failed) { reject(failed); return; }
        try { this.checkInterrupted(); } catch (e) { reject(e); return; }
        resolve({ command, exitCode: code ?? -1, stdout: Buffer.concat(out), stderr: err, durationMs });
      });
    });
  }
}

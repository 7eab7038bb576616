/**
 * The auditing machine's own `find`, run over a directory (a root filesystem, or "/" for the local
 * target): its NUL-framed records streamed into a parser as they come, under a time limit, killable by
 * an interrupt. Nothing runs on the target.
 */
import { spawn } from 'node:child_process';
import type { TargetCounters } from './target.js';
import { TargetError, timedOutMessage } from './target.js';
import type { WalkStreamParser } from './shell-protocol.js';

/**
 * Run the auditing machine's find and stream its output into the parser, killed after timeoutMs. While it
 * runs, its kill function is in `running` (an interrupt kills it).
 */
export function runFind(args: string[], parser: WalkStreamParser, counters: TargetCounters, timeoutMs: number, running?: Set<() => void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('find', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let failed: Error | undefined;
    const kill = () => { child.kill('SIGKILL'); };
    running?.add(kill);
    const timer = setTimeout(() => {
      failed = new TargetError(timedOutMessage(timeoutMs, 'walking the filesystem'), 'timeout');
      kill();
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      counters.bytesRead += chunk.length;
      try { parser.push(chunk); } catch (e) { failed ??= e as Error; kill(); }
    });
    child.on('error', (e) => { failed ??= e; });
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      running?.delete(kill);
      if (failed) { reject(failed); return; }
      if (signal) { reject(new TargetError(`the filesystem walk was stopped (${signal})`, 'interrupted')); return; }
      try { parser.end(); resolve(); } catch (e) { reject(e); }
    });
  });
}

/**
 * Run the cis-bdd CLI under a memory limit and a timeout, so that a regression on a hostile target fails
 * the test instead of taking the machine down. The limit is a memory cgroup made for the one run (cgroup
 * v1: /sys/fs/cgroup/memory/<child>; cgroup v2: /sys/fs/cgroup/<child> with memory.max), found at run
 * time; with neither, the test refuses to run the audit at all. The timeout is coreutils' timeout -s KILL.
 * The peak resident set of the cis-bdd process is measured by GNU time (maximum RSS).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/fixtures.js';

export const MEMORY_LIMIT_BYTES = 500 * 1024 * 1024;

export interface LimitedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** the largest resident set of the cis-bdd process, in bytes (GNU time's %M) */
  maxRssBytes: number;
  /** the cgroup's own peak (includes page cache), when the cgroup reports it */
  cgroupPeakBytes?: number;
  killedByTimeout: boolean;
  durationMs: number;
}

let counter = 0;

/** Make a memory cgroup for one run; returns its procs file and a cleanup, or throws when none is available. */
function memoryCgroup(limit: number): { procs: string; peak(): number | undefined; remove(): void } {
  const name = `cis-bdd-hostile-${process.pid}-${++counter}`;
  const v1 = '/sys/fs/cgroup/memory';
  if (existsSync(path.join(v1, 'memory.limit_in_bytes'))) {
    const dir = path.join(v1, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(limit));
    // no swap either, where the kernel accounts it
    if (existsSync(path.join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(path.join(dir, 'memory.memsw.limit_in_bytes'), String(limit));
    return {
      procs: path.join(dir, 'cgroup.procs'),
      peak: () => Number(readFileSync(path.join(dir, 'memory.max_usage_in_bytes'), 'utf8')),
      remove: () => { try { rmdirSync(dir); } catch { /* still busy: the kernel frees it with its last task */ } },
    };
  }
  const v2 = '/sys/fs/cgroup';
  if (existsSync(path.join(v2, 'cgroup.controllers')) && readFileSync(path.join(v2, 'cgroup.controllers'), 'utf8').includes('memory')) {
    const dir = path.join(v2, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'memory.max'), String(limit));
    if (existsSync(path.join(dir, 'memory.swap.max'))) writeFileSync(path.join(dir, 'memory.swap.max'), '0');
    return {
      procs: path.join(dir, 'cgroup.procs'),
      peak: () => (existsSync(path.join(dir, 'memory.peak')) ? Number(readFileSync(path.join(dir, 'memory.peak'), 'utf8')) : undefined),
      remove: () => { try { rmdirSync(dir); } catch { /* busy */ } },
    };
  }
  throw new Error('no memory cgroup can be made on this machine (neither cgroup v1 memory nor v2 with the memory controller): the hostile tests refuse to run an audit without a memory limit');
}

export interface LimitedOptions {
  timeoutSeconds?: number;
  memoryBytes?: number;
  /** called with the child's pid once it runs (to send it signals) */
  onStart?: (pid: number) => void;
  /** called with each chunk of stderr as it comes */
  onStderr?: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Run `cis-bdd ARGS` under a memory cgroup and a timeout; resolves when it exits. */
export function limitedCli(args: string[], options: LimitedOptions = {}): Promise<LimitedRun> {
  const cg = memoryCgroup(options.memoryBytes ?? MEMORY_LIMIT_BYTES);
  const timeoutSeconds = options.timeoutSeconds ?? 240;
  const started = Date.now();
  // the shell joins the cgroup, then becomes timeout, which runs GNU time, which runs node: all inside it
  const script = `echo $$ > "$0" && exec timeout -s KILL ${timeoutSeconds} /usr/bin/time -f 'cis-bdd-maxrss-kib=%M' "$@"`;
  const child = spawn('/bin/sh', ['-c', script, cg.procs, process.execPath, path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], {
    cwd: repoRoot, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { if (stdout.length < 1_000_000) stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { if (stderr.length < 1_000_000) stderr += c.toString(); options.onStderr?.(c.toString()); });
  return new Promise((resolve, reject) => {
    child.on('error', (e) => { cg.remove(); reject(e); });
    child.on('close', (code, signal) => {
      const m = /cis-bdd-maxrss-kib=(\d+)/.exec(stderr);
      const peak = cg.peak();
      cg.remove();
      resolve({
        code, stdout, stderr: stderr.replace(/\n?.*cis-bdd-maxrss-kib=\d+\n?/, '\n').replace(/Command (exited with non-zero status|terminated by signal) \d+\n/, ''),
        maxRssBytes: m ? Number(m[1]) * 1024 : NaN,
        cgroupPeakBytes: peak,
        killedByTimeout: code === 137 || code === 124 || signal !== null,
        durationMs: Date.now() - started,
      });
    });
    if (options.onStart) {
      // the node process is a grandchild (sh → timeout → time → node): find it by its command line
      const poll = setInterval(() => {
        try {
          const pids = readFileSync(cg.procs, 'utf8').split('\n').filter(Boolean).map(Number);
          for (const pid of pids) {
            const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
            if (cmd.includes('bin/cis-bdd.mjs') && cmd.startsWith(process.execPath)) {
              clearInterval(poll);
              options.onStart!(pid);
              return;
            }
          }
        } catch { /* not yet */ }
      }, 50);
      child.on('close', () => clearInterval(poll));
    }
  });
}

/** A one-line account of a limited run, for test output. */
export function describeRun(r: LimitedRun): string {
  return `exit ${r.code}, ${(r.durationMs / 1000).toFixed(1)} s, max RSS ${(r.maxRssBytes / 1024 / 1024).toFixed(0)} MiB`
    + (r.cgroupPeakBytes ? `, cgroup peak ${(r.cgroupPeakBytes / 1024 / 1024).toFixed(0)} MiB` : '');
}

/**
 * Running child processes for the benchmark: wall time from spawn to exit, peak RSS (GNU time's %M, or
 * sampling /proc/PID/status VmHWM when /usr/bin/time is missing), stdout counted or collected, a timeout
 * that kills the whole process group. Plus small helpers: median, formatting, cleanup on exit.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/* ---------- cleanup of everything this run creates ---------- */

const cleanups = [];
/** Register a synchronous cleanup; returns a function that runs it now and unregisters it. */
export function onCleanup(fn) {
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
    try { fn(); } catch { /* best effort */ }
  };
}
export function cleanupAll() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try { fn(); } catch { /* best effort */ }
  }
}
const liveGroups = new Set();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    process.stderr.write(`\nbench: ${sig}, cleaning up\n`);
    for (const pid of liveGroups) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }
    cleanupAll();
    process.exit(130);
  });
}

let scratch;
/** A temp directory for this bench run, removed at the end. */
export function scratchDir() {
  if (!scratch) {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-bench-'));
    const dir = scratch;
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}
let seq = 0;
export function scratchPath(name) {
  return path.join(scratchDir(), `${++seq}-${name}`);
}

/* ---------- child processes ---------- */

/**
 * Run cmd args; resolve {code, signal, wallMs, peakRssKb, cpuMs, stdoutBytes, stdout, stderr, timedOut}.
 * options: cwd, env, input (Buffer|string written to stdin), timeoutMs, rss (measure peak RSS, and the
 * user + system CPU time of the process and the children it waited for, with GNU time),
 * collect (keep stdout, default true; otherwise only counted).
 */
export function runTimed(cmd, args, options = {}) {
  const { cwd, env, input, timeoutMs = 0, rss = false, collect = true } = options;
  return new Promise((resolve, reject) => {
    let argv = [cmd, ...args];
    let rssFile;
    if (rss && GNU_TIME) {
      rssFile = scratchPath('rss');
      argv = [GNU_TIME, '-f', '%M %U %S', '-o', rssFile, ...argv];
    }
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), {
      cwd, env, detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    liveGroups.add(child.pid);
    let stdoutBytes = 0;
    const chunks = [];
    let stderr = '';
    let timedOut = false;
    let hwm = 0;
    const sampler = rss && !GNU_TIME ? setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch { /* exited */ }
    }, 10) : undefined;
    child.stdout.on('data', (c) => { stdoutBytes += c.length; if (collect) chunks.push(c); });
    child.stderr.on('data', (c) => { stderr = (stderr + c.toString()).slice(-65536); });
    if (input !== undefined) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
    const timer = timeoutMs ? setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs) : undefined;
    child.on('error', (e) => { clearTimeout(timer); clearInterval(sampler); liveGroups.delete(child.pid); reject(e); });
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      clearInterval(sampler);
      liveGroups.delete(child.pid);
      let peakRssKb = rss ? hwm || null : null;
      let cpuMs = null;
      if (rssFile) {
        try {
          // "Command exited with non-zero status N" may come first; the figures are the last line
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          const [m, u, sy] = lines[lines.length - 1].split(' ').map(Number);
          peakRssKb = Number.isFinite(m) ? m : null;
          cpuMs = Number.isFinite(u) && Number.isFinite(sy) ? (u + sy) * 1000 : null;
        } catch { peakRssKb = null; }
        rmSync(rssFile, { force: true });
      }
      resolve({ code, signal, wallMs, peakRssKb, cpuMs, stdoutBytes, stdout: collect ? Buffer.concat(chunks) : undefined, stderr, timedOut });
    });
  });
}

export function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...opts });
}

export function which(name) {
  try { return sh('sh', ['-c', `command -v ${name}`]).trim() || null; } catch { return null; }
}

/* ---------- numbers ---------- */

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export const fmtMs = (ms) => (ms == null ? '—' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
export const fmtInt = (n) => (n == null ? '—' : Math.round(n).toLocaleString('en-US'));
export const fmtBytes = (b) => {
  if (b == null) return '—';
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${(b / 1024 / 1024).toFixed(1)} MiB`;
};
export const fmtMiB = (kb) => (kb == null ? '—' : `${(kb / 1024).toFixed(0)} MiB`);
export const fmtRatio = (r) => (r == null || !Number.isFinite(r) ? '—' : `${r.toFixed(r >= 10 ? 0 : 1)}×`);

export function log(msg) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

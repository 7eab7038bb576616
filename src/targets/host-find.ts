/**
 * The auditing machine's own `find`, run over a directory (a root filesystem, or "/" for the local
 * target): its NUL-framed records streamed into a parser as they come, under a time limit, killable by
 * an interrupt. Nothing runs on the target.
 */
import { spawn } from 'node:child_process';
import { lstatSync, opendirSync, type Dir, type OpenDirOptions } from 'node:fs';
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

/**
 * One walk of a host directory as several finds at once, for a walk of a whole tree (no depth limit): one
 * find lists the directory and its own entries (-maxdepth 1), and the subdirectories on the same
 * filesystem are walked below it (-mindepth 1) by finds given them in batches (`batches`: a heavy one
 * alone, light ones together as several start points of one find, so that a tree of twenty top-level
 * directories costs a few process starts, each a fork of this process, not twenty), at most `parallel`
 * finds at a time, the subdirectories with the most subdirectories first. The entries are those of one
 * `find DIR -xdev`: -xdev keeps each find on the directory's filesystem, a subdirectory on another one (a
 * mount point) is listed but not walked, and the pruned paths are passed to every find. Falls back to the
 * one find when the split could change what is
 * walked: a name that is not UTF-8 (it could not be passed on exactly), prune paths with wildcards, a
 * directory that cannot be listed.
 *
 * `argsFor(starts, depth)` gives the find arguments for its start points: depth 'top' for the directory
 * itself (-maxdepth 1), 'below' for subdirectories (-mindepth 1), 'all' for the one find.
 * Resolves to the number of entries walked.
 */
export async function runSplitFind(hostDir: string, prune: string[], parallel: number,
  argsFor: (starts: string[], depth: 'top' | 'below' | 'all') => string[],
  parserFor: () => WalkStreamParser, counters: TargetCounters, timeoutMs: number, running?: Set<() => void>): Promise<number> {
  // one deadline for the whole walk, as for the one find; the first find to fail stops the others
  const deadline = Date.now() + timeoutMs;
  const mine = new Set<() => void>();
  const killAll = () => { for (const kill of mine) kill(); };
  running?.add(killAll);
  let failed = false;
  const one = async (starts: string[], depth: 'top' | 'below' | 'all') => {
    const left = deadline - Date.now();
    if (left <= 0) throw new TargetError(timedOutMessage(timeoutMs, 'walking the filesystem'), 'timeout');
    const parser = parserFor();
    await runFind(argsFor(starts, depth), parser, counters, left, mine);
    return parser.walked;
  };
  try {
    const subdirs = parallel > 1 && !prune.some((p) => /[*?[\\]/.test(p)) ? sameFilesystemSubdirs(hostDir, prune) : null;
    if (!subdirs || subdirs.length < 2) return await one([hostDir], 'all');
    const queue = batches(subdirs, parallel * BATCHES_PER_FIND);
    let walked = 0;
    const worker = async (first?: () => Promise<number>) => {
      try {
        // (walked += await ... would add to the value read before the wait, losing the other workers' counts)
        if (first) { const n = await first(); walked += n; }
        for (let next = queue.shift(); next && !failed; next = queue.shift()) { const n = await one(next, 'below'); walked += n; }
      } catch (e) {
        failed = true;
        killAll();
        throw e;
      }
    };
    await Promise.all([worker(() => one([hostDir], 'top')), ...Array.from({ length: parallel - 1 }, () => worker())]);
    return walked;
  } finally {
    running?.delete(killAll);
  }
}

/** How many finds' worth of batches the subdirectories are cut into, per find run at once (for balance). */
const BATCHES_PER_FIND = 3;

/** The most bytes of start points one find is given (Linux takes 2 MiB of arguments and environment). */
const MAX_BATCH_BYTES = 128 * 1024;

/**
 * The subdirectories (most subdirectories first) cut into about `count` batches of similar weight by
 * their subdirectory counts: a heavy one alone, light ones together, in the order given; a batch also
 * ends before its paths pass MAX_BATCH_BYTES (a start point of thousands of subdirectories).
 */
export function batches(subdirs: Array<{ path: string; links: number }>, count: number, maxBytes = MAX_BATCH_BYTES): string[][] {
  const share = subdirs.reduce((n, s) => n + s.links, 0) / count;
  const out: string[][] = [];
  let current: string[] = [];
  let weight = 0;
  let bytes = 0;
  for (const s of subdirs) {
    const size = Buffer.byteLength(s.path) + 1;
    if (current.length && (weight + s.links > share || bytes + size > maxBytes)) { out.push(current); current = []; weight = 0; bytes = 0; }
    current.push(s.path);
    weight += s.links;
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** A start point with more entries than this is walked by the one find: listing it here would cost too much. */
const MAX_SPLIT_ENTRIES = 10_000;

/**
 * The subdirectories of dir on dir's own filesystem, not pruned, most subdirectories (st_nlink) first;
 * null when the split cannot be exact, or dir holds more than MAX_SPLIT_ENTRIES entries.
 */
function sameFilesystemSubdirs(dir: string, prune: string[]): Array<{ path: string; links: number }> | null {
  const found: Array<{ path: string; links: number }> = [];
  let listing: Dir | undefined;
  try {
    const dev = lstatSync(dir).dev;
    listing = opendirSync(dir, { encoding: 'buffer' } as unknown as OpenDirOptions);
    let count = 0;
    for (let d = listing.readSync(); d; d = listing.readSync()) {
      if (++count > MAX_SPLIT_ENTRIES) return null;
      const raw = d.name as unknown as Buffer;
      const name = raw.toString('utf8');
      if (!Buffer.from(name, 'utf8').equals(raw)) return null;
      const p = dir === '/' ? `/${name}` : `${dir}/${name}`;
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st?.isDirectory() || st.dev !== dev || prune.includes(p)) continue;
      found.push({ path: p, links: st.nlink });
    }
  } catch {
    return null;
  } finally {
    listing?.closeSync();
  }
  return found.sort((a, b) => b.links - a.links);
}

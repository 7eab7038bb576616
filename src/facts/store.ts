/**
 * Facts are gathered at most once per run and shared: the store memoises each fact's promise, and its
 * file cache reads each file at most once, batching all declared files into one round trip.
 */
import type { FileRead, FileStat, Target } from '../targets/target.js';
import { TargetError } from '../targets/target.js';
import { decodeTargetBytes } from '../model/text.js';
import { globMatch, hasWildcard } from '../model/glob.js';

/** Failures of a batch read that are recorded as the files' answer (see readAndCache). */
const RECORDED_FAILURES = new Set<TargetError['code']>(['timeout', 'lost', 'interrupted', 'io']);
import { CheckError, NeedsLiveSystem } from '../model/verdict.js';

export interface FactContext {
  target: Target;
  facts: FactStore;
}

export interface FactDef<T> {
  name: string;
  /** Files (globs allowed in the last component) this fact reads; prefetched together in one round trip. */
  files?: string[];
  gather(ctx: FactContext): Promise<T>;
}

const registry: FactDef<unknown>[] = [];

export function defineFact<T>(name: string, gather: (ctx: FactContext) => Promise<T>, files?: string[]): FactDef<T> {
  const def: FactDef<T> = { name, gather, files };
  registry.push(def as FactDef<unknown>);
  return def;
}

export class FactStore {
  private values = new Map<FactDef<unknown>, Promise<unknown>>();
  private fileCache = new Map<string, FileRead>();
  private statCache = new Map<string, FileStat | null>();

  constructor(readonly target: Target) {}

  get<T>(def: FactDef<T>): Promise<T> {
    let p = this.values.get(def as FactDef<unknown>) as Promise<T> | undefined;
    if (!p) {
      p = def.gather({ target: this.target, facts: this });
      this.values.set(def as FactDef<unknown>, p);
    }
    return p;
  }

  /** Read the files every registered fact declares, in one round trip. */
  async prefetch(): Promise<void> {
    const all = [...new Set(registry.flatMap((d) => d.files ?? []))];
    await this.readMany(all);
  }

  /**
   * Read files (globs allowed), each at most once per run. Returns one entry per match. Facts gathered at
   * the same time (see warm) share a read in flight instead of each sending its own.
   */
  async readMany(patterns: string[]): Promise<FileRead[]> {
    const wanted = [...new Set(patterns.filter((p) => !this.fileCache.has(p) && !this.readsInFlight.has(p)))];
    if (wanted.length) this.inFlight(this.readsInFlight, wanted, this.readAndCache(wanted));
    await Promise.all(new Set(patterns.map((p) => this.readsInFlight.get(p)).filter((j) => j !== undefined)));
    const out: FileRead[] = [];
    for (const p of patterns) {
      const expanded = hasWildcard(p) ? this.globCache.get(p) ?? [] : [p];
      for (const e of expanded) out.push(this.fileCache.get(e)!);
    }
    return out;
  }

  private async readAndCache(wanted: string[]): Promise<void> {
    let reads: FileRead[];
    try {
      reads = await this.target.readFiles(wanted);
    } catch (e) {
      // The round trip failed (timed out, the connection was lost, the run interrupted): every file it was
      // to read is unreadable for that reason, once, rather than read again by each fact that needs it.
      if (!(e instanceof TargetError) || !RECORDED_FAILURES.has(e.code)) throw e;
      for (const p of wanted) {
        this.fileCache.set(p, { path: p, state: 'unreadable', reason: e.message });
        if (hasWildcard(p)) this.globCache.set(p, [p]);
      }
      return;
    }
    for (const r of reads) this.fileCache.set(r.path, r);
    // remember which glob produced which files, so a later request for the same glob is served from cache
    for (const p of wanted) {
      if (!this.fileCache.has(p)) this.fileCache.set(p, { path: p, state: 'missing' });
      if (hasWildcard(p)) {
        const matches = reads.filter((r) => r.path !== p && globMatches(p, r.path)).map((r) => r.path);
        this.globCache.set(p, matches);
      }
    }
  }

  /** Note a round trip in flight for keys until it settles; a failure reaches whoever awaits it. */
  private inFlight(map: Map<string, Promise<void>>, keys: string[], job: Promise<void>): void {
    for (const k of keys) map.set(k, job);
    job.then(() => undefined, () => undefined).finally(() => { for (const k of keys) map.delete(k); });
  }
  private readsInFlight = new Map<string, Promise<void>>();
  private statsInFlight = new Map<string, Promise<void>>();

  /**
   * Start gathering facts now, without waiting for them: each is stored as any fact is, and whoever asks
   * for it later gets it (or its error) then. Lets the round trips of facts a run will certainly need
   * overlap, instead of each waiting for the step that first needs it.
   */
  warm(defs: FactDef<unknown>[]): void {
    for (const d of defs) this.get(d).catch(() => undefined);
  }
  private globCache = new Map<string, string[]>();

  async read(path: string): Promise<FileRead> {
    return (await this.readMany([path]))[0];
  }

  /**
   * Read a file's text; missing → null; unreadable (a FIFO, a device, too large, timed out) → CheckError
   * naming the path and why: an unreadable file never passes. Bytes that are not UTF-8 are kept as
   * decodeTargetBytes keeps them, so reports show them as \xNN.
   */
  async text(path: string): Promise<string | null> {
    const r = await this.read(path);
    if (r.state === 'missing') return null;
    if (r.state === 'file') return decodeTargetBytes(r.content);
    if (r.state === 'directory') throw new CheckError(`${path} is a directory, a file was expected`);
    throw new CheckError(`${path} cannot be read: ${r.reason}`);
  }

  /** stat paths (following symlinks), each at most once per run; missing → null. */
  async stat(paths: string[]): Promise<Map<string, FileStat | null>> {
    const wanted = [...new Set(paths.filter((p) => !this.statCache.has(p) && !this.statsInFlight.has(p)))];
    if (wanted.length) {
      this.inFlight(this.statsInFlight, wanted, this.target.stat(wanted).then((found) => {
        for (const p of wanted) this.statCache.set(p, found.get(p) ?? null);
      }));
    }
    await Promise.all(new Set(paths.map((p) => this.statsInFlight.get(p)).filter((j) => j !== undefined)));
    return new Map(paths.map((p) => [p, this.statCache.get(p)!]));
  }

  /**
   * Run a command that reads running state (processes, sockets, kernel values). On a target that is not a
   * running system (a root filesystem, an image) this throws NeedsLiveSystem with the target's reason.
   */
  async command(what: string, command: string, timeoutMs?: number) {
    if (!this.target.isLive || !this.target.canExecute) throw new NeedsLiveSystem(what, this.target.notLiveReason);
    return this.target.exec(command, { timeoutMs });
  }

  /**
   * Run a command that only reads files of the target (sshd -T, rpm -qa, dpkg --verify): anywhere commands
   * can run, images included; on an offline root filesystem this throws NeedsLiveSystem.
   */
  async fileCommand(what: string, command: string, timeoutMs?: number) {
    if (!this.target.canExecute) throw new NeedsLiveSystem(what, this.target.notLiveReason);
    return this.target.exec(command, { timeoutMs });
  }
}

/** Whether a file the target read is one the glob expanded to (a wildcard only in the last component, as the targets expand it). */
function globMatches(glob: string, path: string): boolean {
  const dir = glob.slice(0, glob.lastIndexOf('/') + 1);
  if (!path.startsWith(dir) || path.slice(dir.length).includes('/')) return false;
  return globMatch(glob.slice(dir.length), path.slice(dir.length), { pathname: true, period: true });
}

/**
 * A root filesystem mounted or unpacked on the auditing machine. Nothing is ever executed on it: files are
 * read with the auditing machine's own system calls, and the walk runs the auditing machine's `find`
 * over the directory (host-find.ts). Absolute symlinks inside the tree resolve against the tree's root,
 * not the host's.
 *
 * Only regular files are read as content: the path is resolved inside the tree (absolute links against
 * the tree's root, `..` stopping at it), what it names is lstat'ed, and only a regular file is opened
 * (O_NOFOLLOW | O_NONBLOCK, then fstat'ed again), so a FIFO, a device or a socket is never opened and a
 * link never reaches the auditing machine's own files. A file over the size cap is refused without being
 * read; a file that grows while read (/proc) is read no further than the cap.
 *
 * Reads, stats and listings use synchronous system calls: an audit issues them in batches and waits for
 * each batch, and on a sandboxed kernel (gVisor) each asynchronous call's trip through libuv's thread pool
 * cost more than the call itself. Within one batch, the path components already resolved are reused.
 */
import { promises as fs, constants as fsc, closeSync, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecResult, FileNode, FileRead, FileStat, Target, TargetCounters, TargetKind, TargetLimits, WalkEntry, WalkOptions } from './target.js';
import { capFor, DEFAULT_LIMITS, notRegularReason, TargetError, tooLargeReason, WALK_TIMEOUT_FACTOR } from './target.js';
import { findArgs, typeFromModeBits, WalkStreamParser } from './shell-protocol.js';
import { runFind, runSplitFind } from './host-find.js';
import { globToRegExp, hasWildcard } from '../model/glob.js';

const MAX_SYMLINK_HOPS = 40;

/** How many finds a parallel walk runs at once: the auditing machine's processors, two to four. */
const WALK_PARALLEL = Math.min(4, Math.max(2, os.availableParallelism()));

/** More symbolic links than the kernel follows (40) on the way to a path: a loop, or as good as one. */
export class SymlinkLoopError extends Error {
  constructor(readonly targetPath: string) {
    super(`symbolic link loop resolving ${targetPath} (more than ${MAX_SYMLINK_HOPS} links)`);
    this.name = 'SymlinkLoopError';
  }
}

/** What lstat said of one path component: a symlink (with its target), something else, or nothing. */
type Component = { link: string | undefined } | typeof PLAIN | typeof MISSING;
const PLAIN = 'plain' as const;
const MISSING = 'missing' as const;

export class RootfsTarget implements Target {
  readonly kind: TargetKind = 'rootfs';
  readonly canExecute: boolean = false;
  readonly isLive: boolean = false;
  readonly notLiveReason: string | undefined = 'offline root filesystem';
  readonly counters: TargetCounters = { roundTrips: 0, bytesRead: 0 };
  readonly root: string;
  readonly limits: TargetLimits;
  private interrupted?: string;

  constructor(readonly uri: string, root: string, limits: Partial<TargetLimits> = {}) {
    this.root = path.resolve(root);
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  interrupt(reason: string): void {
    this.interrupted ??= reason;
    for (const kill of this.running) kill();
  }

  /** Kill functions of the child processes (find, commands) now running. */
  protected readonly running = new Set<() => void>();

  protected checkInterrupted(): void {
    if (this.interrupted) throw new TargetError(`audit interrupted (${this.interrupted})`, 'interrupted');
  }

  get hostRoot(): string {
    return this.root;
  }

  async connect(): Promise<void> {
    let st;
    try {
      st = await fs.stat(this.root);
    } catch (e) {
      throw new TargetError(`root filesystem ${this.root} cannot be read: ${(e as NodeJS.ErrnoException).code ?? e}`, 'unreachable');
    }
    if (!st.isDirectory()) throw new TargetError(`root filesystem ${this.root} is not a directory`, 'usage');
  }

  async close(): Promise<void> {}

  async exec(command: string): Promise<ExecResult> {
    throw new TargetError(`an offline root filesystem cannot run commands (asked: ${command})`, 'not-executable');
  }

  /** Map a path of the target system to a path on this machine, following symlinks inside the root. */
  protected async resolve(targetPath: string, followLast = true): Promise<string | null> {
    return this.resolveSync(targetPath, followLast);
  }

  /**
   * resolve(), synchronously. `seen` remembers what lstat said of each host path during one batch (a
   * symlink's target, or that it is not one, or that it does not exist), so shared parents are looked
   * at once.
   */
  protected resolveSync(targetPath: string, followLast = true, seen?: Map<string, Component>, why?: { note?: string }): string | null {
    const parts = targetPath.split('/').filter(Boolean);
    let resolved: string[] = [];
    let hops = 0;
    while (parts.length) {
      const part = parts.shift()!;
      if (part === '.') continue;
      if (part === '..') { resolved.pop(); continue; }
      const hostPath = path.join(this.root, ...resolved, part);
      let c = seen?.get(hostPath);
      if (!c) {
        let st: Stats | undefined;
        try {
          st = lstatSync(hostPath, { throwIfNoEntry: false });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
        }
        c = !st ? MISSING : st.isSymbolicLink() ? { link: undefined } : PLAIN;
        seen?.set(hostPath, c);
      }
      if (c === MISSING) {
        if (hops && why) why.note = `a dangling symbolic link (what it points at, ${path.posix.join('/', ...resolved, part, ...parts)}, does not exist)`;
        return null;
      }
      if (c !== PLAIN && (parts.length > 0 || followLast)) {
        if (++hops > MAX_SYMLINK_HOPS) throw new SymlinkLoopError(targetPath);
        const link = (c.link ??= readlinkSync(hostPath));
        if (link.startsWith('/')) resolved = [];
        parts.unshift(...link.split('/').filter(Boolean));
        continue;
      }
      resolved.push(part);
    }
    return path.join(this.root, ...resolved);
  }

  protected async expand(pattern: string): Promise<string[]> {
    return this.expandSync(pattern);
  }

  private expandSync(pattern: string, seen?: Map<string, Component>): string[] {
    if (!hasWildcard(pattern)) return [pattern];
    const dir = path.posix.dirname(pattern);
    const base = path.posix.basename(pattern);
    if (hasWildcard(dir)) throw new Error(`wildcards are supported only in the last path component: ${pattern}`);
    const names = this.listSync(dir, seen);
    if (!names) return [pattern];
    // as sh expands it: a wildcard matches no leading dot
    const re = globToRegExp(base, { pathname: true, period: true });
    const matches = names.filter((n) => re.test(n)).sort();
    return matches.length ? matches.map((n) => path.posix.join(dir, n)) : [pattern];
  }

  async readFiles(patterns: string[]): Promise<FileRead[]> {
    this.checkInterrupted();
    this.counters.roundTrips++;
    const out: FileRead[] = [];
    const seen = new Map<string, Component>();
    for (const pattern of patterns) {
      let expanded: string[];
      try {
        expanded = this.expandSync(pattern, seen);
      } catch (e) {
        out.push({ path: pattern, state: 'unreadable', reason: errorReason(e) });
        continue;
      }
      for (const p of expanded) out.push(this.readOne(p, seen));
    }
    return out;
  }

  /** One path's content, if it is a regular file within the size cap (see the module). */
  private readOne(p: string, seen: Map<string, Component>): FileRead {
    const why: { note?: string } = {};
    let host: string | null;
    try {
      host = this.resolveSync(p, true, seen, why);
    } catch (e) {
      return { path: p, state: 'unreadable', reason: errorReason(e) };
    }
    if (!host) return why.note ? { path: p, state: 'missing', note: why.note } : { path: p, state: 'missing' };
    let fd: number | undefined;
    try {
      const before = lstatSync(host);
      if (before.isDirectory()) return { path: p, state: 'directory' };
      if (!before.isFile()) return { path: p, state: 'unreadable', reason: notRegularReason(typeFromModeBits(before.mode)) };
      const cap = capFor(this.limits, p);
      if (before.size > cap) return { path: p, state: 'unreadable', reason: tooLargeReason(before.size, cap) };
      fd = openSync(host, fsc.O_RDONLY | fsc.O_NONBLOCK | fsc.O_NOFOLLOW | fsc.O_NOCTTY);
      const st = fstatSync(fd);
      if (!st.isFile()) return { path: p, state: 'unreadable', reason: notRegularReason(typeFromModeBits(st.mode)) };
      const content = readCapped(fd, st.size, cap);
      if (!content) return { path: p, state: 'unreadable', reason: tooLargeReason(undefined, cap) };
      this.counters.bytesRead += content.length;
      return { path: p, state: 'file', content };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { path: p, state: 'missing' };
      return { path: p, state: 'unreadable', reason: errorReason(e) };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  async stat(paths: string[]): Promise<Map<string, FileStat>> {
    this.checkInterrupted();
    this.counters.roundTrips++;
    const result = new Map<string, FileStat>();
    const seen = new Map<string, Component>();
    for (const p of paths) {
      let host: string | null;
      try {
        host = this.resolveSync(p, true, seen);
      } catch (e) {
        if (e instanceof SymlinkLoopError) continue; // stat -L says the same: no such file
        throw e;
      }
      if (!host) continue;
      try {
        const st = statSync(host);
        result.set(p, { path: p, type: typeFromModeBits(st.mode), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: st.size });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return result;
  }

  async list(dir: string): Promise<string[] | null> {
    return this.listSync(dir);
  }

  private listSync(dir: string, seen?: Map<string, Component>): string[] | null {
    this.checkInterrupted();
    const host = this.resolveSync(dir, true, seen);
    if (!host) return null;
    try {
      return readdirSync(host).sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw e;
    }
  }

  /** The host path of a node: the parent resolved inside the tree, the last component not followed. */
  protected async nodePath(targetPath: string, createParents = false): Promise<string | null> {
    const parent = path.posix.dirname(targetPath);
    let hostParent = await this.resolve(parent);
    if (!hostParent && createParents) {
      await this.writeNode({ path: parent, type: 'directory', mode: 0o755, uid: 0, gid: 0 });
      hostParent = await this.resolve(parent);
    }
    return hostParent ? path.join(hostParent, path.posix.basename(targetPath)) : null;
  }

  async readNodes(paths: string[]): Promise<FileNode[]> {
    this.counters.roundTrips++;
    const out: FileNode[] = [];
    for (const p of paths) {
      const host = await this.nodePath(p);
      let st;
      try { st = host ? await fs.lstat(host) : null; } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; st = null; }
      if (!host || !st) out.push({ path: p, type: 'missing' });
      else if (st.isSymbolicLink()) out.push({ path: p, type: 'symlink', linkTarget: await fs.readlink(host) });
      else if (st.isDirectory()) out.push({ path: p, type: 'directory', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
      else if (st.isFile()) out.push({ path: p, type: 'file', content: await fs.readFile(host), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
      else throw new Error(`${p} is neither a file, a directory nor a symlink: hardening does not change it`);
    }
    return out;
  }

  async writeNode(node: FileNode): Promise<void> {
    this.counters.roundTrips++;
    if (node.type === 'directory') {
      // one level at a time, each parent resolved inside the tree: a link on the way (/var/lib -> /data)
      // leads to the tree's /data, never to the auditing machine's
      let host = await this.nodePath(node.path, true);
      if (!host) throw new Error(`${node.path}: its parent directory cannot be created inside the tree`);
      const st = await fs.lstat(host).catch(() => null);
      if (st?.isSymbolicLink()) {
        const inTree = await this.resolve(node.path);
        const target = inTree ? await fs.stat(inTree).catch(() => null) : null;
        if (!inTree || !target?.isDirectory()) throw new Error(`${node.path} is a symbolic link that does not lead to a directory inside the tree`);
        host = inTree;
      } else if (!st) {
        await fs.mkdir(host);
      } else if (!st.isDirectory()) {
        throw new Error(`${node.path} exists and is not a directory`);
      }
      await fs.chown(host, node.uid, node.gid);
      await fs.chmod(host, node.mode);
      return;
    }
    const host = await this.nodePath(node.path, node.type !== 'missing');
    if (!host) return; // missing parent: nothing to remove
    if (node.type === 'missing') {
      const st = await fs.lstat(host).catch(() => null);
      if (st?.isDirectory()) await fs.rmdir(host);
      else if (st) await fs.unlink(host);
      return;
    }
    const st = await fs.lstat(host).catch(() => null);
    if (st?.isDirectory()) throw new Error(`${node.path} is a directory`);
    if (node.type === 'symlink') {
      if (st) await fs.unlink(host);
      await fs.symlink(node.linkTarget, host);
      return;
    }
    const tmp = `${host}.cis-bdd-tmp`;
    await fs.writeFile(tmp, node.content);
    await fs.chown(tmp, node.uid, node.gid);
    await fs.chmod(tmp, node.mode);
    await fs.rename(tmp, host);
  }

  async walk(options: WalkOptions, onEntry: (entry: WalkEntry) => void): Promise<number> {
    this.checkInterrupted();
    let walked = 0;
    this.counters.roundTrips++;
    const prefix = this.root === '/' ? '' : this.root;
    // Start points may pass through symlinks inside the tree (/home -> /data/home): resolve them against
    // the tree's root, so find never walks a path of the auditing machine. Entries keep the names asked for.
    for (const root of options.roots) {
      const host = await this.resolve(root);
      if (!host) continue;
      const resolvedInTree = host.slice(prefix.length) || '/';
      const parser = () => new WalkStreamParser((e) => {
        if (resolvedInTree !== root) e.path = root + e.path.slice(resolvedInTree.length);
        onEntry(e);
      }, prefix);
      const timeoutMs = this.limits.timeoutMs * WALK_TIMEOUT_FACTOR;
      if (options.parallel && options.maxDepth === undefined && options.minDepth === undefined) {
        // several finds at once, over the subdirectories of the start point (host-find.ts)
        const argsFor = (starts: string[], depth: 'top' | 'below' | 'all') => findArgs({
          ...options, roots: starts.map((start) => start.slice(prefix.length) || '/'), ...(depth === 'top' ? { maxDepth: 1 } : depth === 'below' ? { minDepth: 1 } : {}),
        }, prefix);
        walked += await runSplitFind(host, (options.prune ?? []).map((p) => prefix + p), WALK_PARALLEL, argsFor, parser, this.counters, timeoutMs, this.running);
      } else {
        const one = parser();
        await runFind(findArgs({ ...options, roots: [resolvedInTree] }, prefix), one, this.counters, timeoutMs, this.running);
        walked += one.walked;
      }
      this.checkInterrupted();
    }
    return walked;
  }
}

/**
 * Read an open regular file: at most `limit` bytes. Returns null when there is more (the file is over the
 * cap, or grew past it while read). `size` is what fstat said; files of /proc say 0 and are read to EOF.
 */
function readCapped(fd: number, size: number, limit: number): Buffer | null {
  const chunks: Buffer[] = [];
  let total = 0;
  let buf = Buffer.allocUnsafe(Math.min(Math.max(size, 0) + 1, limit + 1, 1024 * 1024) || 1);
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    total += n;
    if (total > limit) return null;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    if (n === buf.length && buf.length < 1024 * 1024) buf = Buffer.allocUnsafe(Math.min(buf.length * 2, limit + 1, 1024 * 1024));
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

function errorReason(e: unknown): string {
  if (e instanceof SymlinkLoopError) return 'a symbolic link loop (more than 40 links to follow)';
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ELOOP') return 'a symbolic link loop, or a link where a file was opened';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return `permission denied (${err.code})`;
  if (err?.code === 'EAGAIN' || err?.code === 'EWOULDBLOCK') return 'the file would block the reader (EAGAIN): not a regular file';
  return err?.code ?? String(e);
}


/**
 * A root filesystem mounted or unpacked on the auditing machine. Nothing is ever executed on it: files are
 * read with the auditing machine's own system calls, and the walk runs the auditing machine's `find`
 * over the directory. Absolute symlinks inside the tree resolve against the tree's root, not the host's.
 *
 * Reads, stats and listings use synchronous system calls: an audit issues them in batches and waits for
 * each batch, and on a sandboxed kernel (gVisor) each asynchronous call's trip through libuv's thread pool
 * cost more than the call itself. Within one batch, the path components already resolved are reused.
 */
import { spawn } from 'node:child_process';
import { promises as fs, constants as fsc, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { ExecResult, FileNode, FileRead, FileStat, Target, TargetCounters, TargetKind, WalkEntry, WalkOptions } from './target.js';
import { TargetError } from './target.js';
import { findArgs, typeFromModeBits, WalkStreamParser } from './shell-protocol.js';

const MAX_SYMLINK_HOPS = 40;

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

  constructor(readonly uri: string, root: string) {
    this.root = path.resolve(root);
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
  protected resolveSync(targetPath: string, followLast = true, seen?: Map<string, Component>): string | null {
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
      if (c === MISSING) return null;
      if (c !== PLAIN && (parts.length > 0 || followLast)) {
        if (++hops > MAX_SYMLINK_HOPS) throw new Error(`too many symlinks resolving ${targetPath}`);
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
    if (!/[*?[]/.test(pattern)) return [pattern];
    const dir = path.posix.dirname(pattern);
    const base = path.posix.basename(pattern);
    if (/[*?[]/.test(dir)) throw new Error(`wildcards are supported only in the last path component: ${pattern}`);
    const names = this.listSync(dir, seen);
    if (!names) return [pattern];
    const re = globToRegExp(base);
    const matches = names.filter((n) => re.test(n) && !(n.startsWith('.') && !base.startsWith('.'))).sort();
    return matches.length ? matches.map((n) => path.posix.join(dir, n)) : [pattern];
  }

  async readFiles(patterns: string[]): Promise<FileRead[]> {
    this.counters.roundTrips++;
    const out: FileRead[] = [];
    const seen = new Map<string, Component>();
    for (const pattern of patterns) {
      for (const p of this.expandSync(pattern, seen)) {
        const host = this.resolveSync(p, true, seen);
        if (!host) { out.push({ path: p, state: 'missing' }); continue; }
        try {
          const st = statSync(host);
          if (st.isDirectory()) { out.push({ path: p, state: 'directory' }); continue; }
          const content = readFileSync(host);
          this.counters.bytesRead += content.length;
          out.push({ path: p, state: 'file', content });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') out.push({ path: p, state: 'missing' });
          else out.push({ path: p, state: 'unreadable', reason: code ?? String(e) });
        }
      }
    }
    return out;
  }

  async stat(paths: string[]): Promise<Map<string, FileStat>> {
    this.counters.roundTrips++;
    const result = new Map<string, FileStat>();
    const seen = new Map<string, Component>();
    for (const p of paths) {
      const host = this.resolveSync(p, true, seen);
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
      const host = path.join(this.root, node.path);
      await fs.mkdir(host, { recursive: true });
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

  async walk(options: WalkOptions, onEntry: (entry: WalkEntry) => void): Promise<void> {
    this.counters.roundTrips++;
    const prefix = this.root === '/' ? '' : this.root;
    // Start points may pass through symlinks inside the tree (/home -> /data/home): resolve them against
    // the tree's root, so find never walks a path of the auditing machine. Entries keep the names asked for.
    for (const root of options.roots) {
      const host = await this.resolve(root);
      if (!host) continue;
      const resolvedInTree = host.slice(prefix.length) || '/';
      const parser = new WalkStreamParser((e) => {
        if (resolvedInTree !== root) e.path = root + e.path.slice(resolvedInTree.length);
        onEntry(e);
      }, prefix);
      await runFind(findArgs({ ...options, roots: [resolvedInTree] }, prefix), parser, this.counters);
    }
  }
}

/** Run the auditing machine's find and stream its output into the parser. */
export function runFind(args: string[], parser: WalkStreamParser, counters: TargetCounters): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('find', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (chunk: Buffer) => {
      counters.bytesRead += chunk.length;
      try { parser.push(chunk); } catch (e) { child.kill(); reject(e); }
    });
    child.on('error', reject);
    child.on('close', () => {
      try { parser.end(); resolve(); } catch (e) { reject(e); }
    });
  });
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) { re += '\\['; continue; }
      re += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** fs.access-style check, exported for the local target. */
export async function isReadable(p: string): Promise<boolean> {
  try { await fs.access(p, fsc.R_OK); return true; } catch { return false; }
}

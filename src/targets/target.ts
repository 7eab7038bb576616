/**
 * The transport interface every target kind implements. A target knows how to reach a system and read
 * from it; it knows nothing of CIS, items or facts.
 */

export type TargetKind = 'local' | 'ssh' | 'docker' | 'docker-image' | 'rootfs';

export interface ExecResult {
  command: string;
  exitCode: number;
  stdout: Buffer;
  stderr: string;
  durationMs: number;
}

/** One file as read from the target. `missing` and `unreadable` are answers, not exceptions. */
export type FileRead =
  | { path: string; state: 'file'; content: Buffer }
  | { path: string; state: 'missing'; /** e.g. "a dangling symbolic link to /x" */ note?: string }
  | { path: string; state: 'directory' }
  | { path: string; state: 'unreadable'; reason: string };

export interface FileStat {
  path: string;
  /** 'f' regular, 'd' directory, 'l' symlink, 'c' char device, 'b' block device, 'p' fifo, 's' socket */
  type: string;
  /** permission bits including setuid/setgid/sticky, e.g. 0o4755 */
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

export interface WalkEntry extends FileStat {
  /** for symlinks ('l'): the link's target as stored (not resolved) */
  linkTarget?: string;
}

/**
 * One filesystem node as hardening backs it up and restores it: a regular file (content, mode, owner),
 * a symlink (its target), or nothing. Symlinks are not followed.
 */
export type FileNode =
  | { path: string; type: 'file'; content: Buffer; mode: number; uid: number; gid: number }
  | { path: string; type: 'symlink'; linkTarget: string }
  | { path: string; type: 'missing' }
  | { path: string; type: 'directory'; mode: number; uid: number; gid: number };

export interface WalkOptions {
  /** Directories to start from. The walk never crosses into another filesystem (like find -xdev). */
  roots: string[];
  /** Paths not to descend into. */
  prune?: string[];
  /** Only descend this many levels below each root (find -maxdepth). */
  maxDepth?: number;
  /** Leave out the entries fewer than this many levels below each root (find -mindepth). */
  minDepth?: number;
  /**
   * The walk may run as several finds at once over the roots' subdirectories (a walk of a whole system:
   * only where the finds run on the auditing machine, rootfs and local). The same entries, in another order.
   */
  parallel?: boolean;
  /**
   * Send only the entries this selects to onEntry; every other entry is still walked and counted (the
   * walk's result) but not sent whole. Cuts what a walk of millions of entries has to carry and parse.
   */
  keepOnly?: WalkSelection;
}

/**
 * Entries a walk sends whole: a regular file with any of `fileModeAny`'s mode bits, a directory with any
 * of `dirModeAny`'s, or any entry whose owner is not in `uidsIn` or whose group is not in `gidsIn`.
 */
export interface WalkSelection {
  fileModeAny: number;
  dirModeAny: number;
  uidsIn: number[];
  gidsIn: number[];
}

/**
 * What one audit may cost the auditing machine, whatever the target holds: the largest file read as
 * content, and how long one round trip (a command, a batch of reads, a stat) may take. A walk of the
 * filesystem may take WALK_TIMEOUT_FACTOR times as long.
 */
export interface TargetLimits {
  maxFileBytes: number;
  timeoutMs: number;
  /** files with a cap of their own (a package database is not a configuration file), by exact path */
  largeFiles: Record<string, number>;
}

export const DEFAULT_LIMITS: TargetLimits = { maxFileBytes: 8 * 1024 * 1024, timeoutMs: 300_000, largeFiles: {} };

/** The cap for one file: its own when the caller named it, else the cap for configuration files. */
export const capFor = (limits: TargetLimits, path: string): number => limits.largeFiles[path] ?? limits.maxFileBytes;

/**
 * The timeout of one command. A fact may ask for a longer one than the default for a slow command (dpkg
 * --verify hashes every package file); the user's --timeout scales it in proportion, so that a shorter
 * --timeout shortens every wait.
 */
export function commandTimeoutMs(limits: TargetLimits, asked?: number): number {
  if (asked === undefined) return limits.timeoutMs;
  return Math.max(1000, Math.round(asked * (limits.timeoutMs / DEFAULT_LIMITS.timeoutMs)));
}
export const WALK_TIMEOUT_FACTOR = 10;
/** Output of one command kept in memory at most (a walk streams and is not bound by it). */
export const MAX_COMMAND_OUTPUT_BYTES = 64 * 1024 * 1024;
/** stderr of one command kept at most. */
export const MAX_STDERR_CHARS = 64 * 1024;

/** The reason given for a file over the size cap. */
export function tooLargeReason(size: number | undefined, limit: number): string {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 2 : 1)} MiB`;
  return `too large to be a configuration file (${size === undefined ? 'more than ' : ''}${mib(size ?? limit)}; the limit is ${mib(limit)}, --max-file-size)`;
}

/** The reason given for something that is not a regular file where file content was asked for. */
export function notRegularReason(type: string): string {
  const what: Record<string, string> = {
    p: 'a FIFO (named pipe)', s: 'a socket', c: 'a character device', b: 'a block device', l: 'a symbolic link', d: 'a directory',
  };
  if (type === 'o') return 'a symbolic link loop (more than 40 links to follow)';
  return `it is ${what[type] ?? `a file of unknown type (${type})`}, not a regular file`;
}

export function timedOutMessage(ms: number, what: string): string {
  return `timed out after ${Math.round(ms / 1000)} s (${what}; --timeout)`;
}

export interface TargetCounters {
  roundTrips: number;
  bytesRead: number;
}

export type TraceSink = (line: string) => void;

export interface Target {
  readonly kind: TargetKind;
  /** The URI as the user gave it, without any secret. */
  readonly uri: string;
  /** false for rootfs: nothing is ever executed there. */
  readonly canExecute: boolean;
  /** true when the target is a running system (processes, kernel state, mounts can be read). */
  readonly isLive: boolean;
  /**
   * The target's tree as a directory of the auditing machine (rootfs: its directory; local: "/"), so a
   * fact may read a database format with the auditing machine's own tool. Undefined for remote kinds.
   */
  readonly hostRoot?: string;
  /** when not live: why running state cannot be read ("offline root filesystem", "image: ...") */
  readonly notLiveReason?: string;
  readonly counters: TargetCounters;

  connect(): Promise<void>;
  close(): Promise<void>;

  /**
   * Stop the audit's use of the target (Ctrl-C, SIGTERM): what is in flight is abandoned and every later
   * operation fails at once with a TargetError 'interrupted'. close() still cleans up.
   */
  interrupt(reason: string): void;
  /** Set when the connection to the target was lost during the run (the SSH connection, the container). */
  readonly lost?: string;

  /** Run a shell command on the target. Throws NotExecutable on rootfs. */
  exec(command: string, options?: { timeoutMs?: number }): Promise<ExecResult>;

  /**
   * Read several files in one round trip. Paths may contain shell-style wildcards (* ? [..]); a pattern
   * that matches nothing is reported as missing under its own name. Symlinks are followed.
   */
  readFiles(paths: string[]): Promise<FileRead[]>;

  /** stat (following symlinks) several paths in one round trip; missing paths are absent from the result. */
  stat(paths: string[]): Promise<Map<string, FileStat>>;

  /** Names in a directory (not recursive), or null when the directory does not exist. */
  list(dir: string): Promise<string[] | null>;

  /**
   * Walk the trees under roots in one round trip, streaming entries to onEntry (with keepOnly, only the
   * entries it selects). Resolves to the number of entries walked, those not sent included.
   */
  walk(options: WalkOptions, onEntry: (entry: WalkEntry) => void): Promise<number>;

  // Changes: used only by hardening and rollback. Audits never call them.

  /** Snapshot nodes without following a final symlink, in one round trip. */
  readNodes(paths: string[]): Promise<FileNode[]>;
  /**
   * Make a node exist exactly as given (a file atomically replaced, with its mode and owner; a symlink;
   * or nothing). Parent directories are created (0755 root) when missing. Directories are not removed.
   */
  writeNode(node: FileNode): Promise<void>;
}

export class TargetError extends Error {
  constructor(
    message: string,
    readonly code: 'unreachable' | 'auth' | 'usage' | 'not-executable' | 'timeout' | 'io' | 'lost' | 'interrupted',
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/** Quote a path for sh so that it is taken literally, except for the wildcards * ? [ ] which still expand. */
export function shellGlobWord(path: string): string {
  return path.replace(/[^A-Za-z0-9_/.,:=+@%*?[\]-]/g, (c) => `\\${c}`);
}

/** Quote any string as one literal sh word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

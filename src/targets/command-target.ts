/**
 * Shared file operations for targets reached only through commands (ssh, docker): every operation is one
 * command, hence one round trip, built by shell-protocol.ts.
 */
import type { ExecResult, FileNode, FileRead, FileStat, Target, TargetCounters, TargetKind, TargetLimits, TraceSink, WalkEntry, WalkOptions } from './target.js';
import { capFor, commandTimeoutMs, DEFAULT_LIMITS, MAX_COMMAND_OUTPUT_BYTES, shellQuote, TargetError, timedOutMessage, WALK_TIMEOUT_FACTOR } from './target.js';
import { decodeTargetBytes } from '../model/text.js';
import { parseNodes, parseReadFiles, parseStat, readFilesScript, readNodesScript, statScript, walkScript, WalkStreamParser, writeAbandonedScript, writeNodeScripts } from './shell-protocol.js';

export interface RunOptions {
  timeoutMs?: number;
  onStdout?: (chunk: Buffer) => void;
}

/** What a transport's run() is given: stdout goes to onStdout; when `abort` fires, give up with its reason. */
export interface TransportRunOptions {
  onStdout: (chunk: Buffer) => void;
  abort: AbortSignal;
}

/**
 * The command as sent: run under the target's own `timeout`, where it has one, a few seconds after ours
 * fires, so that a command abandoned by the audit (sshd -T reading a device, say) does not run on there.
 */
export function killedOnTarget(command: string, timeoutMs: number): string {
  const seconds = Math.ceil(timeoutMs / 1000) + 5;
  const quoted = shellQuote(command);
  // probed each time (a fork of `timeout true`): an old busybox timeout takes other arguments
  // the command appears once: a file written in pieces (writeNodeScripts) stays within one argument's limit
  return `if timeout -s KILL 5 true >/dev/null 2>&1; then set -- timeout -s KILL ${seconds}; else set --; fi; exec "$@" /bin/sh -c ${quoted}`;
}

export abstract class CommandTarget implements Target {
  abstract readonly kind: TargetKind;
  readonly canExecute = true;
  readonly isLive: boolean = true;
  readonly notLiveReason?: string;
  readonly counters: TargetCounters = { roundTrips: 0, bytesRead: 0 };
  readonly limits: TargetLimits;
  /** why the target can no longer be used: the connection was lost, or the run was interrupted */
  protected ended?: TargetError;
  private readonly inFlight = new Set<AbortController>();

  constructor(readonly uri: string, protected readonly trace?: TraceSink, protected readonly sudo = false, limits: Partial<TargetLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  get lost(): string | undefined {
    return this.ended?.code === 'lost' ? this.ended.message : undefined;
  }

  abstract connect(): Promise<void>;
  abstract close(): Promise<void>;
  /**
   * Run one sh command, streaming stdout to onStdout; exitCode -1 when none was reported. When `abort`
   * fires, stop waiting (close the channel or stream) and reject with abort.reason.
   */
  protected abstract run(command: string, options: TransportRunOptions): Promise<Omit<ExecResult, 'stdout'>>;

  interrupt(reason: string): void {
    this.endAll(new TargetError(`audit interrupted (${reason})`, 'interrupted'));
  }

  /** The connection is gone: what is in flight fails now, and so does everything later, with `error`. */
  protected connectionLost(message: string): void {
    this.endAll(new TargetError(message, 'lost'));
  }

  private endAll(error: TargetError): void {
    this.ended ??= error;
    for (const c of this.inFlight) c.abort(this.ended);
  }

  protected wrap(command: string): string {
    return this.sudo ? `sudo -n /bin/sh -c ${shellQuote(command)}` : command;
  }

  async exec(command: string, options: RunOptions = {}): Promise<ExecResult> {
    if (this.ended) throw this.ended;
    this.counters.roundTrips++;
    const timeoutMs = commandTimeoutMs(this.limits, options.timeoutMs);
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new TargetError(timedOutMessage(timeoutMs, `${this.kind} command: ${command.split('\n')[0].slice(0, 80)}`), 'timeout')), timeoutMs);
    const out: Buffer[] = [];
    let size = 0;
    const onStdout = options.onStdout ?? ((chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_COMMAND_OUTPUT_BYTES) {
        controller.abort(new TargetError(`the output of a command exceeded ${MAX_COMMAND_OUTPUT_BYTES / 1024 / 1024} MiB and was stopped`, 'io'));
        return;
      }
      out.push(chunk);
    });
    let ran: Omit<ExecResult, 'stdout'>;
    try {
      if (controller.signal.aborted) throw controller.signal.reason;
      // whatever the transport does, the command settles when it is aborted (timeout, lost, interrupted)
      const running = this.run(this.wrap(killedOnTarget(command, timeoutMs)), { onStdout, abort: controller.signal });
      running.catch(() => undefined);
      ran = await Promise.race([running, new Promise<never>((_, reject) => {
        if (controller.signal.aborted) reject(controller.signal.reason);
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
      })]);
      if (controller.signal.aborted) throw controller.signal.reason;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    const result: ExecResult = { ...ran, command, stdout: Buffer.concat(out) };
    if (!options.onStdout) this.counters.bytesRead += result.stdout.length;
    this.trace?.(`[${this.kind}] ${result.durationMs} ms exit=${result.exitCode} ${command.split('\n')[0].slice(0, 160)}`);
    if (this.sudo && result.exitCode !== 0 && /sudo: (a password is required|a terminal is required)/.test(result.stderr)) {
      throw new TargetError('sudo needs a password on the target; --sudo requires passwordless sudo (NOPASSWD)', 'auth');
    }
    return result;
  }

  async readFiles(paths: string[]): Promise<FileRead[]> {
    if (!paths.length) return [];
    // one round trip: a loop per cap (configuration files, and each file with a cap of its own)
    const groups = new Map<number, string[]>();
    for (const p of paths) groups.set(capFor(this.limits, p), [...(groups.get(capFor(this.limits, p)) ?? []), p]);
    const r = await this.exec([...groups].map(([cap, ps]) => readFilesScript(ps, cap)).join('\n'));
    try {
      return parseReadFiles(r.stdout, (p) => capFor(this.limits, p));
    } catch (e) {
      throw new TargetError(`reading files failed (${(e as Error).message}); stderr: ${r.stderr.trim()}`, 'io');
    }
  }

  async stat(paths: string[]): Promise<Map<string, FileStat>> {
    if (!paths.length) return new Map();
    const r = await this.exec(statScript(paths));
    return parseStat(r.stdout.toString('utf8'));
  }

  async list(dir: string): Promise<string[] | null> {
    const r = await this.exec(`[ -d ${shellQuote(dir)} ] && find ${shellQuote(dir)} -mindepth 1 -maxdepth 1 -printf '%f\\0' || echo MISSING`);
    if (r.stdout.subarray(0, 7).toString('latin1') === 'MISSING') return null;
    // names are bytes: ones that are not UTF-8 keep their bytes (decodeTargetBytes) for reports to show
    const names: string[] = [];
    let start = 0;
    for (let end = r.stdout.indexOf(0); end >= 0; start = end + 1, end = r.stdout.indexOf(0, start)) {
      if (end > start) names.push(decodeTargetBytes(r.stdout.subarray(start, end)));
    }
    return names.sort();
  }

  async readNodes(paths: string[]): Promise<FileNode[]> {
    if (!paths.length) return [];
    const r = await this.exec(readNodesScript(paths));
    try {
      return parseNodes(r.stdout);
    } catch (e) {
      throw new TargetError(`snapshotting files failed (${(e as Error).message}); stderr: ${r.stderr.trim()}`, 'io');
    }
  }

  /** One round trip for a node; a file larger than WRITE_CHUNK_BYTES takes one per piece. */
  async writeNode(node: FileNode): Promise<void> {
    const scripts = writeNodeScripts(node);
    for (const script of scripts) {
      const r = await this.exec(script).catch(async (e: unknown) => {
        if (scripts.length > 1) await this.exec(writeAbandonedScript(node)).catch(() => undefined);
        throw e;
      });
      if (r.exitCode !== 0) {
        if (scripts.length > 1) await this.exec(writeAbandonedScript(node)).catch(() => undefined);
        throw new TargetError(`writing ${node.path} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`, 'io');
      }
    }
  }

  async walk(options: WalkOptions, onEntry: (entry: WalkEntry) => void): Promise<number> {
    const parser = new WalkStreamParser(onEntry);
    await this.exec(walkScript(options), {
      timeoutMs: DEFAULT_LIMITS.timeoutMs * WALK_TIMEOUT_FACTOR,
      onStdout: (chunk) => { this.counters.bytesRead += chunk.length; parser.push(chunk); },
    });
    parser.end();
    return parser.walked;
  }
}

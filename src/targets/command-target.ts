/**
 * Shared file operations for targets reached only through commands (ssh, docker): every operation is one
 * command, hence one round trip, built by shell-protocol.ts.
 */
import type { ExecResult, FileNode, FileRead, FileStat, Target, TargetCounters, TargetKind, TraceSink, WalkEntry, WalkOptions } from './target.js';
import { shellQuote, TargetError } from './target.js';
import { parseNodes, parseReadFiles, parseStat, readFilesScript, readNodesScript, statScript, walkScript, WalkStreamParser, writeNodeScript } from './shell-protocol.js';

export interface RunOptions {
  timeoutMs?: number;
  onStdout?: (chunk: Buffer) => void;
}

export abstract class CommandTarget implements Target {
  abstract readonly kind: TargetKind;
  readonly canExecute = true;
  readonly isLive: boolean = true;
  readonly notLiveReason?: string;
  readonly counters: TargetCounters = { roundTrips: 0, bytesRead: 0 };

  constructor(readonly uri: string, protected readonly trace?: TraceSink, protected readonly sudo = false) {}

  abstract connect(): Promise<void>;
  abstract close(): Promise<void>;
  /** Run one sh command; when onStdout is given, stdout is streamed to it and not collected. */
  protected abstract run(command: string, options: RunOptions): Promise<ExecResult>;

  protected wrap(command: string): string {
    return this.sudo ? `sudo -n /bin/sh -c ${shellQuote(command)}` : command;
  }

  async exec(command: string, options: RunOptions = {}): Promise<ExecResult> {
    this.counters.roundTrips++;
    const result = await this.run(this.wrap(command), { timeoutMs: options.timeoutMs ?? 120_000, onStdout: options.onStdout });
    result.command = command;
    if (!options.onStdout) this.counters.bytesRead += result.stdout.length;
    this.trace?.(`[${this.kind}] ${result.durationMs} ms exit=${result.exitCode} ${command.split('\n')[0].slice(0, 160)}`);
    if (this.sudo && result.exitCode !== 0 && /sudo: (a password is required|a terminal is required)/.test(result.stderr)) {
      throw new TargetError('sudo needs a password on the target; --sudo requires passwordless sudo (NOPASSWD)', 'auth');
    }
    return result;
  }

  async readFiles(paths: string[]): Promise<FileRead[]> {
    if (!paths.length) return [];
    const r = await this.exec(readFilesScript(paths));
    try {
      return parseReadFiles(r.stdout);
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
    const text = r.stdout.toString('utf8');
    if (text.startsWith('MISSING')) return null;
    return text.split('\0').filter(Boolean).sort();
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

  async writeNode(node: FileNode): Promise<void> {
    const r = await this.exec(writeNodeScript(node));
    if (r.exitCode !== 0) throw new TargetError(`writing ${node.path} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`, 'io');
  }

  async walk(options: WalkOptions, onEntry: (entry: WalkEntry) => void): Promise<void> {
    const parser = new WalkStreamParser(onEntry);
    await this.exec(walkScript(options), {
      timeoutMs: 30 * 60_000,
      onStdout: (chunk) => { this.counters.bytesRead += chunk.length; parser.push(chunk); },
    });
    parser.end();
  }
}

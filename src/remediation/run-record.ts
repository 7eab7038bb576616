/**
 * The run record of a hardening run: what the run is about to change, written on the target BEFORE the
 * change (write-ahead), so that a run killed at any moment leaves enough for `cis-bdd rollback` to put the
 * tree back exactly. It lives in /var/lib/cis-bdd/runs/<runId>/manifest.json and holds every node as it was
 * before the run (content, mode, owner, link target, or "did not exist"), the directories the run creates,
 * the temporary names its writes use, and the commands and package changes it ran or was about to run.
 *
 * Each version of the record replaces the previous one atomically (written under a temporary name, then
 * renamed; flushed to disk before the change it announces is made), so a reader sees either the old or the
 * new record, never half of one. A run directory is never reused: a new run takes a fresh id.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FileNode, Target } from '../targets/target.js';
import { shellQuote } from '../targets/target.js';
import { crashPoint } from './fault-injection.js';
import { byCodeUnits } from '../model/text.js';

export const BACKUP_ROOT = '/var/lib/cis-bdd/runs';
/** The suffix under which every target kind writes a file before renaming it into place (src/targets). */
export const TEMP_SUFFIX = '.cis-bdd-tmp';
export const RUN_ID = /^[0-9A-Za-z][0-9A-Za-z-]*$/;

/**
 * A node as recorded: file content in base64 so the record is plain JSON. A file whose content the run
 * does not change (only its mode or owner) is recorded as its attributes alone ("attributes"), so that a
 * large log file is neither copied into the record nor rewritten on rollback.
 */
export type RecordNode = { path: string; type: 'file'; contentBase64: string; mode: number; uid: number; gid: number }
  | { path: string; type: 'attributes'; mode: number; uid: number; gid: number }
  | Exclude<FileNode, { type: 'file' }>;

export interface RunRecord {
  version?: 2;
  runId: string;
  createdAt: string;
  updatedAt?: string;
  target: string;
  /** applying: the run may have stopped anywhere (its changes are recorded before they are made) */
  state?: 'applying' | 'complete' | 'rolled-back';
  /** every node the run changes, as it was before the run */
  nodes: RecordNode[];
  /** directories the run creates (they did not exist), outermost first */
  createdDirectories?: string[];
  /** temporary names the run's writes use; none existed before the run */
  tempNames?: string[];
  commands: string[];
  packagesRemoved: string[];
  /** installed with --allow-install; rollback leaves them and says so */
  packagesInstalled?: string[];
  /** package changes about to run: a run stopped during them may have done them in part */
  packagesIntended?: Array<{ name: string; action: 'remove' | 'install' }>;
  rolledBackAt?: string;
}

export const backupDirOf = (runId: string) => `${BACKUP_ROOT}/${runId}`;
export const recordPathOf = (runId: string) => `${backupDirOf(runId)}/manifest.json`;

export function toRecordNode(n: FileNode): RecordNode {
  return n.type === 'file' ? { path: n.path, type: 'file', contentBase64: n.content.toString('base64'), mode: n.mode, uid: n.uid, gid: n.gid } : n;
}

/** The attributes of a file whose content the run leaves as it is. */
export function toAttributesNode(n: Extract<FileNode, { type: 'file' }>): RecordNode {
  return { path: n.path, type: 'attributes', mode: n.mode, uid: n.uid, gid: n.gid };
}

export function fromRecordNode(n: Exclude<RecordNode, { type: 'attributes' }>): FileNode {
  return n.type === 'file' ? { path: n.path, type: 'file', content: Buffer.from(n.contentBase64, 'base64'), mode: n.mode, uid: n.uid, gid: n.gid } : n;
}

/** A run id: the start time (UTC, to the second) and 48 random bits. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(6).toString('hex')}`;
}

/**
 * Take a run directory that no run has used: `wanted` if it is free, otherwise a fresh id. Never reuses a
 * directory, so a second run (after a crash, or at the same second) cannot overwrite another run's backups.
 */
export async function reserveRun(target: Target, wanted: string): Promise<string> {
  let runId = wanted;
  for (let attempt = 0; attempt < 5; attempt++, runId = newRunId()) {
    const [existing] = await target.readNodes([backupDirOf(runId)]);
    if (existing.type !== 'missing') continue;
    await target.writeNode({ path: backupDirOf(runId), type: 'directory', mode: 0o700, uid: 0, gid: 0 });
    await crashPoint('run-reserved');
    return runId;
  }
  throw new Error(`no free run directory under ${BACKUP_ROOT} after 5 tries`);
}

/**
 * Write a new version of the record and make it durable before returning: the caller makes the changes
 * it announces only afterwards.
 */
export async function writeRecord(target: Target, record: RunRecord): Promise<void> {
  const file = recordPathOf(record.runId);
  const content = Buffer.from(JSON.stringify({ ...record, version: 2, updatedAt: new Date().toISOString() }, null, 1));
  // test hook: the state a kill during the write leaves, half the record under the temporary name
  await crashPoint('torn-record', () => target.writeNode({ path: `${file}${TEMP_SUFFIX}`, type: 'file', content: content.subarray(0, content.length >> 1), mode: 0o600, uid: 0, gid: 0 }));
  await target.writeNode({ path: file, type: 'file', content, mode: 0o600, uid: 0, gid: 0 });
  await flush(target, file);
  await crashPoint('recorded');
}

/** Flush a file and its directory to disk, so that the record survives a power cut as well as a kill. */
async function flush(target: Target, file: string): Promise<void> {
  const dir = path.posix.dirname(file);
  if (target.canExecute) {
    // coreutils sync FILE... fsyncs those; older or busybox sync takes no operands and flushes everything
    await target.exec(`sync -- ${shellQuote(file)} ${shellQuote(dir)} 2>/dev/null || sync`);
    return;
  }
  if (!target.hostRoot) return;
  // only a file that really lies inside the tree (the record directory may not be a link out of it)
  const root = await fs.realpath(target.hostRoot);
  for (const p of [file, dir]) {
    const real = await fs.realpath(path.join(root, p)).catch(() => null);
    if (!real || (real !== root && !real.startsWith(`${root}/`))) continue;
    const handle = await fs.open(real, 'r');
    try { await handle.sync(); } finally { await handle.close(); }
  }
}

export class RecordError extends Error {}

/** The record of a run, or null when the run recorded nothing (stopped before its first change). */
export async function readRecord(target: Target, runId: string): Promise<RunRecord | null> {
  const file = recordPathOf(runId);
  const [read] = await target.readFiles([file]);
  if (read.state === 'missing') return null;
  if (read.state !== 'file') throw new RecordError(`${file} is ${read.state === 'unreadable' ? `unreadable (${read.reason})` : `a ${read.state}`}`);
  return parseRecord(file, read.content);
}

function parseRecord(file: string, content: Buffer): RunRecord {
  let r: RunRecord;
  try {
    r = JSON.parse(content.toString('utf8')) as RunRecord;
  } catch (e) {
    throw new RecordError(`${file} is not a run record: ${(e as Error).message}`);
  }
  if (!r || typeof r.runId !== 'string' || !Array.isArray(r.nodes)) throw new RecordError(`${file} is not a run record`);
  r.state ??= r.rolledBackAt ? 'rolled-back' : 'complete';
  return r;
}

export interface RunSummary {
  runId: string;
  /** from the record; for a run without a readable record, the start time in its id */
  createdAt: string;
  state: NonNullable<RunRecord['state']>;
  /** false: the run was stopped before its first record, so it changed nothing */
  recorded: boolean;
  /** why the record cannot be read */
  damaged?: string;
}

/** The start time a run id carries (UTC, to the second), as ISO 8601, or '' when the name has none. */
export function timeOfRunId(runId: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})-/.exec(runId);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z` : '';
}

/**
 * The runs recorded on the target (one round trip for all records). A run directory without a record
 * (stopped before its first change) or with a damaged one is listed too, with the time in its id.
 */
export async function listRuns(target: Target): Promise<RunSummary[]> {
  const names = ((await target.list(BACKUP_ROOT)) ?? []).filter((n) => RUN_ID.test(n));
  if (!names.length) return [];
  const reads = await target.readFiles(names.map(recordPathOf));
  return names.map((runId, i): RunSummary => {
    const read = reads.find((r) => r.path === recordPathOf(runId)) ?? reads[i];
    if (read?.state === 'missing') return { runId, createdAt: timeOfRunId(runId), state: 'applying', recorded: false };
    try {
      if (read?.state !== 'file') throw new RecordError(`${recordPathOf(runId)} is ${read?.state ?? 'missing'}`);
      const r = parseRecord(read.path, read.content);
      return { runId, createdAt: r.createdAt, state: r.state!, recorded: true };
    } catch (e) {
      return { runId, createdAt: timeOfRunId(runId), state: 'applying', recorded: true, damaged: (e as Error).message };
    }
  });
}

/**
 * The run `--run latest` means: the most recently started run (by the time in its record, then by id)
 * that has not been rolled back yet. Repeating `rollback --run latest` undoes runs newest first.
 */
export function latestRun(runs: RunSummary[]): RunSummary | undefined {
  const time = (r: RunSummary) => { const t = Date.parse(r.createdAt); return Number.isFinite(t) ? t : 0; };
  return runs.filter((r) => r.state !== 'rolled-back').sort((a, b) => time(b) - time(a) || byCodeUnits(b.runId, a.runId))[0];
}

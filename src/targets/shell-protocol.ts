/**
 * The few POSIX shell scripts that command-based targets (ssh, docker) use to read files, stat paths and
 * walk trees in one round trip each, and the pure parsers of their output. Only sh, head, wc, cat, stat
 * and find are needed on the target.
 */
import type { FileNode, FileRead, FileStat, WalkEntry, WalkOptions, WalkSelection } from './target.js';
import { decodeTargetBytes } from '../model/text.js';
import { DEFAULT_LIMITS, notRegularReason, shellGlobWord, shellQuote, tooLargeReason } from './target.js';

const MARK = 'CISBDD';

/**
 * A script that prints, for each pattern's matches, a NUL-framed header then the file's bytes. The type
 * is checked before anything is opened: only a regular file is read, and at most maxBytes of it (head -c);
 * a directory, FIFO, socket or device is named as such, a file over the cap is refused unread.
 */
export function readFilesScript(patterns: string[], maxBytes: number): string {
  const words = patterns.map(shellGlobWord).join(' ');
  return [
    `for p in ${words}; do`,
    `  if [ -d "$p" ]; then printf '\\000${MARK} D %s\\000' "$p";`,
    `  elif [ -f "$p" ]; then`,
    `    if n=$( { head -c ${maxBytes + 1} <&3 | wc -c; } 3<"$p" 2>/dev/null ) && [ -n "$n" ]; then`,
    `      if [ "$n" -gt ${maxBytes} ]; then printf '\\000${MARK} T %s\\000' "$p";`,
    `      else printf '\\000${MARK} F %s %s\\000' "$n" "$p"; head -c "$n" "$p" 2>/dev/null; fi`,
    `    else printf '\\000${MARK} E %s\\000' "$p"; fi`,
    `  elif [ -p "$p" ]; then printf '\\000${MARK} X p %s\\000' "$p";`,
    `  elif [ -S "$p" ]; then printf '\\000${MARK} X s %s\\000' "$p";`,
    `  elif [ -c "$p" ]; then printf '\\000${MARK} X c %s\\000' "$p";`,
    `  elif [ -b "$p" ]; then printf '\\000${MARK} X b %s\\000' "$p";`,
    `  elif [ -e "$p" ]; then printf '\\000${MARK} X ? %s\\000' "$p";`,
    `  elif [ -L "$p" ]; then`,
    `    if LC_ALL=C stat -L -- "$p" 2>&1 | grep -q 'levels of symbolic links'; then printf '\\000${MARK} X o %s\\000' "$p";`,
    `    else printf '\\000${MARK} L %s\\000' "$p"; fi`,
    `  else printf '\\000${MARK} M %s\\000' "$p"; fi`,
    `done`,
  ].join('\n');
}

/** Parse the output of readFilesScript. Throws on a framing error (a truncated stream). */
export function parseReadFiles(out: Buffer, maxBytes: number | ((path: string) => number) = DEFAULT_LIMITS.maxFileBytes): FileRead[] {
  const capOf = typeof maxBytes === 'number' ? () => maxBytes : maxBytes;
  const results: FileRead[] = [];
  let pos = 0;
  const header = Buffer.from(`\0${MARK} `);
  while (pos < out.length) {
    if (out.indexOf(header, pos) !== pos) throw new Error(`unexpected bytes in file stream at offset ${pos}`);
    const end = out.indexOf(0, pos + header.length);
    if (end < 0) throw new Error('truncated file stream header');
    const line = out.subarray(pos + header.length, end).toString('utf8');
    pos = end + 1;
    const kind = line[0];
    const rest = line.slice(2);
    if (kind === 'F') {
      const space = rest.indexOf(' ');
      const size = Number(rest.slice(0, space).trim());
      const path = rest.slice(space + 1);
      if (!Number.isFinite(size) || pos + size > out.length) throw new Error(`truncated content of ${path}`);
      results.push({ path, state: 'file', content: out.subarray(pos, pos + size) });
      pos += size;
    } else if (kind === 'D') results.push({ path: rest, state: 'directory' });
    else if (kind === 'M') results.push({ path: rest, state: 'missing' });
    else if (kind === 'L') results.push({ path: rest, state: 'missing', note: 'a dangling symbolic link' });
    else if (kind === 'T') results.push({ path: rest, state: 'unreadable', reason: tooLargeReason(undefined, capOf(rest)) });
    else if (kind === 'X') results.push({ path: rest.slice(2), state: 'unreadable', reason: notRegularReason(rest[0]) });
    else if (kind === 'E') results.push({ path: rest, state: 'unreadable', reason: 'permission denied or read error' });
    else throw new Error(`unknown file stream record ${JSON.stringify(line)}`);
  }
  return results;
}

/** A script that snapshots nodes: NUL-framed "N type size mode uid gid path" then the content or link target. */
export function readNodesScript(paths: string[]): string {
  return [
    `for p in ${paths.map(shellQuote).join(' ')}; do`,
    `  if [ -L "$p" ]; then t=$(readlink "$p"); printf '\\000${MARK} N l %s 0 0 0 %s\\000%s' "$(printf %s "$t" | wc -c)" "$p" "$t";`,
    `  elif [ -d "$p" ]; then printf '\\000${MARK} N d 0 %s %s\\000' "$(stat -c '%a %u %g' "$p")" "$p";`,
    `  elif [ -f "$p" ]; then printf '\\000${MARK} N f %s %s %s\\000' "$(wc -c < "$p")" "$(stat -c '%a %u %g' "$p")" "$p"; cat "$p";`,
    `  elif [ -e "$p" ]; then printf '\\000${MARK} N x 0 0 0 0 %s\\000' "$p";`,
    `  else printf '\\000${MARK} N m 0 0 0 0 %s\\000' "$p"; fi`,
    `done`,
  ].join('\n');
}

export function parseNodes(out: Buffer): FileNode[] {
  const nodes: FileNode[] = [];
  const header = Buffer.from(`\0${MARK} N `);
  let pos = 0;
  while (pos < out.length) {
    if (out.indexOf(header, pos) !== pos) throw new Error(`unexpected bytes in node stream at offset ${pos}`);
    const end = out.indexOf(0, pos + header.length);
    if (end < 0) throw new Error('truncated node stream header');
    const m = /^(\S) (\d+) (\d+) (\d+) (\d+) (.*)$/s.exec(out.subarray(pos + header.length, end).toString('utf8'));
    if (!m) throw new Error('malformed node header');
    pos = end + 1;
    const [, t, size, mode, uid, gid, path] = m;
    const payload = out.subarray(pos, pos + Number(size));
    if (payload.length !== Number(size)) throw new Error(`truncated content of ${path}`);
    pos += Number(size);
    if (t === 'f') nodes.push({ path, type: 'file', content: Buffer.from(payload), mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid) });
    else if (t === 'l') nodes.push({ path, type: 'symlink', linkTarget: payload.toString('utf8') });
    else if (t === 'd') nodes.push({ path, type: 'directory', mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid) });
    else if (t === 'm') nodes.push({ path, type: 'missing' });
    else throw new Error(`${path} is neither a file, a directory nor a symlink: hardening does not change it`);
  }
  return nodes;
}

/**
 * Raw bytes of file content per command: 48 KiB travel as 64 KiB of base64, well under Linux's limit on
 * one argument (128 KiB, MAX_ARG_STRLEN), which the whole command is (sh -c, under the target's timeout).
 */
export const WRITE_CHUNK_BYTES = 48 * 1024;

/**
 * The scripts that make one node exist as given, run one after the other. File content travels
 * base64-encoded into a temporary file beside it, in pieces of WRITE_CHUNK_BYTES (one script for a small
 * file), then the last script sets owner and mode and moves it into place. A failed piece leaves the
 * temporary file: the caller removes it (writeAbandonedScript).
 */
export function writeNodeScripts(node: FileNode): string[] {
  const p = shellQuote(node.path);
  const dir = shellQuote(node.path.replace(/\/[^/]*$/, '') || '/');
  const tmp = shellQuote(`${node.path}.cis-bdd-tmp`);
  switch (node.type) {
    case 'file': {
      const pieces: string[] = [];
      for (let at = 0; at === 0 || at < node.content.length; at += WRITE_CHUNK_BYTES) {
        const part = node.content.subarray(at, at + WRITE_CHUNK_BYTES).toString('base64');
        pieces.push(`printf '%s' '${part}' | base64 -d ${at === 0 ? '>' : '>>'} ${tmp}`);
      }
      const finish = [
        `chown ${node.uid}:${node.gid} ${tmp}; chmod ${node.mode.toString(8)} ${tmp}`,
        `if [ -d ${p} ] && [ ! -L ${p} ]; then echo "${node.path.replace(/["$`\\]/g, '')} is a directory" >&2; rm -f ${tmp}; exit 1; fi`,
        `mv -f ${tmp} ${p}`,
      ];
      const scripts = pieces.map((piece, i) => [...(i === 0 ? [`set -e; [ -d ${dir} ] || mkdir -p ${dir}`] : ['set -e']), piece].join('\n'));
      scripts[scripts.length - 1] = [scripts[scripts.length - 1], ...finish].join('\n');
      return scripts;
    }
    case 'symlink':
      return [`set -e; [ -d ${dir} ] || mkdir -p ${dir}; rm -f ${p}; ln -s ${shellQuote(node.linkTarget)} ${p}`];
    case 'missing':
      return [`set -e; if [ -d ${p} ] && [ ! -L ${p} ]; then rmdir ${p}; else rm -f ${p}; fi`];
    case 'directory':
      return [`set -e; mkdir -p ${p}; chown ${node.uid}:${node.gid} ${p}; chmod ${node.mode.toString(8)} ${p}`];
  }
}

/** Removes the temporary file a failed write of a file in pieces left behind. */
export function writeAbandonedScript(node: FileNode): string {
  return `rm -f ${shellQuote(`${node.path}.cis-bdd-tmp`)}`;
}

export function statScript(paths: string[]): string {
  return `stat -L -c '%f %u %g %s %n' -- ${paths.map(shellQuote).join(' ')} 2>/dev/null; true`;
}

const S_IFMT = 0o170000;
const TYPE_BY_BITS: Record<number, string> = {
  0o140000: 's', 0o120000: 'l', 0o100000: 'f', 0o060000: 'b', 0o040000: 'd', 0o020000: 'c', 0o010000: 'p',
};

export function typeFromModeBits(rawMode: number): string {
  return TYPE_BY_BITS[rawMode & S_IFMT] ?? '?';
}

export function parseStat(out: string): Map<string, FileStat> {
  const result = new Map<string, FileStat>();
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]+) (\d+) (\d+) (\d+) (.+)$/.exec(line);
    if (!m) continue;
    const raw = parseInt(m[1], 16);
    result.set(m[5], {
      path: m[5], type: typeFromModeBits(raw), mode: raw & 0o7777, uid: Number(m[2]), gid: Number(m[3]), size: Number(m[4]),
    });
  }
  return result;
}

/** find arguments for one walk; `prefix` is prepended to roots and prunes (a rootfs directory). */
export function findArgs(options: WalkOptions, prefix = ''): string[] {
  const args = [...options.roots.map((r) => prefix + r)];
  if (options.maxDepth !== undefined) args.push('-maxdepth', String(options.maxDepth));
  if (options.minDepth !== undefined) args.push('-mindepth', String(options.minDepth));
  args.push('-xdev');
  const prune = options.prune ?? [];
  if (prune.length) {
    args.push('(');
    prune.forEach((p, i) => { if (i) args.push('-o'); args.push('-path', prefix + p); });
    args.push(')', '-prune', '-o');
  }
  const selection = options.keepOnly && selectionArgs(options.keepOnly);
  if (selection) args.push('(', ...selection, ')');
  args.push('-printf', WALK_RECORD);
  // an entry not selected is one empty record: counted by the parser, never sent whole
  if (selection) args.push('-o', '-printf', '\\0\\0');
  return args;
}

/** find's record of one entry: "type mode uid gid size path" NUL "symlink target" NUL. */
const WALK_RECORD = '%y %m %U %G %s %p\\0%l\\0';

/** Ids beyond this many make the find expression too long for a command line: every entry is sent. */
const MAX_SELECTION_IDS = 1000;

/**
 * find tests for a WalkSelection, or null when it cannot be put as one (no ids, too many, not ids): then
 * the walk sends every entry, which gives the same answer, only slower.
 */
function selectionArgs(s: WalkSelection): string[] | null {
  const ids = (xs: number[]) => [...new Set(xs)];
  const uids = ids(s.uidsIn);
  const gids = ids(s.gidsIn);
  const valid = (xs: number[]) => xs.length > 0 && xs.length <= MAX_SELECTION_IDS && xs.every((x) => Number.isSafeInteger(x) && x >= 0);
  if (!valid(uids) || !valid(gids) || !validBits(s.fileModeAny) || !validBits(s.dirModeAny)) return null;
  const anyOf = (test: string, xs: number[]) => xs.flatMap((x, i) => (i ? ['-o', test, String(x)] : [test, String(x)]));
  const args: string[] = [];
  if (s.fileModeAny) args.push('(', '-type', 'f', '-perm', `/${s.fileModeAny.toString(8)}`, ')', '-o');
  if (s.dirModeAny) args.push('(', '-type', 'd', '-perm', `/${s.dirModeAny.toString(8)}`, ')', '-o');
  args.push('!', '(', ...anyOf('-uid', uids), ')', '-o', '!', '(', ...anyOf('-gid', gids), ')');
  return args;
}

function validBits(bits: number): boolean {
  return Number.isInteger(bits) && bits >= 0 && bits <= 0o7777;
}

export function walkScript(options: WalkOptions): string {
  return `find ${findArgs(options).map(shellQuote).join(' ')} 2>/dev/null; true`;
}

/**
 * A streaming parser for find's records: "type mode uid gid size path" NUL "symlink target" NUL.
 * Feed it chunks; it calls onEntry per record and keeps only the unfinished tail in memory.
 *
 * A walk of a large tree is millions of records, so the usual record ("f 644 0 0 1234 /path": an ASCII
 * type, octal mode, decimal numbers) is read straight from the bytes; anything else goes through the
 * general pattern, which gives the same answer for the usual record, only slower.
 */
export class WalkStreamParser {
  private tail: Buffer = Buffer.alloc(0);
  /** entries sent whole to onEntry */
  count = 0;
  /** entries walked: those sent and those a selection left out (an empty record each) */
  walked = 0;
  constructor(private readonly onEntry: (e: WalkEntry) => void, private readonly stripPrefix = '') {}

  push(chunk: Buffer): void {
    const buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const end = buf.indexOf(0, start);
      if (end < 0) break;
      const end2 = buf.indexOf(0, end + 1);
      if (end2 < 0) break;
      this.record(buf, start, end, end2);
      start = end2 + 1;
    }
    this.tail = Buffer.from(buf.subarray(start));
  }

  end(): void {
    if (this.tail.length) throw new Error('walk output ended inside a record');
  }

  /** The record in buf: its line from start to end, its link target from end + 1 to end2. */
  private record(buf: Buffer, start: number, end: number, end2: number): void {
    if (start === end) { this.walked++; return; }
    const type = buf[start];
    if (type <= 0x20 || type >= 0x7f || buf[start + 1] !== 0x20) { this.general(buf, start, end, end2); return; }
    const fields = [0, 0, 0, 0];
    let p = start + 2;
    for (let f = 0; f < 4; f++) {
      const radix = f === 0 ? 8 : 10;
      let value = 0;
      let digits = 0;
      for (; p < end; p++, digits++) {
        const d = buf[p] - 0x30;
        if (d < 0 || d >= radix) break;
        value = value * radix + d;
      }
      // no digits, a digit the radix does not have, or more than a double holds exactly: the general way
      if (digits === 0 || digits > 15 || buf[p] !== 0x20) { this.general(buf, start, end, end2); return; }
      fields[f] = value;
      p++;
    }
    this.emit(String.fromCharCode(type), fields[0], fields[1], fields[2], fields[3], decodeTargetBytes(buf.subarray(p, end)), buf, end, end2);
  }

  private general(buf: Buffer, start: number, end: number, end2: number): void {
    const m = /^(\S) (\d+) (\d+) (\d+) (\d+) (.*)$/s.exec(decodeTargetBytes(buf.subarray(start, end)));
    if (!m) return;
    this.emit(m[1], parseInt(m[2], 8), Number(m[3]), Number(m[4]), Number(m[5]), m[6], buf, end, end2);
  }

  private emit(type: string, mode: number, uid: number, gid: number, size: number, path: string, buf: Buffer, end: number, end2: number): void {
    if (this.stripPrefix) {
      path = path.slice(this.stripPrefix.length) || '/';
    }
    this.count++;
    this.walked++;
    const entry: WalkEntry = { path, type, mode, uid, gid, size };
    if (type === 'l') entry.linkTarget = decodeTargetBytes(buf.subarray(end + 1, end2));
    this.onEntry(entry);
  }
}

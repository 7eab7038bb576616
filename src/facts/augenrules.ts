/**
 * What augenrules (audit 2.8, as Ubuntu 18.04 and RHEL 7 ship it) writes to /etc/audit/audit.rules from
 * /etc/audit/rules.d, as a pure function of the directory's entries. The script:
 *
 * - lists the directory with `ls -1v` (no names starting with "."; GNU version order), keeps the names
 *   matching the regular expression `\.rules$`, and splits that list into words at blanks (an unquoted
 *   `$(...)`), so a name with a space is read as two names;
 * - `cat`s the files in that order into one stream: a file without a final newline runs its last line
 *   into the first line of the next file;
 * - passes the stream through awk: empty lines and comment lines are dropped, the last plain `-D`, the last
 *   `-b` and the last `-f` line go to the top (in that order, an empty line where there is none), the last
 *   `-e` line goes to the very end, every other line stays in place.
 *
 * The awk program writes "whitespace" as `\s`. gawk reads that as whitespace; mawk (Debian's and Ubuntu's
 * default awk) reads it as the letter "s", so with mawk an indented comment, an indented `-e 2` or an
 * indented `-D` stays where it is. Proven against the fixture's real script by
 * test/differential/augenrules.test.ts.
 */

/** Which awk runs the script: it decides what `\s` means. */
export type AwkFlavour = 'mawk' | 'gawk';

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const TILDE = 0x7e;
const DOT = 0x2e;

/** The position of the file suffix GNU's version order sets aside (`(\.[A-Za-z~][A-Za-z0-9~]*)*$`), or the end. */
function suffixStart(s: Uint8Array): number {
  let match = -1;
  let readAlpha = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (readAlpha) {
      readAlpha = false;
      if (!isAlpha(c) && c !== TILDE) match = -1;
    } else if (c === DOT) {
      readAlpha = true;
      if (match < 0) match = i;
    } else if (!isAlpha(c) && !isDigit(c) && c !== TILDE) {
      match = -1;
    }
  }
  return match < 0 ? s.length : match;
}

/** The weight of a non-digit byte: "~" before the end of a part, letters before everything else. */
const weight = (c: number) => (isDigit(c) ? 0 : isAlpha(c) ? c : c === TILDE ? -1 : c + 256);

/**
 * Debian-style comparison of the first len1/len2 bytes. As in coreutils, the runs of digits are read on
 * past those lengths (up to the end of the name): the order `ls -v` really produces.
 */
function versionPartsCompare(a: Uint8Array, len1: number, b: Uint8Array, len2: number): number {
  const at = (s: Uint8Array, i: number) => (i < s.length ? s[i] : 0);
  let i = 0;
  let j = 0;
  while (i < len1 || j < len2) {
    let firstDiff = 0;
    while ((i < len1 && !isDigit(a[i])) || (j < len2 && !isDigit(b[j]))) {
      const x = i >= len1 ? 0 : weight(a[i]);
      const y = j >= len2 ? 0 : weight(b[j]);
      if (x !== y) return x - y;
      i++;
      j++;
    }
    while (at(a, i) === 0x30) i++;
    while (at(b, j) === 0x30) j++;
    while (isDigit(at(a, i)) && isDigit(at(b, j))) {
      if (!firstDiff) firstDiff = at(a, i) - at(b, j);
      i++;
      j++;
    }
    if (isDigit(at(a, i))) return 1;
    if (isDigit(at(b, j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

const byteCompare = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The order of `ls -v` (GNU coreutils 8.x filevercmp, then byte order for names it ranks equal). */
export function lsVersionCompare(nameA: string, nameB: string): number {
  let a: Uint8Array = Buffer.from(nameA, 'utf8');
  let b: Uint8Array = Buffer.from(nameB, 'utf8');
  const simple = byteCompare(a, b);
  if (simple === 0) return 0;
  if (!a.length) return -1;
  if (!b.length) return 1;
  for (const special of ['.', '..']) {
    if (nameA === special) return -1;
    if (nameB === special) return 1;
  }
  if (a[0] === DOT && b[0] !== DOT) return -1;
  if (a[0] !== DOT && b[0] === DOT) return 1;
  if (a[0] === DOT && b[0] === DOT) { a = a.subarray(1); b = b.subarray(1); }
  let len1 = suffixStart(a);
  let len2 = suffixStart(b);
  if ((len1 < a.length || len2 < b.length) && len1 === len2 && byteCompare(a.subarray(0, len1), b.subarray(0, len2)) === 0) {
    len1 = a.length;
    len2 = b.length;
  }
  const r = versionPartsCompare(a, len1, b, len2);
  return r === 0 ? simple : r;
}

/** One entry of /etc/audit/rules.d: its name, and its text when it is a readable regular file. */
export interface RulesDirEntry {
  name: string;
  /** undefined for a directory (cat reads nothing from it) */
  text?: string;
}

/** One line augenrules writes, with the file and line it comes from. */
export interface MergedRuleLine {
  source: string;
  line: number;
  text: string;
  /** set when the line runs on into the next file (its file has no final newline) */
  continuesInto?: string;
}

export interface AugenrulesMerge {
  /** the entries read, in the order augenrules reads them */
  read: string[];
  /** the lines written after the generated header, as augenrules writes them (empty placeholders included) */
  output: string[];
  /** the same lines with where each comes from; the empty placeholders are left out */
  lines: MergedRuleLine[];
}

/** The names augenrules reads, in its order: `ls -1v DIR | grep '\.rules$'`, split into words at blanks. */
export function augenrulesReadOrder(names: string[]): string[] {
  // ls -1 prints each name as it is (a newline in a name starts a new line for grep)
  return names
    .filter((n) => !n.startsWith('.'))
    .sort(lsVersionCompare)
    .join('\n')
    .split('\n')
    .filter((l) => /\.rules$/.test(l))
    .flatMap((n) => n.split(/[ \t\n]+/).filter(Boolean));
}

function awkPatterns(awk: AwkFlavour) {
  const s = awk === 'mawk' ? 's' : '[ \\t\\r\\f\\v]';
  return {
    comment: new RegExp(`^${s}*#`),
    e: new RegExp(`^${s}*-e`),
    D: new RegExp(`^${s}*-D${s}*$`),
    f: new RegExp(`^${s}*-f`),
    b: new RegExp(`^${s}*-b`),
  };
}

/** augenrules' merge of the directory's entries, in `dir` (for the names in the evidence). */
export function augenrulesMerge(entries: RulesDirEntry[], awk: AwkFlavour, dir = '/etc/audit/rules.d'): AugenrulesMerge {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const read = augenrulesReadOrder(entries.map((e) => e.name)).filter((n) => byName.get(n)?.text !== undefined);
  // the stream cat writes, each line with its origin
  const stream: MergedRuleLine[] = [];
  let open: MergedRuleLine | undefined;
  for (const name of read) {
    const path = `${dir}/${name}`;
    const text = byName.get(name)!.text!;
    if (!text.length) continue;
    const parts = text.split('\n');
    const complete = text.endsWith('\n');
    if (complete) parts.pop();
    parts.forEach((part, i) => {
      if (i === 0 && open) {
        open.text += part;
        open.continuesInto = path;
      } else {
        open = { source: path, line: i + 1, text: part };
        stream.push(open);
      }
      if (i < parts.length - 1 || complete) open = undefined;
    });
  }
  const p = awkPatterns(awk);
  let D: MergedRuleLine | undefined;
  let b: MergedRuleLine | undefined;
  let f: MergedRuleLine | undefined;
  let e: MergedRuleLine | undefined;
  const rest: MergedRuleLine[] = [];
  for (const l of stream) {
    if (l.text.length < 1 || p.comment.test(l.text)) continue;
    if (p.e.test(l.text)) e = l;
    else if (p.D.test(l.text)) D = l;
    else if (p.f.test(l.text)) f = l;
    else if (p.b.test(l.text)) b = l;
    else rest.push(l);
  }
  const ordered = [D, b, f, ...rest, e];
  return {
    read: read.map((n) => `${dir}/${n}`),
    output: ordered.map((l) => l?.text ?? ''),
    lines: ordered.filter((l): l is MergedRuleLine => l !== undefined),
  };
}

/**
 * Which awk /usr/bin/awk is, from Debian's alternatives database (/var/lib/dpkg/alternatives/awk): in
 * automatic mode the alternative with the highest priority (gawk 10 before mawk 5). Without that file
 * (RPM systems) awk is gawk.
 */
export function awkFromAlternatives(text: string | null): { awk: AwkFlavour; why: string } {
  if (text === null) return { awk: 'gawk', why: 'no Debian alternatives for awk: awk is gawk' };
  const lines = text.split('\n');
  const mode = lines[0]?.trim();
  // the master link, then slave name/link pairs up to an empty line, then per alternative: path, priority, slave paths
  let i = 2;
  let slaves = 0;
  while (i < lines.length && lines[i] !== '') { i += 2; slaves++; }
  i++;
  const alternatives: Array<{ path: string; priority: number }> = [];
  while (i < lines.length && lines[i] !== '') {
    alternatives.push({ path: lines[i], priority: Number(lines[i + 1]) });
    i += 2 + slaves;
  }
  alternatives.sort((x, y) => y.priority - x.priority);
  const best = alternatives[0];
  if (!best) return { awk: 'gawk', why: 'no alternative listed for awk: gawk assumed' };
  const awk: AwkFlavour = /mawk$/.test(best.path) ? 'mawk' : 'gawk';
  const how = mode === 'auto' ? 'the alternative with the highest priority' : `mode "${mode}", the highest priority assumed`;
  return { awk, why: `awk is ${best.path} (${how}, /var/lib/dpkg/alternatives/awk)` };
}

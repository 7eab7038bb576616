/**
 * Text that comes from a target, made safe to show. A target can hold anything: binary bytes in a damaged
 * configuration file, file names with newlines, tabs or bytes that are not UTF-8, terminal escape
 * sequences. Two functions carry it from the target to a report:
 *
 * - `decodeTargetBytes` turns bytes into a string without losing what was there: valid UTF-8 is decoded,
 *   every byte that is not part of valid UTF-8 becomes the lone surrogate U+DC80 + byte (the
 *   "surrogateescape" convention), which no real text contains. Parsers see one odd character per bad
 *   byte; the original byte is still known.
 * - `safeText` (reasons, evidence, anything shown) and `safeName` (a path or name, on one line) escape
 *   control characters, bidirectional overrides and those bytes visibly (`\x1b`, `\xff`, `\u202e`) and cap
 *   the length of lines and of the whole text. Text a fact decoded with Buffer#toString has U+FFFD where
 *   the bytes were not UTF-8; it is shown as `\ufffd`.
 */
import { isUtf8 } from 'node:buffer';

const SURROGATE_ESCAPE_BASE = 0xdc00;

/** Bytes to a string; bytes that are not valid UTF-8 are kept as U+DC80..U+DCFF (see the module). */
export function decodeTargetBytes(buf: Buffer): string {
  if (isUtf8(buf)) return buf.toString('utf8');
  const parts: string[] = [];
  let runStart = 0;
  let i = 0;
  while (i < buf.length) {
    const len = utf8SequenceLength(buf, i);
    if (len > 0) { i += len; continue; }
    if (i > runStart) parts.push(buf.toString('utf8', runStart, i));
    parts.push(String.fromCharCode(SURROGATE_ESCAPE_BASE + buf[i]));
    i++;
    runStart = i;
  }
  if (i > runStart) parts.push(buf.toString('utf8', runStart, i));
  return parts.join('');
}

/** The length of the valid UTF-8 sequence at i, or 0 when the byte there does not start one. */
function utf8SequenceLength(buf: Buffer, i: number): number {
  const b = buf[i];
  if (b < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < buf.length && buf[i + k] >= lo && buf[i + k] <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

export interface SafeTextOptions {
  /** characters kept per line; the rest is replaced by a note (default 1000) */
  maxLineLength?: number;
  /** characters kept in all (default 64 KiB) */
  maxLength?: number;
  /** escape newlines and tabs too, so the text stays on one line (names) */
  singleLine?: boolean;
}

export const DEFAULT_MAX_LINE_LENGTH = 1000;
export const DEFAULT_MAX_TEXT_LENGTH = 64 * 1024;

/** Escape one character (given as its UTF-16 code unit or code point) visibly, or return it unchanged. */
function escapeChar(ch: string, code: number, singleLine: boolean): string {
  if (code === 0x0a) return singleLine ? '\\n' : ch;
  if (code === 0x09) return singleLine ? '\\t' : ch;
  if (code === 0x0d) return '\\r';
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code >= 0xdc80 && code <= 0xdcff) return `\\x${(code - SURROGATE_ESCAPE_BASE).toString(16).padStart(2, '0')}`;
  if ((code >= 0xd800 && code <= 0xdfff) // any other lone surrogate
    || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) // bidirectional overrides
    || code === 0x2028 || code === 0x2029 || code === 0x200e || code === 0x200f || code === 0xfeff
    || code === 0xfffd) { // U+FFFD: where a decoder met bytes that are not UTF-8
    return `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return ch;
}

// characters that need a look: C0/C1 controls, DEL, surrogates, bidi and line/paragraph separators, BOM
const NEEDS_ESCAPE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffd\r]/;

/** Text from the target, safe for a report or a terminal: see the module. */
export function safeText(text: string, options: SafeTextOptions = {}): string {
  const maxLine = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const maxLength = options.maxLength ?? DEFAULT_MAX_TEXT_LENGTH;
  const singleLine = options.singleLine ?? false;
  const needs = NEEDS_ESCAPE.test(text) || (singleLine && /[\n\t]/.test(text));
  let escaped = text;
  if (needs) {
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      // a valid surrogate pair is an ordinary character beyond the BMP
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) { out += text[i] + text[i + 1]; i++; continue; }
      }
      out += escapeChar(text[i], code, singleLine);
    }
    escaped = out;
  }
  return capLength(escaped, maxLine, maxLength);
}

/** A name or path from the target on one line, unambiguous: backslashes doubled, controls escaped. */
export function safeName(name: string, maxLength = 4096): string {
  return safeText(name.replace(/\\/g, '\\\\'), { singleLine: true, maxLineLength: maxLength, maxLength });
}

function capLength(text: string, maxLine: number, maxLength: number): string {
  let out = text;
  if (out.length > maxLine && out.split('\n').some((l) => l.length > maxLine)) {
    out = out.split('\n').map((l) => (l.length > maxLine ? `${l.slice(0, maxLine)}… (${l.length - maxLine} more characters on this line)` : l)).join('\n');
  }
  if (out.length > maxLength) out = `${out.slice(0, maxLength)}… (${out.length - maxLength} more characters)`;
  return out;
}

/** A word for a POSIX shell: as it is when it needs no quoting, else single-quoted. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The order of strings that `Array.prototype.sort()` gives them (by UTF-16 code units): the same on every
 * machine, where `localeCompare` follows the auditing machine's locale (and its first call loads a
 * collator, some milliseconds of every run's start).
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The system-wide shell start-up files, /etc/profile, the /etc/profile.d/*.sh scripts it sources and
 * the system bashrc (/etc/bash.bashrc on Debian and Ubuntu, /etc/bashrc on the Red Hat family; whichever
 * exist are read), read for two things: the umask commands in them and how they set TMOUT (the idle
 * timeout of bash). The parser reads simple commands the way a reader of the file would: comments are
 * dropped, commands are split at ; && || | and the words if/then/else/do, and a command inside an if
 * block counts like any other (as a grep of the file would count it).
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const SHELL_PROFILE_FILES = ['/etc/profile', '/etc/profile.d/*.sh', '/etc/bash.bashrc', '/etc/bashrc'];

interface Where { file: string; line: number; text: string }

/**
 * A umask as it affects the permission bits: `masked` bits are surely removed from new files, `granted`
 * bits surely kept; a symbolic umask such as g-w leaves the other bits to the umask before it.
 */
export interface UmaskEffect { masked: number; granted: number }
export interface UmaskCommand extends Where { written: string; effect: UmaskEffect | null }

export interface TmoutStatement extends Where {
  kind: 'assign' | 'readonly' | 'export';
  /** for an assignment: the number of seconds, or null when the value is not a plain number */
  seconds?: number | null;
  written?: string;
}

export interface ShellProfile { file: string; umasks: UmaskCommand[]; tmout: TmoutStatement[] }

/** Drop a comment: a "#" that starts a word, outside quotes. */
export function stripShellComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === quote) quote = null; else if (c === '\\' && quote === '"') i++; continue; }
    if (c === '\\') { i++; continue; }
    if (c === "'" || c === '"') { quote = c; continue; }
    if (c === '#' && (i === 0 || /[\s;&|()]/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

/** Split a line into simple commands at ; & | ( ) outside quotes. */
function commands(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { cur += c; if (c === quote) quote = null; continue; }
    if (c === "'" || c === '"') { quote = c; cur += c; continue; }
    if (/[;&|(){}]/.test(c)) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim().replace(/^((if|then|else|elif|do|while|until|!)\s+)+/, '').trim()).filter(Boolean);
}

const unquote = (w: string) => w.replace(/^(["'])(.*)\1$/, '$2');

/** What a umask value does; null when it is not a umask value. */
export function umaskEffect(written: string): UmaskEffect | null {
  if (/^[0-7]{1,4}$/.test(written)) {
    const mask = parseInt(written, 8) & 0o777;
    return { masked: mask, granted: ~mask & 0o777 };
  }
  if (!/^([ugoa]*[=+-][rwxXst]*)(,[ugoa]*[=+-][rwxXst]*)*$/.test(written)) return null;
  let masked = 0;
  let granted = 0;
  for (const clause of written.split(',')) {
    const m = /^([ugoa]*)([=+-])([rwxXst]*)$/.exec(clause)!;
    const who = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1];
    let perms = 0;
    for (const p of m[3]) perms |= p === 'r' ? 4 : p === 'w' ? 2 : p === 'x' || p === 'X' ? 1 : 0;
    for (const w of who) {
      const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0;
      const bits = perms << shift;
      const cls = 7 << shift;
      if (m[2] === '=') { granted = (granted & ~cls) | bits; masked = (masked & ~cls) | (cls & ~bits); }
      else if (m[2] === '+') { granted |= bits; masked &= ~bits; }
      else { masked |= bits; granted &= ~bits; }
    }
  }
  return { masked, granted };
}

export function parseShellProfile(text: string, file: string): ShellProfile {
  const umasks: UmaskCommand[] = [];
  const tmout: TmoutStatement[] = [];
  text.split('\n').forEach((raw, i) => {
    const body = stripShellComment(raw).trim();
    if (!body) return;
    const where = { file, line: i + 1, text: body };
    for (const cmd of commands(body)) {
      const words = cmd.split(/\s+/);
      if (words[0] === 'umask') {
        const value = words.slice(1).find((w) => !w.startsWith('-'));
        if (value !== undefined) umasks.push({ ...where, written: unquote(value), effect: umaskEffect(unquote(value)) });
        continue;
      }
      const assign = (word: string) => {
        const value = unquote(word.slice('TMOUT='.length));
        tmout.push({ ...where, kind: 'assign', written: value, seconds: /^\d+$/.test(value) ? Number(value) : null });
      };
      if (/^(readonly|export|declare|typeset|local)$/.test(words[0])) {
        const flags = words.slice(1).filter((w) => w.startsWith('-')).join('');
        const names = words.slice(1).filter((w) => !w.startsWith('-'));
        const readonly = words[0] === 'readonly' || (/^(declare|typeset)$/.test(words[0]) && flags.includes('r'));
        const exported = words[0] === 'export' || (/^(declare|typeset)$/.test(words[0]) && flags.includes('x'));
        for (const n of names) {
          if (n !== 'TMOUT' && !n.startsWith('TMOUT=')) continue;
          if (n.startsWith('TMOUT=')) assign(n);
          if (readonly) tmout.push({ ...where, kind: 'readonly' });
          if (exported) tmout.push({ ...where, kind: 'export' });
        }
        continue;
      }
      // plain assignments, possibly several before a command: A=1 TMOUT=900
      for (const w of words) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) break;
        if (w.startsWith('TMOUT=')) assign(w);
      }
    }
  });
  return { file, umasks, tmout };
}

export interface ShellProfiles {
  /** the files that exist, in the order a login shell reads them: /etc/profile, its profile.d scripts, the system bashrc */
  files: ShellProfile[];
  /** the patterns read, for evidence */
  read: string[];
}

export const shellProfiles = defineFact<ShellProfiles>('shell-profiles', async ({ facts }) => {
  const reads = await facts.readMany(SHELL_PROFILE_FILES);
  const files: ShellProfile[] = [];
  for (const r of reads) {
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    if (r.state === 'file') files.push(parseShellProfile(r.content.toString('utf8'), r.path));
  }
  const rank = (p: string) => (p === '/etc/profile' ? 0 : p.startsWith('/etc/profile.d/') ? 1 : 2);
  files.sort((a, b) => rank(a.file) - rank(b.file) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { files, read: SHELL_PROFILE_FILES };
}, SHELL_PROFILE_FILES);

/**
 * How GRUB protects its own configuration: who may edit boot entries (the `set superusers` and
 * `password` lines of the generated /boot/grub/grub.cfg) and which mode /usr/sbin/grub-mkconfig gives
 * the file it writes (its `chmod ... ${grub_cfg}.new` line and the condition around it). Password
 * hashes never leave the parser: a password line keeps its user and its kind only.
 * The kernel command lines of grub.cfg are read by ./kernel-cmdline.ts.
 */
import { defineFact } from './store.js';

export const GRUB_CFG = '/boot/grub/grub.cfg';
export const GRUB_MKCONFIG = '/usr/sbin/grub-mkconfig';
export const DEFAULT_GRUB = '/etc/default/grub';

export interface GrubSuperusers { line: number; users: string[]; text: string }
/** A password line, without its secret: `password_pbkdf2 USER HASH` or `password USER PLAINTEXT`. */
export interface GrubPassword { line: number; kind: 'pbkdf2' | 'plain'; user: string; /** the line with its secret replaced */ shown: string }

export interface GrubAccessControl {
  file: string;
  exists: boolean;
  /** `set superusers=...` lines at the start of a line, as the benchmark reads them */
  superusers: GrubSuperusers[];
  /** `password...` lines at the start of a line */
  passwords: GrubPassword[];
}

/** GRUB splits `set superusers="a b,c"` on spaces, commas, semicolons, pipes and ampersands. */
function superuserNames(value: string): string[] {
  const unquoted = value.trim().replace(/^(["'])(.*)\1$/, '$2');
  return unquoted.split(/[\s,;|&]+/).filter(Boolean);
}

/**
 * The access-control lines of grub.cfg. Like the benchmark's grep, only lines that start in the first
 * column count: a line indented inside a menu entry applies only when that entry runs.
 */
export function parseGrubAccessControl(text: string, file = GRUB_CFG): Omit<GrubAccessControl, 'exists'> {
  const superusers: GrubSuperusers[] = [];
  const passwords: GrubPassword[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const su = /^set\s+superusers\s*=\s*(.*)$/.exec(raw);
    if (su) { superusers.push({ line, users: superuserNames(su[1]), text: raw.trim() }); return; }
    const pw = /^(password_pbkdf2|password)(?:\s+(\S+))?(?:\s|$)/.exec(raw);
    if (pw) {
      const kind = pw[1] === 'password_pbkdf2' ? 'pbkdf2' : 'plain';
      const user = pw[2] ?? '';
      passwords.push({ line, kind, user, shown: `${pw[1]} ${user} <${kind === 'pbkdf2' ? 'hash' : 'password'} not shown>` });
    }
  });
  return { file, superusers, passwords };
}

export const grubAccessControl = defineFact<GrubAccessControl>('grub-access-control', async ({ facts }) => {
  const text = await facts.text(GRUB_CFG);
  if (text === null) return { file: GRUB_CFG, exists: false, superusers: [], passwords: [] };
  return { ...parseGrubAccessControl(text), exists: true };
}, [GRUB_CFG]);

/** One `chmod MODE ${grub_cfg}.new` line of grub-mkconfig, with the lines around it. */
export interface GrubCfgChmod {
  line: number;
  mode: number;
  text: string;
  before: string;
  after: string;
  /** the chmod runs only when grub.cfg has no password line (`! grep "^password" ${grub_cfg}.new`) */
  skippedWithPassword: boolean;
}

export interface GrubMkconfig {
  file: string;
  exists: boolean;
  chmods: GrubCfgChmod[];
}

/** Find the lines the benchmark's `grep -E '^\s*chmod\s+[0-7][0-7][0-7]\s+\$\{grub_cfg\}\.new' -A1 -B1` shows. */
export function parseGrubMkconfigChmods(text: string): GrubCfgChmod[] {
  const lines = text.split('\n');
  const out: GrubCfgChmod[] = [];
  lines.forEach((raw, i) => {
    const m = /^\s*chmod\s+([0-7]{3})\s+\$\{grub_cfg\}\.new\b/.exec(raw);
    if (!m) return;
    const before = (lines[i - 1] ?? '').trim();
    out.push({
      line: i + 1,
      mode: parseInt(m[1], 8),
      text: raw.trim(),
      before,
      after: (lines[i + 1] ?? '').trim(),
      skippedWithPassword: /!\s*grep\s+["']?\^password/.test(before),
    });
  });
  return out;
}

export const grubMkconfig = defineFact<GrubMkconfig>('grub-mkconfig', async ({ facts }) => {
  const text = await facts.text(GRUB_MKCONFIG);
  if (text === null) return { file: GRUB_MKCONFIG, exists: false, chmods: [] };
  return { file: GRUB_MKCONFIG, exists: true, chmods: parseGrubMkconfigChmods(text) };
}, [GRUB_MKCONFIG]);

/** The kernel parameters /etc/default/grub passes to update-grub, for the evidence of a failing check. */
export interface DefaultGrubCmdline { file: string; line: number; key: string; value: string }

export function parseDefaultGrubCmdline(text: string, file = DEFAULT_GRUB): DefaultGrubCmdline[] {
  const out: DefaultGrubCmdline[] = [];
  text.split('\n').forEach((raw, i) => {
    const m = /^\s*(GRUB_CMDLINE_LINUX(?:_DEFAULT)?)\s*=\s*(.*?)\s*$/.exec(raw);
    if (m) out.push({ file, line: i + 1, key: m[1], value: m[2].replace(/^(["'])(.*)\1$/, '$2') });
  });
  return out;
}

export const defaultGrubCmdline = defineFact<DefaultGrubCmdline[]>('default-grub-cmdline', async ({ facts }) => {
  const text = await facts.text(DEFAULT_GRUB);
  return text === null ? [] : parseDefaultGrubCmdline(text);
}, [DEFAULT_GRUB]);

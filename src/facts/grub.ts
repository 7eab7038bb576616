/**
 * How GRUB protects its own configuration: who may edit boot entries (the `set superusers` and
 * `password` lines of the generated /boot/grub/grub.cfg), which mode /usr/sbin/grub-mkconfig gives
 * the file it writes (its `chmod ... ${grub_cfg}.new` line and the condition around it), and which
 * configuration files there are, wherever the distribution and the firmware put them:
 *
 * - `/boot/grub/grub.cfg`: Debian and Ubuntu (update-grub), BIOS and UEFI alike;
 * - `/boot/grub2/grub.cfg` and `/boot/grub2/user.cfg`: the RPM family (CentOS 7, Alibaba Cloud Linux 2)
 *   booting by BIOS; user.cfg holds the boot password hash that `grub2-setpassword` writes;
 * - `/boot/efi/EFI/<vendor>/grub.cfg` and `user.cfg` beside it: the RPM family booting by UEFI.
 *
 * Password hashes never leave the parser: a password line keeps its user and its kind only.
 * The kernel command lines of grub.cfg are read by ./kernel-cmdline.ts.
 */
import { defineFact } from './store.js';
import type { FileStat } from '../targets/target.js';
import { EFI_DIR } from './kernel-cmdline.js';

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

/** A GRUB configuration file found on the target: a generated grub.cfg, or the user.cfg beside it. */
export interface GrubConfigFile { path: string; kind: 'grub.cfg' | 'user.cfg'; stat: FileStat }

export interface GrubConfigFiles {
  /** the places looked at, in order (the EFI vendor directories found expanded) */
  looked: string[];
  files: GrubConfigFile[];
}

/** The GRUB 2 places of the RPM family: /boot/grub2 and every vendor directory of the EFI system partition. */
export const GRUB2_DIR = '/boot/grub2';

/**
 * The GRUB 2 configuration files that exist: grub.cfg in /boot/grub2 and in /boot/efi/EFI/<vendor>, each
 * with the user.cfg beside it when there is one. Stat follows symlinks (/etc/grub2.cfg links to
 * /boot/grub2/grub.cfg and is not listed again).
 */
export const grub2ConfigFiles = defineFact<GrubConfigFiles>('grub2-config-files', async ({ facts, target }) => {
  const vendors = ((await target.list(EFI_DIR)) ?? []).sort();
  const dirs = [GRUB2_DIR, ...vendors.map((v) => `${EFI_DIR}/${v}`)];
  const looked = dirs.flatMap((d) => [`${d}/grub.cfg`, `${d}/user.cfg`]);
  const stats = await facts.stat(looked);
  const files: GrubConfigFile[] = [];
  for (const d of dirs) {
    const cfg = stats.get(`${d}/grub.cfg`);
    const user = stats.get(`${d}/user.cfg`);
    if (cfg && cfg.type !== 'd') files.push({ path: `${d}/grub.cfg`, kind: 'grub.cfg', stat: cfg });
    if (user && user.type !== 'd') files.push({ path: `${d}/user.cfg`, kind: 'user.cfg', stat: user });
  }
  return { looked, files };
});

/** Whether a path is on the EFI system partition (FAT: its modes come from the mount options, not chmod). */
export const onEfiPartition = (p: string) => p.startsWith(`${EFI_DIR}/`);

/**
 * grub-mkconfig with every `chmod MODE ${grub_cfg}.new` set to `mode`, and the condition that skips the
 * chmod when grub.cfg holds a password (`&& ! grep "^password" ...`) removed, so that the mode is set
 * whether or not a boot password is set.
 */
export function grubMkconfigWithMode(text: string, mode: number): string {
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  return text
    .replace(/(\s*&&\s*!\s*grep\s+["']?\^password["']?\s+\$\{grub_cfg\}\.new\s*(?:>\s*\/dev\/null(?:\s+2>&1)?)?)/g, '')
    .replace(/^(\s*chmod\s+)[0-7]{3}(\s+\$\{grub_cfg\}\.new\b)/gm, `$1${octal}$2`);
}

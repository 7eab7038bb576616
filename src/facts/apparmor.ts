/**
 * AppArmor profiles, in two views.
 *
 * On disk: the profiles the boot scripts load are the files directly in /etc/apparmor.d (directories
 * such as abstractions/, tunables/ and local/ hold includes, not profiles; backup and package-manager
 * leftovers are skipped as the loader skips them). A profile file is
 * - disabled when /etc/apparmor.d/disable holds an entry of the same name (it is not loaded at boot),
 * - in complain mode when /etc/apparmor.d/force-complain holds one, or when a profile it declares carries
 *   the `complain` flag (`flags=(complain)` or `(complain)` in the profile's header),
 * - in kill or unconfined mode when a profile header carries that flag (newer AppArmor releases),
 * - in enforce mode otherwise.
 *
 * In the running kernel (live targets only): the loaded profiles and their modes from
 * /sys/kernel/security/apparmor/profiles, and the processes that run unconfined although a loaded
 * profile is named after their executable, which is how apparmor_status counts them.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const APPARMOR_DIR = '/etc/apparmor.d';
const PROFILE_GLOB = `${APPARMOR_DIR}/*`;
const DISABLE_GLOB = `${APPARMOR_DIR}/disable/*`;
const FORCE_COMPLAIN_GLOB = `${APPARMOR_DIR}/force-complain/*`;

export type ProfileMode = 'enforce' | 'complain' | 'kill' | 'unconfined' | 'disabled';

export interface ProfileHeader { line: number; name: string; flags: string[] }

export interface ProfileFile {
  path: string;
  mode: ProfileMode;
  /** why the mode is what it is, for evidence */
  why: string;
  headers: ProfileHeader[];
}

export interface AppArmorProfilesOnDisk {
  /** /etc/apparmor.d exists and holds something */
  dirExists: boolean;
  profiles: ProfileFile[];
  /** files directly in /etc/apparmor.d that the loader skips, with the reason */
  skipped: Array<{ path: string; reason: string }>;
}

/** Names the AppArmor loader (the parser's init script) does not load from /etc/apparmor.d. */
export function skippedProfileName(name: string): string | undefined {
  if (name.startsWith('.')) return 'hidden file';
  if (name === 'README') return 'README';
  if (/\.(dpkg-(new|old|dist|bak|remove)|ucf-(new|old|dist)|rpmnew|rpmsave|pacnew|pacsave|orig|rej)$/.test(name) || name.endsWith('~')) {
    return 'backup or package-manager leftover';
  }
  return undefined;
}

/**
 * The profile and hat declarations of a profile file: lines that open a block and start with a path, a
 * variable, a quoted name, `profile`, `hat` or `^`. Flags come either as `flags=(...)` or as a bare
 * parenthesised list before the opening brace.
 */
export function parseProfileHeaders(text: string): ProfileHeader[] {
  const out: ProfileHeader[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (!line || (line.startsWith('#') && !/^#include\b/.test(line))) return;
    if (!/\{\s*(#.*)?$/.test(line)) return;
    const m = /^(?:(?:profile|hat)\s+("[^"]*"|\S+)|(\/\S*|@\{[^}]+\}\S*|"[^"]*"|\^\S+))/.exec(line);
    if (!m) return;
    const name = (m[1] ?? m[2]).replace(/^"(.*)"$/, '$1');
    const f = /(?:flags\s*=\s*)?\(([^)]*)\)\s*\{\s*(#.*)?$/.exec(line);
    const flags = f ? f[1].split(/[\s,]+/).filter(Boolean).map((x) => x.toLowerCase()) : [];
    out.push({ line: i + 1, name, flags });
  });
  return out;
}

/** The mode a profile file is loaded in at boot, by the rule in this file's header. */
export function profileMode(path: string, headers: ProfileHeader[], disabled: boolean, forcedComplain: boolean): { mode: ProfileMode; why: string } {
  if (disabled) return { mode: 'disabled', why: `${APPARMOR_DIR}/disable/${baseName(path)} disables it` };
  if (forcedComplain) return { mode: 'complain', why: `${APPARMOR_DIR}/force-complain/${baseName(path)} forces complain mode` };
  for (const mode of ['kill', 'unconfined', 'complain'] as const) {
    const h = headers.find((x) => x.flags.includes(mode));
    if (h) return { mode, why: `line ${h.line}: profile ${h.name} has the flag ${mode}` };
  }
  if (!headers.length) return { mode: 'enforce', why: 'no profile header found: loaded in the default enforce mode' };
  return { mode: 'enforce', why: `no complain, kill or unconfined flag on ${headers.length} profile header(s)` };
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export function classifyProfiles(
  entries: Array<{ path: string; kind: 'file' | 'directory' | 'missing'; text?: string }>,
  disabledNames: string[],
  forceComplainNames: string[],
): AppArmorProfilesOnDisk {
  const profiles: ProfileFile[] = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  for (const e of entries) {
    if (e.kind === 'directory') continue;
    const name = baseName(e.path);
    const skip = e.kind === 'missing' ? 'a dangling symbolic link' : skippedProfileName(name);
    if (skip) { skipped.push({ path: e.path, reason: skip }); continue; }
    const headers = parseProfileHeaders(e.text ?? '');
    const { mode, why } = profileMode(e.path, headers, disabledNames.includes(name), forceComplainNames.includes(name));
    profiles.push({ path: e.path, mode, why, headers });
  }
  return { dirExists: true, profiles, skipped };
}

export const appArmorProfilesOnDisk = defineFact<AppArmorProfilesOnDisk>('apparmor-profiles-on-disk', async ({ facts }) => {
  const reads = await facts.readMany([PROFILE_GLOB, DISABLE_GLOB, FORCE_COMPLAIN_GLOB]);
  // a glob that matches nothing comes back under its own name: then the directory is missing or empty
  if (!reads.some((r) => r.path !== PROFILE_GLOB && r.path.startsWith(`${APPARMOR_DIR}/`))) return { dirExists: false, profiles: [], skipped: [] };
  const names = (glob: string) => reads.filter((r) => r.path !== glob && r.path.startsWith(glob.slice(0, -1))).map((r) => baseName(r.path));
  const entries: Array<{ path: string; kind: 'file' | 'directory' | 'missing'; text?: string }> = [];
  for (const r of reads) {
    if (r.path === PROFILE_GLOB || !r.path.startsWith(`${APPARMOR_DIR}/`) || r.path.slice(APPARMOR_DIR.length + 1).includes('/')) continue;
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    if (r.state === 'file') entries.push({ path: r.path, kind: 'file', text: r.content.toString('utf8') });
    else entries.push({ path: r.path, kind: r.state });
  }
  return classifyProfiles(entries, names(DISABLE_GLOB), names(FORCE_COMPLAIN_GLOB));
}, [PROFILE_GLOB, DISABLE_GLOB, FORCE_COMPLAIN_GLOB]);

/* ---------- the running kernel ---------- */

export interface LoadedProfile { name: string; mode: string }
export interface UnconfinedProcess { pid: number; exe: string }

export interface AppArmorRunning {
  /** AppArmor is enabled in the running kernel (/sys/module/apparmor/parameters/enabled is Y, or its profiles file exists) */
  enabled: boolean;
  /** the profiles file could be read (it needs root) */
  profilesReadable: boolean;
  profiles: LoadedProfile[];
  /** processes that run unconfined although a loaded profile is named after their executable */
  unconfinedWithProfile: UnconfinedProcess[];
}

const RUNNING_SCRIPT = [
  'e=$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)',
  'echo "enabled ${e:-absent}"',
  'if [ -r /sys/kernel/security/apparmor/profiles ]; then echo "@@profiles"; cat /sys/kernel/security/apparmor/profiles; else echo "@@no-profiles"; fi',
  'echo "@@processes"',
  'for d in /proc/[0-9]*; do a=$(cat "$d/attr/current" 2>/dev/null) || continue; x=$(readlink "$d/exe" 2>/dev/null) || continue; echo "${d#/proc/} $x $a"; done',
].join('\n');

/** Parse the output of RUNNING_SCRIPT. */
export function parseAppArmorRunning(text: string): AppArmorRunning {
  const lines = text.split('\n');
  const en = /^enabled (\S+)/.exec(lines[0] ?? '');
  if (!en) throw new CheckError('the AppArmor state of the running kernel could not be read');
  const profiles: LoadedProfile[] = [];
  const processes: Array<{ pid: number; exe: string; context: string }> = [];
  let section = '';
  let profilesReadable = false;
  for (const l of lines.slice(1)) {
    if (l === '@@profiles') { section = 'profiles'; profilesReadable = true; continue; }
    if (l === '@@no-profiles') { section = ''; continue; }
    if (l === '@@processes') { section = 'processes'; continue; }
    if (!l.trim()) continue;
    if (section === 'profiles') {
      const m = /^(.*) \((\w+)\)$/.exec(l);
      if (!m) throw new CheckError(`unexpected line in /sys/kernel/security/apparmor/profiles: ${l.slice(0, 120)}`);
      profiles.push({ name: m[1], mode: m[2] });
    } else if (section === 'processes') {
      const m = /^(\d+) (\S+) (.*)$/.exec(l);
      if (m) processes.push({ pid: Number(m[1]), exe: m[2], context: m[3].trim() });
    }
  }
  const names = new Set(profiles.map((p) => p.name));
  const unconfinedWithProfile = processes
    .filter((p) => p.context === 'unconfined' && names.has(p.exe.replace(/ \(deleted\)$/, '')))
    .map((p) => ({ pid: p.pid, exe: p.exe }));
  // the AppArmor filesystem exists only when AppArmor is enabled, whatever the module parameter says
  return { enabled: en[1] === 'Y' || profilesReadable, profilesReadable, profiles, unconfinedWithProfile };
}

export const appArmorRunning = defineFact<AppArmorRunning>('apparmor-running', async ({ facts }) => {
  const r = await facts.command('AppArmor in the running kernel (/sys/kernel/security/apparmor, /proc/*/attr/current)', RUNNING_SCRIPT);
  return parseAppArmorRunning(r.stdout.toString('utf8'));
});

/** ntp: ntp.conf, and the user ntpd runs as (init script, or the systemd unit, its drop-ins and sysconfig). */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { type ConfigLine } from './time-sync-syntax.js';
import type { ShellAssignment } from './shell-assignments.js';
import { parseEnvironmentFile } from './systemd-env-file.js';
import { orderDropIns } from './timesyncd.js';
import { parseSystemdIni, type IniSetting } from './systemd-conf.js';

export const NTP_CONF = '/etc/ntp.conf';
export const NTP_INIT_SCRIPT = '/etc/init.d/ntp';

/** ntp.conf: one directive per line, keyword first; # starts a comment anywhere on the line. */
export function parseNtpConf(text: string, file = NTP_CONF): ConfigLine[] {
  const out: ConfigLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '').replace(/#.*$/, '').trim();
    if (!l) return;
    const [keyword, ...args] = l.split(/\s+/);
    out.push({ keyword: keyword.toLowerCase(), args, file, line: i + 1, text: l });
  });
  return out;
}

export interface NtpRestrictDefault {
  family: 4 | 6;
  flags: string[];
  at: ConfigLine;
}

/**
 * The `restrict` lines for the default address: `restrict default ...` and `restrict -4 default ...` are
 * the IPv4 defaults the benchmark asks for, `restrict -6 default ...` the IPv6 one.
 */
export function ntpDefaultRestrictions(directives: ConfigLine[]): NtpRestrictDefault[] {
  const out: NtpRestrictDefault[] = [];
  for (const d of directives.filter((x) => x.keyword === 'restrict')) {
    let args = d.args;
    let family: 4 | 6 = 4;
    if (args[0] === '-4' || args[0] === '-6') { family = args[0] === '-6' ? 6 : 4; args = args.slice(1); }
    if (args[0] !== 'default') continue;
    out.push({ family, flags: args.slice(1), at: d });
  }
  return out;
}

/** An uncommented RUNASUSER= assignment in the init script, as the benchmark's grep looks for it. */
export function initScriptRunAsUser(text: string, file = NTP_INIT_SCRIPT): ShellAssignment | undefined {
  let found: ShellAssignment | undefined;
  text.split('\n').forEach((raw, i) => {
    const m = /^\s*RUNASUSER=(["']?)([^"'\s;]*)\1\s*(?:[;#].*)?$/.exec(raw.replace(/\r$/, ''));
    if (m) found = { name: 'RUNASUSER', value: m[2], file, line: i + 1 };
  });
  return found;
}

/**
 * /etc/sysconfig/ntpd: OPTIONS, which ntpd.service of the RPM family passes to ntpd ($OPTIONS). systemd reads
 * the file (EnvironmentFile=), no shell does, so it is read as systemd reads it (parseEnvironmentFile).
 */
export const NTP_SYSCONFIG = '/etc/sysconfig/ntpd';
/** Where ntpd.service may be, in systemd's order (the first found is the unit), and its drop-in directories. */
export const NTPD_UNIT_FILES = ['/etc/systemd/system/ntpd.service', '/run/systemd/system/ntpd.service', '/usr/lib/systemd/system/ntpd.service', '/lib/systemd/system/ntpd.service'];
export const NTPD_DROPIN_DIRS = NTPD_UNIT_FILES.map((f) => `${f}.d`);

/** A unit file's lines with backslash continuations joined; each joined line leaves an empty line, so line numbers stay. */
export function joinContinuations(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i].replace(/\r$/, '');
    let consumed = 0;
    while (/\\$/.test(l) && !/^\s*[#;]/.test(l) && i + 1 < lines.length) {
      l = `${l.slice(0, -1)} ${lines[++i].replace(/\r$/, '').trim()}`;
      consumed++;
    }
    out.push(l, ...new Array<string>(consumed).fill(''));
  }
  return out.join('\n');
}

/** The values of a unit setting in effect after the unit file and its drop-ins: an empty assignment clears the list. */
export function unitSettingList(settings: IniSetting[], key: string, section = 'Service'): IniSetting[] {
  let list: IniSetting[] = [];
  for (const s of settings) {
    if (s.section !== section || s.key !== key) continue;
    if (!s.value) list = [];
    else list.push(s);
  }
  return list;
}

/**
 * Split an ExecStart command line as systemd does for these purposes: white space separates words, quotes
 * group; `$NAME` expands to the variable's words, `${NAME}` to one word. The prefixes -, @, +, ! and : of the
 * program are dropped.
 */
export function expandExecStart(value: string, env: Map<string, string>): string[] {
  const words: string[] = [];
  for (const m of value.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) {
    const quoted = m[1] ?? m[2];
    if (quoted !== undefined) { words.push(quoted.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => env.get(a ?? b) ?? '')); continue; }
    const w = m[3];
    const whole = /^\$(\w+)$/.exec(w);
    if (whole) { words.push(...(env.get(whole[1]) ?? '').split(/\s+/).filter(Boolean)); continue; }
    words.push(w.replace(/\$\{(\w+)\}/g, (_, a) => env.get(a) ?? ''));
  }
  if (words.length) words[0] = words[0].replace(/^[-@+!:]+/, '');
  return words;
}

/** The argument of the last -u USER[:GROUP] (or -uUSER, --user=USER, --user USER) among ntpd's arguments. */
export function ntpdUserOption(args: string[]): string | undefined {
  let user: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if ((a === '-u' || a === '--user') && i + 1 < args.length) user = args[++i];
    else if (/^-u./.test(a)) user = a.slice(2);
    else if (a.startsWith('--user=')) user = a.slice(7);
  }
  return user;
}

export interface NtpdService {
  /** the unit file found first in systemd's order, and the drop-ins read after it */
  unitFile?: string;
  dropIns: string[];
  /** the ExecStart in effect */
  execStart?: IniSetting;
  /** the EnvironmentFile settings in effect (a leading - means "if it exists") */
  environmentFiles: IniSetting[];
  /** OPTIONS of /etc/sysconfig/ntpd (read as systemd's EnvironmentFile= reads it), when that file exists */
  sysconfigExists: boolean;
  options?: ShellAssignment;
  /** whether $OPTIONS of the ExecStart is filled from /etc/sysconfig/ntpd */
  optionsUsed: boolean;
  /** ntpd's arguments as the service starts it */
  arguments?: string[];
  /** the -u argument in effect, and where it comes from */
  user?: { value: string; decidedBy: string };
}

/** How ntpd.service starts ntpd: its ExecStart, with $OPTIONS from /etc/sysconfig/ntpd when the unit reads that file. */
export function ntpdServiceUser(settings: IniSetting[], unitFile: string | undefined, dropIns: string[], sysconfig: string | null): NtpdService {
  const execStart = unitSettingList(settings, 'ExecStart').pop();
  const environmentFiles = unitSettingList(settings, 'EnvironmentFile');
  const options = sysconfig === null ? undefined : parseEnvironmentFile(sysconfig, NTP_SYSCONFIG).get('OPTIONS');
  const optionsUsed = environmentFiles.some((e) => e.value.replace(/^-/, '') === NTP_SYSCONFIG) && sysconfig !== null;
  const base = { unitFile, dropIns, execStart, environmentFiles, sysconfigExists: sysconfig !== null, options, optionsUsed };
  if (!execStart) {
    // no unit starts ntpd: only the options file says anything
    const value = options ? ntpdUserOption(options.value.split(/\s+/).filter(Boolean)) : undefined;
    return { ...base, user: value && options ? { value, decidedBy: `${options.file}:${options.line} OPTIONS="${options.value}"` } : undefined };
  }
  const env = new Map<string, string>(optionsUsed && options ? [['OPTIONS', options.value]] : []);
  const args = expandExecStart(execStart.value, env);
  const value = ntpdUserOption(args.slice(1));
  const where = `${execStart.file}:${execStart.line} ExecStart=${execStart.value}`
    + (optionsUsed && options ? `, $OPTIONS from ${options.file}:${options.line} OPTIONS="${options.value}"` : '');
  return { ...base, arguments: args, user: value ? { value, decidedBy: where } : undefined };
}

export interface NtpConfig {
  file: string;
  exists: boolean;
  directives: ConfigLine[];
  sources: ConfigLine[];
  restrictDefaults: NtpRestrictDefault[];
  /** the Debian family's init script */
  initScript: { file: string; exists: boolean; runAsUser?: ShellAssignment };
  /** the RPM family's service: ntpd.service and /etc/sysconfig/ntpd */
  service: NtpdService;
  /** the unit that runs ntpd: ntpd.service where its unit file exists, else ntp.service (Debian's, from the init script) */
  unit: string;
}

const NTPD_FILES = [...NTPD_UNIT_FILES, ...NTPD_DROPIN_DIRS.map((d) => `${d}/*.conf`), NTP_SYSCONFIG];

export const ntpConfig = defineFact<NtpConfig>('ntp-config', async ({ facts }) => {
  const conf = await facts.text(NTP_CONF);
  const init = await facts.text(NTP_INIT_SCRIPT);
  const directives = conf === null ? [] : parseNtpConf(conf, NTP_CONF);
  let unitFile: string | undefined;
  let unitText: string | null = null;
  for (const f of NTPD_UNIT_FILES) {
    unitText = await facts.text(f);
    if (unitText !== null) { unitFile = f; break; }
  }
  const dropInTexts = new Map<string, string>();
  for (const r of await facts.readMany(NTPD_DROPIN_DIRS.map((d) => `${d}/*.conf`))) {
    if (r.state === 'file') dropInTexts.set(r.path, r.content.toString('utf8'));
    else if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
  }
  const dropIns = orderDropIns([...dropInTexts.keys()], NTPD_DROPIN_DIRS);
  const settings = [
    ...(unitFile && unitText !== null ? parseSystemdIni(joinContinuations(unitText), unitFile) : []),
    ...dropIns.flatMap((f) => parseSystemdIni(joinContinuations(dropInTexts.get(f)!), f)),
  ];
  return {
    file: NTP_CONF,
    exists: conf !== null,
    directives,
    sources: directives.filter((d) => d.keyword === 'server' || d.keyword === 'pool'),
    restrictDefaults: ntpDefaultRestrictions(directives),
    initScript: { file: NTP_INIT_SCRIPT, exists: init !== null, runAsUser: init === null ? undefined : initScriptRunAsUser(init) },
    service: ntpdServiceUser(settings, unitFile, dropIns, await facts.text(NTP_SYSCONFIG)),
    unit: unitFile || init === null ? 'ntpd.service' : 'ntp.service',
  };
}, [NTP_CONF, NTP_INIT_SCRIPT, ...NTPD_FILES]);


/**
 * Time synchronisation daemons as the Debian and the RPM families configure them: chrony (chrony.conf, in
 * /etc/chrony/ or /etc/, and the options the service passes to chronyd, from /etc/default/chrony or
 * /etc/sysconfig/chronyd: whichever layout the target has), ntp (/etc/ntp.conf; the user ntpd runs as, from
 * the Debian init script's RUNASUSER or from the ExecStart of ntpd.service with OPTIONS of
 * /etc/sysconfig/ntpd), systemd-timesyncd (/etc/systemd/timesyncd.conf and its drop-in directories), and,
 * on a running system, the user each chronyd process runs as.
 */
import { CheckError } from '../model/verdict.js';
import { identities } from './accounts.js';
import { packageManager } from './packages.js';
import { defineFact } from './store.js';

// ---------------------------------------------------------------------------------------------------
// chrony

export const CHRONY_CONF = '/etc/chrony/chrony.conf';
export const CHRONY_DEFAULTS = '/etc/default/chrony';
/** The user Debian and Ubuntu build chronyd to switch to (configure --with-user=_chrony). */
export const CHRONY_DEFAULT_USER = '_chrony';

/**
 * Where a chrony package keeps its files. The Debian family: /etc/chrony/chrony.conf, and the options the
 * chrony service passes to chronyd in DAEMON_OPTS of /etc/default/chrony. The RPM family (CentOS 7, Alibaba
 * Cloud Linux 2): /etc/chrony.conf, and OPTIONS of /etc/sysconfig/chronyd, which chronyd.service reads
 * (EnvironmentFile) and passes to chronyd ($OPTIONS).
 */
export interface ChronyLayout {
  family: 'Debian' | 'RPM';
  /** the configuration file chronyd reads when not told otherwise */
  conf: string;
  /** the file of the service's chronyd options, and the variable that holds them */
  optionsFile: string;
  optionsVariable: string;
  /** the service unit that starts chronyd */
  unit: string;
  /** the user the packaged chronyd switches to when neither -u nor a user directive names one */
  builtInUser: string;
}

export const CHRONY_LAYOUTS: readonly ChronyLayout[] = [
  { family: 'Debian', conf: CHRONY_CONF, optionsFile: CHRONY_DEFAULTS, optionsVariable: 'DAEMON_OPTS', unit: 'chrony.service', builtInUser: CHRONY_DEFAULT_USER },
  { family: 'RPM', conf: '/etc/chrony.conf', optionsFile: '/etc/sysconfig/chronyd', optionsVariable: 'OPTIONS', unit: 'chronyd.service', builtInUser: 'chrony' },
];

/**
 * Which layout the target has, from what exists: the layout with more of its two files (configuration and
 * options file) present wins; on a tie (none, or one of each) the package manager decides (rpm: RPM,
 * otherwise Debian). A stray file of the other family's layout therefore does not mislead it.
 */
export function chooseChronyLayout(exists: (path: string) => boolean, packageManager: string | null): { layout: ChronyLayout; because: string } {
  const present = CHRONY_LAYOUTS.map((l) => [l.conf, l.optionsFile].filter(exists));
  const [debian, rpm] = present.map((p) => p.length);
  if (debian !== rpm) {
    const i = debian > rpm ? 0 : 1;
    return { layout: CHRONY_LAYOUTS[i], because: `${present[i].join(' and ')} ${present[i].length > 1 ? 'exist' : 'exists'}` };
  }
  const layout = CHRONY_LAYOUTS[packageManager === 'rpm' ? 1 : 0];
  const found = present.flat();
  return { layout, because: `${found.length ? `${found.join(' and ')} ${found.length > 1 ? 'exist' : 'exists'}` : 'no chrony file exists'}; the package manager is ${packageManager ?? 'unknown'}` };
}

export interface ConfigLine { keyword: string; args: string[]; file: string; line: number; text: string }

/**
 * chrony.conf: one directive per line, the keyword first; lines starting with !, ;, # or % are comments.
 * Keywords are returned in lower case.
 */
export function parseChronyConf(text: string, file = CHRONY_CONF): ConfigLine[] {
  const out: ConfigLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '').trim();
    if (!l || /^[!;#%]/.test(l)) return;
    const [keyword, ...args] = l.split(/\s+/);
    out.push({ keyword: keyword.toLowerCase(), args, file, line: i + 1, text: l });
  });
  return out;
}

export interface ShellAssignment { name: string; value: string; file: string; line: number }

/**
 * Variable assignments of a sourced shell file such as /etc/default/chrony or /etc/sysconfig/chronyd
 * (NAME=value, NAME="value" or NAME='value'); the last one of a name wins. Lines that are not plain
 * assignments are ignored, as they set nothing this reads.
 */
export function parseShellAssignments(text: string, file: string): Map<string, ShellAssignment> {
  const out = new Map<string, ShellAssignment>();
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '').trim();
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l);
    if (!m) return;
    let v = m[2].trim();
    const q = /^"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(v) ?? /^'([^']*)'\s*(#.*)?$/.exec(v);
    if (q) v = q[1];
    else {
      if (/["']/.test(v)) throw new CheckError(`${file}:${i + 1} has an assignment whose quoting cannot be read: ${l.slice(0, 80)}`);
      v = v.replace(/\s+#.*$/, '');
    }
    out.set(m[1], { name: m[1], value: v, file, line: i + 1 });
  });
  return out;
}

/** The user named by the last `-u USER` among chronyd's command-line options. */
export function chronydOptionUser(options: string): string | undefined {
  const words = options.split(/\s+/).filter(Boolean);
  let user: string | undefined;
  for (let i = 0; i < words.length; i++) if (words[i] === '-u' && i + 1 < words.length) user = words[++i];
  return user;
}

/** Command-line options with every `-u USER` taken out and `-u user` added at the end (the last -u wins). */
export function withUserOption(options: string, user: string): string {
  const words = options.split(/\s+/).filter(Boolean);
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '-u') { i++; continue; }
    if (/^-u./.test(words[i])) continue;
    kept.push(words[i]);
  }
  return [...kept, '-u', user].join(' ');
}

export interface ChronyConfig {
  /** the layout found on the target, and what decided it */
  layout: ChronyLayout;
  layoutBecause: string;
  file: string;
  exists: boolean;
  directives: ConfigLine[];
  /** the server and pool lines */
  sources: ConfigLine[];
  /** the last `user` directive of chrony.conf */
  userDirective?: ConfigLine;
  /** the options file of the layout, and whether it exists */
  optionsFile: string;
  optionsFileExists: boolean;
  /** the options variable (DAEMON_OPTS or OPTIONS) that the chrony service passes to chronyd */
  daemonOptions?: ShellAssignment;
  /** the user chronyd switches to: -u on its command line wins over the user directive, then the built-in default */
  effectiveUser: { name: string; decidedBy: string };
}

export function chronyEffectiveUser(directives: ConfigLine[], daemonOptions?: ShellAssignment, builtInUser = CHRONY_DEFAULT_USER): ChronyConfig['effectiveUser'] {
  const fromOptions = daemonOptions ? chronydOptionUser(daemonOptions.value) : undefined;
  if (fromOptions) return { name: fromOptions, decidedBy: `${daemonOptions!.file}:${daemonOptions!.line} ${daemonOptions!.name}="${daemonOptions!.value}" (-u ${fromOptions})` };
  const user = directives.filter((d) => d.keyword === 'user').pop();
  if (user) {
    if (user.args.length !== 1) throw new CheckError(`${user.file}:${user.line} "${user.text}" does not name one user`);
    return { name: user.args[0], decidedBy: `${user.file}:${user.line} ${user.text}` };
  }
  return { name: builtInUser, decidedBy: `no user directive and no -u option: chronyd's built-in default ${builtInUser}` };
}

const CHRONY_FILES = [...new Set(CHRONY_LAYOUTS.flatMap((l) => [l.conf, l.optionsFile]))];

export const chronyConfig = defineFact<ChronyConfig>('chrony-config', async ({ facts }) => {
  const texts = new Map<string, string | null>();
  for (const f of CHRONY_FILES) texts.set(f, await facts.text(f));
  const exists = (p: string) => texts.get(p) !== null;
  const { layout, because } = chooseChronyLayout(exists, await facts.get(packageManager));
  const conf = texts.get(layout.conf) ?? null;
  const options = texts.get(layout.optionsFile) ?? null;
  const directives = conf === null ? [] : parseChronyConf(conf, layout.conf);
  const daemonOptions = options === null ? undefined : parseShellAssignments(options, layout.optionsFile).get(layout.optionsVariable);
  return {
    layout,
    layoutBecause: because,
    file: layout.conf,
    exists: conf !== null,
    directives,
    sources: directives.filter((d) => d.keyword === 'server' || d.keyword === 'pool'),
    userDirective: directives.filter((d) => d.keyword === 'user').pop(),
    optionsFile: layout.optionsFile,
    optionsFileExists: options !== null,
    daemonOptions,
    effectiveUser: chronyEffectiveUser(directives, daemonOptions, layout.builtInUser),
  };
}, CHRONY_FILES);

/** The chronyd processes of a running system: "pid state real-uid effective-uid" from /proc/<pid>/status. */
export const CHRONYD_PROCESSES_COMMAND = [
  'for d in /proc/[0-9]*; do',
  '  read -r c < "$d/comm" || continue; [ "$c" = chronyd ] || continue',
  '  s=; u=; while read -r k a b _; do case "$k" in State:) s=$a;; Uid:) u="$a $b";; esac; done < "$d/status"',
  '  echo "${d#/proc/} $s $u"',
  'done 2>/dev/null; true',
].join('\n');

export interface ChronydProcess {
  pid: number;
  /** the kernel's one-letter state: R, S, D, Z (zombie: exited, not yet reaped) ... */
  state: string;
  realUid: number;
  effectiveUid: number;
  /** the effective user's name in the target's /etc/passwd */
  user?: string;
}

export function parseChronydProcesses(stdout: string): Omit<ChronydProcess, 'user'>[] {
  const out: Omit<ChronydProcess, 'user'>[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const m = /^(\d+) ([A-Za-z]) (\d+) (\d+)$/.exec(line.trim());
    if (!m) throw new CheckError(`unexpected line in the chronyd process list: ${JSON.stringify(line.slice(0, 80))}`);
    out.push({ pid: Number(m[1]), state: m[2], realUid: Number(m[3]), effectiveUid: Number(m[4]) });
  }
  return out;
}

export const chronydProcesses = defineFact<{ command: string; processes: ChronydProcess[] }>('chronyd-processes', async ({ facts }) => {
  const r = await facts.command('chronyd processes (/proc/*/status)', CHRONYD_PROCESSES_COMMAND);
  const ids = await facts.get(identities);
  const processes = parseChronydProcesses(r.stdout.toString('utf8')).map((p) => ({ ...p, user: ids.userName(p.effectiveUid) }));
  return { command: CHRONYD_PROCESSES_COMMAND, processes };
});

// ---------------------------------------------------------------------------------------------------
// ntp

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

/** /etc/sysconfig/ntpd: OPTIONS, which ntpd.service of the RPM family passes to ntpd ($OPTIONS). */
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
  /** OPTIONS of /etc/sysconfig/ntpd, when that file exists */
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
  const options = sysconfig === null ? undefined : parseShellAssignments(sysconfig, NTP_SYSCONFIG).get('OPTIONS');
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

// ---------------------------------------------------------------------------------------------------
// systemd-timesyncd

export const TIMESYNCD_CONF = '/etc/systemd/timesyncd.conf';
/** drop-in directories in systemd's order; a file name in an earlier one hides the same name further down */
export const TIMESYNCD_DROPIN_DIRS = ['/etc/systemd/timesyncd.conf.d', '/run/systemd/timesyncd.conf.d', '/usr/local/lib/systemd/timesyncd.conf.d',
  '/usr/lib/systemd/timesyncd.conf.d', '/lib/systemd/timesyncd.conf.d'];
const TIMESYNCD_FILES = [TIMESYNCD_CONF, ...TIMESYNCD_DROPIN_DIRS.map((d) => `${d}/*.conf`)];

export interface IniSetting { section: string; key: string; value: string; file: string; line: number }

/** A systemd configuration file: [Section] headers and Key=Value lines; # and ; start comment lines. */
export function parseSystemdIni(text: string, file: string): IniSetting[] {
  const out: IniSetting[] = [];
  let section = '';
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '').trim();
    if (!l || l.startsWith('#') || l.startsWith(';')) return;
    const h = /^\[([^\]]+)\]$/.exec(l);
    if (h) { section = h[1]; return; }
    const eq = l.indexOf('=');
    if (eq <= 0) throw new CheckError(`${file}:${i + 1} is neither a [Section] header nor a Key=Value line: ${l.slice(0, 80)}`);
    out.push({ section, key: l.slice(0, eq).trim(), value: l.slice(eq + 1).trim(), file, line: i + 1 });
  });
  return out;
}

/** Order drop-ins as systemd does: by file name, the first directory holding a name wins. */
export function orderDropIns(paths: string[], dirs = TIMESYNCD_DROPIN_DIRS): string[] {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    for (const p of paths.filter((x) => x.startsWith(`${dir}/`))) {
      const name = p.slice(dir.length + 1);
      if (!byName.has(name)) byName.set(name, p);
    }
  }
  return [...byName.keys()].sort().map((n) => byName.get(n)!);
}

export interface ServerList {
  /** the servers in effect after every assignment (an empty assignment empties the list) */
  servers: string[];
  /** the assignments that built the list, in order */
  settings: IniSetting[];
}

export interface TimesyncdConfig {
  files: string[];
  ntp: ServerList;
  fallbackNtp: ServerList;
  /** other [Time] settings, last value wins (RootDistanceMaxSec, PollIntervalMinSec, ...) */
  other: Map<string, IniSetting>;
}

export function timesyncdSettings(settings: IniSetting[], files: string[]): TimesyncdConfig {
  const ntp: ServerList = { servers: [], settings: [] };
  const fallbackNtp: ServerList = { servers: [], settings: [] };
  const other = new Map<string, IniSetting>();
  for (const s of settings.filter((x) => x.section === 'Time')) {
    const list = s.key === 'NTP' ? ntp : s.key === 'FallbackNTP' ? fallbackNtp : null;
    if (!list) { other.set(s.key, s); continue; }
    list.settings.push(s);
    if (!s.value) list.servers = [];
    else list.servers.push(...s.value.split(/\s+/));
  }
  return { files, ntp, fallbackNtp, other };
}

export const timesyncdConfig = defineFact<TimesyncdConfig>('timesyncd-config', async ({ facts }) => {
  const reads = await facts.readMany(TIMESYNCD_FILES);
  const texts = new Map<string, string>();
  for (const r of reads) {
    if (r.state === 'file') texts.set(r.path, r.content.toString('utf8'));
    else if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
  }
  const files = [...(texts.has(TIMESYNCD_CONF) ? [TIMESYNCD_CONF] : []), ...orderDropIns([...texts.keys()].filter((p) => p !== TIMESYNCD_CONF))];
  return timesyncdSettings(files.flatMap((f) => parseSystemdIni(texts.get(f)!, f)), files);
}, TIMESYNCD_FILES);

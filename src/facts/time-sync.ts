/**
 * Time synchronisation daemons as the Debian family configures them: chrony (/etc/chrony/chrony.conf and
 * the options /etc/default/chrony passes to chronyd), ntp (/etc/ntp.conf and the init script's RUNASUSER),
 * systemd-timesyncd (/etc/systemd/timesyncd.conf and its drop-in directories), and, on a running system,
 * the user each chronyd process runs as.
 */
import { CheckError } from '../engine/verdict.js';
import { identities } from './accounts.js';
import { defineFact } from './store.js';

// ---------------------------------------------------------------------------------------------------
// chrony

export const CHRONY_CONF = '/etc/chrony/chrony.conf';
export const CHRONY_DEFAULTS = '/etc/default/chrony';
/** The user Debian and Ubuntu build chronyd to switch to (configure --with-user=_chrony). */
export const CHRONY_DEFAULT_USER = '_chrony';

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
 * Variable assignments of a sourced shell file such as /etc/default/chrony (NAME=value, NAME="value" or
 * NAME='value'); the last one of a name wins. Lines that are not plain assignments are ignored, as they
 * set nothing this reads.
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

export interface ChronyConfig {
  file: string;
  exists: boolean;
  directives: ConfigLine[];
  /** the server and pool lines */
  sources: ConfigLine[];
  /** the last `user` directive of chrony.conf */
  userDirective?: ConfigLine;
  /** DAEMON_OPTS of /etc/default/chrony, which the chrony service passes to chronyd */
  daemonOptions?: ShellAssignment;
  /** the user chronyd switches to: -u on its command line wins over the user directive, then the built-in default */
  effectiveUser: { name: string; decidedBy: string };
}

export function chronyEffectiveUser(directives: ConfigLine[], daemonOptions?: ShellAssignment): ChronyConfig['effectiveUser'] {
  const fromOptions = daemonOptions ? chronydOptionUser(daemonOptions.value) : undefined;
  if (fromOptions) return { name: fromOptions, decidedBy: `${daemonOptions!.file}:${daemonOptions!.line} DAEMON_OPTS="${daemonOptions!.value}" (-u ${fromOptions})` };
  const user = directives.filter((d) => d.keyword === 'user').pop();
  if (user) {
    if (user.args.length !== 1) throw new CheckError(`${user.file}:${user.line} "${user.text}" does not name one user`);
    return { name: user.args[0], decidedBy: `${user.file}:${user.line} ${user.text}` };
  }
  return { name: CHRONY_DEFAULT_USER, decidedBy: `no user directive and no -u option: chronyd's built-in default ${CHRONY_DEFAULT_USER}` };
}

export const chronyConfig = defineFact<ChronyConfig>('chrony-config', async ({ facts }) => {
  const conf = await facts.text(CHRONY_CONF);
  const defaults = await facts.text(CHRONY_DEFAULTS);
  const directives = conf === null ? [] : parseChronyConf(conf, CHRONY_CONF);
  const daemonOptions = defaults === null ? undefined : parseShellAssignments(defaults, CHRONY_DEFAULTS).get('DAEMON_OPTS');
  return {
    file: CHRONY_CONF,
    exists: conf !== null,
    directives,
    sources: directives.filter((d) => d.keyword === 'server' || d.keyword === 'pool'),
    userDirective: directives.filter((d) => d.keyword === 'user').pop(),
    daemonOptions,
    effectiveUser: chronyEffectiveUser(directives, daemonOptions),
  };
}, [CHRONY_CONF, CHRONY_DEFAULTS]);

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

export interface NtpConfig {
  file: string;
  exists: boolean;
  directives: ConfigLine[];
  sources: ConfigLine[];
  restrictDefaults: NtpRestrictDefault[];
  initScript: { file: string; exists: boolean; runAsUser?: ShellAssignment };
}

export const ntpConfig = defineFact<NtpConfig>('ntp-config', async ({ facts }) => {
  const conf = await facts.text(NTP_CONF);
  const init = await facts.text(NTP_INIT_SCRIPT);
  const directives = conf === null ? [] : parseNtpConf(conf, NTP_CONF);
  return {
    file: NTP_CONF,
    exists: conf !== null,
    directives,
    sources: directives.filter((d) => d.keyword === 'server' || d.keyword === 'pool'),
    restrictDefaults: ntpDefaultRestrictions(directives),
    initScript: { file: NTP_INIT_SCRIPT, exists: init !== null, runAsUser: init === null ? undefined : initScriptRunAsUser(init) },
  };
}, [NTP_CONF, NTP_INIT_SCRIPT]);

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

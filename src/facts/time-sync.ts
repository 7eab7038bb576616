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
import { type ConfigLine } from './time-sync-syntax.js';
import type { ShellAssignment } from './shell-assignments.js';
import { parseEnvironmentFile } from './systemd-env-file.js';

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
 * (EnvironmentFile) and passes to chronyd ($OPTIONS). Both options files reach chronyd through systemd's
 * EnvironmentFile=, not a shell, so they are read as systemd reads them (parseEnvironmentFile).
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
  /** the options variable (DAEMON_OPTS or OPTIONS) that the chrony service passes to chronyd, read as systemd's EnvironmentFile= reads it */
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
  const daemonOptions = options === null ? undefined : parseEnvironmentFile(options, layout.optionsFile).get(layout.optionsVariable);
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

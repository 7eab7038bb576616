/**
 * The SSH daemon's effective configuration, per connection. On a system where commands run the daemon
 * itself is asked, once for each connection the items are decided for (`sshd -T -C user=…,host=…,addr=…`,
 * all of them in one command); where that cannot run (an offline root filesystem) or fails (an image
 * without host keys), the files are evaluated offline the way the installed OpenSSH release does it:
 * sshd-parse.ts reads the lines, sshd-match.ts decides which Match blocks apply to a connection,
 * sshd-effective.ts computes the values, sshd-connections.ts picks the connections, and sshd-defaults.ts
 * holds the release's compiled-in defaults. Also here: the SSH host key files of /etc/ssh, as mode and
 * owner only.
 */
import { CheckError, NeedsLiveSystem } from '../model/verdict.js';
import type { FileStat } from '../targets/target.js';
import { defineFact, type FactStore } from './store.js';
import { installedPackages } from './packages.js';
import { parseGroup, parsePasswd, type GroupEntry, type PasswdEntry } from './accounts.js';
import { DEFAULT_RELEASE, opensshRelease, type OpensshRelease } from './sshd-defaults.js';
import {
  ACCUMULATING, LAST_WINS, SSH_DIR, SSHD_CONFIG, includePatterns, parseSshdFiles, type IncludeLookup, type SshdDirective,
  type SshdLocation, type SshdMatchBlock,
} from './sshd-parse.js';
import { globalSettings, settingsFor, type SshdSetting } from './sshd-effective.js';
import { connectionArgument, type SshdConnectionSpec } from './sshd-match.js';
import { groupsFromAccounts, planConnections, type PlannedConnection } from './sshd-connections.js';

const MAX_INCLUDE_DEPTH = 16;

export interface SshdFileConfig {
  /** files read, in the order sshd reads them */
  files: string[];
  directives: SshdDirective[];
  /** the start-up configuration (outside Match blocks and in Match all blocks), defaults filled in */
  settings: Map<string, SshdSetting>;
  matchBlocks: SshdMatchBlock[];
  /** Include lines seen (only for releases that know Include) */
  includes: SshdLocation[];
  /** the OpenSSH release whose defaults and rules were applied */
  release: OpensshRelease;
}

/** The configuration sshd applies to one connection. */
export interface SshdConnection {
  spec: SshdConnectionSpec;
  /** who and from where, in words */
  label: string;
  settings: Map<string, SshdSetting>;
  /** the Match blocks that applied (offline), in file order */
  applied: Array<SshdLocation & { criteria: string }>;
  /** why this connection cannot be decided from the files alone, when so (a Match Host) */
  undecidable?: string;
  /** the command that printed it, on a system where sshd -T ran */
  command?: string;
}

export interface SshdConfig {
  method: 'sshd -T' | 'files';
  /** the OpenSSH release of the installed package (its defaults fill what the files leave unset) */
  release: OpensshRelease;
  /** one sentence on how the configuration was obtained */
  how: string;
  /** the command that printed the first connection's configuration, when method is sshd -T */
  command?: string;
  files: string[];
  /** root's configuration from an ordinary address (the first connection) */
  settings: Map<string, SshdSetting>;
  matchBlocks: SshdMatchBlock[];
  /** every connection evaluated; the first is root's */
  connections: SshdConnection[];
  /** connections looked for and not found (a Match group nobody is in...) */
  notes: string[];
}

/**
 * Build the start-up configuration from the main file's text, following Include through `lookup` for
 * releases that know it. Keywords the files do not set get the defaults of `release`.
 */
export function parseSshdConfig(mainText: string, lookup: IncludeLookup = () => [], mainFile = SSHD_CONFIG, release: OpensshRelease = DEFAULT_RELEASE): SshdFileConfig {
  const parsed = parseSshdFiles(mainText, lookup, mainFile, release);
  return { ...parsed, settings: globalSettings(parsed) };
}

/** The configuration for each planned connection, evaluated offline. */
export function evaluateConnections(cfg: SshdFileConfig, planned: PlannedConnection[], passwd: PasswdEntry[] | null, groups: GroupEntry[] | null): SshdConnection[] {
  const groupsOf = passwd && groups ? groupsFromAccounts(passwd, groups) : () => null;
  return planned.map((p) => {
    const { settings, applied } = settingsFor(cfg, cfg.settings, p.spec, groupsOf);
    return {
      spec: p.spec, label: p.label, settings, applied: applied.map((b) => ({ file: b.file, line: b.line, criteria: b.criteria })),
      ...(p.undecidable ? { undecidable: p.undecidable } : {}),
    };
  });
}

/** The first port the daemon listens on (22 unless Port says otherwise). */
export function firstPort(cfg: SshdFileConfig): number {
  const p = Number((cfg.settings.get('port')?.value ?? '22').split(' ')[0]);
  return Number.isInteger(p) && p > 0 ? p : 22;
}

// ---------------------------------------------------------------------------------------------------
// Gathering

async function readInclude(facts: FactStore, pattern: string): Promise<Array<{ path: string; text: string }>> {
  if (/[*?[]/.test(pattern.slice(0, pattern.lastIndexOf('/')))) {
    throw new CheckError(`Include ${pattern}: wildcards in directory names are not supported`);
  }
  const reads = await facts.readMany([pattern]);
  const out: Array<{ path: string; text: string }> = [];
  for (const r of [...reads].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (r.state === 'missing') continue; // sshd ignores an Include that matches nothing
    const text = await facts.text(r.path);
    if (text !== null) out.push({ path: r.path, text });
  }
  return out;
}

/** The OpenSSH release of the installed openssh-server package, whose defaults apply. */
export const opensshServerRelease = defineFact<OpensshRelease>('openssh-server-release', async ({ facts }) => {
  const db = await facts.get(installedPackages);
  const pkg = db.packages.get('openssh-server');
  return opensshRelease(pkg ? pkg.version : null, db.source);
});

/** The configuration files as the installed sshd reads them, with its defaults for what they leave unset. */
export const sshdConfigFiles = defineFact<SshdFileConfig>('sshd-config-files', async ({ facts }) => {
  const release = await facts.get(opensshServerRelease);
  const main = await facts.text(SSHD_CONFIG);
  if (main === null) throw new CheckError(`${SSHD_CONFIG} does not exist`);
  // read every included file first (breadth-first), so that the parser itself stays pure
  const matched = new Map<string, Array<{ path: string; text: string }>>();
  let pending = release.keywords.has('include') ? includePatterns(main) : [];
  for (let depth = 0; pending.length && depth <= MAX_INCLUDE_DEPTH; depth++) {
    const next: string[] = [];
    for (const p of pending) {
      if (matched.has(p)) continue;
      const found = await readInclude(facts, p);
      matched.set(p, found);
      for (const f of found) next.push(...includePatterns(f.text));
    }
    pending = next;
  }
  return parseSshdConfig(main, (p) => matched.get(p) ?? [], SSHD_CONFIG, release);
}, [SSHD_CONFIG, `${SSH_DIR}/sshd_config.d/*.conf`]);

/** The local accounts, for Match Group; null when they cannot be read (then no group member is evaluated). */
async function accounts(facts: FactStore): Promise<{ passwd: PasswdEntry[] | null; groups: GroupEntry[] | null }> {
  try {
    const p = await facts.text('/etc/passwd');
    const g = await facts.text('/etc/group');
    return { passwd: p === null ? null : parsePasswd(p), groups: g === null ? null : parseGroup(g) };
  } catch {
    return { passwd: null, groups: null };
  }
}

function failureSummary(exitCode: number, stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const text = lines.join('; ') || 'no message';
  return `exit ${exitCode}: ${text.length > 300 ? `${text.slice(0, 300)}...` : text}`;
}

/** Build the effective configuration from sshd -T output, noting where the files set each value. */
export function fromSshdTest(values: Map<string, string>, files: Map<string, SshdSetting> | SshdFileConfig | null): Map<string, SshdSetting> {
  const known = files instanceof Map ? files : files?.settings;
  const settings = new Map<string, SshdSetting>();
  for (const [keyword, value] of values) {
    const f = known?.get(keyword);
    const fromFile = f && f.source === 'file' ? f : undefined;
    settings.set(keyword, {
      keyword, value, source: 'sshd -T', rule: fromFile?.rule ?? (ACCUMULATING.has(keyword) ? 'all' : LAST_WINS.has(keyword) ? 'last' : 'first'),
      at: fromFile?.at, lines: fromFile?.lines, ignored: fromFile?.ignored ?? [], block: fromFile?.block, replaced: fromFile?.replaced,
      written: fromFile && fromFile.value !== value ? (fromFile.written ?? fromFile.value) : undefined,
    });
  }
  return settings;
}

const MARK = '@@cis-bdd-sshd';

/** One shell command running `sshd -T -C` for every connection, each output between markers. */
export function sshdTestScript(specs: SshdConnectionSpec[]): string {
  const runs = specs.map((s) => `'${connectionArgument(s).replace(/'/g, '')}'`).join(' ');
  return `PATH="$PATH:/usr/sbin:/sbin"; for c in ${runs}; do echo "${MARK} $c"; sshd -T -C "$c" 2>&1; echo "${MARK}-rc $?"; done`;
}

/** Split the script's output into each connection's dump (or failure). */
export function parseSshdTestRuns(stdout: string): Array<{ argument: string; exitCode: number; values: Map<string, string> | null; messages: string[] }> {
  const out: Array<{ argument: string; exitCode: number; values: Map<string, string> | null; messages: string[] }> = [];
  let current: { argument: string; lines: string[] } | null = null;
  for (const raw of stdout.split('\n')) {
    const l = raw.replace(/\r$/, '');
    if (l.startsWith(`${MARK}-rc `) && current) {
      const dump = current.lines.filter((x) => /^[a-z0-9]+( .*)?$/.test(x.trim()) && x.trim() !== '');
      const messages = current.lines.filter((x) => x.trim() !== '' && !dump.includes(x));
      const values = new Map<string, string[]>();
      for (const d of dump) {
        const m = /^([a-z0-9]+)(?: (.*))?$/.exec(d.trim())!;
        values.set(m[1], [...(values.get(m[1]) ?? []), m[2] ?? '']);
      }
      const ok = values.has('permitrootlogin') && values.has('loglevel');
      out.push({
        argument: current.argument, exitCode: Number(l.slice(MARK.length + 4)), messages,
        values: ok ? new Map([...values].map(([k, v]) => [k, ACCUMULATING.has(k) ? v.join(' ') : v[0]])) : null,
      });
      current = null;
    } else if (l.startsWith(`${MARK} `)) {
      current = { argument: l.slice(MARK.length + 1), lines: [] };
    } else if (current) {
      current.lines.push(l);
    }
  }
  return out;
}

export const sshdEffectiveConfig = defineFact<SshdConfig>('sshd-effective-config', async ({ facts, target }) => {
  const { passwd, groups } = await accounts(facts);
  let files: SshdFileConfig | null = null;
  let filesError: unknown = null;
  try { files = await facts.get(sshdConfigFiles); } catch (e) { filesError = e; }
  const plan = files
    ? planConnections(files.matchBlocks, passwd, groups, firstPort(files))
    : planConnections([], passwd, groups, 22);
  let why = 'offline root filesystem: sshd cannot run';
  if (target.canExecute) {
    let result;
    const script = sshdTestScript(plan.connections.map((c) => c.spec));
    try {
      result = await facts.fileCommand('sshd -T', script);
    } catch (e) {
      if (!(e instanceof NeedsLiveSystem)) throw e;
    }
    if (result) {
      const runs = parseSshdTestRuns(result.stdout.toString('utf8'));
      const failed = runs.find((r) => r.exitCode !== 0 || !r.values);
      if (runs.length === plan.connections.length && !failed) {
        let release: OpensshRelease;
        try { release = await facts.get(opensshServerRelease); } catch { release = DEFAULT_RELEASE; }
        // where the files set each value, for the evidence; sshd's own answer stands if the files cannot be evaluated
        let offline: SshdConnection[] | null = null;
        try { offline = files ? evaluateConnections(files, plan.connections, passwd, groups) : null; } catch { offline = null; }
        const connections: SshdConnection[] = plan.connections.map((p, i) => ({
          spec: p.spec, label: p.label, command: `sshd -T -C ${connectionArgument(p.spec)}`,
          settings: fromSshdTest(runs[i].values!, offline?.[i].settings ?? null),
          applied: offline?.[i].applied ?? [],
          ...(p.undecidable ? { undecidable: p.undecidable } : {}),
        }));
        return {
          method: 'sshd -T', release, connections, notes: plan.notes,
          how: `the SSH daemon printed the configuration it applies to ${connections.length} connection${connections.length > 1 ? 's' : ''} `
            + `(${connections.map((c) => c.label).join('; ')}), with its Match blocks evaluated for each`,
          command: connections[0].command,
          files: files?.files ?? [],
          settings: connections[0].settings,
          matchBlocks: files?.matchBlocks ?? [],
        };
      }
      why = failed
        ? `sshd -T -C ${failed.argument} failed (${failureSummary(failed.exitCode, failed.messages.join('\n'))})`
        : `sshd -T printed no configuration (${failureSummary(result.exitCode, result.stderr)})`;
    }
  }
  if (!files) throw filesError;
  const r = files.release.release;
  const connections = evaluateConnections(files, plan.connections, passwd, groups);
  const includeNote = files.includes.length ? `; Include lines followed` : '';
  return {
    method: 'files',
    release: files.release,
    how: `${why}; read ${files.files.join(', ')} as OpenSSH ${r} does (first value wins; Match blocks applied to each connection: `
      + `${connections.map((c) => c.label).join('; ')}), keywords not set there take ${r}'s compiled-in defaults (${files.release.chosen})${includeNote}`,
    files: files.files,
    settings: connections[0].settings,
    matchBlocks: files.matchBlocks,
    connections,
    notes: plan.notes,
  };
}, ['/etc/passwd', '/etc/group']);

/** SSH host key files in /etc/ssh (ssh_host_*), stat'ed only: their content is never read. */
export const sshHostKeyFiles = defineFact<FileStat[]>('ssh-host-key-files', async ({ facts, target }) => {
  const names = await target.list(SSH_DIR);
  if (!names) return [];
  const paths = names.filter((n) => n.startsWith('ssh_host_')).sort().map((n) => `${SSH_DIR}/${n}`);
  const stats = await facts.stat(paths);
  return paths.map((p) => stats.get(p)).filter((s): s is FileStat => !!s && s.type === 'f');
});

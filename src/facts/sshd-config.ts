/**
 * The SSH daemon's effective configuration. On a running system the daemon itself is asked (`sshd -T`,
 * which prints every keyword with the value it applies); where that cannot run (an offline root
 * filesystem) or fails (for example a fresh image without host keys), the configuration files are
 * parsed the way OpenSSH reads them, and keywords they do not set take the compiled-in defaults of the
 * OpenSSH release the openssh-server package installs: 7.6 as Ubuntu 18.04 builds it, 7.4 as Red Hat
 * builds it for CentOS 7 and Alibaba Cloud Linux 2 (the release is read from the package database,
 * never guessed from the distribution). Also here: the SSH host key files of /etc/ssh, as mode and
 * owner only.
 *
 * How sshd 7.4 and 7.6 read sshd_config, as the parser follows it:
 * - `Keyword value` or `Keyword=value`; keywords are case-insensitive; `#` starts a comment line;
 *   double quotes group a value containing spaces.
 * - For most keywords the first value given wins; AllowUsers, DenyUsers, AllowGroups, DenyGroups,
 *   AcceptEnv, HostKey, Port, ListenAddress, Subsystem and HostCertificate add up over all lines;
 *   MaxStartups and IPQoS take the last line.
 * - A `Match` line starts a conditional block that lasts until the next `Match` or the end of the file;
 *   the global configuration ignores those blocks (they are listed for the evidence).
 * - Ciphers, MACs, KexAlgorithms and the key type lists may start with `+` (append to the default
 *   list); 7.5 and later also accept `-` (remove patterns from it), which 7.4 rejects.
 * - `Include` (OpenSSH 8.2 and later; 7.4 and 7.6 reject it) is followed: relative paths are under
 *   /etc/ssh, wildcards expand in name order, and a Match inside an included file ends with that file.
 */
import { CheckError, NeedsLiveSystem } from '../engine/verdict.js';
import type { FileStat } from '../targets/target.js';
import { defineFact, type FactStore } from './store.js';
import { installedPackages } from './packages.js';

export const SSHD_CONFIG = '/etc/ssh/sshd_config';
export const SSH_DIR = '/etc/ssh';
/** The release whose defaults apply when the package database names no openssh-server (kept for callers of the 7.6 table). */
export const OPENSSH_VERSION = '7.6';
/** The connection sshd -T evaluates Match blocks for, as the benchmark's own audit does. */
export const SSHD_TEST_COMMAND = 'sshd -T -C user=root,host=localhost,addr=127.0.0.1';
const MAX_INCLUDE_DEPTH = 16;

/** What `sshd -T` prints with an empty sshd_config on Ubuntu 18.04 (openssh-server 1:7.6p1-4). */
export const OPENSSH_76_DEFAULTS: Readonly<Record<string, string>> = {
  port: '22',
  addressfamily: 'any',
  usepam: 'no',
  logingracetime: '120',
  x11displayoffset: '10',
  maxauthtries: '6',
  maxsessions: '10',
  clientaliveinterval: '0',
  clientalivecountmax: '3',
  streamlocalbindmask: '0177',
  permitrootlogin: 'prohibit-password',
  ignorerhosts: 'yes',
  ignoreuserknownhosts: 'no',
  hostbasedauthentication: 'no',
  hostbasedusesnamefrompacketonly: 'no',
  pubkeyauthentication: 'yes',
  kerberosauthentication: 'no',
  kerberosorlocalpasswd: 'yes',
  kerberosticketcleanup: 'yes',
  gssapiauthentication: 'no',
  gssapikeyexchange: 'no',
  gssapicleanupcredentials: 'yes',
  gssapistrictacceptorcheck: 'yes',
  gssapistorecredentialsonrekey: 'no',
  passwordauthentication: 'yes',
  kbdinteractiveauthentication: 'yes',
  challengeresponseauthentication: 'yes',
  printmotd: 'yes',
  printlastlog: 'yes',
  x11forwarding: 'no',
  x11uselocalhost: 'yes',
  permittty: 'yes',
  permituserrc: 'yes',
  strictmodes: 'yes',
  tcpkeepalive: 'yes',
  permitemptypasswords: 'no',
  permituserenvironment: 'no',
  compression: 'yes',
  gatewayports: 'no',
  usedns: 'no',
  allowtcpforwarding: 'yes',
  allowagentforwarding: 'yes',
  disableforwarding: 'no',
  allowstreamlocalforwarding: 'yes',
  streamlocalbindunlink: 'no',
  fingerprinthash: 'SHA256',
  exposeauthinfo: 'no',
  pidfile: '/run/sshd.pid',
  xauthlocation: '/usr/bin/xauth',
  ciphers: 'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com',
  macs: 'umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,'
    + 'hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1',
  kexalgorithms: 'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,'
    + 'diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,'
    + 'diffie-hellman-group14-sha256,diffie-hellman-group14-sha1',
  hostbasedacceptedkeytypes: KEY_TYPES(),
  hostkeyalgorithms: KEY_TYPES(),
  pubkeyacceptedkeytypes: KEY_TYPES(),
  banner: 'none',
  forcecommand: 'none',
  chrootdirectory: 'none',
  trustedusercakeys: 'none',
  revokedkeys: 'none',
  authorizedprincipalsfile: 'none',
  versionaddendum: 'none',
  authorizedkeyscommand: 'none',
  authorizedkeyscommanduser: 'none',
  authorizedprincipalscommand: 'none',
  authorizedprincipalscommanduser: 'none',
  hostkeyagent: 'none',
  loglevel: 'INFO',
  syslogfacility: 'AUTH',
  authorizedkeysfile: '.ssh/authorized_keys .ssh/authorized_keys2',
  hostkey: '/etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ed25519_key',
  authenticationmethods: 'any',
  maxstartups: '10:30:100',
  permittunnel: 'no',
  ipqos: 'lowdelay throughput',
  rekeylimit: '0 0',
  permitopen: 'any',
};

/**
 * The compiled-in defaults of OpenSSH 7.4p1 as Red Hat builds it (CentOS 7, Alibaba Cloud Linux 2:
 * openssh-server 7.4p1-*.el7 / .al7), where they differ from 7.6's or 7.4 has a keyword 7.6 dropped:
 * - Protocol is still a keyword and defaults to 2 (only protocol 2 is served; 7.6 ignores the keyword);
 * - Red Hat's build keeps PermitRootLogin yes and UseDNS yes, and for compatibility still offers the CBC
 *   ciphers and the SHA-1 key exchanges diffie-hellman-group1-sha1 and diffie-hellman-group-exchange-sha1;
 * - UseLogin, UsePrivilegeSeparation and ShowPatchLevel (a Red Hat addition) still exist, ExposeAuthInfo
 *   does not (7.6), the PID file is under /var/run and compression is "delayed".
 * The commented-out lines of the sshd_config Red Hat ships name the same defaults.
 */
export const OPENSSH_74_DEFAULTS: Readonly<Record<string, string>> = (() => {
  const { exposeauthinfo: _dropped, ...rest } = OPENSSH_76_DEFAULTS;
  return {
    ...rest,
    protocol: '2',
    permitrootlogin: 'yes',
    usedns: 'yes',
    compression: 'delayed',
    pidfile: '/var/run/sshd.pid',
    xauthlocation: '/usr/bin/xauth',
    uselogin: 'no',
    useprivilegeseparation: 'sandbox',
    showpatchlevel: 'no',
    kerberosusekuserok: 'yes',
    gssapienablek5users: 'no',
    hostkey: '/etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ed25519_key',
    ciphers: 'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,'
      + 'aes128-cbc,aes192-cbc,aes256-cbc,blowfish-cbc,cast128-cbc,3des-cbc',
    kexalgorithms: 'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,'
      + 'diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,'
      + 'diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,diffie-hellman-group1-sha1',
  };
})();

/** The defaults of one OpenSSH release, and how that release reads a few things. */
export interface OpensshRelease {
  /** "7.4", "7.6" */
  release: string;
  defaults: Readonly<Record<string, string>>;
  /** whether an algorithm list may start with "-" (7.5 and later) */
  minusLists: boolean;
  /** how the release was chosen, for the evidence */
  chosen: string;
}

const RELEASES: Array<{ release: string; defaults: Readonly<Record<string, string>>; minusLists: boolean }> = [
  { release: '7.4', defaults: OPENSSH_74_DEFAULTS, minusLists: false },
  { release: '7.6', defaults: OPENSSH_76_DEFAULTS, minusLists: true },
];

/** The upstream release in a package version: "1:7.6p1-4ubuntu0.7" and "7.4p1-21.al7" give [7, 6] and [7, 4]. */
export function opensshUpstream(version: string): [number, number] | null {
  const m = /^(?:\d+:)?(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/**
 * The defaults for an installed openssh-server version: the release itself when its defaults are known,
 * otherwise the nearest known release below it (or the oldest known one), said so in `chosen`.
 */
export function opensshRelease(version: string | null, source = 'the package database'): OpensshRelease {
  const newest = RELEASES[RELEASES.length - 1];
  if (version === null) {
    return { ...newest, chosen: `openssh-server is not installed according to ${source}; OpenSSH ${newest.release}'s defaults are assumed` };
  }
  const up = opensshUpstream(version);
  if (!up) return { ...newest, chosen: `openssh-server ${version} is not a version cis-bdd can read; OpenSSH ${newest.release}'s defaults are assumed` };
  const key = (r: string) => r.split('.').map(Number) as [number, number];
  const cmp = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
  const exact = RELEASES.find((r) => cmp(key(r.release), up) === 0);
  if (exact) return { ...exact, chosen: `openssh-server ${version} is OpenSSH ${exact.release}` };
  const below = [...RELEASES].reverse().find((r) => cmp(key(r.release), up) < 0);
  const pick = below ?? RELEASES[0];
  return { ...pick, chosen: `openssh-server ${version}: the defaults of OpenSSH ${pick.release}, the nearest release cis-bdd knows ${below ? 'below it' : '(it is older than every release cis-bdd knows)'}` };
}

const DEFAULT_RELEASE = opensshRelease('7.6p1', 'built-in');
/** Every keyword some known release has a default for (to tell one-word keywords from unknown ones). */
const KNOWN_KEYWORDS = new Set(RELEASES.flatMap((r) => Object.keys(r.defaults)));

function KEY_TYPES(): string {
  return ['ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp521-cert-v01@openssh.com',
    'ssh-ed25519-cert-v01@openssh.com', 'ssh-rsa-cert-v01@openssh.com', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521', 'ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].join(',');
}

/** Keywords whose lines add up instead of the first one winning. */
export const ACCUMULATING = new Set(['allowusers', 'denyusers', 'allowgroups', 'denygroups', 'acceptenv', 'hostkey', 'port',
  'listenaddress', 'subsystem', 'hostcertificate']);
/** Keywords for which sshd 7.4 and 7.6 keep the last line they read. */
export const LAST_WINS = new Set(['maxstartups', 'ipqos']);
/** Keywords taking several words on one line (every other known keyword takes exactly one). */
const MULTI_WORD = new Set([...ACCUMULATING, 'authorizedkeysfile', 'authenticationmethods', 'permitopen', 'permitlisten', 'ipqos',
  'rekeylimit', 'forcecommand', 'versionaddendum', 'authorizedkeyscommand', 'authorizedprincipalscommand', 'include', 'match']);
/** Algorithm lists that accept +name (append) and -pattern (remove) against the default. */
export const ALGORITHM_LISTS = new Set(['ciphers', 'macs', 'kexalgorithms', 'hostkeyalgorithms', 'hostbasedacceptedkeytypes', 'pubkeyacceptedkeytypes']);
/** Keywords whose value is a time (sshd accepts 90, 90s, 2m, 1h...). */
export const TIME_KEYWORDS = new Set(['logingracetime', 'clientaliveinterval']);

export interface SshdLocation { file: string; line: number }

/** One keyword line of a configuration file. */
export interface SshdDirective extends SshdLocation {
  /** lower case */
  keyword: string;
  /** as written */
  written: string;
  args: string[];
}

export interface SshdMatchBlock extends SshdLocation {
  criteria: string;
  directives: SshdDirective[];
}

export type SshdValueSource = 'file' | 'default' | 'sshd -T';

export interface SshdSetting {
  /** as written in the file, or lower case as sshd -T and the defaults name it */
  keyword: string;
  /** the effective value: one word, the words of all lines for adding-up keywords, a comma list for algorithms */
  value: string;
  source: SshdValueSource;
  /** where the files set it (the line that decided; for adding-up keywords the first of them) */
  at?: SshdLocation;
  /** every line that contributed, for adding-up keywords */
  lines?: Array<SshdLocation & { value: string }>;
  /** lines that set the keyword too and were not used */
  ignored: Array<SshdLocation & { value: string }>;
  /** the value as written, when the effective value was derived from it (+/- algorithm lists) */
  written?: string;
  rule: 'first' | 'last' | 'all';
}

export interface SshdFileConfig {
  /** files read, in the order sshd reads them */
  files: string[];
  directives: SshdDirective[];
  settings: Map<string, SshdSetting>;
  matchBlocks: SshdMatchBlock[];
  /** Include lines seen (sshd before 8.2 refuses them) */
  includes: SshdLocation[];
  /** the OpenSSH release whose defaults and rules were applied */
  release: OpensshRelease;
}

export interface SshdConfig {
  method: 'sshd -T' | 'files';
  /** the OpenSSH release of the installed package (its defaults fill what the files leave unset) */
  release: OpensshRelease;
  /** one sentence on how the configuration was obtained */
  how: string;
  /** the command that printed it, when method is sshd -T */
  command?: string;
  files: string[];
  settings: Map<string, SshdSetting>;
  matchBlocks: SshdMatchBlock[];
}

// ---------------------------------------------------------------------------------------------------
// Parsing (pure)

/** Split a configuration line's arguments into words the way sshd does: whitespace, "double quotes". */
export function splitWords(rest: string, where: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < rest.length) {
    while (i < rest.length && /[ \t]/.test(rest[i])) i++;
    if (i >= rest.length) break;
    if (rest[i] === '"') {
      const end = rest.indexOf('"', i + 1);
      if (end < 0) throw new CheckError(`${where}: unterminated quote`);
      words.push(rest.slice(i + 1, end));
      i = end + 1;
    } else {
      let j = i;
      while (j < rest.length && !/[ \t]/.test(rest[j])) j++;
      words.push(rest.slice(i, j));
      i = j;
    }
  }
  return words;
}

/** Parse one file's lines into keyword directives; comments and blank lines are dropped. */
export function parseSshdLines(text: string, file: string): SshdDirective[] {
  const out: SshdDirective[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '').trim();
    if (l === '' || l.startsWith('#')) return;
    const where = `${file}:${i + 1}`;
    const m = /^([^\s=]+)(?:[ \t]*=[ \t]*|[ \t]+)?(.*)$/.exec(l);
    if (!m || !/^[A-Za-z][A-Za-z0-9]*$/.test(m[1])) throw new CheckError(`${where} is not a "Keyword value" line: ${l.slice(0, 80)}`);
    const keyword = m[1].toLowerCase();
    const args = splitWords(m[2], where);
    if (!args.length) throw new CheckError(`${where}: ${m[1]} has no value (sshd refuses the file)`);
    if (args.length > 1 && !MULTI_WORD.has(keyword) && KNOWN_KEYWORDS.has(keyword)) {
      throw new CheckError(`${where}: garbage at end of line after ${m[1]} ${args[0]} (sshd refuses the file)`);
    }
    out.push({ file, line: i + 1, keyword, written: m[1], args });
  });
  return out;
}

/** Names of the files an Include pattern refers to; relative patterns are under /etc/ssh. */
export function includePath(pattern: string): string {
  return pattern.startsWith('/') ? pattern : `${SSH_DIR}/${pattern}`;
}

/** Include patterns a file's text names (wherever they appear), for reading ahead. */
export function includePatterns(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const m = /^\s*include(?:\s*=\s*|\s+)(.*)$/i.exec(raw.replace(/\r$/, ''));
    if (m) out.push(...splitWords(m[1], 'Include').map(includePath));
  }
  return out;
}

/** Files an Include pattern matched, in name order, with their text. */
export type IncludeLookup = (pattern: string) => Array<{ path: string; text: string }>;

/**
 * Build the global configuration from the main file's text, following Include through `lookup`.
 * Keywords the files do not set get the defaults of `release` (source 'default'; OpenSSH 7.6 unless told).
 */
export function parseSshdConfig(mainText: string, lookup: IncludeLookup = () => [], mainFile = SSHD_CONFIG, release: OpensshRelease = DEFAULT_RELEASE): SshdFileConfig {
  const files: string[] = [];
  const global: SshdDirective[] = [];
  const matchBlocks: SshdMatchBlock[] = [];
  const includes: SshdLocation[] = [];

  const walk = (file: string, text: string, inMatch: SshdMatchBlock | null, depth: number) => {
    if (depth > MAX_INCLUDE_DEPTH) throw new CheckError(`${file}: Include nested more than ${MAX_INCLUDE_DEPTH} deep`);
    files.push(file);
    let block = inMatch;
    for (const d of parseSshdLines(text, file)) {
      if (d.keyword === 'match') {
        block = { file: d.file, line: d.line, criteria: d.args.join(' '), directives: [] };
        matchBlocks.push(block);
        continue;
      }
      if (d.keyword === 'include') {
        includes.push({ file: d.file, line: d.line });
        for (const pattern of d.args.map(includePath)) {
          for (const inc of lookup(pattern)) walk(inc.path, inc.text, block, depth + 1);
        }
        continue;
      }
      if (block) block.directives.push(d);
      else global.push(d);
    }
  };
  walk(mainFile, mainText, null, 0);
  return { files, directives: global, settings: settle(global, release), matchBlocks, includes, release };
}

/** Decide each keyword's effective value from the global directives, in reading order. */
export function settle(directives: SshdDirective[], release: OpensshRelease = DEFAULT_RELEASE): Map<string, SshdSetting> {
  const byKeyword = new Map<string, SshdDirective[]>();
  for (const d of directives) {
    const list = byKeyword.get(d.keyword) ?? [];
    list.push(d);
    byKeyword.set(d.keyword, list);
  }
  const settings = new Map<string, SshdSetting>();
  for (const [keyword, list] of byKeyword) {
    const text = (d: SshdDirective) => d.args.join(' ');
    if (ACCUMULATING.has(keyword)) {
      settings.set(keyword, {
        keyword: list[0].written, value: list.map(text).join(' '), source: 'file', rule: 'all',
        at: loc(list[0]), lines: list.map((d) => ({ ...loc(d), value: text(d) })), ignored: [],
      });
      continue;
    }
    const rule = LAST_WINS.has(keyword) ? 'last' : 'first';
    const used = rule === 'last' ? list[list.length - 1] : list[0];
    const setting: SshdSetting = {
      keyword: used.written, value: text(used), source: 'file', rule, at: loc(used),
      ignored: list.filter((d) => d !== used).map((d) => ({ ...loc(d), value: text(d) })),
    };
    if (ALGORITHM_LISTS.has(keyword) && /^[+-]/.test(setting.value)) {
      if (setting.value.startsWith('-') && !release.minusLists) {
        throw new CheckError(`${used.file}:${used.line}: ${used.written} ${setting.value}: OpenSSH ${release.release} does not accept a "-" list (7.5 and later do); sshd refuses this file`);
      }
      setting.written = setting.value;
      setting.value = resolveAlgorithms(setting.value, release.defaults[keyword] ?? '');
    }
    settings.set(keyword, setting);
  }
  for (const [keyword, value] of Object.entries(release.defaults)) {
    if (!settings.has(keyword)) settings.set(keyword, { keyword, value, source: 'default', rule: 'first', ignored: [] });
  }
  return settings;
}

const loc = (d: SshdDirective): SshdLocation => ({ file: d.file, line: d.line });

/** `+a,b` appends to the default list (skipping names already there); `-p,q` removes names matching the patterns. */
export function resolveAlgorithms(spec: string, defaults: string): string {
  const base = defaults.split(',').filter(Boolean);
  const names = spec.slice(1).split(',').filter(Boolean);
  if (spec.startsWith('+')) return [...base, ...names.filter((n) => !base.includes(n))].join(',');
  if (spec.startsWith('-')) {
    const patterns = names.map((p) => new RegExp(`^${p.replace(/[.+^${}()|\\[\]]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
    return base.filter((n) => !patterns.some((re) => re.test(n))).join(',');
  }
  return spec;
}

/**
 * Parse `sshd -T` output: one `keyword value` line per setting, adding-up keywords once per value.
 * Returns null when the output does not look like a configuration dump.
 */
export function parseSshdTestOutput(stdout: string): Map<string, string> | null {
  const values = new Map<string, string[]>();
  for (const raw of stdout.split('\n')) {
    const l = raw.replace(/\r$/, '').trim();
    if (!l) continue;
    const m = /^([a-z0-9]+)(?:\s+(.*))?$/.exec(l);
    if (!m) return null;
    const list = values.get(m[1]) ?? [];
    list.push(m[2] ?? '');
    values.set(m[1], list);
  }
  if (!values.has('permitrootlogin') || !values.has('loglevel')) return null;
  return new Map([...values].map(([k, v]) => [k, ACCUMULATING.has(k) ? v.join(' ') : v[0]]));
}

/**
 * Seconds in an sshd time value, as OpenSSH 7.4 and 7.6 compute them: a number with an optional unit
 * (s, m, h, d, w; any case), several of them added up. Both keep the previous unit for a later number
 * with `s` or none, so `1m30s` is 60 + 30*60 = 1860 seconds there (fixed in later releases).
 */
export function sshdSeconds(value: string): number {
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  if (!/^(\d+[smhdwSMHDW]?)+$/.test(value)) throw new CheckError(`"${value}" is not an sshd time value`);
  let total = 0;
  let multiplier = 1;
  for (const [, digits, unit] of value.matchAll(/(\d+)([smhdwSMHDW]?)/g)) {
    const u = unit.toLowerCase();
    if (u && u !== 's') multiplier = units[u];
    total += Number(digits) * multiplier;
  }
  return total;
}

export interface MaxStartups { start: number; rate: number; full: number }

/** `start:rate:full`, or one number n meaning n:30:n (sshd 7.4 and 7.6 keep the default rate). */
export function parseMaxStartups(value: string): MaxStartups {
  let m = /^(\d+):(\d+):(\d+)$/.exec(value);
  if (m) return { start: Number(m[1]), rate: Number(m[2]), full: Number(m[3]) };
  m = /^(\d+)$/.exec(value);
  if (m) return { start: Number(m[1]), rate: 30, full: Number(m[1]) };
  throw new CheckError(`"${value}" is not a MaxStartups value (start:rate:full)`);
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
  let pending = includePatterns(main);
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

function failureSummary(exitCode: number, stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const text = lines.join('; ') || 'no message';
  return `exit ${exitCode}: ${text.length > 300 ? `${text.slice(0, 300)}...` : text}`;
}

/** Build the effective configuration from sshd -T output, noting where the files set each value. */
export function fromSshdTest(values: Map<string, string>, files: SshdFileConfig | null): Map<string, SshdSetting> {
  const settings = new Map<string, SshdSetting>();
  for (const [keyword, value] of values) {
    const f = files?.settings.get(keyword);
    const fromFile = f && f.source === 'file' ? f : undefined;
    settings.set(keyword, {
      keyword, value, source: 'sshd -T', rule: fromFile?.rule ?? (ACCUMULATING.has(keyword) ? 'all' : LAST_WINS.has(keyword) ? 'last' : 'first'),
      at: fromFile?.at, lines: fromFile?.lines, ignored: fromFile?.ignored ?? [], written: fromFile?.value !== value ? fromFile?.value : undefined,
    });
  }
  return settings;
}

export const sshdEffectiveConfig = defineFact<SshdConfig>('sshd-effective-config', async ({ facts, target }) => {
  let why: string;
  if (target.canExecute) {
    let result;
    try {
      result = await facts.fileCommand('sshd -T', `PATH="$PATH:/usr/sbin:/sbin"; ${SSHD_TEST_COMMAND}`);
    } catch (e) {
      if (!(e instanceof NeedsLiveSystem)) throw e;
    }
    if (result && result.exitCode === 0) {
      const values = parseSshdTestOutput(result.stdout.toString('utf8'));
      if (values) {
        let files: SshdFileConfig | null = null;
        try { files = await facts.get(sshdConfigFiles); } catch { /* the daemon's own answer stands */ }
        let release: OpensshRelease;
        try { release = await facts.get(opensshServerRelease); } catch { release = DEFAULT_RELEASE; }
        return {
          method: 'sshd -T',
          release,
          how: 'the SSH daemon printed the configuration it applies, with Match blocks evaluated for root connecting from localhost',
          command: SSHD_TEST_COMMAND,
          files: files?.files ?? [],
          settings: fromSshdTest(values, files),
          matchBlocks: files?.matchBlocks ?? [],
        };
      }
      why = `${SSHD_TEST_COMMAND} printed no configuration`;
    } else if (result) {
      why = `${SSHD_TEST_COMMAND} failed (${failureSummary(result.exitCode, result.stderr)})`;
    } else {
      why = 'offline root filesystem: sshd cannot run';
    }
  } else {
    why = 'offline root filesystem: sshd cannot run';
  }
  const parsed = await facts.get(sshdConfigFiles);
  const r = parsed.release.release;
  const includeNote = parsed.includes.length ? `; Include lines followed (OpenSSH ${r} itself rejects Include)` : '';
  return {
    method: 'files',
    release: parsed.release,
    how: `${why}; read ${parsed.files.join(', ')} as OpenSSH ${r} does (first value wins, Match blocks not applied), `
      + `keywords not set there take ${r}'s compiled-in defaults (${parsed.release.chosen})${includeNote}`,
    files: parsed.files,
    settings: parsed.settings,
    matchBlocks: parsed.matchBlocks,
  };
});

/** SSH host key files in /etc/ssh (ssh_host_*), stat'ed only: their content is never read. */
export const sshHostKeyFiles = defineFact<FileStat[]>('ssh-host-key-files', async ({ facts, target }) => {
  const names = await target.list(SSH_DIR);
  if (!names) return [];
  const paths = names.filter((n) => n.startsWith('ssh_host_')).sort().map((n) => `${SSH_DIR}/${n}`);
  const stats = await facts.stat(paths);
  return paths.map((p) => stats.get(p)).filter((s): s is FileStat => !!s && s.type === 'f');
});

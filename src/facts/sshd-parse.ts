/**
 * sshd_config read line by line as OpenSSH 7.4 and 7.6 read it (pure functions of the text). What the
 * fixture's sshd 7.6p1 was seen to do, and what this follows:
 * - A `#` anywhere ends the line (even inside quotes). Words are split at spaces, tabs and carriage
 *   returns; one `=` may stand between the keyword and its value (`Keyword=value`, `Keyword = value`), and
 *   `=` splits later words too; a double quote groups words (`"a b"`), an unterminated one ends the line.
 * - Keywords are case-insensitive. An unknown keyword, a missing value, a second word after a one-word
 *   value ("garbage at end of line"), an invalid value (`yes`/`no` flags are case-sensitive; PermitRootLogin,
 *   AllowTcpForwarding and LogLevel are not; times like `5x`; unknown algorithm names; a `^` list), a
 *   keyword sshd does not allow inside a Match block, or a bad Match line each make sshd refuse the whole
 *   file: it does not start. Such a file is a CheckError naming the line, never parsed around.
 * - Numbers are read with C's atoi: `four` is 0 and `4x` is 4, as sshd -T prints them.
 */
import { CheckError } from '../model/verdict.js';
import { DEFAULT_RELEASE, type OpensshRelease } from './sshd-defaults.js';

export interface SshdLocation { file: string; line: number }

/** One keyword line of a configuration file. */
export interface SshdDirective extends SshdLocation {
  /** lower case */
  keyword: string;
  /** as written */
  written: string;
  args: string[];
  /** the value as sshd reads it: lower case for multi-state keywords, upper case for LogLevel, atoi for numbers */
  value: string;
  /** reading order over all files (set by parseSshdFiles) */
  seq?: number;
}

/** One condition of a Match line: `User alice,bob`, `Address 10.0.0.0/8`... (attribute in lower case). */
export interface SshdMatchCriterion { attribute: 'user' | 'group' | 'host' | 'address' | 'localaddress' | 'localport'; patterns: string }

export interface SshdMatchBlock extends SshdLocation {
  /** the criteria as written */
  criteria: string;
  /** null for `Match all` */
  conditions: SshdMatchCriterion[] | null;
  directives: SshdDirective[];
}

/** Keywords whose lines add up instead of the first one winning. */
export const ACCUMULATING = new Set(['allowusers', 'denyusers', 'allowgroups', 'denygroups', 'acceptenv', 'hostkey', 'port',
  'listenaddress', 'subsystem', 'hostcertificate']);
/** Keywords for which sshd 7.4 and 7.6 keep the last line they read. */
export const LAST_WINS = new Set(['maxstartups', 'ipqos']);
/** Keywords taking several words on one line (every other known keyword takes exactly one). */
export const MULTI_WORD = new Set([...ACCUMULATING, 'authorizedkeysfile', 'authenticationmethods', 'permitopen', 'ipqos',
  'rekeylimit', 'forcecommand', 'versionaddendum', 'authorizedkeyscommand', 'authorizedprincipalscommand', 'include', 'match']);
/** Algorithm lists that accept +name (append) and -pattern (remove) against the default. */
export const ALGORITHM_LISTS = new Set(['ciphers', 'macs', 'kexalgorithms', 'hostkeyalgorithms', 'hostbasedacceptedkeytypes', 'pubkeyacceptedkeytypes']);
/** Keywords whose value is a time (sshd accepts 90, 90s, 2m, 1h...). */
export const TIME_KEYWORDS = new Set(['logingracetime', 'clientaliveinterval']);
/** Keywords sshd 7.6 accepts inside a Match block (probed on the fixture's sshd); the rest make it refuse the file. */
export const MATCH_KEYWORDS = new Set(['acceptenv', 'allowagentforwarding', 'allowgroups', 'allowstreamlocalforwarding', 'allowtcpforwarding',
  'allowusers', 'authenticationmethods', 'authorizedkeyscommand', 'authorizedkeyscommanduser', 'authorizedkeysfile',
  'authorizedprincipalscommand', 'authorizedprincipalscommanduser', 'authorizedprincipalsfile', 'banner', 'chrootdirectory',
  'clientalivecountmax', 'clientaliveinterval', 'denygroups', 'denyusers', 'disableforwarding', 'exposeauthinfo', 'forcecommand',
  'gatewayports', 'gssapiauthentication', 'hostbasedacceptedkeytypes', 'hostbasedauthentication', 'hostbasedusesnamefrompacketonly',
  'ipqos', 'kbdinteractiveauthentication', 'kerberosauthentication', 'loglevel', 'maxauthtries', 'maxsessions', 'passwordauthentication',
  'permitemptypasswords', 'permitopen', 'permitrootlogin', 'permittty', 'permittunnel', 'permituserrc', 'pubkeyacceptedkeytypes',
  'pubkeyauthentication', 'rekeylimit', 'revokedkeys', 'streamlocalbindmask', 'streamlocalbindunlink', 'trustedusercakeys',
  'x11displayoffset', 'x11forwarding', 'x11uselocalhost', 'match']);
/** yes/no keywords: sshd compares the value case-sensitively ("YES" makes it refuse the file). */
export const FLAGS = new Set(['passwordauthentication', 'permitemptypasswords', 'x11forwarding', 'x11uselocalhost', 'ignorerhosts',
  'ignoreuserknownhosts', 'hostbasedauthentication', 'hostbasedusesnamefrompacketonly', 'usepam', 'permituserenvironment',
  'pubkeyauthentication', 'kerberosauthentication', 'kerberosorlocalpasswd', 'kerberosticketcleanup', 'gssapiauthentication',
  'gssapicleanupcredentials', 'gssapistrictacceptorcheck', 'challengeresponseauthentication', 'kbdinteractiveauthentication',
  'printmotd', 'printlastlog', 'strictmodes', 'tcpkeepalive', 'usedns', 'permittty', 'permituserrc', 'allowagentforwarding',
  'disableforwarding', 'streamlocalbindunlink', 'exposeauthinfo']);
/** Keywords with named states, compared case-insensitively. */
export const MULTI_STATE: Readonly<Record<string, readonly string[]>> = {
  permitrootlogin: ['without-password', 'prohibit-password', 'forced-commands-only', 'yes', 'no'],
  allowtcpforwarding: ['yes', 'all', 'no', 'local', 'remote'],
  allowstreamlocalforwarding: ['yes', 'all', 'no', 'local', 'remote'],
  gatewayports: ['clientspecified', 'yes', 'no'],
  compression: ['yes', 'delayed', 'no'],
  permittunnel: ['yes', 'point-to-point', 'ethernet', 'no'],
  addressfamily: ['inet', 'inet6', 'any'],
};
/** Names of the same state, as sshd -T prints them (PermitRootLogin keeps prohibit-password, the name 7.6 documents). */
const STATE_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  allowtcpforwarding: { all: 'yes' },
  allowstreamlocalforwarding: { all: 'yes' },
  compression: { delayed: 'yes' },
};
export const LOG_LEVELS = ['QUIET', 'FATAL', 'ERROR', 'INFO', 'VERBOSE', 'DEBUG', 'DEBUG1', 'DEBUG2', 'DEBUG3'];
/** Whole-number keywords, read with atoi. */
export const INTEGERS = new Set(['maxauthtries', 'maxsessions', 'clientalivecountmax', 'x11displayoffset']);
const MATCH_ATTRIBUTES = new Set(['user', 'group', 'host', 'address', 'localaddress', 'localport']);
const MAX_INCLUDE_DEPTH = 16;
export const SSH_DIR = '/etc/ssh';
export const SSHD_CONFIG = '/etc/ssh/sshd_config';

const WS = ' \t\r\n';

/**
 * The words of one line after its keyword, as sshd's word splitter returns them: stops at the end of the
 * line or at an unterminated quote; an empty word is possible ("Keyword = = value").
 */
export function sshdWords(line: string): string[] {
  const words: string[] = [];
  let pos: number | null = 0;
  const t = line;
  while (pos !== null) {
    const i: number = pos;
    let j = i;
    while (j < t.length && !WS.includes(t[j]) && t[j] !== '"' && t[j] !== '=') j++;
    if (j >= t.length) { words.push(t.slice(i)); pos = null; break; }
    if (t[j] === '"') {
      const k = t.indexOf('"', j + 1);
      if (k < 0) break; // no matching quote: the line ends here
      words.push(t.slice(i, j) + t.slice(j + 1, k));
      let m = k + 1;
      while (m < t.length && WS.includes(t[m])) m++;
      pos = m;
      continue;
    }
    const equals = t[j] === '=';
    words.push(t.slice(i, j));
    let m = j + 1;
    while (m < t.length && WS.includes(t[m])) m++;
    if (t[m] === '=' && !equals) { m++; while (m < t.length && WS.includes(t[m])) m++; }
    pos = m;
  }
  return words;
}

/** The usable arguments: words up to the first empty one. */
function argumentsOf(words: string[]): string[] {
  const end = words.indexOf('');
  return end < 0 ? words : words.slice(0, end);
}

/** C's atoi: optional blanks and sign, then digits; anything else stops it (no digits: 0). */
export function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1], 10) : 0;
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

const refuse = (where: string, what: string) => new CheckError(`${where}: ${what} (sshd refuses the file and does not start)`);

/** The value sshd reads from a keyword's arguments, or a CheckError for a value it refuses. */
export function valueOf(keyword: string, written: string, args: string[], where: string, release: OpensshRelease): string {
  const v = args[0];
  if (FLAGS.has(keyword)) {
    if (v !== 'yes' && v !== 'no') throw refuse(where, `${written} ${v}: sshd accepts only "yes" or "no", in lower case`);
    return v;
  }
  const states = MULTI_STATE[keyword];
  if (states) {
    if (!states.includes(v.toLowerCase())) throw refuse(where, `${written} ${v}: not one of ${states.join(', ')}`);
    return STATE_ALIASES[keyword]?.[v.toLowerCase()] ?? v.toLowerCase();
  }
  if (keyword === 'loglevel') {
    if (!LOG_LEVELS.includes(v.toUpperCase())) throw refuse(where, `${written} ${v}: not a log level`);
    return v.toUpperCase();
  }
  if (INTEGERS.has(keyword)) return String(atoi(v));
  if (TIME_KEYWORDS.has(keyword)) {
    try { sshdSeconds(v); } catch { throw refuse(where, `${written} ${v}: not a time value`); }
    return v;
  }
  if (keyword === 'banner') return v.toLowerCase() === 'none' ? 'none' : v;
  const valid = release.algorithms[keyword];
  if (ALGORITHM_LISTS.has(keyword) && valid) {
    if (v.startsWith('^')) throw refuse(where, `${written} ${v}: OpenSSH ${release.release} has no "^" (prepend) lists`);
    if (v.startsWith('-')) {
      if (!release.minusLists) throw refuse(where, `${written} ${v}: OpenSSH ${release.release} does not accept a "-" list (7.5 and later do)`);
      return v;
    }
    const bad = (v.startsWith('+') ? v.slice(1) : v).split(',').filter((n) => !valid.has(n));
    if (bad.length) throw refuse(where, `${written} ${v}: OpenSSH ${release.release} does not know ${bad.map((b) => `"${b}"`).join(', ')}`);
    return v;
  }
  return args.join(' ');
}

/** The conditions of a Match line, or a CheckError for one sshd refuses. */
export function parseMatchCriteria(args: string[], where: string): SshdMatchCriterion[] | null {
  if (!args.length) throw refuse(where, 'Match without criteria');
  if (args[0].toLowerCase() === 'all') {
    if (args.length > 1) throw refuse(where, 'Match all cannot be combined with other criteria');
    return null;
  }
  const out: SshdMatchCriterion[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const attribute = args[i].toLowerCase();
    if (attribute === 'all') throw refuse(where, 'Match all cannot be combined with other criteria');
    if (!MATCH_ATTRIBUTES.has(attribute)) throw refuse(where, `Match ${args[i]}: not a Match criterion`);
    const patterns = args[i + 1];
    if (patterns === undefined || patterns === '') throw refuse(where, `Match ${args[i]} has no value`);
    if (attribute === 'localport' && !/^\d+$/.test(patterns)) throw refuse(where, `Match LocalPort ${patterns}: not a port number`);
    out.push({ attribute: attribute as SshdMatchCriterion['attribute'], patterns });
  }
  return out;
}

/** Parse one file's lines into keyword directives; comments and blank lines are dropped. */
export function parseSshdLines(text: string, file: string, release: OpensshRelease = DEFAULT_RELEASE): SshdDirective[] {
  const out: SshdDirective[] = [];
  text.split('\n').forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const line = (hash < 0 ? raw : raw.slice(0, hash)).replace(/[ \t\r\n\f]+$/, '');
    let words = sshdWords(line);
    if (words[0] === '') words = words.slice(1);
    if (!words.length || words[0] === '') return;
    const where = `${file}:${i + 1}`;
    const written = words[0];
    const keyword = written.toLowerCase();
    if (!release.keywords.has(keyword)) {
      throw refuse(where, keyword === 'include'
        ? `Include is not known to OpenSSH ${release.release} (it came with 8.2)`
        : `${written} is not a keyword OpenSSH ${release.release} knows`);
    }
    const rest = words.slice(1);
    const args = argumentsOf(rest);
    if (!args.length && keyword !== 'match') throw refuse(where, `${written} has no value`);
    if (args.length > 1 && !MULTI_WORD.has(keyword)) throw refuse(where, `garbage at end of line after ${written} ${args[0]}`);
    const value = keyword === 'match' ? args.join(' ') : valueOf(keyword, written, args, where, release);
    out.push({ file, line: i + 1, keyword, written, args, value });
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
    if (m) out.push(...argumentsOf(sshdWords(m[1].replace(/#.*$/, ''))).map(includePath));
  }
  return out;
}

/** Files an Include pattern matched, in name order, with their text. */
export type IncludeLookup = (pattern: string) => Array<{ path: string; text: string }>;

/** The files in reading order, the directives outside Match blocks, and the Match blocks. */
export interface SshdParsedFiles {
  files: string[];
  directives: SshdDirective[];
  matchBlocks: SshdMatchBlock[];
  /** Include lines seen (only releases that know Include get this far) */
  includes: SshdLocation[];
  release: OpensshRelease;
}

/**
 * Read the main file, following Include through `lookup` for releases that know it, into global
 * directives and Match blocks; refuse what sshd refuses (a keyword not allowed in a Match block included).
 */
export function parseSshdFiles(mainText: string, lookup: IncludeLookup = () => [], mainFile = SSHD_CONFIG, release: OpensshRelease = DEFAULT_RELEASE): SshdParsedFiles {
  const files: string[] = [];
  const global: SshdDirective[] = [];
  const matchBlocks: SshdMatchBlock[] = [];
  const includes: SshdLocation[] = [];
  let seq = 0;
  const walk = (file: string, text: string, inMatch: SshdMatchBlock | null, depth: number) => {
    if (depth > MAX_INCLUDE_DEPTH) throw new CheckError(`${file}: Include nested more than ${MAX_INCLUDE_DEPTH} deep`);
    files.push(file);
    let block = inMatch;
    for (const d of parseSshdLines(text, file, release)) {
      d.seq = seq++;
      if (d.keyword === 'match') {
        block = { file: d.file, line: d.line, criteria: d.args.join(' '), conditions: parseMatchCriteria(d.args, `${d.file}:${d.line}`), directives: [] };
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
      if (block) {
        if (block.conditions !== null && !MATCH_KEYWORDS.has(d.keyword)) {
          throw refuse(`${d.file}:${d.line}`, `${d.written} is not allowed within a Match block (the block at line ${block.line})`);
        }
        block.directives.push(d);
      } else {
        global.push(d);
      }
    }
  };
  walk(mainFile, mainText, null, 0);
  return { files, directives: global, matchBlocks, includes, release };
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

export interface MaxStartups { start: number; rate: number; full: number }

/** `start:rate:full`, or one number n meaning n:30:n (sshd 7.4 and 7.6 keep the default rate). */
export function parseMaxStartups(value: string): MaxStartups {
  let m = /^(\d+):(\d+):(\d+)$/.exec(value);
  if (m) return { start: Number(m[1]), rate: Number(m[2]), full: Number(m[3]) };
  m = /^(\d+)$/.exec(value);
  if (m) return { start: Number(m[1]), rate: 30, full: Number(m[1]) };
  throw new CheckError(`"${value}" is not a MaxStartups value (start:rate:full)`);
}

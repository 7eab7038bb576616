/**
 * Password quality settings as libpwquality reads them (1.4.0 on Ubuntu 18.04), checked against the real
 * library by test/differential/pam.test.ts:
 * - the files of /etc/security/pwquality.conf.d whose names end in ".conf", in byte order of their names,
 *   then /etc/security/pwquality.conf; a later setting wins. (1.2.3, ACL2's version, predates the
 *   directory: its steps read the file alone.)
 * - a line: everything from `#` on is a comment; `name value`, `name = value` or `name=value`; names
 *   without case; integers in decimal strictly between the limits of an int; minlen below 6 counts as 6, minclass
 *   above 4 as 4.
 * - the first line the library cannot take (an unknown name, a value that is not an integer) ends the
 *   reading: what came before counts, nothing after it, not even the other files. pam_pwquality goes on
 *   with that.
 * pam_pwquality takes the same names as module arguments, which override the files (pam-args.ts).
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const PWQUALITY_CONF = '/etc/security/pwquality.conf';
export const PWQUALITY_DIR = '/etc/security/pwquality.conf.d';

/** The integer settings of libpwquality 1.4.0, with their compiled-in defaults (as the library reports them). */
export const PWQUALITY_INT_DEFAULTS: Record<string, number> = {
  difok: 1, minlen: 8, dcredit: 0, ucredit: 0, lcredit: 0, ocredit: 0, minclass: 0, maxrepeat: 0, maxclassrepeat: 0,
  maxsequence: 0, gecoscheck: 0, dictcheck: 1, usercheck: 1, enforcing: 1,
};
export const PWQUALITY_STRING_SETTINGS = ['badwords', 'dictpath'];
export const PWQUALITY_MIN_LENGTH_FLOOR = 6;

export interface PwqualitySetting { name: string; value: string; file: string; line: number }
export interface PwqualityStop { file: string; line: number; text: string; reason: string }

/** The value a setting takes, or why the library refuses it. Names are in lower case. */
export function pwqualityValue(name: string, raw: string): { value: number | string } | { error: string } {
  const n = name.toLowerCase();
  if (PWQUALITY_STRING_SETTINGS.includes(n)) return { value: raw };
  if (!(n in PWQUALITY_INT_DEFAULTS)) return { error: `"${name}" is not a setting libpwquality knows` };
  if (!/^[+-]?\d+$/.test(raw)) return { error: `"${raw}" is not a decimal integer` };
  const v = Number(raw);
  if (v >= 2147483647 || v <= -2147483648) return { error: `${raw} is out of range` };
  if (n === 'minlen' && v < PWQUALITY_MIN_LENGTH_FLOOR) return { value: PWQUALITY_MIN_LENGTH_FLOOR };
  if (n === 'minclass' && v > 4) return { value: 4 };
  return { value: v };
}

/** One line split as libpwquality splits it; null for a blank or comment line. */
export function pwqualityLine(raw: string): { name: string; value: string } | null {
  const body = raw.replace(/#.*$/, '').trim();
  if (!body) return null;
  const m = /^([^\s=]*)([\s=]?)(.*)$/.exec(body)!;
  let rest = m[3];
  if (m[2] === '=') rest = rest.replace(/^\s+/, '');
  else rest = rest.replace(/^\s*=?\s*/, '');
  return { name: m[1], value: rest };
}

export interface PwqualityRead {
  /** the winning line per setting (names in lower case) */
  settings: Map<string, PwqualitySetting>;
  /** the line at which the library stopped reading */
  stopped?: PwqualityStop;
  /** the files read, in order */
  files: string[];
}

/** Read files in the library's order; a line it cannot take ends the reading. */
export function readPwqualityFiles(files: Array<{ path: string; text: string }>): PwqualityRead {
  const settings = new Map<string, PwqualitySetting>();
  const read: string[] = [];
  for (const { path, text } of files) {
    read.push(path);
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = pwqualityLine(lines[i]);
      if (!l) continue;
      const v = pwqualityValue(l.name, l.value);
      if ('error' in v) return { settings, files: read, stopped: { file: path, line: i + 1, text: lines[i].trim(), reason: v.error } };
      const name = l.name.toLowerCase();
      settings.set(name, { name, value: String(v.value), file: path, line: i + 1 });
    }
  }
  return { settings, files: read };
}

/** The settings of one file (what the library takes from it before a line it refuses). */
export function parsePwqualityConf(text: string, file = PWQUALITY_CONF): Map<string, PwqualitySetting> {
  return readPwqualityFiles([{ path: file, text }]).settings;
}

/** The order libpwquality reads the directory in: names ending in ".conf", sorted by bytes. */
export function pwqualityDirOrder(names: string[]): string[] {
  return names.filter((n) => n.endsWith('.conf')).sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0));
}

export interface PwqualityConf {
  file: string;
  exists: boolean;
  /** the files of pwquality.conf.d the library reads, in its order */
  dirFiles: string[];
  /** the directory then the file (libpwquality 1.4) */
  withDir: PwqualityRead;
  /** the file alone (libpwquality 1.2) */
  fileOnly: PwqualityRead;
}

/** What the library takes from the directory's files (any names, any order) and the file (null: missing). */
export function pwqualityFromFiles(dir: Array<{ path: string; text: string }>, text: string | null): PwqualityConf {
  const order = pwqualityDirOrder(dir.map((d) => d.path.slice(d.path.lastIndexOf('/') + 1)));
  const dirFiles = order.map((n) => dir.find((d) => d.path === `${PWQUALITY_DIR}/${n}`)!);
  const main = text === null ? [] : [{ path: PWQUALITY_CONF, text }];
  return {
    file: PWQUALITY_CONF,
    exists: text !== null,
    dirFiles: dirFiles.map((d) => d.path),
    withDir: readPwqualityFiles([...dirFiles, ...main]),
    fileOnly: readPwqualityFiles(main),
  };
}

export const pwqualityConf = defineFact<PwqualityConf>('pwquality-conf', async ({ facts }) => {
  const text = await facts.text(PWQUALITY_CONF);
  const dir: Array<{ path: string; text: string }> = [];
  for (const r of await facts.readMany([`${PWQUALITY_DIR}/*.conf`])) {
    if (r.state === 'file') dir.push({ path: r.path, text: r.content.toString('utf8') });
    else if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
  }
  return pwqualityFromFiles(dir, text);
}, [PWQUALITY_CONF, `${PWQUALITY_DIR}/*.conf`]);

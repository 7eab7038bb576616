/**
 * The shadow password suite's defaults: /etc/login.defs (`NAME value` lines, read by login, useradd,
 * passwd, pam_umask...) and /etc/default/useradd (`NAME=value` lines, what `useradd -D` prints). For
 * both a later line for a name wins, as the shadow tools read them.
 */
import { defineFact } from './store.js';

export const LOGIN_DEFS = '/etc/login.defs';
export const USERADD_DEFAULTS = '/etc/default/useradd';

export interface DefsSetting { name: string; value: string; file: string; line: number }

export interface DefsFile {
  file: string;
  exists: boolean;
  settings: Map<string, DefsSetting>;
}

/**
 * login.defs as shadow's getdef.c (4.5) reads it: the line's white space at both ends is dropped, a line
 * starting with "#" is a comment; the name runs to the first blank or tab; then blanks, tabs and quotes are
 * skipped and the value runs to the next quote (so `30 "x` gives "30 ", which is not a number to shadow).
 * A name alone on a line is skipped (`NAME ""` sets the empty value, which is not a number). Names are
 * case-sensitive and the last line for a name wins, even when its value is not a number (the tool then
 * uses its built-in value, not an earlier line's).
 */
export function parseLoginDefs(text: string, file = LOGIN_DEFS): Map<string, DefsSetting> {
  const settings = new Map<string, DefsSetting>();
  text.split('\n').forEach((raw, i) => {
    const body = raw.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
    if (!body || body.startsWith('#')) return;
    const m = /^([^ \t]+)[ \t]([\s\S]*)$/.exec(body);
    if (!m) return;
    const value = m[2].replace(/^[ \t"]+/, '').split('"')[0];
    settings.set(m[1], { name: m[1], value, file, line: i + 1 });
  });
  return settings;
}

/**
 * /etc/default/useradd as useradd reads it: a line counts when it starts with NAME= in the first column;
 * the value is the rest of the line, untrimmed (useradd rejects "30 " as a number, and so do the steps).
 */
export function parseUseraddDefaults(text: string, file = USERADD_DEFAULTS): Map<string, DefsSetting> {
  const settings = new Map<string, DefsSetting>();
  text.split('\n').forEach((raw, i) => {
    const m = /^([A-Z_]+)=(.*)$/.exec(raw.replace(/\r$/, ''));
    if (m) settings.set(m[1], { name: m[1], value: m[2], file, line: i + 1 });
  });
  return settings;
}

/**
 * A number as shadow's getlong reads it (strtol, base 0: 0x.. hex, 0.. octal, leading white space
 * allowed, nothing after the digits); null when it is not one. login.defs numbers go through getdef_num,
 * which also refuses what does not fit in an int; `range: 'long'` is for /etc/default/useradd (getlong).
 */
export function shadowNumber(value: string, range: 'int' | 'long' = 'int'): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(value);
  if (!m) return null;
  const digits = m[2] !== undefined ? `0x${m[2]}` : m[3] !== undefined ? `0o${m[3].slice(1) || '0'}` : m[4];
  const big = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  const limit = range === 'int' ? 2n ** 31n : 2n ** 63n;
  if (big < -limit || big >= limit) return null;
  return Number(big);
}

/** Built-in values the shadow tools of Ubuntu 18.04 (shadow 4.5) use when a name is not set. */
export const LOGIN_DEFS_DEFAULTS: Record<string, string> = {
  PASS_MIN_DAYS: '-1', PASS_MAX_DAYS: '-1', PASS_WARN_AGE: '-1', UID_MIN: '1000', UMASK: '022', USERGROUPS_ENAB: 'no',
};
export const USERADD_BUILTIN_DEFAULTS: Record<string, string> = { INACTIVE: '-1', EXPIRE: '', SHELL: '', GROUP: '100', HOME: '/home' };

export const loginDefs = defineFact<DefsFile>('login-defs', async ({ facts }) => {
  const text = await facts.text(LOGIN_DEFS);
  return { file: LOGIN_DEFS, exists: text !== null, settings: text === null ? new Map() : parseLoginDefs(text) };
}, [LOGIN_DEFS]);

export const useraddDefaults = defineFact<DefsFile>('useradd-defaults', async ({ facts }) => {
  const text = await facts.text(USERADD_DEFAULTS);
  return { file: USERADD_DEFAULTS, exists: text !== null, settings: text === null ? new Map() : parseUseraddDefaults(text) };
}, [USERADD_DEFAULTS]);

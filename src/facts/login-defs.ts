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
 * login.defs as shadow's getdef.c reads it: a name, blanks, a value; leading quotes are dropped and the
 * value ends at the next quote; a line with a name alone is skipped; "#" starts a comment line.
 */
export function parseLoginDefs(text: string, file = LOGIN_DEFS): Map<string, DefsSetting> {
  const settings = new Map<string, DefsSetting>();
  text.split('\n').forEach((raw, i) => {
    const body = raw.trim();
    if (!body || body.startsWith('#')) return;
    const m = /^(\S+)[ \t]+(.*)$/.exec(body);
    if (!m) return;
    const value = m[2].replace(/^[\s"]+/, '').split('"')[0].trim();
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

/** A number as shadow's getlong reads it (strtol, base 0: 0x.. hex, 0.. octal); null when it is not one. */
export function shadowNumber(value: string): number | null {
  const v = value.trim();
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(v)) return Number.parseInt(v, 16);
  if (/^[+-]?0[0-7]+$/.test(v)) return Number.parseInt(v, 8);
  if (/^[+-]?\d+$/.test(v)) return Number.parseInt(v, 10);
  return null;
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

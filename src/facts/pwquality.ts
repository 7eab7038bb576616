/**
 * Password quality settings of libpwquality, read from /etc/security/pwquality.conf: `name = value`
 * lines (a name alone is a flag such as enforce_for_root), `#` comments; a later line for a name wins.
 * pam_pwquality takes the same names as module arguments, which override the file; the steps combine
 * the two (see steps/pam.ts).
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const PWQUALITY_CONF = '/etc/security/pwquality.conf';

export interface PwqualitySetting { name: string; value: string; file: string; line: number }

export interface PwqualityConf {
  file: string;
  exists: boolean;
  /** the winning line per name */
  settings: Map<string, PwqualitySetting>;
}

export function parsePwqualityConf(text: string, file = PWQUALITY_CONF): Map<string, PwqualitySetting> {
  const settings = new Map<string, PwqualitySetting>();
  text.split('\n').forEach((raw, i) => {
    const body = raw.replace(/#.*$/, '').trim();
    if (!body) return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*(.*))?$/.exec(body);
    if (!m) throw new CheckError(`${file}:${i + 1} "${body}" is not a "name = value" setting`);
    settings.set(m[1], { name: m[1], value: (m[2] ?? '').trim(), file, line: i + 1 });
  });
  return settings;
}

export const pwqualityConf = defineFact<PwqualityConf>('pwquality-conf', async ({ facts }) => {
  const text = await facts.text(PWQUALITY_CONF);
  return { file: PWQUALITY_CONF, exists: text !== null, settings: text === null ? new Map() : parsePwqualityConf(text) };
}, [PWQUALITY_CONF]);

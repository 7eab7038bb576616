/**
 * The audit daemon's configuration, /etc/audit/auditd.conf: `keyword = value` lines, `#` comments.
 * auditd reads the file top to bottom, so a keyword given twice takes the later value; keywords and
 * option values are compared without regard to case, as auditd does.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const AUDITD_CONF = '/etc/audit/auditd.conf';

export interface AuditdSetting { keyword: string; value: string; file: string; line: number }

export interface AuditdConfig {
  file: string;
  exists: boolean;
  /** every setting line, in order */
  lines: AuditdSetting[];
  /** the value auditd uses, by lower-case keyword (the last line wins) */
  settings: Map<string, AuditdSetting>;
}

export function parseAuditdConf(text: string, file = AUDITD_CONF): AuditdConfig {
  const lines: AuditdSetting[] = [];
  const settings = new Map<string, AuditdSetting>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) throw new CheckError(`${file}:${i + 1} is not a "keyword = value" line: ${line.slice(0, 120)}`);
    const s = { keyword: m[1], value: m[2], file, line: i + 1 };
    lines.push(s);
    settings.set(m[1].toLowerCase(), s);
  });
  return { file, exists: true, lines, settings };
}

export const auditdConfig = defineFact<AuditdConfig>('auditd-config', async ({ facts }) => {
  const text = await facts.text(AUDITD_CONF);
  if (text === null) return { file: AUDITD_CONF, exists: false, lines: [], settings: new Map() };
  return parseAuditdConf(text);
}, [AUDITD_CONF]);

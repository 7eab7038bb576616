/**
 * Resource limits pam_limits applies at login: /etc/security/limits.conf, then the files of
 * /etc/security/limits.d in name order. pam_limits reads only the *.conf files of limits.d; other files
 * there are listed as not read. Each line is `<domain> <type> <item> <value>`; `#` starts a comment;
 * a line pam_limits cannot use is skipped by it and listed here with the reason.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const LIMITS_CONF = '/etc/security/limits.conf';
export const LIMITS_DIR = '/etc/security/limits.d';
const GLOBS = [LIMITS_CONF, `${LIMITS_DIR}/*`];

export interface LimitEntry {
  file: string;
  line: number;
  domain: string;
  /** soft, hard, or - for both */
  type: string;
  item: string;
  value: string;
}

export interface ResourceLimits {
  /** files pam_limits reads, in its order */
  files: string[];
  entries: LimitEntry[];
  /** files and lines pam_limits does not use, with the reason */
  ignored: Array<{ where: string; reason: string }>;
}

const TYPES = new Set(['soft', 'hard', '-']);

export function parseLimits(text: string, file: string): { entries: LimitEntry[]; ignored: Array<{ where: string; reason: string }> } {
  const entries: LimitEntry[] = [];
  const ignored: Array<{ where: string; reason: string }> = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const words = line.split(/\s+/);
    const where = `${file}:${i + 1}`;
    if (words.length !== 4) { ignored.push({ where, reason: `${words.length} fields, pam_limits needs 4` }); return; }
    const [domain, type, item, value] = words;
    if (!TYPES.has(type)) { ignored.push({ where, reason: `unknown limit type ${type}` }); return; }
    entries.push({ file, line: i + 1, domain, type, item: item.toLowerCase(), value: value.toLowerCase() });
  });
  return { entries, ignored };
}

export const resourceLimits = defineFact<ResourceLimits>('resource-limits', async ({ facts }) => {
  const files: string[] = [];
  const entries: LimitEntry[] = [];
  const ignored: Array<{ where: string; reason: string }> = [];
  const reads = await facts.readMany(GLOBS);
  const ordered = [...reads.filter((r) => r.path === LIMITS_CONF), ...reads.filter((r) => r.path !== LIMITS_CONF).sort((a, b) => (a.path < b.path ? -1 : 1))];
  for (const r of ordered) {
    if (r.path === GLOBS[1] || r.state === 'missing' || r.state === 'directory') continue;
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    if (r.path !== LIMITS_CONF && !r.path.endsWith('.conf')) { ignored.push({ where: r.path, reason: 'pam_limits reads only *.conf files in limits.d' }); continue; }
    files.push(r.path);
    const parsed = parseLimits(r.content.toString('utf8'), r.path);
    entries.push(...parsed.entries);
    ignored.push(...parsed.ignored);
  }
  return { files, entries, ignored };
}, GLOBS);

/**
 * The texts shown around a login: /etc/motd (after login), /etc/issue (before a local login) and
 * /etc/issue.net (before a remote login, when the SSH or telnet server is told to show it), and the
 * scripts in /etc/update-motd.d that pam_motd runs to build the dynamic part of the message of the day.
 * `disclosures` finds what the benchmark does not want in them: getty's escape sequences for the
 * machine (\m), the kernel release (\r), the system name (\s) and the kernel version (\v), and the
 * operating system's name.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const BANNER_FILES = ['/etc/motd', '/etc/issue', '/etc/issue.net'] as const;
const UPDATE_MOTD_GLOB = '/etc/update-motd.d/*';

export interface Banner {
  path: string;
  exists: boolean;
  text: string;
  /** why the file could not be read as text (a device, a FIFO, too large, ...): the items about it are errors */
  unreadable?: string;
}

export interface LoginBanners {
  banners: Map<string, Banner>;
  /** the scripts of /etc/update-motd.d, by path */
  updateMotdScripts: string[];
}

export interface Disclosure { line: number; found: string; text: string }

/**
 * What the benchmark's `grep -E -i '(\\v|\\r|\\m|\\s|<ID>)'` finds: the four escapes (in either case,
 * as grep -i matches) and the operating system's ID from os-release, case-insensitively.
 */
export function disclosures(text: string, osId: string): Disclosure[] {
  if (!osId.trim()) throw new CheckError('the operating system ID is unknown (no ID= in os-release): cannot look for it in the banner');
  const id = osId.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`\\\\[vrms]|${id}`, 'gi');
  const out: Disclosure[] = [];
  text.split('\n').forEach((raw, i) => {
    for (const m of raw.matchAll(re)) out.push({ line: i + 1, found: m[0], text: raw.trim() });
  });
  return out;
}

export const loginBanners = defineFact<LoginBanners>('login-banners', async ({ facts }) => {
  const banners = new Map<string, Banner>();
  const reads = await facts.readMany([...BANNER_FILES, UPDATE_MOTD_GLOB]);
  for (const p of BANNER_FILES) {
    const r = reads.find((x) => x.path === p)!;
    // one unreadable banner decides only the items about that file: the others keep their verdicts
    if (r.state === 'unreadable') banners.set(p, { path: p, exists: true, text: '', unreadable: `${p} cannot be read: ${r.reason}` });
    else if (r.state === 'directory') banners.set(p, { path: p, exists: true, text: '', unreadable: `${p} is a directory, a file was expected` });
    else banners.set(p, { path: p, exists: r.state === 'file', text: r.state === 'file' ? r.content.toString('utf8') : '' });
  }
  const updateMotdScripts = reads.filter((r) => r.path.startsWith('/etc/update-motd.d/') && r.path !== UPDATE_MOTD_GLOB && r.state === 'file').map((r) => r.path);
  return { banners, updateMotdScripts };
}, [...BANNER_FILES, UPDATE_MOTD_GLOB]);

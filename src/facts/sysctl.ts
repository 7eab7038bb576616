/**
 * Kernel parameters: the running values (`sysctl -a`, live targets only) and the persistent configuration
 * that is applied at boot, in the order systemd-sysctl and `sysctl --system` apply it: *.conf files from
 * /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and /lib/sysctl.d, sorted by
 * file name (a name in /etc hides the same name further down), then /etc/sysctl.conf. A later setting wins.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];
const SYSCTL_FILES = [...SYSCTL_DIRS.map((d) => `${d}/*.conf`), '/etc/sysctl.conf'];

export interface SysctlSetting { key: string; value: string; file: string; line: number }

export interface PersistentSysctl {
  /** every setting in application order */
  settings: SysctlSetting[];
  /** the setting that wins, per key */
  effective: Map<string, SysctlSetting>;
  files: string[];
}

/** sysctl keys use dots or slashes interchangeably. */
export const normaliseKey = (k: string) => k.trim().replace(/\//g, '.');

export function parseSysctlConf(text: string, file: string): SysctlSetting[] {
  const out: SysctlSetting[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const eq = line.indexOf('=');
    if (eq < 0) return;
    const key = normaliseKey(line.slice(0, eq).replace(/^-/, ''));
    out.push({ key, value: line.slice(eq + 1).trim().replace(/\s+/g, ' '), file, line: i + 1 });
  });
  return out;
}

/** Order files as systemd-sysctl does; /etc/sysctl.conf last. */
export function orderSysctlFiles(paths: string[]): string[] {
  const byName = new Map<string, string>();
  for (const dir of SYSCTL_DIRS) {
    for (const p of paths.filter((x) => x.startsWith(`${dir}/`))) {
      const name = p.slice(dir.length + 1);
      if (!byName.has(name)) byName.set(name, p);
    }
  }
  const ordered = [...byName.keys()].sort().map((n) => byName.get(n)!);
  if (paths.includes('/etc/sysctl.conf')) ordered.push('/etc/sysctl.conf');
  return ordered;
}

export const persistentSysctl = defineFact<PersistentSysctl>('sysctl-persistent', async ({ facts }) => {
  const reads = await facts.readMany(SYSCTL_FILES);
  const texts = new Map<string, string>();
  for (const r of reads) {
    if (r.state === 'file') texts.set(r.path, r.content.toString('utf8'));
    else if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
  }
  const files = orderSysctlFiles([...texts.keys()]);
  const settings = files.flatMap((f) => parseSysctlConf(texts.get(f)!, f));
  const effective = new Map<string, SysctlSetting>();
  for (const s of settings) effective.set(s.key, s);
  return { settings, effective, files };
}, SYSCTL_FILES);

export function parseSysctlA(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (m) values.set(normaliseKey(m[1]), m[2].trim().replace(/\s+/g, ' '));
  }
  return values;
}

/** The running kernel's parameters (`sysctl -a`, one round trip). */
export const runningSysctl = defineFact('sysctl-running', async ({ facts }) => {
  const r = await facts.command('running kernel parameters (sysctl -a)', 'sysctl -a 2>/dev/null');
  const values = parseSysctlA(r.stdout.toString('utf8'));
  if (!values.size) throw new CheckError(`sysctl -a returned nothing (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return values;
});

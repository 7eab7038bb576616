/**
 * Kernel parameters: the running values (`sysctl -a`, live targets only) and the persistent configuration
 * that is applied at boot, in the order systemd-sysctl applies it (Ubuntu 18.04's procps.service and
 * ACL2's boot both run systemd-sysctl): *.conf files from /etc/sysctl.d, /run/sysctl.d,
 * /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and /lib/sysctl.d, sorted by file name (a name in /etc hides
 * the same name further down; proven by test/differential/sysctl-order.test.ts). A later setting wins.
 * systemd-sysctl reads /etc/sysctl.conf only through a sysctl.d link to it (99-sysctl.conf on both
 * distributions): its settings apply at that link's place, so a sysctl.d file sorting after the link
 * overrides them. A sysctl.d file with the very text of /etc/sysctl.conf is taken for that link (a copy
 * applies the same way). Without one, /etc/sysctl.conf is still read, last, as `sysctl --system` would.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];
export const SYSCTL_CONF = '/etc/sysctl.conf';
const SYSCTL_FILES = [...SYSCTL_DIRS.map((d) => `${d}/*.conf`), SYSCTL_CONF];

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

/**
 * /etc/sysctl.conf at the place of the sysctl.d file that links to it (same text), instead of last; the
 * link itself is then not read a second time.
 */
export function placeSysctlConf(ordered: string[], texts: Map<string, string>): string[] {
  const conf = texts.get(SYSCTL_CONF);
  if (conf === undefined) return ordered;
  const twin = ordered.find((f) => f !== SYSCTL_CONF && texts.get(f) === conf);
  if (!twin) return ordered;
  return ordered.filter((f) => f !== SYSCTL_CONF).map((f) => (f === twin ? SYSCTL_CONF : f));
}

export const persistentSysctl = defineFact<PersistentSysctl>('sysctl-persistent', async ({ facts }) => {
  const reads = await facts.readMany(SYSCTL_FILES);
  const texts = new Map<string, string>();
  for (const r of reads) {
    if (r.state === 'file') texts.set(r.path, r.content.toString('utf8'));
    else if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
  }
  const files = placeSysctlConf(orderSysctlFiles([...texts.keys()]), texts);
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

/**
 * Installed packages, read from the package manager's own database file, so that the same answer comes
 * from a running system and from an offline root filesystem. Which database applies is decided by
 * `packageManager`: dpkg's status file (read as a file on every kind), or the RPM database (queried with
 * rpm, on the target or, for a root filesystem, on the auditing machine).
 */
import { CheckError } from '../engine/verdict.js';
import { defineFact } from './store.js';

export const DPKG_STATUS = '/var/lib/dpkg/status';
/** Files whose presence marks an RPM database (Berkeley DB before RPM 4.16, SQLite after). */
const RPM_DATABASES = ['/var/lib/rpm/Packages', '/var/lib/rpm/rpmdb.sqlite'];

export type PackageManagerKind = 'dpkg' | 'rpm';

export interface InstalledPackage {
  name: string;
  version: string;
  architecture: string;
  /** line of the package's `Package:` field in the database file, for evidence */
  line: number;
}

export interface InstalledPackages {
  manager: PackageManagerKind;
  /** the database file read */
  source: string;
  /** installed packages by name; a package installed for several architectures is kept once per name */
  packages: Map<string, InstalledPackage>;
}

/** One stanza of /var/lib/dpkg/status, as far as the question "is it installed" needs. */
export interface DpkgRecord {
  name: string;
  status: string;
  version: string;
  architecture: string;
  line: number;
}

/**
 * Parse dpkg's status database: stanzas separated by blank lines, `Field: value` lines, continuation
 * lines starting with a space or tab. Every stanza must name its package and its status.
 */
export function parseDpkgStatus(text: string, source = DPKG_STATUS): DpkgRecord[] {
  const records: DpkgRecord[] = [];
  let fields: Map<string, string> | null = null;
  let start = 0;
  let lastField: string | null = null;
  const finish = () => {
    if (!fields) return;
    const name = fields.get('package');
    const status = fields.get('status');
    if (!name) throw new CheckError(`${source}:${start} starts a stanza without a Package field`);
    if (status === undefined) throw new CheckError(`${source}:${start} package ${name} has no Status field`);
    records.push({ name, status, version: fields.get('version') ?? '', architecture: fields.get('architecture') ?? '', line: start });
    fields = null;
    lastField = null;
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    const n = i + 1;
    if (l.trim() === '') { finish(); continue; }
    if (l.startsWith(' ') || l.startsWith('\t')) {
      if (!fields || lastField === null) throw new CheckError(`${source}:${n} is a continuation line outside a field`);
      continue; // multi-line values (Description, Conffiles) are not needed
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9-]*):(.*)$/.exec(l);
    if (!m) throw new CheckError(`${source}:${n} is not a "Field: value" line`);
    if (!fields) { fields = new Map(); start = n; }
    lastField = m[1].toLowerCase();
    fields.set(lastField, m[2].trim());
  }
  finish();
  return records;
}

/** dpkg calls a package installed when its Status is "install ok installed" (want, error flag, state). */
export function isDpkgInstalled(record: DpkgRecord): boolean {
  return record.status.split(/\s+/).join(' ') === 'install ok installed';
}

export function installedFromDpkg(records: DpkgRecord[]): Map<string, InstalledPackage> {
  const out = new Map<string, InstalledPackage>();
  for (const r of records) {
    if (!isDpkgInstalled(r) || out.has(r.name)) continue;
    out.set(r.name, { name: r.name, version: r.version, architecture: r.architecture, line: r.line });
  }
  return out;
}

/** Which package database the target has; null when none is recognised. */
export const packageManager = defineFact<PackageManagerKind | null>('package-manager', async ({ facts }) => {
  const dpkg = await facts.read(DPKG_STATUS);
  if (dpkg.state !== 'missing') return 'dpkg';
  const rpm = await facts.stat(RPM_DATABASES);
  if ([...rpm.values()].some((s) => s !== null)) return 'rpm';
  return null;
}, [DPKG_STATUS]);

export const RPM_QUERY_FORMAT = '%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n';

/** Parse `rpm -qa --qf '%{NAME}\t%{VERSION}-%{RELEASE}\t%{ARCH}\n'` output. */
export function parseRpmQuery(text: string): Map<string, InstalledPackage> {
  const out = new Map<string, InstalledPackage>();
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    const f = l.split('\t');
    if (f.length !== 3 || !f[0]) throw new CheckError(`rpm -qa line ${i + 1} is not "name<TAB>version-release<TAB>arch": ${l.slice(0, 80)}`);
    if (f[0] === 'gpg-pubkey') return; // imported signing keys, not software
    if (!out.has(f[0])) out.set(f[0], { name: f[0], version: f[1], architecture: f[2], line: 0 });
  });
  return out;
}

/**
 * The RPM database: `rpm -qa` on a running system; on a root filesystem, the auditing machine's own rpm
 * reads the tree's database (--root), so nothing runs on the target.
 */
async function rpmPackages(facts: import('./store.js').FactStore): Promise<InstalledPackages> {
  const target = facts.target;
  const query = `rpm -qa --qf '${RPM_QUERY_FORMAT}'`;
  if (target.canExecute) {
    const r = await facts.fileCommand('installed RPM packages', `${query} 2>&1`);
    if (r.exitCode !== 0) throw new CheckError(`rpm -qa failed (exit ${r.exitCode}): ${r.stdout.toString().trim().split('\n')[0]}`);
    return { manager: 'rpm', source: query, packages: parseRpmQuery(r.stdout.toString('utf8')) };
  }
  if (!target.hostRoot) throw new CheckError('the RPM database of this target cannot be read');
  const { execFile } = await import('node:child_process');
  const args = ['--root', target.hostRoot, '--dbpath', '/var/lib/rpm', '-qa', '--qf', RPM_QUERY_FORMAT.replace(/\\t/g, '\t').replace(/\\n/g, '\n')];
  target.counters.roundTrips++;
  const out = await new Promise<string>((resolve, reject) => {
    execFile('rpm', args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new CheckError('reading an RPM database offline needs rpm on the auditing machine (apt-get install rpm)'));
      else if (err) reject(new CheckError(`rpm --root ${target.hostRoot} -qa failed: ${stderr.trim().split('\n').filter((l) => !/bdb_ro/.test(l))[0] ?? err.message}`));
      else resolve(stdout);
    });
  });
  return { manager: 'rpm', source: `rpm --root ${target.hostRoot} --dbpath /var/lib/rpm -qa (the tree's RPM database, read on the auditing machine)`, packages: parseRpmQuery(out) };
}

export const installedPackages = defineFact<InstalledPackages>('installed-packages', async ({ facts }) => {
  const manager = await facts.get(packageManager);
  if (manager === 'dpkg') {
    const text = await facts.text(DPKG_STATUS);
    if (text === null) throw new CheckError(`${DPKG_STATUS} does not exist`);
    return { manager, source: DPKG_STATUS, packages: installedFromDpkg(parseDpkgStatus(text)) };
  }
  if (manager === 'rpm') return rpmPackages(facts);
  throw new CheckError(`no package database found (neither ${DPKG_STATUS} nor ${RPM_DATABASES.join(' nor ')})`);
}, [DPKG_STATUS]);

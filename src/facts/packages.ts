/**
 * Packages on the system, read from the package manager's own database, so that the same answer comes
 * from a running system and from an offline root filesystem. `packageManager` decides which database
 * applies: dpkg's status file (read as a file on every kind, see dpkg-status.ts) or the RPM database
 * (`rpm -qa` where rpm runs on the target; otherwise the Berkeley DB `Packages` file read without rpm,
 * see rpmdb.ts; an rpm 4.16+ SQLite database offline through the auditing machine's rpm).
 *
 * A package counts as on the system when its files are: for dpkg every state but not-installed and
 * config-files; for rpm every header in the database. `configured` says whether it is also ready to use.
 */
import { CheckError } from '../model/verdict.js';
import { DPKG_STATUS, dpkgConfigured, dpkgFilesPresent, parseDpkgStatus, type DpkgRecord } from './dpkg-status.js';
import { RPM_PACKAGES_DB, readRpmPackagesDb, type RpmHeaderPackage } from './rpmdb.js';
import { defineFact, type FactStore } from './store.js';

const RPM_SQLITE_DB = '/var/lib/rpm/rpmdb.sqlite';
/** Files whose presence marks an RPM database (Berkeley DB before RPM 4.16, SQLite after). */
const RPM_DATABASES = [RPM_PACKAGES_DB, RPM_SQLITE_DB];

/**
 * The package databases read whole: not configuration files, and far larger on a real system (an RPM
 * Packages file of 50 to 150 MiB is common), so they have a cap of their own instead of --max-file-size.
 */
export const PACKAGE_DATABASE_CAP_BYTES = 256 * 1024 * 1024;
export const PACKAGE_DATABASES: Record<string, number> = {
  [DPKG_STATUS]: PACKAGE_DATABASE_CAP_BYTES,
  [RPM_PACKAGES_DB]: PACKAGE_DATABASE_CAP_BYTES,
};

export type PackageManagerKind = 'dpkg' | 'rpm';

export interface InstalledPackage {
  name: string;
  /** dpkg: the Version field; rpm: version-release */
  version: string;
  architecture: string;
  /** dpkg: line of the package's stanza in the status file; 0 for rpm */
  line: number;
  /** dpkg: the Status (want, error flag, state); rpm: "installed" */
  status: string;
  /** the package's files are on the system */
  present: boolean;
  /** present and fully configured (dpkg: installed or only triggers pending, no reinstallation required) */
  configured: boolean;
  /** where it was read, for evidence: "/var/lib/dpkg/status:12", "/var/lib/rpm/Packages record 4" */
  where: string;
  /** rpm only: the header's fields as rpm stores them */
  rpm?: { epoch?: number; version: string; release: string; arch: string };
}

export interface InstalledPackages {
  manager: PackageManagerKind;
  /** the database file or command read */
  source: string;
  /** packages whose files are on the system, by name (a configured instance when there is one) */
  packages: Map<string, InstalledPackage>;
  /** every package instance the database lists, whatever its state (rpm: gpg-pubkey entries included) */
  records: InstalledPackage[];
}

/** dpkg calls a package installed when its state is installed; kept for callers that ask exactly that. */
export function isDpkgInstalled(record: DpkgRecord): boolean {
  return record.state === 'installed';
}

export function fromDpkgRecord(r: DpkgRecord, source = DPKG_STATUS): InstalledPackage {
  return {
    name: r.name, version: r.version, architecture: r.architecture, line: r.line, status: r.status,
    present: dpkgFilesPresent(r), configured: dpkgConfigured(r), where: `${source}:${r.statusLine}`,
  };
}

/** Packages whose files are on the system, by name; a configured instance is preferred as the name's entry. */
export function presentByName(records: InstalledPackage[]): Map<string, InstalledPackage> {
  const out = new Map<string, InstalledPackage>();
  for (const r of records) {
    if (!r.present || r.name === 'gpg-pubkey') continue;
    const seen = out.get(r.name);
    if (!seen || (!seen.configured && r.configured)) out.set(r.name, r);
  }
  return out;
}

/** Packages whose files are on the system, from parsed dpkg records. */
export function installedFromDpkg(records: DpkgRecord[]): Map<string, InstalledPackage> {
  return presentByName(records.map((r) => fromDpkgRecord(r)));
}

/** Which package database the target has; null when none is recognised. */
export const packageManager = defineFact<PackageManagerKind | null>('package-manager', async ({ facts }) => {
  const dpkg = await facts.read(DPKG_STATUS);
  if (dpkg.state !== 'missing') return 'dpkg';
  const rpm = await facts.stat(RPM_DATABASES);
  if ([...rpm.values()].some((s) => s !== null)) return 'rpm';
  return null;
}, [DPKG_STATUS]);

export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';

function fromRpm(p: RpmHeaderPackage, where: string): InstalledPackage {
  return {
    name: p.name, version: `${p.version}-${p.release}`, architecture: p.arch, line: 0, status: 'installed', present: true, configured: true,
    where, rpm: { ...(p.epoch === undefined ? {} : { epoch: p.epoch }), version: p.version, release: p.release, arch: p.arch },
  };
}

/** Parse `rpm -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n'` output ("(none)" for an absent tag). */
export function parseRpmQuery(text: string, source = 'rpm -qa'): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    const f = l.split('\t');
    if (f.length !== 5 || !f[0] || (f[1] !== '(none)' && !/^\d+$/.test(f[1]))) {
      throw new CheckError(`${source} line ${i + 1} is not "name<TAB>epoch<TAB>version<TAB>release<TAB>arch": ${l.slice(0, 80)}`);
    }
    const none = (v: string) => (v === '(none)' ? '' : v);
    out.push(fromRpm({ instance: i + 1, name: f[0], version: none(f[2]), release: none(f[3]), arch: none(f[4]), ...(f[1] === '(none)' ? {} : { epoch: Number(f[1]) }) }, `${source} line ${i + 1}`));
  });
  return out;
}

/** The Berkeley DB Packages file read without rpm; null when the tree has none. */
async function rpmBerkeleyDb(facts: FactStore): Promise<InstalledPackages | null> {
  const read = await facts.read(RPM_PACKAGES_DB);
  if (read.state === 'missing') return null;
  if (read.state !== 'file') throw new CheckError(`${RPM_PACKAGES_DB} cannot be read: ${read.state === 'unreadable' ? read.reason : 'it is a directory'}`);
  const records = readRpmPackagesDb(read.content, RPM_PACKAGES_DB).map((p) => fromRpm(p, `${RPM_PACKAGES_DB} record ${p.instance}`));
  return { manager: 'rpm', source: `${RPM_PACKAGES_DB} (Berkeley DB, read without rpm)`, packages: presentByName(records), records };
}

/** An rpm 4.16+ SQLite database of a root filesystem, read by the auditing machine's rpm (--root). */
async function rpmSqliteOffline(facts: FactStore): Promise<InstalledPackages> {
  const target = facts.target;
  if (!target.hostRoot) throw new CheckError(`the RPM database ${RPM_SQLITE_DB} of this target cannot be read`);
  const { execFile } = await import('node:child_process');
  const args = ['--root', target.hostRoot, '--dbpath', '/var/lib/rpm', '-qa', '--qf', RPM_QUERY_FORMAT.replace(/\\t/g, '\t').replace(/\\n/g, '\n')];
  target.counters.roundTrips++;
  const out = await new Promise<string>((resolve, reject) => {
    execFile('rpm', args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new CheckError(`reading the SQLite RPM database ${RPM_SQLITE_DB} offline needs rpm on the auditing machine (apt-get install rpm)`));
      else if (err) reject(new CheckError(`rpm --root ${target.hostRoot} -qa failed: ${stderr.trim().split('\n')[0] ?? err.message}`));
      else resolve(stdout);
    });
  });
  const source = `rpm --root ${target.hostRoot} --dbpath /var/lib/rpm -qa (the tree's SQLite RPM database, read on the auditing machine)`;
  const records = parseRpmQuery(out, 'rpm -qa');
  return { manager: 'rpm', source, packages: presentByName(records), records };
}

/**
 * The RPM database: `rpm -qa` where rpm runs on the target; where it cannot (a root filesystem, or a
 * target without an rpm binary), the Packages file itself.
 */
async function rpmPackages(facts: FactStore): Promise<InstalledPackages> {
  const target = facts.target;
  if (target.canExecute) {
    const query = `rpm -qa --qf '${RPM_QUERY_FORMAT}'`;
    const r = await facts.fileCommand('installed RPM packages', `${query} 2>&1`);
    if (r.exitCode === 127 || (r.exitCode !== 0 && /rpm: (command )?not found/.test(r.stdout.toString()))) {
      const db = await rpmBerkeleyDb(facts);
      if (db) return { ...db, source: `${db.source}; the target has no rpm command` };
      throw new CheckError(`the target has no rpm command and no ${RPM_PACKAGES_DB}`);
    }
    if (r.exitCode !== 0) throw new CheckError(`rpm -qa failed (exit ${r.exitCode}): ${r.stdout.toString().trim().split('\n')[0]}`);
    const records = parseRpmQuery(r.stdout.toString('utf8'));
    return { manager: 'rpm', source: query, packages: presentByName(records), records };
  }
  const sqlite = (await facts.stat([RPM_SQLITE_DB])).get(RPM_SQLITE_DB);
  if (sqlite) return rpmSqliteOffline(facts);
  const db = await rpmBerkeleyDb(facts);
  if (db) return db;
  throw new CheckError(`no RPM database found (${RPM_DATABASES.join(', ')})`);
}

export const installedPackages = defineFact<InstalledPackages>('installed-packages', async ({ facts }) => {
  const manager = await facts.get(packageManager);
  if (manager === 'dpkg') {
    const text = await facts.text(DPKG_STATUS);
    if (text === null) throw new CheckError(`${DPKG_STATUS} does not exist`);
    const records = parseDpkgStatus(text).map((r) => fromDpkgRecord(r));
    return { manager, source: DPKG_STATUS, packages: presentByName(records), records };
  }
  if (manager === 'rpm') return rpmPackages(facts);
  throw new CheckError(`no package database found (neither ${DPKG_STATUS} nor ${RPM_DATABASES.join(' nor ')})`);
}, [DPKG_STATUS]);

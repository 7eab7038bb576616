/**
 * Installed packages, read from the package manager's own database file, so that the same answer comes
 * from a running system and from an offline root filesystem. Which database applies is decided by
 * `packageManager`; only the Debian family (dpkg) is implemented. An RPM variant would add a detector
 * branch and a parser of its own, and return the same `InstalledPackages` shape.
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

export const installedPackages = defineFact<InstalledPackages>('installed-packages', async ({ facts }) => {
  const manager = await facts.get(packageManager);
  if (manager === 'dpkg') {
    const text = await facts.text(DPKG_STATUS);
    if (text === null) throw new CheckError(`${DPKG_STATUS} does not exist`);
    return { manager, source: DPKG_STATUS, packages: installedFromDpkg(parseDpkgStatus(text)) };
  }
  if (manager === 'rpm') throw new CheckError(`the target uses RPM (${RPM_DATABASES.join(' or ')}); reading the RPM database is not implemented yet`);
  throw new CheckError(`no package database found (neither ${DPKG_STATUS} nor ${RPM_DATABASES.join(' nor ')})`);
}, [DPKG_STATUS]);

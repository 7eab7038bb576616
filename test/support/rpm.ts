/**
 * Changing the ACL2 fixture's RPM database in a test overlay. The fixture keeps the Berkeley DB that
 * rpm 4.11 writes on ACL2, which Debian's rpm only reads (bdb_ro): before a change, the overlay's database
 * is replaced by a SQLite copy with the same headers, which the host's rpm can write and the audit reads
 * the same way. Added packages are empty stand-ins built as containers/acl2/build.sh builds the fixture's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, type Layer } from './fixtures.js';

const rpmArgs = (l: Layer) => ['--root', l.root, '--dbpath', '/var/lib/rpm'];

/** Replace the overlay's Berkeley DB by a SQLite copy of it (same headers); a no-op once done. */
export function writableRpmDb(l: Layer): void {
  if (existsSync(path.join(l.root, 'var/lib/rpm/rpmdb.sqlite'))) return;
  const headers = execFileSync('rpmdb', [...rpmArgs(l), '--exportdb'], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  l.remove('/var/lib/rpm');
  l.mkdir('/var/lib/rpm');
  execFileSync('rpmdb', [...rpmArgs(l), '--define', '_db_backend sqlite', '--importdb'], { input: headers, stdio: ['pipe', 'ignore', 'ignore'] });
}

let standIns: string | undefined;
/** An empty stand-in package (name, [epoch:]version-release, arch), built once per test process. */
function standIn(name: string, evr: string, arch: string): string {
  if (!standIns) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-acl2-standins-'));
    standIns = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const key = `${name}-${evr}-${arch}`.replace(/[^\w.-]/g, '_');
  const dir = path.join(standIns, key);
  const find = () => execFileSync('find', [path.join(dir, 'top/RPMS'), '-name', '*.rpm'], { encoding: 'utf8' }).trim();
  if (existsSync(path.join(dir, 'top/RPMS'))) return find();
  writeFileSync(path.join(standIns, `${key}.txt`), `${name} ${evr} ${arch} installed\n`);
  execFileSync('bash', [path.join(repoRoot, 'containers/acl2/rpm/mkspec.sh'), path.join(dir, 'specs'), path.join(standIns, `${key}.txt`)]);
  execFileSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${path.join(dir, 'top')}`, '--define', '_build_id_links none',
    path.join(dir, 'specs', `${name}.spec`)], { stdio: 'ignore' });
  return find();
}

/** Add a stand-in package to the tree's RPM database (database only: no files, no scripts). */
export function installRpm(l: Layer, name: string, evr: string, arch = 'x86_64'): void {
  writableRpmDb(l);
  execFileSync('rpm', [...rpmArgs(l), '-i', '--justdb', '--nodeps', '--noscripts', '--notriggers', standIn(name, evr, arch)], { stdio: 'ignore' });
}

/** Remove a package from the tree's RPM database. */
export function removeRpm(l: Layer, name: string): void {
  writableRpmDb(l);
  execFileSync('rpm', [...rpmArgs(l), '-e', '--justdb', '--nodeps', '--noscripts', name], { stdio: 'ignore' });
}

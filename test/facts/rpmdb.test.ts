/**
 * The RPM database read without rpm, on genuine Berkeley DB databases of CentOS 7 images (Debian's
 * golang-github-knqyf263-go-rpmdb-dev ships them with each image's `rpm -qa` list in its Go test
 * cases): a root filesystem carrying one of them at /var/lib/rpm/Packages, and no rpm binary, must give
 * exactly that list. Broken databases are errors, never an empty list.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import fc from 'fast-check';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRpmPackagesDb, parseRpmHeaderBlob } from '../../src/facts/rpmdb.js';
import { CheckError } from '../../src/model/verdict.js';
import { ensureAcl2Base, repoRoot, type Layer } from '../support/fixtures.js';
import { rootfsItemCases } from '../support/cases.js';

const GO_RPMDB = '/usr/share/gocode/src/github.com/knqyf263/go-rpmdb/pkg';
const IMAGES: Record<string, string> = {
  'centos7-plain': 'CentOS7Plain',
  'centos7-devtools': 'CentOS7DevTools',
  'centos7-many': 'CentOS7Many',
  'centos7-python35': 'CentOS7Python35',
  'centos7-httpd24': 'CentOS7Httpd24',
};

interface Expected { epoch: number; name: string; version: string; release: string; arch: string }

/** The Go test's package list of one image: `{epoch, "name", "version", "release", "arch", ...}` lines. */
function goTestList(variable: string): Expected[] {
  const text = readFileSync(path.join(GO_RPMDB, 'rpmdb_testcase.go'), 'utf8');
  const start = text.indexOf(`\t${variable} = []*PackageInfo{`);
  if (start < 0) throw new Error(`${variable} not found in rpmdb_testcase.go`);
  const end = text.indexOf('\n\t}', start);
  return [...text.slice(start, end).matchAll(/^\t\t\{(\d+), "([^"]*)", "([^"]*)", "([^"]*)", "([^"]*)",/gm)]
    .map((m) => ({ epoch: Number(m[1]), name: m[2], version: m[3], release: m[4], arch: m[5] }));
}

const key = (p: Expected) => `${p.name}\t${p.epoch}\t${p.version}\t${p.release}\t${p.arch}`;
const trees: string[] = [];
afterAll(() => { for (const t of trees) rmSync(t, { recursive: true, force: true }); });

describe.skipIf(!existsSync(GO_RPMDB))('go-rpmdb CentOS 7 databases on a root filesystem without rpm', () => {
  for (const [dir, variable] of Object.entries(IMAGES)) {
    it(`${dir}: the installed-packages fact lists exactly ${variable}`, async () => {
      const expected = goTestList(variable);
      expect(expected.length).toBeGreaterThan(100);
      const root = mkdtempSync(path.join(os.tmpdir(), `cis-bdd-rpmdb-${dir}-`));
      trees.push(root);
      mkdirSync(path.join(root, 'var/lib/rpm'), { recursive: true });
      copyFileSync(path.join(GO_RPMDB, 'testdata', dir, 'Packages'), path.join(root, 'var/lib/rpm/Packages'));
      expect(existsSync(path.join(root, 'usr/bin/rpm')) || existsSync(path.join(root, 'bin/rpm'))).toBe(false);

      const dist = (m: string) => import(path.join(repoRoot, 'dist/src', m));
      const { connectTarget } = await dist('api.js');
      const { FactStore } = await dist('facts/store.js');
      const { installedPackages } = await dist('facts/packages.js');
      const t = await connectTarget({ target: `rootfs:${root}`, out: '' });
      try {
        const db = await new FactStore(t).get(installedPackages);
        expect(db.manager).toBe('rpm');
        expect(db.source).toMatch(/read without rpm/);
        const got = db.records.map((r: { name: string; rpm: { epoch?: number; version: string; release: string; arch: string } }) =>
          ({ epoch: r.rpm.epoch ?? 0, name: r.name, version: r.rpm.version, release: r.rpm.release, arch: r.rpm.arch }));
        expect(got.map(key).sort()).toEqual(expected.map(key).sort());
        // the packages on the system by name: every name but the imported signing keys
        expect([...db.packages.keys()].sort()).toEqual([...new Set(expected.map((p) => p.name).filter((n) => n !== 'gpg-pubkey'))].sort());
      } finally {
        await t.close();
      }
    });
  }
});

describe('broken RPM databases are errors with a reason', () => {
  const plain = existsSync(GO_RPMDB) ? readFileSync(path.join(GO_RPMDB, 'testdata/centos7-plain/Packages')) : null;

  it.skipIf(!plain)('a truncated file, a wrong magic number, a corrupted page, an empty file', () => {
    const db = plain!;
    expect(() => readRpmPackagesDb(db.subarray(0, db.length - 4096))).toThrow(/truncated/);
    expect(() => readRpmPackagesDb(db.subarray(0, 4096 * 3 + 100))).toThrow(/truncated/);
    expect(() => readRpmPackagesDb(Buffer.alloc(0))).toThrow(/too short/);
    const wrongMagic = Buffer.from(db); wrongMagic.writeUInt32LE(0x053162, 12);
    expect(() => readRpmPackagesDb(wrongMagic)).toThrow(/not a Berkeley DB hash database/);
    const wrongType = Buffer.from(db); wrongType[4096 + 25] = 5;
    expect(() => readRpmPackagesDb(wrongType)).toThrow(/not a hash page/);
    const encrypted = Buffer.from(db); encrypted[24] = 1;
    expect(() => readRpmPackagesDb(encrypted)).toThrow(/encrypted/);
    const zeroed = Buffer.from(db); zeroed.fill(0, 4096 * 10, 4096 * 40);
    expect(() => readRpmPackagesDb(zeroed)).toThrow(CheckError);
  });

  it('header blobs: truncated data, a missing NAME, a string that runs off the end', () => {
    const blob = (entries: Array<[number, number, number, number]>, data: Buffer) => {
      const b = Buffer.alloc(8 + 16 * entries.length);
      b.writeUInt32BE(entries.length, 0); b.writeUInt32BE(data.length, 4);
      entries.forEach((e, i) => e.forEach((v, j) => b.writeUInt32BE(v, 8 + 16 * i + 4 * j)));
      return Buffer.concat([b, data]);
    };
    const data = Buffer.from('bash\u00004.2.46\u000034.el7\u0000x86_64\u0000');
    const good = blob([[1000, 6, 0, 1], [1001, 6, 5, 1], [1002, 6, 12, 1], [1022, 6, 19, 1]], data);
    expect(parseRpmHeaderBlob(good, 7, 'Packages')).toEqual({ instance: 7, name: 'bash', version: '4.2.46', release: '34.el7', arch: 'x86_64' });
    expect(() => parseRpmHeaderBlob(good.subarray(0, good.length - 3), 7, 'Packages')).toThrow(/truncated/);
    expect(() => parseRpmHeaderBlob(blob([[1001, 6, 5, 1], [1002, 6, 12, 1]], data), 7, 'Packages')).toThrow(/no NAME/);
    expect(() => parseRpmHeaderBlob(blob([[1000, 6, 0, 1], [1001, 6, 5, 1], [1002, 6, 12, 1]], Buffer.from('bash\u00004.2.46\u000034.el7')), 7, 'Packages')).toThrow(/not terminated/);
  });
});

describe.skipIf(!existsSync('/var/tmp/cis-bdd-fixtures/acl2-stock/var/lib/rpm/Packages'))('the ACL2 fixture database', () => {
  it('reads every header the fixture installs, with epochs (the BDB written by db5.3_load)', () => {
    const pkgs = readRpmPackagesDb(readFileSync('/var/tmp/cis-bdd-fixtures/acl2-stock/var/lib/rpm/Packages'));
    const expected = readFileSync(path.join(repoRoot, 'containers/acl2/packages.txt'), 'utf8').split('\n')
      .filter((l) => /^\S/.test(l) && !l.startsWith('#') && /\sinstalled(\s|$)/.test(l)).map((l) => l.split(/\s+/)[0]).sort();
    expect(pkgs.map((p) => p.name).sort()).toEqual(expected);
    expect(pkgs.find((p) => p.name === 'telnet')).toMatchObject({ epoch: 1, version: '0.17', release: '66.al7', arch: 'x86_64' });
  });
});

// Full item audits on the ACL2 root filesystem, whose RPM database is read without rpm.
const ACL2_DB = '/var/lib/rpm/Packages';
const acl2Db = (l: Layer) => path.join(l.root, ACL2_DB.slice(1));
rootfsItemCases('cis-aliyun-linux-2-v1.0.0', ['2.1.2', '2.2'], [
  { id: '2.2.4', expect: 'fail', given: 'telnet in the fixture\'s Berkeley DB, read without rpm', change: () => {},
    reason: /\/var\/lib\/rpm\/Packages \(Berkeley DB, read without rpm\): telnet 0\.17-66\.al7 installed \(\/var\/lib\/rpm\/Packages record \d+, x86_64\)/ },
  ...(existsSync(GO_RPMDB) ? [{
    id: '2.1.2', expect: 'fail' as const, given: 'the genuine CentOS 7 database of go-rpmdb\'s centos7-many in place of the fixture\'s (X.Org font packages, no telnet, no openldap-clients)',
    change: (l: Layer) => copyFileSync(path.join(GO_RPMDB, 'testdata/centos7-many/Packages'), acl2Db(l)),
    alsoChanges: { '2.2.4': 'pass', '2.2.5': 'pass' }, reason: /xorg-x11-font-utils 7\.5-21\.el7 installed \(\/var\/lib\/rpm\/Packages record \d+, x86_64\)/,
  }] : []),
  { id: '2.2.4', expect: 'error', given: 'the Packages database truncated by a page', change: (l) => truncateSync(acl2Db(l), statSync(acl2Db(l)).size - 4096),
    alsoChanges: { '2.1.2': 'error', '2.2.1': 'error', '2.2.2': 'error', '2.2.3': 'error', '2.2.5': 'error' }, reason: /\/var\/lib\/rpm\/Packages: the file is truncated/ },
  { id: '2.2.4', expect: 'error', given: 'an empty Packages file', change: (l) => truncateSync(acl2Db(l), 0),
    alsoChanges: { '2.1.2': 'error', '2.2.1': 'error', '2.2.2': 'error', '2.2.3': 'error', '2.2.5': 'error' }, reason: /0 bytes is too short for a Berkeley DB database/ },
], { base: () => ensureAcl2Base() });

describe('a running ACL2 node without the rpm command', () => {
  it('reads /var/lib/rpm/Packages itself and finds the same packages as rpm -qa', async () => {
    const { startContainer } = await import('../support/containers.js');
    const dist = (m: string) => import(path.join(repoRoot, 'dist/src', m));
    const { connectTarget } = await dist('api.js');
    const { FactStore } = await dist('facts/store.js');
    const { installedPackages } = await dist('facts/packages.js');
    const c = startContainer('cis-bdd/acl2-stock:latest');
    try {
      const read = async () => {
        const t = await connectTarget({ target: c.uri, out: '' });
        try { return await new FactStore(t).get(installedPackages); } finally { await t.close(); }
      };
      const withRpm = await read();
      expect(withRpm.source).toMatch(/^rpm -qa/);
      c.exec('for p in $(command -v rpm) /usr/bin/rpm /bin/rpm; do rm -f "$p"; done; ! command -v rpm');
      const without = await read();
      expect(without.source).toBe('/var/lib/rpm/Packages (Berkeley DB, read without rpm); the target has no rpm command');
      const nevra = (db: { records: Array<{ name: string; rpm?: { epoch?: number; version: string; release: string; arch: string } }> }) =>
        db.records.map((r) => `${r.name} ${r.rpm?.epoch ?? '-'}:${r.rpm?.version}-${r.rpm?.release}.${r.rpm?.arch}`).sort();
      expect(nevra(without)).toEqual(nevra(withRpm));
      expect(without.packages.get('telnet')?.where).toMatch(/^\/var\/lib\/rpm\/Packages record \d+$/);
    } finally {
      c.remove();
    }
  });
});

// ---- against the real program: the host's rpm (4.18, read-only Berkeley DB backend) on the same files
const hostRpm = (() => { try { execFileSync('rpm', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
const rpmDatabases = (): Array<[string, string]> => [
  ...(existsSync(GO_RPMDB) ? readdirSync(path.join(GO_RPMDB, 'testdata')).filter((d) => existsSync(path.join(GO_RPMDB, 'testdata', d, 'Packages')))
    .map((d): [string, string] => [d, path.join(GO_RPMDB, 'testdata', d, 'Packages')]) : []),
  ['acl2-stock fixture', '/var/tmp/cis-bdd-fixtures/acl2-stock/var/lib/rpm/Packages'],
];

describe.skipIf(!hostRpm)('differential: the Berkeley DB reader against rpm -qa on the same database', () => {
  it('lists the same name, epoch, version, release and arch as rpm for every CentOS 5-8 and ACL2 database', () => {
    let dbs = 0;
    let headers = 0;
    for (const [label, file] of rpmDatabases()) {
      if (!existsSync(file)) continue;
      const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-rpmdb-diff-'));
      trees.push(dir);
      copyFileSync(file, path.join(dir, 'Packages'));
      const out = execFileSync('rpm', ['--dbpath', dir, '-qa', '--qf', '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
      const real = out.split('\n').filter(Boolean).map((l) => l.replace(/\(none\)/g, '')).sort();
      const ours = readRpmPackagesDb(readFileSync(file), label).map((p) => `${p.name}\t${p.epoch ?? ''}\t${p.version}\t${p.release}\t${p.arch}`).sort();
      expect(ours, label).toEqual(real);
      dbs++;
      headers += real.length;
    }
    expect(dbs).toBeGreaterThanOrEqual(2);
    console.log(`differential rpm -qa: ${dbs} databases, ${headers} headers, 0 disagreements`);
  });
});

describe.skipIf(!existsSync(GO_RPMDB))('a damaged database is an error with a reason, never a crash or a hang', () => {
  const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
  const db = existsSync(GO_RPMDB) ? readFileSync(path.join(GO_RPMDB, 'testdata/centos7-plain/Packages')) : Buffer.alloc(0);
  const full = existsSync(GO_RPMDB) ? readRpmPackagesDb(db).length : 0;
  it(`${RUNS} truncations: always an error`, () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: db.length - 1 }), (len) => {
      expect(() => readRpmPackagesDb(db.subarray(0, len))).toThrow(CheckError);
    }), { seed: 4242, numRuns: RUNS });
  });
  it(`${RUNS} random byte corruptions: a list or a CheckError, nothing else`, () => {
    let errors = 0;
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: db.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
      // damage the buffer in place and put the bytes back afterwards (copying 16 MB per case is slow)
      const saved = edits.map(([at]) => [at, db[at]] as const);
      for (const [at, v] of edits) db[at] = v;
      try {
        expect(readRpmPackagesDb(db).length).toBeLessThanOrEqual(full + 8);
      } catch (e) {
        if (!(e instanceof CheckError)) throw e;
        errors++;
      } finally {
        for (const [at, v] of saved.reverse()) db[at] = v;
      }
    }), { seed: 4243, numRuns: RUNS });
    console.log(`rpmdb corruption: ${RUNS} cases, ${errors} reported as errors, no crash`);
  });
});

/** The dpkg status parser, on excerpts of the Ubuntu 18.04 fixture's /var/lib/dpkg/status and on broken input. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedFromDpkg, isDpkgInstalled, parseDpkgStatus } from '../../src/facts/packages.js';
import { CheckError } from '../../src/engine/verdict.js';
import { repoRoot, ubuntuBase } from '../support/fixtures.js';

// from the fixture, shortened (Depends and most of Description cut)
const OPENSSH_SERVER = `Package: openssh-server
Status: install ok installed
Priority: optional
Section: net
Installed-Size: 877
Maintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>
Architecture: amd64
Multi-Arch: foreign
Source: openssh
Version: 1:7.6p1-4
Provides: ssh-server
Conffiles:
 /etc/default/ssh 500e3cf069fe9a7b9936108eb9d9c035
 /etc/pam.d/sshd 8b4c7a12b031424b2a9946881da59812
Description: secure shell (SSH) server, for secure access from remote machines
 This is the portable version of OpenSSH, a free implementation of
 the Secure Shell protocol as specified by the IETF secsh working
 group.
 .
 This package provides the sshd server.
Homepage: http://www.openssh.com/
`;

const LIBAUPARSE = `Package: libauparse0
Status: install ok installed
Priority: optional
Section: libs
Architecture: amd64
Multi-Arch: same
Source: audit
Version: 1:2.8.2-1ubuntu1
Description: Dynamic library for parsing security auditing
 This package contains the libauparse0 library.
`;

describe('parseDpkgStatus', () => {
  it('reads name, status, version, architecture and the line of each stanza', () => {
    const records = parseDpkgStatus(`${OPENSSH_SERVER}\n${LIBAUPARSE}`);
    expect(records.map((r) => [r.name, r.status, r.version, r.architecture, r.line])).toEqual([
      ['openssh-server', 'install ok installed', '1:7.6p1-4', 'amd64', 1],
      ['libauparse0', 'install ok installed', '1:2.8.2-1ubuntu1', 'amd64', 23],
    ]);
  });

  it('counts only "install ok installed" as installed', () => {
    const removed = OPENSSH_SERVER.replace('Status: install ok installed', 'Status: deinstall ok config-files');
    const halfConfigured = LIBAUPARSE.replace('Status: install ok installed', 'Status: install ok half-configured');
    const records = parseDpkgStatus(`${removed}\n${halfConfigured}`);
    expect(records.map(isDpkgInstalled)).toEqual([false, false]);
    expect(installedFromDpkg(records).size).toBe(0);
  });

  it('accepts CRLF line ends, several blank lines and an empty database', () => {
    expect(parseDpkgStatus(`\n\n${LIBAUPARSE.replace(/\n/g, '\r\n')}\n\n`).map((r) => r.name)).toEqual(['libauparse0']);
    expect(parseDpkgStatus('')).toEqual([]);
  });

  it('parses the whole fixture database and finds openssh-server 1:7.6p1-4', () => {
    const text = readFileSync(path.join(ubuntuBase, 'var/lib/dpkg/status'), 'utf8');
    const installed = installedFromDpkg(parseDpkgStatus(text));
    expect(installed.get('openssh-server')?.version).toBe('1:7.6p1-4');
    expect(installed.get('dpkg')).toBeDefined();
    expect(installed.size).toBeGreaterThan(100);
  });

  it('rejects a stanza without Package or Status, stray lines and orphan continuations', () => {
    expect(() => parseDpkgStatus(LIBAUPARSE.replace('Package: libauparse0\n', ''))).toThrow(CheckError);
    expect(() => parseDpkgStatus(LIBAUPARSE.replace('Status: install ok installed\n', ''))).toThrow(/has no Status/);
    expect(() => parseDpkgStatus(`${LIBAUPARSE}this is not a field\n`)).toThrow(/:11 is not a "Field: value" line/);
    expect(() => parseDpkgStatus(` continuation\n${LIBAUPARSE}`)).toThrow(/continuation line/);
  });
});

describe('RPM packages', () => {
  it('parses rpm -qa query output and skips gpg-pubkey entries', async () => {
    const { parseRpmQuery } = await import('../../src/facts/packages.js');
    const m = parseRpmQuery('openssh-server\t7.4p1-21.al7\tx86_64\ngpg-pubkey\tabc-1\t(none)\n');
    expect([...m.keys()]).toEqual(['openssh-server']);
    expect(m.get('openssh-server')?.version).toBe('7.4p1-21.al7');
    expect(() => parseRpmQuery('broken line\n')).toThrow(/not "name<TAB>version-release<TAB>arch"/);
  });

  it('reads the ACL2 fixture database offline (host rpm --root) and live (rpm -qa in the container) alike', async () => {
    const dist = (m: string) => import(path.join(repoRoot, 'dist/src', m));
    const { connectTarget } = await dist('api.js');
    const { FactStore } = await dist('facts/store.js');
    const { installedPackages } = await dist('facts/packages.js');
    const expected = readFileSync(path.join(repoRoot, 'containers/acl2/packages.txt'), 'utf8').split('\n')
      .filter((l) => /^\S/.test(l) && !l.startsWith('#') && /\sinstalled(\s|$)/.test(l)).map((l) => l.split(/\s+/)[0]).sort();
    expect(expected.length).toBeGreaterThan(40);
    const names: Record<string, string[]> = {};
    for (const uri of ['rootfs:/var/tmp/cis-bdd-fixtures/acl2-stock', 'docker-image://cis-bdd/acl2-stock:latest']) {
      const t = await connectTarget({ target: uri, out: '' });
      try {
        const db = await new FactStore(t).get(installedPackages);
        expect(db.manager).toBe('rpm');
        names[uri] = [...db.packages.keys()].sort();
      } finally {
        await t.close();
      }
    }
    expect(Object.values(names)[0]).toEqual(expected);
    expect(Object.values(names)[1]).toEqual(expected);
  });
});

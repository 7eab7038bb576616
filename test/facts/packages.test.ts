/** The dpkg status parser, on excerpts of the Ubuntu 18.04 fixture's /var/lib/dpkg/status and on broken input. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedFromDpkg, isDpkgInstalled } from '../../src/facts/packages.js';
import { parseDpkgStatus } from '../../src/facts/dpkg-status.js';
import { dpkgConfigured, dpkgFilesPresent, dpkgStatusAbbrev } from '../../src/facts/dpkg-status.js';
import { CheckError } from '../../src/model/verdict.js';
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

  it('keeps the full status: files present in every state but not-installed and config-files, configured only when installed or triggered', () => {
    const removed = OPENSSH_SERVER.replace('Status: install ok installed', 'Status: deinstall ok config-files').replace('Version: 1:7.6p1-4', 'Version: 1:7.6p1-4\nConfig-Version: 1:7.6p1-4');
    const halfConfigured = LIBAUPARSE.replace('Status: install ok installed', 'Status: install ok half-configured');
    const records = parseDpkgStatus(`${removed}\n${halfConfigured}`);
    expect(records.map((r) => [r.name, r.state, dpkgFilesPresent(r), dpkgConfigured(r), dpkgStatusAbbrev(r)])).toEqual([
      ['openssh-server', 'config-files', false, false, 'rc '],
      ['libauparse0', 'half-configured', true, false, 'iF '],
    ]);
    expect(records.map(isDpkgInstalled)).toEqual([false, false]);
    expect([...installedFromDpkg(records).keys()]).toEqual(['libauparse0']);
  });

  it('counts hold and deinstall selections of an installed package as installed, and tells multi-arch instances apart', () => {
    const held = OPENSSH_SERVER.replace('Status: install ok installed', 'Status: hold ok installed');
    const deselected = LIBAUPARSE.replace('Status: install ok installed', 'Status: deinstall ok installed');
    const i386 = LIBAUPARSE.replace('Architecture: amd64', 'Architecture: i386').replace('Status: install ok installed', 'Status: install reinstreq half-installed');
    const records = parseDpkgStatus(`${held}\n${deselected}\n${i386}`);
    expect(records.map((r) => [r.binaryName, dpkgStatusAbbrev(r), dpkgFilesPresent(r), dpkgConfigured(r)])).toEqual([
      ['openssh-server', 'hi ', true, true],
      ['libauparse0:amd64', 'ri ', true, true],
      ['libauparse0:i386', 'iHR', true, false],
    ]);
    const byName = installedFromDpkg(records);
    expect(byName.get('libauparse0')?.configured).toBe(true);
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

  it('rejects a stanza without Package, reads one without Status as not-installed, rejects stray lines and orphan continuations', () => {
    expect(() => parseDpkgStatus(LIBAUPARSE.replace('Package: libauparse0\n', ''))).toThrow(CheckError);
    // dpkg reads a stanza without Status as not-installed (dpkg-query lists nothing for it)
    expect(parseDpkgStatus(LIBAUPARSE.replace('Status: install ok installed\n', '')).map((r) => r.state)).toEqual(['not-installed']);
    expect(() => parseDpkgStatus(`${LIBAUPARSE}this is not a field\n`)).toThrow(/:11 is not a "Field: value" line/);
    expect(() => parseDpkgStatus(` continuation\n${LIBAUPARSE}`)).toThrow(/continuation line/);
  });

  it('refuses what dpkg refuses: unknown status words, duplicate fields, instances that cannot coexist, missing versions', () => {
    expect(() => parseDpkgStatus(LIBAUPARSE.replace('install ok installed', 'install ok bogus'))).toThrow(/not a state dpkg knows/);
    expect(() => parseDpkgStatus(LIBAUPARSE.replace('install ok installed', 'install ok'))).toThrow(/three words/);
    expect(() => parseDpkgStatus(LIBAUPARSE.replace('Section: libs', 'Status: install ok installed'))).toThrow(/repeats the field/);
    expect(() => parseDpkgStatus(`${OPENSSH_SERVER}\n${OPENSSH_SERVER.replace('amd64', 'i386')}`)).toThrow(/listed again.*not Multi-Arch: same/);
    expect(() => parseDpkgStatus(LIBAUPARSE.replace('Version: 1:2.8.2-1ubuntu1\n', ''))).toThrow(/has no Version/);
    expect(() => parseDpkgStatus(LIBAUPARSE.replace('install ok installed', 'install ok triggers-pending'))).toThrow(/no pending triggers/);
    expect(() => parseDpkgStatus(LIBAUPARSE.trimEnd())).toThrow(/final newline/);
    expect(() => parseDpkgStatus(`${LIBAUPARSE}X-Empty:\n`)).toThrow(/ends the file before the value/);
    expect(parseDpkgStatus(`${LIBAUPARSE}X-Note: ends with a colon:\n`).map((r) => r.name)).toEqual(['libauparse0']);
    // a line of blanks does not end a stanza: the next Package field repeats the first
    expect(() => parseDpkgStatus(`${LIBAUPARSE}  \n${OPENSSH_SERVER}`)).toThrow(/repeats the field Package/);
  });
});

describe('RPM packages', () => {
  it('parses rpm -qa query output and skips gpg-pubkey entries', async () => {
    const { parseRpmQuery } = await import('../../src/facts/packages.js');
    const { presentByName } = await import('../../src/facts/packages.js');
    const records = parseRpmQuery('openssh-server\t(none)\t7.4p1\t21.al7\tx86_64\ngpg-pubkey\t(none)\tabc\t1\t(none)\ntelnet\t1\t0.17\t66.al7\tx86_64\n');
    expect(records.map((r) => r.rpm)).toEqual([
      { version: '7.4p1', release: '21.al7', arch: 'x86_64' }, { version: 'abc', release: '1', arch: '' }, { epoch: 1, version: '0.17', release: '66.al7', arch: 'x86_64' },
    ]);
    const m = presentByName(records);
    expect([...m.keys()]).toEqual(['openssh-server', 'telnet']);
    expect(m.get('openssh-server')?.version).toBe('7.4p1-21.al7');
    expect(() => parseRpmQuery('broken line\n')).toThrow(/not "name<TAB>epoch<TAB>version<TAB>release<TAB>arch"/);
  });

  it('reads the ACL2 fixture database offline (its Berkeley DB, without rpm) and live (rpm -qa in the container) alike', async () => {
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

/**
 * The parsers behind sections 1.2-1.8 on the RPM family (Alibaba Cloud Linux 2): yum's INI files, the
 * gpg-pubkey entries of the RPM database and the key files of /etc/pki/rpm-gpg, `yum -C check-update`,
 * /etc/selinux/config, /sys/fs/selinux/enforce and the process contexts ps shows, the ExecStart lines of
 * systemd's rescue and emergency units, cronie's file-name rules, and the grub-mkconfig fix.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckError } from '../../src/model/verdict.js';
import { describeRepo, parseYumIni, reposOf, sectionValue, yumBool, yumConfWithMainGpgcheck } from '../../src/facts/yum.js';
import { parseArmouredKeys, parseImportedKeys } from '../../src/facts/rpm-keys.js';
import { parseYumCheckUpdate } from '../../src/facts/pending-updates.js';
import { parseEnforce, parseProcessLabels, parseSelinuxConfig } from '../../src/facts/selinux.js';
import { applyExecStart, orderDropIns, parseExecStart } from '../../src/facts/single-user-mode.js';
import { cronieRunsName } from '../../src/facts/scheduled-jobs.js';
import { grubMkconfigWithMode, parseGrubMkconfigChmods } from '../../src/facts/grub.js';

const acl2Files = path.resolve(__dirname, '../../containers/acl2/files');
const acl2 = (p: string) => readFileSync(path.join(acl2Files, p), 'utf8');

describe('yum configuration', () => {
  it('reads ACL2\'s yum.conf and AliYun.repo', () => {
    const conf = parseYumIni(acl2('etc/yum.conf'), '/etc/yum.conf');
    expect(conf.map((s) => s.name)).toEqual(['main']);
    expect(sectionValue(conf[0], 'gpgcheck')).toEqual({ key: 'gpgcheck', value: '1', line: 8 });
    const repos = reposOf(parseYumIni(acl2('etc/yum.repos.d/AliYun.repo'), '/etc/yum.repos.d/AliYun.repo'), '/etc/yum.repos.d/AliYun.repo', true);
    expect(repos.map((r) => [r.id, r.line, r.enabled, r.gpgcheck])).toEqual([['base', 1, true, true], ['updates', 8, true, true], ['extras', 15, true, true], ['plus', 22, true, true]]);
    expect(describeRepo(repos[0])).toBe('[base] AliYun-$releasever - Base - mirrors.cloud.aliyuncs.com: baseurl=http://mirrors.cloud.aliyuncs.com/alinux/$releasever/os/$basearch/; '
      + 'enabled; gpgcheck=1; gpgkey=http://mirrors.cloud.aliyuncs.com/alinux/RPM-GPG-KEY-ALIYUN');
  });

  it('inherits gpgcheck from [main], lowercases keys, joins continuation lines, keeps the last value', () => {
    const text = '[epel]\nName=EPEL\nBASEURL=http://a.example/epel\n  http://b.example/epel\n# a comment\nenabled = 0\ngpgcheck=1 ; inline\ngpgcheck=no\n\n[local]\nbaseurl=file:///srv/repo\n';
    const [epel, local] = reposOf(parseYumIni(text, '/etc/yum.repos.d/x.repo'), '/etc/yum.repos.d/x.repo', true);
    expect(epel).toMatchObject({ name: 'EPEL', enabled: false, gpgcheck: false, gpgcheckSetting: { line: 8, value: 'no' } });
    expect(epel.sources[0].value).toBe('http://a.example/epel\nhttp://b.example/epel');
    expect(local).toMatchObject({ gpgcheck: true, gpgcheckSetting: undefined });
    expect(describeRepo(local)).toMatch(/gpgcheck not set \(inherits 1 from \[main\]\)/);
  });

  it('understands yum\'s booleans and refuses what yum would refuse', () => {
    expect(['1', 'Yes', 'true', 'on', '0', 'NO', 'false', 'off', 'maybe'].map(yumBool)).toEqual([true, true, true, true, false, false, false, false, undefined]);
    expect(() => reposOf(parseYumIni('[x]\ngpgcheck=maybe\n', 'f'), 'f', true)).toThrow(/f:2 sets gpgcheck=maybe/);
    expect(() => parseYumIni('gpgcheck=1\n', 'f')).toThrow(/f:1 sets gpgcheck before any \[section\]/);
    expect(() => parseYumIni('[main]\njust words\n', 'f')).toThrow(/f:2 is neither/);
    expect(() => parseYumIni('  indented first\n', 'f')).toThrow(/f:1 is a continuation line/);
  });

  it('puts gpgcheck=1 into [main], not at the end of the file', () => {
    expect(yumConfWithMainGpgcheck('[main]\ncachedir=/var/cache/yum\n\n[local]\nbaseurl=file:///srv\n'))
      .toBe('[main]\ngpgcheck=1\ncachedir=/var/cache/yum\n\n[local]\nbaseurl=file:///srv\n');
    expect(yumConfWithMainGpgcheck('[main]\ngpgcheck = 0\n[x]\ngpgcheck=0\n')).toBe('[main]\ngpgcheck=1\n[x]\ngpgcheck=0\n');
    expect(yumConfWithMainGpgcheck('')).toBe('[main]\ngpgcheck=1\n\n\n');
  });
});

describe('RPM signing keys', () => {
  it('reads gpg-pubkey entries: key id, creation date, summary', () => {
    expect(parseImportedKeys('gpg-pubkey-f4a80eb5-53a7ff4b\tgpg(CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>)\n')).toEqual([{
      entry: 'gpg-pubkey-f4a80eb5-53a7ff4b', keyId: 'f4a80eb5', created: '2014-06-23', summary: 'gpg(CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>)',
    }]);
    expect(parseImportedKeys('')).toEqual([]);
    expect(() => parseImportedKeys('package gpg-pubkey is not installed\n')).toThrow(CheckError);
  });

  it('reads every armoured block of a key file to its public identity', () => {
    const binary = readFileSync('/var/tmp/cis-bdd-fixtures/ubuntu-18.04/etc/apt/trusted.gpg.d/ubuntu-keyring-2012-archive.gpg');
    const armour = `-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: test\n\n${binary.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PGP PUBLIC KEY BLOCK-----\n`;
    const keys = parseArmouredKeys(`${armour}${armour}`, '/etc/pki/rpm-gpg/RPM-GPG-KEY-test');
    expect(keys.map((k) => k.fingerprint)).toEqual(['790BC7277767219C42C86F933B4FE6ACC0B21F32', '790BC7277767219C42C86F933B4FE6ACC0B21F32']);
    expect(() => parseArmouredKeys('not a key\n', 'k')).toThrow(/k: not an OpenPGP keyring/);
  });
});

describe('yum -C check-update', () => {
  it('lists the updates the cache knows of, with wrapped names, and the age of the cache', () => {
    const out = [
      '', 'kernel.x86_64                       4.19.91-27.8.al7                    updates',
      'openssl-libs.x86_64                 1:1.0.2k-26.al7                     updates',
      'a-package-with-a-very-long-name-indeed.noarch', '                                    2.0-1.al7                           plus',
      'Obsoleting Packages', 'grub2.x86_64   1:2.02-0.88.al7   updates', '    grub2.x86_64   1:2.02-0.87.al7   @anaconda',
      '@@yum-exit 100', '@@cache', '1700000000 /var/cache/yum/x86_64/2.1903/base/repomd.xml', '1700000900 /var/cache/yum/x86_64/2.1903/updates/repomd.xml', '',
    ].join('\n');
    const p = parseYumCheckUpdate(out);
    expect(p.upgrades.map((u) => [u.name, u.to, u.origin])).toEqual([
      ['kernel', '4.19.91-27.8.al7', 'updates'], ['openssl-libs', '1:1.0.2k-26.al7', 'updates'], ['a-package-with-a-very-long-name-indeed', '2.0-1.al7', 'plus'],
    ]);
    expect([p.manager, p.listsUpdatedAt, p.listFiles, p.unavailable]).toEqual(['yum', 1700000900, 2, undefined]);
  });

  it('nothing to update; no yum; no cache; a failure', () => {
    expect(parseYumCheckUpdate('\n@@yum-exit 0\n@@cache\n')).toMatchObject({ upgrades: [], listsUpdatedAt: null });
    expect(parseYumCheckUpdate('sh: yum: command not found\n@@yum-exit 127\n@@cache\n').unavailable).toBe('yum is not installed on the target');
    expect(parseYumCheckUpdate("Error: Cache-only enabled but no cache for 'base'\n@@yum-exit 1\n@@cache\n").unavailable).toMatch(/no cached metadata.*no cache for 'base'/);
    expect(() => parseYumCheckUpdate('Error: rpmdb open failed\n@@yum-exit 1\n@@cache\n')).toThrow(/failed \(exit 1\): Error: rpmdb open failed/);
    expect(() => parseYumCheckUpdate('garbled\n@@yum-exit 100\n@@cache\n')).toThrow(/none could be read/);
    expect(() => parseYumCheckUpdate('garbage')).toThrow(CheckError);
  });
});

describe('SELinux', () => {
  it('reads ACL2\'s /etc/selinux/config', () => {
    const c = parseSelinuxConfig(acl2('etc/selinux/config'));
    expect([c.state?.value, c.state?.line, c.policy?.value, c.policy?.line]).toEqual(['disabled', 4, 'targeted', 6]);
  });

  it('reads SELINUX= as libselinux does at boot (first, at the start of a line) and SELINUXTYPE= last', () => {
    const c = parseSelinuxConfig('#SELINUX=enforcing\n SELINUX=permissive\nSELINUX=disabled\nSELINUX=enforcing\nselinuxtype=mls\n  SELINUXTYPE="targeted"\n');
    expect([c.state?.value, c.state?.line, c.policy?.value, c.policy?.line]).toEqual(['disabled', 3, 'targeted', 6]);
    expect(parseSelinuxConfig('# nothing\n')).toMatchObject({ state: undefined, policy: undefined, lines: [] });
  });

  it('reads the running mode from /sys/fs/selinux/enforce', () => {
    expect([parseEnforce('1\n'), parseEnforce('0'), parseEnforce(null)]).toEqual(['enforcing', 'permissive', 'disabled']);
    expect(() => parseEnforce('yes')).toThrow(/neither 1 nor 0/);
  });

  it('reads the process contexts, leaving out its own shell and ps', () => {
    const out = [
      '@@self 900',
      'system_u:system_r:init_t:s0                   1     0 systemd',
      'system_u:system_r:kernel_t:s0                 2     0 kthreadd',
      'system_u:system_r:unconfined_service_t:s0   812     1 node_exporter',
      'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023   900   880 sh',
      'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023   901   900 ps',
      '-                                           950     1 java app',
      '@@ps-exit 0', '',
    ].join('\n');
    const p = parseProcessLabels(out);
    expect(p.processes.map((x) => [x.pid, x.type, x.name])).toEqual([[1, 'init_t', 'systemd'], [2, 'kernel_t', 'kthreadd'], [812, 'unconfined_service_t', 'node_exporter'], [950, null, 'java app']]);
    expect(() => parseProcessLabels('@@self 1\nps: unknown option\n@@ps-exit 1\n')).toThrow(/exit 1\): ps: unknown option/);
    expect(() => parseProcessLabels('@@self 1\nwhat is this\n@@ps-exit 0\n')).toThrow(/ps line not understood/);
  });
});

describe('single user mode units', () => {
  it('reads systemd 219\'s rescue.service', () => {
    const a = parseExecStart(acl2('usr/lib/systemd/system/rescue.service'), '/usr/lib/systemd/system/rescue.service');
    expect(applyExecStart(a)).toEqual([{ file: '/usr/lib/systemd/system/rescue.service', line: 15, command: '-/bin/sh -c "/usr/sbin/sulogin; /usr/bin/systemctl --fail --no-block default"' }]);
  });

  it('an empty ExecStart= clears the list; continuation lines are joined; other sections do not count', () => {
    const unit = parseExecStart('[Service]\nExecStart=-/bin/sh -c "/usr/sbin/sulogin"\n', 'u');
    const drop = parseExecStart('[Unit]\nExecStart=/ignored\n[Service]\nExecStart=\nExecStart=-/bin/bash \\\n  --login\n', 'd');
    expect(applyExecStart([...unit, ...drop])).toEqual([{ file: 'd', line: 5, command: '-/bin/bash --login' }]);
    expect(() => parseExecStart('[Service]\nnot a setting\n', 'x')).toThrow(/x:2 is not a "Setting=value" line/);
  });

  it('orders drop-ins by name, /etc hiding the same name further down', () => {
    expect(orderDropIns([
      '/usr/lib/systemd/system/rescue.service.d/50-a.conf', '/etc/systemd/system/rescue.service.d/50-a.conf',
      '/run/systemd/system/rescue.service.d/10-b.conf', '/etc/systemd/system/rescue.service.d/notes.txt',
      '/etc/systemd/system/emergency.service.d/00-c.conf',
    ], 'rescue.service')).toEqual(['/run/systemd/system/rescue.service.d/10-b.conf', '/etc/systemd/system/rescue.service.d/50-a.conf']);
  });
});

describe('cronie\'s file names', () => {
  it('runs names Debian\'s cron would skip, skips backups and rpm copies', () => {
    expect(['aide', 'aide.disabled', '0hourly', '.aide', 'aide~', 'aide.rpmsave', 'aide.rpmnew', 'aide.rpmorig'].map((n) => cronieRunsName(n)))
      .toEqual([true, true, true, false, false, false, false, false]);
    expect(['aide.swp', 'aide.cfsaved', 'aide,', 'aide,v', 'aide.sh'].map((n) => cronieRunsName(n, true))).toEqual([false, false, false, false, true]);
  });
});

describe('grub-mkconfig with a fixed mode', () => {
  it('sets the chmod and drops the password condition, so that the mode is set in every case', () => {
    const stock = [
      'if test "x${grub_cfg}" != "x" && ! grep "^password" ${grub_cfg}.new >/dev/null; then', '  chmod 444 ${grub_cfg}.new || true', 'fi', '',
    ].join('\n');
    const fixed = grubMkconfigWithMode(stock, 0o400);
    expect(fixed).toBe('if test "x${grub_cfg}" != "x"; then\n  chmod 400 ${grub_cfg}.new || true\nfi\n');
    expect(parseGrubMkconfigChmods(fixed)).toEqual([expect.objectContaining({ mode: 0o400, skippedWithPassword: false })]);
  });
});

/**
 * Pure parsers of the facts behind CIS Ubuntu 18.04 sections 1.2-1.9: on samples from the Ubuntu 18.04
 * fixture where it has them, on samples in the shape Ubuntu 18.04 writes them, and on malformed input.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { parseDefaultGrubCmdline, parseGrubAccessControl, parseGrubMkconfigChmods } from '../../src/facts/grub.js';
import { classifyProfiles, parseAppArmorRunning, parseProfileHeaders, skippedProfileName } from '../../src/facts/apparmor.js';
import { aptReadsSourceFile, describeSource, parseDeb822Sources, parseSourcesList } from '../../src/facts/apt-sources.js';
import { dearmor, describeKey, parseKeyring } from '../../src/facts/apt-keys.js';
import { cronRunsName, parseCrontab, parsePeriodicScript } from '../../src/facts/scheduled-jobs.js';
import { parseLimits } from '../../src/facts/limits.js';
import { orderCoredumpFiles, parseCoredumpConf } from '../../src/facts/coredump.js';
import { parseNxSupport } from '../../src/facts/nx-support.js';
import { disclosures } from '../../src/facts/banners.js';
import { keyFileBoolean, keyFileValue, parseKeyFile } from '../../src/facts/gdm.js';
import { parsePendingUpdates } from '../../src/facts/pending-updates.js';
import { CheckError } from '../../src/model/verdict.js';

const base = ensureUbuntuBase();
const fixtureText = (p: string) => readFileSync(path.join(base, p), 'utf8');
const fixtureBytes = (p: string) => readFileSync(path.join(base, p));

/** How Ubuntu 18.04's grub-mkconfig (grub2-common 2.02) ends. */
const STOCK_GRUB_MKCONFIG = `#! /bin/sh
set -e
# (start of the script left out)
if test "x\${grub_cfg}" != "x" ; then
  rm -f "\${grub_cfg}.new"
  oldumask=$(umask); umask 077
  exec > "\${grub_cfg}.new"
  umask $oldumask
fi
echo "done" >&2

if test "x\${grub_cfg}" != "x" && ! grep "^password" \${grub_cfg}.new >/dev/null; then
  chmod 444 \${grub_cfg}.new || true
fi

if test "x\${grub_cfg}" != "x" ; then
  if ! \${grub_script_check} \${grub_cfg}.new; then
    exit 1
  fi
  mv -f \${grub_cfg}.new \${grub_cfg}
fi
`;

describe('GRUB', () => {
  it('finds the chmod of the new grub.cfg and the password condition around it', () => {
    const [c] = parseGrubMkconfigChmods(STOCK_GRUB_MKCONFIG);
    expect(c).toMatchObject({ line: 13, mode: 0o444, skippedWithPassword: true, text: 'chmod 444 ${grub_cfg}.new || true' });
    expect(c.before).toMatch(/^if test/);
    expect(c.after).toBe('fi');
  });
  it('reads the remediated form', () => {
    const fixed = 'if [ "x${grub_cfg}" != "x" ]; then\n  chmod 400 ${grub_cfg}.new || true\nfi\n';
    expect(parseGrubMkconfigChmods(fixed)).toEqual([{ line: 2, mode: 0o400, text: 'chmod 400 ${grub_cfg}.new || true', before: 'if [ "x${grub_cfg}" != "x" ]; then', after: 'fi', skippedWithPassword: false }]);
  });
  it('ignores a chmod of another file and an empty script', () => {
    expect(parseGrubMkconfigChmods('chmod 400 /tmp/x\n# chmod 444 ${grub_cfg}.new\n')).toEqual([]);
    expect(parseGrubMkconfigChmods('')).toEqual([]);
  });
  const cfg = [
    '### BEGIN /etc/grub.d/00_header ###',
    'set default="0"',
    '### BEGIN /etc/grub.d/40_custom ###',
    'set superusers="root admin"',
    'password_pbkdf2 root grub.pbkdf2.sha512.10000.0123456789ABCDEF.FEDCBA9876543210',
    'password admin plaintext-secret',
    "menuentry 'Ubuntu' --class ubuntu {",
    '  set superusers="nobody"',
    '  linux /boot/vmlinuz-4.15.0-20-generic root=UUID=0a1b ro quiet apparmor=1 security=apparmor',
    '}',
  ].join('\n');
  it('reads superusers and passwords at the start of a line, never keeping a secret', () => {
    const acl = parseGrubAccessControl(cfg);
    expect(acl.superusers).toEqual([{ line: 4, users: ['root', 'admin'], text: 'set superusers="root admin"' }]);
    expect(acl.passwords.map((p) => [p.line, p.kind, p.user])).toEqual([[5, 'pbkdf2', 'root'], [6, 'plain', 'admin']]);
    const all = JSON.stringify(acl);
    expect(all).not.toMatch(/0123456789ABCDEF|plaintext-secret/);
    expect(acl.passwords[0].shown).toBe('password_pbkdf2 root <hash not shown>');
  });
  it('splits superusers on commas and accepts a bare word', () => {
    expect(parseGrubAccessControl('set superusers=a,b;c\n').superusers[0].users).toEqual(['a', 'b', 'c']);
    expect(parseGrubAccessControl('set superusers=""\n').superusers[0].users).toEqual([]);
  });
  it('reads GRUB_CMDLINE_LINUX from /etc/default/grub', () => {
    expect(parseDefaultGrubCmdline('GRUB_TIMEOUT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\nGRUB_CMDLINE_LINUX=""\n'))
      .toEqual([{ file: '/etc/default/grub', line: 2, key: 'GRUB_CMDLINE_LINUX_DEFAULT', value: 'quiet splash' }, { file: '/etc/default/grub', line: 3, key: 'GRUB_CMDLINE_LINUX', value: '' }]);
  });
});

describe('AppArmor profiles on disk', () => {
  it('reads the fixture\'s chronyd profile header with its bare flag list', () => {
    expect(parseProfileHeaders(fixtureText('etc/apparmor.d/usr.sbin.chronyd'))).toEqual([{ line: 5, name: '/usr/sbin/chronyd', flags: ['attach_disconnected'] }]);
    expect(parseProfileHeaders(fixtureText('etc/apparmor.d/usr.sbin.rsyslogd'))).toEqual([{ line: 9, name: '/usr/sbin/rsyslogd', flags: [] }]);
  });
  it('reads named profiles, hats, flags= and comments', () => {
    const text = [
      '#include <tunables/global>',
      '# /usr/bin/commented flags=(complain) {',
      'profile ping /{usr/,}bin/ping flags=(complain, attach_disconnected) {',
      '  network inet raw,',
      '  ^hat flags=(kill) {',
      '  }',
      '}',
    ].join('\n');
    expect(parseProfileHeaders(text)).toEqual([
      { line: 3, name: 'ping', flags: ['complain', 'attach_disconnected'] },
      { line: 5, name: '^hat', flags: ['kill'] },
    ]);
  });
  it('classifies files: disabled, forced to complain, flagged, enforced; skips leftovers and directories', () => {
    const r = classifyProfiles([
      { path: '/etc/apparmor.d/abstractions', kind: 'directory' },
      { path: '/etc/apparmor.d/usr.sbin.a', kind: 'file', text: '/usr/sbin/a {\n}\n' },
      { path: '/etc/apparmor.d/usr.sbin.b', kind: 'file', text: '/usr/sbin/b flags=(complain) {\n}\n' },
      { path: '/etc/apparmor.d/usr.sbin.c', kind: 'file', text: '/usr/sbin/c {\n}\n' },
      { path: '/etc/apparmor.d/usr.sbin.d', kind: 'file', text: '/usr/sbin/d {\n}\n' },
      { path: '/etc/apparmor.d/usr.sbin.a.dpkg-old', kind: 'file', text: '/usr/sbin/a {\n}\n' },
      { path: '/etc/apparmor.d/gone', kind: 'missing' },
    ], ['usr.sbin.c'], ['usr.sbin.d']);
    expect(r.profiles.map((p) => `${p.path.slice(16)}=${p.mode}`)).toEqual(['usr.sbin.a=enforce', 'usr.sbin.b=complain', 'usr.sbin.c=disabled', 'usr.sbin.d=complain']);
    expect(r.skipped.map((s) => s.path)).toEqual(['/etc/apparmor.d/usr.sbin.a.dpkg-old', '/etc/apparmor.d/gone']);
  });
  it('knows the names the loader skips', () => {
    expect(skippedProfileName('README')).toBe('README');
    expect(skippedProfileName('x~')).toBeDefined();
    expect(skippedProfileName('.hidden')).toBe('hidden file');
    expect(skippedProfileName('usr.bin.man')).toBeUndefined();
  });
});

describe('AppArmor in the running kernel', () => {
  it('reads profiles and finds processes unconfined although their profile is loaded', () => {
    const r = parseAppArmorRunning([
      'enabled Y', '@@profiles', '/usr/sbin/chronyd (enforce)', '/usr/sbin/rsyslogd (complain)', 'docker-default (enforce)',
      '@@processes', '1 /sbin/init unconfined', '412 /usr/sbin/rsyslogd unconfined', '500 /usr/sbin/chronyd /usr/sbin/chronyd (enforce)', '',
    ].join('\n'));
    expect(r.enabled).toBe(true);
    expect(r.profiles).toEqual([{ name: '/usr/sbin/chronyd', mode: 'enforce' }, { name: '/usr/sbin/rsyslogd', mode: 'complain' }, { name: 'docker-default', mode: 'enforce' }]);
    expect(r.unconfinedWithProfile).toEqual([{ pid: 412, exe: '/usr/sbin/rsyslogd' }]);
  });
  it('a kernel without AppArmor; a profiles file alone shows that AppArmor is on', () => {
    expect(parseAppArmorRunning('enabled absent\n@@no-profiles\n@@processes\n')).toMatchObject({ enabled: false, profilesReadable: false, profiles: [] });
    expect(parseAppArmorRunning('enabled absent\n@@profiles\n/x (enforce)\n@@processes\n')).toMatchObject({ enabled: true, profilesReadable: true });
  });
  it('rejects output it does not understand', () => {
    expect(() => parseAppArmorRunning('')).toThrow(CheckError);
    expect(() => parseAppArmorRunning('enabled Y\n@@profiles\nno mode here\n')).toThrow(/unexpected line/);
  });
});

describe('APT sources', () => {
  it('reads the fixture\'s sources.list', () => {
    const s = parseSourcesList(fixtureText('etc/apt/sources.list'), '/etc/apt/sources.list');
    expect(s.map(describeSource)).toEqual(['deb http://archive.ubuntu.com/ubuntu bionic main universe']);
    expect(s[0].line).toBeGreaterThan(0);
  });
  it('reads options, comments and exact suite paths', () => {
    const s = parseSourcesList('# comment\ndeb [arch=amd64 trusted=yes] http://repo.example/ubuntu bionic main # tail\ndeb-src http://x.example/ ./\n', '/f.list');
    expect(s.map((x) => [x.line, x.types[0], x.options, x.components])).toEqual([[2, 'deb', { arch: 'amd64', trusted: 'yes' }, ['main']], [3, 'deb-src', {}, []]]);
  });
  it('rejects what APT rejects', () => {
    expect(() => parseSourcesList('rpm http://x bionic main\n', 'f')).toThrow(/f:1 is not a valid APT source line/);
    expect(() => parseSourcesList('deb http://x\n', 'f')).toThrow(/names no suite/);
    expect(() => parseSourcesList('deb http://x bionic\n', 'f')).toThrow(/names no component/);
    expect(() => parseSourcesList('deb [trusted] http://x bionic main\n', 'f')).toThrow(/malformed option/);
  });
  it('reads deb822 stanzas', () => {
    const s = parseDeb822Sources('# x\nTypes: deb deb-src\nURIs: http://a.example/ubuntu\nSuites: bionic\n bionic-updates\nComponents: main\nSigned-By: /usr/share/keyrings/a.gpg\n\nEnabled: no\nTypes: deb\nURIs: http://b.example\nSuites: stable\nComponents: main\n', '/x.sources');
    expect(s.map((x) => [x.line, x.types, x.suites, x.enabled, x.options])).toEqual([
      [2, ['deb', 'deb-src'], ['bionic', 'bionic-updates'], true, { 'signed-by': '/usr/share/keyrings/a.gpg' }],
      [9, ['deb'], ['stable'], false, {}],
    ]);
    expect(() => parseDeb822Sources('Types: deb\nURIs: http://a\n', 'f')).toThrow(/without Types, URIs or Suites/);
    expect(() => parseDeb822Sources('Types deb\n', 'f')).toThrow(/not a "Field: value" line/);
  });
  it('knows which files of sources.list.d APT reads', () => {
    expect([aptReadsSourceFile('a.list'), aptReadsSourceFile('b.sources'), aptReadsSourceFile('c.list.save'), aptReadsSourceFile('d e.list')]).toEqual(['list', 'sources', null, null]);
  });
});

describe('APT keys', () => {
  it('identifies the fixture\'s Ubuntu archive key', () => {
    const keys = parseKeyring(fixtureBytes('etc/apt/trusted.gpg.d/ubuntu-keyring-2012-archive.gpg'), 'k');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ fingerprint: '790BC7277767219C42C86F933B4FE6ACC0B21F32', keyId: '3B4FE6ACC0B21F32', algorithm: 'RSA 4096', created: '2012-05-11' });
    expect(keys[0].userIds).toEqual(['Ubuntu Archive Automatic Signing Key (2012) <ftpmaster@ubuntu.com>']);
    expect(describeKey(keys[0])).toMatch(/^790BC7277767219C42C86F933B4FE6ACC0B21F32 \(key id 3B4FE6ACC0B21F32, RSA 4096, created 2012-05-11\) Ubuntu Archive/);
  });
  it('reads an armoured keyring', () => {
    const bin = fixtureBytes('etc/apt/trusted.gpg.d/ubuntu-keyring-2012-cdimage.gpg');
    const b64 = bin.toString('base64').replace(/(.{64})/g, '$1\n');
    const asc = `-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: test\n\n${b64}\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n`;
    expect(parseKeyring(dearmor(asc, 'a.asc'), 'a.asc')[0].fingerprint).toBe('843938DF228D22F7B3742BC0D94AA3F0EFE21092');
  });
  it('rejects what is not a keyring', () => {
    expect(() => parseKeyring(Buffer.from('not a key'), 'x.gpg')).toThrow(/not an OpenPGP keyring/);
    const bin = fixtureBytes('etc/apt/trusted.gpg.d/ubuntu-keyring-2012-archive.gpg');
    expect(() => parseKeyring(bin.subarray(0, 100), 'x.gpg')).toThrow(/truncated/);
    expect(() => dearmor('hello', 'x.asc')).toThrow(/no armoured public key block/);
  });
});

describe('cron jobs', () => {
  it('reads the fixture\'s /etc/crontab', () => {
    const { entries, skipped } = parseCrontab(fixtureText('etc/crontab'), '/etc/crontab', true);
    expect(skipped).toEqual([]);
    expect(entries.map((e) => [e.schedule, e.user])).toEqual([['17 * * * *', 'root'], ['25 6 * * *', 'root'], ['47 6 * * 7', 'root'], ['52 6 1 * *', 'root']]);
    expect(entries[1].command).toMatch(/run-parts --report \/etc\/cron.daily/);
  });
  it('users\' crontabs have no user field; @keywords; environment lines; bad lines', () => {
    const u = parseCrontab('MAILTO=root\n@daily /usr/bin/aide.wrapper --check\n0 5 * * * /usr/sbin/aide --check\n', '/var/spool/cron/crontabs/root', false);
    expect(u.entries.map((e) => [e.line, e.schedule, e.user, e.command])).toEqual([[2, '@daily', 'root', '/usr/bin/aide.wrapper --check'], [3, '0 5 * * *', 'root', '/usr/sbin/aide --check']]);
    const bad = parseCrontab('0 5 * *\n@sometimes root x\nx y z w v root cmd\n', '/etc/cron.d/x', true);
    expect(bad.entries).toEqual([]);
    expect(bad.skipped.map((s) => s.where)).toEqual(['/etc/cron.d/x:1', '/etc/cron.d/x:2', '/etc/cron.d/x:3']);
  });
  it('periodic scripts keep only lines that are not comments; run-parts naming', () => {
    expect(parsePeriodicScript(fixtureText('etc/cron.daily/dpkg'), '/etc/cron.daily/dpkg', 'daily').lines[0].text).not.toMatch(/^#/);
    expect([cronRunsName('aide'), cronRunsName('aide.sh'), cronRunsName('0anacron')]).toEqual([true, false, true]);
  });
});

describe('resource limits', () => {
  it('reads the fixture\'s limits.conf, which sets nothing', () => {
    expect(parseLimits(fixtureText('etc/security/limits.conf'), '/etc/security/limits.conf')).toEqual({ entries: [], ignored: [] });
  });
  it('reads entries and lists lines pam_limits cannot use', () => {
    const r = parseLimits('*  hard  core  0 # no dumps\n@adm - CORE Unlimited\n* hard core\n* medium core 0\n', 'f');
    expect(r.entries.map((e) => [e.line, e.domain, e.type, e.item, e.value])).toEqual([[1, '*', 'hard', 'core', '0'], [2, '@adm', '-', 'core', 'unlimited']]);
    expect(r.ignored.map((i) => i.where)).toEqual(['f:3', 'f:4']);
  });
});

describe('systemd-coredump configuration', () => {
  it('reads the [Coredump] section and orders drop-ins', () => {
    expect(parseCoredumpConf('[Coredump]\n#Storage=external\nStorage=none\nProcessSizeMax=0\n[Other]\nX=1\n', 'f').map((s) => `${s.key}=${s.value}@${s.line}`)).toEqual(['Storage=none@3', 'ProcessSizeMax=0@4']);
    expect(orderCoredumpFiles(['/usr/lib/systemd/coredump.conf.d/10-a.conf', '/etc/systemd/coredump.conf.d/10-a.conf', '/etc/systemd/coredump.conf', '/run/systemd/coredump.conf.d/05-b.conf']))
      .toEqual(['/etc/systemd/coredump.conf', '/run/systemd/coredump.conf.d/05-b.conf', '/etc/systemd/coredump.conf.d/10-a.conf']);
  });
  it('rejects malformed lines', () => {
    expect(() => parseCoredumpConf('[Coredump]\nStorage none\n', 'f')).toThrow(/f:2/);
    expect(() => parseCoredumpConf('Storage=none\n', 'f')).toThrow(/outside any section/);
  });
});

describe('no-execute support', () => {
  const cpu = (flags: string) => `processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: ${flags}\n\nprocessor\t: 1\nflags\t\t: fpu nx lm\n`;
  it('reads flags per processor and the kernel command line', () => {
    expect(parseNxSupport(cpu('fpu vme pae nx lm'), 'BOOT_IMAGE=/vmlinuz ro quiet\n')).toEqual({ processors: [{ processor: '0', nx: true }, { processor: '1', nx: true }], x86: true, disabledBy: [], cmdline: 'BOOT_IMAGE=/vmlinuz ro quiet' });
    const off = parseNxSupport(cpu('fpu pae lm'), 'ro noexec=off noexec32=off');
    expect(off.processors[0].nx).toBe(false);
    expect(off.disabledBy).toEqual(['noexec=off', 'noexec32=off']);
  });
  it('an arm64 cpuinfo has no flags line', () => {
    expect(parseNxSupport('processor\t: 0\nFeatures\t: fp asimd\n', '').x86).toBe(false);
  });
});

describe('banners', () => {
  it('finds the OS name in the fixture\'s /etc/issue, but not \\n or \\l', () => {
    expect(disclosures(fixtureText('etc/issue'), 'ubuntu')).toEqual([{ line: 1, found: 'Ubuntu', text: 'Ubuntu 18.04 LTS \\n \\l' }]);
  });
  it('finds the four escapes in either case', () => {
    expect(disclosures('Kernel \\r on \\m\n\\S \\V\nAuthorised use only\n', 'ubuntu').map((d) => `${d.line}:${d.found}`)).toEqual(['1:\\r', '1:\\m', '2:\\S', '2:\\V']);
    expect(disclosures('Authorised use only.\n', 'ubuntu')).toEqual([]);
  });
  it('refuses to check without an OS ID', () => {
    expect(() => disclosures('x', '')).toThrow(CheckError);
  });
});

describe('GDM key files', () => {
  const greeter = "# GDM greeter defaults\n[org/gnome/login-screen]\n# banner-message-enable=true\nbanner-message-enable=true\nbanner-message-text='Authorised use only'\ndisable-user-list=false\ndisable-user-list=true\n";
  it('reads sections and takes the last value of a key', () => {
    const f = { path: 'g', exists: true, values: parseKeyFile(greeter, 'g') };
    expect(keyFileValue(f, 'org/gnome/login-screen', 'banner-message-text')?.value).toBe("'Authorised use only'");
    expect(keyFileValue(f, 'org/gnome/login-screen', 'disable-user-list')).toMatchObject({ value: 'true', line: 7 });
    expect(keyFileValue(f, 'xdmcp', 'Enable')).toBeUndefined();
    expect([keyFileBoolean('true'), keyFileBoolean('0'), keyFileBoolean('maybe')]).toEqual([true, false, undefined]);
  });
  it('rejects malformed lines', () => {
    expect(() => parseKeyFile('Enable=true\n', 'c')).toThrow(/outside any section/);
    expect(() => parseKeyFile('[xdmcp]\nno equals sign\n', 'c')).toThrow(/c:2/);
  });
});

describe('pending updates', () => {
  it('reads the simulation and the age of the package lists', () => {
    const out = [
      'NOTE: This is only a simulation!', 'Reading package lists...',
      'Inst libssl1.1 [1.1.1-1ubuntu2.1~18.04.20] (1.1.1-1ubuntu2.1~18.04.23 Ubuntu:18.04/bionic-updates, Ubuntu:18.04/bionic-security [amd64])',
      'Inst tzdata [2018d-1] (2023c-0ubuntu0.18.04 Ubuntu:18.04/bionic-updates [all])',
      'Inst linux-image-4.15.0-213-generic (4.15.0-213.224 Ubuntu:18.04/bionic-updates [amd64])',
      'Conf libssl1.1 (1.1.1-1ubuntu2.1~18.04.23 Ubuntu:18.04/bionic-updates [amd64])',
      '@@apt-exit 0', '@@lists', '1700000000 /var/lib/apt/lists/a_InRelease', '1700000500 /var/lib/apt/lists/b_InRelease', '',
    ].join('\n');
    const p = parsePendingUpdates(out);
    expect(p.upgrades.map((u) => [u.name, u.from, u.to, u.security])).toEqual([
      ['libssl1.1', '1.1.1-1ubuntu2.1~18.04.20', '1.1.1-1ubuntu2.1~18.04.23', true],
      ['tzdata', '2018d-1', '2023c-0ubuntu0.18.04', false],
      ['linux-image-4.15.0-213-generic', '', '4.15.0-213.224', false],
    ]);
    expect([p.listsUpdatedAt, p.listFiles]).toEqual([1700000500, 2]);
  });
  it('no lists; a failing apt-get', () => {
    expect(parsePendingUpdates('0 upgraded, 0 newly installed\n@@apt-exit 0\n@@lists\n')).toMatchObject({ upgrades: [], listsUpdatedAt: null });
    expect(() => parsePendingUpdates('E: Could not open lock file\n@@apt-exit 100\n@@lists\n')).toThrow(/exit 100/);
    expect(() => parsePendingUpdates('garbage')).toThrow(CheckError);
  });
});

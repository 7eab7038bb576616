import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootfsItemCases } from '../support/cases.js';
import type { Layer } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { IMAGES, withContainer } from '../support/containers.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';

/** A made-up SHA-512 crypt string; it must never appear in a verdict. */
const HASH = '$6$cisbdd$N0tARealHashN0tARealHashN0tARealHashN0tARealHashN0tARealHash0123456789abcdef';
/** Matches a text that does not contain "$6$" anywhere. */
const NO_HASH = /^(?![\s\S]*\$6\$)/;

/** A login user as adduser makes one: account, group, shadow entry, home 0750 with its dot files. */
function addAlice(l: Layer, home: { mode?: number; uid?: number; create?: boolean } = {}): void {
  l.append('/etc/passwd', 'alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n');
  l.append('/etc/group', 'alice:x:1000:\n');
  l.append('/etc/shadow', `alice:${HASH}:18600:0:99999:7:::\n`);
  if (home.create === false) return;
  l.mkdir('/home/alice', home.mode ?? 0o750, home.uid ?? 1000, 1000);
  l.write('/home/alice/.bashrc', '# bash\n', 0o644, 1000, 1000);
  l.write('/home/alice/.profile', '# profile\n', 0o644, 1000, 1000);
}

const replaceLine = (l: Layer, file: string, from: RegExp, to: string) => l.edit(file, (t) => t.replace(from, to));

rootfsItemCases(UBUNTU, ['6.2'], [
  // 6.2.1 password fields in /etc/passwd
  { id: '6.2.1', expect: 'pass', given: 'the fixture as shipped: every field is "x"', change: () => {} },
  { id: '6.2.1', expect: 'fail', given: "root's hash is in /etc/passwd (and is not quoted back)", change: (l) => replaceLine(l, '/etc/passwd', /^root:x:/m, `root:${HASH}:`),
    reason: new RegExp(`${NO_HASH.source}[\\s\\S]*root: password field is a password hash`) },
  { id: '6.2.1', expect: 'fail', given: 'the password field of games is empty', change: (l) => replaceLine(l, '/etc/passwd', /^games:x:/m, 'games::'), reason: /games: password field is empty/ },

  // 6.2.2 empty password fields in /etc/shadow
  { id: '6.2.2', expect: 'pass', given: 'a user with a password hash (described, not quoted)', change: (l) => addAlice(l), reason: new RegExp(`${NO_HASH.source}[\\s\\S]*hashed 1`) },
  { id: '6.2.2', expect: 'fail', given: 'games has an empty password field', change: (l) => replaceLine(l, '/etc/shadow', /^games:\*:/m, 'games::'), reason: /\/etc\/shadow:6 games: password field is empty/ },
  { id: '6.2.2', expect: 'error', given: '/etc/shadow has a truncated line', change: (l) => l.append('/etc/shadow', 'broken:*:18585\n'), reason: /not a valid shadow line/ },

  // 6.2.3 primary groups
  { id: '6.2.3', expect: 'pass', given: 'a new user whose group exists', change: (l) => addAlice(l) },
  { id: '6.2.3', expect: 'fail', given: 'a new user whose group gid 1000 is not in /etc/group',
    change: (l) => { addAlice(l); replaceLine(l, '/etc/group', /^alice:x:1000:\n/m, ''); }, reason: /alice \(gid 1000\)/ },

  // 6.2.4–6.2.6 home directories of accounts that can log in
  { id: '6.2.4', expect: 'pass', given: 'a login user with a home; the missing homes of nologin accounts (/nonexistent) are not checked', change: (l) => addAlice(l) },
  { id: '6.2.4', expect: 'fail', given: "a login user's home does not exist", change: (l) => addAlice(l, { create: false }), reason: /alice: home \/home\/alice does not exist/,
    alsoChanges: { '6.2.5': 'fail', '6.2.6': 'fail' } },
  { id: '6.2.4', expect: 'fail', given: "a login user's home is a file", change: (l) => { addAlice(l, { create: false }); l.write('/home/alice', 'x', 0o600, 1000, 1000); },
    reason: /is not a directory/, alsoChanges: { '6.2.5': 'fail', '6.2.6': 'fail' } },
  { id: '6.2.5', expect: 'pass', given: 'alice owns /home/alice', change: (l) => addAlice(l) },
  { id: '6.2.5', expect: 'fail', given: '/home/alice is owned by root', change: (l) => addAlice(l, { uid: 0 }), reason: /owned by uid 0, not by alice \(uid 1000\)/ },
  { id: '6.2.6', expect: 'pass', given: '/home/alice is 0700', change: (l) => addAlice(l, { mode: 0o700 }) },
  { id: '6.2.6', expect: 'fail', given: '/home/alice is 0755 (others may read and enter)', change: (l) => addAlice(l, { mode: 0o755 }), reason: /mode 0755 allows others read, others search/ },
  { id: '6.2.6', expect: 'fail', given: '/home/alice is 0770 (the group may write)', change: (l) => addAlice(l, { mode: 0o770 }), reason: /allows group write/ },

  // 6.2.7 dot files
  { id: '6.2.7', expect: 'pass', given: 'dot files 0644, a dot symlink and a dot directory (not files) that are open',
    change: (l) => { addAlice(l); symlinkSync('/tmp/shared-vimrc', path.join(l.root, 'home/alice/.vimrc')); l.mkdir('/home/alice/.cache', 0o777, 1000, 1000); } },
  { id: '6.2.7', expect: 'fail', given: "alice's .bashrc is group-writable", change: (l) => { addAlice(l); l.chmod('/home/alice/.bashrc', 0o664); },
    reason: /\/home\/alice\/\.bashrc \(alice\): mode 0664 is group writable/ },
  { id: '6.2.7', expect: 'fail', given: "alice's .profile is world-writable", change: (l) => { addAlice(l); l.chmod('/home/alice/.profile', 0o646); }, reason: /\.profile .*world writable/ },
  { id: '6.2.7', expect: 'pass', given: 'a world-writable dot file of www-data, which cannot log in',
    change: (l) => { l.mkdir('/var/www', 0o755, 33, 33); l.write('/var/www/.htpasswd', 'x', 0o666, 33, 33); } },

  // 6.2.8–6.2.10 forbidden files
  { id: '6.2.8', expect: 'pass', given: 'a .netrc in the home of www-data, which cannot log in',
    change: (l) => { l.mkdir('/var/www', 0o755, 33, 33); l.write('/var/www/.netrc', 'machine x login y password z\n', 0o600, 33, 33); } },
  { id: '6.2.8', expect: 'fail', given: 'alice has a .netrc', change: (l) => { addAlice(l); l.write('/home/alice/.netrc', 'machine x\n', 0o600, 1000, 1000); },
    reason: /\/home\/alice\/\.netrc \(file, mode 0600, home of alice\)/ },
  { id: '6.2.8', expect: 'fail', given: "root's .netrc is a symbolic link", change: (l) => { l.write('/etc/netrc-shared', 'machine x\n', 0o600); symlinkSync('/etc/netrc-shared', path.join(l.root, 'root/.netrc')); },
    reason: /\/root\/\.netrc \(symbolic link, home of root\)/ },
  { id: '6.2.9', expect: 'pass', given: 'alice has no .forward', change: (l) => addAlice(l) },
  { id: '6.2.9', expect: 'fail', given: 'alice forwards her mail', change: (l) => { addAlice(l); l.write('/home/alice/.forward', 'alice@example.com\n', 0o644, 1000, 1000); }, reason: /\/home\/alice\/\.forward/ },
  { id: '6.2.10', expect: 'pass', given: 'a .rhosts below the first level of a home is not one rsh reads', change: (l) => { addAlice(l); l.mkdir('/home/alice/old', 0o700, 1000, 1000); l.write('/home/alice/old/.rhosts', '+ +\n', 0o600, 1000, 1000); } },
  { id: '6.2.10', expect: 'fail', given: 'root trusts other hosts in /root/.rhosts', change: (l) => l.write('/root/.rhosts', '+ +\n', 0o600), reason: /\/root\/\.rhosts \(file, mode 0600, home of root\)/ },

  // 6.2.11, 6.2.13–6.2.16 uniqueness
  { id: '6.2.11', expect: 'pass', given: 'the fixture as shipped', change: () => {} },
  { id: '6.2.11', expect: 'fail', given: 'a second account with uid 0', change: (l) => l.append('/etc/passwd', 'toor:x:0:0::/root:/usr/sbin/nologin\n'), reason: /toor has uid 0/,
    alsoChanges: { '6.2.13': 'fail' } },
  { id: '6.2.13', expect: 'pass', given: 'a new account with a uid of its own', change: (l) => l.append('/etc/passwd', 'svc:x:998:65534::/nonexistent:/usr/sbin/nologin\n') },
  { id: '6.2.13', expect: 'fail', given: 'a new account with the uid of daemon', change: (l) => l.append('/etc/passwd', 'svc:x:1:1::/nonexistent:/usr/sbin/nologin\n'), reason: /uid 1: .*daemon.*svc/ },
  { id: '6.2.14', expect: 'pass', given: 'a new group with a gid of its own', change: (l) => l.append('/etc/group', 'builders:x:999:\n') },
  { id: '6.2.14', expect: 'fail', given: 'a new group with the gid of adm', change: (l) => l.append('/etc/group', 'logreaders:x:4:\n'), reason: /gid 4: .*adm.*logreaders/ },
  { id: '6.2.15', expect: 'pass', given: 'the fixture as shipped', change: () => {} },
  { id: '6.2.15', expect: 'fail', given: 'a second account named games', change: (l) => l.append('/etc/passwd', 'games:x:998:60::/nonexistent:/usr/sbin/nologin\n'), reason: /user name games/ },
  { id: '6.2.16', expect: 'pass', given: 'the fixture as shipped', change: () => {} },
  { id: '6.2.16', expect: 'fail', given: 'a second group named staff', change: (l) => l.append('/etc/group', 'staff:x:999:\n'), reason: /group name staff/ },

  // 6.2.17 shadow group
  { id: '6.2.17', expect: 'pass', given: 'the fixture as shipped: shadow has no members', change: () => {} },
  { id: '6.2.17', expect: 'fail', given: 'syslog is a member of shadow', change: (l) => replaceLine(l, '/etc/group', /^shadow:x:42:$/m, 'shadow:x:42:syslog'), reason: /has member\(s\): syslog/ },
  { id: '6.2.17', expect: 'fail', given: "an account's primary group is shadow", change: (l) => l.append('/etc/passwd', 'reader:x:998:42::/nonexistent:/usr/sbin/nologin\n'),
    reason: /primary group: reader/ },
  { id: '6.2.17', expect: 'fail', given: 'syslog listed on another group line with gid 42 (id gives syslog gid 42 at login)', change: (l) => l.append('/etc/group', 'hashreaders:x:42:syslog\n'),
    reason: /the group shadow \(gid 42\) has member\(s\): syslog \(\/etc\/group:\d+\)/, alsoChanges: { '6.2.14': 'fail' } },
  { id: '6.2.17', expect: 'fail', given: 'a member after a space and an empty entry (glibc skips both: " syslog" is syslog)', change: (l) => replaceLine(l, '/etc/group', /^shadow:x:42:$/m, 'shadow:x:42:, syslog'),
    reason: /has member\(s\): syslog \(/ },
  { id: '6.2.17', expect: 'fail', given: 'the shadow line indented (glibc reads it; a reader of "^shadow:" would not)', change: (l) => replaceLine(l, '/etc/group', /^shadow:x:42:$/m, '  shadow:x:42:syslog'),
    reason: /has member\(s\): syslog/ },
  { id: '6.2.17', expect: 'pass', given: 'a commented-out member line (not an entry for glibc)', change: (l) => l.append('/etc/group', '#shadow:x:42:syslog\n') },
  { id: '6.2.15', expect: 'fail', given: 'a second, indented account named games (glibc skips the white space)', change: (l) => l.append('/etc/passwd', '\tgames:x:998:60::/nonexistent:/usr/sbin/nologin\n'), reason: /user name games/ },
  { id: '6.2.17', expect: 'not-applicable', given: 'there is no shadow group', change: (l) => replaceLine(l, '/etc/group', /^shadow:x:42:$/m, 'shadowed:x:42:') },

  // 6.2.12: root's login PATH worked out from the files, offline as on a running system (nothing logs in)
  { id: '6.2.12', expect: 'pass', given: "the stock files: ENV_SUPATH and /etc/environment's PATH, unchanged by /etc/profile and /root/.profile",
    change: () => {}, reason: /ENV_SUPATH in \/etc\/login.defs:\d+[\s\S]*PATH in \/etc\/environment:1[\s\S]*\/usr\/local\/games: directory, mode 0755/ },
  { id: '6.2.12', expect: 'fail', given: 'root\'s ~/.bashrc, sourced by ~/.profile, appends "."', change: (l) => l.append('/root/.bashrc', 'PATH="$PATH:."\n'),
    reason: /entry \d+ is "\." \(the current directory\)[\s\S]*\/root\/.bashrc:\d+ PATH="\$PATH:\."/ },
  { id: '6.2.12', expect: 'fail', given: 'ENV_SUPATH in /etc/login.defs has an empty entry', change: (l) => replaceLine(l, '/etc/login.defs', /^ENV_SUPATH.*$/m, 'ENV_SUPATH\tPATH=/usr/sbin::/usr/bin:/sbin:/bin'),
    reason: /empty entry "::"/ },
  { id: '6.2.12', expect: 'fail', given: 'a profile.d script puts a world-writable directory first', change: (l) => { l.write('/etc/profile.d/tools.sh', 'PATH=/opt/tools:$PATH\n'); l.mkdir('/opt/tools', 0o777); },
    reason: /\/opt\/tools is group-writable.*\/opt\/tools is world-writable/ },
  { id: '6.2.12', expect: 'fail', given: "root's ~/.bash_profile (read instead of ~/.profile) adds a directory that does not exist", change: (l) => l.write('/root/.bash_profile', 'PATH=$PATH:$HOME/bin\n'),
    reason: /\/root\/bin does not exist/ },
  { id: '6.2.12', expect: 'pass', given: 'a profile.d script adds a directory only if it exists, and it does not (the test is decided by a stat)',
    change: (l) => l.write('/etc/profile.d/opt.sh', 'if [ -d /opt/absent/bin ]; then PATH="$PATH:/opt/absent/bin"; fi\n') },
  { id: '6.2.12', expect: 'error', given: 'a profile.d script takes the PATH from a command', change: (l) => l.write('/etc/profile.d/site.sh', 'PATH="$(cat /etc/site-path)"\n'),
    reason: /not determined by the files: .*\/etc\/profile.d\/site.sh:1/ },
  { id: '6.2.12', expect: 'error', given: 'PATH set in pam_env.conf (not evaluated)', change: (l) => l.append('/etc/security/pam_env.conf', 'PATH DEFAULT=/usr/bin:.\n'),
    reason: /pam_env.conf:\d+ sets PATH/ },
  { id: '6.2.12', expect: 'error', given: "root's login shell is not bash", change: (l) => replaceLine(l, '/etc/passwd', /^root:(.*):\/bin\/bash$/m, 'root:$1:/bin/sh'),
    reason: /root's login shell is "\/bin\/sh"/ },
]);

describe(`${UBUNTU} 6.2.17 on a running container`, () => {
  it('fails when an account gets the shadow gid as its primary group, which getent group shadow does not show', async () => {
    await withContainer(IMAGES.ubuntuStock, 'useradd -M -g shadow -s /usr/sbin/nologin reader', async (c) => {
      const { report } = await audit({ target: c.uri, benchmark: UBUNTU, only: ['6.2.17'] });
      const item = report.items.find((i) => i.id === '6.2.17')!;
      expect(item.status, item.reason).toBe('fail');
      expect(item.reason).toMatch(/primary group: reader/);
    });
  });
});

describe(`${UBUNTU} 6.2.12 on a running container`, () => {
  const rootPath = async (setup?: string) => withContainer(IMAGES.ubuntuStock, setup, async (c) => {
    const { report } = await audit({ target: c.uri, benchmark: UBUNTU, only: ['6.2.12'] });
    return report.items.find((i) => i.id === '6.2.12')!;
  });

  it('passes with the stock PATH of root', async () => {
    const item = await rootPath();
    expect(item.status, item.reason).toBe('pass');
    expect(item.evidence.map((e) => e.excerpt).join('\n')).toMatch(/PATH=\/usr\/local\/sbin:\/usr\/local\/bin:\/usr\/sbin:\/usr\/bin:\/sbin:\/bin/);
  });

  it('fails when root\'s profile appends "." to the PATH', async () => {
    const item = await rootPath(`echo 'PATH="$PATH:."' >> /root/.profile`);
    expect(item.status).toBe('fail');
    expect(item.reason).toMatch(/is "\." \(the current directory\)/);
  });

  it('fails when root\'s profile leaves an empty entry', async () => {
    const item = await rootPath(`echo 'PATH="/opt/bin::$PATH"' >> /root/.profile; mkdir -p /opt/bin`);
    expect(item.status).toBe('fail');
    expect(item.reason).toMatch(/empty entry "::"/);
  });

  it('fails when a directory in the PATH is world-writable', async () => {
    const item = await rootPath('chmod 0777 /usr/local/bin');
    expect(item.status).toBe('fail');
    expect(item.reason).toMatch(/\/usr\/local\/bin is group-writable.*\/usr\/local\/bin is world-writable/);
  });

  it('fails when a directory in the PATH is missing or owned by another user', async () => {
    const item = await rootPath(`echo 'PATH="/opt/tools/bin:/srv/bin:$PATH"' >> /root/.profile; mkdir -p /srv/bin; chown 1000 /srv/bin`);
    expect(item.status).toBe('fail');
    expect(item.reason).toMatch(/\/opt\/tools\/bin does not exist; \/srv\/bin is owned by uid 1000, not root/);
  });
});

/**
 * Chapter 6 (System Maintenance) of CIS Aliyun Linux 2 v1.0.0 on the ACL2 fixture: every automated item
 * passes and fails on an overlay over acl2-stock, as the benchmark's rule says; the live parts
 * (6.1.1 rpm -Va, 6.2.6 root's login PATH on a running system, the walk from /proc/self/mounts) on containers of the ACL2
 * images; the remediations the failing items record, and a hardening run that applies them.
 */
import { lchownSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootfsItemCases } from '../support/cases.js';
import { ensureAcl2Base, repoRoot, withOverlay, type Layer } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { withContainer } from '../support/containers.js';
import type { ComplianceItem } from '../../src/model/result.js';
import type { HardenOptions, HardenResult } from '../../src/remediation/harden.js';

const ACL2 = 'cis-aliyun-linux-2-v1.0.0';
const STOCK_IMAGE = 'cis-bdd/acl2-stock:latest';
const HARDENED_IMAGE = 'cis-bdd/acl2-hardened:latest';

/** A made-up SHA-512 crypt string; it must never appear in a verdict. */
const HASH = '$6$cisbdd$N0tARealHashN0tARealHashN0tARealHashN0tARealHashN0tARealHash0123456789abcdef';
const NO_HASH = /^(?![\s\S]*\$6\$)/;

const symlink = (l: Layer, target: string, p: string) => symlinkSync(target, path.join(l.root, p));
const replaceLine = (l: Layer, file: string, from: RegExp, to: string) => l.edit(file, (t) => t.replace(from, to));

/** A login user as useradd makes one on ACL2 (UMASK 077): account, group, shadow entry, home 0700 with the skeleton's dot files. */
function addAlice(l: Layer, home: { mode?: number; uid?: number; create?: boolean } = {}): void {
  l.append('/etc/passwd', 'alice:x:1000:1000::/home/alice:/bin/bash\n');
  l.append('/etc/group', 'alice:x:1000:\n');
  l.append('/etc/shadow', `alice:${HASH}:18600:0:99999:7:::\n`);
  if (home.create === false) return;
  l.mkdir('/home/alice', home.mode ?? 0o700, home.uid ?? 1000, 1000);
  for (const f of ['.bash_logout', '.bash_profile', '.bashrc']) l.write(`/home/alice/${f}`, `# ${f}\n`, 0o644, 1000, 1000);
}

rootfsItemCases(ACL2, ['6'], [
  // ---- 6.1.1: a judgement; offline, the tree's packages are not verified from outside
  { id: '6.1.1', expect: 'manual', given: 'an offline tree: rpm -Va cannot run on it, and the auditing machine does not verify it from outside',
    change: () => {}, reason: /rpm -Va --nomtime --nosize --nomd5 --nolinkto --nodeps --noscripts: not checked: offline root filesystem[\s\S]*rpm --root \(on the auditing machine\): not run/ },

  // ---- 6.1.2–6.1.5: mode at most the given one, root:root; the shadow files 0000
  { id: '6.1.2', expect: 'pass', given: '/etc/passwd is 0644 root:root, as shipped', change: () => {} },
  { id: '6.1.2', expect: 'pass', given: '/etc/passwd is 0444', change: (l) => l.chmod('/etc/passwd', 0o444) },
  { id: '6.1.2', expect: 'fail', given: '/etc/passwd is group-writable', change: (l) => l.chmod('/etc/passwd', 0o664), reason: /more permissive than 0644/ },
  { id: '6.1.2', expect: 'fail', given: '/etc/passwd belongs to adm', change: (l) => l.chown('/etc/passwd', 3, 0), reason: /owned by adm:root, expected root:root/ },

  { id: '6.1.3', expect: 'pass', given: '/etc/shadow is 0000 root:root, as shipped', change: () => {}, reason: /mode 0000, owner root:root/ },
  { id: '6.1.3', expect: 'fail', given: '/etc/shadow is 0640, as the Debian family has it', change: (l) => l.chmod('/etc/shadow', 0o640), reason: /mode 0640, more permissive than 0000 \(extra bits 0640\)/ },
  { id: '6.1.3', expect: 'fail', given: '/etc/shadow is 0400: even read for root alone is more than the benchmark allows', change: (l) => l.chmod('/etc/shadow', 0o400), reason: /extra bits 0400/ },
  { id: '6.1.3', expect: 'fail', given: '/etc/shadow belongs to group wheel', change: (l) => l.chown('/etc/shadow', 0, 10), reason: /owned by root:wheel, expected root:root/ },

  { id: '6.1.4', expect: 'pass', given: '/etc/group is 0644 root:root, as shipped', change: () => {} },
  { id: '6.1.4', expect: 'fail', given: '/etc/group is group-writable', change: (l) => l.chmod('/etc/group', 0o664), reason: /\/etc\/group has mode 0664/ },
  { id: '6.1.4', expect: 'fail', given: '/etc/group belongs to group users', change: (l) => l.chown('/etc/group', 0, 100), reason: /owned by root:users/ },

  { id: '6.1.5', expect: 'pass', given: '/etc/gshadow is 0000 root:root, as shipped', change: () => {} },
  { id: '6.1.5', expect: 'fail', given: '/etc/gshadow is 0600', change: (l) => l.chmod('/etc/gshadow', 0o600), reason: /more permissive than 0000/ },
  { id: '6.1.5', expect: 'fail', given: '/etc/gshadow belongs to chrony', change: (l) => l.chown('/etc/gshadow', 998, 0), reason: /owned by chrony:root/ },

  // ---- 6.1.6–6.1.9: the backups, when they exist
  { id: '6.1.6', expect: 'pass', given: '/etc/passwd- is 0600, stricter than needed', change: (l) => l.chmod('/etc/passwd-', 0o600) },
  { id: '6.1.6', expect: 'fail', given: '/etc/passwd- is world-readable and group-writable', change: (l) => l.chmod('/etc/passwd-', 0o664), reason: /\/etc\/passwd- has mode 0664/ },
  { id: '6.1.6', expect: 'not-applicable', given: 'there is no /etc/passwd-', change: (l) => l.remove('/etc/passwd-'), reason: /does not exist/ },

  { id: '6.1.7', expect: 'pass', given: '/etc/shadow- is 0000 root:root, as shipped', change: () => {} },
  { id: '6.1.7', expect: 'fail', given: '/etc/shadow- is readable by everyone', change: (l) => l.chmod('/etc/shadow-', 0o644), reason: /extra bits 0644/ },
  { id: '6.1.7', expect: 'fail', given: '/etc/shadow- belongs to uid 3 (adm)', change: (l) => l.chown('/etc/shadow-', 3, 0), reason: /owned by adm:root/ },
  { id: '6.1.7', expect: 'not-applicable', given: 'there is no /etc/shadow-', change: (l) => l.remove('/etc/shadow-') },

  { id: '6.1.8', expect: 'pass', given: '/etc/group- is 0644 root:root, as shipped', change: () => {} },
  { id: '6.1.8', expect: 'fail', given: '/etc/group- is executable', change: (l) => l.chmod('/etc/group-', 0o755), reason: /extra bits 0111/ },
  { id: '6.1.8', expect: 'not-applicable', given: 'there is no /etc/group-', change: (l) => l.remove('/etc/group-') },

  { id: '6.1.9', expect: 'pass', given: '/etc/gshadow- is 0000 root:root, as shipped', change: () => {} },
  { id: '6.1.9', expect: 'fail', given: '/etc/gshadow- is 0640', change: (l) => l.chmod('/etc/gshadow-', 0o640), reason: /\/etc\/gshadow- has mode 0640/ },
  { id: '6.1.9', expect: 'not-applicable', given: 'there is no /etc/gshadow-', change: (l) => l.remove('/etc/gshadow-') },

  // ---- 6.1.10: regular files writable by others
  { id: '6.1.10', expect: 'pass', given: 'a symbolic link (always 0777) and a 0644 file in the sticky /tmp',
    change: (l) => { symlink(l, '/etc/hostname', '/opt/link'); l.write('/tmp/notes.txt', 'x', 0o644); } },
  { id: '6.1.10', expect: 'fail', given: 'a file writable by everyone', change: (l) => l.write('/srv/shared/notes.txt', 'x', 0o666),
    reason: /\/srv\/shared\/notes\.txt \(file, mode 0666, owner root:root\)/ },
  { id: '6.1.10', expect: 'fail', given: 'a system file writable by others but not by its group', change: (l) => l.chmod('/etc/motd', 0o602), reason: /\/etc\/motd/ },

  // ---- 6.1.11 / 6.1.12: owners and groups resolved against the tree's own account files
  { id: '6.1.11', expect: 'pass', given: 'a file owned by chrony, and one by uid 1500 once an account has that uid',
    change: (l) => { l.write('/opt/a.log', 'x', 0o640, 998, 0); l.append('/etc/passwd', 'builder:x:1500:100::/:/sbin/nologin\n'); l.write('/opt/b.log', 'x', 0o640, 1500, 0); } },
  { id: '6.1.11', expect: 'fail', given: 'a file owned by uid 1000, which no account of the tree has', change: (l) => l.write('/opt/legacy/app.conf', 'x', 0o644, 1000, 0),
    reason: /\/opt\/legacy\/app\.conf \(file, mode 0644, owner uid 1000:root\)/ },
  { id: '6.1.11', expect: 'fail', given: 'a directory and a symbolic link of deleted users',
    change: (l) => { l.mkdir('/srv/old-project', 0o755, 2001, 0); symlink(l, '/etc/hosts', '/srv/hosts-link'); lchownSync(path.join(l.root, '/srv/hosts-link'), 2002, 0); },
    reason: /: 2\n[\s\S]*\/srv\/hosts-link \(symlink[\s\S]*\/srv\/old-project \(directory/ },
  { id: '6.1.12', expect: 'pass', given: 'a file of group ssh_keys', change: (l) => l.write('/opt/c.log', 'x', 0o640, 0, 997) },
  { id: '6.1.12', expect: 'fail', given: 'a file whose gid has no group', change: (l) => l.write('/opt/d.log', 'x', 0o640, 0, 1234), reason: /\/opt\/d\.log \(file, mode 0640, owner root:gid 1234\)/ },

  // ---- 6.1.13 / 6.1.14: judgements; the evidence lists what was found
  { id: '6.1.13', expect: 'manual', given: 'the fixture as shipped', change: () => {}, reason: /\d+ set-user-ID[\s\S]*\/usr\/sbin\/unix_chkpwd \(file, mode 04755, owner root:root\)/ },
  { id: '6.1.13', expect: 'manual', given: 'a new set-user-ID program', change: (l) => { l.write('/usr/local/bin/helper', '#!/bin/sh\n', 0o755); l.chmod('/usr/local/bin/helper', 0o4755); },
    reason: /\d+ set-user-ID[\s\S]*\/usr\/local\/bin\/helper \(file, mode 04755, owner root:root\)/ },
  { id: '6.1.14', expect: 'manual', given: 'a new set-group-ID program of group ssh_keys', change: (l) => { l.write('/usr/local/bin/keysign', '#!/bin/sh\n', 0o755, 0, 997); l.chmod('/usr/local/bin/keysign', 0o2755); },
    reason: /\d+ set-group-ID[\s\S]*\/usr\/local\/bin\/keysign \(file, mode 02755, owner root:ssh_keys\)/ },

  // ---- 6.2.1: empty password fields in /etc/shadow
  { id: '6.2.1', expect: 'pass', given: 'the fixture as shipped: every field is "!!" or "*"', change: () => {}, reason: /no empty password field; by state: no-login \d+$/m },
  { id: '6.2.1', expect: 'pass', given: 'a user with a password hash (described, not quoted)', change: (l) => addAlice(l), reason: new RegExp(`${NO_HASH.source}[\\s\\S]*hashed 1`) },
  { id: '6.2.1', expect: 'fail', given: 'games has an empty password field', change: (l) => replaceLine(l, '/etc/shadow', /^games:[^:]*:/m, 'games::'), reason: /\/etc\/shadow:\d+ games: password field is empty/ },
  { id: '6.2.1', expect: 'error', given: '/etc/shadow has a truncated line', change: (l) => l.append('/etc/shadow', 'broken:!!:18585\n'), reason: /not a valid shadow line/ },

  // ---- 6.2.2–6.2.4: NIS compat "+" lines
  { id: '6.2.2', expect: 'pass', given: 'the fixture as shipped', change: () => {}, reason: /no line starts with "\+"/ },
  { id: '6.2.2', expect: 'pass', given: 'a "-name" line, which keeps a NIS account out rather than pulling one in', change: (l) => l.append('/etc/passwd', '-mallory::::::\n') },
  { id: '6.2.2', expect: 'fail', given: 'the lone "+" entry at the end of /etc/passwd', change: (l) => l.append('/etc/passwd', '+::::::\n'), reason: /\/etc\/passwd:\d+ \+ \(every NIS entry\)/ },
  { id: '6.2.2', expect: 'fail', given: 'a "+@netgroup" line', change: (l) => l.append('/etc/passwd', '+@admins:::::::\n'), reason: /\/etc\/passwd:\d+ \+@admins/ },
  { id: '6.2.3', expect: 'pass', given: 'the fixture as shipped', change: () => {} },
  { id: '6.2.3', expect: 'fail', given: 'a "+" line with a hash in /etc/shadow (the hash is not quoted)', change: (l) => l.append('/etc/shadow', `+admin:${HASH}:18000:0:99999:7:::\n`),
    reason: new RegExp(`${NO_HASH.source}[\\s\\S]*/etc/shadow:\\d+ \\+admin`) },
  { id: '6.2.4', expect: 'pass', given: 'the fixture as shipped', change: () => {} },
  { id: '6.2.4', expect: 'fail', given: 'the lone "+" entry in /etc/group', change: (l) => l.append('/etc/group', '+:::\n'), reason: /\/etc\/group:\d+ \+ \(every NIS entry\)/ },

  // ---- 6.2.5: uid 0
  { id: '6.2.5', expect: 'pass', given: 'the fixture as shipped', change: () => {} },
  { id: '6.2.5', expect: 'fail', given: 'a second account with uid 0', change: (l) => l.append('/etc/passwd', 'toor:x:0:0::/root:/sbin/nologin\n'), reason: /toor has uid 0/,
    alsoChanges: { '6.2.16': 'fail' } },

  // ---- 6.2.6: root's login PATH worked out from the files, offline as on a running system (nothing logs in)
  { id: '6.2.6', expect: 'fail', given: "the stock ~/.bash_profile adds $HOME/.local/bin and $HOME/bin, which do not exist", change: () => {},
    reason: /\/root\/\.local\/bin does not exist; \/root\/bin does not exist[\s\S]*compiled-in PATH for root/ },
  { id: '6.2.6', expect: 'pass', given: "root's ~/.local/bin and ~/bin exist (pathmunge of /etc/profile followed)", change: (l) => { l.mkdir('/root/.local', 0o700); l.mkdir('/root/.local/bin', 0o700); l.mkdir('/root/bin', 0o700); } },
  { id: '6.2.6', expect: 'fail', given: "root's ~/.bashrc, sourced by ~/.bash_profile, appends \".\"", change: (l) => { l.mkdir('/root/.local', 0o700); l.mkdir('/root/.local/bin', 0o700); l.mkdir('/root/bin', 0o700); l.append('/root/.bashrc', 'export PATH=$PATH:.\n'); },
    reason: /is "\." \(the current directory\)/ },

  // ---- 6.2.7–6.2.9: homes of the accounts that can log in, root left out
  { id: '6.2.7', expect: 'pass', given: 'the fixture as shipped: no account but root can log in, and root is left out', change: () => {}, reason: /accounts that can log in: none; not checked: root \(left out by this benchmark\)/ },
  { id: '6.2.7', expect: 'pass', given: 'a login user with a home', change: (l) => addAlice(l) },
  { id: '6.2.7', expect: 'pass', given: "a service account whose shell is /sbin/nologin and whose home does not exist", change: (l) => l.append('/etc/passwd', 'svc:x:990:100::/var/lib/svc:/sbin/nologin\n') },
  { id: '6.2.7', expect: 'fail', given: "a login user's home does not exist", change: (l) => addAlice(l, { create: false }), reason: /alice: home \/home\/alice does not exist/,
    alsoChanges: { '6.2.8': 'fail', '6.2.9': 'fail' } },
  { id: '6.2.7', expect: 'fail', given: 'a system account with a login shell (uid below UID_MIN) whose home does not exist: accounts are chosen by shell',
    change: (l) => l.append('/etc/passwd', 'deploy:x:990:100::/var/lib/deploy:/bin/bash\n'), reason: /deploy: home \/var\/lib\/deploy does not exist/,
    alsoChanges: { '6.2.8': 'fail', '6.2.9': 'fail' } },

  { id: '6.2.8', expect: 'pass', given: '/home/alice is 0700, as useradd makes it here', change: (l) => addAlice(l) },
  { id: '6.2.8', expect: 'pass', given: "root's home /root is 0755: root is left out", change: (l) => l.chmod('/root', 0o755) },
  { id: '6.2.8', expect: 'fail', given: '/home/alice is 0755 (others may read and enter)', change: (l) => addAlice(l, { mode: 0o755 }), reason: /mode 0755 allows others read, others search/ },
  { id: '6.2.8', expect: 'fail', given: '/home/alice is 0770 (the group may write)', change: (l) => addAlice(l, { mode: 0o770 }), reason: /allows group write/ },

  { id: '6.2.9', expect: 'pass', given: 'alice owns /home/alice', change: (l) => addAlice(l) },
  { id: '6.2.9', expect: 'fail', given: '/home/alice is owned by root', change: (l) => addAlice(l, { uid: 0 }), reason: /owned by uid 0, not by alice \(uid 1000\)/ },

  // ---- 6.2.10: dot files
  { id: '6.2.10', expect: 'pass', given: "dot files 0644, a dot symlink and an open dot directory (not files); root's group-writable .bashrc (root left out)",
    change: (l) => { addAlice(l); symlink(l, '/tmp/shared-vimrc', '/home/alice/.vimrc'); l.mkdir('/home/alice/.cache', 0o777, 1000, 1000); l.chmod('/root/.bashrc', 0o664); } },
  { id: '6.2.10', expect: 'fail', given: "alice's .bashrc is group-writable", change: (l) => { addAlice(l); l.chmod('/home/alice/.bashrc', 0o664); },
    reason: /\/home\/alice\/\.bashrc \(alice\): mode 0664 is group writable/ },
  { id: '6.2.10', expect: 'fail', given: "alice's .bash_profile is world-writable", change: (l) => { addAlice(l); l.chmod('/home/alice/.bash_profile', 0o646); },
    reason: /\.bash_profile .*world writable/, alsoChanges: { '6.1.10': 'fail' } },

  // ---- 6.2.11, 6.2.12, 6.2.14: forbidden files
  { id: '6.2.11', expect: 'pass', given: 'alice has no .forward', change: (l) => addAlice(l) },
  { id: '6.2.11', expect: 'fail', given: 'alice forwards her mail', change: (l) => { addAlice(l); l.write('/home/alice/.forward', 'alice@example.com\n', 0o644, 1000, 1000); }, reason: /\/home\/alice\/\.forward/ },
  { id: '6.2.12', expect: 'pass', given: "a .netrc in root's home: root is left out", change: (l) => l.write('/root/.netrc', 'machine x\n', 0o600) },
  { id: '6.2.12', expect: 'fail', given: 'alice has a .netrc, readable by her only', change: (l) => { addAlice(l); l.write('/home/alice/.netrc', 'machine x\n', 0o600, 1000, 1000); },
    reason: /\/home\/alice\/\.netrc \(file, mode 0600, home of alice\)/ },
  { id: '6.2.12', expect: 'fail', given: "alice's .netrc is a symbolic link", change: (l) => { addAlice(l); l.write('/etc/netrc-shared', 'machine x\n', 0o600); symlink(l, '/etc/netrc-shared', '/home/alice/.netrc'); },
    reason: /\/home\/alice\/\.netrc \(symbolic link, home of alice\)/ },
  { id: '6.2.14', expect: 'pass', given: 'a .rhosts below the first level of a home is not one rsh reads', change: (l) => { addAlice(l); l.mkdir('/home/alice/old', 0o700, 1000, 1000); l.write('/home/alice/old/.rhosts', '+ +\n', 0o600, 1000, 1000); } },
  { id: '6.2.14', expect: 'fail', given: 'alice trusts other hosts in ~/.rhosts', change: (l) => { addAlice(l); l.write('/home/alice/.rhosts', '+ +\n', 0o600, 1000, 1000); }, reason: /\/home\/alice\/\.rhosts \(file, mode 0600, home of alice\)/ },

  // ---- 6.2.13: .netrc permissions (a .netrc also fails 6.2.12)
  { id: '6.2.13', expect: 'pass', given: 'the fixture as shipped: no .netrc', change: () => {}, reason: /0 \.netrc file\(s\) in 0 home\(s\)/ },
  { id: '6.2.13', expect: 'pass', given: "alice's .netrc is 0600", change: (l) => { addAlice(l); l.write('/home/alice/.netrc', 'machine x\n', 0o600, 1000, 1000); }, alsoChanges: { '6.2.12': 'fail' } },
  { id: '6.2.13', expect: 'pass', given: "alice's .netrc is a symbolic link (its own mode means nothing)",
    change: (l) => { addAlice(l); l.write('/etc/netrc-shared', 'machine x\n', 0o600); symlink(l, '/etc/netrc-shared', '/home/alice/.netrc'); }, alsoChanges: { '6.2.12': 'fail' } },
  { id: '6.2.13', expect: 'fail', given: "alice's .netrc is readable by her group", change: (l) => { addAlice(l); l.write('/home/alice/.netrc', 'machine x\n', 0o640, 1000, 1000); },
    reason: /\/home\/alice\/\.netrc \(alice\): mode 0640 gives its group read/, alsoChanges: { '6.2.12': 'fail' } },
  { id: '6.2.13', expect: 'fail', given: "alice's .netrc is readable by others", change: (l) => { addAlice(l); l.write('/home/alice/.netrc', 'machine x\n', 0o604, 1000, 1000); },
    reason: /mode 0604 gives others read/, alsoChanges: { '6.2.12': 'fail' } },

  // ---- 6.2.15: primary groups
  { id: '6.2.15', expect: 'pass', given: 'a new user whose group exists', change: (l) => addAlice(l) },
  { id: '6.2.15', expect: 'fail', given: 'an account whose primary gid 1000 is not in /etc/group', change: (l) => l.append('/etc/passwd', 'svc:x:990:1000::/:/sbin/nologin\n'), reason: /svc \(gid 1000\)/ },

  // ---- 6.2.16–6.2.19: uniqueness
  { id: '6.2.16', expect: 'pass', given: 'a new account with a uid of its own', change: (l) => l.append('/etc/passwd', 'svc:x:990:100::/:/sbin/nologin\n') },
  { id: '6.2.16', expect: 'fail', given: 'a new account with the uid of daemon', change: (l) => l.append('/etc/passwd', 'svc:x:2:2::/:/sbin/nologin\n'), reason: /uid 2: .*daemon.*svc/ },
  { id: '6.2.17', expect: 'pass', given: 'a new group with a gid of its own', change: (l) => l.append('/etc/group', 'builders:x:1001:\n') },
  { id: '6.2.17', expect: 'fail', given: 'a new group with the gid of adm', change: (l) => l.append('/etc/group', 'logreaders:x:4:\n'), reason: /gid 4: .*adm.*logreaders/ },
  { id: '6.2.18', expect: 'pass', given: 'the fixture as shipped', change: () => {} },
  { id: '6.2.18', expect: 'fail', given: 'a second account named games', change: (l) => l.append('/etc/passwd', 'games:x:990:100::/:/sbin/nologin\n'), reason: /user name games/ },
  { id: '6.2.19', expect: 'pass', given: 'the fixture as shipped', change: () => {} },
  { id: '6.2.19', expect: 'fail', given: 'a second group named wheel', change: (l) => l.append('/etc/group', 'wheel:x:1001:\n'), reason: /group name wheel/ },
  { id: '6.2.19', expect: 'fail', given: 'a second, indented group named wheel (glibc skips the white space; lookups find the first)', change: (l) => l.append('/etc/group', '  wheel:x:1001:\n'),
    reason: /group name wheel/ },
  { id: '6.2.19', expect: 'pass', given: 'a commented-out second wheel line, indented (not an entry for glibc)', change: (l) => l.append('/etc/group', '  #wheel:x:1001:\n') },
], { base: () => ensureAcl2Base() });

// ------------------------------------------------------------------------------------------ remediations

/** Audit chapter 6 of an overlay over acl2-stock after `change`, and hand the items to `check`. */
async function itemsAfter(change: (l: Layer) => void, check: (item: (id: string) => ComplianceItem) => void): Promise<void> {
  await withOverlay(ensureAcl2Base(), change, async (root) => {
    const { report } = await audit({ target: `rootfs:${root}`, benchmark: ACL2, only: ['6'] });
    check((id) => report.items.find((i) => i.id === id)!);
  });
}

describe(`${ACL2} chapter 6: what failing items record as their fix`, () => {
  it('mechanical fixes are changes; decisions are steps for a person', async () => {
    await itemsAfter((l) => {
      addAlice(l, { mode: 0o755, uid: 0 });
      l.chmod('/home/alice/.bashrc', 0o664);
      l.write('/home/alice/.netrc', 'machine x\n', 0o644, 1000, 1000);
      l.write('/home/alice/.forward', 'x@example.com\n', 0o644, 1000, 1000);
      l.chmod('/etc/shadow', 0o640);
      l.write('/srv/open.txt', 'x', 0o666);
      l.write('/opt/orphan', 'x', 0o644, 4321, 4321);
      l.append('/etc/passwd', '+::::::\n');
      l.append('/etc/shadow', '+::::::::\n');
    }, (item) => {
      expect(item('6.1.3').remediation?.changes).toEqual([{ kind: 'set-mode', path: '/etc/shadow', mode: 0 }]);
      expect(item('6.1.10').remediation?.changes).toEqual([{ kind: 'set-mode', path: '/srv/open.txt', mode: 0o664 }]);
      expect(item('6.1.11').remediation).toBeUndefined();
      expect(item('6.1.11').manualFix?.steps.join('\n')).toMatch(/\/opt\/orphan \(uid 4321\)/);
      expect(item('6.1.12').manualFix?.steps.join('\n')).toMatch(/\/opt\/orphan \(gid 4321\)/);
      expect(item('6.2.2').manualFix?.steps.join('\n')).toMatch(/vipw; /);
      expect(item('6.2.3').manualFix?.steps.join('\n')).toMatch(/vipw -s/);
      expect(item('6.2.8').remediation?.changes).toEqual([{ kind: 'set-mode', path: '/home/alice', mode: 0o750 }]);
      expect(item('6.2.9').remediation?.changes).toEqual([{ kind: 'set-owner', path: '/home/alice', uid: 1000, gid: 1000 }]);
      expect(item('6.2.10').remediation?.changes).toEqual([{ kind: 'set-mode', path: '/home/alice/.bashrc', mode: 0o644 }]);
      expect(item('6.2.11').manualFix?.steps[0]).toMatch(/\/home\/alice\/\.forward/);
      expect(item('6.2.11').remediation).toBeUndefined();
      expect(item('6.2.12').manualFix?.steps[0]).toMatch(/\/home\/alice\/\.netrc/);
      expect(item('6.2.13').remediation?.changes).toEqual([{ kind: 'set-mode', path: '/home/alice/.netrc', mode: 0o600 }]);
    });
  });

  it('a missing home, a home shared with another account, duplicate ids: a person decides', async () => {
    await itemsAfter((l) => {
      l.append('/etc/passwd', 'alice:x:1000:100::/home/alice:/bin/bash\nbob:x:1001:100::/srv/team:/bin/bash\ncarol:x:1002:100::/srv/team:/bin/bash\nsvc:x:2:2::/:/sbin/nologin\n');
      l.mkdir('/srv/team', 0o775, 1001, 100);
    }, (item) => {
      expect(item('6.2.7').manualFix?.steps.join('\n')).toMatch(/alice: create \/home\/alice as a directory owned by alice/);
      expect(item('6.2.8').remediation).toBeUndefined();
      expect(item('6.2.8').manualFix?.steps.join('\n')).toMatch(/\/srv\/team has mode 0775, but the home is also that of (bob|carol)/);
      expect(item('6.2.9').manualFix?.steps.join('\n')).toMatch(/carol: \/srv\/team is owned by uid 1001, but the home is also that of bob/);
      expect(item('6.2.16').manualFix?.steps[0]).toMatch(/uid used more than once \(2\)/);
    });
  });
});

describe(`${ACL2} chapter 6: cis-bdd harden applies the mechanical fixes`, () => {
  it('fixes what it planned, and the items then pass', async () => {
    const { runHarden } = (await import(path.join(repoRoot, 'dist/src/remediation/harden.js'))) as typeof import('../../src/remediation/harden.js');
    await withOverlay(ensureAcl2Base(), (l) => {
      addAlice(l, { mode: 0o755 });
      l.chmod('/home/alice/.bashrc', 0o666);
      l.write('/home/alice/.netrc', 'machine x\n', 0o644, 1000, 1000);
      l.chmod('/etc/gshadow', 0o640);
      l.write('/srv/open.txt', 'x', 0o666);
      // root's stock ~/.bash_profile adds ~/.local/bin and ~/bin to its PATH: made, as an administrator would (6.2.6)
      for (const d of ['/root/.local', '/root/.local/bin', '/root/bin']) l.mkdir(d, 0o700);
    }, async (root) => {
      const options: HardenOptions = { target: `rootfs:${root}`, benchmark: ACL2, only: ['6'], out: mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-harden-')) };
      const r: HardenResult = await runHarden(options);
      const outcome = (id: string) => r.report.outcomes.find((o) => o.id === id)?.outcome;
      for (const id of ['6.1.5', '6.1.10', '6.2.8', '6.2.10', '6.2.13']) expect(`${id} ${outcome(id)}`).toBe(`${id} fixed`);
      expect(outcome('6.2.12')).toBe('needs a person');
      const { report } = await audit({ target: `rootfs:${root}`, benchmark: ACL2, only: ['6'] });
      const failing = report.items.filter((i) => i.status === 'fail').map((i) => i.id);
      expect(failing).toEqual(['6.2.12']);
    });
  }, 120_000);
});

// ------------------------------------------------------------------------------------------ live parts

describe(`${ACL2} chapter 6 on running containers of the ACL2 images`, () => {
  const only = ['6.1.1', '6.1.10', '6.1.11', '6.1.12', '6.2.6'];
  const run = (image: string, setup?: string) => withContainer(image, setup, async (c) => {
    const { report } = await audit({ target: c.uri, benchmark: ACL2, only });
    return (id: string) => report.items.find((i) => i.id === id)!;
  });
  const text = (i: ComplianceItem) => `${i.reason ?? ''}\n${i.evidence.map((e) => `${e.source}: ${e.excerpt}`).join('\n')}`;

  it('stock: rpm -Va runs in the container; the walk finds nothing; root\'s PATH names directories that do not exist', async () => {
    const item = await run(STOCK_IMAGE);
    expect(item('6.1.1').status).toBe('manual');
    expect(text(item('6.1.1'))).toMatch(/rpm -Va --nomtime --nosize --nomd5 --nolinkto --nodeps --noscripts: every package file matches/);
    for (const id of ['6.1.10', '6.1.11', '6.1.12']) expect(`${id} ${item(id).status}`).toBe(`${id} pass`);
    // ACL2's /root/.bash_profile appends $HOME/.local/bin and $HOME/bin, which a fresh node does not have
    expect(item('6.2.6').status).toBe('fail');
    expect(item('6.2.6').reason).toMatch(/\/root\/\.local\/bin does not exist; \/root\/bin does not exist/);
    expect(item('6.2.6').manualFix?.steps.join('\n')).toMatch(/remove it from root's PATH/);
  });

  it('fails for files on / and on the /dev/shm tmpfs', async () => {
    const item = await run(STOCK_IMAGE, 'echo x > /var/tmp/open && chmod 666 /var/tmp/open; echo y > /dev/shm/orphan && chown 4321:4321 /dev/shm/orphan');
    expect(item('6.1.10').reason).toMatch(/\/var\/tmp\/open/);
    expect(item('6.1.11').reason).toMatch(/\/dev\/shm\/orphan/);
    expect(item('6.1.12').reason).toMatch(/\/dev\/shm\/orphan/);
  });

  it("root's PATH passes once its directories exist, and fails with \".\" or a writable directory", async () => {
    const made = 'mkdir -p /root/bin /root/.local/bin';
    expect((await run(STOCK_IMAGE, made))('6.2.6').status).toBe('pass');
    const dot = (await run(STOCK_IMAGE, `${made}; echo 'PATH="$PATH:."' >> /root/.bash_profile`))('6.2.6');
    expect(dot.status).toBe('fail');
    expect(dot.reason).toMatch(/is "\." \(the current directory\)/);
    const open = (await run(STOCK_IMAGE, `${made}; chmod 0777 /usr/local/bin`))('6.2.6');
    expect(open.status).toBe('fail');
    expect(open.reason).toMatch(/\/usr\/local\/bin is group-writable.*\/usr\/local\/bin is world-writable/);
    expect(open.remediation?.changes).toEqual([{ kind: 'set-mode', path: '/usr/local/bin', mode: 0o755 }]);
  });

  it("hardened: root's PATH passes", async () => {
    expect((await run(HARDENED_IMAGE))('6.2.6').status).toBe('pass');
  });
});

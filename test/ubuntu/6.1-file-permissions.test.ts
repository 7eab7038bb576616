import { lchownSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootfsItemCases } from '../support/cases.js';
import type { Layer } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { IMAGES, withContainer } from '../support/containers.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';

const symlink = (l: Layer, target: string, p: string) => symlinkSync(target, path.join(l.root, p));

rootfsItemCases(UBUNTU, ['6.1'], [
  // 6.1.1: a judgement; on an offline tree the package manager cannot be asked
  { id: '6.1.1', expect: 'manual', given: 'the fixture as shipped (offline: dpkg --verify cannot run)', change: () => {}, reason: /dpkg --verify: not checked: offline root filesystem/ },

  // 6.1.2–6.1.9: mode at most the given one, owner from the list
  { id: '6.1.2', expect: 'pass', given: '/etc/passwd is 0644 root:root', change: (l) => { l.chmod('/etc/passwd', 0o644); l.chown('/etc/passwd', 0, 0); } },
  { id: '6.1.2', expect: 'fail', given: '/etc/passwd is group-writable', change: (l) => l.chmod('/etc/passwd', 0o664), reason: /more permissive than 0644/ },
  { id: '6.1.2', expect: 'fail', given: '/etc/passwd is owned by a uid without an account', change: (l) => l.chown('/etc/passwd', 1000, 0), reason: /owned by uid 1000:root/,
    alsoChanges: { '6.1.11': 'fail' } },

  { id: '6.1.3', expect: 'pass', given: '/etc/passwd- is 0600 root:root, stricter than needed', change: (l) => l.chmod('/etc/passwd-', 0o600) },
  { id: '6.1.3', expect: 'fail', given: '/etc/passwd- is group-writable', change: (l) => l.chmod('/etc/passwd-', 0o664), reason: /\/etc\/passwd- has mode 0664/ },
  { id: '6.1.3', expect: 'fail', given: '/etc/passwd- belongs to group shadow', change: (l) => l.chown('/etc/passwd-', 0, 42), reason: /owned by root:shadow, expected root:root/ },
  { id: '6.1.3', expect: 'not-applicable', given: 'there is no /etc/passwd-', change: (l) => l.remove('/etc/passwd-'), reason: /does not exist/ },

  { id: '6.1.4', expect: 'pass', given: '/etc/group is 0444 root:root', change: (l) => l.chmod('/etc/group', 0o444) },
  { id: '6.1.4', expect: 'fail', given: '/etc/group is group-writable', change: (l) => l.chmod('/etc/group', 0o664), reason: /more permissive than 0644/ },
  { id: '6.1.4', expect: 'fail', given: '/etc/group is owned by syslog', change: (l) => l.chown('/etc/group', 102, 0), reason: /owned by syslog:root/ },

  { id: '6.1.5', expect: 'pass', given: '/etc/group- is 0600 root:root', change: (l) => l.chmod('/etc/group-', 0o600) },
  { id: '6.1.5', expect: 'fail', given: '/etc/group- is executable', change: (l) => l.chmod('/etc/group-', 0o755), reason: /extra bits 0111/ },
  { id: '6.1.5', expect: 'fail', given: '/etc/group- belongs to group adm', change: (l) => l.chown('/etc/group-', 0, 4), reason: /owned by root:adm/ },

  { id: '6.1.6', expect: 'pass', given: '/etc/shadow is 0640 root:shadow, as shipped', change: () => {} },
  { id: '6.1.6', expect: 'pass', given: '/etc/shadow is 0600 root:root', change: (l) => { l.chmod('/etc/shadow', 0o600); l.chown('/etc/shadow', 0, 0); } },
  { id: '6.1.6', expect: 'fail', given: '/etc/shadow is readable by everyone', change: (l) => l.chmod('/etc/shadow', 0o644), reason: /more permissive than 0640/ },
  { id: '6.1.6', expect: 'fail', given: '/etc/shadow belongs to group adm', change: (l) => l.chown('/etc/shadow', 0, 4), reason: /expected root:root or root:shadow/ },

  { id: '6.1.7', expect: 'pass', given: '/etc/shadow- is 0600 root:root', change: (l) => { l.chmod('/etc/shadow-', 0o600); l.chown('/etc/shadow-', 0, 0); } },
  { id: '6.1.7', expect: 'fail', given: '/etc/shadow- is readable by everyone', change: (l) => l.chmod('/etc/shadow-', 0o644), reason: /extra bits 0004/ },
  { id: '6.1.7', expect: 'not-applicable', given: 'there is no /etc/shadow-', change: (l) => l.remove('/etc/shadow-') },

  { id: '6.1.8', expect: 'pass', given: '/etc/gshadow is 0640 root:shadow, as shipped', change: () => {} },
  { id: '6.1.8', expect: 'fail', given: '/etc/gshadow is group-writable', change: (l) => l.chmod('/etc/gshadow', 0o660), reason: /more permissive than 0640/ },
  { id: '6.1.8', expect: 'fail', given: '/etc/gshadow is owned by syslog', change: (l) => l.chown('/etc/gshadow', 102, 42), reason: /owned by syslog:shadow/ },

  { id: '6.1.9', expect: 'pass', given: '/etc/gshadow- is 0400 root:root', change: (l) => { l.chmod('/etc/gshadow-', 0o400); l.chown('/etc/gshadow-', 0, 0); } },
  { id: '6.1.9', expect: 'fail', given: '/etc/gshadow- is readable by everyone', change: (l) => l.chmod('/etc/gshadow-', 0o644), reason: /\/etc\/gshadow- has mode 0644/ },

  // 6.1.10: regular files writable by others
  { id: '6.1.10', expect: 'pass', given: 'a symbolic link (always 0777) and a 0644 file in a sticky world-writable directory',
    change: (l) => { symlink(l, '/etc/hostname', '/opt/link'); l.mkdir('/srv/drop', 0o1777); l.write('/srv/drop/notes.txt', 'x', 0o644); } },
  { id: '6.1.10', expect: 'fail', given: 'a file writable by everyone', change: (l) => l.write('/srv/shared/notes.txt', 'x', 0o666),
    reason: /\/srv\/shared\/notes\.txt \(file, mode 0666, owner root:root\)/ },
  { id: '6.1.10', expect: 'fail', given: 'a system file writable by others but not by its group', change: (l) => l.chmod('/etc/hostname', 0o602), reason: /\/etc\/hostname/ },

  // 6.1.11 / 6.1.12: owners and groups resolved against the target's own account files
  { id: '6.1.11', expect: 'pass', given: 'files owned by syslog, and by uid 1500 once an account has that uid',
    change: (l) => { l.write('/opt/a.log', 'x', 0o640, 102, 0); l.append('/etc/passwd', 'builder:x:1500:65534::/nonexistent:/usr/sbin/nologin\n'); l.write('/opt/b.log', 'x', 0o640, 1500, 0); } },
  { id: '6.1.11', expect: 'fail', given: 'a file owned by uid 1000, which no account of the target has', change: (l) => l.write('/opt/legacy/app.conf', 'x', 0o644, 1000, 0),
    reason: /\/opt\/legacy\/app\.conf \(file, mode 0644, owner uid 1000:root\)/ },
  { id: '6.1.11', expect: 'fail', given: 'a directory and a symbolic link of deleted users',
    change: (l) => { l.mkdir('/srv/old-project', 0o755, 2001, 0); symlink(l, '/etc/hosts', '/srv/hosts-link'); lchownSync(path.join(l.root, '/srv/hosts-link'), 2002, 0); },
    reason: /: 2\n[\s\S]*\/srv\/hosts-link \(symlink[\s\S]*\/srv\/old-project \(directory/ },
  { id: '6.1.12', expect: 'pass', given: 'a file of group shadow', change: (l) => l.write('/opt/c.log', 'x', 0o640, 0, 42) },
  { id: '6.1.12', expect: 'fail', given: 'a file whose gid has no group', change: (l) => l.write('/opt/d.log', 'x', 0o640, 0, 1234), reason: /\/opt\/d\.log \(file, mode 0640, owner root:gid 1234\)/ },

  // 6.1.13 / 6.1.14: judgements; the evidence lists what was found
  { id: '6.1.13', expect: 'manual', given: 'a new set-user-ID program', change: (l) => { l.write('/usr/local/bin/helper', '#!/bin/sh\n', 0o755); l.chmod('/usr/local/bin/helper', 0o4755); },
    reason: /13 set-user-ID[\s\S]*\/usr\/local\/bin\/helper \(file, mode 04755, owner root:root\)/ },
  { id: '6.1.13', expect: 'manual', given: 'the fixture as shipped', change: () => {}, reason: /12 set-user-ID[\s\S]*\/bin\/su \(file, mode 04755/ },
  { id: '6.1.14', expect: 'manual', given: 'a new set-group-ID program', change: (l) => { l.write('/usr/local/bin/reader', '#!/bin/sh\n', 0o755, 0, 42); l.chmod('/usr/local/bin/reader', 0o2755); },
    reason: /9 set-group-ID[\s\S]*\/usr\/local\/bin\/reader \(file, mode 02755, owner root:shadow\)/ },
]);

describe(`${UBUNTU} 6.1.10–6.1.12 on a running container (mounts from /proc/self/mounts)`, () => {
  const only = ['6.1.10', '6.1.11', '6.1.12'];
  const statuses = (r: { items: Array<{ id: string; status: string }> }) => Object.fromEntries(r.items.filter((i) => only.includes(i.id)).map((i) => [i.id, i.status]));

  it('pass on the stock image', async () => {
    const report = await withContainer(IMAGES.ubuntuStock, undefined, async (c) => (await audit({ target: c.uri, benchmark: UBUNTU, only })).report);
    expect(statuses(report)).toEqual({ '6.1.10': 'pass', '6.1.11': 'pass', '6.1.12': 'pass' });
    expect(report.items.find((i) => i.id === '6.1.10')!.evidence.map((e) => e.source).join('\n')).toMatch(/walk of \/ \/dev \/dev\/shm/);
  });

  it('fail for files on / and on the /dev/shm tmpfs', async () => {
    const setup = 'echo x > /var/tmp/open && chmod 666 /var/tmp/open; echo y > /dev/shm/orphan && chown 4321:4321 /dev/shm/orphan';
    const report = await withContainer(IMAGES.ubuntuStock, setup, async (c) => (await audit({ target: c.uri, benchmark: UBUNTU, only })).report);
    expect(statuses(report)).toEqual({ '6.1.10': 'fail', '6.1.11': 'fail', '6.1.12': 'fail' });
    expect(report.items.find((i) => i.id === '6.1.10')!.reason).toMatch(/\/var\/tmp\/open/);
    expect(report.items.find((i) => i.id === '6.1.11')!.reason).toMatch(/\/dev\/shm\/orphan/);
  });
});

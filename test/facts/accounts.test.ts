/** Parsers of the account databases, the choice of login accounts and their homes, and root's PATH. */
import { describe, expect, it } from 'vitest';
import { parseCompatLines, parseGroup, parsePasswd, parseShadow, passwordState } from '../../src/facts/accounts.js';
import { firstGroup, groupIdsOf, idGroupIds, idGroupNames, membersOfGroup } from '../../src/facts/group-membership.js';
import {
  analysePath, escapeFindPattern, firstLevelListings, loginAccounts, normaliseHome, planHomeWalks,
} from '../../src/facts/homes.js';
import type { WalkEntry } from '../../src/targets/target.js';

/** From the Ubuntu 18.04 fixture, with a login user added. */
const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
syslog:x:102:105::/home/syslog:/usr/sbin/nologin
sshd:x:106:65534::/run/sshd:/usr/sbin/nologin
ftp:x:107:65534::/srv/ftp:/bin/false
alice:x:1000:1000:Alice,,,:/home/alice/:/bin/bash
`;
const GROUP = `root:x:0:
adm:x:4:syslog,alice
shadow:x:42:
nogroup:x:65534:
`;
/** Hashes here are made up; the parser must not keep them. */
const SHADOW = `root:*:18585:0:99999:7:::
daemon:*:18585:0:99999:7:::
alice:$6$salt$notarealhashnotarealhash:18600:1:90:7:30::
bob::18600:0:99999:7:::
carol:!$6$salt$lockedlockedlocked:18600:0:99999:7:::
`;

describe('account database parsers', () => {
  it('parse /etc/passwd with line numbers', () => {
    const users = parsePasswd(PASSWD);
    expect(users).toHaveLength(8);
    expect(users[7]).toMatchObject({ name: 'alice', uid: 1000, gid: 1000, home: '/home/alice/', shell: '/bin/bash', line: 8 });
  });

  it('parse /etc/group members', () => {
    expect(parseGroup(GROUP)[1]).toMatchObject({ name: 'adm', gid: 4, members: ['syslog', 'alice'], line: 2 });
    expect(parseGroup(GROUP)[2].members).toEqual([]);
  });

  it('read lines as glibc does: leading white space skipped, indented comments dropped, members split at "," with white space before a name skipped', () => {
    const g = parseGroup('  shadow:x:42:, syslog,,alice ,\n\t# shadow:x:42:bob\nwheel:x:10:a:b\n');
    expect(g).toHaveLength(2);
    expect(g[0]).toMatchObject({ name: 'shadow', gid: 42, members: ['syslog', 'alice '], line: 1 });
    expect(g[1].members).toEqual(['a:b']);
    expect(parsePasswd('\t root:x:0:0:root:/root:/bin/bash\n  # x\n')).toMatchObject([{ name: 'root', line: 1 }]);
    expect(parseCompatLines('  +bob::::::\n')).toEqual([{ line: 1, marker: '+', name: 'bob' }]);
  });

  it('count group members as id does: listed on any line with the gid, or primary group', () => {
    const users = parsePasswd('root:x:0:0::/root:/bin/bash\nreader:x:998:42::/x:/bin/false\nalice:x:1000:1000::/h:/bin/bash\nbob:x:1000:7::/h:/bin/bash\n');
    const groups = parseGroup('shadow:x:42:\nhash:x:42:alice\nalice:x:1000:\nlp:x:7:\n');
    expect(membersOfGroup(users, groups, 'shadow').map((m) => `${m.name}/${m.how}`)).toEqual(['alice/listed', 'reader/primary']);
    expect(groupIdsOf(users, groups, 'alice')).toEqual([1000, 42]);
    // id -G bob: coreutils looks uid 1000 up again and shows alice's groups (the first account with it)
    expect(idGroupIds(users, groups, 'bob')).toEqual([1000, 42]);
    expect(groupIdsOf(users, groups, 'bob')).toEqual([7]);
    expect(idGroupNames(users, groups, 'reader')).toEqual(['shadow']);
    expect(firstGroup(groups, 42)?.name).toBe('shadow');
  });

  it('keep only the state of a shadow password, never the hash', () => {
    const entries = parseShadow(SHADOW);
    expect(entries.map((e) => e.state)).toEqual(['no-login', 'no-login', 'hashed', 'empty', 'locked']);
    expect(JSON.stringify(entries)).not.toMatch(/\$6\$/);
    expect(entries[2]).toMatchObject({ maxDays: 90, minDays: 1, warnDays: 7, inactiveDays: 30, expires: null });
  });

  it('describe password fields', () => {
    expect(passwordState('')).toBe('empty');
    expect(passwordState('*')).toBe('no-login');
    expect(passwordState('!')).toBe('no-login');
    expect(passwordState('!$6$x')).toBe('locked');
    expect(passwordState('$6$x$y')).toBe('hashed');
  });

  it('reject malformed lines, naming the line', () => {
    expect(() => parsePasswd('root:x:0:0:root:/root:/bin/bash\nbroken:x:1\n')).toThrow(/\/etc\/passwd:2 is not a valid passwd line/);
    expect(() => parsePasswd('root:x:zero:0:root:/root:/bin/bash\n')).toThrow(/passwd:1/);
    expect(() => parseGroup('root:x:0\n')).toThrow(/\/etc\/group:1/);
    expect(() => parseShadow('root:*:1\n')).toThrow(/\/etc\/shadow:1/);
  });
});

describe('accounts whose homes are checked', () => {
  it('are those that can log in: not nologin or false shells, not halt/sync/shutdown', () => {
    const { accounts, skipped } = loginAccounts(parsePasswd(PASSWD));
    expect(accounts.map((a) => a.name)).toEqual(['root', 'alice']);
    expect(skipped.find((s) => s.name === 'sync')?.why).toMatch(/command account/);
    expect(skipped.find((s) => s.name === 'ftp')?.why).toBe('shell /bin/false');
  });

  it('normalise home paths', () => {
    expect(normaliseHome('/home/alice/')).toBe('/home/alice');
    expect(normaliseHome('//srv//www')).toBe('/srv/www');
    expect(normaliseHome('/')).toBe('/');
    expect(normaliseHome('')).toBeNull();
    expect(normaliseHome('home/alice')).toBeNull();
  });
});

describe('listing the first level of homes', () => {
  it('walks unrelated homes together, pruning below their first level', () => {
    expect(planHomeWalks(['/root', '/home/alice', '/root'])).toEqual([
      { roots: ['/home/alice', '/root'], prune: ['/home/alice/*/*', '/root/*/*'] },
    ]);
  });

  it('walks a home inside another home separately, so one prune does not hide the other', () => {
    expect(planHomeWalks(['/srv', '/srv/app', '/home/a']).map((p) => p.roots)).toEqual([['/home/a', '/srv'], ['/srv/app']]);
    expect(planHomeWalks(['/', '/root']).map((p) => p.prune)).toEqual([['/*/*'], ['/root/*/*']]);
  });

  it('escapes wildcard characters of a home in the prune pattern', () => {
    expect(escapeFindPattern('/home/a[1]*?')).toBe('/home/a\\[1\\]\\*\\?');
  });

  it('sorts walked entries into each home, and says why a home was not listed', () => {
    const e = (path: string, type: string, mode = 0o644): WalkEntry => ({ path, type, mode, uid: 0, gid: 0, size: 0 });
    const listings = firstLevelListings(['/root', '/home/alice', '/home/link', '/home/gone'], [
      e('/root', 'd', 0o700), e('/root/.bashrc', 'f'), e('/root/.ssh', 'd', 0o700),
      e('/home/alice', 'd', 0o750), e('/home/alice/.netrc', 'f', 0o600),
      e('/home/link', 'l', 0o777),
    ]);
    expect(listings.find((l) => l.home === '/root')?.entries?.map((x) => x.path)).toEqual(['/root/.bashrc', '/root/.ssh']);
    expect(listings.find((l) => l.home === '/home/alice')?.entries?.map((x) => x.path)).toEqual(['/home/alice/.netrc']);
    expect(listings.find((l) => l.home === '/home/link')).toMatchObject({ entries: null, unlisted: expect.stringMatching(/symbolic link/) });
    expect(listings.find((l) => l.home === '/home/gone')).toMatchObject({ entries: null, unlisted: expect.stringMatching(/could not be listed/) });
  });

  it('lists a home of "/" by its direct children', () => {
    const e = (path: string, type: string): WalkEntry => ({ path, type, mode: 0o755, uid: 0, gid: 0, size: 0 });
    const [l] = firstLevelListings(['/'], [e('/', 'd'), e('/.profile', 'f'), e('/etc', 'd')]);
    expect(l.entries?.map((x) => x.path)).toEqual(['/.profile', '/etc']);
  });
});

describe("root's login PATH", () => {
  it('accepts a clean PATH and lists its directories', () => {
    const r = analysePath('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(r.problems).toEqual([]);
    expect(r.directories).toHaveLength(6);
  });

  it('finds empty entries, a trailing or leading colon, "." and relative entries', () => {
    expect(analysePath('/usr/bin::/bin').problems).toEqual(['the PATH has an empty entry "::" (it means the current directory)']);
    expect(analysePath('/usr/bin:/bin:').problems[0]).toMatch(/ends with ":"/);
    expect(analysePath(':/usr/bin').problems[0]).toMatch(/starts with ":"/);
    expect(analysePath('/usr/bin:.:/bin').problems).toEqual(['entry 2 is "." (the current directory)']);
    expect(analysePath('/usr/bin:bin').problems).toEqual(['entry 2 "bin" is a relative directory']);
    expect(analysePath('').problems).toEqual(['the PATH is empty']);
    expect(analysePath('/usr/bin:/usr/bin').directories).toEqual(['/usr/bin']);
  });
});

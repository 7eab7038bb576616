/**
 * Differential test of the account parsers (src/facts/accounts.ts) and of group membership
 * (src/facts/group-membership.ts) against glibc and coreutils of the Ubuntu 18.04 fixture: fast-check
 * writes /etc/passwd and /etc/group with duplicate names and ids, members by primary gid and by listing,
 * leading white space, comments, blank lines, empty and spaced member names; `id -G`, `id -Gn`,
 * `getent initgroups`, `getent passwd` and `getent group` (by name and enumerated), run in a chroot of an overlay, say what the
 * system sees. nsswitch.conf is the fixture's (passwd and group: compat).
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase, layerApi, withOverlay } from '../support/fixtures.js';
import { parseGroup, parsePasswd } from '../../src/facts/accounts.js';
import { firstGroup, firstUser, groupIdsOf, idGroupIds, idGroupNames, membersOfGroup } from '../../src/facts/group-membership.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 20261207;

const USERS = ['alice', 'bob', 'carol', 'shadow', 'ops'];
const GROUPS = ['shadow', 'users', 'staff', 'alice', 'ops', 'dev'];
const IDS = [0, 42, 100, 1000, 1001, 1002, 5000];

const ws = fc.constantFrom('', '', '', ' ', '\t', '  ');
const id = fc.constantFrom(...IDS).chain((n) => fc.constantFrom(String(n), String(n), `0${n}`));
const passwdLine = fc.tuple(ws, fc.constantFrom(...USERS), fc.constantFrom('x', 'x', '', '*'), id, id, fc.constantFrom('', 'A User,,,'), fc.constantFrom('/home/u', '/'), fc.constantFrom('/bin/bash', '/usr/sbin/nologin'))
  .map(([w, name, pw, uid, gid, gecos, home, shell]) => `${w}${name}:${pw}:${uid}:${gid}:${gecos}:${home}:${shell}`);
const member = fc.tuple(fc.constantFrom('', ' ', '  '), fc.constantFrom(...USERS, 'ghost', 'root'), fc.constantFrom('', '', '', ' ')).map(([a, n, b]) => `${a}${n}${b}`);
const groupLine = fc.tuple(ws, fc.constantFrom(...GROUPS), fc.constantFrom('x', '', '!'), id, fc.array(fc.oneof(member, member, member, fc.constant('')), { maxLength: 4 }))
  .map(([w, name, pw, gid, members]) => `${w}${name}:${pw}:${gid}:${members.join(',')}`);
const noise = fc.constantFrom('', '# a comment', '   ', '#shadow:x:42:alice', '  # indented comment');

const file = (line: fc.Arbitrary<string>, first: string) => fc.array(fc.oneof({ weight: 5, arbitrary: line }, { weight: 1, arbitrary: noise }), { minLength: 1, maxLength: 9 })
  .map((ls) => `${first}\n${ls.join('\n')}\n`);
const caseArb = fc.record({
  passwd: file(passwdLine, 'root:x:0:0:root:/root:/bin/bash'),
  group: file(groupLine, 'root:x:0:'),
});

const QUERY = [
  ...USERS.flatMap((u) => [`echo "@idG ${u}"; o=$(id -G ${u} 2>/dev/null); echo "\${o:--}"`, `echo "@idGn ${u}"; o=$(id -Gn ${u} 2>/dev/null); echo "\${o:--}"`, `echo "@pw ${u}"; getent passwd ${u} || echo "-"`, `echo "@init ${u}"; getent initgroups ${u} || echo "-"`]),
  ...GROUPS.map((g) => `echo "@gr ${g}"; getent group ${g} || echo "-"`),
  ...IDS.map((n) => `echo "@grid ${n}"; getent group ${n} || echo "-"`),
  'echo "@allgr"; getent group', 'echo "@allpw"; getent passwd', 'echo "@end"',
].join('\n');

function sections(out: string): Map<string, string> {
  const map = new Map<string, string>();
  const parts = out.split(/^@/m).slice(1);
  for (const p of parts) {
    const nl = p.indexOf('\n');
    map.set(p.slice(0, nl), p.slice(nl + 1).replace(/\n$/, ''));
  }
  return map;
}

describe('differential: accounts and group membership against id and getent in the Ubuntu fixture', () => {
  it(`agrees with glibc on ${RUNS} generated /etc/passwd and /etc/group pairs`, async () => {
    const base = ensureUbuntuBase();
    let queries = 0;
    let shadowMembers = 0;
    let failure: unknown = null;
    await withOverlay(base, () => {}, async (root) => {
      const layer = layerApi(root);
      try {
        fc.assert(fc.property(caseArb, ({ passwd, group }) => {
          layer.write('/etc/passwd', passwd);
          layer.write('/etc/group', group);
          const real = sections(execFileSync('timeout', ['60', 'chroot', root, '/bin/sh', '-c', QUERY], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
          const users = parsePasswd(passwd);
          const groups = parseGroup(group);
          const pwLine = (u: ReturnType<typeof firstUser>) => (u ? `${u.name}:${u.uid}:${u.gid}:${u.gecos}:${u.home}:${u.shell}` : '-');
          const realPw = (l: string) => (l === '-' ? '-' : ((f) => `${f[0]}:${f.slice(2).join(':')}`)(l.split(':')));
          const grLine = (g: ReturnType<typeof firstGroup>) => (g ? `${g.name}:${g.password}:${g.gid}:${g.members.join(',')}` : '-');
          const set = (s: string) => (s === '-' ? '-' : [...new Set(s.split(' '))].sort().join(' '));
          for (const u of USERS) {
            const ids = idGroupIds(users, groups, u);
            expect(set(real.get(`idG ${u}`)!), `id -G ${u}`).toBe(ids ? [...new Set(ids.map(String))].sort().join(' ') : '-');
            // at login: the primary gid and the gids of the lines that list the name (getent initgroups shows the latter)
            const login = groupIdsOf(users, groups, u);
            const init = real.get(`init ${u}`)!;
            const listed = groups.filter((g) => g.members.includes(u)).map((g) => g.gid);
            expect(set(init.split(/\s+/).slice(1).join(' ')), `getent initgroups ${u}`).toBe(set([...new Set(listed)].map(String).join(' ')));
            if (login) expect(new Set(login)).toEqual(new Set([firstUser(users, u)!.gid, ...listed]));
            const names = idGroupNames(users, groups, u);
            expect(set(real.get(`idGn ${u}`)!), `id -Gn ${u}`).toBe(names ? [...new Set(names)].sort().join(' ') : '-');
            expect(realPw(real.get(`pw ${u}`)!), `getent passwd ${u}`).toBe(pwLine(firstUser(users, u)));
            queries += 4;
          }
          for (const g of GROUPS) { expect(real.get(`gr ${g}`), `getent group ${g}`).toBe(grLine(firstGroup(groups, g))); queries++; }
          for (const n of IDS) { expect(real.get(`grid ${n}`), `getent group ${n}`).toBe(grLine(firstGroup(groups, n))); queries++; }
          expect(real.get('allgr'), 'getent group (every entry, in order)').toBe(groups.map(grLine).join('\n'));
          expect(real.get('allpw')!.split('\n').map(realPw).join('\n'), 'getent passwd (every entry, in order)').toBe(users.map(pwLine).join('\n'));
          queries += 2;
          // every account whose processes get a gid of a shadow line at login (getent passwd + getent initgroups) is counted by cis-bdd
          const shadowGids = new Set(groups.filter((g) => g.name === 'shadow').map((g) => g.gid));
          const loginGids = (u: string) => {
            const pw = real.get(`pw ${u}`)!;
            const init = real.get(`init ${u}`)!;
            return pw === '-' ? [] : [Number(pw.split(':')[3]), ...init.split(/\s+/).slice(1).filter(Boolean).map(Number)];
          };
          const withGid = USERS.filter((u) => loginGids(u).some((n) => shadowGids.has(n)));
          const counted = new Set(membersOfGroup(users, groups, 'shadow').map((m) => m.name));
          for (const u of withGid) expect(counted.has(u), `${u} has a gid of shadow (id -G), cis-bdd must count it`).toBe(true);
          shadowMembers += withGid.length;
        }), { seed: SEED, numRuns: RUNS });
      } catch (e) { failure = e; }
    });
    if (failure) throw failure;
    console.log(`differential accounts (id -G, id -Gn, getent passwd/group by name, by gid and enumerated): ${RUNS} cases, ${queries} queries, ${shadowMembers} shadow-gid memberships at login found by getent and counted, 0 disagreements`);
  }, 1_800_000);
});

/**
 * The connections an SSH item is decided for (pure). An item about root logins is decided for root; an
 * item about all users must hold for root, for an ordinary user, for each user a Match User line names and
 * for a member of each group a Match Group line names. Each of them is evaluated from an ordinary address
 * and, for every Match block that depends on where the connection comes from (Address, LocalAddress,
 * LocalPort, Host), from an origin that block matches. A Host criterion depends on the client's host name
 * (reverse DNS when UseDNS is yes, the address otherwise), which cannot be known in advance: such a
 * block is taken as applying to some client, and the connection says so.
 */
import type { GroupEntry, PasswdEntry } from './accounts.js';
import type { SshdMatchBlock } from './sshd-parse.js';
import {
  addrMatchList, addressFor, exampleFor, matchPatternList, nameFor, type GroupsOf, type SshdConnectionSpec,
} from './sshd-match.js';

export interface PlannedConnection {
  spec: SshdConnectionSpec;
  /** who and from where, in words */
  label: string;
  /** why the verdict cannot rest on the files alone (a Match Host), when that is so */
  undecidable?: string;
}

export interface ConnectionPlan {
  connections: PlannedConnection[];
  /** what was looked for and not found (a group with no members...) */
  notes: string[];
}

/** An address from the documentation range: no real client has it, and a Match on real networks does not cover it. */
export const ORDINARY_ADDRESS = '203.0.113.10';
export const ORDINARY_LOCAL_ADDRESS = '203.0.113.1';
/** A user name no system has: an ordinary user in no group a Match names. */
export const ORDINARY_USER = 'cis-bdd-probe';
const MAX_USERS = 24;
const MAX_ORIGINS = 16;

/** Group membership as `id` computes it: the primary group and every group that lists the user. */
export function groupsFromAccounts(passwd: PasswdEntry[], groups: GroupEntry[]): GroupsOf {
  return (user) => {
    const account = passwd.find((p) => p.name === user);
    if (!account) return null;
    const names = new Set<string>();
    const primary = groups.find((g) => g.gid === account.gid);
    if (primary) names.add(primary.name);
    for (const g of groups) if (g.members.includes(user)) names.add(g.name);
    return [...names];
  };
}

interface Origin { addr: string; host: string; laddr: string; lport: number; label: string; undecidable?: string }

/** Plan the connections for the parsed Match blocks; `port` is the daemon's first listening port. */
export function planConnections(blocks: SshdMatchBlock[], passwd: PasswdEntry[] | null, groups: GroupEntry[] | null, port: number): ConnectionPlan {
  const notes: string[] = [];
  const users: Array<{ user: string; label: string }> = [{ user: 'root', label: 'root' }, { user: ORDINARY_USER, label: 'an ordinary user' }];
  const addUser = (user: string, label: string) => {
    if (users.length < MAX_USERS && !users.some((u) => u.user === user)) users.push({ user, label });
  };
  const conditions = blocks.flatMap((b) => (b.conditions ?? []).map((c) => ({ b, c })));
  for (const { b, c } of conditions.filter((x) => x.c.attribute === 'user')) {
    const name = exampleFor(c.patterns, nameFor, (n) => matchPatternList(n, c.patterns) === 1);
    if (name) addUser(name, `user ${name} (Match User ${c.patterns} at ${b.file}:${b.line})`);
  }
  for (const { b, c } of conditions.filter((x) => x.c.attribute === 'group')) {
    if (!passwd || !groups) { notes.push(`the accounts could not be read, so no member of Match Group ${c.patterns} was evaluated`); continue; }
    const matching = groups.filter((g) => matchPatternList(g.name, c.patterns) === 1);
    if (!matching.length) notes.push(`no group in /etc/group matches Match Group ${c.patterns} (${b.file}:${b.line}): the block applies to nobody`);
    for (const g of matching) {
      const member = g.members.find((m) => passwd.some((p) => p.name === m)) ?? passwd.find((p) => p.gid === g.gid)?.name;
      if (member) addUser(member, `${member}, a member of group ${g.name} (Match Group ${c.patterns} at ${b.file}:${b.line})`);
      else notes.push(`group ${g.name} has no members, so Match Group ${c.patterns} (${b.file}:${b.line}) applies to nobody today`);
    }
  }
  const ordinary: Origin = { addr: ORDINARY_ADDRESS, host: ORDINARY_ADDRESS, laddr: ORDINARY_LOCAL_ADDRESS, lport: port, label: `from ${ORDINARY_ADDRESS}` };
  const origins: Origin[] = [ordinary];
  for (const b of blocks) {
    const conds = (b.conditions ?? []).filter((c) => c.attribute !== 'user' && c.attribute !== 'group');
    if (!conds.length || origins.length >= MAX_ORIGINS) continue;
    const o: Origin = { ...ordinary };
    const parts: string[] = [];
    let possible = true;
    for (const c of conds) {
      if (c.attribute === 'localport') { o.lport = Number(c.patterns); parts.push(`to port ${c.patterns}`); continue; }
      if (c.attribute === 'host') {
        const h = exampleFor(c.patterns, nameFor, (n) => matchPatternList(n, c.patterns, true) === 1);
        if (!h) { possible = false; break; }
        o.host = h.toLowerCase();
        parts.push(`named ${o.host}`);
        o.undecidable = `Match Host ${c.patterns} (${b.file}:${b.line}) depends on the client's host name, which sshd takes from reverse DNS `
          + 'when UseDNS is yes and from the address otherwise: it cannot be decided from the files, so it is taken to apply to some client';
        continue;
      }
      const field = c.attribute === 'address' ? 'addr' : 'laddr';
      let a: string | null = null;
      try { a = exampleFor(c.patterns, addressFor, (x) => addrMatchList(x, c.patterns) === 1); } catch { a = null; }
      if (!a) { possible = false; break; }
      o[field] = a;
      if (field === 'addr' && !conds.some((x) => x.attribute === 'host')) o.host = a;
      parts.push(field === 'addr' ? `from ${a}` : `to ${a}`);
    }
    if (!possible) { notes.push(`no connection matches the origin of Match ${b.criteria} (${b.file}:${b.line})`); continue; }
    o.label = `${parts.join(' ')} (Match ${b.criteria} at ${b.file}:${b.line})`;
    if (!o.label.startsWith('from')) o.label = `from ${o.addr} ${o.label}`;
    if (!origins.some((x) => x.addr === o.addr && x.host === o.host && x.laddr === o.laddr && x.lport === o.lport)) origins.push(o);
  }
  const connections: PlannedConnection[] = [];
  for (const u of users) {
    for (const o of origins) {
      connections.push({
        spec: { user: u.user, host: o.host, addr: o.addr, laddr: o.laddr, lport: o.lport },
        label: `${u.label} ${o.label}`,
        ...(o.undecidable ? { undecidable: o.undecidable } : {}),
      });
    }
  }
  return { connections, notes };
}

/**
 * Which Match blocks apply to a connection, as OpenSSH 7.4 and 7.6 decide it (pure functions).
 * - A Match line's criteria must all hold. `User` patterns compare case-sensitively, `Host` patterns
 *   case-insensitively; `Group` holds when one of the user's groups (primary group and the groups that list
 *   the user) matches; `Address` and `LocalAddress` take CIDR networks (`10.0.0.0/8`) as well as `*`/`?`
 *   patterns; `LocalPort` is one port number.
 * - A pattern list is comma-separated; a pattern starting with `!` that matches makes the whole list fail,
 *   and the list holds only if some positive pattern matches: `User !root` alone matches nobody.
 * - A criterion the connection does not name (no local address or port given to `sshd -T -C`) fails.
 * - An Address pattern that is a CIDR network with host bits set, or with a prefix too long, makes sshd
 *   refuse the connection ("Bad Match condition").
 */
import { isIPv4, isIPv6 } from 'node:net';
import { CheckError } from '../model/verdict.js';
import type { SshdMatchBlock, SshdMatchCriterion } from './sshd-parse.js';

/** A connection as `sshd -T -C` describes it. */
export interface SshdConnectionSpec {
  user: string;
  host: string;
  addr: string;
  laddr?: string;
  lport?: number;
}

/** The -C argument of `sshd -T` for a connection. */
export function connectionArgument(spec: SshdConnectionSpec): string {
  const parts = [`user=${spec.user}`, `host=${spec.host}`, `addr=${spec.addr}`];
  if (spec.laddr !== undefined) parts.push(`laddr=${spec.laddr}`);
  if (spec.lport !== undefined) parts.push(`lport=${spec.lport}`);
  return parts.join(',');
}

/**
 * One pattern of sshd's Match criteria against a whole string, as OpenSSH's match_pattern does: only `*`
 * and `?` are wildcards (a `[` is itself) and both match any character, `/` included. Not the project's
 * glob helper (src/model/glob.ts), whose sets would read `[` differently; lists with `!` negation are
 * matchPatternList's.
 */
export function matchPattern(s: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\[\]]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`);
  return re.test(s);
}

/** 1: a positive pattern matched; -1: a negated pattern matched; 0: none matched. */
export function matchPatternList(s: string, list: string, lower = false): -1 | 0 | 1 {
  let positive = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    let p = negated ? raw.slice(1) : raw;
    if (lower) p = p.toLowerCase();
    if (matchPattern(s, p)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

/** An address as bits (IPv4: 32, IPv6: 128), or null. */
function addressBits(a: string): { bits: bigint; width: number } | null {
  if (isIPv4(a)) return { bits: a.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n), width: 32 };
  if (isIPv6(a)) {
    let text = a;
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (v4) {
      const n = addressBits(v4[1])!.bits;
      text = text.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    return { bits: groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n), width: 128 };
  }
  return null;
}

/** A CIDR network: 'ok' with its parts, 'not-cidr' (then it is a wildcard pattern), or 'error' (sshd refuses it). */
function cidr(p: string): { kind: 'ok'; bits: bigint; width: number; len: number } | { kind: 'not-cidr' } | { kind: 'error' } {
  const slash = p.indexOf('/');
  const addr = slash < 0 ? p : p.slice(0, slash);
  const a = addressBits(addr);
  if (!a) return { kind: 'not-cidr' };
  if (slash < 0) return { kind: 'ok', ...a, len: a.width };
  const lenText = p.slice(slash + 1);
  if (!/^\d+$/.test(lenText)) return { kind: 'not-cidr' };
  const len = Number(lenText);
  if (len > a.width) return { kind: 'error' };
  const hostMask = (1n << BigInt(a.width - len)) - 1n;
  if (a.bits & hostMask) return { kind: 'error' };
  return { kind: 'ok', ...a, len };
}

/** 1, -1 or 0 as for names; throws when a network in the list is one sshd refuses. */
export function addrMatchList(addr: string, list: string): -1 | 0 | 1 {
  const a = addressBits(addr);
  let result: 0 | 1 = 0;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const p = negated ? raw.slice(1) : raw;
    if (p === '') throw new CheckError(`Match Address ${list}: an empty pattern (sshd refuses the connection)`);
    const c = cidr(p);
    if (c.kind === 'error') throw new CheckError(`Match Address ${list}: ${p} is not a valid network (host bits set or prefix too long); sshd refuses every connection it evaluates this line for`);
    let hit: boolean;
    if (c.kind === 'ok') {
      hit = !!a && a.width === c.width && (a.bits >> BigInt(c.width - c.len)) === (c.bits >> BigInt(c.width - c.len));
    } else {
      hit = matchPattern(addr, p);
    }
    if (hit) {
      if (negated) return -1;
      result = 1;
    }
  }
  return result;
}

/** The groups of a user as the system computes them (primary group and supplementary), or null for an unknown user. */
export type GroupsOf = (user: string) => string[] | null;

/** Whether one criterion holds for a connection. */
export function criterionHolds(c: SshdMatchCriterion, spec: SshdConnectionSpec, groupsOf: GroupsOf): boolean {
  switch (c.attribute) {
    case 'user': return matchPatternList(spec.user, c.patterns) === 1;
    case 'group': {
      const groups = groupsOf(spec.user);
      if (!groups) return false;
      let found = false;
      for (const g of groups) {
        const r = matchPatternList(g, c.patterns);
        if (r === -1) return false;
        if (r === 1) found = true;
      }
      return found;
    }
    case 'host': return matchPatternList(spec.host.toLowerCase(), c.patterns, true) === 1;
    case 'address': return addrMatchList(spec.addr, c.patterns) === 1;
    case 'localaddress': return spec.laddr !== undefined && addrMatchList(spec.laddr, c.patterns) === 1;
    case 'localport': return spec.lport !== undefined && Number(c.patterns) === spec.lport;
  }
}

/** Whether a Match block applies to a connection (every criterion is evaluated, as sshd does, so errors surface). */
export function blockApplies(block: SshdMatchBlock, spec: SshdConnectionSpec, groupsOf: GroupsOf): boolean {
  if (block.conditions === null) return true;
  let all = true;
  for (const c of block.conditions) {
    try {
      if (!criterionHolds(c, spec, groupsOf)) all = false;
    } catch (e) {
      if (e instanceof CheckError) throw new CheckError(`${block.file}:${block.line}: ${e.message}`);
      throw e;
    }
  }
  return all;
}

/** A value that a pattern list matches (for a representative connection), or null when none can be made. */
export function exampleFor(list: string, make: (pattern: string, attempt: number) => string, test: (candidate: string) => boolean): string | null {
  for (const p of list.split(',').filter((x) => x && !x.startsWith('!'))) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const candidate = make(p, attempt);
      if (test(candidate)) return candidate;
    }
  }
  return null;
}

/** A concrete name for a `*`/`?` pattern. */
export function nameFor(pattern: string, attempt: number): string {
  const fill = ['x', 'y', 'z', 'w'][attempt] ?? 'x';
  return pattern.replace(/\*/g, fill).replace(/\?/g, fill);
}

/** A concrete address for an address pattern or network. */
export function addressFor(pattern: string, attempt: number): string {
  const slash = pattern.indexOf('/');
  if (slash >= 0) {
    const base = pattern.slice(0, slash);
    if (attempt === 0 || !isIPv4(base)) return base;
    const parts = base.split('.').map(Number);
    parts[3] = (parts[3] + attempt) % 256;
    return parts.join('.');
  }
  return pattern.replace(/\*/g, String(attempt + 1)).replace(/\?/g, String(attempt + 1));
}


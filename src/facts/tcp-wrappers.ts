/**
 * TCP Wrappers access control: /etc/hosts.allow and /etc/hosts.deny, read as libwrap reads them
 * (hosts_access(5), hosts_options(5)). A request is granted by the first rule of hosts.allow that matches
 * it, otherwise refused by the first rule of hosts.deny that matches, otherwise granted. Each rule is
 * `daemon_list : client_list [ : option : option ... ]`; lists are separated by blanks or commas; a
 * backslash at the end of a line continues it; lines starting with "#" are comments. IPv6 addresses are
 * written in brackets ([::1]/128), whose colons do not separate fields.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const HOSTS_ALLOW = '/etc/hosts.allow';
export const HOSTS_DENY = '/etc/hosts.deny';

export interface AccessRule {
  file: string;
  /** the line the rule starts on */
  line: number;
  /** the rule as written (continuations joined) */
  text: string;
  daemons: string[];
  clients: string[];
  /** the options after the client list, each as written (hosts_options(5)) */
  options: string[];
}

export interface AccessFile {
  file: string;
  exists: boolean;
  rules: AccessRule[];
}

export interface TcpWrappersRules {
  allow: AccessFile;
  deny: AccessFile;
}

/** Split at every ":" outside brackets (an IPv6 address is written [2001:db8::]/32). */
function splitFields(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    if (c === ':' && depth === 0) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

const words = (list: string) => list.split(/[\s,]+/).filter(Boolean);

/** Parse hosts.allow or hosts.deny. A rule without the ":" between its lists, or with an empty list, is a parse failure. */
export function parseHostsAccess(text: string, file: string): AccessRule[] {
  const rules: AccessRule[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = line.replace(/\\\s*$/, ' ') + lines[++i];
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const [daemonList, clientList, ...options] = splitFields(t);
    if (clientList === undefined) throw new CheckError(`${file}:${start + 1} is not an access rule (no ":" between the daemon and client lists): ${JSON.stringify(t.slice(0, 120))}`);
    const daemons = words(daemonList);
    const clients = words(clientList);
    if (!daemons.length || !clients.length) throw new CheckError(`${file}:${start + 1} has an empty ${daemons.length ? 'client' : 'daemon'} list: ${JSON.stringify(t.slice(0, 120))}`);
    rules.push({ file, line: start + 1, text: t.replace(/\s+/g, ' '), daemons, clients, options: options.map((o) => o.trim()).filter(Boolean) });
  }
  return rules;
}

/** A list that matches everything: it has the wildcard ALL and no EXCEPT. */
const matchesAll = (list: string[]) => list.includes('ALL') && !list.includes('EXCEPT');

/** A rule for every service and every client, with no option that turns its meaning around ("allow" in hosts.deny, "deny" in hosts.allow). */
export function isAllForAll(rule: AccessRule, opposite: 'allow' | 'deny'): boolean {
  return matchesAll(rule.daemons) && matchesAll(rule.clients) && !rule.options.some((o) => o.toLowerCase() === opposite);
}

export const tcpWrappersRules = defineFact<TcpWrappersRules>('tcp-wrappers-rules', async ({ facts }) => {
  const read = async (file: string): Promise<AccessFile> => {
    const t = await facts.text(file);
    return { file, exists: t !== null, rules: t === null ? [] : parseHostsAccess(t, file) };
  };
  return { allow: await read(HOSTS_ALLOW), deny: await read(HOSTS_DENY) };
}, [HOSTS_ALLOW, HOSTS_DENY]);

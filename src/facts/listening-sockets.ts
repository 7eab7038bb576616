/**
 * The kernel's TCP and UDP socket tables on a running system (/proc/net/tcp, tcp6, udp and udp6: what
 * `ss -tuna` shows, read without depending on ss, netstat or lsof), and which processes hold which socket.
 * One command prints the four tables, the socket links under /proc/<pid>/fd and each process's name. The
 * tables describe the network namespace of the audit's shell; the process links are only those the
 * auditing account may read (another user's process needs root, and a container's root may still be
 * refused), so a socket without a known process is normal, not an error.
 *
 * The kernel prints every address as 32-bit words in the host's byte order; this parser assumes a
 * little-endian host (x86, arm64), where 127.0.0.1 appears as 0100007F. On an offline root filesystem
 * there are no sockets: the fact throws NeedsLiveSystem.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const SOCKET_TABLES = ['/proc/net/tcp', '/proc/net/tcp6', '/proc/net/udp', '/proc/net/udp6'] as const;

export const LISTENING_SOCKETS_COMMAND = [
  `for f in ${SOCKET_TABLES.join(' ')}; do if [ ! -e "$f" ]; then echo "@@missing $f"; elif [ -r "$f" ]; then echo "@@table $f"; cat "$f" || echo "@@unreadable $f"; else echo "@@unreadable $f"; fi; done`,
  'echo "@@fd"',
  "ls -l /proc/[0-9]*/fd 2>/dev/null | grep -e '^/proc/' -e 'socket:'",
  'echo "@@comm"',
  'for d in /proc/[0-9]*; do read -r c < "$d/comm" && echo "${d#/proc/} $c"; done 2>/dev/null',
  'true',
].join('\n');

/** TCP states as the kernel numbers them (include/net/tcp_states.h). UDP uses ESTABLISHED and CLOSE. */
const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED', '02': 'SYN-SENT', '03': 'SYN-RECV', '04': 'FIN-WAIT-1', '05': 'FIN-WAIT-2', '06': 'TIME-WAIT',
  '07': 'CLOSE', '08': 'CLOSE-WAIT', '09': 'LAST-ACK', '0A': 'LISTEN', '0B': 'CLOSING', '0C': 'NEW-SYN-RECV',
};

export interface SocketOwner { pid: number; name: string }

export interface SocketEntry {
  proto: 'tcp' | 'udp';
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** TCP state name (LISTEN, ESTABLISHED, ...); for UDP, CLOSE means not connected (ss calls it UNCONN) */
  state: string;
  /** the uid that owns the socket */
  uid: number;
  inode: number;
  /** the table and line it was read from, for evidence */
  table: string;
  line: number;
  /** processes holding the socket, as far as they could be seen */
  owners: SocketOwner[];
}

export interface SocketTables {
  command: string;
  /** tables the kernel does not have (no IPv6 support): not an error */
  missingTables: string[];
  sockets: SocketEntry[];
}

/** A socket that accepts connections or datagrams from others: a listening TCP socket, an unconnected UDP one. */
export function isListening(s: SocketEntry): boolean {
  return s.proto === 'tcp' ? s.state === 'LISTEN' : s.state === 'CLOSE';
}

/** The listening sockets, each (proto, family, address, port) once. */
export function listeningSockets(tables: SocketTables): SocketEntry[] {
  const seen = new Set<string>();
  return tables.sockets.filter(isListening).filter((s) => {
    const key = `${s.proto}/${s.family}/${s.localAddress}/${s.localPort}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function wordBytes(hex8: string): number[] {
  // a 32-bit word in little-endian order: the first byte of the address is the last pair of digits
  return [6, 4, 2, 0].map((i) => parseInt(hex8.slice(i, i + 2), 16));
}

/** Decode an address as /proc/net/* prints it: 8 hex digits for IPv4, 32 for IPv6 (RFC 5952 text form). */
export function decodeSocketAddress(hex: string): string {
  if (!/^[0-9A-Fa-f]+$/.test(hex)) throw new CheckError(`not a socket address: ${hex}`);
  if (hex.length === 8) return wordBytes(hex).join('.');
  if (hex.length !== 32) throw new CheckError(`not a socket address: ${hex}`);
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const text = (g: number[]) => g.map((n) => n.toString(16)).join(':');
  if (bestLength < 2) return text(groups);
  return `${text(groups.slice(0, bestStart))}::${text(groups.slice(bestStart + bestLength))}`;
}

/** An address only the system itself can reach: 127.0.0.0/8, ::1, or 127.x mapped into IPv6. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === '::1' || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)
    || /^(0{1,4}:){7}0{0,3}1$/.test(a);
}

const ENTRY = /^\s*\d+:\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{2})\s+\S+\s+\S+\s+\S+\s+(\d+)\s+\d+\s+(\d+)/;

/** Parse one socket table (its header line first). A line that is not a socket entry is a parse failure. */
export function parseSocketTable(text: string, table: string): Omit<SocketEntry, 'owners'>[] {
  const name = table.split('/').pop() ?? '';
  const m0 = /^(tcp|udp)(6?)$/.exec(name);
  if (!m0) throw new CheckError(`${table} is not a TCP or UDP socket table`);
  const proto = m0[1] as 'tcp' | 'udp';
  const family = m0[2] ? 6 : 4;
  const lines = text.split('\n');
  if (!/^\s*sl\s+local_address/.test(lines[0] ?? '')) throw new CheckError(`${table}:1 is not the header of a socket table: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const out: Omit<SocketEntry, 'owners'>[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l.trim()) continue;
    const m = ENTRY.exec(l);
    if (!m) throw new CheckError(`${table}:${i + 1} is not a socket entry: ${JSON.stringify(l.slice(0, 100))}`);
    const localAddress = decodeSocketAddress(m[1]);
    const remoteAddress = decodeSocketAddress(m[3]);
    if ((family === 4) !== (m[1].length === 8)) throw new CheckError(`${table}:${i + 1} has an address of the wrong family: ${m[1]}`);
    const code = m[5].toUpperCase();
    const state = TCP_STATES[code];
    if (!state) throw new CheckError(`${table}:${i + 1} has an unknown socket state ${code}`);
    out.push({
      proto, family, localAddress, localPort: parseInt(m[2], 16), remoteAddress, remotePort: parseInt(m[4], 16),
      state, uid: Number(m[6]), inode: Number(m[7]), table, line: i + 1,
    });
  }
  return out;
}

/**
 * Parse the command's output: sections "@@table <path>" (the table follows), "@@missing <path>",
 * "@@unreadable <path>", then "@@fd" (ls -l of /proc/<pid>/fd, socket links only) and "@@comm" ("pid name").
 */
export function parseSocketTablesOutput(stdout: string, command = LISTENING_SOCKETS_COMMAND): SocketTables {
  const tables = new Map<string, string[]>();
  const missingTables: string[] = [];
  const fdLines: string[] = [];
  const commLines: string[] = [];
  let section: string[] | null = null;
  for (const line of stdout.split('\n')) {
    const m = /^@@(table|missing|unreadable|fd|comm)(?: (.*))?$/.exec(line);
    if (m) {
      if (m[1] === 'table') { section = []; tables.set(m[2], section); }
      else if (m[1] === 'missing') { missingTables.push(m[2]); section = null; }
      else if (m[1] === 'unreadable') throw new CheckError(`${m[2]} cannot be read`);
      else section = m[1] === 'fd' ? fdLines : commLines;
      continue;
    }
    if (section) section.push(line);
    else if (line.trim()) throw new CheckError(`unexpected output before the socket tables: ${JSON.stringify(line.slice(0, 80))}`);
  }
  for (const t of SOCKET_TABLES) {
    if (!tables.has(t) && !missingTables.includes(t)) throw new CheckError(`the output has no section for ${t}`);
  }
  if (!tables.has('/proc/net/tcp') && !tables.has('/proc/net/tcp6')) throw new CheckError('neither /proc/net/tcp nor /proc/net/tcp6 exists: /proc is not mounted or not Linux');

  const names = new Map<number, string>();
  for (const l of commLines) {
    const m = /^(\d+) (.*)$/.exec(l);
    if (m) names.set(Number(m[1]), m[2]);
  }
  const holders = new Map<number, SocketOwner[]>();
  let pid: number | null = null;
  for (const l of fdLines) {
    const header = /^\/proc\/(\d+)\/fd:$/.exec(l);
    if (header) { pid = Number(header[1]); continue; }
    const link = /-> socket:\[(\d+)\]\s*$/.exec(l);
    if (!link || pid === null) continue;
    const inode = Number(link[1]);
    const list = holders.get(inode) ?? [];
    if (!list.some((o) => o.pid === pid)) list.push({ pid, name: names.get(pid) ?? '?' });
    holders.set(inode, list);
  }
  const sockets: SocketEntry[] = [];
  for (const [table, lines] of tables) {
    for (const e of parseSocketTable(lines.join('\n'), table)) sockets.push({ ...e, owners: e.inode ? holders.get(e.inode) ?? [] : [] });
  }
  return { command, missingTables, sockets };
}

export const socketTables = defineFact<SocketTables>('socket-tables', async ({ facts }) => {
  const r = await facts.command('sockets of the running system (/proc/net/tcp, tcp6, udp, udp6)', LISTENING_SOCKETS_COMMAND);
  return parseSocketTablesOutput(r.stdout.toString('utf8'));
});

/** "tcp 0.0.0.0:25 LISTEN uid 0 (python3 pid 42)", for evidence. */
export function describeSocket(s: SocketEntry): string {
  const address = s.family === 6 ? `[${s.localAddress}]` : s.localAddress;
  const state = s.proto === 'udp' ? (s.state === 'CLOSE' ? 'UNCONN' : s.state) : s.state;
  const who = s.owners.length ? s.owners.map((o) => `${o.name} pid ${o.pid}`).join(', ') : 'process not visible';
  return `${s.proto}${s.family === 6 ? '6' : ''} ${address}:${s.localPort} ${state} uid ${s.uid} (${who})`;
}

/** "tcp 0.0.0.0:25", "udp6 [::]:123": the protocol and local address of a socket, for naming a port. */
export function describeListeningPort(s: Pick<SocketEntry, 'proto' | 'family' | 'localAddress' | 'localPort'>): string {
  return `${s.proto}${s.family === 6 ? '6' : ''} ${s.family === 6 ? `[${s.localAddress}]` : s.localAddress}:${s.localPort}`;
}

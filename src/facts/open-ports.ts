/**
 * The TCP and UDP ports open for connections on a running system, read from the kernel's socket tables
 * /proc/net/tcp, tcp6, udp and udp6 (what `ss -tuln` shows, without depending on ss): TCP sockets in the
 * LISTEN state and unconnected UDP sockets. They describe the network namespace of the audit's shell.
 * Addresses are printed by the kernel as 32-bit words in the host's byte order (little-endian here, as
 * on x86 and arm64).
 */
import { CheckError, NeedsLiveSystem } from '../engine/verdict.js';
import { defineFact } from './store.js';

export interface OpenPort {
  proto: 'tcp' | 'udp';
  family: 4 | 6;
  address: string;
  port: number;
  /** bound to a loopback address only: not reachable from other hosts */
  loopback: boolean;
}

export const SOCKET_TABLES = [
  { path: '/proc/net/tcp', proto: 'tcp', family: 4 },
  { path: '/proc/net/tcp6', proto: 'tcp', family: 6 },
  { path: '/proc/net/udp', proto: 'udp', family: 4 },
  { path: '/proc/net/udp6', proto: 'udp', family: 6 },
] as const;

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

function wordBytes(hex8: string): number[] {
  // one 32-bit word in little-endian host order: the first address byte is the last pair of digits
  return [6, 4, 2, 0].map((i) => parseInt(hex8.slice(i, i + 2), 16));
}

export function decodeAddress(hex: string): string {
  if (hex.length === 8) return wordBytes(hex).join('.');
  if (hex.length !== 32) throw new CheckError(`unexpected socket address ${hex}`);
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') return `::ffff:${bytes.slice(12).join('.')}`;
  // shorten the longest run of zero groups, as ss prints it
  let best = [-1, 0];
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1]) best = [i, j - i];
    i = j;
  }
  if (best[1] < 2) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0] + best[1]).join(':')}`;
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/** The open ports of one socket table. A line that is not a socket entry is a parse failure. */
export function parseSocketTable(text: string, proto: 'tcp' | 'udp', family: 4 | 6, source: string): OpenPort[] {
  const out: OpenPort[] = [];
  const wanted = proto === 'tcp' ? TCP_LISTEN : UDP_UNCONNECTED;
  text.split('\n').forEach((line, i) => {
    if (i === 0 || !line.trim()) return;
    const m = /^\s*\d+:\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{2})\s/.exec(line);
    if (!m) throw new CheckError(`${source}:${i + 1} is not a socket entry: ${JSON.stringify(line.slice(0, 80))}`);
    if (m[5].toUpperCase() !== wanted) return;
    const address = decodeAddress(m[1]);
    out.push({ proto, family, address, port: parseInt(m[2], 16), loopback: isLoopback(address) });
  });
  return out;
}

/** Open ports, each (proto, family, address, port) once. */
export const openPorts = defineFact<OpenPort[]>('open-ports', async ({ facts }) => {
  if (!facts.target.isLive) throw new NeedsLiveSystem('open ports (/proc/net/tcp, tcp6, udp, udp6)');
  const reads = await facts.readMany(SOCKET_TABLES.map((t) => t.path));
  const out: OpenPort[] = [];
  const seen = new Set<string>();
  for (const t of SOCKET_TABLES) {
    const r = reads.find((x) => x.path === t.path);
    if (!r || r.state === 'missing') continue; // no IPv6 in the kernel: no tcp6/udp6 tables
    if (r.state !== 'file') throw new CheckError(`${t.path} cannot be read${r.state === 'unreadable' ? `: ${r.reason}` : ''}`);
    for (const p of parseSocketTable(r.content.toString('utf8'), t.proto, t.family, t.path)) {
      const key = `${p.proto}/${p.family}/${p.address}/${p.port}`;
      if (!seen.has(key)) { seen.add(key); out.push(p); }
    }
  }
  return out;
});

export const describePort = (p: OpenPort) => `${p.proto}${p.family === 6 ? '6' : ''} ${p.family === 6 ? `[${p.address}]` : p.address}:${p.port}`;

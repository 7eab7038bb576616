/**
 * The OpenPGP keys APT trusts to sign repositories: /etc/apt/trusted.gpg and the keyrings in
 * /etc/apt/trusted.gpg.d (*.gpg binary, *.asc ASCII-armoured), which `apt-key list` shows. Each keyring
 * is reduced to its public keys' identities: fingerprint, key id, algorithm, creation date and user ids.
 * Those identify a key publicly; no key material is kept.
 */
import { createHash } from 'node:crypto';
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const TRUSTED_GPG = '/etc/apt/trusted.gpg';
export const TRUSTED_DIR = '/etc/apt/trusted.gpg.d';
const KEYRING_GLOBS = [TRUSTED_GPG, `${TRUSTED_DIR}/*`];

export interface PublicKeyId {
  fingerprint: string;
  keyId: string;
  algorithm: string;
  created: string;
  userIds: string[];
  subkeys: number;
}

export interface Keyring { path: string; keys: PublicKeyId[] }

export interface AptTrustedKeys {
  keyrings: Keyring[];
  /** files in trusted.gpg.d that apt does not read (not *.gpg or *.asc) */
  ignored: string[];
}

const ALGORITHMS: Record<number, string> = {
  1: 'RSA', 2: 'RSA', 3: 'RSA', 16: 'ElGamal', 17: 'DSA', 18: 'ECDH', 19: 'ECDSA', 22: 'EdDSA', 25: 'X25519', 27: 'Ed25519',
};

interface Packet { tag: number; body: Buffer }

/** Split an OpenPGP binary stream into packets (RFC 4880 section 4.2, old and new headers). */
export function readPackets(data: Buffer, source: string): Packet[] {
  const out: Packet[] = [];
  let pos = 0;
  while (pos < data.length) {
    const h = data[pos];
    if (!(h & 0x80)) throw new CheckError(`${source}: not an OpenPGP keyring (bad packet header at byte ${pos})`);
    let tag: number;
    let len: number;
    let p = pos + 1;
    if (h & 0x40) {
      tag = h & 0x3f;
      const o1 = data[p++];
      if (o1 === undefined) throw new CheckError(`${source}: truncated packet header at byte ${pos}`);
      if (o1 < 192) len = o1;
      else if (o1 < 224) len = ((o1 - 192) << 8) + data[p++] + 192;
      else if (o1 === 255) { len = data.readUInt32BE(p); p += 4; }
      else throw new CheckError(`${source}: partial-length packet at byte ${pos}, not expected in a keyring`);
    } else {
      tag = (h >> 2) & 0x0f;
      const lt = h & 0x03;
      if (lt === 0) len = data[p++];
      else if (lt === 1) { len = data.readUInt16BE(p); p += 2; }
      else if (lt === 2) { len = data.readUInt32BE(p); p += 4; }
      else len = data.length - p;
    }
    if (len === undefined || Number.isNaN(len) || p + len > data.length) throw new CheckError(`${source}: truncated packet at byte ${pos}`);
    out.push({ tag, body: data.subarray(p, p + len) });
    pos = p + len;
  }
  return out;
}

/** Decode an ASCII-armoured block to its binary packets. */
export function dearmor(text: string, source: string): Buffer {
  const lines = text.split(/\r?\n/);
  const begin = lines.findIndex((l) => /^-----BEGIN PGP PUBLIC KEY BLOCK-----/.test(l));
  const end = lines.findIndex((l, i) => i > begin && /^-----END PGP PUBLIC KEY BLOCK-----/.test(l));
  if (begin < 0 || end < 0) throw new CheckError(`${source}: no armoured public key block`);
  let i = begin + 1;
  while (i < end && /^[A-Za-z-]+: /.test(lines[i])) i++; // armour headers
  const b64 = lines.slice(i, end).filter((l) => l.trim() && !l.startsWith('=')).join('');
  if (!/^[A-Za-z0-9+/=\s]*$/.test(b64)) throw new CheckError(`${source}: the armoured block is not base64`);
  return Buffer.from(b64, 'base64');
}

function keyIdentity(body: Buffer, source: string): Omit<PublicKeyId, 'userIds' | 'subkeys'> {
  const version = body[0];
  if (version !== 4) {
    return { fingerprint: `(version ${version} key)`, keyId: '', algorithm: ALGORITHMS[body[5]] ?? `algorithm ${body[5]}`, created: '' };
  }
  if (body.length < 6) throw new CheckError(`${source}: truncated public key packet`);
  const created = new Date(body.readUInt32BE(1) * 1000).toISOString().slice(0, 10);
  const header = Buffer.from([0x99, (body.length >> 8) & 0xff, body.length & 0xff]);
  const fingerprint = createHash('sha1').update(header).update(body).digest('hex').toUpperCase();
  let algorithm = ALGORITHMS[body[5]] ?? `algorithm ${body[5]}`;
  if (algorithm === 'RSA' && body.length >= 8) algorithm += ` ${body.readUInt16BE(6)}`;
  return { fingerprint, keyId: fingerprint.slice(-16), algorithm, created };
}

/** The public keys of a keyring (binary packets). */
export function parseKeyring(data: Buffer, source: string): PublicKeyId[] {
  let packets: Packet[];
  try {
    packets = readPackets(data, source);
  } catch (e) {
    if (e instanceof RangeError) throw new CheckError(`${source}: truncated OpenPGP data`);
    throw e;
  }
  const keys: PublicKeyId[] = [];
  for (const p of packets) {
    if (p.tag === 6) keys.push({ ...keyIdentity(p.body, source), userIds: [], subkeys: 0 });
    else if (p.tag === 13 && keys.length) keys[keys.length - 1].userIds.push(p.body.toString('utf8'));
    else if (p.tag === 14 && keys.length) keys[keys.length - 1].subkeys++;
  }
  return keys;
}

export const aptTrustedKeys = defineFact<AptTrustedKeys>('apt-trusted-keys', async ({ facts }) => {
  const keyrings: Keyring[] = [];
  const ignored: string[] = [];
  for (const r of await facts.readMany(KEYRING_GLOBS)) {
    if (r.path === KEYRING_GLOBS[1] || r.state === 'missing' || r.state === 'directory') continue;
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    if (r.path.startsWith(`${TRUSTED_DIR}/`) && !/\.(gpg|asc)$/.test(r.path)) { ignored.push(r.path); continue; }
    const binary = r.path.endsWith('.asc') ? dearmor(r.content.toString('utf8'), r.path) : r.content;
    keyrings.push({ path: r.path, keys: binary.length ? parseKeyring(binary, r.path) : [] });
  }
  return { keyrings, ignored };
}, KEYRING_GLOBS);

export function describeKey(k: PublicKeyId): string {
  return `${k.fingerprint} (key id ${k.keyId}, ${k.algorithm}${k.created ? `, created ${k.created}` : ''})${k.userIds.length ? ` ${k.userIds.join('; ')}` : ''}`;
}

/**
 * The packages of an RPM database read without rpm: the Berkeley DB `Packages` file (see rpmdb-bdb.ts)
 * holds one header blob per installed package, keyed by its 4-byte instance number. A header blob as rpm
 * stores it in the database (no lead, no magic) is:
 *
 * - two big-endian 32-bit counts: index entries `il` and data bytes `dl`;
 * - `il` index entries of four big-endian 32-bit words: tag, type, offset into the data, count;
 * - `dl` bytes of data. Strings are NUL-terminated; INT32 values are big-endian.
 *
 * Tags used: NAME 1000, VERSION 1001, RELEASE 1002, EPOCH 1003 (INT32), ARCH 1022. Record 0, where rpm
 * keeps its instance counter rather than a package, is skipped.
 */
import { CheckError } from '../model/verdict.js';
import { readBerkeleyHash } from './rpmdb-bdb.js';

export const RPM_PACKAGES_DB = '/var/lib/rpm/Packages';

export interface RpmHeaderPackage {
  /** header instance number (the database key), for evidence */
  instance: number;
  name: string;
  version: string;
  release: string;
  /** absent when the header has no EPOCH tag (rpm prints "(none)") */
  epoch?: number;
  /** empty for headers without ARCH (imported gpg-pubkey entries) */
  arch: string;
}

const TAG = { name: 1000, version: 1001, release: 1002, epoch: 1003, arch: 1022 } as const;
const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_I18NSTRING = 9;
/** rpm's own sanity limits on a header (hdrchkTags / hdrchkData) */
const MAX_TAGS = 0xffff;
const MAX_DATA = 256 * 1024 * 1024;

/** Name, version, release, epoch and arch from one header blob. */
export function parseRpmHeaderBlob(blob: Buffer, instance: number, source: string): RpmHeaderPackage {
  const fail = (why: string): never => { throw new CheckError(`${source} record ${instance}: ${why}`); };
  if (blob.length < 8) fail(`${blob.length} bytes is too short for an rpm header`);
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il < 1 || il > MAX_TAGS) fail(`the header claims ${il} index entries`);
  if (dl > MAX_DATA) fail(`the header claims ${dl} bytes of data`);
  const dataStart = 8 + 16 * il;
  if (dataStart + dl > blob.length) fail(`the header is truncated: ${il} entries and ${dl} data bytes need ${dataStart + dl} bytes, the record has ${blob.length}`);
  const data = blob.subarray(dataStart, dataStart + dl);
  const entries = new Map<number, { type: number; offset: number; count: number }>();
  for (let i = 0; i < il; i++) {
    const at = 8 + 16 * i;
    const tag = blob.readUInt32BE(at);
    const e = { type: blob.readUInt32BE(at + 4), offset: blob.readUInt32BE(at + 8), count: blob.readUInt32BE(at + 12) };
    if (e.offset >= dl && e.count > 0 && tag >= 1000) fail(`tag ${tag} points at offset ${e.offset}, beyond the ${dl} data bytes`);
    if (!entries.has(tag)) entries.set(tag, e);
  }
  const text = (tag: number, what: string, required: boolean): string => {
    const e = entries.get(tag);
    if (!e) return required ? fail(`the header has no ${what}`) : '';
    if (e.type !== TYPE_STRING && e.type !== TYPE_I18NSTRING) fail(`the ${what} tag has type ${e.type}, not a string`);
    const end = data.indexOf(0, e.offset);
    if (end < 0) fail(`the ${what} string is not terminated inside the data`);
    return data.subarray(e.offset, end).toString('utf8');
  };
  const name = text(TAG.name, 'NAME', true);
  if (!name) fail('the header has an empty NAME');
  const pkg: RpmHeaderPackage = { instance, name, version: text(TAG.version, 'VERSION', true), release: text(TAG.release, 'RELEASE', true), arch: text(TAG.arch, 'ARCH', false) };
  const epoch = entries.get(TAG.epoch);
  if (epoch) {
    if (epoch.type !== TYPE_INT32 || epoch.count < 1 || epoch.offset + 4 > dl) fail('the EPOCH tag is not a 32-bit integer inside the data');
    pkg.epoch = data.readUInt32BE(epoch.offset);
  }
  return pkg;
}

/** Every package header of a Berkeley DB `Packages` file, in database order. */
export function readRpmPackagesDb(db: Buffer, source = RPM_PACKAGES_DB): RpmHeaderPackage[] {
  const out: RpmHeaderPackage[] = [];
  const { littleEndian, records } = readBerkeleyHash(db, source);
  for (const r of records) {
    if (r.key.length !== 4) throw new CheckError(`${source}: a key of ${r.key.length} bytes, where rpm keys every header by a 4-byte instance number`);
    const instance = littleEndian ? r.key.readUInt32LE(0) : r.key.readUInt32BE(0);
    if (instance === 0) continue;
    out.push(parseRpmHeaderBlob(r.value, instance, source));
  }
  return out;
}

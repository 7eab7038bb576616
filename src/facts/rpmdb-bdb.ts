/**
 * A read-only walk of a Berkeley DB hash database (the format of rpm's `/var/lib/rpm/Packages` up to rpm
 * 4.15, as on CentOS 7 and Alibaba Cloud Linux 2), written from the documented on-disk layout:
 *
 * - page 0 is the hash metadata page: magic 0x061561, format version, page size, the last page number,
 *   the highest bucket number and the `spares` table that maps a bucket to its first page
 *   (page = bucket + spares[ceil(log2(bucket + 1))]);
 * - every page starts with a 26-byte header (LSN, page number, previous and next page, entry count,
 *   free-area offset, level, page type) followed by an array of 2-byte item offsets;
 * - a hash page holds key/data items in pairs; an item starts with its type byte: 1 = the bytes follow
 *   inline (their length is the distance to the previous item's offset), 3 = stored off the page
 *   (4-byte page number at +4, 4-byte total length at +8) in a chain of overflow pages whose header's
 *   free-area offset field holds the number of bytes on that page;
 * - the file is in the byte order of the machine that wrote it; the magic number says which.
 *
 * Anything the walk does not understand (encryption, checksums, duplicate sets, a truncated file, a
 * cycle in a page chain) is an error with its reason: a database that cannot be read never reads as empty.
 */
import { CheckError } from '../model/verdict.js';

const HASH_MAGIC = 0x061561;
const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_DUPLICATE = 2;
const H_OFFPAGE = 3;
const H_OFFDUP = 4;

export interface BdbRecord {
  key: Buffer;
  value: Buffer;
}

interface Layout {
  u32(at: number): number;
  u16(at: number): number;
  pageSize: number;
  pages: number;
}

function ceilLog2(n: number): number {
  let i = 0;
  for (let limit = 1; limit < n; limit *= 2) i++;
  return i;
}

export interface BdbHash {
  /** byte order of the machine that wrote the file (keys holding numbers are in that order) */
  littleEndian: boolean;
  records: BdbRecord[];
}

/** Every key/data pair of a Berkeley DB hash database, bucket by bucket. */
export function readBerkeleyHash(db: Buffer, source: string): BdbHash {
  const fail = (why: string): never => { throw new CheckError(`${source}: ${why}`); };
  if (db.length < 512) fail(`${db.length} bytes is too short for a Berkeley DB database`);
  const le = db.readUInt32LE(12) === HASH_MAGIC;
  if (!le && db.readUInt32BE(12) !== HASH_MAGIC) fail('not a Berkeley DB hash database (no hash magic number at offset 12)');
  const u32 = (at: number) => (le ? db.readUInt32LE(at) : db.readUInt32BE(at));
  const u16 = (at: number) => (le ? db.readUInt16LE(at) : db.readUInt16BE(at));
  const version = u32(16);
  if (version < 8 || version > 10) fail(`hash format version ${version} is not one this reader knows (8 to 10)`);
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) fail(`page size ${pageSize} is not a power of two between 512 and 65536`);
  if (db[24] !== 0) fail('the database is encrypted');
  if (db[25] !== P_HASHMETA) fail(`page 0 has type ${db[25]}, not hash metadata`);
  if (db[26] & 0x01) fail('the database has page checksums, which this reader does not handle');
  const lastPage = u32(32);
  if (db.length % pageSize !== 0 || db.length / pageSize < lastPage + 1) {
    fail(`the file is truncated: ${db.length} bytes, but the metadata says ${lastPage + 1} pages of ${pageSize} bytes`);
  }
  const L: Layout = { u32, u16, pageSize, pages: lastPage + 1 };
  const maxBucket = u32(72);
  if (maxBucket >= L.pages) fail(`the highest bucket number ${maxBucket} is beyond the last page ${lastPage}`);
  const spares = (i: number) => u32(96 + 4 * i);

  const records: BdbRecord[] = [];
  const seen = new Set<number>();
  for (let bucket = 0; bucket <= maxBucket; bucket++) {
    const log = ceilLog2(bucket + 1);
    if (log >= 32) fail(`bucket ${bucket} is out of range`);
    let pgno = bucket + spares(log);
    while (pgno !== 0) {
      if (pgno >= L.pages) fail(`bucket ${bucket} leads to page ${pgno}, beyond the last page ${lastPage}`);
      if (seen.has(pgno)) fail(`page ${pgno} is reached twice (a loop in the bucket chains)`);
      seen.add(pgno);
      const base = pgno * pageSize;
      const type = db[base + 25];
      if (type !== P_HASH && type !== P_HASH_UNSORTED) fail(`bucket ${bucket} page ${pgno} has type ${type}, not a hash page`);
      if (u32(base + 8) !== pgno) fail(`page ${pgno} says it is page ${u32(base + 8)}`);
      records.push(...hashPageRecords(db, L, pgno, fail));
      pgno = u32(base + 16);
    }
  }
  return { littleEndian: le, records };
}

function hashPageRecords(db: Buffer, L: Layout, pgno: number, fail: (why: string) => never): BdbRecord[] {
  const base = pgno * L.pageSize;
  const entries = L.u16(base + 20);
  if (entries % 2 !== 0) fail(`hash page ${pgno} has an odd number of items (${entries}): keys and values come in pairs`);
  if (PAGE_HEADER + 2 * entries > L.pageSize) fail(`hash page ${pgno} claims ${entries} items, more than fit on a page`);
  const offsets: number[] = [];
  for (let i = 0; i < entries; i++) {
    const off = L.u16(base + PAGE_HEADER + 2 * i);
    const upper = i === 0 ? L.pageSize : offsets[i - 1];
    if (off < PAGE_HEADER + 2 * entries || off >= upper) fail(`hash page ${pgno} item ${i} has offset ${off}, outside its page area`);
    offsets.push(off);
  }
  const item = (i: number): Buffer => {
    const start = base + offsets[i];
    const end = base + (i === 0 ? L.pageSize : offsets[i - 1]);
    const kind = db[start];
    if (kind === H_KEYDATA) return db.subarray(start + 1, end);
    if (kind === H_OFFPAGE) {
      if (end - start < 12) fail(`hash page ${pgno} item ${i} is too short for an off-page reference`);
      return overflowChain(db, L, L.u32(start + 4), L.u32(start + 8), fail);
    }
    if (kind === H_DUPLICATE || kind === H_OFFDUP) fail(`hash page ${pgno} item ${i} is a set of duplicate values, which an RPM Packages database does not have`);
    return fail(`hash page ${pgno} item ${i} has unknown type ${kind}`);
  };
  const out: BdbRecord[] = [];
  for (let i = 0; i < entries; i += 2) out.push({ key: item(i), value: item(i + 1) });
  return out;
}

function overflowChain(db: Buffer, L: Layout, first: number, total: number, fail: (why: string) => never): Buffer {
  const parts: Buffer[] = [];
  let got = 0;
  const seen = new Set<number>();
  for (let pgno = first; pgno !== 0;) {
    if (pgno >= L.pages) fail(`overflow chain from page ${first} leads to page ${pgno}, beyond the last page`);
    if (seen.has(pgno)) fail(`overflow chain from page ${first} loops at page ${pgno}`);
    seen.add(pgno);
    const base = pgno * L.pageSize;
    if (db[base + 25] !== P_OVERFLOW) fail(`page ${pgno} in the overflow chain from page ${first} has type ${db[base + 25]}, not overflow`);
    const len = L.u16(base + 22);
    if (len > L.pageSize - PAGE_HEADER) fail(`overflow page ${pgno} claims ${len} bytes, more than a page holds`);
    parts.push(db.subarray(base + PAGE_HEADER, base + PAGE_HEADER + len));
    got += len;
    if (got > total) fail(`overflow chain from page ${first} holds more than the ${total} bytes its reference says`);
    pgno = L.u32(base + 16);
  }
  if (got !== total) fail(`overflow chain from page ${first} holds ${got} bytes, its reference says ${total}`);
  return Buffer.concat(parts, total);
}

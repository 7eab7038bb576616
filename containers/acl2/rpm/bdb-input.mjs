#!/usr/bin/env node
/**
 * Turn the headers that `rpmdb --exportdb` writes (each: the 8-byte header magic, then the header blob)
 * into the text input of Berkeley DB's `db_load -T`, one file per database file of an RPM 4.11 database
 * as CentOS 7 and Alibaba Cloud Linux 2 keep it in /var/lib/rpm (Berkeley DB 5.3, hash access method,
 * host byte order):
 *
 *   Packages   key: header instance number (uint32); value: the header blob. Key 0 holds the largest
 *              instance number in use, as rpm 4.11 keeps it.
 *   indexes    key: a tag's value (strings as their bytes, integers as uint32, binary as is);
 *              value: (instance, index of the value within the tag) pairs of uint32, one per header.
 *
 * The indexes are the thirteen files of rpm 4.11 (Name ... Sha1header) and the six that rpm 4.12 and
 * later also open (Filetriggername ... Enhancename); those six are empty for these packages and exist
 * only so that Debian's rpm 4.18 (bdb_ro backend) opens the database without warnings.
 *
 * Usage: bdb-input.mjs EXPORT OUTDIR    writes OUTDIR/<file>.txt for every database file
 * In db_load -T input, lines alternate key and value, and `\hh` is one byte in hex: every byte is
 * written that way, so binary data passes unchanged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const MAGIC = Buffer.from([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
export const INDEXES = {
  // rpm 4.11 (CentOS 7, ACL2)
  Name: 1000, Basenames: 1117, Group: 1016, Requirename: 1049, Providename: 1047, Conflictname: 1054,
  Obsoletename: 1090, Triggername: 1066, Dirnames: 1118, Installtid: 1128, Sigmd5: 261, Sha1header: 269,
  // rpm 4.12+ only
  Filetriggername: 5069, Transfiletriggername: 5079, Recommendname: 5046, Suggestname: 5049,
  Supplementname: 5052, Enhancename: 5055,
};
const INT32 = 4, STRING = 6, BIN = 7, STRING_ARRAY = 8, I18NSTRING = 9;

const [exportFile, outDir] = process.argv.slice(2);
if (!exportFile || !outDir) { console.error('usage: bdb-input.mjs EXPORT OUTDIR'); process.exit(2); }

/** The header blobs in the export, in order. */
function headers(buf) {
  const out = [];
  let off = 0;
  while (off < buf.length) {
    if (!buf.subarray(off, off + 8).equals(MAGIC)) throw new Error(`no header magic at byte ${off}`);
    const il = buf.readUInt32BE(off + 8);
    const dl = buf.readUInt32BE(off + 12);
    const len = 8 + 16 * il + dl;
    out.push(buf.subarray(off + 8, off + 8 + len));
    off += 8 + len;
  }
  return out;
}

const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; }; // x86_64 order

/** The values of one tag of a header blob as index keys ([] when the tag is absent). */
function keys(blob, tag) {
  const il = blob.readUInt32BE(0);
  const store = 8 + 16 * il;
  for (let i = 0; i < il; i++) {
    const e = 8 + 16 * i;
    if (blob.readUInt32BE(e) !== tag) continue;
    const type = blob.readUInt32BE(e + 4);
    let p = store + blob.readInt32BE(e + 8);
    const count = blob.readUInt32BE(e + 12);
    if (type === INT32) return Array.from({ length: count }, (_, k) => u32(blob.readUInt32BE(p + 4 * k)));
    if (type === BIN) return [Buffer.from(blob.subarray(p, p + count))];
    if (![STRING, STRING_ARRAY, I18NSTRING].includes(type)) throw new Error(`tag ${tag} has type ${type}`);
    const vals = [];
    for (let k = 0; k < (type === STRING ? 1 : count); k++) {
      const end = blob.indexOf(0, p);
      vals.push(Buffer.from(blob.subarray(p, end)));
      p = end + 1;
    }
    return type === I18NSTRING ? vals.slice(0, 1) : vals;
  }
  return [];
}

const esc = (b) => Array.from(b, (x) => '\\' + x.toString(16).padStart(2, '0')).join('');
const write = (file, pairs) =>
  writeFileSync(path.join(outDir, `${file}.txt`), pairs.map(([k, v]) => `${esc(k)}\n${esc(v)}\n`).join(''));

const blobs = headers(readFileSync(exportFile));
write('Packages', [[u32(0), u32(blobs.length)], ...blobs.map((b, n) => [u32(n + 1), b])]);
for (const [file, tag] of Object.entries(INDEXES)) {
  const items = new Map(); // key (hex) -> [key, item buffers]
  blobs.forEach((blob, n) => keys(blob, tag).forEach((k, i) => {
    const id = k.toString('hex');
    if (!items.has(id)) items.set(id, [k, []]);
    items.get(id)[1].push(Buffer.concat([u32(n + 1), u32(i)]));
  }));
  write(file, [...items.values()].sort(([a], [b]) => Buffer.compare(a, b)).map(([k, v]) => [k, Buffer.concat(v)]));
}
console.log(`${blobs.length} package headers`);

/**
 * Hardening writes files into live targets through commands: a file larger than one command argument
 * may hold (Linux: 128 KiB) travels in pieces, arrives byte for byte with its owner and mode, and a
 * write that fails leaves no temporary file behind.
 */
import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { openTarget } from '../../src/targets/index.js';
import { WRITE_CHUNK_BYTES } from '../../src/targets/shell-protocol.js';
import { IMAGES, withContainer } from '../support/containers.js';

describe('writing files into a running container', () => {
  it('a 300 KiB file of arbitrary bytes arrives whole, in pieces; a small one in one round trip', async () => {
    await withContainer(IMAGES.ubuntuStock, undefined, async (c) => {
      const t = openTarget(c.uri);
      await t.connect();
      try {
        const big = randomBytes(300 * 1024 + 7);
        const before = t.counters.roundTrips;
        await t.writeNode({ path: '/etc/cis-bdd-big/data.bin', type: 'file', content: big, mode: 0o640, uid: 0, gid: 4 });
        expect(t.counters.roundTrips - before).toBe(Math.ceil(big.length / WRITE_CHUNK_BYTES));
        const seen = c.exec("sha256sum /etc/cis-bdd-big/data.bin | cut -d' ' -f1; stat -c '%a %u %g %s' /etc/cis-bdd-big/data.bin; ls -a /etc/cis-bdd-big").split('\n');
        expect(seen[0]).toBe(createHash('sha256').update(big).digest('hex'));
        expect(seen[1]).toBe(`640 0 4 ${big.length}`);
        expect(seen.slice(2).filter(Boolean)).toEqual(['.', '..', 'data.bin']);
        const small = t.counters.roundTrips;
        await t.writeNode({ path: '/etc/cis-bdd-small', type: 'file', content: Buffer.from('x\n'), mode: 0o600, uid: 0, gid: 0 });
        expect(t.counters.roundTrips - small).toBe(1);
      } finally {
        await t.close();
      }
    });
  });

  it('a large file whose place is a directory: an error naming it, and no temporary file left', async () => {
    await withContainer(IMAGES.ubuntuStock, 'mkdir -p /etc/cis-bdd-dir', async (c) => {
      const t = openTarget(c.uri);
      await t.connect();
      try {
        await expect(t.writeNode({ path: '/etc/cis-bdd-dir', type: 'file', content: randomBytes(200 * 1024), mode: 0o644, uid: 0, gid: 0 }))
          .rejects.toThrow(/writing \/etc\/cis-bdd-dir failed: .*is a directory/);
        expect(c.exec('ls -d /etc/cis-bdd-dir* | sort').trim().split('\n')).toEqual(['/etc/cis-bdd-dir']);
      } finally {
        await t.close();
      }
    });
  });
});

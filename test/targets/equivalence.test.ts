/**
 * One system, four ways in: the unpacked fixture (rootfs:), the image made from the same tarball
 * (docker-image://), a running container of it (docker://) must agree on every item the offline kind can
 * evaluate. Items a root filesystem cannot decide (live state) and items that do not apply inside a
 * container (kernel, bootloader, partitions, time sync: see README) are compared only among live kinds.
 */
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { IMAGES, withContainer } from '../support/containers.js';
import type { ComplianceReport } from '../../src/report/compliance.js';

const decided = (r: ComplianceReport) => new Map(r.items.map((i) => [i.id, i]));

describe('rootfs, docker-image and docker give the same verdicts', () => {
  it('on the stock Ubuntu 18.04 fixture', async () => {
    const benchmark = 'cis-ubuntu-18.04-v2.1.0';
    const rootfs = (await audit({ target: `rootfs:${ensureUbuntuBase()}`, benchmark })).report;
    const image = (await audit({ target: `docker-image://${IMAGES.ubuntuStock}`, benchmark })).report;
    const running = await withContainer(IMAGES.ubuntuStock, undefined, async (c) => (await audit({ target: c.uri, benchmark })).report);

    expect(image.items.map((i) => `${i.id} ${i.status}`)).toEqual(running.items.map((i) => `${i.id} ${i.status}`));

    const live = decided(image);
    const offlineOnly = (reason?: string) => /offline root filesystem/.test(reason ?? '');
    const containerRule = (reason?: string) => /^container:/.test(reason ?? '');
    const compared: string[] = [];
    for (const item of rootfs.items) {
      const other = live.get(item.id)!;
      if (offlineOnly(item.reason) || containerRule(other.reason)) continue;
      compared.push(item.id);
      expect(`${item.id} ${other.status}`, `${item.id}: rootfs says ${item.status} (${item.reason ?? ''}), docker-image says ${other.status} (${other.reason ?? ''})`)
        .toBe(`${item.id} ${item.status}`);
    }
    expect(compared.length).toBeGreaterThan(0);
  }, 300_000);
});

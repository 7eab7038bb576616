/**
 * One system, three ways in: the unpacked fixture (rootfs:), the image made from the same tarball
 * (docker-image://) and a running container of it (docker://) must agree on every item the offline kind
 * can evaluate. A root filesystem cannot run commands and an image is not a running system: items they
 * leave undecided for that reason, and items that do not apply inside a container (kernel, bootloader,
 * partitions, time sync: see README), are compared only where both sides decided.
 */
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { IMAGES, withContainer } from '../support/containers.js';
import type { ComplianceReport } from '../../src/model/result.js';

const decided = (r: ComplianceReport) => new Map(r.items.map((i) => [i.id, i]));

describe('rootfs, docker-image and docker give the same verdicts', () => {
  it('on the stock Ubuntu 18.04 fixture', async () => {
    const benchmark = 'cis-ubuntu-18.04-v2.1.0';
    const rootfs = (await audit({ target: `rootfs:${ensureUbuntuBase()}`, benchmark })).report;
    const image = (await audit({ target: `docker-image://${IMAGES.ubuntuStock}`, benchmark })).report;
    const running = await withContainer(IMAGES.ubuntuStock, undefined, async (c) => (await audit({ target: c.uri, benchmark })).report);

    const offline = (reason?: string) => /offline root filesystem/.test(reason ?? '');
    const notRunning = (reason?: string) => /^image: not a running system/.test(reason ?? '');
    const containerRule = (reason?: string) => /^container:/.test(reason ?? '');
    const compare = (a: ComplianceReport, b: ComplianceReport, skip: (x: ComplianceReport['items'][0], y: ComplianceReport['items'][0]) => boolean) => {
      const other = decided(b);
      const compared: string[] = [];
      for (const item of a.items) {
        const o = other.get(item.id)!;
        if (skip(item, o)) continue;
        compared.push(item.id);
        expect(`${item.id} ${o.status}`, `${item.id}: ${a.target?.kind} says ${item.status} (${item.reason ?? ''}), ${b.target?.kind} says ${o.status} (${o.reason ?? ''})`)
          .toBe(`${item.id} ${item.status}`);
      }
      return compared;
    };
    // the image and the running container: the same, except for running state, which an image lacks
    const a = compare(image, running, (x) => notRunning(x.reason));
    // the root filesystem and the image: the same, except what needs commands or a container excludes
    const b = compare(rootfs, image, (x, y) => offline(x.reason) || containerRule(y.reason));
    expect(a.length).toBeGreaterThan(100);
    expect(b.length).toBeGreaterThan(100);
  }, 300_000);
});

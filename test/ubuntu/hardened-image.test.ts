/**
 * containers/ubuntu-18.04-hardened makes every automated item that can pass in an image pass. What still
 * does not pass is exactly this, each for a reason that follows from the benchmark or from what an image is:
 * - items tagged @host:* (kernel, bootloader, partitions, time): not applicable in a container (README rule);
 * - judgement items the benchmark leaves to a person: manual;
 * - parts that read a running system (processes, sockets, interfaces, the loaded firewall): an image is not one;
 * - the sections of the two firewalls not in use (the image uses ufw);
 * - and the few limits of an image built without network, listed below with their reason.
 */
import { describe, expect, it } from 'vitest';
import { audit } from '../support/audit.js';
import { IMAGES, requireImage } from '../support/containers.js';
import { tagsByItem } from '../support/feature-tags.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const JUDGEMENT = ['1.2.1', '1.2.2', '1.9', '2.3', '3.5.1.5', '4.2.1.3', '4.2.1.6', '4.3', '5.6', '6.1.1', '6.1.13', '6.1.14'];
const NOT_RUNNING = ['2.1.15', '3.1.2', '3.5.1.3', '3.5.1.4', '3.5.1.6', '3.5.1.7', '5.1.1'];
const IMAGE_LIMITS: Record<string, [string, RegExp]> = {
  '1.3.1': ['fail', /aide is not installed/], // AIDE cannot be installed: the image is built without network
  '1.7.4': ['not-applicable', /\/etc\/motd does not exist/], // the image has no motd file to protect
  '1.8.2': ['not-applicable', /gdm3 is not installed/], // no display manager on a server image
  '1.8.3': ['not-applicable', /gdm3 is not installed/],
  '1.8.4': ['not-applicable', /gdm3 is not installed/],
};

describe('the hardened Ubuntu 18.04 image', () => {
  it('passes every item except the expected ones, each for its reason', async () => {
    requireImage(IMAGES.ubuntuHardened);
    const { report } = await audit({ target: `docker-image://${IMAGES.ubuntuHardened}`, benchmark: UBUNTU });
    const tags = tagsByItem(UBUNTU);
    const expected = new Map<string, [string, RegExp]>();
    for (const [id, t] of tags) if (t.some((x) => x.startsWith('@host:'))) expected.set(id, ['not-applicable', /^container: /]);
    for (const id of JUDGEMENT) expected.set(id, ['manual', /./]);
    for (const id of NOT_RUNNING) expected.set(id, ['not-applicable', /^image: not a running system/]);
    for (const item of report.items) if (/^3\.5\.[23]\./.test(item.id)) expected.set(item.id, ['not-applicable', /^firewall in use is ufw/]);
    for (const [id, e] of Object.entries(IMAGE_LIMITS)) expected.set(id, e);

    const problems: string[] = [];
    for (const item of report.items) {
      const e = expected.get(item.id);
      if (!e && item.status !== 'pass') problems.push(`${item.id} should pass, is ${item.status}: ${item.reason}`);
      if (e && (item.status !== e[0] || !e[1].test(item.reason ?? ''))) problems.push(`${item.id} should be ${e[0]} (${e[1]}), is ${item.status}: ${item.reason}`);
    }
    expect(problems).toEqual([]);
    expect(report.summary.pass).toBeGreaterThan(100);
  }, 300_000);
});

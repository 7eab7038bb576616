/**
 * The acl2-hardened fixture stands for an ACK node after ACK's CIS reinforcement: every Level 1 scored
 * item passes except the 17 that ACK leaves out (../shared/benchmarks/seed-exemptions.csv). This test
 * holds the whole fixture to that, on the two ways it is audited:
 * - as a root filesystem, where what only a running system shows is `not-applicable` "offline root
 *   filesystem" (its persistent part complying), and
 * - as a running container, where the container rule makes kernel, bootloader, partition and time items
 *   `not-applicable`.
 * Between the two, each non-exempt item must pass somewhere and fail nowhere (or, for the running kernel's
 * values and mounts, which only a real host has, comply in the tree's persistent configuration); each
 * exempt item must fail wherever it can be decided. The few items neither kind can pass are listed with
 * their reason.
 * It also checks what issue "ACL2" asks of the stock image: docker-image:// picks the benchmark from
 * /etc/os-release, and no item is `unknown` or `error` for want of a scenario or a fact.
 */
import { describe, expect, it } from 'vitest';
import { audit } from '../support/audit.js';
import { withContainer } from '../support/containers.js';
import { ensureAcl2Base } from '../support/fixtures.js';
import { catalogue, exemptions } from '../support/catalogue.js';
import { tagsByItem } from '../support/feature-tags.js';
import type { ComplianceReport } from '../../src/model/result.js';

const ACL2 = 'cis-aliyun-linux-2-v1.0.0';
const LEVEL1_SCORED = catalogue(ACL2).filter((r) => r.level === '1' && r.scored === 'scored').map((r) => r.id);
const ACK_EXEMPT = exemptions(ACL2, /^ACK /);

/** Items neither kind of audit can pass on the fixture, with why (the benchmark's own conditions). */
const NEVER_PASS: Record<string, [string, RegExp, string]> = {
  // the node keeps time with chrony (2.1.1.3 passes); the ntp item applies only where ntp is installed
  '2.1.1.2': ['not-applicable', /the package ntp is not installed/, 'ntp is not installed'],
  // which updates are outstanding needs the repositories' current metadata: the benchmark leaves it to a person
  '1.8': ['manual', /yum check-update/, 'a judgement on fresh repository metadata'],
};
/** Items that are separate partitions' options: with no separate /tmp (ACK-exempt 1.1.2), /var/tmp or /home they do not apply. */
const NO_PARTITION = /is not a separate mount \(see the item about its partition\)/;

const levelOneScored = (r: ComplianceReport) => r.items.filter((i) => LEVEL1_SCORED.includes(i.id));

describe('acl2-hardened: Level 1 scored items after ACK\'s CIS reinforcement', () => {
  it('the catalogue has 145 Level 1 scored items and ACK leaves out 17 of them', () => {
    expect(LEVEL1_SCORED).toHaveLength(145);
    expect(ACK_EXEMPT).toHaveLength(17);
    for (const id of ACK_EXEMPT) expect(LEVEL1_SCORED).toContain(id);
  });

  it('fails exactly the 17 ACK exemptions that each kind can decide, and passes the other 128 on one kind or the other', async () => {
    const tree = levelOneScored((await audit({ target: `rootfs:${ensureAcl2Base('hardened')}`, benchmark: ACL2, level: 1, scoredOnly: true })).report);
    const running = await withContainer('cis-bdd/acl2-hardened:latest', undefined, async (c) => levelOneScored((await audit({ target: c.uri, benchmark: ACL2, level: 1, scoredOnly: true })).report));
    const hostTags = tagsByItem(ACL2);
    const onHost = (id: string) => (hostTags.get(id) ?? []).some((t) => t.startsWith('@host:'));
    expect(tree).toHaveLength(145);
    expect(running).toHaveLength(145);

    const problems: string[] = [];
    const byId = (items: typeof tree) => new Map(items.map((i) => [i.id, i]));
    const [t, r] = [byId(tree), byId(running)];
    for (const id of LEVEL1_SCORED) {
      const a = t.get(id)!, b = r.get(id)!;
      const where = `${id}: tree ${a.status} (${a.reason ?? ''}); container ${b.status} (${b.reason ?? ''})`;
      // the container rule is one rule for every tagged item
      if (onHost(id) && !(b.status === 'not-applicable' && /^container: /.test(b.reason ?? ''))) problems.push(`${where}: the container rule does not hold`);
      // offline, an item is either decided from the tree or not-applicable for the one documented reason
      if (a.status === 'not-applicable' && !/^offline root filesystem/.test(a.reason ?? '') && !NO_PARTITION.test(a.reason ?? '') && !NEVER_PASS[id]) problems.push(`${where}: not-applicable offline for an unexpected reason`);
      if (a.status === 'error' || b.status === 'error' && !(id === '3.5.1.4')) problems.push(`${where}: error`);
      if (ACK_EXEMPT.includes(id)) {
        if (a.status === 'pass' || b.status === 'pass') problems.push(`${where}: an ACK exemption passes`);
        if (a.status !== 'fail' && b.status !== 'fail' && !(id === '3.5.1.4')) problems.push(`${where}: an ACK exemption fails nowhere`);
      } else if (NEVER_PASS[id]) {
        const [status, reason] = NEVER_PASS[id];
        if (a.status !== status || !reason.test(a.reason ?? '')) problems.push(`${where}: expected ${status} on the tree`);
      } else if (NO_PARTITION.test(a.reason ?? '')) {
        // options of a partition the node does not have: the tree says why, the container rule covers the running side
        if (!onHost(id)) problems.push(`${where}: partition item without the container rule`);
      } else {
        if (a.status === 'fail' || b.status === 'fail') problems.push(`${where}: fails`);
        // an item about the running kernel or mount table: the tree's persistent configuration complies, and
        // the running part belongs to a real host (neither a tree nor a container has it)
        const hostOnly = a.status === 'not-applicable' && /^offline root filesystem: .*the persistent configuration was checked and complies$/.test(a.reason ?? '')
          && onHost(id) && b.status === 'not-applicable';
        if (a.status !== 'pass' && b.status !== 'pass' && !hostOnly) problems.push(`${where}: passes nowhere`);
      }
    }
    expect(problems).toEqual([]);

    // exactly the exemptions fail, on each kind
    const failing = (items: typeof tree) => items.filter((i) => i.status === 'fail').map((i) => i.id).sort();
    const decidedOffline = ACK_EXEMPT.filter((id) => t.get(id)!.status !== 'not-applicable');
    const decidedInContainer = ACK_EXEMPT.filter((id) => r.get(id)!.status !== 'not-applicable' && r.get(id)!.status !== 'error');
    expect(failing(tree)).toEqual([...decidedOffline].sort());
    expect(failing(running)).toEqual([...decidedInContainer].sort());
    // what each kind cannot decide of the exemptions, and why
    expect(ACK_EXEMPT.filter((id) => !decidedOffline.includes(id))).toEqual(['3.5.1.4']); // the kernel's running ruleset
    expect(t.get('3.5.1.4')!.reason).toMatch(/^offline root filesystem: the running firewall ruleset/);
    expect(ACK_EXEMPT.filter((id) => !decidedInContainer.includes(id)).sort()).toEqual(['1.1.2', '3.1.1', '3.5.1.4']);
    // the fixture ships no iptables command (its userland is not ACL2's), so the ruleset cannot be listed
    expect(r.get('3.5.1.4')).toMatchObject({ status: 'error', reason: expect.stringMatching(/iptables -S: the command is not installed on the target/) });
    // 128 = 145 - 17 items are covered; of them, how many pass on each kind is a figure, not an expectation
    expect(LEVEL1_SCORED.filter((id) => !ACK_EXEMPT.includes(id))).toHaveLength(128);
  }, 300_000);
});

describe('acl2-stock as an image', () => {
  it('docker-image:// picks the ACL2 benchmark from /etc/os-release; no item is unknown or in error', async () => {
    const { report } = await audit({ target: 'docker-image://cis-bdd/acl2-stock:latest' });
    expect(report.benchmark.id).toBe(ACL2);
    expect(report.items).toHaveLength(204);
    const bad = report.items.filter((i) => i.status === 'unknown' || i.status === 'error').map((i) => `${i.id} ${i.status}: ${i.reason}`);
    expect(bad).toEqual([]);
  }, 300_000);
});

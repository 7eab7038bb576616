/**
 * The AKS acceptance run: the stock Ubuntu 18.04 image hardened with policies/aks-ubuntu-18.04.yaml, then
 * audited with the same policy. AKS publishes the Level 1 results of its node image; every Level 1 item
 * its table does not list as failing or not applicable ("AKS Pass") must pass here too, or not apply
 * to a container by the container rule (README, "Applicability on containers"), or be one of the items
 * listed below, each with why it cannot pass on this image. Which items are AKS Pass is derived from
 * the two CSV files of ../shared/benchmarks, never from cis-bdd's own output.
 *
 * The same run on an overlay of the fixture's root filesystem (nothing runs there, the container rule
 * does not apply) must fix the same items, plus the host items the container rule keeps out of an image,
 * whose running part then is "not-applicable: offline root filesystem".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import { readCsv } from '../support/catalogue.js';
import { docker, IMAGES, requireImage } from '../support/containers.js';
import { tagsByItem } from '../support/feature-tags.js';
import type { HardenOptions, HardenResult } from '../../src/remediation/harden.js';
import type { ComplianceItem, ComplianceReport } from '../../src/model/result.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const POLICY = 'policies/aks-ubuntu-18.04.yaml';
const AKS_ORIGIN = 'AKS Ubuntu 18.04 image';
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-aks-'));

const catalogue = readCsv('cis-ubuntu-18.04-v2.1.0.csv');
const aksRows = readCsv('seed-exemptions.csv')
  .filter((r) => r.benchmark === UBUNTU && r.origin === AKS_ORIGIN);
const levelOne = catalogue.filter((r) => r.level === '1').map((r) => r.id);
const aksListed = new Set(aksRows.map((r) => r.id));
/** The Level 1 items the AKS table does not list as failing or not applicable. */
const aksPass = levelOne.filter((id) => !aksListed.has(id));

/** The container rule, as README documents it: the tag an item carries names what belongs to the host. */
const HOST_ONLY: Record<string, string> = {
  '@host:kernel': 'kernel modules, kernel parameters, loaded audit rules and the loaded AppArmor policy belong to the host kernel',
  '@host:bootloader': 'a container has no bootloader',
  '@host:partitions': 'a container has no partitions or mount table of its own',
  '@host:time': 'time synchronisation belongs to the host clock',
};
const tags = tagsByItem(UBUNTU);
const hostTag = (id: string) => (tags.get(id) ?? []).find((t) => t in HOST_ONLY);
const containerReason = (tag: string) => `container: ${HOST_ONLY[tag]}; audit the host or its root filesystem for this item`;

type Expected = { status: ComplianceItem['status']; reason: RegExp };
const IMAGE_NOT_RUNNING = /^image: not a running system \(audit a running container or host for this part\): /;
const OFFLINE = /^offline root filesystem: /;

/**
 * AKS-Pass items that cannot pass on the hardened stock image, and why (the benchmark's rule, or what
 * the image is), the same on every target kind unless `live` says the item has a running part.
 */
const CANNOT_PASS: Record<string, Expected & { live?: true }> = {
  // not scored: whether each APT source is one the site approved is a person's judgement
  '1.2.1': { status: 'manual', reason: /APT source/ },
  // not scored: the pending updates are known only after `apt-get update` from the mirrors, which no machine here can reach
  '1.9': { status: 'manual', reason: /apt-get update/ },
  // not scored: which services the system needs is the site's decision
  '2.3': { status: 'manual', reason: /listening sockets/ },
  // not scored: where each facility is logged is the site's policy
  '4.2.1.3': { status: 'manual', reason: /rsyslog rules/ },
  // not scored: how long logs are rotated and kept is the site's policy
  '4.3': { status: 'manual', reason: /rotated/ },
  // the benchmark checks /etc/motd only if it exists, and the image ships none
  '1.7.4': { status: 'not-applicable', reason: /^\/etc\/motd does not exist/ },
  // the GDM items apply only where gdm3 is installed; the image is a server without a desktop
  '1.8.2': { status: 'not-applicable', reason: /^the package gdm3 is not installed/ },
  '1.8.3': { status: 'not-applicable', reason: /^the package gdm3 is not installed/ },
  '1.8.4': { status: 'not-applicable', reason: /^the package gdm3 is not installed/ },
  // 3.5 asks for exactly one firewall; the image enables nftables.service, so the ufw section and the
  // "nftables not installed with iptables" item of the iptables section do not apply
  '3.5.1.1': { status: 'not-applicable', reason: /^firewall in use is nftables/ },
  '3.5.1.2': { status: 'not-applicable', reason: /^firewall in use is nftables/ },
  '3.5.3.1.2': { status: 'not-applicable', reason: /^firewall in use is nftables/ },
  // the items check the SSH host keys there are; the image carries none (they are made on a system's first
  // start, so that copies of one image do not share them)
  '5.3.2': { status: 'not-applicable', reason: /^no file matches \/etc\/ssh\/ssh_host_\*_key / },
  '5.3.3': { status: 'not-applicable', reason: /^no file matches \/etc\/ssh\/ssh_host_\*_key\.pub / },
  // the listening sockets, the network interfaces and the cron process exist only on a running system; the
  // image's throwaway container runs nothing (the persistent part, the configuration and unit links, complies)
  '2.1.15': { status: 'not-applicable', reason: IMAGE_NOT_RUNNING, live: true },
  '3.1.2': { status: 'not-applicable', reason: IMAGE_NOT_RUNNING, live: true },
  '5.1.1': { status: 'not-applicable', reason: IMAGE_NOT_RUNNING, live: true },
  // who may log in over SSH (AllowUsers/AllowGroups/...) is the site's decision: harden lists it for a person
  '5.3.4': { status: 'fail', reason: /^none of AllowUsers, AllowGroups, DenyUsers, DenyGroups is set/ },
};

/** The listed items that fail: harden hands them to a person. */
const FOR_A_PERSON = Object.keys(CANNOT_PASS).filter((id) => CANNOT_PASS[id].status === 'fail');

/**
 * On a root filesystem the container rule does not apply: a host item is decided by its persistent part
 * ("not-applicable: offline root filesystem" when that complies), or by the benchmark's own condition.
 */
const HOST_ITEMS_ON_ROOTFS: Record<string, Expected> = {
  // the option items apply to a separate partition; /tmp (1.1.2) is AKS-waived, /var/tmp (1.1.11) and
  // /home (1.1.17) are Level 2, and the fixture has none of them
  '1.1.4': { status: 'not-applicable', reason: /^\/tmp is not a separate mount/ },
  '1.1.5': { status: 'not-applicable', reason: /^\/tmp is not a separate mount/ },
  '1.1.12': { status: 'not-applicable', reason: /^\/var\/tmp is not a separate mount/ },
  '1.1.13': { status: 'not-applicable', reason: /^\/var\/tmp is not a separate mount/ },
  '1.1.14': { status: 'not-applicable', reason: /^\/var\/tmp is not a separate mount/ },
  '1.1.18': { status: 'not-applicable', reason: /^\/home is not a separate mount/ },
  // ntp's configuration is checked only where ntp is installed; the fixture keeps time with chrony
  '2.1.1.4': { status: 'not-applicable', reason: /^the package ntp is not installed/ },
};

/** What every AKS-Pass item must end as on the image: pass, the container rule, or its listed reason. */
function expectedOnImage(id: string): Expected {
  const tag = hostTag(id);
  if (tag) return { status: 'not-applicable', reason: new RegExp(`^${containerReason(tag).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) };
  return CANNOT_PASS[id] ?? { status: 'pass', reason: /^$/ };
}

/** On a root filesystem, "passes" includes "not-applicable: offline root filesystem" (the running part). */
function expectedOnRootfs(id: string): Expected {
  const listed = HOST_ITEMS_ON_ROOTFS[id] ?? (hostTag(id) ? undefined : CANNOT_PASS[id]);
  if (listed && !('live' in listed)) return listed;
  return { status: 'pass', reason: /^$/ };
}

const asPassed = (i: ComplianceItem, offline: RegExp | null) => (offline && i.status === 'not-applicable' && offline.test(i.reason ?? '') ? 'pass' : i.status);

/** Every AKS-Pass item as "id status", the listed ones checked for their reason. */
function verdicts(report: ComplianceReport, expected: (id: string) => Expected, offline: RegExp | null) {
  const byId = new Map(report.items.map((i) => [i.id, i]));
  const want: string[] = [];
  const got: string[] = [];
  const reasons: string[] = [];
  for (const id of aksPass) {
    const item = byId.get(id)!;
    const e = expected(id);
    want.push(`${id} ${e.status}`);
    got.push(`${id} ${e.status === 'pass' ? asPassed(item, offline) : item.status}`);
    if (e.status !== 'pass' && !e.reason.test(item.reason ?? '')) reasons.push(`${id}: "${item.reason}" does not match ${e.reason}`);
  }
  return { want, got, reasons };
}

/** Waived, not selected, nothing in error or unknown, for the whole benchmark. */
function expectTheRest(report: ComplianceReport) {
  const byId = new Map(report.items.map((i) => [i.id, i]));
  expect(report.items.length).toBe(catalogue.length);
  expect(report.items.filter((i) => i.status === 'error' || i.status === 'unknown').map((i) => `${i.id} ${i.status}: ${i.reason}`)).toEqual([]);
  for (const row of aksRows) {
    const item = byId.get(row.id)!;
    expect(`${row.id} ${item.status}`).toBe(`${row.id} waived`);
    // the policy carries AKS's reason, or says that AKS published none
    const reason = row.reason || `listed as ${row.status === 'fail' ? 'failing' : 'not applicable'} in the AKS baseline, no reason published`;
    expect(item.waiver).toMatchObject({ reason, owner: 'Microsoft AKS (Ubuntu 18.04 node image)' });
    expect(item.observed).toMatch(/^(pass|fail|not-applicable|manual)$/);
  }
  const unselected = catalogue.filter((r) => r.level !== '1').map((r) => `${r.id} ${byId.get(r.id)!.status}`);
  expect(unselected).toEqual(catalogue.filter((r) => r.level !== '1').map((r) => `${r.id} not-selected`));
}

const engine = async () => (await import(path.join(repoRoot, 'dist/src/remediation/harden.js'))) as typeof import('../../src/remediation/harden.js');
async function harden(options: Partial<HardenOptions> & { target: string }): Promise<HardenResult> {
  return (await engine()).runHarden({ policy: POLICY, out: tmp(), ...options });
}
const beforeOf = (r: HardenResult) => JSON.parse(readFileSync(path.join(r.outDir, 'before/compliance.json'), 'utf8')) as ComplianceReport;
const outcomes = (r: HardenResult) => Object.fromEntries(r.report.outcomes.map((o) => [o.id, o.outcome]));
const ids = (r: HardenResult, outcome: string) => r.report.outcomes.filter((o) => o.outcome === outcome).map((o) => o.id).sort();

describe('the stock Ubuntu 18.04 image hardened with the AKS policy', () => {
  const tag = `cis-bdd/aks-test:${randomBytes(4).toString('hex')}`;
  let first: HardenResult;
  let after: ComplianceReport;

  beforeAll(async () => {
    requireImage(IMAGES.ubuntuStock);
    // without --allow-install (nothing here reaches a mirror): an item that needed a package installed would
    // show as "skipped" in the outcomes, which the test below holds to fixed / needs a person
    first = await harden({ target: `docker-image://${IMAGES.ubuntuStock}`, tag, allowInstall: false });
    after = (await audit({ target: `docker-image://${tag}`, policy: POLICY })).report;
  }, 300_000);
  afterAll(() => {
    try { docker('rmi', '-f', tag); } catch { /* never committed */ }
  });

  it('the catalogue and the AKS table agree with the policy: 205 Level 1 items, 70 waived, 135 AKS Pass', () => {
    expect(levelOne.length).toBe(205);
    expect(aksListed.size).toBe(70);
    expect(aksRows.every((r) => levelOne.includes(r.id))).toBe(true);
    expect(aksPass.length).toBe(135);
    const waivedInPolicy = [...readFileSync(path.join(repoRoot, POLICY), 'utf8').matchAll(/^\s*- id: "([^"]+)"/gm)].map((m) => m[1]);
    expect(waivedInPolicy.sort()).toEqual([...aksListed].sort());
  });

  it('harden fixes every failing AKS-Pass item it can and leaves only SSH access to a person', () => {
    const before = beforeOf(first);
    const failing = before.items.filter((i) => i.status === 'fail').map((i) => i.id).sort();
    // waived items are never planned: everything failing is AKS Pass
    expect(failing.filter((id) => !aksPass.includes(id))).toEqual([]);
    expect(failing.length).toBeGreaterThan(15);
    expect(outcomes(first)).toEqual(Object.fromEntries(failing.map((id) => [id, FOR_A_PERSON.includes(id) ? 'needs a person' : 'fixed'])));
    expect(first.report.plan.map((p) => p.id).sort()).toEqual(ids(first, 'fixed'));
    expect(first.report.outcomes.find((o) => o.id === '5.3.4')!.steps!.join('\n')).toMatch(/AllowGroups/);
    expect(first.report.image).toBe(tag);
    expect(first.exitCode).toBe(0);
  });

  it('the hardened image: every AKS-Pass item passes, or is not applicable by the container rule, or is listed with why', () => {
    const { want, got, reasons } = verdicts(after, expectedOnImage, null);
    expect(got).toEqual(want);
    expect(reasons).toEqual([]);
    // the exact list of AKS-Pass items that do not pass, with their status
    const notPassing = after.items.filter((i) => aksPass.includes(i.id) && i.status !== 'pass').map((i) => `${i.id} ${i.status}`);
    const hostItems = aksPass.filter((id) => hostTag(id)).map((id) => `${id} not-applicable`);
    const listed = Object.entries(CANNOT_PASS).map(([id, e]) => `${id} ${e.status}`);
    expect(notPassing.sort()).toEqual([...hostItems, ...listed].sort());
    expectTheRest(after);
    expect(after.policy?.name).toBe('AKS Ubuntu 18.04 node image (Level 1)');
  });

  it('a second harden of the hardened image plans nothing', async () => {
    const second = await harden({ target: `docker-image://${tag}`, dryRun: true });
    expect(second.report.plan).toEqual([]);
    expect(outcomes(second)).toEqual(Object.fromEntries(FOR_A_PERSON.map((id) => [id, 'needs a person'])));
  }, 120_000);

  it('on an overlay of the root filesystem: the same items fixed, plus the host items, whose running part is not checked offline', async () => {
    const fixedOnImage = ids(first, 'fixed');
    await withOverlay(ensureUbuntuBase(), () => undefined, async (root) => {
      const r = await harden({ target: `rootfs:${root}` });
      const failing = beforeOf(r).items.filter((i) => i.status === 'fail').map((i) => i.id);
      expect(failing.filter((id) => !aksPass.includes(id))).toEqual([]);
      // the image and the tree are the same system: outside the host items they fail and get fixed alike
      expect(ids(r, 'fixed').filter((id) => !hostTag(id))).toEqual(fixedOnImage);
      expect(ids(r, 'fixed').filter((id) => hostTag(id)).length).toBeGreaterThan(10);
      expect(outcomes(r)).toEqual(Object.fromEntries(failing.map((id) => [id, FOR_A_PERSON.includes(id) ? 'needs a person' : 'fixed'])));
      for (const o of r.report.outcomes.filter((x) => x.outcome === 'fixed' && hostTag(x.id))) expect(`${o.id} ${o.reason}`).toMatch(/^\S+ persistent configuration fixed; offline root filesystem: /);

      const audited = (await audit({ target: `rootfs:${root}`, policy: POLICY })).report;
      const { want, got, reasons } = verdicts(audited, expectedOnRootfs, OFFLINE);
      expect(got).toEqual(want);
      expect(reasons).toEqual([]);
      expectTheRest(audited);
      expect((await harden({ target: `rootfs:${root}`, dryRun: true })).report.plan).toEqual([]);
    });
  }, 180_000);
});

describe('the AppArmor remediation (1.6.1.3, 1.6.1.4) the AKS run needs on a root filesystem', () => {
  it('deletes the disable and force-complain links; a mode flag in a profile header is left to a person', async () => {
    await withOverlay(ensureUbuntuBase(), (l) => {
      // the fixture disables rsyslogd's profile; chronyd's is forced into complain mode, and rsyslogd's
      // header asks for complain mode once the disable link is gone
      symlinkSync('/etc/apparmor.d/usr.sbin.chronyd', path.join(l.root, 'etc/apparmor.d/force-complain/usr.sbin.chronyd'));
      l.edit('/etc/apparmor.d/usr.sbin.rsyslogd', (t) => t.replace(/^\/usr\/sbin\/rsyslogd \{$/m, '/usr/sbin/rsyslogd flags=(complain) {'));
    }, async (root) => {
      const r = await harden({ target: `rootfs:${root}`, policy: undefined, benchmark: UBUNTU, level: 2, only: ['1.6.1.3', '1.6.1.4'] });
      expect(existsSync(path.join(root, 'etc/apparmor.d/disable/usr.sbin.rsyslogd'))).toBe(false);
      // complain mode is enough for 1.6.1.3 (its running part is not checked offline)
      expect(r.report.outcomes.find((o) => o.id === '1.6.1.3')).toMatchObject({ outcome: 'fixed', reason: expect.stringMatching(/^persistent configuration fixed; offline root filesystem/) });
      // 1.6.1.4 wants enforce: the force-complain link goes, the header flag is for a person (aa-enforce)
      expect(() => lstatSync(path.join(root, 'etc/apparmor.d/force-complain/usr.sbin.chronyd'))).toThrow(/ENOENT/);
      const enforcing = r.report.outcomes.find((o) => o.id === '1.6.1.4')!;
      expect(enforcing.outcome).toBe('needs a person');
      expect(enforcing.steps).toEqual(['/etc/apparmor.d/usr.sbin.rsyslogd: remove the complain flag from the profile header (line 9), or run "aa-enforce /etc/apparmor.d/usr.sbin.rsyslogd", then reload AppArmor (systemctl reload apparmor)']);
      // both items delete the disable link: the plan shows it under the first
      expect(r.report.plan.map((p) => `${p.id} ${p.files.map((f) => f.path).join(' ')}`)).toEqual([
        '1.6.1.3 /etc/apparmor.d/disable/usr.sbin.rsyslogd', '1.6.1.4 /etc/apparmor.d/force-complain/usr.sbin.chronyd',
      ]);
    });
  }, 120_000);
});

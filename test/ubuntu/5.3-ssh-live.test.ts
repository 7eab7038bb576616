/**
 * 5.3 SSH Server on running containers of the Ubuntu 18.04 image. Without host keys `sshd -T` cannot run
 * and the configuration files are read, exactly as on the offline root filesystem; with host keys the
 * daemon's own report decides. The hardening script of the hardened image makes every item pass.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../support/audit.js';
import { IMAGES, withContainer } from '../support/containers.js';
import { ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import type { ComplianceReport } from '../../src/report/compliance.js';

const benchmark = 'cis-ubuntu-18.04-v2.1.0';
const only = ['5.3'];
const SSHD_T = 'sshd -T -C user=root,host=localhost,addr=127.0.0.1';
/** what sshd needs before `sshd -T` works: host keys and its privilege separation directory */
const LET_SSHD_RUN = 'ssh-keygen -A >/dev/null && mkdir -p /run/sshd';

const statuses = (r: ComplianceReport) => r.items.filter((i) => i.id.startsWith('5.3.')).map((i) => `${i.id} ${i.status}`);
const item = (r: ComplianceReport, id: string) => r.items.find((i) => i.id === id)!;

describe('5.3 on a running container', () => {
  let offline: ComplianceReport;
  beforeAll(async () => {
    offline = (await audit({ target: `rootfs:${ensureUbuntuBase()}`, benchmark, only })).report;
  });

  it('gives the rootfs verdicts when sshd -T cannot run (no host keys in the stock image)', async () => {
    const live = await withContainer(IMAGES.ubuntuStock, undefined, async (c) => (await audit({ target: c.uri, benchmark, only })).report);
    expect(statuses(live)).toEqual(statuses(offline));
    const evidence = item(live, '5.3.10').evidence.map((e) => `${e.source}: ${e.excerpt}`).join('\n');
    expect(evidence).toMatch(/sshd -T -C user=root,host=localhost,addr=127\.0\.0\.1 failed \(exit 255: Could not load host key/);
    expect(evidence).toMatch(/default of OpenSSH 7\.6: permitrootlogin prohibit-password/);
  });

  it('takes the verdict from sshd -T when the daemon can report its configuration', async () => {
    const setup = `${LET_SSHD_RUN} && printf '\\nLoginGraceTime 45s\\n' >> /etc/ssh/sshd_config`;
    const live = await withContainer(IMAGES.ubuntuStock, setup, async (c) => (await audit({ target: c.uri, benchmark, only })).report);
    const grace = item(live, '5.3.17');
    expect(grace.status).toBe('pass');
    expect(grace.evidence).toContainEqual({ source: SSHD_T, excerpt: expect.stringMatching(/^logingracetime 45 \(set at \/etc\/ssh\/sshd_config:\d+ as 45s\)$/) });
    // the daemon reports prohibit-password under its older name; the verdict is the same
    expect(item(live, '5.3.10').evidence).toContainEqual({ source: SSHD_T, excerpt: 'permitrootlogin without-password (not set in the files: the compiled-in default)' });
    // the generated host keys are 0600 / 0644 root:root; everything else is as on the stock tree
    const expected = statuses(offline).map((s) => s.replace(/^(5\.3\.2|5\.3\.3|5\.3\.17) .*$/, '$1 pass'));
    expect(statuses(live)).toEqual(expected);
  });

  it('passes every item after the hardened image\'s 53-ssh.sh', async () => {
    const script = readFileSync(path.join(repoRoot, 'containers/ubuntu-18.04-hardened/harden.d/53-ssh.sh'), 'utf8');
    const live = await withContainer(IMAGES.ubuntuStock, script, async (c) => (await audit({ target: c.uri, benchmark, only })).report);
    expect(statuses(live)).toEqual(statuses(offline).map((s) => s.replace(/ .*$/, ' pass')));
    expect(item(live, '5.3.10').evidence).toContainEqual({ source: SSHD_T, excerpt: expect.stringMatching(/^permitrootlogin no \(set at \/etc\/ssh\/sshd_config:\d+\)$/) });
  });
});

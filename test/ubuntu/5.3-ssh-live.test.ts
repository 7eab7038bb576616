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
import type { ComplianceReport } from '../../src/model/result.js';

const benchmark = 'cis-ubuntu-18.04-v2.1.0';
const only = ['5.3'];
/** root from an ordinary address: the first connection cis-bdd asks sshd about */
const SSHD_T = 'sshd -T -C user=root,host=203.0.113.10,addr=203.0.113.10,laddr=203.0.113.1,lport=22';
/** what sshd needs before `sshd -T` works: host keys and its privilege separation directory */
const LET_SSHD_RUN = 'ssh-keygen -A >/dev/null && mkdir -p /run/sshd';

const statuses = (r: ComplianceReport) => r.items.filter((i) => i.id.startsWith('5.3.')).map((i) => `${i.id} ${i.status}`);
const item = (r: ComplianceReport, id: string) => r.items.find((i) => i.id === id)!;
const text = (i: ComplianceReport['items'][number]) => `${i.reason ?? ''}\n${i.evidence.map((e) => `${e.source}: ${e.excerpt}`).join('\n')}`;

describe('5.3 on a running container', () => {
  let offline: ComplianceReport;
  beforeAll(async () => {
    offline = (await audit({ target: `rootfs:${ensureUbuntuBase()}`, benchmark, only })).report;
  });

  it('gives the rootfs verdicts when sshd -T cannot run (no host keys in the stock image)', async () => {
    const live = await withContainer(IMAGES.ubuntuStock, undefined, async (c) => (await audit({ target: c.uri, benchmark, only })).report);
    expect(statuses(live)).toEqual(statuses(offline));
    const evidence = item(live, '5.3.10').evidence.map((e) => `${e.source}: ${e.excerpt}`).join('\n');
    expect(evidence).toMatch(/sshd -T -C user=root,host=203\.0\.113\.10,addr=203\.0\.113\.10,laddr=203\.0\.113\.1,lport=22 failed \(exit 255: Could not load host key/);
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

  it('asks sshd for every connection in one command: Match User root fails 5.3.10, Match Group wheel 5.3.11, Match Address 5.3.6, Match Host 5.3.7', async () => {
    const setup = `${LET_SSHD_RUN} && groupadd -g 1500 wheel && useradd -u 1002 -G wheel bob && printf '%s\\n' `
      + `'PermitRootLogin no' 'PermitEmptyPasswords no' 'x11forwarding=no' 'maxauthtries = 3' 'Match User root' '  PermitRootLogin yes' 'Match Group wheel' '  PermitEmptyPasswords yes' `
      + `'Match Address 10.0.0.0/8' '  X11Forwarding yes' 'match host *.example.com' '  MaxAuthTries 9' >> /etc/ssh/sshd_config && sed -i 's/^X11Forwarding yes$//' /etc/ssh/sshd_config`;
    const live = await withContainer(IMAGES.ubuntuStock, setup, async (c) => (await audit({ target: c.uri, benchmark, only })).report);
    const root = item(live, '5.3.10');
    expect(root.status).toBe('fail');
    expect(root.reason).toMatch(/^PermitRootLogin is yes; it must be no/);
    expect(root.evidence).toContainEqual({ source: SSHD_T, excerpt: expect.stringMatching(/^permitrootlogin yes \(set at \/etc\/ssh\/sshd_config:\d+\); set by the Match block at \/etc\/ssh\/sshd_config:\d+ \(Match User root\)/) });
    const empty = item(live, '5.3.11');
    expect(empty.status).toBe('fail');
    expect(empty.reason).toMatch(/PermitEmptyPasswords is yes; it must be no for bob, a member of group wheel \(Match Group wheel at \/etc\/ssh\/sshd_config:\d+\)/);
    expect(text(empty)).toMatch(/sshd -T -C user=bob,host=203\.0\.113\.10,addr=203\.0\.113\.10,laddr=203\.0\.113\.1,lport=22: for bob/);
    // lower-case keywords with "=" are read as sshd reads them; a Match Address block fails 5.3.6 for that network only
    const x11 = item(live, '5.3.6');
    expect(x11.status).toBe('fail');
    expect(x11.reason).toMatch(/^X11Forwarding is yes; it must be no for root from 10\.0\.0\.0 \(Match Address 10\.0\.0\.0\/8 at \/etc\/ssh\/sshd_config:\d+\)/);
    // a Match Host block cannot be decided in advance: it counts as applying to some client, and the reason says so
    const tries = item(live, '5.3.7');
    expect(tries.status).toBe('fail');
    expect(tries.reason).toMatch(/MaxAuthTries is 9; it must be at most 4 for root from 203\.0\.113\.10 named x\.example\.com[\s\S]*cannot be decided from the files/);
  });

  it('passes every item after the hardened image\'s 53-ssh.sh', async () => {
    const script = readFileSync(path.join(repoRoot, 'containers/ubuntu-18.04-hardened/harden.d/53-ssh.sh'), 'utf8');
    const live = await withContainer(IMAGES.ubuntuStock, script, async (c) => (await audit({ target: c.uri, benchmark, only })).report);
    expect(statuses(live)).toEqual(statuses(offline).map((s) => s.replace(/ .*$/, ' pass')));
    expect(item(live, '5.3.10').evidence).toContainEqual({ source: SSHD_T, excerpt: expect.stringMatching(/^permitrootlogin no \(set at \/etc\/ssh\/sshd_config:\d+\)$/) });
  });
});

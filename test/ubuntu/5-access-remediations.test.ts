/**
 * The remediations chapter 5 (without 5.3, SSH, which test/remediation covers) records on the Ubuntu
 * 18.04 fixture, applied by `cis-bdd harden` on an overlay: what one run fixes, what needs a second run
 * (an item whose steps each record their own part), and what is left to a person.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';
import { audit } from '../support/audit.js';
import type { HardenOptions, HardenResult } from '../../src/remediation/harden.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const SCOPE = ['5.1', '5.2', '5.4', '5.5', '5.6', '5.7'];

describe(`${UBUNTU} chapter 5 remediations`, () => {
  it('one run fixes the mechanical items, pwquality in two rounds; lockout and su\'s group are for a person', async () => {
    const { runHarden } = (await import(path.join(repoRoot, 'dist/src/remediation/harden.js'))) as typeof import('../../src/remediation/harden.js');
    await withOverlay(ensureUbuntuBase(), () => {}, async (root) => {
      const options: HardenOptions = { target: `rootfs:${root}`, benchmark: UBUNTU, only: SCOPE, out: mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-harden-')) };
      const first: HardenResult = await runHarden(options);
      const outcome = (r: HardenResult, id: string) => r.report.outcomes.find((o) => o.id === id)?.outcome;
      for (const id of ['5.1.2', '5.1.3', '5.1.4', '5.1.5', '5.1.6', '5.1.7', '5.1.8', '5.1.9', '5.2.2', '5.2.3', '5.4.3', '5.5.1.1', '5.5.1.2', '5.5.1.4', '5.5.4', '5.5.5']) {
        expect(`${id} ${outcome(first, id)}`).toBe(`${id} fixed`);
      }
      expect(outcome(first, '5.4.2')).toBe('needs a person');
      expect(outcome(first, '5.4.1')).toBe('fixed');
      // pam_wheel goes in; the group it names must then be made by a person
      expect(first.report.outcomes.find((o) => o.id === '5.7')).toMatchObject({ outcome: 'needs a person', steps: [expect.stringMatching(/groupadd sugroup/), expect.any(String)] });

      // the history check went in right before pam_unix; sudo's drop-in is read by sudo (no dot, 0440)
      const password = readFileSync(path.join(root, 'etc/pam.d/common-password'), 'utf8').split('\n').filter((l) => /^password/.test(l));
      expect(password.slice(0, 3)).toEqual([
        'password\trequisite\t\t\tpam_pwquality.so retry=3',
        'password required pam_pwhistory.so remember=5 use_authtok',
        'password\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok try_first_pass sha512',
      ]);
      expect(readFileSync(path.join(root, 'etc/sudoers.d/cis-bdd'), 'utf8')).toBe('Defaults use_pty\nDefaults logfile="/var/log/sudo.log"\n');
      expect(statSync(path.join(root, 'etc/sudoers.d/cis-bdd')).mode & 0o7777).toBe(0o440);
      expect(readFileSync(path.join(root, 'etc/profile.d/cis-bdd.sh'), 'utf8')).toBe('umask 027\nTMOUT=900\nreadonly TMOUT\nexport TMOUT\n');

      const second = await runHarden({ ...options, out: mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-harden-')) });
      expect(second.report.plan).toEqual([]);
      expect(second.report.outcomes.find((o) => o.id === '5.7')).toMatchObject({ outcome: 'needs a person', steps: [expect.stringMatching(/groupadd sugroup/), expect.any(String)] });
      const { report } = await audit({ target: `rootfs:${root}`, benchmark: UBUNTU, only: SCOPE });
      // 5.1.8: the fixture has no deny list and no allow list: cron.allow is created allowing root only
      expect(readFileSync(path.join(root, 'etc/cron.allow'), 'utf8')).toBe('root\n');
      expect(statSync(path.join(root, 'etc/cron.allow')).mode & 0o7777).toBe(0o600);
      expect(report.items.filter((i) => i.status === 'fail').map((i) => i.id).sort()).toEqual(['5.4.2', '5.7']);
    });
  }, 240_000);
});

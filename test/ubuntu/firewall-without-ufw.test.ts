/**
 * A missing command whose absence decides the item is a verdict with its reason, not an error: the ufw
 * items on a running system where ufw has been removed (`dpkg -r ufw`: the command and the unit are
 * gone, its configuration files stay, dpkg says `deinstall ok config-files`). With no other firewall set
 * up the ufw section still applies (Ubuntu's own firewall), and every automated ufw item fails, saying why.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../support/audit.js';
import { IMAGES, startContainer } from '../support/containers.js';
import { repoRoot } from '../support/fixtures.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const HARDEN = readFileSync(path.join(repoRoot, 'containers/ubuntu-18.04-hardened/harden.d/30-network.sh'), 'utf8');

describe('3.5.1 ufw on a container where ufw was removed after hardening', () => {
  it('fails 3.5.1.1, 3.5.1.3 and 3.5.1.7 with the reason, instead of an error about the missing command', async () => {
    const c = startContainer(IMAGES.ubuntuStock, ['--cap-add', 'NET_ADMIN']);
    try {
      c.exec(`${HARDEN}\ndpkg -r ufw >/dev/null 2>&1`);
      expect(c.exec("dpkg-query -W -f '${Status}' ufw")).toBe('deinstall ok config-files');
      const r = (await audit({ target: c.uri, benchmark: UBUNTU, only: ['3.5.1'] })).report;
      const item = (id: string) => r.items.find((i) => i.id === id)!;
      const text = (id: string) => `${item(id).reason ?? ''}\n${item(id).evidence.map((e) => `${e.source}: ${e.excerpt}`).join('\n')}`;
      expect(item('3.5.1.1')).toMatchObject({ status: 'fail', reason: 'the package ufw is not installed' });
      expect(text('3.5.1.1')).toMatch(/no installed package matches ufw; ufw 0\.35-5 not installed, configuration files left \(\/var\/lib\/dpkg\/status:\d+, all, Status: deinstall ok config-files\)/);
      expect(item('3.5.1.3').status).toBe('fail');
      expect(item('3.5.1.7')).toMatchObject({ status: 'fail', reason: expect.stringMatching(/the ufw command is not installed on the running system: no ufw default policy applies/) });
      expect(text('3.5.1.7')).toMatch(/the ufw command is not installed on the target: ufw is not running and loads no rules/);
      for (const id of ['3.5.1.3', '3.5.1.4', '3.5.1.6', '3.5.1.7']) expect(item(id).status, `${id}: ${item(id).reason}`).not.toBe('error');
    } finally {
      c.remove();
    }
  });
});

/**
 * A package database is not a configuration file: the dpkg status file and the RPM Packages database
 * have a cap of their own (256 MiB), so a real system's 10 to 150 MiB database is read whole, on a root
 * filesystem and over a live transport alike, while --max-file-size still caps configuration files.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { audit, item } from '../support/audit.js';
import { ensureUbuntuBase, withOverlay } from '../support/fixtures.js';
import { IMAGES, withContainer } from '../support/containers.js';

// a removed package whose description makes the status file 12 MiB (dpkg keeps such entries)
const STANZA = 'Package: cis-bdd-padding\nStatus: deinstall ok config-files\nPriority: optional\nSection: misc\nArchitecture: all\nVersion: 1\nConfig-Version: 1\nDescription: padding\n';
const PADDING = `\n${STANZA}${' x\n'.repeat(4 * 1024 * 1024)}`;

describe('package databases have a cap of their own', () => {
  it('rootfs: a 12 MiB dpkg status file is read whole although --max-file-size is 1 MiB', async () => {
    await withOverlay(ensureUbuntuBase(), (l) => l.append('/var/lib/dpkg/status', PADDING), async (root) => {
      const { report } = await audit({ target: `rootfs:${root}`, only: ['2.2.4', '1.7.5'], maxFileBytes: 1024 * 1024 });
      expect(item(report, '2.2.4').status, item(report, '2.2.4').reason).toBe('fail'); // telnet is installed
      expect(item(report, '1.7.5').status).toBe('fail');
    });
  });

  it('docker: the same over a live transport, in one round trip with the other files', async () => {
    await withContainer(IMAGES.ubuntuStock, `printf '\\n${STANZA.replace(/\n/g, '\\n')}' >> /var/lib/dpkg/status && yes ' x' | head -n 4194304 >> /var/lib/dpkg/status`, async (c) => {
      const { report } = await audit({ target: c.uri, only: ['2.2.4'], out: mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-large-')), maxFileBytes: 1024 * 1024 });
      expect(item(report, '2.2.4').status, item(report, '2.2.4').reason).toBe('fail');
    });
  });
});

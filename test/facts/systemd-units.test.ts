/** The [Install] section of unit files, which enabling a service follows. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUnitInstall } from '../../src/facts/systemd-units.js';
import { ensureUbuntuBase } from '../support/fixtures.js';

describe('parseUnitInstall', () => {
  it('reads WantedBy and Alias of rsyslog.service as Ubuntu 18.04 ships it', () => {
    const text = readFileSync(path.join(ensureUbuntuBase(), 'lib/systemd/system/rsyslog.service'), 'utf8');
    expect(parseUnitInstall(text)).toEqual({ wantedBy: ['multi-user.target'], requiredBy: [], alias: ['syslog.service'], also: [] });
  });

  it('takes several values a line, ignores other sections and comments, and resets a list on an empty assignment', () => {
    const text = '[Unit]\nWantedBy=ignored.target\n[Install]\n# WantedBy=commented.target\nWantedBy=a.target b.target\nRequiredBy=c.target\nWantedBy=\nWantedBy=d.target\nAlso=x.socket\n';
    expect(parseUnitInstall(text)).toEqual({ wantedBy: ['d.target'], requiredBy: ['c.target'], alias: [], also: ['x.socket'] });
  });

  it('a static unit has nothing to link', () => {
    expect(parseUnitInstall('[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n')).toEqual({ wantedBy: [], requiredBy: [], alias: [], also: [] });
  });
});

/** journald.conf and its drop-ins, as systemd 237 applies them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { journaldFromFiles, orderDropins, parseJournaldConf, systemdBoolean } from '../../src/facts/journald.js';
import { CheckError } from '../../src/model/verdict.js';
import { ubuntuBase } from '../support/fixtures.js';

describe('journald configuration', () => {
  it('reads the fixture\'s stock file: every setting commented out', () => {
    const text = readFileSync(path.join(ubuntuBase, 'etc/systemd/journald.conf'), 'utf8');
    expect(parseJournaldConf(text, '/etc/systemd/journald.conf')).toEqual([]);
  });

  it('lets drop-ins override the main file, in file-name order, /etc hiding /usr/lib for the same name', () => {
    const cfg = journaldFromFiles([
      { path: '/usr/lib/systemd/journald.conf.d/10-vendor.conf', text: '[Journal]\nStorage=volatile\n' },
      { path: '/etc/systemd/journald.conf', text: '[Journal]\nStorage=persistent\nCompress=yes\n' },
      { path: '/etc/systemd/journald.conf.d/10-vendor.conf', text: '[Journal]\nCompress=no\n' },
      { path: '/run/systemd/journald.conf.d/20-run.conf', text: '[Journal]\nForwardToSyslog=yes\n' },
    ]);
    expect(cfg.files).toEqual(['/etc/systemd/journald.conf', '/etc/systemd/journald.conf.d/10-vendor.conf', '/run/systemd/journald.conf.d/20-run.conf']);
    expect(cfg.settings.get('Storage')).toMatchObject({ value: 'persistent', file: '/etc/systemd/journald.conf', line: 2 });
    expect(cfg.settings.get('Compress')).toMatchObject({ value: 'no', file: '/etc/systemd/journald.conf.d/10-vendor.conf' });
    expect(cfg.settings.get('ForwardToSyslog')?.value).toBe('yes');
  });

  it('counts only the [Journal] section, and ; or # comments', () => {
    expect(parseJournaldConf('[Other]\nStorage=none\n[Journal]\n; Storage=none\n#Compress=no\nStorage = persistent\n', 'f'))
      .toEqual([{ key: 'Storage', value: 'persistent', file: 'f', line: 6 }]);
  });

  it('rejects lines that are not assignments, and assignments outside a section', () => {
    expect(() => parseJournaldConf('[Journal]\nStorage persistent\n', 'f')).toThrow(CheckError);
    expect(() => parseJournaldConf('Storage=persistent\n', 'f')).toThrow(/outside any section/);
  });

  it('orders drop-ins and reads systemd booleans', () => {
    expect(orderDropins(['/lib/systemd/journald.conf.d/b.conf', '/etc/systemd/journald.conf.d/a.conf'])).toEqual(['/etc/systemd/journald.conf.d/a.conf', '/lib/systemd/journald.conf.d/b.conf']);
    expect(['yes', 'true', '1', 'on'].map(systemdBoolean)).toEqual([true, true, true, true]);
    expect(['no', 'off', '0'].map(systemdBoolean)).toEqual([false, false, false]);
    expect(systemdBoolean('persistent')).toBeUndefined();
  });
});

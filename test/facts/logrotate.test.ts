/** logrotate's configuration: the fixture's files, blocks, scripts and malformed files. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMode, parseLogrotateConf, withStrictCreateModes } from '../../src/facts/logrotate.js';
import { CheckError } from '../../src/model/verdict.js';
import { ubuntuBase } from '../support/fixtures.js';

const fixture = (p: string) => readFileSync(path.join(ubuntuBase, p), 'utf8');

describe('parseLogrotateConf', () => {
  it('reads the fixture\'s logrotate.conf: a bare global create, and the wtmp and btmp blocks with their own', () => {
    const f = parseLogrotateConf(fixture('etc/logrotate.conf'), '/etc/logrotate.conf');
    const creates = f.directives.filter((d) => d.name === 'create');
    expect(creates.map((d) => [d.line, d.text, d.block])).toEqual([
      [13, 'create', null],
      [25, 'create 0664 root utmp', ['/var/log/wtmp']],
      [32, 'create 0660 root utmp', ['/var/log/btmp']],
    ]);
    expect(creates.map(createMode)).toEqual([null, 0o664, 0o660]);
    expect(f.blocks.map((b) => b.logs)).toEqual([['/var/log/wtmp'], ['/var/log/btmp']]);
  });

  it('reads the fixture\'s rsyslog file: log names over several lines before "{", scripts skipped', () => {
    const f = parseLogrotateConf(fixture('etc/logrotate.d/rsyslog'), '/etc/logrotate.d/rsyslog');
    expect(f.blocks.map((b) => b.logs.length)).toEqual([1, 12]);
    expect(f.blocks[1]).toMatchObject({ line: 14 });
    expect(f.directives.some((d) => d.text.includes('rsyslog-rotate'))).toBe(false);
    expect(f.directives.filter((d) => d.block === null)).toEqual([]);
  });

  it('reads create with owner and group only as naming no mode', () => {
    const [d] = parseLogrotateConf('create root utmp\n', 'f').directives;
    expect(createMode(d)).toBeNull();
  });

  it.each([
    ['}\n', /closes a block that was never opened/],
    ['/var/log/x {\n weekly\n', /never closed/],
    ['/var/log/x {\n postrotate\n  true\n}\n', /no endscript/],
    ['/var/log/x\nweekly\n{\n}\n', /comes between log file names/],
    ['/var/log/x {\n/var/log/y {\n}\n}\n', /opens a block inside a block/],
  ])('rejects %j', (text, why) => {
    expect(() => parseLogrotateConf(text, 'f')).toThrow(CheckError);
    expect(() => parseLogrotateConf(text, 'f')).toThrow(why);
  });
});

describe('withStrictCreateModes', () => {
  const strict = (text: string) => withStrictCreateModes(text, parseLogrotateConf(text, 'f'), 0o640, 'create 0640 root utmp');

  it('fixes the fixture\'s logrotate.conf: the bare global create gets a mode, wtmp and btmp lose the extra bits', () => {
    const text = fixture('etc/logrotate.conf');
    const out = strict(text);
    const creates = parseLogrotateConf(out, 'f').directives.filter((d) => d.name === 'create');
    expect(creates.map((d) => [d.line, d.text])).toEqual([[13, 'create 0640 root utmp'], [25, 'create 0640 root utmp'], [32, 'create 0640 root utmp']]);
    // every other line is kept as it was, indentation included
    const diff = out.split('\n').map((l, i) => (l === text.split('\n')[i] ? null : i + 1)).filter(Boolean);
    expect(diff).toEqual([13, 25, 32]);
    expect(out.split('\n')[24]).toMatch(/^\s+create 0640 root utmp$/);
  });

  it('keeps compliant lines, adds a mode to a create naming only owners, and replaces nocreate', () => {
    expect(strict('weekly\ncreate 0600 root root\n/var/log/x {\n  create adm adm\n}\n')).toBe('weekly\ncreate 0600 root root\n/var/log/x {\n  create 0640 adm adm\n}\n');
    expect(strict('nocreate\n')).toBe('create 0640 root utmp\n');
    expect(strict('create 0664\n')).toBe('create 0640\n');
  });

  it('puts a global create first when there is none', () => {
    expect(strict('weekly\n/var/log/x {\n  create 0600 root root\n}\n')).toBe('create 0640 root utmp\nweekly\n/var/log/x {\n  create 0600 root root\n}\n');
  });
});

import { describe, expect, it } from 'vitest';
import { CheckError } from '../../src/model/verdict.js';
import { parseEnvironmentFile } from '../../src/facts/systemd-env-file.js';

const values = (text: string) => Object.fromEntries([...parseEnvironmentFile(text, '/etc/default/chrony')].map(([n, a]) => [n, a.value]));

describe('parseEnvironmentFile', () => {
  it('reads the options files as systemd does, not as a shell would', () => {
    expect(values('DAEMON_OPTS="-F 1"\n')).toEqual({ DAEMON_OPTS: '-F 1' });
    expect(values('A=a b\n')).toEqual({ A: 'a b' });
    expect(values('A=b; B=c\n')).toEqual({ A: 'b; B=c' });
    expect(values('E= # note\n')).toEqual({ E: '# note' });
    expect(values('OPTIONS=-u ntp:ntp -g  \t\r\n')).toEqual({ OPTIONS: '-u ntp:ntp -g' });
    expect(values('A=a"b c"\n')).toEqual({ A: 'a"b c"' });
    expect(values('A="a"\'b\'c d\n')).toEqual({ A: 'abc d' });
  });

  it('keeps $ and backticks literally (EnvironmentFile= expands nothing)', () => {
    expect(values('X=1\nA=$X ${X} `id`\nB="$X"\nC=\'$X\'\n')).toEqual({ X: '1', A: '$X ${X} `id`', B: '$X', C: '$X' });
  });

  it('skips comments, blank lines, lines without = and invalid names; the last assignment wins; NAME= is empty', () => {
    expect(values('# A=1\n  ; A=2\n\nA\n1A=3\nA-B=4\nexport A=5\nA=6\nA=7\nB=\n')).toEqual({ A: '7', B: '' });
  });

  it('joins lines after a backslash, outside and inside double quotes, and gives the line an assignment starts on', () => {
    const m = parseEnvironmentFile('\nA=one \\\n two\nB="x\\\ny"\nC=\'p\tq\'\nD=z\n', '/etc/sysconfig/ntpd');
    expect([...m.values()]).toEqual([
      { name: 'A', value: 'one  two', file: '/etc/sysconfig/ntpd', line: 2 },
      { name: 'B', value: 'xy', file: '/etc/sysconfig/ntpd', line: 4 },
      { name: 'C', value: 'p\tq', file: '/etc/sysconfig/ntpd', line: 6 },
      { name: 'D', value: 'z', file: '/etc/sysconfig/ntpd', line: 7 },
    ]);
  });

  it('throws CheckError with file:line where systemd versions differ or the file is broken', () => {
    const cases: [string, number][] = [
      ['A=1\n# note \\\nB=2\n', 2],
      ['A="x\\y"\n', 1],
      ["A=1\nB='a\\b'\n", 2],
      ['A=1\nB="open\n', 2],
      ["B='open\n", 1],
      ['A=1\nB="x\ny"\n', 2],
      ["A=1\n\nB='x\ry'\n", 3],
    ];
    for (const [text, line] of cases) {
      expect(() => parseEnvironmentFile(text, '/etc/sysconfig/chronyd'), text).toThrow(CheckError);
      expect(() => parseEnvironmentFile(text, '/etc/sysconfig/chronyd'), text).toThrow(`/etc/sysconfig/chronyd:${line} `);
    }
    expect(() => parseEnvironmentFile('A=1\nA=a\0b\n', 'f')).toThrow(/^f:2 has a NUL character$/);
    expect(() => parseEnvironmentFile('A=a\uFFFDb\n', 'f')).toThrow(/^f:1 is not valid UTF-8/);
  });
});

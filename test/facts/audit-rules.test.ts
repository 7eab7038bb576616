/** The audit rule normaliser: equivalent spellings compare equal, coverage across lines, the fixture's own rules, malformed rules. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalRule, coverage, parseAuditRule, parseAuditRules, parseAuditctlList } from '../../src/facts/audit-rules.js';
import { auditRulesFromLoadFile, auditRulesFromRulesDir, decidingEnableFlag } from '../../src/facts/audit-rules-on-disk.js';
import type { AwkFlavour } from '../../src/facts/augenrules.js';
import { CheckError } from '../../src/model/verdict.js';
import { ubuntuBase } from '../support/fixtures.js';

const acl2Files = path.resolve(__dirname, '../../containers/acl2/files');

const canon = (line: string) => canonicalRule(parseAuditRule(line));
/** rules.d as augenrules merges it (Ubuntu's mawk unless told), then loaded as auditctl -R does */
const auditRulesFromFiles = (files: Array<{ path: string; text: string }>, awk: AwkFlavour = 'mawk') =>
  auditRulesFromRulesDir(files.map((f) => ({ name: path.basename(f.path), text: f.text })), { awk, why: 'test' });

describe('parseAuditRule normalises equivalent spellings', () => {
  it('splits and joins -S lists, in any order', () => {
    expect(canon('-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change'))
      .toBe(canon('-a always,exit -F arch=b64 -S settimeofday,adjtimex -k time-change'));
    expect(parseAuditRule('-a always,exit -F arch=b64 -S adjtimex,settimeofday -S stime')).toMatchObject({ syscalls: ['adjtimex', 'settimeofday', 'stime'] });
  });

  it('reads -k key and -F key=key as the same key', () => {
    expect(canon('-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=4294967295 -k mounts'))
      .toBe(canon('-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=-1 -F key=mounts'));
  });

  it('compares -F fields as a set, and the unset login uid in its three spellings', () => {
    const a = canon('-a always,exit -F arch=b32 -S chmod -F auid>=1000 -F auid!=4294967295 -k perm_mod');
    expect(canon('-a always,exit -F auid!=unset -S chmod -F auid>=1000 -F arch=b32 -k perm_mod')).toBe(a);
    expect(canon('-a always,exit -F arch=b32 -S chmod -F auid>=1000 -F auid!=-1 -k perm_mod')).toBe(a);
    expect(a).toBe('-a always,exit -F arch=b32 -S chmod -F auid!=unset -F auid>=1000 -k perm_mod');
  });

  it('takes exit,always for always,exit and -A for -a', () => {
    expect(canon('-a exit,always -F arch=b64 -S execve -k actions')).toBe(canon('-A always,exit -F arch=b64 -S execve -k actions'));
  });

  it('reads -Fauid>=1000 (no space, as the benchmark once printed it) like -F auid>=1000', () => {
    expect(canon('-a exit,always -F arch=b64 -C euid!=uid -F euid=0 -Fauid>=1000 -F auid!=4294967295 -S execve -k actions'))
      .toBe(canon('-a always,exit -F arch=b64 -S execve -C euid!=uid -F auid!=-1 -F auid>=1000 -F euid=0 -F key=actions'));
  });

  it('maps arch names and errno numbers to the names auditctl -l prints', () => {
    expect(canon('-a always,exit -F arch=x86_64 -S open -F exit=-13 -k access')).toBe(canon('-a always,exit -F arch=b64 -S open -F exit=-EACCES -k access'));
    expect(canon('-a always,exit -F arch=i386 -S open -F exit=-1 -k access')).toBe(canon('-a always,exit -F arch=b32 -S open -F exit=-EPERM -k access'));
  });

  it('drops the trailing slash of a watched directory, as auditctl -l does', () => {
    expect(canon('-w /etc/sudoers.d/ -p wa -k scope')).toBe('-w /etc/sudoers.d -p wa -k scope');
  });

  it('sorts permissions and gives a watch without -p every permission', () => {
    expect(canon('-w /etc/passwd -p aw -k identity')).toBe('-w /etc/passwd -p wa -k identity');
    expect(parseAuditRule('-w /etc/passwd')).toMatchObject({ kind: 'watch', perms: 'rwxa', keys: [] });
  });

  it('reads a path rule of only path and perm on the exit list as the watch auditctl -l prints', () => {
    expect(canon('-a always,exit -F path=/etc/group -F perm=wa -k identity')).toBe('-w /etc/group -p wa -k identity');
    expect(canon('-a always,exit -F dir=/etc/apparmor.d/ -F perm=wa -F key=MAC-policy')).toBe('-w /etc/apparmor.d -p wa -k MAC-policy');
  });

  it('keeps a path rule with a login uid condition as a rule; -S all is the same as no -S', () => {
    const r = '-a always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=4294967295 -k privileged';
    expect(parseAuditRule(r)).toMatchObject({ kind: 'syscall', syscalls: ['all'] });
    expect(canon('-a always,exit -S all -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=-1 -F key=privileged')).toBe(canon(r));
  });

  it('reads control lines', () => {
    expect(parseAuditRule('-D')).toEqual({ kind: 'control', option: '-D' });
    expect(parseAuditRule('-b 8192')).toEqual({ kind: 'control', option: '-b', value: '8192' });
    expect(parseAuditRule('--backlog_wait_time 0')).toEqual({ kind: 'control', option: '--backlog_wait_time', value: '0' });
    expect(canon('-e   2')).toBe('-e 2');
  });

  it('tells different rules apart', () => {
    expect(canon('-a always,exit -F arch=b64 -S mount -k mounts')).not.toBe(canon('-a always,exit -F arch=b32 -S mount -k mounts'));
    expect(canon('-a always,exit -F arch=b64 -S mount -k mounts')).not.toBe(canon('-a never,exit -F arch=b64 -S mount -k mounts'));
    expect(canon('-w /etc/passwd -p wa -k identity')).not.toBe(canon('-w /etc/passwd -p wa -k other'));
  });
});

describe('malformed rules are errors, with file and line', () => {
  it.each([
    ['-a always -S mount', /expected a list and an action/],
    ['-a always,sometimes -S mount', /expected a list/],
    ['-w', /-w needs a value/],
    ['-w /etc/passwd -p wz', /not a permission set/],
    ['-a always,exit -F arch', /not a field comparison/],
    ['-a always,exit -S mount -Z 1', /unknown option -Z/],
    ['-b', /-b takes one value/],
    ['-w /etc/passwd -S open', /a watch \(-w\) takes only -p and -k/],
    ['-k lonely', /neither a rule/],
  ])('%s', (line, why) => {
    expect(() => parseAuditRule(line)).toThrow(why);
    expect(() => parseAuditRules(`# comment\n${line}\n`, '/etc/audit/rules.d/x.rules')).toThrow(CheckError);
    expect(() => parseAuditRules(`# comment\n${line}\n`, '/etc/audit/rules.d/x.rules')).toThrow(/^\/etc\/audit\/rules\.d\/x\.rules:2 /);
  });
});

describe('coverage', () => {
  const rules = (text: string) => parseAuditRules(text, 'r.rules');
  const want = (line: string) => parseAuditRule(line);

  it('accepts one expected rule written as two lines, or two written as one', () => {
    const split = rules('-a always,exit -F arch=b64 -S adjtimex -k time-change\n-a always,exit -F arch=b64 -k time-change -S settimeofday\n');
    const c = coverage(want('-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change'), split);
    expect(c.covered).toBe(true);
    expect(c.by.map((l) => l.line)).toEqual([1, 2]);
    const merged = rules('-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -F key=time-change\n');
    expect(coverage(want('-a always,exit -F arch=b64 -S clock_settime -k time-change'), merged).covered).toBe(true);
  });

  it('names the syscalls no rule covers', () => {
    const c = coverage(want('-a always,exit -F arch=b32 -S adjtimex -S settimeofday -S stime -k time-change'),
      rules('-a always,exit -F arch=b32 -S adjtimex -S settimeofday -k time-change\n'));
    expect(c).toMatchObject({ covered: false, missingSyscalls: ['stime'] });
  });

  it('requires the same fields: an extra condition narrows the rule, a missing one widens it to other users', () => {
    const expected = want('-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=4294967295 -k mounts');
    expect(coverage(expected, rules('-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=-1 -F uid=0 -k mounts\n')).covered).toBe(false);
    expect(coverage(expected, rules('-a always,exit -F arch=b64 -S mount -F auid>=1000 -k mounts\n')).covered).toBe(false);
    expect(coverage(expected, rules('-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=unset -k mounts\n')).covered).toBe(true);
  });

  it('requires the key, and accepts a watch with more permissions', () => {
    expect(coverage(want('-w /etc/passwd -p wa -k identity'), rules('-w /etc/passwd -p wa\n')).covered).toBe(false);
    expect(coverage(want('-w /etc/passwd -p wa -k identity'), rules('-w /etc/passwd -p rwa -k identity\n')).covered).toBe(true);
    expect(coverage(want('-w /etc/passwd -p wa -k identity'), rules('-w /etc/passwd -p r -k identity\n')).covered).toBe(false);
  });

  it('does not take a rule for some syscalls as a rule for every syscall', () => {
    const expected = want('-a always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=4294967295 -k privileged');
    expect(coverage(expected, rules('-a always,exit -S execve -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=4294967295 -k privileged\n')).covered).toBe(false);
  });
});

describe('rules on disk and loaded', () => {
  it('reads the fixture\'s stock rules.d file as augenrules merges it: -D, -b, -f first, the rest in place', () => {
    const text = readFileSync(path.join(ubuntuBase, 'etc/audit/rules.d/audit.rules'), 'utf8');
    const disk = auditRulesFromFiles([{ path: '/etc/audit/rules.d/audit.rules', text }]);
    // the order of the fixture's own /etc/audit/audit.rules, which its augenrules wrote (the old expectation
    // kept file order, but augenrules moves -f before --backlog_wait_time)
    const compiled = readFileSync(path.join(ubuntuBase, 'etc/audit/audit.rules'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(disk.lines.map((l) => l.text)).toEqual(compiled);
    expect(disk.lines.map((l) => l.text)).toEqual(['-D', '-b 8192', '-f 1', '--backlog_wait_time 0']);
    expect(disk.rules).toEqual([]);
    expect(disk.lines[2]).toMatchObject({ source: '/etc/audit/rules.d/audit.rules', line: 12 });
  });

  it('reads files in ls -v order and applies deletions', () => {
    const disk = auditRulesFromFiles([
      { path: '/etc/audit/rules.d/99-finalize.rules', text: '-e 2\n' },
      { path: '/etc/audit/rules.d/10-base.rules', text: '-w /etc/passwd -p wa -k identity\n-w /etc/group -p wa -k identity\n' },
      { path: '/etc/audit/rules.d/9-undo.rules', text: '' },
      { path: '/etc/audit/rules.d/50-undo.rules', text: '-W /etc/group -p wa -k identity\n' },
    ]);
    expect(disk.files).toEqual(['9-undo', '10-base', '50-undo', '99-finalize'].map((n) => `/etc/audit/rules.d/${n}.rules`));
    expect(disk.rules.map((l) => l.text)).toEqual(['-w /etc/passwd -p wa -k identity']);
    expect(disk.lines[disk.lines.length - 1].text).toBe('-e 2');
    expect(disk.enabled?.text).toBe('-e 2');
    expect(disk.stoppedAt).toBeUndefined();
  });

  it('parses auditctl -l output, and its "No rules"', () => {
    expect(parseAuditctlList('No rules\n')).toEqual([]);
    const out = [
      '-w /etc/group -p wa -k identity',
      '-a always,exit -F arch=b64 -S adjtimex,settimeofday -F key=time-change',
      '-a always,exit -S all -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=-1 -F key=privileged',
      '-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0 -F auid>=1000 -F auid!=-1 -F key=actions',
    ].join('\n');
    const lines = parseAuditctlList(out);
    expect(lines.map((l) => l.source)).toEqual(['auditctl -l', 'auditctl -l', 'auditctl -l', 'auditctl -l']);
    expect(coverage(parseAuditRule('-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change'), lines).covered).toBe(true);
    expect(coverage(parseAuditRule('-a always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=4294967295 -k privileged'), lines).covered).toBe(true);
  });
});

describe('the rules augenrules loads: merged from rules.d, or audit.rules as it is when rules.d is not a directory', () => {
  it('reads the ACL2 stock files: the compiled audit.rules holds the control lines of rules.d/audit.rules', () => {
    const rulesD = readFileSync(path.join(acl2Files, 'etc/audit/rules.d/audit.rules'), 'utf8');
    const compiled = readFileSync(path.join(acl2Files, 'etc/audit/audit.rules'), 'utf8');
    const disk = auditRulesFromFiles([{ path: '/etc/audit/rules.d/audit.rules', text: rulesD }], 'gawk');
    expect(disk).toMatchObject({ source: '/etc/audit/rules.d/*.rules', compiled: true, rules: [] });
    expect(disk.lines.map((l) => l.text)).toEqual(['-D', '-b 8192', '-f 1']);
    const loaded = auditRulesFromLoadFile(compiled);
    expect(loaded).toMatchObject({ source: '/etc/audit/audit.rules', compiled: false, files: ['/etc/audit/audit.rules'] });
    expect(loaded.lines.map((l) => l.text)).toEqual(disk.lines.map((l) => l.text));
  });

  it('an empty rules.d gives an empty rule set (augenrules replaces audit.rules), whatever audit.rules held', () => {
    expect(auditRulesFromFiles([])).toMatchObject({ compiled: true, files: [], lines: [], rules: [] });
    expect(auditRulesFromFiles([{ path: '/etc/audit/rules.d/cis.rules.bak', text: '-w /etc/passwd -p wa\n' }]).rules).toEqual([]);
  });

  it('takes the last -e line of the merged files, wherever it is', () => {
    const disk = auditRulesFromFiles([
      { path: '/etc/audit/rules.d/10-lock.rules', text: '-e 2\n' },
      { path: '/etc/audit/rules.d/20-unlock.rules', text: '-w /etc/passwd -p wa -k identity\n-e 1\n' },
    ]);
    const { flag, others } = decidingEnableFlag(disk);
    expect(flag).toMatchObject({ source: '/etc/audit/rules.d/20-unlock.rules', text: '-e 1' });
    expect(others).toEqual([]);
    expect(decidingEnableFlag(auditRulesFromFiles([])).flag).toBeUndefined();
  });

  it('with mawk, an indented "-e 2" stays in place and locks the rules: the rules after it are not loaded', () => {
    const files = [
      { path: '/etc/audit/rules.d/10-lock.rules', text: '  -e 2\n' },
      { path: '/etc/audit/rules.d/20-rules.rules', text: '-w /etc/passwd -p wa -k identity\n' },
    ];
    const mawk = auditRulesFromFiles(files, 'mawk');
    expect(mawk.enabled?.text).toBe('-e 2');
    expect(mawk.rules).toEqual([]);
    expect(mawk.stoppedAt).toMatchObject({ line: { text: '-w /etc/passwd -p wa -k identity' }, reason: /locked by "-e 2"/ });
    const gawk = auditRulesFromFiles(files, 'gawk');
    expect(gawk.rules.map((l) => l.text)).toEqual(['-w /etc/passwd -p wa -k identity']);
    expect(gawk.lines[gawk.lines.length - 1].text).toBe('-e 2');
  });

  it('with mawk, an indented -D stays in place and deletes the rules of the files before it', () => {
    const disk = auditRulesFromFiles([
      { path: '/etc/audit/rules.d/10-cis.rules', text: '-w /etc/passwd -p wa -k identity\n' },
      { path: '/etc/audit/rules.d/20-local.rules', text: ' -D\n-w /etc/group -p wa -k identity\n' },
    ]);
    expect(disk.rules.map((l) => l.text)).toEqual(['-w /etc/group -p wa -k identity']);
  });

  it('a file without a final newline runs into the next file\'s first line', () => {
    const disk = () => auditRulesFromFiles([
      { path: '/etc/audit/rules.d/10-a.rules', text: '-w /etc/passwd -p wa -k identity' },
      { path: '/etc/audit/rules.d/20-b.rules', text: '-w /etc/group -p wa -k identity\n' },
    ]);
    expect(disk).toThrow(/10-a\.rules:1 is not an audit rule auditctl accepts/);
  });

  it('a rule loaded twice stops the load ("Rule exists"): nothing after it is loaded, -e 2 included', () => {
    const disk = auditRulesFromFiles([
      { path: '/etc/audit/rules.d/10-a.rules', text: '-w /etc/passwd -p wa -k identity\n' },
      { path: '/etc/audit/rules.d/20-b.rules', text: '-a always,exit -F path=/etc/passwd -F perm=aw -F key=identity\n-w /etc/group -p wa -k identity\n-e 2\n' },
    ]);
    expect(disk.rules.map((l) => l.text)).toEqual(['-w /etc/passwd -p wa -k identity']);
    expect(disk.stoppedAt).toMatchObject({ line: { source: '/etc/audit/rules.d/20-b.rules', line: 1 }, reason: /Rule exists/ });
    expect(disk.notLoaded.map((l) => l.text)).toEqual(['-w /etc/group -p wa -k identity', '-e 2']);
    expect(disk.enabled).toBeUndefined();
  });

  it('the deletion of a rule that is not loaded stops the load; -D -k deletes by key; -A puts a rule first', () => {
    const del = auditRulesFromFiles([{ path: '/etc/audit/rules.d/a.rules', text: '-W /etc/group -p wa\n-w /etc/passwd -p wa\n' }]);
    expect(del).toMatchObject({ rules: [], stoppedAt: { reason: /no such rule is loaded/ } });
    const byKey = auditRulesFromFiles([{ path: '/etc/audit/rules.d/a.rules', text: '-w /etc/passwd -p wa -k identity\n-w /etc/group -p wa -k other\n-D -k identity\n' }]);
    expect(byKey.rules.map((l) => l.text)).toEqual(['-w /etc/group -p wa -k other']);
    const first = auditRulesFromFiles([{ path: '/etc/audit/rules.d/a.rules', text: '-w /etc/passwd -p wa\n-A never,exit -S all -F auid=unset\n' }]);
    expect(first.rules.map((l) => l.line)).toEqual([2, 1]);
  });

  it('a file loaded as it is stops at the first change after -e 2', () => {
    const loaded = auditRulesFromLoadFile('-D\n-e 1\n-w /etc/passwd -p wa -k identity\n-e 2\n-w /etc/group -p wa -k identity\n-e 1\n');
    expect(decidingEnableFlag(loaded).flag).toMatchObject({ line: 4, text: '-e 2' });
    expect(loaded.rules.map((l) => l.line)).toEqual([3]);
    expect(loaded.notLoaded.map((l) => l.line)).toEqual([6]);
    expect(decidingEnableFlag(auditRulesFromLoadFile('-e 0\n-e 1\n')).flag).toMatchObject({ line: 2 });
    expect(auditRulesFromLoadFile(null)).toMatchObject({ files: [], rules: [] });
  });

  it('refuses a loaded file with a line auditctl would reject, or split differently (a tab)', () => {
    expect(() => auditRulesFromLoadFile('-w /etc/passwd -p wz\n')).toThrow(CheckError);
    expect(() => auditRulesFromLoadFile('-w\t/etc/passwd -p wa\n')).toThrow(/tab or carriage return/);
    expect(() => auditRulesFromLoadFile('-w /etc/passwd -p wa\r\n')).toThrow(/tab or carriage return/);
    expect(auditRulesFromLoadFile('   \n   # indented comment\n').lines).toEqual([]);
  });
});

describe('a never rule tried first silences the rules after it (first match wins on the exit list)', () => {
  const ordered = (text: string) => auditRulesFromLoadFile(text).rules;
  const want = (line: string) => parseAuditRule(line);
  const time64 = want('-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change');

  it('a never rule for the same syscalls before the rule: not collected', () => {
    const c = coverage(time64, ordered('-a never,exit -F arch=b64 -S adjtimex\n-a always,exit -F arch=b64 -S adjtimex,settimeofday -k time-change\n'));
    expect(c).toMatchObject({ covered: false, silencedBy: [{ syscall: 'adjtimex', never: { line: 1 } }] });
  });

  it('after the rule, on the other architecture, or for other syscalls: collected', () => {
    const rule = '-a always,exit -F arch=b64 -S adjtimex,settimeofday -k time-change';
    expect(coverage(time64, ordered(`${rule}\n-a never,exit -F arch=b64 -S adjtimex\n`)).covered).toBe(true);
    expect(coverage(time64, ordered(`-a never,exit -F arch=b32 -S adjtimex\n${rule}\n`)).covered).toBe(true);
    expect(coverage(time64, ordered(`-a never,exit -F arch=b64 -S mount\n${rule}\n`)).covered).toBe(true);
  });

  it('-A puts a later never rule first', () => {
    expect(coverage(time64, ordered('-a always,exit -F arch=b64 -S adjtimex,settimeofday -k time-change\n-A never,exit -S all\n')).covered).toBe(false);
  });

  it('login uid ranges: auid<1000 cannot meet auid>=1000, auid=unset cannot meet auid!=unset', () => {
    const mounts = want('-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=4294967295 -k mounts');
    const rule = '-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=-1 -k mounts';
    expect(coverage(mounts, ordered(`-a never,exit -S all -F auid<1000\n${rule}\n`)).covered).toBe(true);
    expect(coverage(mounts, ordered(`-a never,exit -S all -F auid=unset\n${rule}\n`)).covered).toBe(true);
    expect(coverage(mounts, ordered(`-a never,exit -S all -F auid>=500\n${rule}\n`)).covered).toBe(false);
    expect(coverage(mounts, ordered(`-a never,exit -S all -F exe=/usr/bin/backup\n${rule}\n`)).covered).toBe(false);
  });

  it('watches: a never rule on the same path or a directory above it, or for every syscall', () => {
    const passwd = want('-w /etc/passwd -p wa -k identity');
    expect(coverage(passwd, ordered('-a never,exit -F path=/etc/passwd\n-w /etc/passwd -p wa -k identity\n')).covered).toBe(false);
    expect(coverage(passwd, ordered('-a never,exit -F dir=/etc\n-w /etc/passwd -p wa -k identity\n')).covered).toBe(false);
    expect(coverage(passwd, ordered('-a never,exit -F dir=/var/tmp\n-w /etc/passwd -p wa -k identity\n')).covered).toBe(true);
    expect(coverage(passwd, ordered('-a never,exit -S adjtimex\n-w /etc/passwd -p wa -k identity\n')).covered).toBe(true);
    expect(coverage(passwd, ordered('-a never,exit -S all -F auid=unset\n-w /etc/passwd -p wa -k identity\n')).covered).toBe(false);
  });

  it('a never rule on the task list silences every rule, wherever it is', () => {
    expect(coverage(time64, ordered('-a always,exit -F arch=b64 -S adjtimex,settimeofday -k time-change\n-a task,never\n')).covered).toBe(false);
  });
});

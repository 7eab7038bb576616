/**
 * The remediation on an item's Allure page: every kind of change `harden` makes, said in words, with text
 * from the target kept as code (never read as Markdown), and the steps a person must take.
 */
import { describe, expect, it } from 'vitest';
import { changeInWords, codeSpan, escapeMarkdown, fencedBlock, remediationMarkdown } from '../../src/report/allure-remediation.js';
import type { Change } from '../../src/model/remediation.js';

describe('remediation in words', () => {
  const cases: Array<[Change, string]> = [
    [{ kind: 'edit-file', path: '/etc/ssh/sshd_config', edits: [{ op: 'sshd-set', key: 'PermitRootLogin', value: 'no' }] },
      '- edit ` /etc/ssh/sshd_config `:\n  - set ` PermitRootLogin no ` as the first active value (outside Match blocks; the first value wins)'],
    [{ kind: 'edit-file', path: '/etc/login.defs', edits: [{ op: 'key-value-set', key: 'PASS_MAX_DAYS', value: '365', separator: ' ' }] },
      '- edit ` /etc/login.defs `:\n  - set ` PASS_MAX_DAYS 365 ` on every active line of that key (appended if there is none)'],
    [{ kind: 'edit-file', path: '/etc/sudoers.d/cis-bdd', edits: [{ op: 'ensure-line', line: 'Defaults use_pty' }], create: { mode: 0o440, uid: 0, gid: 0 } },
      '- edit ` /etc/sudoers.d/cis-bdd ` (created with mode 0440, owner 0:0, if it does not exist):\n  - make sure the line ` Defaults use_pty ` is present (appended if missing)'],
    [{ kind: 'edit-file', path: '/etc/fstab', edits: [{ op: 'comment-out', pattern: '^\\s*tmpfs', flags: 'i' }] },
      '- edit ` /etc/fstab `:\n  - comment out the active lines matching ` /^\\s*tmpfs/i `'],
    [{ kind: 'edit-file', path: '/etc/issue', edits: [{ op: 'replace-content', content: 'Authorised use only.\n```' }] },
      '- edit ` /etc/issue `:\n  - write this content:\n\n    ````\n    Authorised use only.\n    ```\n    ````'],
    [{ kind: 'set-mode', path: '/etc/crontab', mode: 0o600 }, '- set the mode of ` /etc/crontab ` to ` 0600 `'],
    [{ kind: 'set-owner', path: '/etc/shadow', uid: 0, gid: 42 }, '- set the owner of ` /etc/shadow ` to ` 0:42 ` (user id : group id)'],
    [{ kind: 'delete', path: '/etc/at.deny' }, '- remove ` /etc/at.deny `'],
    [{ kind: 'symlink', path: '/etc/motd', linkTarget: '/dev/null' }, '- make ` /etc/motd ` a symbolic link to ` /dev/null `'],
    [{ kind: 'remove-packages', names: ['telnet', 'rsh-client'] }, '- remove the packages ` telnet `, ` rsh-client `'],
    [{ kind: 'install-packages', names: ['aide'] }, '- install the package ` aide ` from the configured repositories (only with `--allow-install`)'],
    [{ kind: 'sysctl-running', key: 'net.ipv4.ip_forward', value: '0' }, '- set the kernel parameter ` net.ipv4.ip_forward = 0 ` in the running kernel'],
    [{ kind: 'reload-service', unit: 'ssh.service' }, '- reload (or restart) ` ssh.service `'],
  ];
  for (const [change, words] of cases) {
    it(`${change.kind}${change.kind === 'edit-file' ? ` (${change.edits[0].op})` : ''}`, () => expect(changeInWords(change)).toBe(words));
  }

  it("says what harden would change, that sshd checks it, and what it would need installed", () => {
    const md = remediationMarkdown('fail', { remediation: { summary: 'set *PermitRootLogin* no', changes: [cases[0][0]], validate: 'sshd', needsInstall: ['aide'] } }, '5.3.10');
    expect(md).toContain('**Remediation**: what `cis-bdd harden` would change: set \\*PermitRootLogin\\* no');
    expect(md).toContain('`sshd -t`');
    expect(md).toContain('Needs ` aide ` installed');
  });

  it('numbers the steps a person must take', () => {
    const md = remediationMarkdown('fail', { manualFix: { steps: ['Create a separate partition for /tmp', 'Mount it with nodev'] } }, '1.1.2');
    expect(md).toContain('a person must do this');
    expect(md).toContain('1. Create a separate partition for /tmp\n2. Mount it with nodev');
  });

  it('says why there is no remediation, for each status', () => {
    expect(remediationMarkdown('pass', {}, '1.1')).toContain('none needed');
    expect(remediationMarkdown('not-applicable', {}, '1.1')).toContain('does not apply');
    expect(remediationMarkdown('manual', {}, '1.1')).toContain("the benchmark's remediation for 1.1");
    expect(remediationMarkdown('error', {}, '1.1')).toContain('make what could not be read readable');
    expect(remediationMarkdown('fail', {}, '1.1')).toContain('no automatic fix');
  });
});

describe('text from the target in Markdown', () => {
  it('keeps code spans and fences longer than any run of backticks inside', () => {
    expect(codeSpan('a ``b`` c')).toBe('``` a ``b`` c ```');
    expect(fencedBlock('x\n````\ny', '  ')).toBe('  `````\n  x\n  ````\n  y\n  `````');
  });

  it('escapes Markdown in prose: emphasis, links, HTML, headings, lists', () => {
    expect(escapeMarkdown('*a* _b_ [c](d) <b> #e `f`')).toBe('\\*a\\* \\_b\\_ \\[c\\]\\(d\\) \\<b\\> \\#e \\`f\\`');
    expect(escapeMarkdown('- item\n1. first\n=== x')).toBe('\\- item\n1\\. first\n\\=== x');
  });
});

/**
 * The fix templates (src/remediation/templates.ts): the exact remediation each builder makes of its values,
 * compared as objects (key order too, as compliance.json writes them), and one applied to a file sample with
 * the text editor `cis-bdd harden` uses.
 */
import { describe, expect, it } from 'vitest';
import {
  CIS_BDD_MODPROBE, CIS_BDD_SYSCTL, commentOutIn, contentFix, editFile, ensureLine, kernelParameterFix, linesFix, moduleRuleFix, packageInstallFix,
  packageRemovalFix, permissionsFix, remediation, rootFile, runningKernelFix, serviceDisableFix, serviceEnableFix, serviceStartFix, settingFix, sshdSettingFix,
} from '../../src/remediation/templates.js';
import { applyEdits } from '../../src/remediation/edits.js';

/** The JSON text of a value: equal objects with keys in another order differ here, as they would in compliance.json. */
const json = (v: unknown) => JSON.stringify(v);

describe('file templates', () => {
  it('a setting in a key/value file: created when missing, the service reloaded, the default wording from the separator', () => {
    const fix = settingFix({ path: '/etc/audit/auditd.conf', settings: [['max_log_file_action', 'keep_logs']], separator: ' = ', create: rootFile(0o640), reload: 'auditd.service' });
    expect(json(fix)).toBe(json({
      summary: 'set max_log_file_action = keep_logs in /etc/audit/auditd.conf',
      changes: [
        { kind: 'edit-file', path: '/etc/audit/auditd.conf', edits: [{ op: 'key-value-set', key: 'max_log_file_action', value: 'keep_logs', separator: ' = ' }], create: { mode: 0o640, uid: 0, gid: 0 } },
        { kind: 'reload-service', unit: 'auditd.service' },
      ],
    }));
  });

  it('several settings, several files, a section line first, other files commented out first, a wording of the step', () => {
    expect(json(settingFix({ path: ['/etc/yum.repos.d/a.repo', '/etc/yum.repos.d/b.repo'], settings: [['gpgcheck', '1']], separator: '=' }))).toBe(json({
      summary: 'set gpgcheck=1 in /etc/yum.repos.d/a.repo, /etc/yum.repos.d/b.repo',
      changes: [
        { kind: 'edit-file', path: '/etc/yum.repos.d/a.repo', edits: [{ op: 'key-value-set', key: 'gpgcheck', value: '1', separator: '=' }] },
        { kind: 'edit-file', path: '/etc/yum.repos.d/b.repo', edits: [{ op: 'key-value-set', key: 'gpgcheck', value: '1', separator: '=' }] },
      ],
    }));
    const journald = settingFix({
      path: '/etc/systemd/journald.conf.d/60-cis-bdd.conf', section: '[Journal]', settings: [['Storage', 'persistent'], ['Compress', 'yes']], separator: '=',
      create: rootFile(0o644), commentOut: { paths: ['/etc/systemd/journald.conf'], pattern: '^\\s*Storage\\s*=' }, reload: 'systemd-journald.service', summary: 'keep the journal',
    });
    expect(json(journald)).toBe(json({
      summary: 'keep the journal',
      changes: [
        { kind: 'edit-file', path: '/etc/systemd/journald.conf', edits: [{ op: 'comment-out', pattern: '^\\s*Storage\\s*=' }] },
        {
          kind: 'edit-file', path: '/etc/systemd/journald.conf.d/60-cis-bdd.conf',
          edits: [{ op: 'ensure-line', line: '[Journal]' }, { op: 'key-value-set', key: 'Storage', value: 'persistent', separator: '=' }, { op: 'key-value-set', key: 'Compress', value: 'yes', separator: '=' }],
          create: { mode: 0o644, uid: 0, gid: 0 },
        },
        { kind: 'reload-service', unit: 'systemd-journald.service' },
      ],
    }));
    // the change does what it says to a file that sets another value
    const edit = journald.changes[1];
    if (edit.kind !== 'edit-file') throw new Error('not an edit');
    expect(applyEdits('[Journal]\nStorage=volatile\n', edit.edits)).toBe('[Journal]\nStorage=persistent\nCompress=yes\n');
  });

  it('lines ensured in a file, with lines elsewhere commented out (case-insensitive when asked)', () => {
    expect(json(linesFix({ path: '/etc/pam.d/su', lines: ['auth required pam_wheel.so use_uid'] }))).toBe(json({
      summary: 'add "auth required pam_wheel.so use_uid" to /etc/pam.d/su',
      changes: [{ kind: 'edit-file', path: '/etc/pam.d/su', edits: [{ op: 'ensure-line', line: 'auth required pam_wheel.so use_uid' }] }],
    }));
    expect(json(linesFix({ path: '/etc/rsyslog.d/00-cis-bdd.conf', lines: ['$FileCreateMode 0640'], create: rootFile(0o644), commentOut: { paths: ['/etc/rsyslog.conf'], pattern: '^x', flags: 'i' }, summary: 's' })))
      .toBe(json({
        summary: 's',
        changes: [
          { kind: 'edit-file', path: '/etc/rsyslog.conf', edits: [{ op: 'comment-out', pattern: '^x', flags: 'i' }] },
          { kind: 'edit-file', path: '/etc/rsyslog.d/00-cis-bdd.conf', edits: [{ op: 'ensure-line', line: '$FileCreateMode 0640' }], create: { mode: 0o644, uid: 0, gid: 0 } },
        ],
      }));
  });

  it('the content of a file', () => {
    expect(json(contentFix({ path: '/etc/issue', content: 'Authorised use only.\n', create: rootFile(0o644) }))).toBe(json({
      summary: 'write /etc/issue',
      changes: [{ kind: 'edit-file', path: '/etc/issue', edits: [{ op: 'replace-content', content: 'Authorised use only.\n' }], create: { mode: 0o644, uid: 0, gid: 0 } }],
    }));
  });

  it('an sshd setting: first value wins, validated with sshd -t, the daemon reloaded', () => {
    expect(json(sshdSettingFix('PermitRootLogin', 'no', 'ssh.service'))).toBe(json({
      summary: 'set PermitRootLogin no in /etc/ssh/sshd_config',
      changes: [
        { kind: 'edit-file', path: '/etc/ssh/sshd_config', edits: [{ op: 'sshd-set', key: 'PermitRootLogin', value: 'no' }], create: { mode: 0o600, uid: 0, gid: 0 } },
        { kind: 'reload-service', unit: 'ssh.service' },
      ],
      validate: 'sshd',
    }));
  });
});

describe('kernel templates', () => {
  it("a kernel parameter in cis-bdd's drop-in, other files' settings of it commented out, never the drop-in's own", () => {
    expect(json(kernelParameterFix('net.ipv4.ip_forward', '0', ['/etc/sysctl.conf', CIS_BDD_SYSCTL]))).toBe(json({
      summary: `set net.ipv4.ip_forward = 0 in ${CIS_BDD_SYSCTL} and comment out the conflicting settings in /etc/sysctl.conf`,
      changes: [
        { kind: 'edit-file', path: '/etc/sysctl.conf', edits: [{ op: 'comment-out', pattern: '^\\s*-?net[./]ipv4[./]ip_forward\\s*=' }] },
        { kind: 'edit-file', path: CIS_BDD_SYSCTL, edits: [{ op: 'key-value-set', key: 'net.ipv4.ip_forward', value: '0', separator: ' = ' }], create: { mode: 0o644, uid: 0, gid: 0 } },
      ],
    }));
    expect(kernelParameterFix('kernel.randomize_va_space', '2', []).summary).toBe(`set kernel.randomize_va_space = 2 in ${CIS_BDD_SYSCTL}`);
    // the pattern matches "key", "-key" and "a/b" spellings, not another key
    const pattern = new RegExp((kernelParameterFix('net.ipv4.ip_forward', '0', ['/f']).changes[0] as { edits: Array<{ pattern: string }> }).edits[0].pattern);
    expect(['net.ipv4.ip_forward = 1', ' -net/ipv4/ip_forward=1'].every((l) => pattern.test(l))).toBe(true);
    expect(pattern.test('net.ipv4.ip_forwarding = 1')).toBe(false);
  });

  it('parameters of the running kernel', () => {
    expect(json(runningKernelFix([['kernel.randomize_va_space', '2']]))).toBe(json({
      summary: 'set kernel.randomize_va_space = 2 in the running kernel',
      changes: [{ kind: 'sysctl-running', key: 'kernel.randomize_va_space', value: '2' }],
    }));
    expect(runningKernelFix([['a', '1'], ['b', '1']], 'apply both').summary).toBe('apply both');
  });

  it('a module set not to load: the deciding install line and the aliases commented out, unless the install line is our own', () => {
    expect(json(moduleRuleFix('cramfs', '/etc/modprobe.d/local.conf', [{ file: '/etc/modprobe.d/alias.conf', module: 'cram.fs' }]))).toBe(json({
      summary: `set cramfs not to load (${CIS_BDD_MODPROBE})`,
      changes: [
        { kind: 'edit-file', path: '/etc/modprobe.d/local.conf', edits: [{ op: 'comment-out', pattern: '^\\s*install\\s+cramfs\\s' }] },
        { kind: 'edit-file', path: '/etc/modprobe.d/alias.conf', edits: [{ op: 'comment-out', pattern: '^\\s*alias\\s+cram\\.fs\\s' }] },
        { kind: 'edit-file', path: CIS_BDD_MODPROBE, edits: [{ op: 'ensure-line', line: 'install cramfs /bin/true' }], create: { mode: 0o644, uid: 0, gid: 0 } },
      ],
    }));
    expect(moduleRuleFix('udf', CIS_BDD_MODPROBE, []).changes).toHaveLength(1);
    expect(moduleRuleFix('udf', undefined, []).changes).toHaveLength(1);
  });
});

describe('packages, permissions, services', () => {
  it('packages removed, or installed only with --allow-install', () => {
    expect(json(packageRemovalFix(['telnet', 'rsh-client']))).toBe(json({ summary: 'remove telnet, rsh-client', changes: [{ kind: 'remove-packages', names: ['telnet', 'rsh-client'] }] }));
    expect(json(packageInstallFix('aide'))).toBe(json({ summary: 'install aide', changes: [{ kind: 'install-packages', names: ['aide'] }], needsInstall: ['aide'] }));
  });

  it('modes and owners: for each file its mode, then its owner', () => {
    expect(json(permissionsFix('tighten', [{ path: '/etc/shadow', mode: 0o640, owner: { uid: 0, gid: 42 } }, { path: '/home/a', owner: { uid: 1000, gid: 1000 } }, { path: '/tmp/x', mode: 0o1777 }]))).toBe(json({
      summary: 'tighten',
      changes: [
        { kind: 'set-mode', path: '/etc/shadow', mode: 0o640 },
        { kind: 'set-owner', path: '/etc/shadow', uid: 0, gid: 42 },
        { kind: 'set-owner', path: '/home/a', uid: 1000, gid: 1000 },
        { kind: 'set-mode', path: '/tmp/x', mode: 0o1777 },
      ],
    }));
  });

  it('services disabled, enabled and started', () => {
    expect(json(serviceDisableFix(['avahi-daemon.service', 'cups.service'], ['/etc/systemd/system/multi-user.target.wants/avahi-daemon.service']))).toBe(json({
      summary: 'disable avahi-daemon.service, cups.service',
      changes: [{ kind: 'delete', path: '/etc/systemd/system/multi-user.target.wants/avahi-daemon.service' }],
    }));
    expect(json(serviceEnableFix('auditd.service', '/lib/systemd/system/auditd.service', ['/etc/systemd/system/multi-user.target.wants/auditd.service']))).toBe(json({
      summary: 'enable auditd.service (/etc/systemd/system/multi-user.target.wants/auditd.service)',
      changes: [{ kind: 'symlink', path: '/etc/systemd/system/multi-user.target.wants/auditd.service', linkTarget: '/lib/systemd/system/auditd.service' }],
    }));
    expect(json(serviceStartFix('cron.service'))).toBe(json({ summary: 'start cron.service', changes: [{ kind: 'reload-service', unit: 'cron.service' }] }));
  });

  it('parts make a fix of several kinds', () => {
    expect(json(remediation('umask 027', [...commentOutIn(['/etc/profile'], '^umask'), editFile('/etc/profile.d/cis-bdd.sh', [ensureLine('umask 027')], rootFile(0o644))]))).toBe(json({
      summary: 'umask 027',
      changes: [
        { kind: 'edit-file', path: '/etc/profile', edits: [{ op: 'comment-out', pattern: '^umask' }] },
        { kind: 'edit-file', path: '/etc/profile.d/cis-bdd.sh', edits: [{ op: 'ensure-line', line: 'umask 027' }], create: { mode: 0o644, uid: 0, gid: 0 } },
      ],
    }));
  });
});

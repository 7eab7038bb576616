/**
 * The parts of the access and authentication facts that the Red Hat family needs: OpenSSH 7.4p1's
 * defaults chosen from the package version, the rule heads a PAM remediation rewrites after, links in
 * /etc/pam.d, and ACL2's /etc/bashrc. Samples are the ACL2 fixture's own files (containers/acl2/files).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPENSSH_74_DEFAULTS, OPENSSH_76_DEFAULTS, opensshRelease, opensshUpstream } from '../../src/facts/sshd-defaults.js';
import { parseSshdConfig } from '../../src/facts/sshd-config.js';
import { SSHD_CONFIG } from '../../src/facts/sshd-parse.js';
import { parsePamFile, type PamRule } from '../../src/facts/pam-parse.js';
import { resolveLink, withOption } from '../../src/facts/pam.js';
import { parseShellProfile } from '../../src/facts/shell-profiles.js';
import { applyEdit } from '../../src/remediation/edits.js';
import { CheckError } from '../../src/model/verdict.js';
import { repoRoot } from '../support/fixtures.js';

const acl2File = (p: string) => readFileSync(path.join(repoRoot, 'containers/acl2/files', p), 'utf8');
const rules = (text: string, file: string) => parsePamFile(text, file).filter((l): l is PamRule => l.kind === 'rule');

describe('OpenSSH release of the installed package', () => {
  it('reads the upstream release from Debian and RPM versions', () => {
    expect(opensshUpstream('1:7.6p1-4ubuntu0.7')).toEqual([7, 6]);
    expect(opensshUpstream('7.4p1-21.al7')).toEqual([7, 4]);
    expect(opensshUpstream('8.0p1-19.el8_8')).toEqual([8, 0]);
    expect(opensshUpstream('unknown')).toBeNull();
  });

  it('takes the release itself when its defaults are known, else the nearest below, and says which', () => {
    expect(opensshRelease('7.4p1-21.al7', 'rpm')).toMatchObject({ release: '7.4', minusLists: false, chosen: 'openssh-server 7.4p1-21.al7 is OpenSSH 7.4' });
    expect(opensshRelease('1:7.6p1-4ubuntu0.7').release).toBe('7.6');
    expect(opensshRelease('8.0p1-19.el8_8')).toMatchObject({ release: '7.6', chosen: expect.stringMatching(/nearest release cis-bdd knows below it/) });
    expect(opensshRelease('6.6.1p1-35.el7')).toMatchObject({ release: '7.4', chosen: expect.stringMatching(/older than every release/) });
    expect(opensshRelease(null).chosen).toMatch(/openssh-server is not installed/);
  });

  it("7.4p1 as Red Hat builds it: Protocol 2, root logins, CBC ciphers and SHA-1 key exchanges by default", () => {
    expect(OPENSSH_74_DEFAULTS).toMatchObject({ protocol: '2', permitrootlogin: 'yes', usedns: 'yes', maxauthtries: '6', logingracetime: '120', x11forwarding: 'no' });
    expect(OPENSSH_74_DEFAULTS.ciphers.split(',')).toContain('3des-cbc');
    expect(OPENSSH_74_DEFAULTS.kexalgorithms.split(',')).toEqual(expect.arrayContaining(['diffie-hellman-group1-sha1', 'diffie-hellman-group-exchange-sha1']));
    expect(OPENSSH_74_DEFAULTS).not.toHaveProperty('exposeauthinfo');
    expect(OPENSSH_76_DEFAULTS).not.toHaveProperty('protocol');
  });
});

describe('sshd_config read as OpenSSH 7.4 reads it', () => {
  const r74 = opensshRelease('7.4p1-21.al7');

  it("fills the ACL2 file's gaps with 7.4's defaults", () => {
    const cfg = parseSshdConfig(acl2File('etc/ssh/sshd_config'), () => [], SSHD_CONFIG, r74);
    expect(cfg.release.release).toBe('7.4');
    expect(cfg.settings.get('protocol')).toMatchObject({ value: '2', source: 'default' });
    expect(cfg.settings.get('permitrootlogin')).toMatchObject({ value: 'yes', source: 'default' });
    expect(cfg.settings.get('x11forwarding')).toMatchObject({ value: 'yes', source: 'file' });
    expect(cfg.settings.get('usepam')).toMatchObject({ value: 'yes', source: 'file' });
    expect(cfg.settings.get('hostkey')?.value).toBe('/etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ed25519_key');
  });

  it('appends a "+" list to 7.4\'s own defaults, and refuses a "-" list as sshd 7.4 does', () => {
    const plus = parseSshdConfig('Ciphers +arcfour\n', () => [], SSHD_CONFIG, r74).settings.get('ciphers')!;
    expect(plus.value).toBe(`${OPENSSH_74_DEFAULTS.ciphers},arcfour`);
    expect(() => parseSshdConfig('MACs -hmac-sha1*\n', () => [], SSHD_CONFIG, r74)).toThrow(CheckError);
    expect(() => parseSshdConfig('MACs -hmac-sha1*\n', () => [], SSHD_CONFIG, r74)).toThrow(/sshd_config:1: MACs -hmac-sha1\*: OpenSSH 7\.4 does not accept a "-" list/);
    // 7.6 accepts it
    expect(parseSshdConfig('MACs -hmac-sha1*\n').settings.get('macs')?.value).not.toMatch(/hmac-sha1/);
  });

  it('knows Protocol as a one-word keyword', () => {
    expect(() => parseSshdConfig('Protocol 2 1\n', () => [], SSHD_CONFIG, r74)).toThrow(/garbage at end of line/);
    expect(parseSshdConfig('Protocol 2,1\n', () => [], SSHD_CONFIG, r74).settings.get('protocol')?.value).toBe('2,1');
  });
});

describe('PAM rule heads and links', () => {
  it('keeps each one-line rule\'s head exactly as written, for rewriting its arguments', () => {
    const r = rules(acl2File('etc/pam.d/system-auth-ac'), '/etc/pam.d/system-auth-ac');
    const unix = r.find((x) => x.type === 'password' && x.module === 'pam_unix.so')!;
    expect(unix).toMatchObject({ line: 14, head: 'password    sufficient    pam_unix.so', args: ['sha512', 'shadow', 'nullok', 'try_first_pass', 'use_authtok'] });
    const bracket = r.find((x) => x.control.startsWith('['))!;
    expect(bracket.head).toBe('session     [success=1 default=ignore] pam_succeed_if.so');
    expect(r.find((x) => x.quiet)!.head).toBe('-session     optional      pam_systemd.so');
  });

  it('has no head for a rule continued over several lines', () => {
    const [rule] = rules('auth [success=ok \\\n  default=die] pam_securetty.so\n', '/etc/pam.d/x');
    expect(rule.head).toBeUndefined();
  });

  it('the head is what a key-value-set edit needs to rewrite only that rule', () => {
    const text = acl2File('etc/pam.d/password-auth-ac');
    const unix = rules(text, '/etc/pam.d/password-auth-ac').find((x) => x.type === 'password' && x.module === 'pam_unix.so')!;
    const out = applyEdit(text, { op: 'key-value-set', key: unix.head!, value: withOption(unix.args, 'remember=5').join(' '), separator: ' ' });
    expect(out.split('\n').filter((l, i) => l !== text.split('\n')[i])).toEqual(['password    sufficient    pam_unix.so sha512 shadow nullok try_first_pass use_authtok remember=5']);
  });

  it('adds or replaces one option', () => {
    expect(withOption(['retry=5', 'try_first_pass'], 'retry=3')).toEqual(['retry=3', 'try_first_pass']);
    expect(withOption(['retry=3'], 'use_uid')).toEqual(['retry=3', 'use_uid']);
    expect(withOption(['use_uid'], 'use_uid')).toEqual(['use_uid']);
  });

  it('resolves links the way system-auth leads to system-auth-ac', () => {
    expect(resolveLink('/etc/pam.d/system-auth', 'system-auth-ac')).toBe('/etc/pam.d/system-auth-ac');
    expect(resolveLink('/etc/pam.d/x', '../security/y')).toBe('/etc/security/y');
    expect(resolveLink('/etc/pam.d/x', '/usr/share/pam/x')).toBe('/usr/share/pam/x');
  });
});

describe('ACL2 /etc/bashrc', () => {
  it('finds the umask commands in both branches of the default-umask block', () => {
    const p = parseShellProfile(acl2File('etc/bashrc'), '/etc/bashrc');
    expect(p.umasks.map((u) => `${u.line} ${u.text}`)).toEqual(['42 umask 002', '44 umask 022']);
    expect(p.tmout).toEqual([]);
  });
});

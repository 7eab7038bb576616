/**
 * The mail transfer agent parsers, on the files exim4-config and postfix of Ubuntu 18.04 write (Debian's
 * "local delivery only" exim answer, postfix's "Internet Site"), and on variations and malformed input.
 */
import { describe, expect, it } from 'vitest';
import {
  eximInterfaces, eximListening, interfaceAddress, parseEximDebconf, parsePostfixMainCf, postfixInterfaces, postfixListening,
} from '../../src/facts/mta.js';
import { CheckError } from '../../src/model/verdict.js';

const EXIM_LOCAL = `# /etc/exim4/update-exim4.conf.conf
#
# This is a Debian specific file

dc_eximconfig_configtype='local'
dc_other_hostnames='ubuntu'
dc_local_interfaces='127.0.0.1 ; ::1'
dc_readhost=''
dc_relay_domains=''
dc_minimaldns='false'
dc_relay_nets=''
dc_smarthost=''
CFILEMODE='644'
dc_use_split_config='false'
dc_hide_mailname=''
dc_mailname_in_oh='true'
dc_localdelivery='mail_spool'
`;

const POSTFIX_INTERNET_SITE = `# See /usr/share/postfix/main.cf.dist for a commented, more complete version

smtpd_banner = $myhostname ESMTP $mail_name (Ubuntu)
biff = no
smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated
    defer_unauth_destination
myhostname = ubuntu
mydestination = $myhostname, localhost.localdomain, , localhost
relayhost =
mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128
inet_interfaces = all
inet_protocols = all
`;

const pkg = (name: string) => ({ name, version: '1' });

describe('exim4', () => {
  it('reads the debconf file: loopback addresses only', () => {
    const s = parseEximDebconf(EXIM_LOCAL);
    expect(s.get('dc_local_interfaces')).toEqual({ value: '127.0.0.1 ; ::1', at: { file: '/etc/exim4/update-exim4.conf.conf', line: 7 } });
    const l = eximListening(EXIM_LOCAL, pkg('exim4-daemon-light'));
    expect(l).toMatchObject({ interfaces: ['127.0.0.1', '::1'], loopbackOnly: true });
    expect(l.explanation).toBe("/etc/exim4/update-exim4.conf.conf:7 dc_local_interfaces='127.0.0.1 ; ::1': loopback addresses only");
  });

  it('takes an empty or missing list, or a routable address, as listening beyond loopback', () => {
    const internet = EXIM_LOCAL.replace("dc_local_interfaces='127.0.0.1 ; ::1'", "dc_local_interfaces=''");
    expect(eximListening(internet, pkg('exim4-daemon-light')).explanation).toMatch(/an empty list makes exim listen on every interface/);
    const unset = EXIM_LOCAL.replace(/^dc_local_interfaces=.*\n/m, '');
    expect(eximListening(unset, pkg('exim4-daemon-light')).loopbackOnly).toBe(false);
    expect(eximListening(null, pkg('exim4-daemon-heavy')).explanation).toMatch(/does not exist/);
    const lan = EXIM_LOCAL.replace("'127.0.0.1 ; ::1'", "'127.0.0.1 ; 192.168.1.5.25'");
    expect(eximListening(lan, pkg('exim4-daemon-light'))).toMatchObject({ loopbackOnly: false });
    expect(eximListening(lan, pkg('exim4-daemon-light')).explanation).toMatch(/not loopback: 192\.168\.1\.5\.25/);
  });

  it('splits interface lists, with a custom separator and ports', () => {
    expect(eximInterfaces('<, 127.0.0.1, ::1')).toEqual(['127.0.0.1', '::1']);
    expect(['127.0.0.1.25', '[::1]:25', '::1.587', '[127.0.0.1]', '10.0.0.1'].map(interfaceAddress)).toEqual(['127.0.0.1', '::1', '::1', '127.0.0.1', '10.0.0.1']);
  });

  it('rejects lines that are not assignments', () => {
    expect(() => parseEximDebconf('dc_local_interfaces 127.0.0.1\n')).toThrow(CheckError);
    expect(() => parseEximDebconf("dc_local_interfaces='127.0.0.1\n")).toThrow(/quoting/);
  });
});

describe('postfix', () => {
  it('reads main.cf with continuation lines; Internet Site listens everywhere', () => {
    const s = parsePostfixMainCf(POSTFIX_INTERNET_SITE);
    expect(s.get('smtpd_relay_restrictions')?.value).toBe('permit_mynetworks permit_sasl_authenticated defer_unauth_destination');
    expect(s.get('relayhost')?.value).toBe('');
    const l = postfixListening(POSTFIX_INTERNET_SITE, pkg('postfix'));
    expect(l).toMatchObject({ loopbackOnly: false, setting: { value: 'all', at: { line: 11 } } });
    expect(l.explanation).toBe('/etc/postfix/main.cf:11 inet_interfaces = all: postfix listens on every interface');
  });

  it('accepts loopback-only, localhost and loopback addresses; the last definition wins', () => {
    for (const v of ['loopback-only', 'localhost', '127.0.0.1, [::1]', '127.0.0.1 ::1']) {
      expect(postfixListening(`inet_interfaces = all\ninet_interfaces = ${v}\n`, pkg('postfix')).loopbackOnly, v).toBe(true);
    }
    expect(postfixInterfaces('127.0.0.1,  [::1] localhost')).toEqual(['127.0.0.1', '[::1]', 'localhost']);
    expect(postfixListening('inet_interfaces = 127.0.0.1, $myhostname\n', pkg('postfix')).explanation).toMatch(/not loopback: \$myhostname/);
  });

  it('takes a missing setting or a missing main.cf as the default "all"', () => {
    expect(postfixListening('myhostname = x\n', pkg('postfix')).explanation).toMatch(/inet_interfaces is not set, so the default "all" applies/);
    expect(postfixListening(null, pkg('postfix')).explanation).toMatch(/main\.cf does not exist/);
  });

  it('rejects a continuation without a parameter and a line without "="', () => {
    expect(() => parsePostfixMainCf('  loopback-only\n')).toThrow(/continues a line/);
    expect(() => parsePostfixMainCf('inet_interfaces loopback-only\n')).toThrow(/is not a "name = value" line/);
  });
});

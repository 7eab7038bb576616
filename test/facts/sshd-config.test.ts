/** The sshd_config parser, on the Ubuntu 18.04 fixture's file and on variations that exercise sshd 7.6's rules. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMaxStartups, parseSshdLines, parseSshdTestOutput, sshdSeconds, SSHD_CONFIG } from '../../src/facts/sshd-parse.js';
import { parseSshdConfig, fromSshdTest } from '../../src/facts/sshd-config.js';
import { resolveAlgorithms } from '../../src/facts/sshd-effective.js';
import { OPENSSH_76_DEFAULTS, DEFAULT_RELEASE } from '../../src/facts/sshd-defaults.js';
import { CheckError } from '../../src/model/verdict.js';
import { settingsFor } from '../../src/facts/sshd-effective.js';
import { addrMatchList, connectionArgument, matchPatternList, type SshdConnectionSpec } from '../../src/facts/sshd-match.js';
import { planConnections } from '../../src/facts/sshd-connections.js';
import { parseGroup, parsePasswd } from '../../src/facts/accounts.js';
import { ubuntuBase } from '../support/fixtures.js';

// an excerpt of the fixture's /etc/ssh/sshd_config (comment lines kept to keep line numbers meaningful)
const STOCK_EXCERPT = `#	$OpenBSD: sshd_config,v 1.101 2017/03/14 07:19:07 djm Exp $

#LoginGraceTime 2m
#PermitRootLogin prohibit-password
ChallengeResponseAuthentication no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem	sftp	/usr/lib/openssh/sftp-server
#Match User anoncvs
#	X11Forwarding no
`;

const get = (text: string, keyword: string, lookup?: Parameters<typeof parseSshdConfig>[1]) => parseSshdConfig(text, lookup).settings.get(keyword);

describe('parseSshdConfig', () => {
  it('reads the stock file: set keywords with file and line, the rest from the 7.6 defaults', () => {
    const cfg = parseSshdConfig(STOCK_EXCERPT);
    expect(cfg.settings.get('x11forwarding')).toMatchObject({ keyword: 'X11Forwarding', value: 'yes', source: 'file', at: { file: '/etc/ssh/sshd_config', line: 7 } });
    expect(cfg.settings.get('usepam')).toMatchObject({ value: 'yes', source: 'file', at: { line: 6 } });
    expect(cfg.settings.get('acceptenv')?.value).toBe('LANG LC_*');
    expect(cfg.settings.get('subsystem')?.value).toBe('sftp /usr/lib/openssh/sftp-server');
    expect(cfg.settings.get('permitrootlogin')).toMatchObject({ value: 'prohibit-password', source: 'default' });
    expect(cfg.settings.get('logingracetime')).toMatchObject({ value: '120', source: 'default' });
    expect(cfg.settings.get('maxstartups')).toMatchObject({ value: '10:30:100', source: 'default' });
    expect(cfg.settings.has('allowusers')).toBe(false);
    expect(cfg.matchBlocks).toEqual([]);
  });

  it('parses the whole fixture file', () => {
    const text = readFileSync(path.join(ubuntuBase, 'etc/ssh/sshd_config'), 'utf8');
    const cfg = parseSshdConfig(text);
    expect(cfg.directives.map((d) => d.written)).toEqual(['ChallengeResponseAuthentication', 'UsePAM', 'X11Forwarding', 'PrintMotd', 'AcceptEnv', 'Subsystem']);
    expect(cfg.settings.get('x11forwarding')?.at?.line).toBe(89);
  });

  it('keeps the first value of a keyword, whatever its case, and lists the ignored lines', () => {
    const s = get('PERMITROOTLOGIN yes\npermitrootlogin no\n', 'permitrootlogin');
    expect(s).toMatchObject({ keyword: 'PERMITROOTLOGIN', value: 'yes', at: { line: 1 }, ignored: [{ line: 2, value: 'no' }], rule: 'first' });
  });

  it('takes the last MaxStartups line, as sshd 7.6 does', () => {
    expect(get('MaxStartups 5:50:40\nMaxStartups 10:30:100\n', 'maxstartups')).toMatchObject({ value: '10:30:100', rule: 'last', at: { line: 2 } });
  });

  it('adds up AllowUsers lines', () => {
    expect(get('AllowUsers alice bob\nAllowUsers carol\n', 'allowusers')).toMatchObject({ value: 'alice bob carol', rule: 'all' });
  });

  it('accepts Keyword=value and double quotes', () => {
    expect(get('LogLevel = VERBOSE\n', 'loglevel')?.value).toBe('VERBOSE');
    expect(get('Banner "/etc/issue.net"\n', 'banner')?.value).toBe('/etc/issue.net');
  });

  it('ignores Match blocks for the global configuration but lists them', () => {
    const cfg = parseSshdConfig('PermitRootLogin no\nMatch User backup\n  PermitRootLogin yes\n  MaxAuthTries 2\n');
    expect(cfg.settings.get('permitrootlogin')?.value).toBe('no');
    expect(cfg.settings.get('maxauthtries')?.source).toBe('default');
    expect(cfg.matchBlocks).toHaveLength(1);
    expect(cfg.matchBlocks[0]).toMatchObject({ line: 2, criteria: 'User backup' });
    expect(cfg.matchBlocks[0].directives.map((d) => d.keyword)).toEqual(['permitrootlogin', 'maxauthtries']);
  });

  it('resolves +/- algorithm lists against the 7.6 defaults', () => {
    const s = get('Ciphers -*cbc,aes128-ctr\nMACs +hmac-md5\n', 'ciphers');
    expect(s?.written).toBe('-*cbc,aes128-ctr');
    expect(s?.value).toBe('chacha20-poly1305@openssh.com,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com');
    expect(get('MACs +hmac-md5,hmac-sha1\n', 'macs')?.value).toBe(`${OPENSSH_76_DEFAULTS.macs},hmac-md5`);
    expect(resolveAlgorithms('-hmac-sha1*,umac-64?*', OPENSSH_76_DEFAULTS.macs))
      .toBe('umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512');
  });

  it('follows Include in order, with relative paths under /etc/ssh, a Match ending with its file', () => {
    const files: Record<string, Array<{ path: string; text: string }>> = {
      '/etc/ssh/sshd_config.d/*.conf': [
        { path: '/etc/ssh/sshd_config.d/10-root.conf', text: 'PermitRootLogin no\nMatch Address 10.0.0.0/8\n  X11Forwarding yes\n' },
        { path: '/etc/ssh/sshd_config.d/20-more.conf', text: 'PermitRootLogin yes\n' },
      ],
    };
    // OpenSSH 7.4 and 7.6 refuse Include; a release that knows it (8.2 and later) reads it so
    const withInclude = { ...DEFAULT_RELEASE, keywords: new Set([...DEFAULT_RELEASE.keywords, 'include']) };
    const cfg = parseSshdConfig('Include sshd_config.d/*.conf\nX11Forwarding no\n', (p) => files[p] ?? [], SSHD_CONFIG, withInclude);
    expect(cfg.files).toEqual(['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/10-root.conf', '/etc/ssh/sshd_config.d/20-more.conf']);
    expect(cfg.settings.get('permitrootlogin')).toMatchObject({ value: 'no', at: { file: '/etc/ssh/sshd_config.d/10-root.conf', line: 1 } });
    expect(cfg.settings.get('x11forwarding')).toMatchObject({ value: 'no', at: { file: '/etc/ssh/sshd_config', line: 2 } });
    expect(cfg.includes).toEqual([{ file: '/etc/ssh/sshd_config', line: 1 }]);
  });

  it('refuses what sshd 7.6 refuses: no value, garbage after a one-word value, bad keywords and values, open quotes, Include', () => {
    expect(() => parseSshdLines('PermitRootLogin\n', 'f')).toThrow(/f:1: PermitRootLogin has no value/);
    expect(() => parseSshdLines('PermitRootLogin no please\n', 'f')).toThrow(/garbage at end of line/);
    expect(() => parseSshdLines('Permit-Root-Login no\n', 'f')).toThrow(CheckError);
    expect(() => parseSshdLines('Banner "/etc/issue.net\n', 'f')).toThrow(/Banner has no value/);
    expect(() => parseSshdLines('X11Forwarding YES\n', 'f')).toThrow(/only "yes" or "no", in lower case/);
    expect(() => parseSshdLines('Ciphers ^aes128-ctr\n', 'f')).toThrow(/no "\^" \(prepend\) lists/);
    expect(() => parseSshdLines('Ciphers aes128-ctr,arcfour\n', 'f')).toThrow(/does not know "arcfour"/);
    expect(() => parseSshdConfig('Include /etc/ssh/x\n')).toThrow(/Include is not known to OpenSSH 7.6/);
    expect(() => parseSshdConfig('Match User x\n  Ciphers aes128-ctr\n')).toThrow(/Ciphers is not allowed within a Match block/);
    const withInclude = { ...DEFAULT_RELEASE, keywords: new Set([...DEFAULT_RELEASE.keywords, 'include']) };
    expect(() => parseSshdConfig('Include /etc/ssh/loop\n', () => [{ path: '/etc/ssh/loop', text: 'Include /etc/ssh/loop\n' }], SSHD_CONFIG, withInclude)).toThrow(/nested/);
  });

  it('reads lines as sshd 7.6 does: a # anywhere ends the line, atoi numbers, case rules of values', () => {
    expect(get('PermitRootLogin no # really\n', 'permitrootlogin')?.value).toBe('no');
    expect(get('Banner /x#y\n', 'banner')?.value).toBe('/x');
    expect(get('MaxAuthTries four\n', 'maxauthtries')).toMatchObject({ value: '0', written: 'four' });
    expect(get('MaxAuthTries 4x\n', 'maxauthtries')?.value).toBe('4');
    expect(get('PermitRootLogin NO\n', 'permitrootlogin')?.value).toBe('no');
    expect(get('LogLevel verbose\n', 'loglevel')?.value).toBe('VERBOSE');
    expect(get('PermitRootLogin= no\n', 'permitrootlogin')?.value).toBe('no');
    expect(get('AllowUsers a=b\n', 'allowusers')?.value).toBe('a b');
    expect(get('Ciphers -aes*,chacha*\n', 'ciphers')?.value).toBe(OPENSSH_76_DEFAULTS.ciphers);
  });
});

describe('sshd -T output', () => {
  // the relevant part of what the stock image's sshd -T printed once host keys existed
  const OUTPUT = `port 22
usepam yes
logingracetime 120
maxauthtries 6
permitrootlogin without-password
x11forwarding yes
loglevel INFO
acceptenv LANG
acceptenv LC_*
maxstartups 10:30:100
`;
  it('is read into keyword -> value, adding-up keywords joined', () => {
    const values = parseSshdTestOutput(OUTPUT)!;
    expect(values.get('permitrootlogin')).toBe('without-password');
    expect(values.get('acceptenv')).toBe('LANG LC_*');
  });
  it('is not taken for a configuration when it is something else', () => {
    expect(parseSshdTestOutput('')).toBeNull();
    expect(parseSshdTestOutput('Could not load host key: /etc/ssh/ssh_host_rsa_key\n')).toBeNull();
  });
  it('notes where the files set a value the daemon reports', () => {
    const settings = fromSshdTest(parseSshdTestOutput(OUTPUT)!, parseSshdConfig(STOCK_EXCERPT));
    expect(settings.get('x11forwarding')).toMatchObject({ source: 'sshd -T', value: 'yes', at: { line: 7 } });
    expect(settings.get('permitrootlogin')).toMatchObject({ source: 'sshd -T', value: 'without-password', at: undefined });
  });
});

describe('values', () => {
  it('sshd time values are seconds, with 7.6 carrying a unit over to later plain numbers', () => {
    expect([sshdSeconds('60'), sshdSeconds('45s'), sshdSeconds('1m'), sshdSeconds('1M'), sshdSeconds('2h'), sshdSeconds('0')]).toEqual([60, 45, 60, 60, 7200, 0]);
    expect(sshdSeconds('1m30s')).toBe(1860); // what sshd -T prints on Ubuntu 18.04
    expect(() => sshdSeconds('1 minute')).toThrow(CheckError);
    expect(() => sshdSeconds('')).toThrow(CheckError);
  });
  it('MaxStartups is start:rate:full, a single number n meaning n:30:n', () => {
    expect(parseMaxStartups('10:30:60')).toEqual({ start: 10, rate: 30, full: 60 });
    expect(parseMaxStartups('7')).toEqual({ start: 7, rate: 30, full: 7 });
    expect(() => parseMaxStartups('10:30')).toThrow(CheckError);
  });
});

describe('Match blocks per connection (OpenSSH 7.6 rules, each one seen on the fixture\'s sshd -T)', () => {
  const spec = (user: string, addr = '203.0.113.10', extra: Partial<SshdConnectionSpec> = {}): SshdConnectionSpec => ({ user, host: addr, addr, ...extra });
  const groupsOf = (u: string) => ({ root: ['root'], bob: ['bob', 'wheel'], carol: ['admins'] } as Record<string, string[]>)[u] ?? null;
  const value = (text: string, s: SshdConnectionSpec, keyword = 'permitrootlogin') => {
    const cfg = parseSshdConfig(text);
    return settingsFor(cfg, cfg.settings, s, groupsOf).settings.get(keyword)?.value;
  };

  it('pattern lists: a matching negation fails the list, a negation alone matches nobody, User is case-sensitive', () => {
    expect(matchPatternList('root', '*,!root')).toBe(-1);
    expect(matchPatternList('alice', '!root')).toBe(0);
    expect(matchPatternList('alice', 'a*,bob')).toBe(1);
    expect(value('Match User !root\n  PermitRootLogin yes\n', spec('alice'))).toBe('prohibit-password');
    expect(value('Match User ROOT\n  PermitRootLogin yes\n', spec('root'))).toBe('prohibit-password');
    expect(value('Match Host H*\n  PermitRootLogin yes\n', spec('root', '1.2.3.4', { host: 'h1' }))).toBe('yes');
  });

  it('addresses: CIDR networks and wildcards; host bits set is refused', () => {
    expect(addrMatchList('10.1.2.3', '10.0.0.0/8')).toBe(1);
    expect(addrMatchList('10.1.2.3', '!10.1.0.0/16,10.0.0.0/8')).toBe(-1);
    expect(addrMatchList('192.168.1.20', '192.168.1.*')).toBe(1);
    expect(addrMatchList('2001:db8::5', '2001:db8::/32')).toBe(1);
    expect(addrMatchList('1.2.3.4', 'foo/8')).toBe(0);
    expect(() => addrMatchList('1.2.3.4', '10.1.0.0/8')).toThrow(/not a valid network/);
  });

  it('first value wins inside the matching blocks, which replace the start-up value; Match all counts at start-up too', () => {
    const text = 'PermitRootLogin no\nMatch User root\n  PermitRootLogin yes\nMatch all\n  PermitRootLogin no\n';
    expect(value(text, spec('root'))).toBe('yes');
    expect(value(text, spec('alice'))).toBe('no');
    expect(value('PermitRootLogin yes\nMatch all\n  PermitRootLogin no\n', spec('root'))).toBe('no');
    expect(value('Match all\n  Ciphers aes128-ctr\n', spec('root'), 'ciphers')).toBe('aes128-ctr');
    expect(value('AllowUsers a b\nMatch User root\n  AllowUsers c\n  AllowUsers d\n', spec('root'), 'allowusers')).toBe('c d');
    expect(value('Match Group wheel\n  MaxAuthTries 9\n', spec('bob'), 'maxauthtries')).toBe('9');
    expect(value('Match Group wheel\n  MaxAuthTries 9\n', spec('nobody-here'), 'maxauthtries')).toBe('6');
    expect(value('Match LocalPort 2222\n  MaxAuthTries 9\n', spec('root', '1.1.1.1', { lport: 2222 }), 'maxauthtries')).toBe('9');
    expect(value('Match LocalPort 2222\n  MaxAuthTries 9\n', spec('root'), 'maxauthtries')).toBe('6');
    expect(value('MaxAuthTries -1\nMaxAuthTries 3\n', spec('root'), 'maxauthtries')).toBe('3');
  });

  it('plans root, an ordinary user, users and group members the blocks name, and an origin per origin-dependent block', () => {
    const passwd = parsePasswd('root:x:0:0:root:/root:/bin/bash\nbob:x:1002:1002::/home/bob:/bin/bash\ncarol:x:1003:1501::/home/carol:/bin/bash\n');
    const groups = parseGroup('root:x:0:\nbob:x:1002:\nwheel:x:1500:bob\nadmins:x:1501:\nempty:x:1502:\n');
    const cfg = parseSshdConfig('Match User alice\n  X11Forwarding yes\nMatch Group wheel,admins\n  X11Forwarding yes\nMatch Group empty\n  X11Forwarding yes\n'
      + 'Match Address 10.0.0.0/8 LocalPort 2222\n  X11Forwarding yes\nMatch Host *.example.com\n  X11Forwarding yes\n');
    const plan = planConnections(cfg.matchBlocks, passwd, groups, 22);
    const users = [...new Set(plan.connections.map((c) => c.spec.user))];
    expect(users).toEqual(['root', 'cis-bdd-probe', 'alice', 'bob', 'carol']);
    const origins = [...new Set(plan.connections.map((c) => connectionArgument({ ...c.spec, user: '' })))];
    expect(origins).toEqual([
      'user=,host=203.0.113.10,addr=203.0.113.10,laddr=203.0.113.1,lport=22',
      'user=,host=10.0.0.0,addr=10.0.0.0,laddr=203.0.113.1,lport=2222',
      'user=,host=x.example.com,addr=203.0.113.10,laddr=203.0.113.1,lport=22',
    ]);
    expect(plan.connections.filter((c) => c.undecidable)).toHaveLength(users.length);
    expect(plan.notes).toEqual([expect.stringMatching(/group empty has no members/)]);
  });
});

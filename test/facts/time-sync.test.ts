/**
 * The time synchronisation parsers, on the Ubuntu 18.04 fixture's chrony and systemd-timesyncd files, on
 * the ACL2 fixture's chrony files, on ntp.conf as the Ubuntu 18.04 ntp package ships it, on ntpd.service
 * and /etc/sysconfig/ntpd as the CentOS 7 ntp package ships them, and on malformed input.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseChronyLayout, chronyEffectiveUser, chronydOptionUser, parseChronyConf, parseChronydProcesses, withUserOption } from '../../src/facts/time-sync.js';
import { expandExecStart, initScriptRunAsUser, joinContinuations, ntpDefaultRestrictions, ntpdServiceUser, ntpdUserOption, parseNtpConf, unitSettingList } from '../../src/facts/ntp.js';
import { orderDropIns, timesyncdSettings } from '../../src/facts/timesyncd.js';
import { parseSystemdIni } from '../../src/facts/systemd-conf.js';
import { parseEnvironmentFile } from '../../src/facts/systemd-env-file.js';
import { CheckError } from '../../src/model/verdict.js';
import { repoRoot, ubuntuBase } from '../support/fixtures.js';
import { NTPD_SERVICE_CENTOS7, NTPD_SYSCONFIG_CENTOS7 } from '../support/acl2-samples.js';

const fixture = (p: string) => readFileSync(path.join(ubuntuBase, p), 'utf8');
/** a file of the ACL2 fixture's stock overlay, as the repository holds it */
const acl2 = (p: string) => readFileSync(path.join(repoRoot, 'containers/acl2/files', p), 'utf8');

const UNIT = '/usr/lib/systemd/system/ntpd.service';

// the access-control part of /etc/ntp.conf as the ntp package of Ubuntu 18.04 installs it
const NTP_CONF_UBUNTU = `# /etc/ntp.conf, configuration for ntpd; see ntp.conf(5) for help

driftfile /var/lib/ntp/ntp.drift
pool 0.ubuntu.pool.ntp.org iburst
pool ntp.ubuntu.com

# By default, exchange time with everybody, but don't allow configuration.
restrict -4 default kod notrap nomodify nopeer noquery limited
restrict -6 default kod notrap nomodify nopeer noquery limited

# Local users may interrogate the ntp server more closely.
restrict 127.0.0.1
restrict ::1

# Needed for adding pool entries
restrict source notrap nomodify noquery
#server ntp.example.org
`;

describe('chrony', () => {
  it('reads the fixture\'s chrony.conf: four pool lines, no user directive', () => {
    const d = parseChronyConf(fixture('etc/chrony/chrony.conf'));
    expect(d.filter((x) => x.keyword === 'pool').map((x) => `${x.line} ${x.args[0]}`))
      .toEqual(['17 ntp.ubuntu.com', '18 0.ubuntu.pool.ntp.org', '19 1.ubuntu.pool.ntp.org', '20 2.ubuntu.pool.ntp.org']);
    expect(d.some((x) => x.keyword === 'user')).toBe(false);
    expect(chronyEffectiveUser(d).name).toBe('_chrony');
  });

  it('knows chrony\'s four comment characters', () => {
    const d = parseChronyConf('! server a\n; server b\n% server c\n# server d\n  server e iburst\n');
    expect(d.map((x) => x.text)).toEqual(['server e iburst']);
  });

  it('reads DAEMON_OPTS from the fixture\'s /etc/default/chrony', () => {
    const a = parseEnvironmentFile(fixture('etc/default/chrony'), '/etc/default/chrony');
    expect(a.get('DAEMON_OPTS')).toEqual({ name: 'DAEMON_OPTS', value: '', file: '/etc/default/chrony', line: 6 });
    expect(a.get('SYNC_IN_CONTAINER')?.value).toBe('no');
  });

  it('takes the user from -u first, then the last user directive, then the built-in default', () => {
    const conf = parseChronyConf('user nobody\nuser _chrony\n');
    expect(chronyEffectiveUser(conf).name).toBe('_chrony');
    expect(chronyEffectiveUser(parseChronyConf('user root\n')).decidedBy).toBe('/etc/chrony/chrony.conf:1 user root');
    const opts = parseEnvironmentFile('DAEMON_OPTS="-F 1 -u root"\n', '/etc/default/chrony').get('DAEMON_OPTS');
    expect(chronyEffectiveUser(conf, opts)).toEqual({ name: 'root', decidedBy: '/etc/default/chrony:1 DAEMON_OPTS="-F 1 -u root" (-u root)' });
    expect(chronydOptionUser('-u a -x -u b')).toBe('b');
    expect(chronydOptionUser('-u')).toBeUndefined();
    expect(() => chronyEffectiveUser(parseChronyConf('user\n'))).toThrow(CheckError);
  });

  it('reads the options file as systemd\'s EnvironmentFile= does: blanks and # kept in a value, export is no assignment; an open quote is an error', () => {
    const a = parseEnvironmentFile("A='x y'\nexport B=z\nC=\"p\\\"q\"\nDAEMON_OPTS=-F 1 -u root # note\n", 'f');
    expect([a.get('A')?.value, a.has('B'), a.get('C')?.value]).toEqual(['x y', false, 'p"q']);
    const opts = a.get('DAEMON_OPTS');
    expect(opts?.value).toBe('-F 1 -u root # note');
    expect(chronydOptionUser(opts!.value)).toBe('root');
    expect(() => parseEnvironmentFile('DAEMON_OPTS="-u root\n', 'f')).toThrow(/f:1 has a double quote that is not closed/);
  });

  it('parses the chronyd process list, zombies included', () => {
    expect(parseChronydProcesses('15 Z 0 0\n16 S 104 104\n')).toEqual([
      { pid: 15, state: 'Z', realUid: 0, effectiveUid: 0 }, { pid: 16, state: 'S', realUid: 104, effectiveUid: 104 }]);
    expect(parseChronydProcesses('')).toEqual([]);
    expect(() => parseChronydProcesses('16 S 104\n')).toThrow(/unexpected line/);
  });
});

describe('chrony on the RPM family', () => {
  it('reads the ACL2 fixture\'s /etc/chrony.conf and the empty OPTIONS of /etc/sysconfig/chronyd', () => {
    const d = parseChronyConf(acl2('etc/chrony.conf'), '/etc/chrony.conf');
    expect(d.filter((x) => x.keyword === 'server').map((x) => x.args[0])).toContain('ntp.cloud.aliyuncs.com');
    const opts = parseEnvironmentFile(acl2('etc/sysconfig/chronyd'), '/etc/sysconfig/chronyd').get('OPTIONS');
    expect(opts).toEqual({ name: 'OPTIONS', value: '', file: '/etc/sysconfig/chronyd', line: 2 });
    expect(chronyEffectiveUser(d, opts, 'chrony')).toEqual({ name: 'chrony', decidedBy: 'no user directive and no -u option: chronyd\'s built-in default chrony' });
    const set = parseEnvironmentFile('OPTIONS="-4 -u chrony"\n', '/etc/sysconfig/chronyd').get('OPTIONS');
    expect(chronyEffectiveUser(d, set, 'chrony').decidedBy).toBe('/etc/sysconfig/chronyd:1 OPTIONS="-4 -u chrony" (-u chrony)');
  });

  it('chooses the layout by the files that exist, the package manager deciding a tie', () => {
    const has = (...files: string[]) => (p: string) => files.includes(p);
    const pick = (exists: (p: string) => boolean, manager: string | null) => chooseChronyLayout(exists, manager);
    expect(pick(has('/etc/chrony.conf', '/etc/sysconfig/chronyd'), 'rpm')).toMatchObject({ layout: { family: 'RPM', conf: '/etc/chrony.conf', optionsVariable: 'OPTIONS' },
      because: '/etc/chrony.conf and /etc/sysconfig/chronyd exist' });
    expect(pick(has('/etc/chrony/chrony.conf', '/etc/default/chrony'), 'dpkg').layout).toMatchObject({ family: 'Debian', optionsFile: '/etc/default/chrony', optionsVariable: 'DAEMON_OPTS' });
    // a stray /etc/chrony/chrony.conf on an RPM system does not win over its two files
    expect(pick(has('/etc/chrony/chrony.conf', '/etc/chrony.conf', '/etc/sysconfig/chronyd'), 'rpm').layout.family).toBe('RPM');
    // chrony.conf missing: the options file still tells
    expect(pick(has('/etc/sysconfig/chronyd'), null).layout.family).toBe('RPM');
    expect(pick(has(), 'rpm')).toMatchObject({ layout: { family: 'RPM' }, because: 'no chrony file exists; the package manager is rpm' });
    expect(pick(has(), 'dpkg').layout.family).toBe('Debian');
  });

  it('sets -u in the options, replacing any other -u', () => {
    expect(withUserOption('', 'chrony')).toBe('-u chrony');
    expect(withUserOption('-4 -u root -F 1', 'chrony')).toBe('-4 -F 1 -u chrony');
    expect(withUserOption('-uroot -x', 'ntp:ntp')).toBe('-x -u ntp:ntp');
  });
});

describe('ntpd.service and /etc/sysconfig/ntpd', () => {
  const unit = (text: string, file = UNIT) => parseSystemdIni(joinContinuations(text), file);

  it('reads CentOS 7\'s unit: ntpd starts as ntp:ntp, with the OPTIONS of /etc/sysconfig/ntpd after it', () => {
    const s = ntpdServiceUser(unit(NTPD_SERVICE_CENTOS7), UNIT, [], NTPD_SYSCONFIG_CENTOS7);
    expect(s.arguments).toEqual(['/usr/sbin/ntpd', '-u', 'ntp:ntp', '-g']);
    expect(s.optionsUsed).toBe(true);
    expect(s.user).toEqual({ value: 'ntp:ntp', decidedBy: `${UNIT}:8 ExecStart=/usr/sbin/ntpd -u ntp:ntp $OPTIONS, $OPTIONS from /etc/sysconfig/ntpd:2 OPTIONS="-g"` });
  });

  it('lets a later -u of OPTIONS win, and ignores OPTIONS when the unit does not read the file', () => {
    expect(ntpdServiceUser(unit(NTPD_SERVICE_CENTOS7), UNIT, [], 'OPTIONS="-g -u root"\n').user?.value).toBe('root');
    const noEnv = NTPD_SERVICE_CENTOS7.replace('EnvironmentFile=-/etc/sysconfig/ntpd\n', '').replace('-u ntp:ntp ', '');
    const s = ntpdServiceUser(unit(noEnv), UNIT, [], 'OPTIONS="-u ntp:ntp"\n');
    expect([s.optionsUsed, s.user, s.arguments]).toEqual([false, undefined, ['/usr/sbin/ntpd']]);
  });

  it('follows a drop-in that clears ExecStart and sets it again', () => {
    const dropIn = '/etc/systemd/system/ntpd.service.d/override.conf';
    const settings = [...unit(NTPD_SERVICE_CENTOS7), ...unit('[Service]\nExecStart=\nExecStart=-/usr/sbin/ntpd $OPTIONS\n', dropIn)];
    expect(unitSettingList(settings, 'ExecStart').map((x) => `${x.file}:${x.line}`)).toEqual([`${dropIn}:3`]);
    const s = ntpdServiceUser(settings, UNIT, [dropIn], NTPD_SYSCONFIG_CENTOS7);
    expect(s.arguments).toEqual(['/usr/sbin/ntpd', '-g']);
    expect(s.user).toBeUndefined();
  });

  it('without a unit, reads OPTIONS alone', () => {
    expect(ntpdServiceUser([], undefined, [], 'OPTIONS="-u ntp:ntp -g"\n').user).toEqual({ value: 'ntp:ntp', decidedBy: '/etc/sysconfig/ntpd:1 OPTIONS="-u ntp:ntp -g"' });
  });

  it('expands $NAME to words and ${NAME} to one word, and drops the program\'s prefixes', () => {
    const env = new Map([['OPTIONS', '-g -u ntp']]);
    expect(expandExecStart('@-/usr/sbin/ntpd $OPTIONS', env)).toEqual(['/usr/sbin/ntpd', '-g', '-u', 'ntp']);
    expect(expandExecStart('/usr/sbin/ntpd ${OPTIONS} "a b"', env)).toEqual(['/usr/sbin/ntpd', '-g -u ntp', 'a b']);
    expect(expandExecStart('/usr/sbin/ntpd $MISSING -x', env)).toEqual(['/usr/sbin/ntpd', '-x']);
  });

  it('finds the last -u in its three spellings', () => {
    expect(ntpdUserOption(['-u', 'a', '-ub', '--user=c'])).toBe('c');
    expect(ntpdUserOption(['--user', 'ntp:ntp', '-g'])).toBe('ntp:ntp');
    expect(ntpdUserOption(['-g', '-u'])).toBeUndefined();
  });

  it('joins backslash continuations and keeps line numbers; a malformed line is an error', () => {
    const s = unit('[Service]\nExecStart=/usr/sbin/ntpd \\\n  -u ntp:ntp\nPrivateTmp=true\n');
    expect(s.map((x) => `${x.line} ${x.key}=${x.value}`)).toEqual(['2 ExecStart=/usr/sbin/ntpd  -u ntp:ntp', '4 PrivateTmp=true']);
    expect(() => unit('[Service]\nExecStart /usr/sbin/ntpd\n')).toThrow(/ntpd\.service:2 is neither/);
  });
});

describe('ntp', () => {
  const d = parseNtpConf(NTP_CONF_UBUNTU);

  it('finds the default restrictions of both families and the pool lines, ignoring comments', () => {
    expect(ntpDefaultRestrictions(d).map((r) => `${r.family} ${r.at.line} ${r.flags.join(',')}`)).toEqual([
      '4 8 kod,notrap,nomodify,nopeer,noquery,limited', '6 9 kod,notrap,nomodify,nopeer,noquery,limited']);
    expect(d.filter((x) => x.keyword === 'pool' || x.keyword === 'server').map((x) => x.line)).toEqual([4, 5]);
  });

  it('takes "restrict default" as the IPv4 default and ignores restrictions of other addresses', () => {
    const r = ntpDefaultRestrictions(parseNtpConf('restrict default nomodify # trailing comment\nrestrict 10.0.0.0 mask 255.0.0.0\n'));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ family: 4, flags: ['nomodify'] });
  });

  it('finds RUNASUSER in an init script, not in a comment', () => {
    const script = '#!/bin/sh\n# RUNASUSER=root\nDAEMON=/usr/sbin/ntpd\nRUNASUSER=ntp\nUGID=$(getent passwd $RUNASUSER | cut -f 3,4 -d:) || true\n';
    expect(initScriptRunAsUser(script)).toEqual({ name: 'RUNASUSER', value: 'ntp', file: '/etc/init.d/ntp', line: 4 });
    expect(initScriptRunAsUser('  RUNASUSER="root"\n')?.value).toBe('root');
    expect(initScriptRunAsUser('# RUNASUSER=ntp\n')).toBeUndefined();
  });
});

describe('systemd-timesyncd', () => {
  it('reads the fixture\'s timesyncd.conf: everything commented, no server', () => {
    const file = '/etc/systemd/timesyncd.conf';
    const cfg = timesyncdSettings(parseSystemdIni(fixture('etc/systemd/timesyncd.conf'), file), [file]);
    expect(cfg.ntp.servers).toEqual([]);
    expect(cfg.fallbackNtp.servers).toEqual([]);
  });

  it('appends servers, empties the list on an empty assignment, and reads only [Time]', () => {
    const s = [
      ...parseSystemdIni('[Time]\nNTP=a.example b.example\nFallbackNTP=f.example\nRootDistanceMaxSec=1\n[Other]\nNTP=x\n', 'main'),
      ...parseSystemdIni('[Time]\nNTP=\nNTP=c.example\n', 'drop-in'),
    ];
    const cfg = timesyncdSettings(s, ['main', 'drop-in']);
    expect(cfg.ntp.servers).toEqual(['c.example']);
    expect(cfg.ntp.settings.map((x) => `${x.file}:${x.line}`)).toEqual(['main:2', 'drop-in:2', 'drop-in:3']);
    expect(cfg.fallbackNtp.servers).toEqual(['f.example']);
    expect(cfg.other.get('RootDistanceMaxSec')?.value).toBe('1');
  });

  it('orders drop-ins by name, a name in /etc hiding the same name further down', () => {
    expect(orderDropIns(['/usr/lib/systemd/timesyncd.conf.d/a.conf', '/etc/systemd/timesyncd.conf.d/b.conf', '/run/systemd/timesyncd.conf.d/a.conf']))
      .toEqual(['/run/systemd/timesyncd.conf.d/a.conf', '/etc/systemd/timesyncd.conf.d/b.conf']);
  });

  it('rejects a line that is neither a section nor an assignment', () => {
    expect(() => parseSystemdIni('[Time]\nNTP a.example\n', 'f')).toThrow(/f:2 is neither/);
  });
});

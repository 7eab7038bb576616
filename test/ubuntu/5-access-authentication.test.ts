/**
 * Chapter 5 (without 5.3, SSH) on the real Ubuntu 18.04 root filesystem. On the stock fixture 5.2.1,
 * 5.4.4, 5.5.1.3, 5.5.1.5, 5.5.2 and 5.5.3 pass, 5.1.1 does not apply offline (cron.service is enabled;
 * whether cron runs needs a live system, see the container cases below), 5.6 is manual and everything
 * else fails. Password hashes used here are made up and must never appear in a verdict.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, type Layer } from '../support/fixtures.js';
import { rootfsItemCases, type ItemCase } from '../support/cases.js';
import { audit } from '../support/audit.js';
import { IMAGES, withContainer } from '../support/containers.js';
import { shellQuote } from '../../src/targets/target.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const SCOPE = ['5.1', '5.2', '5.4', '5.5', '5.6', '5.7'];

/** A made-up SHA-512 crypt string. */
const HASH = '$6$cisbdd$N0tARealHashN0tARealHashN0tARealHashN0tARealHashN0tARealHash0123456789abcdef';
/** Matches a text that does not contain "$6$" anywhere. */
const NO_HASH = /^(?![\s\S]*\$6\$)/;

const replaceLine = (file: string, from: RegExp, to: string) => (l: Layer) => l.edit(file, (t) => {
  if (!from.test(t)) throw new Error(`${file} has no line matching ${from}`);
  return t.replace(from, to);
});
const chain = (...changes: Array<(l: Layer) => void>) => (l: Layer) => { for (const c of changes) c(l); };

/** A login user with a password, and the given ageing fields (min:max:warn:inactive). */
const addAlice = (aging = '1:365:7:30', lastChange = '18600') => (l: Layer) => {
  l.append('/etc/passwd', 'alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n');
  l.append('/etc/group', 'alice:x:1000:\n');
  l.append('/etc/shadow', `alice:${HASH}:${lastChange}:${aging}::\n`);
};

const defs = (name: string, value: string) => replaceLine('/etc/login.defs', new RegExp(`^${name}\\s.*$`, 'm'), `${name}\t${value}`);

const COMMON_AUTH = '/etc/pam.d/common-auth';
const COMMON_ACCOUNT = '/etc/pam.d/common-account';
const COMMON_PASSWORD = '/etc/pam.d/common-password';
const TALLY_AUTH = 'auth\trequired\t\t\tpam_tally2.so onerr=fail audit silent deny=5 unlock_time=900\n';
/** pam_tally2 first in common-auth, as the lockout must count before pam_unix decides. */
const tallyAuth = (line = TALLY_AUTH) => (l: Layer) => l.edit(COMMON_AUTH, (t) => t.replace(/^(auth\s+\[success=1)/m, `${line}$1`));
const tallyAccount = (l: Layer) => l.append(COMMON_ACCOUNT, 'account\trequired\t\t\tpam_tally2.so\n');
const pwhistory = (line: string) => (l: Layer) => l.edit(COMMON_PASSWORD, (t) => t.replace(/^(password\s+\[success=1)/m, `${line}\n$1`));

const sudoersD = (name: string, text: string) => (l: Layer) => l.write(`/etc/sudoers.d/${name}`, text, 0o440);
const profileD = (name: string, text: string) => (l: Layer) => l.write(`/etc/profile.d/${name}`, text, 0o644);
const TMOUT_OK = 'TMOUT=900\nreadonly TMOUT\nexport TMOUT\n';

const cases: ItemCase[] = [
  // 5.1.1 cron enabled (running: container cases below)
  { id: '5.1.1', expect: 'not-applicable', given: 'cron.service is enabled; whether cron runs cannot be seen offline', change: () => {}, reason: /offline root filesystem[\s\S]*multi-user\.target\.wants\/cron\.service/ },
  { id: '5.1.1', expect: 'fail', given: 'cron.service is not enabled', change: (l) => l.remove('/etc/systemd/system/multi-user.target.wants/cron.service'), reason: /cron\.service is not enabled/ },

  // 5.1.2 /etc/crontab
  { id: '5.1.2', expect: 'pass', given: '/etc/crontab is 0600 root:root', change: (l) => l.chmod('/etc/crontab', 0o600) },
  { id: '5.1.2', expect: 'fail', given: 'the fixture as shipped: /etc/crontab is 0644', change: () => {}, reason: /mode 0644, more permissive than 0600/ },
  { id: '5.1.2', expect: 'fail', given: '/etc/crontab is 0600 but belongs to the crontab group', change: (l) => { l.chmod('/etc/crontab', 0o600); l.chown('/etc/crontab', 0, 104); }, reason: /owned by root:crontab, expected root:root/ },

  // 5.1.3-5.1.7 the cron directories
  ...(['5.1.3:/etc/cron.hourly', '5.1.4:/etc/cron.daily', '5.1.5:/etc/cron.weekly', '5.1.6:/etc/cron.monthly', '5.1.7:/etc/cron.d'].flatMap((s): ItemCase[] => {
    const [id, dir] = s.split(':');
    return [
      { id, expect: 'pass', given: `${dir} is 0700 root:root`, change: (l) => l.chmod(dir, 0o700) },
      { id, expect: 'fail', given: `the fixture as shipped: ${dir} is 0755`, change: () => {}, reason: new RegExp(`${dir.replace(/\./g, '\\.')} has mode 0755`) },
    ];
  })),
  { id: '5.1.7', expect: 'pass', given: '/etc/cron.d is 0500 (stricter than 0700)', change: (l) => l.chmod('/etc/cron.d', 0o500) },

  // 5.1.8 cron.allow / cron.deny
  { id: '5.1.8', expect: 'pass', given: '/etc/cron.allow 0640 root:root lists root; there is no cron.deny', change: (l) => l.write('/etc/cron.allow', 'root\n', 0o640) },
  // the evidence says how crontab reads the lines (test/differential/cron-access.test.ts); root may use crontab whatever the list says
  { id: '5.1.8', expect: 'pass', given: 'cron.allow 0600 with "  alice" and an unterminated last line "root"', change: (l) => l.write('/etc/cron.allow', '  alice\nroot', 0o600),
    reason: /allows roo; .*crontab cuts its last character and reads "roo".*"  alice" \(blanks around a name: it names no user\)/ },
  { id: '5.1.8', expect: 'fail', given: 'the fixture as shipped: no allow list', change: () => {}, reason: /\/etc\/cron\.allow does not exist/ },
  { id: '5.1.8', expect: 'fail', given: '/etc/cron.allow is readable by everyone', change: (l) => l.write('/etc/cron.allow', 'root\n', 0o644), reason: /cron\.allow has mode 0644/ },
  { id: '5.1.8', expect: 'fail', given: 'a good allow list, but a deny list as well', change: (l) => { l.write('/etc/cron.allow', 'root\n', 0o640); l.write('/etc/cron.deny', 'guest\n', 0o640); },
    reason: /\/etc\/cron\.deny exists[\s\S]*denies guest/ },

  // 5.1.9 at.allow / at.deny
  { id: '5.1.9', expect: 'pass', given: 'at.deny removed, /etc/at.allow 0600 root:root', change: (l) => { l.remove('/etc/at.deny'); l.write('/etc/at.allow', 'root\n', 0o600); } },
  { id: '5.1.9', expect: 'fail', given: 'the fixture as shipped: /etc/at.deny denies a list of system accounts', change: () => {}, reason: /\/etc\/at\.deny exists/ },
  { id: '5.1.9', expect: 'fail', given: 'at.deny removed, but no at.allow', change: (l) => l.remove('/etc/at.deny'), reason: /\/etc\/at\.allow does not exist/ },

  // 5.2.1 sudo installed
  { id: '5.2.1', expect: 'pass', given: 'the fixture as shipped: sudo is installed', change: () => {}, reason: /sudo 1\.8\.21p2-3ubuntu1 installed/ },
  { id: '5.2.1', expect: 'pass', given: 'sudo-ldap instead of sudo', change: replaceLine('/var/lib/dpkg/status', /^Package: sudo$/m, 'Package: sudo-ldap') },
  { id: '5.2.1', expect: 'fail', given: 'sudo is removed (its configuration files stay)', change: replaceLine('/var/lib/dpkg/status', /(Package: sudo\nStatus: )install ok installed/, '$1deinstall ok config-files'),
    reason: /neither sudo nor sudo-ldap is installed/ },

  // 5.2.2 use_pty
  { id: '5.2.2', expect: 'pass', given: 'Defaults use_pty in a file of /etc/sudoers.d', change: sudoersD('50-cis', 'Defaults use_pty\n'), reason: /\/etc\/sudoers\.d\/50-cis:1: Defaults use_pty \(the last entry/ },
  { id: '5.2.2', expect: 'pass', given: 'use_pty among other options in /etc/sudoers', change: replaceLine('/etc/sudoers', /^Defaults\tenv_reset$/m, 'Defaults\tenv_reset, use_pty') },
  { id: '5.2.2', expect: 'fail', given: 'the fixture as shipped', change: () => {}, reason: /use_pty is not set for all users/ },
  { id: '5.2.2', expect: 'fail', given: 'use_pty in /etc/sudoers.d/cis.conf, a file sudo skips (its name has a dot)', change: sudoersD('cis.conf', 'Defaults use_pty\n'), reason: /cis\.conf \(sudo skips names that contain "\."\)/ },
  { id: '5.2.2', expect: 'fail', given: 'use_pty for one user only', change: sudoersD('50-cis', 'Defaults:alice use_pty\n'), reason: /for some users, hosts or commands only/ },
  { id: '5.2.2', expect: 'fail', given: 'use_pty turned on, then off again by a later file', change: chain(sudoersD('50-cis', 'Defaults use_pty\n'), sudoersD('60-local', 'Defaults !use_pty\n')),
    reason: /60-local:1 turns off use_pty/ },
  // sudo 1.8.21 ignores a value given to the flag use_pty and visudo -c refuses it (test/differential/sudoers.test.ts)
  { id: '5.2.2', expect: 'fail', given: 'Defaults use_pty=1, an entry visudo refuses', change: sudoersD('50-cis', 'Defaults use_pty=1\n'), reason: /option "use_pty" does not take a value/ },
  // sudo 1.8.21 cannot parse @includedir (sudo 1.9.1 syntax) and refuses to run
  { id: '5.2.2', expect: 'error', given: '@includedir in /etc/sudoers, a parse error for sudo 1.8.21', change: (l) => l.append('/etc/sudoers', '@includedir /etc/sudoers.d\n'), reason: /before 1\.9\.1/, alsoChanges: { '5.2.3': 'error' } },

  // 5.2.3 logfile
  { id: '5.2.3', expect: 'pass', given: 'Defaults logfile="/var/log/sudo.log"', change: sudoersD('50-cis', 'Defaults logfile="/var/log/sudo.log"\n') },
  { id: '5.2.3', expect: 'fail', given: 'the fixture as shipped', change: () => {}, reason: /logfile is not set for all users/ },
  { id: '5.2.3', expect: 'fail', given: 'a log file set, then turned off', change: sudoersD('50-cis', 'Defaults logfile=/var/log/sudo.log\nDefaults !logfile\n'), reason: /turns logfile off/ },
  { id: '5.2.3', expect: 'pass', given: 'Defaults logfile+=/var/log/sudo.log (sudo 1.8.21 sets the path)', change: sudoersD('50-cis', 'Defaults logfile+=/var/log/sudo.log\n') },
  { id: '5.2.3', expect: 'fail', given: 'a relative log file, which sudo ignores and visudo refuses', change: sudoersD('50-cis', 'Defaults logfile=sudo.log\n'), reason: /values for "logfile" must start with a '\/'/ },
  { id: '5.2.3', expect: 'fail', given: 'logfile without a value', change: sudoersD('50-cis', 'Defaults logfile\n'), reason: /no value specified for "logfile"/ },

  // 5.4.1 password quality
  { id: '5.4.1', expect: 'pass', given: 'minlen 14 and minclass 4 in pwquality.conf; retry=3 as shipped', change: (l) => l.append('/etc/security/pwquality.conf', 'minlen = 14\nminclass = 4\n'),
    reason: /minlen = 14 at \/etc\/security\/pwquality\.conf:\d+/ },
  { id: '5.4.1', expect: 'pass', given: 'minlen 14 and each credit -1', change: (l) => l.append('/etc/security/pwquality.conf', 'minlen = 14\ndcredit = -1\nucredit = -1\nlcredit = -1\nocredit = -1\n') },
  { id: '5.4.1', expect: 'fail', given: 'the fixture as shipped: nothing set in pwquality.conf', change: () => {}, reason: /minlen is not set/ },
  { id: '5.4.1', expect: 'fail', given: 'minlen 14 in the file, but minlen=8 on the pam_pwquality line, which wins',
    change: chain((l) => l.append('/etc/security/pwquality.conf', 'minlen = 14\nminclass = 4\n'), replaceLine(COMMON_PASSWORD, /pam_pwquality\.so retry=3/, 'pam_pwquality.so retry=3 minlen=8')),
    reason: /minlen=8 as an argument at \/etc\/pam\.d\/common-password:25/ },
  { id: '5.4.1', expect: 'fail', given: 'five tries', change: chain((l) => l.append('/etc/security/pwquality.conf', 'minlen = 14\nminclass = 4\n'), replaceLine(COMMON_PASSWORD, /retry=3/, 'retry=5')),
    reason: /retry must be between 1 and 3/ },
  { id: '5.4.1', expect: 'fail', given: 'minclass 3 and only three credits at -1', change: (l) => l.append('/etc/security/pwquality.conf', 'minlen = 14\nminclass = 3\ndcredit = -1\nucredit = -1\nlcredit = -1\n'),
    reason: /ocredit is not set/ },
  // where the settings come from, as libpwquality 1.4.0 reads them (proven in test/differential/pam.test.ts)
  { id: '5.4.1', expect: 'pass', given: 'minlen 14 and minclass 4 in a file of pwquality.conf.d', change: (l) => l.write('/etc/security/pwquality.conf.d/50-cis.conf', 'minlen = 14\nminclass = 4\n'),
    reason: /minlen = 14 at \/etc\/security\/pwquality\.conf\.d\/50-cis\.conf:1/ },
  { id: '5.4.1', expect: 'fail', given: 'minlen 14 in pwquality.conf.d, but minlen 8 in pwquality.conf, which is read after it',
    change: chain((l) => l.write('/etc/security/pwquality.conf.d/50-cis.conf', 'minlen = 14\nminclass = 4\n'), (l) => l.append('/etc/security/pwquality.conf', 'minlen = 8\n')),
    reason: /minlen = 8 at \/etc\/security\/pwquality\.conf:\d+/ },
  { id: '5.4.1', expect: 'fail', given: 'a line the library cannot read before the good settings: it stops reading there',
    change: (l) => l.append('/etc/security/pwquality.conf', 'enforce_for_root\nminlen = 14\nminclass = 4\n'),
    reason: /stops reading at \/etc\/security\/pwquality\.conf:\d+ "enforce_for_root"[\s\S]*minlen is not set/ },
  { id: '5.4.1', expect: 'pass', given: 'good settings, and "MINLEN=8" on the line overridden by a later "minlen=15" argument',
    change: chain((l) => l.append('/etc/security/pwquality.conf', 'minlen = 14\nminclass = 4\n'), replaceLine(COMMON_PASSWORD, /pam_pwquality\.so retry=3/, 'pam_pwquality.so retry=3 MINLEN=8 minlen=15')),
    reason: /minlen=15 as an argument/ },
  // the check must stand before the rule that stores the password
  { id: '5.4.1', expect: 'fail', given: 'pam_pwquality required, and pam_unix without use_authtok asks again and stores the rejected password',
    change: chain((l) => l.append('/etc/security/pwquality.conf', 'minlen = 14\nminclass = 4\n'), replaceLine(COMMON_PASSWORD, /^password\s+requisite(\s+pam_pwquality\.so)/m, 'password required$1'),
      replaceLine(COMMON_PASSWORD, /obscure use_authtok try_first_pass sha512/, 'obscure try_first_pass sha512')),
    reason: /without use_authtok, asks for a new one and stores it unchecked/ },
  { id: '5.4.1', expect: 'pass', given: 'pam_pwquality required: pam_unix with use_authtok stores only the checked password',
    change: chain((l) => l.append('/etc/security/pwquality.conf', 'minlen = 14\nminclass = 4\n'), replaceLine(COMMON_PASSWORD, /^password\s+requisite(\s+pam_pwquality\.so)/m, 'password required$1')) },
  { id: '5.4.1', expect: 'pass', given: 'pam_pwquality with a bracketed control equal to requisite',
    change: chain((l) => l.append('/etc/security/pwquality.conf', 'minlen = 14\nminclass = 4\n'), replaceLine(COMMON_PASSWORD, /^password\s+requisite(\s+pam_pwquality\.so)/m, 'password [success=ok new_authtok_reqd=ok ignore=ignore default=die]$1')) },
  { id: '5.4.1', expect: 'fail', given: 'pam_pwquality after pam_unix',
    change: chain((l) => l.append('/etc/security/pwquality.conf', 'minlen = 14\nminclass = 4\n'), (l) => l.edit(COMMON_PASSWORD, (t) => t.replace(/^(password\s+requisite\s+pam_pwquality\.so retry=3)\n(password\s+\[success=1 default=ignore\].*)$/m, '$2\n$1'))),
    reason: /pam_unix\.so .*can run before the password is checked/ },

  // 5.4.2 lockout
  { id: '5.4.2', expect: 'pass', given: 'pam_tally2 in common-auth (deny=5, unlock_time=900) and in common-account', change: chain(tallyAuth(), tallyAccount),
    reason: /common-auth:17 auth required pam_tally2\.so onerr=fail audit silent deny=5 unlock_time=900/ },
  { id: '5.4.2', expect: 'fail', given: 'the fixture as shipped', change: () => {}, reason: /do not call pam_tally2\.so/ },
  { id: '5.4.2', expect: 'fail', given: 'ten attempts before the lock', change: chain(tallyAuth(TALLY_AUTH.replace('deny=5', 'deny=10')), tallyAccount), reason: /deny must be between 1 and 5.*deny=10/ },
  { id: '5.4.2', expect: 'fail', given: 'a five-minute lock', change: chain(tallyAuth(TALLY_AUTH.replace('unlock_time=900', 'unlock_time=300')), tallyAccount), reason: /unlock_time must be at least 900/ },
  { id: '5.4.2', expect: 'fail', given: 'without onerr=fail', change: chain(tallyAuth(TALLY_AUTH.replace('onerr=fail ', '')), tallyAccount), reason: /lacks onerr=fail/ },
  { id: '5.4.2', expect: 'fail', given: 'pam_tally2 after pam_unix: a wrong password ends the stack before it is counted',
    change: chain((l) => l.append(COMMON_AUTH, TALLY_AUTH), tallyAccount), reason: /pam_unix\.so nullok_secure.*can run before pam_tally2\.so/ },
  { id: '5.4.2', expect: 'fail', given: 'pam_tally2 only in common-auth', change: tallyAuth(), reason: /account rules of \/etc\/pam\.d\/common-account do not call pam_tally2\.so/ },

  // 5.4.3 password history
  { id: '5.4.3', expect: 'pass', given: 'pam_pwhistory remembers 5', change: pwhistory('password\trequired\t\t\tpam_pwhistory.so remember=5') },
  { id: '5.4.3', expect: 'fail', given: 'the fixture as shipped', change: () => {}, reason: /do not call pam_pwhistory\.so/ },
  { id: '5.4.3', expect: 'fail', given: 'pam_pwhistory remembers 3', change: pwhistory('password\trequired\t\t\tpam_pwhistory.so remember=3'), reason: /remember must be at least 5/ },
  { id: '5.4.3', expect: 'fail', given: 'pam_pwhistory after pam_unix: the password is stored before the history is consulted',
    change: (l) => l.edit(COMMON_PASSWORD, (t) => t.replace(/^(password\s+requisite\s+pam_deny\.so)$/m, 'password\trequired\t\t\tpam_pwhistory.so remember=5\n$1')),
    reason: /pam_unix\.so obscure use_authtok try_first_pass sha512 can run before the password is checked/ },
  { id: '5.4.3', expect: 'fail', given: 'pam_pwhistory commented out', change: pwhistory('#password\trequired\t\t\tpam_pwhistory.so remember=5'), reason: /do not call pam_pwhistory\.so/ },

  // 5.4.4 SHA-512
  { id: '5.4.4', expect: 'pass', given: 'the fixture as shipped: pam_unix.so ... sha512', change: () => {}, reason: /common-password:26 .*pam_unix\.so obscure use_authtok try_first_pass sha512/ },
  { id: '5.4.4', expect: 'fail', given: 'pam_unix hashes with MD5', change: replaceLine(COMMON_PASSWORD, /try_first_pass sha512/, 'try_first_pass md5'), reason: /common-password:26 hashes with md5: md5/ },
  // what pam_unix really does with its options (proven against the real module in test/differential/pam.test.ts)
  { id: '5.4.4', expect: 'fail', given: 'sha512 then md5 on the line: the last hashing option wins', change: replaceLine(COMMON_PASSWORD, /try_first_pass sha512/, 'try_first_pass sha512 md5'),
    reason: /hashes with md5: md5 \(the last hashing option; sha512 before it do not count\)/ },
  { id: '5.4.4', expect: 'pass', given: 'md5 then sha512 on the line', change: replaceLine(COMMON_PASSWORD, /try_first_pass sha512/, 'try_first_pass md5 sha512') },
  { id: '5.4.4', expect: 'fail', given: 'no hashing option: pam_unix would follow ENCRYPT_METHOD SHA512 of login.defs, but the benchmark asks for the option',
    change: replaceLine(COMMON_PASSWORD, /try_first_pass sha512/, 'try_first_pass'), reason: /no hashing option: ENCRYPT_METHOD SHA512 from \/etc\/login\.defs:\d+.*benchmark asks for sha512 on the line itself/ },
  { id: '5.4.4', expect: 'pass', given: 'pam_unix in a file that common-password includes, over a continued line with a comment line inside',
    change: chain(replaceLine(COMMON_PASSWORD, /^password\s+\[success=1 default=ignore\]\s+pam_unix\.so.*$/m, 'password include cis-unix'),
      (l) => l.write('/etc/pam.d/cis-unix', 'password [success=1 default=ignore] \\\n# hashing below\n  pam_unix.so obscure use_authtok try_first_pass sha512\npassword requisite pam_deny.so\n')),
    reason: /cis-unix:1 .*sha512 \(via \/etc\/pam\.d\/common-password:26 password include cis-unix\)/ },
  { id: '5.4.4', expect: 'fail', given: 'a second pam_unix with md5 in a substack that runs first',
    change: chain(replaceLine(COMMON_PASSWORD, /^(password\s+requisite\s+pam_pwquality\.so retry=3)$/m, '$1\npassword substack cis-legacy'),
      (l) => l.write('/etc/pam.d/cis-legacy', 'password optional pam_unix.so use_authtok md5\n')),
    reason: /cis-legacy:1 hashes with md5/ },
  { id: '5.4.4', expect: 'pass', given: 'a pam_unix md5 rule that is always jumped over (pam_permit succeeds)',
    change: replaceLine(COMMON_PASSWORD, /^(password\s+\[success=1 default=ignore\]\s+pam_unix\.so)/m, 'password [success=1 default=ignore] pam_permit.so\npassword required pam_unix.so use_authtok md5\n$1'),
    reason: /common-password:27 password required pam_unix\.so use_authtok md5.*\nnever runs/ },

  // 5.5.1.1 minimum days
  { id: '5.5.1.1', expect: 'pass', given: 'PASS_MIN_DAYS 1; no account has a password', change: defs('PASS_MIN_DAYS', '1') },
  { id: '5.5.1.1', expect: 'pass', given: 'PASS_MIN_DAYS 1; alice has a password with 1 day minimum (the hash is not quoted)', change: chain(defs('PASS_MIN_DAYS', '1'), addAlice()),
    reason: new RegExp(`${NO_HASH.source}[\\s\\S]*alice: minimum days between changes 1`) },
  { id: '5.5.1.1', expect: 'fail', given: 'the fixture as shipped: PASS_MIN_DAYS 0', change: () => {}, reason: /login\.defs:161 PASS_MIN_DAYS 0: must be at least 1/ },
  { id: '5.5.1.1', expect: 'fail', given: 'PASS_MIN_DAYS 7, then a later PASS_MIN_DAYS 08: not a number to shadow (base 0), so useradd uses -1, not the earlier 7',
    change: defs('PASS_MIN_DAYS', '7\nPASS_MIN_DAYS 08'), reason: /login\.defs:162 PASS_MIN_DAYS "08" is not a number, so the tools use -1/ },
  { id: '5.5.1.1', expect: 'fail', given: 'PASS_MIN_DAYS 1, but alice may change her password any time', change: chain(defs('PASS_MIN_DAYS', '1'), addAlice('0:365:7:30')), reason: /alice \(0\)/ },

  // 5.5.1.2 maximum days
  { id: '5.5.1.2', expect: 'pass', given: 'PASS_MAX_DAYS 365', change: defs('PASS_MAX_DAYS', '365') },
  { id: '5.5.1.2', expect: 'fail', given: 'the fixture as shipped: PASS_MAX_DAYS 99999', change: () => {}, reason: /PASS_MAX_DAYS 99999: must be at most 365/ },
  { id: '5.5.1.2', expect: 'fail', given: 'PASS_MAX_DAYS 365, but alice\'s password never expires', change: chain(defs('PASS_MAX_DAYS', '365'), addAlice('1::7:30')), reason: /alice \(empty\)/ },
  { id: '5.5.1.2', expect: 'pass', given: 'PASS_MAX_DAYS 0555 (octal to shadow: 365 days)', change: defs('PASS_MAX_DAYS', '0555') },
  { id: '5.5.1.2', expect: 'fail', given: 'PASS_MAX_DAYS 365 "days": shadow reads "365 ", not a number, so no limit', change: defs('PASS_MAX_DAYS', '365 "days"'),
    reason: /PASS_MAX_DAYS "365 " is not a number, so the tools use -1/ },
  { id: '5.5.1.2', expect: 'fail', given: 'pass_max_days 90 in lower case is another name to shadow', change: defs('PASS_MAX_DAYS', '99999\npass_max_days 90'),
    reason: /PASS_MAX_DAYS 99999: must be at most 365/ },
  { id: '5.5.1.2', expect: 'fail', given: 'PASS_MAX_DAYS -1 (no limit)', change: defs('PASS_MAX_DAYS', '-1'), reason: /negative value means no limit/ },

  // 5.5.1.3 warning days
  { id: '5.5.1.3', expect: 'pass', given: 'the fixture as shipped: PASS_WARN_AGE 7', change: () => {} },
  { id: '5.5.1.3', expect: 'fail', given: 'PASS_WARN_AGE 5', change: defs('PASS_WARN_AGE', '5'), reason: /PASS_WARN_AGE 5: must be at least 7/ },
  { id: '5.5.1.3', expect: 'fail', given: 'PASS_WARN_AGE 4294967303: beyond an int, useradd uses -1', change: defs('PASS_WARN_AGE', '4294967303'),
    reason: /PASS_WARN_AGE "4294967303" is not a number, so the tools use -1/ },
  { id: '5.5.1.3', expect: 'fail', given: 'alice is warned 3 days ahead', change: addAlice('1:365:3:30'), reason: /alice \(3\)/ },

  // 5.5.1.4 inactive
  { id: '5.5.1.4', expect: 'pass', given: 'INACTIVE=30 in /etc/default/useradd', change: (l) => l.append('/etc/default/useradd', 'INACTIVE=30\n'), reason: /useradd:\d+: INACTIVE 30/ },
  { id: '5.5.1.4', expect: 'fail', given: 'the fixture as shipped: INACTIVE is not set (-1, never)', change: () => {}, reason: /built-in value -1 applies/ },
  { id: '5.5.1.4', expect: 'fail', given: 'INACTIVE=30, but alice is never disabled', change: chain((l) => l.append('/etc/default/useradd', 'INACTIVE=30\n'), addAlice('1:365:7:')), reason: /alice \(empty\)/ },
  { id: '5.5.1.4', expect: 'fail', given: 'INACTIVE=45', change: (l) => l.append('/etc/default/useradd', 'INACTIVE=45\n'), reason: /INACTIVE 45: must be between 0 and 30/ },

  // 5.5.1.5 last change in the past
  { id: '5.5.1.5', expect: 'pass', given: 'alice changed her password on 2020-12-04', change: addAlice(), reason: /audit date[\s\S]*day \d+ since 1970-01-01[\s\S]*alice: last change day 18600 \(2020-12-04\)/ },
  { id: '5.5.1.5', expect: 'pass', given: 'a future date on an account without a password (locked) is not counted', change: replaceLine('/etc/shadow', /^games:\*:\d+:/m, 'games:*:99999:') },
  { id: '5.5.1.5', expect: 'fail', given: 'alice last changed her password in 2243', change: addAlice('1:365:7:30', '99999'), reason: /alice \(2243-10-16\)/ },

  // 5.5.2 system accounts
  { id: '5.5.2', expect: 'pass', given: 'a new service account with /bin/false and a locked password', change: (l) => {
    l.append('/etc/passwd', 'svc:x:998:65534::/nonexistent:/bin/false\n');
    l.append('/etc/shadow', 'svc:!:18600:0:99999:7:::\n');
  } },
  { id: '5.5.2', expect: 'fail', given: 'games gets a login shell', change: replaceLine('/etc/passwd', /^(games:.*):\/usr\/sbin\/nologin$/m, '$1:/bin/bash'), reason: /games \(uid 5\) has the shell \/bin\/bash/ },
  { id: '5.5.2', expect: 'fail', given: 'daemon gets a usable password (the hash is not quoted)', change: replaceLine('/etc/shadow', /^daemon:\*:/m, `daemon:${HASH}:`),
    reason: new RegExp(`${NO_HASH.source}[\\s\\S]*daemon has a usable password hash`) },
  { id: '5.5.2', expect: 'fail', given: 'sync, exempt from the shell rule, gets an empty password', change: replaceLine('/etc/shadow', /^sync:\*:/m, 'sync::'), reason: /sync has an empty password field/ },

  // 5.5.3 root's group
  { id: '5.5.3', expect: 'pass', given: 'the fixture as shipped', change: () => {} },
  { id: '5.5.3', expect: 'fail', given: "root's primary group is daemon", change: replaceLine('/etc/passwd', /^root:x:0:0:/m, 'root:x:0:1:'), reason: /primary group of root is GID 1, not 0/ },

  // 5.5.4 umask
  { id: '5.5.4', expect: 'pass', given: 'umask 027 in /etc/profile.d and UMASK 027 in login.defs', change: chain(profileD('cis-umask.sh', 'umask 027\n'), defs('UMASK', '027')) },
  { id: '5.5.4', expect: 'pass', given: 'pam_umask with UMASK 077 and USERGROUPS_ENAB no', change: chain(defs('UMASK', '077'), defs('USERGROUPS_ENAB', 'no')), reason: /pam_umask\.so: \/etc\/login\.defs:151 UMASK 077/ },
  { id: '5.5.4', expect: 'fail', given: 'the fixture as shipped', change: () => {}, reason: /USERGROUPS_ENAB yes \(users in their own group get group write\)/ },
  { id: '5.5.4', expect: 'fail', given: 'umask 027 in /etc/profile.d, but login.defs keeps UMASK 022', change: profileD('cis-umask.sh', 'umask 027\n'), reason: /login\.defs:151 UMASK 022/ },
  { id: '5.5.4', expect: 'fail', given: 'a good default, and umask 002 in bash.bashrc', change: chain(profileD('cis-umask.sh', 'umask 027\n'), defs('UMASK', '027'), (l) => l.append('/etc/bash.bashrc', 'umask 002\n')),
    reason: /bash\.bashrc:\d+ umask 002/ },
  { id: '5.5.4', expect: 'fail', given: 'pam_umask with UMASK 027 but USERGROUPS_ENAB yes', change: defs('UMASK', '027'), reason: /no start-up file sets a umask on this path, and pam_umask does not set a compliant one/ },
  { id: '5.5.4', expect: 'fail', given: 'umask 027 only inside a function (never called)', change: chain(profileD('cis-umask.sh', 'cis_umask() {\n  umask 027\n}\n'), defs('UMASK', '027')),
    reason: /a non-interactive login shell: no start-up file sets a umask on this path/ },
  { id: '5.5.4', expect: 'fail', given: 'umask 027 in a function that is called (it is still not a top-level statement: bash may keep it, the rule wants it unconditional)', change: chain(profileD('cis-umask.sh', 'cis_umask() {\n  umask 027\n}\ncis_umask\n'), defs('UMASK', '027')),
    reason: /an interactive login shell: no start-up file sets a umask on this path/ },
  { id: '5.5.4', expect: 'fail', given: 'umask 027 for root only (inside an if without else)', change: chain(profileD('cis-umask.sh', 'if [ "$(id -u)" -eq 0 ]; then\n  umask 027\nfi\n'), defs('UMASK', '027')),
    reason: /no start-up file sets a umask on this path/ },
  { id: '5.5.4', expect: 'pass', given: 'umask 027 in both branches of an if', change: chain(profileD('cis-umask.sh', 'if [ "$(id -u)" -eq 0 ]; then\n  umask 077\nelse\n  umask 027\nfi\n'), defs('UMASK', '027')),
    reason: /an interactive login shell: 077 \(\/etc\/profile\.d\/cis-umask\.sh:2 umask 077\) or 027 \(\/etc\/profile\.d\/cis-umask\.sh:4 umask 027\)/ },
  { id: '5.5.4', expect: 'fail', given: 'umask 027, then umask 022 in a later profile.d script', change: chain(profileD('a-umask.sh', 'umask 027\n'), profileD('z-umask.sh', 'umask 022\n'), defs('UMASK', '027')),
    reason: /umask 022 \(\/etc\/profile\.d\/z-umask\.sh:1 umask 022\) leaves 0005 open/ },
  { id: '5.5.4', expect: 'pass', given: 'umask 022 overridden by a later umask 027 (the earlier one no longer counts)', change: chain(profileD('a-umask.sh', 'umask 022\n'), profileD('z-umask.sh', 'umask 027\n'), defs('UMASK', '027')) },

  // 5.5.5 TMOUT
  { id: '5.5.5', expect: 'pass', given: 'a profile.d script sets TMOUT=900, read-only and exported', change: profileD('cis-tmout.sh', TMOUT_OK), reason: /an interactive login shell: TMOUT 900 \(\/etc\/profile\.d\/cis-tmout\.sh:1 TMOUT=900\); read-only; exported/ },
  { id: '5.5.5', expect: 'pass', given: 'readonly and export on one line in /etc/bash.bashrc, which /etc/profile sources for interactive shells', change: (l) => l.append('/etc/bash.bashrc', 'readonly TMOUT=600; export TMOUT\n') },
  { id: '5.5.5', expect: 'fail', given: 'the fixture as shipped', change: () => {}, reason: /TMOUT unset \(before the start-up files\)/ },
  { id: '5.5.5', expect: 'fail', given: 'TMOUT=900 read-only but not exported', change: profileD('cis-tmout.sh', 'TMOUT=900\nreadonly TMOUT\n'), reason: /not exported/ },
  // bash refuses TMOUT=1800 once TMOUT is read-only: the shell keeps 900 (the old expectation, fail, read the files as a grep would)
  { id: '5.5.5', expect: 'pass', given: 'a good script, then TMOUT=1800 at the end of /etc/profile, refused by bash (read-only by then)', change: chain(profileD('cis-tmout.sh', TMOUT_OK), (l) => l.append('/etc/profile', 'TMOUT=1800\n')) },
  { id: '5.5.5', expect: 'fail', given: 'TMOUT=900 exported, then TMOUT=0 in a later profile.d script, then readonly', change: chain(profileD('a-tmout.sh', 'TMOUT=900\nexport TMOUT\n'), profileD('z-tmout.sh', 'TMOUT=0\nreadonly TMOUT\n')),
    reason: /TMOUT 0 \(\/etc\/profile\.d\/z-tmout\.sh:1 TMOUT=0\)/ },
  { id: '5.5.5', expect: 'fail', given: 'TMOUT set only inside an if', change: profileD('cis-tmout.sh', 'if [ "$(id -u)" -ne 0 ]; then\n  readonly TMOUT=900\n  export TMOUT\nfi\n'),
    reason: /TMOUT unset \(before the start-up files\); TMOUT is not read-only on every path/ },
  { id: '5.5.5', expect: 'pass', given: 'readonly TMOUT=900; export TMOUT on one line', change: profileD('cis-tmout.sh', 'readonly TMOUT=900; export TMOUT\n') },
  { id: '5.5.5', expect: 'pass', given: 'declare -rx TMOUT=600', change: profileD('cis-tmout.sh', 'declare -rx TMOUT=600\n') },
  { id: '5.5.5', expect: 'pass', given: 'typeset -r with a line continuation, then export', change: profileD('cis-tmout.sh', 'typeset -r TMOUT=\\\n900\nexport TMOUT\n') },
  { id: '5.5.5', expect: 'fail', given: 'a good script that an earlier line of the same file ends with return', change: profileD('cis-tmout.sh', '[ -n "$BASH" ] && return\nTMOUT=900\nreadonly TMOUT\nexport TMOUT\n'),
    reason: /TMOUT unset/ },

  // 5.6 securetty
  { id: '5.6', expect: 'manual', given: 'the fixture as shipped: the terminals are listed for review', change: () => {}, reason: /terminals: console :0[\s\S]*pam_securetty\.so/ },

  // 5.7 su
  { id: '5.7', expect: 'pass', given: 'pam_wheel use_uid group=sugroup, and sugroup has no members', change: chain(
    replaceLine('/etc/pam.d/su', /^(auth\s+sufficient pam_rootok\.so)$/m, '$1\nauth required pam_wheel.so use_uid group=sugroup'),
    (l) => l.append('/etc/group', 'sugroup:x:1001:\n'),
  ), reason: /sugroup \(gid 1001\) members: none/ },
  { id: '5.7', expect: 'fail', given: 'the fixture as shipped: the pam_wheel line is commented out', change: () => {}, reason: /do not call pam_wheel\.so/ },
  { id: '5.7', expect: 'pass', given: 'the pam_wheel rule continued over two lines, a comment line between them', change: chain(
    replaceLine('/etc/pam.d/su', /^(auth\s+sufficient pam_rootok\.so)$/m, '$1\nauth required \\\n# only sugroup\n  pam_wheel.so use_uid group=sugroup'),
    (l) => l.append('/etc/group', 'sugroup:x:1001:\n'),
  ) },
  { id: '5.7', expect: 'fail', given: 'pam_wheel after a rule that always ends the stack (sufficient pam_permit)', change: chain(
    replaceLine('/etc/pam.d/su', /^(auth\s+sufficient pam_rootok\.so)$/m, '$1\nauth sufficient pam_permit.so\nauth required pam_wheel.so use_uid group=sugroup'),
    (l) => l.append('/etc/group', 'sugroup:x:1001:\n'),
  ), reason: /su:8 never runs\) do not call pam_wheel\.so/ },
  { id: '5.7', expect: 'fail', given: 'the group has a member', change: chain(
    replaceLine('/etc/pam.d/su', /^(auth\s+sufficient pam_rootok\.so)$/m, '$1\nauth required pam_wheel.so use_uid group=sugroup'),
    (l) => l.append('/etc/group', 'sugroup:x:1001:alice\n'),
  ), reason: /sugroup has member\(s\): alice/ },
  { id: '5.7', expect: 'fail', given: 'pam_wheel without group= (the root group is used)', change: replaceLine('/etc/pam.d/su', /^(auth\s+sufficient pam_rootok\.so)$/m, '$1\nauth required pam_wheel.so use_uid'),
    reason: /names no group/ },
];

rootfsItemCases(UBUNTU, SCOPE, cases);

describe(`${UBUNTU} 5.1.1 on a running container`, () => {
  const cronItem = async (setup?: string) => withContainer(IMAGES.ubuntuStock, setup, async (c) => {
    const { report } = await audit({ target: c.uri, benchmark: UBUNTU, only: ['5.1.1'] });
    return report.items.find((i) => i.id === '5.1.1')!;
  });

  it('passes when cron.service is enabled and the cron daemon runs', async () => {
    const item = await cronItem('cron');
    expect(item.status, item.reason).toBe('pass');
    expect(item.evidence.map((e) => e.excerpt).join('\n')).toMatch(/pid \d+ cron/);
  });

  it('fails when the daemon is not running', async () => {
    const item = await cronItem();
    expect(item.status).toBe('fail');
    expect(item.reason).toBe('no process named cron is running');
  });
});

describe(`${UBUNTU} 5.4 on a running container: the stack and pwquality's files as the modules read them`, () => {
  it('fails 5.4.4 on "sha512 md5" (the last option wins) and passes 5.4.1 on settings in pwquality.conf.d', async () => {
    const setup = [
      "sed -i 's/try_first_pass sha512/try_first_pass sha512 md5/' /etc/pam.d/common-password",
      'mkdir -p /etc/security/pwquality.conf.d',
      "printf 'minlen = 14\\nminclass = 4\\n' > /etc/security/pwquality.conf.d/50-cis.conf",
    ].join(' && ');
    const report = await withContainer(IMAGES.ubuntuStock, setup, async (c) => (await audit({ target: c.uri, benchmark: UBUNTU, only: ['5.4.1', '5.4.4'] })).report);
    const item = (id: string) => report.items.find((i) => i.id === id)!;
    expect(item('5.4.4').status).toBe('fail');
    expect(item('5.4.4').reason).toMatch(/common-password:26 hashes with md5: md5 \(the last hashing option; sha512 before it do not count\)/);
    expect(item('5.4.1').status, item('5.4.1').reason).toBe('pass');
    expect(item('5.4.1').evidence.map((e) => e.excerpt).join('\n')).toMatch(/minlen = 14 at \/etc\/security\/pwquality\.conf\.d\/50-cis\.conf:1/);
  });
});

describe(`${UBUNTU} chapter 5 after the hardened image's 50-access-authentication.sh`, () => {
  it('passes every automated item once cron is started; 5.6 stays a review', async () => {
    const script = readFileSync(path.join(repoRoot, 'containers/ubuntu-18.04-hardened/harden.d/50-access-authentication.sh'), 'utf8');
    const report = await withContainer(IMAGES.ubuntuStock, `sh -e -c ${shellQuote(script)} && cron`, async (c) =>
      (await audit({ target: c.uri, benchmark: UBUNTU, only: SCOPE })).report);
    const statuses = report.items.filter((i) => SCOPE.some((s) => i.id.startsWith(`${s}.`) || i.id === s)).map((i) => `${i.id} ${i.status}`);
    const expected = statuses.map((s) => (s.startsWith('5.6 ') ? '5.6 manual' : s.replace(/ .*$/, ' pass')));
    expect(statuses).toEqual(expected);
    expect(statuses).toHaveLength(27);
  });
});


describe(`${'cis-ubuntu-18.04-v2.1.0'} 5.5.4 and 5.5.5 on a running container: the start-up files as bash runs them`, () => {
  const itemsAfter = (setup: string) => withContainer(IMAGES.ubuntuStock, setup, async (c) => {
    const { report } = await audit({ target: c.uri, benchmark: 'cis-ubuntu-18.04-v2.1.0', only: ['5.5.4', '5.5.5'] });
    return (id: string) => report.items.find((i) => i.id === id)!;
  });

  it('TMOUT inside an if fails; a umask overridden by a later, looser one fails', async () => {
    const item = await itemsAfter([
      `printf 'if [ "$(id -u)" -ne 0 ]; then\\n  readonly TMOUT=900\\n  export TMOUT\\nfi\\n' > /etc/profile.d/a-tmout.sh`,
      `printf 'umask 027\\n' > /etc/profile.d/a-umask.sh; printf 'umask 022\\n' > /etc/profile.d/z-umask.sh`,
      `sed -i 's/^UMASK.*/UMASK 027/; s/^USERGROUPS_ENAB.*/USERGROUPS_ENAB no/' /etc/login.defs`,
    ].join('; '));
    expect(item('5.5.5').status).toBe('fail');
    expect(item('5.5.5').reason).toMatch(/TMOUT unset \(before the start-up files\)/);
    expect(item('5.5.4').status).toBe('fail');
    expect(item('5.5.4').reason).toMatch(/umask 022 \(\/etc\/profile\.d\/z-umask\.sh:1 umask 022\)/);
  });

  it('readonly TMOUT=600 with export, and umask 027 last, pass', async () => {
    const item = await itemsAfter([
      `printf 'readonly TMOUT=600; export TMOUT\\n' > /etc/profile.d/a-tmout.sh`,
      `printf 'umask 022\\n' > /etc/profile.d/a-umask.sh; printf 'umask 027\\n' > /etc/profile.d/z-umask.sh`,
      `sed -i 's/^UMASK.*/UMASK 027/' /etc/login.defs`,
    ].join('; '));
    expect(item('5.5.5').status, item('5.5.5').reason).toBe('pass');
    expect(item('5.5.4').status, item('5.5.4').reason).toBe('pass');
  });
});

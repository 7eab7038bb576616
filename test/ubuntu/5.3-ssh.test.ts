/**
 * 5.3 SSH Server on the real Ubuntu 18.04 root filesystem. On the stock fixture 5.3.5, 5.3.8, 5.3.9,
 * 5.3.11, 5.3.12, 5.3.13, 5.3.19 and 5.3.22 pass, 5.3.2 and 5.3.3 do not apply (no host keys yet), the rest
 * fail. Each case changes one keyword (sshd_config lines are added at the end, where no Match block is
 * open) or one file; host keys are placeholders, never real key material.
 */
import type { Layer } from '../support/fixtures.js';
import { rootfsItemCases, type ItemCase } from '../support/cases.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const CONFIG = '/etc/ssh/sshd_config';
const KEY = '/etc/ssh/ssh_host_ed25519_key';
const PLACEHOLDER = 'placeholder, not a key\n';

const append = (lines: string) => (l: Layer) => l.append(CONFIG, `\n${lines}\n`);
const replace = (from: RegExp, to: string) => (l: Layer) => l.edit(CONFIG, (t) => {
  if (!from.test(t)) throw new Error(`${CONFIG} has no line matching ${from}`);
  return t.replace(from, to);
});
/** A wheel group (gid 1500) with the given members; `primary` also gets an account whose primary group is wheel. */
const wheel = (members: string, primary?: string) => (l: Layer) => {
  l.append('/etc/group', `wheel:x:1500:${members}\n`);
  for (const [i, name] of members.split(',').filter(Boolean).entries()) l.append('/etc/passwd', `${name}:x:${1600 + i}:${1600 + i}::/home/${name}:/bin/bash\n`);
  if (primary) l.append('/etc/passwd', `${primary}:x:1700:1500::/home/${primary}:/bin/bash\n`);
};
const prepend = (lines: string) => (l: Layer) => l.edit(CONFIG, (t) => `${lines}\n${t}`);

/** Items that read the daemon configuration (all but the three file-permission items). */
const CONFIG_ITEMS = Array.from({ length: 19 }, (_, i) => `5.3.${i + 4}`);
/** On the stock fixture the host key items do not apply, so they never change status with the package. */
const others = (id: string, ids: string[], status: string) => Object.fromEntries(ids.filter((i) => i !== id).map((i) => [i, status]));

const cases: ItemCase[] = [
  // the section as a whole
  {
    id: '5.3.10', expect: 'not-applicable', given: 'openssh-server is removed (its configuration files stay)',
    change: (l) => l.edit('/var/lib/dpkg/status', (t) => t.replace(/(Package: openssh-server\nStatus: )install ok installed/, '$1deinstall ok config-files')),
    alsoChanges: others('5.3.10', ['5.3.1', ...CONFIG_ITEMS], 'not-applicable'), reason: /openssh-server is not installed/,
  },
  {
    id: '5.3.10', expect: 'error', given: 'a one-word keyword has a second word, which sshd refuses',
    change: append('PermitRootLogin no please'), alsoChanges: others('5.3.10', CONFIG_ITEMS, 'error'), reason: /garbage at end of line/,
  },

  // 5.3.1 sshd_config permissions
  { id: '5.3.1', expect: 'pass', given: 'sshd_config is 0600 root:root', change: (l) => l.chmod(CONFIG, 0o600) },
  { id: '5.3.1', expect: 'fail', given: 'sshd_config is group-readable (0640)', change: (l) => l.chmod(CONFIG, 0o640), reason: /more permissive than 0600/ },
  { id: '5.3.1', expect: 'fail', given: 'sshd_config is 0600 but owned by uid 1000', change: (l) => { l.chmod(CONFIG, 0o600); l.chown(CONFIG, 1000, 0); }, reason: /owned by/ },

  // 5.3.2 private host keys
  { id: '5.3.2', expect: 'pass', given: 'a private host key is 0600 root:root', change: (l) => l.write(KEY, PLACEHOLDER, 0o600) },
  { id: '5.3.2', expect: 'fail', given: 'a private host key is group-readable', change: (l) => l.write(KEY, PLACEHOLDER, 0o640), reason: /ssh_host_ed25519_key has mode 0640/ },
  { id: '5.3.2', expect: 'fail', given: 'one of two private host keys belongs to a normal user', change: (l) => { l.write(KEY, PLACEHOLDER, 0o600); l.write('/etc/ssh/ssh_host_rsa_key', PLACEHOLDER, 0o600, 1000, 1000); }, reason: /ssh_host_rsa_key is owned by/ },

  // 5.3.3 public host keys
  { id: '5.3.3', expect: 'pass', given: 'a public host key is 0644 root:root', change: (l) => l.write(`${KEY}.pub`, PLACEHOLDER, 0o644) },
  { id: '5.3.3', expect: 'fail', given: 'a public host key is world-writable', change: (l) => l.write(`${KEY}.pub`, PLACEHOLDER, 0o666), reason: /more permissive than 0644/ },

  // 5.3.4 access limited
  { id: '5.3.4', expect: 'pass', given: 'AllowGroups sshusers', change: append('AllowGroups sshusers'), reason: /sshd_config:\d+: AllowGroups sshusers/ },
  { id: '5.3.4', expect: 'pass', given: 'DenyUsers guest', change: append('DenyUsers guest') },
  { id: '5.3.4', expect: 'fail', given: 'AllowUsers only inside a Match block', change: append('Match Address 10.0.0.0/8\n  AllowUsers admin'), reason: /Match block at .*sshd_config:\d+ \(Match Address 10.0.0.0\/8\)/ },

  // 5.3.5 LogLevel
  { id: '5.3.5', expect: 'pass', given: 'LogLevel VERBOSE', change: append('LogLevel VERBOSE') },
  { id: '5.3.5', expect: 'pass', given: 'LogLevel not set: the default INFO', change: () => {}, reason: /default of OpenSSH 7.6: loglevel INFO/ },
  { id: '5.3.5', expect: 'fail', given: 'LogLevel DEBUG3', change: append('LogLevel DEBUG3') },

  // 5.3.6 X11Forwarding
  { id: '5.3.6', expect: 'pass', given: 'the shipped X11Forwarding yes changed to no', change: replace(/^X11Forwarding yes$/m, 'X11Forwarding no') },
  { id: '5.3.6', expect: 'fail', given: 'X11Forwarding no added after the shipped yes (the first value wins)', change: append('X11Forwarding no'), reason: /first value wins; line \d+ says no/ },

  // 5.3.7 MaxAuthTries
  { id: '5.3.7', expect: 'pass', given: 'MaxAuthTries 4', change: append('MaxAuthTries 4') },
  { id: '5.3.7', expect: 'fail', given: 'MaxAuthTries 5', change: append('MaxAuthTries 5') },
  // sshd 7.6 reads numbers with atoi: "four" is 0 (sshd -T prints maxauthtries 0), which is at most 4
  { id: '5.3.7', expect: 'pass', given: 'MaxAuthTries four, which sshd 7.6 reads as 0', change: append('MaxAuthTries four'), reason: /MaxAuthTries four \(that is 0\)/ },
  { id: '5.3.7', expect: 'fail', given: 'MaxAuthTries 4 globally, 10 in a Match User alice block', change: append('MaxAuthTries 4\nMatch User alice\n  MaxAuthTries 10'),
    reason: /MaxAuthTries is 10; it must be at most 4 for user alice \(Match User alice at .*sshd_config:\d+\)/ },

  // 5.3.8 IgnoreRhosts
  { id: '5.3.8', expect: 'pass', given: 'IgnoreRhosts yes', change: append('IgnoreRhosts yes') },
  { id: '5.3.8', expect: 'fail', given: 'IgnoreRhosts no', change: append('IgnoreRhosts no') },

  // 5.3.9 HostbasedAuthentication
  { id: '5.3.9', expect: 'pass', given: 'HostbasedAuthentication no', change: append('HostbasedAuthentication no') },
  { id: '5.3.9', expect: 'fail', given: 'HostbasedAuthentication yes', change: append('HostbasedAuthentication yes') },

  // 5.3.10 PermitRootLogin
  { id: '5.3.10', expect: 'pass', given: 'PermitRootLogin no', change: append('PermitRootLogin no') },
  { id: '5.3.10', expect: 'pass', given: 'PERMITROOTLOGIN=NO (keyword and value in any case, with =)', change: append('PERMITROOTLOGIN=NO') },
  { id: '5.3.10', expect: 'fail', given: 'PermitRootLogin not set: the default prohibit-password', change: () => {}, reason: /default of OpenSSH 7.6: permitrootlogin prohibit-password/ },
  { id: '5.3.10', expect: 'fail', given: 'PermitRootLogin yes first, no later', change: (l) => { prepend('PermitRootLogin yes')(l); append('PermitRootLogin no')(l); }, reason: /sshd_config:1: PermitRootLogin yes; first value wins/ },

  // 5.3.10 with Match blocks: decided for root connections, with every block that matches root
  { id: '5.3.10', expect: 'fail', given: 'PermitRootLogin no, but a Match User root block allows it again', change: append('PermitRootLogin no\nMatch User root\n  PermitRootLogin yes'),
    reason: /PermitRootLogin is yes; it must be no[\s\S]*set by the Match block at .*sshd_config:\d+ \(Match User root\)/ },
  { id: '5.3.10', expect: 'pass', given: 'permitrootlogin=yes globally, but match user root / permitrootlogin=NO (case and = forms)', change: append('permitrootlogin=yes\nmatch user root\n  permitrootlogin=NO') },
  { id: '5.3.10', expect: 'pass', given: 'a Match User alice block allows root login: it never applies to root', change: append('PermitRootLogin no\nMatch User alice\n  PermitRootLogin yes'),
    reason: /Match User alice\) sets PermitRootLogin yes at line \d+ for the connections it matches; not this one/ },
  { id: '5.3.10', expect: 'fail', given: 'a Match Address 10.0.0.0/8 block allows root login from that network', change: append('PermitRootLogin no\nMatch Address 10.0.0.0/8\n  PermitRootLogin yes'),
    reason: /PermitRootLogin is yes; it must be no for root from 10\.0\.0\.0 \(Match Address 10\.0\.0\.0\/8 at/ },
  { id: '5.3.10', expect: 'fail', given: 'a Match Host block allows root login: host names come from DNS, not decidable from the files', change: append('PermitRootLogin no\nMatch Host *.example.com\n  PermitRootLogin yes'),
    reason: /for root from 203\.0\.113\.10 named x\.example\.com[\s\S]*cannot be decided from the files/ },
  { id: '5.3.10', expect: 'pass', given: 'PermitRootLogin yes, then a Match all block with no (Match all applies to every connection)', change: append('PermitRootLogin yes\nMatch all\n  PermitRootLogin no') },
  { id: '5.3.10', expect: 'fail', given: 'Match User root first allows it, a later Match all says no (first value wins among the blocks)', change: append('PermitRootLogin no\nMatch User root\n  PermitRootLogin yes\nMatch all\n  PermitRootLogin no') },
  { id: '5.3.10', expect: 'fail', given: 'Match User !root never matches (a negation alone matches nobody) while root is allowed globally', change: append('PermitRootLogin yes\nMatch User !root\n  PermitRootLogin no') },

  // files sshd 7.6 refuses: it would not start, so nothing is decided
  { id: '5.3.10', expect: 'error', given: 'Ciphers inside a Match block, which sshd 7.6 refuses', change: append('PermitRootLogin no\nMatch User alice\n  Ciphers aes128-ctr'),
    alsoChanges: others('5.3.10', CONFIG_ITEMS, 'error'), reason: /Ciphers is not allowed within a Match block/ },
  { id: '5.3.10', expect: 'error', given: 'an Include line, which OpenSSH 7.6 does not know', change: prepend('Include /etc/ssh/sshd_config.d/*.conf'),
    alsoChanges: others('5.3.10', CONFIG_ITEMS, 'error'), reason: /Include is not known to OpenSSH 7\.6/ },
  { id: '5.3.10', expect: 'error', given: 'X11Forwarding YES (yes/no values are case-sensitive in sshd 7.6)', change: append('X11Forwarding YES'),
    alsoChanges: others('5.3.10', CONFIG_ITEMS, 'error'), reason: /only "yes" or "no", in lower case/ },

  // 5.3.11 PermitEmptyPasswords
  { id: '5.3.11', expect: 'pass', given: 'PermitEmptyPasswords no', change: append('PermitEmptyPasswords no') },
  { id: '5.3.11', expect: 'fail', given: 'PermitEmptyPasswords yes', change: append('PermitEmptyPasswords yes') },
  { id: '5.3.11', expect: 'fail', given: 'a Match Group wheel block allows empty passwords, and bob is in wheel', change: (l) => { wheel('bob')(l); append('PermitEmptyPasswords no\nMatch Group wheel\n  PermitEmptyPasswords yes')(l); },
    reason: /PermitEmptyPasswords is yes; it must be no for bob, a member of group wheel/ },
  { id: '5.3.11', expect: 'fail', given: 'a Match Group wheel block allows empty passwords, and carol has wheel as primary group', change: (l) => { wheel('', 'carol')(l); append('Match Group wheel\n  PermitEmptyPasswords yes')(l); },
    reason: /for carol, a member of group wheel/ },
  { id: '5.3.11', expect: 'pass', given: 'a Match Group wheel block allows empty passwords, but nobody is in wheel', change: (l) => { wheel('')(l); append('Match Group wheel\n  PermitEmptyPasswords yes')(l); },
    reason: /group wheel has no members/ },

  // 5.3.12 PermitUserEnvironment
  { id: '5.3.12', expect: 'pass', given: 'PermitUserEnvironment no', change: append('PermitUserEnvironment no') },
  { id: '5.3.12', expect: 'fail', given: 'PermitUserEnvironment yes', change: append('PermitUserEnvironment yes') },

  // 5.3.13 Ciphers
  { id: '5.3.13', expect: 'pass', given: 'only GCM and CTR ciphers', change: append('Ciphers aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr') },
  { id: '5.3.13', expect: 'fail', given: 'aes256-cbc among the ciphers', change: append('Ciphers aes256-ctr,aes256-cbc'), reason: /includes aes256-cbc/ },
  { id: '5.3.13', expect: 'fail', given: '3des-cbc appended to the defaults with +', change: append('Ciphers +3des-cbc'), reason: /Ciphers \+3des-cbc \(that is .*3des-cbc\)/ },

  // 5.3.14 MACs
  { id: '5.3.14', expect: 'pass', given: 'only SHA-2 MACs', change: append('MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256') },
  { id: '5.3.14', expect: 'pass', given: 'SHA-1 and UMAC removed from the defaults with -', change: append('MACs -hmac-sha1*,umac-*') },
  { id: '5.3.14', expect: 'fail', given: 'hmac-md5 among the MACs', change: append('MACs hmac-sha2-256,hmac-md5'), reason: /includes hmac-md5$/m },

  // 5.3.15 KexAlgorithms
  { id: '5.3.15', expect: 'pass', given: 'diffie-hellman-group14-sha1 removed from the defaults', change: append('KexAlgorithms -diffie-hellman-group14-sha1') },
  { id: '5.3.15', expect: 'fail', given: 'diffie-hellman-group1-sha1 among the key exchanges', change: append('KexAlgorithms curve25519-sha256,diffie-hellman-group1-sha1') },

  // 5.3.16 idle timeout
  { id: '5.3.16', expect: 'pass', given: 'ClientAliveInterval 300, ClientAliveCountMax left at 3', change: append('ClientAliveInterval 300') },
  { id: '5.3.16', expect: 'pass', given: 'ClientAliveInterval 5m and ClientAliveCountMax 1', change: append('ClientAliveInterval 5m\nClientAliveCountMax 1') },
  { id: '5.3.16', expect: 'fail', given: 'ClientAliveInterval 301', change: append('ClientAliveInterval 301') },
  { id: '5.3.16', expect: 'fail', given: 'ClientAliveCountMax 4', change: append('ClientAliveInterval 300\nClientAliveCountMax 4'), reason: /ClientAliveCountMax is 4/ },
  { id: '5.3.16', expect: 'fail', given: 'ClientAliveCountMax 0', change: append('ClientAliveInterval 300\nClientAliveCountMax 0') },

  // 5.3.17 LoginGraceTime
  { id: '5.3.17', expect: 'pass', given: 'LoginGraceTime 60', change: append('LoginGraceTime 60') },
  { id: '5.3.17', expect: 'pass', given: 'LoginGraceTime 1m', change: append('LoginGraceTime 1m') },
  { id: '5.3.17', expect: 'fail', given: 'LoginGraceTime 61', change: append('LoginGraceTime 61') },
  { id: '5.3.17', expect: 'fail', given: 'LoginGraceTime 0 (no limit)', change: append('LoginGraceTime 0') },
  { id: '5.3.17', expect: 'fail', given: 'LoginGraceTime 1m30s (1860 seconds in OpenSSH 7.6)', change: append('LoginGraceTime 1m30s'), reason: /1m30s \(1860 seconds\)/ },

  // 5.3.18 Banner
  { id: '5.3.18', expect: 'pass', given: 'Banner /etc/issue.net', change: append('Banner /etc/issue.net') },
  { id: '5.3.18', expect: 'fail', given: 'Banner none written out', change: append('Banner NONE') },

  // 5.3.19 UsePAM
  { id: '5.3.19', expect: 'pass', given: 'UsePAM no added after the shipped yes (the first value wins)', change: append('UsePAM no') },
  { id: '5.3.19', expect: 'fail', given: 'the shipped UsePAM yes changed to no', change: replace(/^UsePAM yes$/m, 'UsePAM no') },
  { id: '5.3.19', expect: 'fail', given: 'the shipped UsePAM line removed: the default no', change: replace(/^UsePAM yes$/m, '#UsePAM yes'), reason: /default of OpenSSH 7.6: usepam no/ },

  // 5.3.20 AllowTcpForwarding
  { id: '5.3.20', expect: 'pass', given: 'AllowTcpForwarding no', change: append('AllowTcpForwarding no') },
  { id: '5.3.20', expect: 'fail', given: 'AllowTcpForwarding local', change: append('AllowTcpForwarding local') },

  // 5.3.21 MaxStartups
  { id: '5.3.21', expect: 'pass', given: 'MaxStartups 10:30:60', change: append('MaxStartups 10:30:60') },
  { id: '5.3.21', expect: 'pass', given: 'MaxStartups 8 (8:30:8)', change: append('MaxStartups 8') },
  { id: '5.3.21', expect: 'fail', given: 'MaxStartups 20:30:60', change: append('MaxStartups 20:30:60'), reason: /after 20 unauthenticated connections/ },
  { id: '5.3.21', expect: 'fail', given: 'MaxStartups 10:30:60 then 10:30:100 (sshd 7.6 uses the last line)', change: append('MaxStartups 10:30:60\nMaxStartups 10:30:100'), reason: /uses the last MaxStartups line/ },

  // 5.3.22 MaxSessions
  { id: '5.3.22', expect: 'pass', given: 'MaxSessions 4', change: append('MaxSessions 4') },
  { id: '5.3.22', expect: 'fail', given: 'MaxSessions 11', change: append('MaxSessions 11') },
];

rootfsItemCases(UBUNTU, ['5.3'], cases);

/**
 * What the installed OpenSSH release knows before it reads a file: its compiled-in defaults, the keywords
 * it accepts, and the algorithm names it accepts. Data, not logic: the parser (sshd-parse.ts) and the
 * evaluator (sshd-effective.ts) apply it. The 7.6 tables were taken from the fixture's own sshd 7.6p1
 * (`sshd -T` with an empty file, a keyword probe, `ssh -Q cipher|mac|kex`); the 7.4 tables are Red Hat's
 * build as CentOS 7 and Alibaba Cloud Linux 2 ship it.
 */

/** What `sshd -T` prints with an empty sshd_config on Ubuntu 18.04 (openssh-server 1:7.6p1-4). */
export const OPENSSH_76_DEFAULTS: Readonly<Record<string, string>> = {
  port: '22',
  addressfamily: 'any',
  usepam: 'no',
  logingracetime: '120',
  x11displayoffset: '10',
  maxauthtries: '6',
  maxsessions: '10',
  clientaliveinterval: '0',
  clientalivecountmax: '3',
  streamlocalbindmask: '0177',
  permitrootlogin: 'prohibit-password',
  ignorerhosts: 'yes',
  ignoreuserknownhosts: 'no',
  hostbasedauthentication: 'no',
  hostbasedusesnamefrompacketonly: 'no',
  pubkeyauthentication: 'yes',
  kerberosauthentication: 'no',
  kerberosorlocalpasswd: 'yes',
  kerberosticketcleanup: 'yes',
  gssapiauthentication: 'no',
  gssapikeyexchange: 'no',
  gssapicleanupcredentials: 'yes',
  gssapistrictacceptorcheck: 'yes',
  gssapistorecredentialsonrekey: 'no',
  passwordauthentication: 'yes',
  kbdinteractiveauthentication: 'yes',
  challengeresponseauthentication: 'yes',
  printmotd: 'yes',
  printlastlog: 'yes',
  x11forwarding: 'no',
  x11uselocalhost: 'yes',
  permittty: 'yes',
  permituserrc: 'yes',
  strictmodes: 'yes',
  tcpkeepalive: 'yes',
  permitemptypasswords: 'no',
  permituserenvironment: 'no',
  compression: 'yes',
  gatewayports: 'no',
  usedns: 'no',
  allowtcpforwarding: 'yes',
  allowagentforwarding: 'yes',
  disableforwarding: 'no',
  allowstreamlocalforwarding: 'yes',
  streamlocalbindunlink: 'no',
  fingerprinthash: 'SHA256',
  exposeauthinfo: 'no',
  pidfile: '/run/sshd.pid',
  xauthlocation: '/usr/bin/xauth',
  ciphers: 'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com',
  macs: 'umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,'
    + 'hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1',
  kexalgorithms: 'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,'
    + 'diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,'
    + 'diffie-hellman-group14-sha256,diffie-hellman-group14-sha1',
  hostbasedacceptedkeytypes: KEY_TYPES(),
  hostkeyalgorithms: KEY_TYPES(),
  pubkeyacceptedkeytypes: KEY_TYPES(),
  banner: 'none',
  forcecommand: 'none',
  chrootdirectory: 'none',
  trustedusercakeys: 'none',
  revokedkeys: 'none',
  authorizedprincipalsfile: 'none',
  versionaddendum: 'none',
  authorizedkeyscommand: 'none',
  authorizedkeyscommanduser: 'none',
  authorizedprincipalscommand: 'none',
  authorizedprincipalscommanduser: 'none',
  hostkeyagent: 'none',
  loglevel: 'INFO',
  syslogfacility: 'AUTH',
  authorizedkeysfile: '.ssh/authorized_keys .ssh/authorized_keys2',
  hostkey: '/etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ed25519_key',
  authenticationmethods: 'any',
  maxstartups: '10:30:100',
  permittunnel: 'no',
  ipqos: 'lowdelay throughput',
  rekeylimit: '0 0',
  permitopen: 'any',
};

/**
 * The compiled-in defaults of OpenSSH 7.4p1 as Red Hat builds it (CentOS 7, Alibaba Cloud Linux 2:
 * openssh-server 7.4p1-*.el7 / .al7), where they differ from 7.6's or 7.4 has a keyword 7.6 dropped:
 * - Protocol is still a keyword and defaults to 2 (only protocol 2 is served; 7.6 ignores the keyword);
 * - Red Hat's build keeps PermitRootLogin yes and UseDNS yes, and for compatibility still offers the CBC
 *   ciphers and the SHA-1 key exchanges diffie-hellman-group1-sha1 and diffie-hellman-group-exchange-sha1;
 * - UseLogin, UsePrivilegeSeparation and ShowPatchLevel (a Red Hat addition) still exist, ExposeAuthInfo
 *   does not (7.6), the PID file is under /var/run and compression is "delayed".
 * The commented-out lines of the sshd_config Red Hat ships name the same defaults.
 */
export const OPENSSH_74_DEFAULTS: Readonly<Record<string, string>> = (() => {
  const { exposeauthinfo: _dropped, ...rest } = OPENSSH_76_DEFAULTS;
  return {
    ...rest,
    protocol: '2',
    permitrootlogin: 'yes',
    usedns: 'yes',
    compression: 'delayed',
    pidfile: '/var/run/sshd.pid',
    xauthlocation: '/usr/bin/xauth',
    uselogin: 'no',
    useprivilegeseparation: 'sandbox',
    showpatchlevel: 'no',
    kerberosusekuserok: 'yes',
    gssapienablek5users: 'no',
    hostkey: '/etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ed25519_key',
    ciphers: 'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,'
      + 'aes128-cbc,aes192-cbc,aes256-cbc,blowfish-cbc,cast128-cbc,3des-cbc',
    kexalgorithms: 'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,'
      + 'diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,'
      + 'diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,diffie-hellman-group1-sha1',
  };
})();

/** Every keyword sshd 7.6p1 (Ubuntu 18.04) accepts, deprecated ones included (probed on the fixture's sshd). */
export const OPENSSH_76_KEYWORDS: ReadonlySet<string> = new Set([
  'acceptenv', 'addressfamily', 'afstokenpassing', 'allowagentforwarding', 'allowgroups', 'allowstreamlocalforwarding', 'allowtcpforwarding', 'allowusers',
  'authenticationmethods', 'authorizedkeyscommand', 'authorizedkeyscommanduser', 'authorizedkeysfile', 'authorizedkeysfile2', 'authorizedprincipalscommand', 'authorizedprincipalscommanduser', 'authorizedprincipalsfile',
  'banner', 'challengeresponseauthentication', 'checkmail', 'chrootdirectory', 'ciphers', 'clientalivecountmax', 'clientaliveinterval', 'compression',
  'debianbanner', 'denygroups', 'denyusers', 'disableforwarding', 'dsaauthentication', 'exposeauthinfo', 'fingerprinthash', 'forcecommand',
  'gatewayports', 'gssapiauthentication', 'gssapicleanupcredentials', 'gssapicleanupcreds', 'gssapikeyexchange', 'gssapistorecredentialsonrekey', 'gssapistrictacceptorcheck', 'gssapiusesessioncredcache',
  'gssusesessionccache', 'hostbasedacceptedkeytypes', 'hostbasedauthentication', 'hostbasedusesnamefrompacketonly', 'hostcertificate', 'hostdsakey', 'hostkey', 'hostkeyagent',
  'hostkeyalgorithms', 'ignorerhosts', 'ignoreuserknownhosts', 'ipqos', 'kbdinteractiveauthentication', 'kerberosauthentication', 'kerberosgetafstoken',
  'kerberosorlocalpasswd', 'kerberostgtpassing', 'kerberosticketcleanup', 'kexalgorithms', 'keyregenerationinterval', 'listenaddress', 'logingracetime', 'loglevel',
  'macs', 'match', 'maxauthtries', 'maxsessions', 'maxstartups', 'pamauthenticationviakbdint', 'passwordauthentication', 'permitblacklistedkeys',
  'permitemptypasswords', 'permitopen', 'permitrootlogin', 'permittty', 'permittunnel', 'permituserenvironment', 'permituserrc', 'pidfile',
  'port', 'printlastlog', 'printmotd', 'protocol', 'pubkeyacceptedkeytypes', 'pubkeyauthentication', 'rekeylimit', 'reversemappingcheck',
  'revokedkeys', 'rhostsauthentication', 'rhostsrsaauthentication', 'rsaauthentication', 'serverkeybits', 'skeyauthentication', 'streamlocalbindmask', 'streamlocalbindunlink',
  'strictmodes', 'subsystem', 'syslogfacility', 'tcpkeepalive', 'trustedusercakeys', 'usedns', 'uselogin', 'usepam',
  'useprivilegeseparation', 'verifyreversemapping', 'versionaddendum', 'x11displayoffset', 'x11forwarding', 'x11uselocalhost', 'xauthlocation',
]);
/** Red Hat's 7.4p1 knows a few keywords of its own on top (GSSAPI key exchange, k5users, patch level). */
export const OPENSSH_74_KEYWORDS: ReadonlySet<string> = new Set([...OPENSSH_76_KEYWORDS, 'gssapienablek5users', 'gssapikexalgorithms',
  'kerberosusekuserok', 'showpatchlevel', 'uselogin', 'useprivilegeseparation']);

/** Algorithm names sshd 7.6p1 accepts (`ssh -Q cipher`, `ssh -Q mac`, `ssh -Q kex` on the fixture). */
export const OPENSSH_76_ALGORITHMS: Readonly<Record<string, ReadonlySet<string>>> = {
  ciphers: new Set(['3des-cbc', 'aes128-cbc', 'aes192-cbc', 'aes256-cbc', 'rijndael-cbc@lysator.liu.se', 'aes128-ctr', 'aes192-ctr',
    'aes256-ctr', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com']),
  macs: new Set(['hmac-sha1', 'hmac-sha1-96', 'hmac-sha2-256', 'hmac-sha2-512', 'hmac-md5', 'hmac-md5-96', 'umac-64@openssh.com',
    'umac-128@openssh.com', 'hmac-sha1-etm@openssh.com', 'hmac-sha1-96-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com',
    'hmac-sha2-512-etm@openssh.com', 'hmac-md5-etm@openssh.com', 'hmac-md5-96-etm@openssh.com', 'umac-64-etm@openssh.com',
    'umac-128-etm@openssh.com']),
  kexalgorithms: new Set(['diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group14-sha256',
    'diffie-hellman-group16-sha512', 'diffie-hellman-group18-sha512', 'diffie-hellman-group-exchange-sha1',
    'diffie-hellman-group-exchange-sha256', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521', 'curve25519-sha256',
    'curve25519-sha256@libssh.org']),
};
/** 7.4 still builds the RC4, Blowfish, CAST and RIPEMD-160 algorithms that 7.6 dropped. */
export const OPENSSH_74_ALGORITHMS: Readonly<Record<string, ReadonlySet<string>>> = {
  ciphers: new Set([...OPENSSH_76_ALGORITHMS.ciphers, 'arcfour', 'arcfour128', 'arcfour256', 'blowfish-cbc', 'cast128-cbc']),
  macs: new Set([...OPENSSH_76_ALGORITHMS.macs, 'hmac-ripemd160', 'hmac-ripemd160@openssh.com', 'hmac-ripemd160-etm@openssh.com']),
  kexalgorithms: OPENSSH_76_ALGORITHMS.kexalgorithms,
};

/** The defaults of one OpenSSH release, and how that release reads a few things. */
export interface OpensshRelease {
  /** "7.4", "7.6" */
  release: string;
  defaults: Readonly<Record<string, string>>;
  /** every keyword the release accepts; any other makes sshd refuse the file */
  keywords: ReadonlySet<string>;
  /** the algorithm names the release accepts, per list keyword */
  algorithms: Readonly<Record<string, ReadonlySet<string>>>;
  /** whether an algorithm list may start with "-" (7.5 and later) */
  minusLists: boolean;
  /** how the release was chosen, for the evidence */
  chosen: string;
}

const RELEASES: Array<Omit<OpensshRelease, 'chosen'>> = [
  { release: '7.4', defaults: OPENSSH_74_DEFAULTS, keywords: OPENSSH_74_KEYWORDS, algorithms: OPENSSH_74_ALGORITHMS, minusLists: false },
  { release: '7.6', defaults: OPENSSH_76_DEFAULTS, keywords: OPENSSH_76_KEYWORDS, algorithms: OPENSSH_76_ALGORITHMS, minusLists: true },
];

/** The upstream release in a package version: "1:7.6p1-4ubuntu0.7" and "7.4p1-21.al7" give [7, 6] and [7, 4]. */
export function opensshUpstream(version: string): [number, number] | null {
  const m = /^(?:\d+:)?(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/**
 * The defaults for an installed openssh-server version: the release itself when its defaults are known,
 * otherwise the nearest known release below it (or the oldest known one), said so in `chosen`.
 */
export function opensshRelease(version: string | null, source = 'the package database'): OpensshRelease {
  const newest = RELEASES[RELEASES.length - 1];
  if (version === null) {
    return { ...newest, chosen: `openssh-server is not installed according to ${source}; OpenSSH ${newest.release}'s defaults are assumed` };
  }
  const up = opensshUpstream(version);
  if (!up) return { ...newest, chosen: `openssh-server ${version} is not a version cis-bdd can read; OpenSSH ${newest.release}'s defaults are assumed` };
  const key = (r: string) => r.split('.').map(Number) as [number, number];
  const cmp = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
  const exact = RELEASES.find((r) => cmp(key(r.release), up) === 0);
  if (exact) return { ...exact, chosen: `openssh-server ${version} is OpenSSH ${exact.release}` };
  const below = [...RELEASES].reverse().find((r) => cmp(key(r.release), up) < 0);
  const pick = below ?? RELEASES[0];
  return { ...pick, chosen: `openssh-server ${version}: the defaults of OpenSSH ${pick.release}, the nearest release cis-bdd knows ${below ? 'below it' : '(it is older than every release cis-bdd knows)'}` };
}

/** OpenSSH 7.6, for callers that name no release. */
export const DEFAULT_RELEASE = opensshRelease('7.6p1', 'built-in');

function KEY_TYPES(): string {
  return ['ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp521-cert-v01@openssh.com',
    'ssh-ed25519-cert-v01@openssh.com', 'ssh-rsa-cert-v01@openssh.com', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521', 'ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].join(',');
}


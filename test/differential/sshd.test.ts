/**
 * Differential test of cis-bdd's offline sshd evaluation against the real OpenSSH 7.6p1 of the Ubuntu
 * 18.04 fixture. fast-check generates sshd_config files (global lines and Match blocks over the keywords
 * the benchmark items check, in case variants, `=` and quoted forms, with comments and sometimes invalid
 * values); cis-bdd evaluates each for the connections it would decide the items for (plus a few fixed
 * ones), and `sshd -T -C … -f FILE`, run in a chroot of an overlay of the fixture, says what the daemon
 * applies. Expected values come only from sshd. All generated cases run in one chroot exec; a case that
 * disagrees is shrunk by fast-check, re-asking sshd for each smaller case.
 *
 * CIS_BDD_DIFF_RUNS sets the number of cases (default 200); the seed is fixed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { ACCUMULATING, sshdSeconds } from '../../src/facts/sshd-parse.js';
import { DEFAULT_RELEASE } from '../../src/facts/sshd-defaults.js';
import { evaluateConnections, firstPort, parseSshdConfig, parseSshdTestRuns, type SshdFileConfig } from '../../src/facts/sshd-config.js';
import { type SshdConnectionSpec } from '../../src/facts/sshd-match.js';
import { parseGroup, parsePasswd } from '../../src/facts/accounts.js';
import { planConnections } from '../../src/facts/sshd-connections.js';
import { connectionArgument } from '../../src/facts/sshd-match.js';
import { CheckError } from '../../src/model/verdict.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 20261207;
const MARK = '@@cis-bdd-sshd';

/** Keywords compared with sshd -T, as sshd -T names them. */
const COMPARED = ['permitrootlogin', 'passwordauthentication', 'permitemptypasswords', 'maxauthtries', 'x11forwarding', 'loglevel',
  'clientaliveinterval', 'clientalivecountmax', 'logingracetime', 'ciphers', 'macs', 'kexalgorithms', 'allowusers', 'allowgroups',
  'denyusers', 'denygroups', 'banner', 'usepam', 'ignorerhosts', 'hostbasedauthentication', 'permituserenvironment', 'maxsessions',
  'allowtcpforwarding'];

// ------------------------------------------------------------------------------------- generators
const caseOf = (kw: string) => fc.constantFrom(kw, kw.toLowerCase(), kw.toUpperCase());
const yesNo = ['yes', 'no'];
/** Values sshd accepts, per keyword. */
const VALID: Record<string, string[]> = {
  PermitRootLogin: ['yes', 'no', 'prohibit-password', 'without-password', 'forced-commands-only', 'No', 'YES'],
  PasswordAuthentication: yesNo,
  PermitEmptyPasswords: yesNo,
  X11Forwarding: yesNo,
  UsePAM: yesNo,
  IgnoreRhosts: yesNo,
  HostbasedAuthentication: yesNo,
  PermitUserEnvironment: yesNo,
  MaxAuthTries: ['3', '4', '6', '10', '0', 'four', '4x', '-1', '-3'],
  MaxSessions: ['2', '10', '11'],
  ClientAliveCountMax: ['0', '1', '3', '4'],
  ClientAliveInterval: ['0', '300', '301', '5m', '1m30s', '2M'],
  LoginGraceTime: ['60', '1m', '2m', '0', '45s'],
  LogLevel: ['INFO', 'VERBOSE', 'verbose', 'DEBUG3', 'quiet'],
  AllowTcpForwarding: ['yes', 'no', 'local', 'Remote', 'all'],
  Banner: ['/etc/issue.net', 'none', 'NONE', '"/etc/issue net"'],
  Ciphers: ['aes256-ctr,aes128-ctr', '+3des-cbc', '+aes128-ctr', '-*cbc', '-aes*', '-aes*,chacha*', 'aes256-gcm@openssh.com',
    'chacha20-poly1305@openssh.com,aes256-cbc', 'aes128-ctr,aes128-ctr'],
  MACs: ['hmac-sha2-512,hmac-sha2-256', '+hmac-md5', '-hmac-sha1*,umac-*', '-*', 'hmac-sha2-256-etm@openssh.com,hmac-sha1'],
  KexAlgorithms: ['curve25519-sha256', '-*sha1', '+diffie-hellman-group1-sha1', 'ecdh-sha2-nistp256,diffie-hellman-group14-sha1'],
  AllowUsers: ['root', 'alice bob', 'admin@10.0.0.0/8', '*'],
  AllowGroups: ['wheel', 'sshusers admins'],
  DenyUsers: ['guest', 'root'],
  DenyGroups: ['nogroup', 'wheel'],
};
/** Values sshd refuses (the whole file), sometimes used. */
const INVALID: Record<string, string[]> = {
  PermitRootLogin: ['maybe'], PasswordAuthentication: ['Yes', 'NO'], X11Forwarding: ['YES'], ClientAliveInterval: ['5x'],
  LoginGraceTime: ['soon'], LogLevel: ['loud'], AllowTcpForwarding: ['sometimes'], Ciphers: ['^aes128-ctr', 'aes128-ctr,arcfour'],
  MACs: ['hmac-sha3'], MaxAuthTries: ['4 5'],
};
const valueOf = (kw: string) => (INVALID[kw]
  ? fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...VALID[kw]) }, { weight: 1, arbitrary: fc.constantFrom(...INVALID[kw]) })
  : fc.constantFrom(...VALID[kw]));
/** Keywords sshd refuses inside a Match block. */
const GLOBAL_ONLY = new Set(['Ciphers', 'MACs', 'KexAlgorithms', 'UsePAM', 'IgnoreRhosts', 'PermitUserEnvironment', 'LoginGraceTime']);
const KEYWORDS = Object.keys(VALID);

const keywordFor = (inMatch: boolean) => (inMatch
  ? fc.oneof({ weight: 40, arbitrary: fc.constantFrom(...KEYWORDS.filter((k) => !GLOBAL_ONLY.has(k))) }, { weight: 1, arbitrary: fc.constantFrom(...GLOBAL_ONLY) })
  : fc.constantFrom(...KEYWORDS));
const setting = (inMatch: boolean) => keywordFor(inMatch)
  .chain((kw) => fc.tuple(caseOf(kw), valueOf(kw), fc.constantFrom(' ', '=', ' = ', '\t', ' '), fc.constantFrom('', '', '', ' # a comment', '#x'),
    fc.constantFrom('', '', '  ', '\t'), fc.boolean()))
  .map(([kw, value, sep, comment, indent, quote]) => `${indent}${kw}${sep}${quote && !value.includes('"') && !value.includes(' ') ? `"${value}"` : value}${comment}`);

const criterion = fc.oneof(
  fc.tuple(caseOf('User'), fc.constantFrom('root', 'alice', 'bob', 'carol', '*', '!root', '*,!root', 'alice,root', 'ROOT', 'a*', '?ob')).map(([k, v]) => `${k} ${v}`),
  fc.tuple(caseOf('Group'), fc.constantFrom('wheel', 'admins', '*,!wheel', 'root', 'wh*', 'nosuchgroup', 'sshusers', 'ADMINS')).map(([k, v]) => `${k} ${v}`),
  fc.tuple(caseOf('Address'), fc.constantFrom('10.0.0.0/8', '192.168.1.*', '!10.1.0.0/16,10.0.0.0/8', '203.0.113.0/24', '*', '2001:db8::/32', '10.0.0.0/8', '10.1.0.0/8'))
    .map(([k, v]) => `${k} ${v}`),
  fc.tuple(caseOf('LocalPort'), fc.constantFrom('22', '2222')).map(([k, v]) => `${k} ${v}`),
  fc.tuple(caseOf('LocalAddress'), fc.constantFrom('192.0.2.0/24', '203.0.113.1')).map(([k, v]) => `${k} ${v}`),
  fc.tuple(caseOf('Host'), fc.constantFrom('*.example.com', 'h*', '10.*')).map(([k, v]) => `${k} ${v}`),
);
const matchLine = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('Match all', 'match All', 'Match all # every connection') },
  { weight: 6, arbitrary: fc.array(criterion, { minLength: 1, maxLength: 3 }).map((cs) => `Match ${cs.join(' ')}`) },
  { weight: 1, arbitrary: fc.constantFrom('Match User=root', 'Match User "alice"', 'Match Group wheel # admins', 'Match\tUser\tbob') },
);
/** Lines sshd 7.6 refuses outright, sometimes added. */
const refusedLine = fc.constantFrom('Include /etc/ssh/sshd_config.d/*.conf', 'NoSuchKeyword yes', 'PermitRootLogin no please', 'Match Colour blue');
const block = fc.tuple(matchLine, fc.array(setting(true), { minLength: 0, maxLength: 4 })).map(([m, lines]) => [m, ...lines]);
const configArb = fc.tuple(
  fc.array(setting(false), { minLength: 0, maxLength: 8 }),
  fc.array(block, { minLength: 0, maxLength: 3 }),
  fc.constantFrom('', '# a comment line', ''),
  fc.oneof({ weight: 25, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: refusedLine }),
).map(([global, blocks, comment, refused]) => [comment, ...global, ...(refused ? [refused] : []), ...blocks.flat()].join('\n') + '\n');

/** A few fixed connections on top of the ones cis-bdd plans. */
const FIXED: SshdConnectionSpec[] = [
  { user: 'root', host: '10.1.2.3', addr: '10.1.2.3', laddr: '192.0.2.7', lport: 2222 },
  { user: 'bob', host: 'h1.example.com', addr: '192.168.1.20', laddr: '203.0.113.1', lport: 22 },
];

// ------------------------------------------------------------------------------------- the fixture
let root = '';
let dir = '';
let passwd: ReturnType<typeof parsePasswd> = [];
let groups: ReturnType<typeof parseGroup> = [];
const real = new Map<string, { exitCode: number; values: Map<string, string> | null; messages: string[] }>();

function runSshd(cases: Array<{ id: string; text: string; specs: SshdConnectionSpec[] }>): void {
  mkdirSync(path.join(root, 'tmp/cis-bdd-diff'), { recursive: true });
  const lines: string[] = ['cd /tmp/cis-bdd-diff'];
  for (const c of cases) {
    writeFileSync(path.join(root, 'tmp/cis-bdd-diff', `${c.id}.conf`), c.text);
    for (const s of c.specs) {
      const arg = connectionArgument(s);
      lines.push(`echo '${MARK} ${c.id}|${arg}'; sshd -T -f ${c.id}.conf -C '${arg}' 2>&1; echo "${MARK}-rc $?"`);
    }
  }
  writeFileSync(path.join(root, 'tmp/cis-bdd-diff/run.sh'), `${lines.join('\n')}\n`);
  const out = execFileSync('timeout', ['600', 'chroot', root, '/bin/sh', '/tmp/cis-bdd-diff/run.sh'], { maxBuffer: 512 * 1024 * 1024 }).toString('utf8');
  for (const r of parseSshdTestRuns(out)) real.set(r.argument, r);
}

function offlineSpecs(text: string): { cfg: SshdFileConfig | null; error: string | null; specs: SshdConnectionSpec[] } {
  try {
    const cfg = parseSshdConfig(text, () => [], '/tmp/c', DEFAULT_RELEASE);
    const plan = planConnections(cfg.matchBlocks, passwd, groups, firstPort(cfg));
    return { cfg, error: null, specs: [...plan.connections.map((c) => c.spec), ...FIXED] };
  } catch (e) {
    if (e instanceof CheckError) return { cfg: null, error: e.message, specs: [FIXED[0]] };
    throw e;
  }
}

/** A value as sshd -T prints it, for comparison. */
function normal(keyword: string, value: string | undefined): string {
  if (value === undefined) return ACCUMULATING.has(keyword) ? '' : '(unset)';
  // the documented names sshd 7.6 prints under another name
  if (keyword === 'permitrootlogin' && value === 'prohibit-password') return 'without-password';
  if (keyword === 'loglevel' && value === 'QUIET') return 'SILENT';
  if (keyword === 'clientaliveinterval' || keyword === 'logingracetime') return String(sshdSeconds(value));
  return value;
}

let compared = 0;
let disagreements = 0;
let refusedFiles = 0;
let decidedByMatch = 0;

/** Compare one configuration for every connection; returns the disagreements in words. */
function compare(id: string, text: string): string[] {
  const { cfg, error, specs } = offlineSpecs(text);
  const problems: string[] = [];
  if (!specs.every((s) => real.has(`${id}|${connectionArgument(s)}`))) runSshd([{ id, text, specs }]);
  if (!cfg) {
    refusedFiles++;
    const r = real.get(`${id}|${connectionArgument(specs[0])}`)!;
    if (r.exitCode === 0) problems.push(`cis-bdd refuses the file (${error}) but sshd accepts it`);
    return problems;
  }
  const evaluated = specs.map((spec) => {
    try {
      return evaluateConnections(cfg, [{ spec, label: '' }], passwd, groups)[0];
    } catch (e) {
      if (e instanceof CheckError) return { error: e.message };
      throw e;
    }
  });
  specs.forEach((spec, i) => {
    const arg = connectionArgument(spec);
    const r = real.get(`${id}|${arg}`)!;
    const mine = evaluated[i];
    compared++;
    if ('error' in mine) {
      if (r.exitCode === 0) problems.push(`${arg}: cis-bdd refuses the connection (${mine.error}) but sshd -T accepts it`);
      return;
    }
    if ([...mine.settings.values()].some((x) => x.block)) decidedByMatch++;
    if (r.exitCode !== 0 || !r.values) { problems.push(`${arg}: sshd -T refuses (${r.messages.join('; ')}) but cis-bdd accepts`); return; }
    for (const k of COMPARED) {
      const expected = r.values.get(k) ?? (ACCUMULATING.has(k) ? '' : '(unset)');
      const got = normal(k, mine.settings.get(k)?.value);
      if (got !== expected) problems.push(`${arg}: ${k} is "${got}" for cis-bdd, "${expected}" for sshd -T`);
    }
  });
  return problems;
}

describe('differential: cis-bdd offline sshd evaluation vs sshd -T (OpenSSH 7.6p1 of the fixture)', () => {
  beforeAll(() => {
    const base = ensureUbuntuBase();
    dir = execFileSync('mktemp', ['-d', '/tmp/cis-bdd-diff-sshd-XXXXXX']).toString().trim();
    for (const d of ['upper', 'work', 'merged']) mkdirSync(path.join(dir, d));
    root = path.join(dir, 'merged');
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${base},upperdir=${dir}/upper,workdir=${dir}/work`, root]);
    // host keys (the fixture has none), the privilege separation directory, and accounts for Match User and Group
    execFileSync('chroot', [root, '/bin/sh', '-c', [
      'ssh-keygen -A >/dev/null', 'mkdir -p /run/sshd',
      'groupadd -g 1500 wheel', 'groupadd -g 1501 admins', 'groupadd -g 1502 sshusers',
      'useradd -u 1001 -m alice', 'useradd -u 1002 -G wheel bob', 'useradd -u 1003 -g admins carol',
    ].join(' && ')]);
    passwd = parsePasswd(readFileSync(path.join(root, 'etc/passwd'), 'utf8'));
    groups = parseGroup(readFileSync(path.join(root, 'etc/group'), 'utf8'));
  });
  afterAll(() => {
    if (root) execFileSync('umount', [root]);
    if (dir) execFileSync('rm', ['-rf', dir]);
  });

  it(`agrees with sshd -T on ${RUNS} generated configurations`, async () => {
    const samples = fc.sample(configArb, { seed: SEED, numRuns: RUNS });
    const ids = new Map<string, string>();
    const idOf = (text: string) => {
      if (!ids.has(text)) ids.set(text, `c${ids.size}`);
      return ids.get(text)!;
    };
    runSshd(samples.map((text) => ({ id: idOf(text), text, specs: offlineSpecs(text).specs })));
    let cases = 0;
    let specsSeen = 0;
    refusedFiles = 0;
    decidedByMatch = 0;
    fc.assert(fc.property(configArb, (text) => {
      cases++;
      const before = compared;
      const problems = compare(idOf(text), text);
      specsSeen += compared - before;
      if (problems.length) disagreements++;
      if (problems.length) throw new Error(`sshd_config:\n${text}\n${problems.join('\n')}`);
    }), { seed: SEED, numRuns: RUNS });
    console.log(`differential sshd -T: ${cases} cases (${cases - refusedFiles} accepted by sshd, ${refusedFiles} refused by both), ${specsSeen} connection specs compared (${(specsSeen / Math.max(cases, 1)).toFixed(1)} per case, ${decidedByMatch} with a value from a Match block), ${COMPARED.length} keywords each, ${disagreements} disagreements`);
    expect(cases).toBeGreaterThanOrEqual(RUNS);
  }, 900_000);
});

/**
 * Differential test of cis-bdd's PAM reading against the real Linux-PAM, pam_unix, pam_pwquality and
 * libpwquality of the Ubuntu 18.04 fixture.
 *
 * fast-check (fixed seed) generates a password service: a pam_pwquality rule (its control, arguments,
 * place before or after pam_unix) and a pam_unix rule (hashing options in any order, use_authtok or
 * not, written on one line or continued over several with comment lines inside, keywords in any case,
 * controls bracketed), reached directly, through @include, include or a substack, sometimes behind a
 * pam_unix md5 rule that is always jumped over; with /etc/security/pwquality.conf, files in
 * pwquality.conf.d (some with lines the library refuses), ENCRYPT_METHOD in /etc/login.defs, and a new
 * password made of chosen character classes.
 *
 * The real side: in a chroot of an overlay of the fixture, pam-driver.py (next to this file; python3 and
 * ctypes, as the fixture has no compiler) changes the password of a test user through that service as `passwd`
 * does (real uid the user's, effective uid root), and reports only the kind of hash /etc/shadow then
 * holds ("$6$", "$1$", "des" ...), or that it did not change. All cases of a run go through one chroot.
 *
 * cis-bdd's side, from the same files: the stack (pam.ts), which pam_unix can run and whether the
 * password passes pam_pwquality first (pam-flow.ts), the hashing pam_unix uses (pam-args.ts), the
 * effective pwquality settings (pwquality.ts, pam-args.ts). Whether the library accepts a password
 * given those settings is this test's own model of libpwquality's length, credit and class rules
 * (acceptsPassword below); passwords are at least 6 characters, so pam_unix's own minimum never decides.
 * Secrets: the passwords are made up here; nothing of /etc/shadow but the hash prefix leaves the chroot.
 *
 * Two more properties: generated pwquality.conf and pwquality.conf.d files read by the real
 * pwquality_read_config against cis-bdd's settings (all 14 integer settings); and pam_pwhistory (its
 * control and place, use_authtok, a new or a remembered password in /etc/security/opasswd) deciding
 * whether pam_unix stores the password, against pam-flow.ts's reading of the same stack.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { ensureUbuntuBase, layerApi } from '../support/fixtures.js';
import { expandPamStack, type PamStackEntry } from '../../src/facts/pam.js';
import { parsePamFile, type PamLine } from '../../src/facts/pam-parse.js';
import { pamFlow, runnableCalls, uncheckedStores, type PamFlow } from '../../src/facts/pam-flow.js';
import { encryptMethodOf, pamUnixHashing, pwqualitySetting } from '../../src/facts/pam-args.js';
import { PWQUALITY_CONF, PWQUALITY_DIR, PWQUALITY_INT_DEFAULTS, pwqualityFromFiles } from '../../src/facts/pwquality.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 20261207;
const USER = 'cisdiff';
const OLD = 'Zq8#kLm2!vX9pR4tWw';
const SERVICE = 'cisdiff';
const BLOCK = 'cisdiff-block';

// ---------------------------------------------------------------- generated cases

type Where = 'direct' | '@include' | 'include' | 'substack';
interface Setting { name: string; value: string; write: string }
interface PamCase {
  where: Where;
  pwqControl: string;
  pwqArgs: string[];
  pwqAfterUnix: boolean;
  unixHash: string[];
  useAuthtok: boolean;
  unixStyle: 'plain' | 'continued' | 'shouted' | 'spaced';
  deadMd5: boolean;
  conf: string[];
  confD: Array<{ name: string; lines: string[] }>;
  encryptMethod: string | null;
  password: string;
}

const QUALITY = ['minlen', 'dcredit', 'ucredit', 'lcredit', 'ocredit', 'minclass'];
const valueFor = (name: string) => (name === 'minlen' ? fc.integer({ min: 0, max: 20 }) : name === 'minclass' ? fc.integer({ min: 0, max: 4 }) : fc.integer({ min: -3, max: 3 }));
const setting: fc.Arbitrary<Setting> = fc.constantFrom(...QUALITY).chain((name) => fc.record({
  name: fc.constant(name),
  value: valueFor(name).map(String),
  write: fc.constantFrom('%n = %v', '%n=%v', '%n %v', '%N\t%v', '  %n   =   %v   # set here'),
}));
const confLine = fc.oneof(
  { weight: 8, arbitrary: setting.map((s) => s.write.replace('%n', s.name).replace('%N', s.name.toUpperCase()).replace('%v', s.value)) },
  { weight: 1, arbitrary: fc.constantFrom('# a comment', '', 'bogus = 1', 'minlen = 12x', 'enforce_for_root', 'dcredit==-1') },
);
const argument = fc.oneof(
  { weight: 6, arbitrary: setting.map((s) => `${s.name}=${s.value}`) },
  { weight: 1, arbitrary: setting.map((s) => `${s.name.toUpperCase()}=${s.value}`) },
  { weight: 1, arbitrary: fc.constantFrom('minlen=abc', 'retry=3', 'retry=1', 'enforce_for_root', 'dcredit=') },
);
const classChar: Record<string, string> = { d: '23456789', u: 'ABCDEFGHJKLMNPQRSTUVWXYZ', l: 'abcdefghjkmnpqrstuvwxyz', o: '!@%^&*+-_.,:' };
const password = fc.array(fc.tuple(fc.constantFrom('d', 'u', 'l', 'o'), fc.nat()), { minLength: 6, maxLength: 18 })
  .map((cs) => cs.map(([c, n]) => classChar[c][n % classChar[c].length]).join(''));

const pamCase: fc.Arbitrary<PamCase> = fc.record({
  where: fc.constantFrom<Where>('direct', '@include', 'include', 'substack'),
  pwqControl: fc.constantFrom('requisite', 'required', 'optional', 'Requisite', '[success=ok new_authtok_reqd=ok ignore=ignore default=die]', '[success=ok default=bad]', '[success=ok default=ignore]', '[success=ok default=1]'),
  pwqArgs: fc.array(argument, { maxLength: 3 }),
  pwqAfterUnix: fc.boolean(),
  unixHash: fc.shuffledSubarray(['md5', 'sha256', 'sha512', 'blowfish', 'bigcrypt', 'sha512', 'md5'], { maxLength: 3 }),
  useAuthtok: fc.boolean(),
  unixStyle: fc.constantFrom('plain', 'continued', 'shouted', 'spaced'),
  deadMd5: fc.boolean(),
  conf: fc.array(confLine, { maxLength: 5 }),
  confD: fc.array(fc.record({ name: fc.constantFrom('10-a.conf', '20-b.conf', 'B.conf', 'x.txt'), lines: fc.array(confLine, { maxLength: 3 }) }), { maxLength: 2 }),
  encryptMethod: fc.constantFrom(null, 'SHA512', 'sha256', 'MD5', 'DES', 'BLOWFISH'),
  password,
}).map((c) => ({
  ...c,
  // pam_unix before pam_pwquality with use_authtok finds no password to store (not modelled: the
  // verdict for it is a fail either way); after pam_pwquality, use_authtok is free
  useAuthtok: c.pwqAfterUnix ? false : c.useAuthtok,
  confD: c.confD.filter((f, i) => c.confD.findIndex((g) => g.name === f.name) === i),
}));

/** The files of a case: the service, the block it reaches, pwquality's files and login.defs. */
function filesOf(c: PamCase, loginDefs: string): Record<string, string | null> {
  const pwq = `password ${c.pwqControl} pam_pwquality.so dictcheck=0 ${c.pwqArgs.join(' ')}`.trimEnd();
  const unixArgs = ['try_first_pass', ...(c.useAuthtok ? ['use_authtok'] : []), ...c.unixHash].join(' ');
  const jump = c.pwqAfterUnix ? 'ok' : '1';
  const unix = {
    plain: `password [success=${jump} default=ignore] pam_unix.so ${unixArgs}`,
    continued: `password [success=${jump} \\\n# the jump skips pam_deny\n\n   default=ignore] \\\n\tpam_unix.so ${unixArgs}`,
    shouted: `PASSWORD [success=${jump} default=ignore] pam_unix.so ${unixArgs}`,
    spaced: `password [ success = ${jump}   default = ignore ] pam_unix.so ${unixArgs}`,
  }[c.unixStyle];
  const dead = c.deadMd5 ? ['password [success=1 default=ignore] pam_permit.so', 'password required pam_unix.so md5'] : [];
  const body = c.pwqAfterUnix
    ? [...dead, unix, 'password required pam_permit.so', pwq]
    : [pwq, ...dead, unix, 'password requisite pam_deny.so', 'password required pam_permit.so'];
  const block = `# generated\n${body.join('\n')}\n`;
  const service = {
    direct: block,
    '@include': `@include ${BLOCK}\n`,
    include: `password include ${BLOCK}\n`,
    substack: `password substack ${BLOCK}\n`,
  }[c.where];
  const defs = loginDefs.replace(/^ENCRYPT_METHOD.*$/m, c.encryptMethod === null ? '' : `ENCRYPT_METHOD ${c.encryptMethod}`);
  const files: Record<string, string | null> = {
    [PWQUALITY_DIR]: null,
    [`/etc/pam.d/${SERVICE}`]: service,
    [`/etc/pam.d/${BLOCK}`]: c.where === 'direct' ? null : block,
    [PWQUALITY_CONF]: c.conf.length ? `${c.conf.join('\n')}\n` : '',
    '/etc/login.defs': defs,
  };
  for (const f of c.confD) files[`${PWQUALITY_DIR}/${f.name}`] = `${f.lines.join('\n')}\n`;
  return files;
}

// ---------------------------------------------------------------- cis-bdd's prediction

/**
 * This test's model of libpwquality's length, credit and class rules, and its palindrome check (which
 * shrinking reaches); the other checks cannot fire on these passwords (no dictionary check, no user
 * name letters, nothing like the old password).
 */
function acceptsPassword(pw: string, s: Record<string, number>): boolean {
  if ([...pw].reverse().join('') === pw) return false;
  const count = { d: 0, u: 0, l: 0, o: 0 };
  for (const ch of pw) count[/[0-9]/.test(ch) ? 'd' : /[A-Z]/.test(ch) ? 'u' : /[a-z]/.test(ch) ? 'l' : 'o']++;
  const classes = Object.values(count).filter((n) => n > 0).length;
  let size = s.minlen;
  for (const [k, credit] of [['d', s.dcredit], ['u', s.ucredit], ['l', s.lcredit], ['o', s.ocredit]] as Array<['d' | 'u' | 'l' | 'o', number]>) {
    if (credit >= 0) size -= Math.min(count[k], credit);
    else if (count[k] < -credit) return false;
  }
  if (classes < s.minclass) return false;
  return pw.length >= size;
}

/**
 * The pam_unix rules that store on this password's way: before the check, or after it accepted the
 * password; after a rejection only a pam_unix that asks for the password itself (no use_authtok).
 */
function storingRules(entries: PamStackEntry[], flow: PamFlow, accepted: boolean): PamStackEntry[] {
  return entries.filter((e) => {
    const v = flow.visits.get(e);
    if (!v || e.module !== 'pam_unix.so') return false;
    if (v.states.has('unchecked')) return true;
    return accepted ? v.states.has('passed') : v.states.has('failed') && !e.args.includes('use_authtok');
  });
}

/** What cis-bdd says /etc/shadow will hold after the change: the hash kind, or "unchanged". */
function predict(files: Record<string, string | null>, password: string): { stored: string; why: string } {
  const pam = new Map<string, PamLine[] | null>();
  for (const [p, text] of Object.entries(files)) if (p.startsWith('/etc/pam.d/')) pam.set(p, text === null ? null : parsePamFile(text, p));
  const stack = expandPamStack(pam, SERVICE, 'password');
  if (stack.problems.length) return { stored: 'problem', why: stack.problems.join('; ') };
  const flow = pamFlow(stack, 'pam_pwquality.so');
  const pwq = stack.entries.find((e) => e.module === 'pam_pwquality.so')!;
  const dir = Object.keys(files).filter((p) => p.startsWith(`${PWQUALITY_DIR}/`) && files[p] !== null).map((p) => ({ path: p, text: files[p]! }));
  const read = pwqualityFromFiles(dir, files[PWQUALITY_CONF] ?? null).withDir;
  const settings = Object.fromEntries(QUALITY.map((n) => [n, pwqualitySetting(pwq.args, read, n, PWQUALITY_INT_DEFAULTS).value as number]));
  const accepted = acceptsPassword(password, settings);
  const storing = storingRules(stack.entries, flow, accepted);
  const unchecked = uncheckedStores(flow, 'pam_unix.so');
  const why = `settings ${JSON.stringify(settings)} ${accepted ? 'accept' : 'reject'} the password; runnable pam_unix: ${runnableCalls(flow, 'pam_unix.so').map((e) => e.args.join(' ')).join(' | ')}; unchecked: ${unchecked.map((u) => u.why).join(', ') || 'none'}`;
  if (!storing.length) return { stored: 'unchanged', why };
  // the first rule to store wins: a later pam_unix checks the user's old password again, and that no
  // longer matches (as root, which is not asked for it, the last would win)
  const stored = pamUnixHashing(storing[0].args, encryptMethodOf(files['/etc/login.defs'] ?? null)).stored;
  // bigcrypt of a password of at most 8 characters is a plain DES crypt string
  return { stored: stored === 'bigcrypt' && password.length <= 8 ? 'des' : stored, why };
}

// ---------------------------------------------------------------- the real side

const DRIVER = path.join(path.dirname(new URL(import.meta.url).pathname), 'pam-driver.py');
let root = '';
let scratch = '';
let loginDefs = '';
const cache = new Map<string, string>();
let singleRuns = 0;

function driver(cases: unknown[]): string {
  const input = JSON.stringify({ user: USER, old: OLD, cases });
  return execFileSync('timeout', ['600', 'prlimit', '--as=2147483648', 'chroot', root, 'python3', '/tmp/cis-bdd-pam-driver.py'], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
}

function realRun(cases: Array<{ id: string; files: Record<string, string | null>; password: string; history?: string[] }>): Map<string, string> {
  const out = driver(cases.map((c) => ({ id: c.id, service: SERVICE, password: c.password, files: c.files, history: c.history ?? [] })));
  const results = new Map<string, string>();
  for (const line of out.trim().split('\n')) {
    const r = JSON.parse(line) as { id: string; changed: boolean; hash: string; rc: number; error?: string };
    if (r.error) throw new Error(`the driver failed on case ${r.id}: ${r.error}`);
    results.set(r.id, r.changed ? r.hash : 'unchanged');
  }
  return results;
}

const keyOf = (c: PamCase) => JSON.stringify(c);

function realFor(c: PamCase): string {
  const k = keyOf(c);
  if (!cache.has(k)) singleRuns++;
  if (!cache.has(k)) cache.set(k, realRun([{ id: '0', files: filesOf(c, loginDefs), password: c.password }]).get('0')!);
  return cache.get(k)!;
}

describe('differential: PAM password stacks against the real pam_unix and pam_pwquality (Ubuntu 18.04 fixture)', () => {
  beforeAll(() => {
    const base = ensureUbuntuBase();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-pam-diff-'));
    const [upper, work, merged] = ['upper', 'work', 'merged'].map((d) => path.join(scratch, d));
    for (const d of [upper, work, merged]) mkdirSync(d);
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${base},upperdir=${upper},workdir=${work}`, merged]);
    root = merged;
    const l = layerApi(root);
    l.append('/etc/passwd', `${USER}:x:1500:1500::/nonexistent:/bin/sh\n`);
    l.append('/etc/group', `${USER}:x:1500:\n`);
    copyFileSync(DRIVER, path.join(root, 'tmp/cis-bdd-pam-driver.py'));
    loginDefs = readFileSync(path.join(root, 'etc/login.defs'), 'utf8');
  });

  afterAll(() => {
    if (root) execFileSync('umount', [root]);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it(`agrees with the real modules on ${RUNS} generated stacks and passwords (seed ${SEED})`, () => {
    // every case of the run through one chroot; shrinking asks the real modules again, one case at a time
    const cases = fc.sample(pamCase, { seed: SEED, numRuns: RUNS });
    const results = realRun(cases.map((c, i) => ({ id: String(i), files: filesOf(c, loginDefs), password: c.password })));
    cases.forEach((c, i) => cache.set(keyOf(c), results.get(String(i))!));
    const seen = { stored: new Map<string, number>(), where: new Map<string, number>() };
    let disagreements = 0;
    const verdicts = new Map<string, number>();
    fc.assert(fc.property(pamCase, (c) => {
      const files = filesOf(c, loginDefs);
      const p = predict(files, c.password);
      const real = realFor(c);
      seen.stored.set(real, (seen.stored.get(real) ?? 0) + 1);
      seen.where.set(c.where, (seen.where.get(c.where) ?? 0) + 1);
      if (p.stored !== real) disagreements++;
      verdicts.set(p.why.includes(' accept ') ? 'accepted' : 'rejected', (verdicts.get(p.why.includes(' accept ') ? 'accepted' : 'rejected') ?? 0) + 1);
      expect(`${p.stored}`, `${p.why}\nservice:\n${files[`/etc/pam.d/${SERVICE}`]}\nblock:\n${files[`/etc/pam.d/${BLOCK}`]}\npwquality.conf:\n${files[PWQUALITY_CONF]}`).toBe(real);
    }), { seed: SEED, numRuns: RUNS });
    const summary = (m: Map<string, number>) => [...m].sort().map(([k, n]) => `${k} ${n}`).join(', ');
    expect(disagreements).toBe(0);
    console.log(`differential pam (passwd through generated stacks): ${RUNS} cases, ${disagreements} disagreements; stored: ${summary(seen.stored)}; reached by: ${summary(seen.where)}; pam_pwquality's rules ${summary(verdicts)} the password; ${singleRuns} cases asked again one by one`);
  }, 1_800_000);

  it(`reads pwquality.conf and pwquality.conf.d as libpwquality does, on ${RUNS} generated sets of files (seed ${SEED})`, () => {
    const names = [...Object.keys(PWQUALITY_INT_DEFAULTS), 'badwords', 'dictpath'];
    const value = fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: -5, max: 30 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom('+3', '-0', '007', '', '2147483647', '2147483648', '99999999999', '12x', '0x10', 'abc', 'a b') },
    );
    const line = fc.oneof(
      { weight: 12, arbitrary: fc.tuple(fc.constantFrom(...names), fc.constantFrom('%n = %v', '%n=%v', '%n %v', '%N\t=\t%v', '  %n   %v   # note'), value)
        .map(([n, w, v]) => w.replace('%n', n).replace('%N', n.toUpperCase()).replace('%v', v)) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...names), fc.constantFrom('%n==%v', '%n = = %v'), value).map(([n, w, v]) => w.replace('%n', n).replace('%v', v)) },
      { weight: 1, arbitrary: fc.constantFrom('# comment', '', '   ', 'bogus = 1', 'enforce_for_root', 'retry = 3', 'minlen') },
    );
    const fileText = fc.array(line, { maxLength: 6 }).map((ls) => `${ls.join('\n')}\n`);
    const confCase = fc.record({
      main: fc.option(fileText, { nil: null }),
      dir: fc.uniqueArray(fc.record({ name: fc.constantFrom('10-a.conf', '20-b.conf', 'B.conf', 'x.txt', '.hidden.conf', 'z.conf.bak', '5.conf'), text: fileText }), { selector: (f) => f.name, maxLength: 3 }),
    });
    const filesOfConf = (c: { main: string | null; dir: Array<{ name: string; text: string }> }) => {
      const files: Record<string, string | null> = { [PWQUALITY_DIR]: null, [PWQUALITY_CONF]: c.main };
      for (const f of c.dir) files[`${PWQUALITY_DIR}/${f.name}`] = f.text;
      return files;
    };
    const ours = (c: { main: string | null; dir: Array<{ name: string; text: string }> }) => {
      const read = pwqualityFromFiles(c.dir.filter((f) => f.name.endsWith('.conf')).map((f) => ({ path: `${PWQUALITY_DIR}/${f.name}`, text: f.text })), c.main).withDir;
      return Object.fromEntries(Object.keys(PWQUALITY_INT_DEFAULTS).map((n) => [n, pwqualitySetting([], read, n, PWQUALITY_INT_DEFAULTS).value]));
    };
    const confCache = new Map<string, string>();
    const real = (cs: Array<{ main: string | null; dir: Array<{ name: string; text: string }> }>) => {
      const out = driver(cs.map((c, i) => ({ id: String(i), kind: 'conf', files: filesOfConf(c) })));
      return out.trim().split('\n').map((l) => JSON.stringify((JSON.parse(l) as { values: Record<string, number> }).values));
    };
    const sample = fc.sample(confCase, { seed: SEED, numRuns: RUNS });
    real(sample).forEach((v, i) => confCache.set(JSON.stringify(sample[i]), v));
    let disagreements = 0;
    let stopped = 0;
    fc.assert(fc.property(confCase, (c) => {
      const k = JSON.stringify(c);
      if (!confCache.has(k)) confCache.set(k, real([c])[0]);
      const theirs = JSON.parse(confCache.get(k)!) as Record<string, number>;
      const mine = ours(c);
      if (pwqualityFromFiles(c.dir.filter((f) => f.name.endsWith('.conf')).map((f) => ({ path: `${PWQUALITY_DIR}/${f.name}`, text: f.text })), c.main).withDir.stopped) stopped++;
      if (Object.keys(PWQUALITY_INT_DEFAULTS).some((n) => mine[n] !== theirs[n])) disagreements++;
      expect(mine, JSON.stringify(filesOfConf(c), null, 1)).toEqual(theirs);
    }), { seed: SEED, numRuns: RUNS });
    expect(disagreements).toBe(0);
    console.log(`differential libpwquality settings (pwquality_read_config): ${RUNS} cases, ${Object.keys(PWQUALITY_INT_DEFAULTS).length} integer settings each, ${disagreements} disagreements; ${stopped} cases with a line that stops the reading`);
  }, 600_000);

  it(`agrees with the real pam_pwhistory on ${RUNS} generated stacks (seed ${SEED})`, () => {
    const NEW = 'Hb7%nQ2@cV5xLr9';
    const histCase = fc.record({
      where: fc.constantFrom<Where>('direct', '@include', 'include', 'substack'),
      control: fc.constantFrom('requisite', 'required', 'optional', 'sufficient', '[success=ok default=die]', '[success=ok default=bad]', '[success=ok default=1]'),
      historyAuthtok: fc.boolean(),
      unixAuthtok: fc.boolean(),
      afterUnix: fc.boolean(),
      reused: fc.boolean(),
    // controls that name one failure value are left out: cis-bdd then tries every failure value (the
    // real module returns one: maxtries for pam_pwhistory, authtok_err or maxtries for pam_pwquality
    // by its retry), which only errs towards a failing verdict
    // use_authtok on the first module that asks for the password finds none (not modelled: a broken
    // stack, and a fail for the benchmark either way), so only a pam_pwhistory after pam_unix gets it
    }).map((c) => ({ ...c, unixAuthtok: c.afterUnix ? false : c.unixAuthtok, historyAuthtok: c.afterUnix ? c.historyAuthtok : false }));
    type HistCase = typeof histCase extends fc.Arbitrary<infer T> ? T : never;
    const files = (c: HistCase) => {
      const history = `password ${c.control} pam_pwhistory.so remember=5${c.historyAuthtok ? ' use_authtok' : ''}`;
      const unix = `password [success=${c.afterUnix ? 'ok' : '1'} default=ignore] pam_unix.so sha512${c.unixAuthtok ? ' use_authtok' : ''}`;
      const body = c.afterUnix ? [unix, 'password required pam_permit.so', history] : [history, unix, 'password requisite pam_deny.so', 'password required pam_permit.so'];
      const block = `${body.join('\n')}\n`;
      return {
        [PWQUALITY_DIR]: null,
        [`/etc/pam.d/${SERVICE}`]: { direct: block, '@include': `@include ${BLOCK}\n`, include: `password include ${BLOCK}\n`, substack: `password substack ${BLOCK}\n` }[c.where],
        [`/etc/pam.d/${BLOCK}`]: c.where === 'direct' ? null : block,
      } as Record<string, string | null>;
    };
    const predictHist = (c: HistCase) => {
      const f = files(c);
      const pam = new Map<string, PamLine[] | null>();
      for (const [p, text] of Object.entries(f)) if (p.startsWith('/etc/pam.d/')) pam.set(p, text === null ? null : parsePamFile(text, p));
      const stack = expandPamStack(pam, SERVICE, 'password');
      return storingRules(stack.entries, pamFlow(stack, 'pam_pwhistory.so'), !c.reused).length ? '$6$' : 'unchanged';
    };
    const sample = fc.sample(histCase, { seed: SEED, numRuns: RUNS });
    const results = realRun(sample.map((c, i) => ({ id: String(i), files: files(c), password: NEW, history: c.reused ? [NEW] : [] })));
    const histCache = new Map(sample.map((c, i) => [JSON.stringify(c), results.get(String(i))!]));
    let disagreements = 0;
    fc.assert(fc.property(histCase, (c) => {
      const k = JSON.stringify(c);
      if (!histCache.has(k)) histCache.set(k, realRun([{ id: '0', files: files(c), password: NEW, history: c.reused ? [NEW] : [] }]).get('0')!);
      const mine = predictHist(c);
      if (mine !== histCache.get(k)) disagreements++;
      expect(mine, JSON.stringify(files(c), null, 1)).toBe(histCache.get(k));
    }), { seed: SEED, numRuns: RUNS });
    expect(disagreements).toBe(0);
    const stored = [...histCache.values()].filter((v) => v !== 'unchanged').length;
    console.log(`differential pam_pwhistory (reused or new password through generated stacks): ${RUNS} cases, ${disagreements} disagreements; ${stored} stored, ${histCache.size - stored} refused (distinct cases)`);
  }, 600_000);
});

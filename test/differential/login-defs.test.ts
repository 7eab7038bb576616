/**
 * Differential test of login.defs (src/facts/login-defs.ts: parseLoginDefs, shadowNumber) against shadow
 * 4.5 of the Ubuntu 18.04 fixture: fast-check writes /etc/login.defs with repeated names, names in
 * another case, comments, quotes, white space, a name without a value and numbers in every form strtol
 * reads or refuses (octal, hex, signs, out of int range, trailing junk); then `useradd NAME` runs in a
 * chroot of an overlay and the new account's /etc/shadow line gives the minimum, maximum and warning
 * days useradd took from PASS_MIN_DAYS, PASS_MAX_DAYS and PASS_WARN_AGE (an empty field is -1, the
 * built-in value). cis-bdd's effective value (the last line for the name, its number, else -1) must be
 * the same. The same cases run against useradd of the ACL2 fixture (its shadow-utils).
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureAcl2Base, ensureUbuntuBase, layerApi, withOverlay } from '../support/fixtures.js';
import { LOGIN_DEFS_DEFAULTS, parseLoginDefs, shadowNumber } from '../../src/facts/login-defs.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 5051;
const KEYS = ['PASS_MAX_DAYS', 'PASS_MIN_DAYS', 'PASS_WARN_AGE'] as const;
const NUMBERS = ['0', '1', '7', '30', '365', '99999', '-1', '-5', '+7', '010', '08', '0x10', '0X1f', '-0x10', '0x', '99999x', '30 60',
  '2147483647', '2147483648', '-2147483648', '-2147483649', '99999999999', '', '  45', '1e3', '7.5', 'ninety'];

const ws = fc.constantFrom('', '', ' ', '\t', '  \t');
const key = fc.constantFrom(...KEYS).chain((k) => fc.constantFrom(k, k, k, k.toLowerCase(), `${k}X`));
const value = fc.tuple(fc.constantFrom(...NUMBERS), fc.constantFrom('', '', '', '"', '""', "'", '" ', '# c', ' # c', '"x'))
  .chain(([n, tail]) => fc.constantFrom(`${n}${tail}`, `"${n}"${tail}`, `"${n}${tail}`));
const setting = fc.tuple(ws, key, fc.constantFrom(' ', '\t', '  ', ' \t"'), value, ws).map(([a, k, sep, v, b]) => `${a}${k}${sep}${v}${b}`);
const noise = fc.tuple(ws, fc.constantFrom('# PASS_MAX_DAYS 1', '#PASS_MIN_DAYS 9', '', 'UMASK 022', 'PASS_MAX_DAYS', 'PASS_WARN_AGE\t')).map(([a, l]) => `${a}${l}`);
const caseArb = fc.array(fc.oneof({ weight: 4, arbitrary: setting }, { weight: 1, arbitrary: noise }), { minLength: 0, maxLength: 8 })
  .map((ls) => `${ls.join('\n')}\n`);

const RESET = 'cp /root/.cisbdd/passwd /etc/passwd; cp /root/.cisbdd/shadow /etc/shadow; cp /root/.cisbdd/group /etc/group; cp /root/.cisbdd/gshadow /etc/gshadow';

const SYSTEMS: Array<[string, () => string]> = [['Ubuntu 18.04 (shadow 4.5)', ensureUbuntuBase], ['ACL2 (shadow-utils)', () => ensureAcl2Base('stock')]];

describe.each(SYSTEMS)('differential: login.defs against useradd of the %s fixture', (system, ensureBase) => {
  it(`cis-bdd's PASS_MIN_DAYS, PASS_MAX_DAYS, PASS_WARN_AGE are what useradd writes to /etc/shadow (${RUNS} generated files)`, async () => {
    const base = ensureBase();
    let cases = 0;
    let failure: unknown = null;
    await withOverlay(base, () => {}, async (root) => {
      const layer = layerApi(root);
      execFileSync('chroot', [root, '/bin/sh', '-c', 'mkdir -p /root/.cisbdd && cp /etc/passwd /etc/shadow /etc/group /etc/gshadow /root/.cisbdd/']);
      try {
        fc.assert(fc.property(caseArb, (defs) => {
          cases++;
          layer.write('/etc/login.defs', defs);
          const out = execFileSync('timeout', ['30', 'chroot', root, '/bin/sh', '-c', `${RESET}; useradd cisbddnew >/dev/null 2>&1; grep '^cisbddnew:' /etc/shadow`],
            { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
          const f = out.trim().split(':');
          const field = (s: string) => (s === '' ? -1 : Number(s));
          const real = { PASS_MIN_DAYS: field(f[3]), PASS_MAX_DAYS: field(f[4]), PASS_WARN_AGE: field(f[5]) };
          const settings = parseLoginDefs(defs);
          const ours = Object.fromEntries(KEYS.map((k) => {
            const s = settings.get(k);
            const n = s ? shadowNumber(s.value) : null;
            return [k, n ?? Number(LOGIN_DEFS_DEFAULTS[k])];
          }));
          expect(ours).toEqual(real);
        }), { seed: SEED, numRuns: RUNS });
      } catch (e) { failure = e; }
    });
    if (failure) throw failure;
    console.log(`differential login.defs on ${system} (useradd, /etc/shadow min/max/warn days): ${cases} cases, 3 settings each, 0 disagreements`);
  }, 900_000);
});

/**
 * Differential test of how cis-bdd reads rsyslog's configuration (src/facts/rsyslog.ts assembleRsyslog,
 * fileCreateModes) against rsyslogd 8.32 of the Ubuntu 18.04 fixture: fast-check writes
 * /etc/rsyslog.conf, files in /etc/rsyslog.d and /etc/rsyslog.d/sub with `$IncludeConfig` of globs,
 * directories, single files, missing paths and the same pattern twice, in any place of a file, includes
 * of files already being read (rsyslog.conf, the including file itself), and `$FileCreateMode` lines with a distinct mode each (every file starts with one, so each file read shows).
 * `rsyslogd -N1 -d -f /etc/rsyslog.conf` in a chroot of an overlay (config check only, never a daemon)
 * logs each legacy directive as it parses it: the sequence of $FileCreateMode values it logs is the order
 * in which rsyslog reads the files and applies the modes, and cis-bdd's statements (without the
 * rsyslog.d files no include names, which cis-bdd reads as the benchmark asks) must give the same one.
 *
 * Not generated: RainerScript `include(file=...)`, which 8.32 refuses as a syntax error (added in 8.33).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase, layerApi, withOverlay } from '../support/fixtures.js';
import { assembleRsyslog, fileCreateModes } from '../../src/facts/rsyslog.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 8032;
const PARTS = ['00', '10', '50', 'a', 'B', 'z', '-', '_', 'cis'];
const SUFFIX = ['.conf', '.conf', '.conf', '.CONF', '.conf~', ''];
const MAIN_PATTERNS = ['/etc/rsyslog.d/*.conf', '/etc/rsyslog.d/*.conf', '/etc/rsyslog.d/', '/etc/rsyslog.d/[0-4]*.conf', '/etc/rsyslog.d/sub/*.conf',
  '/etc/nothere/*.conf', '/etc/rsyslog.d/50*'];
const D_PATTERNS = ['/etc/rsyslog.d/sub/*.conf', '/etc/rsyslog.d/sub/', '/etc/rsyslog.d/sub/a*', '/etc/rsyslog.d/*.conf', '/etc/rsyslog.conf'];

const name = fc.tuple(fc.array(fc.constantFrom(...PARTS), { minLength: 1, maxLength: 3 }), fc.constantFrom(...SUFFIX)).map(([p, s]) => `${p.join('')}${s}`);
type Item = { kind: 'mode' } | { kind: 'include'; pattern: string; directive: string } | { kind: 'noise'; text: string };
const body = (patterns: string[]) => fc.array(fc.oneof(
  { weight: 3, arbitrary: fc.constant<Item>({ kind: 'mode' }) },
  { weight: patterns.length ? 2 : 0, arbitrary: fc.record({ kind: fc.constant('include' as const), pattern: fc.constantFrom(...(patterns.length ? patterns : [''])), directive: fc.constantFrom('$IncludeConfig', '$includeconfig', '$IncludeConfig ') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('noise' as const), text: fc.constantFrom('', '# $IncludeConfig /etc/rsyslog.d/*.conf', '  # $FileCreateMode 0777', '*.* /var/log/all.log') }) },
), { maxLength: 5 });
const caseArb = fc.record({
  main: body(MAIN_PATTERNS),
  d: fc.uniqueArray(fc.record({ name, items: body(D_PATTERNS) }), { maxLength: 5, selector: (f) => f.name }),
  sub: fc.uniqueArray(fc.record({ name, items: body([]) }), { maxLength: 3, selector: (f) => f.name }),
});

/** The files a pattern names, as glob(3) in the C locale gives them (a directory: every entry in it). */
function globIn(root: string, pattern: string): string[] {
  const p = pattern.endsWith('/') ? `${pattern}*` : pattern;
  const dir = path.dirname(p);
  const re = new RegExp(`^${path.basename(p).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  if (!existsSync(path.join(root, dir))) return [];
  return readdirSync(path.join(root, dir)).filter((n) => !n.startsWith('.') && re.test(n)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map((n) => `${dir}/${n}`);
}

describe('differential: rsyslog includes and $FileCreateMode against rsyslogd -N1 -d of the Ubuntu fixture (8.32)', () => {
  it(`cis-bdd reads the files and modes in rsyslog's order (${RUNS} generated configurations)`, async () => {
    const base = ensureUbuntuBase();
    let cases = 0;
    let modes = 0;
    let failure: unknown = null;
    await withOverlay(base, () => {}, async (root) => {
      const layer = layerApi(root);
      try {
        await fc.assert(fc.asyncProperty(caseArb, async ({ main, d, sub }) => {
          cases++;
          let next = 0o400;
          const render = (items: Item[]) => [`$FileCreateMode 0${(next++).toString(8)}`, ...items.map((it) => (it.kind === 'mode' ? `$FileCreateMode 0${(next++).toString(8)}`
            : it.kind === 'include' ? `${it.directive} ${it.pattern}` : it.text))].join('\n') + '\n';
          rmSync(path.join(root, 'etc/rsyslog.d'), { recursive: true, force: true });
          layer.mkdir('/etc/rsyslog.d');
          layer.mkdir('/etc/rsyslog.d/sub');
          layer.write('/etc/rsyslog.conf', render(main));
          for (const f of d) layer.write(`/etc/rsyslog.d/${f.name}`, render(f.items));
          for (const f of sub) layer.write(`/etc/rsyslog.d/sub/${f.name}`, render(f.items));
          const r = spawnSync('timeout', ['30', 'chroot', root, 'rsyslogd', '-N1', '-d', '-f', '/etc/rsyslog.conf'], { encoding: 'utf8', maxBuffer: 64 << 20 });
          const out = `${r.stdout}${r.stderr}`;
          expect(out, 'rsyslogd -N1 -d ran').toContain('cfsysline');
          const real = [...out.matchAll(/cnf:global:cfsysline: \$FileCreateMode (\S+)/g)].map((m) => m[1]);
          const cfg = await assembleRsyslog(async (pattern) => globIn(root, pattern)
            .map((f) => (statSync(path.join(root, f)).isDirectory() ? { path: f, directory: true as const } : { path: f, text: readFileSync(path.join(root, f), 'utf8') })));
          const firstExtra = cfg.statements.findIndex((st) => cfg.notIncluded.includes(st.file));
          const ours = fileCreateModes(firstExtra < 0 ? cfg.statements : cfg.statements.slice(0, firstExtra)).map((m) => m.value);
          expect(ours).toEqual(real);
          modes += real.length;
        }), { seed: SEED, numRuns: RUNS });
      } catch (e) { failure = e; }
    });
    if (failure) throw failure;
    console.log(`differential rsyslog ($IncludeConfig order, $FileCreateMode sequence): ${cases} cases, ${modes} modes compared, 0 disagreements`);
  }, 900_000);
});

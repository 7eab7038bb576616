/**
 * Differential test of the cron and at allow and deny lists: fast-check generates /etc/cron.allow,
 * /etc/cron.deny, /etc/at.allow and /etc/at.deny (each present or not; names exact, with blanks around,
 * as a "#" line, empty lines, a last line without a newline), and the fixture's own crontab (Debian
 * cron) and atq (at 3.1) decide, run as root and as two ordinary users in a chroot of an overlay of the
 * Ubuntu fixture: `su -s /bin/sh USER -c 'crontab -l'` prints "You (USER) are not allowed to use this
 * program" and `atq` "You do not have permission to use atq" when the lists forbid it. cis-bdd's
 * schedulerAccessLists fact (over rootfs: of the same tree) and mayUse must predict each answer.
 *
 * Safety: crontab -l and atq only read; neither cron nor atd is started.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureUbuntuBase, repoRoot, withOverlay } from '../support/fixtures.js';

const RUNS = Number(process.env.CIS_BDD_DIFF_RUNS ?? 200);
const SEED = 1313;
const USERS = ['root', 'alice', 'bob'];
const FILES = ['/etc/cron.allow', '/etc/cron.deny', '/etc/at.allow', '/etc/at.deny'];
const dist = (m: string) => import(path.join(repoRoot, 'dist/src', m));

const lineArb = fc.constantFrom('root', 'alice', 'bob', ' alice', 'bob ', '\talice', '# bob', '#alice', '', 'carol', 'ALICE');
const listArb = fc.option(fc.record({ lines: fc.array(lineArb, { maxLength: 4 }), newline: fc.boolean() }), { nil: undefined });
const caseArb = fc.tuple(listArb, listArb, listArb, listArb);
type List = { lines: string[]; newline: boolean } | undefined;

const text = (l: NonNullable<List>) => l.lines.join('\n') + (l.newline && l.lines.length ? '\n' : '');

describe('differential: cron and at allow/deny lists as crontab and atq decide (fixture Debian cron, at 3.1)', () => {
  it(`cis-bdd predicts who may use crontab and at (${RUNS} generated sets of lists, ${USERS.length} users each)`, async () => {
    const base = ensureUbuntuBase();
    const { connectTarget } = await dist('api.js');
    const { FactStore } = await dist('facts/store.js');
    const { schedulerAccessLists, mayUse } = await dist('facts/cron-access.js');
    let cases = 0;
    await withOverlay(base, () => {}, async (root) => {
      execFileSync('chroot', [root, '/bin/sh', '-c', 'useradd -M alice && useradd -M bob'], { timeout: 20_000 });
      await fc.assert(fc.asyncProperty(caseArb, async (lists: List[]) => {
        cases++;
        FILES.forEach((f, i) => {
          rmSync(path.join(root, f), { force: true });
          const l = lists[i];
          if (l) writeFileSync(path.join(root, f), text(l));
        });
        const script = USERS.map((u) => `echo "@@ ${u}"; su -s /bin/sh ${u} -c 'crontab -l; atq' 2>&1`).join('; ');
        const out = execFileSync('chroot', [root, '/bin/sh', '-c', `${script}; exit 0`], { encoding: 'utf8', timeout: 20_000 });
        const real: Record<string, { cron: boolean; at: boolean }> = {};
        for (const block of out.split('@@ ').slice(1)) {
          const [user, ...rest] = block.split('\n');
          const body = rest.join('\n');
          real[user.trim()] = { cron: !/are not allowed to use this program \(crontab\)/.test(body), at: !/do not have permission to use atq/.test(body) };
        }
        const t = await connectTarget({ target: `rootfs:${root}`, out: '' });
        let seen: Map<string, unknown>;
        try { seen = await new FactStore(t).get(schedulerAccessLists); } finally { await t.close(); }
        const predicted: typeof real = {};
        for (const u of USERS) {
          predicted[u] = {
            cron: mayUse('cron', seen.get('/etc/cron.allow'), seen.get('/etc/cron.deny'), u),
            at: mayUse('at', seen.get('/etc/at.allow'), seen.get('/etc/at.deny'), u),
          };
        }
        expect(predicted, 'cis-bdd vs crontab -l / atq').toEqual(real);
      }), { seed: SEED, numRuns: RUNS });
    });
    console.log(`differential crontab -l / atq: ${cases} cases, ${USERS.length} users each, 0 disagreements`);
  }, 600_000);
});

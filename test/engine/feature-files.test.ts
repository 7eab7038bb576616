/**
 * A narrowed selection hands cucumber only the feature files that hold a selected scenario
 * (featureFilesSelecting, src/engine/selection-check.ts). Differential test against cucumber itself: for
 * each selection, cucumber's own plan (loadSources: the scenarios it would run, in order) from the files
 * chosen must equal its plan from every feature file of the benchmark. Fixed and generated selections
 * (ids, section prefixes, levels, scored only, tag expressions), on both benchmarks.
 */
import { loadConfiguration, loadSources } from '@cucumber/cucumber/api';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { featureFilesSelecting } from '../../src/engine/selection-check.js';
import { repoRoot } from '../support/fixtures.js';

const BENCHMARKS = ['cis-ubuntu-18.04-v2.1.0', 'cis-aliyun-linux-2-v1.0.0'];
const SEED = 20261207;

/** What the CLI builds (api.ts selectionTags, without a policy) from level, scored-only, expanded --only ids and --tags. */
function expression(level: 1 | 2, scoredOnly: boolean, ids: string[], tags: string | null): string {
  const parts: string[] = [];
  if (level === 1) parts.push('@level:1');
  if (scoredOnly) parts.push('@scored');
  if (ids.length) parts.push(`(${ids.map((id) => `@id:${id}`).join(' or ')})`);
  if (tags) parts.push(`(${tags})`);
  return parts.join(' and ');
}

async function plan(paths: string[], tagExpression: string): Promise<string[]> {
  const { runConfiguration } = await loadConfiguration({ file: false, provided: { paths, tags: tagExpression } }, { cwd: repoRoot });
  const { plan: p, errors } = await loadSources(runConfiguration.sources, { cwd: repoRoot });
  expect(errors).toEqual([]);
  return p.map((x) => `${x.uri} ${x.name}`);
}

const catalogue = (b: string) => readFileSync(path.join(repoRoot, 'benchmarks', b, 'catalogue.csv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split(',')[0]);
/** every item id and its section prefixes, as --only accepts them, expanded the way the CLI expands them */
const expand = (b: string, only: string[]) => [...new Set(only.flatMap((o) => catalogue(b).filter((id) => id === o || id.startsWith(`${o}.`))))];

describe('feature files for a narrowed selection', () => {
  it('cucumber plans the same scenarios from the chosen files as from all of them', async () => {
    let cases = 0;
    let narrowed = 0;
    for (const b of BENCHMARKS) {
      const ids = catalogue(b);
      const prefixes = [...new Set(ids.flatMap((id) => id.split('.').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('.'))))];
      const fixed: Array<[1 | 2, boolean, string[], string | null]> = [
        [2, false, [ids[0]], null], [1, true, ['5'], null], [2, false, ['6.1'], '@not-scored'], [2, true, [], null], [1, false, [], null],
        [2, false, [], '@section:5.3 or @id:1.1.1.1'], [2, false, [ids[ids.length - 1], ids[3]], null], [2, false, [], 'not @level:1'],
      ];
      const generated = fc.sample(fc.tuple(
        fc.constantFrom<1 | 2>(1, 2), fc.boolean(),
        fc.uniqueArray(fc.constantFrom(...ids, ...prefixes), { minLength: 0, maxLength: 3 }),
        fc.option(fc.constantFrom('@scored', 'not @level:2', '@section:1.1', '@host:kernel', 'not @section:4.1'), { freq: 2 }),
      ), { seed: SEED, numRuns: 8 });
      for (const [level, scoredOnly, only, tags] of [...fixed, ...generated]) {
        const expanded = expand(b, only);
        const expr = expression(level, scoredOnly, expanded, tags);
        const files = featureFilesSelecting(b, expr, expanded);
        const all = await plan([`features/${b}/**/*.feature`], expr);
        if (files) {
          narrowed++;
          expect(await plan(files.map((f) => `features/${b}/${f}`), expr), `${b}: ${expr}`).toEqual(all);
        } else {
          // every file, or (a selection of nothing) no file for cucumber to be given
          expect(expr === '' || all.length === 0, `${b}: ${expr}`).toBe(true);
        }
        cases++;
      }
    }
    console.log(`feature files: ${cases} selections, ${narrowed} narrowed to some files, cucumber's plan the same for all`);
    expect(narrowed).toBeGreaterThan(cases / 2);
  }, 300_000);
});

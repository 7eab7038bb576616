/**
 * The headline counts and score (src/model/counts.ts, README "Counts and score"): every item in exactly
 * one count, pass and fail of scored items only, the score from them, the outcome the exit code follows,
 * and CIS-CAT's view derived from the same numbers.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/fixtures.js';

const { headlineCounts, cisCatView, scoreOf, formatScore, countsLine } = await import(pathToFileURL(path.join(repoRoot, 'dist/src/model/counts.js')).href) as typeof import('../../src/model/counts.js');
const { STATUSES } = await import(pathToFileURL(path.join(repoRoot, 'dist/src/model/verdict.js')).href) as typeof import('../../src/model/verdict.js');

type Item = { scored: boolean; status: (typeof STATUSES)[number] };
const item = (status: Item['status'], scored = true): Item => ({ status, scored });

describe('headline counts', () => {
  it('counts pass and fail of scored items; not-scored ones apart; the score from the scored ones', () => {
    // the example: 57 + 5 passed, 104 + 4 failed
    const items = [
      ...Array.from({ length: 57 }, () => item('pass')), ...Array.from({ length: 5 }, () => item('pass', false)),
      ...Array.from({ length: 104 }, () => item('fail')), ...Array.from({ length: 4 }, () => item('fail', false)),
      item('error', false), item('unknown'), item('not-applicable'), item('manual', false), item('waived'), item('not-selected'), item('not-selected', false),
    ];
    const c = headlineCounts(items);
    expect(c).toEqual({
      total: 177, selected: 175, scored: 164, pass: 57, fail: 104, notScoredPass: 5, notScoredFail: 4,
      error: 1, unknown: 1, notApplicable: 1, manual: 1, waived: 1, notSelected: 2, score: 35.4, outcome: 'not-compliant',
    });
    expect(formatScore(c.score)).toBe('35.4%');
    expect(countsLine(c)).toBe('57 pass, 104 fail, 1 error, 1 unknown, 1 not applicable, 1 manual, 1 waived; not scored: 5 pass, 4 fail');
    expect(cisCatView(items, c)).toEqual({ total: 177, scored: 165, pass: 57, fail: 104, error: 1, unknown: 1, notApplicable: 1, notChecked: 1, notSelected: 2, informational: 9 });
  });

  it('outcome: a scored failure decides; else an error or a scored unknown; a not-scored failure or unknown does not', () => {
    expect(headlineCounts([item('pass'), item('fail', false), item('unknown', false)]).outcome).toBe('compliant');
    expect(headlineCounts([item('pass'), item('unknown')]).outcome).toBe('incomplete');
    expect(headlineCounts([item('pass'), item('error', false)]).outcome).toBe('incomplete');
    expect(headlineCounts([item('error'), item('fail')]).outcome).toBe('not-compliant');
    expect(headlineCounts([item('waived'), item('manual')])).toMatchObject({ score: null, outcome: 'compliant' });
    expect(formatScore(null)).toBe('n/a');
  });

  it('refuses a status it does not know, rather than leave an item out of every count', () => {
    expect(() => headlineCounts([{ scored: true, status: 'passed' as Item['status'] }])).toThrow(/unknown status "passed"/);
  });

  it('for any list of verdicts: the counts add up to the total, and score and outcome follow from them (500 cases, seed 2121)', () => {
    let cases = 0;
    fc.assert(fc.property(fc.array(fc.record({ scored: fc.boolean(), status: fc.constantFrom(...STATUSES) }), { maxLength: 300 }), (items) => {
      cases++;
      const c = headlineCounts(items);
      const of = (s: Item['status'], scored?: boolean) => items.filter((i) => i.status === s && (scored === undefined || i.scored === scored)).length;
      expect(c.pass + c.fail + c.notScoredPass + c.notScoredFail + c.error + c.unknown + c.notApplicable + c.manual + c.waived + c.notSelected).toBe(c.total);
      expect(c.total).toBe(items.length);
      expect([c.pass, c.fail, c.notScoredPass, c.notScoredFail]).toEqual([of('pass', true), of('fail', true), of('pass', false), of('fail', false)]);
      expect(c.selected).toBe(items.length - of('not-selected'));
      expect(c.scored).toBe(items.filter((i) => i.scored && i.status !== 'not-selected').length);
      expect(c.score).toBe(scoreOf(c.pass, c.fail));
      if (c.pass + c.fail) expect(Math.abs(c.score! - (100 * c.pass) / (c.pass + c.fail))).toBeLessThanOrEqual(0.05);
      expect(c.outcome).toBe(c.fail ? 'not-compliant' : c.error || of('unknown', true) ? 'incomplete' : 'compliant');
      const cat = cisCatView(items, c);
      expect(cat.pass + cat.fail + cat.informational).toBe(of('pass') + of('fail'));
    }), { seed: 2121, numRuns: 500 });
    console.log(`headline counts: ${cases} generated lists of verdicts, 0 disagreements`);
  });
});

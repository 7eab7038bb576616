/**
 * The headline numbers of an audit: one set of counts and one score, from the list of item verdicts.
 * Every report (the terminal, summary.txt, compliance.json, fleet.json, `merge`, the HTML report) takes
 * its totals from `headlineCounts`; none counts the items itself. The README ("Counts and score")
 * defines them in words:
 *
 * - every item of the benchmark falls in exactly one count, so the counts add up to `total`;
 * - `pass` and `fail` are the selected scored items that passed or failed: they decide the score and the
 *   exit code. A not-scored item that passed or failed is `notScoredPass` / `notScoredFail` (CIS-CAT's
 *   "Informational");
 * - `error`, `unknown`, `notApplicable`, `manual` and `waived` count scored and not-scored items alike;
 * - score = pass ÷ (pass + fail), in percent with one decimal; null when both are 0;
 * - outcome: `not-compliant` when `fail` > 0, else `incomplete` when an item is in error or a scored item
 *   is unknown, else `compliant`.
 *
 * CIS-CAT's own categories (`cisCatView`) are derived from the same counts, for the table labelled as
 * CIS-CAT's view.
 */
import type { Status } from './verdict.js';

/** What the counts need of an item: its verdict and whether the benchmark scores it. */
export interface ItemVerdict {
  scored: boolean;
  status: Status;
}

export type Outcome = 'compliant' | 'not-compliant' | 'incomplete';

export interface HeadlineCounts {
  /** every item of the benchmark */
  total: number;
  /** total − notSelected */
  selected: number;
  /** selected items the benchmark scores */
  scored: number;
  /** selected scored items that passed */
  pass: number;
  /** selected scored items that failed */
  fail: number;
  /** selected not-scored items that passed (CIS-CAT: Informational) */
  notScoredPass: number;
  /** selected not-scored items that failed (CIS-CAT: Informational) */
  notScoredFail: number;
  error: number;
  unknown: number;
  notApplicable: number;
  manual: number;
  waived: number;
  notSelected: number;
  /** pass ÷ (pass + fail) in percent with one decimal, or null when no scored item passed or failed */
  score: number | null;
  outcome: Outcome;
}

/**
 * CIS-CAT's result categories, from the headline counts. Total and Scored count every item of the
 * benchmark (selected or not); Pass and Fail are the headline's; a not-scored item that passed or failed
 * is Informational; Not Checked is manual. Waived items have no CIS-CAT category.
 */
export interface CisCatCounts {
  total: number;
  scored: number;
  pass: number;
  fail: number;
  error: number;
  unknown: number;
  notApplicable: number;
  notChecked: number;
  notSelected: number;
  informational: number;
}

/** The headline counts and score of a list of item verdicts (see the module). */
export function headlineCounts(items: readonly ItemVerdict[]): HeadlineCounts {
  const c: HeadlineCounts = {
    total: items.length, selected: 0, scored: 0, pass: 0, fail: 0, notScoredPass: 0, notScoredFail: 0,
    error: 0, unknown: 0, notApplicable: 0, manual: 0, waived: 0, notSelected: 0, score: null, outcome: 'compliant',
  };
  let scoredUnknown = 0;
  for (const i of items) {
    if (i.status !== 'not-selected' && i.scored) c.scored++;
    switch (i.status) {
      case 'pass': if (i.scored) c.pass++; else c.notScoredPass++; break;
      case 'fail': if (i.scored) c.fail++; else c.notScoredFail++; break;
      case 'error': c.error++; break;
      case 'unknown': c.unknown++; if (i.scored) scoredUnknown++; break;
      case 'not-applicable': c.notApplicable++; break;
      case 'manual': c.manual++; break;
      case 'waived': c.waived++; break;
      case 'not-selected': c.notSelected++; break;
      default: throw new Error(`unknown status "${String(i.status)}"`);
    }
  }
  c.selected = c.total - c.notSelected;
  c.score = scoreOf(c.pass, c.fail);
  c.outcome = c.fail ? 'not-compliant' : c.error || scoredUnknown ? 'incomplete' : 'compliant';
  return c;
}

/** pass ÷ (pass + fail) in percent, one decimal; null when nothing passed or failed. */
export function scoreOf(pass: number, fail: number): number | null {
  return pass + fail ? Math.round((pass / (pass + fail)) * 1000) / 10 : null;
}

/** The score as printed everywhere: "35.4%", or "n/a". */
export function formatScore(score: number | null): string {
  return score === null ? 'n/a' : `${score.toFixed(1)}%`;
}

/** CIS-CAT's categories for the same items (see CisCatCounts). */
export function cisCatView(items: readonly ItemVerdict[], counts: HeadlineCounts = headlineCounts(items)): CisCatCounts {
  return {
    total: counts.total,
    scored: items.filter((i) => i.scored).length,
    pass: counts.pass,
    fail: counts.fail,
    error: counts.error,
    unknown: counts.unknown,
    notApplicable: counts.notApplicable,
    notChecked: counts.manual,
    notSelected: counts.notSelected,
    informational: counts.notScoredPass + counts.notScoredFail,
  };
}

/** The counts as one line: "57 pass, 104 fail, 3 error, 0 unknown, 20 not applicable, 9 manual, 0 waived; not scored: 5 pass, 4 fail" */
export function countsLine(c: HeadlineCounts): string {
  const line = `${c.pass} pass, ${c.fail} fail, ${c.error} error, ${c.unknown} unknown, ${c.notApplicable} not applicable, ${c.manual} manual, ${c.waived} waived`;
  return c.notScoredPass || c.notScoredFail ? `${line}; not scored: ${c.notScoredPass} pass, ${c.notScoredFail} fail` : line;
}

/**
 * What an audit, a harden or each target of a fleet asks to select, checked before any target is opened:
 * a tag expression that does not parse, a benchmark that does not exist, a flag that contradicts the
 * policy, or filters that leave nothing to audit are one line and exit 2. When the benchmark comes from
 * the target's /etc/os-release, a selection is refused here only if it is empty in every benchmark; the
 * audit checks it again once the benchmark is settled.
 */
import { UsageError } from '../engine/usage-error.js';
import { benchmarkIds } from '../engine/benchmarks.js';
import { closest } from '../engine/did-you-mean.js';

/** The options that select, as audit and harden parse them. */
export interface SelectionValues { benchmark?: string; level?: string; 'scored-only'?: boolean; only?: string; tags?: string; policy?: string }

export async function checkSelectionBeforeRun(values: SelectionValues, policyFile = values.policy): Promise<void> {
  const check = await import('../engine/selection-check.js');
  if (values.tags !== undefined) check.checkTagSyntax(values.tags, '--tags');
  const known = benchmarkIds();
  if (values.benchmark !== undefined && values.benchmark !== 'closest' && !known.includes(values.benchmark)) {
    const near = closest(values.benchmark, known);
    throw new UsageError(`unknown benchmark "${values.benchmark}"${near ? ` (did you mean ${near}?)` : ''}; known: ${known.join(', ')}, or "closest"`);
  }
  const level = values.level ? (Number(values.level) as 1 | 2) : undefined;
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const policy = policyFile ? await (await import('../api.js')).loadPolicyChecked(policyFile) : undefined;
  check.assertNoPolicyConflict(policy, { benchmark: values.benchmark, level, scoredOnly: values['scored-only'] });
  if (!policy && level !== 1 && !values['scored-only'] && !only?.length && !values.tags) return; // the whole benchmark
  const req = { level, scoredOnly: values['scored-only'], only, tags: values.tags, policy };
  const benchmark = values.benchmark !== 'closest' ? values.benchmark ?? policy?.benchmark : policy?.benchmark;
  if (benchmark) check.assertRequestSelects(benchmark, req);
  else check.assertSelectsInSome(req);
  // the selection is not empty, but a tag no scenario carries (in "not @levl:1", say) is most likely a slip
  if (values.tags) for (const w of check.unknownTags(values.tags, benchmark ? [benchmark] : known)) process.stderr.write(`cis-bdd: warning: --tags "${values.tags}": ${w}\n`);
}

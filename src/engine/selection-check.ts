/**
 * Selecting nothing is not compliance. Before a target is audited, the selection (a policy's profile,
 * include and exclude; --level, --scored-only, --only, --tags) is tried against the scenarios of the
 * benchmark, with cucumber's own Gherkin compiler and tag-expression parser: a tag expression that does
 * not parse, or filters that leave no scenario, is a usage error (exit 2) naming the filter that emptied
 * the selection and the tags the benchmark's scenarios carry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { benchmarkIds, featuresDir } from './benchmarks.js';
import { loadBenchmark } from './catalogue.js';
import { UsageError } from './usage-error.js';
import { closest } from './did-you-mean.js';
import { policyTagExpression } from '../policy/apply.js';
import type { Policy } from '../policy/policy.js';
import { byCodeUnits } from '../model/text.js';

// gherkin and messages load when a selection is checked, not with every module that imports this one
const require = createRequire(import.meta.url);

type TagExpression = { evaluate(tags: string[]): boolean };

/** cucumber's tag-expression parser (the one `cucumber-js --tags` uses). */
export function parseTags(expr: string): TagExpression {
  const parse = require('@cucumber/tag-expressions') as { default?: (s: string) => TagExpression } & ((s: string) => TagExpression);
  return (parse.default ?? parse)(expr);
}

/** A tag expression given on the command line: one that does not parse is a usage error, before anything runs. */
export function checkTagSyntax(expr: string, label: string): void {
  try {
    parseTags(expr);
  } catch (e) {
    const why = (e as Error).message.split('\n')[0].replace(/\s*\.?\s*$/, '');
    throw new UsageError(`${label} "${expr}" is not a tag expression (${why}); write for example --tags "@level:1 and not @section:1.1"`);
  }
}

function featureFiles(benchmarkId: string): string[] {
  return readdirSync(featuresDir(benchmarkId)).filter((x) => x.endsWith('.feature')).sort();
}

/** A feature file's text, read once per process (the selection check and the audit both look at it). */
const textCache = new Map<string, string>();
function featureText(benchmarkId: string, f: string): string {
  const key = `${benchmarkId}/${f}`;
  let text = textCache.get(key);
  if (text === undefined) textCache.set(key, text = readFileSync(path.join(featuresDir(benchmarkId), f), 'utf8'));
  return text;
}

/** One feature file's scenarios (every row of every outline), as cucumber compiles them: their tags. */
const fileCache = new Map<string, string[][]>();
function fileScenarioTags(benchmarkId: string, f: string): string[][] {
  const key = `${benchmarkId}/${f}`;
  const hit = fileCache.get(key);
  if (hit) return hit;
  const { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } = require('@cucumber/gherkin') as typeof import('@cucumber/gherkin');
  const { IdGenerator } = require('@cucumber/messages') as typeof import('@cucumber/messages');
  const newId = IdGenerator.incrementing();
  const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(featureText(benchmarkId, f));
  const out = compile({ ...doc, uri: f }, f, newId).map((pickle) => pickle.tags.map((t) => t.name));
  fileCache.set(key, out);
  return out;
}

/**
 * The feature files that can hold a scenario tagged with one of these item ids: those whose text has the
 * tag. A pickle's tags are the tags written in its own file, so no other file can hold one; only these
 * files need parsing when an --only filter is and-ed with the rest.
 */
function filesWithIds(benchmarkId: string, ids: string[]): string[] {
  const re = new RegExp(`@id:(?:${ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?=\\s|$)`, 'm');
  return featureFiles(benchmarkId).filter((f) => re.test(featureText(benchmarkId, f)));
}

/** The tags of every scenario (every row of every outline) of a benchmark's features, as cucumber compiles them. */
export function scenarioTags(benchmarkId: string): string[][] {
  return featureFiles(benchmarkId).flatMap((f) => fileScenarioTags(benchmarkId, f));
}

/**
 * The feature files (names in the benchmark's features folder) holding a scenario that the tag expression selects, or
 * null for every file (an empty expression). With --only ids (and-ed into the expression), only the files
 * that carry those ids' tags are parsed. cucumber runs the same expression on these files: giving it only
 * them spares it parsing the others.
 */
export function featureFilesSelecting(benchmarkId: string, expression: string, onlyIds: string[]): string[] | null {
  if (!expression) return null;
  const expr = parseTags(expression);
  const candidates = onlyIds.length ? filesWithIds(benchmarkId, onlyIds) : featureFiles(benchmarkId);
  const files = candidates.filter((f) => fileScenarioTags(benchmarkId, f).some((tags) => expr.evaluate(tags)));
  return files.length ? files : null;
}

/** The tags a benchmark's scenarios carry, in one line: families with many values (ids, sections) shown as a pattern. */
export function knownTagsLine(benchmarkId: string): string {
  const byFamily = new Map<string, Set<string>>();
  for (const tags of scenarioTags(benchmarkId)) {
    for (const t of tags) {
      const family = t.includes(':') ? t.slice(0, t.indexOf(':') + 1) : t;
      if (!byFamily.has(family)) byFamily.set(family, new Set());
      byFamily.get(family)!.add(t);
    }
  }
  const parts: string[] = [];
  for (const [family, values] of [...byFamily].sort((a, b) => a[1].size - b[1].size || byCodeUnits(a[0], b[0]))) {
    if (values.size <= 6) parts.push(...[...values].sort());
    else parts.push(`${family}${family === '@id:' ? '<item id>' : family === '@section:' ? '<section id>' : '<value>'}`);
  }
  return parts.join(', ');
}

/** A file as messages show it: relative to the working directory when it is under it. */
export function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** One filter of a selection: how the user wrote it, and the tag expression it stands for ('' selects everything). */
export interface SelectionFilter { label: string; expression: string; /** the item ids of an --only filter */ ids?: string[] }

/**
 * Throw a UsageError when the filters, applied one after the other, leave no scenario of the benchmark:
 * the message names the filter that emptied the selection, what the others selected, a tag no scenario
 * carries (with the nearest known one), and the known tags.
 */
export function assertSelects(benchmarkId: string, filters: SelectionFilter[]): void {
  if (!filters.some((f) => f.expression)) return; // the whole benchmark: nothing to parse
  // with --only, the files that carry its ids are enough to find a selected scenario; the message for an
  // empty selection counts over every file
  const only = filters.find((f) => f.ids?.length);
  if (only) {
    const exprs = filters.filter((f) => f.expression).map((f) => { try { return parseTags(f.expression); } catch { return null; } });
    if (exprs.every((e) => e) && filesWithIds(benchmarkId, only.ids!).some((f) => fileScenarioTags(benchmarkId, f).some((tags) => exprs.every((e) => e!.evaluate(tags))))) return;
  }
  let remaining = scenarioTags(benchmarkId);
  const before: string[] = [];
  for (const f of filters) {
    if (!f.expression) continue;
    let expr: TagExpression;
    try {
      expr = parseTags(f.expression);
    } catch (e) {
      throw new UsageError(`${f.label}: not a tag expression (${(e as Error).message.split('\n')[0]})`);
    }
    const next = remaining.filter((tags) => expr.evaluate(tags));
    if (!next.length) throw new UsageError(emptyMessage(benchmarkId, f, before, remaining.length));
    remaining = next;
    before.push(f.label);
  }
}

/**
 * The tags of an expression that no scenario of these benchmarks carries, each with the nearest known one:
 * `not @levl:1` selects everything, yet is almost surely a slip.
 */
export function unknownTags(expr: string, benchmarks: string[]): string[] {
  const known = new Set(benchmarks.flatMap((b) => scenarioTags(b).flat()));
  return [...new Set(expr.match(/@[^\s()]+/g) ?? [])].filter((t) => !known.has(t)).map((t) => {
    const near = /^@(id|section):/.test(t) ? undefined : closest(t, [...known]);
    return `no scenario has the tag ${t}${near ? ` (did you mean ${near}?)` : ''}`;
  });
}

function emptyMessage(benchmarkId: string, f: SelectionFilter, before: string[], remainingCount: number): string {
  const all = scenarioTags(benchmarkId);
  // a near id or section is a different item, not a slip: unknownTags suggests only for the other families
  const hints = unknownTags(f.expression, [benchmarkId]);
  const alone = parseTags(f.expression);
  const selectsAlone = all.filter((tags) => alone.evaluate(tags)).length;
  const head = !before.length || !selectsAlone
    ? `${f.label} selects no item of ${benchmarkId}`
    : `${before.join(', ')} select${before.length === 1 ? 's' : ''} ${remainingCount} item(s) of ${benchmarkId}, and ${f.label} (${selectsAlone} item(s) alone) leaves none of them`;
  return `nothing to audit: ${head}${hints.length ? `; ${hints.join('; ')}` : ''}; known tags: ${knownTagsLine(benchmarkId)}`;
}

/** What a run asks for, as the user wrote it (the policy's profile applies when there is a policy). */
export interface SelectionRequest {
  level?: 1 | 2;
  scoredOnly?: boolean;
  only?: string[];
  tags?: string | null;
  policy?: Pick<Policy, 'file' | 'benchmark' | 'level' | 'scoredOnly' | 'include' | 'exclude'>;
}

/** The filters of a request, in the order they narrow the selection, for one benchmark. */
export function selectionFilters(benchmarkId: string, req: SelectionRequest): SelectionFilter[] {
  const filters: SelectionFilter[] = [];
  const p = req.policy;
  if (p) {
    const parts = [`profile level-${p.level}`, ...(p.scoredOnly ? ['scored only'] : []),
      ...(p.include.length ? [`include ${p.include.join(', ')}`] : []), ...(p.exclude.length ? [`exclude ${p.exclude.join(', ')}`] : [])];
    filters.push({ label: `the policy ${shownPath(p.file)} (${parts.join('; ')})`, expression: policyTagExpression(p, (s) => expandIds(p.benchmark, [s])) });
  } else {
    if (req.level === 1) filters.push({ label: '--level 1', expression: '@level:1' });
    if (req.scoredOnly) filters.push({ label: '--scored-only', expression: '@scored' });
  }
  if (req.only?.length) {
    const ids = expandIds(benchmarkId, req.only);
    filters.push({ label: `--only ${req.only.join(',')}`, expression: ids.map((id) => `@id:${id}`).join(' or '), ids });
  }
  if (req.tags) filters.push({ label: `--tags "${req.tags}"`, expression: req.tags });
  return filters;
}

/** The item ids a request selects in a benchmark (a usage error when it selects none). */
export function selectedIds(benchmarkId: string, req: SelectionRequest): string[] {
  const filters = selectionFilters(benchmarkId, req);
  assertSelects(benchmarkId, filters);
  const exprs = filters.filter((f) => f.expression).map((f) => parseTags(f.expression));
  return scenarioTags(benchmarkId).filter((tags) => exprs.every((e) => e.evaluate(tags)))
    .map((tags) => tags.find((t) => t.startsWith('@id:'))?.slice(4)).filter((id): id is string => !!id);
}

/** Throw a UsageError when the request selects nothing in this benchmark (see assertSelects). */
export function assertRequestSelects(benchmarkId: string, req: SelectionRequest): void {
  assertSelects(benchmarkId, selectionFilters(benchmarkId, req));
}

/**
 * When the benchmark is not known yet (it will come from the target's /etc/os-release): refuse only a
 * selection that is empty in every benchmark; the audit checks again once the benchmark is settled.
 */
export function assertSelectsInSome(req: SelectionRequest, benchmarks: string[] = benchmarkIds()): void {
  let first: unknown;
  for (const b of benchmarks) {
    try {
      assertRequestSelects(b, req);
      return;
    } catch (e) {
      first ??= e;
    }
  }
  // empty in every benchmark: say so, rather than name the first one as if the target ran it
  if (first instanceof UsageError && benchmarks.length > 1) throw new UsageError(first.message.replace(` of ${benchmarks[0]}`, ` of ${benchmarks.join(' or ')}`));
  if (first) throw first;
}

/** --only ids and section prefixes, expanded against the catalogue; an unknown one is a usage error. */
export function expandIds(benchmarkId: string, only: string[]): string[] {
  const items = loadBenchmark(benchmarkId).items;
  const out = new Set<string>();
  for (const o of only) {
    const matched = items.filter((i) => i.id === o || i.id.startsWith(`${o}.`));
    if (!matched.length) throw new UsageError(`--only ${o}: no item or section with that id in ${benchmarkId}; "cis-bdd list --benchmark ${benchmarkId}" lists them`);
    for (const m of matched) out.add(m.id);
  }
  return [...out];
}

/**
 * With a policy, the policy decides the benchmark, the profile level and scored-only: a flag that says
 * otherwise is refused with the fix (a flag that says the same is accepted). --only and --tags narrow
 * the policy's selection and are recorded as the run's selection.
 */
export function assertNoPolicyConflict(policy: Pick<Policy, 'file' | 'benchmark' | 'level' | 'scoredOnly'> | undefined, flags: { benchmark?: string; level?: 1 | 2; scoredOnly?: boolean }): void {
  if (!policy) return;
  const file = shownPath(policy.file);
  if (flags.benchmark && flags.benchmark !== policy.benchmark) {
    throw new UsageError(`--benchmark ${flags.benchmark} contradicts the policy, which is for ${policy.benchmark} (${file}); leave --benchmark out or use a policy for ${flags.benchmark}`);
  }
  if (flags.level !== undefined && flags.level !== policy.level) {
    throw new UsageError(`--level ${flags.level} contradicts the policy ${file} (profile: level-${policy.level}); leave --level out, the policy sets the level, or change its profile`);
  }
  if (flags.scoredOnly && !policy.scoredOnly) {
    throw new UsageError(`--scored-only contradicts the policy ${file} (scored-only: false); leave --scored-only out, or set "scored-only: true" in the policy`);
  }
}

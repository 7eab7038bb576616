/**
 * Policies: which items to audit (benchmark, profile, include/exclude), tailored values, and waivers with
 * reasons, owners, expiry dates and scope. A policy file is YAML, validated against
 * src/policy/policy.schema.json and against the benchmarks known, the benchmark's catalogue and the tailoring
 * values its manifest declares;
 * every problem is reported with the file and line it is on. A policy may extend another.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Document } from 'yaml';
import type Ajv2020 from 'ajv/dist/2020.js';
import { packageRoot } from '../engine/paths.js';
import { loadBenchmark } from '../engine/catalogue.js';
import { benchmarkIds, tailoringDecl } from '../engine/benchmarks.js';
import { typeProblem } from '../model/benchmark.js';

export interface WaiverScope { kinds?: string[]; targets?: string[] }

export interface Waiver {
  /** item ids this waiver names, or undefined when it is by tag expression */
  ids?: string[];
  tags?: string;
  reason: string;
  owner?: string;
  expires?: string;
  scope?: WaiverScope;
  /** where it was declared, for reports: file:line */
  declaredAt: string;
}

export interface Policy {
  name: string;
  file: string;
  /** sha256 over the policy file and every file it extends, in order */
  hash: string;
  files: string[];
  benchmark: string;
  level: 1 | 2;
  scoredOnly: boolean;
  include: string[];
  exclude: string[];
  tailoring: Record<string, unknown>;
  waivers: Waiver[];
}

export interface PolicyProblem { file: string; line: number; message: string }

export class PolicyError extends Error {
  constructor(readonly problems: PolicyProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
    this.name = 'PolicyError';
  }
}

interface RawPolicy {
  name?: string;
  description?: string;
  benchmark?: string;
  extends?: string;
  profile?: 'level-1' | 'level-2';
  'scored-only'?: boolean;
  include?: string[];
  exclude?: string[];
  tailoring?: Record<string, unknown>;
  waivers?: Array<{ id?: string; ids?: string[]; tags?: string; reason: string; owner?: string; expires?: string; scope?: WaiverScope }>;
}

interface ParsedFile { file: string; text: string; raw: RawPolicy; lineOf: (p: Array<string | number>) => number }

// yaml and ajv load when a policy is read, not with every module that imports this one (the CLI, the
// formatters, the Allure thread): most audits have no policy, and the two cost some 60 ms to load.
const require = createRequire(import.meta.url);
const yaml = () => require('yaml') as typeof import('yaml');

let validateSchema: ReturnType<InstanceType<typeof Ajv2020.default>['compile']> | undefined;
function schemaValidator() {
  if (!validateSchema) {
    const schema = JSON.parse(readFileSync(path.join(packageRoot(), 'src/policy/policy.schema.json'), 'utf8'));
    const Ajv = require('ajv/dist/2020.js') as typeof Ajv2020;
    const ajv = new (Ajv as unknown as typeof Ajv2020.default)({ allErrors: true, strict: false });
    validateSchema = ajv.compile(schema);
  }
  return validateSchema;
}

function parseFile(file: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PolicyError([{ file, line: 0, message: `cannot read the policy: ${(e as NodeJS.ErrnoException).code ?? e}` }]);
  }
  const { LineCounter, parseDocument, isMap, isSeq } = yaml();
  const counter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new PolicyError(doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line ?? counter.linePos(e.pos[0]).line, message: `YAML: ${e.message.split('\n')[0]}` })));
  }
  const raw = (doc.toJS() ?? {}) as RawPolicy;
  const lineOf = (p: Array<string | number>): number => {
    for (let n = p.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return counter.linePos(range[0]).line;
      if (n > 0 && (isMap(node) || isSeq(node))) continue;
    }
    return 1;
  };
  const problems: PolicyProblem[] = [];
  const validate = schemaValidator();
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PolicyError([{ file, line: 1, message: 'a policy is a YAML mapping (key: value lines)' }]);
  }
  if (!validate(raw)) {
    for (const err of validate.errors ?? []) {
      const parts = err.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
      let message = `${err.instancePath || 'policy'} ${err.message}`;
      if (err.keyword === 'additionalProperties') {
        const key = (err.params as { additionalProperty: string }).additionalProperty;
        message = `unknown key "${key}" in ${err.instancePath || 'the policy'}`;
        parts.push(key);
      }
      if (err.keyword === 'enum') message = `${err.instancePath} must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
      if (err.keyword === 'oneOf') message = `${err.instancePath}: a waiver names exactly one of "id", "ids" or "tags"`;
      if (err.keyword === 'pattern' && /expires$/.test(err.instancePath)) message = `${err.instancePath} must be a date written YYYY-MM-DD`;
      problems.push({ file, line: lineOf(parts), message });
    }
  }
  if (problems.length) throw new PolicyError(dedupe(problems));
  return { file, text, raw, lineOf };
}

function dedupe(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => { const k = `${p.line}:${p.message}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

/** Load a policy (and what it extends), validate it, and resolve it into one Policy. */
export function loadPolicy(file: string): Policy {
  const chain: ParsedFile[] = [];
  let current: string | undefined = path.resolve(file);
  while (current) {
    if (chain.some((c) => c.file === current)) {
      throw new PolicyError([{ file: chain[chain.length - 1].file, line: chain[chain.length - 1].lineOf(['extends']), message: `extends ${current}, which extends it back: a cycle` }]);
    }
    const parsed = parseFile(current);
    chain.push(parsed);
    current = parsed.raw.extends ? path.resolve(path.dirname(current), parsed.raw.extends) : undefined;
  }
  // apply from the root ancestor down to the file itself
  const ordered = [...chain].reverse();
  const problems: PolicyProblem[] = [];
  let benchmark: string | undefined;
  let benchmarkFrom: ParsedFile | undefined;
  let level: 1 | 2 = 2;
  let scoredOnly = false;
  const include: string[] = [];
  const exclude: string[] = [];
  const tailoring: Record<string, unknown> = {};
  let waivers: Waiver[] = [];
  let name = path.basename(file, path.extname(file));
  for (const p of ordered) {
    const r = p.raw;
    if (r.benchmark) {
      if (benchmark && r.benchmark !== benchmark) problems.push({ file: p.file, line: p.lineOf(['benchmark']), message: `benchmark ${r.benchmark} differs from ${benchmark}, set by ${benchmarkFrom!.file}` });
      benchmark = r.benchmark;
      benchmarkFrom = p;
    }
    if (r.name) name = r.name;
    if (r.profile) level = r.profile === 'level-1' ? 1 : 2;
    if (r['scored-only'] !== undefined) scoredOnly = r['scored-only'];
    include.push(...(r.include ?? []));
    exclude.push(...(r.exclude ?? []));
    Object.assign(tailoring, r.tailoring ?? {});
    const own = (r.waivers ?? []).map((w, i): Waiver => ({
      ids: w.id ? [w.id] : w.ids, tags: w.tags, reason: w.reason, owner: w.owner, expires: w.expires, scope: w.scope,
      declaredAt: `${path.relative(process.cwd(), p.file) || p.file}:${p.lineOf(['waivers', i])}`,
    }));
    // a waiver here for the same ids (or tags) replaces the inherited one
    const key = (w: Waiver) => w.tags ?? (w.ids ?? []).join(',');
    const ownKeys = new Set(own.map(key));
    waivers = [...waivers.filter((w) => !ownKeys.has(key(w))), ...own];
  }
  const self = chain[0];
  if (!benchmark) {
    throw new PolicyError([{ file: self.file, line: 1, message: 'no benchmark: set "benchmark" (here or in the policy it extends)' }]);
  }
  if (!benchmarkIds().includes(benchmark)) {
    throw new PolicyError([{ file: benchmarkFrom!.file, line: benchmarkFrom!.lineOf(['benchmark']), message: `unknown benchmark "${benchmark}"; known: ${benchmarkIds().join(', ')}` }]);
  }
  const catalogue = loadBenchmark(benchmark);
  const knownId = (id: string) => catalogue.items.some((i) => i.id === id || i.id.startsWith(`${id}.`));
  const isTagExpression = (s: string) => s.startsWith('@') || /^\(|^not\s/.test(s);
  for (const p of ordered) {
    for (const list of ['include', 'exclude'] as const) {
      (p.raw[list] ?? []).forEach((sel, i) => {
        if (!isTagExpression(sel) && !knownId(sel)) problems.push({ file: p.file, line: p.lineOf([list, i]), message: `${list}: "${sel}" is neither an item nor a section of ${benchmark}` });
        if (isTagExpression(sel)) problems.push(...tagExpressionProblems(sel, p.file, p.lineOf([list, i])));
      });
    }
    (p.raw.waivers ?? []).forEach((w, i) => {
      const ids = w.id ? [w.id] : w.ids ?? [];
      ids.forEach((id, j) => {
        if (!catalogue.items.some((it) => it.id === id)) {
          problems.push({ file: p.file, line: p.lineOf(w.id ? ['waivers', i, 'id'] : ['waivers', i, 'ids', j]), message: `waiver for unknown item ${id}: ${benchmark} has no such item` });
        }
      });
      if (w.tags) problems.push(...tagExpressionProblems(w.tags, p.file, p.lineOf(['waivers', i, 'tags'])));
      if (w.expires && Number.isNaN(Date.parse(`${w.expires}T00:00:00Z`)) || (w.expires && new Date(`${w.expires}T00:00:00Z`).toISOString().slice(0, 10) !== w.expires)) {
        problems.push({ file: p.file, line: p.lineOf(['waivers', i, 'expires']), message: `expires ${w.expires} is not a real date` });
      }
    });
    for (const [k, v] of Object.entries(p.raw.tailoring ?? {})) {
      const decl = tailoringDecl(benchmark, k);
      if (!decl) problems.push({ file: p.file, line: p.lineOf(['tailoring', k]), message: `unknown tailoring value "${k}" for ${benchmark}; run "cis-bdd list --tailoring" for the names` });
      else {
        const why = typeProblem(decl, v);
        if (why) problems.push({ file: p.file, line: p.lineOf(['tailoring', k]), message: why });
      }
    }
  }
  if (problems.length) throw new PolicyError(dedupe(problems));
  const hash = createHash('sha256');
  for (const p of chain) hash.update(p.text);
  return {
    name, file: self.file, hash: hash.digest('hex'), files: chain.map((c) => c.file), benchmark, level, scoredOnly,
    include, exclude, tailoring, waivers,
  };
}

function tagExpressionProblems(expr: string, file: string, line: number): PolicyProblem[] {
  try {
    parseTagExpression(expr);
    return [];
  } catch (e) {
    return [{ file, line, message: `tag expression "${expr}": ${(e as Error).message}` }];
  }
}

import tagExpressionParser from '@cucumber/tag-expressions';
export function parseTagExpression(expr: string): { evaluate(tags: string[]): boolean } {
  return (tagExpressionParser as unknown as (s: string) => { evaluate(tags: string[]): boolean })(expr);
}

/**
 * The benchmarks this run knows: one folder per benchmark, `<id>/benchmark.json`, under the project's
 * benchmarks/ and under any folder given with useBenchmarksDir (the CLI passes CIS_BDD_BENCHMARKS_DIR).
 * A manifest names the benchmark's title, its catalogue, its features, the OS releases it is written for,
 * the OS family `--benchmark closest` extends it to, and the values a policy may tailor with their
 * defaults. Paths in a manifest are relative to its folder. Adding a benchmark is adding a folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths.js';
import { UsageError } from './usage-error.js';
import {
  BENCHMARK_ID, familyDistance, typeProblem, writtenFor,
  type BenchmarkManifest, type OsIdentity, type OsReleaseRule, type TailoringDecl,
} from '../model/benchmark.js';
import { byCodeUnits } from '../model/text.js';

const MANIFEST = 'benchmark.json';
const TAILORING_TYPES = ['integer', 'string', 'string-list', 'boolean'];

/** A manifest that cannot be read or says something impossible: the file and what is wrong (exit 2). */
export class BenchmarkManifestError extends UsageError {}

const extraDirs: string[] = [];
let registry: Map<string, BenchmarkManifest> | undefined;

/** Add a folder of benchmark folders (DIR/<id>/benchmark.json) to the project's own. */
export function useBenchmarksDir(dir: string): void {
  const abs = path.resolve(dir);
  if (extraDirs.includes(abs)) return;
  extraDirs.push(abs);
  registry = undefined;
}

function load(): Map<string, BenchmarkManifest> {
  if (registry) return registry;
  const found = new Map<string, BenchmarkManifest>();
  for (const root of [path.join(packageRoot(), 'benchmarks'), ...extraDirs]) {
    let entries: string[];
    try {
      entries = readdirSync(root).sort();
    } catch (e) {
      throw new BenchmarkManifestError(`the benchmarks folder ${root} cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`);
    }
    for (const entry of entries) {
      const file = path.join(root, entry, MANIFEST);
      if (!existsSync(file)) continue;
      const m = parseManifest(readFileSync(file, 'utf8'), file);
      const twin = found.get(m.id);
      if (twin) throw new BenchmarkManifestError(`${file}: benchmark "${m.id}" is already defined by ${path.join(twin.dir, MANIFEST)}`);
      found.set(m.id, m);
    }
  }
  registry = found;
  return found;
}

/** Every benchmark known, by id. */
export function benchmarkManifests(): BenchmarkManifest[] {
  return [...load().values()].sort((a, b) => byCodeUnits(a.id, b.id));
}

export function benchmarkIds(): string[] {
  return benchmarkManifests().map((m) => m.id);
}

export function benchmarkManifest(id: string): BenchmarkManifest {
  const m = load().get(id);
  if (!m) throw new Error(`unknown benchmark "${id}"; known: ${benchmarkIds().join(', ')}`);
  return m;
}

/** The folder of a benchmark's .feature files. */
export function featuresDir(id: string): string {
  return benchmarkManifest(id).features;
}

/** The benchmarks written for this OS release (normally one; none for an OS no benchmark covers). */
export function benchmarksWrittenFor(os: OsIdentity): string[] {
  return benchmarkManifests().filter((m) => writtenFor(m, os)).map((m) => m.id);
}

/**
 * For an OS no benchmark is written for: the benchmark whose family names the OS's ID, else the earliest
 * entry of its ID_LIKE; between two at the same distance, the first by id.
 */
export function closestByFamily(os: OsIdentity): string | null {
  let best: { id: string; d: number } | null = null;
  for (const m of benchmarkManifests()) {
    const d = familyDistance(m, os);
    if (d !== undefined && (!best || d < best.d)) best = { id: m.id, d };
  }
  return best?.id ?? null;
}

/** The os-release IDs the benchmarks' families name (what `--benchmark closest` can work with). */
export function knownFamilies(): string[] {
  return [...new Set(benchmarkManifests().flatMap((m) => m.os.family))];
}

/** The values a policy for this benchmark may tailor. */
export function tailoringDeclarations(benchmarkId: string): TailoringDecl[] {
  return [...benchmarkManifest(benchmarkId).tailoring].sort((a, b) => byCodeUnits(a.name, b.name));
}

export function tailoringDecl(benchmarkId: string, name: string): TailoringDecl | undefined {
  return benchmarkManifest(benchmarkId).tailoring.find((d) => d.name === name);
}

/** Read and check one manifest; every problem names the file. */
export function parseManifest(text: string, file: string): BenchmarkManifest {
  const fail = (what: string): never => { throw new BenchmarkManifestError(`${file}: ${what}`); };
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    return fail(`not JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) fail('not a JSON object');
  only(raw, ['id', 'title', 'catalogue', 'features', 'os', 'tailoring'], '', fail);
  const dir = path.dirname(file);
  const id = str(raw.id, 'id', fail);
  if (!BENCHMARK_ID.test(id)) fail(`"id" ${JSON.stringify(id)} is not a benchmark id (lower-case letters, digits, "." and "-")`);
  if (path.basename(dir) !== id) fail(`"id" is ${JSON.stringify(id)}, but the folder is named ${JSON.stringify(path.basename(dir))}: name the folder after the id`);
  const catalogue = path.resolve(dir, str(raw.catalogue, 'catalogue', fail));
  if (!existsSync(catalogue)) fail(`"catalogue": ${catalogue} does not exist`);
  const features = path.resolve(dir, str(raw.features, 'features', fail));
  if (!existsSync(features) || !statSync(features).isDirectory()) fail(`"features": ${features} is not a folder`);
  const os = raw.os;
  if (!isObject(os)) return fail('"os" must be an object with "releases" and "family"');
  only(os, ['releases', 'family'], 'os.', fail);
  if (!Array.isArray(os.releases)) fail('"os.releases" must be a list of { "id": [...], "versionId": [...] }');
  const releases = (os.releases as unknown[]).map((r, i): OsReleaseRule => {
    if (!isObject(r)) return fail(`"os.releases[${i}]" must be an object`);
    only(r, ['id', 'versionId'], `os.releases[${i}].`, fail);
    return { id: strings(r.id, `os.releases[${i}].id`, fail), versionId: strings(r.versionId, `os.releases[${i}].versionId`, fail) };
  });
  const family = strings(os.family, 'os.family', fail);
  const tailoring = (Array.isArray(raw.tailoring) ? raw.tailoring : raw.tailoring === undefined ? [] : fail('"tailoring" must be a list'))
    .map((t: unknown, i: number) => tailoringOf(t, `tailoring[${i}]`, fail));
  const names = tailoring.map((t) => t.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) fail(`tailoring "${twice}" is declared twice`);
  return { id, title: str(raw.title, 'title', fail), dir, catalogue, features, os: { releases, family }, tailoring };
}

function tailoringOf(t: unknown, at: string, fail: (what: string) => never): TailoringDecl {
  if (!isObject(t)) return fail(`"${at}" must be an object`);
  only(t, ['name', 'type', 'default', 'description', 'items'], `${at}.`, fail);
  const name = str(t.name, `${at}.name`, fail);
  if (!/^[a-z0-9-]+$/.test(name)) fail(`"${at}.name" ${JSON.stringify(name)}: lower-case letters, digits and "-"`);
  const type = str(t.type, `${at}.type`, fail);
  if (!TAILORING_TYPES.includes(type)) fail(`"${at}.type" must be one of ${TAILORING_TYPES.join(', ')}`);
  const decl = { name, type, default: t.default, description: str(t.description, `${at}.description`, fail), items: strings(t.items, `${at}.items`, fail) } as TailoringDecl;
  const why = typeProblem(decl, t.default);
  if (why) fail(`"${at}.default": ${why}`);
  return decl;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function only(o: Record<string, unknown>, keys: string[], at: string, fail: (what: string) => never): void {
  const extra = Object.keys(o).find((k) => !keys.includes(k));
  if (extra) fail(`unknown key "${at}${extra}" (known: ${keys.join(', ')})`);
}

function str(v: unknown, at: string, fail: (what: string) => never): string {
  return typeof v === 'string' && v !== '' ? v : fail(`"${at}" must be a non-empty string`);
}

function strings(v: unknown, at: string, fail: (what: string) => never): string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '') ? v as string[] : fail(`"${at}" must be a list of non-empty strings`);
}

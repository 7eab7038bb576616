/**
 * A benchmark as data: what its manifest (benchmarks/<id>/benchmark.json) says, and the pure rules that
 * match it to an operating system. The registry (src/engine/benchmarks.ts) reads the manifests; nothing
 * in the code names a benchmark.
 */
import { globMatch } from './glob.js';

/** One item of a benchmark's catalogue. */
export interface CatalogueItem {
  id: string;
  title: string;
  level: 1 | 2;
  scored: boolean;
  section: string;
}

export type TailoringType = 'integer' | 'string' | 'string-list' | 'boolean';

/** A value a policy may tailor, with the benchmark's own value. */
export interface TailoringDecl {
  name: string;
  type: TailoringType;
  /** the benchmark's own value */
  default: number | string | string[] | boolean;
  description: string;
  /** items whose checks read it */
  items: string[];
}

/** An os-release entry that a benchmark is written for: ID one of `id`, VERSION_ID matching one of the `versionId` patterns (fnmatch). */
export interface OsReleaseRule {
  id: string[];
  versionId: string[];
}

export interface BenchmarkManifest {
  id: string;
  title: string;
  /** the folder of the manifest (absolute) */
  dir: string;
  /** the catalogue CSV (absolute): id, title, level, scored, section */
  catalogue: string;
  /** the folder of the benchmark's .feature files (absolute) */
  features: string;
  os: {
    /** the releases the benchmark is written for: the default benchmark of such a target */
    releases: OsReleaseRule[];
    /** os-release IDs (matched against ID, then ID_LIKE) whose OSes `--benchmark closest` audits with it */
    family: string[];
  };
  tailoring: TailoringDecl[];
}

/** What an OS match reads of /etc/os-release. */
export interface OsIdentity {
  id: string;
  versionId: string;
  idLike: string[];
}

/** A benchmark id: lower-case letters, digits, dots and dashes (also the pattern of the schemas). */
export const BENCHMARK_ID = /^[a-z0-9][a-z0-9.-]*$/;

/** Whether the benchmark is written for this release. */
export function writtenFor(m: BenchmarkManifest, os: OsIdentity): boolean {
  return m.os.releases.some((r) => r.id.includes(os.id) && r.versionId.some((v) => globMatch(v, os.versionId)));
}

/**
 * How close the benchmark's family is to the OS: 0 when it names the OS's ID, n when it names the n-th
 * entry of ID_LIKE (its own ID first, then ID_LIKE in order: os-release lists them closest first), or
 * undefined when it names none of them.
 */
export function familyDistance(m: BenchmarkManifest, os: OsIdentity): number | undefined {
  const i = [os.id, ...os.idLike].findIndex((f) => m.os.family.includes(f));
  return i < 0 ? undefined : i;
}

/** Why a value does not fit a tailoring declaration's type, or undefined when it does. */
export function typeProblem(decl: Pick<TailoringDecl, 'name' | 'type'>, value: unknown): string | undefined {
  switch (decl.type) {
    case 'integer': return Number.isInteger(value) ? undefined : `"${decl.name}" must be an integer, got ${JSON.stringify(value)}`;
    case 'boolean': return typeof value === 'boolean' ? undefined : `"${decl.name}" must be true or false, got ${JSON.stringify(value)}`;
    case 'string': return typeof value === 'string' && value !== '' ? undefined : `"${decl.name}" must be a non-empty string, got ${JSON.stringify(value)}`;
    case 'string-list': return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : `"${decl.name}" must be a list of strings, got ${JSON.stringify(value)}`;
  }
}

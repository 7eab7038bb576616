/**
 * Tailorable limits in step text: `... is at most 4, or the policy's "ssh-max-auth-tries"`. The number
 * written in the feature is the benchmark's own and must equal the declared default, so the feature an
 * auditor reads and the value a policy can replace never drift apart. The declarations are data, in the
 * benchmark's manifest (benchmarks/<id>/benchmark.json).
 */
import { tailoringDecl } from '../../src/engine/benchmarks.js';
import { CheckError } from '../../src/model/verdict.js';
import type { CisWorld } from './world.js';

/** Regular-expression tail matching an optional `, or the policy's "name"`. */
export const OR_POLICY = `(?:, or the policy's "([a-z0-9-]+)")?`;

export function tailoredNumber(world: CisWorld, literal: string, name: string | undefined): number {
  if (!name) return Number(literal);
  const decl = tailoringDecl(world.session.benchmarkId, name);
  if (!decl) throw new CheckError(`the step names the tailoring value "${name}", which the manifest of ${world.session.benchmarkId} does not declare`);
  if (decl.default !== Number(literal)) throw new CheckError(`the feature says ${literal}, but "${name}" is declared with the default ${JSON.stringify(decl.default)}`);
  return world.tailored<number>(name);
}

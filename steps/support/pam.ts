/**
 * The PAM stack of a service and the calls of a module in it that can really run, recorded as evidence
 * (a service without such a call records the fix that adds one): shared by the PAM and su steps.
 */
import type { CisWorld } from './world.js';
import { CheckError } from '../../src/model/verdict.js';
import { PAM_TYPES, moduleName, type PamType } from '../../src/facts/pam-parse.js';
import { describePamEntry, pamConfig, type PamStack, type PamStackEntry } from '../../src/facts/pam.js';
import { pamFlow, runnableCalls } from '../../src/facts/pam-flow.js';
import { remedyMissingRule } from './pam-fixes.js';

export function pamType(type: string): PamType {
  if (!(PAM_TYPES as readonly string[]).includes(type)) throw new CheckError(`"${type}" is not a PAM management group (${PAM_TYPES.join(', ')})`);
  return type as PamType;
}

export const stackSource = (s: PamStack) => `${s.file} (${s.type} rules, includes followed)`;

/** Several steps of one item look at the same rules: record them once. */
export function recordOnce(world: CisWorld, source: string, excerpt: string) {
  if (!world.evidence.some((e) => e.source === source && e.excerpt === excerpt)) world.record(source, excerpt);
}

/** The stack of a service for one group; a missing service file fails, a broken rule on the way is an error. */
export async function pamStack(world: CisWorld, service: string, type: string): Promise<PamStack> {
  const stack = (await world.fact(pamConfig)).stack(service, pamType(type));
  if (!stack.exists) {
    world.record(stack.file, 'does not exist');
    world.fail(`${stack.file} does not exist`);
  }
  if (stack.problems.length) {
    world.record(stackSource(stack), stack.problems.join('\n'));
    throw new CheckError(`the ${type} rules of ${stack.file} cannot be read: ${stack.problems[0]}`);
  }
  return stack;
}

/**
 * The calls of a module in a stack that can run, recorded; empty when there is none (the caller decides).
 * A rule the stack always ends or jumps before is written but never runs: it is recorded as such.
 */
export async function findCalls(world: CisWorld, service: string, type: string, module: string): Promise<{ stack: PamStack; calls: PamStackEntry[]; never: PamStackEntry[] }> {
  const stack = await pamStack(world, service, type);
  const written = stack.entries.filter((e) => moduleName(e.module) === module);
  const runnable = new Set(runnableCalls(pamFlow(stack), module));
  const calls = written.filter((e) => runnable.has(e));
  const never = written.filter((e) => !runnable.has(e));
  if (never.length) {
    recordOnce(world, stackSource(stack), `${never.map(describePamEntry).join('\n')}\nnever runs: every way through the rules before it ends the stack or jumps past it\n${stack.entries.map(describePamEntry).join('\n')}`);
  }
  if (!calls.length) {
    const modules = stack.entries.map((e) => moduleName(e.module));
    if (!never.length) world.record(stackSource(stack), `no rule calls ${module}; the ${type} rules call ${modules.join(', ') || 'nothing'}`);
  } else recordOnce(world, stackSource(stack), calls.map(describePamEntry).join('\n'));
  return { stack, calls, never };
}

/** The rules of a stack that call a module (by file name); fails when there is none. */
export async function pamCalls(world: CisWorld, service: string, type: string, module: string): Promise<PamStackEntry[]> {
  const { stack, calls, never } = await findCalls(world, service, type, module);
  if (!calls.length) world.fail(`the ${type} rules of ${stack.file} do not call ${module}${never.length ? ' in a rule that can run' : ''}`);
  return calls;
}

/** The calls of a module in each service; the services without one fail together, with their remediations. */
export async function callsIn(world: CisWorld, services: string[], type: string, module: string, control?: string): Promise<PamStackEntry[]> {
  const all: PamStackEntry[] = [];
  const missing: string[] = [];
  for (const service of services) {
    const { stack, calls, never } = await findCalls(world, service, type, module);
    if (!calls.length) {
      missing.push(`${stack.file}${never.length ? ` (${never.map((e) => `${e.file}:${e.line}`).join(', ')} never runs)` : ''}`);
      await remedyMissingRule(world, stack, module, control ?? 'required');
    }
    all.push(...calls);
  }
  if (missing.length) world.fail(`the ${type} rules of ${missing.join(' and ')} do not call ${module}`);
  // a file included by several of the services counts once
  return all.filter((c, i) => all.findIndex((o) => o.file === c.file && o.line === c.line) === i);
}

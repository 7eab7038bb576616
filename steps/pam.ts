/**
 * Steps about PAM: which modules a service's stack calls for one management group once its includes are
 * followed, with which control and options, the lockout rules around the authentication module, and the
 * password history. Every decision records the rules (file:line, and the include that led there) it was
 * made on. pam_pwquality's settings are in pam-pwquality.ts; what a stack does with a new password
 * (hashing, the order of checks) in pam-flow.ts.
 *
 * A step may name several services ("system-auth" and "password-auth", the two stacks the Red Hat
 * family shares between services): each must comply, and the remediation covers all of them at once
 * (steps/support/pam-fixes.ts). A change of control flow (lockouts, a rule's control) is left to a
 * person, since a mistake there locks everybody out.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { person, remedyOptions } from './support/pam-fixes.js';
import { actionFor, actionTable, moduleName, type PamRule } from '../src/facts/pam-parse.js';
import { describePamEntry, pamArgument, type PamStackEntry } from '../src/facts/pam.js';
import { pamFlow, runnableCalls } from '../src/facts/pam-flow.js';
import { callsIn, pamStack, recordOnce, stackSource } from './support/pam.js';

function sameActions(a: Record<string, string>, b: Record<string, string>): boolean {
  const values = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...values].every((v) => actionFor(a, v) === actionFor(b, v));
}

async function callsAs(world: CisWorld, services: string[], module: string, type: string, controls: string[]) {
  const calls = await callsIn(world, services, type, module, controls[0]);
  // a bracketed control that acts exactly like one of the keywords is that keyword
  const same = (c: PamStackEntry, k: string) => c.control === k || (!!c.actions && sameActions(actionTable(c), actionTable({ control: k })));
  const wrong = calls.filter((c) => !controls.some((k) => same(c, k)));
  if (wrong.length) {
    person(world, wrong.map((c) => `in ${c.file} line ${c.line} ("${c.text}"), change the control of ${module} to ${controls[0]}, and test a new login while keeping a root session open`));
    world.fail(`${wrong.map((c) => `${c.file}:${c.line} calls ${module} as ${c.control}`).join('; ')}, expected ${controls.join(' or ')}`);
  }
}

Then('the PAM service {string} calls {string} for {string}', async function (this: CisWorld, service: string, module: string, type: string) {
  await callsIn(this, [service], type, module);
});

Then('the PAM services {words} each call {string} for {string}', async function (this: CisWorld, services: string[], module: string, type: string) {
  await callsIn(this, services, type, module);
});

Then('the PAM service {string} calls {string} for {string} as {words}', async function (this: CisWorld, service: string, module: string, type: string, controls: string[]) {
  await callsAs(this, [service], module, type, controls);
});

Then('the PAM services {words} each call {string} for {string} as {words}', async function (this: CisWorld, services: string[], module: string, type: string, controls: string[]) {
  await callsAs(this, services, module, type, controls);
});

Then('every {string} call of {string} in {words} has the options {words}', async function (this: CisWorld, type: string, module: string, services: string[], options: string[]) {
  const calls = await callsIn(this, services, type, module);
  const lacking = calls.map((c) => ({ rule: c as PamRule, options: options.filter((o) => !c.args.includes(o)) })).filter((x) => x.options.length);
  if (lacking.length) {
    await remedyOptions(this, lacking);
    this.fail(`${module}: ${lacking.map((x) => `${x.rule.file}:${x.rule.line} lacks ${x.options.join(', ')}`).join('; ')}`);
  }
});

Then('every {string} call of {string} in {words} has the option {string}', async function (this: CisWorld, type: string, module: string, services: string[], option: string) {
  const calls = await callsIn(this, services, type, module);
  const without = calls.filter((c) => !c.args.includes(option));
  if (without.length) {
    await remedyOptions(this, without.map((c) => ({ rule: c, options: [option] })));
    this.fail(`${module} without ${option}: ${without.map((c) => `${c.file}:${c.line}`).join(', ')}`);
  }
});

/** Check a numeric option on every call of a module; `fix` is the value a remediation sets. */
async function numericOption(world: CisWorld, type: string, module: string, services: string[], name: string, ok: (n: number) => boolean, wanted: string, fix: number) {
  const calls = await callsIn(world, services, type, module);
  const problems: string[] = [];
  const bad: PamRule[] = [];
  for (const c of calls) {
    const value = pamArgument(c, name);
    if (value === undefined) problems.push(`${c.file}:${c.line} does not set ${name}`);
    else if (!/^-?\d+$/.test(value)) problems.push(`${c.file}:${c.line} sets ${name}=${value}, which is not a number`);
    else if (!ok(Number(value))) problems.push(`${c.file}:${c.line} sets ${name}=${value}`);
    else continue;
    bad.push(c);
  }
  if (problems.length) {
    await remedyOptions(world, bad.map((rule) => ({ rule, options: [`${name}=${fix}`] })));
    world.fail(`${module} ${name} must be ${wanted}: ${problems.join('; ')}`);
  }
}

Then('every {string} call of {string} in {words} sets {string} to at most {int}', async function (this: CisWorld, type: string, module: string, services: string[], name: string, max: number) {
  await numericOption(this, type, module, services, name, (n) => n <= max, `at most ${max}`, max);
});

Then('every {string} call of {string} in {words} sets {string} to at least {int}', async function (this: CisWorld, type: string, module: string, services: string[], name: string, min: number) {
  await numericOption(this, type, module, services, name, (n) => n >= min, `at least ${min}`, min);
});

Then('every {string} call of {string} in {words} sets {string} to between {int} and {int}', async function (this: CisWorld, type: string, module: string, services: string[], name: string, min: number, max: number) {
  await numericOption(this, type, module, services, name, (n) => n >= min && n <= max, `between ${min} and ${max}`, max);
});

// ---------------------------------------------------------------- order of rules: lockouts

Then('the PAM services {words} each call {string} for {string} with {string} before {string} and with {string} after it', async function (
  this: CisWorld, services: string[], module: string, type: string, before: string, anchor: string, after: string,
) {
  const problems: string[] = [];
  const is = (e: PamStackEntry, option: string) => moduleName(e.module) === module && e.args.includes(option);
  for (const service of services) {
    const stack = await pamStack(this, service, type);
    recordOnce(this, stackSource(stack), stack.entries.map(describePamEntry).join('\n'));
    // on every way to the anchor, the "before" rule ran first
    const first = pamFlow(stack, (e) => is(e, before));
    const anchors = runnableCalls(first, anchor);
    if (!anchors.length) { problems.push(`the ${type} rules of ${stack.file} do not call ${anchor}`); continue; }
    const early = anchors.filter((a) => first.visits.get(a)!.states.has('unchecked'));
    if (early.length) problems.push(`${stack.file}: no ${module} ${before} rule before ${anchor} (${early.map(describePamEntry).join(', ')} can run first)`);
    // when the anchor fails, the "after" rule runs
    const second = pamFlow(stack, (e) => moduleName(e.module) === anchor);
    const counted = [...second.visits.values()].some((v) => is(v.entry, after) && v.states.has('failed'));
    if (!counted) problems.push(`${stack.file}: no ${module} ${after} rule runs after ${anchor} fails`);
  }
  if (problems.length) {
    person(this, [
      ...services.map((s) => `in /etc/pam.d/${s}, surround the ${type} rule that calls ${anchor} with ${module} rules: one with "${before}" right before it (as required) and one with "${after}" right after it (as [default=die]), with the benchmark's attempt limit and unlock time`),
      'a lockout changes who can log in at all: keep a root session open and test a good and a bad login in another terminal',
    ]);
    this.fail(problems.join('; '));
  }
});

// ---------------------------------------------------------------- password history

Then('the PAM services {words} each remember at least {int} previous passwords with {string} or {string}', async function (
  this: CisWorld, services: string[], min: number, history: string, unix: string,
) {
  const problems: string[] = [];
  const fixes: Array<{ rule: PamRule; options: string[] }> = [];
  for (const service of services) {
    const stack = await pamStack(this, service, 'password');
    const runnable = new Set(pamFlow(stack).visits.keys());
    const calls = stack.entries.filter((e) => [history, unix].includes(moduleName(e.module)) && runnable.has(e));
    recordOnce(this, stackSource(stack), calls.length ? calls.map(describePamEntry).join('\n') : `no rule calls ${history} or ${unix}`);
    const remembers = (c: PamStackEntry) => {
      const v = pamArgument(c, 'remember');
      // a history module that is only optional refuses nothing
      const enforced = moduleName(c.module) === unix || ['required', 'requisite'].includes(c.control) || !!c.actions;
      return enforced && v !== undefined && /^\d+$/.test(v) && Number(v) >= min;
    };
    if (calls.some(remembers)) continue;
    const said = calls.map((c) => `${c.file}:${c.line} ${moduleName(c.module)} ${pamArgument(c, 'remember') !== undefined ? `remember=${pamArgument(c, 'remember')}` : 'without remember'}`);
    problems.push(`${stack.file}: ${said.length ? said.join(', ') : `neither ${history} nor ${unix} is called`}`);
    const target = calls.find((c) => moduleName(c.module) === unix);
    if (target) fixes.push({ rule: target, options: [`remember=${min}`] });
    else person(this, [`add "password required ${history} remember=${min} use_authtok" to ${stack.file} before the rule that stores the new password`]);
  }
  if (problems.length) {
    await remedyOptions(this, fixes);
    this.fail(`fewer than ${min} previous passwords are remembered: ${problems.join('; ')}`);
  }
});

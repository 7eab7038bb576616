/**
 * Steps about PAM: which modules a service's stack calls for one management group once its includes are
 * followed, with which control and options, and the password quality settings pam_pwquality applies.
 * Every decision records the rules (file:line, and the include that led there) it was made on.
 *
 * A step may name several services ("system-auth" and "password-auth", the two stacks the Red Hat
 * family shares between services): each must comply, and the remediation covers all of them at once.
 * Remediations edit the file a rule is written in (the file a link in /etc/pam.d leads to): the
 * arguments after a rule's module path are rewritten in place, a new rule goes right after the rule
 * before the one it must precede, and a change of control flow (lockouts, a rule's control) is left to
 * a person, since a mistake there locks everybody out.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { CheckError } from '../src/model/verdict.js';
import {
  actionFor, actionTable, describePamEntry, moduleName, pamArgument, pamConfig, pamFileLinks, withOption, type PamRule, type PamStack, type PamStackEntry,
} from '../src/facts/pam.js';
import { PWQUALITY_CONF, PWQUALITY_INT_DEFAULTS, pwqualityConf, type PwqualityRead } from '../src/facts/pwquality.js';
import { pamFlow, runnableCalls, uncheckedStores } from '../src/facts/pam-flow.js';
import { HASHING_OPTIONS, loginDefsEncryptMethod, pamUnixHashing, pwqualitySetting } from '../src/facts/pam-args.js';
import type { Change } from '../src/model/remediation.js';
import { findCalls, pamStack, recordOnce, stackSource } from './support/pam.js';

// ---------------------------------------------------------------- remediation helpers

/** Add steps for a person to those the item already has (several services, several rules). */
function person(world: CisWorld, steps: string[]): void {
  world.needsPerson([...new Set([...(world.manualFix?.steps ?? []), ...steps])]);
}

/** The file to edit for a rule written in `file` (links in /etc/pam.d followed). */
async function realFile(world: CisWorld, file: string): Promise<string> {
  return (await world.fact(pamFileLinks)).get(file) ?? file;
}

/** The rules of the file a rule is written in, as parsed. */
async function rulesOf(world: CisWorld, file: string): Promise<PamRule[]> {
  const lines = (await world.fact(pamConfig)).files.get(file) ?? [];
  return lines.filter((l): l is PamRule => l.kind === 'rule');
}

/**
 * The edit that rewrites a rule's arguments (its head, "type control module", stays as written), or
 * undefined when the rule cannot be told apart from another line of its file, spans several lines or
 * has no arguments to anchor the rewrite on.
 */
async function argumentsEdit(world: CisWorld, rule: PamRule, args: string[]): Promise<Change | undefined> {
  if (!rule.head || !rule.args.length || !args.length) return undefined;
  const same = (await rulesOf(world, rule.file)).filter((r) => r.head === rule.head);
  if (same.length !== 1) return undefined;
  return { kind: 'edit-file', path: await realFile(world, rule.file), edits: [{ op: 'key-value-set', key: rule.head, value: args.join(' '), separator: ' ' }] };
}

/**
 * Record how to give each rule an option; rules that cannot be rewritten mechanically become steps for a
 * person. Several rules of one step make one remediation.
 */
async function remedyOptions(world: CisWorld, fixes: Array<{ rule: PamRule; options: string[] }>): Promise<void> {
  const changes: Change[] = [];
  const manual: string[] = [];
  const seen = new Set<string>();
  for (const { rule, options } of fixes) {
    const key = `${rule.file}:${rule.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const args = options.reduce(withOption, rule.args);
    const edit = await argumentsEdit(world, rule, args);
    if (edit) changes.push(edit);
    else manual.push(`in ${rule.file} line ${rule.line} ("${rule.text}"), add ${options.join(' ')} to the arguments of ${moduleName(rule.module)}`);
  }
  if (changes.length) {
    world.remedy({ summary: `set ${[...new Set(fixes.flatMap((f) => f.options))].join(' ')} on ${[...new Set(fixes.map((f) => moduleName(f.rule.module)))].join(', ')} in ${[...new Set(changes.map((c) => (c as { path: string }).path))].join(', ')}`, changes });
  }
  if (manual.length) person(world, manual);
}

/** The rule that comes right before `rule` in its file, to insert a new rule after it. */
async function ruleBefore(world: CisWorld, rule: PamRule): Promise<PamRule | undefined> {
  const rules = (await rulesOf(world, rule.file)).filter((r) => r.line < rule.line);
  return rules[rules.length - 1];
}

/**
 * Rules a stack lacks that can be added mechanically: where, and the line. pam_wheel may follow
 * everything in su's auth rules (pam_rootok, which lets root through, comes first anyway); the password
 * quality and history checks go right before the rule that calls pam_unix for password, as they must
 * check a new password before it is stored. Anything else is for a person.
 */
const NEW_RULES: Record<string, { line: (type: string, control: string) => string; place: 'end' | 'before pam_unix.so' }> = {
  'pam_wheel.so': { line: (t, c) => `${t} ${c} pam_wheel.so use_uid`, place: 'end' },
  'pam_pwquality.so': { line: (t, c) => `${t} ${c} pam_pwquality.so try_first_pass retry=3`, place: 'before pam_unix.so' },
  'pam_pwhistory.so': { line: (t, c) => `${t} ${c} pam_pwhistory.so remember=5 use_authtok`, place: 'before pam_unix.so' },
};

async function remedyMissingRule(world: CisWorld, stack: PamStack, module: string, control: string): Promise<void> {
  const recipe = NEW_RULES[module];
  const line = recipe?.line(stack.type, control);
  if (recipe?.place === 'end' && module === 'pam_wheel.so' && stack.service === 'su') {
    const path = await realFile(world, stack.file);
    world.remedy({ summary: `add "${line}" to ${path}`, changes: [{ kind: 'edit-file', path, edits: [{ op: 'ensure-line', line: line! }] }] });
    return;
  }
  if (recipe?.place === 'before pam_unix.so') {
    const unix = stack.entries.find((e) => moduleName(e.module) === 'pam_unix.so');
    const before = unix && !unix.inSubstack ? await ruleBefore(world, unix) : undefined;
    if (before) {
      const edit = await argumentsEdit(world, before, [...before.args.slice(0, -1), `${before.args[before.args.length - 1]}\n${line}`]);
      if (edit) {
        world.remedy({ summary: `add "${line}" to ${(edit as { path: string }).path} before the pam_unix.so ${stack.type} rule`, changes: [edit] });
        return;
      }
    }
  }
  person(world, [
    `add ${/^[aeiou]/.test(stack.type) ? 'an' : 'a'} ${stack.type} rule calling ${module} as ${control} to ${stack.file}, at the place its documentation gives (for example "${line ?? `${stack.type} ${control} ${module}`}")`,
    'keep a root session open while testing a new login in another terminal',
  ]);
}

// ---------------------------------------------------------------- reading stacks

/** The calls of a module in each service; the services without one fail together, with their remediations. */
async function callsIn(world: CisWorld, services: string[], type: string, module: string, control?: string): Promise<PamStackEntry[]> {
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

// ---------------------------------------------------------------- pam_pwquality and pwquality.conf

interface QualityValue { call: PamStackEntry; value: number | null; says: string; fromArgument: boolean }

/** Which files pam_pwquality's library reads on the target, as a Given step of the feature says (default: the directory, then the file). */
const READS_DIR = 'pwquality reads pwquality.conf.d';

Given('pam_pwquality reads \\/etc\\/security\\/pwquality.conf.d and then \\/etc\\/security\\/pwquality.conf', function (this: CisWorld) {
  this.subject[READS_DIR] = true;
});

Given('pam_pwquality reads \\/etc\\/security\\/pwquality.conf alone', function (this: CisWorld) {
  this.subject[READS_DIR] = false;
});

async function pwqualityRead(world: CisWorld): Promise<PwqualityRead> {
  const conf = await world.fact(pwqualityConf);
  const read = world.subject[READS_DIR] === false ? conf.fileOnly : conf.withDir;
  const files = read.files.length ? read.files.join(', then ') : `nothing (${conf.file} does not exist)`;
  const stop = read.stopped ? `; the library stops reading at ${read.stopped.file}:${read.stopped.line} "${read.stopped.text}" (${read.stopped.reason}): nothing after it counts` : '';
  const ignored = world.subject[READS_DIR] === false && conf.dirFiles.length ? `; ${conf.dirFiles.join(', ')} not read by this version of libpwquality` : '';
  recordOnce(world, 'libpwquality settings', `reads ${files}${stop}${ignored}`);
  return read;
}

/**
 * The value of a password quality setting for each pam_pwquality.so call in the services' password
 * rules: the module's last valid argument (it overrides the files), else the files as the library reads
 * them, else the library's default.
 */
async function qualityValues(world: CisWorld, services: string[], name: string): Promise<QualityValue[]> {
  const calls = await callsIn(world, services, 'password', 'pam_pwquality.so');
  const read = await pwqualityRead(world);
  const out: QualityValue[] = [];
  const lines: string[] = [];
  for (const call of calls) {
    const s = pwqualitySetting(call.args, read, name, PWQUALITY_INT_DEFAULTS);
    let says: string;
    if (s.from === 'argument') says = `${s.argument} as an argument at ${call.file}:${call.line} (overrides ${PWQUALITY_CONF})`;
    else if (s.from === 'file') says = `${name} = ${s.value} at ${s.file}:${s.line}`;
    else says = `${name} is not set (neither in ${read.files.join(' nor in ') || `${PWQUALITY_CONF} (missing)`} nor an argument at ${call.file}:${call.line}): the default ${s.value} applies`;
    if (typeof s.value !== 'number') throw new CheckError(`${says}: not a number`);
    out.push({ call, value: s.value, says, fromArgument: s.from === 'argument' });
    lines.push(says);
  }
  recordOnce(world, `${name} for pam_pwquality`, lines.join('\n'));
  return out;
}

/** Set quality values: in pwquality.conf, or on the module line where an argument overrides the file. */
async function remedyQuality(world: CisWorld, values: Array<{ v: QualityValue; name: string; fix: number }>): Promise<void> {
  const read = await pwqualityRead(world);
  if (read.stopped) person(world, [`remove or correct ${read.stopped.file} line ${read.stopped.line} ("${read.stopped.text}"): libpwquality stops reading its settings there`]);
  const inFile = [...new Map(values.filter((x) => !x.v.fromArgument).map((x) => [x.name, x])).values()];
  if (inFile.length) {
    world.remedy({
      summary: `set ${inFile.map((x) => `${x.name} = ${x.fix}`).join(', ')} in ${PWQUALITY_CONF}`,
      changes: [{ kind: 'edit-file', path: PWQUALITY_CONF, edits: inFile.map((x) => ({ op: 'key-value-set' as const, key: x.name, value: String(x.fix), separator: ' = ' as const })), create: { mode: 0o644, uid: 0, gid: 0 } }],
    });
  }
  const onLine = values.filter((x) => x.v.fromArgument);
  if (onLine.length) await remedyOptions(world, onLine.map((x) => ({ rule: x.v.call, options: [`${x.name}=${x.fix}`] })));
}

Then('pam_pwquality in {words} requires {string} of at least {int}', async function (this: CisWorld, services: string[], name: string, min: number) {
  const values = await qualityValues(this, services, name);
  const bad = values.filter((v) => v.value === null || v.value < min);
  if (bad.length) {
    await remedyQuality(this, bad.map((v) => ({ v, name, fix: min })));
    this.fail(`${name} must be at least ${min}: ${bad.map((v) => v.says).join('; ')}`);
  }
});

Then('pam_pwquality in {words} requires {string} of at least {int}, or {words} each of at most {int}', async function (this: CisWorld, services: string[], name: string, min: number, credits: string[], max: number) {
  const classes = await qualityValues(this, services, name);
  // the credits matter only where minclass falls short
  if (classes.every((c) => c.value !== null && c.value >= min)) return;
  const perCredit: QualityValue[][] = [];
  for (const c of credits) perCredit.push(await qualityValues(this, services, c));
  const problems: string[] = [];
  const short: QualityValue[] = [];
  classes.forEach((cls, i) => {
    if (cls.value !== null && cls.value >= min) return;
    const weak = perCredit.map((vals) => vals[i]).filter((v) => v.value === null || v.value > max);
    if (!weak.length) return;
    short.push(cls);
    problems.push(`${cls.call.file}:${cls.call.line}: ${cls.says}, and ${weak.map((v) => v.says).join(', ')}`);
  });
  if (problems.length) {
    // the simpler of the two ways: require every class
    await remedyQuality(this, short.map((v) => ({ v, name, fix: min })));
    this.fail(`neither ${name} is at least ${min} nor are ${credits.join(', ')} each at most ${max}: ${problems.join('; ')}`);
  }
});

// ---------------------------------------------------------------- what the stack really does

/** The crypt method named in words: evidence never shows a hash, nor anything shaped like one ($6$). */
const CRYPT_NAMES: Record<string, string> = { '$6$': 'SHA-512 crypt', '$5$': 'SHA-256 crypt', '$1$': 'MD5 crypt', bigcrypt: 'bigcrypt', des: 'DES crypt' };

Then('every {string} call of {string} in {words} hashes new passwords with {string}', async function (
  this: CisWorld, type: string, module: string, services: string[], wanted: string,
) {
  const calls = await callsIn(this, services, type, module);
  // login.defs decides only for a call without a hashing option: otherwise it is not read (and an
  // unreadable login.defs does not stop this item)
  const needsLoginDefs = calls.some((c) => !c.args.some((a) => HASHING_OPTIONS.some((o) => a.startsWith(o))));
  const encrypt = needsLoginDefs ? await this.fact(loginDefsEncryptMethod) : undefined;
  const problems: string[] = [];
  const fixes: Array<{ rule: PamRule; args: string[] }> = [];
  const lines: string[] = [];
  for (const c of calls) {
    const h = pamUnixHashing(c.args, encrypt);
    lines.push(`${c.file}:${c.line}: ${h.says} -> stores ${CRYPT_NAMES[h.stored] ?? h.stored}`);
    if (h.method === wanted && h.from === 'argument') continue;
    problems.push(h.from === 'argument'
      ? `${c.file}:${c.line} hashes with ${h.method}: ${h.says}`
      : `${c.file}:${c.line} gives no hashing option (${h.says}); the benchmark asks for ${wanted} on the line itself, so that a change to login.defs cannot weaken it`);
    fixes.push({ rule: c, args: [...c.args.filter((a) => !HASHING_OPTIONS.some((o) => a.startsWith(o))), wanted] });
  }
  recordOnce(this, `hashing of ${module}`, lines.join('\n'));
  if (problems.length) {
    const changes: Change[] = [];
    for (const f of fixes) {
      const edit = await argumentsEdit(this, f.rule, f.args);
      if (edit) changes.push(edit);
      else person(this, [`in ${f.rule.file} line ${f.rule.line} ("${f.rule.text}"), remove the other hashing options and add ${wanted}`]);
    }
    if (changes.length) this.remedy({ summary: `hash with ${wanted} only in ${[...new Set(changes.map((c) => (c as { path: string }).path))].join(', ')}`, changes });
    this.fail(problems.join('; '));
  }
});

Then('in {words} every new password is checked by {string} before {string} stores it', async function (
  this: CisWorld, services: string[], checker: string, store: string,
) {
  const problems: string[] = [];
  for (const service of services) {
    const stack = await pamStack(this, service, 'password');
    const flow = pamFlow(stack, checker);
    const stores = runnableCalls(flow, store);
    if (!stores.length) continue; // whether anything stores the password is another step's question
    const bad = uncheckedStores(flow, store);
    recordOnce(this, stackSource(stack), stack.entries.map(describePamEntry).join('\n'));
    for (const b of bad) problems.push(`${describePamEntry(b.entry)} ${b.why}`);
  }
  if (problems.length) {
    person(this, [
      `make ${checker} run before the rule that calls ${store} and stop the stack when it rejects a password (requisite), and give ${store} use_authtok so that it stores only the password that was checked`,
    ]);
    this.fail(`a new password can be stored without ${checker}'s approval: ${problems.join('; ')}`);
  }
});

Then('the PAM service {string} runs {string} before {string} for {string}', async function (
  this: CisWorld, service: string, first: string, then: string, type: string,
) {
  const stack = await pamStack(this, service, type);
  const flow = pamFlow(stack, first);
  const early = [...flow.visits.values()].filter((v) => moduleName(v.entry.module) === then && v.states.has('unchecked'));
  recordOnce(this, stackSource(stack), stack.entries.map(describePamEntry).join('\n'));
  if (early.length) {
    person(this, [`in ${stack.file}, move the ${type} rule that calls ${first} before the one that calls ${then}; keep a root session open while testing a login`]);
    this.fail(`${early.map((v) => describePamEntry(v.entry)).join('; ')} can run before ${first}`);
  }
});

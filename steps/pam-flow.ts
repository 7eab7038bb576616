/**
 * Steps about what a PAM stack really does with a new password, following every way through its rules:
 * how pam_unix hashes it, whether the quality check runs before the module that stores it, and the order
 * of two modules. A change of the order of rules is left to a person.
 */
import { Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { person, argumentsEdit } from './support/pam-fixes.js';
import { describePamEntry } from '../src/facts/pam.js';
import { moduleName, type PamRule } from '../src/facts/pam-parse.js';
import { pamFlow, runnableCalls, uncheckedStores } from '../src/facts/pam-flow.js';
import { HASHING_OPTIONS, loginDefsEncryptMethod, pamUnixHashing } from '../src/facts/pam-args.js';
import type { Change } from '../src/model/remediation.js';
import { callsIn, pamStack, recordOnce, stackSource } from './support/pam.js';
import { remediation } from '../src/remediation/templates.js';

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
    if (changes.length) this.remedy(remediation(`hash with ${wanted} only in ${[...new Set(changes.map((c) => (c as { path: string }).path))].join(', ')}`, changes));
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

/**
 * The remediations of the PAM steps, shared by their step files. They edit the file a rule is written in
 * (the file a link in /etc/pam.d leads to): the arguments after a rule's module path are rewritten in
 * place, a new rule goes right after the rule before the one it must precede, and whatever cannot be
 * changed mechanically becomes steps for a person.
 */
import type { CisWorld } from './world.js';
import { moduleName, type PamRule } from '../../src/facts/pam-parse.js';
import { pamConfig, pamFileLinks, withOption, type PamStack } from '../../src/facts/pam.js';
import type { Change } from '../../src/model/remediation.js';
import { editFile, linesFix, remediation, setKey } from '../../src/remediation/templates.js';

/** Add steps for a person to those the item already has (several services, several rules). */
export function person(world: CisWorld, steps: string[]): void {
  world.needsPerson([...new Set([...(world.manualFix?.steps ?? []), ...steps])]);
}

/** The file to edit for a rule written in `file` (links in /etc/pam.d followed). */
export async function realFile(world: CisWorld, file: string): Promise<string> {
  return (await world.fact(pamFileLinks)).get(file) ?? file;
}

/** The rules of the file a rule is written in, as parsed. */
export async function rulesOf(world: CisWorld, file: string): Promise<PamRule[]> {
  const lines = (await world.fact(pamConfig)).files.get(file) ?? [];
  return lines.filter((l): l is PamRule => l.kind === 'rule');
}

/**
 * The edit that rewrites a rule's arguments (its head, "type control module", stays as written), or
 * undefined when the rule cannot be told apart from another line of its file, spans several lines or
 * has no arguments to anchor the rewrite on.
 */
export async function argumentsEdit(world: CisWorld, rule: PamRule, args: string[]): Promise<Change | undefined> {
  if (!rule.head || !rule.args.length || !args.length) return undefined;
  const same = (await rulesOf(world, rule.file)).filter((r) => r.head === rule.head);
  if (same.length !== 1) return undefined;
  return editFile(await realFile(world, rule.file), [setKey(rule.head, args.join(' '), ' ')]);
}

/**
 * Record how to give each rule an option; rules that cannot be rewritten mechanically become steps for a
 * person. Several rules of one step make one remediation.
 */
export async function remedyOptions(world: CisWorld, fixes: Array<{ rule: PamRule; options: string[] }>): Promise<void> {
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
    world.remedy(remediation(`set ${[...new Set(fixes.flatMap((f) => f.options))].join(' ')} on ${[...new Set(fixes.map((f) => moduleName(f.rule.module)))].join(', ')} in ${[...new Set(changes.map((c) => (c as { path: string }).path))].join(', ')}`, changes));
  }
  if (manual.length) person(world, manual);
}

/** The rule that comes right before `rule` in its file, to insert a new rule after it. */
export async function ruleBefore(world: CisWorld, rule: PamRule): Promise<PamRule | undefined> {
  const rules = (await rulesOf(world, rule.file)).filter((r) => r.line < rule.line);
  return rules[rules.length - 1];
}

/**
 * Rules a stack lacks that can be added mechanically: where, and the line. pam_wheel may follow
 * everything in su's auth rules (pam_rootok, which lets root through, comes first anyway); the password
 * quality and history checks go right before the rule that calls pam_unix for password, as they must
 * check a new password before it is stored. Anything else is for a person.
 */
export const NEW_RULES: Record<string, { line: (type: string, control: string) => string; place: 'end' | 'before pam_unix.so' }> = {
  'pam_wheel.so': { line: (t, c) => `${t} ${c} pam_wheel.so use_uid`, place: 'end' },
  'pam_pwquality.so': { line: (t, c) => `${t} ${c} pam_pwquality.so try_first_pass retry=3`, place: 'before pam_unix.so' },
  'pam_pwhistory.so': { line: (t, c) => `${t} ${c} pam_pwhistory.so remember=5 use_authtok`, place: 'before pam_unix.so' },
};

export async function remedyMissingRule(world: CisWorld, stack: PamStack, module: string, control: string): Promise<void> {
  const recipe = NEW_RULES[module];
  const line = recipe?.line(stack.type, control);
  if (recipe?.place === 'end' && module === 'pam_wheel.so' && stack.service === 'su') {
    const path = await realFile(world, stack.file);
    world.remedy(linesFix({ path, lines: [line!] }));
    return;
  }
  if (recipe?.place === 'before pam_unix.so') {
    const unix = stack.entries.find((e) => moduleName(e.module) === 'pam_unix.so');
    const before = unix && !unix.inSubstack ? await ruleBefore(world, unix) : undefined;
    if (before) {
      const edit = await argumentsEdit(world, before, [...before.args.slice(0, -1), `${before.args[before.args.length - 1]}\n${line}`]);
      if (edit) {
        world.remedy(remediation(`add "${line}" to ${(edit as { path: string }).path} before the pam_unix.so ${stack.type} rule`, [edit]));
        return;
      }
    }
  }
  person(world, [
    `add ${/^[aeiou]/.test(stack.type) ? 'an' : 'a'} ${stack.type} rule calling ${module} as ${control} to ${stack.file}, at the place its documentation gives (for example "${line ?? `${stack.type} ${control} ${module}`}")`,
    'keep a root session open while testing a new login in another terminal',
  ]);
}

/**
 * An item's remediation in words, for the Allure report: what `cis-bdd harden` would change (each change
 * as a person would do it by hand), or the steps a person must take. Paths, keys, values and file content
 * come from the target, so every one of them is a code span or a fenced block: nothing in them is read as
 * Markdown.
 */
import type { Change, FileEdit, ManualFix, Remediation } from '../model/remediation.js';

/** A code span whose delimiter is longer than any run of backticks in the text. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const tick = '`'.repeat(longest + 1);
  return `${tick} ${text} ${tick}`;
}

/** A fenced block (indented by `indent`) whose fence is longer than any run of backticks in the text. */
export function fencedBlock(text: string, indent = ''): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${indent}${fence}\n${text.split('\n').map((l) => `${indent}${l}`).join('\n')}\n${indent}${fence}`;
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

function editInWords(edit: FileEdit): string {
  switch (edit.op) {
    case 'sshd-set':
      return `set ${codeSpan(`${edit.key} ${edit.value}`)} as the first active value (outside Match blocks; the first value wins)`;
    case 'key-value-set':
      return `set ${codeSpan(`${edit.key}${edit.separator}${edit.value}`)} on every active line of that key (appended if there is none)`;
    case 'ensure-line':
      return `make sure the line ${codeSpan(edit.line)} is present (appended if missing)`;
    case 'comment-out':
      return `comment out the active lines matching ${codeSpan(`/${edit.pattern}/${edit.flags ?? ''}`)}`;
    case 'replace-content':
      return `write this content:\n\n${fencedBlock(edit.content, '    ')}`;
  }
}

/** One change, as a Markdown list item (with nested items for the edits of a file). */
export function changeInWords(c: Change): string {
  switch (c.kind) {
    case 'edit-file': {
      const created = c.create ? ` (created with mode ${octal(c.create.mode)}, owner ${c.create.uid}:${c.create.gid}, if it does not exist)` : '';
      return [`- edit ${codeSpan(c.path)}${created}:`, ...c.edits.map((e) => `  - ${editInWords(e)}`)].join('\n');
    }
    case 'set-mode':
      return `- set the mode of ${codeSpan(c.path)} to ${codeSpan(octal(c.mode))}`;
    case 'set-owner':
      return `- set the owner of ${codeSpan(c.path)} to ${codeSpan(`${c.uid}:${c.gid}`)} (user id : group id)`;
    case 'delete':
      return `- remove ${codeSpan(c.path)}`;
    case 'symlink':
      return `- make ${codeSpan(c.path)} a symbolic link to ${codeSpan(c.linkTarget)}`;
    case 'remove-packages':
      return `- remove the package${c.names.length > 1 ? 's' : ''} ${c.names.map(codeSpan).join(', ')}`;
    case 'install-packages':
      return `- install the package${c.names.length > 1 ? 's' : ''} ${c.names.map(codeSpan).join(', ')} from the configured repositories (only with \`--allow-install\`)`;
    case 'sysctl-running':
      return `- set the kernel parameter ${codeSpan(`${c.key} = ${c.value}`)} in the running kernel`;
    case 'reload-service':
      return `- reload (or restart) ${codeSpan(c.unit)}`;
  }
}

/**
 * The "Remediation" section of an item's page. `fix` is what the check recorded when it failed; `status`
 * says why there may be none (nothing to fix, or nothing a tool can decide).
 */
export function remediationMarkdown(
  status: string, fix: { remediation?: Remediation; manualFix?: ManualFix }, itemId: string,
): string {
  const head = '**Remediation**';
  if (fix.remediation) {
    const r = fix.remediation;
    const lines = [`${head}: what \`cis-bdd harden\` would change: ${escapeMarkdown(r.summary)}`, '', ...r.changes.map(changeInWords)];
    if (r.validate === 'sshd') lines.push('', 'The new SSH daemon configuration is checked with `sshd -t` first; a configuration sshd would refuse is not kept.');
    if (r.needsInstall?.length) lines.push('', `Needs ${r.needsInstall.map(codeSpan).join(', ')} installed: \`harden\` plans it only with \`--allow-install\`.`);
    return lines.join('\n');
  }
  if (fix.manualFix) {
    return [`${head}: a person must do this (\`cis-bdd harden\` lists it under "needs a person" and never applies it):`, '',
      ...fix.manualFix.steps.map((s, i) => `${i + 1}. ${escapeMarkdown(s)}`)].join('\n');
  }
  switch (status) {
    case 'pass': return `${head}: none needed, the item complies.`;
    case 'not-applicable': return `${head}: none, the item does not apply to this target.`;
    case 'manual': return `${head}: decide from the review above; the benchmark's remediation for ${itemId} says what to change.`;
    case 'error': return `${head}: first make what could not be read readable (see above), then audit again: the verdict decides the fix.`;
    default: return `${head}: \`cis-bdd harden\` has no automatic fix for this item; follow the benchmark's remediation for ${itemId}.`;
  }
}

/** Text shown as Markdown prose with its Markdown punctuation escaped (raw HTML is escaped by Allure). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+|~!]/g, '\\$&').replace(/^(\s*)([-=])/gm, '$1\\$2').replace(/^(\s*)(\d+)\./gm, '$1$2\\.');
}

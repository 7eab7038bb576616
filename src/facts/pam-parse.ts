/**
 * One file of /etc/pam.d read the way Linux-PAM 1.1.8 (Ubuntu 18.04, CentOS 7) reads it. Checked against
 * the real library by test/differential/pam.test.ts.
 *
 * Lines: leading blanks are skipped; a line that is then empty or starts with `#` is nothing, even in the
 * middle of a continued rule (the rule goes on with the next line); the first `#` ends the rule; a
 * backslash at the end (trailing blanks allowed) continues the rule on the next line. A continuation
 * that never ends makes PAM refuse the whole file.
 *
 * Words: separated by space, tab or newline only. A word that starts with `[` runs to the first `]`,
 * `\]` standing for `]`, and loses its brackets; an unclosed `[` runs to the end of the rule.
 *
 * A rule is `[-]type control module-path [arguments]`: the type and a keyword control are compared
 * without case; any other control is read as `value=action` pairs (return values and actions in lower
 * case as PAM spells them, blanks allowed around `=`), written in brackets or, when it has no blank,
 * without. Debian's `@include file` pulls in every rule of a file.
 */

export const PAM_TYPES = ['auth', 'account', 'password', 'session'] as const;
export type PamType = (typeof PAM_TYPES)[number];
export const PAM_CONTROL_KEYWORDS = ['required', 'requisite', 'sufficient', 'optional', 'include', 'substack'] as const;

/** Return values a control may name, in the order PAM matches them (a prefix match, as PAM does). */
export const PAM_RETURN_VALUES = [
  'success', 'open_err', 'symbol_err', 'service_err', 'system_err', 'buf_err', 'perm_denied', 'auth_err',
  'cred_insufficient', 'authinfo_unavail', 'user_unknown', 'maxtries', 'new_authtok_reqd', 'acct_expired',
  'session_err', 'cred_unavail', 'cred_expired', 'cred_err', 'no_module_data', 'conv_err', 'authtok_err',
  'authtok_recover_err', 'authtok_lock_busy', 'authtok_disable_aging', 'try_again', 'ignore', 'abort',
  'authtok_expired', 'module_unknown', 'bad_item', 'conv_again', 'incomplete', 'default',
] as const;

interface Where { file: string; line: number; text: string }

export interface PamRule extends Where {
  kind: 'rule';
  type: PamType;
  /** the line began with "-": PAM does not log a missing module */
  quiet: boolean;
  /** the control as written: a keyword in lower case, or "[value=action ...]" */
  control: string;
  /** the value=action pairs of a control that is not a keyword; undefined for a keyword */
  actions?: Record<string, string>;
  /** the module path as written; for include and substack, the file included */
  module: string;
  args: string[];
  /**
   * the start of the line exactly as written, from its type to its module path ("password    sufficient
   * pam_unix.so"), when the rule is on one line: a remediation rewrites the arguments after it
   */
  head?: string;
}

export interface PamAtInclude extends Where { kind: '@include'; target: string }
export interface PamInvalid extends Where { kind: 'invalid'; reason: string }
export type PamLine = PamRule | PamAtInclude | PamInvalid;

/** The file name of a module path: "/lib/security/pam_unix.so" and "pam_unix.so" are both "pam_unix.so". */
export const moduleName = (module: string) => module.slice(module.lastIndexOf('/') + 1);

/** Logical lines as PAM assembles them: the line number of their first part, their text, and whether they spanned lines. */
export function pamLogicalLines(content: string): Array<{ line: number; text: string; continued: boolean; unfinished?: boolean }> {
  const out: Array<{ line: number; text: string; continued: boolean; unfinished?: boolean }> = [];
  const raw = content.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  let buf = '';
  let start = 0;
  let parts = 0;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i].replace(/^[ \t]+/, '');
    if (!s || s.startsWith('#')) continue;
    if (!parts) start = i + 1;
    parts++;
    const hash = s.indexOf('#');
    if (hash >= 0) {
      out.push({ line: start, text: buf + s.slice(0, hash), continued: parts > 1 });
      buf = ''; parts = 0;
      continue;
    }
    const trimmed = s.replace(/[ \t]+$/, '');
    if (trimmed.endsWith('\\')) { buf += `${trimmed.slice(0, -1)} `; continue; }
    out.push({ line: start, text: buf + s, continued: parts > 1 });
    buf = ''; parts = 0;
  }
  if (parts) out.push({ line: start, text: buf, continued: parts > 1, unfinished: true });
  return out;
}

/** Split a rule into words as PAM does; a bracketed word keeps its blanks and loses its brackets. */
export function pamWords(text: string): { words: string[]; bracketed: boolean[] } {
  const words: string[] = [];
  const bracketed: boolean[] = [];
  const sep = (c: string) => c === ' ' || c === '\t' || c === '\n';
  let i = 0;
  while (i < text.length) {
    if (sep(text[i])) { i++; continue; }
    if (text[i] === '[') {
      let word = '';
      i++;
      while (i < text.length && text[i] !== ']') {
        if (text[i] === '\\' && text[i + 1] === ']') { word += ']'; i += 2; continue; }
        word += text[i++];
      }
      i++;
      words.push(word);
      bracketed.push(true);
      continue;
    }
    let word = '';
    while (i < text.length && !sep(text[i])) word += text[i++];
    words.push(word);
    bracketed.push(false);
  }
  return { words, bracketed };
}

/**
 * The value=action pairs of a control as PAM reads them, or the reason PAM gives up on it (it then
 * treats every result of the module as a failure).
 */
export function parsePamControl(text: string): Record<string, string> | { error: string } {
  const actions: Record<string, string> = {};
  let t = text;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
  for (;;) {
    while (isSpace(t[0])) t = t.slice(1);
    if (!t) break;
    const value = PAM_RETURN_VALUES.find((v) => t.startsWith(v));
    if (!value || t.length === value.length) return { error: `expecting a return value at "${t}"` };
    t = t.slice(value.length);
    while (isSpace(t[0])) t = t.slice(1);
    if (t[0] !== '=') return { error: `expecting "=" at "${t}"` };
    t = t.slice(1);
    while (isSpace(t[0])) t = t.slice(1);
    if (!t) return { error: 'expecting an action' };
    const word = ['ignore', 'bad', 'die', 'ok', 'done', 'reset'].find((a) => t.startsWith(a));
    let action: string;
    if (word) { action = word; t = t.slice(word.length); } else {
      const m = /^[+-]?\d+/.exec(t);
      if (!m || Number(m[0]) <= 0) return { error: `expecting an action or a positive jump at "${t}"` };
      action = String(Number(m[0]));
      t = t.slice(m[0].length);
    }
    actions[value] = action;
  }
  return actions;
}

export function parsePamFile(content: string, file: string): PamLine[] {
  const out: PamLine[] = [];
  const raw = content.split('\n');
  for (const { line, text: logical, continued, unfinished } of pamLogicalLines(content)) {
    const text = logical.trim().replace(/\s+/g, ' ');
    const invalid = (reason: string) => out.push({ kind: 'invalid', reason, file, line, text });
    if (unfinished) { invalid('the last rule ends with a backslash: PAM refuses the whole file'); continue; }
    const { words, bracketed } = pamWords(logical);
    if (!words.length) continue;
    if (words[0] === '@include') {
      if (words.length < 2) invalid('@include names no file');
      else out.push({ kind: '@include', target: words[1], file, line, text });
      continue;
    }
    const quiet = words[0].startsWith('-');
    const type = (quiet ? words[0].slice(1) : words[0]).toLowerCase();
    if (!(PAM_TYPES as readonly string[]).includes(type)) { invalid(`"${words[0]}" is not a PAM management group (auth, account, password, session): PAM fails the service`); continue; }
    if (words.length < 3) { invalid('a rule needs a control and a module: PAM fails the service'); continue; }
    let control = words[1].toLowerCase();
    let actions: Record<string, string> | undefined;
    if (bracketed[1] || !(PAM_CONTROL_KEYWORDS as readonly string[]).includes(control)) {
      const parsed = parsePamControl(words[1]);
      if ('error' in parsed) { invalid(`the control "${words[1]}" cannot be read (${parsed.error}): PAM treats every result of this module as a failure`); continue; }
      actions = parsed;
      control = `[${words[1].trim().replace(/\s+/g, ' ')}]`;
    }
    const rule: PamRule = { kind: 'rule', type: type as PamType, quiet, control, actions, module: words[2], args: words.slice(3), file, line, text };
    const head = continued ? null : /^\s*(-?[A-Za-z]+[ \t]+(?:\[(?:\\.|[^\]])*\]|\S+)[ \t]+(\S+))(?=[ \t#]|$)/.exec(raw[line - 1]);
    if (head && head[2] === words[2]) rule.head = head[1];
    out.push(rule);
  }
  return out;
}

/** What each return value of a rule leads to: ok, done, bad, die, ignore, reset or a jump (a number). */
export function actionTable(rule: Pick<PamRule, 'control' | 'actions'>): Record<string, string> {
  const keyword: Record<string, Record<string, string>> = {
    required: { success: 'ok', new_authtok_reqd: 'ok', ignore: 'ignore', default: 'bad' },
    requisite: { success: 'ok', new_authtok_reqd: 'ok', ignore: 'ignore', default: 'die' },
    optional: { success: 'ok', new_authtok_reqd: 'ok', default: 'ignore' },
    sufficient: { success: 'done', new_authtok_reqd: 'done', default: 'ignore' },
  };
  // a substack's result counts like a required module's (its done and die end the substack only)
  if (rule.control === 'substack') return keyword.required;
  if (!rule.actions) return keyword[rule.control] ?? { default: 'bad' };
  return { default: 'bad', ...rule.actions };
}

/** The action for one return value of a rule. */
export const actionFor = (table: Record<string, string>, value: string) => table[value] ?? table.default ?? 'bad';

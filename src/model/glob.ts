/**
 * Wildcard patterns as fnmatch(3) reads them, which is also how sh expands a file name pattern and how
 * modprobe matches a module name: `*` any run of characters, `?` one character, `[...]` one character of
 * a set (`[!...]` or `[^...]` any character not in it; a `]` first in the set is a member; ranges `a-z`
 * and classes `[:digit:]`); a `[` without its closing `]` is itself.
 *
 * A backslash is an ordinary character: the transports quote it for sh, so it never escapes a wildcard
 * there (fnmatch's own backslash escape is not followed; no pattern this project matches has one).
 *
 * Not for programs with rules of their own: sshd's Match patterns (only `*` and `?`, comma lists with
 * `!` negation: src/facts/sshd-match.ts) and shell `case` patterns (quoting and variables decide what is
 * literal: src/facts/shell-words.ts) keep their own matchers.
 */

export interface GlobOptions {
  /** FNM_PATHNAME: no wildcard or set matches a `/` (a pattern of paths, component by component) */
  pathname?: boolean;
  /** FNM_PERIOD: a `.` at the start of a name (with pathname, of each component) matches only a literal `.` */
  period?: boolean;
}

const CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9', alpha: 'A-Za-z', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', digit: '0-9',
  graph: '\\x21-\\x7e', lower: 'a-z', print: '\\x20-\\x7e', punct: '!-\\/:-@\\[-`{-~', space: ' \\t\\n\\v\\f\\r',
  upper: 'A-Z', xdigit: '0-9A-Fa-f',
};

/** Whether a path has a wildcard in it (`*`, `?` or `[`). */
export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

const setChar = (c: string) => (/[\\\]^[-]/.test(c) ? `\\${c}` : c);

/** The set of a bracket expression starting at `open` as a regular expression, and where it ends; null when it is not closed. */
function bracket(pattern: string, open: number, pathname: boolean): { re: string; end: number } | null {
  let i = open + 1;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  let body = '';
  for (let first = true; i < pattern.length; first = false) {
    const c = pattern[i];
    if (c === ']' && !first) return { re: `${pathname ? '(?!/)' : ''}[${negated ? '^' : ''}${body}]`, end: i };
    const cls = c === '[' && pattern[i + 1] === ':' ? /^\[:([a-z]+):\]/.exec(pattern.slice(i)) : null;
    if (cls && CLASSES[cls[1]]) { body += CLASSES[cls[1]]; i += cls[0].length; continue; }
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      // a range; one whose end comes before its start matches nothing
      const to = pattern[i + 2];
      if (c <= to) body += `${setChar(c)}-${setChar(to)}`;
      i += 3;
      continue;
    }
    body += setChar(c);
    i++;
  }
  return null;
}

/** The pattern as a regular expression that must match the whole text. */
export function globToRegExp(pattern: string, options: GlobOptions = {}): RegExp {
  const pathname = options.pathname ?? false;
  const any = pathname ? '[^/]' : '[\\s\\S]';
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const nameStart = i === 0 || (pathname && pattern[i - 1] === '/');
    const hidden = options.period && nameStart && (c === '*' || c === '?' || c === '[') ? '(?!\\.)' : '';
    if (c === '*') re += `${hidden}${any}*`;
    else if (c === '?') re += `${hidden}${any}`;
    else {
      const set = c === '[' ? bracket(pattern, i, pathname) : null;
      if (set) { re += `${hidden}${set.re}`; i = set.end; } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** Whether the whole of `text` matches the pattern. */
export function globMatch(pattern: string, text: string, options: GlobOptions = {}): boolean {
  return globToRegExp(pattern, options).test(text);
}

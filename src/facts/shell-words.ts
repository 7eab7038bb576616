/**
 * The value of one shell word whose expansions are all known: quotes removed, `$NAME`, `${NAME}`,
 * `${NAME-}` and `${NAME:-}` replaced by the variables' values, and a leading `~/` (in an assignment,
 * also a `~/` after an unquoted ":") replaced by $HOME, as bash does. A word with anything else in it
 * (command substitution, arithmetic, other parameter operators, a variable whose value is not known)
 * has no value here: null. A pure function of the word and the lookup.
 */

/** A variable's value, or null when it is not known. */
export type VariableLookup = (name: string) => string | null;

const NAME = /^([A-Za-z_]\w*|[0-9])/;

/** Expand `$...` at s[i] ('$' itself at i); returns [value, next index] or null. */
function dollar(s: string, i: number, lookup: VariableLookup): [string, number] | null {
  const rest = s.slice(i + 1);
  if (rest.startsWith('{')) {
    const close = rest.indexOf('}');
    if (close < 0) return null;
    const m = /^([A-Za-z_]\w*|[0-9])(:?-)?$/.exec(rest.slice(1, close));
    if (!m) return null;
    const v = lookup(m[1]);
    if (v === null) return null;
    return [v, i + 1 + close + 1];
  }
  const m = NAME.exec(rest);
  if (!m) return rest === '' || /^[\s:/]/.test(rest) ? ['$', i + 1] : null;
  const v = lookup(m[1]);
  if (v === null) return null;
  return [v, i + 1 + m[1].length];
}

/** The word's value, or null when some part of it is not known. */
export function expandWord(raw: string, lookup: VariableLookup, assignment = false): string | null {
  let out = '';
  let i = 0;
  const tildeAt = (k: number) => raw[k] === '~' && (raw[k + 1] === '/' || raw[k + 1] === ':' || k + 1 === raw.length)
    && (k === 0 || (assignment && raw[k - 1] === ':'));
  while (i < raw.length) {
    const c = raw[i];
    if (tildeAt(i)) {
      const home = lookup('HOME');
      if (home === null) return null;
      out += home;
      i++;
    } else if (c === "'") {
      const j = raw.indexOf("'", i + 1);
      if (j < 0) return null;
      out += raw.slice(i + 1, j);
      i = j + 1;
    } else if (c === '"') {
      i++;
      while (i < raw.length && raw[i] !== '"') {
        const d = raw[i];
        if (d === '\\') {
          const next = raw[i + 1];
          if (next === undefined) return null;
          out += '$`"\\'.includes(next) ? next : next === '\n' ? '' : `\\${next}`;
          i += 2;
        } else if (d === '$') {
          const r = dollar(raw, i, lookup);
          if (!r) return null;
          out += r[0];
          i = r[1];
        } else if (d === '`') return null;
        else { out += d; i++; }
      }
      if (i >= raw.length) return null;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= raw.length) return null;
      out += raw[i + 1] === '\n' ? '' : raw[i + 1];
      i += 2;
    } else if (c === '$') {
      const r = dollar(raw, i, lookup);
      if (!r) return null;
      out += r[0];
      i = r[1];
    } else if (c === '`') return null;
    else { out += c; i++; }
  }
  return out;
}

/**
 * A case pattern as a regular expression: quoted parts and expansions inside double quotes match
 * literally, unquoted * and ? are wildcards, $NAME and ${NAME} are their values. null when the pattern
 * cannot be decided here (a bracket expression, an unquoted expansion with wildcard characters in it,
 * command substitution, a variable not known).
 * Not the project's glob helper (src/model/glob.ts): in a case pattern, quoting and expansions decide
 * which characters are wildcards, which a pattern string alone cannot say.
 */
export function casePattern(raw: string, lookup: VariableLookup): RegExp | null {
  const lit = (t: string) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let re = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c === "'") {
      const j = raw.indexOf("'", i + 1);
      if (j < 0) return null;
      re += lit(raw.slice(i + 1, j));
      i = j + 1;
    } else if (c === '"') {
      const j = raw.indexOf('"', i + 1);
      if (j < 0) return null;
      const inner = expandWord(raw.slice(i, j + 1), lookup);
      if (inner === null) return null;
      re += lit(inner);
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= raw.length) return null;
      re += lit(raw[i + 1]);
      i += 2;
    } else if (c === '$') {
      const r = dollar(raw, i, lookup);
      if (!r || /[*?[\\]/.test(r[0])) return null;
      re += lit(r[0]);
      i = r[1];
    } else if (c === '*') { re += '[\\s\\S]*'; i++; }
    else if (c === '?') { re += '[\\s\\S]'; i++; }
    else if (c === '[' || c === '`') return null;
    else { re += lit(c); i++; }
  }
  return new RegExp(`^${re}$`);
}

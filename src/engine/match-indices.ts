/**
 * Step matching without the regexp-match-indices polyfill.
 *
 * cucumber-expressions needs the start and end of every capture group of a step match. It asks the
 * regexp-match-indices package, which decides once, when it loads, whether RegExp has match indices by
 * running a regular expression without the `d` flag; that never returns indices, so it always falls back
 * to its JavaScript implementation, which rebuilds a "measurement" regular expression with regexp-tree on
 * every match. Cucumber matches every step of every scenario against the step definitions while it
 * assembles the test cases, so on a full benchmark that was about a third of a second of CPU.
 *
 * Node has had native match indices (the `d` flag) since v16, and they are what the polyfill emulates.
 * This module puts an equivalent function in the module cache entry of regexp-match-indices, before
 * cucumber loads cucumber-expressions: the same call, `exec(regexp, string)`, answered by a copy of the
 * regular expression with the `d` flag (made once per expression). Most calls are a step text tried
 * against a step definition it does not match: an expression anchored at the start (`^the file ...`)
 * cannot match a text that does not begin with the literal characters it starts with, so those calls
 * are answered by comparing that literal prefix first (requiredPrefix), without running the expression.
 * It must be imported before
 * @cucumber/cucumber; if cucumber is already loaded (cucumber-expressions holds the polyfill already),
 * nothing changes and matching stays correct, only slower.
 */
import { createRequire, Module } from 'node:module';

const nativeExec = RegExp.prototype.exec;
/** What is worked out once per expression: its literal prefix, and its copy with the `d` flag once needed. */
const known = new WeakMap<RegExp, { prefix: string | null; withIndices?: RegExp }>();

/** Characters that end a literal prefix: they open or close a construct, or quantify what precedes them. */
const SYNTAX = new Set(['.', '[', ']', '(', ')', '{', '}', '|', '?', '*', '+', '$', '^']);
/** Quantifiers that let the character before them be absent (or, for `{`, may: it is treated as one). */
const OPTIONAL_AFTER = new Set(['?', '*', '{']);

/**
 * The literal text every match of regexp begins with, at the start of the string: the characters after a
 * leading `^` up to the first construct. null when there is none the expression certainly requires: no
 * leading `^`, an alternative at the top level (`^a|b`), or a flag that changes what `^` or a character
 * matches (i, m, u, v) or where matching starts (g, y). A character followed by `?`, `*` or `{` is left out.
 */
export function requiredPrefix(regexp: RegExp): string | null {
  if (/[gimuvy]/.test(regexp.flags)) return null;
  const src = regexp.source;
  if (src[0] !== '^' || hasTopLevelAlternative(src)) return null;
  let prefix = '';
  for (let i = 1; i < src.length;) {
    let ch = src[i];
    let next = i + 1;
    if (ch === '\\') {
      const escaped = src[i + 1];
      // \d, \w, \b, \1, \u0041, \cJ ... stand for something else than themselves
      if (escaped === undefined || /[0-9A-Za-z]/.test(escaped)) break;
      ch = escaped;
      next = i + 2;
    } else if (SYNTAX.has(ch)) {
      break;
    }
    if (OPTIONAL_AFTER.has(src[next])) break;
    prefix += ch;
    if (src[next] === '+') break;
    i = next;
  }
  return prefix || null;
}

/** Whether source has a `|` outside every group and character class (an alternative of the whole expression). */
function hasTopLevelAlternative(src: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') { i++; continue; }
    if (inClass) { if (ch === ']') inClass = false; continue; }
    if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) return true;
  }
  return false;
}

/** `regexp.exec(string)` with `indices` on the result, as regexp-match-indices' default export does. */
export function execWithIndices(regexp: RegExp, string: string): RegExpExecArray | null {
  if (regexp.hasIndices) return nativeExec.call(regexp, string);
  let entry = known.get(regexp);
  if (!entry) {
    entry = { prefix: requiredPrefix(regexp) };
    known.set(regexp, entry);
  }
  if (entry.prefix !== null && typeof string === 'string') {
    // (requiredPrefix is null for global and sticky expressions: exec would move their lastIndex)
    if (!string.startsWith(entry.prefix)) return null;
    // a text that begins with the prefix nearly always matches: run only the copy with indices (each
    // expression run is compiled by V8 on its first use, and most are used once a run)
  } else if (!regexp.global && !regexp.sticky) {
    // Most calls do not match (every step is tried against every step definition): answer those with the
    // expression as it is, and measure indices only for a match.
    const plain = nativeExec.call(regexp, string);
    if (plain === null) return null;
  }
  const d = entry.withIndices ??= new RegExp(regexp.source, `${regexp.flags}d`);
  d.lastIndex = regexp.lastIndex;
  const result = nativeExec.call(d, string);
  // a global or sticky expression advances lastIndex; keep the caller's expression in step
  if (regexp.global || regexp.sticky) regexp.lastIndex = d.lastIndex;
  return result;
}

function install(): void {
  try {
    const fromHere = createRequire(import.meta.url);
    const fromCucumber = createRequire(fromHere.resolve('@cucumber/cucumber'));
    const fromExpressions = createRequire(fromCucumber.resolve('@cucumber/cucumber-expressions'));
    const id = fromExpressions.resolve('regexp-match-indices');
    // cucumber-expressions keeps what it required; if it is loaded already it goes on using the polyfill
    const cached = fromExpressions.cache[id];
    if (cached) {
      cached.exports = execWithIndices;
    } else {
      // Node documents adding entries to require.cache; this one spares loading the polyfill and regexp-tree
      const entry = new Module(id);
      entry.filename = id;
      entry.loaded = true;
      entry.exports = execWithIndices;
      fromExpressions.cache[id] = entry;
    }
  } catch {
    // a different package layout: leave cucumber as it is
  }
}

install();

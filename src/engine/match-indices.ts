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
 * regular expression with the `d` flag (made once per expression). It must be imported before
 * @cucumber/cucumber; if cucumber is already loaded (cucumber-expressions holds the polyfill already),
 * nothing changes and matching stays correct, only slower.
 */
import { createRequire, Module } from 'node:module';

const nativeExec = RegExp.prototype.exec;
const withIndices = new WeakMap<RegExp, RegExp>();

/** `regexp.exec(string)` with `indices` on the result, as regexp-match-indices' default export does. */
export function execWithIndices(regexp: RegExp, string: string): RegExpExecArray | null {
  if (regexp.hasIndices) return nativeExec.call(regexp, string);
  if (!regexp.global && !regexp.sticky) {
    // Most calls do not match (every step is tried against every step definition): answer those with the
    // expression as it is, and measure indices only for a match.
    const plain = nativeExec.call(regexp, string);
    if (plain === null) return null;
  }
  let d = withIndices.get(regexp);
  if (!d) {
    d = new RegExp(regexp.source, `${regexp.flags}d`);
    withIndices.set(regexp, d);
  }
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

/**
 * execWithIndices (src/engine/match-indices.ts) stands in for regexp-match-indices when cucumber matches
 * step texts against step definitions. It must answer exactly as the `d` flag does: the same match, the
 * same groups, the same indices, or null. Differential test against V8's own `d` flag:
 *   - every step definition of the step library (cucumber's own compiled expressions) against every step
 *     text of both benchmarks' features, and against texts made from them (cut, extended, one character
 *     changed);
 *   - generated regular expressions (literals, escapes, quantifiers, groups, alternatives, classes,
 *     anchors, every flag) against generated strings over the same characters.
 * The literal-prefix short cut (requiredPrefix) is what could go wrong: a prefix a match does not need.
 */
import { loadConfiguration, loadSupport } from '@cucumber/cucumber/api';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execWithIndices, requiredPrefix } from '../../src/engine/match-indices.js';
import { repoRoot } from '../support/fixtures.js';

const SEED = 20261208;

/** What V8 answers with the `d` flag, as plain data (match, groups, index, indices). */
function reference(re: RegExp, s: string): unknown {
  const d = new RegExp(re.source, `${re.flags}d`);
  d.lastIndex = re.lastIndex;
  return shape(RegExp.prototype.exec.call(d, s));
}

function shape(m: RegExpExecArray | null): unknown {
  if (!m) return null;
  return { all: [...m], index: m.index, indices: m.indices ? [...m.indices].map((x) => (x ? [...x] : x)) : 'no indices', groups: m.groups ?? null };
}

function same(re: RegExp, s: string): void {
  const before = re.lastIndex;
  const expected = reference(re, s);
  re.lastIndex = before;
  const got = shape(execWithIndices(re, s));
  expect(got, `/${re.source}/${re.flags} on ${JSON.stringify(s)}`).toEqual(expected);
}

/** The step library's compiled expressions (as cucumber holds them) and every step text of both benchmarks. */
async function stepLibrary(): Promise<{ regexps: RegExp[]; texts: string[] }> {
  const { runConfiguration } = await loadConfiguration({ file: false, provided: { paths: [], import: ['dist/steps/**/*.js'] } }, { cwd: repoRoot });
  const support = await loadSupport(runConfiguration, { cwd: repoRoot }) as unknown as { stepDefinitions: Array<{ expression: { regexp: RegExp } }> };
  const texts = new Set<string>();
  for (const dir of readdirSync(path.join(repoRoot, 'features'))) {
    for (const f of readdirSync(path.join(repoRoot, 'features', dir)).filter((x) => x.endsWith('.feature'))) {
      const newId = IdGenerator.incrementing();
      const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(path.join(repoRoot, 'features', dir, f), 'utf8'));
      for (const pickle of compile({ ...doc, uri: f }, f, newId)) for (const step of pickle.steps) texts.add(step.text);
    }
  }
  return { regexps: support.stepDefinitions.map((d) => d.expression.regexp), texts: [...texts] };
}

describe('execWithIndices: step matching without the polyfill', () => {
  it('answers as the d flag does for every step definition against every step text and texts made from them', async () => {
    const { regexps, texts } = await stepLibrary();
    expect(regexps.length).toBeGreaterThan(200);
    expect(texts.length).toBeGreaterThan(400);
    // nearly every step definition starts with literal text: the short cut is used, not bypassed
    expect(regexps.filter((r) => requiredPrefix(r) !== null).length).toBeGreaterThan(regexps.length * 0.8);
    let matches = 0;
    for (const re of regexps) {
      for (const t of texts) {
        same(re, t);
        if (re.exec(t)) matches++;
      }
    }
    // every step text matches at least one definition (the catalogue test proves exactly one)
    expect(matches).toBeGreaterThanOrEqual(texts.length);
    const variant = fc.tuple(fc.constantFrom(...texts), fc.nat(), fc.string({ maxLength: 4 }), fc.constantFrom('cut', 'extend', 'change'))
      .map(([t, at, extra, how]) => {
        const i = at % (t.length + 1);
        return how === 'cut' ? t.slice(0, i) : how === 'extend' ? t + extra : t.slice(0, i) + extra + t.slice(i + 1);
      });
    fc.assert(fc.property(variant, fc.constantFrom(...regexps), (t, re) => { same(re, t); }), { seed: SEED, numRuns: 20_000 });
  }, 120_000);

  it('answers as the d flag does for generated expressions and strings', () => {
    const chars = ['a', 'b', '/', ' ', '"', '-', '_', '.', '\n', 'é', '\uD83D', '\uDE00'];
    const atom: fc.Arbitrary<string> = fc.oneof(
      fc.constantFrom(...chars.filter((c) => c !== '.' && c !== '\n')),
      fc.constantFrom('\\/', '\\.', '\\-', '\\ ', '\\_', '\\d', '\\w', '\\s', '\\b', '\\n', '\\x61', '\\u0062', '.', '[ab]', '[^a]', '[\\]a]', '\\k', '\\1'),
    );
    const piece = fc.tuple(atom, fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{0,1}', '{', '+?', '}'))
      .map(([a, q]) => a + q);
    const seq = fc.array(piece, { maxLength: 6 }).map((p) => p.join(''));
    const group = fc.tuple(fc.constantFrom('(', '(?:', '(?=', '(?!', '(?<n>'), seq, fc.option(seq), fc.constantFrom(')', ')?', ')*', ')+'))
      .map(([open, a, b, close]) => `${open}${a}${b === null ? '' : `|${b}`}${close}`);
    const body = fc.array(fc.oneof(piece, piece, group), { maxLength: 6 }).map((p) => p.join(''));
    const source = fc.tuple(fc.constantFrom('^', '^', '^', ''), body, fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: body, weight: 1 }), fc.constantFrom('', '$'))
      .map(([start, a, alt, end]) => `${start}${a}${alt === null ? '' : `|${alt}`}${end}`);
    // no flag or dotAll most often (the short cut applies), any combination otherwise
    const flags = fc.oneof({ arbitrary: fc.constantFrom('', 's'), weight: 3 }, { arbitrary: fc.subarray(['i', 'm', 's', 'u', 'g', 'y']).map((f) => f.join('')), weight: 2 });
    const regexp = fc.tuple(source, flags).map(([s, f]) => { try { return new RegExp(s, f); } catch { return null; } })
      .filter((r): r is RegExp => r !== null);
    const text = fc.array(fc.constantFrom(...chars, 'A', 'B', '1', 'n'), { maxLength: 12 }).map((c) => c.join(''));
    let shortCut = 0;
    fc.assert(fc.property(regexp, text, fc.nat({ max: 3 }), (re, s, last) => {
      re.lastIndex = last;
      const p = requiredPrefix(re);
      if (p !== null) {
        shortCut++;
        // the prefix is literal text every match starts with
        const m = new RegExp(re.source, re.flags).exec(s);
        if (m) expect(s.startsWith(p)).toBe(true);
      }
      same(re, s);
    }), { seed: SEED, numRuns: 20_000 });
    expect(shortCut).toBeGreaterThan(1_500);
  });

  it('finds the prefix only where the expression certainly begins with it', () => {
    expect(requiredPrefix(/^the file "\/etc\/passwd" is a file$/)).toBe('the file "/etc/passwd" is a file');
    expect(requiredPrefix(/^the (?:file|dir)$/)).toBe('the ');
    expect(requiredPrefix(/^abc?d$/)).toBe('ab');
    expect(requiredPrefix(/^ab*$/)).toBe('a');
    expect(requiredPrefix(/^ab+c$/)).toBe('ab');
    expect(requiredPrefix(/^ab{2}$/)).toBe('a');
    expect(requiredPrefix(/^\/etc\/?x$/)).toBe('/etc');
    expect(requiredPrefix(/^a\dc$/)).toBe('a');
    expect(requiredPrefix(/^abc|xyz$/)).toBeNull();
    expect(requiredPrefix(/^(?:a|b)c$/)).toBeNull();
    expect(requiredPrefix(/abc$/)).toBeNull();
    expect(requiredPrefix(/^abc$/i)).toBeNull();
    expect(requiredPrefix(/^abc$/m)).toBeNull();
    expect(requiredPrefix(/^abc$/g)).toBeNull();
    expect(requiredPrefix(/^abc$/u)).toBeNull();
    expect(requiredPrefix(/^[|]abc$/)).toBeNull();
    expect(requiredPrefix(/^a[|]bc$/)).toBe('a');
  });
});

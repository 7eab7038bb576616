/** The "did you mean" behind every suggestion the CLI prints: near slips are suggested, unrelated words are not. */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { repoRoot } from '../support/fixtures.js';

const { closest, editDistance } = await import(path.join(repoRoot, 'dist/src/engine/did-you-mean.js'));
const COMMANDS = ['audit', 'harden', 'rollback', 'merge', 'diff', 'policy', 'list', 'help', 'version'];

describe('did you mean', () => {
  it('edit distance counts insertions, deletions, replacements and swapped neighbours as 1', () => {
    expect([editDistance('audit', 'audit'), editDistance('adit', 'audit'), editDistance('auditt', 'audit'), editDistance('aduit', 'audit'), editDistance('audot', 'audit')]).toEqual([0, 1, 1, 1, 1]);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests a near word, an unambiguous abbreviation, and nothing for an unrelated one', () => {
    expect(closest('adit', COMMANDS)).toBe('audit');
    expect(closest('rolback', COMMANDS)).toBe('rollback');
    expect(closest('hardne', COMMANDS)).toBe('harden');
    expect(closest('fromats', ['format', 'formats', 'target'])).toBe('formats'); // a swap (1) beats a swap and a deletion (2)
    expect(closest('scored', ['scored-only', 'sudo'])).toBe('scored-only');
    expect(closest('frobnicate', COMMANDS)).toBeUndefined();
    expect(closest('x', COMMANDS)).toBeUndefined();
  });
});

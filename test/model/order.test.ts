/**
 * byCodeUnits (src/model/text.ts), the order cis-bdd sorts names and paths in wherever the order shows in
 * a report or decides what is done first: the order `Array.prototype.sort()` gives, whatever the auditing
 * machine's locale, where `localeCompare` would put "a" before "B" or "ä" before "b" depending on it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { byCodeUnits } from '../../src/model/text.js';

describe('byCodeUnits', () => {
  it('orders by UTF-16 code units, not by a locale', () => {
    expect(['b', 'ä', 'B', 'a', 'Z', '_x', '10', '9'].sort(byCodeUnits)).toEqual(['10', '9', 'B', 'Z', '_x', 'a', 'b', 'ä']);
  });

  it("is the default sort's order, and a total order", () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 30 }), (words) => {
      expect([...words].sort(byCodeUnits)).toEqual([...words].sort());
      for (const a of words) {
        for (const b of words) expect(Math.sign(byCodeUnits(a, b)) + Math.sign(byCodeUnits(b, a))).toBe(0);
      }
    }), { numRuns: 300 });
  });
});

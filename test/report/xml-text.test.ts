/**
 * xmlText (src/report/xml.ts) makes target text fit XML 1.0 by showing each character XML cannot carry as
 * \uXXXX. It is one regular expression over the text; it was a callback per character. Differential test
 * against that first version, kept here as written then (frozen: it is the reference, it must not follow
 * the module), on generated strings rich in what matters: control characters, U+FFFE/U+FFFF, surrogates
 * alone, in pairs and out of order. And the result itself: every character in XML 1.0's range.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xmlText } from '../../src/report/xml.js';

// eslint-disable-next-line no-control-regex
const REFERENCE_NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/g;
function referenceXmlText(s: string): string {
  return s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g, (c) => (c.length === 2 ? c : c.replace(REFERENCE_NOT_XML, (x) => `\\u${x.charCodeAt(0).toString(16).padStart(4, '0')}`)));
}

/** XML 1.0's Char production, by code point. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

const units = ['a', ' ', '\t', '\n', '\r', '\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001f', '\u007f', '\u0085',
  '\ud7ff', '\ud800', '\udbff', '\udc00', '\udfff', '\ue000', '\ufffd', '\ufffe', '\uffff', '\\', 'u'];
const text = fc.array(fc.oneof(fc.constantFrom(...units), fc.constantFrom('\ud83d\ude00', '\udbff\udfff'), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 24 })
  .map((parts) => parts.join(''));

describe('xmlText', () => {
  it('answers as the per-character version did, on generated text', () => {
    fc.assert(fc.property(text, (s) => { expect(xmlText(s)).toBe(referenceXmlText(s)); }), { seed: 20261208, numRuns: 50_000 });
  });

  it('leaves only characters XML 1.0 can carry, and keeps text that is already fine as it is', () => {
    fc.assert(fc.property(text, (s) => {
      const out = xmlText(s);
      for (const ch of out) expect(isXmlChar(ch.codePointAt(0)!), JSON.stringify(ch)).toBe(true);
      if ([...s].every((ch) => isXmlChar(ch.codePointAt(0)!))) expect(out).toBe(s);
    }), { seed: 20261208, numRuns: 20_000 });
    expect(xmlText('a\u0001b\ud800\ud83d\ude00\udc00\uffff')).toBe('a\\u0001b\\ud800\ud83d\ude00\\udc00\\uffff');
  });
});

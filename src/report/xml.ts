/**
 * XML output shared by the JUnit and XCCDF reports: one builder configuration, and text made safe for
 * XML 1.0, which cannot carry most control characters even escaped. Text from the target may hold
 * anything, so a character XML cannot carry is shown as a visible escape (\u0001) instead of being
 * dropped or breaking the file.
 */
import { XMLBuilder } from 'fast-xml-parser';

// XML 1.0 allows tab, newline, carriage return, and U+0020 and above except U+FFFE/U+FFFF and surrogates
// that are not a pair (a high one followed by a low one is one character above U+FFFF)
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text any XML 1.0 file can carry: characters outside XML's range become a visible \uXXXX. */
export function xmlText(s: string): string {
  return s.replace(NOT_XML, (x) => `\\u${x.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
});

/** A document from a plain object tree: keys starting with @ are attributes, #text is text. */
export function buildXml(tree: object): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(tree)}`;
}

/**
 * /etc/securetty: the terminals on which pam_securetty lets root log in, one device name a line
 * (relative to /dev), "#" comment lines.
 */
import { defineFact } from './store.js';

export const SECURETTY = '/etc/securetty';

export interface Securetty { path: string; exists: boolean; terminals: Array<{ name: string; line: number }> }

export function parseSecuretty(text: string): Securetty['terminals'] {
  return text.split('\n').map((l, i) => ({ name: l.trim(), line: i + 1 })).filter((t) => t.name !== '' && !t.name.startsWith('#'));
}

export const securetty = defineFact<Securetty>('securetty', async ({ facts }) => {
  const text = await facts.text(SECURETTY);
  return { path: SECURETTY, exists: text !== null, terminals: text === null ? [] : parseSecuretty(text) };
}, [SECURETTY]);

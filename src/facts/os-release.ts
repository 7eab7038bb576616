/** /etc/os-release (or /usr/lib/os-release): which operating system the target runs. */
import { defineFact } from './store.js';

export interface OsRelease {
  id: string;
  versionId: string;
  prettyName: string;
  idLike: string[];
  source: string;
}

export function parseOsRelease(text: string, source: string): OsRelease {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    values[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return {
    id: values.ID ?? '',
    versionId: values.VERSION_ID ?? '',
    prettyName: values.PRETTY_NAME ?? values.NAME ?? '',
    idLike: (values.ID_LIKE ?? '').split(/\s+/).filter(Boolean),
    source,
  };
}

export const osRelease = defineFact('os-release', async ({ facts }) => {
  for (const p of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = await facts.text(p);
    if (text !== null) return parseOsRelease(text, p);
  }
  return null;
}, ['/etc/os-release', '/usr/lib/os-release']);


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

/** The benchmark that fits an OS, or null when neither does. */
export function benchmarkForOs(os: OsRelease | null): string | null {
  if (!os) return null;
  if (os.id === 'ubuntu' && os.versionId === '18.04') return 'cis-ubuntu-18.04-v2.1.0';
  if ((os.id === 'alinux' || os.id === 'aliyun') && /^2(\.|$)/.test(os.versionId)) return 'cis-aliyun-linux-2-v1.0.0';
  return null;
}

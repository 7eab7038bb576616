/**
 * The package repositories APT is configured to use, as apt 1.6 (Ubuntu 18.04) reads them:
 * /etc/apt/sources.list and /etc/apt/sources.list.d/*.list in the one-line format
 * (`deb [option=value ...] URI SUITE [COMPONENT...]`), and /etc/apt/sources.list.d/*.sources in the
 * deb822 format (stanzas of `Types:`, `URIs:`, `Suites:`, `Components:` and options). Other files in
 * sources.list.d are ignored by APT and listed as such. A malformed entry makes APT refuse to run, so
 * it is a parse error here too.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const SOURCES_LIST = '/etc/apt/sources.list';
export const SOURCES_DIR = '/etc/apt/sources.list.d';
const LIST_GLOB = `${SOURCES_DIR}/*`;

export interface AptSource {
  file: string;
  line: number;
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** options such as arch, signed-by, trusted (names lower-cased) */
  options: Record<string, string>;
  enabled: boolean;
}

export interface AptSources {
  files: string[];
  sources: AptSource[];
  /** files in sources.list.d that APT does not read */
  ignored: string[];
}

const SOURCE_TYPES = new Set(['deb', 'deb-src']);

/** One-line format. Options sit in square brackets right after the type. */
export function parseSourcesList(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const m = /^(\S+)\s+(?:\[([^\]]*)\]\s*)?(.*)$/.exec(line);
    if (!m || !SOURCE_TYPES.has(m[1])) throw new CheckError(`${file}:${i + 1} is not a valid APT source line (type must be deb or deb-src): ${line.slice(0, 120)}`);
    const words = m[3].split(/\s+/).filter(Boolean);
    if (words.length < 2) throw new CheckError(`${file}:${i + 1} names no suite: ${line.slice(0, 120)}`);
    const [uri, suite, ...components] = words;
    // an exact suite path (ending in /) takes no components; any other suite needs at least one
    if (!suite.endsWith('/') && !components.length) throw new CheckError(`${file}:${i + 1} names no component: ${line.slice(0, 120)}`);
    const options: Record<string, string> = {};
    for (const o of (m[2] ?? '').split(/\s+/).filter(Boolean)) {
      const eq = o.indexOf('=');
      if (eq < 1) throw new CheckError(`${file}:${i + 1} has a malformed option "${o}"`);
      options[o.slice(0, eq).replace(/[+-]$/, '').toLowerCase()] = o.slice(eq + 1);
    }
    out.push({ file, line: i + 1, types: [m[1]], uris: [uri], suites: [suite], components, options, enabled: true });
  });
  return out;
}

/** deb822 format: stanzas separated by blank lines; `#` comments; continuation lines start with a blank. */
export function parseDeb822Sources(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  let fields: Map<string, string> | null = null;
  let start = 0;
  let last = '';
  const finish = () => {
    if (!fields) return;
    const get = (k: string) => (fields!.get(k) ?? '').split(/\s+/).filter(Boolean);
    const types = get('types');
    const uris = get('uris');
    const suites = get('suites');
    if (!types.length || !uris.length || !suites.length) throw new CheckError(`${file}:${start} is a stanza without Types, URIs or Suites`);
    const bad = types.find((t) => !SOURCE_TYPES.has(t));
    if (bad) throw new CheckError(`${file}:${start} has the unknown type ${bad}`);
    const options: Record<string, string> = {};
    for (const [k, v] of fields) if (!['types', 'uris', 'suites', 'components', 'enabled'].includes(k)) options[k] = v;
    const enabled = !/^(no|false|0)$/i.test(fields.get('enabled') ?? 'yes');
    out.push({ file, line: start, types, uris, suites, components: get('components'), options, enabled });
    fields = null;
  };
  text.split('\n').forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    if (!raw.trim()) { finish(); return; }
    if (/^\s/.test(raw)) {
      if (!fields || !last) throw new CheckError(`${file}:${i + 1} is a continuation line outside a field`);
      fields.set(last, `${fields.get(last)} ${raw.trim()}`);
      return;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(raw);
    if (!m) throw new CheckError(`${file}:${i + 1} is not a "Field: value" line`);
    if (!fields) { fields = new Map(); start = i + 1; }
    last = m[1].toLowerCase();
    fields.set(last, m[2].trim());
  });
  finish();
  return out;
}

/** Which files of sources.list.d APT reads: *.list and *.sources with names of letters, digits, _ - . only. */
export function aptReadsSourceFile(name: string): 'list' | 'sources' | null {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return null;
  if (name.endsWith('.list')) return 'list';
  if (name.endsWith('.sources')) return 'sources';
  return null;
}

export const aptSources = defineFact<AptSources>('apt-sources', async ({ facts }) => {
  const reads = await facts.readMany([SOURCES_LIST, LIST_GLOB]);
  const files: string[] = [];
  const sources: AptSource[] = [];
  const ignored: string[] = [];
  for (const r of reads) {
    if (r.path === LIST_GLOB || r.state === 'missing' || r.state === 'directory') continue;
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    const text = r.content.toString('utf8');
    if (r.path === SOURCES_LIST) { files.push(r.path); sources.push(...parseSourcesList(text, r.path)); continue; }
    const kind = aptReadsSourceFile(r.path.slice(SOURCES_DIR.length + 1));
    if (!kind) { ignored.push(r.path); continue; }
    files.push(r.path);
    sources.push(...(kind === 'list' ? parseSourcesList(text, r.path) : parseDeb822Sources(text, r.path)));
  }
  return { files, sources, ignored };
}, [SOURCES_LIST, LIST_GLOB]);

/** One source in the one-line notation, for evidence. */
export function describeSource(s: AptSource): string {
  const opts = Object.entries(s.options).map(([k, v]) => `${k}=${v}`);
  return `${s.enabled ? '' : '(disabled) '}${s.types.join(',')}${opts.length ? ` [${opts.join(' ')}]` : ''} ${s.uris.join(' ')} ${s.suites.join(' ')} ${s.components.join(' ')}`.trim();
}

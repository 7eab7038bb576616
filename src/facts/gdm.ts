/**
 * The GNOME Display Manager's settings that decide what its login screen shows and accepts:
 * /etc/gdm3/greeter.dconf-defaults (dconf defaults of the greeter, in sections such as
 * [org/gnome/login-screen]) and /etc/gdm3/custom.conf (the daemon, with its [xdmcp] section). Both are
 * key files: `[section]` headers, `key=value` lines, `#` comments; for a key given twice in a section
 * the last value counts, as GLib reads them.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const GREETER_DEFAULTS = '/etc/gdm3/greeter.dconf-defaults';
export const GDM_CUSTOM = '/etc/gdm3/custom.conf';

export interface KeyFileValue { section: string; key: string; value: string; line: number }

export interface KeyFile {
  path: string;
  exists: boolean;
  /** every assignment in order */
  values: KeyFileValue[];
}

export function parseKeyFile(text: string, path: string): KeyFileValue[] {
  const out: KeyFileValue[] = [];
  let section: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) { section = sec[1].trim(); return; }
    const m = /^([A-Za-z0-9_.\-[\]@]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new CheckError(`${path}:${i + 1} is not a "key=value" line: ${line.slice(0, 120)}`);
    if (section === null) throw new CheckError(`${path}:${i + 1} sets ${m[1]} outside any section`);
    out.push({ section, key: m[1], value: m[2].trim(), line: i + 1 });
  });
  return out;
}

/** The value that counts for a key of a section (the last one), or undefined. Sections and keys are case-sensitive. */
export function keyFileValue(file: KeyFile, section: string, key: string): KeyFileValue | undefined {
  return file.values.filter((v) => v.section === section && v.key === key).pop();
}

async function keyFile(facts: import('./store.js').FactStore, path: string): Promise<KeyFile> {
  const text = await facts.text(path);
  return text === null ? { path, exists: false, values: [] } : { path, exists: true, values: parseKeyFile(text, path) };
}

export const gdmGreeterDefaults = defineFact<KeyFile>('gdm-greeter-defaults', ({ facts }) => keyFile(facts, GREETER_DEFAULTS), [GREETER_DEFAULTS]);
export const gdmCustomConf = defineFact<KeyFile>('gdm-custom-conf', ({ facts }) => keyFile(facts, GDM_CUSTOM), [GDM_CUSTOM]);

/** GLib's and GVariant's boolean words. */
export function keyFileBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

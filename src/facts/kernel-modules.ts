/**
 * Kernel module configuration (modprobe.d) and the modules loaded now (/proc/modules, live targets only).
 * A module is "set not to load" when modprobe.d gives it an `install` command that does nothing
 * (/bin/true or /bin/false): that is what `modprobe -n -v <module>` then reports. Names compare with
 * dashes and underscores as equal, as modprobe does.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { liveText } from './live-files.js';

const MODPROBE_DIRS = ['/etc/modprobe.d', '/run/modprobe.d', '/usr/local/lib/modprobe.d', '/usr/lib/modprobe.d', '/lib/modprobe.d'];
const MODPROBE_FILES = MODPROBE_DIRS.map((d) => `${d}/*.conf`);

export const moduleName = (m: string) => m.replace(/-/g, '_');

export interface ModprobeDirective { kind: 'install' | 'blacklist'; module: string; command?: string; file: string; line: number }

export function parseModprobeConf(text: string, file: string): ModprobeDirective[] {
  const out: ModprobeDirective[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [kw, mod, ...rest] = line.split(/\s+/);
    if ((kw === 'install' || kw === 'blacklist') && mod) {
      out.push({ kind: kw, module: moduleName(mod), command: kw === 'install' ? rest.join(' ') : undefined, file, line: i + 1 });
    }
  });
  return out;
}

export interface ModprobeConfig {
  directives: ModprobeDirective[];
  /** the install command modprobe uses for a module (first found in file order), if any */
  install(module: string): ModprobeDirective | undefined;
  blacklisted(module: string): ModprobeDirective | undefined;
}

export const modprobeConfig = defineFact<ModprobeConfig>('modprobe-config', async ({ facts }) => {
  const reads = await facts.readMany(MODPROBE_FILES);
  const byName = new Map<string, { path: string; text: string }>();
  for (const dir of MODPROBE_DIRS) {
    for (const r of reads.filter((x) => x.path.startsWith(`${dir}/`))) {
      if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
      if (r.state !== 'file') continue;
      const name = r.path.slice(dir.length + 1);
      if (!byName.has(name)) byName.set(name, { path: r.path, text: r.content.toString('utf8') });
    }
  }
  const directives = [...byName.keys()].sort().flatMap((n) => parseModprobeConf(byName.get(n)!.text, byName.get(n)!.path));
  return {
    directives,
    install: (m) => directives.find((d) => d.kind === 'install' && d.module === moduleName(m)),
    blacklisted: (m) => directives.find((d) => d.kind === 'blacklist' && d.module === moduleName(m)),
  };
}, MODPROBE_FILES);

export function parseProcModules(text: string): Set<string> {
  return new Set(text.split('\n').map((l) => l.split(' ')[0]).filter(Boolean).map(moduleName));
}

export interface LoadedModules {
  modules: Set<string>;
  /** how the answer was obtained, for evidence */
  source: string;
}

/**
 * Modules loaded in the running kernel. A running kernel without /proc/modules was built without
 * loadable module support: nothing can be loaded into it, and the evidence says so.
 */
export const loadedModules = defineFact<LoadedModules>('loaded-modules', async ({ facts }) => {
  const text = await liveText(facts, '/proc/modules', 'loaded kernel modules (/proc/modules)');
  if (text === null) return { modules: new Set(), source: '/proc/modules does not exist: the running kernel has no loadable module support' };
  return { modules: parseProcModules(text), source: '/proc/modules' };
});

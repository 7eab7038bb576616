/**
 * Kernel module configuration (modprobe.d) and the modules loaded now (/proc/modules, live targets only).
 * Read as kmod 24 (Ubuntu 18.04) and kmod 20 (RHEL 7, ACL2) read it, proven against the fixture's
 * `modprobe -n -v` by test/differential/modprobe.test.ts:
 *
 * - the files are the names ending in ".conf" (not starting with ".") of /etc/modprobe.d, /run/modprobe.d
 *   and /lib/modprobe.d, read in name order across the three; a name in an earlier directory hides the
 *   same name in a later one (/usr/lib/modprobe.d is not read by these kmod versions, unless /lib is a
 *   link to /usr/lib);
 * - a line ending in a backslash continues on the next; words are split at spaces and tabs; a first word
 *   starting with "#" makes a comment; keywords are case-sensitive;
 * - `install MODULE COMMAND`: the command is the rest of the line (an install line without one is
 *   ignored). For a module whose file exists, modprobe runs the first install line (in file order) whose
 *   MODULE pattern (shell wildcards) matches it; for a name it knows only from install lines (no module
 *   file), the first line of exactly that name;
 * - `alias PATTERN MODULE`: `modprobe NAME` loads the modules of the aliases whose pattern matches NAME
 *   instead of NAME, so an install line for NAME no longer applies;
 * - `blacklist MODULE` only keeps a module from loading through an alias; `modprobe MODULE` still loads it.
 * Module names compare with dashes and underscores as equal.
 */
import { CheckError } from '../model/verdict.js';
import { globMatch } from '../model/glob.js';
import { defineFact } from './store.js';
import { liveText } from './live-files.js';

export const MODPROBE_DIRS = ['/etc/modprobe.d', '/run/modprobe.d', '/lib/modprobe.d'];
const MODPROBE_FILES = MODPROBE_DIRS.map((d) => `${d}/*.conf`);

/** kmod's normalisation of a module name: dashes become underscores, except inside [...] of a pattern. */
export const moduleName = (m: string) => {
  let out = '';
  let inBracket = false;
  for (const c of m) {
    if (c === '[') inBracket = true;
    else if (c === ']') inBracket = false;
    out += c === '-' && !inBracket ? '_' : c;
  }
  return out;
};

export interface ModprobeDirective {
  kind: 'install' | 'blacklist' | 'alias';
  /** the module name or pattern (install, alias: the alias pattern), normalised */
  module: string;
  /** install: the command; alias: the module the alias loads */
  command?: string;
  file: string;
  line: number;
}

export function parseModprobeConf(text: string, file: string): ModprobeDirective[] {
  const out: ModprobeDirective[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = i;
    let line = lines[i];
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i];
    const m = /^[ \t]*([^ \t]+)(?:[ \t]+([^ \t]+))?(?:[ \t]([\s\S]*))?$/.exec(line);
    if (!m || m[1].startsWith('#')) continue;
    const [, kw, mod, rest] = m;
    if (!mod) continue;
    if (kw === 'install' && rest) out.push({ kind: 'install', module: moduleName(mod), command: rest.trim(), file, line: first + 1 });
    else if (kw === 'blacklist') out.push({ kind: 'blacklist', module: moduleName(mod), file, line: first + 1 });
    else if (kw === 'alias' && rest !== undefined && rest.trim()) {
      out.push({ kind: 'alias', module: moduleName(mod), command: moduleName(rest.trim().split(/[ \t]+/)[0]), file, line: first + 1 });
    }
  }
  return out;
}

/** What `modprobe NAME` does, as far as modprobe.d decides it. */
export interface ModuleResolution {
  /** the alias lines that send NAME to other modules (empty: NAME itself is loaded) */
  aliases: ModprobeDirective[];
  /**
   * each module modprobe loads, with the install command it runs instead: `install` when the module's
   * file exists (first matching pattern), `installByName` when it does not (first line of exactly its name)
   */
  targets: Array<{ module: string; install?: ModprobeDirective; installByName?: ModprobeDirective }>;
}

export interface ModprobeConfig {
  /** the files read, in kmod's order */
  files: string[];
  directives: ModprobeDirective[];
  /** the install command modprobe runs for the module itself (first matching line), when no alias redirects it */
  install(module: string): ModprobeDirective | undefined;
  resolve(module: string): ModuleResolution;
  blacklisted(module: string): ModprobeDirective | undefined;
}

/** The configuration from the files of the modprobe.d directories (path and text), as kmod reads them. */
export function modprobeFromFiles(files: Array<{ path: string; text: string }>): ModprobeConfig {
  const byName = new Map<string, { path: string; text: string }>();
  for (const dir of MODPROBE_DIRS) {
    for (const f of files.filter((x) => x.path.startsWith(`${dir}/`))) {
      const name = f.path.slice(dir.length + 1);
      if (name.startsWith('.') || !name.endsWith('.conf') || name.includes('/')) continue;
      if (!byName.has(name)) byName.set(name, f);
    }
  }
  const order = [...byName.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const directives = order.flatMap((n) => parseModprobeConf(byName.get(n)!.text, byName.get(n)!.path));
  // modprobe matches a name against alias and install patterns with fnmatch(pattern, name, 0)
  const installFor = (m: string) => directives.find((d) => d.kind === 'install' && globMatch(d.module, m));
  const resolve = (name: string): ModuleResolution => {
    const m = moduleName(name);
    const aliases = directives.filter((d) => d.kind === 'alias' && globMatch(d.module, m));
    const mods = aliases.length ? [...new Set(aliases.map((a) => a.command!))] : [m];
    return {
      aliases,
      targets: mods.map((t) => ({ module: t, install: installFor(t), installByName: directives.find((d) => d.kind === 'install' && d.module === t) })),
    };
  };
  return {
    files: order.map((n) => byName.get(n)!.path),
    directives,
    install: (m) => { const r = resolve(m); return r.aliases.length ? undefined : r.targets[0].install ?? r.targets[0].installByName; },
    resolve,
    blacklisted: (m) => directives.find((d) => d.kind === 'blacklist' && d.module === moduleName(m)),
  };
}

export const modprobeConfig = defineFact<ModprobeConfig>('modprobe-config', async ({ facts }) => {
  const files: Array<{ path: string; text: string }> = [];
  for (const r of await facts.readMany(MODPROBE_FILES)) {
    if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    if (r.state === 'file') files.push({ path: r.path, text: r.content.toString('utf8') });
  }
  return modprobeFromFiles(files);
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

/**
 * yum's configuration as yum 3.4 (CentOS 7, Alibaba Cloud Linux 2) reads it: /etc/yum.conf, whose [main]
 * section holds the global settings and whose other sections define repositories, then every *.repo file
 * of the repository directories ([main] reposdir, by default /etc/yum.repos.d and /etc/yum/repos.d).
 * The files are INI files as Python's ConfigParser reads them: `[section]` headers, `key=value` (or
 * `key: value`) lines with case-insensitive keys, `#` and `;` comment lines, and continuation lines
 * that start with a blank (a baseurl may list several URLs). A line ConfigParser cannot read makes yum
 * refuse the file, so it is an error here too.
 *
 * A repository inherits `gpgcheck` from [main] when it does not set it; [main]'s own default is off.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const YUM_CONF = '/etc/yum.conf';
export const DEFAULT_REPOSDIRS = ['/etc/yum.repos.d', '/etc/yum/repos.d'];

export interface IniSetting { key: string; value: string; line: number }
export interface IniSection { name: string; line: number; settings: IniSetting[] }

/** Parse an INI file as ConfigParser does; settings keep their order and line. */
export function parseYumIni(text: string, file: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | null = null;
  let last: IniSetting | null = null;
  text.split('\n').forEach((raw, i) => {
    const n = i + 1;
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || /^[#;]/.test(line) || /^rem(\s|$)/i.test(line)) return;
    if (/^\s/.test(line)) {
      if (!last) throw new CheckError(`${file}:${n} is a continuation line with no setting before it: ${line.trim().slice(0, 80)}`);
      last.value = `${last.value}\n${line.trim()}`;
      return;
    }
    const sec = /^\[([^\]]+)\]/.exec(line);
    if (sec) {
      current = { name: sec[1].trim(), line: n, settings: [] };
      sections.push(current);
      last = null;
      return;
    }
    const kv = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv) throw new CheckError(`${file}:${n} is neither a [section], a key=value line nor a comment: ${line.slice(0, 80)}`);
    if (!current) throw new CheckError(`${file}:${n} sets ${kv[1]} before any [section] header`);
    // a ";" after a blank starts a comment at the end of a value
    last = { key: kv[1].toLowerCase(), value: kv[2].replace(/\s;.*$/, '').trim(), line: n };
    (current as IniSection).settings.push(last);
  });
  return sections;
}

/** yum's boolean options: 1/yes/true/on and 0/no/false/off, in any case; anything else is undefined. */
export function yumBool(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(v)) return true;
  if (['0', 'no', 'false', 'off'].includes(v)) return false;
  return undefined;
}

/** The value a section uses for a key: the last assignment (ConfigParser keeps the last). */
export function sectionValue(section: IniSection, key: string): IniSetting | undefined {
  return [...section.settings].reverse().find((s) => s.key === key);
}

export interface YumRepo {
  id: string;
  file: string;
  line: number;
  name?: string;
  /** baseurl, mirrorlist and metalink settings as written (a baseurl may hold several URLs, one a line) */
  sources: IniSetting[];
  enabled: boolean;
  enabledSetting?: IniSetting;
  /** the repository's own gpgcheck line, if any */
  gpgcheckSetting?: IniSetting;
  /** the gpgcheck yum applies: the repository's own, or [main]'s */
  gpgcheck: boolean;
  gpgkeys: string[];
}

export interface YumConfig {
  conf: { file: string; exists: boolean; main: IniSection | null; text: string | null };
  /** [main]'s gpgcheck line, if any, and the value yum applies (off when absent) */
  mainGpgcheck: { setting?: IniSetting; value: boolean };
  reposdirs: string[];
  /** the repository files read, in order */
  repoFiles: string[];
  repos: YumRepo[];
  /** files in the repository directories yum does not read (only *.repo are) */
  ignored: string[];
}

function gpgcheckOf(s: IniSetting, file: string): boolean {
  const b = yumBool(s.value);
  if (b === undefined) throw new CheckError(`${file}:${s.line} sets gpgcheck=${s.value}, which yum does not understand as a yes or no`);
  return b;
}

export function reposOf(sections: IniSection[], file: string, mainGpgcheck: boolean): YumRepo[] {
  return sections.filter((s) => s.name !== 'main').map((s) => {
    const gpg = sectionValue(s, 'gpgcheck');
    const en = sectionValue(s, 'enabled');
    const enabled = en ? yumBool(en.value) : true;
    if (enabled === undefined) throw new CheckError(`${file}:${en!.line} sets enabled=${en!.value}, which yum does not understand as a yes or no`);
    return {
      id: s.name,
      file,
      line: s.line,
      name: sectionValue(s, 'name')?.value,
      sources: s.settings.filter((x) => ['baseurl', 'mirrorlist', 'metalink'].includes(x.key)),
      enabled,
      enabledSetting: en,
      gpgcheckSetting: gpg,
      gpgcheck: gpg ? gpgcheckOf(gpg, file) : mainGpgcheck,
      gpgkeys: (sectionValue(s, 'gpgkey')?.value ?? '').split(/[\s,]+/).filter(Boolean),
    };
  });
}

/** yum's list options (reposdir): separated by commas or blanks. */
const listOption = (v: string) => v.split(/[\s,]+/).filter(Boolean);

export const yumConfig = defineFact<YumConfig>('yum-config', async ({ facts }) => {
  const text = await facts.text(YUM_CONF);
  const sections = text === null ? [] : parseYumIni(text, YUM_CONF);
  const main = sections.find((s) => s.name === 'main') ?? null;
  const gpgSetting = main ? sectionValue(main, 'gpgcheck') : undefined;
  const mainGpgcheck = { setting: gpgSetting, value: gpgSetting ? gpgcheckOf(gpgSetting, YUM_CONF) : false };
  const reposdirSetting = main ? sectionValue(main, 'reposdir') : undefined;
  const reposdirs = reposdirSetting ? listOption(reposdirSetting.value) : DEFAULT_REPOSDIRS;
  const repos = reposOf(sections, YUM_CONF, mainGpgcheck.value);
  const repoFiles: string[] = [];
  const ignored: string[] = [];
  for (const dir of reposdirs) {
    const glob = `${dir.replace(/\/+$/, '')}/*`;
    const reads = (await facts.readMany([glob])).filter((r) => r.path !== glob).sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const r of reads) {
      if (r.state === 'missing' || r.state === 'directory') continue;
      if (!r.path.endsWith('.repo')) { ignored.push(r.path); continue; }
      if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
      repoFiles.push(r.path);
      repos.push(...reposOf(parseYumIni(r.content.toString('utf8'), r.path), r.path, mainGpgcheck.value));
    }
  }
  return { conf: { file: YUM_CONF, exists: text !== null, main, text }, mainGpgcheck, reposdirs, repoFiles, repos, ignored };
}, [YUM_CONF, ...DEFAULT_REPOSDIRS.map((d) => `${d}/*`)]);

/**
 * yum.conf with `gpgcheck=1` in [main]: an existing gpgcheck line of [main] is set to 1, or one is added
 * right after the [main] header (a [main] section is added at the top when there is none). Other sections
 * are left as they are.
 */
export function yumConfWithMainGpgcheck(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  let inMain = false;
  let header = -1;
  let done = false;
  const out = lines.map((l, i) => {
    const sec = /^\[([^\]]+)\]/.exec(l);
    if (sec) { inMain = sec[1].trim() === 'main'; if (inMain && header < 0) header = i; return l; }
    if (inMain && /^gpgcheck\s*[=:]/i.test(l)) { done = true; return 'gpgcheck=1'; }
    return l;
  });
  if (!done) {
    if (header >= 0) out.splice(header + 1, 0, 'gpgcheck=1');
    else out.unshift('[main]', 'gpgcheck=1', '');
  }
  return `${out.join('\n')}\n`;
}

/** A repository in words, for evidence. */
export function describeRepo(r: YumRepo): string {
  const src = r.sources.map((s) => `${s.key}=${s.value.replace(/\n/g, ' ')}`).join('; ') || 'no baseurl, mirrorlist or metalink';
  const gpg = r.gpgcheckSetting ? `gpgcheck=${r.gpgcheckSetting.value}` : `gpgcheck not set (inherits ${r.gpgcheck ? '1' : '0'} from [main])`;
  return `[${r.id}]${r.name ? ` ${r.name}` : ''}: ${src}; ${r.enabled ? 'enabled' : 'disabled'}; ${gpg}${r.gpgkeys.length ? `; gpgkey=${r.gpgkeys.join(' ')}` : ''}`;
}

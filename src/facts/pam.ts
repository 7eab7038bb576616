/**
 * PAM configuration as Linux-PAM reads it: every file in /etc/pam.d parsed into rules, and the stack one
 * service runs for one management group (auth, account, password, session) once `include`, `substack`
 * and Debian's `@include` are followed.
 *
 * A rule is `[-]type control module-path [arguments]`. The control is a keyword (required, requisite,
 * sufficient, optional, include, substack) or a bracketed list of value=action pairs. An argument written
 * in brackets may hold spaces; `\]` inside it stands for `]`. A `#` starts a comment; a backslash at the
 * end of a line continues the rule on the next line.
 *
 * The parser never fails on a bad line: it records it as invalid, and expanding a stack that reaches such
 * a line reports it, so a broken line elsewhere in /etc/pam.d does not stop unrelated checks.
 *
 * Round trips: one read of /etc/pam.d/* (prefetched with every other declared file); one more only when
 * a rule includes a file outside /etc/pam.d by absolute path.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const PAM_DIR = '/etc/pam.d';
export const PAM_TYPES = ['auth', 'account', 'password', 'session'] as const;
export type PamType = (typeof PAM_TYPES)[number];
export const PAM_CONTROL_KEYWORDS = ['required', 'requisite', 'sufficient', 'optional', 'include', 'substack'] as const;
const ACTIONS = /^(ignore|bad|die|ok|done|reset|\d+)$/;

interface Where { file: string; line: number; text: string }

export interface PamRule extends Where {
  kind: 'rule';
  type: PamType;
  /** the line began with "-": PAM skips the rule quietly when the module is missing */
  quiet: boolean;
  /** the control as written: a keyword, or "[value=action ...]" */
  control: string;
  /** the value=action pairs of a bracketed control; undefined for a keyword */
  actions?: Record<string, string>;
  /** the module path as written; for include and substack, the file included */
  module: string;
  args: string[];
  /**
   * the start of the line exactly as written, from its type to its module path ("password    sufficient
   * pam_unix.so"), when the rule is on one line: a remediation rewrites the arguments after it
   */
  head?: string;
}

export interface PamAtInclude extends Where { kind: '@include'; target: string }
export interface PamInvalid extends Where { kind: 'invalid'; reason: string }
export type PamLine = PamRule | PamAtInclude | PamInvalid;

/** The file name of a module path: "/lib/security/pam_unix.so" and "pam_unix.so" are both "pam_unix.so". */
export const moduleName = (module: string) => module.slice(module.lastIndexOf('/') + 1);

/** Split a rule into words; a bracketed word keeps its spaces and loses its brackets. */
export function pamWords(text: string): { words: string[]; bracketed: boolean[] } | { error: string } {
  const words: string[] = [];
  const bracketed: boolean[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) { i++; continue; }
    if (text[i] === '[') {
      let word = '';
      i++;
      while (i < text.length && text[i] !== ']') {
        if (text[i] === '\\' && text[i + 1] === ']') { word += ']'; i += 2; continue; }
        word += text[i++];
      }
      if (i >= text.length) return { error: 'a "[" is never closed' };
      i++;
      words.push(word);
      bracketed.push(true);
      continue;
    }
    let word = '';
    while (i < text.length && !/\s/.test(text[i])) word += text[i++];
    words.push(word);
    bracketed.push(false);
  }
  return { words, bracketed };
}

export function parsePamFile(content: string, file: string): PamLine[] {
  const out: PamLine[] = [];
  const raw = content.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const line = i + 1;
    let logical = raw[i];
    const continued = /\\$/.test(logical);
    while (/\\$/.test(logical) && i + 1 < raw.length) logical = logical.slice(0, -1) + ' ' + raw[++i];
    const hash = logical.indexOf('#');
    const body = (hash >= 0 ? logical.slice(0, hash) : logical).trim();
    if (!body) continue;
    const text = body.replace(/\s+/g, ' ');
    const invalid = (reason: string) => out.push({ kind: 'invalid', reason, file, line, text });
    const split = pamWords(body);
    if ('error' in split) { invalid(split.error); continue; }
    const { words, bracketed } = split;
    if (words[0] === '@include') {
      if (words.length !== 2) invalid('@include takes exactly one file name');
      else out.push({ kind: '@include', target: words[1], file, line, text });
      continue;
    }
    const quiet = words[0].startsWith('-');
    const type = (quiet ? words[0].slice(1) : words[0]).toLowerCase();
    if (!(PAM_TYPES as readonly string[]).includes(type)) { invalid(`"${words[0]}" is not a PAM management group (auth, account, password, session)`); continue; }
    if (words.length < 3) { invalid('a rule needs a control and a module'); continue; }
    let control = words[1];
    let actions: Record<string, string> | undefined;
    if (bracketed[1]) {
      actions = {};
      for (const pair of words[1].trim().split(/\s+/).filter(Boolean)) {
        const eq = pair.indexOf('=');
        const value = pair.slice(0, eq).toLowerCase();
        const action = pair.slice(eq + 1).toLowerCase();
        if (eq <= 0 || !ACTIONS.test(action)) { actions = undefined; break; }
        actions[value] = action;
      }
      if (!actions) { invalid(`the control [${words[1]}] is not a list of value=action pairs`); continue; }
      control = `[${words[1].trim().replace(/\s+/g, ' ')}]`;
    } else {
      control = control.toLowerCase();
      if (!(PAM_CONTROL_KEYWORDS as readonly string[]).includes(control)) { invalid(`"${words[1]}" is not a PAM control`); continue; }
    }
    const rule: PamRule = { kind: 'rule', type: type as PamType, quiet, control, actions, module: words[2], args: words.slice(3), file, line, text };
    const head = continued ? null : /^\s*(-?[A-Za-z]+[ \t]+(?:\[(?:\\.|[^\]])*\]|\S+)[ \t]+(\S+))(?=[ \t#]|$)/.exec(raw[line - 1]);
    if (head && head[2] === words[2]) rule.head = head[1];
    out.push(rule);
  }
  return out;
}

/** Where an include names its file: a name is looked up in /etc/pam.d, an absolute path is used as is. */
export const includePath = (target: string) => (target.startsWith('/') ? target : `${PAM_DIR}/${target}`);

/** A rule of a service's stack, with the includes that led to it (outermost first). */
export interface PamStackEntry extends PamRule {
  via: Where[];
  /** true when the rule runs inside a substack */
  inSubstack: boolean;
}

export interface PamStack {
  service: string;
  type: PamType;
  /** the service's own file */
  file: string;
  exists: boolean;
  entries: PamStackEntry[];
  /** invalid lines, missing included files and include loops met on the way */
  problems: string[];
}

/**
 * The rules a service runs for one management group, in order. `files` maps paths to parsed files
 * (null: the file does not exist).
 */
export function expandPamStack(files: ReadonlyMap<string, PamLine[] | null>, service: string, type: PamType): PamStack {
  const file = includePath(service);
  const entries: PamStackEntry[] = [];
  const problems: string[] = [];
  const walk = (path: string, via: Where[], inSubstack: boolean, chain: string[]) => {
    const lines = files.get(path);
    if (!lines) {
      if (via.length) {
        const by = via[via.length - 1];
        problems.push(`${by.file}:${by.line} includes ${path}, which ${files.has(path) ? 'does not exist' : 'was not read'}`);
      }
      return;
    }
    if (chain.includes(path)) {
      const by = via[via.length - 1];
      problems.push(`${by.file}:${by.line} includes ${path} again (an include loop: ${[...chain, path].join(' -> ')})`);
      return;
    }
    for (const l of lines) {
      if (l.kind === 'invalid') { problems.push(`${l.file}:${l.line} "${l.text}": ${l.reason}`); continue; }
      if (l.kind === '@include') { walk(includePath(l.target), [...via, l], inSubstack, [...chain, path]); continue; }
      if (l.type !== type) continue;
      if (l.control === 'include' || l.control === 'substack') {
        walk(includePath(l.module), [...via, l], inSubstack || l.control === 'substack', [...chain, path]);
        continue;
      }
      entries.push({ ...l, via, inSubstack });
    }
  };
  walk(file, [], false, []);
  return { service, type, file, exists: !!files.get(file), entries, problems };
}

/** The files an include names, absolute, that are not in the map yet. */
export function unreadIncludes(files: ReadonlyMap<string, PamLine[] | null>): string[] {
  const wanted = new Set<string>();
  for (const lines of files.values()) {
    for (const l of lines ?? []) {
      const target = l.kind === '@include' ? l.target : l.kind === 'rule' && (l.control === 'include' || l.control === 'substack') ? l.module : null;
      if (target && !files.has(includePath(target))) wanted.add(includePath(target));
    }
  }
  return [...wanted];
}

export interface PamConfig {
  /** every file read, parsed (null: missing) */
  files: Map<string, PamLine[] | null>;
  stack(service: string, type: PamType): PamStack;
}

export const pamConfig = defineFact<PamConfig>('pam-config', async ({ facts }) => {
  const files = new Map<string, PamLine[] | null>();
  const take = (reads: Awaited<ReturnType<typeof facts.readMany>>) => {
    for (const r of reads) {
      if (r.state === 'file') files.set(r.path, parsePamFile(r.content.toString('utf8'), r.path));
      else if (r.state === 'missing') files.set(r.path, null);
      else if (r.state === 'unreadable') throw new CheckError(`${r.path} cannot be read: ${r.reason}`);
    }
  };
  take((await facts.readMany([`${PAM_DIR}/*`])).filter((r) => r.path !== `${PAM_DIR}/*`));
  // names in /etc/pam.d that were not found are missing, not unread
  for (let round = 0; round < 5; round++) {
    const more = unreadIncludes(files);
    if (!more.length) break;
    const inDir = more.filter((p) => p.startsWith(`${PAM_DIR}/`) && !p.slice(PAM_DIR.length + 1).includes('/'));
    for (const p of inDir) files.set(p, null);
    const elsewhere = more.filter((p) => !inDir.includes(p));
    if (elsewhere.length) take(await facts.readMany(elsewhere));
  }
  return { files, stack: (service, type) => expandPamStack(files, service, type) };
}, [`${PAM_DIR}/*`]);

/** "/etc/pam.d/su:15 auth required pam_wheel.so use_uid (from /etc/pam.d/login:3 @include common-auth)" */
export function describePamEntry(e: PamStackEntry): string {
  const via = e.via.length ? ` (via ${e.via.map((v) => `${v.file}:${v.line} ${v.text}`).join(' -> ')})` : '';
  return `${e.file}:${e.line} ${e.text}${via}${e.inSubstack ? ' [in a substack]' : ''}`;
}

/** A rule's arguments with one option added (a flag) or set (name=value), the others kept in order. */
export function withOption(args: string[], option: string): string[] {
  const eq = option.indexOf('=');
  if (eq < 0) return args.includes(option) ? args : [...args, option];
  const name = option.slice(0, eq + 1);
  return args.some((a) => a.startsWith(name)) ? args.map((a) => (a.startsWith(name) ? option : a)) : [...args, option];
}

/** The value of a "name=value" module argument (the last one wins), or undefined. */
export function pamArgument(e: PamRule, name: string): string | undefined {
  let value: string | undefined;
  for (const a of e.args) if (a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
  return value;
}

/**
 * Symbolic links in /etc/pam.d and the files they lead to (Red Hat's system-auth -> system-auth-ac):
 * a remediation edits the file a link leads to, never the link. One listing of the directory.
 */
export const pamFileLinks = defineFact<Map<string, string>>('pam-file-links', async ({ target }) => {
  const links = new Map<string, string>();
  await target.walk({ roots: [PAM_DIR], maxDepth: 1 }, (e) => {
    if (e.type === 'l' && e.linkTarget) links.set(e.path, e.linkTarget);
  });
  const resolved = new Map<string, string>();
  for (const from of links.keys()) {
    let p = from;
    for (let hops = 0; hops < 8 && links.has(p); hops++) p = resolveLink(p, links.get(p)!);
    resolved.set(from, p);
  }
  return resolved;
});

/** Where a link at `from` pointing to `to` leads (relative targets are relative to the link's directory). */
export function resolveLink(from: string, to: string): string {
  const parts = (to.startsWith('/') ? to : `${from.slice(0, from.lastIndexOf('/'))}/${to}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return `/${out.join('/')}`;
}

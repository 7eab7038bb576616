/**
 * PAM configuration as Linux-PAM reads it: every file in /etc/pam.d parsed into rules (pam-parse.ts), and
 * the stack one service runs for one management group (auth, account, password, session) once `include`,
 * `substack` and Debian's `@include` are followed. What the stack does when it runs (which rules can run,
 * which module checks a password before another stores it) is pam-flow.ts.
 *
 * The parser never fails on a bad line: it records it as invalid, and expanding a stack that reaches such
 * a line reports it, so a broken line elsewhere in /etc/pam.d does not stop unrelated checks.
 *
 * Round trips: one read of /etc/pam.d/* (prefetched with every other declared file); one more only when
 * a rule includes a file outside /etc/pam.d by absolute path.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { parsePamFile, type PamLine, type PamRule, type PamType } from './pam-parse.js';

export const PAM_DIR = '/etc/pam.d';
interface Where { file: string; line: number; text: string }

/** Where an include names its file: a name is looked up in /etc/pam.d, an absolute path is used as is. */
export const includePath = (target: string) => (target.startsWith('/') ? target : `${PAM_DIR}/${target}`);

/** A rule of a service's stack, with the includes that led to it (outermost first). */
export interface PamStackEntry extends PamRule {
  via: Where[];
  /** true when the rule runs inside a substack */
  inSubstack: boolean;
}

/** The stack as PAM runs it: rules, and substacks that run as one rule with their own done and die. */
export type PamNode = { kind: 'rule'; entry: PamStackEntry } | { kind: 'substack'; entry: PamStackEntry; nodes: PamNode[] };

export interface PamStack {
  service: string;
  type: PamType;
  /** the service's own file */
  file: string;
  exists: boolean;
  /** every rule, in order, substacks flattened */
  entries: PamStackEntry[];
  /** the same rules with their substacks */
  nodes: PamNode[];
  /** invalid lines, missing included files and include loops met on the way */
  problems: string[];
}

/**
 * The rules a service runs for one management group, in order. `files` maps paths to parsed files
 * (null: the file does not exist). `include` and `substack` take the rules of their own type from the
 * file they name; `@include` takes every rule.
 */
export function expandPamStack(files: ReadonlyMap<string, PamLine[] | null>, service: string, type: PamType): PamStack {
  const file = includePath(service);
  const entries: PamStackEntry[] = [];
  const problems: string[] = [];
  const walk = (path: string, via: Where[], inSubstack: boolean, chain: string[], into: PamNode[]) => {
    const lines = files.get(path);
    if (!lines) {
      if (via.length) {
        const by = via[via.length - 1];
        problems.push(`${by.file}:${by.line} includes ${path}, which ${files.has(path) ? 'does not exist (PAM then fails the whole stack)' : 'was not read'}`);
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
      if (l.kind === '@include') { walk(includePath(l.target), [...via, l], inSubstack, [...chain, path], into); continue; }
      if (l.type !== type) continue;
      if (l.control === 'include') { walk(includePath(l.module), [...via, l], inSubstack, [...chain, path], into); continue; }
      if (l.control === 'substack') {
        const node: PamNode = { kind: 'substack', entry: { ...l, via, inSubstack }, nodes: [] };
        into.push(node);
        walk(includePath(l.module), [...via, l], true, [...chain, path], node.nodes);
        continue;
      }
      const entry: PamStackEntry = { ...l, via, inSubstack };
      entries.push(entry);
      into.push({ kind: 'rule', entry });
    }
  };
  const nodes: PamNode[] = [];
  walk(file, [], false, [], nodes);
  return { service, type, file, exists: !!files.get(file), entries, nodes, problems };
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

/**
 * Fix templates: one builder per kind of fix a failing check records, each a pure function of the values
 * it is given that returns a remediation (what it does in words, and the changes). A step says which
 * template with which values; it never writes a change by hand. The kinds:
 * - a setting in a key/value file (login.defs, auditd.conf, a drop-in), an sshd setting, lines ensured in
 *   a file, the whole content of a file cis-bdd writes; each may comment out the lines of other files that
 *   would override it and reload the service that reads it;
 * - a kernel parameter (cis-bdd's sysctl drop-in, or the running kernel) and a module set not to load;
 * - packages removed or installed, modes and owners of files, services enabled, disabled or started.
 * A fix that combines kinds (a drop-in and a rewritten line in another file) is made of the parts below
 * (an edit, one change) with `remediation`. Mount options have builders of their own (mount-fixes.ts), made of these parts.
 */
import type { Change, FileEdit, Remediation } from '../model/remediation.js';

/** cis-bdd's own drop-ins: hardening writes kernel settings here and nowhere else. */
export const CIS_BDD_SYSCTL = '/etc/sysctl.d/60-cis-bdd.conf';
export const CIS_BDD_MODPROBE = '/etc/modprobe.d/60-cis-bdd.conf';

/** How a file is created when it does not exist. */
export interface Creation { mode: number; uid: number; gid: number }
/** A file owned by root:root, created with `mode`. */
export const rootFile = (mode: number): Creation => ({ mode, uid: 0, gid: 0 });

export type Separator = ' ' | ' = ' | '=';

/** `s` as a regular expression source that matches it literally. */
export const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------- parts: edits of a file

/** Set `key` on every active line of it, or append "key<separator>value". */
export const setKey = (key: string, value: string, separator: Separator): FileEdit => ({ op: 'key-value-set', key, value, separator });
/** Append the line when no line is exactly it. */
export const ensureLine = (line: string): FileEdit => ({ op: 'ensure-line', line });
/** Comment out the active lines matching a regular expression (source, flags). */
export const commentOutLines = (pattern: string, flags?: string): FileEdit => (flags ? { op: 'comment-out', pattern, flags } : { op: 'comment-out', pattern });
/** Set an sshd keyword where sshd reads it first (outside Match blocks), or insert it at the top. */
export const sshdSet = (key: string, value: string): FileEdit => ({ op: 'sshd-set', key, value });
/** Replace the whole content. */
export const replaceContent = (content: string): FileEdit => ({ op: 'replace-content', content });

// ---------------------------------------------------------------- parts: one change

/** Edit a file; `create` is how to create it when it does not exist (without it, a missing file is not created). */
export function editFile(path: string, edits: FileEdit[], create?: Creation): Change {
  return create ? { kind: 'edit-file', path, edits, create } : { kind: 'edit-file', path, edits };
}
export const setMode = (path: string, mode: number): Change => ({ kind: 'set-mode', path, mode });
export const setOwner = (path: string, uid: number, gid: number): Change => ({ kind: 'set-owner', path, uid, gid });
export const deletePath = (path: string): Change => ({ kind: 'delete', path });
export const symlink = (path: string, linkTarget: string): Change => ({ kind: 'symlink', path, linkTarget });
export const reloadService = (unit: string): Change => ({ kind: 'reload-service', unit });
export const runningKernelParameter = (key: string, value: string): Change => ({ kind: 'sysctl-running', key, value });
/** Comment out the lines matching `pattern` in each file. */
export const commentOutIn = (paths: readonly string[], pattern: string, flags?: string): Change[] => paths.map((p) => editFile(p, [commentOutLines(pattern, flags)]));

/** A fix made of parts. */
export const remediation = (summary: string, changes: Change[]): Remediation => ({ summary, changes });

// ---------------------------------------------------------------- settings, lines and content of a file

/** What the file templates share: lines elsewhere that would override the fix, and the service to reload. */
export interface FileFixOptions {
  /** the fix in words, when the template's own wording does not fit */
  summary?: string;
  /** how to create the file when it does not exist */
  create?: Creation;
  /** lines of other files commented out first (they would override the fix) */
  commentOut?: { paths: readonly string[]; pattern: string; flags?: string };
  /** the service reloaded after the change, so that it reads the file again */
  reload?: string;
}

function fileFix(summary: string, paths: readonly string[], edits: FileEdit[], o: FileFixOptions): Remediation {
  return remediation(o.summary ?? summary, [
    ...(o.commentOut ? commentOutIn(o.commentOut.paths, o.commentOut.pattern, o.commentOut.flags) : []),
    ...paths.map((p) => editFile(p, edits, o.create)),
    ...(o.reload ? [reloadService(o.reload)] : []),
  ]);
}

const pathList = (path: string | readonly string[]) => (typeof path === 'string' ? [path] : path);

/**
 * Settings in a "key value", "key = value" or "key=value" file (in each of several files), every active
 * line of a key set or the key appended; `section` is a line ensured before them (journald's "[Journal]").
 */
export function settingFix(o: FileFixOptions & {
  path: string | readonly string[]; settings: ReadonlyArray<readonly [string, string]>; separator: Separator; section?: string;
}): Remediation {
  const paths = pathList(o.path);
  return fileFix(`set ${o.settings.map(([k, v]) => `${k}${o.separator}${v}`).join(', ')} in ${paths.join(', ')}`, paths,
    [...(o.section ? [ensureLine(o.section)] : []), ...o.settings.map(([k, v]) => setKey(k, v, o.separator))], o);
}

/** Lines a file must have (appended when missing). */
export function linesFix(o: FileFixOptions & { path: string; lines: readonly string[] }): Remediation {
  return fileFix(`add ${o.lines.map((l) => `"${l}"`).join(', ')} to ${o.path}`, [o.path], o.lines.map(ensureLine), o);
}

/** The whole content of a file (one cis-bdd writes, or a rewrite computed from the file as read). */
export function contentFix(o: FileFixOptions & { path: string; content: string }): Remediation {
  return fileFix(`write ${o.path}`, [o.path], [replaceContent(o.content)], o);
}

/**
 * An sshd keyword in sshd_config (the first value wins, so it goes first, outside Match blocks), refused
 * if `sshd -t` would not start, then the daemon reloaded.
 */
export function sshdSettingFix(keyword: string, value: string, unit: string, path = '/etc/ssh/sshd_config'): Remediation {
  return {
    summary: `set ${keyword} ${value} in ${path}`,
    changes: [editFile(path, [sshdSet(keyword, value)], rootFile(0o600)), reloadService(unit)],
    validate: 'sshd',
  };
}

// ---------------------------------------------------------------- the kernel

/**
 * A kernel parameter in cis-bdd's sysctl drop-in, its settings of another value in `conflicting` files
 * commented out ("-key", and "a/b" for "a.b", included).
 */
export function kernelParameterFix(key: string, value: string, conflicting: readonly string[]): Remediation {
  const files = conflicting.filter((f) => f !== CIS_BDD_SYSCTL);
  return settingFix({
    summary: `set ${key} = ${value} in ${CIS_BDD_SYSCTL}${files.length ? ` and comment out the conflicting settings in ${files.join(', ')}` : ''}`,
    path: CIS_BDD_SYSCTL, settings: [[key, value]], separator: ' = ', create: rootFile(0o644),
    commentOut: { paths: files, pattern: `^\\s*-?${reEscape(key).replace(/\\\./g, '[./]')}\\s*=` },
  });
}

/** Kernel parameters set in the running kernel (live targets). */
export function runningKernelFix(settings: ReadonlyArray<readonly [string, string]>, summary?: string): Remediation {
  return remediation(summary ?? `set ${settings.map(([k, v]) => `${k} = ${v}`).join(', ')} in the running kernel`,
    settings.map(([k, v]) => runningKernelParameter(k, v)));
}

/**
 * A kernel module set not to load: "install MODULE /bin/true" in cis-bdd's modprobe drop-in, with the
 * install line that decides now (`installFile`) and the aliases that redirect the name commented out.
 */
export function moduleRuleFix(module: string, installFile: string | undefined, aliases: ReadonlyArray<{ file: string; module: string }>): Remediation {
  return remediation(`set ${module} not to load (${CIS_BDD_MODPROBE})`, [
    ...(installFile && installFile !== CIS_BDD_MODPROBE ? commentOutIn([installFile], `^\\s*install\\s+${reEscape(module)}\\s`) : []),
    ...aliases.map((a) => editFile(a.file, [commentOutLines(`^\\s*alias\\s+${reEscape(a.module)}\\s`)])),
    editFile(CIS_BDD_MODPROBE, [ensureLine(`install ${module} /bin/true`)], rootFile(0o644)),
  ]);
}

// ---------------------------------------------------------------- packages

/** Remove installed packages. */
export const packageRemovalFix = (names: string[]): Remediation => remediation(`remove ${names.join(', ')}`, [{ kind: 'remove-packages', names }]);

/** Install a package: planned only with --allow-install. */
export const packageInstallFix = (name: string): Remediation => ({ summary: `install ${name}`, changes: [{ kind: 'install-packages', names: [name] }], needsInstall: [name] });

// ---------------------------------------------------------------- modes and owners

/** A file's new mode and owner (either may stay). */
export interface PermissionChange { path: string; mode?: number; owner?: { uid: number; gid: number } }

/** Modes and owners of files: for each, its mode, then its owner. */
export function permissionsFix(summary: string, files: readonly PermissionChange[]): Remediation {
  return remediation(summary, files.flatMap((f) => [
    ...(f.mode === undefined ? [] : [setMode(f.path, f.mode)]),
    ...(f.owner ? [setOwner(f.path, f.owner.uid, f.owner.gid)] : []),
  ]));
}

// ---------------------------------------------------------------- services

/** Disable units: remove the links that pull them in at boot, as `systemctl disable` does. */
export const serviceDisableFix = (units: readonly string[], links: readonly string[]): Remediation => remediation(`disable ${units.join(', ')}`, links.map(deletePath));

/** Enable a unit: link it into what its [Install] section names (and its aliases), as `systemctl enable` does. */
export const serviceEnableFix = (unit: string, unitFile: string, links: readonly string[]): Remediation =>
  remediation(`enable ${unit} (${links.join(', ')})`, links.map((l) => symlink(l, unitFile)));

/** Start a service (or restart it) on a running system. */
export const serviceStartFix = (unit: string): Remediation => remediation(`start ${unit}`, [reloadService(unit)]);

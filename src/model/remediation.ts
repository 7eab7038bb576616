/**
 * Remediations: what a failing check would change to make its item pass. A step that fails records one
 * (next to its check, from the facts it read); `cis-bdd harden` plans, applies and verifies them. Changes
 * are data: file edits that combine when several items touch one file, node writes, and a few commands.
 */

/** An edit of a text file, applied to its current content (several items may edit one file). */
export type FileEdit =
  /** sshd_config: the first value wins, so set the first active occurrence (outside Match blocks), or insert at the top */
  | { op: 'sshd-set'; key: string; value: string }
  /** "key value" or "key = value" files (login.defs, sysctl.d, auditd.conf): set every active occurrence, or append */
  | { op: 'key-value-set'; key: string; value: string; separator: ' ' | ' = ' | '=' }
  /** make sure a line is present (exact text), appending it when missing */
  | { op: 'ensure-line'; line: string }
  /** comment out active lines matching a regular expression (source, flags) */
  | { op: 'comment-out'; pattern: string; flags?: string }
  /** replace the whole content (for files cis-bdd owns, such as a drop-in) */
  | { op: 'replace-content'; content: string };

export type Change =
  | { kind: 'edit-file'; path: string; edits: FileEdit[]; /** used when the file does not exist */ create?: { mode: number; uid: number; gid: number } }
  | { kind: 'set-mode'; path: string; mode: number }
  | { kind: 'set-owner'; path: string; uid: number; gid: number }
  | { kind: 'delete'; path: string }
  | { kind: 'symlink'; path: string; linkTarget: string }
  /** remove installed packages with the target's package manager */
  | { kind: 'remove-packages'; names: string[] }
  /** install packages from the target's configured repositories: planned only with --allow-install */
  | { kind: 'install-packages'; names: string[] }
  /** set a kernel parameter in the running kernel (live targets) */
  | { kind: 'sysctl-running'; key: string; value: string }
  /** reload or restart a service after its configuration changed (live targets with systemd) */
  | { kind: 'reload-service'; unit: string };

export interface Remediation {
  /** what the fix does, in words */
  summary: string;
  changes: Change[];
  /** run `sshd -t` after the change and refuse it if sshd would not start */
  validate?: 'sshd';
  /** a fix needs software that is not installed: only with --allow-install */
  needsInstall?: string[];
}

/** A fix a person must make (partitions, passwords, bootloader password): the steps, never applied. */
export interface ManualFix {
  steps: string[];
}

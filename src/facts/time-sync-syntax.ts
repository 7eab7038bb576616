/** The line formats the time daemons' configuration shares: keyword lines, and shell variable files. */
import { CheckError } from '../model/verdict.js';

export interface ConfigLine { keyword: string; args: string[]; file: string; line: number; text: string }

export interface ShellAssignment { name: string; value: string; file: string; line: number }

/**
 * Variable assignments of a sourced shell file such as /etc/default/chrony or /etc/sysconfig/chronyd
 * (NAME=value, NAME="value" or NAME='value'); the last one of a name wins. Lines that are not plain
 * assignments are ignored, as they set nothing this reads.
 */
export function parseShellAssignments(text: string, file: string): Map<string, ShellAssignment> {
  const out = new Map<string, ShellAssignment>();
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '').trim();
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l);
    if (!m) return;
    let v = m[2].trim();
    const q = /^"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(v) ?? /^'([^']*)'\s*(#.*)?$/.exec(v);
    if (q) v = q[1];
    else {
      if (/["']/.test(v)) throw new CheckError(`${file}:${i + 1} has an assignment whose quoting cannot be read: ${l.slice(0, 80)}`);
      v = v.replace(/\s+#.*$/, '');
    }
    out.set(m[1], { name: m[1], value: v, file, line: i + 1 });
  });
  return out;
}

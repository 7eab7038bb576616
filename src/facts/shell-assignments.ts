/**
 * Settings in shell variable files (NAME=value lines that a service's start script sources, or that a
 * tool reads the same way): /etc/default/ufw and /etc/ufw/ufw.conf, /etc/default/chrony,
 * /etc/sysconfig/chronyd, /etc/sysconfig/ntpd. One reader for all of them.
 */
import { CheckError } from '../model/verdict.js';

export interface ShellAssignment { name: string; value: string; file: string; line: number }

/**
 * The variable assignments of such a file (NAME=value, NAME="value" or NAME='value', with or without
 * `export`); the last one of a name wins; a comment after an unquoted value is dropped. Lines that are not
 * plain assignments are ignored, as they set nothing this reads; an assignment whose quoting cannot be
 * read is an error, never a guess.
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

/**
 * SELinux: the state and policy chosen for the next boot in /etc/selinux/config (/etc/sysconfig/selinux
 * links to it on the RPM family), the mode the running kernel enforces, and the SELinux context each
 * running process has.
 *
 * - /etc/selinux/config: `SELINUX=` is read as libselinux reads it at boot (a line starting with
 *   `SELINUX=`, the first one wins); `SELINUXTYPE=` as libselinux's configuration loader reads it
 *   (leading blanks allowed, any letter case, the last one wins). `#` starts a comment.
 * - the running mode: /sys/fs/selinux/enforce holds 1 (enforcing) or 0 (permissive), which is what
 *   getenforce reports; without it (no selinuxfs mounted) SELinux is disabled in the running kernel.
 * - the processes: `ps -e -o label,pid,ppid,comm`, the contexts `ps -eZ` shows. A context is
 *   user:role:type:level; ps shows "-" when the kernel gives a process none (SELinux disabled).
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';
import { liveText } from './live-files.js';

export const SELINUX_CONFIG = '/etc/selinux/config';
export const SELINUX_ENFORCE = '/sys/fs/selinux/enforce';

export interface ConfigLine { key: string; value: string; line: number; text: string }

export interface SelinuxConfig {
  file: string;
  exists: boolean;
  /** the SELINUX= line that applies (the first), if any */
  state?: ConfigLine;
  /** the SELINUXTYPE= line that applies (the last), if any */
  policy?: ConfigLine;
  /** every SELINUX= and SELINUXTYPE= line, for evidence */
  lines: ConfigLine[];
}

export function parseSelinuxConfig(text: string, file = SELINUX_CONFIG): Omit<SelinuxConfig, 'exists'> {
  const lines: ConfigLine[] = [];
  let state: ConfigLine | undefined;
  let policy: ConfigLine | undefined;
  text.split('\n').forEach((raw, i) => {
    const n = i + 1;
    if (raw.startsWith('SELINUX=')) {
      const l = { key: 'SELINUX', value: raw.slice(8).trim().replace(/^(["'])(.*)\1$/, '$2'), line: n, text: raw.trim() };
      lines.push(l);
      state ??= l;
      return;
    }
    const t = /^\s*SELINUXTYPE=(.*)$/i.exec(raw);
    if (t) {
      policy = { key: 'SELINUXTYPE', value: t[1].trim().replace(/^(["'])(.*)\1$/, '$2'), line: n, text: raw.trim() };
      lines.push(policy);
    }
  });
  return { file, state, policy, lines };
}

export const selinuxConfig = defineFact<SelinuxConfig>('selinux-config', async ({ facts }) => {
  const text = await facts.text(SELINUX_CONFIG);
  if (text === null) return { file: SELINUX_CONFIG, exists: false, lines: [] };
  return { ...parseSelinuxConfig(text), exists: true };
}, [SELINUX_CONFIG]);

export type SelinuxMode = 'enforcing' | 'permissive' | 'disabled';

export interface SelinuxRunning { source: string; mode: SelinuxMode; raw: string | null }

export function parseEnforce(text: string | null): SelinuxMode {
  if (text === null) return 'disabled';
  const v = text.trim();
  if (v === '1') return 'enforcing';
  if (v === '0') return 'permissive';
  throw new CheckError(`${SELINUX_ENFORCE} holds "${v.slice(0, 40)}", neither 1 nor 0`);
}

/** The mode the running kernel enforces (live targets only). */
export const selinuxRunning = defineFact<SelinuxRunning>('selinux-running', async ({ facts }) => {
  const text = await liveText(facts, SELINUX_ENFORCE, `the running SELinux mode (${SELINUX_ENFORCE}, as getenforce reads it)`);
  return { source: SELINUX_ENFORCE, mode: parseEnforce(text), raw: text === null ? null : text.trim() };
});

export interface LabelledProcess { pid: number; ppid: number; name: string; label: string; type: string | null }

export interface ProcessLabels { command: string; processes: LabelledProcess[] }

export const PROCESS_LABELS_COMMAND = 'ps -e -o label=,pid=,ppid=,comm=';
const SCRIPT = `echo "@@self $$"; LC_ALL=C ${PROCESS_LABELS_COMMAND} 2>&1; echo "@@ps-exit $?"`;

/**
 * Parse the process list with contexts. The command's own shell and its children (ps) are left out. The
 * type is the third field of a context; null when ps shows no context ("-").
 */
export function parseProcessLabels(text: string): ProcessLabels {
  const self = /@@self (\d+)/.exec(text);
  const exit = /@@ps-exit (\d+)/.exec(text);
  if (!self || !exit) throw new CheckError('the output of ps -e -o label,pid,ppid,comm could not be read');
  const body = text.slice(text.indexOf('\n', self.index) + 1, exit.index);
  if (exit[1] !== '0') throw new CheckError(`ps -e -o label,pid,ppid,comm failed (exit ${exit[1]}): ${body.trim().split('\n')[0]?.slice(0, 200) ?? ''}`);
  const me = Number(self[1]);
  const processes: LabelledProcess[] = [];
  for (const line of body.split('\n')) {
    if (!line.trim()) continue;
    const m = /^\s*(\S+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m) throw new CheckError(`ps line not understood: ${line.slice(0, 120)}`);
    const [pid, ppid] = [Number(m[2]), Number(m[3])];
    if (pid === me || ppid === me) continue;
    const label = m[1];
    const fields = label.split(':');
    processes.push({ pid, ppid, name: m[4].trim(), label, type: label === '-' ? null : fields.length >= 3 ? fields[2] : null });
  }
  return { command: PROCESS_LABELS_COMMAND, processes };
}

/** The SELinux context of every running process (live targets only). */
export const processLabels = defineFact<ProcessLabels>('process-labels', async ({ facts }) => {
  const r = await facts.command(`the SELinux contexts of running processes (${PROCESS_LABELS_COMMAND}, as ps -eZ shows them)`, SCRIPT);
  return parseProcessLabels(r.stdout.toString('utf8'));
});

/**
 * The processes running on a live target, by name: one command that reads /proc/<pid>/comm for every
 * process (no dependency on ps, which minimal images lack). On an offline root filesystem there are no
 * processes: the fact throws NeedsLiveSystem.
 */
import { CheckError } from '../model/verdict.js';
import { defineFact } from './store.js';

export const PROCESS_LIST_COMMAND = 'for d in /proc/[0-9]*; do read -r c < "$d/comm" && echo "${d#/proc/} $c"; done 2>/dev/null';

export interface RunningProcess { pid: number; name: string }

/** Lines "pid name" as the command prints them; anything else is a parse failure. */
export function parseProcessList(stdout: string): RunningProcess[] {
  const out: RunningProcess[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const m = /^(\d+) (.*)$/.exec(line);
    if (!m) throw new CheckError(`unexpected line in the process list: ${JSON.stringify(line)}`);
    out.push({ pid: Number(m[1]), name: m[2] });
  }
  return out;
}

export const runningProcesses = defineFact<{ command: string; processes: RunningProcess[] }>('running-processes', async ({ facts }) => {
  const r = await facts.command('running processes (/proc/*/comm)', PROCESS_LIST_COMMAND);
  const processes = parseProcessList(r.stdout.toString('utf8'));
  // the command's own shell is always there: an empty list means /proc could not be read
  if (!processes.length) throw new CheckError(`no process could be read from /proc (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return { command: PROCESS_LIST_COMMAND, processes };
});

/**
 * Whether the running kernel uses the processor's no-execute protection (NX, called XD by Intel):
 * the `flags` lines of /proc/cpuinfo (x86 processors list `nx` when the CPU has it and the kernel has
 * not turned it off) and the kernel command line in /proc/cmdline (`noexec=off` or `noexec32=off`
 * turn it off). Processors other than x86 (no `flags` line, such as arm64) always have execute-never
 * permissions in their page tables. Live targets only.
 */
import { CheckError, NeedsLiveSystem } from '../model/verdict.js';
import { defineFact } from './store.js';

export interface NxSupport {
  /** x86 processors: the cpuinfo `flags` lines, as processor number and whether nx is listed */
  processors: Array<{ processor: string; nx: boolean }>;
  /** no `flags` line at all: not an x86 processor */
  x86: boolean;
  /** `noexec=off` / `noexec32=off` on the kernel command line */
  disabledBy: string[];
  cmdline: string;
}

export function parseNxSupport(cpuinfo: string, cmdline: string): NxSupport {
  const processors: Array<{ processor: string; nx: boolean }> = [];
  let current = '?';
  for (const line of cpuinfo.split('\n')) {
    const m = /^([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'processor') current = m[2].trim();
    if (m[1] === 'flags') processors.push({ processor: current, nx: m[2].split(/\s+/).includes('nx') });
  }
  const words = cmdline.trim().split(/\s+/).filter(Boolean);
  return { processors, x86: processors.length > 0, disabledBy: words.filter((w) => /^noexec(32)?=off$/.test(w)), cmdline: cmdline.trim() };
}

export const nxSupport = defineFact<NxSupport>('nx-support', async ({ facts }) => {
  if (!facts.target.isLive) throw new NeedsLiveSystem('processor no-execute support (/proc/cpuinfo, /proc/cmdline)', facts.target.notLiveReason);
  const [cpu, cmd] = await facts.readMany(['/proc/cpuinfo', '/proc/cmdline']);
  if (cpu.state !== 'file') throw new CheckError(`/proc/cpuinfo cannot be read (${cpu.state})`);
  if (cmd.state !== 'file') throw new CheckError(`/proc/cmdline cannot be read (${cmd.state})`);
  return parseNxSupport(cpu.content.toString('utf8'), cmd.content.toString('utf8'));
});

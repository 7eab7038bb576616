/**
 * Whether IPv6 is disabled, decided as the benchmark decides it: either every kernel command line of the
 * boot loader carries ipv6.disable=1 (the kernel then has no IPv6 at all), or the kernel parameters
 * net.ipv6.conf.all.disable_ipv6 and net.ipv6.conf.default.disable_ipv6 are 1 both in the persistent
 * configuration (sysctl files, and the file ufw applies when it starts) and in the running kernel.
 * On an offline root filesystem the running values cannot be read; the persistent configuration then
 * decides, and `runningChecked` says so.
 */
import { defineFact } from './store.js';
import { grubKernelLines, kernelParam, type KernelEntry } from './kernel-cmdline.js';
import { persistentSysctl, runningSysctl, type SysctlSetting } from './sysctl.js';
import { ufwSysctl } from './firewall.js';

export const DISABLE_IPV6_KEYS = ['net.ipv6.conf.all.disable_ipv6', 'net.ipv6.conf.default.disable_ipv6'];

export interface Ipv6Status {
  disabled: boolean;
  /** every kernel line of the boot loader has ipv6.disable=1 (null: no kernel line found) */
  byCommandLine: boolean | null;
  /** the kernel lines read, with the value of ipv6.disable on each */
  kernelLines: Array<{ entry: KernelEntry; value: string | undefined }>;
  /** the setting that applies last for each disable_ipv6 key, in the persistent configuration */
  persistent: Record<string, SysctlSetting | undefined>;
  /** the running value of each disable_ipv6 key; null when the target is not running */
  running: Record<string, string | undefined> | null;
  bySysctl: boolean;
  /** one line per fact that decided, for evidence */
  explanation: string[];
}

/**
 * The boot-time sysctl settings in the order they apply: the sysctl files, then the file ufw applies when
 * it starts (it runs after systemd-sysctl, so its values win).
 */
export function bootSysctlSettings(sysctlFiles: SysctlSetting[], ufw: SysctlSetting[]): SysctlSetting[] {
  return [...sysctlFiles, ...ufw];
}

export function lastSetting(settings: SysctlSetting[], key: string): SysctlSetting | undefined {
  let found: SysctlSetting | undefined;
  for (const s of settings) if (s.key === key) found = s;
  return found;
}

export function decideIpv6(
  kernelLines: KernelEntry[],
  settings: SysctlSetting[],
  running: Map<string, string> | null,
): Ipv6Status {
  const lines = kernelLines.map((entry) => ({ entry, value: kernelParam(entry, 'ipv6.disable') }));
  const byCommandLine = lines.length ? lines.every((l) => l.value === '1') : null;
  const persistent: Record<string, SysctlSetting | undefined> = {};
  for (const k of DISABLE_IPV6_KEYS) persistent[k] = lastSetting(settings, k);
  const runningValues = running ? Object.fromEntries(DISABLE_IPV6_KEYS.map((k) => [k, running.get(k)])) : null;
  const persistentOff = DISABLE_IPV6_KEYS.every((k) => persistent[k]?.value === '1');
  const runningOff = runningValues ? DISABLE_IPV6_KEYS.every((k) => runningValues[k] === '1') : null;
  const bySysctl = persistentOff && runningOff !== false;
  const explanation: string[] = [];
  if (lines.length) {
    const without = lines.filter((l) => l.value !== '1');
    explanation.push(without.length
      ? `${without.length} of ${lines.length} kernel line(s) lack ipv6.disable=1: ${without.slice(0, 3).map((l) => `${l.entry.file}:${l.entry.line}`).join(', ')}`
      : `all ${lines.length} kernel line(s) of the boot loader have ipv6.disable=1`);
  } else explanation.push('no boot loader kernel line found');
  for (const k of DISABLE_IPV6_KEYS) {
    const p = persistent[k];
    explanation.push(`${k}: ${p ? `${p.value} (${p.file}:${p.line})` : 'not set'} in the persistent configuration${runningValues ? `, ${runningValues[k] ?? 'absent'} in the running kernel` : ''}`);
  }
  return { disabled: byCommandLine === true || bySysctl, byCommandLine, kernelLines: lines, persistent, running: runningValues, bySysctl, explanation };
}

export const ipv6Status = defineFact<Ipv6Status>('ipv6-status', async ({ facts }) => {
  const grub = await facts.get(grubKernelLines);
  const sysctl = await facts.get(persistentSysctl);
  const ufw = await facts.get(ufwSysctl);
  const running = facts.target.isLive && facts.target.canExecute ? await facts.get(runningSysctl) : null;
  return decideIpv6(grub.entries, bootSysctlSettings(sysctl.settings, ufw.settings), running);
});

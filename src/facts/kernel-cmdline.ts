/**
 * The kernel command lines GRUB boots with, read from its generated configuration /boot/grub/grub.cfg:
 * every `linux` line (also `linux16` and `linuxefi`) names a kernel image and the parameters passed to it.
 * This is the file update-grub writes from /etc/default/grub, and the one the benchmark reads.
 */
import { defineFact } from './store.js';

export const GRUB_CFG = '/boot/grub/grub.cfg';

export interface KernelEntry {
  file: string;
  line: number;
  /** the line as written, for evidence */
  text: string;
  /** the kernel image */
  image: string;
  /** the parameters, in order */
  params: string[];
}

export interface GrubKernelLines {
  file: string;
  exists: boolean;
  entries: KernelEntry[];
}

/** Split a GRUB argument list on blanks, dropping the quotes GRUB would drop. */
function grubWords(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/(?:"[^"]*"|'[^']*'|[^\s"']+)+/g)) out.push(m[0].replace(/["']/g, ''));
  return out;
}

export function parseGrubKernelLines(text: string, file = GRUB_CFG): KernelEntry[] {
  const out: KernelEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const m = /^\s*linux(?:16|efi)?\s+(.*)$/.exec(raw);
    if (!m) return;
    const words = grubWords(m[1]);
    out.push({ file, line: i + 1, text: raw.trim(), image: words[0] ?? '', params: words.slice(1) });
  });
  return out;
}

/**
 * The value the kernel takes for a parameter on one command line: the last `name=value` wins, a bare
 * `name` has the value ''. Undefined when the parameter is absent.
 */
export function kernelParam(entry: KernelEntry, name: string): string | undefined {
  let value: string | undefined;
  for (const p of entry.params) {
    if (p === name) value = '';
    else if (p.startsWith(`${name}=`)) value = p.slice(name.length + 1);
  }
  return value;
}

export const grubKernelLines = defineFact<GrubKernelLines>('grub-kernel-lines', async ({ facts }) => {
  const text = await facts.text(GRUB_CFG);
  if (text === null) return { file: GRUB_CFG, exists: false, entries: [] };
  return { file: GRUB_CFG, exists: true, entries: parseGrubKernelLines(text) };
}, [GRUB_CFG]);

/**
 * The kernel command lines GRUB boots with, read from its generated configuration: every `linux` line
 * (also `linux16` and `linuxefi`) names a kernel image and the parameters passed to it. Where that file
 * is depends on the distribution and the firmware, and the fact reads every place it may be:
 *
 * - `/boot/grub/grub.cfg`: Debian and Ubuntu (written by update-grub), BIOS and UEFI alike;
 * - `/boot/grub2/grub.cfg`: the RPM family (CentOS 7, Alibaba Cloud Linux 2) booting by BIOS
 *   (written by grub2-mkconfig);
 * - `/boot/efi/EFI/<vendor>/grub.cfg`: the RPM family booting by UEFI.
 *
 * The files are generated from /etc/default/grub; a change there counts only once the file is
 * regenerated, which is why the benchmark, and this fact, read the generated files.
 */
import { globMatch } from '../model/glob.js';
import { defineFact } from './store.js';
import { packageManager } from './packages.js';

export const GRUB_CFG = '/boot/grub/grub.cfg';
export const GRUB2_CFG = '/boot/grub2/grub.cfg';
export const EFI_DIR = '/boot/efi/EFI';
export const EFI_GRUB_CFG = `${EFI_DIR}/*/grub.cfg`;
/** Every place a generated grub.cfg may be, in the order they are reported. */
export const GRUB_CFG_LOCATIONS = [GRUB_CFG, GRUB2_CFG, EFI_GRUB_CFG];

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
  /** the configuration file this system boots from: the first one found, else the usual one for its package manager */
  file: string;
  /** whether any configuration file was found */
  exists: boolean;
  /** every configuration file found, in the order of GRUB_CFG_LOCATIONS */
  files: string[];
  /** the kernel lines of every file found */
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

/** Whether a file found is one a location names (`*` stands for one path component). */
export function grubCfgMatches(location: string, file: string): boolean {
  return globMatch(location, file, { pathname: true });
}

/** The command that regenerates a grub.cfg from /etc/default/grub, by where the file is. */
export function grubRegenerateCommand(file: string): string {
  return file === GRUB_CFG ? 'update-grub' : `grub2-mkconfig -o ${file}`;
}

export const grubKernelLines = defineFact<GrubKernelLines>('grub-kernel-lines', async ({ facts, target }) => {
  // the vendor directories under /boot/efi/EFI are listed first: a glob may stand only in a file name
  const vendors = (await target.list(EFI_DIR)) ?? [];
  const paths = [GRUB_CFG, GRUB2_CFG, ...vendors.sort().map((v) => `${EFI_DIR}/${v}/grub.cfg`)];
  const files: string[] = [];
  const entries: KernelEntry[] = [];
  for (const path of paths) {
    const read = await facts.read(path);
    if (read.state === 'missing' || read.state === 'directory') continue;
    const text = await facts.text(path);
    files.push(path);
    entries.push(...parseGrubKernelLines(text!, path));
  }
  const file = files[0] ?? ((await facts.get(packageManager)) === 'rpm' ? GRUB2_CFG : GRUB_CFG);
  return { file, exists: files.length > 0, files, entries };
}, [GRUB_CFG, GRUB2_CFG]);

/**
 * Which files of the persistent sysctl configuration are symbolic links, and to which file. Alibaba Cloud
 * Linux 2 and CentOS 7 link /etc/sysctl.d/99-sysctl.conf to ../sysctl.conf, so that systemd-sysctl, which
 * reads only the sysctl.d directories, applies /etc/sysctl.conf too: its settings are read twice, once
 * under each name. A fix must edit the file itself, once (a text edit of a link would replace the link).
 */
import path from 'node:path';
import { defineFact } from './store.js';
import { persistentSysctl } from './sysctl.js';

/** A link target as stored, resolved against the link's directory (no further links followed). */
export function resolveLink(link: string, target: string): string {
  return target.startsWith('/') ? path.posix.normalize(target) : path.posix.join(path.posix.dirname(link), target);
}

/** The real file each link of the sysctl configuration points to. */
export const sysctlFileLinks = defineFact<Map<string, string>>('sysctl-file-links', async ({ facts, target }) => {
  const files = (await facts.get(persistentSysctl)).files;
  const out = new Map<string, string>();
  for (const node of await target.readNodes(files)) {
    if (node.type === 'symlink') out.set(node.path, resolveLink(node.path, node.linkTarget));
  }
  return out;
});

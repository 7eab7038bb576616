/**
 * An audit never authenticates as anyone: no check runs su, sudo or login (root's login PATH, for one, is
 * worked out from root's files). What an audit can read is what the account running it can read. A local
 * audit (or one of a root filesystem on this machine) that is not run as root cannot read root-only files
 * such as /etc/shadow: the items that read them end in "error", and the run says so once, before the items
 * start, with how to run it instead.
 *
 * Which items need root is known from their steps: ROOT_READS lists the step phrases whose facts read
 * what only root may read (files of mode 0600/0640 owned by root, root's home, other users' homes,
 * the running firewall, sshd -T). An item needs root when any step of its scenario matches one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { loadPolicy, parseTagExpression } from '../policy/policy.js';
import { featuresDir } from './benchmarks.js';
import { activeSession } from './session.js';

/** Step phrases whose facts read what only root may read, and what that is. */
export const ROOT_READS: Array<{ step: RegExp; reads: string }> = [
  { step: /(password entries|a password|a password set|a locked password) in \/etc\/shadow|\/etc\/gshadow/, reads: '/etc/shadow and /etc/gshadow (root and group shadow only)' },
  { step: /the sudo configuration/, reads: '/etc/sudoers and /etc/sudoers.d (mode 0440, root)' },
  { step: /ufw's rules|the firewall in use is|ufw is enabled/, reads: '/etc/ufw (rule files mode 0640, root)' },
  { step: /the audit daemon configuration|the audit rules/, reads: '/etc/audit (mode 0750 and 0640, root)' },
  { step: /the (deny|allow) list "\/etc\/(cron|at)\./, reads: '/etc/cron.* and /etc/at.* lists (mode 0640)' },
  { step: /root's PATH/, reads: "root's home (its start-up files)" },
  { step: /home directories of the accounts/, reads: 'the home directories of other accounts' },
  { step: /running ruleset|iptables -S|ip6tables -S/, reads: 'the running firewall rules (CAP_NET_ADMIN)' },
  { step: /effective SSH daemon configuration/, reads: 'sshd -T (reads the host keys, root only)' },
  { step: /GRUB (2 )?configuration/, reads: 'the GRUB configuration (mode 0400 once hardened)' },
  { step: /every local filesystem, walked/, reads: 'every directory of every local filesystem' },
  { step: /with the processes that hold them/, reads: "the sockets of other users' processes" },
];

export interface PrivilegeCount {
  /** ids of the items selected */
  selected: string[];
  /** ids of the selected items that read what only root may read */
  needRoot: string[];
}

/** Count the selected items of a benchmark, and those that need root, from the features' scenarios. */
export function itemsNeedingRoot(benchmarkId: string, tagExpression: string | undefined): PrivilegeCount {
  const dir = featuresDir(benchmarkId);
  const expr = tagExpression ? parseTagExpression(tagExpression) : null;
  const selected = new Set<string>();
  const needRoot = new Set<string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.feature')).sort()) {
    const newId = IdGenerator.uuid();
    const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(path.join(dir, f), 'utf8'));
    for (const pickle of compile({ ...doc, uri: f }, f, newId)) {
      const tags = pickle.tags.map((t) => t.name);
      const id = tags.find((t) => t.startsWith('@id:'))?.slice(4);
      if (!id || (expr && !expr.evaluate(tags))) continue;
      selected.add(id);
      if (pickle.steps.some((s) => ROOT_READS.some((r) => r.step.test(s.text)))) needRoot.add(id);
    }
  }
  return { selected: [...selected], needRoot: [...needRoot] };
}

/** The one line said before the items start. */
export function rootNotice(count: PrivilegeCount): string {
  return `cis-bdd: warning: ${count.needRoot.length} of the ${count.selected.length} selected items need root to read what they check; `
    + 'run as root (sudo cis-bdd …), or use --sudo over ssh://\n';
}

/** Whether a --target reads this machine's files with this process's rights: local, or a root filesystem here. */
export function readsWithOwnRights(target: string | undefined): boolean {
  return target === undefined || /^local(:|$)/.test(target) || target.startsWith('rootfs:');
}

interface ItemsCounter { items(total: number): void }

/**
 * For an audit of this machine by an account that is not root: say once, when the items start (after the
 * session has settled the benchmark and the selection), how many of them need root. The selection is
 * turned into cucumber's tag expression as the run itself does it (src/api.ts selectionTags), so the
 * count is of the items that run.
 */
export async function warnWhenNotRoot(progress: ItemsCounter, options: { target?: string; policy?: string },
  stream: { write(s: string): unknown } = process.stderr, uid: number | undefined = process.getuid?.()): Promise<void> {
  if (uid === undefined || uid === 0 || !readsWithOwnRights(options.target)) return;
  const { selectionTags } = await import('../api.js');
  const items = progress.items.bind(progress);
  let said = false;
  progress.items = (total: number) => {
    const session = activeSession();
    if (!said && session) {
      said = true;
      try {
        const policy = options.policy ? loadPolicy(options.policy) : undefined;
        const count = itemsNeedingRoot(session.benchmarkId, selectionTags(session.selection, policy));
        if (count.needRoot.length) stream.write(rootNotice(count));
      } catch (e) {
        stream.write(`cis-bdd: warning: not run as root; some items may not be able to read what they check (${(e as Error).message})\n`);
      }
    }
    items(total);
  };
}

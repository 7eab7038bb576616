/**
 * Steps about software updates: the repositories and signing keys APT trusts, and the updates it
 * already knows of. Which repositories and keys are right, and when an update must be installed, are
 * the site's decisions: these steps gather the facts and leave the judgement to an auditor.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { aptSources, describeSource } from '../src/facts/apt-sources.js';
import { aptTrustedKeys, describeKey } from '../src/facts/apt-keys.js';
import { pendingUpdates } from '../src/facts/pending-updates.js';
import { capped } from './filesystem.js';

Given('the APT package sources in \\/etc\\/apt\\/sources.list and \\/etc\\/apt\\/sources.list.d', async function (this: CisWorld) {
  const src = await this.fact(aptSources);
  this.record('APT sources', `${src.sources.length} source entr${src.sources.length === 1 ? 'y' : 'ies'} in ${src.files.length ? src.files.join(', ') : 'no file'}`);
  for (const s of src.sources) {
    const unsafe = ['trusted', 'allow-insecure', 'allow-weak', 'allow-downgrade-to-insecure'].filter((o) => /^(yes|true|1)$/i.test(s.options[o] ?? ''));
    this.record(`${s.file}:${s.line}`, `${describeSource(s)}${unsafe.length ? `\n→ note: ${unsafe.join(', ')} turns signature checks off for this source` : ''}`);
  }
  for (const f of src.ignored) this.record(f, 'not read by APT (only *.list and *.sources files are)');
});

Then('an auditor confirms that every configured repository is one the site means to install software from', function (this: CisWorld) {
  return this.manual('check that each APT source in the evidence is a repository the site has approved (official mirrors or '
    + 'internal ones), that none turns signature checks off, and that `apt-cache policy` on the system shows the same sources');
});

Given('the keys APT trusts in \\/etc\\/apt\\/trusted.gpg and \\/etc\\/apt\\/trusted.gpg.d', async function (this: CisWorld) {
  const keys = await this.fact(aptTrustedKeys);
  if (!keys.keyrings.length) this.record('APT trusted keys', 'no keyring in /etc/apt/trusted.gpg or /etc/apt/trusted.gpg.d');
  for (const k of keys.keyrings) {
    this.record(k.path, k.keys.length ? capped(k.keys.map(describeKey)) : 'no public key');
  }
  for (const f of keys.ignored) this.record(f, 'not read by APT (only *.gpg and *.asc keyrings are)');
  const src = await this.fact(aptSources);
  const signedBy = [...new Set(src.sources.map((s) => s.options['signed-by']).filter((x): x is string => !!x))];
  if (signedBy.length) this.record('APT sources', `keyrings named by signed-by options: ${signedBy.join(', ')}`);
});

Then('an auditor confirms that every trusted key belongs to a repository the site uses', function (this: CisWorld) {
  return this.manual('check that every key in the evidence (fingerprint and user id) belongs to a repository in use and approved '
    + 'by the site, and remove keys nobody needs; `apt-key list` on the system shows the same keys');
});

Given('the package updates APT already knows of on a running system, without contacting any repository', async function (this: CisWorld) {
  const pending = await this.liveFact(pendingUpdates);
  if (!pending) return;
  const when = pending.listsUpdatedAt === null
    ? 'no package index in /var/lib/apt/lists: apt-get update has not run since the lists were last removed, so no update can be known'
    : `package lists last updated ${new Date(pending.listsUpdatedAt * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC (${pending.listFiles} index and Release file(s))`;
  this.record('/var/lib/apt/lists', when);
  const security = pending.upgrades.filter((u) => u.security);
  const lines = pending.upgrades.map((u) => `${u.name} ${u.from || '(new)'} → ${u.to} (${u.origin})`);
  this.record(pending.command, pending.upgrades.length
    ? `${pending.upgrades.length} package(s) would be upgraded or installed, ${security.length} from a security pocket:\n${capped(lines)}`
    : 'no package would be upgraded, as far as the downloaded package lists know');
});

Then('an auditor confirms that updates are installed as the site\'s patch policy requires', function (this: CisWorld) {
  return this.manual('on the system, refresh the package lists (`apt-get update`) and list what is outstanding '
    + '(`apt list --upgradable` or `apt-get -s dist-upgrade`); confirm that security updates are installed as the site\'s patch '
    + 'policy requires. The evidence shows what the lists already on the system knew, without contacting any repository');
});

/**
 * Steps about software updates: the repositories and signing keys the package manager trusts (APT on
 * Debian and Ubuntu, yum and RPM on the RPM family), whether yum checks signatures, and the updates the
 * package manager already knows of. Which repositories and keys are right, and when an update must be
 * installed, are the site's decisions: those steps gather the facts and leave the judgement to an
 * auditor. A yum configuration that does not check signatures is fixed by `cis-bdd harden`.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { aptSources, describeSource } from '../src/facts/apt-sources.js';
import { aptTrustedKeys, describeKey } from '../src/facts/apt-keys.js';
import { pendingUpdates } from '../src/facts/pending-updates.js';
import { packageManager } from '../src/facts/packages.js';
import { describeRepo, yumConfig, yumConfWithMainGpgcheck, YUM_CONF } from '../src/facts/yum.js';
import { describeImportedKey, rpmTrustedKeys, RPM_GPG_DIR } from '../src/facts/rpm-keys.js';
import { capped } from './support/evidence.js';
import { CheckError } from '../src/model/verdict.js';
import { contentFix, rootFile, settingFix } from '../src/remediation/templates.js';

const rpmFamily = async (world: CisWorld) => (await world.fact(packageManager)) === 'rpm';

Given('the APT package sources in \\/etc\\/apt\\/sources.list and \\/etc\\/apt\\/sources.list.d', async function (this: CisWorld) {
  const src = await this.fact(aptSources);
  this.record('APT sources', `${src.sources.length} source entr${src.sources.length === 1 ? 'y' : 'ies'} in ${src.files.length ? src.files.join(', ') : 'no file'}`);
  for (const s of src.sources) {
    const unsafe = ['trusted', 'allow-insecure', 'allow-weak', 'allow-downgrade-to-insecure'].filter((o) => /^(yes|true|1)$/i.test(s.options[o] ?? ''));
    this.record(`${s.file}:${s.line}`, `${describeSource(s)}${unsafe.length ? `\n→ note: ${unsafe.join(', ')} turns signature checks off for this source` : ''}`);
  }
  for (const f of src.ignored) this.record(f, 'not read by APT (only *.list and *.sources files are)');
});

Then('an auditor confirms that every configured repository is one the site means to install software from', async function (this: CisWorld) {
  if (await rpmFamily(this)) {
    return this.manual('check that each yum repository in the evidence is one the site has approved (official mirrors or internal '
      + 'ones), that none turns gpgcheck off, and that `yum repolist all` on the system shows the same repositories');
  }
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

Then('an auditor confirms that every trusted key belongs to a repository the site uses', async function (this: CisWorld) {
  if (await rpmFamily(this)) {
    return this.manual('check that every key imported into the RPM database and every key file of /etc/pki/rpm-gpg in the evidence '
      + '(key id, fingerprint and user id) belongs to a repository in use and approved by the site, and remove imported keys nobody '
      + 'needs (`rpm -e gpg-pubkey-<id>-<date>`); `rpm -q gpg-pubkey --qf \'%{name}-%{version}-%{release} --> %{summary}\\n\'` on the '
      + 'system lists the same keys');
  }
  return this.manual('check that every key in the evidence (fingerprint and user id) belongs to a repository in use and approved '
    + 'by the site, and remove keys nobody needs; `apt-key list` on the system shows the same keys');
});

/** Record what the package manager already knows of pending updates (live targets only). */
async function recordPendingUpdates(world: CisWorld): Promise<void> {
  const pending = await world.liveFact(pendingUpdates);
  if (!pending) return;
  const at = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
  if (pending.manager === 'apt') {
    world.record(pending.cacheDir, pending.listsUpdatedAt === null
      ? 'no package index in /var/lib/apt/lists: apt-get update has not run since the lists were last removed, so no update can be known'
      : `package lists last updated ${at(pending.listsUpdatedAt)} UTC (${pending.listFiles} index and Release file(s))`);
    const security = pending.upgrades.filter((u) => u.security);
    const lines = pending.upgrades.map((u) => `${u.name} ${u.from || '(new)'} → ${u.to} (${u.origin})`);
    world.record(pending.command, pending.upgrades.length
      ? `${pending.upgrades.length} package(s) would be upgraded or installed, ${security.length} from a security pocket:\n${capped(lines)}`
      : 'no package would be upgraded, as far as the downloaded package lists know');
    return;
  }
  world.record(pending.cacheDir, pending.listsUpdatedAt === null
    ? 'no cached repository metadata (repomd.xml): yum has not fetched metadata since its cache was last cleaned, so no update can be known'
    : `repository metadata last fetched ${at(pending.listsUpdatedAt)} UTC (${pending.listFiles} repositor${pending.listFiles === 1 ? 'y' : 'ies'} cached)`);
  if (pending.unavailable) {
    world.record(pending.command, `nothing listed: ${pending.unavailable}`);
    return;
  }
  const lines = pending.upgrades.map((u) => `${u.name} → ${u.to} (${u.origin})`);
  world.record(pending.command, pending.upgrades.length
    ? `${pending.upgrades.length} package(s) have updates, as far as the cached metadata knows:\n${capped(lines)}`
    : 'no package has an update, as far as the cached metadata knows');
}

Given('the package updates APT already knows of on a running system, without contacting any repository', async function (this: CisWorld) {
  await recordPendingUpdates(this);
});

Given('the package updates yum already knows of from its cache on a running system, without contacting any repository', async function (this: CisWorld) {
  await recordPendingUpdates(this);
});

Then('an auditor confirms that updates are installed as the site\'s patch policy requires', async function (this: CisWorld) {
  if (await rpmFamily(this)) {
    return this.manual('on the system, list what is outstanding with fresh metadata (`yum check-update`, and `yum updateinfo list '
      + 'security` for security fixes); confirm that security updates are installed as the site\'s patch policy requires. The evidence '
      + 'shows what yum\'s cache on the system already knew (`yum -C`), without contacting any repository');
  }
  return this.manual('on the system, refresh the package lists (`apt-get update`) and list what is outstanding '
    + '(`apt list --upgradable` or `apt-get -s dist-upgrade`); confirm that security updates are installed as the site\'s patch '
    + 'policy requires. The evidence shows what the lists already on the system knew, without contacting any repository');
});

/* ---------- yum and RPM ---------- */

Given('the yum repositories defined in \\/etc\\/yum.conf and the *.repo files of \\/etc\\/yum.repos.d', async function (this: CisWorld) {
  const cfg = await this.fact(yumConfig);
  this.record(YUM_CONF, !cfg.conf.exists ? 'does not exist' : cfg.mainGpgcheck.setting
    ? `[main] line ${cfg.mainGpgcheck.setting.line}: gpgcheck=${cfg.mainGpgcheck.setting.value}`
    : `[main] sets no gpgcheck (yum's default: off)${cfg.conf.main ? '' : '; there is no [main] section'}`);
  this.record('yum repositories', `${cfg.repos.length} repositor${cfg.repos.length === 1 ? 'y' : 'ies'} in ${[YUM_CONF, ...cfg.repoFiles].join(', ')} (repository directories: ${cfg.reposdirs.join(', ')})`);
  for (const r of cfg.repos) this.record(`${r.file}:${r.line}`, describeRepo(r));
  for (const f of cfg.ignored) this.record(f, 'not read by yum (only *.repo files are)');
});

Then('yum\'s [main] section in \\/etc\\/yum.conf sets {string} to {int}', async function (this: CisWorld, key: string, wanted: number) {
  if (key !== 'gpgcheck') throw new CheckError(`only gpgcheck is read from [main], not ${key}`);
  const cfg = await this.fact(yumConfig);
  if (cfg.mainGpgcheck.value === (wanted === 1)) return;
  const s = cfg.mainGpgcheck.setting;
  // an existing line is set in place; a missing one is added right under [main], not at the end of the file
  const fix = { path: YUM_CONF, create: rootFile(0o644), summary: `set gpgcheck=1 in the [main] section of ${YUM_CONF}` };
  this.remedy(s ? settingFix({ ...fix, settings: [['gpgcheck', '1']], separator: '=' }) : contentFix({ ...fix, content: yumConfWithMainGpgcheck(cfg.conf.text ?? '') }));
  if (!cfg.conf.exists) this.fail(`${YUM_CONF} does not exist: yum does not check package signatures by default`);
  if (!s) this.fail(`the [main] section of ${YUM_CONF} sets no gpgcheck: yum does not check package signatures by default`);
  this.fail(`${YUM_CONF}:${s.line} sets gpgcheck=${s.value} in [main]: yum installs packages without checking their signatures`);
});

Then('no repository turns {string} off', async function (this: CisWorld, key: string) {
  if (key !== 'gpgcheck') throw new CheckError(`only gpgcheck is read from the repositories, not ${key}`);
  const cfg = await this.fact(yumConfig);
  const off = cfg.repos.filter((r) => r.gpgcheckSetting && !r.gpgcheck);
  if (!off.length) return;
  const files = [...new Set(off.map((r) => r.file))];
  this.remedy(settingFix({ path: files, settings: [['gpgcheck', '1']], separator: '=' }));
  this.fail(`repositories that install packages without checking their signatures: ${off.map((r) => `[${r.id}] ${r.file}:${r.gpgcheckSetting!.line} gpgcheck=${r.gpgcheckSetting!.value}${r.enabled ? '' : ' (disabled, but yum --enablerepo would use it)'}`).join('; ')}`);
});

Given('the package signing keys imported into the RPM database and the key files in \\/etc\\/pki\\/rpm-gpg', async function (this: CisWorld) {
  const keys = await this.fact(rpmTrustedKeys);
  this.record(keys.source, keys.imported.length ? capped(keys.imported.map(describeImportedKey)) : 'no key imported (no gpg-pubkey entry): yum imports a repository\'s key the first time it installs from it');
  if (!keys.keyFiles.length) this.record(RPM_GPG_DIR, 'no key file');
  for (const f of keys.keyFiles) this.record(f.path, f.keys.length ? capped(f.keys.map(describeKey)) : 'no public key');
  const cfg = await this.fact(yumConfig);
  const named = [...new Set(cfg.repos.flatMap((r) => r.gpgkeys))];
  if (named.length) this.record('yum repositories', `keys named by gpgkey=: ${named.join(', ')}`);
});

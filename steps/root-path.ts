/**
 * Steps about root's login PATH, worked out from login's settings and root's start-up files: no empty
 * entry or ".", and every directory in it owned by root and not writable by its group or by others.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { describeStat } from './support/permissions.js';
import { formatMode } from './support/parameter-types.js';
import { analysePath, rootLoginPath } from '../src/facts/homes.js';
import { permissionsFix, type PermissionChange } from '../src/remediation/templates.js';
import { CheckError } from '../src/model/verdict.js';
import { UNKNOWN, type Possible } from '../src/facts/shell-effective.js';

// ---------------------------------------------------------------- root's PATH

Given("root's PATH as a login shell of root sets it, worked out from login's settings and root's start-up files", async function (this: CisWorld) {
  const settings = await this.facts.get(rootLoginPath);
  const where = (o: Possible<string | null>) => (o.origin ? `${o.origin.file}:${o.origin.line} ${o.origin.text}` : 'unchanged by the start-up files');
  const unknown = settings.outcomes.flatMap((o) => o.values.filter((v) => v.value === UNKNOWN).map((v) => `${o.login.source}, ${o.shell}: ${where(v)}`));
  const lines = settings.outcomes.flatMap((o, i) => [
    ...(i > 0 && settings.outcomes[i - 1].login === o.login ? [] : [`PATH given at login: ${o.login.value ?? '(not determined)'}, ${o.login.source}`]),
    `  ${o.shell}, after ${settings.files.join(', ')}: ${o.values.map((v) => (v.value === UNKNOWN ? `not determined (${where(v)})` : `PATH=${v.value ?? '(unset)'} (${where(v)})`)).join('\n    or ')}`,
  ]);
  this.record(`root's login PATH, from ${['/etc/login.defs', '/etc/environment', ...settings.files].join(', ')} (root's shell ${settings.shell}, home ${settings.home})`,
    [...lines, ...settings.notes.map((n) => `note: ${n}`)].join('\n'));
  if (unknown.length) throw new CheckError(`root's PATH is not determined by the files: ${[...new Set(unknown)].slice(0, 3).join('; ')}`);
  const paths = [...new Set(settings.outcomes.flatMap((o) => o.values.map((v) => v.value ?? '')))];
  if (!paths.length) throw new CheckError("no login shell of root reaches its prompt (a start-up file exits): there is no PATH to judge");
  this.subject.rootPaths = paths;
});

/** Each PATH root may log in with; a problem found in any of them is a problem of root's PATH. */
const rootPaths = (world: CisWorld) => world.subject.rootPaths as string[];

Then("root's PATH has no empty entry, no trailing colon and no \".\"", function (this: CisWorld) {
  const found = rootPaths(this).map((path) => ({ path, problems: analysePath(path).problems })).filter((p) => p.problems.length);
  if (!found.length) return;
  const all = [...new Set(found.flatMap((f) => f.problems))];
  this.needsPerson([
    `find where root's PATH gets these entries (/etc/login.defs ENV_SUPATH, /etc/environment, /etc/profile, /etc/profile.d/*.sh, /etc/bashrc, /root/.bash_profile, /root/.profile, /root/.bashrc) and remove them: ${all.join('; ')}`,
  ]);
  this.fail(found.map((f) => `root's PATH ${JSON.stringify(f.path)}: ${f.problems.join('; ')}`).join(' | '));
});

Then("every directory in root's PATH exists, is owned by root and is not writable by its group or by others", async function (this: CisWorld) {
  const directories = [...new Set(rootPaths(this).flatMap((p) => analysePath(p).directories))];
  const stats = await this.facts.stat(directories);
  const problems: string[] = [];
  const lines: string[] = [];
  const changes: PermissionChange[] = [];
  const byHand: string[] = [];
  for (const d of directories) {
    const st = stats.get(d);
    if (!st) {
      problems.push(`${d} does not exist`);
      lines.push(`${d}: does not exist`);
      byHand.push(`${d} does not exist: remove it from root's PATH where it is added (/etc/profile, /root/.bash_profile, ...), or create it owned by root with mode 0755 or stricter`);
      continue;
    }
    lines.push(`${d}: ${await describeStat(this, st)}`);
    if (st.type !== 'd') { problems.push(`${d} is not a directory`); byHand.push(`${d} is not a directory: remove it from root's PATH`); }
    if (st.uid !== 0) { problems.push(`${d} is owned by uid ${st.uid}, not root`); byHand.push(`${d} belongs to uid ${st.uid}: give it to root (chown root ${d}) or remove it from root's PATH`); }
    if (st.mode & 0o020) problems.push(`${d} is group-writable (mode ${formatMode(st.mode)})`);
    if (st.mode & 0o002) problems.push(`${d} is world-writable (mode ${formatMode(st.mode)})`);
    if (st.type === 'd' && st.mode & 0o022) changes.push({ path: d, mode: st.mode & ~0o022 & 0o7777 });
  }
  this.record("directories in root's PATH (stat, following symbolic links)", lines.join('\n') || 'none');
  if (!problems.length) return;
  if (changes.length) this.remedy(permissionsFix("remove write permission for group and others from the directories in root's PATH", changes));
  if (byHand.length) this.needsPerson(byHand);
  this.fail(problems.join('; '));
});

/**
 * Steps about filesystem integrity checking: whether cron or a systemd timer runs AIDE regularly. The
 * fix, when nothing does, is a daily job in cis-bdd's own file in /etc/cron.d.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import { scheduledJobs } from '../src/facts/scheduled-jobs.js';
import { describeUnit, systemdUnits } from '../src/facts/systemd-units.js';
import { linesFix, rootFile } from '../src/remediation/templates.js';

/** cis-bdd's own cron file: hardening schedules the AIDE check here and nowhere else. */
export const CIS_BDD_AIDE_CRON = '/etc/cron.d/cis-bdd-aide';
/** How the check is run where each cron is found: Debian's aide-common wrapper, or the RPM family's aide binary. */
const AIDE_CHECK = {
  debian: '/usr/bin/aide.wrapper --config /etc/aide/aide.conf --check',
  cronie: '/usr/sbin/aide --check',
};

/** A command that starts aide or Debian's aide.wrapper (by name or path, possibly after a shell operator). */
const RUNS_AIDE = /(^|[\s;&|(`'"/])aide(\.wrapper)?(?=$|[\s;&|)`'"])/;
/** A periodic script that mentions aide, as the benchmark's `grep -r aide /etc/cron.*` finds it (comments aside). */
const MENTIONS_AIDE = /\baide\b/;

Given('the cron jobs and the periodic cron scripts of the system', async function (this: CisWorld) {
  const jobs = await this.fact(scheduledJobs);
  this.record('cron', `${jobs.entries.length} crontab entr${jobs.entries.length === 1 ? 'y' : 'ies'} in /etc/crontab, /etc/cron.d and ${jobs.userCrontabs}; `
    + `${jobs.scripts.length} script(s) in /etc/cron.{hourly,daily,weekly,monthly}`);
  for (const i of jobs.ignored) this.record(i.where, `not run by cron: ${i.reason}`);
});

Then('one of them runs AIDE, or the systemd timer {string} is enabled with its service {string}', async function (this: CisWorld, timer: string, service: string) {
  const jobs = await this.fact(scheduledJobs);
  const found: string[] = [];
  for (const e of jobs.entries.filter((x) => RUNS_AIDE.test(x.command))) {
    this.record(`${e.file}:${e.line}`, `${e.schedule} ${e.user} ${e.command}`);
    found.push(`${e.file}:${e.line}`);
  }
  for (const s of jobs.scripts) {
    const named = /^aide/.test(s.file.slice(s.file.lastIndexOf('/') + 1));
    const lines = s.lines.filter((l) => MENTIONS_AIDE.test(l.text));
    if (!named && !lines.length) continue;
    this.record(s.file, `run ${s.period} by run-parts${lines.length ? `: line ${lines[0].line}: ${lines[0].text}` : ''}`);
    found.push(s.file);
  }
  if (found.length) return;
  const units = await this.fact(systemdUnits);
  const t = units.state(timer);
  const s = units.state(service);
  this.record('systemd unit files', `${describeUnit(t)}; ${describeUnit(s)}`);
  if (t.path && t.enabledBy.length && !t.masked && s.path && !s.masked) return;
  const command = AIDE_CHECK[jobs.cron];
  this.remedy(linesFix({
    path: CIS_BDD_AIDE_CRON, lines: [`0 5 * * * root ${command}`], create: rootFile(0o644),
    summary: `check the filesystem with AIDE every day at 05:00 (${CIS_BDD_AIDE_CRON})`,
  }));
  this.fail(`no cron job or periodic cron script runs aide, and ${timer} is not enabled with ${service}`);
});

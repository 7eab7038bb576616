/**
 * Steps about the SSH server: whether it is installed, what its effective configuration says, and the
 * modes of its host key files. Keywords are compared case-insensitively, as sshd reads them; every
 * decision records the file and line (or `sshd -T`) that gave the value.
 */
import { Given, Then } from '@cucumber/cucumber';
import type { CisWorld } from './support/world.js';
import type { Owner } from './support/parameter-types.js';
import { permissionProblems, remedyPermissions } from './support/permissions.js';
import { installedPackages } from '../src/facts/packages.js';
import { TIME_KEYWORDS, parseMaxStartups, sshdSeconds } from '../src/facts/sshd-parse.js';
import { sshHostKeyFiles, sshdEffectiveConfig, type SshdConfig, type SshdConnection } from '../src/facts/sshd-config.js';
import { type SshdSetting } from '../src/facts/sshd-effective.js';
import { systemdUnits } from '../src/facts/systemd-units.js';
import { CheckError } from '../src/model/verdict.js';
import { globToRegExp } from '../src/model/glob.js';
import { OR_POLICY, tailoredNumber } from './support/tailoring.js';
import { sshdSettingFix } from '../src/remediation/templates.js';

/** A quoted sshd keyword: letters and digits only, so these phrases never match other domains' steps. */
const KW = '"([A-Za-z][A-Za-z0-9]*)"';
const words = (list: string) => [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1]);

Given('the SSH server package {string} is installed, or the section does not apply', async function (this: CisWorld, name: string) {
  const db = await this.fact(installedPackages);
  const pkg = db.packages.get(name);
  if (!pkg) {
    this.record(db.source, `${name} is not installed`);
    return this.notApplicable(`the SSH server package ${name} is not installed (${db.source})`);
  }
  this.record(`${db.source}:${pkg.line}`, `${name} ${pkg.version} is installed`);
  return undefined;
});

/** Which connections the scenario's items are decided for: root's only, or every connection evaluated. */
type Scope = 'root' | 'all';
const scopes = new WeakMap<CisWorld, Scope>();

async function readConfig(world: CisWorld, scope: Scope): Promise<void> {
  scopes.set(world, scope);
  const cfg = await world.fact(sshdEffectiveConfig);
  world.record(cfg.method === 'sshd -T' ? cfg.command! : cfg.files[0] ?? 'sshd_config', cfg.how);
  if (scope === 'all' && cfg.notes.length) world.record(cfg.files[0] ?? 'sshd_config', cfg.notes.join('; '));
}

Given('the effective SSH daemon configuration for a root connection', async function (this: CisWorld) {
  await readConfig(this, 'root');
});

Given('the effective SSH daemon configuration for every connection', async function (this: CisWorld) {
  await readConfig(this, 'all');
});

/**
 * The remediation of an sshd keyword: set it in sshd_config (first value wins, so the setting goes first
 * and outside Match blocks), refuse it if `sshd -t` would not start, then reload the daemon.
 */
async function remedySshd(world: CisWorld, keyword: string, value: string): Promise<void> {
  world.remedy(sshdSettingFix(keyword, value, await sshdUnit(world)));
}

/** The daemon's systemd unit: ssh.service on Debian and Ubuntu, sshd.service on the Red Hat family. */
async function sshdUnit(world: CisWorld): Promise<string> {
  const units = await world.fact(systemdUnits);
  return units.state('ssh.service').path || !units.state('sshd.service').path ? 'ssh.service' : 'sshd.service';
}

/** The connections the current scenario is about. */
async function connections(world: CisWorld): Promise<{ cfg: SshdConfig; list: SshdConnection[] }> {
  const cfg = await world.fact(sshdEffectiveConfig);
  const scope = scopes.get(world) ?? 'all';
  const list = scope === 'root' ? cfg.connections.filter((c) => c.spec.user === 'root') : cfg.connections;
  return { cfg, list: list.length ? list : cfg.connections.slice(0, 1) };
}

/** What a check says of one connection's setting: null when it holds, else the problem and the value to set. */
type Judge = (s: SshdSetting | undefined) => { problem: string; fix?: string } | null;

/**
 * Judge a keyword for every connection in scope. Evidence: the first connection's setting, and each other
 * connection whose setting came from elsewhere (a Match block). A failure names the connection when not
 * every connection fails; a global value is fixed in sshd_config, a Match block's value needs a person.
 */
async function judgeKeyword(world: CisWorld, keyword: string, judge: Judge): Promise<void> {
  const { cfg, list } = await connections(world);
  const lower = keyword.toLowerCase();
  const first = list[0];
  const shown = new Set<string>();
  const failures: Array<{ c: SshdConnection; problem: string; fix?: string; s?: SshdSetting }> = [];
  for (const c of list) {
    const s = c.settings.get(lower);
    const { source, excerpt } = describeSetting(cfg, c, keyword, s);
    const key = `${s?.value}|${s?.at?.file}:${s?.at?.line}`;
    if (c === first) world.record(source, excerpt);
    else if (!shown.has(key) && key !== `${first.settings.get(lower)?.value}|${first.settings.get(lower)?.at?.file}:${first.settings.get(lower)?.at?.line}`) {
      world.record(source, `for ${c.label}: ${excerpt}`);
    }
    shown.add(key);
    const verdict = judge(s);
    if (verdict) failures.push({ c, ...verdict, s });
  }
  if (!failures.length) return;
  const f = failures[0];
  if (f.fix !== undefined && !f.s?.block) await remedySshd(world, keyword, f.fix);
  if (f.s?.block) world.needsPerson([`the Match block at ${f.s.block.file}:${f.s.block.line} (Match ${f.s.block.criteria}) sets ${keyword}: change or remove it there`]);
  const who = failures.length === list.length ? '' : ` for ${f.c.label}${failures.length > 1 ? ` (and ${failures.length - 1} other connection${failures.length > 2 ? 's' : ''})` : ''}`;
  const doubt = f.c.undecidable && failures.every((x) => x.c.undecidable) ? `; ${f.c.undecidable}` : '';
  world.fail(`${f.problem}${who}${doubt}`);
}

const where = (at: { file: string; line: number }, from?: { file: string }) => (from && at.file === from.file ? `line ${at.line}` : `${at.file}:${at.line}`);

export function describeSetting(cfg: SshdConfig, conn: SshdConnection, keyword: string, s: SshdSetting | undefined): { source: string; excerpt: string } {
  const notes: string[] = [];
  const lower = keyword.toLowerCase();
  const command = conn.command ?? cfg.command;
  for (const b of cfg.matchBlocks) {
    if (s?.block && s.block.file === b.file && s.block.line === b.line) continue;
    for (const d of b.directives.filter((d) => d.keyword === lower)) {
      const applies = conn.applied.some((a) => a.file === b.file && a.line === b.line);
      notes.push(`the Match block at ${b.file}:${b.line} (Match ${b.criteria}) sets ${d.written} ${d.args.join(' ')} at line ${d.line} `
        + (applies ? 'and applies to this connection' : 'for the connections it matches; not this one'));
    }
  }
  if (s?.block) {
    const replaced = s.replaced ? `; it replaces ${where(s.replaced, s.at)} (${s.replaced.value}) for this connection` : '';
    notes.unshift(`set by the Match block at ${s.block.file}:${s.block.line} (Match ${s.block.criteria}), which applies to this connection${replaced}`);
  }
  if (!s) {
    const source = cfg.method === 'sshd -T' ? command! : cfg.files.join(', ');
    return { source, excerpt: [`${keyword} is not set (it has no default)`, ...notes].join('; ') };
  }
  if (s.ignored.length && s.at) {
    const others = s.ignored.map((i) => `${where(i, s.at)} says ${i.value}`).join(', ');
    notes.splice(s.block ? 1 : 0, 0, s.rule === 'last' ? `sshd ${cfg.release.release} uses the last ${s.keyword} line; ${others}` : `first value wins; ${others}`);
  }
  if (s.rule === 'all' && s.lines && s.lines.length > 1) {
    notes.unshift(`lines add up: ${s.lines.map((l) => `${where(l, s.at)} ${l.value}`).join(', ')}`);
  }
  if (s.source === 'file') {
    const value = s.written ? `${s.written} (that is ${s.value})` : s.value;
    return { source: `${s.at!.file}:${s.at!.line}`, excerpt: [`${s.keyword} ${value}`, ...notes].join('; ') };
  }
  if (s.source === 'default') {
    return {
      source: `OpenSSH ${cfg.release.release} compiled-in defaults`,
      excerpt: [`default of OpenSSH ${cfg.release.release}: ${s.keyword} ${s.value} (not set in ${cfg.files.join(', ')})`, ...notes].join('; '),
    };
  }
  const origin = s.at ? `set at ${s.at.file}:${s.at.line}${s.written ? ` as ${s.written}` : ''}` : 'not set in the files: the compiled-in default';
  return { source: command!, excerpt: [`${s.keyword} ${s.value} (${origin})`, ...notes].join('; ') };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** sshd 7.6 prints prohibit-password under its older name; both mean the same. */
const canonical = (v: string) => (v.toLowerCase() === 'without-password' ? 'prohibit-password' : v.toLowerCase());

Then(new RegExp(`^${KW} is "([^"]*)"$`), async function (this: CisWorld, keyword: string, expected: string) {
  await judgeKeyword(this, keyword, (s) => {
    if (!s) return { problem: `${keyword} is not set; it must be ${expected}`, fix: expected };
    return canonical(s.value) === canonical(expected) ? null : { problem: `${keyword} is ${s.value}; it must be ${expected}`, fix: expected };
  });
});

Then(new RegExp(`^${KW} is not "([^"]*)"$`), async function (this: CisWorld, keyword: string, unwanted: string) {
  // the one such check is the banner: point it at the remote login banner
  const fix = keyword.toLowerCase() === 'banner' ? '/etc/issue.net' : undefined;
  await judgeKeyword(this, keyword, (s) => {
    if (!s) return { problem: `${keyword} is not set`, fix };
    return same(s.value, unwanted) ? { problem: `${keyword} is ${s.value}`, fix } : null;
  });
});

Then(new RegExp(`^${KW} is one of ((?:"[^"]*"(?:, | and | or )?)+)$`), async function (this: CisWorld, keyword: string, list: string) {
  const allowed = words(list);
  await judgeKeyword(this, keyword, (s) => {
    if (!s) return { problem: `${keyword} is not set; it must be one of ${allowed.join(', ')}`, fix: allowed[0] };
    return allowed.some((a) => same(a, s.value)) ? null : { problem: `${keyword} is ${s.value}; it must be one of ${allowed.join(', ')}`, fix: allowed[0] };
  });
});

/** A whole number (sshd reads numbers with atoi), or for time keywords a number of seconds; anything else cannot be judged. */
function numberOf(keyword: string, s: SshdSetting, seconds: boolean): number {
  if (seconds) {
    if (!TIME_KEYWORDS.has(keyword.toLowerCase())) throw new CheckError(`${keyword} is not a time keyword`);
    return sshdSeconds(s.value);
  }
  if (!/^-?\d+$/.test(s.value)) throw new CheckError(`${keyword} is "${s.value}", not a whole number`);
  return Number(s.value);
}

const shownValue = (s: SshdSetting, n: number, unit?: string) => `${s.value}${unit && String(n) !== s.value ? ` (${n} seconds)` : ''}`;

Then(new RegExp(`^${KW} is at most (\\d+)( seconds)?${OR_POLICY}$`), async function (this: CisWorld, keyword: string, literal: string, unit?: string, tailoring?: string) {
  const max = String(tailoredNumber(this, literal, tailoring));
  await judgeKeyword(this, keyword, (s) => {
    if (!s) return { problem: `${keyword} is not set; it must be at most ${max}`, fix: max };
    const n = numberOf(keyword, s, !!unit);
    return n > Number(max) ? { problem: `${keyword} is ${shownValue(s, n, unit)}; it must be at most ${max}${unit ?? ''}`, fix: max } : null;
  });
});

Then(new RegExp(`^${KW} is between (\\d+) and (\\d+)( seconds)?${OR_POLICY}$`), async function (this: CisWorld, keyword: string, min: string, literalMax: string, unit?: string, tailoring?: string) {
  const max = String(tailoredNumber(this, literalMax, tailoring));
  await judgeKeyword(this, keyword, (s) => {
    if (!s) return { problem: `${keyword} is not set; it must be between ${min} and ${max}${unit ?? ''}`, fix: max };
    const n = numberOf(keyword, s, !!unit);
    if (n < Number(min) || n > Number(max)) return { problem: `${keyword} is ${shownValue(s, n, unit)}; it must be between ${min} and ${max}${unit ?? ''}`, fix: max };
    return null;
  });
});

Then(new RegExp(`^${KW} includes none of ((?:"[^"]*"(?:, | and | or )?)+)$`), async function (this: CisWorld, keyword: string, list: string) {
  const weak = words(list);
  await judgeKeyword(this, keyword, (s) => {
    if (!s) return { problem: `${keyword} is not set` };
    const offered = s.value.split(',').map((a) => a.trim().toLowerCase()).filter(Boolean);
    const found = weak.filter((w) => offered.includes(w.toLowerCase()));
    if (!found.length) return null;
    const kept = offered.filter((a) => !weak.some((w) => w.toLowerCase() === a));
    return { problem: `${keyword} includes ${found.join(', ')}`, fix: kept.length ? kept.join(',') : undefined };
  });
});

Then(/^at least one of ((?:"[A-Za-z][A-Za-z0-9]*"(?:, | and | or )?)+) is set$/, async function (this: CisWorld, list: string) {
  const keywords = words(list);
  const { cfg, list: conns } = await connections(this);
  const bare: SshdConnection[] = [];
  const recorded = new Set<string>();
  for (const c of conns) {
    const set = keywords.filter((k) => c.settings.has(k.toLowerCase()));
    if (!set.length) bare.push(c);
    for (const k of set) {
      const { source, excerpt } = describeSetting(cfg, c, k, c.settings.get(k.toLowerCase()));
      const text = c === conns[0] ? excerpt : `for ${c.label}: ${excerpt}`;
      if (!recorded.has(`${source}|${excerpt}`)) this.record(source, text);
      recorded.add(`${source}|${excerpt}`);
    }
  }
  if (!bare.length) return;
  const c = bare[0];
  const notes = keywords.map((k) => describeSetting(cfg, c, k, undefined)).filter((d) => d.excerpt.includes('Match block')).map((d) => d.excerpt);
  this.record(cfg.method === 'sshd -T' ? (c.command ?? cfg.command!) : cfg.files.join(', '), [`none of ${keywords.join(', ')} is set${bare.length < conns.length ? ` for ${c.label}` : ''} (they have no default)`, ...notes].join('; '));
  this.needsPerson([
    `decide which users or groups may log in over SSH`,
    `add "AllowGroups <group>" (or AllowUsers/DenyUsers/DenyGroups) near the top of /etc/ssh/sshd_config`,
    'run "sshd -t", then reload sshd while keeping your current session open, and test a new login',
  ]);
  const who = bare.length < conns.length ? ` for ${c.label}` : '';
  this.fail(`none of ${keywords.join(', ')} is set${who}: every local account may log in over SSH`);
});

Then(new RegExp(`^${KW} is (\\d+):(\\d+):(\\d+) or more restrictive$`), async function (this: CisWorld, keyword: string, start: string, rate: string, full: string) {
  await judgeKeyword(this, keyword, (s) => {
    if (!s) return { problem: `${keyword} is not set` };
    const v = parseMaxStartups(s.value);
    const problems: string[] = [];
    if (v.start > Number(start)) problems.push(`starts refusing after ${v.start} unauthenticated connections, more than ${start}`);
    if (v.rate < Number(rate)) problems.push(`refuses at a rate of ${v.rate}%, less than ${rate}%`);
    if (v.full > Number(full)) problems.push(`refuses all only from ${v.full} connections, more than ${full}`);
    if (!problems.length) return null;
    return { problem: `${keyword} ${s.value}: ${problems.join('; ')}`, fix: `${Math.min(v.start, Number(start))}:${Math.max(v.rate, Number(rate))}:${Math.min(v.full, Number(full))}` };
  });
});

/** A shell-style name pattern (* and ?) of one directory, as a test on full paths. */
function pathPattern(pattern: string): { dir: string; test: (path: string) => boolean } {
  const slash = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, slash);
  const re = globToRegExp(pattern.slice(slash + 1), { pathname: true });
  return { dir, test: (path) => path.slice(0, path.lastIndexOf('/')) === dir && re.test(path.slice(path.lastIndexOf('/') + 1)) };
}

Then('every SSH host key file matching {string} has mode at most {mode} and is owned by {owners}', async function (this: CisWorld, pattern: string, mode: number, owners: Owner[]) {
  const p = pathPattern(pattern);
  if (p.dir !== '/etc/ssh') throw new CheckError(`host key files are looked for in /etc/ssh, not ${p.dir}`);
  const files = (await this.fact(sshHostKeyFiles)).filter((st) => p.test(st.path));
  if (!files.length) {
    this.record(pattern, 'no such file');
    return this.notApplicable(`no file matches ${pattern} (sshd creates its host keys on first start)`);
  }
  const problems: string[] = [];
  for (const st of files) {
    const found = await permissionProblems(this, st, mode, owners);
    if (found.length) await remedyPermissions(this, st, mode, owners);
    problems.push(...found);
  }
  if (problems.length) this.fail(problems.join('; '));
  return undefined;
});

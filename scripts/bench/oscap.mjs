/**
 * OpenSCAP side by side: Debian's scanner and SCAP Security Guide content, installed with apt-get when
 * missing; `oscap-chroot ROOT xccdf eval --profile P --results R DS` on the same root filesystem cis-bdd
 * audits, timed, with a timeout that is reported as such.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { log, median, runTimed, scratchPath, sh, which } from './proc.mjs';

export const SSG_CONTENT = '/usr/share/xml/scap/ssg/content';
export const DATASTREAMS = {
  ubuntu: { file: 'ssg-ubuntu1804-ds.xml', pkg: 'ssg-debderived' },
  acl2: { file: 'ssg-alinux2-ds.xml', pkg: 'ssg-nondebian' },
};

function aptInstall(pkgs) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    sh('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env });
  } catch {
    log('apt-get install failed; running apt-get update and trying again');
    sh('apt-get', ['update'], { env });
    sh('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env });
  }
}

/** Install what is missing: openscap-scanner (oscap), openscap-utils (oscap-chroot), the SSG data streams. */
export function ensureOpenscap() {
  const need = new Set();
  if (!which('oscap')) need.add('openscap-scanner');
  if (!which('oscap-chroot')) need.add('openscap-utils');
  for (const d of Object.values(DATASTREAMS)) if (!findDatastream(d.file)) need.add(d.pkg);
  if (need.size) {
    log(`OpenSCAP: installing ${[...need].join(' ')} with apt-get`);
    try {
      aptInstall([...need]);
    } catch (e) {
      // oscap-chroot is a small wrapper that sets two variables; without openscap-utils we set them ourselves.
      if (need.has('openscap-utils') && [...need].length > 1) aptInstall([...need].filter((p) => p !== 'openscap-utils'));
      else if (!need.has('openscap-utils')) throw e;
    }
  }
  if (!which('oscap')) throw new Error('oscap is not installed and apt-get could not install openscap-scanner');
  const version = sh('oscap', ['--version']).split('\n')[0].trim();
  return { version, chroot: which('oscap-chroot') };
}

export function findDatastream(file) {
  const direct = path.join(SSG_CONTENT, file);
  if (existsSync(direct)) return direct;
  const walk = (dir, depth) => {
    if (depth > 4 || !existsSync(dir)) return null;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isFile() && e.name === file) return p;
      if (e.isDirectory()) { const f = walk(p, depth + 1); if (f) return f; }
    }
    return null;
  };
  return walk('/usr/share/xml/scap', 0);
}

/** Profiles of a data stream, from `oscap info --profiles` (falling back to the Id: lines of `oscap info`). */
export function listProfiles(ds) {
  try {
    const out = sh('oscap', ['info', '--profiles', ds]);
    const list = out.split('\n').map((l) => /^(\S+?):(.*)$/.exec(l.trim())).filter(Boolean).map((m) => ({ id: m[1], title: m[2].trim() }));
    if (list.length) return list;
  } catch { /* older oscap */ }
  const out = sh('oscap', ['info', ds]);
  return [...out.matchAll(/Id: (xccdf_\S+_profile_\S+)/g)].map((m) => ({ id: m[1], title: '' }));
}

/**
 * The profile closest to a Level 2 CIS audit: ids containing "cis"; of those the plain `_cis` profile
 * (SSG's full CIS profile: Level 2 for alinux2), then `cis_l2`/`cis_server_l2`, then `cis_l1`, then the first.
 */
export function pickCisProfile(profiles) {
  const cis = profiles.filter((p) => /cis/i.test(p.id));
  if (!cis.length) return null;
  const order = [/_profile_cis$/, /_profile_cis_(server_)?l2$/, /_profile_cis_(server_)?l1$/];
  for (const re of order) {
    const hit = cis.find((p) => re.test(p.id));
    if (hit) return hit;
  }
  return cis[0];
}

/** One timed OpenSCAP evaluation of a root filesystem (with report: also its HTML report, --report). */
export async function runOscapChroot({ root, ds, profile, rpmDbPath, timeoutMs = 10 * 60_000, report = false }) {
  const results = scratchPath('oscap-results.xml');
  const html = report ? scratchPath('oscap-report.html') : undefined;
  const env = { ...process.env };
  if (rpmDbPath) {
    // rpm inside OpenSCAP's probes reads $HOME/.rpmmacros; point it at the tree's own Berkeley DB path.
    const home = scratchPath('oscap-home');
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, '.rpmmacros'), `%_dbpath ${rpmDbPath}\n`);
    env.HOME = home;
  }
  let cmd = 'oscap-chroot';
  let args = [root, 'xccdf', 'eval', '--profile', profile, '--results', results, ...(html ? ['--report', html] : []), ds];
  if (!which('oscap-chroot')) {
    // what oscap-chroot does
    env.OSCAP_PROBE_ROOT = root;
    env.OSCAP_EVALUATION_TARGET = `chroot://${root}`;
    cmd = 'oscap';
    args = args.slice(1);
  }
  const r = await runTimed(cmd, args, { env, timeoutMs, rss: true });
  rmSync(results, { force: true });
  if (html) rmSync(html, { force: true });
  const counts = {};
  for (const m of r.stdout.toString().matchAll(/^Result\s+(\S+)/gm)) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  const rules = Object.values(counts).reduce((a, b) => a + b, 0);
  // oscap exits 0 (all passed), 2 (some rule failed) or 1 (an error)
  const ok = !r.timedOut && (r.code === 0 || r.code === 2);
  return {
    wallMs: r.wallMs, peakRssKb: r.peakRssKb, exitCode: r.code, timedOut: r.timedOut, ok, counts, rules,
    error: ok ? undefined : r.timedOut ? `timed out after ${timeoutMs / 60000} min` : `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
  };
}

/**
 * Side by side, like for like, on each tree: OpenSCAP with machine-readable results only
 * (`--results`) against cis-bdd without its HTML report (`--no-html`), and OpenSCAP with its HTML report
 * (`--results --report`) against cis-bdd with its Allure HTML report. The two tools' runs alternate, so
 * that they see the same load; each figure is the median of `runs`.
 * trees: [{ label, root, ds, profile, rpmDbPath, benchmark }]; auditOnce: targets.mjs's.
 */
export async function sideBySide({ trees, runs, timeoutMs, auditOnce }) {
  const out = [];
  for (const tree of trees) {
    for (const mode of ['results', 'html']) {
      const row = { label: tree.label, mode, oscap: [], cisBdd: [], profile: tree.profile };
      out.push(row);
      log(`side by side: ${tree.label}, ${mode === 'html' ? 'with HTML reports' : 'machine-readable results only'}, ${runs} run(s)`);
      for (let i = 0; i < runs; i++) {
        const o = await runOscapChroot({ root: tree.root, ds: tree.ds, profile: tree.profile, rpmDbPath: tree.rpmDbPath, timeoutMs, report: mode === 'html' });
        row.oscap.push(o);
        try {
          const c = await auditOnce({ target: `rootfs:${tree.root}`, benchmark: tree.benchmark, html: mode === 'html' });
          row.cisBdd.push(c);
        } catch (e) {
          row.cisBddError = e.message;
        }
        log(`  run ${i + 1}: OpenSCAP ${o.ok ? `${Math.round(o.wallMs)} ms` : o.error}, cis-bdd ${row.cisBdd[i] ? `${Math.round(row.cisBdd[i].wallMs)} ms` : row.cisBddError}`);
        if (o.timedOut) break;
      }
      const okO = row.oscap.filter((r) => r.ok);
      row.oscapWallMs = median(okO.map((r) => r.wallMs));
      row.oscapRules = okO[0]?.rules;
      row.oscapError = okO.length ? undefined : row.oscap[row.oscap.length - 1]?.error;
      row.cisBddWallMs = median(row.cisBdd.map((r) => r.wallMs));
      row.itemsRun = row.cisBdd[0] ? `${row.cisBdd[0].itemsRun}/${row.cisBdd[0].items}` : null;
      row.ratio = row.oscapWallMs && row.cisBddWallMs ? row.oscapWallMs / row.cisBddWallMs : null;
    }
  }
  return out;
}

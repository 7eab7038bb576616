/**
 * The fleet figure: N sshd fixture containers on loopback ports, all audited at once with a bounded pool,
 * in two ways (bench.mjs --fleet-mode picks them):
 * - in-process: cis-bdd's own fleet, one `node bin/cis-bdd.mjs audit --targets FILE` process auditing
 *   every target with its own session (src/fleet.ts);
 * - processes: one `node bin/cis-bdd.mjs audit` child process per target, started by this script (what
 *   `cis-bdd audit --targets FILE --isolate` does).
 * Both return { totalMs, peakRssKb (all processes together, at most), targets: [{ uri, wallMs, ... }] }.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { auditOnce, BENCHMARKS, cli, repoRoot, startSshd } from './targets.mjs';
import { log, runTimed, scratchPath } from './proc.mjs';

/** Run fn over items with at most `limit` in flight; results in input order. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i).catch((e) => ({ error: e.message }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const FLEET_MODES = {
  /** cis-bdd's fleet in one process: `audit --targets FILE --concurrency N` */
  async 'in-process'(sshds, { concurrency, benchmark }) {
    const list = scratchPath('targets.txt');
    writeFileSync(list, sshds.map((s) => `${s.uri} identity=${s.keyFile}\n`).join(''));
    const out = scratchPath('fleet');
    const knownHosts = scratchPath('fleet-known_hosts');
    const r = await runTimed(process.execPath, [cli, 'audit', '--targets', list, '--benchmark', benchmark, '--level', '2', '--concurrency', String(concurrency),
      '--out', out, '--no-html', '--quiet', '--known-hosts', knownHosts, '--accept-new-host-key'], { cwd: repoRoot, rss: true, timeoutMs: 30 * 60_000 });
    if (![0, 1, 3].includes(r.code)) throw new Error(`the fleet exited ${r.code ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-4).join(' | ')}`);
    const fleet = JSON.parse(readFileSync(path.join(out, 'fleet.json'), 'utf8'));
    const targets = fleet.targets.map((t) => (t.report
      ? { uri: t.target, wallMs: t.durationMs, exitCode: t.exitCode }
      : { uri: t.target, error: `${t.status}: ${t.message ?? ''}` }));
    return { totalMs: r.wallMs, peakRssKb: r.peakRssKb, cpuMs: r.cpuMs, targets };
  },

  /** one cis-bdd process per target, at most `concurrency` at a time */
  async processes(sshds, { concurrency, benchmark }) {
    const t0 = process.hrtime.bigint();
    const targets = await pool(sshds, concurrency, async (s) => {
      const started = Number(process.hrtime.bigint() - t0) / 1e6;
      const r = await auditOnce({ target: s.uri, benchmark, extra: s.auditArgs });
      return { uri: s.uri, startedAtMs: started, wallMs: r.wallMs, peakRssKb: r.peakRssKb, roundTrips: r.roundTrips, exitCode: r.exitCode };
    });
    // the processes overlap: at most `concurrency` of them at once, so together at most that many of the largest
    const rss = targets.map((t) => t.peakRssKb ?? 0).sort((a, b) => b - a).slice(0, concurrency);
    return { totalMs: Number(process.hrtime.bigint() - t0) / 1e6, peakRssKb: rss.reduce((a, b) => a + b, 0), targets };
  },
};

export async function startFleet(size) {
  const sshds = [];
  try {
    for (let i = 0; i < size; i++) sshds.push(await startSshd());
  } catch (e) {
    for (const s of sshds) s.remove();
    throw e;
  }
  log(`fleet: ${size} sshd containers on ports ${sshds.map((s) => s.port).join(', ')}`);
  return { sshds, stop: () => { for (const s of sshds) s.remove(); } };
}

export async function fleetRun(sshds, { mode = 'in-process', concurrency = 8, benchmark = BENCHMARKS.ubuntu } = {}) {
  const run = FLEET_MODES[mode];
  if (!run) throw new Error(`unknown fleet mode ${mode} (known: ${Object.keys(FLEET_MODES).join(', ')})`);
  return run(sshds, { concurrency, benchmark });
}

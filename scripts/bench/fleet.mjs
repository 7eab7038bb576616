/**
 * The fleet figure: N sshd fixture containers on loopback ports, all audited at once with a bounded pool.
 *
 * Today each target is one `node bin/cis-bdd.mjs audit` child process (FLEET_MODES.processes). When the
 * built-in fleet mode lands, add a mode here that starts it once for all targets and returns the same
 * shape ({ totalMs, targets: [{ uri, wallMs, ... }] }); bench.mjs picks the mode with --fleet-mode.
 */
import { auditOnce, BENCHMARKS, startSshd } from './targets.mjs';
import { log } from './proc.mjs';

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
  /** one cis-bdd process per target, at most `concurrency` at a time */
  async processes(sshds, { concurrency, benchmark }) {
    const t0 = process.hrtime.bigint();
    const targets = await pool(sshds, concurrency, async (s) => {
      const started = Number(process.hrtime.bigint() - t0) / 1e6;
      const r = await auditOnce({ target: s.uri, benchmark, extra: s.auditArgs });
      return { uri: s.uri, startedAtMs: started, wallMs: r.wallMs, peakRssKb: r.peakRssKb, roundTrips: r.roundTrips, exitCode: r.exitCode };
    });
    return { totalMs: Number(process.hrtime.bigint() - t0) / 1e6, targets };
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

export async function fleetRun(sshds, { mode = 'processes', concurrency = 8, benchmark = BENCHMARKS.ubuntu } = {}) {
  const run = FLEET_MODES[mode];
  if (!run) throw new Error(`unknown fleet mode ${mode} (known: ${Object.keys(FLEET_MODES).join(', ')})`);
  return run(sshds, { concurrency, benchmark });
}

/**
 * TEST HOOK for the crash-safety tests (test/hostile/harden-crash.test.ts). Inert unless the environment
 * variable CIS_BDD_FAULT is set; nothing in normal use sets it.
 *
 *   CIS_BDD_FAULT=POINT:N   the N-th time this process reaches POINT it kills itself with SIGKILL
 *                           (no cleanup, no finally blocks: as if the machine had killed it there)
 *
 * Points in hardening: run-reserved (run directory made, nothing recorded), torn-record (dies while
 * writing a record: half of it left under the temporary name), recorded (a record version is durable),
 * dir-created, torn-write (dies while writing a node: half its content left under the temporary name),
 * applied (a node written), before-complete (all done but the final record). In rollback: restored.
 */
let parsed: { point: string; n: number } | null | undefined;
const reached = new Map<string, number>();

function spec(): { point: string; n: number } | null {
  if (parsed !== undefined) return parsed;
  const raw = process.env.CIS_BDD_FAULT;
  if (!raw) return (parsed = null);
  const m = /^([a-z-]+):([1-9]\d*)$/.exec(raw);
  if (!m) throw new Error(`CIS_BDD_FAULT=${raw}: expected POINT:N (a test hook, see src/remediation/fault-injection.ts)`);
  return (parsed = { point: m[1], n: Number(m[2]) });
}

/**
 * Mark a point a crash test may stop at. `leave` runs first when this is the chosen occurrence: it leaves
 * on the target what a kill in the middle of the next step would leave (a half-written temporary file).
 */
export async function crashPoint(point: string, leave?: () => Promise<void>): Promise<void> {
  const s = spec();
  if (!s || s.point !== point) return;
  const count = (reached.get(point) ?? 0) + 1;
  reached.set(point, count);
  if (count !== s.n) return;
  if (leave) await leave();
  process.kill(process.pid, 'SIGKILL');
  await new Promise(() => undefined);
}

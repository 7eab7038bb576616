/**
 * Several audits share one process in a fleet (src/fleet.ts). An exception no code catches (thrown in an
 * event handler or a timer) or a promise rejected with no handler would, by Node's default, end the
 * process and every audit in it. Inside `runContained`, such an error is charged to the audit whose async
 * context it arose in (AsyncLocalStorage follows it through timers, sockets and child processes): that
 * audit's target is stopped, and the audit ends with the error, as if its own process had crashed. The
 * others go on. An error outside every contained audit ends the process as Node would (its stack on
 * stderr, exit 1).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Containment {
  crash(e: unknown): void;
  /** ways to stop what the audit is doing (its target's interrupt), registered as the audit opens them */
  stops: Array<() => void>;
}

const scope = new AsyncLocalStorage<Containment>();
let contained = 0;

function onUncaught(e: unknown): void {
  const here = scope.getStore();
  if (here) { here.crash(e); return; }
  process.stderr.write(`${e instanceof Error && e.stack ? e.stack : String(e)}\n`);
  process.exit(1);
}

/** Within a contained audit: how to stop it if it crashes (an interrupt of its target). No-op elsewhere. */
export function onContainedCrash(stop: () => void): void {
  scope.getStore()?.stops.push(stop);
}

/** How long a crashed audit may take to wind down after its target was stopped, before it is left behind. */
const WIND_DOWN_MS = 60_000;

/**
 * Run fn with uncaught errors in its async context charged to it: resolves as fn does, or rejects with the
 * first such error once fn has wound down (its target stopped; at most a minute).
 */
export async function runContained<T>(fn: () => Promise<T>): Promise<T> {
  if (contained++ === 0) {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
  }
  try {
    let crashed: { error: Error } | undefined;
    let crashNow: () => void = () => undefined;
    const crash = new Promise<void>((resolve) => { crashNow = resolve; });
    let settled = false;
    const containment: Containment = {
      crash: (e) => {
        if (settled) {
          // a callback left behind by an audit that has already ended: nothing of it is waiting any more
          process.stderr.write(`cis-bdd: an error after an audit had ended: ${e instanceof Error ? e.message : String(e)}\n`);
          return;
        }
        if (crashed) return;
        crashed = { error: e instanceof Error ? e : new Error(`a promise was rejected with ${String(e)}`) };
        for (const stop of containment.stops) { try { stop(); } catch { /* already stopped */ } }
        crashNow();
      },
      stops: [],
    };
    const run = scope.run(containment, fn);
    // the run settles (quickly, once its target is stopped), or the crash is reported after the wind-down
    const outcome = await Promise.race([
      run.then((value) => ({ value }), (error: unknown) => ({ error })),
      crash.then(() => new Promise<void>((resolve) => setTimeout(resolve, WIND_DOWN_MS).unref())).then(() => ({ error: undefined })),
    ]);
    settled = true;
    if (crashed) throw crashed.error;
    if ('value' in outcome) return outcome.value as T;
    throw outcome.error;
  } finally {
    if (--contained === 0) {
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUncaught);
    }
  }
}

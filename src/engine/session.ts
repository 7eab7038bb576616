/**
 * One audit run against one target: the transport, the facts gathered from it, and what the run
 * measures, and the verdicts of its items. The CLI opens a session and hands it to the cucumber support
 * code through this module; under plain cucumber-js the hooks open one (standalone.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { TargetError, type Target } from '../targets/target.js';
import { FactStore } from '../facts/store.js';
import '../facts/all.js'; // every fact registered before a session's first read (see the module)
import { osRelease, type OsRelease } from '../facts/os-release.js';
import { benchmarkIds, benchmarksWrittenFor, closestByFamily, knownFamilies } from './benchmarks.js';
import { pathsNamedInFeatures } from './feature-paths.js';
import type { FactDef } from '../facts/store.js';
import { filesystemScan, packageFileChanges } from '../facts/filesystem.js';
import { installedPackages } from '../facts/packages.js';
import { pendingUpdates } from '../facts/pending-updates.js';
import { systemdUnits } from '../facts/systemd-units.js';
import { socketTables } from '../facts/listening-sockets.js';
import { runningSysctl } from '../facts/sysctl.js';
import { logFiles } from '../facts/log-files.js';
import { sshdEffectiveConfig, sshHostKeyFiles } from '../facts/sshd-config.js';
import { pamConfig } from '../facts/pam.js';
import { homeListings, rootLoginPath } from '../facts/homes.js';
import { grubKernelLines } from '../facts/kernel-cmdline.js';
import { runningFirewall } from '../facts/firewall.js';
import type { Policy } from '../policy/policy.js';
import type { VerdictMessage } from '../model/result.js';

export interface Selection {
  level: 1 | 2;
  scoredOnly: boolean;
  only: string[];
  tags: string | null;
  include?: string[];
  exclude?: string[];
}

export interface Session {
  target: Target;
  facts: FactStore;
  benchmarkId: string;
  os: OsRelease | null;
  warnings: string[];
  selection: Selection;
  startedAt: Date;
  /** apply the container applicability rule on docker targets (default true) */
  containerRule: boolean;
  /** tailored values from the policy (name → value); checks fall back to the declared default */
  tailoring: Record<string, unknown>;
  /** the policy the run applies: its waivers are decided with each item's verdict */
  policy?: Policy;
  /** the verdict of every scenario that ran, in the order they ended: the run's result is built from them */
  verdicts: VerdictMessage[];
}

/**
 * The session of the audit running in the current async context: several audits may run at once in one
 * process (a fleet), each with its own session, so the support code finds its own through
 * AsyncLocalStorage. A plain cucumber-js run, which opens its session in a BeforeAll hook, sets the
 * process-wide one instead.
 */
const scope = new AsyncLocalStorage<Session>();
let standalone: Session | undefined;

/** Run fn (an audit's cucumber run) with session as the active session of everything it calls. */
export function withSession<T>(session: Session, fn: () => Promise<T>): Promise<T> {
  return scope.run(session, fn);
}

/** The process-wide session of a plain cucumber-js run (standalone.ts), or undefined to clear it. */
export function setActiveSession(session: Session | undefined): void {
  standalone = session;
}

export function activeSession(): Session | undefined {
  return scope.getStore() ?? standalone;
}

export class BenchmarkChoiceError extends Error {}

/**
 * Prefetch the files every fact declares (one round trip), read the OS, and settle the benchmark:
 * the one asked for, or the one the OS calls for.
 */
export async function openSession(target: Target, requestedBenchmark: string | undefined, selection: Selection): Promise<Session> {
  const startedAt = new Date();
  const facts = new FactStore(target);
  await facts.prefetch();
  // os-release that cannot be read (the channel refused, a timeout, a FIFO in its place) says nothing of
  // the OS: say what went wrong rather than "an unknown OS"
  const release = await facts.read('/etc/os-release');
  if (release.state === 'unreadable') throw new TargetError(`the target's /etc/os-release cannot be read: ${release.reason}`, 'io');
  const os = await facts.get(osRelease);
  const fits = os ? benchmarksWrittenFor(os) : [];
  const detected = fits.length === 1 ? fits[0] : null;
  const warnings: string[] = [];
  const osName = os ? `${os.prettyName || os.id} (ID=${os.id}, VERSION_ID=${os.versionId})` : 'an unknown OS (no /etc/os-release)';
  if (fits.length > 1 && (!requestedBenchmark || requestedBenchmark === 'closest')) {
    throw new BenchmarkChoiceError(`the target runs ${osName}, for which ${fits.length} benchmarks are written (${fits.join(', ')}); choose one with --benchmark ID`);
  }
  let benchmarkId: string;
  if (requestedBenchmark === 'closest') {
    const closest = detected ?? (os ? closestByFamily(os) : null);
    if (!closest) {
      throw new BenchmarkChoiceError(`the target runs ${osName}, and no benchmark is close to it (${benchmarkIds().join(', ')}); choose one with --benchmark`);
    }
    if (!detected) warnings.push(`the target runs ${osName}, which no shipped benchmark covers; audited with the closest one, ${closest}`);
    benchmarkId = closest;
  } else if (requestedBenchmark) {
    if (!benchmarkIds().includes(requestedBenchmark)) {
      throw new BenchmarkChoiceError(`unknown benchmark "${requestedBenchmark}"; known: ${benchmarkIds().join(', ')}, or "closest"`);
    }
    benchmarkId = requestedBenchmark;
    if (!fits.includes(requestedBenchmark)) {
      warnings.push(`benchmark ${requestedBenchmark} was requested, but the target runs ${osName}${fits.length ? `, which calls for ${fits.join(' or ')}` : ', which no benchmark covers'}`);
    }
  } else if (detected) {
    benchmarkId = detected;
  } else {
    const near = os ? closestByFamily(os) : null;
    throw new BenchmarkChoiceError(`the target runs ${osName}, which no shipped benchmark covers (${benchmarkIds().join(', ')}); `
      + (near ? `--benchmark closest audits it with ${near}, the benchmark of its family (a warning is recorded), or choose one with --benchmark ID`
        : `choose one with --benchmark ID (--benchmark closest needs an OS of a family a benchmark names: ${knownFamilies().join(', ')})`));
  }
  // the paths the benchmark's steps name, stat'ed in one round trip rather than one per step
  await facts.stat(pathsNamedInFeatures(benchmarkId));
  return { target, facts, benchmarkId, os, warnings, selection, startedAt, containerRule: true, tailoring: {}, verdicts: [] };
}

/**
 * The facts that cost round trips and that every whole-benchmark audit needs, on both benchmarks, from
 * the given level up (found by listing the facts each full audit gathers); the slow ones first. The third
 * element is false for a fact only not-scored items ask for (the package file verification of 6.1.1),
 * which a --scored-only audit must not pay for. Each fact works out for itself what applies to the
 * target's OS and kind.
 */
export const WARM_FACTS: Array<[FactDef<unknown>, 1 | 2, boolean]> = [
  [packageFileChanges, 2, false], [filesystemScan, 1, true], [installedPackages, 1, true], [pendingUpdates, 1, true],
  [systemdUnits, 1, true], [socketTables, 1, true], [runningSysctl, 1, true], [runningFirewall, 1, true], [logFiles, 1, true],
  [sshdEffectiveConfig, 1, true], [sshHostKeyFiles, 1, true], [pamConfig, 1, true], [grubKernelLines, 1, true],
  [homeListings, 1, true], [rootLoginPath, 1, true],
];

/**
 * The facts a selection certainly needs: for a whole benchmark (at its level, scored items only or not),
 * those of WARM_FACTS at that level (scored ones only with --scored-only); for a narrower selection
 * (--only, tags, a policy's include or exclude), none: it may need few of them.
 */
export function warmFactsFor(s: Selection): Array<FactDef<unknown>> | null {
  if (s.only.length || s.tags || s.include?.length || s.exclude?.length) return null;
  return WARM_FACTS.filter(([, level, scored]) => level <= s.level && (scored || !s.scoredOnly)).map(([d]) => d);
}

/**
 * When the run audits a whole benchmark, start gathering the facts it will certainly need at once, so
 * that their round trips overlap instead of each waiting for the step that first asks (warmFactsFor).
 */
export function warmUp(session: Session): boolean {
  const defs = warmFactsFor(session.selection);
  if (!defs) return false;
  session.facts.warm(defs);
  return true;
}


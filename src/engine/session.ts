/**
 * One audit run against one target: the transport, the facts gathered from it, and what the run
 * measures. The CLI opens a session and hands it to the cucumber support code through this module;
 * under plain cucumber-js the support code opens one itself from CIS_BDD_TARGET.
 */
import type { Target } from '../targets/target.js';
import { FactStore } from '../facts/store.js';
import { benchmarkForOs, osRelease, type OsRelease } from '../facts/os-release.js';
import { benchmarkIds } from './catalogue.js';

export interface Selection {
  level: 1 | 2;
  scoredOnly: boolean;
  only: string[];
  tags: string | null;
}

export interface Session {
  target: Target;
  facts: FactStore;
  benchmarkId: string;
  os: OsRelease | null;
  warnings: string[];
  selection: Selection;
  startedAt: Date;
}

let active: Session | undefined;

export function setActiveSession(session: Session | undefined): void {
  active = session;
}

export function activeSession(): Session | undefined {
  return active;
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
  const os = await facts.get(osRelease);
  const detected = benchmarkForOs(os);
  const warnings: string[] = [];
  const osName = os ? `${os.prettyName || os.id} (ID=${os.id}, VERSION_ID=${os.versionId})` : 'an unknown OS (no /etc/os-release)';
  let benchmarkId: string;
  if (requestedBenchmark) {
    if (!benchmarkIds().includes(requestedBenchmark)) {
      throw new BenchmarkChoiceError(`unknown benchmark "${requestedBenchmark}"; known: ${benchmarkIds().join(', ')}`);
    }
    benchmarkId = requestedBenchmark;
    if (detected !== requestedBenchmark) {
      warnings.push(`benchmark ${requestedBenchmark} was requested, but the target runs ${osName}${detected ? `, which calls for ${detected}` : ', which neither benchmark covers'}`);
    }
  } else if (detected) {
    benchmarkId = detected;
  } else {
    throw new BenchmarkChoiceError(`the target runs ${osName}, which no shipped benchmark covers (${benchmarkIds().join(', ')}); choose one with --benchmark`);
  }
  return { target, facts, benchmarkId, os, warnings, selection, startedAt };
}

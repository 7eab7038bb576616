/**
 * The session of a plain cucumber-js run (`npx cucumber-js -p <benchmark>`), where no cis-bdd command
 * opened one: the target, benchmark and policy come from the world parameters or the environment
 * (CIS_BDD_TARGET, CIS_BDD_BENCHMARK, CIS_BDD_POLICY, CIS_BDD_IDENTITY, ...), handed in by the hooks.
 */
import { openTarget } from '../targets/index.js';
import { PACKAGE_DATABASES } from '../facts/packages.js';
import { loadPolicy } from '../policy/policy.js';
import { useBenchmarksDir } from './benchmarks.js';
import { openSession, type Session } from './session.js';
import { sshEnvironment } from './ssh-environment.js';

export interface StandaloneParameters {
  target?: string;
  benchmark?: string;
  identity?: string;
  knownHosts?: string;
  acceptNewHostKey?: boolean;
  sudo?: boolean;
  trace?: boolean;
  benchmarksDir?: string;
  policy?: string;
}

export async function openStandaloneSession(p: StandaloneParameters, env: Record<string, string | undefined>): Promise<Session> {
  const target = openTarget(p.target ?? env.CIS_BDD_TARGET, {
    identityFile: p.identity ?? env.CIS_BDD_IDENTITY,
    knownHostsFile: p.knownHosts ?? env.CIS_BDD_KNOWN_HOSTS,
    acceptNewHostKey: p.acceptNewHostKey ?? env.CIS_BDD_ACCEPT_NEW_HOST_KEY === '1',
    sudo: p.sudo ?? env.CIS_BDD_SUDO === '1',
    ...sshEnvironment(env),
    limits: { largeFiles: PACKAGE_DATABASES },
    trace: p.trace || env.CIS_BDD_TRACE === '1' ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  await target.connect();
  const benchmarksDir = p.benchmarksDir ?? env.CIS_BDD_BENCHMARKS_DIR;
  if (benchmarksDir) useBenchmarksDir(benchmarksDir);
  const policyFile = p.policy ?? env.CIS_BDD_POLICY;
  const policy = policyFile ? loadPolicy(policyFile) : undefined;
  const session = await openSession(target, p.benchmark ?? env.CIS_BDD_BENCHMARK ?? policy?.benchmark, { level: 2, scoredOnly: false, only: [], tags: null });
  session.policy = policy;
  session.tailoring = policy?.tailoring ?? {};
  return session;
}

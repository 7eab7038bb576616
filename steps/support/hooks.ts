/**
 * Run and scenario hooks: open (or adopt) the session, label each scenario for Allure, and turn how each
 * scenario ended into the item's verdict, attached for the compliance formatter.
 */
// Registers the Allure runtime; without this import Allure labels and attachments are lost.
import 'allure-cucumberjs';
import * as allure from 'allure-js-commons';
import { After, AfterAll, Before, BeforeAll, setDefaultTimeout, Status as CucumberStatus } from '@cucumber/cucumber';
import { activeSession, openSession, setActiveSession, type Session } from '../../src/engine/session.js';
import { loadBenchmark } from '../../src/engine/catalogue.js';
import { openTarget } from '../../src/targets/index.js';
import { sshEnvironment } from '../../src/cli/ssh-environment.js';
import { PACKAGE_DATABASES } from '../../src/facts/packages.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { CheckError, type Status } from '../../src/model/verdict.js';
import { SCENARIO_HOOKS, VERDICT_MEDIA_TYPE, type VerdictMessage } from '../../src/report/verdict-message.js';
import { safeText } from '../../src/model/text.js';
import type { CisParameters, CisWorld } from './world.js';

// Facts are gathered inside the first step that needs them; a filesystem walk can take minutes on a
// large host. Transports enforce their own time limits per command.
setDefaultTimeout(30 * 60_000);

let ownedSession: Session | undefined;

BeforeAll({ name: 'Open the audit session' }, async function (this: { parameters: CisParameters }) {
  if (activeSession()) return;
  const p = this.parameters ?? {};
  if (p.managed) {
    // Run by cis-bdd's API, which opened the session: not finding it means two copies of the engine are
    // loaded. Never fall back to auditing some other target.
    throw new Error('cis-bdd session hand-off failed: the steps were loaded from a different copy of the engine');
  }
  const uri = p.target ?? process.env.CIS_BDD_TARGET;
  const target = openTarget(uri, {
    identityFile: p.identity ?? process.env.CIS_BDD_IDENTITY,
    knownHostsFile: p.knownHosts ?? process.env.CIS_BDD_KNOWN_HOSTS,
    acceptNewHostKey: p.acceptNewHostKey ?? process.env.CIS_BDD_ACCEPT_NEW_HOST_KEY === '1',
    sudo: p.sudo ?? process.env.CIS_BDD_SUDO === '1',
    ...sshEnvironment(process.env),
    limits: { largeFiles: PACKAGE_DATABASES },
    trace: p.trace || process.env.CIS_BDD_TRACE === '1' ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  await target.connect();
  const policyFile = p.policy ?? process.env.CIS_BDD_POLICY;
  const policy = policyFile ? loadPolicy(policyFile) : undefined;
  const benchmark = p.benchmark ?? process.env.CIS_BDD_BENCHMARK ?? policy?.benchmark;
  ownedSession = await openSession(target, benchmark, { level: 2, scoredOnly: false, only: [], tags: null });
  ownedSession.tailoring = policy?.tailoring ?? {};
  setActiveSession(ownedSession);
});

AfterAll({ name: 'Close the audit session' }, async function () {
  if (ownedSession) {
    await ownedSession.target.close();
    setActiveSession(undefined);
    ownedSession = undefined;
  }
});

const startedAt = new WeakMap<object, number>();

/**
 * The container rule, one for every item: a container shares the host's kernel and has no bootloader,
 * partitions or clock of its own. Scenarios (or whole features) tagged @host:<what> are not applicable on
 * docker:// and docker-image:// targets; the reason names what belongs to the host.
 */
const HOST_ONLY: Record<string, string> = {
  '@host:kernel': 'kernel modules, kernel parameters, loaded audit rules and the loaded AppArmor policy belong to the host kernel',
  '@host:bootloader': 'a container has no bootloader',
  '@host:partitions': 'a container has no partitions or mount table of its own',
  '@host:time': 'time synchronisation belongs to the host clock',
};

export function containerRule(kind: string, tags: string[]): string | undefined {
  if (kind !== 'docker' && kind !== 'docker-image') return undefined;
  const tag = tags.find((t) => t in HOST_ONLY);
  return tag ? `container: ${HOST_ONLY[tag]}; audit the host or its root filesystem for this item` : undefined;
}

Before({ name: SCENARIO_HOOKS.before }, async function (this: CisWorld, { pickle }) {
  const session = activeSession();
  if (!session) throw new CheckError('no audit session: the target was not opened');
  this.session = session;
  const tags = pickle.tags.map((t) => t.name);
  const id = tags.find((t) => t.startsWith('@id:'))?.slice(4);
  if (!id) throw new CheckError(`scenario "${pickle.name}" has no @id tag`);
  this.item = {
    id,
    level: Number(tags.find((t) => t.startsWith('@level:'))?.slice(7) ?? 0),
    scored: tags.includes('@scored'),
  };
  startedAt.set(this, Date.now());
  const benchmark = loadBenchmark(session.benchmarkId);
  const entry = benchmark.items.find((i) => i.id === id);
  // epic = benchmark, feature = the section's .feature (set by allure-cucumberjs), story = the item.
  // one message for all labels: the Allure reporter handles one per call
  const { LabelName } = allure;
  await allure.labels(
    { name: LabelName.EPIC, value: benchmark.title },
    { name: LabelName.PARENT_SUITE, value: session.target.uri },
    ...(entry ? [
      { name: LabelName.SUITE, value: entry.section },
      { name: LabelName.SUB_SUITE, value: pickle.uri.split('/').pop()?.replace(/\.feature$/, '') ?? '' },
      { name: LabelName.STORY, value: `${entry.id} ${entry.title}` },
    ] : []),
    { name: LabelName.SEVERITY, value: this.item.level === 1 ? 'critical' : 'normal' },
    { name: 'cis_id', value: id },
    { name: 'target', value: session.target.uri },
  );
  const rule = session.containerRule ? containerRule(session.target.kind, tags) : undefined;
  if (rule) {
    this.record('container applicability rule', rule);
    return this.notApplicable(rule);
  }
  return undefined;
});

After({ name: SCENARIO_HOOKS.after }, async function (this: CisWorld, { result }) {
  if (!this.session || !this.item) return;
  let status: Status;
  let reason: string | undefined;
  switch (result?.status) {
    case CucumberStatus.PASSED:
      if (this.offline.length) {
        status = 'not-applicable';
        reason = `${this.offline[0].reason}: ${this.offline.map((o) => o.what).join('; ')} not checked; the persistent configuration was checked and complies`;
      } else status = 'pass';
      break;
    case CucumberStatus.FAILED:
      if (this.failure !== undefined) { status = 'fail'; reason = this.failure; }
      else { status = 'error'; reason = result.message?.split('\n')[0] ?? 'the check failed to run'; }
      break;
    case CucumberStatus.SKIPPED:
      if (this.ended) { status = this.ended.status; reason = this.ended.reason; }
      else { status = 'error'; reason = 'the check was skipped without a reason'; }
      break;
    case CucumberStatus.PENDING:
      status = 'error'; reason = 'a step of this check is pending (not implemented)';
      break;
    case CucumberStatus.UNDEFINED:
      status = 'error'; reason = 'a step of this check has no definition';
      break;
    case CucumberStatus.AMBIGUOUS:
      status = 'error'; reason = 'a step of this check matches several definitions';
      break;
    default:
      status = 'error'; reason = `unexpected cucumber status ${result?.status}`;
  }
  const s = this.session;
  const message: VerdictMessage = {
    id: this.item.id,
    status,
    // the boundary where text from the target enters the verdict: control characters, bytes that are not
    // UTF-8 and overlong lines are escaped and capped here, for every report made from it
    reason: reason === undefined ? undefined : safeText(reason),
    evidence: this.evidence.map((e) => ({ source: safeText(e.source, { singleLine: true }), excerpt: safeText(e.excerpt) })),
    remediation: status === 'fail' ? this.remediation : undefined,
    manualFix: status === 'fail' ? this.manualFix : undefined,
    durationMs: Date.now() - (startedAt.get(this) ?? Date.now()),
    run: {
      benchmarkId: s.benchmarkId,
      target: { kind: s.target.kind, uri: s.target.uri, os: s.os ? { id: s.os.id, versionId: s.os.versionId, prettyName: s.os.prettyName } : null },
      roundTrips: s.target.counters.roundTrips,
      bytesRead: s.target.counters.bytesRead,
      warnings: s.warnings,
      startedAt: s.startedAt.toISOString(),
    },
  };
  // the Allure reporter attaches the evidence from this message: no message per piece of evidence
  this.attach(JSON.stringify(message), VERDICT_MEDIA_TYPE);
  if (status === 'not-applicable' || status === 'manual') return 'skipped';
  return undefined;
});

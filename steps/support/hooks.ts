/**
 * Run and scenario hooks: open (or adopt) the session, identify each scenario's item, and hand how each
 * scenario ended to the engine, which decides the item's verdict (src/engine/verdict.ts) and its waiver
 * (src/engine/waivers.ts). The verdict is kept in the session, from which the run's result is built, and
 * attached to the scenario for the formatters of plain cucumber-js runs (src/report/result-formatter.ts).
 */
import { After, AfterAll, Before, BeforeAll, setDefaultTimeout } from '@cucumber/cucumber';
import { activeSession, setActiveSession, type Session } from '../../src/engine/session.js';
import { openStandaloneSession } from '../../src/engine/standalone.js';
import { containerRule } from '../../src/engine/applicability.js';
import { itemVerdict } from '../../src/engine/verdict.js';
import { waiverFor } from '../../src/engine/waivers.js';
import { CheckError } from '../../src/model/verdict.js';
import { SCENARIO_HOOKS, VERDICT_MEDIA_TYPE } from '../../src/model/result.js';
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
  ownedSession = await openStandaloneSession(p, process.env);
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
  const rule = session.containerRule ? containerRule(session.target.kind, tags) : undefined;
  if (rule) {
    this.record('container applicability rule', rule);
    return this.notApplicable(rule);
  }
  return undefined;
});

After({ name: SCENARIO_HOOKS.after }, async function (this: CisWorld, { pickle, result }) {
  if (!this.session || !this.item) return;
  const s = this.session;
  const verdict = itemVerdict({
    id: this.item.id,
    outcome: result?.status,
    message: result?.message,
    failure: this.failure,
    ended: this.ended,
    offline: this.offline,
    evidence: this.evidence,
    remediation: this.remediation,
    manualFix: this.manualFix,
    durationMs: Date.now() - (startedAt.get(this) ?? Date.now()),
    run: {
      benchmarkId: s.benchmarkId,
      target: { kind: s.target.kind, uri: s.target.uri, os: s.os ? { id: s.os.id, versionId: s.os.versionId, prettyName: s.os.prettyName } : null },
      roundTrips: s.target.counters.roundTrips,
      bytesRead: s.target.counters.bytesRead,
      warnings: s.warnings,
      startedAt: s.startedAt.toISOString(),
    },
    waiver: waiverFor(s.policy, this.item.id, pickle.tags.map((t) => t.name), s.target, new Date()),
  });
  s.verdicts.push(verdict);
  // the Allure reporter takes the evidence and the waiver from this message: no message per piece of evidence
  this.attach(JSON.stringify(verdict), VERDICT_MEDIA_TYPE);
  if (verdict.status === 'not-applicable' || verdict.status === 'manual') return 'skipped';
  return undefined;
});

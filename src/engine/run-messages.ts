/**
 * What the engine needs of cucumber's message stream to build a run's result: which items have a
 * scenario in the loaded features, which were selected to run (a test case was made for them), each
 * item's tags (for waivers written as tag expressions), whether the run finished, and each scenario as it
 * ran (its steps and their outcomes, for the reports that show them) and any BeforeAll/AfterAll hook that
 * failed.
 */
import type * as messages from '@cucumber/messages';
import type { RunHookFailure, ScenarioRecord, StepRecord } from '../model/result.js';
const millis = (t: messages.Timestamp) => Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);

export class RunMessages {
  /** ids that have a scenario in the loaded features */
  readonly withScenario = new Set<string>();
  /** ids whose scenario was selected to run */
  readonly selected = new Set<string>();
  /** tags of each item's scenario */
  readonly tagsById = new Map<string, string[]>();
  /** when cucumber started the run (ISO) */
  startedAt?: string;
  finished = false;
  /** every scenario that started, in the order they started */
  readonly scenarios: ScenarioRecord[] = [];
  /** BeforeAll and AfterAll hooks that failed */
  readonly runHookFailures: RunHookFailure[] = [];

  private readonly pickleIds = new Map<string, string>();
  private readonly pickles = new Map<string, messages.Pickle>();
  private readonly documents = new Map<string, messages.GherkinDocument>();
  /** scenario, background and rule ast nodes: a scenario's description, a step's keyword, an outline's rows */
  private readonly scenarioNodes = new Map<string, messages.Scenario>();
  private readonly keywords = new Map<string, string>();
  private readonly hooks = new Map<string, messages.Hook>();
  private readonly testCases = new Map<string, messages.TestCase>();
  /** testCaseStarted id → its record, and its test steps (pickle step or hook) by id */
  private readonly running = new Map<string, { record: ScenarioRecord; pickle: messages.Pickle; steps: Map<string, messages.TestStep>; open: Map<string, StepRecord> }>();

  onEnvelope(envelope: messages.Envelope): void {
    if (envelope.gherkinDocument) this.onDocument(envelope.gherkinDocument);
    else if (envelope.pickle) {
      const tags = envelope.pickle.tags.map((t) => t.name);
      this.pickles.set(envelope.pickle.id, envelope.pickle);
      const id = idFromTags(tags);
      if (id) { this.pickleIds.set(envelope.pickle.id, id); this.tagsById.set(id, tags); }
    } else if (envelope.hook) {
      this.hooks.set(envelope.hook.id, envelope.hook);
    } else if (envelope.testCase) {
      this.testCases.set(envelope.testCase.id, envelope.testCase);
      const id = this.pickleIds.get(envelope.testCase.pickleId);
      if (id) this.selected.add(id);
    } else if (envelope.testCaseStarted) {
      this.onCaseStarted(envelope.testCaseStarted);
    } else if (envelope.testStepStarted) {
      this.onStepStarted(envelope.testStepStarted);
    } else if (envelope.testStepFinished) {
      this.onStepFinished(envelope.testStepFinished);
    } else if (envelope.testCaseFinished) {
      const run = this.running.get(envelope.testCaseFinished.testCaseStartedId);
      if (run) run.record.stop = millis(envelope.testCaseFinished.timestamp);
      this.running.delete(envelope.testCaseFinished.testCaseStartedId);
    } else if (envelope.testRunHookFinished) {
      const r = envelope.testRunHookFinished.result;
      if (r.status === 'FAILED') {
        this.runHookFailures.push({
          message: r.exception?.message ?? r.message?.split('\n')[0] ?? 'a BeforeAll or AfterAll hook failed',
          trace: r.exception?.stackTrace ?? r.message,
          timestamp: millis(envelope.testRunHookFinished.timestamp),
        });
      }
    } else if (envelope.testRunStarted) {
      this.startedAt = new Date(Number(envelope.testRunStarted.timestamp.seconds) * 1000).toISOString();
    } else if (envelope.testRunFinished) {
      this.finished = true;
    }
  }

  private onDocument(doc: messages.GherkinDocument): void {
    if (doc.uri) this.documents.set(doc.uri, doc);
    const steps = (list: readonly messages.Step[]) => { for (const st of list) this.keywords.set(st.id, st.keyword); };
    const visit = (children: readonly { scenario?: messages.Scenario; rule?: messages.Rule; background?: messages.Background }[]) => {
      for (const child of children) {
        if (child.scenario) {
          this.scenarioNodes.set(child.scenario.id, child.scenario);
          steps(child.scenario.steps);
          const tags = [...child.scenario.tags, ...child.scenario.examples.flatMap((e) => e.tags)].map((t) => t.name);
          for (const t of tags) if (t.startsWith('@id:')) this.withScenario.add(t.slice(4));
        }
        if (child.background) steps(child.background.steps);
        if (child.rule) visit(child.rule.children);
      }
    };
    if (doc.feature) visit(doc.feature.children);
  }

  private onCaseStarted(started: messages.TestCaseStarted): void {
    const testCase = this.testCases.get(started.testCaseId);
    const pickle = testCase && this.pickles.get(testCase.pickleId);
    if (!testCase || !pickle) return;
    const feature = this.documents.get(pickle.uri)?.feature;
    const [scenarioId, ...rowIds] = pickle.astNodeIds;
    const scenario = this.scenarioNodes.get(scenarioId);
    const parameters: ScenarioRecord['parameters'] = [];
    for (const examples of scenario?.examples ?? []) {
      const row = examples.tableBody.find((r) => rowIds.includes(r.id));
      if (!row) continue;
      const names = examples.tableHeader?.cells.map((c) => c.value) ?? [];
      row.cells.forEach((c, i) => parameters.push({ name: names[i] ?? `arg${i}`, value: c.value }));
    }
    const record: ScenarioRecord = {
      id: this.pickleIds.get(pickle.id) ?? '',
      name: pickle.name,
      uri: pickle.uri,
      feature: feature?.name ?? '',
      description: (scenario?.description || feature?.description || '').trim(),
      tags: pickle.tags.map((t) => t.name),
      parameters,
      steps: [],
      start: millis(started.timestamp),
    };
    this.scenarios.push(record);
    this.running.set(started.id, { record, pickle, steps: new Map(testCase.testSteps.map((t) => [t.id, t])), open: new Map() });
  }

  private onStepStarted(started: messages.TestStepStarted): void {
    const run = this.running.get(started.testCaseStartedId);
    const step = run?.steps.get(started.testStepId);
    if (!run || !step) return;
    let name: string;
    let hook = false;
    let dataTable: string[][] | undefined;
    if (step.hookId) {
      name = this.hooks.get(step.hookId)?.name ?? 'a hook';
      hook = true;
    } else {
      const pickleStep = run.pickle.steps.find((p) => p.id === step.pickleStepId);
      const keyword = pickleStep?.astNodeIds.map((a) => this.keywords.get(a)).find((k) => k !== undefined) ?? '';
      name = `${keyword}${pickleStep?.text ?? ''}`;
      const table = pickleStep?.argument?.dataTable?.rows.map((r) => r.cells.map((c) => c.value));
      if (table) dataTable = table;
    }
    run.open.set(started.testStepId, { name, outcome: 'UNKNOWN', ...(hook ? { hook } : {}), ...(dataTable ? { dataTable } : {}), start: millis(started.timestamp) });
  }

  private onStepFinished(finished: messages.TestStepFinished): void {
    const run = this.running.get(finished.testCaseStartedId);
    const open = run?.open.get(finished.testStepId);
    if (!run || !open) return;
    run.open.delete(finished.testStepId);
    const r = finished.testStepResult;
    open.outcome = r.status;
    open.stop = millis(finished.timestamp);
    if (r.status === 'FAILED') open.error = { type: r.exception?.type, message: r.exception?.message ?? r.message?.split('\n')[0], trace: r.exception?.stackTrace ?? r.message };
    // hooks (the engine's own two, SCENARIO_HOOKS, on every scenario) are bookkeeping: kept only when they
    // failed or did not run (a hook that ends an item early returns "skipped": that is not a failure)
    if (open.hook && (r.status === 'PASSED' || r.status === 'SKIPPED')) return;
    run.record.steps.push(open);
  }
}

function idFromTags(tags: string[]): string | undefined {
  return tags.find((t) => t.startsWith('@id:'))?.slice(4);
}

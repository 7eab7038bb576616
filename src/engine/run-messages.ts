/**
 * What the engine needs of cucumber's message stream to build a run's result: which items have a
 * scenario in the loaded features, which were selected to run (a test case was made for them), each
 * item's tags (for waivers written as tag expressions), and whether the run finished.
 */
import type * as messages from '@cucumber/messages';

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
  private readonly pickleIds = new Map<string, string>();

  onEnvelope(envelope: messages.Envelope): void {
    if (envelope.gherkinDocument) this.onDocument(envelope.gherkinDocument);
    else if (envelope.pickle) {
      const tags = envelope.pickle.tags.map((t) => t.name);
      const id = idFromTags(tags);
      if (id) { this.pickleIds.set(envelope.pickle.id, id); this.tagsById.set(id, tags); }
    } else if (envelope.testCase) {
      const id = this.pickleIds.get(envelope.testCase.pickleId);
      if (id) this.selected.add(id);
    } else if (envelope.testRunStarted) {
      this.startedAt = new Date(Number(envelope.testRunStarted.timestamp.seconds) * 1000).toISOString();
    } else if (envelope.testRunFinished) {
      this.finished = true;
    }
  }

  private onDocument(doc: messages.GherkinDocument): void {
    const visit = (children: readonly { scenario?: messages.Scenario; rule?: messages.Rule }[]) => {
      for (const child of children) {
        if (child.scenario) {
          const tags = [...child.scenario.tags, ...child.scenario.examples.flatMap((e) => e.tags)].map((t) => t.name);
          for (const t of tags) if (t.startsWith('@id:')) this.withScenario.add(t.slice(4));
        }
        if (child.rule) visit(child.rule.children);
      }
    };
    if (doc.feature) visit(doc.feature.children);
  }
}

function idFromTags(tags: string[]): string | undefined {
  return tags.find((t) => t.startsWith('@id:'))?.slice(4);
}

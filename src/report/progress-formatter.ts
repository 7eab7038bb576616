/**
 * A cucumber-js formatter that feeds the active progress display (src/report/progress.ts): how many
 * items will run, each item's section as it starts, each item as it finishes. It writes nothing of its
 * own; without an active display (plain cucumber-js) it does nothing.
 */
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import { activeProgress } from './progress.js';

export default class ProgressFormatter extends Formatter {
  static override readonly documentation = 'Feeds cis-bdd\'s progress display';

  constructor(options: IFormatterOptions) {
    super(options);
    const featureByUri = new Map<string, string>();
    const pickleUri = new Map<string, string>();
    const caseUri = new Map<string, string>();
    let total = 0;
    let counted = false;
    options.eventBroadcaster.on('envelope', (e: messages.Envelope) => {
      const p = activeProgress();
      if (!p) return;
      if (e.gherkinDocument?.uri && e.gherkinDocument.feature) featureByUri.set(e.gherkinDocument.uri, e.gherkinDocument.feature.name);
      else if (e.pickle) pickleUri.set(e.pickle.id, e.pickle.uri);
      else if (e.testCase) { total++; caseUri.set(e.testCase.id, pickleUri.get(e.testCase.pickleId) ?? ''); }
      else if (e.testCaseStarted) {
        if (!counted) { p.items(total); counted = true; }
        p.itemStarted(featureByUri.get(caseUri.get(e.testCaseStarted.testCaseId) ?? '') ?? '');
      } else if (e.testCaseFinished && !e.testCaseFinished.willBeRetried) p.itemFinished();
    });
  }
}

/**
 * A cucumber-js formatter that writes compliance.json when cucumber-js is run directly (`cis-bdd audit`
 * builds the run's result itself and writes it: src/api.ts). The engine builds the result from the
 * verdicts attached to the scenarios (result-formatter.ts); this formatter only writes it.
 *
 *   --format ./dist/src/report/compliance-formatter.js:reports/compliance.json
 *   --format-options '{"cisBdd":{"benchmark":"cis-ubuntu-18.04-v2.1.0"}}'
 */
import type { ComplianceReport } from '../model/result.js';
import { ResultFormatter } from './result-formatter.js';

export type { ComplianceFormatOptions } from './result-formatter.js';

export default class ComplianceFormatter extends ResultFormatter {
  static override readonly documentation = 'Writes the cis-bdd compliance.json report';

  protected write(report: ComplianceReport | undefined, problem?: string): void {
    this.log(report ? `${JSON.stringify(report, null, 2)}\n` : JSON.stringify({ error: problem }));
  }
}

/**
 * A cucumber-js formatter that writes Allure results when cucumber-js is run directly (`cis-bdd audit`
 * writes them from its result: src/api.ts). The engine builds the run's result (result-formatter.ts);
 * the files are written from it by allure-results.ts, as for `cis-bdd audit`. They are written when the
 * run finishes, synchronously, so that a run that ends with process.exit (cucumber does when a BeforeAll
 * or AfterAll hook fails) still has them.
 *
 *   --format ./dist/src/report/allure-formatter.js:.allure-formatter.out --format-options '{"resultsDir":"allure-results"}'
 */
import type { IFormatterOptions } from '@cucumber/cucumber';
import type { ComplianceReport } from '../model/result.js';
import { ResultFormatter } from './result-formatter.js';
import { writeAllureResults } from './allure-results.js';

export default class CisAllureFormatter extends ResultFormatter {
  static override readonly documentation = 'Writes Allure results (cis-bdd verdicts, evidence and remediation)';
  private readonly resultsDir: string;

  constructor(options: IFormatterOptions) {
    super(options);
    this.resultsDir = options.parsedArgvOptions.resultsDir || './allure-results';
  }

  /** Without a result (steps that are not cis-bdd's), each scenario's status is its worst step's. */
  protected write(report: ComplianceReport | undefined): void {
    writeAllureResults(this.resultsDir, report, this.run.scenarios, this.run.runHookFailures);
  }
}

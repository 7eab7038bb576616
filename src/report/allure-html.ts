/** Placeholder replaced by the Allure HTML generator. */
import type { ComplianceReport } from './compliance.js';
export async function generateAllureHtml(_resultsDir: string, _outDir: string, _report: ComplianceReport): Promise<string> {
  throw new Error('the Allure HTML generator is not built yet');
}

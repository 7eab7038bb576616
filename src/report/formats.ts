/**
 * The report formats written next to compliance.json, each a function of the run's result:
 * junit.xml (CI dashboards), results.sarif (code scanning, security platforms), xccdf-results.xml
 * (SCAP tooling). All are on by default; `--formats` picks which (`none` for compliance.json only).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ComplianceReport } from '../model/result.js';
import { junitXml } from './junit.js';
import { sarifLog } from './sarif.js';
import { xccdfResults } from './xccdf.js';
import { UsageError } from '../engine/usage-error.js';

export const REPORT_FORMATS = ['junit', 'sarif', 'xccdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const FORMAT_FILES: Record<ReportFormat, string> = {
  junit: 'junit.xml',
  sarif: 'results.sarif',
  xccdf: 'xccdf-results.xml',
};

/** `--formats junit,sarif` → the formats; `all` (the default) or `none`; anything else is a usage error. */
export function parseFormats(value: string | undefined): ReportFormat[] {
  if (value === undefined || value.trim() === 'all') return [...REPORT_FORMATS];
  if (value.trim() === 'none') return [];
  const wanted = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !(REPORT_FORMATS as readonly string[]).includes(w));
  if (unknown.length || !wanted.length) {
    throw new UsageError(`--formats: unknown format ${unknown.length ? `"${unknown.join('", "')}"` : '(empty)'}; choose from ${REPORT_FORMATS.join(', ')}, all or none`);
  }
  return [...new Set(wanted)] as ReportFormat[];
}

/** Write the chosen formats for one target's report into `dir`; returns the files written. */
export async function writeReportFormats(dir: string, report: ComplianceReport, formats: readonly ReportFormat[]): Promise<string[]> {
  const written: string[] = [];
  for (const f of formats) {
    const file = path.join(dir, FORMAT_FILES[f]);
    const body = f === 'junit' ? junitXml([report]) : f === 'sarif' ? `${JSON.stringify(sarifLog([report]), null, 2)}\n` : xccdfResults(report);
    await fs.writeFile(file, body);
    written.push(file);
  }
  return written;
}

/**
 * A fleet's combined files: junit.xml with one testsuite per target and results.sarif with one run per
 * target (XCCDF results stay per target, in each target's own directory).
 */
export async function writeFleetFormats(dir: string, reports: ComplianceReport[], formats: readonly ReportFormat[]): Promise<string[]> {
  const written: string[] = [];
  if (!reports.length) return written;
  if (formats.includes('junit')) {
    await fs.writeFile(path.join(dir, FORMAT_FILES.junit), junitXml(reports));
    written.push(path.join(dir, FORMAT_FILES.junit));
  }
  if (formats.includes('sarif')) {
    await fs.writeFile(path.join(dir, FORMAT_FILES.sarif), `${JSON.stringify(sarifLog(reports), null, 2)}\n`);
    written.push(path.join(dir, FORMAT_FILES.sarif));
  }
  return written;
}

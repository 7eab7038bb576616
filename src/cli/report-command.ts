/**
 * `cis-bdd report DIR [--out REPORT_DIR]`: the Allure HTML report of an audit made earlier, typically with
 * `--no-html` (a pipeline gates on the exit code at once and makes the report when someone wants it).
 * DIR is an audit's output (compliance.json and allure-results) or a fleet's (fleet.json, and the results
 * the fleet command merged, or else the targets' own, read together as one). Exit 0 when the report is written, 2 otherwise
 * (one line on stderr): DIR holds neither, no Allure results (audited with --no-allure), a compliance.json
 * or fleet.json that cannot be read or is not one, an output directory that is not a report.
 */
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { UsageError } from '../engine/usage-error.js';
import type { ComplianceReport } from '../model/result.js';
import { parseCommand } from './args.js';
import { usageExit } from './usage.js';

export const REPORT_OPTIONS = { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

export async function reportCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('report', args, REPORT_OPTIONS, true);
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length !== 1) {
    process.stderr.write(`cis-bdd: usage: cis-bdd report DIR [--out REPORT_DIR] (DIR: the --out directory of an audit or a fleet; ${parsed.positionals.length} given); "cis-bdd report --help" says more\n`);
    return 2;
  }
  const dir = path.resolve(parsed.positionals[0]);
  const out = path.resolve(parsed.values.out ?? path.join(dir, 'allure-report'));
  try {
    const html = await reportOf(dir, out);
    process.stdout.write(`Allure report: ${html}\n`);
    return 0;
  } catch (e) {
    return usageExit(e instanceof UsageError ? e : new UsageError(`the Allure report of ${dir} could not be generated: ${(e as Error).message}`));
  }
}


const exists = async (p: string) => (await fs.stat(p).catch(() => undefined)) !== undefined;

/** Generate the report of an audit's or a fleet's output directory into `out`; returns its index.html. */
async function reportOf(dir: string, out: string): Promise<string> {
  if (!(await fs.stat(dir).catch(() => undefined))?.isDirectory()) throw new UsageError(`${dir} is not a directory (give the --out directory of an audit or a fleet)`);
  const { loadAuditFile } = await import('../report/diff.js');
  const results = path.join(dir, 'allure-results');
  if (await exists(path.join(dir, 'fleet.json'))) {
    const file = path.join(dir, 'fleet.json');
    await loadAuditFile(file); // a fleet.json, whose targets' compliance.json files can be read
    const fleet = JSON.parse(await fs.readFile(file, 'utf8')) as import('../fleet.js').FleetReport;
    const { generateFleetAllureHtml } = await import('../report/allure-html.js');
    return generateFleetAllureHtml(await fleetResults(dir, fleet, results), out, fleet.counts?.targets ?? fleet.targets.length);
  }
  if (!(await exists(path.join(dir, 'compliance.json')))) {
    throw new UsageError(`${dir} holds neither compliance.json (an audit's output) nor fleet.json (a fleet's): nothing to make a report of`);
  }
  const { reports } = await loadAuditFile(path.join(dir, 'compliance.json'));
  if (!(await hasResults(results))) {
    throw new UsageError(`${dir} has no Allure results (${results}): the audit ran with --no-allure; audit again without it to have an HTML report`);
  }
  const { generateAllureHtml } = await import('../report/allure-html.js');
  return generateAllureHtml(results, out, reports[0] as ComplianceReport);
}

async function hasResults(dir: string): Promise<boolean> {
  const files = await fs.readdir(dir).catch(() => [] as string[]);
  return files.some((f) => f.endsWith('-result.json'));
}

/**
 * A fleet's results: `allure-results` in the fleet's directory, merged as the fleet command leaves it, or,
 * when it is not there (a fleet.json made by `cis-bdd merge`, or removed), the targets' own directories,
 * read as they are (copying them into one first costs more than the report for fifty targets).
 */
async function fleetResults(dir: string, fleet: import('../fleet.js').FleetReport, merged: string): Promise<string[]> {
  if (await hasResults(merged)) return [merged];
  const targetDirs = fleet.targets.filter((t) => t.report).map((t) => path.join(path.dirname(path.resolve(dir, t.report!)), 'allure-results'));
  const withResults = [];
  for (const d of targetDirs) if (await hasResults(d)) withResults.push(d);
  if (!withResults.length) {
    throw new UsageError(`${dir} has no Allure results, neither merged (${merged}) nor of its targets: the fleet was audited with --no-allure (or merged from compliance.json files)`);
  }
  return withResults;
}

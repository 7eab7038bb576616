/**
 * results.sarif (SARIF 2.1.0), the format GitHub code scanning and many security platforms read.
 * One run per audited target. Each run's driver has one rule per catalogue item (id, title, level,
 * the scenario's description as help text); each failing or erroring item is one result with its
 * reason, located where its evidence came from: the file in the target, relative to the target's
 * root (uriBaseId TARGETROOT), and the line when the evidence names one. A waived item whose real
 * verdict was a failure or an error is a result with an accepted suppression carrying the waiver's reason.
 */
import { loadBenchmark } from '../engine/catalogue.js';
import type { ComplianceItem, ComplianceReport } from '../model/result.js';
import { featureText } from './feature-text.js';
import { evidenceText, sectionName } from './junit.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFO_URI = 'https://www.cisecurity.org/cis-benchmarks';

interface Location { uri: string; line?: number }

/**
 * The files an item's evidence names: an evidence source (or the start of an excerpt) that is an
 * absolute path, optionally followed by ":LINE". Globs and descriptions are not locations.
 */
export function evidenceLocations(item: ComplianceItem): Location[] {
  const out: Location[] = [];
  const seen = new Set<string>();
  const add = (text: string) => {
    const m = /^(\/[^\s:,*?[\]()]*[^\s:,*?[\]()/])(?::(\d+))?(?=$|[\s:,)])/.exec(text.trim());
    if (!m) return;
    const key = `${m[1]}:${m[2] ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ uri: m[1].slice(1).split('/').map(encodeURIComponent).join('/'), ...(m[2] ? { line: Number(m[2]) } : {}) });
  };
  for (const e of item.evidence) {
    add(e.source);
    add(e.excerpt);
  }
  return out;
}

function targetRoot(report: ComplianceReport): { uri?: string; description: { text: string } } {
  const t = report.target;
  const description = { text: `the root of the audited target ${t?.uri ?? ''}`.trim() };
  if (t?.kind === 'rootfs' && t.uri.startsWith('rootfs:')) {
    const dir = t.uri.slice('rootfs:'.length).replace(/\/*$/, '/');
    return { uri: `file://${dir.split('/').map(encodeURIComponent).join('/')}`, description };
  }
  if (t?.kind === 'local') return { uri: 'file:///', description };
  return { description };
}

function rules(report: ComplianceReport) {
  const { descriptions } = featureText(report.benchmark.id);
  return loadBenchmark(report.benchmark.id).items.map((c) => {
    const help = descriptions.get(c.id) || c.title;
    return {
      id: c.id,
      name: `CIS ${c.id}`,
      shortDescription: { text: c.title },
      fullDescription: { text: help },
      help: { text: `${c.title}. ${help}`.trim() },
      helpUri: INFO_URI,
      defaultConfiguration: { level: c.scored ? 'error' : 'warning' },
      properties: { level: c.level, scored: c.scored, section: sectionName(report.benchmark.id, c), tags: ['CIS', report.benchmark.id, `level-${c.level}`] },
    };
  });
}

function result(item: ComplianceItem, ruleIndex: number) {
  const verdict = item.status === 'waived' ? item.observed : item.status;
  const erroring = verdict === 'error';
  const text = `${erroring ? 'could not be checked' : 'not compliant'}: ${item.reason ?? item.title}`;
  const locations = evidenceLocations(item).map((l) => ({
    physicalLocation: {
      artifactLocation: { uri: l.uri, uriBaseId: 'TARGETROOT' },
      ...(l.line ? { region: { startLine: l.line } } : {}),
    },
  }));
  return {
    ruleId: item.id,
    ruleIndex,
    kind: 'fail',
    level: erroring ? 'warning' : item.scored ? 'error' : 'note',
    message: { text },
    ...(locations.length ? { locations } : {}),
    properties: { status: item.status, ...(item.observed ? { observed: item.observed } : {}), evidence: evidenceText(item) },
    ...(item.status === 'waived' && item.waiver ? {
      suppressions: [{
        kind: 'external',
        status: 'accepted',
        justification: item.waiver.reason,
        properties: { ...(item.waiver.owner ? { owner: item.waiver.owner } : {}), ...(item.waiver.expires ? { expires: item.waiver.expires } : {}), declaredAt: item.waiver.declaredAt },
      }],
    } : {}),
  };
}

function run(report: ComplianceReport) {
  const ruleList = rules(report);
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const reported = report.items.filter((i) => i.status === 'fail' || i.status === 'error'
    || (i.status === 'waived' && (i.observed === 'fail' || i.observed === 'error')));
  return {
    tool: { driver: { name: 'cis-bdd', version: report.tool.version, informationUri: INFO_URI, rules: ruleList } },
    automationDetails: { id: `${report.benchmark.id}/${report.target?.uri ?? 'unknown'}/` },
    originalUriBaseIds: { TARGETROOT: targetRoot(report) },
    invocations: [{
      executionSuccessful: !report.items.some((i) => i.status === 'error'),
      startTimeUtc: report.run.startedAt,
      endTimeUtc: report.run.finishedAt,
    }],
    results: reported.map((i) => result(i, index.get(i.id) ?? -1)),
    properties: {
      benchmark: report.benchmark,
      target: report.target,
      score: report.summary.score,
      summary: { pass: report.summary.pass, fail: report.summary.fail, error: report.summary.error, waived: report.summary.waived },
    },
  };
}

/** A SARIF 2.1.0 log for one report or a fleet's (one run per target). */
export function sarifLog(reports: ComplianceReport[]): object {
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: reports.map(run) };
}

/**
 * junit.xml: the format Jenkins, GitLab and most CI dashboards read. One testsuite per audited target,
 * one testcase per item that ran (classname: the item's section; name: "<id> <title>"):
 * - fail: a <failure> with the reason and the evidence;
 * - error, and a selected item with no scenario (unknown): an <error>;
 * - not-applicable, manual and waived: <skipped> with why (a waived item's real verdict is in the message);
 * - pass: an empty testcase.
 * The suite's properties carry the benchmark, the target and the score.
 */
import type { ComplianceItem, ComplianceReport } from '../model/result.js';
import { featureText } from './feature-text.js';
import { buildXml, xmlText } from './xml.js';

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** The name of the section an item belongs to, as its feature names it ("5.3 SSH Server"). */
export function sectionName(benchmarkId: string, item: Pick<ComplianceItem, 'id' | 'section'>): string {
  const { sections } = featureText(benchmarkId);
  const parts = item.id.split('.');
  for (let n = parts.length - 1; n > 0; n--) {
    const name = sections.get(parts.slice(0, n).join('.'));
    if (name) return name;
  }
  return item.section;
}

export function evidenceText(item: ComplianceItem): string {
  return item.evidence.map((e) => `${e.source}: ${e.excerpt}`).join('\n');
}

function testcase(report: ComplianceReport, item: ComplianceItem): Record<string, unknown> {
  const tc: Record<string, unknown> = {
    '@classname': xmlText(sectionName(report.benchmark.id, item)),
    '@name': xmlText(`${item.id} ${item.title}`),
    '@time': seconds(item.durationMs),
  };
  const reason = xmlText(item.reason ?? '');
  const detail = xmlText(evidenceText(item));
  switch (item.status) {
    case 'fail':
      tc.failure = { '@message': reason || 'failed', '@type': item.scored ? 'fail' : 'fail (not scored)', '#text': detail };
      break;
    case 'error':
      tc.error = { '@message': reason || 'error', '@type': 'error', '#text': detail };
      break;
    case 'unknown':
      tc.error = { '@message': reason || 'no verdict', '@type': 'unknown', '#text': detail };
      break;
    case 'not-applicable':
      tc.skipped = { '@message': xmlText(`not applicable: ${item.reason ?? ''}`) };
      break;
    case 'manual':
      tc.skipped = { '@message': xmlText(`manual: ${item.reason ?? 'a person must review this item'}`) };
      break;
    case 'waived':
      tc.skipped = { '@message': xmlText(`waived (observed: ${item.observed}): ${item.waiver?.reason ?? ''}`) };
      break;
    default:
      break;
  }
  return tc;
}

function testsuite(report: ComplianceReport): Record<string, unknown> {
  const ran = report.items.filter((i) => i.status !== 'not-selected');
  const count = (...s: string[]) => ran.filter((i) => s.includes(i.status)).length;
  const target = report.target?.uri ?? 'unknown target';
  const props: Array<[string, string]> = [
    ['benchmark', report.benchmark.id],
    ['benchmark.title', report.benchmark.title],
    ['target', target],
    ['target.kind', report.target?.kind ?? ''],
    ['target.os', report.target?.os?.prettyName ?? ''],
    ['score', report.summary.score === null ? 'n/a' : report.summary.score.toFixed(1)],
    ['level', String(report.selection.level)],
    ['tool.version', report.tool.version],
  ];
  return {
    '@name': xmlText(`${report.benchmark.id} on ${target}`),
    '@tests': ran.length,
    '@failures': count('fail'),
    '@errors': count('error', 'unknown'),
    '@skipped': count('not-applicable', 'manual', 'waived'),
    '@time': seconds(report.run.durationMs),
    '@timestamp': report.run.startedAt.replace(/\.\d+Z$/, 'Z').replace(/Z$/, ''),
    '@hostname': xmlText(target),
    properties: { property: props.map(([name, value]) => ({ '@name': name, '@value': xmlText(value) })) },
    testcase: ran.map((i) => testcase(report, i)),
  };
}

/** junit.xml for one report or a fleet's (one testsuite per target). */
export function junitXml(reports: ComplianceReport[]): string {
  const suites = reports.map(testsuite);
  const sum = (k: string) => suites.reduce((n, s) => n + (s[k] as number), 0);
  return buildXml({
    testsuites: {
      '@name': 'cis-bdd',
      '@tests': sum('@tests'),
      '@failures': sum('@failures'),
      '@errors': sum('@errors'),
      '@skipped': sum('@skipped'),
      '@time': seconds(reports.reduce((n, r) => n + r.run.durationMs, 0)),
      testsuite: suites,
    },
  });
}

/**
 * xccdf-results.xml: an XCCDF 1.2 Benchmark (the catalogue, minimal: one Rule per item, no checks) with
 * the audit as its TestResult, as SCAP tooling reads it (`oscap xccdf validate`, `oscap xccdf generate
 * report`). Verdicts map onto XCCDF's results:
 *   pass/fail of a scored item → pass/fail; of a not-scored item → informational (checked, not scored);
 *   error → error; unknown → unknown; not-applicable → notapplicable; manual → notchecked;
 *   not-selected → notselected; waived → informational, with an override whose old-result is the real
 *   verdict and whose remark is the waiver's reason.
 * The score is cis-bdd's CIS-CAT score (passed ÷ (passed + failed) over selected scored items, in percent).
 */
import { loadBenchmark } from '../engine/catalogue.js';
import type { Status } from '../model/verdict.js';
import type { ComplianceItem, ComplianceReport } from '../model/result.js';
import { featureText } from './feature-text.js';
import { evidenceText } from './junit.js';
import { buildXml, xmlText } from './xml.js';

const NS = 'http://checklists.nist.gov/xccdf/1.2';
const DC = 'http://purl.org/dc/elements/1.1/';
/** The checking system of every rule: a cis-bdd scenario, named by its feature file and @id tag. */
export const CHECK_SYSTEM = 'urn:cis-bdd:check:gherkin-scenario';
const PREFIX = 'xccdf_dev.cis-bdd';
export const CIS_CAT_SCORING = 'urn:cis-bdd:scoring:cis-cat-percent';

/** An NCName-safe XCCDF id: letters, digits, dot, hyphen and underscore only. */
const idPart = (s: string) => s.replace(/[^A-Za-z0-9.-]/g, '-');
export const ruleId = (itemId: string) => `${PREFIX}_rule_${idPart(itemId)}`;

type XccdfResult = 'pass' | 'fail' | 'error' | 'unknown' | 'notapplicable' | 'notchecked' | 'notselected' | 'informational';

export function xccdfResult(status: Status | undefined, scored: boolean): XccdfResult {
  switch (status) {
    case 'pass': return scored ? 'pass' : 'informational';
    case 'fail': return scored ? 'fail' : 'informational';
    case 'error': return 'error';
    case 'not-applicable': return 'notapplicable';
    case 'manual': return 'notchecked';
    case 'not-selected': return 'notselected';
    case 'waived': return 'informational';
    default: return 'unknown';
  }
}

function check(files: Map<string, string>, id: string): Record<string, unknown> {
  return { '@system': CHECK_SYSTEM, 'check-content-ref': { '@href': files.get(id) ?? 'features', '@name': `@id:${id}` } };
}

function ruleResult(item: ComplianceItem, time: string, files: Map<string, string>): Record<string, unknown> {
  const rr: Record<string, unknown> = {
    '@idref': ruleId(item.id),
    '@time': time,
    '@weight': item.scored ? '1.0' : '0.0',
    result: xccdfResult(item.status, item.scored),
  };
  if (item.status === 'waived' && item.waiver) {
    rr.override = {
      '@time': time,
      '@authority': xmlText(item.waiver.owner ?? item.waiver.declaredAt),
      'old-result': xccdfResult(item.observed, item.scored),
      'new-result': 'informational',
      remark: xmlText(`waived: ${item.waiver.reason}${item.waiver.expires ? ` (expires ${item.waiver.expires})` : ''}; declared at ${item.waiver.declaredAt}`),
    };
  }
  const messages: Array<Record<string, unknown>> = [];
  if (item.reason) messages.push({ '@severity': item.status === 'error' ? 'error' : item.status === 'fail' ? 'warning' : 'info', '#text': xmlText(item.reason) });
  const ev = evidenceText(item);
  if (ev) messages.push({ '@severity': 'info', '#text': xmlText(ev) });
  if (messages.length) rr.message = messages;
  rr.check = check(files, item.id);
  return rr;
}

function targetFacts(report: ComplianceReport): Array<Record<string, unknown>> {
  const t = report.target;
  const facts: Array<[string, string | undefined]> = [
    ['urn:xccdf:fact:identifier', t?.uri],
    ['urn:cis-bdd:fact:target:kind', t?.kind],
    ['urn:cis-bdd:fact:os:id', t?.os?.id],
    ['urn:cis-bdd:fact:os:version-id', t?.os?.versionId],
    ['urn:cis-bdd:fact:os:pretty-name', t?.os?.prettyName],
    ['urn:cis-bdd:fact:run:round-trips', String(report.run.roundTrips)],
  ];
  return facts.filter(([, v]) => v).map(([name, v]) => ({ '@name': name, '@type': 'string', '#text': xmlText(v!) }));
}

export function xccdfResults(report: ComplianceReport): string {
  const catalogue = loadBenchmark(report.benchmark.id);
  const { descriptions, files } = featureText(report.benchmark.id);
  const version = /v(\d+(?:\.\d+)*)$/.exec(report.benchmark.id)?.[1] ?? report.tool.version;
  const benchmarkId = `${PREFIX}_benchmark_${idPart(report.benchmark.id)}`;
  const selected = new Set(report.items.filter((i) => i.status !== 'not-selected').map((i) => i.id));
  const profileId = `${PREFIX}_profile_level-${report.selection.level}${report.selection.scoredOnly ? '-scored' : ''}`;
  const time = report.run.finishedAt;
  return buildXml({
    Benchmark: {
      '@xmlns': NS,
      '@id': benchmarkId,
      '@resolved': 'true',
      '@xml:lang': 'en',
      '@style': 'SCAP_1.2',
      status: { '@date': time.slice(0, 10), '#text': 'accepted' },
      title: xmlText(report.benchmark.title),
      description: xmlText(`${report.benchmark.title}, as audited by cis-bdd ${report.tool.version}: one rule per catalogue item; the checks are cis-bdd's scenarios.`),
      version,
      metadata: { 'dc:creator': { '@xmlns:dc': DC, '#text': `cis-bdd ${report.tool.version}` }, 'dc:source': { '@xmlns:dc': DC, '#text': xmlText(report.benchmark.title) } },
      Profile: {
        '@id': profileId,
        title: `Level ${report.selection.level}${report.selection.scoredOnly ? ', scored items only' : ''}${report.policy ? ` (policy ${xmlText(report.policy.name)})` : ''}`,
        select: catalogue.items.map((c) => ({ '@idref': ruleId(c.id), '@selected': selected.has(c.id) ? 'true' : 'false' })),
      },
      Rule: catalogue.items.map((c) => ({
        '@id': ruleId(c.id),
        '@selected': 'true',
        '@weight': c.scored ? '1.0' : '0.0',
        title: xmlText(`${c.id} ${c.title}`),
        description: xmlText(descriptions.get(c.id) || c.title),
        check: check(files, c.id),
      })),
      TestResult: {
        '@id': `${PREFIX}_testresult_${idPart(report.benchmark.id)}`,
        '@start-time': report.run.startedAt,
        '@end-time': report.run.finishedAt,
        '@version': version,
        '@test-system': `cpe:/a:cis-bdd:cis-bdd:${report.tool.version}`,
        benchmark: { '@href': `#${benchmarkId}`, '@id': benchmarkId },
        title: xmlText(`cis-bdd audit of ${report.target?.uri ?? 'unknown target'}`),
        profile: { '@idref': profileId },
        target: xmlText(report.target?.uri ?? 'unknown'),
        'target-facts': { fact: targetFacts(report) },
        'rule-result': report.items.map((i) => ruleResult(i, time, files)),
        score: { '@system': CIS_CAT_SCORING, '@maximum': '100', '#text': report.summary.score === null ? '0' : report.summary.score.toFixed(1) },
      },
    },
  });
}

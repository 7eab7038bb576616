/**
 * What the features say about each item, for reports that carry help text: the scenario's description
 * (the prose under "Scenario:") by item id, and each section's name (the Feature line) by section id.
 * Read from the features shipped with this version of cis-bdd, so a report made from an old
 * compliance.json still gets the text of the checks that produced it only if the versions match: the
 * tool version is in every report.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator, type GherkinDocument } from '@cucumber/messages';
import { packagePath } from '../engine/paths.js';
import { featuresDir } from '../engine/benchmarks.js';

export interface FeatureText {
  /** item id → the scenario's description, trimmed, lines joined with spaces */
  descriptions: Map<string, string>;
  /** section id (the feature's @section tag, else the number its name starts with) → the feature's name */
  sections: Map<string, string>;
  /** item id → the feature file that holds its scenario, relative to the package (features/<benchmark>/…), or absolute outside it */
  files: Map<string, string>;
}

const cache = new Map<string, FeatureText>();

export function featureText(benchmarkId: string): FeatureText {
  const hit = cache.get(benchmarkId);
  if (hit) return hit;
  const dir = featuresDir(benchmarkId);
  const out: FeatureText = { descriptions: new Map(), sections: new Map(), files: new Map() };
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.feature')).sort();
  } catch {
    files = [];
  }
  for (const f of files) collect(parseFeature(readFileSync(path.join(dir, f), 'utf8')), packagePath(path.join(dir, f)), out);
  cache.set(benchmarkId, out);
  return out;
}

function parseFeature(text: string): GherkinDocument {
  const parser = new Parser(new AstBuilder(IdGenerator.incrementing()), new GherkinClassicTokenMatcher());
  return parser.parse(text);
}

const prose = (s: string | undefined) => (s ?? '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');

function collect(doc: GherkinDocument, file: string, out: FeatureText): void {
  const feature = doc.feature;
  if (!feature) return;
  const sectionTag = feature.tags.map((t) => t.name).find((t) => t.startsWith('@section:'));
  const section = sectionTag?.slice('@section:'.length) ?? /^(\d+(?:\.\d+)*)\s/.exec(feature.name)?.[1];
  if (section) out.sections.set(section, feature.name);
  for (const child of feature.children) {
    const scenario = child.scenario;
    if (!scenario) continue;
    const description = prose(scenario.description);
    const ids = [...scenario.tags, ...scenario.examples.flatMap((e) => e.tags)].map((t) => t.name).filter((t) => t.startsWith('@id:'));
    for (const id of ids) { out.descriptions.set(id.slice(4), description); out.files.set(id.slice(4), file); }
    // an outline's rows name their ids in a column as well
    for (const ex of scenario.examples) {
      const col = ex.tableHeader?.cells.findIndex((c) => c.value === 'id') ?? -1;
      if (col < 0) continue;
      for (const row of ex.tableBody) {
        const id = row.cells[col]?.value;
        if (id && !out.descriptions.has(id)) { out.descriptions.set(id, description); out.files.set(id, file); }
      }
    }
  }
}

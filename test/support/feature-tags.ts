/** The tags each item's scenario carries (feature, scenario and examples tags), read with cucumber's own Gherkin parser. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { repoRoot } from './fixtures.js';

export function tagsByItem(benchmark: string): Map<string, string[]> {
  const dir = path.join(repoRoot, 'features', benchmark);
  const out = new Map<string, string[]>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.feature'))) {
    const newId = IdGenerator.uuid();
    const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(path.join(dir, f), 'utf8'));
    for (const pickle of compile({ ...doc, uri: f }, f, newId)) {
      const tags = pickle.tags.map((t) => t.name);
      const id = tags.find((t) => t.startsWith('@id:'))?.slice(4);
      if (id) out.set(id, tags);
    }
  }
  return out;
}

/**
 * A session's first read is of every file the registered facts declare (FactStore.prefetch), and a fact
 * is registered when its module is imported. src/facts/all.ts imports every module that defines a fact,
 * and the session imports it: here, that no such module is missing from it, and that a session's module
 * alone registers as many files as all the facts declare.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/fixtures.js';

const factsDir = path.join(repoRoot, 'src/facts');
const DEFINES = /\bdefineFact(<[^(]*>)?\(/;

describe('the facts a session reads first', () => {
  it('src/facts/all.ts imports every module that defines a fact, and nothing else', () => {
    const defining = readdirSync(factsDir).filter((f) => f.endsWith('.ts') && f !== 'store.ts' && DEFINES.test(readFileSync(path.join(factsDir, f), 'utf8')));
    const imported = [...readFileSync(path.join(factsDir, 'all.ts'), 'utf8').matchAll(/^import '\.\/([\w.-]+)\.js';$/gm)].map((m) => `${m[1]}.ts`);
    expect(defining.length).toBeGreaterThan(40);
    expect(imported.sort()).toEqual(defining.sort());
  });

  it("registers every fact's files when only the session's module is loaded", () => {
    // the files a prefetch asks for, first with the session's module alone, then with every facts module loaded too
    const script = `
      const { FactStore } = await import(${JSON.stringify(path.join(repoRoot, 'dist/src/facts/store.js'))});
      const asked = async () => {
        let files = [];
        const target = { readFiles: async (p) => { files = p; return p.map((path) => ({ path, state: 'missing' })); } };
        await new FactStore(target).prefetch();
        return files;
      };
      await import(${JSON.stringify(path.join(repoRoot, 'dist/src/engine/session.js'))});
      const alone = await asked();
      const { readdirSync } = await import('node:fs');
      for (const f of readdirSync(${JSON.stringify(path.join(repoRoot, 'dist/src/facts'))}).filter((f) => f.endsWith('.js'))) await import(${JSON.stringify(path.join(repoRoot, 'dist/src/facts'))} + '/' + f);
      const all = await asked();
      console.log(JSON.stringify({ alone, all }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { alone, all } = JSON.parse(r.stdout) as { alone: string[]; all: string[] };
    expect(all.length).toBeGreaterThan(100);
    expect(alone).toEqual(all);
  });
});

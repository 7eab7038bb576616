/**
 * Sizes (issue 15): no file in src/ or in steps/ (steps/support/ included) over 400 lines, and the CLI's
 * main function (the command dispatcher, found by name in src/cli.ts and src/cli/ with TypeScript's
 * parser) under 40 lines: each command lives in its own module under src/cli/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';

const MAX_FILE_LINES = 400;
const MAX_MAIN_LINES = 40;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** The functions of a source named `name` (declarations, and arrow or function expressions bound to the name), with their length in lines. */
export function functionsNamed(source: string, name: string, file = 'file.ts'): Array<{ lines: number; line: number }> {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: Array<{ lines: number; line: number }> = [];
  const measure = (n: ts.Node) => {
    const start = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
    found.push({ line: start + 1, lines: sf.getLineAndCharacterOfPosition(n.getEnd()).line - start + 1 });
  };
  const visit = (n: ts.Node): void => {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name?.getText(sf) === name) measure(n);
    if (ts.isVariableDeclaration(n) && n.name.getText(sf) === name && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) measure(n);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe('sizes', () => {
  it('the measures count what they should', () => {
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(2);
    expect(functionsNamed('export async function main(a: string[]) {\n  return 0;\n}\n', 'main')).toEqual([{ line: 1, lines: 3 }]);
    expect(functionsNamed('const main = async () => {\n\n  return 1;\n};', 'main')).toEqual([{ line: 1, lines: 4 }]);
    expect(functionsNamed('function other() {}', 'main')).toEqual([]);
  });

  it(`no file in src/ has more than ${MAX_FILE_LINES} lines`, () => {
    const all = files(path.join(repoRoot, 'src'));
    expect(all.length).toBeGreaterThan(100);
    const over = all.map((f) => ({ f: path.relative(repoRoot, f), n: lineCount(readFileSync(f, 'utf8')) })).filter((x) => x.n > MAX_FILE_LINES);
    expect(over.map((x) => `${x.f}: ${x.n} lines`)).toEqual([]);
  });

  it(`no file in steps/ (support included) has more than ${MAX_FILE_LINES} lines`, () => {
    const all = files(path.join(repoRoot, 'steps'));
    expect(all.some((f) => f.includes(`${path.sep}support${path.sep}`))).toBe(true);
    expect(all.length).toBeGreaterThan(30);
    const over = all.map((f) => ({ f: path.relative(repoRoot, f), n: lineCount(readFileSync(f, 'utf8')) })).filter((x) => x.n > MAX_FILE_LINES);
    expect(over.map((x) => `${x.f}: ${x.n} lines`)).toEqual([]);
  });

  it(`the CLI's main function has fewer than ${MAX_MAIN_LINES} lines`, () => {
    const cli = [path.join(repoRoot, 'src/cli.ts'), ...files(path.join(repoRoot, 'src/cli'))];
    const mains = cli.flatMap((f) => functionsNamed(readFileSync(f, 'utf8'), 'main', f).map((m) => ({ ...m, f: path.relative(repoRoot, f) })));
    expect(mains.map((m) => m.f)).toEqual(['src/cli.ts']);
    expect(mains[0].lines, `src/cli.ts:${mains[0].line} main`).toBeLessThan(MAX_MAIN_LINES);
  });
});

/**
 * Options are passed in (issue 15): the transports never read the process's environment. The CLI (and the
 * cucumber profile's hooks) read CIS_BDD_SSH_PASSWORD, CIS_BDD_SSH_PASSPHRASE, SSH_AUTH_SOCK and USER and
 * hand them over. Checked over each file's syntax tree: `process.env`, `process['env']`, `const { env } =
 * process` and an import of node:process are findings.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';
import { openTarget } from '../../src/targets/index.js';
import { sshEnvironment } from '../../src/engine/ssh-environment.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Where a TypeScript source reads the environment: "line: the code". */
export function environmentReads(source: string, name = 'file.ts'): string[] {
  const sf = ts.createSourceFile(name, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (n: ts.Node) => `${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${n.getText(sf)}`;
  const isProcess = (e: ts.Expression) => ts.isIdentifier(e) && e.text === 'process';
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && isProcess(n.expression) && n.name.text === 'env') found.push(at(n));
    else if (ts.isElementAccessExpression(n) && isProcess(n.expression) && ts.isStringLiteral(n.argumentExpression) && n.argumentExpression.text === 'env') found.push(at(n));
    else if (ts.isVariableDeclaration(n) && n.initializer && isProcess(n.initializer) && ts.isObjectBindingPattern(n.name)) found.push(at(n));
    else if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && /^(node:)?process$/.test(n.moduleSpecifier.text)) found.push(at(n));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe('the environment is read by the CLI, not by the transports', () => {
  it('the check finds each way of reading it', () => {
    expect(environmentReads('const a = process.env.CIS_BDD_SSH_PASSWORD;')).toEqual(['1: process.env']);
    expect(environmentReads("const a = process['env'].USER;")).toEqual(["1: process['env']"]);
    expect(environmentReads('const { env } = process;')).toEqual(['1: { env } = process']);
    expect(environmentReads("import { env } from 'node:process';")).toEqual(["1: import { env } from 'node:process';"]);
    expect(environmentReads('// process.env in a comment\nconst s = "process.env";')).toEqual([]);
  });

  it('no file under src/targets reads process.env', () => {
    const targets = files(path.join(repoRoot, 'src/targets'));
    expect(targets.length).toBeGreaterThan(5);
    const found = targets.flatMap((f) => environmentReads(readFileSync(f, 'utf8'), f).map((r) => `${path.relative(repoRoot, f)}:${r}`));
    expect(found).toEqual([]);
  });

  it('the CLI reads it and hands it over: the secrets, and $USER for an ssh:// URI without a user', () => {
    expect(environmentReads(readFileSync(path.join(repoRoot, 'src/cli/audit-command.ts'), 'utf8')).length).toBeGreaterThan(0);
    const env = sshEnvironment({ USER: 'alice', CIS_BDD_SSH_PASSWORD: 'pw', CIS_BDD_SSH_PASSPHRASE: '', SSH_AUTH_SOCK: '/run/agent' });
    expect(env).toEqual({ sshSecrets: { password: 'pw', passphrase: undefined, agentSocket: '/run/agent' }, sshDefaultUser: 'alice' });
    expect(openTarget('ssh://node-1:2222', env).uri).toBe('ssh://alice@node-1:2222');
    expect(openTarget('ssh://bob@node-1', env).uri).toBe('ssh://bob@node-1');
    expect(openTarget('ssh://node-1', {}).uri).toBe('ssh://root@node-1');
  });
});

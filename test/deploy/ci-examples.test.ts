/**
 * The CI examples of docs/ci/ (an image-release gate on GitHub Actions and on GitLab CI) against those
 * systems' published schemas, as SchemaStore ships them (the schemastore package): both are JSON Schema
 * draft-07, validated with ajv's draft-07 class. A broken copy of each must be refused, so that the
 * validation is known to bite. Then what the gate must do: build, audit with docker-image://, keep the
 * reports even when the audit fails, and fail on cis-bdd's exit code.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import AjvDraft7 from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { repoRoot } from '../support/fixtures.js';

const require = createRequire(import.meta.url);
const schemaDir = path.join(path.dirname(require.resolve('schemastore/package.json')), 'schemas/json');
const schemas = {
  github: path.join(schemaDir, 'github-workflow.json'),
  gitlab: path.join(schemaDir, 'gitlab.com/gitlab-org/gitlab/-/raw/master/app/assets/javascripts/editor/schema/ci.json'),
};
const examples = { github: 'docs/ci/github-actions.yml', gitlab: 'docs/ci/gitlab-ci.yml' };

function validator(file: string) {
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  expect(schema.$schema, `${file} is the draft ajv's default class reads`).toMatch(/draft-07/);
  // ajv's default class is draft-07; the CommonJS default export is reached through .default under NodeNext
  const ajv = new (AjvDraft7 as unknown as typeof AjvDraft7.default)({ strict: false, allErrors: true, validateSchema: false });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  const validate = ajv.compile(schema);
  return (doc: unknown): string[] => (validate(doc) ? [] : (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath || '/'} ${e.message}`));
}

const load = (rel: string) => parse(readFileSync(path.join(repoRoot, rel), 'utf8'));
const scriptText = (doc: unknown) => JSON.stringify(doc);

describe('CI examples (docs/ci/)', () => {
  for (const system of ['github', 'gitlab'] as const) {
    it(`${examples[system]} is valid by the published ${system === 'github' ? 'GitHub workflow' : 'GitLab CI'} schema, and a broken copy is not`, () => {
      const check = validator(schemas[system]);
      const doc = load(examples[system]);
      expect(check(doc)).toEqual([]);
      const broken = structuredClone(doc);
      if (system === 'github') broken.jobs['cis-audit']['runs-on'] = { 'not-a-runner-key': true };
      else broken['cis-audit'].artifacts.when = 'sometimes';
      expect(check(broken).length).toBeGreaterThan(0);
    });
  }

  it('GitHub: builds, audits with docker-image://, uploads the reports always, fails on the exit code', () => {
    const job = load(examples.github).jobs['cis-audit'];
    const steps = job.steps as { name?: string; run?: string; uses?: string; if?: string; 'continue-on-error'?: unknown }[];
    const build = steps.findIndex((s) => /docker build/.test(s.run ?? ''));
    const auditStep = steps.findIndex((s) => /docker-image:\/\//.test(s.run ?? ''));
    const upload = steps.findIndex((s) => /actions\/upload-artifact/.test(s.uses ?? ''));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(auditStep).toBeGreaterThan(build);
    expect(upload).toBeGreaterThan(auditStep);
    expect(steps[upload].if).toBe('always()');
    expect(steps[auditStep].run).toMatch(/exit \$code/);
    expect(steps.some((s) => s['continue-on-error'])).toBe(false);
    expect(scriptText(job)).not.toMatch(/\|\| true/);
  });

  it('GitLab: builds, audits with docker-image://, keeps the reports always, fails on the exit code', () => {
    const job = load(examples.gitlab)['cis-audit'];
    const script = (job.script as string[]).join('\n');
    expect(script.indexOf('docker build')).toBeGreaterThanOrEqual(0);
    expect(script.indexOf('docker-image://')).toBeGreaterThan(script.indexOf('docker build'));
    expect(script).toMatch(/exit \$code/);
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.paths).toContain('cis-reports/');
    expect(job.allow_failure ?? false).toBe(false);
    expect(scriptText(job)).not.toMatch(/\|\| true/);
  });
});

// cucumber-js configuration: one profile per benchmark, named like the benchmark's folder in benchmarks/
// (and in CIS_BDD_BENCHMARKS_DIR, a folder of more benchmark folders, when it is set).
//
//   CIS_BDD_TARGET=ssh://ops@node-1.example.com npx cucumber-js --profile cis-ubuntu-18.04-v2.1.0
//
// Steps load as compiled JavaScript from dist/ (`npm install` builds it): starting cucumber through a
// TypeScript loader costs several seconds per run. compliance.json goes to CIS_BDD_COMPLIANCE_JSON
// (default reports/cucumber/compliance.json); add Allure with
// --format ./dist/src/report/allure-formatter.js:reports/cucumber/allure.out
//   --format-options '{"resultsDir":"reports/cucumber/allure-results"}'
// (written from the run's result, as `cis-bdd audit` writes them: src/report/allure-results.ts)
import { benchmarkManifests, useBenchmarksDir } from './dist/src/engine/benchmarks.js';
import { packagePath } from './dist/src/engine/paths.js';

if (process.env.CIS_BDD_BENCHMARKS_DIR) useBenchmarksDir(process.env.CIS_BDD_BENCHMARKS_DIR);

const profile = (manifest) => ({
  paths: [`${packagePath(manifest.features)}/**/*.feature`],
  import: ['dist/steps/**/*.js'],
  format: [`./dist/src/report/compliance-formatter.js:${process.env.CIS_BDD_COMPLIANCE_JSON ?? 'reports/cucumber/compliance.json'}`],
  // printAttachments: the verdict messages are for the compliance formatter, not for the console
  formatOptions: { cisBdd: { benchmark: manifest.id }, printAttachments: false },
  worldParameters: { benchmark: manifest.id },
});

export default async function profiles() {
  return Object.fromEntries(benchmarkManifests().map((m) => [m.id, profile(m)]));
}

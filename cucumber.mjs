// cucumber-js configuration: one profile per benchmark, named like the catalogue.
//
//   CIS_BDD_TARGET=ssh://ops@node-1.example.com npx cucumber-js --profile cis-ubuntu-18.04-v2.1.0
//
// Steps load as compiled JavaScript from dist/ (`npm install` builds it): starting cucumber through a
// TypeScript loader costs several seconds per run. compliance.json goes to CIS_BDD_COMPLIANCE_JSON
// (default reports/cucumber/compliance.json); add Allure with
// --format ./dist/src/report/allure-formatter.js:reports/cucumber/allure.out
//   --format-options '{"resultsDir":"reports/cucumber/allure-results"}'
// (cis-bdd's formatter: allure-cucumberjs's reporter with the verdicts' statuses and evidence)
import { readdirSync } from 'node:fs';

const benchmarks = readdirSync(new URL('./benchmarks/', import.meta.url)).filter((f) => f.endsWith('.csv')).map((f) => f.slice(0, -4));

const profile = (benchmark) => ({
  paths: [`features/${benchmark}/**/*.feature`],
  import: ['dist/steps/**/*.js'],
  format: [`./dist/src/report/compliance-formatter.js:${process.env.CIS_BDD_COMPLIANCE_JSON ?? 'reports/cucumber/compliance.json'}`],
  // printAttachments: the verdict messages are for the compliance formatter, not for the console
  formatOptions: { cisBdd: { benchmark }, printAttachments: false },
  worldParameters: { benchmark },
});

export default async function profiles() {
  return Object.fromEntries(benchmarks.map((b) => [b, profile(b)]));
}

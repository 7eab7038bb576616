/**
 * One audit through the programmatic API with Allure results off, as a child process of the benchmark:
 *   node scripts/bench/api-audit.mjs TARGET BENCHMARK OUT
 * It writes compliance.json under OUT like the CLI; the exit code is the audit's (0, 1 or 3).
 * Used for one diagnostic row: how much of an audit's time goes to writing Allure results.
 */
const [target, benchmark, out] = process.argv.slice(2);
const { runAudit } = await import(new URL('../../dist/src/api.js', import.meta.url).href);
const r = await runAudit({ target, benchmark, level: 2, out, allureResults: false });
process.exitCode = r.exitCode;

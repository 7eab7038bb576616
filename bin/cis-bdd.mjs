#!/usr/bin/env node
// cis-bdd runs as compiled JavaScript (dist/), built by `npm install` / `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('cis-bdd: dist/ is missing; run "npm run build" in the cis-bdd directory\n');
  process.exit(2);
}
const { main } = await import(entry.href);
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`cis-bdd: internal error: ${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 3;
}

#!/usr/bin/env node
// cis-bdd runs as compiled JavaScript (dist/), built by `npm install` / `npm run build`.
import { existsSync } from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

// Supported: the Node.js lines 22, 24 and 26 (package.json's engines, scripts/setup/node-lines). An older
// line still runs, with one warning: it gets no security fixes and no test of cis-bdd runs on it.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`cis-bdd: warning: Node.js ${process.version} is past its end of life and not supported; use Node.js 22, 24 or 26 (the README says how)\n`);
}

// V8's compiled code of the modules (cucumber's hundred-odd CommonJS files the most) kept between runs: about
// 40 ms of every start on the bench's machine. In the user's own cache directory, not a shared temporary
// one another user could have made first; NODE_COMPILE_CACHE names another, NODE_DISABLE_COMPILE_CACHE=1 none.
module.enableCompileCache?.(process.env.NODE_COMPILE_CACHE
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cis-bdd', 'node-compile-cache'));

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

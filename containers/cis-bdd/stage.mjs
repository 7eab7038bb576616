// Stage what the cis-bdd image holds, from a built checkout, offline: the compiled CLI (dist/, without
// source maps or tests), the data it reads at run time (features, benchmarks, policies, schemas, the
// policy schema), and the production dependencies only: the packages package-lock.json does not mark as
// dev, copied from node_modules/ without their own nested node_modules (those are entries of their own).
//
//   node containers/cis-bdd/stage.mjs DEST      (run from the repository root)
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const dest = process.argv[2];
if (!dest) { console.error('usage: stage.mjs DEST'); process.exit(2); }
const root = process.cwd();
const copy = (rel, filter) => cpSync(path.join(root, rel), path.join(dest, rel), { recursive: true, dereference: false, filter });

for (const need of ['dist/src/cli.js', 'package-lock.json']) {
  if (!existsSync(path.join(root, need))) { console.error(`stage: ${need} is missing (run npm install / npm run build first)`); process.exit(1); }
}
mkdirSync(dest, { recursive: true });
const noMaps = (src) => !src.endsWith('.map');
copy('dist/src', noMaps);
copy('dist/steps', noMaps);
for (const rel of ['bin/cis-bdd.mjs', 'package.json', 'cucumber.mjs', 'features', 'benchmarks', 'policies', 'schemas', 'src/policy/policy.schema.json']) copy(rel);
cpSync(path.join(root, 'containers/cis-bdd/entrypoint.mjs'), path.join(dest, 'entrypoint.mjs'));

const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
let packages = 0;
for (const [key, entry] of Object.entries(lock.packages ?? {})) {
  if (!key.startsWith('node_modules/') || entry.dev || entry.devOptional) continue;
  const src = path.join(root, key);
  if (!existsSync(src)) {
    if (entry.optional) continue; // an optional dependency for another platform
    console.error(`stage: ${key} is in package-lock.json but not installed (run npm ci)`);
    process.exit(1);
  }
  const nested = path.join(src, 'node_modules');
  cpSync(src, path.join(dest, key), { recursive: true, filter: (s) => s !== nested && !s.startsWith(`${nested}${path.sep}`) });
  packages++;
}
const size = (p) => { const s = statSync(p, { throwIfNoEntry: false }); if (!s) return 0; return s.isDirectory() ? readdirSync(p).reduce((n, f) => n + size(path.join(p, f)), 0) : s.isFile() ? s.size : 0; };
console.log(`staged ${packages} production packages (${(size(path.join(dest, 'node_modules')) / 1e6).toFixed(1)} MB) and the CLI (${(size(path.join(dest, 'dist')) / 1e6).toFixed(1)} MB)`);

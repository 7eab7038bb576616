/**
 * Preloaded into a benchmarked `cis-bdd audit` child (node --import) when CIS_BDD_BENCH_RECORD names a
 * file. It wraps the transports' prototypes to note, without changing what they do:
 * - every file the audit read (readFiles results in state "file": path and size), for the floor;
 * - every round trip (operation, first line of the command, milliseconds), for the breakdown in
 *   docs/performance.md;
 * - how long the run waited, once the last scenario was done, for the Allure formatter's thread to write
 *   the last results (the formatter's finished()).
 * At exit it writes them as JSON. The cost is a Map insert per file and an array push per round trip.
 */
import { writeFileSync } from 'node:fs';

const out = process.env.CIS_BDD_BENCH_RECORD;
if (out) {
  const dist = new URL('../../dist/src/targets/', import.meta.url);
  const { RootfsTarget } = await import(new URL('rootfs.js', dist).href);
  const { CommandTarget } = await import(new URL('command-target.js', dist).href);
  // The Allure formatter's wait, for CLI audits only: the API row writes no Allure results, and loading
  // the formatter there would add work that audit does not do. match-indices first, as the CLI loads it
  // before anything loads cucumber (src/engine/match-indices.ts), so that recording does not slow matching.
  let allureWaitMs;
  if (!/api-audit\.mjs$/.test(process.argv[1] ?? '')) {
    await import(new URL('../../dist/src/engine/match-indices.js', import.meta.url).href);
    const { default: AllureFormatter } = await import(new URL('../../dist/src/report/allure-formatter.js', import.meta.url).href);
    const finished = AllureFormatter.prototype.finished;
    AllureFormatter.prototype.finished = async function (...args) {
      const t0 = performance.now();
      try {
        return await finished.apply(this, args);
      } finally {
        allureWaitMs = Math.round(performance.now() - t0);
      }
    };
  }
  const files = new Map();
  const trips = [];
  const firstLine = (s) => String(s).split('\n')[0].slice(0, 140);
  const timed = (proto, name, describe, counts = true) => {
    const orig = proto[name];
    if (typeof orig !== 'function') return;
    proto[name] = async function (...args) {
      const t0 = performance.now();
      try {
        return await orig.apply(this, args);
      } finally {
        if (counts) trips.push({ kind: this.kind, op: name, what: describe(...args), at: Math.round(t0), ms: Math.round(performance.now() - t0) });
      }
    };
  };
  const noteFiles = (proto) => {
    const orig = proto.readFiles;
    proto.readFiles = async function (paths) {
      const result = await orig.call(this, paths);
      for (const r of result) if (r.state === 'file') files.set(r.path, r.content.length);
      return result;
    };
  };
  // Command targets (docker, docker-image, ssh): every operation is one exec, so exec is the round trip.
  noteFiles(CommandTarget.prototype);
  timed(CommandTarget.prototype, 'exec', (cmd) => firstLine(cmd));
  // Root filesystems: readFiles, stat, walk and readNodes each count one round trip (list counts none).
  noteFiles(RootfsTarget.prototype);
  timed(RootfsTarget.prototype, 'readFiles', (p) => `readFiles ${p.length} path(s): ${p.slice(0, 3).join(' ')}${p.length > 3 ? ' ...' : ''}`);
  timed(RootfsTarget.prototype, 'stat', (p) => `stat ${p.length} path(s): ${p.slice(0, 3).join(' ')}${p.length > 3 ? ' ...' : ''}`);
  timed(RootfsTarget.prototype, 'walk', (o) => `walk ${o.roots.join(' ')}${o.maxDepth !== undefined ? ` maxdepth ${o.maxDepth}` : ''}`);
  process.on('exit', () => {
    writeFileSync(out, JSON.stringify({ files: [...files], trips, allureWaitMs }));
  });
}

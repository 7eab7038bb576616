/**
 * Where an audit's CPU time goes, from V8's sampling profiler (`node --cpu-prof`): each sample is given to
 * one part of the program by its call stack, and the parts' milliseconds are summed over every thread of
 * the process (each thread writes its own .cpuprofile).
 *
 * A sample belongs to "loading modules" when a module loader is anywhere on its stack; otherwise to the
 * innermost frame that belongs to a known part (so node's own functions, file system calls included,
 * count for the code that called them), or to "node and V8" when none does. Idle samples (the thread
 * waiting, for a child process or for another thread) are not CPU and are left out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const PARTS = [
  ['allure', 'Allure results (src/report/allure-results.ts: writing allure-results from the run\'s result)'],
  ['cucumber', 'cucumber (features, matching steps to definitions, running scenarios, messages)'],
  ['steps', 'step definitions and hooks (deciding, evidence, verdict messages)'],
  ['facts', 'facts (parsing what was read)'],
  ['targets', 'target (reads, stats, walks: spawning find, parsing its output)'],
  ['report', 'compliance.json and summary'],
  ['engine', 'engine and command line'],
  ['libraries', 'other libraries'],
  ['modules', 'loading modules'],
  ['gc', 'garbage collection'],
  ['node', 'node and V8 (other)'],
];

/** The part a frame's script URL belongs to, or undefined for node's own and native code. */
function partOf(url) {
  if (!url) return undefined;
  if (/\/node_modules\/allure-|\/dist\/src\/report\/allure-/.test(url)) return 'allure';
  if (url.includes('/node_modules/@cucumber/')) return 'cucumber';
  if (url.includes('/dist/steps/')) return 'steps';
  if (url.includes('/dist/src/facts/')) return 'facts';
  if (url.includes('/dist/src/targets/')) return 'targets';
  if (url.includes('/dist/src/report/')) return 'report';
  if (url.includes('/dist/src/') || url.includes('/bin/')) return 'engine';
  if (url.includes('/node_modules/')) return 'libraries';
  return undefined;
}

/** Milliseconds of CPU per part for one .cpuprofile. */
function profileParts(file) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cache = new Map();
  const classify = (id) => {
    if (cache.has(id)) return cache.get(id);
    const leaf = byId.get(id).callFrame.functionName;
    let part;
    if (leaf === '(idle)') part = null;
    else if (leaf === '(garbage collector)') part = 'gc';
    else {
      let inner;
      for (let x = id; x !== undefined; x = parent.get(x)) {
        const url = byId.get(x).callFrame.url;
        if (url.startsWith('node:internal/modules/')) { part = 'modules'; break; }
        inner ??= partOf(url);
      }
      part ??= inner ?? 'node';
    }
    cache.set(id, part);
    return part;
  };
  const out = Object.fromEntries(PARTS.map(([k]) => [k, 0]));
  p.samples.forEach((id, i) => {
    const part = classify(id);
    if (part) out[part] += p.timeDeltas[i] / 1000;
  });
  return out;
}

/** Milliseconds of CPU per part, summed over every .cpuprofile in dir (one per thread). */
export function cpuParts(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) throw new Error(`no .cpuprofile in ${dir}`);
  const total = Object.fromEntries(PARTS.map(([k]) => [k, 0]));
  for (const f of files) {
    const parts = profileParts(path.join(dir, f));
    for (const k of Object.keys(total)) total[k] += parts[k];
  }
  return { parts: total, threads: files.length };
}

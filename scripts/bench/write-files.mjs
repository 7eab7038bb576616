/**
 * How long this machine takes to write a set of files on their own, as a child process of the benchmark:
 *   node scripts/bench/write-files.mjs SOURCE_DIR DEST_DIR
 * Reads every file of SOURCE_DIR into memory, then writes them all into DEST_DIR (created, then removed)
 * one after the other with writeFileSync, as the Allure thread does, and prints the milliseconds the
 * writing took. Used to put the Allure thread's wait next to what creating those files costs here.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [src, dest] = process.argv.slice(2);
const files = readdirSync(src).map((f) => [f, readFileSync(path.join(src, f))]);
mkdirSync(dest, { recursive: true });
const t0 = performance.now();
for (const [f, content] of files) writeFileSync(path.join(dest, f), content);
const ms = performance.now() - t0;
rmSync(dest, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ files: files.length, ms })}\n`);

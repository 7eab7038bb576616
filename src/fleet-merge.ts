/**
 * `cis-bdd merge`: a fleet report (fleet.json, as a fleet audit writes it) from reports collected elsewhere.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ComplianceReport } from './model/result.js';
import { STATUSES } from './model/verdict.js';
import { UsageError } from './engine/usage-error.js';
import { decodeLogBlocks } from './fleet-log.js';
import { entryOf, fleetReport, nodeOf, targetSlug, type FleetEntry, type FleetReport } from './fleet.js';

/**
 * `cis-bdd merge`: a fleet report from reports collected elsewhere. Each input is a compliance.json, or a
 * log (pod logs from `kubectl logs`, "-" for stdin) with report blocks between markers (fleet-log.ts):
 * of several blocks of one node (a DaemonSet audits daily) the latest run counts, and it is written to
 * `<out>/<node>/compliance.json`. A block that cannot be read stops the merge (exit 2) with its file:line.
 */
export async function mergeReports(files: string[], out: string, readStdin: () => Promise<string> = stdinText): Promise<FleetReport> {
  const entries: FleetEntry[] = [];
  const fromLogs = new Map<string, { r: ComplianceReport; json: string; source: string; runs: number }>();
  for (const f of files) {
    const name = f === '-' ? '(stdin)' : f;
    let text: string;
    try {
      text = f === '-' ? await readStdin() : await fs.readFile(f, 'utf8');
    } catch (e) {
      throw new UsageError(`${name} cannot be read: ${(e as Error).message}`);
    }
    if (text.trimStart().startsWith('{')) {
      const r = parseReport(text, name);
      entries.push(entryOf(r, f === '-' ? name : path.resolve(f)));
      continue;
    }
    const { blocks, errors } = decodeLogBlocks(text);
    if (errors.length) throw new UsageError(`${name}:${errors[0].line}: ${errors[0].message}`);
    if (!blocks.length) throw new UsageError(`${name} is neither a cis-bdd compliance.json nor a log with cis-bdd report blocks`);
    for (const b of blocks) {
      const r = parseReport(b.json, `${name}:${b.line}`);
      const node = nodeOf(r) ?? (b.node || r.target?.uri || `${name}:${b.line}`);
      const seen = fromLogs.get(node);
      const runs = (seen?.runs ?? 0) + 1;
      if (!seen || String(r.run?.startedAt ?? '') >= String(seen.r.run?.startedAt ?? '')) fromLogs.set(node, { r, json: b.json, source: `${name}:${b.line}`, runs });
      else seen.runs = runs;
    }
  }
  await fs.mkdir(out, { recursive: true });
  const taken = new Set<string>();
  for (const [node, { r, json, runs }] of fromLogs) {
    const dir = path.join(out, targetSlug(node, taken));
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, 'compliance.json');
    await fs.writeFile(file, json);
    const entry = entryOf(r, file);
    if (runs > 1) entry.message = `latest of ${runs} reports of this node in the logs`;
    entries.push(entry);
  }
  const report = fleetReport(entries);
  await fs.writeFile(path.join(out, 'fleet.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

function parseReport(text: string, name: string): ComplianceReport {
  let r: ComplianceReport;
  try {
    r = JSON.parse(text) as ComplianceReport;
  } catch (e) {
    throw new UsageError(`${name} is not a readable compliance.json: ${(e as Error).message}`);
  }
  if (!r || !Array.isArray(r.items) || !r.summary) throw new UsageError(`${name} is not a cis-bdd compliance.json`);
  const odd = r.items.find((i) => !i || typeof i.scored !== 'boolean' || !(STATUSES as readonly string[]).includes(i.status));
  if (odd) throw new UsageError(`${name}: item ${String(odd?.id)} has no known status or scored flag (not a cis-bdd compliance.json this version reads)`);
  return r;
}

async function stdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

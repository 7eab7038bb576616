/**
 * `cis-bdd diff OLD NEW [--json] [--limit N]`: what changed between two audits, as text or JSON.
 * Exit 1 when a scored item newly fails, 0 otherwise, 2 on bad input (unreadable files, not a report,
 * different benchmarks).
 */
import { parseCommand } from './args.js';
import { UsageError } from '../engine/usage-error.js';
import { diffAudits, diffExitCode, formatDiff, loadAuditFile, type AuditDiff } from '../report/diff.js';

export async function diffCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('diff', args, { json: { type: 'boolean' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (typeof parsed === 'number') return parsed;
  const { positionals, values } = parsed;
  if (positionals.length !== 2) {
    process.stderr.write(`cis-bdd: usage: cis-bdd diff OLD NEW [--json] [--limit N] (compliance.json or fleet.json on either side; ${positionals.length} file(s) given); "cis-bdd diff --help" says more\n`);
    return 2;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    process.stderr.write(`cis-bdd: --limit must be a positive whole number (got "${values.limit}")\n`);
    return 2;
  }
  let d: AuditDiff;
  try {
    d = await compareFiles(positionals[0], positionals[1]);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`cis-bdd: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  process.stdout.write(values.json ? `${JSON.stringify(d, null, 2)}\n` : formatDiff(d, { limit }));
  return diffExitCode(d);
}

export async function compareFiles(oldFile: string, newFile: string): Promise<AuditDiff> {
  return diffAudits(await loadAuditFile(oldFile), await loadAuditFile(newFile));
}

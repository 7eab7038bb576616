/** The CLI's smaller commands: merge, rollback, policy check and list. */
import path from 'node:path';
import { UsageError } from '../engine/usage-error.js';
import { loadBenchmark } from '../engine/catalogue.js';
import { benchmarkIds, tailoringDeclarations } from '../engine/benchmarks.js';
import { closest } from '../engine/did-you-mean.js';
import { parseCommand } from './args.js';
import { sshEnvironment } from '../engine/ssh-environment.js';
import { usageExit } from './usage.js';

const api = () => import('../api.js');

export async function mergeCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('merge', args, { out: { type: 'string' } }, true);
  if (typeof parsed === 'number') return parsed;
  if (!parsed.values.out || !parsed.positionals.length) {
    process.stderr.write(`cis-bdd: merge needs ${parsed.values.out ? 'at least one FILE' : '--out DIR'}: cis-bdd merge --out DIR FILE... (compliance.json files or pod logs; - for stdin); "cis-bdd merge --help" says more\n`);
    return 2;
  }
  const { formatFleet, fleetExitCode } = await import('../fleet.js');
  const { mergeReports } = await import('../fleet-merge.js');
  try {
    const report = await mergeReports(parsed.positionals, parsed.values.out);
    process.stdout.write(`${formatFleet(report)}fleet.json: ${path.resolve(parsed.values.out, 'fleet.json')}\n`);
    return fleetExitCode(report);
  } catch (e) {
    return usageExit(e);
  }
}

export async function rollbackCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('rollback', args, {
    target: { type: 'string' }, run: { type: 'string' }, identity: { type: 'string' }, 'known-hosts': { type: 'string' },
    'accept-new-host-key': { type: 'boolean' }, sudo: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (!values.run) { process.stderr.write('cis-bdd: rollback needs --run RUN_ID (the run id in harden.json) or --run latest (the newest run not rolled back yet)\n'); return 2; }
  try {
    const { connectTarget } = await api();
    const { rollbackRun } = await import('../remediation/rollback.js');
    const target = await connectTarget({ target: values.target, out: '', identityFile: values.identity, ...sshEnvironment(process.env), knownHostsFile: values['known-hosts'], acceptNewHostKey: values['accept-new-host-key'], sudo: values.sudo });
    try {
      const r = await rollbackRun(target, values.run);
      if (r.interrupted) process.stdout.write(`run ${r.runId} had not completed (it was stopped); ${r.restored.length ? 'restoring everything it recorded' : 'it had changed nothing yet'}\n`);
      for (const f of r.restored) process.stdout.write(`restored ${f.path} (${f.type === 'missing' ? 'removed: it did not exist before' : f.type})\n`);
      for (const t of r.removedTemporaryFiles) process.stdout.write(`removed ${t} (left by an interrupted write)\n`);
      for (const d of r.removedDirectories) process.stdout.write(`removed directory ${d} (created by the run)\n`);
      for (const c of r.cannotUndo) process.stdout.write(`cannot undo: ${c}\n`);
      process.stdout.write(`rolled back run ${r.runId}${r.startedAt ? ` (started ${r.startedAt})` : ''} on ${r.target}: ${r.restored.length} file(s) restored, ${r.removedDirectories.length} director${r.removedDirectories.length === 1 ? 'y' : 'ies'} removed\n`);
      return r.cannotUndo.length ? 1 : 0;
    } finally {
      await target.close();
    }
  } catch (e) {
    return usageExit(e);
  }
}

export async function policyCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('policy', args, { against: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (typeof parsed === 'number') return parsed;
  const [sub, file, ...extra] = parsed.positionals;
  if (sub !== 'check' || !file || extra.length) {
    const near = sub && sub !== 'check' && closest(sub, ['check']) ? ' (did you mean "policy check"?)' : '';
    process.stderr.write(`cis-bdd: usage: cis-bdd policy check FILE [--against compliance.json]${near}; "cis-bdd policy --help" says more\n`);
    return 2;
  }
  try {
    const { loadPolicyChecked } = await api();
    const policy = await loadPolicyChecked(file);
    const { selectedIds } = await import('../engine/selection-check.js');
    const ids = selectedIds(policy.benchmark, { policy });
    const { policyWarnings } = await import('../policy/check.js');
    const warnings = [...policyWarnings(policy, new Set(ids), new Date()),
      ...(parsed.values.against ? await (await import('../policy/check.js')).warningsAgainst(policy, parsed.values.against) : [])];
    process.stdout.write(`${file}: valid${warnings.length ? `, with ${warnings.length} warning(s)` : ''}. ${policy.name}: ${policy.benchmark}, level ${policy.level}${policy.scoredOnly ? ' scored only' : ''}, `
      + `${ids.length} item(s) selected, ${policy.waivers.length} waiver(s), ${Object.keys(policy.tailoring).length} tailored value(s)\n`);
    for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
    return 0;
  } catch (e) {
    return usageExit(e);
  }
}

/** `cis-bdd list` alone: the benchmarks, with their item counts. */
function listBenchmarks(): number {
  for (const id of benchmarkIds()) {
    const b = loadBenchmark(id);
    const l1 = b.items.filter((i) => i.level === 1).length;
    const scored = b.items.filter((i) => i.scored).length;
    process.stdout.write(`${id.padEnd(28)} ${b.title}: ${b.items.length} items (${l1} level 1, ${b.items.length - l1} level 2; ${scored} scored)\n`);
  }
  process.stdout.write('"cis-bdd list --benchmark ID" lists a benchmark\'s items; "--policy FILE" what a policy selects and waives; "--tailoring" the values a policy may tailor\n');
  return 0;
}

/** `cis-bdd list --tailoring`: the values a policy may tailor, by benchmark, from the benchmarks' manifests. */
function listTailoring(ids: string[]): number {
  for (const id of ids) {
    if (!benchmarkIds().includes(id)) throw new UsageError(`unknown benchmark "${id}"; known: ${benchmarkIds().join(', ')}`);
    const decls = tailoringDeclarations(id);
    process.stdout.write(`${id}${decls.length ? ':' : ': nothing to tailor'}\n`);
    for (const d of decls) process.stdout.write(`  ${d.name}  (${d.type}, default ${JSON.stringify(d.default)}; items ${d.items.join(', ')})\n    ${d.description}\n`);
  }
  return 0;
}

export async function listCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('list', args, {
    benchmark: { type: 'string' }, policy: { type: 'string' }, level: { type: 'string' }, 'scored-only': { type: 'boolean' },
    only: { type: 'string' }, tags: { type: 'string' }, tailoring: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  try {
    if (values.tailoring) {
      return listTailoring(values.benchmark ? [values.benchmark] : benchmarkIds());
    }
    if (!values.benchmark && !values.policy) {
      if (values.level || values['scored-only'] || values.only || values.tags) throw new UsageError(`list needs --benchmark ID or --policy FILE to select from; the benchmarks: ${benchmarkIds().join(', ')}`);
      return listBenchmarks();
    }
    if (values.level !== undefined && values.level !== '1' && values.level !== '2') throw new UsageError(`--level must be 1 or 2 (got "${values.level}"); level 2 includes level 1`);
    if (values.benchmark === 'closest') throw new UsageError(`list needs a benchmark by name, not "closest" (there is no target to be close to): ${benchmarkIds().join(', ')}`);
    const { checkSelectionBeforeRun } = await import('./selection-precheck.js');
    await checkSelectionBeforeRun({ ...values, benchmark: values.benchmark });
    const policy = values.policy ? await (await api()).loadPolicyChecked(values.policy) : undefined;
    const benchmark = values.benchmark ?? policy!.benchmark;
    const catalogue = loadBenchmark(benchmark);
    const { selectedIds } = await import('../engine/selection-check.js');
    const ids = new Set(selectedIds(benchmark, {
      level: values.level ? (Number(values.level) as 1 | 2) : undefined, scoredOnly: values['scored-only'],
      only: values.only?.split(',').map((x) => x.trim()).filter(Boolean), tags: values.tags, policy,
    }));
    let waived = 0;
    for (const item of catalogue.items.filter((i) => ids.has(i.id))) {
      const w = policy?.waivers.find((x) => x.ids?.includes(item.id));
      if (w) waived++;
      process.stdout.write(`${item.id.padEnd(10)} L${item.level} ${item.scored ? 'scored    ' : 'not scored'} ${item.title}${w ? `\n           WAIVED: ${w.reason}${w.owner ? `; owner ${w.owner}` : ''}${w.expires ? `; expires ${w.expires}` : ''}` : ''}\n`);
    }
    const tagWaivers = policy?.waivers.filter((w) => w.tags).length ?? 0;
    process.stdout.write(`${ids.size} item(s) selected of ${catalogue.items.length} in ${benchmark}; ${waived} waived by id${tagWaivers ? `, plus ${tagWaivers} waiver(s) by tag expression` : ''}\n`);
    return 0;
  } catch (e) {
    return usageExit(e);
  }
}

/** The CLI's smaller commands: merge, rollback, policy check and list. */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { UsageError } from '../engine/usage-error.js';
import { loadBenchmark } from '../engine/catalogue.js';
import { sshSecretsFrom } from '../targets/forms.js';
import { usageExit } from './usage.js';

const api = () => import('../api.js');

export async function mergeCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { out: { type: 'string' } } });
  } catch (e) {
    process.stderr.write(`cis-bdd: ${(e as Error).message}\n`);
    return 2;
  }
  if (!parsed.values.out || !parsed.positionals.length) {
    process.stderr.write('cis-bdd: usage: cis-bdd merge --out DIR FILE... (compliance.json files or pod logs; - for stdin)\n');
    return 2;
  }
  const { mergeReports, formatFleet, fleetExitCode } = await import('../fleet.js');
  try {
    const report = await mergeReports(parsed.positionals, parsed.values.out);
    process.stdout.write(`${formatFleet(report)}fleet.json: ${path.resolve(parsed.values.out, 'fleet.json')}\n`);
    return fleetExitCode(report);
  } catch (e) {
    return usageExit(e);
  }
}

export async function rollbackCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, strict: true, options: {
      target: { type: 'string' }, run: { type: 'string' }, identity: { type: 'string' }, 'known-hosts': { type: 'string' },
      'accept-new-host-key': { type: 'boolean' }, sudo: { type: 'boolean' },
    } }));
  } catch (e) {
    process.stderr.write(`cis-bdd: ${(e as Error).message}\n`);
    return 2;
  }
  if (!values.run) { process.stderr.write('cis-bdd: rollback needs --run RUN_ID (from harden.json) or --run latest\n'); return 2; }
  try {
    const { connectTarget } = await api();
    const { rollbackRun } = await import('../remediation/rollback.js');
    const target = await connectTarget({ target: values.target, out: '', identityFile: values.identity, sshSecrets: sshSecretsFrom(process.env), knownHostsFile: values['known-hosts'], acceptNewHostKey: values['accept-new-host-key'], sudo: values.sudo });
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
  const [sub, file, ...extra] = args;
  if (sub !== 'check' || !file || extra.length) {
    process.stderr.write('cis-bdd: usage: cis-bdd policy check FILE\n');
    return 2;
  }
  try {
    const { loadPolicyChecked, listSelection } = await api();
    const policy = await loadPolicyChecked(file);
    const items = await listSelection(policy.benchmark, { level: policy.level, scoredOnly: policy.scoredOnly, only: [], tags: null }, policy);
    process.stdout.write(`${file}: valid. ${policy.name}: ${policy.benchmark}, level ${policy.level}${policy.scoredOnly ? ' scored only' : ''}, `
      + `${items.length} scenario(s) selected, ${policy.waivers.length} waiver(s), ${Object.keys(policy.tailoring).length} tailored value(s)\n`);
    return 0;
  } catch (e) {
    return usageExit(e);
  }
}

export async function listCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, strict: true, options: {
      benchmark: { type: 'string' }, policy: { type: 'string' }, level: { type: 'string' }, 'scored-only': { type: 'boolean' }, tailoring: { type: 'boolean' },
    } }));
  } catch (e) {
    process.stderr.write(`cis-bdd: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const { loadStepsForListing, loadPolicyChecked, listSelection } = await api();
    if (values.tailoring) {
      const { tailoringDeclarations } = await import('../policy/tailoring.js');
      await loadStepsForListing();
      for (const d of tailoringDeclarations()) process.stdout.write(`${d.name}  (${d.type}, default ${JSON.stringify(d.default)}; items ${d.items.join(', ')})\n  ${d.description}\n`);
      return 0;
    }
    const policy = values.policy ? await loadPolicyChecked(values.policy) : undefined;
    const benchmark = values.benchmark ?? policy?.benchmark;
    if (!benchmark) throw new UsageError('list needs --benchmark or --policy');
    if (policy && benchmark !== policy.benchmark) throw new UsageError(`--benchmark ${benchmark} contradicts the policy, which is for ${policy.benchmark}`);
    const catalogue = loadBenchmark(benchmark);
    const level = values.level ? (Number(values.level) as 1 | 2) : policy?.level ?? 2;
    const scoredOnly = values['scored-only'] ?? policy?.scoredOnly ?? false;
    const names = await listSelection(benchmark, { level, scoredOnly, only: [], tags: null, include: policy?.include, exclude: policy?.exclude }, policy);
    const ids = new Set(names.map((n) => n.split(' ')[0]));
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

// The entry point of cis-bdd's image.
//
//   (no arguments) or: node-audit [--every SECONDS] [audit options...]
//       Audit the node whose root filesystem is mounted read-only at $CIS_BDD_HOST_ROOT (default /host):
//       `cis-bdd audit --target rootfs:/host --benchmark closest --no-allure` plus the options given,
//       reports in $CIS_BDD_REPORTS/<node>/ (default /tmp/cis-bdd-reports). The node is named by
//       $NODE_NAME (the downward API's spec.nodeName in the manifests; else the container's host name):
//       compliance.json's target carries it as target.node. The summary, then compliance.json between
//       marker lines (src/fleet-log.ts), go to stdout, so `kubectl logs ... | cis-bdd merge -` collects
//       every node's report without a shared volume. With --every, the audit repeats (a DaemonSet);
//       without it, the exit code is the audit's (a Job).
//   anything else: the cis-bdd command line (audit, merge, list, policy, --version, ...).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, 'bin/cis-bdd.mjs');
const args = process.argv.slice(2);
let child = null;
// PID 1 in a container gets no default signal handling: end at once on SIGTERM (pod deletion, docker stop)
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => { child?.kill(sig); process.exit(sig === 'SIGTERM' ? 143 : 130); });
}

if (args.length && args[0] !== 'node-audit') {
  const { main } = await import(path.join(here, 'dist/src/cli.js'));
  process.exitCode = await main(args);
} else {
  process.exitCode = await nodeAudit(args[0] === 'node-audit' ? args.slice(1) : []);
}

async function nodeAudit(rest) {
  let every = 0;
  const i = rest.indexOf('--every');
  if (i >= 0) {
    every = Number(rest[i + 1]);
    if (!Number.isFinite(every) || every < 60) { process.stderr.write('cis-bdd node-audit: --every takes a number of seconds, at least 60\n'); return 2; }
    rest = [...rest.slice(0, i), ...rest.slice(i + 2)];
  }
  const node = (process.env.NODE_NAME || os.hostname()).trim();
  const hostRoot = process.env.CIS_BDD_HOST_ROOT || '/host';
  const out = path.join(process.env.CIS_BDD_REPORTS || '/tmp/cis-bdd-reports', node.replace(/[^A-Za-z0-9._-]+/g, '_'));
  const { encodeLogBlock } = await import(path.join(here, 'dist/src/fleet-log.js'));
  for (;;) {
    mkdirSync(out, { recursive: true });
    const code = await run([cli, 'audit', '--target', `rootfs:${hostRoot}`, '--benchmark', 'closest', '--no-allure', '--out', out, ...rest]);
    let report;
    try {
      report = JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8'));
    } catch {
      process.stdout.write(`cis-bdd node-audit: node ${node}: the audit exited ${code} without a report\n`);
    }
    if (report) {
      if (report.target) report.target.node = node;
      const json = `${JSON.stringify(report, null, 2)}\n`;
      writeFileSync(path.join(out, 'compliance.json'), json);
      process.stdout.write(encodeLogBlock(json, node));
      process.stdout.write(`cis-bdd node-audit: node ${node}: exit ${code}\n`);
    }
    if (!every) return code;
    await new Promise((r) => setTimeout(r, every * 1000));
  }
}

function run(argv) {
  return new Promise((resolve) => {
    child = spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code) => { child = null; resolve(code ?? 3); });
  });
}

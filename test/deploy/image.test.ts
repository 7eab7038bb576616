/**
 * cis-bdd's own image (containers/cis-bdd/, built by the test set-up), run the way the DaemonSet runs it:
 * the same user, capabilities, read-only root filesystem, no privilege escalation, CPU and memory limits
 * and scratch /tmp as deploy/kubernetes/daemonset.yaml says (read from the manifest), --network none, the
 * node's tree mounted read-only at /host, NODE_NAME set as the downward API sets it. On the Ubuntu 18.04
 * fixture and on the ACL2 fixture its compliance.json must carry the same verdicts as `cis-bdd audit
 * --target rootfs:<tree>` run directly, item for item, name the node in its target, and leave the tree
 * unchanged. Then `cis-bdd merge` collects the reports from the logs of several such runs.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ensureAcl2Base, ensureUbuntuBase, repoRoot } from '../support/fixtures.js';
import { requireImage } from '../support/containers.js';
import { NODE_LINES } from '../support/node-lines.js';
import { snapshot } from '../support/snapshot.js';
import type { ComplianceReport } from '../../src/model/result.js';

const IMAGE = 'cis-bdd/cis-bdd:latest';
const { decodeLogBlocks } = await import(pathToFileURL(path.join(repoRoot, 'dist/src/fleet-log.js')).href) as typeof import('../../src/fleet-log.js');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-image-'));
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [path.join(repoRoot, 'bin/cis-bdd.mjs'), ...args], { encoding: 'utf8', input, maxBuffer: 64 << 20 });

/** `docker run` arguments for the DaemonSet's container, from the manifest itself. */
function daemonSetRunArgs(): { args: string[]; mountPath: string } {
  const ds = parse(readFileSync(path.join(repoRoot, 'deploy/kubernetes/daemonset.yaml'), 'utf8'));
  const pod = ds.spec.template.spec;
  const c = pod.containers[0];
  const sc = c.securityContext;
  const args = ['--user', `${sc.runAsUser}:${sc.runAsGroup}`, '--network', 'none'];
  for (const cap of sc.capabilities.drop) args.push('--cap-drop', cap);
  for (const cap of sc.capabilities.add) args.push('--cap-add', cap);
  if (sc.readOnlyRootFilesystem) args.push('--read-only');
  if (sc.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');
  const mem = /^(\d+)Mi$/.exec(c.resources.limits.memory);
  if (!mem) throw new Error(`memory limit ${c.resources.limits.memory}: expected NNNMi`);
  args.push('--memory', `${mem[1]}m`, '--memory-swap', `${mem[1]}m`, '--cpus', String(Number(c.resources.limits.cpu)));
  let mountPath = '';
  for (const vm of c.volumeMounts) {
    const vol = pod.volumes.find((v: { name: string }) => v.name === vm.name);
    if (vol.emptyDir) args.push('--tmpfs', `${vm.mountPath}:rw,size=${parseInt(vol.emptyDir.sizeLimit, 10)}m`);
    else if (vol.hostPath) { expect(vm.readOnly).toBe(true); mountPath = vm.mountPath; }
    else throw new Error(`volume ${vm.name}: not run by this test`);
  }
  return { args, mountPath };
}

interface ImageRun { node: string; tree: string; status: number | null; stdout: string; stderr: string; report: ComplianceReport; rawJson: string }

function runImage(tree: string, node: string, extra: string[] = []): ImageRun {
  requireImage(IMAGE);
  const { args, mountPath } = daemonSetRunArgs();
  const r = spawnSync('docker', ['run', '--rm', ...args, '-e', `NODE_NAME=${node}`, '-v', `${tree}:${mountPath}:ro`, IMAGE, 'node-audit', ...extra],
    { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
  const { blocks, errors } = decodeLogBlocks(r.stdout);
  expect(errors, r.stderr).toEqual([]);
  expect(blocks.length, `${r.stdout.slice(-2000)}\n${r.stderr}`).toBe(1);
  expect(blocks[0].node).toBe(node);
  return { node, tree, status: r.status, stdout: r.stdout, stderr: r.stderr, report: JSON.parse(blocks[0].json), rawJson: blocks[0].json };
}

function directAudit(tree: string, extra: string[] = []): { status: number | null; report: ComplianceReport } {
  const out = tmp();
  const r = cli(['audit', '--target', `rootfs:${tree}`, '--benchmark', 'closest', '--no-allure', '--out', out, ...extra]);
  return { status: r.status, report: JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8')) };
}

const verdicts = (r: ComplianceReport) => Object.fromEntries(r.items.map((i) => [i.id, i.status]));
const schemaCheck = (() => {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: true, strictRequired: false });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'schemas/compliance.schema.json'), 'utf8')));
})();

describe('the cis-bdd image, run as the DaemonSet runs it', () => {
  const runs: ImageRun[] = [];

  it('holds this checkout\'s compiled CLI (a stale image would prove nothing: scripts/setup/test-setup.sh rebuilds it)', () => {
    requireImage(IMAGE);
    const digest = 'cd dist && find src steps -name "*.js" -type f | LC_ALL=C sort | xargs sha256sum | sha256sum';
    const inImage = spawnSync('docker', ['run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', '-w', '/opt/cis-bdd', IMAGE, '-c', digest], { encoding: 'utf8' });
    const here = spawnSync('sh', ['-c', digest], { cwd: repoRoot, encoding: 'utf8' });
    expect(inImage.stdout.trim(), `${IMAGE} was built from other sources than this checkout's dist/: run bash scripts/setup/test-setup.sh`).toBe(here.stdout.trim());
  });

  it('runs on the active LTS line of Node.js (scripts/setup/node-lines), whose libraries the base has', () => {
    const active = NODE_LINES.active;
    const r = spawnSync('docker', ['run', '--rm', '--network', 'none', '--entrypoint', '/usr/local/bin/node', IMAGE, '--version'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^v${active}\\.\\d+\\.\\d+\\n$`));
  });
  const fixtures = [
    { name: 'Ubuntu 18.04', tree: () => ensureUbuntuBase(), node: 'worker-ubuntu', benchmark: 'cis-ubuntu-18.04-v2.1.0' },
    { name: 'ACL2 (stock)', tree: () => ensureAcl2Base('stock'), node: 'worker-acl2', benchmark: 'cis-aliyun-linux-2-v1.0.0' },
  ];

  for (const f of fixtures) {
    it(`${f.name}: the same verdicts as a direct rootfs audit, item for item; the node named; the tree unchanged`, () => {
      const tree = f.tree();
      const before = snapshot(tree);
      const run = runImage(tree, f.node);
      expect(snapshot(tree) === before, `${tree} changed under the image's audit`).toBe(true);
      runs.push(run);
      const direct = directAudit(tree);

      expect(run.report.benchmark.id).toBe(f.benchmark);
      expect(run.report.target).toMatchObject({ kind: 'rootfs', uri: 'rootfs:/host', node: f.node });
      expect(schemaCheck(run.report), JSON.stringify(schemaCheck.errors?.slice(0, 3))).toBe(true);
      expect(run.report.items.length).toBe(direct.report.items.length);
      const differ = run.report.items.filter((i) => direct.report.items.find((d) => d.id === i.id)?.status !== i.status)
        .map((i) => `${i.id}: image ${i.status} (${i.reason}), direct ${direct.report.items.find((d) => d.id === i.id)?.status}`);
      expect(differ).toEqual([]);
      expect(verdicts(run.report)).toEqual(verdicts(direct.report));
      expect(run.report.summary).toEqual(direct.report.summary);
      // the pod's exit code is the audit's, as the Job reports it
      expect(run.status).toBe(direct.status);
      expect(run.stdout).toMatch(new RegExp(`node ${f.node}: exit ${direct.status}`));
    }, 600_000);
  }

  describe('cis-bdd merge reads the reports from the pods\' logs', () => {
    let log: string;
    let later: ImageRun;
    beforeAll(() => {
      expect(runs.map((r) => r.node)).toEqual(['worker-ubuntu', 'worker-acl2']);
      // the Ubuntu node's pod audits again the next day (here with a narrower selection, to tell the runs apart)
      later = runImage(ensureUbuntuBase(), 'worker-ubuntu', ['--only', '5.3']);
      // what `kubectl logs -l ... --tail=-1 --prefix` prints: each pod's lines, each with its pod's prefix
      const prefixed = (pod: string, text: string) => text.trimEnd().split('\n').map((l) => `[pod/${pod}/cis-bdd] ${l}`).join('\n');
      log = `${prefixed('cis-bdd-4xk2q', runs[0].stdout + later.stdout)}\n${prefixed('cis-bdd-9fj3w', runs[1].stdout)}\n`;
    }, 600_000);

    for (const via of ['stdin', 'files'] as const) {
      it(`from ${via}: one entry per node, the latest run of each, its compliance.json written out`, () => {
        const out = tmp();
        let r;
        if (via === 'stdin') r = cli(['merge', '--out', out, '-'], log);
        else {
          const dir = tmp();
          writeFileSync(path.join(dir, 'ubuntu.log'), runs[0].stdout + later.stdout);
          writeFileSync(path.join(dir, 'acl2.log'), runs[1].stdout);
          r = cli(['merge', '--out', out, path.join(dir, 'ubuntu.log'), path.join(dir, 'acl2.log')]);
        }
        expect(r.status, r.stderr).toBe(1); // both fixtures fail items
        const fleet = JSON.parse(readFileSync(path.join(out, 'fleet.json'), 'utf8'));
        const byNode = Object.fromEntries(fleet.targets.map((t: { target: string }) => [t.target, t]));
        expect(Object.keys(byNode).sort()).toEqual(['worker-acl2', 'worker-ubuntu']);
        expect(byNode['worker-ubuntu']).toMatchObject({ node: 'worker-ubuntu', status: 'failing', message: 'latest of 2 reports of this node in the logs' });
        expect(byNode['worker-ubuntu'].failing).toEqual(later.report.items.filter((i) => i.status === 'fail' && i.scored).map((i) => i.id));
        expect(byNode['worker-ubuntu'].failing.every((id: string) => id.startsWith('5.3'))).toBe(true);
        expect(byNode['worker-acl2'].failing).toEqual(runs[1].report.items.filter((i) => i.status === 'fail' && i.scored).map((i) => i.id));
        expect(readFileSync(byNode['worker-ubuntu'].report, 'utf8')).toBe(later.rawJson);
        expect(readFileSync(byNode['worker-acl2'].report, 'utf8')).toBe(runs[1].rawJson);
        expect(r.stdout).toMatch(/Fleet: 2 target\(s\)/);
      }, 120_000);
    }

    it('a log cut short inside a report is refused with its line (exit 2), not merged as a partial report', () => {
      const lines = runs[1].stdout.split('\n');
      const begin = lines.findIndex((l) => l.includes('BEGIN CIS-BDD COMPLIANCE'));
      const r = cli(['merge', '--out', tmp(), '-'], lines.slice(0, begin + 3).join('\n'));
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`\\(stdin\\):${begin + 1}: a report block has no END marker`));
      const none = cli(['merge', '--out', tmp(), '-'], 'just a log line\n');
      expect(none.status).toBe(2);
      expect(none.stderr).toMatch(/neither a cis-bdd compliance\.json nor a log with cis-bdd report blocks/);
    });
  });

  it('as the DaemonSet: node-audit --every keeps running after printing its first report, and stops at once on SIGTERM', async () => {
    requireImage(IMAGE);
    const { args, mountPath } = daemonSetRunArgs();
    const name = `cis-bdd-test-ds-${process.pid}`;
    spawnSync('docker', ['run', '-d', '--name', name, ...args, '-e', 'NODE_NAME=worker-loop', '-v', `${ensureUbuntuBase()}:${mountPath}:ro`,
      IMAGE, 'node-audit', '--every', '86400', '--only', '6.1'], { encoding: 'utf8' });
    try {
      let logs = '';
      for (let i = 0; i < 120 && !/END CIS-BDD COMPLIANCE/.test(logs); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        logs = spawnSync('docker', ['logs', name], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
      }
      expect(decodeLogBlocks(logs).blocks.map((b) => b.node)).toEqual(['worker-loop']);
      expect(logs).toMatch(/node worker-loop: exit 0/);
      await new Promise((r) => setTimeout(r, 2000));
      expect(spawnSync('docker', ['inspect', '-f', '{{.State.Running}}', name], { encoding: 'utf8' }).stdout.trim()).toBe('true');
      // a pod deletion (SIGTERM) ends it at once, well inside the manifest's grace period
      const t0 = Date.now();
      spawnSync('docker', ['stop', '-t', '30', name]);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(spawnSync('docker', ['inspect', '-f', '{{.State.ExitCode}}', name], { encoding: 'utf8' }).stdout.trim()).toBe('143');
    } finally {
      spawnSync('docker', ['rm', '-f', name]);
    }
  }, 180_000);

  it('as the CI examples run it: the GitHub step\'s script audits an image through the engine socket, keeps the reports, exits with the audit\'s code', () => {
    requireImage(IMAGE);
    const wf = parse(readFileSync(path.join(repoRoot, 'docs/ci/github-actions.yml'), 'utf8'));
    const step = wf.jobs['cis-audit'].steps.find((s: { run?: string }) => /docker-image:\/\//.test(s.run ?? ''));
    const name = `cis-bdd-test-ci-${process.pid}`;
    const cwd = tmp();
    const r = spawnSync('bash', ['-e', '-c', step.run.replaceAll('cis-audit', name)], {
      cwd, encoding: 'utf8', timeout: 300_000,
      env: { ...process.env, IMAGE: 'cis-bdd/ubuntu-18.04-stock:latest', CIS_BDD_IMAGE: IMAGE, CIS_BDD_POLICY: wf.jobs['cis-audit'].env.CIS_BDD_POLICY },
    });
    spawnSync('docker', ['rm', '-f', name]);
    expect(r.status, r.stderr).toBe(1); // the stock image fails scored items
    const report = JSON.parse(readFileSync(path.join(cwd, 'cis-reports/compliance.json'), 'utf8'));
    expect(report.target).toMatchObject({ kind: 'docker-image', uri: 'docker-image://cis-bdd/ubuntu-18.04-stock:latest' });
    expect(report.policy?.name).toBeTruthy();
  }, 360_000);
});

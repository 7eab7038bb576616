/**
 * deploy/kubernetes/ against the Kubernetes OpenAPI schema (kubernetes-models: generated from the API's
 * OpenAPI definitions, validating on validate(); the installed models are of Kubernetes 1.34 or later,
 * checked below by APIs that went GA there), and the shape the issue asks of it: a Job for one node,
 * a DaemonSet for all (every taint tolerated, control-plane included), no host PID, network or IPC, the
 * node's root mounted read-only and nothing else of the node, results in the pod's log (no shared volume),
 * the node's name from the downward API. The image test (image.test.ts) runs the image the way these
 * manifests do, reading the security context and limits from here.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Namespace } from 'kubernetes-models/v1';
import { repoRoot } from '../support/fixtures.js';

const dir = path.join(repoRoot, 'deploy/kubernetes');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = any;
const docs = (f: string): Manifest[] => parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS());
const models: Record<string, (m: Manifest) => { validate(): void }> = {
  DaemonSet: (m) => new DaemonSet(m),
  Job: (m) => new Job(m),
  Namespace: (m) => new Namespace(m),
};
const validate = (m: Manifest) => {
  const make = models[m.kind];
  if (!make) throw new Error(`no model for kind ${m.kind}`);
  make(m).validate();
};

/** Kubernetes' toleration rule: does one of these tolerations tolerate this taint? */
function tolerates(tolerations: Manifest[], taint: { key: string; value?: string; effect: string }): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if ((t.operator ?? 'Equal') === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

describe('Kubernetes manifests (deploy/kubernetes/)', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

  it('the models are of a current Kubernetes release (resource.k8s.io/v1 and VolumeAttributesClass v1: GA in 1.34)', async () => {
    const resource = await import('kubernetes-models/resource.k8s.io/v1');
    const storage = await import('kubernetes-models/storage.k8s.io/v1');
    expect(typeof resource.ResourceClaim).toBe('function');
    expect(typeof storage.VolumeAttributesClass).toBe('function');
  });

  it('every manifest validates against the Kubernetes OpenAPI schema', () => {
    expect(files).toEqual(['daemonset.yaml', 'job.yaml', 'namespace.yaml']);
    for (const f of files) for (const m of docs(f)) expect(() => validate(m), f).not.toThrow();
  });

  it('the validation bites: wrong types, missing required fields and malformed quantities are refused', () => {
    const [ds] = docs('daemonset.yaml');
    const broken = (change: (m: Manifest) => void) => { const m = structuredClone(ds); change(m); return m; };
    expect(() => validate(broken((m) => { m.spec.template.spec.hostPID = 'no'; }))).toThrow(/hostPID must be boolean/);
    expect(() => validate(broken((m) => { delete m.spec.selector; }))).toThrow(/required property '?selector/);
    expect(() => validate(broken((m) => { m.spec.template.spec.containers[0].resources.limits.memory = '512 MB'; }))).toThrow(/quantity/);
    const [job] = docs('job.yaml');
    expect(() => validate({ ...job, spec: { ...job.spec, backoffLimit: 'none' } })).toThrow(/backoffLimit/);
  });

  for (const f of ['job.yaml', 'daemonset.yaml']) {
    it(`${f}: host PID, network and IPC off, only the node's root mounted and read-only, results in the log`, () => {
      const [m] = docs(f);
      expect(m.kind).toBe(f === 'job.yaml' ? 'Job' : 'DaemonSet');
      expect(m.metadata.namespace).toBe('cis-bdd');
      const pod = m.spec.template.spec;
      expect([pod.hostNetwork, pod.hostPID, pod.hostIPC]).toEqual([false, false, false]);
      expect(pod.automountServiceAccountToken).toBe(false);
      const hostVolumes = pod.volumes.filter((v: Manifest) => v.hostPath);
      expect(hostVolumes.map((v: Manifest) => [v.name, v.hostPath.path])).toEqual([['host-root', '/']]);
      // no shared volume: no claim, nothing but the node's root and a scratch /tmp
      expect(pod.volumes.filter((v: Manifest) => v.persistentVolumeClaim || v.nfs)).toEqual([]);
      expect(pod.volumes.find((v: Manifest) => v.name === 'tmp').emptyDir).toBeDefined();
      expect(pod.containers).toHaveLength(1);
      const [c] = pod.containers;
      const hostMount = c.volumeMounts.find((vm: Manifest) => vm.name === 'host-root');
      expect(hostMount).toMatchObject({ mountPath: '/host', readOnly: true, mountPropagation: 'None' });
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
        capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] },
      });
      expect(c.env).toContainEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
      expect(c.args[0]).toBe('node-audit');
      expect(c.resources.limits).toEqual({ cpu: '1', memory: '512Mi' });
      // every node, however it is tainted: control-plane nodes, NoExecute taints, a team's own taint
      for (const taint of [
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      ]) expect(tolerates(pod.tolerations, taint), `${f} tolerates ${taint.key}`).toBe(true);
    });
  }

  it('the Job audits one named node once; the DaemonSet every node, daily; both run the container alike', () => {
    const [job] = docs('job.yaml');
    const [ds] = docs('daemonset.yaml');
    expect(job.spec.template.spec.nodeName).toBe('REPLACE-NODE-NAME');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.containers[0].args).toEqual(['node-audit']);
    expect(ds.spec.template.spec.containers[0].args).toEqual(['node-audit', '--every', '86400']);
    const same = (m: Manifest) => { const c = m.spec.template.spec.containers[0]; return { image: c.image, sc: c.securityContext, limits: c.resources.limits, mounts: c.volumeMounts }; };
    expect(same(job)).toEqual(same(ds));
  });

  it('the namespace admits pods that mount the node (Pod Security "privileged"; hostPath is refused by baseline)', () => {
    const [ns] = docs('namespace.yaml');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  it('the image recipes: offline from a local base, and FROM node:26 (the active LTS) for a registry; both start the node audit entry point', () => {
    const offline = readFileSync(path.join(repoRoot, 'containers/cis-bdd/Dockerfile'), 'utf8');
    const registry = readFileSync(path.join(repoRoot, 'containers/cis-bdd/Dockerfile.registry'), 'utf8');
    expect(offline).toMatch(/^FROM \$\{BASE\}$/m);
    expect(offline).toMatch(/ARG BASE=cis-bdd\/cis-bdd-base:latest/);
    expect(registry).toMatch(/^FROM node:26-bookworm-slim$/m);
    for (const df of [offline, registry]) expect(df).toMatch(/ENTRYPOINT \[.*"\/opt\/cis-bdd\/entrypoint\.mjs"\]/);
  });
});

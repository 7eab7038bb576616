/**
 * The engine's verdict (src/engine/verdict.ts), applicability (applicability.ts) and waivers (waivers.ts),
 * as pure functions: how a scenario ended becomes exactly one status, nothing passes by default, and a
 * waiver is decided once and carried by the verdict into the result.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decideVerdict, itemVerdict, type CheckEnd } from '../../src/engine/verdict.js';
import { containerRule } from '../../src/engine/applicability.js';
import { waiverFor, withWaiver } from '../../src/engine/waivers.js';
import { buildResult } from '../../src/engine/result.js';
import { loadPolicy } from '../../src/policy/policy.js';
import type { ComplianceItem, RunInfo } from '../../src/model/result.js';

const end = (e: Partial<CheckEnd>): CheckEnd => ({ outcome: 'PASSED', offline: [], ...e });
const run: RunInfo = {
  benchmarkId: 'cis-ubuntu-18.04-v2.1.0', target: { kind: 'rootfs', uri: 'rootfs:/srv/img', os: null },
  roundTrips: 3, bytesRead: 10, warnings: [], startedAt: '2026-12-07T00:00:00.000Z',
};

describe('the verdict of an item from how its check ended', () => {
  it('passes only when every step passed and nothing was left unchecked', () => {
    expect(decideVerdict(end({}))).toEqual({ status: 'pass' });
    expect(decideVerdict(end({ offline: [{ what: 'running sysctl', reason: 'offline root filesystem' }] }))).toEqual({
      status: 'not-applicable',
      reason: 'offline root filesystem: running sysctl not checked; the persistent configuration was checked and complies',
    });
  });

  it('a violation fails; any other thrown error is an error with its first line', () => {
    expect(decideVerdict(end({ outcome: 'FAILED', failure: 'mode 0644' }))).toEqual({ status: 'fail', reason: 'mode 0644' });
    expect(decideVerdict(end({ outcome: 'FAILED', message: 'EACCES: /etc/shadow\n    at x' }))).toEqual({ status: 'error', reason: 'EACCES: /etc/shadow' });
    expect(decideVerdict(end({ outcome: 'FAILED' }))).toEqual({ status: 'error', reason: 'the check failed to run' });
  });

  it('an early end keeps its status and reason; a skip without one is an error', () => {
    expect(decideVerdict(end({ outcome: 'SKIPPED', ended: { status: 'manual', reason: 'review the banner' } }))).toEqual({ status: 'manual', reason: 'review the banner' });
    expect(decideVerdict(end({ outcome: 'SKIPPED', ended: { status: 'not-applicable', reason: 'no GDM' } }))).toEqual({ status: 'not-applicable', reason: 'no GDM' });
    expect(decideVerdict(end({ outcome: 'SKIPPED' })).status).toBe('error');
  });

  it('pending, undefined, ambiguous and unknown outcomes are errors, never a pass', () => {
    for (const outcome of ['PENDING', 'UNDEFINED', 'AMBIGUOUS', 'UNKNOWN', undefined, 'SOMETHING-NEW']) {
      const v = decideVerdict(end({ outcome }));
      expect(v.status, String(outcome)).toBe('error');
      expect(v.reason, String(outcome)).toBeTruthy();
    }
  });

  it('escapes text from the target and keeps a fix only for a failing item', () => {
    const remediation = { summary: 'set the mode', changes: [] };
    const failing = itemVerdict({ ...end({ outcome: 'FAILED', failure: 'line \u001b[31m red' }), id: '6.1.2', evidence: [{ source: '/etc/x\nY', excerpt: 'a\u0000b' }], remediation, durationMs: 1, run });
    expect(failing.reason).not.toContain('\u001b');
    expect(failing.evidence[0].source).not.toContain('\n');
    expect(failing.evidence[0].excerpt).not.toContain('\u0000');
    expect(failing.remediation).toBe(remediation);
    const passing = itemVerdict({ ...end({}), id: '6.1.2', evidence: [], remediation, durationMs: 1, run });
    expect(passing.remediation).toBeUndefined();
  });
});

describe('the container rule', () => {
  it('applies on docker targets to host-only tags, and nowhere else', () => {
    expect(containerRule('docker', ['@id:1.1.1.1', '@host:kernel'])).toMatch(/^container: kernel modules/);
    expect(containerRule('docker-image', ['@host:bootloader'])).toMatch(/no bootloader/);
    expect(containerRule('rootfs', ['@host:kernel'])).toBeUndefined();
    expect(containerRule('docker', ['@id:5.2.1'])).toBeUndefined();
  });
});

describe('waivers, decided once', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-waivers-'));
  const file = path.join(dir, 'policy.yaml');
  writeFileSync(file, [
    'name: t', 'benchmark: cis-ubuntu-18.04-v2.1.0', 'profile: level-2', 'waivers:',
    '  - id: "1.1.2"', '    reason: "layout fixed by the image"',
    '  - id: "6.1.2"', '    reason: "old"', '    expires: "2020-01-01"',
    '  - id: "1.3.1"', '    reason: "ssh only"', '    scope: { kinds: [ssh] }',
    '  - tags: "@level:2 and @id:1.1.5"', '    reason: "by tag"', '',
  ].join('\n'));
  const policy = loadPolicy(file);
  const today = new Date('2026-12-07T12:00:00Z');
  const target = { kind: 'rootfs', uri: 'rootfs:/srv/img' };

  it('by id, by tag expression, with expiry and scope', () => {
    expect(waiverFor(policy, '1.1.2', ['@id:1.1.2'], target, today)).toMatchObject({ waiver: { reason: 'layout fixed by the image' }, expired: false });
    expect(waiverFor(policy, '6.1.2', ['@id:6.1.2'], target, today)).toMatchObject({ expired: true });
    expect(waiverFor(policy, '1.3.1', ['@id:1.3.1'], target, today)).toBeUndefined();
    expect(waiverFor(policy, '1.3.1', ['@id:1.3.1'], { kind: 'ssh', uri: 'ssh://a' }, today)).toBeDefined();
    expect(waiverFor(policy, '1.1.5', ['@id:1.1.5', '@level:2'], target, today)).toMatchObject({ waiver: { reason: 'by tag' } });
    expect(waiverFor(policy, '1.1.5', ['@id:1.1.5', '@level:1'], target, today)).toBeUndefined();
    expect(waiverFor(undefined, '1.1.2', [], target, today)).toBeUndefined();
  });

  it('a waived item keeps its observed verdict; an expired one only notes the waiver; unknown is never waived', () => {
    const item: ComplianceItem = { id: '1.1.2', title: 't', section: 's', level: 1, scored: true, status: 'fail', evidence: [], durationMs: 0 };
    const d = waiverFor(policy, '1.1.2', [], target, today);
    expect(withWaiver(item, d)).toMatchObject({ status: 'waived', observed: 'fail', waiver: { reason: 'layout fixed by the image' } });
    const e = waiverFor(policy, '6.1.2', [], target, today);
    expect(withWaiver({ ...item, id: '6.1.2' }, e)).toMatchObject({ status: 'fail', expiredWaiver: { reason: 'old' } });
    expect(withWaiver({ ...item, status: 'unknown' }, d).status).toBe('unknown');
  });

  it('the result takes the waiver from the verdict and does not decide it again', () => {
    const verdict = itemVerdict({ ...end({ outcome: 'FAILED', failure: 'no separate /tmp' }), id: '1.1.2', evidence: [], durationMs: 1, run,
      waiver: waiverFor(policy, '1.1.2', ['@id:1.1.2'], target, today) });
    // a verdict without a waiver decision stays as it is, whatever the policy says
    const undecided = itemVerdict({ ...end({ outcome: 'FAILED', failure: 'x' }), id: '1.1.5', evidence: [], durationMs: 1, run });
    const report = buildResult({
      benchmarkId: 'cis-ubuntu-18.04-v2.1.0', withScenario: new Set(['1.1.2', '1.1.5', '1.1.6']), selected: new Set(['1.1.2', '1.1.5', '1.1.6']),
      verdicts: [verdict, undecided], selection: { level: 2, scoredOnly: false, only: [], tags: null }, policy, finishedAt: today,
      tagsById: new Map([['1.1.6', ['@id:1.1.6']]]),
    });
    const byId = new Map(report.items.map((i) => [i.id, i]));
    expect(byId.get('1.1.2')).toMatchObject({ status: 'waived', observed: 'fail' });
    expect(byId.get('1.1.5')).toMatchObject({ status: 'fail' });
    expect(byId.get('1.1.6')).toMatchObject({ status: 'error', reason: 'the scenario was selected but reported no verdict' });
    expect(report.summary.waived).toBe(1);
    expect(report.policy?.name).toBe('t');
  });
});

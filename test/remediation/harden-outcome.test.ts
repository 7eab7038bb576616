/**
 * How a hardening run's outcome is judged and printed, from the audits before and after
 * (src/remediation/comparison.ts, summary.ts): an item that did not fail before and fails (or cannot be
 * measured) after is "made worse" and is printed first; the score before → after and both reports; the
 * rollback command quoted for a shell, with every option needed to reach the target again.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { repoRoot } from '../support/fixtures.js';
import type { ComplianceItem, ComplianceReport } from '../../src/model/result.js';
import type { HardenReport } from '../../src/remediation/harden.js';
import type { Target } from '../../src/targets/target.js';

const mod = async () => (await import(path.join(repoRoot, 'dist/src/remediation/comparison.js'))) as typeof import('../../src/remediation/comparison.js');
const summary = async () => (await import(path.join(repoRoot, 'dist/src/remediation/summary.js'))) as typeof import('../../src/remediation/summary.js');

const item = (id: string, status: ComplianceItem['status'], reason?: string) => ({ id, title: `item ${id}`, status, scored: true, level: 1, section: '1', evidence: [], ...(reason ? { reason } : {}) }) as unknown as ComplianceItem;
const report = (items: ComplianceItem[], selection: Partial<ComplianceReport['selection']> = {}) =>
  ({ items, selection: { level: 2, scoredOnly: false, only: [], tags: null, ...selection } }) as unknown as ComplianceReport;

describe('made worse', () => {
  it('is a status that was sound (pass, not applicable) and is failing or unmeasured now', async () => {
    const { isWorse } = await mod();
    const cases: Array<[ComplianceItem['status'], ComplianceItem['status'], boolean]> = [
      ['pass', 'fail', true], ['not-applicable', 'fail', true], ['pass', 'error', true], ['not-applicable', 'unknown', true],
      ['fail', 'fail', false], ['fail', 'error', false], ['error', 'fail', false], ['pass', 'not-applicable', false],
      ['not-applicable', 'pass', false], ['waived', 'fail', false], ['manual', 'fail', false], ['not-selected', 'fail', false],
    ];
    for (const [was, now, worse] of cases) expect(`${was} -> ${now}: ${isWorse(was, now)}`).toBe(`${was} -> ${now}: ${worse}`);
  });

  it('is looked for in the whole audit, not only among the planned items', async () => {
    const { itemsMadeWorse } = await mod();
    const before = report([item('1.1.6', 'fail'), item('1.1.9', 'not-applicable'), item('5.3.1', 'pass'), item('5.3.2', 'fail')]);
    const after = report([item('1.1.6', 'pass'), item('1.1.9', 'fail', 'noexec is not among the options'), item('5.3.1', 'pass'), item('5.3.2', 'error')]);
    expect(itemsMadeWorse(before, after).map((w) => `${w.after.id} ${w.before.status} -> ${w.after.status}`)).toEqual(['1.1.9 not-applicable -> fail']);
  });
});

describe('the printed outcome', () => {
  const base: HardenReport = {
    runId: '20261207T060635-9a3551d0b289', dryRun: false, target: 'rootfs:/mnt/copy', benchmark: 'cis-ubuntu-18.04-v2.1.0', policy: null,
    profile: 'Level 2 (Level 1 and 2 items)', backedUp: [], packagesRemoved: [], backupDir: '/var/lib/cis-bdd/runs/20261207T060635-9a3551d0b289',
    plan: [{ id: '1.1.6', title: 'Ensure /dev/shm is configured', summary: 'configure /dev/shm in /etc/fstab', files: [], commands: [] }],
    outcomes: [
      { id: '1.1.6', title: 'Ensure /dev/shm is configured', outcome: 'fixed' },
      { id: '5.4.2', title: 'Ensure lockout for failed password attempts is configured', outcome: 'needs a person', steps: ['add pam_tally2'] },
      { id: '1.1.9', title: 'Ensure noexec option set on /dev/shm partition', outcome: 'made worse', reason: 'not-applicable before the run, fail now (no round was left for its fix (at most 4)): noexec is not among the options' },
    ],
    score: { before: 45.2, after: 88.7 }, reports: { before: '/r/before/compliance.json', after: '/r/after/compliance.json' },
    rollbackCommand: 'cis-bdd rollback --target rootfs:/mnt/copy --run 20261207T060635-9a3551d0b289',
  };

  it('names the item made worse first among the others, counts it, and ends with score, reports and the rollback command', async () => {
    const { formatHardenSummary } = await summary();
    const lines = formatHardenSummary(base).split('\n');
    expect(lines.slice(1, 5)).toEqual([
      'Hardening 20261207T060635-9a3551d0b289 of rootfs:/mnt/copy', 'Benchmark: cis-ubuntu-18.04-v2.1.0',
      'Profile:   Level 2 (Level 1 and 2 items)', 'Policy:    none (no --policy: the profile above selects the items)',
    ]);
    const others = lines.indexOf('-'.repeat(72), 6) + 1;
    expect(lines[others]).toBe('1.1.9      MADE WORSE     Ensure noexec option set on /dev/shm partition — not-applicable before the run, fail now (no round was left for its fix (at most 4)): noexec is not among the options');
    expect(lines.slice(-7)).toEqual([
      '1 fixed, 0 still failing, 1 made worse, 0 skipped, 1 need a person',
      'Score: 45.2% before → 88.7% after',
      'Before: /r/before/compliance.json',
      'After:  /r/after/compliance.json',
      'Backups on the target: /var/lib/cis-bdd/runs/20261207T060635-9a3551d0b289',
      'To undo this run: cis-bdd rollback --target rootfs:/mnt/copy --run 20261207T060635-9a3551d0b289',
      '',
    ]);
  });

  it('a run with nothing to apply says so instead of an after score', async () => {
    const { formatHardenSummary } = await summary();
    const r: HardenReport = { ...base, plan: [], outcomes: [], backupDir: null, rollbackCommand: null, score: { before: 89.4, after: null }, reports: { before: '/r/before/compliance.json', after: null } };
    const text = formatHardenSummary(r);
    expect(text).toContain('\n0 fixed, 0 still failing, 0 made worse, 0 skipped, 0 need a person\nScore: 89.4% (nothing was applied)\nBefore: /r/before/compliance.json\n');
    expect(text).not.toMatch(/After:|To undo/);
  });

  it('an item a round made worse and the next round fixed is printed as fixed, with what happened', async () => {
    const { formatHardenSummary } = await summary();
    const r: HardenReport = {
      ...base,
      plan: [...base.plan, { id: '1.1.9', title: 'Ensure noexec option set on /dev/shm partition', summary: 'mount /dev/shm with noexec at boot', files: [], commands: [], madeWorseInRound: 1 }],
      outcomes: [base.outcomes[0], { id: '1.1.9', title: 'Ensure noexec option set on /dev/shm partition', outcome: 'fixed', reason: 'not-applicable before the run, made to fail by round 1; fixed again by the next round (now pass)' }],
    };
    expect(formatHardenSummary(r)).toMatch(/^1\.1\.9 +FIXED +mount \/dev\/shm with noexec at boot\n +not-applicable before the run, made to fail by round 1; fixed again by the next round \(now pass\)$/m);
  });
});

describe('the rollback command', () => {
  const target = (kind: Target['kind'], uri: string) => ({ kind, uri }) as Target;

  it('names the target and the run, and for SSH the key, known hosts and sudo, quoted for a shell', async () => {
    const { rollbackCommand } = await mod();
    expect(rollbackCommand(target('rootfs', 'rootfs:/mnt/my copy'), 'R1', {})).toBe("cis-bdd rollback --target 'rootfs:/mnt/my copy' --run R1");
    expect(rollbackCommand(target('local', 'local'), 'R1', { command: '/opt/cis-bdd/bin/cis-bdd.mjs', sudo: true })).toBe('/opt/cis-bdd/bin/cis-bdd.mjs rollback --target local --run R1');
    expect(rollbackCommand(target('ssh', 'ssh://ops@node-1:22'), 'R1', { identityFile: '/home/o/.ssh/id key', knownHostsFile: '/k/known_hosts', sudo: true }))
      .toBe("cis-bdd rollback --target ssh://ops@node-1:22 --run R1 --identity '/home/o/.ssh/id key' --known-hosts /k/known_hosts --sudo");
    expect(rollbackCommand(target('docker', 'docker://web-1'), 'R1', {})).toBe('cis-bdd rollback --target docker://web-1 --run R1');
    // the hardened image is a new image: the original is unchanged, there is nothing to roll back
    expect(rollbackCommand(target('docker-image', 'docker-image://base:1.0'), 'R1', {})).toBeNull();
  });

  it('a shell word is left as it is when it can be, else single-quoted', async () => {
    const { shellWord } = (await import(path.join(repoRoot, 'dist/src/model/text.js'))) as typeof import('../../src/model/text.js');
    expect(shellWord('rootfs:/a/b-c_d.e')).toBe('rootfs:/a/b-c_d.e');
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });
});

describe('the profile in the plan header', () => {
  it('says the level, scored only, and the ids as given', async () => {
    const { profileOf } = await mod();
    expect(profileOf(report([], { level: 1, scoredOnly: true }))).toBe('Level 1 only, scored items only');
    expect(profileOf(report([], { level: 2, only: ['1.1.1.1', '1.1.1.2'] }), ['1.1.1'])).toBe('Level 2 (Level 1 and 2 items), only 1.1.1');
    expect(profileOf(report([], { level: 2, only: ['1.1.1.1', '1.1.1.2'] }))).toBe('Level 2 (Level 1 and 2 items), only 2 item(s) by id');
  });
});

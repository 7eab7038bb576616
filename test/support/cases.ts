/**
 * Table-driven pass/fail cases for benchmark items on the real Ubuntu 18.04 root filesystem.
 * A case names one item, the verdict the benchmark's rule calls for after the case's change, and the
 * change itself (applied on an overlay over the shared base). The run covers `scope` (ids or section
 * prefixes); every other item in the run must keep the status it has on the unchanged base, except those
 * the case lists in `alsoChanges` with their expected new status.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Layer } from './fixtures.js';
import { ensureUbuntuBase, withOverlay } from './fixtures.js';
import { audit, changedItems, statusOf } from './audit.js';
import type { ComplianceReport } from '../../src/model/result.js';

export interface ItemCase {
  id: string;
  expect: 'pass' | 'fail' | 'error' | 'not-applicable' | 'manual';
  /** what the case does, in words */
  given: string;
  change: (layer: Layer) => void | Promise<void>;
  alsoChanges?: Record<string, string>;
  /** a check on the item's evidence or reason */
  reason?: RegExp;
}

export interface CaseOptions {
  /** the unchanged tree the cases layer over (default: the Ubuntu 18.04 fixture) */
  base?: () => string;
}

export function rootfsItemCases(benchmark: string, scope: string[], cases: ItemCase[], options: CaseOptions = {}): void {
  describe(`${benchmark} ${scope.join(',')} on rootfs`, () => {
    let base: string;
    let baseline: ComplianceReport;
    beforeAll(async () => {
      base = (options.base ?? ensureUbuntuBase)();
      baseline = (await audit({ target: `rootfs:${base}`, benchmark, only: scope })).report;
    });
    for (const c of cases) {
      it(`${c.id} ${c.expect}: ${c.given}`, async () => {
        const report = await withOverlay(base, c.change, async (root) =>
          (await audit({ target: `rootfs:${root}`, benchmark, only: scope })).report);
        const item = report.items.find((i) => i.id === c.id)!;
        expect(item.status, `${c.id}: ${item.reason ?? ''}\n${JSON.stringify(item.evidence, null, 1)}`).toBe(c.expect);
        if (c.reason) expect(`${item.reason ?? ''}\n${item.evidence.map((e) => `${e.source}: ${e.excerpt}`).join('\n')}`).toMatch(c.reason);
        const expectedOthers = Object.entries(c.alsoChanges ?? {}).map(([id, s]) => `${id}: ${statusOf(baseline, id)} -> ${s}`);
        const others = changedItems(baseline, report).filter((line) => !line.startsWith(`${c.id}:`));
        expect(others.sort()).toEqual(expectedOthers.sort());
      });
    }
  });
}

/**
 * The fact store: facts gathered at the same time share their round trips, and a whole-benchmark audit
 * starts the facts it will need at once (warmUp) without sending more round trips than gathering them
 * one after the other. Against real targets: the Ubuntu fixture tree and a running container.
 */
import { describe, expect, it } from 'vitest';
import { FactStore, type FactDef } from '../../src/facts/store.js';
import { openTarget } from '../../src/targets/index.js';
import { openSession, WARM_FACTS, warmFactsFor, warmUp, type Selection } from '../../src/engine/session.js';
import { filesystemScan, packageFileChanges } from '../../src/facts/filesystem.js';
import { runningSysctl } from '../../src/facts/sysctl.js';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { IMAGES, withContainer } from '../support/containers.js';

const BENCHMARK = 'cis-ubuntu-18.04-v2.1.0';
const WHOLE: Selection = { level: 2, scoredOnly: false, only: [], tags: null };
// what a whole Level 2 audit gathers early, every level's facts
const WARM = WARM_FACTS.map(([d]) => d);

const settle = (store: FactStore, defs: FactDef<unknown>[]) => Promise.allSettled(defs.map((d) => store.get(d)));
const outcome = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? JSON.stringify(r.value) : `error: ${(r.reason as Error).message}`);

describe('the fact store', () => {
  it('sends one read for files asked for at the same time, and one stat', async () => {
    const target = openTarget(`rootfs:${ensureUbuntuBase()}`);
    await target.connect();
    const store = new FactStore(target);
    const before = target.counters.roundTrips;
    const [both, passwd, group] = await Promise.all([
      store.readMany(['/etc/passwd', '/etc/group']), store.readMany(['/etc/passwd']), store.text('/etc/group'),
    ]);
    expect(target.counters.roundTrips - before).toBe(1);
    expect(passwd[0]).toBe(both[0]);
    expect(group).toBe(both[1].state === 'file' ? both[1].content.toString('utf8') : null);
    expect(group).toMatch(/^root:x:0:/);

    const statsBefore = target.counters.roundTrips;
    const [a, b] = await Promise.all([store.stat(['/etc/shadow', '/no/such/path']), store.stat(['/etc/shadow'])]);
    expect(target.counters.roundTrips - statsBefore).toBe(1);
    expect(a.get('/etc/shadow')?.mode).toBe(b.get('/etc/shadow')?.mode);
    expect(a.get('/no/such/path')).toBeNull();
    await target.close();
  });

  for (const kind of ['rootfs', 'docker'] as const) {
    it(`warms a whole-benchmark audit's facts at once with the same results and round trips as one by one (${kind})`, async () => {
      const run = async (uri: string) => {
        const open = async () => {
          const target = openTarget(uri);
          await target.connect();
          return openSession(target, BENCHMARK, { ...WHOLE });
        };
        const warm = await open();
        const start = warm.target.counters.roundTrips;
        expect(warmUp(warm)).toBe(true);
        const warmed = await settle(warm.facts, WARM);
        const warmTrips = warm.target.counters.roundTrips - start;
        await warm.target.close();

        const lazy = await open();
        const lazyStart = lazy.target.counters.roundTrips;
        const oneByOne: PromiseSettledResult<unknown>[] = [];
        for (const d of WARM) oneByOne.push(...(await settle(lazy.facts, [d])));
        const lazyTrips = lazy.target.counters.roundTrips - lazyStart;
        await lazy.target.close();

        expect(warmed.map(outcome)).toEqual(oneByOne.map(outcome));
        expect(warmTrips).toBe(lazyTrips);
        expect(warmTrips).toBeGreaterThan(0);
        return warmed;
      };
      if (kind === 'rootfs') {
        const results = await run(`rootfs:${ensureUbuntuBase()}`);
        // the walk of the whole tree ran, and running state is not readable on a tree
        expect(results[WARM.indexOf(filesystemScan)].status).toBe('fulfilled');
        expect(outcome(results[WARM.indexOf(runningSysctl)])).toMatch(/^error: /);
      } else {
        await withContainer(IMAGES.ubuntuStock, undefined, async (c) => {
          const results = await run(c.uri);
          expect(results[WARM.indexOf(runningSysctl)].status).toBe('fulfilled');
        });
      }
    });
  }

  it('gathers the package file verification (6.1.1, not scored) early only when not-scored Level 2 items run', () => {
    expect(warmFactsFor(WHOLE)).toContain(packageFileChanges);
    expect(warmFactsFor({ ...WHOLE, scoredOnly: true })).not.toContain(packageFileChanges);
    expect(warmFactsFor({ ...WHOLE, level: 1 })).not.toContain(packageFileChanges);
    // everything else a scored audit needs is still gathered early
    expect(warmFactsFor({ ...WHOLE, scoredOnly: true })).toEqual(WARM.filter((d) => d !== packageFileChanges));
  });

  it('gathers nothing early for a narrower selection', async () => {
    const target = openTarget(`rootfs:${ensureUbuntuBase()}`);
    await target.connect();
    for (const narrower of [{ only: ['1.1.1.1'] }, { tags: '@level:1' }, { include: ['6'] }, { exclude: ['1'] }]) {
      const session = await openSession(target, BENCHMARK, { ...WHOLE, ...narrower });
      const before = target.counters.roundTrips;
      expect(warmUp(session)).toBe(false);
      await new Promise((r) => setTimeout(r, 50));
      expect(target.counters.roundTrips).toBe(before);
    }
    await target.close();
  });
});

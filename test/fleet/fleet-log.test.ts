/**
 * Reports in pod logs (src/fleet-log.ts): what a pod prints is read back byte for byte, through the
 * prefixes kubectl adds, and a block that was cut short, mixed with another pod's lines or damaged is
 * refused with its line, never read as a different report.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/fixtures.js';

const { encodeLogBlock, decodeLogBlocks } = await import(pathToFileURL(path.join(repoRoot, 'dist/src/fleet-log.js')).href) as typeof import('../../src/fleet-log.js');

const report = (node: string, n: number) => `${JSON.stringify({ target: { kind: 'rootfs', uri: 'rootfs:/host', node }, items: Array.from({ length: n }, (_, i) => ({ id: `1.${i}`, status: 'pass' })) }, null, 2)}\n`;

describe('report blocks in logs', () => {
  it('round-trips any text, between other log lines, with kubectl --prefix or --timestamps on every line', () => {
    fc.assert(fc.property(
      fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.constantFrom('', '[pod/cis-bdd-x7k2p/cis-bdd] ', '2026-12-07T03:00:01.123456789Z '),
      (json, prefix) => {
        const log = ['summary line', encodeLogBlock(json, 'worker-1').trimEnd(), 'after'].join('\n').split('\n').map((l) => prefix + l).join('\n');
        const { blocks, errors } = decodeLogBlocks(log);
        expect(errors).toEqual([]);
        expect(blocks).toEqual([{ line: 2, node: 'worker-1', json }]);
      },
    ), { seed: 16, numRuns: 200 });
  });

  it('finds every block of a log with several runs, in order', () => {
    const log = `${encodeLogBlock(report('a', 3), 'a')}noise\n${encodeLogBlock(report('b', 5), 'b')}${encodeLogBlock(report('a', 4), 'a')}`;
    const { blocks, errors } = decodeLogBlocks(log);
    expect(errors).toEqual([]);
    expect(blocks.map((b) => [b.node, JSON.parse(b.json).items.length])).toEqual([['a', 3], ['b', 5], ['a', 4]]);
  });

  it('refuses a block cut short, one without END, a stray END, and one interleaved with another pod', () => {
    const a = encodeLogBlock(report('a', 400), 'a').trimEnd().split('\n');
    const b = encodeLogBlock(report('b', 400), 'b').trimEnd().split('\n');
    expect(a.length).toBeGreaterThan(6);
    const cut = [...a.slice(0, 3), ...a.slice(4)].join('\n');
    expect(decodeLogBlocks(cut).errors).toEqual([{ line: 1, message: expect.stringMatching(/cannot be decoded|checksum/) }]);
    expect(decodeLogBlocks(a.slice(0, -1).join('\n')).errors).toEqual([{ line: 1, message: expect.stringMatching(/no END marker/) }]);
    expect(decodeLogBlocks(`x\n${a.at(-1)}`).errors).toEqual([{ line: 2, message: expect.stringMatching(/END marker without its BEGIN/) }]);
    const mixed = [a[0], a[1], b[2], ...a.slice(2)].join('\n');
    const m = decodeLogBlocks(mixed);
    expect(m.blocks).toEqual([]);
    expect(m.errors[0].line).toBe(1);
    const swapped = [a[0], ...b.slice(1, -1), a.at(-1)].join('\n');
    expect(decodeLogBlocks(swapped).errors[0].message).toMatch(/checksum does not match/);
  });

  it('keeps lines short (kubelet and log shippers split long lines)', () => {
    const lines = encodeLogBlock(report('worker-1', 2000), 'worker-1').trimEnd().split('\n');
    expect(Math.max(...lines.slice(1, -1).map((l) => l.length))).toBeLessThanOrEqual(76);
  });
});

/**
 * Which benchmark an OS gets, from the shipped manifests (benchmarks/<id>/benchmark.json): the one written
 * for its release by default, and with `--benchmark closest` the one of its family (README: "the benchmark
 * that matches /etc/os-release, or, on another OS of the same family (Debian, RHEL-like), the closest one").
 * The os-release lines are those the distributions ship. And a manifest that says something impossible is
 * refused, naming the file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarksWrittenFor, closestByFamily, parseManifest } from '../../src/engine/benchmarks.js';
import { parseOsRelease } from '../../src/facts/os-release.js';

const UBUNTU = 'cis-ubuntu-18.04-v2.1.0';
const ACL2 = 'cis-aliyun-linux-2-v1.0.0';
const release = (text: string) => parseOsRelease(text, '/etc/os-release');

describe('the benchmark an OS gets', () => {
  const cases: Array<[string, string, string[], string | null]> = [
    ['Ubuntu 18.04', 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="18.04"\n', [UBUNTU], UBUNTU],
    ['Ubuntu 20.04', 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="20.04"\n', [], UBUNTU],
    ['Alibaba Cloud Linux 2.1903', 'ID="alinux"\nID_LIKE="rhel fedora centos anolis"\nVERSION_ID="2.1903"\n', [ACL2], ACL2],
    ['Aliyun Linux 2', 'ID="aliyun"\nVERSION_ID="2"\n', [ACL2], ACL2],
    ['Alibaba Cloud Linux 3', 'ID="alinux"\nID_LIKE="rhel fedora centos anolis"\nVERSION_ID="3"\n', [], ACL2],
    ['Debian 12', 'ID=debian\nVERSION_ID="12"\n', [], UBUNTU],
    ['Linux Mint 21', 'ID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="21"\n', [], UBUNTU],
    ['CentOS 7', 'ID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\n', [], ACL2],
    ['Rocky Linux 9', 'ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n', [], ACL2],
    ['Alpine 3.19', 'ID=alpine\nVERSION_ID=3.19.1\n', [], null],
  ];
  for (const [name, text, writtenFor, closest] of cases) {
    it(`${name}: written for ${writtenFor.join(', ') || 'none'}; closest ${closest ?? 'none'}`, () => {
      const os = release(text);
      expect(benchmarksWrittenFor(os)).toEqual(writtenFor);
      expect(writtenFor[0] ?? closestByFamily(os)).toBe(closest);
    });
  }
});

describe('a manifest that says something impossible is refused, naming the file', () => {
  const folder = (id: string) => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-manifest-')), id);
    mkdirSync(path.join(dir, 'features'), { recursive: true });
    writeFileSync(path.join(dir, 'catalogue.csv'), 'id,title,level,scored,section\n');
    return path.join(dir, 'benchmark.json');
  };
  const good = { id: 'x-1', title: 'X', catalogue: 'catalogue.csv', features: 'features', os: { releases: [{ id: ['x'], versionId: ['1'] }], family: [] } };
  const cases: Array<[string, unknown, RegExp]> = [
    ['not JSON', '{', /not JSON/],
    ['an unknown key', { ...good, titel: 'X' }, /unknown key "titel"/],
    ['an id the folder does not carry', { ...good, id: 'y-1' }, /"id" is "y-1", but the folder is named "x-1"/],
    ['an id with capitals', { ...good, id: 'X-1' }, /"id" "X-1" is not a benchmark id/],
    ['a catalogue that is not there', { ...good, catalogue: 'nope.csv' }, /"catalogue": .*nope\.csv does not exist/],
    ['a features folder that is not there', { ...good, features: 'feats' }, /"features": .*feats is not a folder/],
    ['a release without versions', { ...good, os: { releases: [{ id: ['x'] }], family: [] } }, /"os\.releases\[0\]\.versionId" must be a list/],
    ['a tailoring default of the wrong type', { ...good, tailoring: [{ name: 'n', type: 'integer', default: '4', items: ['1'], description: 'd' }] }, /"tailoring\[0\]\.default": "n" must be an integer, got "4"/],
    ['a tailoring value declared twice', { ...good, tailoring: [1, 2].map(() => ({ name: 'n', type: 'integer', default: 4, items: ['1'], description: 'd' })) }, /tailoring "n" is declared twice/],
  ];
  for (const [what, manifest, message] of cases) {
    it(what, () => {
      const file = folder('x-1');
      const text = typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
      expect(() => parseManifest(text, file)).toThrow(message);
      expect(() => parseManifest(text, file)).toThrow(file);
    });
  }

  it('and the same folder with a sound manifest is read, paths resolved from its folder', () => {
    const file = folder('x-1');
    const m = parseManifest(JSON.stringify(good), file);
    expect(m).toMatchObject({ id: 'x-1', title: 'X', catalogue: path.join(path.dirname(file), 'catalogue.csv'), features: path.join(path.dirname(file), 'features'), tailoring: [] });
  });
});

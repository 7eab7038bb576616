/**
 * How the batched dpkg --verify run's output is read (src/facts/dpkg-verify.ts): which outputs stand, and
 * which send the fact back to one plain `dpkg --verify`. The real program is in
 * test/differential/dpkg-verify.test.ts; these are the decisions on outputs that are hard to provoke there.
 */
import { describe, expect, it } from 'vitest';
import { readBatchedOutput, sortVerifyLines } from '../../src/facts/dpkg-verify.js';
import { parseDpkgVerify } from '../../src/facts/filesystem.js';

const ok = ['#mode batches', '#query 0', '#batches 2', '??5??????   /bin/ls', '#exit 0', '#guard ok', 'missing   c /etc/issue', '#exit 0'].join('\n');

describe('the batched dpkg --verify output', () => {
  it('stands when every batch finished with 0 or 1 and the guard found no shared file; markers are not lines', () => {
    expect(readBatchedOutput(ok)).toEqual({ lines: ['??5??????   /bin/ls', 'missing   c /etc/issue'], fallback: null });
    expect(readBatchedOutput(ok.replace('#exit 0\n#guard', '#exit 1\n#guard')).fallback).toBeNull();
  });

  it('falls back when a batch is missing, failed, the guard saw a shared file or did not finish, or dpkg-query failed', () => {
    expect(readBatchedOutput(ok.replace('#batches 2', '#batches 3')).fallback).toBe('2 of 3 batches finished');
    expect(readBatchedOutput(ok.replace('#exit 0\n#guard', '#exit 2\n#guard')).fallback).toBe('a batch of dpkg --verify exited 2');
    expect(readBatchedOutput(ok.replace('#guard ok', '#context /etc/foo.conf')).fallback).toBe("/etc/foo.conf is checked against another package's hash or conffile");
    expect(readBatchedOutput(ok.replace('#guard ok\n', '')).fallback).toBe('the package database could not be read for the guard');
    expect(readBatchedOutput(ok.replace('#query 0', '#query 2')).fallback).toBe('dpkg-query exited 2');
    expect(readBatchedOutput('').fallback).toBe('the batched run did not start');
  });

  it('takes the plain run of a one-processor target as it is, unless dpkg gave up', () => {
    expect(readBatchedOutput('#mode full\n??5??????   /bin/ls\n#exit 0\n')).toEqual({ lines: ['??5??????   /bin/ls'], fallback: null });
    expect(readBatchedOutput('#mode full\n#exit 2\n').fallback).toBe('dpkg --verify exited 2');
  });

  it('sorts lines by path, then by the whole line (one path from two packages)', () => {
    const lines = ['??5??????   /usr/b', 'missing   c /etc/a', '??5?????? c /usr/b', 'missing     /usr/b'].join('\n');
    expect(sortVerifyLines(parseDpkgVerify(lines)).map((c) => c.line)).toEqual(['missing   c /etc/a', '??5??????   /usr/b', '??5?????? c /usr/b', 'missing     /usr/b']);
  });
});

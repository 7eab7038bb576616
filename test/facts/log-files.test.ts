/** Summarising the walk of /var/log. */
import { describe, expect, it } from 'vitest';
import { summariseLogFiles } from '../../src/facts/log-files.js';
import type { WalkEntry } from '../../src/targets/target.js';

const entry = (path: string, type: string, mode: number): WalkEntry => ({ path, type, mode, uid: 0, gid: 0, size: 0 });

describe('summariseLogFiles', () => {
  it('keeps regular files with group write or execute, or any permission for others; not directories or links', () => {
    const s = summariseLogFiles(['/var/log'], [
      entry('/var/log', 'd', 0o775),
      entry('/var/log/syslog', 'f', 0o640),
      entry('/var/log/wtmp', 'f', 0o664),
      entry('/var/log/btmp', 'f', 0o660),
      entry('/var/log/run.sh', 'f', 0o650),
      entry('/var/log/private', 'f', 0o600),
      entry('/var/log/other-read', 'f', 0o604),
      entry('/var/log/link', 'l', 0o777),
      entry('/var/log/apt', 'd', 0o755),
    ]);
    expect(s.tooOpen.map((e) => e.path)).toEqual(['/var/log/btmp', '/var/log/other-read', '/var/log/run.sh', '/var/log/wtmp']);
    expect(s.regularFiles).toBe(6);
    expect(s.entriesWalked).toBe(9);
  });

  it('counts an entry seen from two walk roots once', () => {
    const s = summariseLogFiles(['/var/log', '/var/log/audit'], [
      entry('/var/log/audit', 'd', 0o750), entry('/var/log/audit', 'd', 0o750), entry('/var/log/audit/audit.log', 'f', 0o644),
    ]);
    expect(s.entriesWalked).toBe(2);
    expect(s.tooOpen).toHaveLength(1);
  });
});

/** Auditing never writes to the target: a full audit leaves every file of a root filesystem unchanged. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { ensureUbuntuBase } from '../support/fixtures.js';
import { audit } from '../support/audit.js';

/** One line per entry: type, mode, owner, size, mtime, path, and the content hash of regular files. */
function snapshot(root: string): string {
  const meta = execFileSync('find', [root, '-xdev', '-printf', '%y %m %U:%G %s %T@ %p\\n'], { maxBuffer: 256 << 20 }).toString();
  const sums = execFileSync('sh', ['-c', `cd '${root}' && find . -xdev -type f -print0 | sort -z | xargs -0 sha256sum`], { maxBuffer: 256 << 20 }).toString();
  return `${meta.split('\n').sort().join('\n')}\n${sums}`;
}

describe('read-only audits', () => {
  it('a full audit of a rootfs changes no file, mode, owner or timestamp', async () => {
    const root = ensureUbuntuBase();
    const before = snapshot(root);
    const result = await audit({ target: `rootfs:${root}`, benchmark: 'cis-ubuntu-18.04-v2.1.0' });
    expect(result.report.summary.total).toBe(242);
    const after = snapshot(root);
    expect(after === before, 'the root filesystem changed during the audit').toBe(true);
  }, 300_000);
});

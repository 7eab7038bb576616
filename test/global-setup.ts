import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUbuntuBase } from './support/fixtures.js';

/**
 * Unpack the Ubuntu fixture once, and give the run a scratch directory of its own as TMPDIR: the report
 * directories, overlays and stand-in packages the tests make under os.tmpdir() go there (the test workers
 * inherit it) and are removed with it when the run ends, instead of piling up in /tmp.
 */
export default function setup(): () => void {
  ensureUbuntuBase();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-test-run-'));
  process.env.TMPDIR = scratch;
  return () => {
    delete process.env.TMPDIR;
    rmSync(scratch, { recursive: true, force: true });
  };
}

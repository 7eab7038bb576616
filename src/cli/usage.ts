/** How every command ends on bad input: one line on stderr, exit 2, no stack trace. */
import { UsageError } from '../engine/usage-error.js';

export function usageExit(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`cis-bdd: ${e.label}: ${e.message}\n`);
    return 2;
  }
  throw e;
}

/**
 * What the CLI adds around an audit for hostile targets: the first Ctrl-C or SIGTERM interrupts the audit
 * (the report so far is written, exit 130/143), the second exits at once; and --timeout and
 * --max-file-size, checked.
 */
import { UsageError } from '../engine/usage-error.js';

/**
 * Ctrl-C / SIGTERM during an audit: the first stops the audit's use of the target and lets the report be
 * written with what was measured (marked interrupted, exit 130/143); the second exits at once.
 */
export function onInterrupt(): { received?: 'SIGINT' | 'SIGTERM'; remove(): void } {
  const state: { received?: 'SIGINT' | 'SIGTERM'; remove(): void } = { remove: () => undefined };
  const handler = (signal: 'SIGINT' | 'SIGTERM') => {
    if (state.received) {
      process.stderr.write(`cis-bdd: ${signal} again: exiting now, the report is not finished\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    state.received = signal;
    process.stderr.write(`cis-bdd: ${signal}: stopping; the report will say what was measured (send it again to exit at once)\n`);
    void import('../api.js').then((m) => m.interruptAudits(signal));
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  state.remove = () => { process.off('SIGINT', onInt); process.off('SIGTERM', onTerm); };
  return state;
}

/** --timeout and --max-file-size, checked; a bad value is a usage error. */
export function limitOptions(timeout: string | undefined, maxFileSize: string | undefined): { timeoutSeconds?: number; maxFileBytes?: number } {
  const out: { timeoutSeconds?: number; maxFileBytes?: number } = {};
  if (timeout !== undefined) {
    const n = Number(timeout);
    if (!/^\d+(\.\d+)?$/.test(timeout.trim()) || !(n > 0)) throw new UsageError(`--timeout must be a positive number of seconds (got "${timeout}")`);
    out.timeoutSeconds = n;
  }
  if (maxFileSize !== undefined) {
    const m = /^(\d+)\s*([kmg]?)(i?b)?$/i.exec(maxFileSize.trim());
    const bytes = m ? Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase()) : NaN;
    if (!m || !(bytes >= 1) || !Number.isSafeInteger(bytes)) throw new UsageError(`--max-file-size must be a size such as 8M, 512K or 1048576 (got "${maxFileSize}")`);
    out.maxFileBytes = bytes;
  }
  return out;
}


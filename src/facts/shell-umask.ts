/** The umask builtin's arithmetic: a pure function of the old umask and the value written. */
import type { UmaskValue } from './shell-state.js';

const UNKNOWN = '*';

/** A new umask from the old one, as bash's umask builtin computes it; null when bash rejects the value. */
export function applyUmask(old: UmaskValue, written: string): UmaskValue | null {
  if (/^[0-7]+$/.test(written)) { const n = parseInt(written, 8); return n > 0o777 ? null : n; }
  if (!/^[ugoa]*[=+-][rwx]*(,[ugoa]*[=+-][rwx]*)*$/.test(written)) return null;
  if (typeof old !== 'number') return UNKNOWN as UmaskValue;
  let allowed = ~old & 0o777;
  for (const clause of written.split(',')) {
    const m = /^([ugoa]*)([=+-])([rwx]*)$/.exec(clause)!;
    const who = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1];
    let perms = 0;
    for (const p of m[3]) perms |= p === 'r' ? 4 : p === 'w' ? 2 : 1;
    for (const w of new Set(who)) {
      const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0;
      if (m[2] === '=') allowed = (allowed & ~(7 << shift)) | (perms << shift);
      else if (m[2] === '+') allowed |= perms << shift;
      else allowed &= ~(perms << shift);
    }
  }
  return ~allowed & 0o777;
}

/**
 * Whether a `never` audit rule takes events away from a rule that comes after it. The kernel tries the
 * rules of the exit list (syscall rules and watches alike) in the order they were added (`-A` puts a rule
 * first) and stops at the first that matches: a `never` rule before an `always` rule silences every event
 * both match. A `never` rule on the task list keeps whole processes out of syscall auditing, wherever it
 * is. Two rules can match the same event unless their conditions exclude each other: different values of
 * one field (`arch=b32` and `arch=b64`), number ranges that do not meet (`auid<1000` and `auid>=1000`), or
 * paths in different places. Anything this cannot tell apart is taken to overlap: a `never` rule that may
 * silence a required event is not ignored.
 */
import type { AuditRule } from './audit-rules.js';

interface Condition { name: string; op: string; value: string }

const UNSET = 4294967295;

function condition(field: string): Condition | undefined {
  if (field.startsWith('C:')) return undefined;
  const m = /^([a-z0-9_]+)(!=|>=|<=|&=|=|>|<|&)(.*)$/.exec(field);
  return m ? { name: m[1], op: m[2], value: m[3] } : undefined;
}

const numeric = (v: string): number | undefined => (v === 'unset' ? UNSET : /^-?\d+$/.test(v) ? Number(v) : undefined);

function holds(x: number, op: string, v: number): boolean {
  switch (op) {
    case '=': return x === v;
    case '!=': return x !== v;
    case '<': return x < v;
    case '>': return x > v;
    case '<=': return x <= v;
    case '>=': return x >= v;
    default: return true;
  }
}

const under = (p: string, dir: string) => p === dir || p.startsWith(dir === '/' ? '/' : `${dir}/`);

/** Whether no event can satisfy both conditions (on the same field, or path and dir). */
function exclusive(a: Condition, b: Condition): boolean {
  const paths = new Set(['path', 'dir']);
  if (paths.has(a.name) && paths.has(b.name)) {
    if (a.op !== '=' || b.op !== '=') return false;
    if (a.name === 'path' && b.name === 'path') return a.value !== b.value;
    if (a.name === 'dir' && b.name === 'dir') return !under(a.value, b.value) && !under(b.value, a.value);
    const [p, d] = a.name === 'path' ? [a.value, b.value] : [b.value, a.value];
    return !under(p, d);
  }
  if (a.name !== b.name) return false;
  if (a.op.includes('&') || b.op.includes('&')) return false;
  const x = numeric(a.value);
  const y = numeric(b.value);
  if (x !== undefined && y !== undefined) {
    const candidates = [x, y, x - 1, x + 1, y - 1, y + 1, 0, UNSET, -1];
    return !candidates.some((c) => holds(c, a.op, x) && holds(c, b.op, y));
  }
  if (a.op === '=' && b.op === '=') return a.value !== b.value;
  if ((a.op === '=' && b.op === '!=') || (a.op === '!=' && b.op === '=')) return a.value === b.value;
  return false;
}

/** Whether some event can satisfy both sets of -F conditions. */
export function fieldsOverlap(a: string[], b: string[]): boolean {
  const ca = a.map(condition).filter((c): c is Condition => c !== undefined);
  const cb = b.map(condition).filter((c): c is Condition => c !== undefined);
  return !ca.some((x) => cb.some((y) => exclusive(x, y)));
}

/** The conditions of an expected rule as -F fields: a watch is a rule on its path. */
const fieldsOf = (r: AuditRule): string[] => (r.kind === 'watch' ? [`path=${r.path}`] : r.kind === 'syscall' ? r.fields : []);

/**
 * Whether the `never` rule `n` silences events of the expected rule `e` for the syscall `syscall` (a
 * syscall rule) or at all (a watch: any syscall that changes the file). `n` must come before the rule
 * that provides `e` (exit list), or be on the task list.
 */
export function silences(n: AuditRule, e: AuditRule, syscall?: string): boolean {
  if (n.kind !== 'syscall' || n.action !== 'never' || n.op !== 'add') return false;
  if (n.list !== 'exit' && n.list !== 'task') return false;
  if (!fieldsOverlap(n.fields, fieldsOf(e))) return false;
  if (n.list === 'task') return true;
  const everySyscall = n.syscalls[0] === 'all';
  if (e.kind === 'watch') return everySyscall || n.fields.some((f) => /^(path|dir)=/.test(f));
  return everySyscall || syscall === 'all' || (syscall !== undefined && n.syscalls.includes(syscall));
}

/** Pure text editors for the FileEdit operations. */
import type { FileEdit } from '../model/remediation.js';

const isActive = (line: string) => line.trim() !== '' && !line.trimStart().startsWith('#');

export function applyEdit(text: string, edit: FileEdit): string {
  const nl = text.length && !text.endsWith('\n') ? '\n' : '';
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  switch (edit.op) {
    case 'replace-content':
      return edit.content;
    case 'ensure-line':
      return lines.includes(edit.line) ? text : `${text}${nl}${edit.line}\n`;
    case 'comment-out': {
      const re = new RegExp(edit.pattern, edit.flags);
      return lines.map((l) => (isActive(l) && re.test(l) ? `# ${l}  # disabled by cis-bdd` : l)).join('\n') + '\n';
    }
    case 'sshd-set': {
      const key = edit.key.toLowerCase();
      let inMatch = false;
      let done = false;
      const out: string[] = [];
      for (const l of lines) {
        const word = l.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
        if (isActive(l) && word === 'match') inMatch = true;
        if (!done && !inMatch && isActive(l) && word === key) {
          out.push(`${edit.key} ${edit.value}`);
          done = true;
          continue;
        }
        out.push(l);
      }
      // sshd reads the first value: an insertion goes before any other line, so it also precedes Match blocks
      if (!done) out.unshift(`${edit.key} ${edit.value}`);
      return out.join('\n') + '\n';
    }
    case 'key-value-set': {
      const re = new RegExp(`^\\s*${edit.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*(=|\\s)`);
      let done = false;
      const out = lines.map((l) => {
        if (isActive(l) && re.test(l)) { done = true; return `${edit.key}${edit.separator}${edit.value}`; }
        return l;
      });
      if (!done) out.push(`${edit.key}${edit.separator}${edit.value}`);
      return out.join('\n') + '\n';
    }
  }
}

export function applyEdits(text: string, edits: FileEdit[]): string {
  return edits.reduce(applyEdit, text);
}

/** A unified-style diff of two texts (line based, longest common subsequence), for plans and reviews. */
export function unifiedDiff(path: string, before: string | null, after: string | null, context = 2): string {
  const a = before === null ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === null ? [] : after.replace(/\n$/, '').split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { ops.push([' ', a[i]]); i++; j++; }
    else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) { ops.push(['+', b[j]]); j++; }
    else { ops.push(['-', a[i]]); i++; }
  }
  const keep = ops.map((o, k) => o[0] !== ' ' || ops.slice(Math.max(0, k - context), k + context + 1).some((x) => x[0] !== ' '));
  const out = [`--- ${before === null ? '/dev/null' : path}`, `+++ ${after === null ? '/dev/null' : path}`];
  let skipped = false;
  ops.forEach((o, k) => {
    if (keep[k]) { out.push(`${o[0]}${o[1]}`); skipped = false; }
    else if (!skipped) { out.push('@@ …'); skipped = true; }
  });
  return out.join('\n');
}

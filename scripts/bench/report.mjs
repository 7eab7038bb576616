/** Tables as aligned text (stdout) and as Markdown (docs/performance.md) from the same cells. */

export function textTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? '').length)));
  const line = (r) => r.map((cell, c) => {
    const s = String(cell ?? '');
    return c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]);
  }).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function mdTable(header, rows, align) {
  const esc = (s) => String(s ?? '').replace(/\|/g, '\\|');
  const a = align ?? header.map((_, i) => (i === 0 ? 'l' : 'r'));
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${a.map((x) => (x === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** How steps quote lists in evidence: shared by the step files, which never import each other. */

/** At most this many paths are quoted in a verdict; the rest are counted. */
export const QUOTED = 50;

/** A list for evidence: the first lines, then how many more there are. */
export function capped(lines: string[], total = lines.length, max = QUOTED): string {
  const shown = lines.slice(0, max);
  const more = total - shown.length;
  return [...shown, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n');
}

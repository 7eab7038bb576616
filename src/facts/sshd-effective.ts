/**
 * The configuration sshd applies to one connection, computed from the parsed files the way OpenSSH 7.4
 * and 7.6 compute it (pure functions):
 * 1. At start-up sshd reads the lines outside Match blocks and those of `Match all` blocks, in file order:
 *    the first value of a keyword wins (adding-up keywords collect every line; MaxStartups and IPQoS keep
 *    the last); keywords left unset take the release's compiled-in defaults.
 * 2. For a connection it reads only the lines of the Match blocks that apply to it, in file order, again
 *    first value wins; every keyword set there (and allowed in a Match block) replaces the start-up value.
 *    A Match block's AllowUsers replaces the global AllowUsers rather than adding to it.
 * 3. Algorithm lists: `+names` appends to the release's default list the names not already in it,
 *    `-patterns` removes the names they match (an empty result leaves the default list).
 * 4. A number line that reads as -1 (atoi) leaves the keyword unset: sshd uses -1 for "not set yet".
 */
import { ACCUMULATING, ALGORITHM_LISTS, INTEGERS, LAST_WINS, MATCH_KEYWORDS, type SshdDirective, type SshdLocation, type SshdMatchBlock, type SshdParsedFiles } from './sshd-parse.js';
import { DEFAULT_RELEASE, type OpensshRelease } from './sshd-defaults.js';
import { blockApplies, matchPattern, type GroupsOf, type SshdConnectionSpec } from './sshd-match.js';

export type SshdValueSource = 'file' | 'default' | 'sshd -T';

export interface SshdSetting {
  /** as written in the file, or lower case as sshd -T and the defaults name it */
  keyword: string;
  /** the effective value: one word, the words of all lines for adding-up keywords, a comma list for algorithms */
  value: string;
  source: SshdValueSource;
  /** where the files set it (the line that decided; for adding-up keywords the first of them) */
  at?: SshdLocation;
  /** every line that contributed, for adding-up keywords */
  lines?: Array<SshdLocation & { value: string }>;
  /** lines that set the keyword too and were not used */
  ignored: Array<SshdLocation & { value: string }>;
  /** the value as written, when the effective value was derived from it (+/- algorithm lists, numbers) */
  written?: string;
  rule: 'first' | 'last' | 'all';
  /** the Match block whose line decided, when one did */
  block?: SshdLocation & { criteria: string };
  /** the start-up value that block replaced for this connection */
  replaced?: SshdLocation & { value: string };
}

const loc = (d: SshdDirective): SshdLocation => ({ file: d.file, line: d.line });
const bySeq = (a: SshdDirective, b: SshdDirective) => (a.seq ?? 0) - (b.seq ?? 0);

/** `+a,b` appends to the default list (skipping names already there); `-p,q` removes names matching the patterns. */
export function resolveAlgorithms(spec: string, defaults: string): string {
  const base = defaults.split(',').filter(Boolean);
  const names = spec.slice(1).split(',').filter(Boolean);
  if (spec.startsWith('+')) return [...base, ...names.filter((n) => !base.includes(n))].join(',');
  if (spec.startsWith('-')) {
    const kept = base.filter((n) => !names.some((p) => matchPattern(n, p)));
    return kept.length ? kept.join(',') : base.join(',');
  }
  return spec;
}

/** Decide each keyword's value from directives in reading order; `withDefaults` fills the rest from the release. */
export function settle(directives: SshdDirective[], release: OpensshRelease = DEFAULT_RELEASE, withDefaults = true,
  blockOf: (d: SshdDirective) => SshdMatchBlock | undefined = () => undefined): Map<string, SshdSetting> {
  const byKeyword = new Map<string, SshdDirective[]>();
  for (const d of directives) {
    // sshd keeps -1 for "not set yet": a number line reading as -1 leaves the keyword unset (a later line or the default decides)
    if (INTEGERS.has(d.keyword) && d.value === '-1') continue;
    const list = byKeyword.get(d.keyword) ?? [];
    list.push(d);
    byKeyword.set(d.keyword, list);
  }
  const settings = new Map<string, SshdSetting>();
  const blockNote = (d: SshdDirective) => {
    const b = blockOf(d);
    return b ? { block: { file: b.file, line: b.line, criteria: b.criteria } } : {};
  };
  for (const [keyword, list] of byKeyword) {
    if (ACCUMULATING.has(keyword)) {
      settings.set(keyword, {
        keyword: list[0].written, value: list.map((d) => d.value).join(' '), source: 'file', rule: 'all',
        at: loc(list[0]), lines: list.map((d) => ({ ...loc(d), value: d.value })), ignored: [], ...blockNote(list[0]),
      });
      continue;
    }
    const rule = LAST_WINS.has(keyword) ? 'last' : 'first';
    const used = rule === 'last' ? list[list.length - 1] : list[0];
    const written = used.args.join(' ');
    const setting: SshdSetting = {
      keyword: used.written, value: used.value, source: 'file', rule, at: loc(used),
      ignored: list.filter((d) => d !== used).map((d) => ({ ...loc(d), value: d.value })), ...blockNote(used),
    };
    if (ALGORITHM_LISTS.has(keyword) && /^[+-]/.test(used.value)) {
      setting.written = used.value;
      setting.value = resolveAlgorithms(used.value, release.defaults[keyword] ?? '');
    } else if (written !== used.value && written.toLowerCase() !== used.value.toLowerCase()) {
      setting.written = written;
    }
    settings.set(keyword, setting);
  }
  if (withDefaults) {
    for (const [keyword, value] of Object.entries(release.defaults)) {
      if (!settings.has(keyword)) settings.set(keyword, { keyword, value, source: 'default', rule: 'first', ignored: [] });
    }
  }
  return settings;
}

/** The start-up configuration: lines outside Match blocks and in `Match all` blocks. */
export function globalSettings(parsed: SshdParsedFiles): Map<string, SshdSetting> {
  const allBlocks = parsed.matchBlocks.filter((b) => b.conditions === null);
  const directives = [...parsed.directives, ...allBlocks.flatMap((b) => b.directives)].sort(bySeq);
  return settle(directives, parsed.release, true, blockFinder(allBlocks));
}

function blockFinder(blocks: SshdMatchBlock[]): (d: SshdDirective) => SshdMatchBlock | undefined {
  const owner = new Map<SshdDirective, SshdMatchBlock>();
  for (const b of blocks) for (const d of b.directives) owner.set(d, b);
  return (d) => owner.get(d);
}

export interface SshdConnectionSettings {
  settings: Map<string, SshdSetting>;
  /** the Match blocks that applied, in file order */
  applied: SshdMatchBlock[];
}

/** The configuration sshd applies to one connection. */
export function settingsFor(parsed: SshdParsedFiles, global: Map<string, SshdSetting>, spec: SshdConnectionSpec, groupsOf: GroupsOf): SshdConnectionSettings {
  const applied = parsed.matchBlocks.filter((b) => blockApplies(b, spec, groupsOf));
  const fromBlocks = settle(applied.flatMap((b) => b.directives).sort(bySeq), parsed.release, false, blockFinder(applied));
  const settings = new Map(global);
  for (const [keyword, s] of fromBlocks) {
    if (!MATCH_KEYWORDS.has(keyword)) continue;
    const before = global.get(keyword);
    const replaced = before && before.source === 'file' && before.at ? { replaced: { ...before.at, value: before.value } } : {};
    settings.set(keyword, { ...s, ...replaced });
  }
  return { settings, applied };
}

/**
 * dpkg's status database (/var/lib/dpkg/status) read with dpkg's own rules, so that "installed" means
 * what dpkg means. Each package has a Status of three words: the selection (want: unknown, install, hold,
 * deinstall, purge), the error flag (ok, reinstreq) and the state (not-installed, config-files,
 * half-installed, unpacked, half-configured, triggers-awaited, triggers-pending, installed).
 *
 * - The package's files are on the system in every state except not-installed and config-files
 *   (`deinstall ok installed` is still installed: only the selection changed).
 * - It is configured (ready to use) in installed, triggers-pending and triggers-awaited.
 *
 * What dpkg refuses to read is refused here too, with dpkg's reason (proven against dpkg-query 1.19 in
 * test/differential/dpkg.test.ts): stanzas are separated by empty lines (a line of blanks continues
 * the previous field), field names are case-insensitive and appear once, the Status has exactly three
 * known words (in any case), a Version is required outside not-installed and half-installed, Config-Version is not
 * allowed with installed, triggers-pending or not-installed, trigger fields must match the state, and a name has several
 * instances only as dpkg allows (see mergeInstances).
 */
import { CheckError } from '../model/verdict.js';

export const DPKG_STATUS = '/var/lib/dpkg/status';
/** dpkg's native architecture on the targets this project audits (amd64 Ubuntu) */
export const DPKG_NATIVE_ARCH = 'amd64';

export const DPKG_WANTS = ['unknown', 'install', 'hold', 'deinstall', 'purge'] as const;
export const DPKG_FLAGS = ['ok', 'reinstreq'] as const;
export const DPKG_STATES = ['not-installed', 'config-files', 'half-installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending', 'installed'] as const;
export type DpkgState = (typeof DPKG_STATES)[number];

const WANT_ABBREV: Record<string, string> = { unknown: 'u', install: 'i', hold: 'h', deinstall: 'r', purge: 'p' };
const STATE_ABBREV: Record<DpkgState, string> = {
  'not-installed': 'n', 'config-files': 'c', 'half-installed': 'H', unpacked: 'U', 'half-configured': 'F',
  'triggers-awaited': 'W', 'triggers-pending': 't', installed: 'i',
};

/** One package instance of the status database. */
export interface DpkgRecord {
  /** lower-cased, as dpkg keeps it */
  name: string;
  /** `name:arch` where dpkg needs the architecture to tell instances apart (dpkg-query's ${binary:Package}) */
  binaryName: string;
  /** the Status field, normalised to single spaces */
  status: string;
  want: (typeof DPKG_WANTS)[number];
  flag: (typeof DPKG_FLAGS)[number];
  state: DpkgState;
  version: string;
  architecture: string;
  multiArch: string;
  /** line of the stanza's first field, and of its Status field */
  line: number;
  statusLine: number;
}

/** dpkg-query's ${db:Status-Abbrev}: want, state, error flag ("ii ", "rc ", "iHR"). */
export function dpkgStatusAbbrev(r: Pick<DpkgRecord, 'want' | 'state' | 'flag'>): string {
  return `${WANT_ABBREV[r.want]}${STATE_ABBREV[r.state]}${r.flag === 'reinstreq' ? 'R' : ' '}`;
}

/** The package's files are on the system (any state but not-installed and config-files). */
export function dpkgFilesPresent(r: Pick<DpkgRecord, 'state'>): boolean {
  return r.state !== 'not-installed' && r.state !== 'config-files';
}

/** Unpacked and configured, nothing left to finish but triggers, and no reinstallation required. */
export function dpkgConfigured(r: Pick<DpkgRecord, 'state' | 'flag'>): boolean {
  return r.flag === 'ok' && (r.state === 'installed' || r.state === 'triggers-pending' || r.state === 'triggers-awaited');
}

interface Stanza {
  fields: Map<string, { value: string; line: number }>;
  line: number;
}

/** Split the file into stanzas of fields, as dpkg's parser does. */
function stanzas(text: string, source: string): Stanza[] {
  const out: Stanza[] = [];
  let cur: Stanza | null = null;
  let last: { value: string; line: number } | null = null;
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (!endsWithNewline) lines.push('\u0000EOF');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const n = i + 1;
    if (l === '\u0000EOF') {
      if (cur && lines[i - 1] !== '') throw new CheckError(`${source}:${n - 1} ends without a final newline, inside a field value`);
      break;
    }
    if (l === '') {
      if (i === lines.length - 1) break;
      cur = null; last = null; continue;
    }
    if (/^[ \t\r]/.test(l)) {
      if (!cur || !last) throw new CheckError(`${source}:${n} is a continuation line outside a field`);
      last.value += `\n${l.trim()}`;
      continue;
    }
    const m = /^([^\s:]+):([\s\S]*)$/.exec(l);
    if (!m) throw new CheckError(`${source}:${n} is not a "Field: value" line: ${JSON.stringify(l.slice(0, 60))}`);
    if (!cur) { cur = { fields: new Map(), line: n }; out.push(cur); }
    const key = m[1].toLowerCase();
    if (cur.fields.has(key)) throw new CheckError(`${source}:${n} repeats the field ${m[1]} of the stanza at line ${cur.line}`);
    last = { value: m[2].trim(), line: n };
    cur.fields.set(key, last);
  }
  const tail = lines[lines.length - 1] === '' ? lines[lines.length - 2] : undefined;
  if (tail !== undefined && /^[^\s:]+:\s*$/.test(tail)) {
    throw new CheckError(`${source}:${lines.length - 1} ends the file before the value of its field`);
  }
  return out;
}

function checkVersion(v: string, where: string): void {
  if (/\s/.test(v)) throw new CheckError(`${where}: the Version ${JSON.stringify(v)} has embedded spaces`);
  const colon = v.indexOf(':');
  if (colon >= 0) {
    const epoch = v.slice(0, colon);
    if (!/^\d+$/.test(epoch)) throw new CheckError(`${where}: the Version ${JSON.stringify(v)} has an epoch that is not a number`);
    if (colon === v.length - 1) throw new CheckError(`${where}: the Version ${JSON.stringify(v)} has nothing after its epoch`);
  }
  if (v.endsWith('-')) throw new CheckError(`${where}: the Version ${JSON.stringify(v)} has an empty revision`);
  if (/^[^:]*:-/.test(v) || v.startsWith('-')) throw new CheckError(`${where}: the Version ${JSON.stringify(v)} has an empty upstream version`);
}

/** Parse the whole status database; every package instance dpkg would read, not-installed ones included. */
export function parseDpkgStatus(text: string, source = DPKG_STATUS): DpkgRecord[] {
  const records: DpkgRecord[] = [];
  for (const s of stanzas(text, source)) {
    const get = (k: string) => s.fields.get(k)?.value;
    const pkgField = get('package');
    if (pkgField === undefined) throw new CheckError(`${source}:${s.line} starts a stanza without a Package field`);
    const name = pkgField.toLowerCase();
    if (!name) throw new CheckError(`${source}:${s.line} has an empty Package field`);
    if (!/^[a-z0-9]/.test(name)) throw new CheckError(`${source}:${s.line} package name ${JSON.stringify(pkgField)} does not start with a letter or digit`);
    if (!/^[a-z0-9][a-z0-9+._-]*$/.test(name)) throw new CheckError(`${source}:${s.line} package name ${JSON.stringify(pkgField)} has a character dpkg does not allow`);
    const where = `${source}:${s.line} package ${name}`;
    const statusField = s.fields.get('status');
    let want: DpkgRecord['want'] = 'unknown';
    let flag: DpkgRecord['flag'] = 'ok';
    let state: DpkgState = 'not-installed';
    if (statusField) {
      // dpkg compares the words without regard to case and keeps them in lower case
      const words = statusField.value.split(/\s+/).filter(Boolean).map((x) => x.toLowerCase());
      if (words.length !== 3) throw new CheckError(`${source}:${statusField.line} package ${name}: the Status ${JSON.stringify(statusField.value)} does not have three words`);
      if (!(DPKG_WANTS as readonly string[]).includes(words[0])) throw new CheckError(`${source}:${statusField.line} package ${name}: ${JSON.stringify(words[0])} is not a selection dpkg knows`);
      if (!(DPKG_FLAGS as readonly string[]).includes(words[1])) throw new CheckError(`${source}:${statusField.line} package ${name}: ${JSON.stringify(words[1])} is not an error flag dpkg knows`);
      if (!(DPKG_STATES as readonly string[]).includes(words[2])) throw new CheckError(`${source}:${statusField.line} package ${name}: ${JSON.stringify(words[2])} is not a state dpkg knows`);
      [want, flag, state] = words as [DpkgRecord['want'], DpkgRecord['flag'], DpkgState];
    }
    const version = get('version');
    if (version !== undefined) checkVersion(version, where);
    if (!version && state !== 'not-installed' && state !== 'half-installed') throw new CheckError(`${where} is ${state} but has no Version`);
    if (get('config-version') !== undefined && (state === 'installed' || state === 'triggers-pending' || state === 'not-installed')) throw new CheckError(`${where} has a Config-Version, not allowed in state ${state}`);
    const awaited = get('triggers-awaited') !== undefined;
    const pending = get('triggers-pending') !== undefined;
    const early = ['not-installed', 'config-files', 'triggers-pending', 'installed'].includes(state);
    if (awaited && early) throw new CheckError(`${where} awaits triggers but is ${state}`);
    if (state === 'triggers-awaited' && !awaited) throw new CheckError(`${where} is triggers-awaited but awaits no triggers`);
    if (pending && state !== 'triggers-pending' && state !== 'triggers-awaited') throw new CheckError(`${where} has pending triggers but is ${state}`);
    if (state === 'triggers-pending' && !pending) throw new CheckError(`${where} is triggers-pending but has no pending triggers`);
    const multiArch = (get('multi-arch') ?? 'no').toLowerCase();
    if (!['no', 'same', 'foreign', 'allowed'].includes(multiArch)) throw new CheckError(`${where}: Multi-Arch ${JSON.stringify(get('multi-arch'))} is not no, same, foreign or allowed`);
    const architecture = get('architecture') ?? '';
    if (multiArch === 'same' && architecture === 'all') throw new CheckError(`${where} is Multi-Arch: same but of architecture all`);
    if (multiArch === 'same' && architecture === '') throw new CheckError(`${where} is Multi-Arch: same but has no Architecture`);
    const qualified = architecture !== '' && (multiArch === 'same' || (architecture !== DPKG_NATIVE_ARCH && architecture !== 'all'));
    records.push({
      name, binaryName: qualified ? `${name}:${architecture}` : name, status: `${want} ${flag} ${state}`, want, flag, state,
      version: version ?? '', architecture, multiArch, line: s.line, statusLine: statusField?.line ?? s.line,
    });
  }
  return mergeInstances(records, source);
}

/**
 * dpkg keeps several instances of a name, one per architecture; a later stanza for the same architecture
 * replaces the earlier one, even a not-installed one (the package then reads as not installed). Instances
 * whose files are on the system must all be `Multi-Arch: same` (coinstallable): dpkg refuses a database
 * where an instance in any state from half-installed on is not Multi-Arch: same while another instance
 * of the name in a state other than not-installed exists (config-files ones included).
 */
function mergeInstances(records: DpkgRecord[], source: string): DpkgRecord[] {
  const out: DpkgRecord[] = [];
  const byName = new Map<string, DpkgRecord[]>();
  const exclusive = (r: DpkgRecord) => dpkgFilesPresent(r) && r.multiArch !== 'same';
  for (const r of records) {
    const same = byName.get(r.name) ?? [];
    if (r.state !== 'not-installed') {
      const clash = same.find((o) => o.state !== 'not-installed' && (exclusive(o) || exclusive(r)));
      if (clash) {
        const which = exclusive(r) ? r : clash;
        throw new CheckError(`${source}:${r.line} package ${r.name} is listed again (first at line ${clash.line}), but the instance at line ${which.line} is ${which.state} and not Multi-Arch: same`);
      }
    }
    const i = same.findIndex((o) => o.architecture === r.architecture);
    if (i >= 0) {
      out.splice(out.indexOf(same[i]), 1);
      same.splice(i, 1);
    }
    same.push(r);
    byName.set(r.name, same);
    out.push(r);
  }
  return out;
}

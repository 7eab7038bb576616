/**
 * `dpkg --verify` of every package, run on the target by the target's own dpkg, split into batches of
 * packages verified in parallel (one batch per `dpkg --verify PKG...`, as many at once as the target
 * has processors), in one round trip. The result is the one a single `dpkg --verify` gives, whatever the
 * dpkg version (1.19 and later differ in what they report), because dpkg itself does the checking.
 *
 * Why batches give the same answer. `dpkg --verify` checks each package's files against hashes kept on
 * the file's node, which all packages share in one dpkg process: the package's own md5sums entry, else
 * a hash an earlier package left there (its md5sums, or the recorded hash of its conffile), and a file
 * is marked "c" once any package has it as a conffile. A file whose check depends on another package
 * that way can come out differently when the two packages are verified by different processes. The
 * script looks for such a file first (a guard over the package database: md5sums lists, .list files,
 * the Conffiles of the status file, diversions); if there is one, or anything in the batched run is not
 * as expected, the fact runs the plain `dpkg --verify` instead. Real systems have none (this machine and
 * the Ubuntu 18.04 fixture: not one), so the guard only costs a read of the package database.
 *
 * The lines come back in an order of their own (dpkg's is the order of its hash table), so they are
 * sorted by path, the same way for both ways of running.
 */
import { CheckError } from '../model/verdict.js';
import type { ExecResult } from '../targets/target.js';
import { byCodeUnits } from '../model/text.js';

/** The plain command, as it always ran: the fallback, and the name of the check in the evidence. */
export const DPKG_VERIFY_FULL_SCRIPT = 'dpkg --verify 2>/dev/null; echo "exit=$?" >&2';

/**
 * The guard, an awk program over: diversions (when present), status, info/*.md5sums, info/*.list, in
 * that order. It prints `#context PATH` for the first file whose check in one package depends on
 * another package, and `#guard ok` when there is none. A file of package B (after B's diversions, as
 * dpkg resolves it) depends on others when another package has it as a conffile, or when it is not in
 * B's md5sums and another package's md5sums lists it. Packages are keyed like their info files
 * (`name:arch` for Multi-Arch: same).
 */
const GUARD_AWK = String.raw`
function base(f) { sub(/^.*\//, "", f); return f }
function flushpkg(   k, i) {
  if (pkg != "") { k = (ma == "same") ? pkg ":" arch : pkg
    for (i = 1; i <= nc; i++) if (!((k SUBSEP cf[i]) in conf)) { conf[k SUBSEP cf[i]] = 1; confn[cf[i]]++ } }
  pkg = ""; arch = ""; ma = ""; nc = 0; inc = 0
}
FNR == 1 { if (prev == "status") flushpkg(); prev = (FILENAME ~ /\/status$/) ? "status" : ""
  k = base(FILENAME); sub(/\.(md5sums|list)$/, "", k); set = k; sub(/:.*/, "", set)
  kind = (FILENAME ~ /\.md5sums$/) ? 1 : (FILENAME ~ /\.list$/) ? 2 : (FILENAME ~ /\/diversions$/) ? 3 : (prev == "status") ? 4 : 0 }
kind == 3 { dl[++dn] = $0; next }
kind == 4 {
  if ($0 == "") { flushpkg(); next }
  if ($0 ~ /^Package:/) pkg = $2
  else if ($0 ~ /^Architecture:/) arch = $2
  else if ($0 ~ /^Multi-Arch:/) ma = $2
  else if ($0 ~ /^Conffiles:/) inc = 1
  else if (inc && $0 ~ /^ /) { l = $0; sub(/^ +/, "", l); while (l ~ / (obsolete|remove-on-upgrade)$/) sub(/ [^ ]+$/, "", l); sub(/ [^ ]+$/, "", l); cf[++nc] = l }
  else if ($0 !~ /^ /) inc = 0
  next
}
kind == 1 {
  p = substr($0, 35); sub(/^(\.?\/)+/, "", p); p = "/" p
  if (!(p in mo)) mo[p] = k
  else if (mo[p] != k && index(mx[p], " " k " ") == 0) mx[p] = mx[p] " " k " "
  next
}
kind == 2 {
  if (!divdone) { for (i = 1; i + 2 <= dn; i += 3) { divto[dl[i]] = dl[i + 1]; divpkg[dl[i]] = dl[i + 2] } divdone = 1 }
  f = $0; if ((f in divto) && divpkg[f] != set) f = divto[f]
  if (f in confn) { if (confn[f] - ((k SUBSEP f) in conf) > 0) { print "#context " f; bad = 1; exit } }
  if (f in mo) { own = (mo[f] == k || ((f in mx) && index(mx[f], " " k " ") > 0)); if (!own) { print "#context " f; bad = 1; exit } }
}
END { if (!bad) print "#guard ok" }
`;

/**
 * The batched run, for /bin/sh on the target. Every line it prints is written whole by one write (awk's
 * fflush after each), so lines of parallel batches never mix. Markers start with "#", which no line of
 * dpkg --verify does. With one processor, an unusual dpkg configuration (another admin dir or root) or
 * no dpkg-query, it runs the plain command (`#mode full`).
 */
export function dpkgVerifyScript(): string {
  // the first line names the check: a timeout's reason quotes it
  return `: dpkg --verify in parallel batches of packages
LC_ALL=C; export LC_ALL
n=$(nproc 2>/dev/null) || n=1
case "$n" in ''|*[!0-9]*) n=1 ;; esac
if [ "$n" -lt 2 ] || [ -n "\${DPKG_ADMINDIR:-}" ] || [ -n "\${DPKG_ROOT:-}" ] || ! command -v dpkg-query >/dev/null 2>&1 || ! command -v xargs >/dev/null 2>&1 \\
   || grep -qsE '^[[:space:]]*-*(admindir|root|instdir)' /etc/dpkg/dpkg.cfg /etc/dpkg/dpkg.cfg.d/*; then
  echo '#mode full'
  dpkg --verify 2>/dev/null; echo "#exit $?"
  exit 0
fi
echo '#mode batches'
a=/var/lib/dpkg
( d=; [ -e $a/diversions ] && d=$a/diversions; awk '${GUARD_AWK.replace(/'/g, `'\\''`)}' $d $a/status $a/info/*.md5sums $a/info/*.list 2>/dev/null ) &
list=$(dpkg-query -W -f '\${Installed-Size} \${binary:Package}\\n' 2>/dev/null); echo "#query $?"
batches=$(printf '%s\\n' "$list" | grep . | sort -rn | awk -v b=$((n * 4)) '
  { m = 1; for (i = 2; i <= b; i++) if (load[i] < load[m]) m = i; load[m] += $1 + 1; list[m] = list[m] " " $2 }
  END { for (i = 1; i <= b; i++) if (list[i] != "") print substr(list[i], 2) }')
echo "#batches $(printf '%s\\n' "$batches" | grep -c .)"
printf '%s\\n' "$batches" | grep . | xargs -r -L 1 -P "$n" sh -c '{ dpkg --verify "$@" 2>/dev/null; echo "#exit $?"; } | awk "{ print; fflush() }"' sh
wait
`;
}

export interface BatchedOutput {
  /** the dpkg --verify lines, in the order they came */
  lines: string[];
  /** null when the batched run may be used; else why the plain command must run */
  fallback: string | null;
}

/** Split the batched run's output into dpkg's lines and the markers, and decide whether it stands. */
export function readBatchedOutput(text: string): BatchedOutput {
  const lines: string[] = [];
  let mode = '';
  let batches = -1;
  const exits: number[] = [];
  let guard = '';
  let query = '';
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (!line.startsWith('#')) { lines.push(line); continue; }
    const [marker, ...rest] = line.slice(1).split(' ');
    const value = rest.join(' ');
    if (marker === 'mode') mode = value;
    else if (marker === 'batches') batches = Number(value);
    else if (marker === 'exit') exits.push(Number(value));
    else if (marker === 'query') query = value;
    else if (marker === 'guard') guard = value;
    else if (marker === 'context') guard = `context ${value}`;
  }
  const bad = exits.find((e) => e !== 0 && e !== 1);
  if (mode === 'full') {
    return { lines, fallback: exits.length === 1 && bad === undefined ? null : `dpkg --verify exited ${exits.join(', ') || 'without a status'}` };
  }
  let fallback: string | null = null;
  if (mode !== 'batches') fallback = 'the batched run did not start';
  else if (guard.startsWith('context')) fallback = `${guard.slice(8)} is checked against another package's hash or conffile`;
  else if (guard !== 'ok') fallback = 'the package database could not be read for the guard';
  else if (query !== '0') fallback = `dpkg-query exited ${query || 'without a status'}`;
  else if (!(batches >= 0) || exits.length !== batches) fallback = `${exits.length} of ${batches} batches finished`;
  else if (bad !== undefined) fallback = `a batch of dpkg --verify exited ${bad}`;
  return { lines, fallback };
}

/** Sort dpkg --verify lines by path (then by the line), the order the evidence lists them in. */
export function sortVerifyLines<T extends { path: string; line: string }>(changes: T[]): T[] {
  return [...changes].sort((a, b) => byCodeUnits(a.path, b.path) || byCodeUnits(a.line, b.line));
}

export interface DpkgVerifyRun {
  /** dpkg --verify's lines, unsorted */
  lines: string;
  /** how it was run: 'batches' or the reason the plain command ran */
  how: string;
}

/**
 * Run dpkg --verify on the target through `exec` (one round trip; a second, the plain command, only when
 * the batched one cannot stand). Throws CheckError when dpkg --verify did not run.
 */
export async function runDpkgVerify(exec: (script: string) => Promise<ExecResult>): Promise<DpkgVerifyRun> {
  const batched = await exec(dpkgVerifyScript());
  const out = readBatchedOutput(batched.stdout.toString('utf8'));
  if (out.fallback === null) return { lines: out.lines.join('\n'), how: 'batches' };
  const r = await exec(DPKG_VERIFY_FULL_SCRIPT);
  if (!/exit=[01]\s*$/.test(r.stderr)) throw new CheckError(`dpkg --verify did not run: ${r.stderr.trim().slice(0, 200)}`);
  return { lines: r.stdout.toString('utf8'), how: out.fallback };
}

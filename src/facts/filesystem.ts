/**
 * The one walk of the local filesystems per run. Every check about files anywhere on the system (world
 * writable files, files without a known owner or group, set-user-ID and set-group-ID programs, world
 * writable directories without the sticky bit) reads this fact, so the tree is walked once.
 *
 * What is walked:
 * - on a running system, the mount point of every local filesystem in /proc/self/mounts (read by the
 *   shared mountedFilesystems fact), each walked without crossing into other filesystems (like find
 *   -xdev), with /proc and /sys pruned. Kernel pseudo filesystems, network filesystems and FUSE
 *   filesystems are left out (see EXCLUDED_FS_TYPES);
 * - on an offline root filesystem, the tree from its "/" (filesystems mounted inside the tree are not
 *   crossed into).
 *
 * The walk streams: each entry is classified as it arrives and only the entries a check needs are kept,
 * up to MAX_KEPT per kind (the counts stay exact), so memory does not grow with the size of the tree.
 * Owners and groups are resolved against the target's own /etc/passwd and /etc/group.
 */
import { CheckError } from '../model/verdict.js';
import type { WalkEntry, WalkSelection } from '../targets/target.js';
import { groups, passwd } from './accounts.js';
import { mountedFilesystems, type MountEntry } from './mounts.js';
import { packageManager, type PackageManagerKind } from './packages.js';
import { defineFact } from './store.js';
import { runDpkgVerify, sortVerifyLines } from './dpkg-verify.js';

/**
 * Filesystem types that are not walked. Kernel pseudo filesystems hold no files a user made; network
 * filesystems are checked on the server that exports them; FUSE filesystems (fuse.*) are mostly remote
 * or synthetic and often refuse even root. `fuseblk` (a local disk through FUSE, e.g. NTFS) is walked.
 * tmpfs, devtmpfs, overlay and squashfs are local and walked.
 */
export const EXCLUDED_FS_TYPES = new Set([
  // kernel pseudo filesystems
  'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'mqueue', 'debugfs', 'securityfs', 'pstore', 'bpf', 'tracefs',
  'configfs', 'fusectl', 'hugetlbfs', 'autofs', 'binfmt_misc', 'rpc_pipefs', 'nsfs', 'efivarfs', 'selinuxfs',
  // network and cluster filesystems
  'nfs', 'nfs4', 'nfsd', 'cifs', 'smb3', 'smbfs', 'ncpfs', 'afs', 'coda', '9p', 'ceph', 'glusterfs', 'lustre',
  'gpfs', 'ocfs2', 'davfs', 'sshfs',
  // FUSE without a local block device
  'fuse',
]);

/** Trees never descended into on a running system. */
export const PRUNED_PATHS = ['/proc', '/sys'];

export function isLocalFsType(fsType: string): boolean {
  return !EXCLUDED_FS_TYPES.has(fsType) && !fsType.startsWith('fuse.') && !fsType.startsWith('nfs');
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/**
 * The walk roots of a running system: the mount points of local filesystems, sorted, without repeats
 * and without anything under a pruned tree. Also says which mounts were left out, and why.
 */
export function walkRoots(mounts: MountEntry[], pruned = PRUNED_PATHS): { roots: string[]; skipped: Array<{ mountPoint: string; fsType: string; why: string }> } {
  const roots = new Set<string>();
  const skipped: Array<{ mountPoint: string; fsType: string; why: string }> = [];
  for (const m of mounts) {
    if (pruned.some((p) => under(m.mountpoint, p))) skipped.push({ mountPoint: m.mountpoint, fsType: m.fstype, why: 'under a pruned tree' });
    else if (!isLocalFsType(m.fstype)) skipped.push({ mountPoint: m.mountpoint, fsType: m.fstype, why: 'not a local disk filesystem' });
    else roots.add(m.mountpoint);
  }
  return { roots: [...roots].sort(), skipped };
}

/** What one walked entry matters for. */
export interface EntryFindings {
  worldWritableFile: boolean;
  unowned: boolean;
  ungrouped: boolean;
  setuid: boolean;
  setgid: boolean;
  worldWritableDirWithoutSticky: boolean;
}

/** Classify one entry (as lstat sees it) against the target's known user and group ids. */
export function classifyEntry(e: WalkEntry, knownUids: ReadonlySet<number>, knownGids: ReadonlySet<number>): EntryFindings {
  const file = e.type === 'f';
  const dir = e.type === 'd';
  return {
    worldWritableFile: file && (e.mode & 0o002) !== 0,
    unowned: !knownUids.has(e.uid),
    ungrouped: !knownGids.has(e.gid),
    setuid: file && (e.mode & 0o4000) !== 0,
    setgid: file && (e.mode & 0o2000) !== 0,
    worldWritableDirWithoutSticky: dir && (e.mode & 0o002) !== 0 && (e.mode & 0o1000) === 0,
  };
}

/**
 * What the walk must send whole for classifyEntry to find everything it finds: regular files with the
 * world-write, setuid or setgid bit, world-writable directories (the sticky bit is looked at here), and any
 * entry of an unknown owner or group. The other entries, most of a system, are only counted.
 * test/facts/filesystem-walk-selection.test.ts walks generated trees both ways and compares.
 */
export function walkSelection(knownUids: ReadonlySet<number>, knownGids: ReadonlySet<number>): WalkSelection {
  return { fileModeAny: 0o6002, dirModeAny: 0o002, uidsIn: [...knownUids], gidsIn: [...knownGids] };
}

/** The entries of one kind: all of them counted, the first MAX_KEPT kept (sorted by path at the end). */
export interface FoundEntries { total: number; entries: WalkEntry[] }

export const MAX_KEPT = 5000;

export interface FilesystemScan {
  /** what was walked, and how */
  roots: string[];
  pruned: string[];
  /** mounts not walked, with the reason (running systems only) */
  skippedMounts: Array<{ mountPoint: string; fsType: string; why: string }>;
  /** how the roots were chosen, for evidence */
  scope: string;
  entriesWalked: number;
  worldWritableFiles: FoundEntries;
  unowned: FoundEntries;
  ungrouped: FoundEntries;
  setuidFiles: FoundEntries;
  setgidFiles: FoundEntries;
  worldWritableDirsWithoutSticky: FoundEntries;
}

type FindingKind = 'worldWritableFiles' | 'unowned' | 'ungrouped' | 'setuidFiles' | 'setgidFiles' | 'worldWritableDirsWithoutSticky';

/**
 * A streaming collector: feed it walk entries; it keeps only what the checks need. An entry seen twice
 * (a filesystem bind-mounted at two places, a file mount also seen from its parent) counts once.
 */
export class ScanCollector {
  entriesAdded = 0;
  private readonly found: Record<FindingKind, { seen: Set<string>; total: number; entries: WalkEntry[] }> = {
    worldWritableFiles: fresh(), unowned: fresh(), ungrouped: fresh(), setuidFiles: fresh(), setgidFiles: fresh(),
    worldWritableDirsWithoutSticky: fresh(),
  };

  constructor(private readonly knownUids: ReadonlySet<number>, private readonly knownGids: ReadonlySet<number>, private readonly maxKept = MAX_KEPT) {}

  add(e: WalkEntry): void {
    this.entriesAdded++;
    const c = classifyEntry(e, this.knownUids, this.knownGids);
    if (c.worldWritableFile) this.keep('worldWritableFiles', e);
    if (c.unowned) this.keep('unowned', e);
    if (c.ungrouped) this.keep('ungrouped', e);
    if (c.setuid) this.keep('setuidFiles', e);
    if (c.setgid) this.keep('setgidFiles', e);
    if (c.worldWritableDirWithoutSticky) this.keep('worldWritableDirsWithoutSticky', e);
  }

  private keep(kind: FindingKind, e: WalkEntry): void {
    const f = this.found[kind];
    if (f.seen.has(e.path)) return;
    // Paths are remembered (for de-duplication) only while the list is short; beyond it, only counted.
    f.total++;
    if (f.entries.length < this.maxKept) {
      f.seen.add(e.path);
      f.entries.push(e);
    }
  }

  result(): Record<FindingKind, FoundEntries> {
    const out = {} as Record<FindingKind, FoundEntries>;
    for (const [k, f] of Object.entries(this.found) as Array<[FindingKind, { total: number; entries: WalkEntry[] }]>) {
      out[k] = { total: f.total, entries: [...f.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
    }
    return out;
  }
}

function fresh() {
  return { seen: new Set<string>(), total: 0, entries: [] as WalkEntry[] };
}

export const filesystemScan = defineFact<FilesystemScan>('filesystem-scan', async ({ facts, target }) => {
  const [users, grps] = await Promise.all([facts.get(passwd), facts.get(groups)]);
  let roots: string[];
  let pruned: string[];
  let skippedMounts: FilesystemScan['skippedMounts'] = [];
  let scope: string;
  if (target.isLive) {
    const chosen = walkRoots(await facts.get(mountedFilesystems));
    if (!chosen.roots.length) throw new CheckError('/proc/self/mounts lists no local filesystem to walk');
    roots = chosen.roots;
    skippedMounts = chosen.skipped;
    pruned = PRUNED_PATHS;
    scope = 'the mount points of local filesystems in /proc/self/mounts, each walked without crossing into other filesystems';
  } else {
    roots = ['/'];
    pruned = [];
    scope = 'the offline root filesystem from its "/", without crossing into filesystems mounted inside it';
  }
  const knownUids = new Set(users.map((u) => u.uid));
  const knownGids = new Set(grps.map((g) => g.gid));
  const collector = new ScanCollector(knownUids, knownGids);
  const walked = await target.walk({ roots, prune: pruned, keepOnly: walkSelection(knownUids, knownGids), parallel: true }, (e) => collector.add(e));
  if (walked === 0) throw new CheckError(`the walk of ${roots.join(', ')} returned no entry: the filesystems could not be read`);
  return { roots, pruned, skippedMounts, scope, entriesWalked: walked, ...collector.result() };
});

/** One package-owned file whose state differs from what the package installed (dpkg --verify, rpm -V). */
export interface PackageFileChange { path: string; checks: string; config: boolean; line: string }

/**
 * Parse `dpkg --verify` output: per file, nine check characters ("??5??????": 5 = the content digest
 * differs, "?" = not checked; dpkg 1.19 of Ubuntu 18.04 checks only the digest, and reports a deleted
 * file the same way) or the word "missing", an optional "c" for configuration files, and the path.
 * A line of any other shape is an error.
 */
export function parseDpkgVerify(text: string): PackageFileChange[] {
  const out: PackageFileChange[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^(missing|[?.0-9A-Za-z]{9})\s+(?:(c)\s+)?(\/.*)$/.exec(line);
    if (!m) throw new CheckError(`dpkg --verify output line ${i + 1} is not understood: ${line.slice(0, 120)}`);
    out.push({ path: m[3], checks: m[1], config: m[2] === 'c', line });
  });
  return out;
}

/**
 * Parse `rpm -V` output (rpm 4.11 of CentOS 7 and ACL2, and later): per file, nine test characters in
 * the order S M 5 D L U G T P ("." = passed, "?" = could not be tested, the letter = differs) or the
 * word "missing", then a file attribute letter when there is one (c configuration, d documentation,
 * g ghost, l licence, r readme), then the path. rpm may add the reason a file could not be read, in
 * brackets after the path; it stays part of the line. A line of any other shape is an error.
 */
export function parseRpmVerify(text: string): PackageFileChange[] {
  const out: PackageFileChange[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^(missing|[.?SM5DLUGTP]{9}) +(?:([cdglra]) +)?(\/.*)$/.exec(line);
    if (!m) throw new CheckError(`rpm -V output line ${i + 1} is not understood: ${line.slice(0, 120)}`);
    out.push({ path: m[3], checks: m[1], config: m[2] === 'c', line });
  });
  return out;
}

/**
 * The benchmark's verification on the RPM family compares modes, owners, groups and device numbers: no
 * modification times, sizes, digests or link targets, which change for good reasons. --nodeps leaves out
 * the dependency check (not a file permission), --noscripts the packages' own verify scripts (an audit
 * runs no package code).
 */
export const RPM_VERIFY_COMMAND = 'rpm -Va --nomtime --nosize --nomd5 --nolinkto --nodeps --noscripts';
export const DPKG_VERIFY_COMMAND = 'dpkg --verify';

export interface PackageVerification {
  manager: PackageManagerKind;
  /** the command as the evidence names it */
  command: string;
  changes: PackageFileChange[];
}

/**
 * Files installed by packages whose state differs from the package database: `dpkg --verify` on the
 * Debian family, `rpm -Va` with the benchmark's options on the RPM family, chosen by the package database
 * the target has. Runs on the target (running systems and images); never on an offline root filesystem.
 */
export const packageFileChanges = defineFact<PackageVerification>('package-file-changes', async ({ facts }) => {
  const manager = await facts.get(packageManager);
  if (manager === 'dpkg') {
    // the target's own dpkg, in parallel batches of packages (src/facts/dpkg-verify.ts): the same lines as one
    // `dpkg --verify`, sorted by path
    const run = await runDpkgVerify((script) => facts.fileCommand(DPKG_VERIFY_COMMAND, script, 15 * 60_000));
    return { manager, command: DPKG_VERIFY_COMMAND, changes: sortVerifyLines(parseDpkgVerify(run.lines)) };
  }
  if (manager === 'rpm') {
    // rpm -V exits non-zero when a file differs; what it cannot do, it says on stderr as "error: ..."
    const r = await facts.fileCommand(RPM_VERIFY_COMMAND, `${RPM_VERIFY_COMMAND}; echo "exit=$?" >&2`, 15 * 60_000);
    const errors = r.stderr.split('\n').filter((l) => /^error:/.test(l.trim()));
    if (!/exit=\d+\s*$/.test(r.stderr) || errors.length) {
      throw new CheckError(`${RPM_VERIFY_COMMAND} did not run: ${(errors[0] ?? r.stderr.trim()).slice(0, 200)}`);
    }
    return { manager, command: RPM_VERIFY_COMMAND, changes: parseRpmVerify(r.stdout.toString('utf8')) };
  }
  throw new CheckError('no package database found: neither dpkg nor rpm can verify the installed files');
});

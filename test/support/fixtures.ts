/**
 * Test fixtures on real root filesystems. The Ubuntu 18.04 fixture from ../shared/fixtures is unpacked
 * once per machine (global setup); each case mounts an overlayfs over it, changes only the files it
 * needs through the merged view, audits the merged tree, and unmounts. The base is never modified.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync, chmodSync, chownSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = process.env.CIS_BDD_SHARED ?? path.resolve(repoRoot, '../shared');
export const ubuntuTarball = path.join(sharedDir, 'fixtures/ubuntu-18.04-rootfs.tar.xz');
export const fixtureCache = process.env.CIS_BDD_FIXTURE_CACHE ?? '/var/tmp/cis-bdd-fixtures';
export const ubuntuBase = path.join(fixtureCache, 'ubuntu-18.04');

/** Unpack the Ubuntu fixture once; a marker file records that the unpack completed. */
export function ensureUbuntuBase(): string {
  const marker = path.join(fixtureCache, 'ubuntu-18.04.unpacked');
  if (existsSync(marker) && existsSync(path.join(ubuntuBase, 'etc/os-release'))) return ubuntuBase;
  if (!existsSync(ubuntuTarball)) throw new Error(`the Ubuntu fixture is missing: ${ubuntuTarball}`);
  rmSync(ubuntuBase, { recursive: true, force: true });
  mkdirSync(ubuntuBase, { recursive: true });
  execFileSync('tar', ['--numeric-owner', '-xJf', ubuntuTarball, '-C', ubuntuBase]);
  writeFileSync(marker, new Date().toISOString());
  return ubuntuBase;
}

/**
 * An ACL2 fixture tree built by containers/acl2/build.sh (CI runs containers/build.sh before the tests).
 * Missing means the build did not run: fail loudly, never skip.
 */
export function ensureAcl2Base(variant: 'stock' | 'hardened' = 'stock'): string {
  const dir = path.join(fixtureCache, `acl2-${variant}`);
  if (!existsSync(path.join(dir, 'etc/os-release'))) {
    throw new Error(`the ACL2 fixture ${dir} is missing: run containers/acl2/build.sh ${variant} (or containers/build.sh)`);
  }
  return dir;
}

export interface Layer {
  /** the merged root, writable; changes land in the overlay's upper directory only */
  root: string;
  write(p: string, content: string, mode?: number, uid?: number, gid?: number): void;
  append(p: string, content: string): void;
  read(p: string): string;
  chmod(p: string, mode: number): void;
  chown(p: string, uid: number, gid: number): void;
  remove(p: string): void;
  mkdir(p: string, mode?: number, uid?: number, gid?: number): void;
  /** Replace lines matching re (multiline) in a file. */
  edit(p: string, fn: (text: string) => string): void;
}

export function layerApi(root: string): Layer {
  const abs = (p: string) => path.join(root, p);
  return {
    root,
    write(p, content, mode = 0o644, uid = 0, gid = 0) {
      mkdirSync(path.dirname(abs(p)), { recursive: true });
      rmSync(abs(p), { force: true });
      writeFileSync(abs(p), content);
      // chown before chmod: changing the owner clears set-user-ID and set-group-ID bits
      chownSync(abs(p), uid, gid);
      chmodSync(abs(p), mode);
    },
    append(p, content) { writeFileSync(abs(p), readFileSync(abs(p), 'utf8') + content); },
    read(p) { return readFileSync(abs(p), 'utf8'); },
    chmod(p, mode) { chmodSync(abs(p), mode); },
    chown(p, uid, gid) { chownSync(abs(p), uid, gid); },
    remove(p) { rmSync(abs(p), { recursive: true, force: true }); },
    mkdir(p, mode = 0o755, uid = 0, gid = 0) {
      mkdirSync(abs(p), { recursive: true });
      chownSync(abs(p), uid, gid);
      chmodSync(abs(p), mode);
    },
    edit(p, fn) {
      const text = readFileSync(abs(p), 'utf8');
      writeFileSync(abs(p), fn(text));
    },
  };
}

/** Mount an overlay over `lower`, let `mutate` change it, run `fn` on the merged root, then clean up. */
export async function withOverlay<T>(lower: string, mutate: (layer: Layer) => void | Promise<void>, fn: (root: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cis-bdd-case-'));
  const [upper, work, merged] = ['upper', 'work', 'merged'].map((d) => path.join(dir, d));
  for (const d of [upper, work, merged]) mkdirSync(d);
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
  try {
    await mutate(layerApi(merged));
    return await fn(merged);
  } finally {
    execFileSync('umount', [merged]);
    rmSync(dir, { recursive: true, force: true });
  }
}

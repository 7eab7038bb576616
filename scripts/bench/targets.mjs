/**
 * The things the benchmark audits and how: the fixture trees and images, throwaway containers (each
 * labelled io.cis-bdd.bench=true and removed at the end), the sshd fixture on a loopback port, one audit
 * as a child process of `node bin/cis-bdd.mjs audit`, and the floor of each kind of target.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { onCleanup, runTimed, scratchPath, sh } from './proc.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = path.join(repoRoot, 'bin/cis-bdd.mjs');
const recorder = path.join(repoRoot, 'scripts/bench/record-reads.mjs');
const apiAudit = path.join(repoRoot, 'scripts/bench/api-audit.mjs');
const writeFiles = path.join(repoRoot, 'scripts/bench/write-files.mjs');

export const BENCHMARKS = {
  ubuntu: 'cis-ubuntu-18.04-v2.1.0',
  acl2: 'cis-aliyun-linux-2-v1.0.0',
};
export const IMAGES = {
  ubuntu: 'cis-bdd/ubuntu-18.04-stock:latest',
  acl2: 'cis-bdd/acl2-stock:latest',
  sshd: 'cis-bdd/sshd:latest',
};
export const fixtureCache = process.env.CIS_BDD_FIXTURE_CACHE ?? '/var/tmp/cis-bdd-fixtures';
export const ROOTS = {
  ubuntu: path.join(fixtureCache, 'ubuntu-18.04'),
  acl2: path.join(fixtureCache, 'acl2-stock'),
};

/** The Ubuntu fixture tree, unpacked from ../shared/fixtures as the tests do when it is not there yet. */
export function ensureUbuntuRoot() {
  const marker = path.join(fixtureCache, 'ubuntu-18.04.unpacked');
  if (existsSync(marker) && existsSync(path.join(ROOTS.ubuntu, 'etc/os-release'))) return ROOTS.ubuntu;
  const shared = process.env.CIS_BDD_SHARED ?? path.resolve(repoRoot, '../shared');
  const tarball = path.join(shared, 'fixtures/ubuntu-18.04-rootfs.tar.xz');
  if (!existsSync(tarball)) throw new Error(`the Ubuntu fixture is missing: ${tarball}`);
  rmSync(ROOTS.ubuntu, { recursive: true, force: true });
  mkdirSync(ROOTS.ubuntu, { recursive: true });
  execFileSync('tar', ['--numeric-owner', '-xJf', tarball, '-C', ROOTS.ubuntu]);
  writeFileSync(marker, new Date().toISOString());
  return ROOTS.ubuntu;
}

export function requireTree(dir, hint) {
  if (!existsSync(path.join(dir, 'etc/os-release'))) throw new Error(`${dir} is missing (${hint})`);
  return dir;
}

/* ---------- docker ---------- */

export function docker(...args) {
  return sh('docker', args);
}

export function requireImage(image) {
  try { docker('image', 'inspect', image); } catch { throw new Error(`image ${image} is missing: run containers/build.sh`); }
}

/** A running container of an image, --network none, idling on sh's open stdin (no sleep binary needed). */
export function startIdleContainer(image) {
  requireImage(image);
  const name = `cis-bdd-bench-${randomBytes(4).toString('hex')}`;
  docker('run', '-d', '-i', '--name', name, '--network', 'none', '--label', 'io.cis-bdd.bench=true', '--entrypoint', '/bin/sh', image);
  const remove = onCleanup(() => { try { docker('rm', '-f', name); } catch { /* gone */ } });
  return { name, uri: `docker://${name}`, remove };
}

/* ---------- sshd fixture ---------- */

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForBanner(port, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = netConnect(port, '127.0.0.1');
      const t = setTimeout(() => { s.destroy(); resolve(false); }, 1000);
      s.once('data', (d) => { clearTimeout(t); s.destroy(); resolve(d.toString().startsWith('SSH-')); });
      s.once('error', () => { clearTimeout(t); resolve(false); });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port}`);
}

let keyPair;
/** One ed25519 key pair per bench run, shared by every sshd fixture it starts. */
export function sshKey() {
  if (!keyPair) {
    const keys = ssh2.utils.generateKeyPairSync('ed25519');
    const file = scratchPath('id_ed25519');
    writeFileSync(file, keys.private, { mode: 0o600 });
    keyPair = { file, private: keys.private, public: keys.public };
  }
  return keyPair;
}

/** The sshd fixture image with --network host on a free loopback port, as test/support/sshd.ts does. */
export async function startSshd() {
  requireImage(IMAGES.sshd);
  const key = sshKey();
  const port = await freePort();
  const name = `cis-bdd-bench-sshd-${port}`;
  docker('run', '-d', '--name', name, '--network', 'host', '--label', 'io.cis-bdd.bench=true',
    '-e', `SSHD_PORT=${port}`, '-e', `AUTHORIZED_KEY=${key.public}`, IMAGES.sshd);
  const remove = onCleanup(() => { try { docker('rm', '-f', name); } catch { /* gone */ } });
  await waitForBanner(port);
  const knownHosts = scratchPath(`known_hosts-${port}`);
  return {
    name, port, remove, keyFile: key.file, knownHosts,
    uri: `ssh://root@127.0.0.1:${port}`,
    auditArgs: ['--identity', key.file, '--known-hosts', knownHosts, '--accept-new-host-key'],
  };
}

/* ---------- one audit in a child process ---------- */

/**
 * `node bin/cis-bdd.mjs audit --target T --benchmark B --level 2 --out DIR --no-html [extra]` in a child
 * process. With record: the preload notes the files read and the round trips (see record-reads.mjs).
 * With via 'api': runAudit({ allureResults: false }) in a child process instead (api-audit.mjs).
 * With cpuProfDir: node --cpu-prof writes a CPU profile of each thread there (see profile.mjs).
 * With node: that Node.js binary runs it (default: the one running the benchmark). With html: without
 * --no-html, so the audit also generates its Allure HTML report.
 */
export async function auditOnce({ target, benchmark, extra = [], record = false, via = 'cli', timeoutMs = 30 * 60_000, cpuProfDir, node = process.execPath, html = false }) {
  const out = scratchPath('report');
  const recFile = record ? scratchPath('record.json') : undefined;
  const args = [...(record ? ['--import', recorder] : []), ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), ...(via === 'api'
    ? [apiAudit, target, benchmark, out]
    : [cli, 'audit', '--target', target, '--benchmark', benchmark, '--level', '2', '--out', out, ...(html ? [] : ['--no-html']), ...extra])];
  const env = { ...process.env, ...(recFile ? { CIS_BDD_BENCH_RECORD: recFile } : {}) };
  delete env.CIS_BDD_TRACE;
  const r = await runTimed(node, args, { cwd: repoRoot, env, rss: true, timeoutMs });
  try {
    if (r.timedOut) throw new Error(`audit of ${target} timed out after ${timeoutMs} ms`);
    if (![0, 1, 3].includes(r.code)) {
      throw new Error(`audit of ${target} exited ${r.code ?? r.signal}: ${(r.stderr || r.stdout.toString()).trim().split('\n').slice(-6).join(' | ')}`);
    }
    const report = JSON.parse(readFileSync(path.join(out, 'compliance.json'), 'utf8'));
    const noScenario = report.items.filter((i) => i.status === 'unknown' && /no scenario yet/.test(i.reason ?? '')).length;
    const rec = recFile && existsSync(recFile) ? JSON.parse(readFileSync(recFile, 'utf8')) : undefined;
    let allureFiles = null;
    try { allureFiles = readdirSync(path.join(out, 'allure-results')).length; } catch { /* no Allure results (API row) */ }
    let rewriteMs = null;
    if (record && allureFiles) {
      // the same files written again on their own, next to where the audit wrote them
      const w = await runTimed(process.execPath, [writeFiles, path.join(out, 'allure-results'), path.join(out, 'rewrite')], { cwd: repoRoot });
      if (w.code === 0) rewriteMs = JSON.parse(w.stdout.toString()).ms;
    }
    return {
      wallMs: r.wallMs,
      cpuMs: r.cpuMs,
      peakRssKb: r.peakRssKb,
      exitCode: r.code,
      durationMs: report.run.durationMs,
      roundTrips: report.run.roundTrips,
      bytesRead: report.run.bytesRead,
      items: report.items.length,
      itemsRun: report.items.length - noScenario,
      summary: report.summary,
      files: rec?.files ?? [],
      trips: rec?.trips ?? [],
      allureWaitMs: rec?.allureWaitMs ?? null,
      allureFiles,
      rewriteMs,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
    if (recFile) rmSync(recFile, { force: true });
  }
}

/** `cis-bdd --version`: node start-up and the CLI module graph, nothing else. */
export async function versionOnce() {
  const r = await runTimed(process.execPath, [cli, '--version'], { cwd: repoRoot, rss: true });
  if (r.code !== 0) throw new Error(`cis-bdd --version exited ${r.code}: ${r.stderr}`);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, peakRssKb: r.peakRssKb, version: r.stdout.toString().trim() };
}

/* ---------- the floor ---------- */

const WALK_FORMAT = '%y %m %U %G %s %p\\0%l\\0';
/**
 * The floor script: one find -xdev walk of ROOT printing what cis-bdd's walk prints, then cat of the
 * NUL-separated list of files on stdin. Remote (docker, ssh): the output streams back to the caller,
 * which counts it, as an audit's does. Local (rootfs): it goes through a pipe into wc -c, the cheapest
 * reader there is, and only the count comes back.
 */
export function floorScript(root, { local = false } = {}) {
  const q = `'${root.replace(/'/g, `'\\''`)}'`;
  const body = `find ${q} -xdev -printf '${WALK_FORMAT}'; xargs -0 -r cat --`;
  return local ? `{ ${body}; } 2>/dev/null | wc -c` : `{ ${body}; } 2>/dev/null; true`;
}

/** Resolve a path of the tree to a path of this machine, symlinks followed inside the tree (as rootfs does). */
export function resolveInRoot(root, targetPath) {
  const parts = targetPath.split('/').filter(Boolean);
  let resolved = [];
  let hops = 0;
  while (parts.length) {
    const part = parts.shift();
    if (part === '.') continue;
    if (part === '..') { resolved.pop(); continue; }
    const host = path.join(root, ...resolved, part);
    let st;
    try { st = lstatSync(host); } catch { return null; }
    if (st.isSymbolicLink()) {
      if (++hops > 40) return null;
      const link = readlinkSync(host);
      if (link.startsWith('/')) resolved = [];
      parts.unshift(...link.split('/').filter(Boolean));
      continue;
    }
    resolved.push(part);
  }
  return path.join(root, ...resolved);
}

const nulList = (paths) => Buffer.from(paths.length ? `${paths.join('\0')}\0` : '');

/** Floor of a root filesystem: the script run on this machine over the directory. */
export async function floorRootfs(root, files) {
  const hostPaths = files.map(([p]) => resolveInRoot(root, p)).filter(Boolean);
  const r = await runTimed('/bin/sh', ['-c', floorScript(root, { local: true })], { input: nulList(hostPaths), rss: true });
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, bytes: Number(r.stdout.toString().trim()), files: hostPaths.length };
}

/** Floor of a running container: one `docker exec -i` that walks / and cats the files. */
export async function floorDocker(container, files) {
  const r = await runTimed('docker', ['exec', '-i', '-u', '0', container, '/bin/sh', '-c', floorScript('/')], { input: nulList(files.map(([p]) => p)), collect: false });
  if (r.code !== 0) throw new Error(`docker exec floor exited ${r.code}: ${r.stderr}`);
  return { wallMs: r.wallMs, bytes: r.stdoutBytes, files: files.length };
}

/** Floor of an image: one `docker run --rm -i --network none` (create, start, walk and cat, remove). */
export async function floorDockerImage(image, files) {
  const r = await runTimed('docker', ['run', '--rm', '-i', '--network', 'none', '--label', 'io.cis-bdd.bench=true', '--entrypoint', '/bin/sh', image, '-c', floorScript('/')],
    { input: nulList(files.map(([p]) => p)), collect: false });
  if (r.code !== 0) throw new Error(`docker run floor exited ${r.code}: ${r.stderr}`);
  return { wallMs: r.wallMs, bytes: r.stdoutBytes, files: files.length };
}

/** Floor over SSH: connect (ssh2, as cis-bdd does), one exec that walks / and cats the files, close. */
export function floorSsh(sshd, files) {
  const key = sshKey();
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const client = new ssh2.Client();
    let bytes = 0;
    client.once('error', reject);
    client.once('ready', () => {
      client.exec(floorScript('/'), (err, ch) => {
        if (err) { client.end(); reject(err); return; }
        ch.on('data', (c) => { bytes += c.length; });
        ch.stderr.on('data', () => undefined);
        ch.on('close', () => {
          client.end();
          resolve({ wallMs: Number(process.hrtime.bigint() - t0) / 1e6, bytes, files: files.length });
        });
        ch.end(nulList(files.map(([p]) => p)));
      });
    });
    client.connect({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: key.private, hostVerifier: () => true, readyTimeout: 20_000 });
  });
}

/**
 * Throwaway containers of the fixture images for tests that need a live system. Containers run with
 * --network none; setup commands run through `docker exec` as root; the container is removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const IMAGES = {
  ubuntuStock: 'cis-bdd/ubuntu-18.04-stock:latest',
  ubuntuHardened: 'cis-bdd/ubuntu-18.04-hardened:latest',
  sshd: 'cis-bdd/sshd:latest',
};

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Fail loudly (never skip) when an image the tests need has not been built by containers/build.sh. */
export function requireImage(image: string): void {
  try {
    docker('image', 'inspect', image);
  } catch {
    throw new Error(`image ${image} is missing: run containers/build.sh (CI does it in .ci/run)`);
  }
}

export interface RunningContainer { name: string; uri: string; exec(script: string): string; remove(): void }

export function startContainer(image: string, extraArgs: string[] = []): RunningContainer {
  requireImage(image);
  const name = `cis-bdd-test-${randomBytes(4).toString('hex')}`;
  docker('run', '-d', '--name', name, '--network', 'none', '--label', 'io.cis-bdd.test=true', ...extraArgs, '--entrypoint', '/bin/sh', image, '-c', 'exec sleep 2147483647');
  return {
    name,
    uri: `docker://${name}`,
    exec: (script) => docker('exec', '-u', '0', name, '/bin/sh', '-c', script),
    // -v: with the anonymous volumes extra arguments may have made
    remove: () => { try { docker('rm', '-f', '-v', name); } catch { /* already gone */ } },
  };
}

/** Start a container, run setup as root, hand its docker:// URI to fn, remove it. */
export async function withContainer<T>(image: string, setup: string | undefined, fn: (c: RunningContainer) => Promise<T>): Promise<T> {
  return withContainerArgs(image, [], setup, fn);
}

/** The same, with extra `docker run` arguments (mounts, sysctls, tmpfs). */
export async function withContainerArgs<T>(image: string, extraArgs: string[], setup: string | undefined, fn: (c: RunningContainer) => Promise<T>): Promise<T> {
  const c = startContainer(image, extraArgs);
  try {
    if (setup) c.exec(setup);
    return await fn(c);
  } finally {
    c.remove();
  }
}

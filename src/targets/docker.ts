/**
 * Containers through the Docker Engine API (dockerode). `docker://NAME` execs into a running container;
 * `docker-image://IMAGE` starts a throwaway container of a local image with no network, audits it and
 * removes it. Commands run as root inside the container so that the audit can read what root can.
 */
import type Docker from 'dockerode';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import type { ExecResult, TargetKind, TargetLimits, TraceSink } from './target.js';
import { MAX_STDERR_CHARS, TargetError } from './target.js';
import { CommandTarget, type TransportRunOptions } from './command-target.js';

// dockerode (with its HTTP, SSH and gRPC dependencies) takes a quarter of a second to load: only a
// docker:// or docker-image:// target, or hardening, loads it, on first use.
const requireHere = createRequire(import.meta.url);
let DockerClass: typeof Docker | undefined;

export function dockerClient(): Docker {
  DockerClass ??= requireHere('dockerode') as typeof Docker;
  return new DockerClass();
}

export class DockerTarget extends CommandTarget {
  readonly kind: TargetKind;
  protected container?: Docker.Container;
  private client?: Docker;

  /** The Engine API client, made (and dockerode loaded) on first use. */
  protected get docker(): Docker {
    this.client ??= dockerClient();
    return this.client;
  }

  constructor(uri: string, protected readonly ref: string, trace?: TraceSink, kind: TargetKind = 'docker', limits: Partial<TargetLimits> = {}) {
    super(uri, trace, false, limits);
    this.kind = kind;
  }

  async connect(): Promise<void> {
    await this.ping();
    const container = this.docker.getContainer(this.ref);
    let info;
    try {
      info = await container.inspect();
    } catch (e) {
      throw new TargetError(`container "${this.ref}" not found: ${errorText(e)}`, 'unreachable');
    }
    if (!info.State.Running) throw new TargetError(`container "${this.ref}" is not running (state: ${info.State.Status})`, 'unreachable');
    this.container = container;
  }

  protected async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (e) {
      throw new TargetError(`the Docker engine cannot be reached (${errorText(e)}); is dockerd running and DOCKER_HOST set?`, 'unreachable');
    }
  }

  async close(): Promise<void> {}

  protected async run(command: string, options: TransportRunOptions): Promise<Omit<ExecResult, 'stdout'>> {
    if (!this.container) throw new TargetError('not connected', 'usage');
    const started = Date.now();
    let exec: Docker.Exec;
    let stream: NodeJS.ReadWriteStream & { destroy?: () => void };
    try {
      exec = await this.container.exec({ Cmd: ['/bin/sh', '-c', command], AttachStdout: true, AttachStderr: true, User: '0' });
      stream = await exec.start({ hijack: true, stdin: false }) as typeof stream;
    } catch (e) {
      await this.checkStillRunning();
      throw new TargetError(`docker exec in ${this.ref} failed: ${errorText(e)}`, 'io');
    }
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stdout.on('data', (c: Buffer) => options.onStdout(c));
    stderr.on('data', (c: Buffer) => { if (err.length < MAX_STDERR_CHARS) err += c.toString(); });
    this.docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => { stream.destroy?.(); reject(options.abort.reason); };
      if (options.abort.aborted) { onAbort(); return; }
      options.abort.addEventListener('abort', onAbort, { once: true });
      const done = () => { options.abort.removeEventListener('abort', onAbort); resolve(); };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', (e: Error) => { options.abort.removeEventListener('abort', onAbort); reject(e); });
    });
    let exitCode: number | null | undefined;
    try {
      exitCode = (await exec.inspect()).ExitCode;
    } catch (e) {
      await this.checkStillRunning();
      throw new TargetError(`docker exec in ${this.ref}: ${errorText(e)}`, 'io');
    }
    // a command killed with its container: the output is cut short; say why
    if (exitCode === null || exitCode === undefined || exitCode === 137) await this.checkStillRunning();
    return { command, exitCode: exitCode ?? -1, stderr: err, durationMs: Date.now() - started };
  }

  /** After a failed exec: if the container is gone or stopped, the run has lost its target. */
  private async checkStillRunning(): Promise<void> {
    if (!this.container) return;
    let reason: string | undefined;
    try {
      const info = await this.container.inspect();
      if (!info.State.Running) reason = `the container ${this.ref} stopped during the audit (state: ${info.State.Status})`;
    } catch (e) {
      reason = `the container ${this.ref} disappeared during the audit (${errorText(e)})`;
    }
    if (reason) {
      this.connectionLost(reason);
      throw this.ended;
    }
  }
}

/**
 * An image is not a running system: its throwaway container runs only an idle shell, so running state
 * (processes, sockets, kernel values, mounts) says nothing about the image. Commands that read files
 * (sshd -T, rpm -qa) still run in it.
 */
export class DockerImageTarget extends DockerTarget {
  override readonly isLive = false;
  override readonly notLiveReason = 'image: not a running system (audit a running container or host for this part)';
  constructor(uri: string, private readonly image: string, trace?: TraceSink, limits: Partial<TargetLimits> = {}) {
    super(uri, image, trace, 'docker-image', limits);
  }

  override async connect(): Promise<void> {
    await this.ping();
    try {
      await this.docker.getImage(this.image).inspect();
    } catch (e) {
      throw new TargetError(`image "${this.image}" is not present in the local Docker engine (cis-bdd never pulls): ${errorText(e)}`, 'unreachable');
    }
    // sh blocks on its open stdin, so the container idles without needing a sleep binary in the image.
    this.container = await this.docker.createContainer({
      Image: this.image,
      Entrypoint: ['/bin/sh'],
      Cmd: [],
      OpenStdin: true,
      User: '0',
      Labels: { 'io.cis-bdd.throwaway': 'true' },
      HostConfig: { NetworkMode: 'none' },
    });
    this.trace?.(`[docker-image] started throwaway container ${this.container.id.slice(0, 12)} of ${this.image} (network none)`);
    await this.container.start();
  }

  override async close(): Promise<void> {
    if (!this.container) return;
    const c = this.container;
    this.container = undefined;
    await c.remove({ force: true, v: true }).catch(() => undefined);
    this.trace?.(`[docker-image] removed throwaway container ${c.id.slice(0, 12)}`);
  }
}

function errorText(e: unknown): string {
  const err = e as { json?: { message?: string }; message?: string; statusCode?: number };
  return err?.json?.message ?? err?.message ?? String(e);
}

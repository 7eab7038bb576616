/** Turn a target URI into a transport. */
import type { Target, TargetLimits, TraceSink } from './target.js';
import { TargetError } from './target.js';
import { LocalTarget } from './local.js';
import { RootfsTarget } from './rootfs.js';
import { DockerImageTarget, DockerTarget } from './docker.js';
import { SshTarget } from './ssh.js';
import { TARGET_FORMS, type SshSecrets } from './forms.js';

export interface TargetOptions {
  identityFile?: string;
  knownHostsFile?: string;
  acceptNewHostKey?: boolean;
  sudo?: boolean;
  trace?: TraceSink;
  /** the size cap per file and the timeout per round trip (defaults: DEFAULT_LIMITS) */
  limits?: Partial<TargetLimits>;
  /** SSH secrets, from whoever runs the audit (the CLI: CIS_BDD_SSH_PASSWORD, CIS_BDD_SSH_PASSPHRASE, SSH_AUTH_SOCK) */
  sshSecrets?: SshSecrets;
  /** the user an ssh:// URI without one logs in as (the CLI: $USER); root when not given */
  sshDefaultUser?: string;
}


export { TARGET_FORMS, type SshSecrets };

export function openTarget(uri: string | undefined, options: TargetOptions = {}): Target {
  const spec = uri ?? 'local';
  if (spec === 'local' || spec === 'local://') return new LocalTarget('local', options.trace, options.limits);
  if (spec.startsWith('rootfs:')) {
    const dir = spec.slice('rootfs:'.length).replace(/^\/\/(?=\/)/, '');
    if (!dir.startsWith('/')) throw new TargetError(`rootfs target needs an absolute path: rootfs:/PATH (got ${spec})`, 'usage');
    return new RootfsTarget(`rootfs:${dir}`, dir, options.limits);
  }
  if (spec.startsWith('docker://')) {
    const name = spec.slice('docker://'.length);
    if (!name) throw new TargetError('docker:// needs a container name or id', 'usage');
    return new DockerTarget(spec, name, options.trace, 'docker', options.limits);
  }
  if (spec.startsWith('docker-image://')) {
    const image = spec.slice('docker-image://'.length);
    if (!image) throw new TargetError('docker-image:// needs an image reference', 'usage');
    return new DockerImageTarget(spec, image, options.trace, options.limits);
  }
  if (spec.startsWith('ssh://')) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new TargetError(`not a valid ssh URI: ${spec} (expected ssh://[user@]host[:port])`, 'usage');
    }
    if (url.password) throw new TargetError('a password in the target URI is refused: it would show in process lists and logs; set CIS_BDD_SSH_PASSWORD or use a key', 'usage');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host) throw new TargetError(`ssh URI without a host: ${spec}`, 'usage');
    const username = decodeURIComponent(url.username) || options.sshDefaultUser || 'root';
    const port = url.port ? Number(url.port) : 22;
    const clean = `ssh://${username}@${url.hostname}${url.port ? `:${url.port}` : ''}`;
    return new SshTarget(clean, {
      host, port, username,
      identityFile: options.identityFile,
      knownHostsFile: options.knownHostsFile,
      acceptNewHostKey: options.acceptNewHostKey,
      sudo: options.sudo,
      ...options.sshSecrets,
    }, options.trace, options.limits);
  }
  throw new TargetError(`unknown target "${spec}". Target forms:\n  ${TARGET_FORMS.join('\n  ')}`, 'usage');
}

export type { Target } from './target.js';

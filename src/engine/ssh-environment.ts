/**
 * What an SSH connection takes from the environment of the process that runs cis-bdd: a pure mapping from
 * an environment record to the transport's options. The transports never read the environment; the CLI
 * (and, when cucumber-js is run directly, the hooks) pass `process.env` here and hand the values over.
 * Secrets are never logged.
 */
import type { SshSecrets } from '../targets/forms.js';

export interface SshEnvironment {
  /** CIS_BDD_SSH_PASSWORD, CIS_BDD_SSH_PASSPHRASE (of the --identity key), SSH_AUTH_SOCK */
  sshSecrets: SshSecrets;
  /** the user an ssh:// URI without one logs in as: $USER */
  sshDefaultUser?: string;
}

export function sshEnvironment(env: Record<string, string | undefined>): SshEnvironment {
  return {
    sshSecrets: { password: env.CIS_BDD_SSH_PASSWORD || undefined, passphrase: env.CIS_BDD_SSH_PASSPHRASE || undefined, agentSocket: env.SSH_AUTH_SOCK || undefined },
    sshDefaultUser: env.USER || undefined,
  };
}

/** The target URI forms, for help texts and error messages (kept apart so that help loads no transport). */
export const TARGET_FORMS = [
  'local (the machine cis-bdd runs on; the default)',
  'ssh://[user@]host[:port]',
  'docker://CONTAINER (a running container)',
  'docker-image://IMAGE[:TAG] (a local image; a throwaway container is used)',
  'rootfs:/PATH (a mounted root filesystem; nothing is executed)',
];

export interface SshSecrets { password?: string; passphrase?: string; agentSocket?: string }

/** The SSH secrets a process's environment holds, as the CLI and the cucumber profile take them. */
export function sshSecretsFrom(env: Record<string, string | undefined>): SshSecrets {
  return { password: env.CIS_BDD_SSH_PASSWORD || undefined, passphrase: env.CIS_BDD_SSH_PASSPHRASE || undefined, agentSocket: env.SSH_AUTH_SOCK || undefined };
}

/** The target URI forms, for help texts and error messages (kept apart so that help loads no transport). */
export const TARGET_FORMS = [
  'local (the machine cis-bdd runs on; the default)',
  'ssh://[user@]host[:port]',
  'docker://CONTAINER (a running container)',
  'docker-image://IMAGE[:TAG] (a local image; a throwaway container is used)',
  'rootfs:/PATH (a mounted root filesystem; nothing is executed)',
];

/** SSH secrets, handed to the transport by whoever runs the audit (the CLI reads them from its environment). */
export interface SshSecrets { password?: string; passphrase?: string; agentSocket?: string }

/**
 * Applicability rules the engine applies to every item before its check runs.
 *
 * The container rule: a container shares the host's kernel and has no bootloader, partitions or clock of
 * its own. Scenarios (or whole features) tagged @host:<what> are not applicable on docker:// and
 * docker-image:// targets; the reason names what belongs to the host. `--container-as-host` turns it off.
 */
const HOST_ONLY: Record<string, string> = {
  '@host:kernel': 'kernel modules, kernel parameters, loaded audit rules and the loaded AppArmor policy belong to the host kernel',
  '@host:bootloader': 'a container has no bootloader',
  '@host:partitions': 'a container has no partitions or mount table of its own',
  '@host:time': 'time synchronisation belongs to the host clock',
};

/** The host-only tags the container rule knows (the tag vocabulary lists them). */
export const HOST_ONLY_TAGS = Object.keys(HOST_ONLY);

/** Why an item with these tags does not apply on a target of this kind, or undefined when it does. */
export function containerRule(kind: string, tags: readonly string[]): string | undefined {
  if (kind !== 'docker' && kind !== 'docker-image') return undefined;
  const tag = tags.find((t) => t in HOST_ONLY);
  return tag ? `container: ${HOST_ONLY[tag]}; audit the host or its root filesystem for this item` : undefined;
}

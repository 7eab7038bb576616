/** The files cis-bdd's own fixes write their settings to, named once for every step that fixes items. */

/** cis-bdd's own drop-ins: hardening writes kernel settings here and nowhere else. */
export const CIS_BDD_SYSCTL = '/etc/sysctl.d/60-cis-bdd.conf';

export const CIS_BDD_MODPROBE = '/etc/modprobe.d/60-cis-bdd.conf';

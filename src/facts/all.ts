/**
 * Every module that defines facts, imported for what importing it does: each defineFact call registers
 * its fact, and the files it declares are what a session reads first, in one round trip
 * (FactStore.prefetch). The session imports this module, so that read is complete whatever else has been
 * loaded by then; without it, a session opened before the step library was imported read only the files
 * of the facts the engine itself imports (46 of 150 files here), and the audit made more round trips.
 * test/architecture/facts-registry.test.ts checks that every module of src/facts defining a fact is here.
 */
import './accounts.js';
import './apparmor.js';
import './apt-keys.js';
import './apt-sources.js';
import './audit-rules-on-disk.js';
import './audit-rules.js';
import './auditd-config.js';
import './banners.js';
import './coredump.js';
import './cron-access.js';
import './filesystem.js';
import './firewall.js';
import './gdm.js';
import './grub.js';
import './homes.js';
import './ipv6.js';
import './journald.js';
import './kernel-cmdline.js';
import './kernel-modules.js';
import './limits.js';
import './listening-sockets.js';
import './log-files.js';
import './login-defs.js';
import './logrotate.js';
import './mounts.js';
import './mta.js';
import './network-interfaces.js';
import './ntp.js';
import './nx-support.js';
import './os-release.js';
import './packages.js';
import './pam-args.js';
import './pam.js';
import './pending-updates.js';
import './processes.js';
import './pwquality.js';
import './removable-media.js';
import './rpm-keys.js';
import './rsyslog.js';
import './scheduled-jobs.js';
import './securetty.js';
import './selinux.js';
import './shell-login.js';
import './shell-profiles.js';
import './single-user-mode.js';
import './sshd-config.js';
import './sudoers.js';
import './sysctl-links.js';
import './sysctl.js';
import './systemd-units.js';
import './tcp-wrappers.js';
import './time-sync.js';
import './timesyncd.js';
import './yum.js';

@section:4.1
Feature: 4.1 Configure System Accounting (auditd)
  The Linux audit system records security-relevant events in the kernel (who changed the clock, the
  accounts, the network identity, the permissions of a file; who ran a privileged program) and the audit
  daemon writes them to disk where an intruder working as an ordinary user cannot erase them.
  The daemon's settings are read from /etc/audit/auditd.conf, the boot parameters from GRUB's generated
  /boot/grub/grub.cfg. The rules are checked twice: as the kernel will hold them after the next boot,
  and on a running system as loaded in the kernel (`auditctl -l`). At boot augenrules merges the files
  of /etc/audit/rules.d whose names end in ".rules", in `ls -v` order (its last -D, -b and -f lines
  first, its last -e line last; an empty directory gives no rules at all); under mawk, Ubuntu's awk
  unless gawk is installed, it leaves an indented "-e", "-D" or "#" line where it is. `auditctl -R` loads
  the result line by line and stops at the first line the kernel refuses (a rule loaded twice, a rule
  removed that is not there, any change after -e 2): the lines after it are never loaded.
  /etc/audit/audit.rules is loaded as it is only when /etc/audit/rules.d is not a directory. A required
  rule counts only if no "never" rule that can match the same events is tried before it (the kernel stops
  at the first rule that matches), nor any on the task list. Rules are compared by meaning, not by
  spelling: `-S a -S b` equals `-S a,b`, `-k key` equals `-F key=key`, the order of `-F` fields does not
  matter, and an unset login uid may be written 4294967295, -1 or unset. Audit rules belong to the kernel, and a container shares its host's kernel:
  items about audit rules do not apply to a container; audit the host or its root filesystem for them.

  @id:4.1.1.1 @level:2 @scored
  Scenario: 4.1.1.1 Ensure auditd is installed
    Without the audit daemon nothing writes the kernel's audit records to disk, and without its
    dispatcher plugins they cannot be passed on to a central log store.
    Then the package "auditd" is installed
    And the package "audispd-plugins" is installed

  @id:4.1.1.2 @level:2 @scored
  Scenario: 4.1.1.2 Ensure auditd service is enabled
    An installed daemon that does not start at boot records nothing.
    Then the service "auditd" is enabled

  @id:4.1.1.3 @level:2 @scored @host:bootloader
  Scenario: 4.1.1.3 Ensure auditing for processes that start prior to auditd is enabled
    Processes started before the audit daemon would escape auditing for their whole life unless the
    kernel audits from the first instant; the kernel parameter audit=1 makes it do so. Every kernel entry
    GRUB offers must carry it, or booting another entry turns this off.
    Given the kernel command lines in the GRUB configuration "/boot/grub/grub.cfg", if that file exists
    Then every kernel command line in it passes the audit parameter "audit=1"

  @id:4.1.1.4 @level:2 @scored @host:bootloader
  Scenario: 4.1.1.4 Ensure audit_backlog_limit is sufficient
    Until the daemon runs, the kernel queues audit records in a backlog; when it overflows, records
    from early boot are lost. The backlog must hold at least 8192 records on every kernel entry.
    Given the kernel command lines in the GRUB configuration "/boot/grub/grub.cfg", if that file exists
    Then every kernel command line in it passes the audit parameter "audit_backlog_limit" with a value of at least 8192

  @id:4.1.2.1 @level:2 @scored
  Scenario: 4.1.2.1 Ensure audit log storage size is configured
    The audit log's size decides when it is rotated and how much history stays on disk; it must be
    chosen on purpose and stated as a number of megabytes.
    Given the audit daemon configuration in /etc/audit/auditd.conf
    Then the audit daemon setting "max_log_file" is a number of megabytes

  @id:4.1.2.2 @level:2 @scored
  Scenario: 4.1.2.2 Ensure audit logs are not automatically deleted
    Once the audit log reaches its size, rotating it away (the default) eventually deletes old records;
    keeping every rotated log preserves the whole trail.
    Given the audit daemon configuration in /etc/audit/auditd.conf
    Then the audit daemon setting "max_log_file_action" is "keep_logs"

  @id:4.1.2.3 @level:2 @scored
  Scenario: 4.1.2.3 Ensure system is disabled when audit logs are full
    A system that keeps running after it can no longer record audit events acts without a trail. When
    the disk runs low root is told by mail, and when it is nearly full the system halts.
    Given the audit daemon configuration in /etc/audit/auditd.conf
    Then the audit daemon setting "space_left_action" is "email"
    And the audit daemon setting "action_mail_acct" is "root"
    And the audit daemon setting "admin_space_left_action" is "halt"

  @id:4.1.3 @level:2 @scored @host:kernel
  Scenario: 4.1.3 Ensure events that modify date and time information are collected
    A clock moved backwards or forwards can hide when something happened and confuse every log
    afterwards; each change of the system time or time zone must be recorded, for 64-bit and 32-bit calls.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change
      -a always,exit -F arch=b32 -S adjtimex -S settimeofday -S stime -k time-change
      -a always,exit -F arch=b64 -S clock_settime -k time-change
      -a always,exit -F arch=b32 -S clock_settime -k time-change
      -w /etc/localtime -p wa -k time-change
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.4 @level:2 @scored @host:kernel
  Scenario: 4.1.4 Ensure events that modify user/group information are collected
    Adding an account, a group member or a password is how an intruder stays; every write to the
    account databases must leave a record.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /etc/group -p wa -k identity
      -w /etc/passwd -p wa -k identity
      -w /etc/gshadow -p wa -k identity
      -w /etc/shadow -p wa -k identity
      -w /etc/security/opasswd -p wa -k identity
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.5 @level:2 @scored @host:kernel
  Scenario: 4.1.5 Ensure events that modify the system's network environment are collected
    Changing the host or domain name, the login banners, the hosts file or the network configuration
    can redirect traffic or mislead users; these changes must be recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -S sethostname -S setdomainname -k system-locale
      -a always,exit -F arch=b32 -S sethostname -S setdomainname -k system-locale
      -w /etc/issue -p wa -k system-locale
      -w /etc/issue.net -p wa -k system-locale
      -w /etc/hosts -p wa -k system-locale
      -w /etc/network -p wa -k system-locale
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.6 @level:2 @scored @host:kernel
  Scenario: 4.1.6 Ensure events that modify the system's Mandatory Access Controls are collected
    AppArmor's profiles confine programs; whoever weakens them should not do so unseen.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /etc/apparmor/ -p wa -k MAC-policy
      -w /etc/apparmor.d/ -p wa -k MAC-policy
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.7 @level:2 @scored @host:kernel
  Scenario: 4.1.7 Ensure login and logout events are collected
    The files that count failed logins and remember the last login change at every login; recording
    their writes shows logins, lockouts and attempts to tamper with those counters.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /var/log/faillog -p wa -k logins
      -w /var/log/lastlog -p wa -k logins
      -w /var/log/tallylog -p wa -k logins
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.8 @level:2 @scored @host:kernel
  Scenario: 4.1.8 Ensure session initiation information is collected
    The session records (utmp for current sessions, wtmp and btmp for past and failed ones) tell who was
    on the system when; writes to them must be recorded, so that editing them out shows.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /var/run/utmp -p wa -k session
      -w /var/log/wtmp -p wa -k logins
      -w /var/log/btmp -p wa -k logins
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.9 @level:2 @scored @host:kernel
  Scenario: 4.1.9 Ensure discretionary access control permission modification events are collected
    Changing a file's mode, owner or extended attributes can open it to others; users' changes of this
    kind (login uid 1000 and above, never the unset uid of system processes) must be recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -S chmod -S fchmod -S fchmodat -F auid>=1000 -F auid!=4294967295 -k perm_mod
      -a always,exit -F arch=b32 -S chmod -S fchmod -S fchmodat -F auid>=1000 -F auid!=4294967295 -k perm_mod
      -a always,exit -F arch=b64 -S chown -S fchown -S fchownat -S lchown -F auid>=1000 -F auid!=4294967295 -k perm_mod
      -a always,exit -F arch=b32 -S chown -S fchown -S fchownat -S lchown -F auid>=1000 -F auid!=4294967295 -k perm_mod
      -a always,exit -F arch=b64 -S setxattr -S lsetxattr -S fsetxattr -S removexattr -S lremovexattr -S fremovexattr -F auid>=1000 -F auid!=4294967295 -k perm_mod
      -a always,exit -F arch=b32 -S setxattr -S lsetxattr -S fsetxattr -S removexattr -S lremovexattr -S fremovexattr -F auid>=1000 -F auid!=4294967295 -k perm_mod
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.10 @level:2 @scored @host:kernel
  Scenario: 4.1.10 Ensure unsuccessful unauthorized file access attempts are collected
    A user who tries to open, create or truncate files they may not touch is probing; attempts refused
    for lack of permission (EACCES, EPERM) must be recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -S creat -S open -S openat -S truncate -S ftruncate -F exit=-EACCES -F auid>=1000 -F auid!=4294967295 -k access
      -a always,exit -F arch=b32 -S creat -S open -S openat -S truncate -S ftruncate -F exit=-EACCES -F auid>=1000 -F auid!=4294967295 -k access
      -a always,exit -F arch=b64 -S creat -S open -S openat -S truncate -S ftruncate -F exit=-EPERM -F auid>=1000 -F auid!=4294967295 -k access
      -a always,exit -F arch=b32 -S creat -S open -S openat -S truncate -S ftruncate -F exit=-EPERM -F auid>=1000 -F auid!=4294967295 -k access
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.11 @level:2 @scored @host:kernel
  Scenario: 4.1.11 Ensure use of privileged commands is collected
    Programs that run with their owner's or group's rights (set-user-ID, set-group-ID) are how a user
    gains privileges, legitimately or not; each run of each of them by a user must be recorded. The
    programs are those found on the local filesystems by the walk shared by all items; each needs its
    own rule, with its path in place of <program>.
    Given every local filesystem, walked once for the whole audit
    And the audit rules the kernel holds after augenrules loads them at boot
    Then for every set-user-ID or set-group-ID program found, the audit rules on disk include:
      """
      -a always,exit -F path=<program> -F perm=x -F auid>=1000 -F auid!=4294967295 -k privileged
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.12 @level:2 @scored @host:kernel
  Scenario: 4.1.12 Ensure successful file system mounts are collected
    A user mounting a filesystem may be bringing in or carrying off data; every mount by a user must be
    recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=4294967295 -k mounts
      -a always,exit -F arch=b32 -S mount -F auid>=1000 -F auid!=4294967295 -k mounts
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.13 @level:2 @scored @host:kernel
  Scenario: 4.1.13 Ensure file deletion events by users are collected
    Deleting or renaming files is how evidence disappears; users' deletions and renames must be recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -S unlink -S unlinkat -S rename -S renameat -F auid>=1000 -F auid!=4294967295 -k delete
      -a always,exit -F arch=b32 -S unlink -S unlinkat -S rename -S renameat -F auid>=1000 -F auid!=4294967295 -k delete
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.14 @level:2 @scored @host:kernel
  Scenario: 4.1.14 Ensure changes to system administration scope (sudoers) is collected
    The sudoers files say who may act as root; any change to them changes who administers the system.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /etc/sudoers -p wa -k scope
      -w /etc/sudoers.d/ -p wa -k scope
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.15 @level:2 @scored @host:kernel
  Scenario: 4.1.15 Ensure system administrator command executions (sudo) are collected
    Commands a user runs with root's effective rights (through sudo and the like) are the ones that can
    change anything; each must be recorded with the user who ran it.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -C euid!=uid -F euid=0 -F auid>=1000 -F auid!=4294967295 -S execve -k actions
      -a always,exit -F arch=b32 -C euid!=uid -F euid=0 -F auid>=1000 -F auid!=4294967295 -S execve -k actions
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.16 @level:2 @scored @host:kernel
  Scenario: 4.1.16 Ensure kernel module loading and unloading is collected
    A kernel module runs with full control of the machine; loading one is the classic way to hide a
    rootkit. Running the module tools and the load and unload system calls must be recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /sbin/insmod -p x -k modules
      -w /sbin/rmmod -p x -k modules
      -w /sbin/modprobe -p x -k modules
      -a always,exit -F arch=b64 -S init_module -S delete_module -k modules
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.17 @level:2 @scored @host:kernel
  Scenario: 4.1.17 Ensure the audit configuration is immutable
    An intruder who becomes root could simply switch the rules off. Ending the rules with "-e 2" locks
    them in the kernel until the next reboot, so a change needs a reboot, which is itself noticed.
    augenrules places the last "-e" line it finds after all the rules it loads, so that line decides,
    whichever file holds it, provided the load reaches it (a refused line before it stops the load).
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the enabling flag augenrules loads last is "-e 2"

@section:4.1
Feature: 4.1 Configure System Accounting (auditd)
  The kernel's audit system notes security-relevant events as they happen (a change of the clock, of an
  account, of the host's network identity or of a file's permissions; a run of a privileged program), and
  the audit daemon (package "audit" on Alibaba Cloud Linux 2) writes them where a user without root rights
  cannot erase them. The daemon's settings come from /etc/audit/auditd.conf. The kernel parameters come
  from the GRUB 2 configuration grub2-mkconfig generates: /boot/grub2/grub.cfg when the machine boots by
  BIOS, /boot/efi/EFI/<vendor>/grub.cfg when it boots by UEFI. The rules are checked as the kernel will
  hold them after the next boot: augenrules merges the files of /etc/audit/rules.d whose names end in
  ".rules", in `ls -v` order (its last -D, -b and -f lines first, its last -e line last; an empty
  directory gives no rules at all), and `auditctl -R` loads the result line by line, stopping at the first
  line the kernel refuses (a rule loaded twice, a rule removed that is not there, any change after -e 2):
  the lines after it are never loaded. /etc/audit/audit.rules is loaded as it is only when
  /etc/audit/rules.d is not a directory. A required rule counts only if no "never" rule that can match the
  same events is tried before it (the kernel stops at the first rule that matches), nor any on the task
  list. On a running system they are also checked as the kernel holds them (`auditctl -l`). Two rules
  that mean the same count as the same rule, whatever their spelling: `-S a -S b` or `-S a,b`, `-k key` or
  `-F key=key`, the fields in any order, the unset login uid as 4294967295, -1 or unset. Audit rules live
  in the kernel, which a container shares with its host: in a container the rule items do not apply, and
  the host (or its root filesystem) is audited for them.

  @id:4.1.1.1 @level:2 @not-scored
  Scenario: 4.1.1.1 Ensure audit log storage size is configured
    The size at which the audit log is rotated decides how much history one file holds; it must be
    chosen on purpose and written as a number of megabytes. auditd reads its configuration from top to
    bottom, so the last line for a setting is the one it uses.
    Given the audit daemon configuration in /etc/audit/auditd.conf
    Then the audit daemon setting "max_log_file" is a number of megabytes

  @id:4.1.1.2 @level:2 @scored
  Scenario: 4.1.1.2 Ensure system is disabled when audit logs are full
    A system that goes on working once it can no longer record what happens acts without a trail. When
    the disk runs low, root is told by mail; when it is nearly full, the system halts.
    Given the audit daemon configuration in /etc/audit/auditd.conf
    Then the audit daemon settings are:
      | setting                 | value |
      | space_left_action       | email |
      | action_mail_acct        | root  |
      | admin_space_left_action | halt  |

  @id:4.1.1.3 @level:2 @scored
  Scenario: 4.1.1.3 Ensure audit logs are not automatically deleted
    Once the audit log reaches its size, the default rotation ends up deleting the oldest records; keeping
    every full log and starting a new one preserves the whole trail.
    Given the audit daemon configuration in /etc/audit/auditd.conf
    Then the audit daemon setting "max_log_file_action" is "keep_logs"

  @id:4.1.2 @level:2 @scored
  Scenario: 4.1.2 Ensure auditd service is enabled
    The audit daemon records nothing unless systemd starts it at boot.
    Then the service "auditd" is enabled

  @id:4.1.3 @level:2 @scored @host:bootloader
  Scenario: 4.1.3 Ensure auditing for processes that start prior to auditd is enabled
    A process started before the audit daemon escapes auditing for its whole life unless the kernel
    audits from the moment it boots, which the kernel parameter audit=1 asks for. Every kernel entry of
    the boot menu must carry it, or choosing another entry at boot turns auditing off.
    Given the kernel command lines in the GRUB configuration "/boot/grub2/grub.cfg" or "/boot/efi/EFI/*/grub.cfg", whichever exist
    Then every kernel command line in them passes the audit parameter "audit=1"

  @id:4.1.4 @level:2 @scored @host:kernel
  Scenario: 4.1.4 Ensure events that modify date and time information are collected
    A clock set backwards or forwards falsifies when things happened and confuses every log after it;
    each change of the system time, from 64-bit and 32-bit programs, and of the local time zone must be
    recorded.
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

  @id:4.1.5 @level:2 @scored @host:kernel
  Scenario: 4.1.5 Ensure events that modify user/group information are collected
    A new account, a new group member or a changed password is how an intruder keeps a way back in; every
    write to the account and password databases must leave a record.
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

  @id:4.1.6 @level:2 @scored @host:kernel
  Scenario: 4.1.6 Ensure events that modify the system's network environment are collected
    A changed host or domain name, login banner, hosts file or network configuration
    (/etc/sysconfig/network on this system) can send traffic elsewhere or mislead users; such changes
    must be recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -S sethostname -S setdomainname -k system-locale
      -a always,exit -F arch=b32 -S sethostname -S setdomainname -k system-locale
      -w /etc/issue -p wa -k system-locale
      -w /etc/issue.net -p wa -k system-locale
      -w /etc/hosts -p wa -k system-locale
      -w /etc/sysconfig/network -p wa -k system-locale
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.7 @level:2 @scored @host:kernel
  Scenario: 4.1.7 Ensure events that modify the system's Mandatory Access Controls are collected
    SELinux's configuration (/etc/selinux) and its policy modules (/usr/share/selinux) decide what
    confined programs may do; whoever changes them must not do so unseen.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /etc/selinux/ -p wa -k MAC-policy
      -w /usr/share/selinux/ -p wa -k MAC-policy
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.8 @level:2 @scored @host:kernel
  Scenario: 4.1.8 Ensure login and logout events are collected
    The last-login record and pam_faillock's per-user counters of failed logins change at every login
    attempt; recording their writes shows logins, lockouts and attempts to reset the counters.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /var/log/lastlog -p wa -k logins
      -w /var/run/faillock/ -p wa -k logins
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.9 @level:2 @scored @host:kernel
  Scenario: 4.1.9 Ensure session initiation information is collected
    The session records (utmp for the sessions open now, wtmp and btmp for past and failed ones) say who
    was on the system and when; their writes must be recorded, so that editing them out shows.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /var/run/utmp -p wa -k session
      -w /var/log/wtmp -p wa -k logins
      -w /var/log/btmp -p wa -k logins
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.10 @level:2 @scored @host:kernel
  Scenario: 4.1.10 Ensure discretionary access control permission modification events are collected
    Changing a file's mode, owner or extended attributes can open it to others; such changes made by
    users (login uid 1000 and above, never the unset uid of system processes) must be recorded.
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

  @id:4.1.11 @level:2 @scored @host:kernel
  Scenario: 4.1.11 Ensure unsuccessful unauthorized file access attempts are collected
    A user who tries to open, create or truncate files they may not touch is probing; the attempts the
    kernel refuses for lack of permission (EACCES, EPERM) must be recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -S creat -S open -S openat -S truncate -S ftruncate -F exit=-EACCES -F auid>=1000 -F auid!=4294967295 -k access
      -a always,exit -F arch=b32 -S creat -S open -S openat -S truncate -S ftruncate -F exit=-EACCES -F auid>=1000 -F auid!=4294967295 -k access
      -a always,exit -F arch=b64 -S creat -S open -S openat -S truncate -S ftruncate -F exit=-EPERM -F auid>=1000 -F auid!=4294967295 -k access
      -a always,exit -F arch=b32 -S creat -S open -S openat -S truncate -S ftruncate -F exit=-EPERM -F auid>=1000 -F auid!=4294967295 -k access
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.12 @level:2 @scored @host:kernel
  Scenario: 4.1.12 Ensure use of privileged commands is collected
    Programs that run with their owner's or group's rights (set-user-ID, set-group-ID) are how a user
    gains privileges, rightly or not; every run of each of them by a user must be recorded. The programs
    are those the walk of the local filesystems, shared by every item, finds; each needs a rule of its
    own, with its path in place of <program>.
    Given every local filesystem, walked once for the whole audit
    And the audit rules the kernel holds after augenrules loads them at boot
    Then for every set-user-ID or set-group-ID program found, the audit rules on disk include:
      """
      -a always,exit -F path=<program> -F perm=x -F auid>=1000 -F auid!=4294967295 -k privileged
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.13 @level:2 @scored @host:kernel
  Scenario: 4.1.13 Ensure successful file system mounts are collected
    A user who mounts a filesystem may be bringing data in or carrying it off; every mount by a user must
    be recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=4294967295 -k mounts
      -a always,exit -F arch=b32 -S mount -F auid>=1000 -F auid!=4294967295 -k mounts
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.14 @level:2 @scored @host:kernel
  Scenario: 4.1.14 Ensure file deletion events by users are collected
    Deleting or renaming files is how evidence goes away; every deletion and rename by a user must be
    recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -a always,exit -F arch=b64 -S unlink -S unlinkat -S rename -S renameat -F auid>=1000 -F auid!=4294967295 -k delete
      -a always,exit -F arch=b32 -S unlink -S unlinkat -S rename -S renameat -F auid>=1000 -F auid!=4294967295 -k delete
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.15 @level:2 @scored @host:kernel
  Scenario: 4.1.15 Ensure changes to system administration scope (sudoers) is collected
    The sudoers files say who may act as root; a change to them changes who administers the system.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /etc/sudoers -p wa -k scope
      -w /etc/sudoers.d/ -p wa -k scope
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.16 @level:2 @scored @host:kernel
  Scenario: 4.1.16 Ensure system administrator actions (sudolog) are collected
    sudo's own log lists every command run through it; a write to that log is an administrator at work,
    and an edit of it an attempt to hide. The log is the file sudo's "logfile" option names for all
    users; without that option, the benchmark's /var/log/sudo.log is watched.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then for the file sudo logs to (its "logfile" option, or /var/log/sudo.log when it is not set), the audit rules on disk include:
      """
      -w <sudo log file> -p wa -k actions
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.17 @level:2 @scored @host:kernel
  Scenario: 4.1.17 Ensure kernel module loading and unloading is collected
    A kernel module has full control of the machine, and loading one is the classic way to hide a
    rootkit; runs of the module tools and the load and unload system calls must be recorded.
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the audit rules on disk include:
      """
      -w /sbin/insmod -p x -k modules
      -w /sbin/rmmod -p x -k modules
      -w /sbin/modprobe -p x -k modules
      -a always,exit -F arch=b64 -S init_module -S delete_module -k modules
      """
    And the audit rules loaded in the kernel include the same rules

  @id:4.1.18 @level:2 @scored @host:kernel
  Scenario: 4.1.18 Ensure the audit configuration is immutable
    Root could otherwise switch the rules off. "-e 2" at the end of the rules locks them in the kernel
    until the next reboot, so changing them takes a reboot, which is itself noticed. augenrules keeps only
    the last "-e" line of all the rules files and loads it after every rule, so that line decides,
    whichever file holds it, provided the load reaches it (a refused line before it stops the load).
    Given the audit rules the kernel holds after augenrules loads them at boot
    Then the enabling flag augenrules loads last is "-e 2"

@section:1.6
Feature: 1.6 Mandatory Access Control
  SELinux confines every process to what the policy allows its domain, whatever the user running it
  may do. It must be installed, allowed to start at boot, enforcing, with a complete policy, and every
  daemon must run in a domain of its own. The state and policy for the next boot are read from
  /etc/selinux/config (/etc/sysconfig/selinux links to it). The mode of the running kernel and the
  domains of running processes belong to the host's kernel: a container, and an offline root
  filesystem, cannot show them. Alibaba Cloud's ECS images ship with SELinux disabled; these are Level 2
  items.

  @id:1.6.1.1 @level:2 @scored @host:bootloader
  Scenario: 1.6.1.1 Ensure SELinux is not disabled in bootloader configuration
    A kernel parameter can switch SELinux off (selinux=0) or keep it permissive (enforcing=0) whatever
    /etc/selinux/config says. No kernel line of the boot menu may pass either, or choosing that entry
    boots an unconfined system.
    Given the kernel command lines in the GRUB configuration "/boot/grub2/grub.cfg" or "/boot/efi/EFI/*/grub.cfg", whichever exist
    Then no kernel command line in them passes "selinux=0" or "enforcing=0"

  @id:1.6.1.2 @level:2 @scored @host:kernel
  Scenario: 1.6.1.2 Ensure the SELinux state is enforcing
    In permissive mode SELinux only logs what it would deny. The next boot must start it enforcing, and
    on a running system the kernel must enforce now: /sys/fs/selinux/enforce, which getenforce reads,
    holds 1.
    Given the SELinux configuration in /etc/selinux/config
    Then it sets SELinux to "enforcing" at boot
    And on a running system SELinux is "enforcing", as getenforce reports it

  @id:1.6.1.3 @level:2 @scored
  Scenario: 1.6.1.3 Ensure SELinux policy is configured
    The targeted policy confines the network daemons and system services; mls adds multi-level
    security. Another or no policy leaves the services without the rules the benchmark relies on.
    Given the SELinux configuration in /etc/selinux/config
    Then it sets the SELinux policy to one of "targeted" or "mls"

  Scenario Outline: <id> Ensure <what> is not installed
    Each of these packages runs one more privileged daemon that a server does not need: setroubleshoot
    analyses denials for desktop users, mcstrans translates security levels into names. They should
    not be installed.
    Then the package "<package>" is not installed

    @id:1.6.1.4 @level:2 @scored
    Examples: the service that explains SELinux denials to desktop users
      | id      | what           | package        |
      | 1.6.1.4 | SETroubleshoot | setroubleshoot |

    @id:1.6.1.5 @level:2 @scored
    Examples: the service that translates MCS security levels into names
      | id      | what                                   | package  |
      | 1.6.1.5 | the MCS Translation Service (mcstrans) | mcstrans |

  @id:1.6.1.6 @level:2 @scored @host:kernel
  Scenario: 1.6.1.6 Ensure no unconfined daemons exist
    A daemon started from an executable that has no domain of its own runs as unconfined_service_t (or,
    on older policies, initrc_t) and the policy restricts it in nothing. On a running system no process
    may run with either type; when SELinux is disabled in the running kernel, no daemon is confined at
    all.
    Then on a running system no process runs with the SELinux type "unconfined_service_t" or "initrc_t"

  @id:1.6.2 @level:2 @scored
  Scenario: 1.6.2 Ensure SELinux is installed
    The SELinux library lets the system's programs (init, login, sshd, the package manager) label files
    and processes; without it no other SELinux item can hold.
    Then the package "libselinux" is installed

@section:1.1
Feature: 1.1 Filesystem Configuration
  Where data lives and how it is mounted limits what a user or an intruder can do with it. A filesystem
  driver nobody needs is kept from loading; directories every user can write to are filesystems of their
  own, mounted so that nothing on them can act as a device, gain rights through set-user-ID bits or be
  run as a program; the directories that grow (logs, the audit trail, homes) cannot fill the rest.
  A mount is judged twice: on a running system as the kernel has it now (/proc/self/mounts), and as it
  will be mounted at the next boot: an /etc/fstab line, or an enabled systemd mount unit such as
  /usr/lib/systemd/system/tmp.mount (an /etc/fstab line wins over a unit for the same directory). Both
  must comply. On an offline root filesystem only the boot configuration can be read: it decides a
  failure, and a compliant one leaves the item not applicable until the running system is checked.
  Partitions and mounts belong to the host: on a container these items do not apply.

  @id:1.1.1 @level:1 @scored @host:kernel
  Scenario: 1.1.1 Ensure mounting of squashfs filesystems is disabled
    squashfs is the compressed read-only format of live media and of snap packages; a server mounting
    nothing of the kind gains only attack surface from the driver, which would parse whatever image it is
    given. modprobe must be told to run a command that does nothing (/bin/true) instead of loading it,
    which also stops loading on demand; on a running system the module must not be loaded already.
    modprobe.d is read as modprobe reads it: the .conf files of /etc/modprobe.d, /run/modprobe.d and
    /lib/modprobe.d (the same directory as /usr/lib/modprobe.d here) in name order, a file in /etc hiding
    one of the same name further down; the first install line matching the module applies, and where the
    module file is missing the first line of exactly its name; an alias that sends the name to another
    module voids the install line; a blacklist line alone does not count.
    Then the kernel module "squashfs" is set not to load
    And the kernel module "squashfs" is not loaded

  @id:1.1.2 @level:1 @scored @host:partitions
  Scenario: 1.1.2 Ensure /tmp is configured
    Every user and every program writes temporary files to /tmp. A filesystem of its own, a partition or
    a memory-backed tmpfs, can be mounted with restricting options (the next three items), and filling it
    does not fill the root filesystem. It must be mounted now and configured to be mounted at boot, by an
    /etc/fstab line or by enabling tmp.mount, which Alibaba Cloud Linux 2 ships disabled.
    Then the mount point "/tmp" has a filesystem of its own on the running system
    And the mount point "/tmp" is configured to be mounted at boot

  Scenario Outline: <id> Ensure <option> option set on <path> partition
    Options on a directory users write to take away what an attacker would use it for. If the directory
    is not a separate mount, no option can be set on it and the item does not apply: the item about its
    partition reports that. Otherwise the option must be in force now and in the boot configuration, so
    that it survives a reboot.
    Given the mount point "<path>" is a separate mount, or the item does not apply
    Then the mount point "<path>" is mounted with the option "<option>" on the running system
    And the mount point "<path>" is configured to be mounted with the option "<option>" at boot

    @id:1.1.3 @level:1 @scored @host:partitions
    Examples: nodev on /tmp: a device file a user makes there would open the device itself
      | id    | path | option |
      | 1.1.3 | /tmp | nodev  |

    @id:1.1.4 @level:1 @scored @host:partitions
    Examples: nosuid on /tmp: a set-user-ID program left there does not run with its owner's rights
      | id    | path | option |
      | 1.1.4 | /tmp | nosuid |

    @id:1.1.5 @level:1 @scored @host:partitions
    Examples: noexec on /tmp: nothing there can be run directly as a program
      | id    | path | option |
      | 1.1.5 | /tmp | noexec |

    @id:1.1.8 @level:1 @scored @host:partitions
    Examples: nodev on /var/tmp, the temporary directory kept across reboots
      | id    | path     | option |
      | 1.1.8 | /var/tmp | nodev  |

    @id:1.1.9 @level:1 @scored @host:partitions
    Examples: nosuid on /var/tmp
      | id    | path     | option |
      | 1.1.9 | /var/tmp | nosuid |

    @id:1.1.10 @level:1 @scored @host:partitions
    Examples: noexec on /var/tmp
      | id     | path     | option |
      | 1.1.10 | /var/tmp | noexec |

    @id:1.1.14 @level:1 @scored @host:partitions
    Examples: nodev on /home: users' own files are never devices
      | id     | path  | option |
      | 1.1.14 | /home | nodev  |

  Scenario Outline: <id> Ensure separate partition exists for <path>
    A directory that grows without bound fills the filesystem it is on. On a filesystem of its own it
    fills only itself, and it can be mounted with options of its own. It must be mounted now and
    configured to be mounted at boot. Making one means re-partitioning, which a person plans.
    Then the mount point "<path>" has a filesystem of its own on the running system
    And the mount point "<path>" is configured to be mounted at boot

    @id:1.1.6 @level:2 @scored @host:partitions
    Examples: /var, where services keep the data they change
      | id    | path |
      | 1.1.6 | /var |

    @id:1.1.7 @level:2 @scored @host:partitions
    Examples: /var/tmp, temporary files every user can write, kept across reboots
      | id    | path     |
      | 1.1.7 | /var/tmp |

    @id:1.1.11 @level:2 @scored @host:partitions
    Examples: /var/log, so that a flood of messages cannot stop the system
      | id     | path     |
      | 1.1.11 | /var/log |

    @id:1.1.12 @level:2 @scored @host:partitions
    Examples: /var/log/audit, so that the audit trail has room of its own
      | id     | path           |
      | 1.1.12 | /var/log/audit |

    @id:1.1.13 @level:2 @scored @host:partitions
    Examples: /home, so that users' files cannot fill the system's filesystems
      | id     | path  |
      | 1.1.13 | /home |

  Scenario Outline: <id> Ensure <option> option set on /dev/shm partition
    Shared memory lives in /dev/shm, which every process can write to, as it can /tmp. On a system that
    boots with systemd, /dev/shm is always a filesystem of its own: when neither /etc/fstab nor a mount
    unit configures it, systemd mounts a tmpfs there itself, with nosuid and nodev but without noexec, and
    that is its boot configuration. An /etc/fstab line for /dev/shm replaces those options with its own.
    The option must be in force now and at the next boot.
    Given the mount point "/dev/shm" is a separate mount, counting the mount systemd makes there itself at boot, or the item does not apply
    Then the mount point "/dev/shm" is mounted with the option "<option>" on the running system
    And the mount point "/dev/shm" is configured to be mounted with the option "<option>" at boot

    @id:1.1.15 @level:1 @scored @host:partitions
    Examples: nodev on /dev/shm
      | id     | option |
      | 1.1.15 | nodev  |

    @id:1.1.16 @level:1 @scored @host:partitions
    Examples: nosuid on /dev/shm
      | id     | option |
      | 1.1.16 | nosuid |

    @id:1.1.17 @level:1 @scored @host:partitions
    Examples: noexec on /dev/shm: shared memory is data, never a program to run
      | id     | option |
      | 1.1.17 | noexec |

  @id:1.1.18 @level:1 @scored
  Scenario: 1.1.18 Ensure sticky bit is set on all world-writable directories
    In a directory every user can write to, the sticky bit keeps users from deleting or renaming each
    other's files; without it anyone can replace a file another user or a service relies on. Every
    directory on the local filesystems is looked at, from the walk shared by all such items.
    Given every local filesystem, walked once for the whole audit
    Then every directory on them that every user can write has the sticky bit set

  @id:1.1.19 @level:1 @scored
  Scenario: 1.1.19 Disable Automounting
    The automounter (autofs) mounts filesystems when they are first used, removable media a visitor
    plugs in among them. It must not be enabled at boot; a system without it passes, and the evidence
    says whether the package is installed and how its service stands.
    Then the automount service "autofs" is not enabled, or its package is not installed

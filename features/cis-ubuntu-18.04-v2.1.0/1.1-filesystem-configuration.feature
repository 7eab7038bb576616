@section:1.1
Feature: 1.1 Filesystem Configuration
  Where data lives and how it is mounted limits what a user or an intruder can do with it. Rare
  filesystem drivers are kept from loading; directories every user can write to are filesystems of their
  own, mounted so that nothing on them can act as a device, gain rights through set-user-ID bits or be
  executed; the directories that fill up (logs, audit trail, homes) cannot starve the rest of the system.
  A mount is judged twice: on a running system as the kernel has it now (/proc/self/mounts), and as
  the system will mount it at the next boot (/etc/fstab, or an enabled systemd mount unit such as
  tmp.mount; an /etc/fstab line wins over a unit for the same directory). Both must comply. On an offline
  root filesystem only the boot configuration can be read: it decides a failure, and a compliant one
  leaves the item not applicable until the running system is checked.

  Scenario Outline: <id> Ensure mounting of <fs> filesystems is disabled
    A filesystem driver nobody uses is code the kernel would run on whatever a disk image or a plugged
    in device contains. Giving the module an install command that does nothing (/bin/true) stops modprobe
    from loading it, even on demand; on a running system the module must not be loaded already.
    modprobe.d is read as modprobe reads it: the .conf files of /etc/modprobe.d, /run/modprobe.d and
    /lib/modprobe.d in name order (a file in /etc hides one of the same name further down; Ubuntu 18.04's
    modprobe does not read /usr/lib/modprobe.d); the first install line matching the module applies, and
    where the module file is missing the first line of exactly its name; an alias that sends the name to
    another module voids the install line; a blacklist line alone does not count, since modprobe still
    loads a blacklisted module asked for by name.
    Then the kernel module "<fs>" is set not to load
    And the kernel module "<fs>" is not loaded

    @id:1.1.1.1 @level:1 @scored @host:kernel
    Examples: cramfs, compressed read-only images of embedded systems
      | id      | fs     |
      | 1.1.1.1 | cramfs |

    @id:1.1.1.2 @level:1 @scored @host:kernel
    Examples: freevxfs, the Veritas filesystem of other Unix systems
      | id      | fs       |
      | 1.1.1.2 | freevxfs |

    @id:1.1.1.3 @level:1 @scored @host:kernel
    Examples: jffs2, the filesystem of raw flash chips
      | id      | fs    |
      | 1.1.1.3 | jffs2 |

    @id:1.1.1.4 @level:1 @scored @host:kernel
    Examples: hfs, the old Mac OS filesystem
      | id      | fs  |
      | 1.1.1.4 | hfs |

    @id:1.1.1.5 @level:1 @scored @host:kernel
    Examples: hfsplus, the Mac OS Extended filesystem
      | id      | fs      |
      | 1.1.1.5 | hfsplus |

    @id:1.1.1.6 @level:1 @scored @host:kernel
    Examples: udf, the filesystem of DVDs and some removable disks
      | id      | fs  |
      | 1.1.1.6 | udf |

  @id:1.1.2 @level:1 @scored @host:partitions
  Scenario: 1.1.2 Ensure /tmp is configured
    Every user and program writes temporary files to /tmp. As a filesystem of its own it can be mounted
    with restricting options (the next three items) and filling it cannot fill the root filesystem.
    It must be mounted now and configured to be mounted at boot, in /etc/fstab or by tmp.mount.
    Then the mount point "/tmp" has a filesystem of its own on the running system
    And the mount point "/tmp" is configured to be mounted at boot

  @id:1.1.6 @level:1 @scored @host:partitions
  Scenario: 1.1.6 Ensure /dev/shm is configured
    Shared memory lives in /dev/shm, which every process can write to, like /tmp. On a running Ubuntu
    system systemd mounts it even without any configuration, but with its own default options, which
    lack noexec. The benchmark asks that /dev/shm be configured, with the options chosen by the system's
    owner, in /etc/fstab, so a mount alone is not enough: it must be mounted now and configured for boot
    (an /etc/fstab line, or an enabled dev-shm.mount unit).
    Then the mount point "/dev/shm" has a filesystem of its own on the running system
    And the mount point "/dev/shm" is configured to be mounted at boot

  Scenario Outline: <id> Ensure <option> option set on <path> partition
    Options on a directory every user can write to take away what an attacker would use it for. If the
    directory is not a separate mount, the option cannot be set and the item does not apply: the item
    about its partition reports that. Otherwise the option must be in force now and in the boot
    configuration, so that it survives a reboot.
    Given the mount point "<path>" is a separate mount, or the item does not apply
    Then the mount point "<path>" is mounted with the option "<option>" on the running system
    And the mount point "<path>" is configured to be mounted with the option "<option>" at boot

    @id:1.1.3 @level:1 @scored @host:partitions
    Examples: nodev on /tmp: a device file a user creates there would give access to the device itself
      | id    | path | option |
      | 1.1.3 | /tmp | nodev  |

    @id:1.1.4 @level:1 @scored @host:partitions
    Examples: nosuid on /tmp: a set-user-ID program dropped there does not run with its owner's rights
      | id    | path | option |
      | 1.1.4 | /tmp | nosuid |

    @id:1.1.5 @level:1 @scored @host:partitions
    Examples: noexec on /tmp: programs cannot be run directly from it
      | id    | path | option |
      | 1.1.5 | /tmp | noexec |

    @id:1.1.7 @level:1 @scored @host:partitions
    Examples: nodev on /dev/shm, the shared memory directory every process can write to
      | id    | path     | option |
      | 1.1.7 | /dev/shm | nodev  |

    @id:1.1.8 @level:1 @scored @host:partitions
    Examples: nosuid on /dev/shm
      | id    | path     | option |
      | 1.1.8 | /dev/shm | nosuid |

    @id:1.1.9 @level:1 @scored @host:partitions
    Examples: noexec on /dev/shm
      | id    | path     | option |
      | 1.1.9 | /dev/shm | noexec |

  Scenario Outline: <id> Ensure separate partition exists for <path>
    A directory that grows without bound fills the filesystem it is on. On a filesystem of its own it
    fills only itself, and it can be mounted with options of its own. It must be mounted now and
    configured to be mounted at boot.
    Then the mount point "<path>" has a filesystem of its own on the running system
    And the mount point "<path>" is configured to be mounted at boot

    @id:1.1.10 @level:2 @scored @host:partitions
    Examples: /var, where services keep their changing data
      | id     | path |
      | 1.1.10 | /var |

    @id:1.1.11 @level:2 @scored @host:partitions
    Examples: /var/tmp, temporary files kept across reboots, writable by every user
      | id     | path     |
      | 1.1.11 | /var/tmp |

    @id:1.1.15 @level:2 @scored @host:partitions
    Examples: /var/log, where a flood of messages must not stop the system
      | id     | path     |
      | 1.1.15 | /var/log |

    @id:1.1.16 @level:2 @scored @host:partitions
    Examples: /var/log/audit, so that the audit trail has room of its own
      | id     | path           |
      | 1.1.16 | /var/log/audit |

    @id:1.1.17 @level:2 @scored @host:partitions
    Examples: /home, where users' files cannot fill the system's filesystems
      | id     | path  |
      | 1.1.17 | /home |

  Scenario Outline: <id> Ensure <path> partition includes the <option> option
    A separate mount of a directory users write to should refuse what users must not bring in. If the
    directory is not a separate mount the item does not apply (its partition item reports that);
    otherwise the option must be in force now and in the boot configuration.
    Given the mount point "<path>" is a separate mount, or the item does not apply
    Then the mount point "<path>" is mounted with the option "<option>" on the running system
    And the mount point "<path>" is configured to be mounted with the option "<option>" at boot

    @id:1.1.12 @level:1 @scored @host:partitions
    Examples: nodev on /var/tmp: no device files where every user writes
      | id     | path     | option |
      | 1.1.12 | /var/tmp | nodev  |

    @id:1.1.13 @level:1 @scored @host:partitions
    Examples: nosuid on /var/tmp: no set-user-ID programs where every user writes
      | id     | path     | option |
      | 1.1.13 | /var/tmp | nosuid |

    @id:1.1.14 @level:1 @scored @host:partitions
    Examples: noexec on /var/tmp: no programs run from where every user writes
      | id     | path     | option |
      | 1.1.14 | /var/tmp | noexec |

    @id:1.1.18 @level:1 @scored @host:partitions
    Examples: nodev on /home: users' own files are never devices
      | id     | path  | option |
      | 1.1.18 | /home | nodev  |

  Scenario Outline: <id> Ensure <option> option set on removable media partitions
    A USB stick, memory card or disc can carry anything its owner put on it elsewhere, including device
    files, set-user-ID programs owned by root and programs to run. Its mounts must refuse them. A mount
    counts as removable media when it is under /media or /run/media, when its mount point or device names
    such media (cdrom, dvd, floppy, usb, /dev/sr0, /dev/fd0, a udev usb- name), when its type is that of a
    disc (iso9660, udf), or, on a running system, when the kernel marks its disk removable; the evidence
    says which applied. Both the mounts configured at boot and those mounted now are checked; a system
    with none passes, and the evidence says how many mounts were examined.
    Then every removable media mount configured at boot has the option "<option>"
    And every removable media filesystem mounted on the running system has the option "<option>"

    @id:1.1.19 @level:1 @not-scored @host:partitions
    Examples: nodev on removable media
      | id     | option |
      | 1.1.19 | nodev  |

    @id:1.1.20 @level:1 @not-scored @host:partitions
    Examples: nosuid on removable media
      | id     | option |
      | 1.1.20 | nosuid |

    @id:1.1.21 @level:1 @not-scored @host:partitions
    Examples: noexec on removable media
      | id     | option |
      | 1.1.21 | noexec |

  @id:1.1.22 @level:1 @scored
  Scenario: 1.1.22 Ensure sticky bit is set on all world-writable directories
    In a directory every user can write to, the sticky bit keeps users from deleting or renaming each
    other's files; without it anyone can replace a file another user or a service relies on. Every
    directory on the local filesystems is looked at, from the walk shared by all such items.
    Given every local filesystem, walked once for the whole audit
    Then every directory on them that every user can write has the sticky bit set

  @id:1.1.23 @level:1 @scored
  Scenario: 1.1.23 Disable Automounting
    The automounter (autofs) mounts filesystems when they are first used, including removable media a
    visitor plugs in. It must not be enabled at boot; a system without it passes, and the evidence says
    whether the package is installed and how its service stands.
    Then the automount service "autofs" is not enabled, or its package is not installed

  @id:1.1.24 @level:1 @scored @host:kernel
  Scenario: 1.1.24 Disable USB Storage
    USB storage lets anyone with physical access copy data off the system or bring in software. Without
    the usb-storage driver such devices are not seen as disks. modprobe must be told not to load it, and
    on a running system it must not be loaded.
    Then the kernel module "usb-storage" is set not to load
    And the kernel module "usb-storage" is not loaded

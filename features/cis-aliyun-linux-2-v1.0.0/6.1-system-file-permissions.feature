@section:6.1
Feature: 6.1 System File Permissions
  The account databases name every user and group and, in the shadow files, hold password hashes.
  Whoever can change them can become anyone; whoever can read the shadow files can attack the hashes
  offline. On this family of systems the shadow files have no group that may read them: they are mode
  0000 and owned by root, who reads them anyway, and programs that check passwords do so through
  root-owned helpers. Modes and owners are read as the target's own accounts name them.
  The other checks look at every file on the local filesystems, from one walk of them shared by all items:
  files anyone may change, files whose owner or group no longer exists, and programs that run with the
  rights of their owner or group.

  @id:6.1.1 @level:2 @not-scored
  Scenario: 6.1.1 Audit system file permissions
    A package records the mode, owner and group of every file it installs; a system file that differs
    may have been weakened or replaced. Whether a difference is wanted is a judgement, so an auditor
    decides. On a running system the evidence lists what the package manager reports when it compares
    the modes, owners, groups and device numbers of installed files with its database (not contents,
    sizes or times, which change for good reasons). An offline root filesystem is not verified: the
    auditing machine's rpm would have to resolve owners through the tree's own libraries and could run
    the packages' verify scripts, and cis-bdd never runs code of the audited tree.
    Given the package manager's verification of the files it installed, on a running system
    Then an auditor reviews the permissions, owners and contents of package files that differ

  Scenario Outline: <id> Ensure permissions on <file> are configured
    The mode may be stricter than the one given, never looser, and the owner must be the one listed.
    Then the file "<file>" has mode at most <mode> and is owned by <owners>

    @id:6.1.2 @level:1 @scored
    Examples: /etc/passwd maps names to ids for every program, so all may read it
      | id    | file        | mode | owners    |
      | 6.1.2 | /etc/passwd | 0644 | root:root |

    @id:6.1.3 @level:1 @scored
    Examples: /etc/shadow holds the password hashes: no one but root has any access
      | id    | file        | mode | owners    |
      | 6.1.3 | /etc/shadow | 0000 | root:root |

    @id:6.1.4 @level:1 @scored
    Examples: /etc/group names the groups and their members, so all may read it
      | id    | file       | mode | owners    |
      | 6.1.4 | /etc/group | 0644 | root:root |

    @id:6.1.5 @level:1 @scored
    Examples: /etc/gshadow holds group passwords and administrators, secret like /etc/shadow
      | id    | file         | mode | owners    |
      | 6.1.5 | /etc/gshadow | 0000 | root:root |

  Scenario Outline: <id> Ensure permissions on <file> are configured
    The tools that edit the account databases keep the previous version in a backup file ending in "-".
    A backup says as much as the file itself, so it needs the same protection. A system without the
    backup has nothing to protect: the item does not apply.
    Then the file "<file>", if it exists, has mode at most <mode> and is owned by <owners>

    @id:6.1.6 @level:1 @scored
    Examples: the previous /etc/passwd
      | id    | file         | mode | owners    |
      | 6.1.6 | /etc/passwd- | 0644 | root:root |

    @id:6.1.7 @level:1 @scored
    Examples: the previous /etc/shadow, with password hashes
      | id    | file         | mode | owners    |
      | 6.1.7 | /etc/shadow- | 0000 | root:root |

    @id:6.1.8 @level:1 @scored
    Examples: the previous /etc/group
      | id    | file        | mode | owners    |
      | 6.1.8 | /etc/group- | 0644 | root:root |

    @id:6.1.9 @level:1 @scored
    Examples: the previous /etc/gshadow
      | id    | file          | mode | owners    |
      | 6.1.9 | /etc/gshadow- | 0000 | root:root |

  @id:6.1.10 @level:1 @not-scored
  Scenario: 6.1.10 Ensure no world writable files exist
    A file every user may write can be used by any of them to change what others read or run. Regular
    files only: directories are the subject of another item, and a symbolic link's own mode means nothing.
    Given every local filesystem, walked once for the whole audit
    Then no regular file on them can be written by every user

  @id:6.1.11 @level:1 @scored
  Scenario: 6.1.11 Ensure no unowned files or directories exist
    A file whose owner uid is not in /etc/passwd belongs to whoever is next given that uid, for example
    by a new account or a package. Every file, directory and link counts.
    Given every local filesystem, walked once for the whole audit
    Then every file and directory on them belongs to a user the system knows

  @id:6.1.12 @level:1 @scored
  Scenario: 6.1.12 Ensure no ungrouped files or directories exist
    Likewise, a file whose gid is not in /etc/group goes to the members of whatever group next gets it.
    Given every local filesystem, walked once for the whole audit
    Then every file and directory on them belongs to a group the system knows

  @id:6.1.13 @level:1 @not-scored
  Scenario: 6.1.13 Audit SUID executables
    A set-user-ID program runs with its owner's rights, usually root's, whoever starts it; one that should
    not be there is a way to become root. Which ones belong on a system is a judgement, so the programs
    found are listed for an auditor.
    Given every local filesystem, walked once for the whole audit
    Then an auditor compares the set-user-ID programs found with those the system is meant to have

  @id:6.1.14 @level:1 @not-scored
  Scenario: 6.1.14 Audit SGID executables
    A set-group-ID program runs with its group's rights whoever starts it, for example to write to
    terminals or mail spools. The programs found are listed for an auditor, as for set-user-ID programs.
    Given every local filesystem, walked once for the whole audit
    Then an auditor compares the set-group-ID programs found with those the system is meant to have

@section:6.2
Feature: 6.2 User and Group Settings
  Who may log in, as whom, and with which rights is decided by /etc/passwd, /etc/shadow and /etc/group.
  These checks read those files as the target has them, never quoting a password field beyond its state
  (empty, hashed, locked). Lines starting with "+" or "-" are not local accounts but the old NIS
  "compat" syntax; they are looked at by the items about them and not counted as accounts elsewhere.
  The home directory checks look at the accounts that can log in, other than root: every account except
  those whose shell refuses a login (/sbin/nologin, /usr/sbin/nologin, /bin/false, /usr/bin/false), the
  command accounts halt, sync and shutdown, and root, which this benchmark leaves out of them. Accounts
  are chosen by their shell, not by a UID range. Only the first level of each home is looked at, where
  login programs look; a symbolic link with a forbidden name counts as the file, since programs follow it.

  @id:6.2.1 @level:1 @scored
  Scenario: 6.2.1 Ensure password fields are not empty
    An account whose password field is empty lets anyone log in as it without a password. A locked
    account or one marked "*" or "!!" cannot be used with a password at all, which is fine.
    Given the password entries in /etc/shadow
    Then no account has an empty password field

  Scenario Outline: <id> Ensure no legacy "+" entries exist in <file>
    A line starting with "+" told the C library, in the old NIS "compat" mode, to insert accounts or
    groups from a NIS server at that point. Copied to a system without NIS, such a line is at best
    dead and at worst, with an empty password field, an account anyone can use. Every line starting
    with "+" counts: the lone "+", "+name" and "+@netgroup" alike.
    Then no line of "<file>" starts with "+"

    @id:6.2.2 @level:1 @scored
    Examples: the accounts
      | id    | file        |
      | 6.2.2 | /etc/passwd |

    @id:6.2.3 @level:1 @scored
    Examples: the passwords of the accounts
      | id    | file        |
      | 6.2.3 | /etc/shadow |

    @id:6.2.4 @level:1 @scored
    Examples: the groups
      | id    | file       |
      | 6.2.4 | /etc/group |

  @id:6.2.5 @level:1 @scored
  Scenario: 6.2.5 Ensure root is the only UID 0 account
    UID 0 has every right. A second account with UID 0 is a second root, whose use the logs attribute
    to a different name.
    Given the local accounts in /etc/passwd
    Then "root" is the only account with UID 0

  @id:6.2.6 @level:1 @scored
  Scenario: 6.2.6 Ensure root PATH Integrity
    The directories in root's PATH are searched in order for every command root types. The current
    directory, or a directory someone other than root can write to, lets that person put a program of
    their choice where root will run it; a directory that does not exist can be created by whoever may
    write to its parent. Nothing logs in to find out: the PATH a login gives root (ENV_SUPATH in
    /etc/login.defs or login's compiled-in one, and the PATH pam_env takes from /etc/environment) is
    followed through the files a login shell of root reads (/etc/profile, /etc/profile.d, the first of
    root's ~/.bash_profile, ~/.bash_login and ~/.profile, and ~/.bashrc and /etc/bashrc where they are
    sourced), on a running system and on an offline root filesystem alike. Every PATH root may log in
    with is judged; a PATH the files do not determine is an error, never a pass.
    Given root's PATH as a login shell of root sets it, worked out from login's settings and root's start-up files
    Then root's PATH has no empty entry, no trailing colon and no "."
    And every directory in root's PATH exists, is owned by root and is not writable by its group or by others

  @id:6.2.7 @level:1 @scored
  Scenario: 6.2.7 Ensure all users' home directories exist
    A user who logs in without a home directory lands in "/", and whoever creates the missing directory
    first owns the user's profile scripts.
    Given the home directories of the accounts that can log in, other than root
    Then each of these home directories exists

  @id:6.2.8 @level:1 @scored
  Scenario: 6.2.8 Ensure users' home directories permissions are 750 or more restrictive
    Others should not read or enter a user's home directory, and the group should not add or remove files
    in it. Mode 0750 or stricter; a home that does not exist fails too.
    Given the home directories of the accounts that can log in, other than root
    Then none of these home directories is writable by its group, nor readable, writable or searchable by others

  @id:6.2.9 @level:1 @scored
  Scenario: 6.2.9 Ensure users own their home directories
    The owner of a home directory controls the profile scripts run at every login of its user. A home
    that does not exist cannot be shown to be owned by its user, so it fails this check too.
    Given the home directories of the accounts that can log in, other than root
    Then each of these home directories is owned by its account

  @id:6.2.10 @level:1 @scored
  Scenario: 6.2.10 Ensure users' dot files are not group or world writable
    The dot files directly in a home directory (.bash_profile, .bashrc, ...) run or configure programs at
    each login; anyone who can write them acts as the user. Regular files are checked; a symbolic link's
    own mode means nothing.
    Given the home directories of the accounts that can log in, other than root
    Then no dot file directly in these home directories is writable by its group or by others

  @id:6.2.11 @level:1 @scored
  Scenario: 6.2.11 Ensure no users have .forward files
    A .forward file sends the user's mail elsewhere, or into a program that runs as the user.
    Given the home directories of the accounts that can log in, other than root
    Then none of these home directories contains a ".forward" file

  @id:6.2.12 @level:1 @scored
  Scenario: 6.2.12 Ensure no users have .netrc files
    A .netrc file stores passwords for remote hosts in clear text.
    Given the home directories of the accounts that can log in, other than root
    Then none of these home directories contains a ".netrc" file

  @id:6.2.13 @level:1 @scored
  Scenario: 6.2.13 Ensure users' .netrc Files are not group or world accessible
    Where a .netrc file is kept anyway, only its user may read it: its passwords open other systems.
    No permission at all for the group or others. A .netrc that is a symbolic link is judged by the
    item above; its own mode means nothing.
    Given the home directories of the accounts that can log in, other than root
    Then no ".netrc" file directly in these home directories can be read, written or run by its group or by others

  @id:6.2.14 @level:1 @scored
  Scenario: 6.2.14 Ensure no users have .rhosts files
    A .rhosts file lets the hosts and users it names log in as the user without a password, through the
    old r-commands.
    Given the home directories of the accounts that can log in, other than root
    Then none of these home directories contains a ".rhosts" file

  @id:6.2.15 @level:1 @scored
  Scenario: 6.2.15 Ensure all groups in /etc/passwd exist in /etc/group
    An account whose primary gid has no group entry gives its files to whatever group is next created with
    that gid, and its members.
    Given the local accounts in /etc/passwd
    And the groups in /etc/group
    Then every account's primary group exists in /etc/group

  @id:6.2.16 @level:1 @scored
  Scenario: 6.2.16 Ensure no duplicate UIDs exist
    Files and processes belong to a UID, not a name: accounts that share a UID share everything, and the
    logs cannot tell them apart.
    Given the local accounts in /etc/passwd
    Then no two accounts share a UID

  @id:6.2.17 @level:1 @scored
  Scenario: 6.2.17 Ensure no duplicate GIDs exist
    Groups that share a GID share their files' group rights, whatever their names suggest.
    Given the groups in /etc/group
    Then no two groups share a GID

  @id:6.2.18 @level:1 @scored
  Scenario: 6.2.18 Ensure no duplicate user names exist
    With two entries of the same name, which one a login or a lookup gets depends on the program.
    Given the local accounts in /etc/passwd
    Then no two accounts share a name

  @id:6.2.19 @level:1 @scored
  Scenario: 6.2.19 Ensure no duplicate group names exist
    With two groups of the same name, the rights a group name grants depend on which entry is found first.
    Given the groups in /etc/group
    Then no two groups share a name

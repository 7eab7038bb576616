@section:6.2
Feature: 6.2 User and group settings
  Who may log in, as whom, and with which rights is decided by /etc/passwd, /etc/shadow and /etc/group.
  These checks read those files as the target has them, never quoting a password field beyond its state
  (empty, hashed, locked). The home directory checks look at the accounts that can log in: every account
  except those whose shell refuses a login (/usr/sbin/nologin, /sbin/nologin, /bin/false,
  /usr/bin/false) and the command accounts halt, sync and shutdown. root is one of them. Only the first
  level of each home is looked at, where login programs look; a symbolic link with a forbidden name
  counts as the file, since programs follow it.

  @id:6.2.1 @level:1 @scored
  Scenario: 6.2.1 Ensure accounts in /etc/passwd use shadowed passwords
    /etc/passwd is readable by everyone, so a password hash kept there can be attacked offline by any
    user. An "x" in its password field says the password lives in /etc/shadow, which only root reads.
    Given the local accounts in /etc/passwd
    Then every account's password field is "x", which points to /etc/shadow

  @id:6.2.2 @level:1 @scored
  Scenario: 6.2.2 Ensure password fields are not empty
    An account whose password field is empty lets anyone log in as it without a password. A locked
    account or one marked "*" cannot be used with a password at all, which is fine.
    Given the password entries in /etc/shadow
    Then no account has an empty password field

  @id:6.2.3 @level:1 @scored
  Scenario: 6.2.3 Ensure all groups in /etc/passwd exist in /etc/group
    An account whose primary gid has no group entry gives its files to whatever group is next created with
    that gid, and its members.
    Given the local accounts in /etc/passwd
    And the groups in /etc/group
    Then every account's primary group exists in /etc/group

  @id:6.2.4 @level:1 @scored
  Scenario: 6.2.4 Ensure all users' home directories exist
    A user who logs in without a home directory lands in "/", and whoever creates the missing directory
    first owns the user's profile scripts.
    Given the home directories of the accounts that can log in
    Then each of these home directories exists

  @id:6.2.5 @level:1 @scored
  Scenario: 6.2.5 Ensure users own their home directories
    The owner of a home directory controls the profile scripts run at every login of its user. A home
    that does not exist cannot be shown to be owned by its user, so it fails this check too.
    Given the home directories of the accounts that can log in
    Then each of these home directories is owned by its account

  @id:6.2.6 @level:1 @scored
  Scenario: 6.2.6 Ensure users' home directories permissions are 750 or more restrictive
    Others should not read or enter a user's home directory, and the group should not add or remove files
    in it. Mode 0750 or stricter; a home that does not exist fails too.
    Given the home directories of the accounts that can log in
    Then none of these home directories is writable by its group, nor readable, writable or searchable by others

  @id:6.2.7 @level:1 @scored
  Scenario: 6.2.7 Ensure users' dot files are not group or world writable
    The dot files directly in a home directory (.profile, .bashrc, ...) run or configure programs at each
    login; anyone who can write them acts as the user. Regular files are checked; a symbolic link's own
    mode means nothing.
    Given the home directories of the accounts that can log in
    Then no dot file directly in these home directories is writable by its group or by others

  @id:6.2.8 @level:1 @scored
  Scenario: 6.2.8 Ensure no users have .netrc files
    A .netrc file stores passwords for remote hosts in clear text.
    Given the home directories of the accounts that can log in
    Then none of these home directories contains a ".netrc" file

  @id:6.2.9 @level:1 @scored
  Scenario: 6.2.9 Ensure no users have .forward files
    A .forward file sends the user's mail elsewhere, or into a program that runs as the user.
    Given the home directories of the accounts that can log in
    Then none of these home directories contains a ".forward" file

  @id:6.2.10 @level:1 @scored
  Scenario: 6.2.10 Ensure no users have .rhosts files
    A .rhosts file lets the hosts and users it names log in as the user without a password, through the
    old r-commands.
    Given the home directories of the accounts that can log in
    Then none of these home directories contains a ".rhosts" file

  @id:6.2.11 @level:1 @scored
  Scenario: 6.2.11 Ensure root is the only UID 0 account
    UID 0 has every right. A second account with UID 0 is a second root, whose use the logs attribute
    to a different name.
    Given the local accounts in /etc/passwd
    Then "root" is the only account with UID 0

  @id:6.2.12 @level:1 @scored
  Scenario: 6.2.12 Ensure root PATH Integrity
    The directories in root's PATH are searched in order for every command root types. The current
    directory, or a directory someone other than root can write to, lets that person put a program of
    their choice where root will run it. Nothing logs in to find out: the PATH a login gives root
    (ENV_SUPATH in /etc/login.defs, and the PATH pam_env takes from /etc/environment) is followed through
    the files a login shell of root reads (/etc/profile, /etc/profile.d, the first of root's
    ~/.bash_profile, ~/.bash_login and ~/.profile, and ~/.bashrc where they source it), on a running
    system and on an offline root filesystem alike. Every PATH root may log in with is judged; a PATH the
    files do not determine is an error, never a pass.
    Given root's PATH as a login shell of root sets it, worked out from login's settings and root's start-up files
    Then root's PATH has no empty entry, no trailing colon and no "."
    And every directory in root's PATH exists, is owned by root and is not writable by its group or by others

  @id:6.2.13 @level:1 @scored
  Scenario: 6.2.13 Ensure no duplicate UIDs exist
    Files and processes belong to a UID, not a name: accounts that share a UID share everything, and the
    logs cannot tell them apart.
    Given the local accounts in /etc/passwd
    Then no two accounts share a UID

  @id:6.2.14 @level:1 @scored
  Scenario: 6.2.14 Ensure no duplicate GIDs exist
    Groups that share a GID share their files' group rights, whatever their names suggest.
    Given the groups in /etc/group
    Then no two groups share a GID

  @id:6.2.15 @level:1 @scored
  Scenario: 6.2.15 Ensure no duplicate user names exist
    With two entries of the same name, which one a login or a lookup gets depends on the program.
    Given the local accounts in /etc/passwd
    Then no two accounts share a name

  @id:6.2.16 @level:1 @scored
  Scenario: 6.2.16 Ensure no duplicate group names exist
    With two groups of the same name, the rights a group name grants depend on which entry is found first.
    Given the groups in /etc/group
    Then no two groups share a name

  @id:6.2.17 @level:1 @scored
  Scenario: 6.2.17 Ensure shadow group is empty
    The shadow group may read the password hashes. Programs that need to are set-group-ID shadow; no user
    should belong to it in any way a login gives it: listed as a member on the shadow line or on any other
    group line with the same GID, or having that GID as primary group in /etc/passwd (which `getent group
    shadow` does not show, but `id` does). Lines are read as glibc reads them.
    Given the groups in /etc/group
    And the group "shadow" exists, or the item does not apply
    Then the group "shadow" lists no members
    And no account has "shadow" as its primary group

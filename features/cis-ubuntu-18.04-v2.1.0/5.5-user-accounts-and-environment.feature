@section:5.5
Feature: 5.5 User Accounts and Environment
  How passwords age, which accounts can log in at all, and the environment every login shell starts
  with. Password ageing has two parts: the defaults in /etc/login.defs and /etc/default/useradd, which
  only new accounts receive, and the fields each existing account carries in /etc/shadow. Accounts "with a
  password" are those whose password field is a hash or empty, neither locked ("!") nor disabled ("*").
  Password fields are only ever described by that state, never quoted. /etc/login.defs is read as the
  shadow tools read it: the last line for a name counts, names are case-sensitive, and a value that is not
  a whole number to them (08, "30 days", beyond an int) leaves their built-in value, which is no limit.

  @id:5.5.1.1 @level:1 @scored
  Scenario: 5.5.1.1 Ensure minimum days between password changes is configured
    A user forced to change a password could otherwise change it several times in a row to get the old
    one back past the history check. A day at least must pass between changes.
    Given the password entries in /etc/shadow
    Then "PASS_MIN_DAYS" in /etc/login.defs is at least 1
    And every account with a password in /etc/shadow has a minimum password age of at least 1 day

  @id:5.5.1.2 @level:1 @scored
  Scenario: 5.5.1.2 Ensure password expiration is 365 days or less
    A password that never expires stays useful to whoever learned it. A year at most must pass before
    each password has to be changed; an empty or negative maximum means never.
    Given the password entries in /etc/shadow
    Then "PASS_MAX_DAYS" in /etc/login.defs is at most 365
    And every account with a password in /etc/shadow has a maximum password age of at most 365 days

  @id:5.5.1.3 @level:1 @scored
  Scenario: 5.5.1.3 Ensure password expiration warning days is 7 or more
    Users warned a week ahead choose a new password with care instead of in a hurry at the last login.
    Given the password entries in /etc/shadow
    Then "PASS_WARN_AGE" in /etc/login.defs is at least 7
    And every account with a password in /etc/shadow is warned at least 7 days before its password expires

  @id:5.5.1.4 @level:1 @scored
  Scenario: 5.5.1.4 Ensure inactive password lock is 30 days or less
    An account whose password expired and was never changed is probably unused; left open, it is a
    quiet way in. It must be disabled at most 30 days after expiry. New accounts get INACTIVE from
    /etc/default/useradd (what `useradd -D` reports; -1, the default, means never).
    Given the password entries in /etc/shadow
    Then "INACTIVE" in /etc/default/useradd is between 0 and 30
    And every account with a password in /etc/shadow is disabled at most 30 days after its password expires

  @id:5.5.1.5 @level:1 @scored
  Scenario: 5.5.1.5 Ensure all users last password change date is in the past
    A last change recorded in the future postpones every expiry computed from it, so the password may
    never have to be changed. The date of every account with a password is compared with the day the
    audit started, which the evidence states.
    Given the password entries in /etc/shadow
    Then no account with a password in /etc/shadow has its last password change after the audit date

  @id:5.5.2 @level:1 @scored
  Scenario: 5.5.2 Ensure system accounts are secured
    Accounts below UID_MIN belong to services, not people; nobody should log in as them. Each needs a
    shell that refuses logins and a locked password. root, and the command accounts sync, shutdown and
    halt, whose "shell" is a single command, keep their shells; only root keeps a usable password.
    Given the local accounts in /etc/passwd
    Then every account with a UID below UID_MIN, except "root", "sync", "shutdown" and "halt", has the shell "/usr/sbin/nologin", "/sbin/nologin" or "/bin/false"
    And every account with a UID below UID_MIN, except "root", has a locked password in /etc/shadow

  @id:5.5.3 @level:1 @scored
  Scenario: 5.5.3 Ensure default group for the root account is GID 0
    Files root creates belong to its primary group; with any group other than GID 0 its members could
    read or change them.
    Given the local accounts in /etc/passwd
    Then the primary group of "root" in /etc/passwd is GID 0

  @id:5.5.4 @level:1 @scored
  Scenario: 5.5.4 Ensure default user umask is 027 or more restrictive
    The umask decides the mode of every file a user creates. With 027 or stricter, new files and
    directories are never writable by the group and never readable by others unless the user says so.
    The start-up files are followed as bash runs them for a login shell, interactive or not: /etc/profile,
    /etc/bash.bashrc where /etc/profile sources it (interactive shells), then /etc/profile.d/*.sh. A
    umask counts only where every path through them sets it: one inside an if without an else, a case,
    a loop, a function or after an early return does not, and a later, looser umask overrides it. An
    interactive shell started from a login shell, which reads /etc/bash.bashrc again, must not loosen it.
    Where no start-up file sets one, the umask is what pam_umask gave at login: UMASK in /etc/login.defs,
    which counts only with USERGROUPS_ENAB no (with yes, users in a group of their own get a
    group-writable default). UMASK itself may not be looser either. Files in users' own homes are theirs.
    Given the start-up files of a login shell, run as bash runs them
    Then every login shell ends up with a umask of 027 or more restrictive, from the start-up files or from pam_umask
    And UMASK in /etc/login.defs is not less restrictive than 027

  @id:5.5.5 @level:1 @scored
  Scenario: 5.5.5 Ensure default user shell timeout is 900 seconds or less
    A shell left open on an unattended terminal is an open door. bash ends an idle interactive shell after
    TMOUT seconds; the value must be 900 or less, read-only so that users cannot lift it, and exported to
    the shells they start. Every interactive login shell must end up so, following the start-up files as
    bash runs them (/etc/profile, /etc/bash.bashrc where it sources it, /etc/profile.d/*.sh): a statement
    inside an if, a case, a loop or a function, or after an early return, counts only if every path sets
    the same; a later TMOUT=0 or longer overrides it unless TMOUT is read-only by then, when bash refuses
    the change. readonly, export, declare -r and typeset -r forms count alike.
    Given the start-up files of a login shell, run as bash runs them
    Then every interactive login shell ends up with "TMOUT" set to at most 900 seconds, read-only and exported

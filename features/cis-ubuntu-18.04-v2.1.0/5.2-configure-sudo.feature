@section:5.2
Feature: 5.2 Configure sudo
  sudo lets the users it names run commands as root or as another user, and records what they ran.
  These checks read /etc/sudoers and the files it includes, in the order sudo reads them (files of an
  included directory in name order, skipping names with a "." or ending in "~"). Only Defaults entries
  that apply to every user count, and for one option the last of them that sudo accepts wins. As this
  release's sudo (1.8.21) does: an entry it refuses (a value given to use_pty, a log file without a value
  or with a relative path) fails the item, since visudo -c rejects the file; "@include" and "@includedir"
  (the syntax of sudo 1.9) stop sudo altogether and end the check as an error.

  @id:5.2.1 @level:1 @scored
  Scenario: 5.2.1 Ensure sudo is installed
    Administrators should raise their privileges one command at a time, each logged under their own name,
    instead of sharing the root password. The package database must list sudo, or its LDAP variant.
    Then the package "sudo" or the package "sudo-ldap" is installed

  @id:5.2.2 @level:1 @scored
  Scenario: 5.2.2 Ensure sudo commands use pty
    A command run through sudo without a terminal of its own can keep running in the background after
    sudo ends and still write to the user's terminal. With use_pty sudo gives each command its own
    pseudo-terminal, so nothing outlives the session unnoticed.
    Given the sudo configuration: /etc/sudoers and the files it includes
    Then the sudo option "use_pty" is on for all users

  @id:5.2.3 @level:1 @scored
  Scenario: 5.2.3 Ensure sudo log file exists
    A log file of its own keeps a record of every command run through sudo, who ran it and where,
    apart from the general system log, which is easier to lose in the volume or to rotate away.
    Given the sudo configuration: /etc/sudoers and the files it includes
    Then the sudo option "logfile" names a file for all users

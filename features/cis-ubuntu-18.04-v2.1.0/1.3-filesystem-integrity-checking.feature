@section:1.3
Feature: 1.3 Filesystem Integrity Checking
  AIDE records what the system's files look like and reports files that changed since, which is often
  the first sign of an intrusion. It helps only when it is installed and run on a schedule.

  @id:1.3.1 @level:1 @scored
  Scenario: 1.3.1 Ensure AIDE is installed
    Both the AIDE program and Debian's configuration and wrapper package must be completely installed
    (dpkg state installed, or only triggers left to run), read from the package database.
    Then the package "aide" is installed
    And the package "aide-common" is installed

  @id:1.3.2 @level:1 @scored
  Scenario: 1.3.2 Ensure filesystem integrity is regularly checked
    A database of file checksums nobody compares against finds nothing. Some cron job (a crontab line,
    or a script in one of the periodic cron directories) must start AIDE; a systemd timer that starts an
    AIDE check service counts as well, when the timer is enabled and the service exists. Comment lines
    and files cron skips do not count.
    Given the cron jobs and the periodic cron scripts of the system
    Then one of them runs AIDE, or the systemd timer "aidecheck.timer" is enabled with its service "aidecheck.service"

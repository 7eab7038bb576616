@section:1.3
Feature: 1.3 Filesystem Integrity Checking
  AIDE keeps a database of what the system's files looked like and reports every file that changed
  since, often the first trace an intruder leaves. It protects nothing unless it is installed and run
  on a schedule.

  @id:1.3.1 @level:1 @scored
  Scenario: 1.3.1 Ensure AIDE is installed
    On Alibaba Cloud Linux 2 the program, its configuration /etc/aide.conf and its database directory
    come in one package, read from the RPM database.
    Then the package "aide" is installed

  @id:1.3.2 @level:1 @scored
  Scenario: 1.3.2 Ensure filesystem integrity is regularly checked
    A database nobody compares against finds nothing. Some cron job must start AIDE: a line of
    /etc/crontab or /etc/cron.d, a user's crontab in /var/spool/cron (root's, as the benchmark suggests),
    or a script of the periodic cron directories; a systemd timer that starts an AIDE check service
    counts as well, when the timer is enabled and the service exists. Comment lines, and files cronie or
    run-parts skip (backup and rpmnew/rpmsave copies), do not count.
    Given the cron jobs and the periodic cron scripts of the system
    Then one of them runs AIDE, or the systemd timer "aidecheck.timer" is enabled with its service "aidecheck.service"

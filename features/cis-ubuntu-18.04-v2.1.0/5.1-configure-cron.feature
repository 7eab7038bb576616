@section:5.1
Feature: 5.1 Configure cron
  cron runs jobs at set times as root and as other users, among them the system's own maintenance and
  security jobs. These checks make sure the daemon runs, that only root can read or change the system's
  job definitions, and that only the users named in an allow list may schedule jobs with cron or at.

  @id:5.1.1 @level:1 @scored
  Scenario: 5.1.1 Ensure cron daemon is enabled and running
    Maintenance jobs (log rotation, package updates, security scans) rely on cron; if the daemon does not
    start at boot or is not running, they silently stop. Enablement is read from the systemd unit links;
    whether the daemon runs can only be seen on a running system, from its process list.
    Then the service "cron" is enabled
    And the running system has a process named "cron"

  @id:5.1.2 @level:1 @scored
  Scenario: 5.1.2 Ensure permissions on /etc/crontab are configured
    The system crontab runs its jobs as any user it names, root included. A user who could change it
    could run anything as root; one who could read it learns what runs when and can look for a weak job.
    Then the file "/etc/crontab" has mode at most 0600 and is owned by root:root

  Scenario Outline: <id> Ensure permissions on <dir> are configured
    cron runs every script in this directory as root. Only root may add, change or list them: a user who
    could write there gains root, one who could read them learns how the system is maintained.
    Then the file "<dir>" has mode at most 0700 and is owned by root:root

    @id:5.1.3 @level:1 @scored
    Examples: the scripts run every hour
      | id    | dir              |
      | 5.1.3 | /etc/cron.hourly |

    @id:5.1.4 @level:1 @scored
    Examples: the scripts run every day
      | id    | dir             |
      | 5.1.4 | /etc/cron.daily |

    @id:5.1.5 @level:1 @scored
    Examples: the scripts run every week
      | id    | dir              |
      | 5.1.5 | /etc/cron.weekly |

    @id:5.1.6 @level:1 @scored
    Examples: the scripts run every month
      | id    | dir               |
      | 5.1.6 | /etc/cron.monthly |

    @id:5.1.7 @level:1 @scored
    Examples: the crontab fragments that packages and administrators install, each naming the user a job runs as
      | id    | dir         |
      | 5.1.7 | /etc/cron.d |

  Scenario Outline: <id> Ensure <command> is restricted to authorized users
    A deny list lets everyone not named in it schedule jobs, including accounts created later. An allow
    list turns this round: only the users named in it may use the command, and when it exists the deny list
    is ignored anyway. The allow list itself may be read by root's group at most, and changed by root only.
    The evidence lists the users named as crontab and at compare the lines: a whole line is one user name,
    blanks around it or a "#" make it name nobody, and root may use both commands whatever the lists say.
    Then there is no deny list "<deny>"
    And the allow list "<allow>" exists with mode at most 0640 and is owned by root:root

    @id:5.1.8 @level:1 @scored
    Examples: crontab, the command users schedule recurring jobs with
      | id    | command | deny           | allow           |
      | 5.1.8 | cron    | /etc/cron.deny | /etc/cron.allow |

    @id:5.1.9 @level:1 @scored
    Examples: at, the command users schedule one-off jobs with
      | id    | command | deny         | allow         |
      | 5.1.9 | at      | /etc/at.deny | /etc/at.allow |

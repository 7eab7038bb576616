@section:5.1
Feature: 5.1 Configure cron
  On Alibaba Cloud Linux 2 the cronie package provides crond, which runs the system crontab, the
  scripts of /etc/cron.hourly (and through anacron the daily, weekly and monthly ones) and the jobs
  users schedule. These checks make sure the daemon starts at boot, that only root can read or change
  the system's job definitions, and that only the users named in allow lists may schedule jobs.

  @id:5.1.1 @level:1 @scored
  Scenario: 5.1.1 Ensure cron daemon is enabled
    Log rotation, package updates and integrity checks are cron jobs; if crond does not start at boot
    they silently stop. Enablement is read from the systemd unit links, on a running system as on a
    root filesystem.
    Then the service "crond" is enabled

  @id:5.1.2 @level:1 @scored
  Scenario: 5.1.2 Ensure permissions on /etc/crontab are configured
    The system crontab names the user each of its jobs runs as, root included. Whoever could change it
    could run anything as root; whoever could read it learns what runs when and can look for a weak job.
    Then the file "/etc/crontab" has mode at most 0600 and is owned by root:root

  Scenario Outline: <id> Ensure permissions on <dir> are configured
    Every script in this directory runs as root. Only root may add, change or list them: a user who could
    write there gains root, one who could read them learns how the system is maintained.
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
    Examples: the crontab fragments packages and administrators install, each naming the user a job runs as
      | id    | dir         |
      | 5.1.7 | /etc/cron.d |

  @id:5.1.8 @level:1 @scored
  Scenario: 5.1.8 Ensure at/cron is restricted to authorized users
    A deny list lets everyone it does not name schedule jobs, accounts created later included. With an
    allow list only the users it names may, whatever a deny list says; for both crontab and at the deny
    list must be gone and the allow list present, readable and writable by root only. The allow list is
    checked even where at is not installed, so that installing it later changes nothing.
    Then for each scheduler, the deny list does not exist and the allow list exists with mode at most 0600, owned by root:root:
      | scheduler | deny list      | allow list      |
      | crontab   | /etc/cron.deny | /etc/cron.allow |
      | at        | /etc/at.deny   | /etc/at.allow   |

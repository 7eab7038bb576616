@section:4.2
Feature: 4.2 Configure Logging
  Logs are how an incident is noticed and reconstructed. On Ubuntu 18.04 systemd-journald collects the
  messages and hands them to rsyslog, which writes them under /var/log and can send them to a central log
  host, out of reach of whoever takes over this one. These checks read rsyslog's configuration
  (/etc/rsyslog.conf with the files it includes, and /etc/rsyslog.d/*.conf), journald's (/etc/systemd/
  journald.conf and its drop-ins, the last assignment winning) and the permissions of the files under /var/log.

  @id:4.2.1.1 @level:1 @scored
  Scenario: 4.2.1.1 Ensure rsyslog is installed
    rsyslog writes the system's messages to files and forwards them to other hosts; the other logging
    checks assume it is there. It must be completely installed: dpkg state installed (any selection,
    hold included), or only triggers left to run; half-installed or unpacked is not enough.
    Then the package "rsyslog" is installed

  @id:4.2.1.2 @level:1 @scored
  Scenario: 4.2.1.2 Ensure rsyslog Service is enabled
    A logging daemon that does not start at boot logs nothing.
    Then the service "rsyslog" is enabled

  @id:4.2.1.3 @level:1 @not-scored
  Scenario: 4.2.1.3 Ensure logging is configured
    Which messages go to which file is a site's choice: authentication messages apart, everything kept
    somewhere. A person compares the rules found (and the files they produce) with the site's policy.
    Given the rsyslog configuration in /etc/rsyslog.conf and /etc/rsyslog.d
    Then a person reviews which messages rsyslog logs, and where

  @id:4.2.1.4 @level:1 @scored
  Scenario: 4.2.1.4 Ensure rsyslog default file permissions configured
    Log files can hold user names, addresses and mistyped passwords. rsyslog must create them readable
    by their owner and group only ($FileCreateMode 0640 or stricter), and no file action may loosen that.
    The files are read as rsyslogd reads them: each $IncludeConfig where it stands, the files of a glob
    in sorted order, a directory with everything in it and its subdirectories, a file that is being read
    not again; and the files of /etc/rsyslog.d that no include names as well.
    Given the rsyslog configuration in /etc/rsyslog.conf and /etc/rsyslog.d
    Then rsyslog creates log files with mode at most 0640

  @id:4.2.1.5 @level:1 @scored
  Scenario: 4.2.1.5 Ensure rsyslog is configured to send logs to a remote log host
    An intruder with root rights can edit or delete local logs; a copy on another host keeps the trail,
    and lets one place watch many systems. A rule sending messages with "@host" (UDP) or "@@host" (TCP),
    or an action with a target host, is looked for.
    Given the rsyslog configuration in /etc/rsyslog.conf and /etc/rsyslog.d
    Then rsyslog forwards messages to a remote log host

  @id:4.2.1.6 @level:1 @not-scored
  Scenario: 4.2.1.6 Ensure remote rsyslog messages are only accepted on designated log hosts.
    A host that listens for other hosts' messages can be flooded or fed forged entries; only the hosts
    chosen as log hosts should listen. Whether this host is one is the site's decision, so a person
    confirms it, given the network inputs found (imtcp, imudp, imrelp).
    Given the rsyslog configuration in /etc/rsyslog.conf and /etc/rsyslog.d
    Then a person confirms that only a designated log host accepts messages from the network

  Scenario Outline: <id> Ensure journald is configured to <what>
    journald's own defaults depend on the version and on what exists on disk; the setting must be
    stated in its configuration so that the behaviour is the one intended.
    Given the journald configuration in /etc/systemd/journald.conf and its drop-ins
    Then the journald setting "<setting>" is "<value>"

    @id:4.2.2.1 @level:1 @scored
    Examples: messages go on to rsyslog, which writes them to files and to the log host
      | id      | what                 | setting         | value |
      | 4.2.2.1 | send logs to rsyslog | ForwardToSyslog | yes   |

    @id:4.2.2.2 @level:1 @scored
    Examples: large journal files are compressed, so that the disk does not fill up with logs
      | id      | what                         | setting  | value |
      | 4.2.2.2 | compress large log files     | Compress | yes   |

    @id:4.2.2.3 @level:1 @scored
    Examples: the journal is kept on disk, so that it survives a reboot
      | id      | what                                   | setting | value      |
      | 4.2.2.3 | write logfiles to persistent disk      | Storage | persistent |

  @id:4.2.3 @level:1 @scored
  Scenario: 4.2.3 Ensure permissions on all logfiles are configured
    Logs hold what happened on the system, sometimes secrets typed by mistake. No log file may be
    changed or run by its group, nor read, changed or run by other users; every regular file under
    /var/log is read from one walk of the tree.
    Given every file under /var/log
    Then no regular file there may be written or executed by its group, or used at all by other users

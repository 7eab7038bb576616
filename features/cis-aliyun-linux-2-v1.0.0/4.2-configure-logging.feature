@section:4.2
Feature: 4.2 Configure Logging
  Logs are how an incident is noticed and pieced together afterwards. On Alibaba Cloud Linux 2,
  systemd-journald collects the messages and rsyslog reads them from the journal, writes them to the files
  under /var/log (/var/log/messages, /var/log/secure, ...) and may send them on to a central log host, out
  of reach of whoever takes over this one. These checks read the rsyslog package and service, rsyslog's
  configuration (/etc/rsyslog.conf, the files it includes where it includes them, and any other
  /etc/rsyslog.d/*.conf), and the permissions of every file under /var/log.

  @id:4.2.1.1 @level:1 @scored
  Scenario: 4.2.1.1 Ensure rsyslog Service is enabled
    A logging daemon that systemd does not start at boot writes no log.
    Then the service "rsyslog" is enabled

  @id:4.2.1.2 @level:1 @not-scored
  Scenario: 4.2.1.2 Ensure logging is configured
    Which messages go to which file is the site's choice (authentication messages kept apart, nothing
    dropped); a person compares the rules found, and the log files they fill, with the site's policy.
    Given the rsyslog configuration in /etc/rsyslog.conf and /etc/rsyslog.d
    Then a person reviews which messages rsyslog logs, and where

  @id:4.2.1.3 @level:1 @scored
  Scenario: 4.2.1.3 Ensure rsyslog default file permissions configured
    Log files may hold user names, addresses and passwords typed in the wrong field. rsyslog must create
    them readable by their owner and group at most ($FileCreateMode 0640 or stricter), and no single
    file action may ask for more. The files are read as rsyslogd reads them: each $IncludeConfig where
    it stands, the files of a glob in sorted order, a directory with everything in it and its
    subdirectories, a file that is being read not again; and the files of /etc/rsyslog.d that no include
    names as well.
    Given the rsyslog configuration in /etc/rsyslog.conf and /etc/rsyslog.d
    Then rsyslog creates log files with mode at most 0640

  @id:4.2.1.4 @level:1 @scored
  Scenario: 4.2.1.4 Ensure rsyslog is configured to send logs to a remote log host
    Whoever gains root here can edit or delete the local logs; a copy on another host keeps the trail and
    lets one place watch many systems. A rule sending messages to "@host" (UDP) or "@@host" (TCP), or an
    action with a target host, is looked for.
    Given the rsyslog configuration in /etc/rsyslog.conf and /etc/rsyslog.d
    Then rsyslog forwards messages to a remote log host

  @id:4.2.1.5 @level:1 @not-scored
  Scenario: 4.2.1.5 Ensure remote rsyslog messages are only accepted on designated log hosts.
    A host that listens for other hosts' messages can be flooded or fed forged entries; only the hosts
    chosen as log hosts should listen. Whether this host is one is the site's decision, so a person
    confirms it, given the network inputs found (imtcp, imudp, imrelp).
    Given the rsyslog configuration in /etc/rsyslog.conf and /etc/rsyslog.d
    Then a person confirms that only a designated log host accepts messages from the network

  @id:4.2.2 @level:1 @scored
  Scenario: 4.2.2 Ensure rsyslog is installed
    rsyslog writes the system's messages to files and forwards them to other hosts; the other logging
    checks assume it is there.
    Then the package "rsyslog" is installed

  @id:4.2.3 @level:1 @scored
  Scenario: 4.2.3 Ensure permissions on all logfiles are configured
    Logs tell what happened on the system and sometimes hold secrets typed by mistake. No log file may be
    written or run by its group, nor used at all by other users; every regular file under /var/log is
    read from one walk of the tree.
    Given every file under /var/log
    Then no regular file there may be written or executed by its group, or used at all by other users

@section:2.1
Feature: 2.1 Special Purpose Services
  Each network daemon a server starts is code that strangers can reach, and that must be patched. On
  Alibaba Cloud Linux 2 this section asks that the daemons a node's job does not need do not start at
  boot: whether a systemd service or socket unit is enabled is read from the links under
  /etc/systemd/system, so a running node and its offline root filesystem give the same answer. The
  graphical display server is the exception: its packages should be absent, as the RPM database says.
  The mail transfer agent may stay, as system programs send mail through it, but only the node itself
  may talk to it. The clock is the other exception to "less is better": logs of several systems only
  line up, and certificates and tickets only check out, when every clock agrees, so a time
  synchronisation daemon must be installed and configured. ACL2 ships chrony, pointed at Alibaba Cloud's
  NTP servers. Time synchronisation belongs to the host: on a container those items do not apply.

  @id:2.1.1.1 @level:1 @not-scored @host:time
  Scenario: 2.1.1.1 Ensure time synchronization is in use
    A clock left to drift makes log timestamps disagree between systems and can break authentication
    that depends on time. On this distribution one of two daemons keeps the clock: chrony (installed by
    default) or the older ntp; one of the two packages must be installed.
    Then the package "chrony" or the package "ntp" is installed

  @id:2.1.1.2 @level:1 @scored @host:time
  Scenario: 2.1.1.2 Ensure ntp is configured
    An ntp daemon that answers anyone can be queried for what it knows about the system, reconfigured, or
    used to amplify attacks. Its default access rules, for IPv4 ("restrict default" or "restrict -4
    default") and for IPv6 ("restrict -6 default"), must refuse modification, traps, peering and
    queries, and send kiss-of-death packets to abusers; other options may be added in any order. It
    needs at least one server or pool to follow. As a network daemon it must give up root's rights:
    the service must start ntpd with "-u ntp:ntp". ntpd.service as packaged passes that option in its
    ExecStart and appends OPTIONS from /etc/sysconfig/ntpd, where a later -u would win, so the command
    line is read as systemd builds it, and the file as systemd reads an EnvironmentFile (no shell: a value
    keeps its blanks, ; and #, and $ is not expanded).
    Given the package "ntp" is installed, or the item does not apply
    Then the ntp configuration /etc/ntp.conf restricts the IPv4 and the IPv6 default with "kod", "nomodify", "notrap", "nopeer" and "noquery"
    And the ntp configuration /etc/ntp.conf has a "server" or "pool" line
    And ntpd.service starts ntpd with "-u ntp:ntp", read from its ExecStart and OPTIONS in /etc/sysconfig/ntpd

  @id:2.1.1.3 @level:1 @scored @host:time
  Scenario: 2.1.1.3 Ensure chrony is configured
    chrony only keeps good time if it has servers to follow, and as a network daemon it should not keep
    root's rights. /etc/chrony.conf must name at least one server or pool, and the options the chronyd
    service passes to the daemon, OPTIONS in /etc/sysconfig/chronyd (read as systemd reads an
    EnvironmentFile, not as a shell would), must name the unprivileged chrony user with -u (the last -u
    given is the one chronyd uses, and it wins over a user directive of chrony.conf). ACL2 ships the
    option empty.
    Given the package "chrony" is installed, or the item does not apply
    Then the chrony configuration /etc/chrony.conf has a "server" or "pool" line
    And the chronyd options OPTIONS in /etc/sysconfig/chronyd include "-u chrony"

  @id:2.1.2 @level:1 @scored
  Scenario: 2.1.2 Ensure X Window System is not installed
    A graphical display server and its libraries are a large body of code a server never uses; no package
    of the X.Org family (xorg-x11-server-Xorg, xorg-x11-server-common and the rest) should be installed.
    Then the package "xorg-x11*" is not installed

  Scenario Outline: <id> <title>
    The daemon named in the example serves the network. A node that does not offer that service must
    not start it at boot: its systemd unit must not be enabled (a unit that is not installed, disabled or
    masked complies).
    Then the service "<service>" is not enabled

    @id:2.1.3 @level:1 @scored
    Examples: avahi-daemon announces and discovers services on the local network (mDNS), which servers rarely need
      | id    | title                              | service      |
      | 2.1.3 | Ensure Avahi Server is not enabled | avahi-daemon |

    @id:2.1.4 @level:1 @scored
    Examples: cupsd is the print server, which also takes print jobs from the network and has a web interface
      | id    | title                      | service |
      | 2.1.4 | Ensure CUPS is not enabled | cups    |

    @id:2.1.5 @level:1 @scored
    Examples: dhcpd hands out network addresses, a job for dedicated systems only
      | id    | title                             | service |
      | 2.1.5 | Ensure DHCP Server is not enabled | dhcpd   |

    @id:2.1.6 @level:1 @scored
    Examples: slapd is the OpenLDAP directory server
      | id    | title                             | service |
      | 2.1.6 | Ensure LDAP server is not enabled | slapd   |

    @id:2.1.8 @level:1 @scored
    Examples: named is BIND's DNS server, authoritative or resolving for others
      | id    | title                            | service |
      | 2.1.8 | Ensure DNS Server is not enabled | named   |

    @id:2.1.9 @level:1 @scored
    Examples: vsftpd serves files over FTP, which sends passwords in clear text
      | id    | title                            | service |
      | 2.1.9 | Ensure FTP Server is not enabled | vsftpd  |

    @id:2.1.10 @level:1 @scored
    Examples: httpd is the Apache web server
      | id     | title                             | service |
      | 2.1.10 | Ensure HTTP server is not enabled | httpd   |

    @id:2.1.11 @level:1 @scored
    Examples: dovecot lets mail clients fetch mail over IMAP and POP3, which only a mail store needs
      | id     | title                                      | service |
      | 2.1.11 | Ensure IMAP and POP3 server is not enabled | dovecot |

    @id:2.1.12 @level:1 @scored
    Examples: smb is Samba's file and printer sharing for Windows clients
      | id     | title                       | service |
      | 2.1.12 | Ensure Samba is not enabled | smb     |

    @id:2.1.13 @level:1 @scored
    Examples: squid is a caching web proxy
      | id     | title                                   | service |
      | 2.1.13 | Ensure HTTP Proxy Server is not enabled | squid   |

    @id:2.1.14 @level:1 @scored
    Examples: snmpd answers network management queries, often with weak community strings
      | id     | title                             | service |
      | 2.1.14 | Ensure SNMP Server is not enabled | snmpd   |

    @id:2.1.16 @level:1 @scored
    Examples: ypserv serves NIS (yellow pages) maps of accounts, an unencrypted and outdated directory
      | id     | title                            | service |
      | 2.1.16 | Ensure NIS Server is not enabled | ypserv  |

    @id:2.1.18 @level:1 @scored
    Examples: the telnet server, started per connection by telnet.socket, sends the password and the whole session in clear text
      | id     | title                               | service       |
      | 2.1.18 | Ensure telnet server is not enabled | telnet.socket |

    @id:2.1.19 @level:1 @scored
    Examples: the tftp server, started per request by tftp.socket, hands out files without any authentication
      | id     | title                             | service     |
      | 2.1.19 | Ensure tftp server is not enabled | tftp.socket |

    @id:2.1.20 @level:1 @scored
    Examples: rsyncd serves files to rsync clients without encryption; the rsync package may stay for its client
      | id     | title                               | service |
      | 2.1.20 | Ensure rsync service is not enabled | rsyncd  |

    @id:2.1.21 @level:1 @scored
    Examples: ntalk lets users of other systems open chat sessions over an unencrypted, unauthenticated protocol
      | id     | title                             | service |
      | 2.1.21 | Ensure talk server is not enabled | ntalk   |

  @id:2.1.7 @level:1 @scored
  Scenario: 2.1.7 Ensure NFS and RPC are not enabled
    The NFS server exports filesystems over the network, and rpcbind maps RPC programs to ports for NFS
    and NIS; rpcbind answers the network itself and has been abused for amplification. None of the NFS
    server's units (nfs-server, and nfs, its older name) nor rpcbind may be enabled.
    Then none of the services "nfs", "nfs-server" and "rpcbind" is enabled

  @id:2.1.17 @level:1 @scored
  Scenario: 2.1.17 Ensure rsh server is not enabled
    rsh, rlogin and rexec trust host names and send everything, passwords included, in clear text. Their
    servers are started per connection by socket units; none of them may be enabled.
    Then none of the services "rsh.socket", "rlogin.socket" and "rexec.socket" is enabled

  @id:2.1.15 @level:1 @scored
  Scenario: 2.1.15 Ensure mail transfer agent is configured for local-only mode
    System programs hand mail (cron output, alerts) to the local mail transfer agent, but a node that is
    not a mail relay must not accept mail from the network. ACL2's MTA is postfix: inet_interfaces in
    /etc/postfix/main.cf ("all" when not set) must name loopback only (loopback-only, localhost or
    loopback addresses). An installed exim4 is read the same way. On a running system nothing may listen
    on port 25 on any other address, whatever program holds it.
    Then every installed mail transfer agent among exim4 and postfix is configured to listen on loopback addresses only
    And nothing on the running system listens on port 25 on an address other than loopback

@section:2.1
Feature: 2.1 Special Purpose Services
  Every network service a system runs is a program strangers can talk to. A server should carry only the
  daemons its job needs: directory, file, mail, web and print servers that were installed by habit or
  came with a package selection are attack surface and patching work for nothing. Most checks here read
  the package database (/var/lib/dpkg/status), so a running system and its offline root filesystem give
  the same answer. A package counts as installed while dpkg has its files on the system (every state but
  not-installed and config-files, so a half-installed or unpacked server fails "is not installed"); the
  evidence gives the package's Status line. The clock is the exception to "less is better": logs of several systems can only be
  put side by side, and certificates and tickets only checked, when every clock agrees, so one time
  synchronisation daemon must run and be configured. Time synchronisation belongs to the host: on a
  container those items do not apply.

  @id:2.1.1.1 @level:1 @scored @host:time
  Scenario: 2.1.1.1 Ensure time synchronization is in use
    A clock left to drift makes log timestamps disagree between systems and can break authentication
    that depends on time. Ubuntu offers three daemons: systemd-timesyncd (enabled at boot by its unit
    links), chrony or ntp (installed as packages); one of them must be there.
    Then systemd-timesyncd is enabled, or the package "chrony" or the package "ntp" is installed

  @id:2.1.1.2 @level:1 @not-scored @host:time
  Scenario: 2.1.1.2 Ensure systemd-timesyncd is configured
    If neither chrony nor ntp is installed, systemd-timesyncd is the daemon that keeps time, so it must
    start at boot and know which servers to ask. Its configuration file as shipped only lists the
    built-in defaults in comments; the site's servers must be written in NTP= or FallbackNTP= of
    /etc/systemd/timesyncd.conf or of a drop-in file, where an empty assignment clears the list.
    Given systemd-timesyncd is the time synchronisation method, as neither "chrony" nor "ntp" is installed, or the item does not apply
    Then the service "systemd-timesyncd" is enabled
    And the systemd-timesyncd configuration names at least one time server in "NTP" or "FallbackNTP"

  @id:2.1.1.3 @level:1 @scored @host:time
  Scenario: 2.1.1.3 Ensure chrony is configured
    chrony only keeps good time if it has servers to follow, and as a network daemon it should not run
    with root's rights: Ubuntu builds it to switch to the _chrony user. The configuration must name at
    least one server or pool; the user must not be changed, neither by a user directive in chrony.conf
    nor by a -u option in DAEMON_OPTS of /etc/default/chrony (which systemd reads for the service as an
    EnvironmentFile, not as a shell would, and passes to chronyd, and which wins);
    on a running system every chronyd process must run as _chrony.
    Given the package "chrony" is installed, or the item does not apply
    Then the chrony configuration /etc/chrony/chrony.conf has a "server" or "pool" line
    And the chrony configuration lets chronyd run as the user "_chrony"
    And every chronyd process of the running system runs as the user "_chrony"

  @id:2.1.1.4 @level:1 @scored @host:time
  Scenario: 2.1.1.4 Ensure ntp is configured
    An ntp daemon open to anyone answers queries that reveal the system, and can be changed or used to
    amplify attacks. Its default access rules, for IPv4 ("restrict default" or "restrict -4 default")
    and for IPv6 ("restrict -6 default"), must refuse to be modified, trapped, peered with or queried,
    and send kiss-of-death packets to abusers; other options may follow in any order. The daemon needs
    at least one server or pool to follow, and its init script must start it as the unprivileged ntp user.
    Given the package "ntp" is installed, or the item does not apply
    Then the ntp configuration /etc/ntp.conf restricts the IPv4 and the IPv6 default with "kod", "nomodify", "notrap", "nopeer" and "noquery"
    And the ntp configuration /etc/ntp.conf has a "server" or "pool" line
    And the ntp init script /etc/init.d/ntp sets RUNASUSER to "ntp"

  @id:2.1.2 @level:1 @scored
  Scenario: 2.1.2 Ensure X Window System is not installed
    A graphical display server is a large body of code a server never uses; none of the X.Org server
    packages (xserver-xorg and its drivers) should be installed.
    Then the package "xserver-xorg*" is not installed

  Scenario Outline: <id> <title>
    The daemon named in the example serves the network, and a system that does not offer that service
    should not have it installed at all: a removed package cannot be started by mistake or left unpatched.
    The package database decides.
    Then the package "<package>" is not installed

    @id:2.1.3 @level:1 @scored
    Examples: avahi-daemon announces and discovers services on the local network (mDNS), which servers rarely need
      | id    | title                                | package      |
      | 2.1.3 | Ensure Avahi Server is not installed | avahi-daemon |

    @id:2.1.4 @level:1 @scored
    Examples: cups is the print server, which also accepts print jobs and shows a web interface
      | id    | title                        | package |
      | 2.1.4 | Ensure CUPS is not installed | cups    |

    @id:2.1.5 @level:1 @scored
    Examples: isc-dhcp-server hands out network addresses, a job for dedicated systems only
      | id    | title                               | package         |
      | 2.1.5 | Ensure DHCP Server is not installed | isc-dhcp-server |

    @id:2.1.6 @level:1 @scored
    Examples: slapd is the OpenLDAP directory server
      | id    | title                               | package |
      | 2.1.6 | Ensure LDAP server is not installed | slapd   |

    @id:2.1.7 @level:1 @scored
    Examples: nfs-kernel-server exports filesystems over the network
      | id    | title                       | package           |
      | 2.1.7 | Ensure NFS is not installed | nfs-kernel-server |

    @id:2.1.8 @level:1 @scored
    Examples: bind9 is a DNS server, authoritative or resolving for others
      | id    | title                              | package |
      | 2.1.8 | Ensure DNS Server is not installed | bind9   |

    @id:2.1.9 @level:1 @scored
    Examples: vsftpd serves files over FTP, which sends passwords in clear text
      | id    | title                              | package |
      | 2.1.9 | Ensure FTP Server is not installed | vsftpd  |

    @id:2.1.10 @level:1 @scored
    Examples: apache2 is a web server
      | id     | title                               | package |
      | 2.1.10 | Ensure HTTP server is not installed | apache2 |

    @id:2.1.12 @level:1 @scored
    Examples: samba shares files and printers with Windows clients
      | id     | title                         | package |
      | 2.1.12 | Ensure Samba is not installed | samba   |

    @id:2.1.13 @level:1 @scored
    Examples: squid is a caching web proxy
      | id     | title                                     | package |
      | 2.1.13 | Ensure HTTP Proxy Server is not installed | squid   |

    @id:2.1.14 @level:1 @scored
    Examples: snmpd answers network management queries, often with weak community strings
      | id     | title                               | package |
      | 2.1.14 | Ensure SNMP Server is not installed | snmpd   |

    @id:2.1.16 @level:1 @scored
    Examples: rsync can run as a daemon that serves files without encryption; this version of the benchmark asks for the package to be absent
      | id     | title                                 | package |
      | 2.1.16 | Ensure rsync service is not installed | rsync   |

    @id:2.1.17 @level:1 @scored
    Examples: nis serves NIS (yellow pages) maps of accounts, an unencrypted and outdated directory
      | id     | title                              | package |
      | 2.1.17 | Ensure NIS Server is not installed | nis     |

  @id:2.1.11 @level:1 @scored
  Scenario: 2.1.11 Ensure IMAP and POP3 server are not installed
    Dovecot's IMAP and POP3 servers let mail clients fetch mail; a system that is not a mail store
    should have neither.
    Then none of the packages "dovecot-imapd" and "dovecot-pop3d" is installed

  @id:2.1.15 @level:1 @scored
  Scenario: 2.1.15 Ensure mail transfer agent is configured for local-only mode
    System programs send mail (cron output, alerts) through the local mail transfer agent, but a system
    that is not a mail relay must not accept mail from the network. The configuration of an installed
    exim4 (dc_local_interfaces in /etc/exim4/update-exim4.conf.conf, empty means every interface) or
    postfix (inet_interfaces in /etc/postfix/main.cf, "all" by default) must name loopback addresses
    only; on a running system nothing may listen on port 25 on any other address, whatever the MTA.
    Then every installed mail transfer agent among exim4 and postfix is configured to listen on loopback addresses only
    And nothing on the running system listens on port 25 on an address other than loopback

@section:3.2 @host:kernel
Feature: 3.2 Network Parameters (Host and Router)
  Kernel parameters that make the IP stack distrust what the network tells it, on hosts and routers alike.
  Each parameter is read twice: its persistent configuration, the sysctl files applied at boot
  in systemd-sysctl's order (the *.conf files of /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d and
  /usr/lib/sysctl.d by file name, a name in /etc hiding the same name further down; /etc/sysctl.conf at the
  place of its link /etc/sysctl.d/99-sysctl.conf), where some file must set the expected value and no file
  another one; and, on a running system, its value in the running kernel (sysctl -a). All the parameters of
  an item are checked together and every problem is reported. On an offline root filesystem only the
  persistent part is checked. IPv6 parameters are checked while IPv6 is enabled (see
  3.6). Kernel parameters belong to the host: on a container these items do not apply.

  Scenario Outline: <id> <title>
    The setting is required for the interfaces that exist ("all") and for those created later ("default").
    Then these kernel parameters are set in the persistent configuration and in the running kernel, the net.ipv6 ones while IPv6 is enabled:
      | parameter                         | value   |
      | net.ipv4.conf.all.<parameter>     | <value> |
      | net.ipv4.conf.default.<parameter> | <value> |

    @id:3.2.3 @level:1 @scored
    Examples: "Secure" redirects come from a gateway the host already uses, but a gateway can be compromised or impersonated too; routes should not change on its word
      | id    | title                                         | parameter        | value |
      | 3.2.3 | Ensure secure ICMP redirects are not accepted | secure_redirects | 0     |

    @id:3.2.4 @level:1 @scored
    Examples: Packets with impossible source addresses ("martians") betray spoofing or a routing fault, and should leave a trace in the kernel log
      | id    | title                                | parameter    | value |
      | 3.2.4 | Ensure suspicious packets are logged | log_martians | 1     |

    @id:3.2.7 @level:1 @scored
    Examples: Strict reverse path filtering drops a packet that arrives on an interface its reply would not leave by, which defeats most source address spoofing (ACL2 ships rp_filter = 0 in /etc/sysctl.conf for multi-NIC set-ups)
      | id    | title                                    | parameter | value |
      | 3.2.7 | Ensure Reverse Path Filtering is enabled | rp_filter | 1     |

  Scenario Outline: <id> <title>
    The setting is required for the interfaces that exist ("all") and for those created later
    ("default"), for IPv4 and, while IPv6 is enabled, for IPv6.
    Then these kernel parameters are set in the persistent configuration and in the running kernel, the net.ipv6 ones while IPv6 is enabled:
      | parameter                         | value   |
      | net.ipv4.conf.all.<parameter>     | <value> |
      | net.ipv4.conf.default.<parameter> | <value> |
      | net.ipv6.conf.all.<parameter>     | <value> |
      | net.ipv6.conf.default.<parameter> | <value> |

    @id:3.2.1 @level:1 @scored
    Examples: A source-routed packet picks its own path, which lets an outsider reach addresses the normal routes keep private
      | id    | title                                         | parameter           | value |
      | 3.2.1 | Ensure source routed packets are not accepted | accept_source_route | 0     |

    @id:3.2.2 @level:1 @scored
    Examples: An accepted ICMP redirect rewrites the routing table on the word of whoever sent it, an easy way into the middle of a connection
      | id    | title                                  | parameter        | value |
      | 3.2.2 | Ensure ICMP redirects are not accepted | accept_redirects | 0     |

  Scenario Outline: <id> <title>
    A single, system-wide IPv4 setting.
    Then these kernel parameters are set in the persistent configuration and in the running kernel, the net.ipv6 ones while IPv6 is enabled:
      | parameter   | value   |
      | <parameter> | <value> |

    @id:3.2.5 @level:1 @scored
    Examples: Answering pings sent to a broadcast address turns the host into an amplifier of "smurf" floods
      | id    | title                                      | parameter                            | value |
      | 3.2.5 | Ensure broadcast ICMP requests are ignored | net.ipv4.icmp_echo_ignore_broadcasts | 1     |

    @id:3.2.6 @level:1 @scored
    Examples: Malformed ICMP error replies are noise that fills the kernel log and hides what matters
      | id    | title                                   | parameter                                  | value |
      | 3.2.6 | Ensure bogus ICMP responses are ignored | net.ipv4.icmp_ignore_bogus_error_responses | 1     |

    @id:3.2.8 @level:1 @scored
    Examples: SYN cookies keep the host answering real clients while a SYN flood fills its queue of half-open connections
      | id    | title                             | parameter               | value |
      | 3.2.8 | Ensure TCP SYN Cookies is enabled | net.ipv4.tcp_syncookies | 1     |

  @id:3.2.9 @level:1 @scored
  Scenario: 3.2.9 Ensure IPv6 router advertisements are not accepted
    A host that accepts router advertisements lets any machine on its link announce itself as the default
    gateway; a server's routes should be configured, not learned. The item concerns IPv6 only, so it does
    not apply while IPv6 is disabled.
    Given IPv6 is enabled, or the item does not apply
    Then these kernel parameters are set in the persistent configuration and in the running kernel, the net.ipv6 ones while IPv6 is enabled:
      | parameter                       | value |
      | net.ipv6.conf.all.accept_ra     | 0     |
      | net.ipv6.conf.default.accept_ra | 0     |

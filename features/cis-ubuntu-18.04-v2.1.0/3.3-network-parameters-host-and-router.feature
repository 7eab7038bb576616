@section:3.3 @host:kernel
Feature: 3.3 Network Parameters (Host and Router)
  Kernel parameters that make the IP stack distrust what the network tells it, on hosts and routers
  alike. Each parameter is read twice: its value in the running kernel (sysctl, on a running system) and
  its persistent configuration, the files in /etc/sysctl.d and the other sysctl directories in
  systemd-sysctl's order (by file name, a name in /etc hiding the same name further down),
  /etc/sysctl.conf at the place of its link /etc/sysctl.d/99-sysctl.conf (a file sorting after the link
  wins over it), and the file ufw applies each time it starts (IPT_SYSCTL in /etc/default/ufw, or ufw.conf when it sets one), which
  overrides the others. Some file must set the expected value and no file may set another. On an offline
  root filesystem only the persistent part is checked. IPv6 parameters are checked only while IPv6 is
  enabled (see 3.1.1 for how that is decided). Kernel parameters belong to the host: on a container
  these items do not apply.

  Scenario Outline: <id> <title>
    The same setting is required for all interfaces that exist now ("all") and for those created later
    ("default").
    Then the kernel parameter "net.ipv4.conf.all.<parameter>" is "<value>" in the running kernel
    And the kernel parameter "net.ipv4.conf.default.<parameter>" is "<value>" in the running kernel
    And the kernel parameter "net.ipv4.conf.all.<parameter>" is set to "<value>" in the persistent configuration, ufw's sysctl file included
    And the kernel parameter "net.ipv4.conf.default.<parameter>" is set to "<value>" in the persistent configuration, ufw's sysctl file included

    @id:3.3.3 @level:1 @scored
    Examples: "Secure" redirects come from a listed gateway, but a gateway can be compromised or spoofed too; routes should not change on its word
      | id    | title                                         | parameter        | value |
      | 3.3.3 | Ensure secure ICMP redirects are not accepted | secure_redirects | 0     |

    @id:3.3.4 @level:1 @scored
    Examples: Packets with impossible source addresses ("martians") are a sign of spoofing or misrouting and should leave a trace in the kernel log
      | id    | title                                | parameter    | value |
      | 3.3.4 | Ensure suspicious packets are logged | log_martians | 1     |

    @id:3.3.7 @level:1 @scored
    Examples: Strict reverse path filtering drops packets that arrive on an interface the reply would not leave by, which defeats most source address spoofing
      | id    | title                                   | parameter | value |
      | 3.3.7 | Ensure Reverse Path Filtering is enabled | rp_filter | 1     |

  Scenario Outline: <id> <title>
    The same setting is required for all interfaces that exist now ("all") and for those created later
    ("default"), for IPv4 and, while IPv6 is enabled, for IPv6.
    Then the kernel parameter "net.ipv4.conf.all.<parameter>" is "<value>" in the running kernel
    And the kernel parameter "net.ipv4.conf.default.<parameter>" is "<value>" in the running kernel
    And the kernel parameter "net.ipv4.conf.all.<parameter>" is set to "<value>" in the persistent configuration, ufw's sysctl file included
    And the kernel parameter "net.ipv4.conf.default.<parameter>" is set to "<value>" in the persistent configuration, ufw's sysctl file included
    And if IPv6 is enabled, the kernel parameter "net.ipv6.conf.all.<parameter>" is "<value>" in the running kernel
    And if IPv6 is enabled, the kernel parameter "net.ipv6.conf.default.<parameter>" is "<value>" in the running kernel
    And if IPv6 is enabled, the kernel parameter "net.ipv6.conf.all.<parameter>" is set to "<value>" in the persistent configuration, ufw's sysctl file included
    And if IPv6 is enabled, the kernel parameter "net.ipv6.conf.default.<parameter>" is set to "<value>" in the persistent configuration, ufw's sysctl file included

    @id:3.3.1 @level:1 @scored
    Examples: A source-routed packet chooses its own path, which lets an outsider reach addresses the normal routes keep private
      | id    | title                                          | parameter           | value |
      | 3.3.1 | Ensure source routed packets are not accepted | accept_source_route | 0     |

    @id:3.3.2 @level:1 @scored
    Examples: An accepted ICMP redirect rewrites the routing table on the word of whoever sent it, an easy way to put oneself in the middle
      | id    | title                                  | parameter        | value |
      | 3.3.2 | Ensure ICMP redirects are not accepted | accept_redirects | 0     |

  Scenario Outline: <id> <title>
    A single, system-wide IPv4 setting.
    Then the kernel parameter "<parameter>" is "<value>" in the running kernel
    And the kernel parameter "<parameter>" is set to "<value>" in the persistent configuration, ufw's sysctl file included

    @id:3.3.5 @level:1 @scored
    Examples: Answering pings sent to a broadcast address makes the host a reflector in "smurf" floods
      | id    | title                                       | parameter                       | value |
      | 3.3.5 | Ensure broadcast ICMP requests are ignored | net.ipv4.icmp_echo_ignore_broadcasts | 1     |

    @id:3.3.6 @level:1 @scored
    Examples: Malformed ICMP error replies are noise that can fill the logs and hide what matters
      | id    | title                                    | parameter                                  | value |
      | 3.3.6 | Ensure bogus ICMP responses are ignored | net.ipv4.icmp_ignore_bogus_error_responses | 1     |

    @id:3.3.8 @level:1 @scored
    Examples: SYN cookies keep the host answering real clients while a SYN flood fills its queue of half-open connections
      | id    | title                             | parameter              | value |
      | 3.3.8 | Ensure TCP SYN Cookies is enabled | net.ipv4.tcp_syncookies | 1     |

  @id:3.3.9 @level:1 @scored
  Scenario: 3.3.9 Ensure IPv6 router advertisements are not accepted
    A host that accepts router advertisements lets any machine on its link announce itself as the
    default gateway or hand out addresses; routes should be configured, not learned. The item concerns
    IPv6 only, so it does not apply when IPv6 is disabled.
    Given IPv6 is enabled, or the item does not apply
    Then the kernel parameter "net.ipv6.conf.all.accept_ra" is "0" in the running kernel
    And the kernel parameter "net.ipv6.conf.default.accept_ra" is "0" in the running kernel
    And the kernel parameter "net.ipv6.conf.all.accept_ra" is set to "0" in the persistent configuration, ufw's sysctl file included
    And the kernel parameter "net.ipv6.conf.default.accept_ra" is set to "0" in the persistent configuration, ufw's sysctl file included

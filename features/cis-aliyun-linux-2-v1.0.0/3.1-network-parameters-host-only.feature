@section:3.1 @host:kernel
Feature: 3.1 Network Parameters (Host Only)
  A server that is not a router must not act like one: it forwards no packets between its interfaces and
  tells no other host to change its routes. Each kernel parameter is read twice: its persistent
  configuration, the sysctl files applied at boot, in systemd-sysctl's order (the *.conf files of
  /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d and /usr/lib/sysctl.d by file name, a name in /etc
  hiding the same name further down; /etc/sysctl.conf at the place of its link
  /etc/sysctl.d/99-sysctl.conf, so a file sorting after that link wins over it), where some file must set
  the expected value and no file another one; and,
  on a running system, its value in the running kernel (sysctl -a). On an offline root filesystem only the
  persistent part is checked. IPv6 parameters are checked while IPv6 is enabled (see 3.6 for how that is
  decided). Kernel parameters belong to the host: on a container these items do not apply.

  @id:3.1.1 @level:1 @scored
  Scenario: 3.1.1 Ensure IP forwarding is disabled
    A host that forwards packets joins networks that were meant to stay apart and lets traffic go round
    the firewall between them. IPv4 forwarding must be off, and IPv6 forwarding too while IPv6 is enabled.
    (Kubernetes nodes route pod traffic and need forwarding: ACK leaves this item failing.)
    Then these kernel parameters are set in the persistent configuration and in the running kernel, the net.ipv6 ones while IPv6 is enabled:
      | parameter                    | value |
      | net.ipv4.ip_forward          | 0     |
      | net.ipv6.conf.all.forwarding | 0     |

  @id:3.1.2 @level:1 @scored
  Scenario: 3.1.2 Ensure packet redirect sending is disabled
    ICMP redirects tell other hosts to send their traffic through another gateway. Only routers have a
    reason to send them; a compromised host could use them to divert its neighbours' traffic. The setting
    is required for the interfaces that exist ("all") and for those created later ("default").
    Then these kernel parameters are set in the persistent configuration and in the running kernel, the net.ipv6 ones while IPv6 is enabled:
      | parameter                            | value |
      | net.ipv4.conf.all.send_redirects     | 0     |
      | net.ipv4.conf.default.send_redirects | 0     |

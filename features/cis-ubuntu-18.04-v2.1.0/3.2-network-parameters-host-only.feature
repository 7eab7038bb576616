@section:3.2 @host:kernel
Feature: 3.2 Network Parameters (Host Only)
  A host that is not a router must not behave like one: it neither forwards packets between its
  interfaces nor tells other hosts to change their routes. Each kernel parameter is read twice: its
  value in the running kernel (sysctl, on a running system) and its persistent configuration, the files
  in /etc/sysctl.d and the other sysctl directories in systemd-sysctl's order (by file name, a name in /etc
  hiding the same name further down), /etc/sysctl.conf at the place of its link
  /etc/sysctl.d/99-sysctl.conf (a file sorting after the link wins over it), and the file ufw applies each time
  it starts (IPT_SYSCTL in /etc/default/ufw, or ufw.conf when it sets one), which overrides the others. Some file must set the expected
  value and no file may set another. On an offline root filesystem only the persistent part is checked.
  Kernel parameters belong to the host: on a container these items do not apply.

  @id:3.2.1 @level:1 @scored
  Scenario: 3.2.1 Ensure packet redirect sending is disabled
    ICMP redirects tell other hosts to route through a different gateway; only routers have reason to
    send them, and a compromised host could use them to divert its neighbours' traffic.
    Then the kernel parameter "net.ipv4.conf.all.send_redirects" is "0" in the running kernel
    And the kernel parameter "net.ipv4.conf.default.send_redirects" is "0" in the running kernel
    And the kernel parameter "net.ipv4.conf.all.send_redirects" is set to "0" in the persistent configuration, ufw's sysctl file included
    And the kernel parameter "net.ipv4.conf.default.send_redirects" is set to "0" in the persistent configuration, ufw's sysctl file included

  @id:3.2.2 @level:1 @scored
  Scenario: 3.2.2 Ensure IP forwarding is disabled
    A host that forwards packets joins networks that were meant to be separate, and lets traffic
    bypass the firewall between them. IPv4 forwarding must be off, and IPv6 forwarding too unless IPv6
    is disabled altogether.
    Then the kernel parameter "net.ipv4.ip_forward" is "0" in the running kernel
    And the kernel parameter "net.ipv4.ip_forward" is set to "0" in the persistent configuration, ufw's sysctl file included
    And if IPv6 is enabled, the kernel parameter "net.ipv6.conf.all.forwarding" is "0" in the running kernel
    And if IPv6 is enabled, the kernel parameter "net.ipv6.conf.all.forwarding" is set to "0" in the persistent configuration, ufw's sysctl file included

@section:3.4 @host:kernel
Feature: 3.4 Uncommon Network Protocols
  The kernel loads a protocol's module on demand, as soon as any program opens a socket of that kind, even
  an unprivileged one. For protocols a server never speaks this only adds code an attacker can reach, and
  these four have had remotely exploitable flaws. Each module must be set not to load (a modprobe.d
  "install <module> /bin/true" line, read as modprobe reads the .conf files of /etc/modprobe.d,
  /run/modprobe.d and /lib/modprobe.d: in name order, the first matching install line wins, an alias to
  another module voids it) and, on a running system, must not be loaded (/proc/modules). Kernel modules belong to
  the host: on a container these items do not apply.

  Scenario Outline: <id> Ensure <protocol> is disabled
    The protocol's module can neither be loaded on demand nor be loaded now.
    Then the kernel module "<module>" is set not to load
    And the kernel module "<module>" is not loaded

    @id:3.4.1 @level:1 @not-scored
    Examples: DCCP, the Datagram Congestion Control Protocol, carries streaming media; servers rarely speak it
      | id    | protocol | module |
      | 3.4.1 | DCCP     | dccp   |

    @id:3.4.2 @level:1 @not-scored
    Examples: SCTP, the Stream Control Transmission Protocol, carries telephony signalling
      | id    | protocol | module |
      | 3.4.2 | SCTP     | sctp   |

    @id:3.4.3 @level:1 @not-scored
    Examples: RDS, Reliable Datagram Sockets, links the nodes of a cluster
      | id    | protocol | module |
      | 3.4.3 | RDS      | rds    |

    @id:3.4.4 @level:1 @not-scored
    Examples: TIPC, the Transparent Inter-Process Communication protocol, also links the nodes of a cluster
      | id    | protocol | module |
      | 3.4.4 | TIPC     | tipc   |

@section:3.4 @host:kernel
Feature: 3.4 Uncommon Network Protocols
  The kernel loads protocol modules on demand, as soon as any program opens a socket of that kind. For
  protocols a server does not use, that on-demand loading only adds code an attacker can reach, and
  these protocols have had their share of remotely exploitable flaws. Each module must be set not to
  load (modprobe.d makes its `install` command /bin/true, read as modprobe reads the .conf files of
  /etc/modprobe.d, /run/modprobe.d and /lib/modprobe.d: in name order, the first matching install line
  wins, an alias to another module voids it) and must not be loaded in the running kernel.
  Kernel modules belong to the host: on a container these items do not apply.

  Scenario Outline: <id> Ensure <protocol> is disabled
    The protocol's module is neither loadable on demand nor loaded now.
    Then the kernel module "<module>" is set not to load
    And the kernel module "<module>" is not loaded

    @id:3.4.1 @level:2 @scored
    Examples: DCCP, the Datagram Congestion Control Protocol, carries streaming media; servers rarely speak it
      | id    | protocol | module |
      | 3.4.1 | DCCP     | dccp   |

    @id:3.4.2 @level:2 @scored
    Examples: SCTP, the Stream Control Transmission Protocol, serves telephony signalling
      | id    | protocol | module |
      | 3.4.2 | SCTP     | sctp   |

    @id:3.4.3 @level:2 @scored
    Examples: RDS, Reliable Datagram Sockets, links nodes of a cluster
      | id    | protocol | module |
      | 3.4.3 | RDS      | rds    |

    @id:3.4.4 @level:2 @scored
    Examples: TIPC, the Transparent Inter-Process Communication protocol, also links nodes of a cluster
      | id    | protocol | module |
      | 3.4.4 | TIPC     | tipc   |

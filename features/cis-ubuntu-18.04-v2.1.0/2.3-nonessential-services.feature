@section:2.3
Feature: 2.3 Nonessential services
  Beyond the services named one by one in 2.1 and 2.2, whatever else listens on the network or starts at
  boot must be there for a reason. Which services a system needs depends on its role, so a person decides;
  cis-bdd gathers what listens on a running system and what is enabled at boot.

  @id:2.3 @level:1 @not-scored
  Scenario: 2.3 Ensure nonessential services are removed or masked
    Every listening socket is a door; a service nobody needs should be removed or, if its package must
    stay, masked so that nothing can start it. The evidence lists the TCP and UDP sockets listening on
    a running system with the processes holding them (read from /proc), and the service and socket units
    enabled at boot (read from the unit links, so also on an offline root filesystem).
    Given the sockets listening on the running system, with the processes that hold them
    And the service and socket units enabled at boot
    Then an auditor decides which of these services the system needs, and confirms the others are removed or masked

@section:3.1
Feature: 3.1 Disable unused network protocols and devices
  Every protocol and every radio the system keeps running is something an attacker can reach. These
  checks look at IPv6, which the benchmark asks to turn off where it is not used, and at wireless
  interfaces, which a server should not have.

  @id:3.1.1 @level:2 @not-scored @host:kernel
  Scenario: 3.1.1 Disable IPv6
    A second IP stack that nobody configures or watches is an open flank: addresses, router
    advertisements and tunnels appear without anyone deciding so. IPv6 is off when the kernel is booted
    with ipv6.disable=1 on every menu entry of the boot loader, or when the kernel parameters that disable
    it on all interfaces are set persistently and in effect. A site that uses IPv6 keeps it and records
    an exception for this level 2 item.
    Given the IPv6 settings: the kernel command lines of the boot loader and the disable_ipv6 kernel parameters
    Then IPv6 is disabled on every kernel command line, or by both disable_ipv6 kernel parameters in the persistent configuration and in the running kernel

  @id:3.1.2 @level:1 @scored
  Scenario: 3.1.2 Ensure wireless interfaces are disabled
    A wireless interface bridges the server to whatever network is in radio range, past the wired
    network's controls. On a running system the interfaces of its network namespace are listed; each
    wireless one must have its driver set not to load (or, where NetworkManager runs, the Wi-Fi and
    mobile broadband radios must be switched off). A container sees its own network namespace, so it is
    checked like any running system. An offline root filesystem has no interfaces to look at.
    Given the network interfaces of the running system
    Then no wireless interface can be used: there is none, or the driver module of each is set not to load

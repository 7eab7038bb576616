@section:3.5
Feature: 3.5 Firewall Configuration
  A host firewall decides which traffic reaches the host's services and which traffic leaves it. On
  Alibaba Cloud Linux 2 the benchmark's firewall is iptables: its rules are loaded into the kernel with the
  iptables and ip6tables commands, and restored at boot from /etc/sysconfig/iptables and
  /etc/sysconfig/ip6tables by iptables.service and ip6tables.service (package iptables-services; a node
  that uses iptables-persistent's /etc/iptables/rules.v4 and rules.v6 instead is read from there). A stock
  node has neither file: its instances rely on cloud security groups.

  What is checked: the rules restored at boot, on every target, and on a running system also the ruleset
  loaded in the kernel (`iptables -S`, `ip6tables -S`, read with one command). On an offline root
  filesystem the running part is not checked; the saved rules still decide a failure. A container has its
  own network namespace and its own firewall: it is audited as a running system of its own, and reading
  its ruleset needs CAP_NET_ADMIN there (without it the items end in error). Changing firewall rules can
  cut the operator off, so a failing item lists the rules to add and leaves them to a person.

  @id:3.5.3 @level:1 @scored
  Scenario: 3.5.3 Ensure iptables is installed
    The iptables package provides the iptables and ip6tables commands that load the rules into the kernel.
    Then the package "iptables" is installed

  Rule: 3.5.1 Configure IPv4 iptables

    @id:3.5.1.1 @level:1 @scored
    Scenario: 3.5.1.1 Ensure default deny firewall policy
      What no rule allows must be dropped: the INPUT, FORWARD and OUTPUT chains of the filter table have
      the policy DROP (or REJECT).
      Given the IPv4 rules iptables restores at boot and the running ruleset (iptables -S)
      Then the default policy denies incoming, forwarded and outgoing traffic

    @id:3.5.1.2 @level:1 @scored
    Scenario: 3.5.1.2 Ensure loopback traffic is configured
      Local services talk to each other over the loopback interface, which must stay open; a packet from
      127.0.0.0/8 that arrives on another interface is forged and must be dropped.
      Given the IPv4 rules iptables restores at boot and the running ruleset (iptables -S)
      Then loopback traffic is accepted in and out, and traffic from loopback addresses arriving on other interfaces is dropped

    @id:3.5.1.3 @level:1 @not-scored
    Scenario: 3.5.1.3 Ensure outbound and established connections are configured
      Which connections the host may open, and which replies it lets back in, is a site decision; the
      OUTPUT rules and the connection-state rules are gathered for a person to compare with the site's policy.
      Given the IPv4 rules iptables restores at boot and the running ruleset (iptables -S)
      Then an auditor reviews the rules for outbound and established connections

    @id:3.5.1.4 @level:1 @scored
    Scenario: 3.5.1.4 Ensure firewall rules exist for all open ports
      Every IPv4 port a service listens on, other than on a loopback address, should be named, with its
      protocol, by a rule of the INPUT chain: a port left to the default policy was not thought about. Open
      ports exist only on a running system (/proc/net/tcp and udp).
      Given the IPv4 rules iptables restores at boot and the running ruleset (iptables -S)
      Then every port open on a non-loopback address is named by a rule of the running ruleset

  Rule: 3.5.2 Configure IPv6 ip6tables
    IPv6 has its own rules (ip6tables), which leave it wide open when only IPv4 is filtered. These items
    apply while IPv6 is enabled (see 3.6 for how that is decided).

    @id:3.5.2.1 @level:1 @scored
    Scenario: 3.5.2.1 Ensure IPv6 default deny firewall policy
      What no rule allows must be dropped, for IPv6 as for IPv4.
      Given IPv6 is enabled, or the item does not apply
      And the IPv6 rules ip6tables restores at boot and the running ruleset (ip6tables -S)
      Then the default policy denies incoming, forwarded and outgoing traffic

    @id:3.5.2.2 @level:1 @scored
    Scenario: 3.5.2.2 Ensure IPv6 loopback traffic is configured
      The loopback interface stays open; a packet from ::1 that arrives on another interface is forged.
      Given IPv6 is enabled, or the item does not apply
      And the IPv6 rules ip6tables restores at boot and the running ruleset (ip6tables -S)
      Then loopback traffic is accepted in and out, and traffic from loopback addresses arriving on other interfaces is dropped

    @id:3.5.2.3 @level:1 @not-scored
    Scenario: 3.5.2.3 Ensure IPv6 outbound and established connections are configured
      Which IPv6 connections the host may open, and which replies it lets back in, is a site decision.
      Given IPv6 is enabled, or the item does not apply
      And the IPv6 rules ip6tables restores at boot and the running ruleset (ip6tables -S)
      Then an auditor reviews the rules for outbound and established connections

    @id:3.5.2.4 @level:1 @not-scored
    Scenario: 3.5.2.4 Ensure IPv6 firewall rules exist for all open ports
      Every IPv6 port a service listens on, other than on ::1, should be named by a rule of the INPUT chain.
      Open ports exist only on a running system (/proc/net/tcp6 and udp6).
      Given IPv6 is enabled, or the item does not apply
      And the IPv6 rules ip6tables restores at boot and the running ruleset (ip6tables -S)
      Then every port open on a non-loopback address is named by a rule of the running ruleset

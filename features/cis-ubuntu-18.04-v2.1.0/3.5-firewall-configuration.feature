@section:3.5
Feature: 3.5 Firewall Configuration
  A host firewall decides which traffic reaches the services of the host and which traffic leaves it.
  The benchmark offers three ways to run one, ufw, nftables or iptables, and asks for exactly one: the
  items of the other two do not apply. The firewall in use is the one the administrator set up to load
  at boot, taken in this order:
    1. nftables, when nftables.service is enabled;
    2. ufw, when ufw is enabled (ENABLED=yes or YES in /etc/ufw/ufw.conf, or in /etc/default/ufw when
       ufw.conf sets none, both files present and not empty: ufw-init takes no other spelling);
    3. iptables, when iptables-persistent is installed or rules are saved in /etc/iptables;
    4. nftables, when only the nftables package is installed;
    5. otherwise no firewall is set up, and the ufw section, Ubuntu's own firewall, says what is missing.
  Because the set-up, not the packages alone, decides, an item such as "nftables is installed" fails when
  nftables.service is enabled without its package. And in this order every mix of two firewalls fails a
  "not installed with" or "disabled with" item of the section in use.

  What is checked: the configuration each firewall loads at boot (/etc/default/ufw and the rule files in
  /etc/ufw; /etc/nftables.conf with the files it includes; /etc/iptables/rules.v4 and rules.v6) on every
  target, and on a running system also the ruleset loaded in the kernel, read with one command
  (`ufw status verbose`, `nft list ruleset`, `iptables -S`, `ip6tables -S`). On an offline root
  filesystem the running part is not checked; the configuration part still decides a failure. A
  container has its own network namespace and its own firewall: it is audited as a running system of
  its own, and reading its ruleset needs CAP_NET_ADMIN there (without it the items end in error).

  Rule: 3.5.1 Configure UncomplicatedFirewall
    ufw writes iptables rules from simple commands; its configuration lives in /etc/default/ufw and /etc/ufw.

    Background:
      Given the firewall in use is "ufw", or the item does not apply

    @id:3.5.1.1 @level:1 @scored
    Scenario: 3.5.1.1 Ensure ufw is installed
      Without the ufw package there is no ufw firewall to configure.
      Then the package "ufw" is installed

    @id:3.5.1.2 @level:1 @scored
    Scenario: 3.5.1.2 Ensure iptables-persistent is not installed with ufw
      iptables-persistent restores its own saved rules at boot, over or under those of ufw; two tools
      writing one ruleset leave nobody sure of the result.
      Then the package "iptables-persistent" is not installed

    @id:3.5.1.3 @level:1 @scored
    Scenario: 3.5.1.3 Ensure ufw service is enabled
      ufw filters nothing until it is enabled: its service must start at boot, its configuration must say
      ENABLED=yes or ENABLED=YES (ufw-init loads nothing for any other value, Yes included; ufw.conf's
      value wins, /etc/default/ufw's counts when ufw.conf sets none, and ufw-init gives up when either
      file is missing or empty), and on a
      running system ufw must report itself active
      (where the ufw command is absent, ufw is not active: a failure, not an error).
      Then the service "ufw" is enabled
      And ufw is enabled at boot and active in the running system

    @id:3.5.1.4 @level:1 @scored
    Scenario: 3.5.1.4 Ensure ufw loopback traffic is configured
      Local services talk to each other over the loopback interface, which must stay open; a packet that
      claims a loopback source address but arrives on another interface is forged and must be dropped.
      ufw's own before rules and the rules added with `ufw allow|deny` both count, for IPv6 as well while
      IPv6 is enabled.
      Given ufw's rules: the rule files in /etc/ufw and the running ruleset
      Then loopback traffic is accepted in and out, and traffic from loopback addresses arriving on other interfaces is dropped

    @id:3.5.1.5 @level:1 @not-scored
    Scenario: 3.5.1.5 Ensure ufw outbound connections are configured
      Which outbound connections a host may open is a site decision; the rules are gathered for a person
      to compare with the site's policy.
      Given ufw's rules: the rule files in /etc/ufw and the running ruleset
      Then an auditor reviews the rules for outbound and established connections

    @id:3.5.1.6 @level:1 @not-scored
    Scenario: 3.5.1.6 Ensure ufw firewall rules exist for all open ports
      Every port a service listens on, other than on a loopback address, should be covered by a rule that
      says whether it may be reached; a port left to the default policy was not thought about. A rule
      counts when it names the port and its protocol. Open ports exist only on a running system.
      Given ufw's rules: the rule files in /etc/ufw and the running ruleset
      Then every port open on a non-loopback address is named by a rule of the running ruleset

    @id:3.5.1.7 @level:1 @scored
    Scenario: 3.5.1.7 Ensure ufw default deny firewall policy
      What no rule allows must be refused: incoming, outgoing and routed traffic default to deny or
      reject (routed traffic may also be disabled), in /etc/default/ufw and in the running system.
      Given ufw's rules: the rule files in /etc/ufw and the running ruleset
      Then the default policy denies incoming, forwarded and outgoing traffic

  Rule: 3.5.2 Configure nftables
    nftables replaces iptables in the kernel; nftables.service loads /etc/nftables.conf at boot.

    Background:
      Given the firewall in use is "nftables", or the item does not apply

    @id:3.5.2.1 @level:1 @scored
    Scenario: 3.5.2.1 Ensure nftables is installed
      Without the nftables package there is no nft command and no service to load the rules at boot.
      Then the package "nftables" is installed

    @id:3.5.2.2 @level:1 @scored
    Scenario: 3.5.2.2 Ensure ufw is uninstalled or disabled with nftables
      ufw loading its iptables rules next to an nftables ruleset makes two firewalls that each see only
      part of the picture. ufw may stay installed if it is disabled in its configuration (or its service
      masked) and, on a running system, inactive.
      Then ufw is not installed, or it is disabled

    @id:3.5.2.3 @level:1 @not-scored
    Scenario: 3.5.2.3 Ensure iptables are flushed with nftables
      Rules left in the iptables tables keep filtering beside the nftables ruleset, unseen by whoever
      reads it. On a running system the iptables and ip6tables filter tables must hold no rule.
      Then the running iptables and ip6tables rulesets hold no rule

    @id:3.5.2.4 @level:1 @scored
    Scenario: 3.5.2.4 Ensure a nftables table exists
      nftables rules live in tables; without one nothing is filtered.
      Given the nftables rulesets: /etc/nftables.conf with the files it includes, and the running ruleset
      Then at least one nftables table is defined

    @id:3.5.2.5 @level:1 @scored
    Scenario: 3.5.2.5 Ensure nftables base chains exist
      Only a base chain, one attached to a hook of the network stack, sees packets; input, forward and
      output each need one.
      Given the nftables rulesets: /etc/nftables.conf with the files it includes, and the running ruleset
      Then base chains are attached to the input, forward and output hooks

    @id:3.5.2.6 @level:1 @scored
    Scenario: 3.5.2.6 Ensure nftables loopback traffic is configured
      Local services talk to each other over the loopback interface, which must stay open; a packet that
      claims a loopback source address but arrives on another interface is forged and must be dropped
      (for ::1 too while IPv6 is enabled). The rules must be in an input base chain.
      Given the nftables rulesets: /etc/nftables.conf with the files it includes, and the running ruleset
      Then loopback traffic is accepted, and traffic from loopback addresses arriving on other interfaces is dropped

    @id:3.5.2.7 @level:1 @not-scored
    Scenario: 3.5.2.7 Ensure nftables outbound and established connections are configured
      Which outbound connections a host may open, and which replies it lets back in, is a site decision;
      the rules are gathered for a person to compare with the site's policy.
      Given the nftables rulesets: /etc/nftables.conf with the files it includes, and the running ruleset
      Then an auditor reviews the rules for outbound and established connections

    @id:3.5.2.8 @level:1 @scored
    Scenario: 3.5.2.8 Ensure nftables default deny firewall policy
      What no rule allows must be dropped: every base chain on the input, forward and output hooks has
      the policy drop.
      Given the nftables rulesets: /etc/nftables.conf with the files it includes, and the running ruleset
      Then the default policy denies incoming, forwarded and outgoing traffic

    @id:3.5.2.9 @level:1 @scored
    Scenario: 3.5.2.9 Ensure nftables service is enabled
      nftables.service loads the ruleset at boot; without it the host starts unprotected.
      Then the service "nftables" is enabled

    @id:3.5.2.10 @level:1 @scored
    Scenario: 3.5.2.10 Ensure nftables rules are permanent
      Rules typed at the nft prompt are lost at the next boot. The file nftables.service loads,
      /etc/nftables.conf, written out or through the files it includes, must define the base chains for
      input, forward and output.
      Given the nftables boot configuration: /etc/nftables.conf with the files it includes
      Then base chains are attached to the input, forward and output hooks

  Rule: 3.5.3 Configure iptables
    iptables rules are loaded by hand and saved by iptables-persistent to /etc/iptables/rules.v4 and rules.v6,
    which it restores at boot. IPv6 (ip6tables) items apply only while IPv6 is enabled.

    Background:
      Given the firewall in use is "iptables", or the item does not apply

    @id:3.5.3.1.1 @level:1 @scored
    Scenario: 3.5.3.1.1 Ensure iptables packages are installed
      The iptables commands load the rules; iptables-persistent saves them and restores them at boot.
      Then the package "iptables" is installed
      And the package "iptables-persistent" is installed

    @id:3.5.3.1.2 @level:1 @scored
    Scenario: 3.5.3.1.2 Ensure nftables is not installed with iptables
      Two tools programming the kernel's packet filter leave nobody sure of the result.
      Then the package "nftables" is not installed

    @id:3.5.3.1.3 @level:1 @scored
    Scenario: 3.5.3.1.3 Ensure ufw is uninstalled or disabled with iptables
      ufw rewrites the iptables tables when it starts, over the rules iptables-persistent restored.
      ufw may stay installed if it is disabled in its configuration (or its service masked) and, on a
      running system, inactive.
      Then ufw is not installed, or it is disabled

    @id:3.5.3.2.1 @level:1 @scored
    Scenario: 3.5.3.2.1 Ensure iptables default deny firewall policy
      What no rule allows must be dropped: the INPUT, FORWARD and OUTPUT chains have the policy DROP.
      Given the iptables rules for IPv4: /etc/iptables/rules.v4 and the running ruleset
      Then the default policy denies incoming, forwarded and outgoing traffic

    @id:3.5.3.2.2 @level:1 @scored
    Scenario: 3.5.3.2.2 Ensure iptables loopback traffic is configured
      Local services talk to each other over the loopback interface, which must stay open; a packet from
      127.0.0.0/8 arriving on another interface is forged and must be dropped.
      Given the iptables rules for IPv4: /etc/iptables/rules.v4 and the running ruleset
      Then loopback traffic is accepted in and out, and traffic from loopback addresses arriving on other interfaces is dropped

    @id:3.5.3.2.3 @level:1 @not-scored
    Scenario: 3.5.3.2.3 Ensure iptables outbound and established connections are configured
      Which outbound connections a host may open, and which replies it lets back in, is a site decision;
      the rules are gathered for a person to compare with the site's policy.
      Given the iptables rules for IPv4: /etc/iptables/rules.v4 and the running ruleset
      Then an auditor reviews the rules for outbound and established connections

    @id:3.5.3.2.4 @level:1 @scored
    Scenario: 3.5.3.2.4 Ensure iptables firewall rules exist for all open ports
      Every IPv4 port a service listens on, other than on a loopback address, should be covered by a rule
      of the INPUT chain naming the port and its protocol. Open ports exist only on a running system.
      Given the iptables rules for IPv4: /etc/iptables/rules.v4 and the running ruleset
      Then every port open on a non-loopback address is named by a rule of the running ruleset

    @id:3.5.3.3.1 @level:1 @scored
    Scenario: 3.5.3.3.1 Ensure ip6tables default deny firewall policy
      What no rule allows must be dropped, for IPv6 as for IPv4.
      Given IPv6 is enabled, or the item does not apply
      And the iptables rules for IPv6: /etc/iptables/rules.v6 and the running ruleset
      Then the default policy denies incoming, forwarded and outgoing traffic

    @id:3.5.3.3.2 @level:1 @scored
    Scenario: 3.5.3.3.2 Ensure ip6tables loopback traffic is configured
      The loopback interface stays open; a packet from ::1 arriving on another interface is forged.
      Given IPv6 is enabled, or the item does not apply
      And the iptables rules for IPv6: /etc/iptables/rules.v6 and the running ruleset
      Then loopback traffic is accepted in and out, and traffic from loopback addresses arriving on other interfaces is dropped

    @id:3.5.3.3.3 @level:1 @not-scored
    Scenario: 3.5.3.3.3 Ensure ip6tables outbound and established connections are configured
      Which IPv6 connections a host may open, and which replies it lets back in, is a site decision.
      Given IPv6 is enabled, or the item does not apply
      And the iptables rules for IPv6: /etc/iptables/rules.v6 and the running ruleset
      Then an auditor reviews the rules for outbound and established connections

    @id:3.5.3.3.4 @level:1 @scored
    Scenario: 3.5.3.3.4 Ensure ip6tables firewall rules exist for all open ports
      Every IPv6 port a service listens on, other than on ::1, should be covered by a rule of the INPUT
      chain naming the port and its protocol. Open ports exist only on a running system.
      Given IPv6 is enabled, or the item does not apply
      And the iptables rules for IPv6: /etc/iptables/rules.v6 and the running ruleset
      Then every port open on a non-loopback address is named by a rule of the running ruleset

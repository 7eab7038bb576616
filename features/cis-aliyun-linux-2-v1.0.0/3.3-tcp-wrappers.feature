@section:3.3
Feature: 3.3 TCP Wrappers
  TCP Wrappers (libwrap) lets the services built with it, sshd among them on Alibaba Cloud Linux 2, refuse
  clients by address before they reach a login prompt: a request is granted by the first rule of
  /etc/hosts.allow that matches it, otherwise refused by the first rule of /etc/hosts.deny that matches.
  Listing the trusted networks in hosts.allow and refusing everything else in hosts.deny gives a second
  line of defence behind the firewall. These checks read the RPM database and the two files.

  @id:3.3.1 @level:1 @scored
  Scenario: 3.3.1 Ensure TCP Wrappers is installed
    The access files mean nothing without the library that reads them (tcp_wrappers-libs) and the tools
    that come with it (tcp_wrappers).
    Then the package "tcp_wrappers" is installed
    And the package "tcp_wrappers-libs" is installed

  @id:3.3.2 @level:1 @not-scored
  Scenario: 3.3.2 Ensure /etc/hosts.allow is configured
    Which networks may reach which service is the site's decision, so a person compares the rules with it.
    One answer is mechanical: a rule admitting every client to every service ("ALL: ALL") makes
    hosts.deny useless, and fails.
    Given the TCP Wrappers access rules in /etc/hosts.allow and /etc/hosts.deny
    Then a person confirms that /etc/hosts.allow admits only the networks the site trusts

  @id:3.3.3 @level:1 @not-scored
  Scenario: 3.3.3 Ensure /etc/hosts.deny is configured
    What hosts.allow does not admit must be refused: hosts.deny needs a rule for every service and every
    client, "ALL: ALL" (no EXCEPT in either list).
    Given the TCP Wrappers access rules in /etc/hosts.allow and /etc/hosts.deny
    Then /etc/hosts.deny refuses every service to every client (ALL: ALL)

  Scenario Outline: <id> Ensure permissions on <file> are configured
    Whoever can write the access files can admit themselves; every service using TCP Wrappers must be
    able to read them.
    Then the file "<file>" has mode at most 0644 and is owned by root:root

    @id:3.3.4 @level:1 @scored
    Examples:
      | id    | file             |
      | 3.3.4 | /etc/hosts.allow |

    @id:3.3.5 @level:1 @scored
    Examples:
      | id    | file            |
      | 3.3.5 | /etc/hosts.deny |

@section:5.2
Feature: 5.2 SSH Server Configuration
  Alibaba Cloud Linux 2 nodes are administered over SSH, so the SSH daemon decides who may try to get in
  and how. These checks read the configuration the daemon really applies to a connection: on a running
  system the daemon's own report (`sshd -T -C user=…,host=…,addr=…`, once per connection, all in one
  command); otherwise /etc/ssh/sshd_config evaluated as the installed OpenSSH evaluates it: the first value
  given for a keyword counts, Match blocks apply to the connections they match and their first value then
  counts, and a keyword left out keeps the compiled-in default of that release. Which release that is
  comes from the openssh-server package: 7.4p1 as Red Hat builds it for CentOS 7, whose defaults differ
  from later releases (it still knows the Protocol keyword, allows root logins and offers CBC ciphers and
  SHA-1 key exchanges unless told otherwise). A file the daemon would refuse is an error.
  "Every connection" means root, an ordinary user, each user a Match User line names and a member of each
  group a Match Group line names, from an ordinary address and from each address, local address or port a
  Match block names; a Match Host block counts as applying to some client, since host names come from
  DNS. Each verdict names the connection, the line or the default, and the Match block that decided.
  Background:
    Given the SSH server package "openssh-server" is installed, or the section does not apply

  @id:5.2.1 @level:1 @scored
  Scenario: 5.2.1 Ensure permissions on /etc/ssh/sshd_config are configured
    Whoever can change the daemon's configuration controls remote access, and the file can reveal who
    may log in; only root should read or write it.
    Then the file "/etc/ssh/sshd_config" has mode at most 0600 and is owned by root:root

  @id:5.2.2 @level:1 @scored
  Scenario: 5.2.2 Ensure SSH Protocol is set to 2
    Version 1 of the SSH protocol has design flaws that let an attacker read or hijack sessions. OpenSSH
    7.4 serves version 2 unless sshd_config names another one, which is what this checks.
    Given the effective SSH daemon configuration for every connection
    Then "Protocol" is "2"

  @id:5.2.3 @level:1 @scored
  Scenario: 5.2.3 Ensure permissions on SSH private host key files are configured
    A host's private keys prove its identity to clients; anyone who reads one can impersonate the server.
    Only root may read them. The keys sshd-keygen creates on this system are group-readable by ssh_keys
    (mode 0640), which this rule does not allow. Before the first start of sshd there are no host keys
    and nothing to check. Only mode and owner are read, never the keys themselves.
    Then every SSH host key file matching "/etc/ssh/ssh_host_*_key" has mode at most 0600 and is owned by root:root

  @id:5.2.4 @level:1 @scored
  Scenario: 5.2.4 Ensure permissions on SSH public host key files are configured
    Public host keys may be read by anyone, but a user who could replace one could make clients trust a
    different key. Only root may change them.
    Then every SSH host key file matching "/etc/ssh/ssh_host_*_key.pub" has mode at most 0644 and is owned by root:root

  @id:5.2.5 @level:1 @scored
  Scenario: 5.2.5 Ensure SSH LogLevel is appropriate
    Logins and failed attempts must reach the logs to investigate an intrusion; the DEBUG levels log too
    much, details of other users' sessions included.
    Given the effective SSH daemon configuration for every connection
    Then "LogLevel" is one of "VERBOSE" and "INFO"

  @id:5.2.6 @level:2 @scored
  Scenario: 5.2.6 Ensure SSH X11 forwarding is disabled
    Forwarding graphical sessions opens a channel from the server back to the client's display, which a
    compromised server can abuse; servers seldom need it. The sshd_config the package installs turns it on.
    Given the effective SSH daemon configuration for every connection
    Then "X11Forwarding" is "no"

  @id:5.2.7 @level:1 @scored
  Scenario: 5.2.7 Ensure SSH MaxAuthTries is set to 4 or less
    Few attempts per connection slow down password guessing and make it show in the logs sooner.
    Given the effective SSH daemon configuration for every connection
    Then "MaxAuthTries" is at most 4, or the policy's "ssh-max-auth-tries"

  @id:5.2.8 @level:1 @scored
  Scenario: 5.2.8 Ensure SSH IgnoreRhosts is enabled
    Users' .rhosts and .shosts files grant trust by host name alone; the daemon must not honour them.
    Given the effective SSH daemon configuration for every connection
    Then "IgnoreRhosts" is "yes"

  @id:5.2.9 @level:1 @scored
  Scenario: 5.2.9 Ensure SSH HostbasedAuthentication is disabled
    Trusting whole client hosts lets anyone who controls such a host log in as its users.
    Given the effective SSH daemon configuration for every connection
    Then "HostbasedAuthentication" is "no"

  @id:5.2.10 @level:1 @scored
  Scenario: 5.2.10 Ensure SSH root login is disabled
    Direct root logins leave no trace of which person acted; administrators log in as themselves and then
    raise their privileges. OpenSSH 7.4 as built for this system allows root logins by default. Decided
    for root connections, with every Match block that matches root.
    Given the effective SSH daemon configuration for a root connection
    Then "PermitRootLogin" is "no"

  @id:5.2.11 @level:1 @scored
  Scenario: 5.2.11 Ensure SSH PermitEmptyPasswords is disabled
    An account with an empty password would be open to anyone who can reach the port.
    Given the effective SSH daemon configuration for every connection
    Then "PermitEmptyPasswords" is "no"

  @id:5.2.12 @level:1 @scored
  Scenario: 5.2.12 Ensure SSH PermitUserEnvironment is disabled
    Letting users hand environment variables to the daemon can change how programs run at login, for
    example which libraries they load, and so get around restrictions.
    Given the effective SSH daemon configuration for every connection
    Then "PermitUserEnvironment" is "no"

  @id:5.2.13 @level:1 @scored
  Scenario: 5.2.13 Ensure only strong MAC algorithms are used
    Message authentication based on MD5, SHA-1, RIPEMD-160 or short tags is too weak to protect the
    integrity of a session; none of them may be offered.
    Given the effective SSH daemon configuration for every connection
    Then "MACs" includes none of "hmac-md5", "hmac-md5-96", "hmac-ripemd160", "hmac-sha1", "hmac-sha1-96", "umac-64@openssh.com", "umac-128@openssh.com", "hmac-md5-etm@openssh.com", "hmac-md5-96-etm@openssh.com", "hmac-ripemd160-etm@openssh.com", "hmac-sha1-etm@openssh.com", "hmac-sha1-96-etm@openssh.com", "umac-64-etm@openssh.com" and "umac-128-etm@openssh.com"

  @id:5.2.14 @level:1 @scored
  Scenario: 5.2.14 Ensure SSH Idle Timeout Interval is configured
    A session left open on an unattended client can be taken over. The daemon must probe idle clients at
    most every five minutes and drop them after at most three unanswered probes.
    Given the effective SSH daemon configuration for every connection
    Then "ClientAliveInterval" is between 1 and 300 seconds, or the policy's "ssh-client-alive-interval"
    And "ClientAliveCountMax" is at most 3, or the policy's "ssh-client-alive-count-max"

  @id:5.2.15 @level:1 @scored
  Scenario: 5.2.15 Ensure SSH LoginGraceTime is set to one minute or less
    Connections that have not finished logging in hold resources; a short grace period keeps many
    half-open logins from exhausting the daemon. 0 means no limit at all.
    Given the effective SSH daemon configuration for every connection
    Then "LoginGraceTime" is between 1 and 60 seconds, or the policy's "ssh-login-grace-time"

  @id:5.2.16 @level:1 @scored
  Scenario: 5.2.16 Ensure that strong Key Exchange algorithms are used
    Key exchanges built on SHA-1 or on the small 1024-bit group weaken every session key derived from
    them; none of them may be offered.
    Given the effective SSH daemon configuration for every connection
    Then "KexAlgorithms" includes none of "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1" and "diffie-hellman-group-exchange-sha1"

  @id:5.2.17 @level:1 @scored
  Scenario: 5.2.17 Ensure only strong ciphers are used
    CBC-mode and RC4 ciphers have known attacks against SSH traffic; none of them may be offered.
    Given the effective SSH daemon configuration for every connection
    Then "Ciphers" includes none of "3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "arcfour", "arcfour128", "arcfour256", "blowfish-cbc", "cast128-cbc" and "rijndael-cbc@lysator.liu.se"

  @id:5.2.18 @level:1 @scored
  Scenario: 5.2.18 Ensure SSH access is limited
    Without an allow or deny list every local account with a password or key may log in remotely,
    accounts nobody meant to expose included.
    Given the effective SSH daemon configuration for every connection
    Then at least one of "AllowUsers", "AllowGroups", "DenyUsers" and "DenyGroups" is set

  @id:5.2.19 @level:1 @scored
  Scenario: 5.2.19 Ensure SSH warning banner is configured
    A notice shown before login tells users that access is restricted and monitored, which supports
    legal action against intruders.
    Given the effective SSH daemon configuration for every connection
    Then "Banner" is not "none"

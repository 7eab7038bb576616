@section:5.3
Feature: 5.3 SSH Server
  Most servers are administered over SSH, so the SSH daemon decides who may try to get in and how.
  These checks read the configuration the daemon really applies to a connection: on a running system
  the daemon's own report (`sshd -T -C user=…,host=…,addr=…`, asked once per connection, all in one
  command), otherwise /etc/ssh/sshd_config evaluated as OpenSSH 7.6 evaluates it: the first value given
  for a keyword counts, Match blocks (User, Group, Host, Address, LocalAddress, LocalPort, all) apply to
  the connections they match and their first value then counts, and a keyword left out keeps the built-in
  default. A file sshd 7.6 would refuse (an unknown keyword, an invalid value, Include, a keyword not
  allowed in a Match block) is an error: the daemon would not start with it.
  "Every connection" means root, an ordinary user, each user a Match User line names and a member of each
  group a Match Group line names, each from an ordinary address and from an address, local address or
  port that each Match block names; the item holds only if it holds for all of them. A Match Host block
  depends on the client's host name, which cannot be known in advance: it counts as applying to some
  client. Each verdict names the connection, the line or the default, and the Match block that decided.
  Background:
    Given the SSH server package "openssh-server" is installed, or the section does not apply

  @id:5.3.1 @level:1 @scored
  Scenario: 5.3.1 Ensure permissions on /etc/ssh/sshd_config are configured
    Whoever can change the daemon's configuration controls remote access, and the file can reveal
    which accounts may log in; only root should read or write it.
    Then the file "/etc/ssh/sshd_config" has mode at most 0600 and is owned by root:root

  @id:5.3.2 @level:1 @scored
  Scenario: 5.3.2 Ensure permissions on SSH private host key files are configured
    A host's private keys prove its identity to clients; anyone who reads one can impersonate the
    server. Only root may read them. Only mode and owner are read, never the keys themselves.
    Then every SSH host key file matching "/etc/ssh/ssh_host_*_key" has mode at most 0600 and is owned by root:root

  @id:5.3.3 @level:1 @scored
  Scenario: 5.3.3 Ensure permissions on SSH public host key files are configured
    Public host keys may be read by all, but a user who could replace one could make clients trust
    a different key. Only root may change them.
    Then every SSH host key file matching "/etc/ssh/ssh_host_*_key.pub" has mode at most 0644 and is owned by root:root

  @id:5.3.4 @level:1 @scored
  Scenario: 5.3.4 Ensure SSH access is limited
    Without an allow or deny list every local account with a password or key may log in remotely,
    including accounts nobody meant to expose.
    Given the effective SSH daemon configuration for every connection
    Then at least one of "AllowUsers", "AllowGroups", "DenyUsers" and "DenyGroups" is set

  @id:5.3.5 @level:1 @scored
  Scenario: 5.3.5 Ensure SSH LogLevel is appropriate
    Logins and failed attempts must reach the logs to investigate an intrusion; DEBUG levels log too
    much, including details of other users' sessions.
    Given the effective SSH daemon configuration for every connection
    Then "LogLevel" is one of "VERBOSE" and "INFO"

  @id:5.3.6 @level:2 @scored
  Scenario: 5.3.6 Ensure SSH X11 forwarding is disabled
    Forwarding graphical sessions opens a channel from the server back to the client's display, which
    a compromised server can abuse; servers seldom need it.
    Given the effective SSH daemon configuration for every connection
    Then "X11Forwarding" is "no"

  @id:5.3.7 @level:1 @scored
  Scenario: 5.3.7 Ensure SSH MaxAuthTries is set to 4 or less
    Few attempts per connection slow down password guessing and make it visible in the logs sooner.
    Given the effective SSH daemon configuration for every connection
    Then "MaxAuthTries" is at most 4, or the policy's "ssh-max-auth-tries"

  @id:5.3.8 @level:1 @scored
  Scenario: 5.3.8 Ensure SSH IgnoreRhosts is enabled
    Users' .rhosts and .shosts files grant trust by host name alone; the daemon must not honour them.
    Given the effective SSH daemon configuration for every connection
    Then "IgnoreRhosts" is "yes"

  @id:5.3.9 @level:1 @scored
  Scenario: 5.3.9 Ensure SSH HostbasedAuthentication is disabled
    Trusting whole client hosts lets anyone who controls such a host log in as its users.
    Given the effective SSH daemon configuration for every connection
    Then "HostbasedAuthentication" is "no"

  @id:5.3.10 @level:1 @scored
  Scenario: 5.3.10 Ensure SSH root login is disabled
    Direct root logins leave no trace of which person acted; administrators log in as themselves and
    then raise their privileges. Decided for root connections, with every Match block that matches root
    (a Match User root or Match Group root block that allows it again makes the item fail).
    Given the effective SSH daemon configuration for a root connection
    Then "PermitRootLogin" is "no"

  @id:5.3.11 @level:1 @scored
  Scenario: 5.3.11 Ensure SSH PermitEmptyPasswords is disabled
    An account with an empty password would be open to anyone who can reach the port.
    Given the effective SSH daemon configuration for every connection
    Then "PermitEmptyPasswords" is "no"

  @id:5.3.12 @level:1 @scored
  Scenario: 5.3.12 Ensure SSH PermitUserEnvironment is disabled
    Letting users hand environment variables to the daemon can change how programs run at login,
    for example which libraries they load, and so bypass restrictions.
    Given the effective SSH daemon configuration for every connection
    Then "PermitUserEnvironment" is "no"

  @id:5.3.13 @level:1 @scored
  Scenario: 5.3.13 Ensure only strong Ciphers are used
    CBC-mode and RC4 ciphers have known attacks against SSH traffic; none of them may be offered.
    Given the effective SSH daemon configuration for every connection
    Then "Ciphers" includes none of "3des-cbc", "aes128-cbc", "aes192-cbc", "aes256-cbc", "arcfour", "arcfour128", "arcfour256", "blowfish-cbc", "cast128-cbc" and "rijndael-cbc@lysator.liu.se"

  @id:5.3.14 @level:1 @scored
  Scenario: 5.3.14 Ensure only strong MAC algorithms are used
    Message authentication based on MD5, SHA-1, RIPEMD-160 or short tags is too weak to protect the
    integrity of a session; none of them may be offered.
    Given the effective SSH daemon configuration for every connection
    Then "MACs" includes none of "hmac-md5", "hmac-md5-96", "hmac-ripemd160", "hmac-sha1", "hmac-sha1-96", "umac-64@openssh.com", "umac-128@openssh.com", "hmac-md5-etm@openssh.com", "hmac-md5-96-etm@openssh.com", "hmac-ripemd160-etm@openssh.com", "hmac-sha1-etm@openssh.com", "hmac-sha1-96-etm@openssh.com", "umac-64-etm@openssh.com" and "umac-128-etm@openssh.com"

  @id:5.3.15 @level:1 @scored
  Scenario: 5.3.15 Ensure only strong Key Exchange algorithms are used
    Key exchanges built on SHA-1 or on the small 1024-bit group weaken every session key derived
    from them; none of them may be offered.
    Given the effective SSH daemon configuration for every connection
    Then "KexAlgorithms" includes none of "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1" and "diffie-hellman-group-exchange-sha1"

  @id:5.3.16 @level:1 @scored
  Scenario: 5.3.16 Ensure SSH Idle Timeout Interval is configured
    A session left open on an unattended client can be taken over. The daemon must probe idle
    clients at most every five minutes and drop them after a few unanswered probes.
    Given the effective SSH daemon configuration for every connection
    Then "ClientAliveInterval" is between 1 and 300 seconds, or the policy's "ssh-client-alive-interval"
    And "ClientAliveCountMax" is between 1 and 3, or the policy's "ssh-client-alive-count-max"

  @id:5.3.17 @level:1 @scored
  Scenario: 5.3.17 Ensure SSH LoginGraceTime is set to one minute or less
    Connections that have not finished logging in hold resources; a short grace period keeps many
    half-open logins from exhausting the daemon.
    Given the effective SSH daemon configuration for every connection
    Then "LoginGraceTime" is between 1 and 60 seconds, or the policy's "ssh-login-grace-time"

  @id:5.3.18 @level:1 @scored
  Scenario: 5.3.18 Ensure SSH warning banner is configured
    A notice shown before login tells users that access is restricted and monitored, which supports
    legal action against intruders.
    Given the effective SSH daemon configuration for every connection
    Then "Banner" is not "none"

  @id:5.3.19 @level:1 @scored
  Scenario: 5.3.19 Ensure SSH PAM is enabled
    With PAM the daemon applies the system's account rules, such as lockouts and expiry, to remote
    logins as well.
    Given the effective SSH daemon configuration for every connection
    Then "UsePAM" is "yes"

  @id:5.3.20 @level:2 @scored
  Scenario: 5.3.20 Ensure SSH AllowTcpForwarding is disabled
    Port forwarding turns an SSH login into a tunnel through firewalls and around network monitoring.
    Given the effective SSH daemon configuration for every connection
    Then "AllowTcpForwarding" is "no"

  @id:5.3.21 @level:1 @scored
  Scenario: 5.3.21 Ensure SSH MaxStartups is configured
    Limiting unauthenticated connections keeps a flood of login attempts from locking out
    administrators. "start:rate:full" means: from "start" pending connections refuse new ones with
    "rate" percent probability, and refuse all from "full". More restrictive is a lower start, a
    higher rate and a lower full.
    Given the effective SSH daemon configuration for every connection
    Then "MaxStartups" is 10:30:60 or more restrictive

  @id:5.3.22 @level:1 @scored
  Scenario: 5.3.22 Ensure SSH MaxSessions is limited
    Capping the sessions multiplexed over one connection limits what a single stolen connection can
    open and how much load one client can cause.
    Given the effective SSH daemon configuration for every connection
    Then "MaxSessions" is at most 10, or the policy's "ssh-max-sessions"

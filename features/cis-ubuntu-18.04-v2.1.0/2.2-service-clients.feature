@section:2.2
Feature: 2.2 Service Clients
  Some client programs speak protocols that send passwords and data in clear text or trust the network
  they run on (rsh, talk, telnet), or exist only to reach services a server should not depend on (NIS,
  LDAP tools, the RPC port mapper). A client nobody uses is one more way for an intruder to move on from
  a system they reached. Each check reads the package database (/var/lib/dpkg/status) as dpkg does: a
  package counts as installed while its files are on the system, in every dpkg state but not-installed
  and config-files. A package removed with its configuration files left passes; one half-installed,
  unpacked, half-configured or awaiting triggers fails, and the evidence gives its Status line.

  Scenario Outline: <id> <title>
    The package named in the example provides a client (or, for rpcbind, the RPC service that NFS and
    NIS need) this system should not carry; it must not be installed.
    Then the package "<package>" is not installed

    @id:2.2.1 @level:1 @scored
    Examples: nis also provides the NIS client, which trusts account maps sent unencrypted over the network
      | id    | title                              | package |
      | 2.2.1 | Ensure NIS Client is not installed | nis     |

    @id:2.2.2 @level:1 @scored
    Examples: rsh-client holds rsh, rcp and rlogin, which trust host names and send everything in clear text
      | id    | title                              | package    |
      | 2.2.2 | Ensure rsh client is not installed | rsh-client |

    @id:2.2.3 @level:1 @scored
    Examples: talk chats with users of other systems over an unencrypted, unauthenticated protocol
      | id    | title                               | package |
      | 2.2.3 | Ensure talk client is not installed | talk    |

    @id:2.2.4 @level:1 @scored
    Examples: telnet sends the password and the whole session in clear text; ssh replaces it
      | id    | title                                 | package |
      | 2.2.4 | Ensure telnet client is not installed | telnet  |

    @id:2.2.5 @level:1 @scored
    Examples: ldap-utils queries and changes LDAP directories, which a server that is no directory client does not need
      | id    | title                               | package    |
      | 2.2.5 | Ensure LDAP client is not installed | ldap-utils |

    @id:2.2.6 @level:1 @scored
    Examples: rpcbind maps RPC programs to ports for NFS and NIS; it answers the network and has been abused for amplification
      | id    | title                       | package |
      | 2.2.6 | Ensure RPC is not installed | rpcbind |

@section:2.2
Feature: 2.2 Service Clients
  Some client programs speak protocols that send passwords and data in clear text or trust the network
  they run on (rsh, talk, telnet), or exist only to reach directory services a node should not depend on
  (NIS, LDAP). A client nobody uses is one more tool for an intruder to move on from a node they
  reached. Each check reads the RPM database: the package must not be installed. A header in the
  database means the package is installed. On a running node `rpm -qa` lists them; on an offline root
  filesystem, or a node without the rpm command, /var/lib/rpm/Packages (the Berkeley DB of rpm 4.11) is
  read directly, and a database that cannot be read is an error, never an empty list.

  Scenario Outline: <id> <title>
    The package named in the example provides a client this node should not carry.
    Then the package "<package>" is not installed

    @id:2.2.1 @level:1 @scored
    Examples: ypbind binds to NIS servers and trusts account maps sent unencrypted over the network
      | id    | title                              | package |
      | 2.2.1 | Ensure NIS Client is not installed | ypbind  |

    @id:2.2.2 @level:1 @scored
    Examples: rsh holds rsh, rcp and rlogin, which trust host names and send everything in clear text
      | id    | title                              | package |
      | 2.2.2 | Ensure rsh client is not installed | rsh     |

    @id:2.2.3 @level:1 @scored
    Examples: talk chats with users of other systems over an unencrypted, unauthenticated protocol
      | id    | title                               | package |
      | 2.2.3 | Ensure talk client is not installed | talk    |

    @id:2.2.4 @level:1 @scored
    Examples: telnet sends the password and the whole session in clear text; ssh replaces it
      | id    | title                                 | package |
      | 2.2.4 | Ensure telnet client is not installed | telnet  |

    @id:2.2.5 @level:1 @scored
    Examples: openldap-clients queries and changes LDAP directories, which a node that is no directory client does not need
      | id    | title                               | package          |
      | 2.2.5 | Ensure LDAP client is not installed | openldap-clients |

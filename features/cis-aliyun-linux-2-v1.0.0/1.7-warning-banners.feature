@section:1.7
Feature: 1.7 Warning Banners
  The banners shown before a login (/etc/issue on local terminals, /etc/issue.net for remote logins when
  sshd is told to show it) warn that the system is for authorised use only, which matters when misuse is
  prosecuted; the message of the day (/etc/motd) is shown after the login. None of them should tell a
  stranger which operating system, kernel or architecture runs here: getty replaces \m, \r, \s and \v
  with exactly that, and the operating system's ID from os-release ("alinux" on Alibaba Cloud Linux 2) is
  looked for in any letter case. Only root may change these files.

  @id:1.7.1.1 @level:1 @scored
  Scenario: 1.7.1.1 Ensure message of the day is configured properly
    The message of the day is optional; when /etc/motd exists it must not show system details.
    Given the login banner files and the operating system's ID from os-release
    Then "/etc/motd", if it exists, shows no getty escape for system details and not the operating system's name

  Scenario Outline: <id> Ensure <where> login warning banner is configured properly
    The banner must exist and say something, since its point is the warning; what it says is the site's
    policy, and it must not show system details.
    Given the login banner files and the operating system's ID from os-release
    Then "<file>" holds a warning text with no getty escape for system details and not the operating system's name

    @id:1.7.1.2 @level:1 @not-scored
    Examples: shown by getty on local terminals before the login prompt
      | id      | where | file       |
      | 1.7.1.2 | local | /etc/issue |

    @id:1.7.1.3 @level:1 @not-scored
    Examples: shown by remote login services such as sshd (Banner) before authentication
      | id      | where  | file           |
      | 1.7.1.3 | remote | /etc/issue.net |

  @id:1.7.1.4 @level:1 @not-scored
  Scenario: 1.7.1.4 Ensure permissions on /etc/motd are configured
    The message of the day may be read by everyone and changed by root only; a system without
    /etc/motd has nothing to protect.
    Then the file "/etc/motd", if it exists, has mode at most 0644 and is owned by root:root

  Scenario Outline: <id> Ensure permissions on <file> are configured
    Everyone may read the banner, only root may change it: a user who could edit it could show other
    users a false message before they log in.
    Then the file "<file>" has mode at most 0644 and is owned by root:root

    @id:1.7.1.5 @level:1 @scored
    Examples: the banner shown before local logins
      | id      | file       |
      | 1.7.1.5 | /etc/issue |

    @id:1.7.1.6 @level:1 @not-scored
    Examples: the banner shown before remote logins
      | id      | file           |
      | 1.7.1.6 | /etc/issue.net |

@section:4.4
Feature: 4.4 Ensure logrotate assigns appropriate permissions
  After rotating a log, logrotate creates the new, empty log file itself, with the mode and owners its
  "create" directive names. Without a mode the new file copies the old one's, however open that was.

  @id:4.4 @level:1 @scored
  Scenario: 4.4 Ensure logrotate assigns appropriate permissions
    New log files must be readable by their owner and group at most ("create 0640 root utmp" or
    stricter): /etc/logrotate.conf must state such a mode for every log, and no "create" directive in
    it, for every log or for a particular one, may give more.
    Given the logrotate configuration in /etc/logrotate.conf and /etc/logrotate.d
    Then a "create" directive outside any block of /etc/logrotate.conf gives new log files a mode
    And every "create" directive in /etc/logrotate.conf states a mode of at most 0640

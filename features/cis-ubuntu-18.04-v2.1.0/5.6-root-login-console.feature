@section:5.6
Feature: 5.6 Ensure root login is restricted to system console

  @id:5.6 @level:1 @not-scored
  Scenario: 5.6 Ensure root login is restricted to system console
    Logging in as root directly leaves no trace of which person did so; direct root logins should only be
    possible at the physical console, for emergencies. pam_securetty lets root log in only on the terminals
    named in /etc/securetty. Which terminals are the physical console is known only to the site, so an
    auditor reviews the list, given in the evidence with whether login consults it.
    Given the terminals listed in /etc/securetty
    Then an auditor confirms that root may log in only on the physical console

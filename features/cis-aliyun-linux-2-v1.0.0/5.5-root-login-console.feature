@section:5.5
Feature: 5.5 Ensure root login is restricted to system console

  @id:5.5 @level:1 @not-scored
  Scenario: 5.5 Ensure root login is restricted to system console
    Logging in as root directly leaves no trace of which person did so; direct root logins should only be
    possible at the console, for emergencies. pam_securetty, which /etc/pam.d/login calls, lets root log in
    only on the terminals named in /etc/securetty. Which terminals are the console of this machine (on a
    cloud instance: the provider's remote console and serial port) is known only to the site, so an
    auditor reviews the list, given in the evidence with whether login consults it.
    Given the terminals listed in /etc/securetty
    Then an auditor confirms that root may log in only on the physical console

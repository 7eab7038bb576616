@section:5.7
Feature: 5.7 Ensure access to the su command is restricted

  @id:5.7 @level:1 @scored
  Scenario: 5.7 Ensure access to the su command is restricted
    su lets anyone who knows root's password become root. pam_wheel restricts it to the members of one
    group, checked against the user who runs su (use_uid), not the account being switched to. The group
    must exist and list no members, so that nobody may use su and administrators go through sudo, which
    records who did what.
    Then the PAM service "su" calls "pam_wheel.so" for "auth" as "required"
    And every "auth" call of "pam_wheel.so" in "su" has the options "use_uid"
    And the group named by the "group" option of every "auth" call of "pam_wheel.so" in "su" exists and has no members

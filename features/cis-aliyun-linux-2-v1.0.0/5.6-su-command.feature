@section:5.6
Feature: 5.6 Ensure access to the su command is restricted

  @id:5.6 @level:1 @scored
  Scenario: 5.6 Ensure access to the su command is restricted
    su lets anyone who knows root's password become root. pam_wheel restricts it to the members of one
    group (wheel, unless the rule names another with group=), checked against the user who runs su
    (use_uid), not the account being switched to. The group must exist; its members are the only users
    who may use su, and the evidence lists them for the site to confirm.
    Then the PAM service "su" calls "pam_wheel.so" for "auth" as "required"
    And every "auth" call of "pam_wheel.so" in "su" has the options "use_uid"
    And the group each "auth" call of "pam_wheel.so" in "su" restricts su to exists, and its members are listed for review

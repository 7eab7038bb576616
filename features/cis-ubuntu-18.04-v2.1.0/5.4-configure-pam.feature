@section:5.4
Feature: 5.4 Configure PAM
  PAM decides how users prove who they are and what happens when they change a password. On Ubuntu every
  service shares the rules in /etc/pam.d/common-auth, common-account and common-password. These checks
  read those rules as PAM runs them, following include, substack and @include lines, and name the file
  and line of each rule that decided.

  @id:5.4.1 @level:1 @scored
  Scenario: 5.4.1 Ensure password creation requirements are configured
    Short passwords drawn from few kinds of characters fall quickly to guessing. pam_pwquality must check
    every new password, give the user at most three tries, and demand at least 14 characters from all four
    classes (digits, upper case, lower case, others), either through minclass or by requiring one of each
    class with the credits set to -1. A setting given as an argument on the pam_pwquality.so line
    overrides /etc/security/pwquality.conf, so the value checked is the one the module really uses.
    Then the package "libpam-pwquality" is installed
    And the PAM service "common-password" calls "pam_pwquality.so" for "password" as "requisite" or "required"
    And every "password" call of "pam_pwquality.so" in "common-password" sets "retry" to between 1 and 3
    And pam_pwquality in "common-password" requires "minlen" of at least 14
    And pam_pwquality in "common-password" requires "minclass" of at least 4, or "dcredit", "ucredit", "lcredit" and "ocredit" each of at most -1

  @id:5.4.2 @level:1 @scored
  Scenario: 5.4.2 Ensure lockout for failed password attempts is configured
    Without a lockout, a password can be guessed online for as long as the attacker likes. pam_tally2
    counts failed logins and locks the account after five of them for at least 15 minutes; it must fail
    closed when it cannot work, and log. The account rules must call it too, so that a successful login
    resets the count, and must deny by default.
    Then the PAM service "common-auth" calls "pam_tally2.so" for "auth" as "required" or "requisite"
    And every "auth" call of "pam_tally2.so" in "common-auth" has the options "onerr=fail", "audit" and "silent"
    And every "auth" call of "pam_tally2.so" in "common-auth" sets "deny" to between 1 and 5
    And every "auth" call of "pam_tally2.so" in "common-auth" sets "unlock_time" to at least 900
    And the PAM service "common-account" calls "pam_deny.so" for "account"
    And the PAM service "common-account" calls "pam_tally2.so" for "account"

  @id:5.4.3 @level:1 @scored
  Scenario: 5.4.3 Ensure password reuse is limited
    If users may go back to a previous password, forced changes achieve nothing: a leaked password
    comes back. pam_pwhistory must remember at least the last five passwords of each user and refuse them.
    Then the PAM service "common-password" calls "pam_pwhistory.so" for "password" as "required"
    And every "password" call of "pam_pwhistory.so" in "common-password" sets "remember" to at least 5

  @id:5.4.4 @level:1 @scored
  Scenario: 5.4.4 Ensure password hashing algorithm is SHA-512
    The hash stored in /etc/shadow is what an attacker who reads it must crack. SHA-512 crypt is slow to
    compute by design; older methods such as MD5 or DES crypt are fast to attack. pam_unix must be told to
    hash new passwords with it.
    Then the PAM service "common-password" calls "pam_unix.so" for "password"
    And every "password" call of "pam_unix.so" in "common-password" has the option "sha512"

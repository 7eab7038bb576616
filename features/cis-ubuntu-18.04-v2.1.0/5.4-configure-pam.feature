@section:5.4
Feature: 5.4 Configure PAM
  PAM decides how users prove who they are and what happens when they change a password. On Ubuntu every
  service shares the rules in /etc/pam.d/common-auth, common-account and common-password. These checks
  read those rules as PAM runs them: include, substack and @include lines followed, comments and
  continued lines as PAM reads them, and the controls followed for every result a module may return, so
  that a rule the stack always ends or jumps before counts as not called. They name the file and line of
  each rule that decided.

  @id:5.4.1 @level:1 @scored
  Scenario: 5.4.1 Ensure password creation requirements are configured
    Short passwords drawn from few kinds of characters fall quickly to guessing. pam_pwquality must check
    every new password, give the user at most three tries, and demand at least 14 characters from all four
    classes (digits, upper case, lower case, others), either through minclass or by requiring one of each
    class with the credits set to -1. A setting given as an argument on the pam_pwquality.so line
    overrides /etc/security/pwquality.conf, so the value checked is the one the module really uses (the
    last valid argument; in the files, the directory pwquality.conf.d first, then pwquality.conf, and
    nothing after a line the library cannot read). The check must also stand between the user and the
    stored password: on every way through the stack pam_pwquality runs before pam_unix, and a rejected
    password cannot reach pam_unix in a way that makes it ask for a new one and store it unchecked.
    Given pam_pwquality reads /etc/security/pwquality.conf.d and then /etc/security/pwquality.conf
    Then the package "libpam-pwquality" is installed
    And the PAM service "common-password" calls "pam_pwquality.so" for "password" as "requisite" or "required"
    And in "common-password" every new password is checked by "pam_pwquality.so" before "pam_unix.so" stores it
    And every "password" call of "pam_pwquality.so" in "common-password" sets "retry" to between 1 and 3
    And pam_pwquality in "common-password" requires "minlen" of at least 14
    And pam_pwquality in "common-password" requires "minclass" of at least 4, or "dcredit", "ucredit", "lcredit" and "ocredit" each of at most -1

  @id:5.4.2 @level:1 @scored
  Scenario: 5.4.2 Ensure lockout for failed password attempts is configured
    Without a lockout, a password can be guessed online for as long as the attacker likes. pam_tally2
    counts failed logins and locks the account after five of them for at least 15 minutes; it must fail
    closed when it cannot work, and log. The account rules must call it too, so that a successful login
    resets the count, and must deny by default. The count must come before pam_unix checks the password:
    after it, Ubuntu's rules end the stack on a wrong password before pam_tally2 could count it.
    Then the PAM service "common-auth" calls "pam_tally2.so" for "auth" as "required" or "requisite"
    And the PAM service "common-auth" runs "pam_tally2.so" before "pam_unix.so" for "auth"
    And every "auth" call of "pam_tally2.so" in "common-auth" has the options "onerr=fail", "audit" and "silent"
    And every "auth" call of "pam_tally2.so" in "common-auth" sets "deny" to between 1 and 5
    And every "auth" call of "pam_tally2.so" in "common-auth" sets "unlock_time" to at least 900
    And the PAM service "common-account" calls "pam_deny.so" for "account"
    And the PAM service "common-account" calls "pam_tally2.so" for "account"

  @id:5.4.3 @level:1 @scored
  Scenario: 5.4.3 Ensure password reuse is limited
    If users may go back to a previous password, forced changes achieve nothing: a leaked password
    comes back. pam_pwhistory must remember at least the last five passwords of each user and refuse them,
    running before pam_unix stores the new password.
    Then the PAM service "common-password" calls "pam_pwhistory.so" for "password" as "required"
    And in "common-password" every new password is checked by "pam_pwhistory.so" before "pam_unix.so" stores it
    And every "password" call of "pam_pwhistory.so" in "common-password" sets "remember" to at least 5

  @id:5.4.4 @level:1 @scored
  Scenario: 5.4.4 Ensure password hashing algorithm is SHA-512
    The hash stored in /etc/shadow is what an attacker who reads it must crack. SHA-512 crypt is slow to
    compute by design; older methods such as MD5 or DES crypt are fast to attack. pam_unix must be told to
    hash new passwords with it: of its hashing options (md5, bigcrypt, sha256, sha512, blowfish) the last
    on the line is the one it uses, so "sha512 md5" hashes with MD5. Without any, pam_unix would follow
    ENCRYPT_METHOD in /etc/login.defs; the benchmark asks for sha512 on the line itself, so that a change
    to login.defs cannot weaken it. Every pam_unix password rule that can run is checked.
    Then the PAM service "common-password" calls "pam_unix.so" for "password"
    And every "password" call of "pam_unix.so" in "common-password" hashes new passwords with "sha512"

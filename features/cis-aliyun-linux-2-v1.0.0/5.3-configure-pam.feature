@section:5.3
Feature: 5.3 Configure PAM
  PAM decides how users prove who they are and what happens when they change a password. On Alibaba
  Cloud Linux 2, as on CentOS 7, the services share two stacks: /etc/pam.d/system-auth (local logins,
  su, passwd) and /etc/pam.d/password-auth (sshd and other remote services), both written by authconfig
  and usually links to system-auth-ac and password-auth-ac. Both must comply. These checks read the
  rules as PAM runs them: include and substack lines followed, comments and continued lines as PAM
  reads them, and the controls followed for every result a module may return, so that a rule the stack
  always ends or jumps before counts as not called. They name the file and line of each rule that
  decided.

  @id:5.3.1 @level:1 @scored
  Scenario: 5.3.1 Ensure password creation requirements are configured
    Short passwords drawn from few kinds of characters fall quickly to guessing. pam_pwquality must check
    every new password, reuse the one the user already typed (try_first_pass), give at most three tries,
    and demand at least 14 characters from all four classes (digits, upper case, lower case, others),
    either through minclass or with each class required by a credit of -1. A setting given as an argument
    on the pam_pwquality.so line overrides /etc/security/pwquality.conf, so the value checked is the one
    the module really uses (the last valid argument; in the file, nothing after a line the library cannot
    read). libpwquality 1.2 reads no pwquality.conf.d, so settings there do not count. The check must
    also stand between the user and the stored password: on every way through the stack pam_pwquality
    runs before pam_unix, and a rejected password cannot reach a pam_unix that asks for a new one.
    Given pam_pwquality reads /etc/security/pwquality.conf alone
    Then the package "libpwquality" is installed
    And the PAM services "system-auth" and "password-auth" each call "pam_pwquality.so" for "password" as "requisite" or "required"
    And in "system-auth" and "password-auth" every new password is checked by "pam_pwquality.so" before "pam_unix.so" stores it
    And every "password" call of "pam_pwquality.so" in "system-auth" and "password-auth" has the option "try_first_pass"
    And every "password" call of "pam_pwquality.so" in "system-auth" and "password-auth" sets "retry" to between 1 and 3
    And pam_pwquality in "system-auth" and "password-auth" requires "minlen" of at least 14
    And pam_pwquality in "system-auth" and "password-auth" requires "minclass" of at least 4, or "dcredit", "ucredit", "lcredit" and "ocredit" each of at most -1

  @id:5.3.2 @level:1 @scored
  Scenario: 5.3.2 Ensure lockout for failed password attempts is configured
    Without a lockout a password can be guessed online for as long as the attacker likes. pam_faillock
    must surround the rule that checks the password with pam_unix: before it (preauth) to refuse an
    account that is already locked, after it (authfail) to count the failure. This is decided on the
    rules as they run: preauth runs before pam_unix whichever way the rules lead there, and authfail runs
    when pam_unix fails. After at most five failures the account stays locked for at least 15 minutes.
    Then the PAM services "system-auth" and "password-auth" each call "pam_faillock.so" for "auth" with "preauth" before "pam_unix.so" and with "authfail" after it
    And every "auth" call of "pam_faillock.so" in "system-auth" and "password-auth" sets "deny" to between 1 and 5
    And every "auth" call of "pam_faillock.so" in "system-auth" and "password-auth" sets "unlock_time" to at least 900

  @id:5.3.3 @level:1 @scored
  Scenario: 5.3.3 Ensure password reuse is limited
    If users may go back to a previous password, forced changes achieve nothing: a leaked password comes
    back. The last five passwords of each user must be remembered and refused, either by pam_pwhistory
    (called as required or requisite) or by pam_unix's own remember option, which keeps them in
    /etc/security/opasswd. Only rules the stack can reach count.
    Then the PAM services "system-auth" and "password-auth" each remember at least 5 previous passwords with "pam_pwhistory.so" or "pam_unix.so"

  @id:5.3.4 @level:1 @scored
  Scenario: 5.3.4 Ensure password hashing algorithm is SHA-512
    The hash stored in /etc/shadow is what an attacker who reads it must crack. SHA-512 crypt is slow to
    compute by design; MD5 or DES crypt are fast to attack. pam_unix must hash new passwords with it in
    both stacks: of its hashing options (md5, bigcrypt, sha256, sha512, blowfish) the last on the line is
    the one it uses, so "sha512 md5" hashes with MD5, and the benchmark asks for sha512 on the line itself.
    Every pam_unix password rule that can run is checked.
    Then the PAM services "system-auth" and "password-auth" each call "pam_unix.so" for "password"
    And every "password" call of "pam_unix.so" in "system-auth" and "password-auth" hashes new passwords with "sha512"

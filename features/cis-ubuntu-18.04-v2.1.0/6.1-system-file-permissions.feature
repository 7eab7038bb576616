@section:6.1
Feature: 6.1 System file permissions
  The account databases name every user and group and, in the shadow files, hold password hashes.
  Anyone who can change them can become anyone; anyone who can read the shadow files can attack the
  hashes offline. These checks read the mode and owner of each file as the target's own accounts name them.

  @id:6.1.2 @level:1 @scored
  Scenario: 6.1.2 Ensure permissions on /etc/passwd are configured
    Every program reads /etc/passwd to map names to ids, so it must be readable by all and writable only by root.
    Then the file "/etc/passwd" has mode at most 0644 and is owned by root:root

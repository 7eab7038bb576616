@section:1.6
Feature: 1.6 Mandatory Access Control
  AppArmor confines programs to the files and capabilities their profile allows, whatever the user
  running them may do. It must be installed, switched on at boot, and its profiles must be loaded.
  The profiles loaded at boot are the files directly in /etc/apparmor.d: a profile linked from
  /etc/apparmor.d/disable is not loaded, one linked from /etc/apparmor.d/force-complain or flagged
  "complain" only logs what it would deny, any other is enforced. The boot parameters and the policy
  loaded in the running kernel belong to the host, so in a container 1.6.1.2 to 1.6.1.4 do not apply.

  @id:1.6.1.1 @level:1 @scored
  Scenario: 1.6.1.1 Ensure AppArmor is installed
    The profile loader and the tools that switch profiles between modes come in two packages.
    Then the package "apparmor" is installed
    And the package "apparmor-utils" is installed

  @id:1.6.1.2 @level:1 @scored @host:bootloader
  Scenario: 1.6.1.2 Ensure AppArmor is enabled in the bootloader configuration
    AppArmor must be chosen and enabled on the kernel command line of every boot entry, or booting
    another entry starts the system without it.
    Given the GRUB configuration "/boot/grub/grub.cfg" exists, or the item does not apply
    Then every kernel command line in the GRUB configuration has the parameters "apparmor=1" and "security=apparmor"

  @id:1.6.1.3 @level:1 @scored @host:kernel
  Scenario: 1.6.1.3 Ensure all AppArmor Profiles are in enforce or complain mode
    A disabled profile confines nothing, and a program that runs while its profile is not applied is
    not confined either. Every profile in /etc/apparmor.d must be loaded at boot in enforce or complain
    mode; on a running system the kernel must have profiles loaded, all in one of these modes, and no
    process may run unconfined while a profile for its program is loaded.
    Given the AppArmor profiles in /etc/apparmor.d
    Then every one of them is loaded at boot in one of the modes "enforce" or "complain", and there is at least one
    And on a running system AppArmor is enabled with at least one profile loaded, each in one of the modes "enforce" or "complain", and no process runs unconfined while a profile for it is loaded

  @id:1.6.1.4 @level:2 @scored @host:kernel
  Scenario: 1.6.1.4 Ensure all AppArmor Profiles are enforcing
    A profile in complain mode only logs what it would deny. At the stricter level every profile is
    enforced, on disk and in the running kernel, and no process runs unconfined while a profile for its
    program is loaded.
    Given the AppArmor profiles in /etc/apparmor.d
    Then every one of them is loaded at boot in one of the modes "enforce", and there is at least one
    And on a running system AppArmor is enabled with at least one profile loaded, each in one of the modes "enforce", and no process runs unconfined while a profile for it is loaded

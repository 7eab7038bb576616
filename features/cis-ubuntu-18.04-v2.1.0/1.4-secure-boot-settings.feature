@section:1.4
Feature: 1.4 Secure Boot Settings
  Whoever sits at the console while the system boots can change the kernel's parameters in the boot
  loader, for example to start a root shell instead of the normal system, unless GRUB asks for a
  password. These checks read GRUB's generated configuration /boot/grub/grub.cfg, the script that
  generates it, and root's entry in /etc/shadow. A system that GRUB does not boot has nothing to check
  for the GRUB items.

  @id:1.4.1 @level:1 @scored @host:bootloader
  Scenario: 1.4.1 Ensure permissions on bootloader config are not overridden
    Every run of update-grub rewrites grub.cfg with the mode that grub-mkconfig gives it. Ubuntu's script
    makes the file readable by everyone when no boot password is set; the mode it sets must allow no
    more than reading by root, in every case, or a tightened mode is undone at the next kernel update.
    Given the GRUB configuration generator "/usr/sbin/grub-mkconfig" exists, or the item does not apply
    Then every mode it gives the new grub.cfg is at most 0400, whether or not a boot password is set

  @id:1.4.2 @level:1 @scored @host:bootloader
  Scenario: 1.4.2 Ensure bootloader password is set
    Without a GRUB superuser and password anyone at the console may edit boot entries. grub.cfg must
    name the superusers and hold a PBKDF2 password hash for one of them, on lines of their own as the
    benchmark reads them; a password written in plain text fails. Neither is ever shown.
    Given the GRUB configuration "/boot/grub/grub.cfg" exists, or the item does not apply
    Then it names the GRUB superusers and sets a PBKDF2 password for one of them

  @id:1.4.3 @level:1 @scored @host:bootloader
  Scenario: 1.4.3 Ensure permissions on bootloader config are configured
    grub.cfg can hold the boot password's hash and shows how the system boots; only root may read it,
    and nobody should change it except through update-grub.
    Given the GRUB configuration "/boot/grub/grub.cfg" exists, or the item does not apply
    Then the file "/boot/grub/grub.cfg" has mode at most 0400 and is owned by root:root

  @id:1.4.4 @level:1 @scored @host:bootloader
  Scenario: 1.4.4 Ensure authentication required for single user mode
    Single user and emergency mode ask for root's password before giving a root shell. Root must have
    a password in /etc/shadow; a field of only "*" or "!" (no password), as the benchmark looks for,
    or an empty field fails. A locked password hash ("!" before the hash) is still a password set and
    passes, as in the benchmark's check. The hash is never shown.
    Given the password entries in /etc/shadow
    Then the account "root" has a password set in /etc/shadow

@section:1.4
Feature: 1.4 Secure Boot Settings
  Whoever sits at the console while the system boots can change how it boots, for example start a root
  shell instead of the normal system. GRUB 2, which grub2-mkconfig configures, keeps its configuration
  in /boot/grub2/grub.cfg when the machine boots by BIOS and in /boot/efi/EFI/<vendor>/grub.cfg when it
  boots by UEFI, with the boot password's hash, once one is set, in user.cfg beside it. systemd starts
  rescue.service for single user mode and emergency.service when booting fails. A container boots
  neither, so these items belong to its host.

  @id:1.4.1 @level:1 @scored @host:bootloader
  Scenario: 1.4.1 Ensure permissions on bootloader config are configured
    grub.cfg shows how the system boots and user.cfg holds the boot password's hash: only root may read
    and change them. Every copy that exists is checked; on the EFI system partition (FAT) the mode of a
    file comes from how the partition is mounted.
    Given the GRUB 2 configuration files "/boot/grub2/grub.cfg" and "/boot/efi/EFI/*/grub.cfg", with the "user.cfg" beside each, whichever exist, or the item does not apply
    Then each of them has mode at most 0600 and is owned by root:root

  @id:1.4.2 @level:1 @scored @host:bootloader
  Scenario: 1.4.2 Ensure authentication required for single user mode
    Single user and emergency mode run as root before any login. The shell systemd starts there must
    go through sulogin, which asks for root's password first. The command is read as systemd would
    run it: from the unit file found first (/etc/systemd/system before /usr/lib/systemd/system), with
    every drop-in that replaces its ExecStart.
    Given the systemd units "rescue.service" and "emergency.service" as systemd loads them, with their drop-ins
    Then the shell each of them starts asks for root's password through sulogin

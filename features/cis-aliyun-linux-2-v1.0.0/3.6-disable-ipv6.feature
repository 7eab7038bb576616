@section:3.6 @host:bootloader
Feature: 3.6 Disable IPv6
  A second IP stack that nobody configures or watches is an open flank: link-local addresses, router
  advertisements and tunnels appear without anyone deciding so.

  @id:3.6 @level:2 @not-scored
  Scenario: 3.6 Disable IPv6
    IPv6 is off for good when the kernel boots with ipv6.disable=1: every kernel line of the GRUB 2
    configuration (/boot/grub2/grub.cfg, or /boot/efi/EFI/*/grub.cfg on UEFI) must carry it. Setting the
    disable_ipv6 kernel parameters leaves the stack loaded and does not count here. A site that uses IPv6
    keeps it and records an exception for this Level 2 item.
    Given the IPv6 settings: the kernel command lines of the boot loader and the disable_ipv6 kernel parameters
    Then every kernel command line of the boot loader disables IPv6 (ipv6.disable=1)

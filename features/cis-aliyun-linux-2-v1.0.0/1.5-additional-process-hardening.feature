@section:1.5
Feature: 1.5 Additional Process Hardening
  The kernel can make memory corruption bugs harder to exploit and keep memory contents from leaking
  into files. Kernel parameters are checked twice: in the running kernel (live systems only) and in the
  sysctl files applied at boot (/usr/lib/sysctl.d, /etc/sysctl.d and /etc/sysctl.conf, in the order
  systemd-sysctl applies them). A container shares its host's kernel, so there these items belong to
  the host.

  @id:1.5.1 @level:1 @scored @host:kernel
  Scenario: 1.5.1 Ensure core dumps are restricted
    A core dump holds whatever the crashed program had in memory, passwords and keys included. Users
    must not be able to raise the core file size limit above 0, and programs that changed their
    privileges (set-user-ID) must never dump core.
    Given the resource limits pam_limits applies from /etc/security/limits.conf and /etc/security/limits.d
    Then every hard limit on core file size for all users ("*") is 0, and there is at least one
    And the kernel parameter "fs.suid_dumpable" is "0" in the running kernel
    And the kernel parameter "fs.suid_dumpable" is set to "0" in the persistent configuration

  @id:1.5.2 @level:1 @scored @host:kernel
  Scenario: 1.5.2 Ensure address space layout randomization (ASLR) is enabled
    With full randomisation (2) the stack, the libraries and the heap are placed at addresses an
    attacker cannot predict. The setting must hold in the running kernel and be written in the sysctl
    files, so that it survives a reboot.
    Then the kernel parameter "kernel.randomize_va_space" is "2" in the running kernel
    And the kernel parameter "kernel.randomize_va_space" is set to "2" in the persistent configuration

  @id:1.5.3 @level:1 @scored
  Scenario: 1.5.3 Ensure prelink is disabled
    prelink rewrites programs and libraries so that they load faster, which undoes address
    randomisation and makes AIDE report changed files. It should not be installed (run `prelink -ua`
    before removing it, so that the binaries are restored).
    Then the package "prelink" is not installed

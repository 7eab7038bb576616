@section:1.5
Feature: 1.5 Additional Process Hardening
  The kernel can make memory corruption bugs much harder to exploit: memory that holds data cannot be
  executed, and programs are loaded at unpredictable addresses. Core dumps, written when a program
  crashes, can hold passwords and keys from its memory. Kernel parameters are checked twice: in the
  running kernel (live systems only) and in the sysctl files applied at boot.

  @id:1.5.1 @level:1 @not-scored @host:kernel
  Scenario: 1.5.1 Ensure XD/NX support is enabled
    With no-execute protection, code injected into a program's data cannot run. On a running system the
    processor must report the nx flag in /proc/cpuinfo and the kernel command line must not turn it
    off; on an offline root filesystem there is no processor to ask.
    Then the running kernel uses the processor's no-execute protection (NX/XD)

  @id:1.5.2 @level:1 @scored @host:kernel
  Scenario: 1.5.2 Ensure address space layout randomization (ASLR) is enabled
    With full randomisation (2) the stack, libraries and heap are placed at addresses an attacker cannot
    predict. The setting must hold in the running kernel and be set in the sysctl files, so that it
    survives a reboot.
    Then the kernel parameter "kernel.randomize_va_space" is "2" in the running kernel
    And the kernel parameter "kernel.randomize_va_space" is set to "2" in the persistent configuration

  @id:1.5.3 @level:1 @scored
  Scenario: 1.5.3 Ensure prelink is disabled
    prelink rewrites binaries and libraries to load faster, which defeats address randomisation and
    makes integrity checkers such as AIDE report changed files. It should not be installed.
    Then the package "prelink" is not installed

  @id:1.5.4 @level:1 @scored @host:kernel
  Scenario: 1.5.4 Ensure core dumps are restricted
    Users must not be able to raise the core file size limit above 0, programs that changed their
    privileges (set-user-ID) must never dump core, and systemd-coredump, when installed, must neither
    store dumps nor process them.
    Given the resource limits pam_limits applies from /etc/security/limits.conf and /etc/security/limits.d
    Then every hard limit on core file size for all users ("*") is 0, and there is at least one
    And the kernel parameter "fs.suid_dumpable" is "0" in the running kernel
    And the kernel parameter "fs.suid_dumpable" is set to "0" in the persistent configuration
    And if the package "systemd-coredump" is installed, the systemd-coredump configuration sets "Storage" to "none" and "ProcessSizeMax" to "0"

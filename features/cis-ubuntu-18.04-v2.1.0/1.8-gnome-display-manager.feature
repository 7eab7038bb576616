@section:1.8
Feature: 1.8 GNOME Display Manager
  GDM draws the graphical login screen. A server seldom needs it; when it is installed, its login screen
  shows the warning banner, does not list the accounts of the system, and does not accept XDMCP, an
  unencrypted remote display protocol. Its settings are read from /etc/gdm3/greeter.dconf-defaults and
  /etc/gdm3/custom.conf.

  @id:1.8.1 @level:2 @not-scored
  Scenario: 1.8.1 Ensure GNOME Display Manager is removed
    A graphical login adds a large amount of software that a server does not need.
    Then the package "gdm3" is not installed

  @id:1.8.2 @level:1 @scored
  Scenario: 1.8.2 Ensure GDM login banner is configured
    The graphical login screen must show the warning banner like the text consoles do.
    Given the package "gdm3" is installed, or the item does not apply
    Then the GDM setting "banner-message-enable" in the section "org/gnome/login-screen" of "/etc/gdm3/greeter.dconf-defaults" is "true"
    And the GDM setting "banner-message-text" in the section "org/gnome/login-screen" of "/etc/gdm3/greeter.dconf-defaults" is a text that is not empty

  @id:1.8.3 @level:1 @scored
  Scenario: 1.8.3 Ensure disable-user-list is enabled
    A login screen that lists the accounts gives a stranger half of every login.
    Given the package "gdm3" is installed, or the item does not apply
    Then the GDM setting "disable-user-list" in the section "org/gnome/login-screen" of "/etc/gdm3/greeter.dconf-defaults" is "true"

  @id:1.8.4 @level:1 @scored
  Scenario: 1.8.4 Ensure XDCMP is not enabled
    XDMCP sends the whole graphical session, passwords included, unencrypted over the network. It must
    not be switched on in the [xdmcp] section of GDM's configuration (it is off by default).
    Given the package "gdm3" is installed, or the item does not apply
    Then the GDM setting "Enable" in the section "xdmcp" of "/etc/gdm3/custom.conf" is not true

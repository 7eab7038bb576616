@section:1.9
Feature: 1.9 Updates
  Most intrusions use flaws for which a fix was already published. Whether the fixes a system lacks are
  acceptable is the site's patch policy, so this item ends with a person's review. On a running system the
  evidence shows what APT already knows from the package lists on the system; no repository is contacted.

  @id:1.9 @level:1 @not-scored
  Scenario: 1.9 Ensure updates, patches, and additional security software are installed
    Outstanding updates, security updates above all, leave known flaws open. The simulation of a full
    upgrade lists what the downloaded package lists know of, and how old they are.
    Given the package updates APT already knows of on a running system, without contacting any repository
    Then an auditor confirms that updates are installed as the site's patch policy requires

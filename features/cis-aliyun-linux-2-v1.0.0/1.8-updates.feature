@section:1.8
Feature: 1.8 Ensure updates, patches, and additional security software are installed
  Most intrusions use flaws for which a fix was already published. Whether the fixes a system lacks are
  acceptable is the site's patch policy, so this item ends with a person's review. On a running system
  the evidence shows what yum already knows from the repository metadata cached on the system
  (`yum -C`: no repository is contacted, nothing is downloaded or installed), and how old that
  metadata is.

  @id:1.8 @level:1 @scored
  Scenario: 1.8 Ensure updates, patches, and additional security software are installed
    Outstanding updates, security updates above all, leave known flaws open. The packages with a newer
    version in the cached metadata are listed, with the repository offering it.
    Given the package updates yum already knows of from its cache on a running system, without contacting any repository
    Then an auditor confirms that updates are installed as the site's patch policy requires

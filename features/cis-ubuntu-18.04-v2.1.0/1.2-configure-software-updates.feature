@section:1.2
Feature: 1.2 Configure Software Updates
  Software reaches the system from the repositories APT is told to use, and APT believes a repository
  only when its index is signed by a key it trusts. Which repositories and keys are right is the site's
  decision, so these items end with a person's review; the evidence lists every source entry and every
  trusted key (fingerprint and owner, never key material).

  @id:1.2.1 @level:1 @not-scored
  Scenario: 1.2.1 Ensure package manager repositories are configured
    A repository the site did not approve can ship any program, and a source marked as trusted skips
    signature checks altogether. The configured sources are listed, with such options pointed out, for a
    person to compare with the site's approved repositories.
    Given the APT package sources in /etc/apt/sources.list and /etc/apt/sources.list.d
    Then an auditor confirms that every configured repository is one the site means to install software from

  @id:1.2.2 @level:1 @not-scored
  Scenario: 1.2.2 Ensure GPG keys are configured
    Every key APT trusts can sign packages for any repository. The keyrings are read and each key is
    identified by fingerprint, date and owner, for a person to confirm that each belongs to a repository
    the site uses.
    Given the keys APT trusts in /etc/apt/trusted.gpg and /etc/apt/trusted.gpg.d
    Then an auditor confirms that every trusted key belongs to a repository the site uses

@section:1.2
Feature: 1.2 Configure Software Updates
  yum installs what the repositories it is told about offer, and rejects a package whose signature no
  imported key verifies, as long as signature checking is on. yum reads /etc/yum.conf, whose [main]
  section holds the global settings, and the *.repo files of /etc/yum.repos.d (or of the directories
  [main] names in reposdir). Which repositories and keys are right is the site's decision, so 1.2.1 and
  1.2.2 end with a person's review; the evidence lists every repository and every key (key id,
  fingerprint and owner, never key material). Whether signatures are checked is mechanical.

  @id:1.2.1 @level:1 @not-scored
  Scenario: 1.2.1 Ensure package manager repositories are configured
    A repository the site did not approve can ship any program. Every repository yum knows of is listed
    with where it downloads from (baseurl, mirrorlist or metalink), whether it is enabled and whether it
    checks signatures, for a person to compare with the site's approved repositories.
    Given the yum repositories defined in /etc/yum.conf and the *.repo files of /etc/yum.repos.d
    Then an auditor confirms that every configured repository is one the site means to install software from

  @id:1.2.2 @level:1 @not-scored
  Scenario: 1.2.2 Ensure GPG keys are configured
    Every key imported into the RPM database can vouch for any package. The imported keys (the
    gpg-pubkey entries of the RPM database) and the key files the repositories point yum to in
    /etc/pki/rpm-gpg are identified by key id, date, fingerprint and owner, for a person to confirm that
    each belongs to a repository the site uses.
    Given the package signing keys imported into the RPM database and the key files in /etc/pki/rpm-gpg
    Then an auditor confirms that every trusted key belongs to a repository the site uses

  @id:1.2.3 @level:1 @scored
  Scenario: 1.2.3 Ensure gpgcheck is globally activated
    With gpgcheck off, yum installs a package whatever its signature says, so a tampered mirror or a
    man in the middle can slip in code. [main] must turn it on (yum's own default is off, and every
    repository that does not set it inherits [main]'s value), and no repository may turn it off again;
    a disabled repository counts too, since a single --enablerepo uses it.
    Given the yum repositories defined in /etc/yum.conf and the *.repo files of /etc/yum.repos.d
    Then yum's [main] section in /etc/yum.conf sets "gpgcheck" to 1
    And no repository turns "gpgcheck" off

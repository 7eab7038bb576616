@section:4.3
Feature: 4.3 Ensure logrotate is configured
  logrotate renames, compresses and finally deletes old logs on a schedule. Rotating too rarely lets
  logs fill the disk; keeping them too briefly loses the trail. How often and how long is a site's
  decision, so a person reviews the configuration found.

  @id:4.3 @level:1 @not-scored
  Scenario: 4.3 Ensure logrotate is configured
    The settings for every log (/etc/logrotate.conf) and the blocks for particular logs (there and in
    /etc/logrotate.d) are gathered for the review.
    Given the logrotate configuration in /etc/logrotate.conf and /etc/logrotate.d
    Then a person reviews that logs are rotated as the site's policy requires

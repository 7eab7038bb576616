@section:4.3
Feature: 4.3 Ensure logrotate is configured
  logrotate renames, compresses and in the end deletes old logs on a schedule (on Alibaba Cloud Linux 2
  from cron, /etc/cron.daily/logrotate). Rotating too seldom lets the logs fill the disk; keeping them too
  briefly loses the trail. How often and for how long is the site's decision, so a person reviews what
  the configuration says.

  @id:4.3 @level:1 @not-scored
  Scenario: 4.3 Ensure logrotate is configured
    The settings for every log (/etc/logrotate.conf) and the blocks for particular logs (there and in
    /etc/logrotate.d, where the syslog block covers rsyslog's files) are gathered for the review.
    Given the logrotate configuration in /etc/logrotate.conf and /etc/logrotate.d
    Then a person reviews that logs are rotated as the site's policy requires

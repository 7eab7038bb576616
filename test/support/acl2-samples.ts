/** Files as ACL2's (CentOS 7's) packages install them, for tests that add a package the fixture lacks. */

/** ntpd.service of the ntp package (4.2.6p5) */
export const NTPD_SERVICE_CENTOS7 = `[Unit]
Description=Network Time Service
After=syslog.target ntpdate.service sntp.service

[Service]
Type=forking
EnvironmentFile=-/etc/sysconfig/ntpd
ExecStart=/usr/sbin/ntpd -u ntp:ntp $OPTIONS
PrivateTmp=true

[Install]
WantedBy=multi-user.target
`;

/** /etc/sysconfig/ntpd of the same package */
export const NTPD_SYSCONFIG_CENTOS7 = '# Command line options for ntpd\nOPTIONS="-g"\n';

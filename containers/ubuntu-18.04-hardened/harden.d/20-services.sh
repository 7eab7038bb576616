# Chapter 2 Services: purge the servers and clients the benchmark names, keep chrony as the one time
# synchronisation daemon, and keep any mail transfer agent on loopback.
# POSIX sh, run as root at image build time with sh -e and no network. Every change names the item it serves.

installed() { # package name (a glob is allowed): print the installed packages that match
  dpkg-query -W -f='${Package} ${Status}\n' "$1" 2>/dev/null | awk '$2 == "install" && $3 == "ok" && $4 == "installed" { print $1 }'
}

# 2.1.2 X server packages                       2.1.3 avahi-daemon      2.1.4 cups
# 2.1.5 isc-dhcp-server    2.1.6 slapd          2.1.7 nfs-kernel-server 2.1.8 bind9
# 2.1.9 vsftpd             2.1.10 apache2       2.1.11 dovecot-imapd, dovecot-pop3d
# 2.1.12 samba             2.1.13 squid         2.1.14 snmpd            2.1.16 rsync
# 2.1.17 2.2.1 nis         2.2.2 rsh-client     2.2.3 talk              2.2.4 telnet
# 2.2.5 ldap-utils         2.2.6 rpcbind
for pattern in 'xserver-xorg*' avahi-daemon cups isc-dhcp-server slapd nfs-kernel-server bind9 vsftpd apache2 \
  dovecot-imapd dovecot-pop3d samba squid snmpd rsync nis rsh-client talk telnet ldap-utils rpcbind; do
  for pkg in $(installed "$pattern"); do
    echo "20-services: purging $pkg"
    dpkg --purge "$pkg"
  done
done

# 2.1.1.1 chrony is the time synchronisation daemon: it must stay installed; systemd-timesyncd is masked so
# that only one daemon sets the clock (chrony.service conflicts with it anyway)
[ -n "$(installed chrony)" ] || { echo "20-services: 2.1.1.1 chrony is not installed and cannot be installed offline" >&2; exit 1; }
rm -f /etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service
ln -sf /dev/null /etc/systemd/system/systemd-timesyncd.service

# 2.1.1.3 chrony follows at least one server or pool ...
if ! grep -Eq '^[[:space:]]*(server|pool)[[:space:]]' /etc/chrony/chrony.conf; then
  echo 'pool ntp.ubuntu.com iburst maxsources 4' >> /etc/chrony/chrony.conf
fi
# ... and runs as _chrony: no other user directive, no -u option in the options the service passes
sed -i '/^[[:space:]]*user[[:space:]]/d' /etc/chrony/chrony.conf
echo 'user _chrony' >> /etc/chrony/chrony.conf
if [ -f /etc/default/chrony ]; then
  sed -i -E '/^DAEMON_OPTS=/ s/-u[[:space:]]+[^[:space:]"]+//g' /etc/default/chrony
fi

# 2.1.15 a mail transfer agent, if one is installed, listens on loopback only
if [ -f /etc/exim4/update-exim4.conf.conf ]; then
  if grep -q '^dc_local_interfaces=' /etc/exim4/update-exim4.conf.conf; then
    sed -i "s/^dc_local_interfaces=.*/dc_local_interfaces='127.0.0.1 ; ::1'/" /etc/exim4/update-exim4.conf.conf
  else
    echo "dc_local_interfaces='127.0.0.1 ; ::1'" >> /etc/exim4/update-exim4.conf.conf
  fi
fi
if [ -f /etc/postfix/main.cf ]; then
  sed -i '/^inet_interfaces[[:space:]]*=/d' /etc/postfix/main.cf
  echo 'inet_interfaces = loopback-only' >> /etc/postfix/main.cf
fi

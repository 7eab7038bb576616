# Chapter 3 Network Configuration: kernel parameters, uncommon protocols, and ufw as the one firewall.
# POSIX sh, run as root at image build time with sh -e and no network. Every change names the item it
# serves. IPv6 stays enabled (3.1.1 is a site decision, level 2): its parameters are set like the IPv4 ones.
set -eu

# 3.2.1-3.3.9 network kernel parameters, applied at boot by systemd-sysctl
cat > /etc/sysctl.d/60-cis-network.conf <<'EOF'
# CIS Ubuntu 18.04 v2.1.0 chapter 3 (written by the hardened image build)
# 3.2.1 no ICMP redirects sent
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.default.send_redirects = 0
# 3.2.2 no forwarding
net.ipv4.ip_forward = 0
net.ipv6.conf.all.forwarding = 0
# 3.3.1 no source-routed packets
net.ipv4.conf.all.accept_source_route = 0
net.ipv4.conf.default.accept_source_route = 0
net.ipv6.conf.all.accept_source_route = 0
net.ipv6.conf.default.accept_source_route = 0
# 3.3.2 no ICMP redirects accepted
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.default.accept_redirects = 0
net.ipv6.conf.all.accept_redirects = 0
net.ipv6.conf.default.accept_redirects = 0
# 3.3.3 no "secure" ICMP redirects accepted
net.ipv4.conf.all.secure_redirects = 0
net.ipv4.conf.default.secure_redirects = 0
# 3.3.4 martian packets logged
net.ipv4.conf.all.log_martians = 1
net.ipv4.conf.default.log_martians = 1
# 3.3.5 broadcast pings ignored
net.ipv4.icmp_echo_ignore_broadcasts = 1
# 3.3.6 bogus ICMP error responses ignored
net.ipv4.icmp_ignore_bogus_error_responses = 1
# 3.3.7 strict reverse path filtering
net.ipv4.conf.all.rp_filter = 1
net.ipv4.conf.default.rp_filter = 1
# 3.3.8 SYN cookies
net.ipv4.tcp_syncookies = 1
# 3.3.9 no IPv6 router advertisements accepted
net.ipv6.conf.all.accept_ra = 0
net.ipv6.conf.default.accept_ra = 0
EOF
chmod 0644 /etc/sysctl.d/60-cis-network.conf

# 3.3.4 ufw applies /etc/ufw/sysctl.conf each time it starts, after the files above: its
# log_martians=0 would switch the logging off again
sed -i 's#^\([[:space:]]*net/ipv4/conf/\(all\|default\)/log_martians\)=0#\1=1#' /etc/ufw/sysctl.conf

# 3.4.1-3.4.4 uncommon protocols never loaded on demand
cat > /etc/modprobe.d/cis-uncommon-network-protocols.conf <<'EOF'
# CIS Ubuntu 18.04 v2.1.0 3.4.1-3.4.4 (written by the hardened image build)
install dccp /bin/true
install sctp /bin/true
install rds /bin/true
install tipc /bin/true
EOF
chmod 0644 /etc/modprobe.d/cis-uncommon-network-protocols.conf

# 3.5 one firewall: ufw. nftables goes (its enabled service would make it the firewall in use, and
# 3.5.1.2 asks that iptables-persistent be absent, which it is in this image)
if dpkg-query -W -f '${Status}' nftables 2>/dev/null | grep -q 'install ok installed'; then
  dpkg --purge nftables
fi

# 3.5.1.3 ufw enabled at boot: its service is enabled as shipped; ufw-init loads the rules only with ENABLED=yes
sed -i 's/^ENABLED=.*/ENABLED=yes/' /etc/ufw/ufw.conf
grep -q '^ENABLED=yes' /etc/ufw/ufw.conf || echo 'ENABLED=yes' >> /etc/ufw/ufw.conf
[ -e /etc/systemd/system/multi-user.target.wants/ufw.service ] || ln -s /lib/systemd/system/ufw.service /etc/systemd/system/multi-user.target.wants/ufw.service

# 3.5.1.7 deny by default in every direction (the input and forward policies are DROP as shipped)
sed -i 's/^DEFAULT_INPUT_POLICY=.*/DEFAULT_INPUT_POLICY="DROP"/; s/^DEFAULT_OUTPUT_POLICY=.*/DEFAULT_OUTPUT_POLICY="DROP"/; s/^DEFAULT_FORWARD_POLICY=.*/DEFAULT_FORWARD_POLICY="DROP"/' /etc/default/ufw

# The user rules, as `ufw allow|deny` writes them (it cannot run here: the build has no CAP_NET_ADMIN).
# 3.5.1.4 loopback: accept on lo in and out, drop 127.0.0.0/8 and ::1 arriving elsewhere
# 3.5.1.6 a rule for the one service port this image is meant to expose: SSH (adapt per site)
# 3.5.1.5 outbound with the deny-by-default output policy: DNS, HTTP(S) and NTP (adapt per site)
user_rules() { # chain prefix (ufw or ufw6), any-address, loopback source
  p=$1 any=$2 lo=$3
  cat <<EOF
*filter
:$p-user-input - [0:0]
:$p-user-output - [0:0]
:$p-user-forward - [0:0]
:$p-before-logging-input - [0:0]
:$p-before-logging-output - [0:0]
:$p-before-logging-forward - [0:0]
:$p-user-logging-input - [0:0]
:$p-user-logging-output - [0:0]
:$p-user-logging-forward - [0:0]
:$p-after-logging-input - [0:0]
:$p-after-logging-output - [0:0]
:$p-after-logging-forward - [0:0]
:$p-logging-deny - [0:0]
:$p-logging-allow - [0:0]
:$p-user-limit - [0:0]
:$p-user-limit-accept - [0:0]
### RULES ###

### tuple ### allow any any $any any $any in_lo
-A $p-user-input -i lo -j ACCEPT

### tuple ### allow any any $any any $any out_lo
-A $p-user-output -o lo -j ACCEPT

### tuple ### deny any any $any any $lo in
-A $p-user-input -s $lo -j DROP

### tuple ### allow tcp 22 $any any $any in
-A $p-user-input -p tcp --dport 22 -j ACCEPT

### tuple ### allow any 53 $any any $any out
-A $p-user-output -p tcp --dport 53 -j ACCEPT
-A $p-user-output -p udp --dport 53 -j ACCEPT

### tuple ### allow tcp 80,443 $any any $any out
-A $p-user-output -p tcp -m multiport --dports 80,443 -j ACCEPT

### tuple ### allow udp 123 $any any $any out
-A $p-user-output -p udp --dport 123 -j ACCEPT

### END RULES ###

### LOGGING ###
-A $p-after-logging-input -j LOG --log-prefix "[UFW BLOCK] " -m limit --limit 3/min --limit-burst 10
-A $p-after-logging-forward -j LOG --log-prefix "[UFW BLOCK] " -m limit --limit 3/min --limit-burst 10
-I $p-logging-deny -m conntrack --ctstate INVALID -j RETURN -m limit --limit 3/min --limit-burst 10
-A $p-logging-deny -j LOG --log-prefix "[UFW BLOCK] " -m limit --limit 3/min --limit-burst 10
-A $p-logging-allow -j LOG --log-prefix "[UFW ALLOW] " -m limit --limit 3/min --limit-burst 10
### END LOGGING ###

### RATE LIMITING ###
-A $p-user-limit -m limit --limit 3/minute -j LOG --log-prefix "[UFW LIMIT BLOCK] "
-A $p-user-limit -j REJECT
-A $p-user-limit-accept -j ACCEPT
### END RATE LIMITING ###
COMMIT
EOF
}
user_rules ufw 0.0.0.0/0 127.0.0.0/8 > /etc/ufw/user.rules
user_rules ufw6 ::/0 ::1 > /etc/ufw/user6.rules
chmod 0640 /etc/ufw/user.rules /etc/ufw/user6.rules

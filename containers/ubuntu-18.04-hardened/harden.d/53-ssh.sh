# 5.3 SSH Server: configure OpenSSH 7.6 so that every item of section 5.3 passes.
# sshd uses the first value it reads for most keywords (the last one for MaxStartups), so every keyword
# set here has its existing active lines removed first and the chosen values go to the top of the file,
# before any Match block.
set -eu
cfg=/etc/ssh/sshd_config
settings=''

# set_option Keyword value...: remove the keyword's active lines, remember "Keyword value" for the top.
set_option() {
  kw=$1
  shift
  sed -i "/^[[:space:]]*$kw\([[:space:]]\|=\)/Id" "$cfg"
  settings="$settings$kw $*
"
}

# 5.3.4 SSH access is limited: only members of the administrators' group may log in (adapt per site)
set_option AllowGroups sudo
# 5.3.5 LogLevel records logins and failed attempts without debug detail
set_option LogLevel INFO
# 5.3.6 X11 forwarding is disabled
set_option X11Forwarding no
# 5.3.7 at most 4 authentication attempts per connection
set_option MaxAuthTries 4
# 5.3.8 users' .rhosts and .shosts files are ignored
set_option IgnoreRhosts yes
# 5.3.9 host-based authentication is disabled
set_option HostbasedAuthentication no
# 5.3.10 root login over SSH is disabled
set_option PermitRootLogin no
# 5.3.11 accounts with empty passwords cannot log in
set_option PermitEmptyPasswords no
# 5.3.12 users cannot pass environment variables to sshd
set_option PermitUserEnvironment no
# 5.3.13 only strong ciphers (no CBC, no RC4)
set_option Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr
# 5.3.14 only strong MAC algorithms (SHA-2)
set_option MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256
# 5.3.15 only strong key exchange algorithms (no SHA-1, no 1024-bit group)
set_option KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp521,ecdh-sha2-nistp384,ecdh-sha2-nistp256,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256
# 5.3.16 idle clients are probed every 5 minutes and dropped after 3 unanswered probes
set_option ClientAliveInterval 300
set_option ClientAliveCountMax 3
# 5.3.17 an unfinished login is dropped after one minute
set_option LoginGraceTime 60
# 5.3.18 a warning banner is shown before login
set_option Banner /etc/issue.net
# 5.3.19 PAM applies the system's account rules to SSH logins
set_option UsePAM yes
# 5.3.20 TCP port forwarding is disabled
set_option AllowTcpForwarding no
# 5.3.21 unauthenticated connections are throttled from 10 and all refused from 60
set_option MaxStartups 10:30:60
# 5.3.22 at most 10 sessions per connection
set_option MaxSessions 10

{
  printf '# CIS 5.3 (harden.d/53-ssh.sh). sshd uses the first value it reads: keep these lines first.\n%s\n' "$settings"
  cat "$cfg"
} > "$cfg.new"
mv "$cfg.new" "$cfg"

# 5.3.1 sshd_config is readable and writable by root only
chown root:root "$cfg"
chmod 0600 "$cfg"

# 5.3.2 and 5.3.3 need host keys to check. This is a test fixture image: its keys are generated once at
# build time and shared by every container of it; a real host generates its own on first boot.
ssh-keygen -A >/dev/null
# 5.3.2 private host keys are readable by root only
for key in /etc/ssh/ssh_host_*_key; do
  chown root:root "$key"
  chmod 0600 "$key"
done
# 5.3.3 public host keys are writable by root only
for key in /etc/ssh/ssh_host_*_key.pub; do
  chown root:root "$key"
  chmod 0644 "$key"
done

# sshd needs its privilege separation directory to test its configuration (sshd -t below, and the
# `sshd -T` an audit runs); refuse to build an image whose configuration sshd would reject.
mkdir -p /run/sshd
/usr/sbin/sshd -t

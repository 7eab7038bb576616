# CIS 1.2-1.9 Initial Setup (after 1.1): integrity checking, process hardening, AppArmor profiles, warning
# banners and the display manager.
# POSIX sh, run as root at image build time with sh -e, without network: nothing can be installed, only
# files change. Running it twice changes nothing more. Every change names the item it serves.
#
# What a container can show: the boot loader (1.4.x, 1.6.1.2), the kernel's parameters and no-execute
# support (1.5.1, 1.5.2, 1.5.4) and the AppArmor profiles loaded in the kernel (1.6.1.3, 1.6.1.4) belong to
# the host, so those items do not apply to a container; the files they read are still prepared here for
# an audit with --container-as-host. Not reachable from here: 1.3.1 (AIDE is not in the image and cannot
# be installed offline); 1.2.x and 1.9 are a person's review.

die() { echo "12-boot-banners-mac: $*" >&2; exit 1; }

# ---------------------------------------------------------------- 1.3 filesystem integrity
# 1.3.2 AIDE checks the filesystem every morning (aide and aide-common, 1.3.1, must be installed for it
# to run: install them where the image is built with network access)
cat > /etc/cron.d/aide <<'EOF'
# CIS 1.3.2: check the filesystem against the AIDE database every day at 05:00
0 5 * * * root /usr/bin/aide.wrapper --config /etc/aide/aide.conf --check
EOF
chown root:root /etc/cron.d/aide
chmod 0644 /etc/cron.d/aide

# ---------------------------------------------------------------- 1.4 boot settings
# 1.4.1 if GRUB is ever installed, grub-mkconfig gives grub.cfg mode 0400 whether or not a password is set
# (GRUB is not in the image; the edit is for an image built from one that has it)
if [ -f /usr/sbin/grub-mkconfig ]; then
  sed -i -e 's/chmod [0-7][0-7][0-7] \(\${grub_cfg}\.new\)/chmod 400 \1/' \
         -e 's/ && ! grep "^password" \${grub_cfg}\.new >\/dev\/null//' /usr/sbin/grub-mkconfig
fi
# 1.4.3 and GRUB's own configuration, if there is one, readable by root only
if [ -f /boot/grub/grub.cfg ]; then
  chown root:root /boot/grub/grub.cfg
  chmod u-wx,go-rwx /boot/grub/grub.cfg
fi
# 1.4.2 (a boot password) and 1.4.4 (a root password) are secrets a person sets on each host: an image
# must not carry them.

# ---------------------------------------------------------------- 1.5 process hardening
# 1.5.2 full address space layout randomisation; 1.5.4 set-user-ID programs never dump core
cat > /etc/sysctl.d/60-cis-process-hardening.conf <<'EOF'
# CIS 1.5.2: randomise the stack, libraries and heap
kernel.randomize_va_space = 2
# CIS 1.5.4: programs that changed privileges never dump core
fs.suid_dumpable = 0
EOF
chmod 0644 /etc/sysctl.d/60-cis-process-hardening.conf
# 1.5.4 no user may raise the core file size above 0
cat > /etc/security/limits.d/60-cis-core.conf <<'EOF'
# CIS 1.5.4: no core dumps
* hard core 0
EOF
chmod 0644 /etc/security/limits.d/60-cis-core.conf
# 1.5.4 if systemd-coredump is installed, it keeps and processes nothing
if [ -e /lib/systemd/systemd-coredump ]; then
  mkdir -p /etc/systemd/coredump.conf.d
  printf '# CIS 1.5.4: keep no core dumps\n[Coredump]\nStorage=none\nProcessSizeMax=0\n' > /etc/systemd/coredump.conf.d/60-cis.conf
fi
# 1.5.3 prelink is not in the image; if it were, it is removed
if dpkg-query -W -f='${Status}' prelink 2>/dev/null | grep -q 'ok installed'; then
  dpkg --purge prelink
fi

# ---------------------------------------------------------------- 1.6 AppArmor
[ -x /sbin/apparmor_parser ] || die "1.6.1.1 apparmor is not installed"
command -v aa-enforce >/dev/null || die "1.6.1.1 apparmor-utils is not installed"
# 1.6.1.3 1.6.1.4 every profile is enforced at boot: none disabled (Ubuntu ships rsyslogd's disabled),
# none forced into complain mode
rm -f /etc/apparmor.d/disable/* /etc/apparmor.d/force-complain/*
if grep -lsE -d skip '^[[:space:]]*[^#[:space:]].*\([^)]*\bcomplain\b[^)]*\)[[:space:]]*\{' /etc/apparmor.d/*; then
  die "1.6.1.4 a profile in /etc/apparmor.d carries the complain flag: decide whether it may be enforced"
fi

# ---------------------------------------------------------------- 1.7 warning banners
# 1.7.5 1.7.6 a warning before every login that names neither the system nor its software
banner='Authorized uses only. All activity may be monitored and reported.'
printf '%s\n' "$banner" > /etc/issue.net
printf '%s\n' "$banner" > /etc/issue
# 1.7.1 the message of the day, when there is one, shows no system details
if [ -f /etc/motd ]; then
  printf '%s\n' "$banner" > /etc/motd
fi
# 1.7.2 1.7.3 1.7.4 the banners may be read by all and changed by root only
for f in /etc/issue.net /etc/issue /etc/motd; do
  if [ -e "$f" ]; then
    chown root:root "$f"
    chmod u-x,go-wx "$f"
  fi
done

# ---------------------------------------------------------------- 1.8 GNOME Display Manager
# 1.8.1 no display manager on a server (gdm3 is not in the image; if it were, it is removed)
if dpkg-query -W -f='${Status}' gdm3 2>/dev/null | grep -q 'ok installed'; then
  dpkg --purge gdm3
fi

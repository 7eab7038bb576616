# 1.1 Filesystem Configuration: unused filesystem drivers and USB storage kept from loading, and /tmp and
# /dev/shm configured as tmpfs mounts with nodev, nosuid and noexec.
# POSIX sh, run as root at image build time with sh -e; running it twice changes nothing more.
#
# What a container can show: the modprobe.d lines and /etc/fstab are the boot configuration the items read.
# Audited as a container, every item here except 1.1.22 and 1.1.23 is not applicable (the container rule:
# modules and mounts belong to the host). With --container-as-host: /dev/shm (mounted by docker with
# nosuid,nodev,noexec) passes 1.1.6-1.1.9; /tmp passes 1.1.2-1.1.5 only when the container is started with
# `--tmpfs /tmp:rw,nodev,nosuid,noexec`; /var, /var/tmp, /var/log, /var/log/audit and /home are not separate
# filesystems in an image (1.1.10, 1.1.11, 1.1.15-1.1.17 fail, 1.1.12-1.1.14 and 1.1.18 do not apply);
# no removable media are configured or mounted, so 1.1.19-1.1.21 pass; whether a module is loaded is the
# host kernel's business.

# 1.1.1.1-1.1.1.6 filesystems nobody uses here: modprobe runs /bin/true instead of loading them
# 1.1.24 usb-storage likewise
cat > /etc/modprobe.d/cis-1.1-filesystems.conf <<'EOF'
# CIS 1.1.1.1-1.1.1.6: filesystem drivers that must not load
install cramfs /bin/true
install freevxfs /bin/true
install jffs2 /bin/true
install hfs /bin/true
install hfsplus /bin/true
install udf /bin/true
# CIS 1.1.24: no USB mass storage
install usb-storage /bin/true
EOF
chmod 0644 /etc/modprobe.d/cis-1.1-filesystems.conf

# add an /etc/fstab line for a mount point unless one is there already
fstab_line() { # mountpoint line
  if ! awk -v mp="$1" '$1 !~ /^#/ && $2 == mp { found = 1 } END { exit !found }' /etc/fstab; then
    printf '%s\n' "$2" >> /etc/fstab
  fi
}
# 1.1.2 /tmp is a filesystem of its own at boot; 1.1.3 nodev, 1.1.4 nosuid, 1.1.5 noexec
fstab_line /tmp 'tmpfs /tmp tmpfs defaults,rw,nodev,nosuid,noexec,relatime 0 0'
# 1.1.6 /dev/shm configured in /etc/fstab; 1.1.7 nodev, 1.1.8 nosuid, 1.1.9 noexec
fstab_line /dev/shm 'tmpfs /dev/shm tmpfs defaults,rw,nodev,nosuid,noexec,relatime 0 0'

# 1.1.22 every world-writable directory has the sticky bit (as shipped; stated so a later change cannot drift)
find / -xdev -type d -perm -0002 ! -perm -1000 -exec chmod a+t {} +

# 1.1.23 autofs is not installed in the image; if it ever is, it must not start at boot
if [ -e /lib/systemd/system/autofs.service ]; then
  rm -f /etc/systemd/system/*.wants/autofs.service
fi

# Common ground for the scripts that follow.
# 6.1.2 /etc/passwd is 0644 root:root (as shipped; stated so that a later change cannot drift)
chown root:root /etc/passwd
chmod 0644 /etc/passwd

#!/bin/sh
# sshd for SSH-target tests: host keys made fresh at start, bound to loopback on $SSHD_PORT, accepting the
# public key in $AUTHORIZED_KEY for root (and for the unprivileged user "ops", which has passwordless sudo).
set -e
ssh-keygen -A >/dev/null
mkdir -p /run/sshd /root/.ssh /home/ops/.ssh
printf '%s\n' "$AUTHORIZED_KEY" > /root/.ssh/authorized_keys
printf '%s\n' "$AUTHORIZED_KEY" > /home/ops/.ssh/authorized_keys
chmod 700 /root/.ssh /home/ops/.ssh; chmod 600 /root/.ssh/authorized_keys /home/ops/.ssh/authorized_keys
chown -R ops:ops /home/ops/.ssh
exec /usr/sbin/sshd -D -e -p "${SSHD_PORT:-2222}" -o ListenAddress=127.0.0.1 "$@"

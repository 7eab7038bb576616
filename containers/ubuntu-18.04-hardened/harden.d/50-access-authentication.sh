# Chapter 5 Access, Authentication and Authorization, except 5.3 (SSH, in 53-ssh.sh).
# POSIX sh, run as root at image build time with sh -e, without network: only files change, every
# package needed (cron, at, sudo, libpam-pwquality, libpam-modules for pam_tally2 and pam_pwhistory) is
# already in the image. Every change names the item it serves.
# Not reachable from here: 5.1.1 needs the cron daemon running, which depends on how the container is
# started (the image enables cron.service; start it with `cron`); 5.6 is a review by a person.

die() { echo "50-access-authentication: $*" >&2; exit 1; }

# ---------------------------------------------------------------- 5.1 cron and at
# 5.1.1 cron.service enabled at boot (as shipped; stated so that it cannot drift)
[ -e /lib/systemd/system/cron.service ] || die "5.1.1 cron is not installed"
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf /lib/systemd/system/cron.service /etc/systemd/system/multi-user.target.wants/cron.service

chown root:root /etc/crontab                           # 5.1.2
chmod og-rwx /etc/crontab                              # 5.1.2
for d in /etc/cron.hourly /etc/cron.daily /etc/cron.weekly /etc/cron.monthly /etc/cron.d; do
  chown root:root "$d"                                 # 5.1.3-5.1.7
  chmod og-rwx "$d"                                    # 5.1.3-5.1.7
done

# 5.1.8 5.1.9 only users in an allow list may schedule jobs: root
for tool in cron at; do
  rm -f "/etc/$tool.deny"
  [ -e "/etc/$tool.allow" ] || echo root > "/etc/$tool.allow"
  chown root:root "/etc/$tool.allow"
  chmod 0640 "/etc/$tool.allow"
done

# ---------------------------------------------------------------- 5.2 sudo
command -v sudo >/dev/null || die "5.2.1 sudo is not installed"
# 5.2.2 5.2.3 a pty per command and a log file of sudo's own; the file name has no "." so sudo reads it
cat > /etc/sudoers.d/50-cis <<'EOF'
Defaults use_pty
Defaults logfile="/var/log/sudo.log"
EOF
chmod 0440 /etc/sudoers.d/50-cis
visudo -c >/dev/null || die "5.2 the sudoers files do not parse"

# ---------------------------------------------------------------- 5.4 PAM
pam_module() { [ -e "/lib/x86_64-linux-gnu/security/$1" ] || [ -e "/lib/security/$1" ] || die "$2 $1 is not installed"; }
pam_module pam_pwquality.so 5.4.1
pam_module pam_tally2.so 5.4.2
pam_module pam_pwhistory.so 5.4.3

# 5.4.1 14 characters from all four classes; pam_pwquality already asks at most 3 times (retry=3)
sed -i -E '/^\s*(minlen|minclass)\s*=/d' /etc/security/pwquality.conf
printf 'minlen = 14\nminclass = 4\n' >> /etc/security/pwquality.conf
grep -Eq '^password\s+requisite\s+pam_pwquality\.so.*\bretry=3\b' /etc/pam.d/common-password || die "5.4.1 pam_pwquality is not set up as shipped"

# 5.4.2 lock an account for 15 minutes after 5 failures: counted first in common-auth, reset in common-account
if ! grep -q '^auth.*pam_tally2\.so' /etc/pam.d/common-auth; then
  sed -i '0,/^auth\s/s//auth\trequired\t\t\tpam_tally2.so onerr=fail audit silent deny=5 unlock_time=900\n&/' /etc/pam.d/common-auth
fi
grep -q '^account.*pam_tally2\.so' /etc/pam.d/common-account || printf 'account\trequired\t\t\tpam_tally2.so\n' >> /etc/pam.d/common-account

# 5.4.3 remember the last 5 passwords; before pam_unix, which stores the new one
if ! grep -q '^password.*pam_pwhistory\.so' /etc/pam.d/common-password; then
  sed -i '/^password.*pam_pwquality\.so/a password\trequired\t\t\tpam_pwhistory.so remember=5' /etc/pam.d/common-password
fi

# 5.4.4 pam_unix hashes new passwords with SHA-512 (as shipped; stated so that it cannot drift)
grep -Eq '^password\s.*pam_unix\.so.*\bsha512\b' /etc/pam.d/common-password || die "5.4.4 pam_unix does not use sha512"

# ---------------------------------------------------------------- 5.5 accounts and environment
set_def() { # NAME VALUE in /etc/login.defs
  if grep -Eq "^$1\s" /etc/login.defs; then sed -i -E "s/^$1\s.*/$1\t$2/" /etc/login.defs; else printf '%s\t%s\n' "$1" "$2" >> /etc/login.defs; fi
}
set_def PASS_MIN_DAYS 1                                # 5.5.1.1
set_def PASS_MAX_DAYS 365                              # 5.5.1.2
set_def PASS_WARN_AGE 7                                # 5.5.1.3
useradd -D -f 30                                       # 5.5.1.4 new accounts: disabled 30 days after expiry
# 5.5.1.1-5.5.1.4 the accounts that have a password (neither locked nor disabled) get the same ageing
for user in $(awk -F: '$2 !~ /^[!*]/ { print $1 }' /etc/shadow); do
  chage --mindays 1 --maxdays 365 --warndays 7 --inactive 30 "$user"
done
# 5.5.1.5 a last password change in the future (of an account with a password) is a decision for a person
today=$(( $(date +%s) / 86400 ))
future=$(awk -F: -v t="$today" '$2 !~ /^[!*]/ && $3 != "" && $3 > t { print $1 }' /etc/shadow)
[ -z "$future" ] || die "5.5.1.5 accounts whose last password change is in the future: $future"

# 5.5.2 system accounts: no login shell (except root and the command accounts) and a locked password (except root)
uid_min=$(awk '/^\s*UID_MIN/ { print $2 }' /etc/login.defs)
awk -F: -v m="${uid_min:-1000}" '$1 !~ /^(root|sync|shutdown|halt)$/ && $1 !~ /^\+/ && $3 < m && $7 != "/usr/sbin/nologin" && $7 != "/sbin/nologin" && $7 != "/bin/false" { print $1 }' /etc/passwd |
while read -r user; do usermod -s /usr/sbin/nologin "$user"; done
awk -F: -v m="${uid_min:-1000}" '$1 != "root" && $1 !~ /^\+/ && $3 < m { print $1 }' /etc/passwd |
while read -r user; do
  case "$(awk -F: -v u="$user" '$1 == u { print $2 }' /etc/shadow)" in
    '!'*|'*'*) ;;
    *) usermod -L "$user";;
  esac
done

[ "$(id -g root)" = 0 ] || usermod -g 0 root            # 5.5.3

# 5.5.4 default umask 027: for every login shell, and for pam_umask (no looser UMASK left in login.defs)
set_def UMASK 027
printf '# 5.5.4 default umask\numask 027\n' > /etc/profile.d/50-cis-umask.sh
grep -q '^umask 027' /etc/bash.bashrc || printf '\n# 5.5.4 default umask\numask 027\n' >> /etc/bash.bashrc

# 5.5.5 idle shells end after 15 minutes; read-only and exported, in one file
printf '# 5.5.5 idle timeout\nTMOUT=900\nreadonly TMOUT\nexport TMOUT\n' > /etc/profile.d/50-cis-tmout.sh

# ---------------------------------------------------------------- 5.7 su
# only members of the empty group sugroup may use su; administrators use sudo
getent group sugroup >/dev/null || groupadd -r sugroup
gpasswd -M '' sugroup
if ! grep -Eq '^auth\s+required\s+pam_wheel\.so' /etc/pam.d/su; then
  sed -i '/^auth\s\+sufficient\s\+pam_rootok\.so/a auth       required   pam_wheel.so use_uid group=sugroup' /etc/pam.d/su
fi
grep -q 'pam_wheel\.so use_uid group=sugroup' /etc/pam.d/su || die "5.7 pam_wheel could not be set up"

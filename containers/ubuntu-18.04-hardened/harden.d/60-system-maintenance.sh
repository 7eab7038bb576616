# Chapter 6 System Maintenance: file permissions, accounts and home directories.
# POSIX sh, run as root at image build time with sh -e. Every change names the item it serves. Where the
# right fix is a person's decision (a second uid 0, duplicate ids), the script stops the build instead of
# guessing.

die() { echo "60-system-maintenance: $*" >&2; exit 1; }

# 6.1.2-6.1.9 the account databases and their backups: owner and mode
chown root:root /etc/passwd /etc/group                 # 6.1.2 6.1.4
chmod 0644 /etc/passwd /etc/group                      # 6.1.2 6.1.4
chown root:shadow /etc/shadow /etc/gshadow             # 6.1.6 6.1.8
chmod 0640 /etc/shadow /etc/gshadow                    # 6.1.6 6.1.8
for f in /etc/passwd- /etc/group-; do                  # 6.1.3 6.1.5
  if [ -e "$f" ]; then chown root:root "$f"; chmod u-x,go-wx "$f"; fi
done
for f in /etc/shadow- /etc/gshadow-; do                # 6.1.7 6.1.9
  if [ -e "$f" ]; then chown root:shadow "$f"; chmod u-x,g-wx,o-rwx "$f"; fi
done

# 6.1.10 no regular file writable by others on the image's filesystem
find / -xdev -type f -perm -0002 -exec chmod o-w {} +
# 6.1.11 6.1.12 files whose owner or group has no entry go to root
find / -xdev -nouser -exec chown -h root {} +
find / -xdev -nogroup -exec chgrp -h root {} +

# 6.2.1 passwords live in /etc/shadow (pwconv moves any hash out of /etc/passwd)
pwconv
# 6.2.2 no account without a password: lock those with an empty field
for user in $(awk -F: '$2 == "" { print $1 }' /etc/shadow); do
  passwd -l "$user"
done

# 6.2.3 every primary group exists: a decision for a person (which group was meant?)
missing=$(awk -F: 'NR == FNR { g[$3] = 1; next } !($4 in g) { print $1 ":" $4 }' /etc/group /etc/passwd)
[ -z "$missing" ] || die "6.2.3 accounts whose primary group does not exist: $missing"

# 6.2.4-6.2.10 home directories of the accounts that can log in (not nologin/false shells, not halt/sync/shutdown)
awk -F: '$1 !~ /^(halt|sync|shutdown)$/ && $7 !~ /^(\/usr)?\/sbin\/nologin$/ && $7 !~ /^(\/usr)?\/bin\/false$/ { print $1 ":" $3 ":" $4 ":" $6 }' /etc/passwd |
while IFS=: read -r user uid gid home; do
  case "$home" in
    /|/bin|/sbin|/usr|/usr/bin|/usr/sbin|/etc|/var|/dev|/proc|/sys) die "6.2.5 $user can log in with the system directory $home as home";;
    /*) ;;
    *) die "6.2.4 $user has no absolute home directory ($home)";;
  esac
  if [ ! -d "$home" ]; then
    mkdir -p "$home"                                   # 6.2.4 the home exists
  fi
  chown "$uid:$gid" "$home"                            # 6.2.5 the user owns it
  chmod g-w,o-rwx "$home"                              # 6.2.6 0750 or stricter
  for f in "$home"/.[!.]* "$home"/..?*; do
    if [ -f "$f" ] && [ ! -L "$f" ]; then
      chmod go-w "$f"                                  # 6.2.7 dot files not group or world writable
    fi
  done
  rm -f "$home/.netrc"                                 # 6.2.8
  rm -f "$home/.forward"                               # 6.2.9
  rm -f "$home/.rhosts"                                # 6.2.10
done

# 6.2.11 root is the only uid 0 account: another one is a decision for a person
others=$(awk -F: '$3 == 0 && $1 != "root" { print $1 }' /etc/passwd)
[ -z "$others" ] || die "6.2.11 accounts other than root with uid 0: $others"

# 6.2.12 root's PATH: every directory in it owned by root and not writable by group or others; no "." or empty entry
root_path=$(su - root -c 'printf "%s" "$PATH"' </dev/null 2>/dev/null) || die "6.2.12 su - root did not run"
[ -n "$root_path" ] || die "6.2.12 root's login PATH could not be read"
case ":$root_path:" in
  *::*|*:.:*) die "6.2.12 root's PATH has an empty entry or \".\": $root_path";;
esac
old_ifs=$IFS; IFS=:
for dir in $root_path; do
  case "$dir" in /*) ;; *) die "6.2.12 root's PATH has the relative entry $dir";; esac
  [ -d "$dir" ] || die "6.2.12 $dir in root's PATH is not a directory"
  chown root "$dir"
  chmod go-w "$dir"
done
IFS=$old_ifs

# 6.2.13-6.2.16 no duplicate uids, gids, user or group names: which entry is right is a decision for a person
dup=$(cut -d: -f3 /etc/passwd | sort -n | uniq -d); [ -z "$dup" ] || die "6.2.13 duplicate uids: $dup"
dup=$(cut -d: -f3 /etc/group | sort -n | uniq -d);  [ -z "$dup" ] || die "6.2.14 duplicate gids: $dup"
dup=$(cut -d: -f1 /etc/passwd | sort | uniq -d);    [ -z "$dup" ] || die "6.2.15 duplicate user names: $dup"
dup=$(cut -d: -f1 /etc/group | sort | uniq -d);     [ -z "$dup" ] || die "6.2.16 duplicate group names: $dup"

# 6.2.17 the shadow group has no members, listed or by primary group
sed -i 's/^\(shadow:[^:]*:[^:]*:\).*$/\1/' /etc/group
sed -i 's/^\(shadow:[^:]*:[^:]*:\).*$/\1/' /etc/gshadow
shadow_gid=$(awk -F: '$1 == "shadow" { print $3 }' /etc/group)
if [ -n "$shadow_gid" ]; then
  primary=$(awk -F: -v g="$shadow_gid" '$4 == g { print $1 }' /etc/passwd)
  [ -z "$primary" ] || die "6.2.17 accounts whose primary group is shadow: $primary"
fi

#!/usr/bin/env bash
# Build the Alibaba Cloud Linux 2 fixtures (see README.md beside this file):
#
#   acl2-<variant>      root filesystem directory  $CIS_BDD_FIXTURE_CACHE/acl2-<variant>
#                       tarball of it              $CIS_BDD_FIXTURE_CACHE/acl2-<variant>.tar
#                       Docker image               cis-bdd/acl2-<variant>:latest (docker import)
#
# Usage: build.sh [VARIANT...]     default: stock, then every variant directory found here
#
# A fixture is a Debian userland (binaries only) with one or more overlays laid over it: "stock" is this
# directory's files/, attributes and packages.txt; a variant such as hardened/ is a directory with the
# same three (each optional) applied after stock's. Idempotent: the inputs are hashed, and a fixture whose
# hash matches the one recorded at its last build is left alone (also the image, by its label).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${CIS_BDD_FIXTURE_CACHE:-/var/tmp/cis-bdd-fixtures}
work=$cache/cache
suite=bookworm
mirror=${CIS_BDD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
userland_packages=rpm,procps   # rpm: the `rpm` binary; procps: `sysctl`. minbase has sh, coreutils, findutils.
export DOCKER_BUILDKIT=0 LC_ALL=C
umask 022
start=$(date +%s)
say() { printf '[acl2 %3ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }

# A variant directory is an overlay itself (files/, attributes, packages.txt), and/or holds part
# directories (hardened/10-initial-setup/, hardened/50-access/, ...) applied after it in name order, so
# that several people can each own a part.
is_overlay() { [ -e "$1/files" ] || [ -e "$1/attributes" ] || [ -e "$1/packages.txt" ]; }
overlay_parts() { # variant dir -> its overlay directories, in order
  is_overlay "$1" && echo "$1"
  for p in "$1"/*/; do [ -d "$p" ] && is_overlay "${p%/}" && echo "${p%/}"; done
  return 0
}

variants=("$@")
if [ ${#variants[@]} -eq 0 ]; then
  variants=(stock)
  for d in "$here"/*/; do
    v=$(basename "$d")
    case $v in files|rpm|real-base) continue ;; esac
    [ -n "$(overlay_parts "${d%/}")" ] || continue
    variants+=("$v")
  done
fi

# --- tools: installed from Debian's archive when missing (a fresh CI machine has none of them) --------
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v rpmbuild >/dev/null || need+=(rpm)
command -v db5.3_load >/dev/null || need+=(db5.3-util)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
for t in docker node tar sha256sum; do command -v $t >/dev/null || { echo "acl2: $t is missing" >&2; exit 1; }; done

mkdir -p "$work"
exec 9>"$cache/acl2.lock"
flock 9

# --- the Debian userland, made once and kept as a tarball ---------------------------------------------
userland_key=$(printf '%s\n' "$suite" "$mirror" "$userland_packages" minbase | sha256sum | cut -c1-16)
userland=$work/debian-$suite-minbase-$userland_key.tar
if [ ! -f "$userland" ]; then
  say "debootstrap --variant=minbase --include=$userland_packages $suite (once; cached as $userland)"
  rm -rf "$work/userland.tmp"
  debootstrap --variant=minbase --include="$userland_packages" "$suite" "$work/userland.tmp" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; exit 1; }
  tar --numeric-owner -C "$work/userland.tmp" -cf "$userland.tmp" .
  mv "$userland.tmp" "$userland"
  rm -rf "$work/userland.tmp"
fi

# --- overlays ------------------------------------------------------------------------------------------
overlays_of() { # variant -> overlay directories, in order
  echo "$here"
  [ "$1" = stock ] || overlay_parts "$here/$1"
}

inputs_hash() { # overlay dirs... -> sha256 of everything the fixture is made from
  {
    echo "userland $userland_key"
    (cd "$here" && sha256sum build.sh rpm/*)   # relative names: the same hash in any checkout
    for o in "$@"; do
      echo "overlay ${o#"$here"}"
      for p in files attributes packages.txt; do
        [ -e "$o/$p" ] || continue
        (cd "$o" && find "$p" \( -type f -o -type l \) -print0 | sort -z | xargs -0 -r sha256sum)
        (cd "$o" && find "$p" -type l -printf '%p -> %l\n' | sort)
      done
    done
  } | sha256sum | cut -d' ' -f1
}

# Remove what identifies the userland as Debian, or what Debian put where the benchmark's items look.
# Kept from Debian's /etc: only what its binaries need to run (the dynamic linker's cache and config and
# the alternatives links, e.g. awk). Everything else in /etc comes from the overlays.
strip_debian() {
  local r=$1
  mkdir "$r/etc.keep"
  for k in alternatives ld.so.cache ld.so.conf ld.so.conf.d; do mv "$r/etc/$k" "$r/etc.keep/"; done
  rm -rf "$r/etc"
  mv "$r/etc.keep" "$r/etc"
  rm -rf "$r"/var/lib/dpkg "$r"/var/lib/apt "$r"/var/cache/apt "$r"/var/cache/debconf "$r"/var/cache/ldconfig \
    "$r"/var/lib/pam "$r"/var/lib/systemd "$r"/var/backups "$r"/var/log/* "$r"/var/mail "$r"/var/spool/mail "$r"/var/local \
    "$r"/usr/share/doc "$r"/usr/share/man "$r"/usr/share/info "$r"/usr/share/locale "$r"/usr/share/lintian \
    "$r"/usr/share/bug "$r"/usr/share/base-files "$r"/usr/lib/os-release "$r"/usr/lib/systemd \
    "$r"/usr/lib/sysctl.d "$r"/usr/lib/tmpfiles.d
  find "$r/root" -mindepth 1 -delete
  # Debian's package tools (dpkg, apt, debconf and helpers): a program that looks for them would take the
  # fixture for a Debian system. rpm is the fixture's package manager.
  rm -rf "$r"/usr/bin/dpkg* "$r"/usr/bin/apt* "$r"/usr/bin/debconf* "$r"/usr/bin/deb-systemd-* "$r"/usr/sbin/dpkg-* \
    "$r"/usr/sbin/pam-auth-update "$r"/usr/sbin/update-rc.d "$r"/usr/sbin/add-shell "$r"/usr/sbin/update-shells \
    "$r"/usr/sbin/adduser "$r"/usr/sbin/addgroup "$r"/usr/sbin/deluser "$r"/usr/sbin/delgroup "$r"/usr/sbin/update-passwd \
    "$r"/usr/lib/apt "$r"/usr/lib/dpkg "$r"/usr/libexec/dpkg "$r"/usr/share/dpkg "$r"/usr/share/debconf "$r"/usr/share/pam-configs \
    "$r"/usr/share/keyrings "$r"/usr/share/polkit-1/actions/org.dpkg.* "$r"/usr/share/bash-completion/completions/apt* \
    "$r"/usr/share/pixmaps/debian-logo.png "$r"/var/cache/adduser "$r"/var/lib/shells.state
  # Debian's own groups (shadow 42, utmp 43, staff 50, mail 8) do not exist, or mean something else, on ACL2.
  chown 0:0 "$r"/usr/bin/chage "$r"/usr/bin/expiry "$r"/usr/sbin/unix_chkpwd
  chmod 0755 "$r"/usr/bin/chage "$r"/usr/bin/expiry
  chmod 4755 "$r"/usr/sbin/unix_chkpwd   # as pam ships it on CentOS 7
  ln -sfn bash "$r/usr/bin/sh"           # /bin/sh is bash on ACL2
}

# Lay one overlay over the root: files/ is copied with modes 0644 (files) and 0755 (directories), owned
# by root; attributes then sets what differs and adds links, empty directories and removals:
#   f PATH MODE OWNER:GROUP   (a file of files/)     e PATH MODE OWNER:GROUP   (an empty file, created)
#   d PATH MODE OWNER:GROUP   (a directory)          l PATH TARGET   (a symbolic link)     r PATH   (removed)
#   u PATH MODE UID:GID       (an empty file, created, owned by numeric ids that no account or group of the
#                             fixture has: what a deleted account or an unpacked archive leaves behind)
# Owners are names from the fixture's own /etc/passwd and /etc/group, except for u.
apply_overlay() {
  local r=$1 o=$2
  if [ -d "$o/files" ]; then
    cp -rT --no-preserve=mode,ownership "$o/files" "$r"
  fi
  [ -f "$o/attributes" ] || return 0
  local kind path a b uid gid
  while read -r kind path a b; do
    case $kind in ''|\#*) continue ;; esac
    case $kind in
      f|d|e)
        uid=$(awk -F: -v n="${b%%:*}" '$1 == n { print $3 }' "$r/etc/passwd")
        gid=$(awk -F: -v n="${b##*:}" '$1 == n { print $3 }' "$r/etc/group")
        [ -n "$uid" ] && [ -n "$gid" ] || { echo "acl2: $o/attributes: unknown owner $b for $path" >&2; exit 1; }
        case $kind in
          d) [ ! -L "$r$path" ] || rm -f "$r$path"; mkdir -p "$r$path" ;;
          e) mkdir -p "$(dirname "$r$path")"; rm -rf "$r$path"; : > "$r$path" ;;
          f) [ -e "$r$path" ] || { echo "acl2: $o/attributes: $path is not in files/" >&2; exit 1; } ;;
        esac
        chown -h "$uid:$gid" "$r$path"
        chmod "$a" "$r$path" ;;
      l) rm -rf "$r$path"; mkdir -p "$(dirname "$r$path")"; ln -s "$a" "$r$path" ;;
      u)
        [[ $b =~ ^[0-9]+:[0-9]+$ ]] || { echo "acl2: $o/attributes: $path: u needs numeric UID:GID, not $b" >&2; exit 1; }
        mkdir -p "$(dirname "$r$path")"; rm -rf "$r$path"; : > "$r$path"
        chown -h "$b" "$r$path"
        chmod "$a" "$r$path" ;;
      r) rm -rf "$r$path" ;;
      *) echo "acl2: $o/attributes: unknown kind $kind" >&2; exit 1 ;;
    esac
  done < "$o/attributes"
}

# The RPM database: empty stand-in packages built from the package lists, installed into a scratch
# database by Debian's rpm (SQLite), exported, and written as the Berkeley DB files rpm 4.11 keeps.
build_rpmdb() {
  local r=$1 scratch=$2; shift 2
  rm -rf "$scratch"; mkdir -p "$scratch/specs" "$scratch/db" "$scratch/bdb"
  # rpmbuild's own mkdir of these races when several run at once ("File exists"): make them first.
  mkdir -p "$scratch"/top/{BUILD,BUILDROOT,RPMS,SOURCES,SPECS,SRPMS}
  "$here/rpm/mkspec.sh" "$scratch/specs" "$@"
  find "$scratch/specs" -name '*.spec' -print0 | SOURCE_DATE_EPOCH=1553644800 xargs -0 -r -P "$(nproc)" -n 8 \
    rpmbuild -bb --quiet --define "_topdir $scratch/top" --define '_buildhost alinux2-fixture' \
      --define 'use_source_date_epoch_as_buildtime 1' --define '_build_id_links none' >"$scratch/rpmbuild.log" 2>&1 ||
    { tail -20 "$scratch/rpmbuild.log"; exit 1; }
  find "$scratch/top/RPMS" -name '*.rpm' -print0 | sort -z | xargs -0 \
    rpm --root "$scratch/db" --dbpath /var/lib/rpm -i --justdb --nodeps --noscripts --notriggers 2>"$scratch/rpm-install.log" ||
    { cat "$scratch/rpm-install.log"; exit 1; }
  rpmdb --root "$scratch/db" --dbpath /var/lib/rpm --exportdb >"$scratch/headers"
  node "$here/rpm/bdb-input.mjs" "$scratch/headers" "$scratch/bdb" >/dev/null
  rm -rf "$r/var/lib/rpm"; mkdir -p "$r/var/lib/rpm"
  for f in "$scratch"/bdb/*.txt; do
    db5.3_load -T -t hash -f "$f" "$r/var/lib/rpm/$(basename "$f" .txt)"
  done
  chmod 0644 "$r"/var/lib/rpm/*
  # Debian's rpm inside the fixture reads that database read-only (its own default is ~/.rpmdb, SQLite).
  mkdir -p "$r/usr/lib/rpm/macros.d"
  printf '%s\n' '# cis-bdd ACL2 fixture: Debian'"'"'s rpm reads the rpm 4.11 (Berkeley DB) database in /var/lib/rpm.' \
    '%_dbpath /var/lib/rpm' '%_db_backend bdb_ro' >"$r/usr/lib/rpm/macros.d/macros.cis-bdd-fixture"
}

# The files an overlay deliberately leaves without a known owner or group (u lines of its attributes).
declared_orphans() { # overlay dirs... -> paths, one a line
  local o
  for o in "$@"; do [ -f "$o/attributes" ] && awk '$1 == "u" { print $2 }' "$o/attributes"; done
  return 0
}

# What the fixture must be, checked before it replaces the last good one.
check_root() {
  local r=$1 want=$2 v=$3 allowed=$4
  for p in /var/lib/dpkg/status /etc/debian_version /etc/apt; do
    [ ! -e "$r$p" ] || { echo "acl2-$v: $p is still there" >&2; exit 1; }
  done
  grep -qx 'ID="alinux"' "$r/usr/lib/os-release" || { echo "acl2-$v: os-release is not ACL2's" >&2; exit 1; }
  # every owner and group must be one the fixture's own /etc/passwd and /etc/group define, except for
  # the files an overlay declares as such (u lines)
  local orphans
  orphans=$(find "$r" -xdev -printf '%U %G /%P\n' | awk -v P="$r/etc/passwd" -v G="$r/etc/group" -v A="$allowed" '
    BEGIN { FS = ":"; while ((getline l < P) > 0) { split(l, f, ":"); u[f[3]] = 1 } while ((getline l < G) > 0) { split(l, f, ":"); g[f[3]] = 1 } FS = " "
            while ((getline l < A) > 0) ok[l] = 1 }
    (!($1 in u) || !($2 in g)) && !($3 in ok) { print; if (++n == 5) exit }')
  [ -z "$orphans" ] || { echo "acl2-$v: files whose owner or group the fixture does not know:" >&2; echo "$orphans" >&2; exit 1; }
  local have
  have=$(chroot "$r" /usr/bin/rpm -qa --qf '%{NAME}\n' 2>"$work/acl2-$v.rpm-qa.err" | sort | tr '\n' ' ')
  [ ! -s "$work/acl2-$v.rpm-qa.err" ] || { echo "acl2-$v: rpm -qa in the fixture warned:" >&2; cat "$work/acl2-$v.rpm-qa.err" >&2; exit 1; }
  [ "$have" = "$want" ] || { echo "acl2-$v: rpm -qa gives [$have], the package lists say [$want]" >&2; exit 1; }
  chroot "$r" /bin/sh -c 'find / -xdev -maxdepth 1 -printf "%p\n" >/dev/null && stat -c "%a %U %G" /etc/shadow >/dev/null && sysctl --version >/dev/null' ||
    { echo "acl2-$v: the userland does not run" >&2; exit 1; }
}

build_variant() {
  local v=$1 name=acl2-$1 image=cis-bdd/acl2-$1:latest
  local -a overlays lists
  mapfile -t overlays < <(overlays_of "$v")
  [ "$v" = stock ] || [ -d "$here/$v" ] || { echo "acl2: no variant directory $here/$v" >&2; exit 1; }
  lists=()
  for o in "${overlays[@]}"; do [ -f "$o/packages.txt" ] && lists+=("$o/packages.txt"); done
  local hash root=$cache/$name tarball=$cache/$name.tar marker=$cache/$name.inputs
  hash=$(inputs_hash "${overlays[@]}")

  if [ "$(cat "$marker" 2>/dev/null)" = "$hash" ] && [ -f "$tarball" ] && [ -f "$root/usr/lib/os-release" ]; then
    say "$name: root filesystem up to date ($root)"
  else
    say "$name: assembling the root filesystem"
    local tmp=$cache/$name.tmp
    rm -rf "$tmp" "$marker"; mkdir -p "$tmp"
    tar --numeric-owner -xf "$userland" -C "$tmp"
    strip_debian "$tmp"
    for o in "${overlays[@]}"; do apply_overlay "$tmp" "$o"; done
    say "$name: RPM database from ${lists[*]#"$here/"}"
    build_rpmdb "$tmp" "$work/$name.rpm" "${lists[@]}"
    local want
    want=$(awk '!/^[[:space:]]*#/ && NF >= 4 { s[$1] = $4 } END { for (p in s) if (s[p] == "installed") print p }' "${lists[@]}" | sort | tr '\n' ' ')
    declared_orphans "${overlays[@]}" >"$work/$name.orphans"
    check_root "$tmp" "$want" "$v" "$work/$name.orphans"
    rm -rf "$root"; mv "$tmp" "$root"
    say "$name: tarball"
    tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    echo "$hash" > "$marker"
  fi

  if [ "$(docker image inspect -f '{{index .Config.Labels "io.cis-bdd.inputs-sha256"}}' "$image" 2>/dev/null || true)" = "$hash" ]; then
    say "$name: image $image up to date"
  else
    say "$name: docker import as $image"
    docker import --change "LABEL io.cis-bdd.inputs-sha256=$hash" --change 'CMD ["/bin/bash"]' "$tarball" "$image" >/dev/null
  fi
  say "$name: $(du -sh "$root" | cut -f1) root filesystem, $(du -h "$tarball" | cut -f1) tarball"
}

for v in "${variants[@]}"; do build_variant "$v"; done
say "done"

#!/usr/bin/env bash
# Compare the fixture with a real Alibaba Cloud Linux 2 system, file by file: every path that ../files/
# and ../attributes define, its mode, owner and (for regular files) content. Read-only on both sides.
#
#   compare.sh IMAGE [FIXTURE-ROOT]
#     IMAGE         e.g. cis-bdd/acl2-real-stock:latest (see Dockerfile); an ECS node's root filesystem
#                   can be compared instead by exporting it into an image with `docker import`
#     FIXTURE-ROOT  default: ${CIS_BDD_FIXTURE_CACHE:-/var/tmp/cis-bdd-fixtures}/acl2-stock
#
# Prints one line per difference; exit status 1 when there is any.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
image=$1
fixture=${2:-${CIS_BDD_FIXTURE_CACHE:-/var/tmp/cis-bdd-fixtures}/acl2-stock}
paths=$( { (cd "$here/files" && find . -mindepth 1 | sed 's|^\.||'); awk '$1 ~ /^[fdel]$/ { print $2 }' "$here/attributes"; } | sort -u)
describe() { # root path -> "mode uid:gid type sha256-or-link"
  local r=$1 p=$2
  if [ ! -e "$r$p" ] && [ ! -L "$r$p" ]; then echo missing; return; fi
  local t sum=-
  t=$(stat -c '%F' "$r$p")
  [ -L "$r$p" ] && sum="-> $(readlink "$r$p")"
  [ -f "$r$p" ] && [ ! -L "$r$p" ] && sum=$(sha256sum < "$r$p" | cut -c1-16)
  echo "$(stat -c '%a %u:%g' "$r$p") $t $sum"
}
real=$(mktemp -d)
trap 'rm -rf "$real"' EXIT
cid=$(docker create "$image")
docker export "$cid" | tar --numeric-owner -C "$real" -xf - 2>/dev/null || true
docker rm "$cid" >/dev/null
diffs=0
while read -r p; do
  case $p in /etc/hostname|/etc/hosts|/etc/resolv.conf|/etc/mtab) continue ;; esac  # Docker writes these in every container
  a=$(describe "$fixture" "$p"); b=$(describe "$real" "$p")
  if [ "$a" != "$b" ]; then echo "$p: fixture [$a] real [$b]"; diffs=1; fi
done <<< "$paths"
exit $diffs

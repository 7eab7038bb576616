#!/usr/bin/env bash
# What `npm test` does before vitest: make this machine ready for the test suite, or stop at once with
# the exact command that would. Safe to run again: everything is keyed by its inputs and reused.
#   1. the Debian packages of scripts/setup/debian-packages.txt (one a line, # comments): missing ones are
#      installed (apt-get update once, then install) when running as root on a Debian-family system;
#   2. the Docker engine: started when it is not running (root), as dockerd with its log in /var/log;
#   3. the official Node.js binaries of the oldest supported and the active LTS lines (scripts/setup/node.sh,
#      from the npm registry, cached), which test/node-lines compares and the cis-bdd image is built on;
#   4. the fixture images and cis-bdd's own image (containers/build.sh), rebuilt only when their inputs
#      changed. The Ubuntu fixture tree is unpacked by vitest's global set-up (test/global-setup.ts).
# CIS_BDD_SKIP_SETUP=1 skips all of it (a machine set up by other means). CIS_BDD_DEBIAN_PACKAGES names
# another package list and CIS_BDD_DOCKERD_LOG another log for dockerd (tests of this script).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "${CIS_BDD_SKIP_SETUP:-}" = 1 ] && { echo "[test-setup] skipped (CIS_BDD_SKIP_SETUP=1)"; exit 0; }
start=$(date +%s)
say() { printf '[test-setup %3ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }
stop() { printf '[test-setup] %s\n' "$@" >&2; exit 1; }
root=false; [ "$(id -u)" = 0 ] && root=true

# one set-up at a time on a machine (parallel test runs share the images and caches)
mkdir -p /var/tmp/cis-bdd-fixtures 2>/dev/null || true
if [ -w /var/tmp/cis-bdd-fixtures ] && command -v flock >/dev/null; then
  exec 8>/var/tmp/cis-bdd-fixtures/test-setup.lock
  flock -w 1800 8 || stop "another test set-up has held /var/tmp/cis-bdd-fixtures/test-setup.lock for 30 minutes (fuser -v names it)"
fi

# --- 1. Debian packages --------------------------------------------------------------------------------
list=${CIS_BDD_DEBIAN_PACKAGES:-scripts/setup/debian-packages.txt}
mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' "$list" | grep .)
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  stop "the tests need these Debian packages (or your system's equivalents), and this is not a Debian-family system:" \
       "  ${pkgs[*]}" "install them, start the Docker engine, then run: bash containers/build.sh && CIS_BDD_SKIP_SETUP=1 npm test"
fi
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  say "Debian packages: all ${#pkgs[@]} of $list installed"
elif $root; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  stop "missing Debian packages: ${missing[*]}" "run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" \
       "(the tests also need root themselves: run npm test as root)"
fi

$root || stop "the tests need root (overlay mounts, chroot, the Docker engine, reading every file of the fixtures): run npm test as root"

# --- 2. the Docker engine ------------------------------------------------------------------------------
dockerd_log=${CIS_BDD_DOCKERD_LOG:-/var/log/cis-bdd-dockerd.log}
if docker info >/dev/null 2>&1; then
  say "Docker engine: running"
else
  say "starting dockerd (log: $dockerd_log)"
  # without the set-up's lock (fd 8): dockerd outlives this script, and a lock it inherited would make
  # every later set-up on this machine wait for it forever
  nohup dockerd >"$dockerd_log" 2>&1 8>&- &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -50 "$dockerd_log" >&2; stop "dockerd did not start (log above)"; }
fi

# --- 3. Node.js lines ---------------------------------------------------------------------------------
for line in oldest active; do
  msg=$(bash scripts/setup/node.sh "$line" 2>&1 >/dev/null) || stop "$msg"
  say "${msg#node.sh: }"
done

# --- 4. images -----------------------------------------------------------------------------------------
tarball=${CIS_BDD_SHARED:-../shared}/fixtures/ubuntu-18.04-rootfs.tar.xz
[ -f "$tarball" ] || stop "the Ubuntu 18.04 fixture tarball $tarball is missing: the tests are built from it" \
  "(it lives in the shared directory beside the checkout; set CIS_BDD_SHARED to where it is)"
say "fixture images and the cis-bdd image (containers/build.sh)"
bash containers/build.sh 2>&1 | { grep -v -E 'DEPRECATED|BuildKit is currently disabled|environment-variable|^$' || true; } | sed 's/^/  /'
say "ready"

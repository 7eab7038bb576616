#!/usr/bin/env bash
# Build the fixture images offline: the base is `docker import`ed from the real Ubuntu 18.04 root
# filesystem in ../shared/fixtures; every other image is a Dockerfile FROM it. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${CIS_BDD_SHARED:-$here/../../shared}
tarball=$shared/fixtures/ubuntu-18.04-rootfs.tar.xz
export DOCKER_BUILDKIT=0

sum=$(sha256sum "$tarball" | cut -d' ' -f1)
have=$(docker image inspect -f '{{index .Config.Labels "io.cis-bdd.source-sha256"}}' cis-bdd/ubuntu-18.04-base:latest 2>/dev/null || true)
if [ "$have" = "$sum" ]; then
  echo "cis-bdd/ubuntu-18.04-base up to date (source ${sum:0:12}), reused"
else
  echo "importing $tarball as cis-bdd/ubuntu-18.04-base"
  docker import --change "LABEL io.cis-bdd.source-sha256=$sum" --change 'CMD ["/bin/bash"]' "$tarball" cis-bdd/ubuntu-18.04-base:latest
fi

# A fixture image is rebuilt only when its inputs change: its directory's files and the image it is FROM,
# hashed into the label io.cis-bdd.inputs-sha256; otherwise it is reused, and the script says so.
build() { # name directory
  local from key have
  from=$(awk '/^FROM/ { print $2; exit }' "$2/Dockerfile")
  key=$( { docker image inspect -f '{{.Id}}' "$from"; cd "$2" && find . \( -type f -o -type l \) -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -d' ' -f1)
  have=$(docker image inspect -f '{{index .Config.Labels "io.cis-bdd.inputs-sha256"}}' "$1" 2>/dev/null || true)
  if [ "$have" = "$key" ]; then
    echo "$1 up to date (inputs ${key:0:12}), reused"
  else
    echo "building $1"
    docker build -q --label "io.cis-bdd.inputs-sha256=$key" -t "$1" "$2" >/dev/null
  fi
}
build cis-bdd/ubuntu-18.04-stock:latest "$here/ubuntu-18.04-stock"
build cis-bdd/ubuntu-18.04-hardened:latest "$here/ubuntu-18.04-hardened"
build cis-bdd/sshd:latest "$here/sshd"
bash "$here/acl2/build.sh"  # Alibaba Cloud Linux 2 fixtures (rootfs, tarball, image): see acl2/README.md
bash "$here/cis-bdd/build.sh"  # cis-bdd's own image, on the Debian userland acl2/build.sh made (needs dist/)
docker image ls --filter reference='cis-bdd/*' --format '{{.Repository}}:{{.Tag}}  {{.Size}}'

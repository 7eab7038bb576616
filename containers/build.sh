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
if [ "$have" != "$sum" ]; then
  echo "importing $tarball as cis-bdd/ubuntu-18.04-base"
  docker import --change "LABEL io.cis-bdd.source-sha256=$sum" --change 'CMD ["/bin/bash"]' "$tarball" cis-bdd/ubuntu-18.04-base:latest
fi

build() { # name directory
  echo "building $1"
  docker build -q -t "$1" "$2" >/dev/null
}
build cis-bdd/ubuntu-18.04-stock:latest "$here/ubuntu-18.04-stock"
build cis-bdd/ubuntu-18.04-hardened:latest "$here/ubuntu-18.04-hardened"
build cis-bdd/sshd:latest "$here/sshd"
bash "$here/acl2/build.sh"  # Alibaba Cloud Linux 2 fixtures (rootfs, tarball, image): see acl2/README.md
docker image ls --filter reference='cis-bdd/*'

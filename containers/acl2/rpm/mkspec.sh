#!/usr/bin/env bash
# Write one .spec per installed package of the fixture into OUTDIR.
#
#   mkspec.sh OUTDIR PACKAGES.txt [VARIANT-PACKAGES.txt ...]
#
# The package lists have the columns of ../packages.txt (name, [epoch:]version-release, arch, state,
# comment). A later list overrides an earlier one by name, so a variant lists only what it changes.
# Only lines whose state is "installed" get a spec. Each spec makes an empty package: no files, no
# scripts, no dependencies beyond what rpmbuild adds by itself; it carries the real name, epoch, version,
# release and architecture, which is all a "package is (not) installed" item asks.
set -euo pipefail
out=$1; shift
mkdir -p "$out"
awk '!/^[[:space:]]*#/ && NF >= 4 { evr[$1] = $2; arch[$1] = $3; state[$1] = $4; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
     END { for (i = 1; i <= n; i++) { p = order[i]; if (state[p] == "installed") print p, evr[p], arch[p]; else if (state[p] != "absent") { print "bad state for " p ": " state[p] > "/dev/stderr"; exit 1 } } }' "$@" |
while read -r name evr arch; do
  epoch=
  case $evr in *:*) epoch=${evr%%:*}; evr=${evr#*:} ;; esac
  version=${evr%-*}
  release=${evr##*-}
  {
    echo "Name: $name"
    [ -n "$epoch" ] && echo "Epoch: $epoch"
    echo "Version: $version"
    echo "Release: $release"
    echo "BuildArch: $arch"
    echo "Summary: Stand-in for the Alibaba Cloud Linux 2 package $name"
    echo "License: n/a"
    echo "Vendor: cis-bdd ACL2 fixture (stand-in, no files)"
    echo
    echo "%description"
    echo "Empty stand-in for $name in the cis-bdd Alibaba Cloud Linux 2 test fixture: it records that"
    echo "$name $evr is installed and installs no files."
    echo
    echo "%files"
  } > "$out/$name.spec"
done

#!/usr/bin/env bash
# `npm run bench [-- options]`: scripts/bench.mjs on a supported Node.js line (scripts/setup/use-node.sh;
# CIS_BDD_NODE=22|24|26|active|oldest picks the line the main tables are measured on), after a build.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/setup/use-node.sh
npm run build
exec node scripts/bench.mjs "$@"

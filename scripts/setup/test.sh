#!/usr/bin/env bash
# `npm test [-- vitest arguments]`: the test suite on a supported Node.js line, on a machine set up for it.
#   1. Node (scripts/setup/use-node.sh): the `node` on PATH when it is a supported line, else the active
#      LTS (Node 20 is past its end of life), fetched once from the npm registry. CIS_BDD_TEST_NODE=
#      22|24|26|active|oldest picks a line (CI runs the suite on the active LTS and a part of it again on
#      the oldest line: see .ci/run).
#   2. npm run build; 3. scripts/setup/test-setup.sh (packages, Docker engine, images); 4. vitest run.
set -euo pipefail
cd "$(dirname "$0")/../.."
CIS_BDD_NODE=${CIS_BDD_TEST_NODE:-} . scripts/setup/use-node.sh
npm run build
bash scripts/setup/test-setup.sh
exec vitest run "$@"

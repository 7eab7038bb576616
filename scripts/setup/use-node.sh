# Sourced by scripts that run cis-bdd's own tooling (npm test, npm run bench): puts a supported Node.js
# first on PATH and says which. The line in CIS_BDD_NODE (22|24|26|active|oldest) when set; else the `node`
# on PATH when it is a supported line (scripts/setup/node-lines); else the active LTS. Lines other than the
# one on PATH are fetched once by scripts/setup/node.sh (the official binaries the npm registry ships).
_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$_here/node-lines"
_current=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)
if [ -n "${CIS_BDD_NODE:-}" ]; then
  PATH="$(bash "$_here/node.sh" "$CIS_BDD_NODE"):$PATH"
elif [[ " $NODE_SUPPORTED_LINES " != *" $_current "* ]]; then
  echo "[node] the node on PATH ($(node --version 2>/dev/null || echo none)) is not a supported line ($NODE_SUPPORTED_LINES): using the active LTS, Node $NODE_ACTIVE_LTS"
  PATH="$(bash "$_here/node.sh" active):$PATH"
fi
export PATH
echo "[node] Node.js $(node --version) ($(command -v node))"
unset _here _current

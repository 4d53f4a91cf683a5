#!/usr/bin/env bash
# scale.sh — the full scale test (figures in BENCHMARKS.md): 10,000 TLS clients connected at
# once to a real tiendo-server, server RSS, p99 of a no-op sync at 1,000/s,
# with the targets checked (TD_SCALE_CHECK=1).  It is
# tests/integration/scale_smoke.sh with big sizes; override with the same
# variables (TD_SCALE_N, TD_SCALE_RATE, TD_SCALE_SECONDS,
# TD_SCALE_RECONNECT_RATE, TD_SCALE_SOURCES).
#
#   bench/scale.sh [BUILD_DIR]      (default ./build)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$(cd "${1:-$ROOT/build}" && pwd)
export TD_SOURCE_DIR=$ROOT TD_BUILD_DIR=$B TIENDO_SERVER=$B/tiendo-server TIENDO=$B/tiendo TIENDO_PKI=$B/tiendo-pki
export TD_TOOL_td_scale=$B/tests/td_scale TD_TOOL_td_proxy=$B/tests/td_proxy
export TD_SCALE_N=${TD_SCALE_N:-10000} TD_SCALE_RATE=${TD_SCALE_RATE:-1000} TD_SCALE_SECONDS=${TD_SCALE_SECONDS:-20}
export TD_SCALE_RECONNECT_RATE=${TD_SCALE_RECONNECT_RATE:-$TD_SCALE_RATE} TD_SCALE_SOURCES=${TD_SCALE_SOURCES:-4}
export TD_SCALE_CHECK=1
exec bash "$ROOT/tests/integration/scale_smoke.sh"

#!/usr/bin/env bash
# fold.sh — every CLI command and every web page on five years of data
# (bench/tdfold_bench.c; figures in BENCHMARKS.md, "Five years in a replica").
#
#   bench/fold.sh BUILD_DIR [WORK_DIR] [-- tdfold_bench options]
#
# Makes (once; kept in WORK_DIR, default /tmp/tdfold) five years of plan 726
# with every agency leading every task (tests/tools/td_history --years 5
# --all-leads: ~139,000 signed entries, monthly reports, reviews, conditions
# met, deadline edits), serves it with a real tiendo-server on loopback,
# makes a central device and syncs its replica over TLS (again at every run:
# the sync stores the persisted fold), stops the server, then runs
# tdfold_bench on that replica.  The test clock is the history's
# as-of day (23/12/2025).
set -euo pipefail
B=${1:?usage: bench/fold.sh BUILD_DIR [WORK_DIR] [-- tdfold_bench options]}
B=$(cd "$B" && pwd)
shift
W=${1:-/tmp/tdfold}
[ $# -gt 0 ] && shift
[ "${1:-}" = -- ] && shift
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TIENDO_TEST_CLOCK="2025-12-23 10:00@$(date +%s)"
mkdir -p "$W"
if [ ! -s "$W/central/replica.db" ]; then
    rm -rf "$W/data" "$W/central"
    "$B/tests/td_history" --plan "$SRC/data/plans/726-KH-UBND.txt" --out "$W/data" --period 2025-12 --years 5 \
        --all-leads --seed 57
fi
D=$W/data
rm -f "$W/srv.port"
"$B/tiendo-server" serve --listen 127.0.0.1:0 --port-file "$W/srv.port" --data "$D" --ca "$D/ca.crt" \
    --cert "$D/server.crt" --key "$D/server.key" >"$W/srv.log" 2>&1 &
SRV=$!
trap 'kill "$SRV" 2>/dev/null || true' EXIT
for _ in $(seq 600); do [ -s "$W/srv.port" ] && break; sleep 0.1; done
[ -s "$W/srv.port" ] || { echo "fold.sh: the server did not start: $(cat "$W/srv.log")" >&2; exit 1; }
if [ ! -s "$W/central/replica.db" ]; then
    mkdir -p "$W/central"
    cp "$D/devices/central/device.key" "$W/central/device.key"
    chmod 600 "$W/central/device.key"
    "$B/tiendo" init --dir "$W/central" --cert "$D/devices/central.crt" --ca "$D/ca.crt" \
        --server "127.0.0.1:$(cat "$W/srv.port")" >/dev/null
fi
# every run syncs (nothing new when the replica is kept): the sync stores the
# persisted fold that every command then loads at open
"$B/tiendo" sync --dir "$W/central" --server "127.0.0.1:$(cat "$W/srv.port")" 2>/dev/null
kill "$SRV"
wait "$SRV" || true
trap - EXIT
echo "machine: $(nproc) cores, $(uname -sr)"
"$B/tdfold_bench" --dir "$W/central" --bin "$B/tiendo" "$@"

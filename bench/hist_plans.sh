#!/usr/bin/env bash
# hist_plans.sh — `tiendo audit history --task PLAN:N` with 71 plans in the log
# (figures in BENCHMARKS.md, "Audit history with 71 plans").
#
#   bench/hist_plans.sh BUILD_DIR FOLD_DIR [WORK_DIR] [OLD_TIENDO] [RUNS]
#
# FOLD_DIR is what bench/fold.sh made (data/ and central/, five years of plan
# 726).  A copy of it (WORK_DIR, default /tmp/tdhist-plans) gets 70 more plans
# (plan 245's tasks under the numbers 1001/KH-UBND..1070/KH-UBND, by
# `tiendo-server plan import --apply`), served once to sync the central
# replica.  Then `audit history --task 1070:5` and `--task 5` run RUNS times
# (default 5) with BUILD_DIR's tiendo and, alternating, with OLD_TIENDO (if
# given); the outputs must be the same bytes.  Wall times in ms, the load
# before and after; with valgrind, one callgrind count each.
set -euo pipefail
B=$(cd "${1:?usage: bench/hist_plans.sh BUILD_DIR FOLD_DIR [WORK_DIR] [OLD_TIENDO] [RUNS]}" && pwd)
F=$(cd "${2:?FOLD_DIR: what bench/fold.sh made}" && pwd)
W=${3:-/tmp/tdhist-plans}
OLD=${4:-}
RUNS=${5:-5}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TIENDO_TEST_CLOCK="2025-12-23 10:00@$(date +%s)"
if [ ! -s "$W/central/replica.db" ]; then
    rm -rf "$W"
    mkdir -p "$W"
    cp -a "$F/data" "$F/central" "$W/"
    D=$W/data
    KEYS=(--data "$D" --ca "$D/ca.crt" --cert "$D/server.crt" --key "$D/server.key")
    P=$SRC/data/plans/245-KH-UBND-HP
    # the communes plan 245 names beside the built-in registry
    for a in "phuong-le-thanh-nghi|Phường Lê Thanh Nghị" "xa-gia-loc|Xã Gia Lộc" "phuong-thanh-dong|Phường Thành Đông"; do
        "$B/tiendo-server" agency add "${a%%|*}" "${a#*|}" --kind commune --date 01/07/2025 "${KEYS[@]}" >/dev/null
    done
    for n in $(seq 1001 1070); do
        "$B/tiendo-server" plan import "$P.tasks.csv" "$P.indicators.csv" --plan "$n/KH-UBND" --title "Kế hoạch $n" \
            --issuer "UBND thành phố Hải Phòng" --date 15/08/2025 --apply "${KEYS[@]}" >/dev/null
    done
    "$B/tiendo-server" serve --listen 127.0.0.1:0 --port-file "$W/port" "${KEYS[@]}" >"$W/serve.log" 2>&1 &
    PID=$!
    trap 'kill "$PID" 2>/dev/null || true' EXIT
    for _ in $(seq 600); do
        if [ -s "$W/port" ]; then break; fi
        sleep 0.1
    done
    "$B/tiendo" sync --dir "$W/central" --server "127.0.0.1:$(cat "$W/port")" >/dev/null
    kill "$PID"
    wait "$PID" || true
    trap - EXIT
fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
for task in 1070:5 5; do
    NEW=(audit history --task "$task" --dir "$W/central")
    "$B/tiendo" "${NEW[@]}" >"$W/new.txt"
    line="--task $task:"
    if [ -n "$OLD" ]; then
        "$OLD" "${NEW[@]}" >"$W/old.txt"
        cmp -s "$W/old.txt" "$W/new.txt" || { echo "hist_plans.sh: --task $task: outputs differ" >&2; exit 1; }
    fi
    for _ in $(seq "$RUNS"); do
        line="$line new $(ms "$B/tiendo" "${NEW[@]}")"
        if [ -n "$OLD" ]; then line="$line old $(ms "$OLD" "${NEW[@]}")"; fi
    done
    echo "$line ms ($(grep -c . "$W/new.txt") lines, the same bytes)"
    if command -v valgrind >/dev/null; then
        for v in "$B/tiendo" $OLD; do
            echo "  callgrind $v: $(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$v" "${NEW[@]}" 2>&1 \
                >/dev/null | grep -o 'Collected : [0-9]*')"
        done
    fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# run.sh — tiendo, PouchDB and Fossil on the same records, the same N and M,
# one table.
#
#   bench/peers/run.sh [--build DIR] [--ns "2000 20000 100000"] [--ms "1 4 20"]
#                      [--work DIR] [--text-bytes B] [--out FILE]
#
# For every (N, M): tdbench (bench/tdbench.c, from DIR, default ./build),
# pouchdb/bench.js and fossil/fossil.sh, in an order that rotates from one
# (N, M) to the next so that no system always runs first or last on a shared
# machine.  Each prints a "RESULT system k=v ..." line; the lines go to FILE
# (default WORK/results.txt) and the table is printed from them
# (bench/peers/table.sh FILE prints it again).  Install the peers first:
# bench/peers/install.sh.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$ROOT/build NS="2000 20000 100000" MS="1 4 20" WORK= TEXT=300 OUT=
while [ $# -gt 0 ]; do
    case $1 in
        --build) BUILD=$2; shift 2 ;;
        --ns) NS=$2; shift 2 ;;
        --ms) MS=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        --text-bytes) TEXT=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ -x "$BUILD/tdbench" ] || { echo "run.sh: $BUILD/tdbench not built" >&2; exit 1; }
[ -d "$HERE/pouchdb/node_modules" ] || { echo "run.sh: PouchDB not installed: run bench/peers/install.sh" >&2; exit 1; }
command -v fossil >/dev/null || { echo "run.sh: fossil not installed: run bench/peers/install.sh" >&2; exit 1; }
[ -n "$WORK" ] || WORK=$(mktemp -d /tmp/tdpeers-XXXXXX)
mkdir -p "$WORK"
OUT=${OUT:-$WORK/results.txt}
: >"$OUT"
echo "run.sh: work dir $WORK, results in $OUT; $(nproc) cores, $(uname -r)"

run_one() {   # system n m
    local sys=$1 n=$2 m=$3 d="$WORK/$1-$2-$3" log
    rm -rf "$d"
    log="$WORK/$1-$2-$3.log"
    local t0=$SECONDS rc=0
    case $sys in
        tiendo) "$BUILD/tdbench" --bin-dir "$BUILD" --plan "$ROOT/data/plans/726-KH-UBND.txt" -n "$n" -m "$m" \
                    --text-bytes "$TEXT" --work "$d" >"$log" 2>&1 || rc=$? ;;
        pouchdb) node "$HERE/pouchdb/bench.js" --n "$n" --m "$m" --work "$d" --text-bytes "$TEXT" >"$log" 2>&1 || rc=$? ;;
        fossil) "$HERE/fossil/fossil.sh" -n "$n" -m "$m" --work "$d" --text-bytes "$TEXT" >"$log" 2>&1 || rc=$? ;;
    esac
    if [ "$rc" -ne 0 ] || ! grep -q "^RESULT $sys " "$log"; then
        echo "run.sh: $sys N=$n M=$m failed (exit $rc); see $log" >&2
        echo "RESULT $sys n=$n m=$m failed=1" >>"$OUT"
    else
        grep "^RESULT $sys " "$log" >>"$OUT"
        rm -rf "$d"
    fi
    echo "  $sys N=$n M=$m: $((SECONDS - t0)) s"
}

k=0
for n in $NS; do
    for m in $MS; do
        order=(tiendo pouchdb fossil)
        for ((i = 0; i < 3; i++)); do run_one "${order[$(((i + k) % 3))]}" "$n" "$m"; done
        k=$((k + 1))
    done
done
echo
"$HERE/table.sh" "$OUT"

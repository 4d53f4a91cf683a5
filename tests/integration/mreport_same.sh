#!/usr/bin/env bash
# mreport_same.sh — the monthly report's bytes do not change when its
# evaluation gets faster (common/status.c, common/mreport.c).
#
# Two generated multi-year histories of plan 726 (tests/tools/td_history,
# fixed seeds: the generator is deterministic, so the same seed gives the
# same log, reports and receive times), each rendered by `tiendo-server
# report` in text, CSV and HTML for several periods, as-of dates (before
# the due day, the meeting day, months later) and options; the SHA-256 of
# every output is compared with tests/fixtures/mreport_same/sums.txt,
# produced by the straightforward evaluation (one replay index per cut-off,
# every lead's periods scanned) before the fast paths existed.
#
# The sums change only when what a report says changes on purpose: then
# regenerate them with
#   TD_MREPORT_SAME_WRITE=tests/fixtures/mreport_same/sums.txt ctest -R mreport_same
# (a path relative to the source tree) and say why in the commit.
set -euo pipefail
# shellcheck source=lib/tdtest.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdtest.sh"
: "${TD_TOOL_td_history:?path of td_history}"
PLAN=$TD_SOURCE_DIR/data/plans/726-KH-UBND.txt
SUMS=$TD_SOURCE_DIR/tests/fixtures/mreport_same/sums.txt
# The history's as-of day; every report below names its --as-of, so the
# clock decides nothing the sums cover.
export TIENDO_TEST_CLOCK="2025-12-23 10:00!"
unset TIENDO_TODAY

# history DESC ARGS...: td_history, with the time a loaded machine needs (a
# generated history is written once per case and never raced against)
history() {
    local desc=$1 rc=0
    shift
    timeout $((300 * TD_SLOW)) "$TD_TOOL_td_history" --plan "$PLAN" "$@" >"$W/.out" 2>"$W/.err" || rc=$?
    if [ "$rc" -eq 0 ]; then pass "$desc"; else die "$desc: exit $rc: $(tail -n 5 "$W/.err")"; fi
}

# report NAME DATA ARGS...: one rendering, its sum appended to $W/sums.txt
report() {
    local name=$1 data=$2
    shift 2
    run 0 "report $name" "$SRV_BIN" report --data "$data" --out "$W/out" "$@"
    [ -s "$W/out" ] || fail "report $name is empty"
    echo "$name $(sha256sum <"$W/out" | cut -d' ' -f1)" >>"$W/sums.txt"
}

: >"$W/sums.txt"
say "two years, every agency leading every task (seed 7)"
history "td_history --years 2 --all-leads" --out "$W/a" --period 2025-12 --years 2 --all-leads --seed 7
for f in text csv html; do
    report "a-2025-12-$f" "$W/a" --period 2025-12 --as-of 23/12/2025 --format "$f"
    report "a-2025-06-$f" "$W/a" --period 2025-06 --as-of 23/06/2025 --format "$f"
done
report a-2025-06-before-due "$W/a" --period 2025-06 --as-of 10/06/2025 --format csv
report a-2025-06-months-later "$W/a" --period 2025-06 --as-of 15/10/2025 --format csv
report a-2024-03-csv "$W/a" --period 2024-03 --as-of 23/03/2024 --format csv
report a-2024-03-html "$W/a" --period 2024-03 --as-of 31/03/2024 --format html
report a-2024-01-first "$W/a" --period 2024-01 --as-of 05/01/2024 --format csv
report a-2025-11-options-csv "$W/a" --period 2025-11 --as-of 23/11/2025 --report-day 10 --due-soon-days 30 \
    --format csv
report a-2025-11-options-text "$W/a" --period 2025-11 --as-of 23/11/2025 --report-day 31 --due-soon-days 0 \
    --format text
report a-2025-12-running "$W/a" --period 2025-12 --as-of 05/12/2025 --format text
rm -rf "$W/a"

say "three years, the plan's own leads (seed 11)"
history "td_history --years 3" --out "$W/b" --period 2025-12 --years 3 --seed 11
for f in text csv html; do
    report "b-2025-12-$f" "$W/b" --period 2025-12 --as-of 23/12/2025 --format "$f"
done
report b-2023-07-csv "$W/b" --period 2023-07 --as-of 23/07/2023 --format csv
report b-2024-12-csv "$W/b" --period 2024-12 --as-of 20/02/2025 --format csv
report b-2025-02-text "$W/b" --period 2025-02 --as-of 28/02/2025 --format text
rm -rf "$W/b"

if [ -n "${TD_MREPORT_SAME_WRITE:-}" ]; then
    cp "$W/sums.txt" "$TD_SOURCE_DIR/$TD_MREPORT_SAME_WRITE"
    say "wrote $TD_MREPORT_SAME_WRITE"
fi
[ -s "$SUMS" ] || die "no reference sums: $SUMS"
while read -r name sum; do
    want=$(awk -v n="$name" '$1 == n { print $2 }' "$SUMS")
    if [ -z "$want" ]; then fail "$name: not in $(basename "$SUMS")"
    elif [ "$want" = "$sum" ]; then pass "$name: same bytes as the reference"
    else fail "$name: the output differs from the reference (sha256 $sum, expected $want)"
    fi
done <"$W/sums.txt"
if [ "$(wc -l <"$SUMS")" -ne "$(wc -l <"$W/sums.txt")" ]; then fail "$(basename "$SUMS") lists other reports"; fi
finish

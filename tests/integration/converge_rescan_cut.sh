#!/usr/bin/env bash
# converge_rescan_cut.sh — a rescan cut short resumes where it stopped
# (Pull.rescan_tasks, client/replica.h): Sở Tư pháp holds its own reports
# and Sở Y tế's on task 1 (it is a partner); Sở Y tế also reports on task 47,
# which a plan re-import then gives Sở Tư pháp.  Its next sync pulls the new
# plan and re-pulls from the start of the log only task 47
# (TIENDO_PULL_BATCH=1: one entry per round trip).  td_proxy cuts that sync
# at points over the rescan; after each cut that left a rescan in progress
# (meta rescan_until), the replica keeps the task filter (meta
# rescan_task.47), and the next sync pulls only the task 47 entries not yet
# pulled, not every visible entry again; the replica then equals the
# server's view and a fresh device's.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"   # also exports TZ=Asia/Ho_Chi_Minh
exec </dev/null
mid_month
export TIENDO_PULL_BATCH=1

sync_main
enrol_as "$W/yte" so-y-te pc-01 office "127.0.0.1:$P"
enrol_as "$W/tp" so-tu-phap pc-01 office "127.0.0.1:$P"
enrol_as "$W/fresh" so-tu-phap fresh-01 office "127.0.0.1:$P"
N47=8
for i in $(seq 1 "$N47"); do
    report "$W/yte" 1 "$PER" --state dang --percent "$i" --result "Nhiệm vụ 1, lần $i"
    report "$W/yte" 47 "$PER" --state dang --percent "$i" --result "KIOSK y tế, lần $i"
done
tsync "$W/yte"
eq "so-y-te pushes" "$SYNC_RC" 0
for i in 1 2 3 4 5 6; do report "$W/tp" 23 "$PER" --state dang --percent "$((i * 10))" --result "Tư pháp, lần $i"; done
tsync "$W/tp"
eq "so-tu-phap pushes and pulls" "$SYNC_RC" 0
sed 's/^\(47\.\t.*\tSở Y tế\t\)Các ngân hàng/\1Sở Tư pháp, các ngân hàng/' "$PLAN" >"$W/plan2.txt"
grep -q "Sở Tư pháp, các ngân hàng" "$W/plan2.txt" || die "plan edit did not apply"
run 0 "plan re-import: so-tu-phap partner of task 47" "$SRV_BIN" plan import "$W/plan2.txt" --apply --data "$W/data-main" "${SRV_KEYS[@]}"
cp -a "$W/tp" "$W/tp-tpl"

say "one uncut sync through the proxy"
cp -a "$W/tp-tpl" "$W/tp-m"
px_start pxm "$P" --trace
tsync "$W/tp-m" --server "127.0.0.1:$PX_PORT"
eq "uncut sync" "$SYNC_RC" 0
px_stop "$PX_PID"
check_digest "uncut sync" main "$W/tp-m" so-tu-phap
TOTAL=$(sed -n 's/^conn 1: .* total=\([0-9]*\) .*/\1/p' "$W/pxm.out")
[ -n "$TOTAL" ] && [ "$TOTAL" -gt 0 ] || die "no byte count from td_proxy: $(cat "$W/pxm.out")"
say "one sync = $TOTAL bytes; $(cat "$W/.sync.out" | tr '\n' ' ')"

# the cut points: the middle of every chunk in the last half of the sync
# (the plan comes first, then the rescan's round trips), then every 250th
# byte of the last 8,000
POINTS=$({
    sed -n 's/^chunk 1 [a-z]* \([0-9]*\)+\([0-9]*\)$/\1 \2/p' "$W/pxm.out" |
        awk -v t="$TOTAL" '$1 > t / 2 { print $1 + int($2 / 2) }' | head -n 40
    seq $((TOTAL > 8000 ? TOTAL - 8000 : 1)) 250 "$TOTAL"
})
mid=0
deep=0
k=0
for n in $POINTS; do
    k=$((k + 1))
    d=$W/tp-c$k
    cp -a "$W/tp-tpl" "$d"
    px_start pxc "$P" --cut-after "$n" --once
    tsync "$d" --server "127.0.0.1:$PX_PORT"
    px_stop "$PX_PID"
    until=$(sq "$d/replica.db" "SELECT value FROM meta WHERE key='rescan_until';")
    [ "${until:-0}" -gt 0 ] || continue
    mid=$((mid + 1))
    cur=$(sq "$d/replica.db" "SELECT value FROM meta WHERE key='cursor';")
    [ "$cur" -gt 1 ] && deep=$((deep + 1))
    eq "cut at byte $n (cursor $cur, rescan until $until): the task filter is kept" \
        "$(sq "$d/replica.db" "SELECT group_concat(value) FROM meta WHERE key GLOB 'rescan_task.*';")" 47
    # what is left of the rescan: the task 47 entries at or after the cursor
    left=$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE task=47 AND idx >= $cur AND idx < $until;")
    tsync "$d"
    eq "cut at byte $n: the next sync succeeds" "$SYNC_RC" 0
    got=$(sed -n 's/.*nhận \([0-9]*\),.*/\1/p' "$W/.sync.out")
    if [ -n "$got" ] && [ "$got" -le "$left" ]; then
        pass "cut at byte $n: the rescan resumed: $got entries pulled (task 47 entries left: $left)"
    else
        fail "cut at byte $n: $got entries pulled, want at most the $left task 47 entries left: $(cat "$W/.sync.out")"
    fi
    eq "cut at byte $n: rescan over" "$(sq "$d/replica.db" "SELECT COUNT(*) FROM meta WHERE key GLOB 'rescan_task.*' OR (key='rescan_until' AND value>0);")" 0
    check_digest "cut at byte $n" main "$d" so-tu-phap
    [ "$deep" -ge 2 ] && break
done
ge "cuts that left a rescan in progress" "$mid" 1
ge "cuts after part of the rescan was pulled" "$deep" 1
tsync "$W/fresh"
eq "fresh device syncs" "$SYNC_RC" 0
eq "fresh device = resumed device" "$(cli_digest "$W/fresh")" "$(cli_digest "$d")"

sv_stop main
finish

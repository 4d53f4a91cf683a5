#!/usr/bin/env bash
# converge_visibility.sh — replicas converge when an office's set of visible
# entries changes behind its cursor (the visibility rule in common/derive.h):
#   plan:   Sở Y tế reports on task 47, Sở Tư pháp syncs; a re-imported
#           plan makes so-tu-phap a partner of 47; so-tu-phap syncs again:
#           its replica now holds the report, and its digest equals a fresh
#           so-tu-phap device's and the server's view;
#   merge:  central returns the Sở Y tế report; so-y-te and so-vhttdl are
#           merged into so-tu-phap (dated 01/06/2025); so-tu-phap's old
#           device gets the review, so-y-te's old device drops the return it
#           no longer sees; both equal a fresh device and the server's view;
#   future: a rename dated tomorrow changes visibility at its log position:
#           the server's view digest is the same today and "tomorrow"
#           (TIENDO_TEST_CLOCK), and equals the old and the fresh device's;
#   audit:  the inspector's `tiendo audit history --agency so-tu-phap` holds
#           the Sở Y tế report once so-tu-phap is a partner of task 47, and
#           at each step lists the same log entries as so-tu-phap's office
#           shows from its own replica (visibility rule, docs/LOG.md §7).
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"   # also exports TZ=Asia/Ho_Chi_Minh
exec </dev/null
mid_month

# fresh_eq DESC DIR AGENCY [FRESHDIR]: DIR's digest == a fresh device of
# AGENCY synced once == the server's view of AGENCY.  FRESHDIR: a device
# enrolled earlier and never synced (the CA signs no certificate for an
# agency that has ended).
FRESH=0
fresh_eq() {
    local desc=$1 dir=$2 ag=$3 fd=${4:-} a b c
    FRESH=$((FRESH + 1))
    if [ -z "$fd" ]; then
        fd="$W/fresh-$FRESH"
        enrol_as "$fd" "$ag" "fresh-$FRESH" office "127.0.0.1:$P"
    fi
    tsync "$fd"
    eq "$desc: fresh $ag device syncs" "$SYNC_RC" 0
    a=$(cli_digest "$dir")
    b=$(cli_digest "$fd")
    c=$(srv_digest main "$ag")
    if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ]; then
        pass "$desc: old device = fresh device = server view (${a:0:16}…)"
    else
        fail "$desc: old device $a, fresh device $b, server view $c"
    fi
}

sync_main
enrol_as "$W/yte" so-y-te pc-01 office "127.0.0.1:$P"
enrol_as "$W/tp" so-tu-phap pc-01 office "127.0.0.1:$P"
enrol_as "$W/khcn" so-khcn central-01 central "127.0.0.1:$P"
enrol_as "$W/tt" thanh-tra tt-01 inspector "127.0.0.1:$P"

# hist_idx DIR AGENCY: the log indexes `tiendo audit history --agency` lists from DIR's replica
hist_idx() { "$TD" audit history --agency "$2" --dir "$1" 2>>"$W/hist.err" | sed -n 's/^mục \([0-9]*\) .*/\1/p' | sort -n | tr '\n' ' '; }
# audit_eq DESC: the inspector's history of so-tu-phap = so-tu-phap's office's own
audit_eq() {
    local a b
    tsync "$W/tt"
    a=$(hist_idx "$W/tt" so-tu-phap)
    b=$(hist_idx "$W/tp" so-tu-phap)
    if [ ! -s "$W/hist.err" ] && [ "$a" = "$b" ]; then pass "$1: inspector's and office's audit history of so-tu-phap list the same entries ($a)"
    else fail "$1: audit history of so-tu-phap: inspector lists \"$a\", office lists \"$b\""; fi
}

say "plan: a re-import makes so-tu-phap a partner of task 47"
report "$W/yte" 47 "$PER" --state dang --percent 40 --result "KIOSK y tế tại 12 bệnh viện"
tsync "$W/yte"
eq "so-y-te pushes its report" "$SYNC_RC" 0
tsync "$W/tp"
eq "so-tu-phap syncs before the plan change" "$SYNC_RC" 0
"$TD" task 47 --dir "$W/tp" >"$W/tp-47a.txt" 2>&1 || true
if grep -q "KIOSK y tế tại 12" "$W/tp-47a.txt"; then fail "so-tu-phap sees the report before it is a partner"; else
    pass "so-tu-phap does not see the report before it is a partner"; fi
sed 's/^\(47\.\t.*\tSở Y tế\t\)Các ngân hàng/\1Sở Tư pháp, các ngân hàng/' "$PLAN" >"$W/plan2.txt"
grep -q "Sở Tư pháp, các ngân hàng" "$W/plan2.txt" || die "plan edit did not apply"
run 0 "plan re-import with so-tu-phap partner of 47" "$SRV_BIN" plan import "$W/plan2.txt" --apply --data "$W/data-main" "${SRV_KEYS[@]}"
tsync "$W/tp"
eq "so-tu-phap syncs after the plan change" "$SYNC_RC" 0
# the back-fill is the change only: the new plan and the one report on task
# 47 (Pull.rescan_tasks), not every entry visible to so-tu-phap again
got=$(sed -n 's/.*nhận \([0-9]*\),.*/\1/p' "$W/.sync.out")
if [ -n "$got" ] && [ "$got" -le 3 ]; then pass "back-fill after the plan change: $got entries pulled"
else fail "back-fill pulled \"$got\" entries: $(cat "$W/.sync.out")"; fi
"$TD" task 47 --dir "$W/tp" >"$W/tp-47b.txt" 2>&1 || true
if grep -q "KIOSK y tế tại 12" "$W/tp-47b.txt"; then pass "so-tu-phap's old device now has the Sở Y tế report"; else
    fail "so-tu-phap's old device lacks the report: $(head -c 400 "$W/tp-47b.txt")"; fi
fresh_eq "plan change" "$W/tp" so-tu-phap
audit_eq "plan change"
"$TD" audit history --agency so-tu-phap --dir "$W/tt" >"$W/tt-hist.txt" 2>&1 || true
if grep -q "KIOSK y tế tại 12" "$W/tt-hist.txt"; then pass "inspector: so-tu-phap's history holds the report on task 47 it became partner of"
else fail "inspector: so-tu-phap's history lacks the task 47 report: $(cat "$W/tt-hist.txt")"; fi

say "plan: a re-import removes so-tu-phap again"
run 0 "plan re-import of the original plan" "$SRV_BIN" plan import "$PLAN" --apply --data "$W/data-main" "${SRV_KEYS[@]}"
tsync "$W/tp"
eq "so-tu-phap syncs after the removal" "$SYNC_RC" 0
"$TD" task 47 --dir "$W/tp" >"$W/tp-47c.txt" 2>&1 || true
if grep -q "KIOSK y tế tại 12" "$W/tp-47c.txt"; then fail "so-tu-phap still shows a report it no longer sees"; else
    pass "so-tu-phap dropped the report it no longer sees"; fi
fresh_eq "plan removal" "$W/tp" so-tu-phap
audit_eq "plan removal"

say "merge: so-y-te and so-vhttdl into so-tu-phap after a return"
tsync "$W/khcn"
eq "central syncs" "$SYNC_RC" 0
run 0 "central returns the so-y-te report" "$TD" review 47 --dir "$W/khcn" --agency so-y-te --period "$PER" --return "Thiếu danh sách bệnh viện"
tsync "$W/khcn"
eq "central pushes the return" "$SYNC_RC" 0
tsync "$W/yte"
eq "so-y-te pulls the return" "$SYNC_RC" 0
tsync "$W/tp"
enrol_as "$W/fresh-yte" so-y-te fresh-yte office "127.0.0.1:$P"
run 0 "agency merge dated 01/06/2025" "$SRV_BIN" agency merge so-y-te so-vhttdl --into so-tu-phap --date 01/06/2025 \
    --data "$W/data-main" "${SRV_KEYS[@]}"
tsync "$W/tp"
eq "so-tu-phap syncs after the merge" "$SYNC_RC" 0
"$TD" task 47 --dir "$W/tp" >"$W/tp-47d.txt" 2>&1 || true
if grep -q "Thiếu danh sách bệnh viện" "$W/tp-47d.txt"; then pass "successor's old device shows the return"; else
    fail "successor's old device lacks the return: $(head -c 400 "$W/tp-47d.txt")"; fi
fresh_eq "merge, successor" "$W/tp" so-tu-phap
audit_eq "merge"
tsync "$W/yte"
eq "so-y-te's old device syncs after the merge" "$SYNC_RC" 0
fresh_eq "merge, merged agency" "$W/yte" so-y-te "$W/fresh-yte"

say "future-dated rename: visibility from its log position, never the wall clock"
TOMORROW=$(td_date %d/%m/%Y 1)
enrol_as "$W/gd" so-gddt pc-01 office "127.0.0.1:$P"
report "$W/tp" 27 "$PER" --state dang --percent 10 --result "Chuyển đổi số tư pháp"
tsync "$W/tp"
tsync "$W/gd"
run 0 "rename so-gddt dated tomorrow" "$SRV_BIN" agency rename so-gddt so-gddt-moi "Sở Giáo dục và Đào tạo (mới)" \
    --date "$TOMORROW" --data "$W/data-main" "${SRV_KEYS[@]}"
tsync "$W/gd"
eq "so-gddt syncs after the rename" "$SYNC_RC" 0
"$TD" task 27 --dir "$W/gd" >"$W/gd-27.txt" 2>&1 || true
if grep -q "Chuyển đổi số tư pháp" "$W/gd-27.txt"; then fail "so-gddt still shows a partner's report after its rename"; else
    pass "so-gddt no longer shows a partner's report once renamed (dated tomorrow)"; fi
fresh_eq "rename dated tomorrow" "$W/gd" so-gddt
tsync "$W/tp"
audit_eq "rename dated tomorrow"
enrol_as "$W/gdm" so-gddt-moi pc-01 office "127.0.0.1:$P"
tsync "$W/gdm"
check_digest "rename dated tomorrow, successor device" main "$W/gdm" so-gddt-moi
d1=$(srv_digest main so-gddt-moi)
d2=$(TIENDO_TEST_CLOCK="$(td_date %Y-%m-%d 2) 10:00@$(date +%s)" srv_digest main so-gddt-moi)
if [ -n "$d1" ] && [ "$d1" = "$d2" ]; then pass "server view of so-gddt-moi is the same today and after the rename's date";
else fail "server view of so-gddt-moi differs with the date: $d1 vs $d2"; fi

sv_stop main
finish

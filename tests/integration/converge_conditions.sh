#!/usr/bin/env bash
# converge_conditions.sh — condition history: central records that task
# 75's condition was met (received in June 2025), then a second condition
# entry (received in July 2025).  `tiendo task 75 --date 20/06/2025` shows
# the same status before and after the second entry (status at a past date
# uses the conditions known then), and `tiendo task 75` lists both.  Every
# process reads the test clock (common/clock.h), set to June, then July 2025:
# the server's receive times and the certificates' validity follow.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"   # also exports TZ=Asia/Ho_Chi_Minh
exec </dev/null
unset TIENDO_TODAY
export TIENDO_TEST_CLOCK="2025-06-10 10:00:00@$(date +%s)"

sync_main
enrol_as "$W/khcn" so-khcn central-01 central "127.0.0.1:$P"
tsync "$W/khcn"
eq "central pulls the plan" "$SYNC_RC" 0
run 0 "condition of task 75 met 01/05/2025, due 05/2025" "$TD" condition 75 --dir "$W/khcn" --met 01/05/2025 --due 05/2025 --note "Văn bản 1"
tsync "$W/khcn"
eq "central syncs in June" "$SYNC_RC" 0
"$TD" task 75 --dir "$W/khcn" --date 20/06/2025 >"$W/t1.txt" 2>&1 || die "task 75: $(cat "$W/t1.txt")"
sed -n '/^Trạng thái tại ngày/,/^$/p' "$W/t1.txt" >"$W/s1.txt"
[ -s "$W/s1.txt" ] || die "no status section in: $(cat "$W/t1.txt")"
sv_stop main

export TIENDO_TEST_CLOCK="2025-07-15 10:00:00@$(date +%s)"
"$PKI" crl --dir "$W/ca" >/dev/null || die "tiendo-pki crl"   # the June CRL's next update has passed
sv_start main "127.0.0.1:$P"
run 0 "second condition of task 75 (met 05/07/2025, no due month)" "$TD" condition 75 --dir "$W/khcn" --met 05/07/2025 --note "Văn bản 2"
tsync "$W/khcn"
[ "$SYNC_RC" = 0 ] || say "sync: $(cat "$W/.sync.err" "$W/.sync.out")"
eq "central syncs in July" "$SYNC_RC" 0
"$TD" task 75 --dir "$W/khcn" --date 20/06/2025 >"$W/t2.txt" 2>&1 || die "task 75: $(cat "$W/t2.txt")"
sed -n '/^Trạng thái tại ngày/,/^$/p' "$W/t2.txt" >"$W/s2.txt"
if cmp -s "$W/s1.txt" "$W/s2.txt"; then pass "status of task 75 at 20/06/2025 unchanged by the July condition ($(head -n 1 "$W/s1.txt"))"
else fail "status at 20/06/2025 changed: before: $(cat "$W/s1.txt") after: $(cat "$W/s2.txt")"; fi
"$TD" task 75 --dir "$W/khcn" >"$W/t3.txt" 2>&1 || true
eq "task 75 lists both conditions" "$(grep -c '^Điều kiện' "$W/t3.txt")" 2
grep -q "Văn bản 1" "$W/t3.txt" && grep -q "Văn bản 2" "$W/t3.txt" && pass "both notes shown" || fail "notes: $(cat "$W/t3.txt")"
check_digest "central" main "$W/khcn" so-khcn central
sv_stop main
finish

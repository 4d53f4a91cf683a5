#!/usr/bin/env bash
# converge_clock.sh — a wrong PC clock is named and flagged:
#   behind: a clock before the certificate's start makes `tiendo sync` say
#           it is a clock fault (LỖI ĐỒNG HỒ), not print the renewal steps;
#   ahead 53 days (TIENDO_TEST_CLOCK on that device): the server refuses the report at
#           push (a hybrid clock beyond its own + 24 h, entry.h); the clerk
#           is told it is a clock fault, the text is kept, and once the clock
#           is right again the next sync signs it again and it is stored;
#   ahead 12 hours (within the bound): the report signed after the server
#           received it is flagged in the monthly report's section 6 and in
#           `tiendo audit verify`.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"   # also exports TZ=Asia/Ho_Chi_Minh
exec </dev/null
# the test's clock (the server, the CA and the other devices keep it) runs
# from mid-month, so "12 hours ahead" stays in the month at any real date;
# one PC's clock is then moved relative to it with TIENDO_TEST_CLOCK
mid_month
# ahead DAYS HOURS: a clock that far ahead of the test's, standing still
ahead() { TZ=Asia/Ho_Chi_Minh date -d "@$(($(td_date %s) + $1 * 86400 + $2 * 3600))" +'%Y-%m-%d %H:%M:%S!'; }

sync_main
enrol_as "$W/yte" so-y-te pc-01 office "127.0.0.1:$P"
enrol_as "$W/khcn" so-khcn central-01 central "127.0.0.1:$P"
enrol_as "$W/tt" thanh-tra tt-01 inspector "127.0.0.1:$P"

say "clock behind"
# 40 days before the machine's clock (the certificates were issued on it)
BEHIND="$(td_date '%Y-%m-%d %H:%M' -40)!"
rc=0
TIENDO_TEST_CLOCK=$BEHIND "$TD" sync --dir "$W/yte" >"$W/behind.out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && pass "sync with the clock 40 days behind stops (exit $rc)" || fail "sync with the clock behind succeeded"
grep -q "LỖI ĐỒNG HỒ MÁY TÍNH" "$W/behind.out" && pass "it names a clock fault" || fail "no clock fault: $(cat "$W/behind.out")"
grep -q "tiendo-pki renew" "$W/behind.out" && fail "it still prints the renewal procedure" || pass "no renewal procedure for a clock fault"

say "clock 53 days ahead"
TIENDO_TEST_CLOCK="$(ahead 53 0)" "$TD" report --dir "$W/yte" --task 47 --period "$PER" \
    --state dang --percent 50 --result "Ký với đồng hồ nhanh 53 ngày" >"$W/ahead.out" 2>&1 || die "report with the clock ahead: $(cat "$W/ahead.out")"
TIENDO_TEST_CLOCK="$(ahead 53 0)" tsync "$W/yte"
TIENDO_TEST_CLOCK="$(ahead 53 0)" "$TD" status --dir "$W/yte" >"$W/st53.txt" 2>&1 || true
grep -q "LỖI ĐỒNG HỒ MÁY TÍNH" "$W/st53.txt" && pass "status names the refusal a clock fault" || fail "status: $(cat "$W/st53.txt")"
eq "server: the report is not stored" "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE agency='so-y-te' AND kind=20;")" 0
eq "the text is kept in the outbox" "$(sq "$W/yte/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='refused' AND summary LIKE '%47%';")" 1
say "clock right again: the next sync signs it again"
tsync "$W/yte"
eq "office syncs" "$SYNC_RC" 0
eq "server: the report is stored now" "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE agency='so-y-te' AND kind=20;")" 1

say "clock 12 hours ahead (within the bound)"
TIENDO_TEST_CLOCK="$(ahead 0 12)" "$TD" report --dir "$W/yte" --task 48 --period "$PER" \
    --state dang --percent 50 --result "Ký với đồng hồ nhanh 12 giờ" >"$W/ahead.out" 2>&1 || die "report with the clock ahead: $(cat "$W/ahead.out")"
tsync "$W/yte"
eq "office syncs" "$SYNC_RC" 0
tsync "$W/khcn"
eq "central syncs" "$SYNC_RC" 0
"$TD" report-all --dir "$W/khcn" --period "$PER" >"$W/mr.txt" 2>&1 || die "report-all: $(tail -n 5 "$W/mr.txt")"
sed -n '/^6\. BÁO CÁO CÓ THỜI GIAN KÝ BẤT THƯỜNG/,/^[0-9]\./p' "$W/mr.txt" >"$W/mr6.txt"
grep -q "NV 48" "$W/mr6.txt" && pass "monthly report section 6 flags the report" || fail "section 6: $(cat "$W/mr6.txt")"
tsync "$W/tt"
eq "inspector syncs" "$SYNC_RC" 0
"$TD" audit verify --dir "$W/tt" >"$W/av.txt" 2>&1 || true
grep -q "giờ ký không khớp với nhật ký (đồng hồ máy sai?): 1" "$W/av.txt" &&
    pass "audit verify flags it" || fail "audit verify: $(cat "$W/av.txt")"
sv_stop main
finish

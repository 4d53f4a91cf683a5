#!/usr/bin/env bash
# converge_clock.sh — a wrong PC clock is named and flagged:
#   behind: a clock before the certificate's start makes `tiendo sync` say
#           it is a clock fault (LỖI ĐỒNG HỒ), not print the renewal steps;
#   ahead:  a report signed 53 days after the server received it (the PC's
#           clock 53 days ahead, under libfaketime) is flagged in the
#           monthly report's section 6 and in `tiendo audit verify`.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
export TZ=Asia/Ho_Chi_Minh
exec </dev/null
LIBFT=$(ls /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 2>/dev/null | head -n 1 || true)
[ -n "$LIBFT" ] || die "libfaketime is not installed (package faketime)"
unset TIENDO_TEST_CLOCK
PER=$(date +%Y-%m)

sync_pki
plan_import main
sv_start main
P=$PORT
enrol_as "$W/yte" so-y-te pc-01 office "127.0.0.1:$P"
enrol_as "$W/khcn" so-khcn central-01 central "127.0.0.1:$P"
enrol_as "$W/tt" thanh-tra tt-01 inspector "127.0.0.1:$P"

say "clock behind"
BEHIND=$(($(date +%s) - 40 * 86400))
rc=0
TIENDO_TEST_NOW=$BEHIND "$TD" sync --dir "$W/yte" >"$W/behind.out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && pass "sync with the clock 40 days behind stops (exit $rc)" || fail "sync with the clock behind succeeded"
grep -q "LỖI ĐỒNG HỒ MÁY TÍNH" "$W/behind.out" && pass "it names a clock fault" || fail "no clock fault: $(cat "$W/behind.out")"
grep -q "tiendo-pki renew" "$W/behind.out" && fail "it still prints the renewal procedure" || pass "no renewal procedure for a clock fault"

say "clock 53 days ahead"
LD_PRELOAD=$LIBFT FAKETIME="+53d" "$TD" report --dir "$W/yte" --task 47 --period "$(LD_PRELOAD=$LIBFT FAKETIME=+53d date +%Y-%m)" \
    --state dang --percent 50 --result "Ký với đồng hồ nhanh" >"$W/ahead.out" 2>&1 || die "report with the clock ahead: $(cat "$W/ahead.out")"
tsync "$W/yte"
eq "office syncs" "$SYNC_RC" 0
tsync "$W/khcn"
eq "central syncs" "$SYNC_RC" 0
"$TD" report-all --dir "$W/khcn" --period "$PER" >"$W/mr.txt" 2>&1 || die "report-all: $(tail -n 5 "$W/mr.txt")"
sed -n '/^6\. BÁO CÁO CÓ THỜI GIAN KÝ BẤT THƯỜNG/,/^[0-9]\./p' "$W/mr.txt" >"$W/mr6.txt"
grep -q "NV 47" "$W/mr6.txt" && pass "monthly report section 6 flags the report" || fail "section 6: $(cat "$W/mr6.txt")"
tsync "$W/tt"
eq "inspector syncs" "$SYNC_RC" 0
"$TD" audit verify --dir "$W/tt" >"$W/av.txt" 2>&1 || true
grep -q "giờ ký không khớp với nhật ký (đồng hồ máy sai?): 1" "$W/av.txt" && grep -q "ký sau khi máy chủ nhận 5[23] ngày" "$W/av.txt" &&
    pass "audit verify flags it with the 53 days" || fail "audit verify: $(cat "$W/av.txt")"
sv_stop main
finish

#!/usr/bin/env bash
# succession_2025.sh — the 2025 reorganisation as the devices live it, with a
# real server and devices over loopback TLS.  The dates are today's (the
# server's receive time is the real clock): the reorganisation is dated the
# first day of this month, the reports are made before it is recorded.
#   - so-y-te reports tasks 47 and 48 done this month (central accepts) and 49
#     in progress; so-gddt reports task 60;
#   - so-gddt is absorbed into so-noi-vu (merge --into an existing agency);
#     so-y-te is renamed so-y-te-hp; the issuer becomes UBND thành phố Hải Phòng;
#   - the old so-y-te device is told what happened (todo, tasks, and a refused
#     report name the successor, the date and what to do);
#   - the successor's new device (certificate signed against the server's
#     exported registry): `todo` does not ask for 47 and 48 again, `tasks
#     --period` shows the predecessor's reports, `audit history --agency
#     so-y-te-hp` lists them under their author so-y-te; the monthly report
#     credits so-y-te-hp with so-y-te's months and says so; so-noi-vu's row
#     carries so-gddt's.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
exec </dev/null
unset TIENDO_TODAY TIENDO_TEST_CLOCK
P_VI=$(date +%m/%Y)
P_ALT=$(date +%Y)-$((10#$(date +%m)))
FIRST=01/$(date +%m/%Y)
LAST_OF_PREV=$(date -d "$(date +%Y-%m-01) -1 day" +%d/%m/%Y)
TODAY_VI=$(date +%d/%m/%Y)

say "PKI, plan, devices of so-y-te, so-gddt and central so-khcn (period $P_VI)"
sync_pki
plan_import main
sv_start main
SP=$PORT
enrol_as yte so-y-te yte-01 office "127.0.0.1:$SP"
enrol_as gd so-gddt gd-01 office "127.0.0.1:$SP"
enrol_as cen so-khcn central-01 central "127.0.0.1:$SP"
for d in yte gd cen; do run 0 "$d: first sync" "$TD" sync --dir $d; done

say "reports before the changes (three period spellings)"
run 0 "so-y-te reports 47 done" "$TD" report 47 --dir yte --period "$P_VI" --state xong --result "Đã ban hành quy chế" --done-date "$TODAY_VI" --no-prompt
run 0 "so-y-te reports 48 done" "$TD" report 48 --dir yte --period "$P_ALT" --state xong --result "Đã triển khai" --done-date "$TODAY_VI" --no-prompt
run 0 "so-y-te reports 49 in progress" "$TD" report 49 --dir yte --period "$P_VI" --state dang --percent 40 --result "Đang xây dựng" --no-prompt
run 0 "so-gddt reports 60" "$TD" report 60 --dir gd --period "$P_VI" --state dang --percent 20 --result "Đang khảo sát" --no-prompt
run 0 "yte sync" "$TD" sync --dir yte
run 0 "gd sync" "$TD" sync --dir gd
run 0 "central sync" "$TD" sync --dir cen
run 0 "central accepts 47" "$TD" review 47 --dir cen --agency so-y-te --period "$P_VI" --accept
run 0 "central accepts 48" "$TD" review 48 --dir cen --agency so-y-te --period "$P_ALT" --accept
run 0 "central sync (reviews)" "$TD" sync --dir cen

sv_stop main
say "the reorganisation on the server, dated $FIRST"
K=(--data "$W/data-main" "${SRV_KEYS[@]}")
run 0 "so-gddt absorbed into so-noi-vu" "$SRV_BIN" agency merge so-gddt --into so-noi-vu --date "$FIRST" "${K[@]}"
run 0 "so-y-te renamed" "$SRV_BIN" agency rename so-y-te so-y-te-hp "Sở Y tế thành phố Hải Phòng" --date "$FIRST" "${K[@]}"
run 0 "issuer" "$SRV_BIN" agency issuer "UBND thành phố Hải Phòng" --date "$FIRST" "${K[@]}"
run 0 "registry for the CA" "$SRV_BIN" agency export --data "$W/data-main" --out "$W/ca/registry.csv"
sv_start main 127.0.0.1:$SP

say "the old so-y-te device is told what happened"
run 0 "yte sync" "$TD" sync --dir yte
run 0 "old device: todo" "$TD" todo --dir yte
expect_out "names the change" "so-y-te (Sở Y tế) không còn từ ngày $FIRST: đã đổi tên thành Sở Y tế thành phố Hải Phòng (so-y-te-hp)"
expect_out "says what to do" "cấp chứng thư của so-y-te-hp"
run 0 "old device: tasks" "$TD" tasks --dir yte
expect_out "tasks says it too" "đã đổi tên thành Sở Y tế thành phố Hải Phòng"
run nonzero "old device: report 49 is refused" "$TD" report 49 --dir yte --period "$P_VI" --state dang --percent 60 --result "Tiếp tục" --no-prompt
expect_err "refusal explains the rename" "đã đổi tên thành Sở Y tế thành phố Hải Phòng (so-y-te-hp)"
if grep -qF "không chủ trì cũng không phối hợp" <<<"$ERR"; then fail "refusal still says 'neither lead nor partner'"; else
    pass "refusal does not say 'neither lead nor partner'"; fi

say "the successor's device"
enrol_as yhp so-y-te-hp yte-hp-01 office "127.0.0.1:$SP"
run 0 "yhp sync" "$TD" sync --dir yhp
run 0 "successor: todo" "$TD" todo --dir yhp
if grep -qE "(^|[^0-9])4[78]([^0-9]|$).*(chưa báo cáo|thiếu)" <<<"$OUT"; then
    fail "todo lists done tasks 47/48 as missing: $OUT"; else pass "todo does not ask again for 47 and 48"; fi
expect_out "todo lists 49" "49"
run 0 "successor: tasks --period $P_VI" "$TD" tasks --dir yhp --period "$P_VI" --wide
echo "$OUT" >"$W/tasks-03.txt"
row=$(grep -E "^ *[IVX]+ +47 " <<<"$OUT" || true)
if grep -qF "Đã hoàn thành" <<<"$row"; then pass "task 47 done for the successor"; else fail "task 47 row: $row"; fi
run 0 "successor: tasks --period $P_ALT (the same)" "$TD" tasks --dir yhp --period "$P_ALT" --wide
row2=$(grep -E "^ *[IVX]+ +47 " <<<"$OUT" || true)
eq "the same row with YYYY-M" "$row2" "$row"
run 0 "successor: report 49" "$TD" report 49 --dir yhp --period "$P_VI" --state dang --percent 60 --result "Tiếp tục" --no-prompt
run 0 "yhp sync" "$TD" sync --dir yhp
run 0 "audit history of the successor" "$TD" audit history --agency so-y-te-hp --dir yhp
expect_out "predecessor named" "Gồm cả cơ quan tiền nhiệm: so-y-te (Sở Y tế)"
n=$(grep -cE "^mục [0-9]+ .* so-y-te / yte-01 " <<<"$OUT" || true)
ge "predecessor's entries listed under their author" "$n" 3
n=$(grep -cE "^mục [0-9]+ .* so-y-te-hp / yte-hp-01 " <<<"$OUT" || true)
ge "the successor's own entry listed" "$n" 1

say "the monthly report"
sv_stop main
run 0 "server state --report in MM/YYYY" "$SRV_BIN" state --data "$W/data-main" "${SRV_KEYS[@]}" --report "47/so-y-te/$P_VI"
expect_out "the predecessor's report, under its author" "Kết quả thực hiện: Đã ban hành quy chế"
run 0 "server report $P_VI" "$SRV_BIN" report --data "$W/data-main" --period "$P_VI" --as-of "$TODAY_VI"
expect_out "successor carries its predecessor" "Số liệu của Sở Y tế thành phố Hải Phòng gồm cả của cơ quan tiền nhiệm: Sở Y tế (đến $LAST_OF_PREV)"
expect_out "absorbing agency carries the absorbed" "Số liệu của Sở Nội vụ gồm cả của cơ quan tiền nhiệm: Sở Giáo dục và Đào tạo (đến $LAST_OF_PREV)"
if grep -qE "^ *[0-9]+ +Sở Y tế +[0-9]" <<<"$OUT"; then fail "the ended Sở Y tế is still ranked: $(grep -E 'Sở Y tế' <<<"$OUT")"; else
    pass "the ended Sở Y tế is not ranked on its own"; fi
row=$(grep -E "^ *[0-9]+ +Sở Y tế thành phố Hải Phòng" <<<"$OUT" | head -n 1 || true)
if [ -n "$row" ]; then pass "the successor is ranked: $row"; else fail "the successor is not ranked"; fi
expect_out "the province's new name heads the report" "Cơ quan chủ trì kế hoạch: UBND thành phố Hải Phòng (kế hoạch do ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG ban hành)"
say "the monthly report read by a leader"
n=$(sed -n 's/^  - Quá hạn, chưa báo cáo *\([0-9]*\) .*/\1/p' <<<"$OUT" | head -n 1)
ge "overdue tasks never reported are counted apart" "${n:-0}" 10
n21=$(grep -cE "^  NV 21 — " <<<"$OUT" || true)
eq "task 21 (led by Các sở, ban, ngành) appears once in the overdue list" "$n21" 1
expect_out "with the number of agencies behind it" "NV 21 — Các sở, ban, ngành:"
DAY=$((10#$(date +%d)))
if [ "$DAY" -lt 18 ]; then
    expect_out "heat map legend" "- chưa đến hạn nộp"
    hrow=$(grep -E "^Sở Y tế thành phố Hải Phòng +[.+~x -]+$" <<<"$OUT" | head -n 1 || true)
    case "$hrow" in *" x") fail "the open month is judged missing before the due day: $hrow" ;;
    *) pass "the open month is not judged before its due day: ${hrow: -12}" ;; esac
fi
run 0 "server report HTML" "$SRV_BIN" report --data "$W/data-main" --period "$P_VI" --as-of "$TODAY_VI" --format html --out "$W/r.html"
n=$(grep -c '<tr class="group">' "$W/r.html" || true)
ge "HTML lists group-led tasks once (rows of class group)" "$n" 1
expect_in "HTML group row names the group and its count" "$W/r.html" "Các sở, ban, ngành: "
run 0 "server report CSV" "$SRV_BIN" report --data "$W/data-main" --period "$P_ALT" --as-of "$TODAY_VI" --format csv --out "$W/r.csv"
if grep -q "so-y-te," "$W/r.csv"; then fail "CSV has a row of the ended so-y-te"; else pass "CSV: no row of the ended so-y-te"; fi
expect_in "CSV has the column of overdue tasks never reported" "$W/r.csv" "Quá hạn, chưa báo cáo (kỳ này)"
finish

#!/usr/bin/env bash
# succession_2025.sh — the 2025 reorganisation of Hải Dương as the devices
# live it, scripted on the test clock (TIENDO_TEST_CLOCK: the server, the CA
# and every device share it; the server is restarted at each date), with a
# real server and devices over loopback TLS:
#   02/2025  reports: so-y-te 47 and 48 done (central accepts), 49 in
#            progress; so-gddt 60; so-xay-dung 1; districts Tứ Kỳ, Thanh Hà,
#            Thanh Miện 1 (partners);
#   03/2025  spring department merges dated 01/03/2025: so-gddt absorbed
#            into so-noi-vu; so-xay-dung and so-cong-thuong into the new
#            so-xd-ct; so-gddt's old device is told, so-noi-vu's todo,
#            tasks, audit history and monthly-report row carry so-gddt's
#            report; so-noi-vu reports 60 for 03/2025 after it;
#   06/2025  reports before the merger of the provinces;
#   07/2025  dated 01/07/2025: the issuer becomes UBND thành phố Hải Phòng,
#            so-y-te is renamed so-y-te-hp, the districts end: Tứ Kỳ is split
#            into the communes xa-tu-ky and xa-tan-ky, Thanh Hà and Thanh Miện
#            are absorbed into the new commune xa-ha-mien; the old so-y-te and
#            Tứ Kỳ devices are told what happened (todo, tasks, a refused
#            report name the successor, the date and what to do); each
#            successor's device (certificate signed against the exported
#            registry): todo does not ask again for what its predecessor
#            did, tasks --period shows the predecessor's reports, audit
#            history lists them under their author, the monthly report
#            credits the successor and says so (departments: the report
#            ranks the agencies that lead tasks, communes lead none);
#            successors report 07/2025.
# At each step a fresh device of each successor equals the server's view.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
exec </dev/null
unset TIENDO_TODAY TD_TEST_DATE

# at "yyyy-mm-dd hh:mm": the test clock from there on (running); the CA
# officer publishes a fresh CRL (a CRL is valid a few days) and the server
# is restarted on the new clock, on the same port
SP=""
at() {
    [ -n "$SP" ] && sv_stop main
    td_use_clock "$1"
    "$PKI" crl --dir "$W/ca" >"$W/crl.log" 2>&1 || die "tiendo-pki crl: $(cat "$W/crl.log")"
    if [ -n "$SP" ]; then sv_start main "127.0.0.1:$SP"; else sv_start main; SP=$PORT; fi
}
# fresh_eq DESC SLUG: a fresh device of SLUG (signed against the server's
# registry now) syncs once and equals the server's view of SLUG
FRESH=0
fresh_eq() {
    FRESH=$((FRESH + 1))
    enrol_as "fresh-$FRESH" "$2" "fresh-$FRESH" office "127.0.0.1:$SP"
    tsync "$W/fresh-$FRESH"
    eq "$1: a fresh $2 device syncs" "$SYNC_RC" 0
    check_digest "$1: fresh $2 device" main "$W/fresh-$FRESH" "$2"
}
K=(--data "$W/data-main" "${SRV_KEYS[@]}")

say "02/2025: PKI, plan, devices, reports"
td_use_clock "2025-02-20 08:00"
sync_pki
plan_import main
at "2025-02-20 09:00"
enrol_as yte so-y-te yte-01 office "127.0.0.1:$SP"
enrol_as gd so-gddt gd-01 office "127.0.0.1:$SP"
enrol_as nv so-noi-vu nv-01 office "127.0.0.1:$SP"
enrol_as xd so-xay-dung xd-01 office "127.0.0.1:$SP"
enrol_as tk ubnd-tu-ky tk-01 office "127.0.0.1:$SP"
enrol_as th ubnd-thanh-ha th-01 office "127.0.0.1:$SP"
enrol_as tm ubnd-thanh-mien tm-01 office "127.0.0.1:$SP"
enrol_as cen so-khcn central-01 central "127.0.0.1:$SP"
for d in yte gd nv xd tk th tm cen; do run 0 "$d: first sync" "$TD" sync --dir $d; done
run 0 "so-y-te reports 47 done (02/2025)" "$TD" report 47 --dir yte --period 02/2025 --state xong --result "Đã ban hành quy chế" --done-date 18/02/2025 --no-prompt
run 0 "so-y-te reports 48 done (2025-2)" "$TD" report 48 --dir yte --period 2025-2 --state xong --result "Đã triển khai" --done-date 18/02/2025 --no-prompt
run 0 "so-y-te reports 49 in progress" "$TD" report 49 --dir yte --period 02/2025 --state dang --percent 40 --result "Đang xây dựng" --no-prompt
run 0 "so-gddt reports 60" "$TD" report 60 --dir gd --period 02/2025 --state dang --percent 20 --result "Đang khảo sát trường học" --no-prompt
run 0 "so-xay-dung reports 1" "$TD" report 1 --dir xd --period 02/2025 --state dang --percent 30 --result "Xây dựng phối hợp" --no-prompt
run 0 "Tứ Kỳ reports 1" "$TD" report 1 --dir tk --period 02/2025 --state dang --percent 30 --result "Huyện Tứ Kỳ tháng 2" --no-prompt
run 0 "Thanh Hà reports 1" "$TD" report 1 --dir th --period 02/2025 --state dang --percent 15 --result "Huyện Thanh Hà tháng 2" --no-prompt
run 0 "Thanh Miện reports 1" "$TD" report 1 --dir tm --period 02/2025 --state dang --percent 10 --result "Huyện Thanh Miện tháng 2" --no-prompt
for d in yte gd xd tk th tm cen; do run 0 "$d: sync" "$TD" sync --dir $d; done
run 0 "central accepts 47" "$TD" review 47 --dir cen --agency so-y-te --period 02/2025 --accept
run 0 "central accepts 48" "$TD" review 48 --dir cen --agency so-y-te --period 2025-02 --accept
run 0 "central sync (reviews)" "$TD" sync --dir cen

say "03/2025: spring department merges dated 01/03/2025"
at "2025-03-05 09:00"
run 0 "so-gddt absorbed into so-noi-vu" "$SRV_BIN" agency merge so-gddt --into so-noi-vu --date 01/03/2025 "${K[@]}"
run 0 "so-xay-dung and so-cong-thuong into the new so-xd-ct" "$SRV_BIN" agency merge so-xay-dung so-cong-thuong \
    --into so-xd-ct "Sở Xây dựng và Công Thương" --date 01/03/2025 "${K[@]}"
run 0 "registry for the CA" "$SRV_BIN" agency export --data "$W/data-main" --out "$W/ca/registry.csv"
run 0 "old so-gddt device syncs" "$TD" sync --dir gd
run 0 "old so-gddt device: todo" "$TD" todo --dir gd
expect_out "names the absorption" "so-gddt (Sở Giáo dục và Đào tạo) không còn từ ngày 01/03/2025"
expect_out "names the successor" "so-noi-vu"
run 0 "so-noi-vu syncs" "$TD" sync --dir nv
run 0 "so-noi-vu: tasks --period 02/2025 (before the merge)" "$TD" tasks --dir nv --period 02/2025 --wide
row=$(grep -E "^ *[IVX]+ +60 " <<<"$OUT" || true)
if grep -qF "Phối hợp" <<<"$row"; then pass "task 60: so-noi-vu only a partner in 02/2025"; else fail "task 60 row in 02/2025: $row"; fi
run 0 "so-noi-vu: tasks --period 03/2025" "$TD" tasks --dir nv --period 03/2025 --wide
row=$(grep -E "^ *[IVX]+ +60 " <<<"$OUT" || true)
if grep -qF "Chủ trì" <<<"$row" && ! grep -qF "Chưa thực hiện" <<<"$row"; then
    pass "task 60 led by so-noi-vu from 03/2025, with so-gddt's report in progress: $row"
else fail "task 60 row of so-noi-vu in 03/2025: $row"; fi
run 0 "so-noi-vu: todo" "$TD" todo --dir nv
expect_out "so-noi-vu's todo is for 03/2025 on the test clock" "Báo cáo kỳ 03/2025 (hạn 18/03/2025)"
run 0 "so-noi-vu reports 60 for 03/2025" "$TD" report 60 --dir nv --period 03/2025 --state dang --percent 35 --result "Tiếp nhận từ Sở GD&ĐT" --no-prompt
run 0 "so-noi-vu sync" "$TD" sync --dir nv
check_digest "so-noi-vu after the merge" main "$W/nv" so-noi-vu
run 0 "so-noi-vu: audit history" "$TD" audit history --agency so-noi-vu --dir nv
expect_out "predecessor named" "so-gddt (Sở Giáo dục và Đào tạo)"
n=$(grep -cE "^mục [0-9]+ .* so-gddt / gd-01 " <<<"$OUT" || true)
ge "so-gddt's report listed under its author" "$n" 1
n=$(grep -cE "^mục [0-9]+ .* so-noi-vu / nv-01 " <<<"$OUT" || true)
ge "so-noi-vu's own report listed" "$n" 1
fresh_eq "spring merges" so-noi-vu
fresh_eq "spring merges" so-xd-ct
run 0 "server report 03/2025" "$SRV_BIN" report --data "$W/data-main" --period 03/2025 --as-of 23/03/2025
expect_out "so-noi-vu's row carries so-gddt" "Số liệu của Sở Nội vụ gồm cả của cơ quan tiền nhiệm: Sở Giáo dục và Đào tạo (đến 28/02/2025)"
expect_out "the new so-xd-ct carries both" "Số liệu của Sở Xây dựng và Công Thương gồm cả của cơ quan tiền nhiệm"

say "06/2025: reports before the merger of the provinces"
at "2025-06-20 09:00"
for d in yte tk th tm; do run 0 "$d: sync" "$TD" sync --dir $d; done
run 0 "so-y-te reports 49 (06/2025)" "$TD" report 49 --dir yte --period 06/2025 --state dang --percent 60 --result "Hoàn thiện dự thảo" --no-prompt
run 0 "Tứ Kỳ reports 1 (06/2025)" "$TD" report 1 --dir tk --period 06/2025 --state dang --percent 70 --result "Huyện Tứ Kỳ tháng 6" --no-prompt
run 0 "Thanh Hà reports 1 (06/2025)" "$TD" report 1 --dir th --period 06/2025 --state dang --percent 50 --result "Huyện Thanh Hà tháng 6" --no-prompt
for d in yte tk th; do run 0 "$d: sync" "$TD" sync --dir $d; done

say "07/2025: Hải Dương and Hải Phòng merged, districts end, dated 01/07/2025"
at "2025-07-03 09:00"
run 0 "issuer" "$SRV_BIN" agency issuer "UBND thành phố Hải Phòng" --date 01/07/2025 "${K[@]}"
run 0 "so-y-te renamed" "$SRV_BIN" agency rename so-y-te so-y-te-hp "Sở Y tế thành phố Hải Phòng" --date 01/07/2025 "${K[@]}"
run 0 "Tứ Kỳ split into two communes" "$SRV_BIN" agency split ubnd-tu-ky --into xa-tu-ky "Xã Tứ Kỳ" \
    --into xa-tan-ky "Xã Tân Kỳ" --date 01/07/2025 "${K[@]}"
run 0 "Thanh Hà and Thanh Miện into the new commune xa-ha-mien" "$SRV_BIN" agency merge ubnd-thanh-ha ubnd-thanh-mien \
    --into xa-ha-mien "Xã Hà Miện" --date 01/07/2025 "${K[@]}"
run 0 "registry for the CA" "$SRV_BIN" agency export --data "$W/data-main" --out "$W/ca/registry.csv"

say "07/2025: the old devices are told what happened"
run 0 "yte sync" "$TD" sync --dir yte
run 0 "old so-y-te device: todo" "$TD" todo --dir yte
expect_out "names the change" "so-y-te (Sở Y tế) không còn từ ngày 01/07/2025: đã đổi tên thành Sở Y tế thành phố Hải Phòng (so-y-te-hp)"
expect_out "says what to do" "cấp chứng thư của so-y-te-hp"
run 0 "old so-y-te device: tasks" "$TD" tasks --dir yte
expect_out "tasks says it too" "đã đổi tên thành Sở Y tế thành phố Hải Phòng"
run nonzero "old device: report 49 is refused" "$TD" report 49 --dir yte --period 07/2025 --state dang --percent 70 --result "Tiếp tục" --no-prompt
expect_err "refusal explains the rename" "đã đổi tên thành Sở Y tế thành phố Hải Phòng (so-y-te-hp)"
if grep -qF "không chủ trì cũng không phối hợp" <<<"$ERR"; then fail "refusal still says 'neither lead nor partner'"; else
    pass "refusal does not say 'neither lead nor partner'"; fi
run 0 "tk sync" "$TD" sync --dir tk
run 0 "old Tứ Kỳ device: todo" "$TD" todo --dir tk
expect_out "names the split" "ubnd-tu-ky (UBND huyện Tứ Kỳ) không còn từ ngày 01/07/2025"
expect_out "names a successor commune" "xa-tu-ky"

say "07/2025: the successors' devices"
enrol_as yhp so-y-te-hp yte-hp-01 office "127.0.0.1:$SP"
run 0 "yhp sync" "$TD" sync --dir yhp
check_digest "so-y-te-hp's new device" main "$W/yhp" so-y-te-hp
run 0 "so-y-te-hp: todo" "$TD" todo --dir yhp
if grep -qE "(^|[^0-9])4[78]([^0-9]|$).*(chưa báo cáo|thiếu)" <<<"$OUT"; then
    fail "todo lists done tasks 47/48 as missing: $OUT"; else pass "todo does not ask again for 47 and 48"; fi
expect_out "todo lists 49" "49"
run 0 "so-y-te-hp: tasks --period 07/2025" "$TD" tasks --dir yhp --period 07/2025 --wide
row=$(grep -E "^ *[IVX]+ +47 " <<<"$OUT" || true)
if grep -qF "Đã hoàn thành" <<<"$row"; then pass "task 47 done for the successor"; else fail "task 47 row: $row"; fi
run 0 "so-y-te-hp: tasks --period 2025-7 (the same)" "$TD" tasks --dir yhp --period 2025-7 --wide
row2=$(grep -E "^ *[IVX]+ +47 " <<<"$OUT" || true)
eq "the same row with YYYY-M" "$row2" "$row"
run 0 "so-y-te-hp reports 49 (07/2025)" "$TD" report 49 --dir yhp --period 07/2025 --state dang --percent 70 --result "Tiếp tục" --no-prompt
run 0 "yhp sync" "$TD" sync --dir yhp
run 0 "audit history of so-y-te-hp" "$TD" audit history --agency so-y-te-hp --dir yhp
expect_out "predecessor named" "Gồm cả cơ quan tiền nhiệm: so-y-te (Sở Y tế)"
n=$(grep -cE "^mục [0-9]+ .* so-y-te / yte-01 " <<<"$OUT" || true)
ge "predecessor's entries listed under their author" "$n" 4
n=$(grep -cE "^mục [0-9]+ .* so-y-te-hp / yte-hp-01 " <<<"$OUT" || true)
ge "the successor's own entry listed" "$n" 1
for c in xa-tu-ky xa-tan-ky xa-ha-mien; do
    enrol_as "$c" "$c" "$c-01" office "127.0.0.1:$SP"
    run 0 "$c: first sync" "$TD" sync --dir "$c"
    check_digest "commune $c's device" main "$W/$c" "$c"
    run 0 "$c: tasks --period 06/2025" "$TD" tasks --dir "$c" --period 06/2025 --wide
done
run 0 "xa-ha-mien: audit history" "$TD" audit history --agency xa-ha-mien --dir xa-ha-mien
n=$(grep -cE "^mục [0-9]+ .* ubnd-thanh-ha / th-01 " <<<"$OUT" || true)
ge "xa-ha-mien's history holds Thanh Hà's reports" "$n" 2
n=$(grep -cE "^mục [0-9]+ .* ubnd-thanh-mien / tm-01 " <<<"$OUT" || true)
ge "xa-ha-mien's history holds Thanh Miện's report" "$n" 1
run 0 "xa-tu-ky: audit history" "$TD" audit history --agency xa-tu-ky --dir xa-tu-ky
n=$(grep -cE "^mục [0-9]+ .* ubnd-tu-ky / tk-01 " <<<"$OUT" || true)
ge "xa-tu-ky's history holds Tứ Kỳ's reports" "$n" 2
run 0 "xa-tu-ky reports 1 (07/2025)" "$TD" report 1 --dir xa-tu-ky --period 07/2025 --state dang --percent 80 --result "Xã Tứ Kỳ tháng 7" --no-prompt
run 0 "xa-ha-mien reports 1 (07/2025)" "$TD" report 1 --dir xa-ha-mien --period 07/2025 --state dang --percent 60 --result "Xã Hà Miện tháng 7" --no-prompt
for c in xa-tu-ky xa-ha-mien; do
    run 0 "$c: sync" "$TD" sync --dir "$c"
    check_digest "commune $c after its report" main "$W/$c" "$c"
done
for s in so-y-te-hp xa-tu-ky xa-tan-ky xa-ha-mien so-noi-vu; do fresh_eq "after 01/07/2025" "$s"; done

say "the monthly report of 07/2025"
sv_stop main
SP=""
run 0 "server state --report in MM/YYYY" "$SRV_BIN" state --data "$W/data-main" "${SRV_KEYS[@]}" --report "47/so-y-te/02/2025"
expect_out "the predecessor's report, under its author" "Kết quả thực hiện: Đã ban hành quy chế"
run 0 "server report 07/2025" "$SRV_BIN" report --data "$W/data-main" --period 07/2025 --as-of 03/07/2025
expect_out "successor carries its predecessor" "Số liệu của Sở Y tế thành phố Hải Phòng gồm cả của cơ quan tiền nhiệm: Sở Y tế (đến 30/06/2025)"
expect_out "absorbing agency carries the absorbed" "Số liệu của Sở Nội vụ gồm cả của cơ quan tiền nhiệm: Sở Giáo dục và Đào tạo (đến 28/02/2025)"
expect_out "the new so-xd-ct carries both departments" "Số liệu của Sở Xây dựng và Công Thương gồm cả của cơ quan tiền nhiệm: Sở Công Thương (đến 28/02/2025); Sở Xây dựng (đến 28/02/2025)"
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
# 03/07: before the reporting day (the 18th), the open month is not judged
expect_out "heat map legend" "- chưa đến hạn nộp"
hrow=$(grep -E "^Sở Y tế thành phố Hải Phòng +[.+~x -]+$" <<<"$OUT" | head -n 1 || true)
case "$hrow" in *" x") fail "the open month is judged missing before the due day: $hrow" ;;
*) pass "the open month is not judged before its due day: ${hrow: -12}" ;; esac
run 0 "server report HTML" "$SRV_BIN" report --data "$W/data-main" --period 07/2025 --as-of 03/07/2025 --format html --out "$W/r.html"
n=$(grep -c '<tr class="group">' "$W/r.html" || true)
ge "HTML lists group-led tasks once (rows of class group)" "$n" 1
expect_in "HTML group row names the group and its count" "$W/r.html" "Các sở, ban, ngành: "
run 0 "server report CSV" "$SRV_BIN" report --data "$W/data-main" --period 2025-7 --as-of 03/07/2025 --format csv --out "$W/r.csv"
if grep -q "so-y-te," "$W/r.csv"; then fail "CSV has a row of the ended so-y-te"; else pass "CSV: no row of the ended so-y-te"; fi
expect_in "CSV has the column of overdue tasks never reported" "$W/r.csv" "Quá hạn, chưa báo cáo (kỳ này)"
finish

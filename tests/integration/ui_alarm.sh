#!/usr/bin/env bash
# ui_alarm.sh — alarms about the server's log and the "never reported"
# column in `tiendo ui`, in Debian's chromium driven by Selenium
# (lib/ui_alarm_e2e.py), against real tiendo-servers and three real devices
# over loopback TLS (so-y-te, an office; so-khcn, central; thanh-tra, an
# inspector):
#   - dashboards: so-y-te reports on its overdue tasks after their due date,
#     the other agencies never report: by agency, so-y-te is counted under
#     "Đang thực hiện quá hạn" and the others under "Chưa báo cáo lần nào",
#     separate columns, each drilling down to its tasks, and in the CSV
#     (/dashboard.csv); `tiendo tasks --status` agrees (common/status.c);
#   - a real alarm: a second server serves a copy of the data taken (online
#     backup, while the first serves) before the devices verified a larger
#     checkpoint (a rollback); the
#     office's next sync raises the alarm, and so does the background sync
#     of the inspector's `tiendo ui`, which then waits until the alarm is
#     acknowledged;
#   - the red banner on every page of the office's UI, linking to the list;
#   - with curl: acknowledging without the CSRF token is refused (403),
#     without a note refused (422), and the first POST only asks for the
#     confirmation; nothing is recorded by any of them;
#   - the inspector acknowledges it in the browser with the keyboard alone
#     (note, confirmation); the alarm shows who, when and the note, the
#     evidence stays; `tiendo status` agrees;
#   - screenshots (ui-alarm-shots/), not blank, every input labelled.
# The clock (every process) starts at 15/12/2026 10:00 in Hà Nội.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

td_use_clock "2026-12-15 10:00"
P=2026-12
E2E=(/usr/bin/python3 "$TD_SOURCE_DIR/tests/integration/lib/ui_alarm_e2e.py")
SHOTS=${TD_BUILD_DIR:-$W}/ui-alarm-shots
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
# shellcheck source=lib/tdui.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdui.sh"
ui_need_browser

ui_three_roles
run 0 "so-y-te: first sync" "$TD" sync --dir yte

say "so-y-te reports, late, on every task it leads that is overdue and never reported"
run 0 "so-y-te: its never-reported tasks" "$TD" tasks --dir yte --status never-reported
LATE=$(awk '/Chủ trì/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { print $i; break } }' "$W/.out" | sort -un)
[ -n "$LATE" ] && pass "so-y-te leads overdue tasks never reported: $(echo $LATE)" ||
    die "so-y-te leads no overdue task: $(cat "$W/.out")"
for t in $LATE; do report yte "$t" $P --state dang --percent 20 --result "Đang triển khai, chậm so với kế hoạch"; done
run 0 "so-y-te: the reports sent" "$TD" sync --dir yte
run 0 "so-y-te: nothing never-reported left among the tasks it leads" "$TD" tasks --dir yte --status never-reported
if grep -q "Chủ trì" "$W/.out"; then fail "still never-reported: $(grep "Chủ trì" "$W/.out")"; else pass "none left"; fi
run 0 "so-y-te: its overdue tasks" "$TD" tasks --dir yte --status ongoing-late
ONE=$(set -- $LATE; echo "$1")
grep -qE "(^| )$ONE .*Chủ trì" "$W/.out" && pass "task $ONE: reported after its due date, Quá hạn (not never reported)" ||
    fail "task $ONE is not ongoing-late: $(cat "$W/.out")"
run 0 "central: first sync" "$TD" sync --dir cen
run 0 "central: tasks never reported (whole plan)" "$TD" tasks --dir cen --status never-reported
ge "central: tasks that no lead ever reported" "$(grep -c "Chưa báo cáo" "$W/.out" || true)" 1
run 0 "central: tiendo todo separates them in the plan's counts" "$TD" todo --dir cen
expect_out "the count of never reported tasks" "Chưa báo cáo lần nào"

say "the dashboards: never reported and overdue in separate columns"
ui_start cen cen
e2e "dashboard: never reported vs overdue" dashboard cen
ui_login cen
curl -s -b "$W/cen.jar" "$BASE/dashboard.csv?by=agency" >"$W/dash-agency.csv"
curl -s -b "$W/cen.jar" "$BASE/dashboard.csv?by=section" >"$W/dash-section.csv"
# col CSV ROWKEY TITLE: the cell of the row whose first cell is ROWKEY, in the column TITLE
col() {
    /usr/bin/python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
i = rows[0].index(sys.argv[3])
print(next(r[i] for r in rows[1:] if r[0] == sys.argv[2]))' "$@"
}
eq "CSV by agency: so-y-te never reported" "$(col "$W/dash-agency.csv" so-y-te "Chưa báo cáo lần nào")" 0
ge "CSV by agency: so-y-te overdue" "$(col "$W/dash-agency.csv" so-y-te "Đang thực hiện quá hạn")" 1
ge "CSV by agency: so-khcn never reported" "$(col "$W/dash-agency.csv" so-khcn "Chưa báo cáo lần nào")" 1
run 0 "central: tiendo todo, the plan's counts" "$TD" todo --dir cen
for st in "Chưa báo cáo lần nào" "Đang thực hiện quá hạn"; do
    eq "CSV by section: the plan's \"$st\", as tiendo todo" "$(col "$W/dash-section.csv" "Toàn kế hoạch" "$st")" \
        "$(grep '^Toàn kế hoạch' "$W/.out" | grep -oE "$st [0-9]+" | grep -oE '[0-9]+$' || echo 0)"
done
ui_stop cen

say "the inspector verifies a checkpoint; a second server later serves an older copy (rollback)"
run 0 "thanh-tra: first sync" "$TD" sync --dir insp
# the copy is taken while main serves (SQLite's online backup): main keeps its port
mkdir "$W/data-old"
for f in "$W/data-main"/*; do
    case $f in */server.db | */server.db-*) ;; *) cp -a "$f" "$W/data-old/" ;; esac
done
sqlite3 "$W/data-main/server.db" ".timeout 10000" ".backup '$W/data-old/server.db'" ||
    die "backup of the main server's database"
report yte "$ONE" $P --state dang --percent 30 --result "Đã hoàn thành khảo sát"
run 0 "so-y-te: one more report" "$TD" sync --dir yte
run 0 "thanh-tra: verifies the larger checkpoint" "$TD" sync --dir insp
run 0 "so-y-te: verifies it too" "$TD" sync --dir yte
sv_start old
OPORT=$PORT
run 1 "so-y-te: the old copy raises the alarm" "$TD" sync --dir yte --server "127.0.0.1:$OPORT"
expect_err "Vietnamese warning" "CẢNH BÁO"
expect_err "the warning names a rollback, not a bad signature" "nhật ký máy chủ ngắn hơn lần đã xác minh"
say "the inspector's tiendo ui syncs in the background with the old copy: its sync raises the alarm and stops"
ui_start insp insp --server "127.0.0.1:$OPORT"
for ((i = 0; i < 300 * TD_SLOW; i++)); do
    [ "$(sq insp/replica.db "SELECT COUNT(*) FROM alarm;")" = 1 ] && break
    sleep 0.1
done
eq "thanh-tra: a rollback alarm" "$(sq insp/replica.db "SELECT kind FROM alarm WHERE acked_ms IS NULL;")" rollback
for ((i = 0; i < 100 * TD_SLOW; i++)); do grep -q "background sync stopped" insp/tiendo.log && break; sleep 0.1; done
expect_in "the background sync stopped on the alarm" insp/tiendo.log "background sync stopped"
ALARM=$(sq insp/replica.db "SELECT id FROM alarm;")
evidence() { sq insp/replica.db "SELECT hex(old_note) || hex(new_note) || hex(proof) || detail || old_size || new_size || at_ms FROM alarm;" | sha256sum | cut -c1-16; }
EVID=$(evidence)
sv_stop old

say "the office's clerk sees the banner on every page"
ui_start yte yte
e2e "office: banner on every page" banner yte office
ui_stop yte

say "the inspector: CSRF, the note and the confirmation step (curl)"
ui_login insp
curl -s -b "$W/insp.jar" -o "$W/insp-home.html" "$BASE/"
expect_in "the sync box names the rollback" "$W/insp-home.html" "vì cảnh báo số $ALARM: nhật ký máy chủ ngắn hơn lần đã xác minh"
if grep -qF "chữ ký không hợp lệ" "$W/insp-home.html"; then fail "the sync box says bad signature"; else pass "the sync box does not say bad signature"; fi
eq "POST /alarm/ack without CSRF refused" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/insp.jar" \
    -d "id=$ALARM&confirm=1" --data-urlencode "note=đã kiểm tra" "$BASE/alarm/ack")" 403
eq "POST /alarm/ack with a wrong CSRF refused" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/insp.jar" \
    -d "csrf=${CSRF/a/b}0&id=$ALARM&confirm=1" --data-urlencode "note=đã kiểm tra" "$BASE/alarm/ack")" 403
eq "a blank note: 422" "$(curl -s -o "$W/ack.html" -w '%{http_code}' -b "$W/insp.jar" --data-urlencode "csrf=$CSRF" \
    -d "id=$ALARM&confirm=1" --data-urlencode "note=   " "$BASE/alarm/ack")" 422
expect_in "the note is required" "$W/ack.html" "cần ghi chú khi đánh dấu đã xử lý cảnh báo"
eq "the first POST asks for confirmation" "$(curl -s -o "$W/ack.html" -w '%{http_code}' -b "$W/insp.jar" \
    --data-urlencode "csrf=$CSRF" -d "id=$ALARM" --data-urlencode "note=thử" "$BASE/alarm/ack")" 200
expect_in "confirmation step" "$W/ack.html" 'id="confirm-form"'
eq "an unknown alarm: 404" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/insp.jar" --data-urlencode "csrf=$CSRF" \
    -d "id=999&confirm=1" --data-urlencode "note=đã kiểm tra" "$BASE/alarm/ack")" 404
eq "nothing recorded" "$(sq insp/replica.db "SELECT COUNT(*) FROM alarm WHERE acked_ms IS NULL AND acked_note IS NULL;")" 1

say "the inspector acknowledges it in the browser, keyboard only"
NOTE="Đã kiểm tra với Sở KH&CN: máy chủ được khôi phục từ bản sao lưu cũ, ngày 15/12/2026"
e2e "inspector: list, evidence, note, confirmation" ack insp "$ALARM" "$NOTE"
for ((i = 0; i < 100 * TD_SLOW; i++)); do grep -q "background sync resumes" insp/tiendo.log && break; sleep 0.1; done
expect_in "the acknowledgement lets the background sync try again" insp/tiendo.log "alarm $ALARM acknowledged"
ui_stop insp
eq "acknowledged with the note" "$(sq insp/replica.db "SELECT acked_note FROM alarm WHERE id = $ALARM;")" "$NOTE"
eq "acknowledged by the inspector's device" "$(sq insp/replica.db "SELECT acked_by FROM alarm WHERE id = $ALARM;")" \
    "tt-01, thanh-tra"
eq "the evidence unchanged (hash of both checkpoints, proof, detail, sizes, time)" "$(evidence)" "$EVID"
run 0 "tiendo status agrees" "$TD" status --dir insp
if grep -qF "CẢNH BÁO:" <<<"$OUT"; then fail "status still lists an open alarm"; else pass "no open alarm"; fi
expect_out "status: acknowledged, by whom, the note" "Cảnh báo số $ALARM (nhật ký máy chủ ngắn hơn lần đã xác minh (bị cắt bớt)): đã xử lý lúc"
expect_out "status: the note" "bởi tt-01, thanh-tra; ghi chú: $NOTE"
run 0 "thanh-tra: syncs with the honest server again" "$TD" sync --dir insp

stop_server main
N=$(ls "$SHOTS"/*.png | wc -l)
[ "$N" -ge 9 ] && pass "$N screenshots in $SHOTS" || fail "only $N screenshots"
finish

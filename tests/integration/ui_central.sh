#!/usr/bin/env bash
# ui_central.sh — the pages of `tiendo ui` for central and the inspectorate,
# in Debian's chromium driven by Selenium (lib/ui_central_e2e.py), against a
# real tiendo-server and three real devices over loopback TLS (so-y-te, an
# office; so-khcn, central; thanh-tra, an inspector):
#   - central records a deadline extension in the form: a past deadline is
#     held until the confirmation box is ticked (as `tiendo extend --yes`);
#     the extension is signed, sent by the background sync, listed with its
#     reason; the office's UI shows the new deadline; the CLI agrees
#     (`tiendo task`);
#   - central records a condition (met date, due month, note);
#   - the dashboards by section and by agency: each count drills down to
#     the tasks behind it, the agency page to a task;
#   - the inspector: history per agency and per task (authors, signed and
#     received times), the checkpoint page (consistent, latest verified
#     checkpoint); the verification runs in the background: the page shows
#     its progress or result at once, then the result; "Kiểm tra lại toàn
#     bộ" runs it again (a POST without or with a wrong CSRF token: 403, no
#     run); when the log grows, opening /audit verifies again by itself
#     (once per log size) and says the log grew since; /audit/history shows
#     the entry the background sync pulled, with the CLI's total; a copy of the
#     inspector's replica with one signature changed
#     shows "Phát hiện sai lệch" at that entry (and the CLI agrees); rows
#     another process drops below the page's state (pulled_gen moves): the
#     page folds again before it reads, and shows the entries of a device
#     whose certificate entry is gone as refused;
#   - the office sees a certificate about to expire (renew-warn-days), and
#     `tiendo todo` and the UI list the same owed reports (one composition);
#   - a review the fold refuses (the office replaced the report meanwhile):
#     `tiendo todo` and central's Việc cần làm show it, why and what to do;
#   - with curl: the new forms refuse a POST without the CSRF token, an
#     office cannot extend, an office has no dashboard;
#   - screenshots of every new page (ui-central-shots/), not blank, every
#     input labelled, nothing wider than 1366 pixels.
# The clock (every process) starts at 15/12/2026 10:00 in Hà Nội.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

td_use_clock "2026-12-15 10:00"
P=2026-12
E2E=(/usr/bin/python3 "$TD_SOURCE_DIR/tests/integration/lib/ui_central_e2e.py")
SHOTS=${TD_BUILD_DIR:-$W}/ui-central-shots
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
# shellcheck source=lib/tdui.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdui.sh"
ui_need_browser

ui_three_roles
report yte 49 $P --state dang --percent 40 --result "Đã lắp đặt 2 máy chủ"
run 0 "so-y-te: first sync (with a report)" "$TD" sync --dir yte
run 0 "so-khcn: first sync" "$TD" sync --dir cen
run 0 "thanh-tra: first sync" "$TD" sync --dir insp

say "one composition: tiendo todo and the UI list the same owed reports"
echo "renew-warn-days = 3650" >>yte/config
run 0 "tiendo todo (office)" "$TD" todo --dir yte
OWED_CLI=$(grep -o '[0-9]* nhiệm vụ phải báo cáo; đã gửi [0-9]*' "$W/.out" || true)
[ -n "$OWED_CLI" ] && pass "tiendo todo: $OWED_CLI" || fail "tiendo todo printed no owed line: $(cat "$W/.out")"
ui_start yte yte
ui_login yte
curl -s -b "$W/yte.jar" "$BASE/" >"$W/todo.html"
grep -q "$OWED_CLI" "$W/todo.html" && pass "the UI's Việc cần làm says the same: $OWED_CLI" ||
    fail "UI and CLI differ: $(sed 's/<[^>]*>/ /g' "$W/todo.html" | grep -o '[0-9]* nhiệm vụ phải báo cáo[^.]*')"
grep -q 'id="cert-warning"' "$W/todo.html" && grep -q "Chứng thư số của thiết bị sắp hết hạn" "$W/todo.html" &&
    pass "certificate about to expire: the office's page warns, with the date and what to run" ||
    fail "no certificate warning"
curl -s -b "$W/yte.jar" "$BASE/tasks" >"$W/tasks.html"
grep -q 'id="cert-warning"' "$W/tasks.html" && pass "the warning is on every page" ||
    fail "no certificate warning on /tasks"
eq "office: no dashboard" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/yte.jar" "$BASE/dashboard")" 403
eq "office: extension refused (not central)" "$(curl -s -o "$W/ext.html" -w '%{http_code}' -b "$W/yte.jar" \
    --data-urlencode "csrf=$CSRF" -d "n=49" --data-urlencode "deadline=31/12/2027" --data-urlencode "reason=x" \
    "$BASE/extend")" 403
grep -q "chỉ thiết bị của Sở Khoa học và Công nghệ" "$W/ext.html" && pass "the refusal says who may extend" ||
    fail "no refusal text: $(sed 's/<[^>]*>/ /g' "$W/ext.html" | tr -s ' ' | head -c 400)"
eq "office: nothing queued" "$(sq yte/replica.db "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 0

say "a refused entry: central's review of a report the office has since replaced"
report yte 49 $P --state dang --percent 45 --result "Đã lắp đặt 2 máy chủ, đang cài phần mềm"
run 0 "so-y-te: the new version sent" "$TD" sync --dir yte
run 0 "central accepts the version its replica has" "$TD" review 49 --dir cen --agency so-y-te --period $P --accept
run 0 "central syncs: the fold refuses the review" "$TD" sync --dir cen
run 0 "tiendo todo (central)" "$TD" todo --dir cen
expect_out "tiendo todo shows the refusal with what to do" "thẩm định lại"
say "central: the refusal in the UI; CSRF on the new forms"
ui_start cen cen
ui_login cen
curl -s -b "$W/cen.jar" "$BASE/" >"$W/cen-todo.html"
grep -q 'id="refused"' "$W/cen-todo.html" && grep -q "thẩm định lại" "$W/cen-todo.html" &&
    pass "central's Việc cần làm shows the refused review, why and what to do (common/refusal.c)" ||
    fail "no refusal on central's page: $(sed 's/<[^>]*>/ /g' "$W/cen-todo.html" | tr -s ' ' | tail -c 900)"
CEN_BASE=$BASE
CEN_CSRF=$CSRF
eq "POST /extend without CSRF refused" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/cen.jar" -d "n=49" \
    --data-urlencode "deadline=31/12/2027" --data-urlencode "reason=x" "$BASE/extend")" 403
eq "POST /condition without CSRF refused" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/cen.jar" -d "n=75" \
    --data-urlencode "met=10/12/2026" "$BASE/condition")" 403
eq "POST /extend with a wrong CSRF refused" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/cen.jar" \
    -d "csrf=${CEN_CSRF/a/b}0&n=49" --data-urlencode "deadline=31/12/2027" --data-urlencode "reason=x" "$BASE/extend")" 403
eq "the refusals queued nothing" "$(sq cen/replica.db "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 0
eq "an unknown wording: 422" "$(curl -s -o "$W/ext.html" -w '%{http_code}' -b "$W/cen.jar" --data-urlencode \
    "csrf=$CSRF" -d "n=49" --data-urlencode "deadline=cuối năm sau" --data-urlencode "reason=x" "$BASE/extend")" 422
grep -q "không hiểu thời hạn" "$W/ext.html" && pass "the wording is named, as on the command line" || fail "no wording message"
eq "a blank reason: 422" "$(curl -s -o "$W/ext.html" -w '%{http_code}' -b "$W/cen.jar" --data-urlencode \
    "csrf=$CSRF" -d "n=49" --data-urlencode "deadline=31/12/2027" --data-urlencode "reason=  " "$BASE/extend")" 422
grep -q "gia hạn phải có lý do" "$W/ext.html" && pass "a reason is required" || fail "no reason message"
eq "a condition on a task without a conditional deadline: 422" "$(curl -s -o "$W/cond.html" -w '%{http_code}' \
    -b "$W/cen.jar" --data-urlencode "csrf=$CSRF" -d "n=49" --data-urlencode "met=10/12/2026" "$BASE/condition")" 422
grep -q "không phải thời hạn có điều kiện" "$W/cond.html" && pass "the condition rule, as tiendo condition" ||
    fail "no condition message"
eq "still nothing queued" "$(sq cen/replica.db "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 0

say "central extends task 49 and records the condition of task 75 in the browser"
REASON="Công văn 55/UBND-VP ngày 02/12/2026 cho phép gia hạn"
e2e "extension: confirmation for a past deadline, then signed" extend cen 49 "31/12/2020" "31/12/2027" "$REASON"
e2e "condition recorded" condition cen 75 "10/12/2026" "06/2027" "Hướng dẫn số 12/HD-BKHCN"
eq "central's outbox: both sent" "$(sq cen/replica.db "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 0
run 0 "central's replica: task 49" "$TD" task 49 --dir cen
expect_out "the CLI sees the new deadline" "31/12/2027"
run 0 "central's replica: task 75" "$TD" task 75 --dir cen
expect_out "the CLI sees the condition" "hạn hoàn thành: tháng 06/2027"

say "the office sees the new deadline"
e2e "office: new deadline on the task page" office_sees yte 49 "31/12/2027"

say "dashboards"
e2e "dashboards drill down" dashboards cen
e2e "central pages fit and are labelled" pages cen central /audit /deadlines "/deadlines?n=75" /dashboard \
    "/dashboard?by=agency" "/dashboard/agency?a=so-y-te" /

say "inspector"
ui_start insp insp
e2e "inspector: history and checkpoints" inspector insp so-y-te 49
e2e "inspector pages fit and are labelled" pages insp inspector /audit/history "/audit/history?task=75" \
    /dashboard /deadlines
e2e "office pages fit and are labelled" pages yte office / /deadlines "/deadlines?n=49"

say "inspector: the verification's button needs the CSRF token"
ui_login insp
ST0=$(curl -s -b "$W/insp.jar" "$BASE/audit/status")
grep -q '"running":false' <<<"$ST0" && pass "no verification running: $ST0" || fail "status: $ST0"
eq "POST /audit/verify without CSRF refused" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/insp.jar" -d "x=1" \
    "$BASE/audit/verify")" 403
eq "POST /audit/verify with a wrong CSRF refused" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/insp.jar" \
    -d "csrf=${CSRF/a/b}0" "$BASE/audit/verify")" 403
eq "the refused POSTs started no run" "$(curl -s -b "$W/insp.jar" "$BASE/audit/status")" "$ST0"
eq "POST /audit/verify with the token: back to /audit" "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' \
    -b "$W/insp.jar" --data-urlencode "csrf=$CSRF" "$BASE/audit/verify" | sed 's/?.*//')" "303 $BASE/audit"
# audit_status FIELD: a number of /audit/status
audit_status() { curl -s -b "$W/insp.jar" "$BASE/audit/status" | grep -o "\"$1\":[0-9a-z]*" | cut -d: -f2; }
for ((i = 0; i < 300 * TD_SLOW; i++)); do [ "$(audit_status running)" = false ] && break; sleep 0.2; done
eq "the button's run finished" "$(audit_status running)" false
RUNS=$(audit_status runs)
SIZE0=$(audit_status size)
eq "it covered the whole log" "$SIZE0" "$(audit_status log_size)"

say "central's monthly report: made once per state, the same bytes as tiendo report-all"
curl -s -b "$W/cen.jar" "$CEN_BASE/mreport?period=$P" >"$W/m1.html"
curl -s -b "$W/cen.jar" "$CEN_BASE/mreport?period=$P" >"$W/m2.html"
curl -s -b "$W/cen.jar" "$CEN_BASE/mreport.csv?period=$P" >"$W/m1.csv"
curl -s -b "$W/cen.jar" "$CEN_BASE/mreport.csv?period=$P" >"$W/m2.csv"
"$TD" report-all --dir cen --period $P --format html --out "$W/cli1.html" 2>"$W/cli.err" || fail "report-all: $(cat "$W/cli.err")"
"$TD" report-all --dir cen --period $P --format csv --out "$W/cli1.csv" 2>"$W/cli.err" || fail "report-all: $(cat "$W/cli.err")"
cmp -s "$W/m1.html" "$W/m2.html" && cmp -s "$W/m1.csv" "$W/m2.csv" && pass "a repeated /mreport, /mreport.csv: the same bytes" ||
    fail "a repeated /mreport differs"
cmp -s "$W/m1.html" "$W/cli1.html" && cmp -s "$W/m1.csv" "$W/cli1.csv" && pass "/mreport and /mreport.csv are report-all's" ||
    fail "/mreport differs from report-all: $(cmp "$W/m1.html" "$W/cli1.html"; cmp "$W/m1.csv" "$W/cli1.csv")"

say "the log grows: /audit verifies again by itself, once, and says the log grew since the last result"
report yte 49 $P --state dang --percent 50 --result "Đã cài phần mềm cho 3 khoa"
for ((i = 0; i < 300 * TD_SLOW; i++)); do [ "$(audit_status log_size)" -gt "$SIZE0" ] && break; sleep 0.2; done
ge "the inspector's background sync pulled the new entry" "$(audit_status log_size)" $((SIZE0 + 1))
curl -s -b "$W/insp.jar" "$BASE/audit" >"$W/audit-grown.html"
grep -q 'id="verify-running"' "$W/audit-grown.html" && pass "opening /audit started a run for the new log size" ||
    fail "no run started: $(sed 's/<[^>]*>/ /g' "$W/audit-grown.html" | tr -s ' ' | tail -c 900)"
grep -q 'id="verify-stale"' "$W/audit-grown.html" && grep -q "Nhật ký đã có thêm" "$W/audit-grown.html" &&
    pass "the last result is shown with a note that the log has grown since" ||
    fail "no note about the grown log: $(sed 's/<[^>]*>/ /g' "$W/audit-grown.html" | tr -s ' ' | tail -c 900)"
for ((i = 0; i < 300 * TD_SLOW; i++)); do [ "$(audit_status running)" = false ] && break; sleep 0.2; done
eq "that run finished" "$(audit_status running)" false
eq "one more run" "$(audit_status runs)" $((RUNS + 1))
eq "it covered the new size" "$(audit_status size)" "$(audit_status log_size)"
curl -s -b "$W/insp.jar" "$BASE/audit/history?task=49" >"$W/hist49.html"
grep -q "cho 3 khoa" "$W/hist49.html" &&
    pass "/audit/history follows the background sync (the page's own state, folded forward)" ||
    fail "/audit/history lacks the pulled report: $(sed 's/<[^>]*>/ /g' "$W/hist49.html" | tr -s ' ' | tail -c 900)"
run 0 "the CLI's history of task 49, from the replica the running ui writes" "$TD" audit history --task 49 --dir insp
expect_out "the CLI shows the pulled report too" "cho 3 khoa"
eq "the page and the CLI count the same rows" "$(grep -o 'id="history-total">[^<]*' "$W/hist49.html" | sed 's/.*>//')" \
    "$(grep -o 'Tổng cộng: [0-9]* mục\.' "$W/.out")"
curl -s -b "$W/insp.jar" "$BASE/audit" >"$W/audit-grown.html"
eq "the same size again: no run starts by itself" "$(audit_status runs) $(audit_status running)" "$((RUNS + 1)) false"
grep -q "Nhật ký trong bản sao này nhất quán" "$W/audit-grown.html" && pass "the new result: consistent" ||
    fail "the new result: $(sed 's/<[^>]*>/ /g' "$W/audit-grown.html" | tr -s ' ' | tail -c 900)"
for ((i = 0; i < 300 * TD_SLOW; i++)); do
    curl -s -b "$W/cen.jar" "$CEN_BASE/mreport?period=$P" >"$W/m3.html"
    grep -q "cho 3 khoa" "$W/m3.html" && break
    sleep 0.2
done
grep -q "cho 3 khoa" "$W/m3.html" && pass "central's /mreport follows the sync that brought the new report" ||
    fail "central's /mreport kept the old report"
grep -q "ui: /mreport $P: the report the sync made (same state)" cen/tiendo.log &&
    pass "that page was made by the background sync, before the request" ||
    fail "the page was built in the request: $(grep 'monthly report\|mreport' cen/tiendo.log | tail -n 3)"
curl -s -b "$W/cen.jar" "$CEN_BASE/mreport.csv?period=$P" >"$W/m3.csv"
"$TD" report-all --dir cen --period $P --format html --out "$W/cli3.html" 2>"$W/cli.err" || fail "report-all: $(cat "$W/cli.err")"
"$TD" report-all --dir cen --period $P --format csv --out "$W/cli3.csv" 2>"$W/cli.err" || fail "report-all: $(cat "$W/cli.err")"
cmp -s "$W/m3.html" "$W/cli3.html" && cmp -s "$W/m3.csv" "$W/cli3.csv" && pass "and is report-all's again, HTML and CSV" ||
    fail "/mreport after the sync differs from report-all: $(cmp "$W/m3.html" "$W/cli3.html"; cmp "$W/m3.csv" "$W/cli3.csv")"

ui_stop insp
ui_stop cen
ui_stop yte

say "a tampered replica: one signature changed in a copy of the inspector's"
rm -rf insp-t
cp -a insp insp-t
K=$(( $(sq insp-t/replica.db "SELECT max(idx) FROM pulled;") / 2 ))
HEX=$(sq insp-t/replica.db "SELECT hex(body) FROM pulled WHERE idx = $K;")
LASTC=${HEX: -1}
[ "$LASTC" = 0 ] && NEWC=1 || NEWC=0
sq insp-t/replica.db "UPDATE pulled SET body = X'${HEX:0:$((${#HEX} - 1))}$NEWC' WHERE idx = $K;"
run 1 "tiendo audit verify on the tampered copy" "$TD" audit verify --dir insp-t
expect_out "the CLI finds entry $K" "KHÔNG KHỚP tại mục $K"
# no server for this copy: its background sync fails and changes nothing
ui_start inst insp-t --server 127.0.0.1:9
e2e "tampered replica: the audit page says Phát hiện sai lệch at entry $K" tampered inst "$K"
ui_stop inst
say "rows dropped below the page's state by another process: /audit/history folds again before it reads"
# (as the visibility rule drops rows after an agency change, replica.c tdc__gen_bump; here the certificate
# entry of so-y-te's device, so that a fold of the rows left refuses every entry that device signed).
# The page must see the change without the background sync's help: each sync attempt (even a failed one)
# lets the next request bring the pages' state up to the database first, and then the page has nothing to
# fold.  So the ui syncs with a listener that never answers (each attempt waits out the connect timeout),
# and a round in which an attempt still ended between the two requests proves nothing and is played again.
for ((round = 1; round <= 4; round++)); do
    rm -rf insp-g
    cp -a insp insp-g
    mute_start
    ui_start insg insp-g --server "$MUTE"
    ui_login insg
    NF0=$(grep -c "ui: sync failed" insp-g/tiendo.log || true)
    curl -s -b "$W/insg.jar" "$BASE/audit/history?agency=so-y-te" >"$W/hist-g1.html"
    REF1=$(grep -o 'bị từ chối' "$W/hist-g1.html" | wc -l)
    CERT=$(sq insp-g/replica.db "SELECT min(idx) FROM pulled WHERE instr(body, CAST('yte-01' AS BLOB)) > 0;")
    [ -n "$CERT" ] || die "no entry names yte-01 in the inspector's replica"
    NYTE=$(grep -o "/ yte-01</td>" "$W/hist-g1.html" | wc -l)
    sq insp-g/replica.db "DELETE FROM pulled WHERE idx = $CERT; INSERT INTO meta(key, value) VALUES ('pulled_gen', 1)
        ON CONFLICT(key) DO UPDATE SET value = value + 1;"
    CODE=$(curl -s -o "$W/hist-g2.html" -w '%{http_code}' -b "$W/insg.jar" "$BASE/audit/history?agency=so-y-te")
    NF1=$(grep -c "ui: sync failed" insp-g/tiendo.log || true)
    # SIGTERM while a sync attempt waits on the listener (its connect timeout is 20 s): the ui stops at once
    T0=$(date +%s%N)
    ui_stop insg
    STOP_MS=$((($(date +%s%N) - T0) / 1000000))
    kill "$MUTE_PID"
    wait "$MUTE_PID" 2>/dev/null || true
    grep -q "ui: /audit/history: rows below the page's state changed" insp-g/tiendo.log && break
    [ "$NF1" = "$NF0" ] && break
    say "round $round: a sync attempt ended between the two requests ($NF0 -> $NF1 failed attempts): again"
done
ge "the agency's history lists entries signed by yte-01" "$NYTE" 2
eq "the page still answers" "$CODE" 200
REF2=$(grep -o 'bị từ chối' "$W/hist-g2.html" | wc -l)
ge "the entries of the device whose certificate is gone show as refused ($REF1 before, $REF2 after)" "$REF2" \
    $((REF1 + NYTE))
le "tiendo ui stopped while its sync waited on a server that never answers (ms)" "$STOP_MS" 10000
grep -q "ui: /audit/history: rows below the page's state changed" insp-g/tiendo.log &&
    pass "the page brought its state up to the replica first (round $round)" ||
    fail "the page did not refresh its state: $(grep -v 'test clock' insp-g/tiendo.log | tail -n 5)"
run 0 "server: refusals" "$SRV_BIN" state --data "$W/data-main" "${SRV_KEYS[@]}" --refused
expect_out "the fold refused only the superseded review" "Bản ghi bị từ chối: 1"
N=$(ls "$SHOTS"/*.png | wc -l)
[ "$N" -ge 15 ] && pass "$N screenshots in $SHOTS" || fail "only $N screenshots"
stop_server main
finish

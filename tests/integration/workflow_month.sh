#!/usr/bin/env bash
# workflow_month.sh — a clerk's full month offline (docs/ARCHITECTURE.md
# §3), with a real server, the 726 plan, an office device of
# Sở KH&CN (so-khcn) and a central device, over loopback TLS:
#   - central extends task 32's deadline (with a reason) and records that
#     task 75's condition is met; the office syncs once and goes offline;
#   - with the server STOPPED the clerk reports on 5 tasks it leads and
#     3 indicator values; `tiendo todo` shows them as written, not sent;
#   - the server starts, the clerk syncs; central syncs, accepts four
#     reports and returns one with a Vietnamese reason, syncs;
#   - the clerk syncs: `tiendo todo` and `tiendo task 37` show the reason;
#     `tiendo task 32` shows Đã hoàn thành đúng hạn, the extension and its
#     reason; `tiendo task 75` shows the condition met;
#   - the clerk corrects and re-reports the returned one; central accepts
#     the new version; the final statuses are asserted with `tiendo tasks`;
#   - an office device running `tiendo review` / `extend` / `condition` is
#     refused, and the central commands refuse bad input with a message.
# Dates: every process reads the test's clock (td_use_clock: TD_TEST_DATE,
# or the machine's date); status at date D counts only entries received by
# the end of D, so every period and status query uses the clock's date
# (Asia/Ho_Chi_Minh); deadlines that must be "on time" are moved to next
# year.  The clock stands still, so a run at 23:59 stays on its day.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

AG=so-khcn
td_use_clock "!"
TODAY_VI=$(td_date %d/%m/%Y)
P=$(td_date %Y-%m)
P_VI=$(td_date %m/%Y)
Y=$(td_date %Y)
NEXT_Y=$((Y + 1))
DAY=$((10#$(td_date %d)))
# The period's obligations are judged by what was known on its due day (the
# 18th): task 75's condition, recorded today, makes it owed this period only
# while today is on or before the 18th; reports sent after the 18th are late.
if [ "$DAY" -le 18 ]; then
    OWED_WRITTEN=5 OWED_LIST="1, 26, 32, 37, 75" SENT_NOTE="đã gửi 5; đã ghi, chờ gửi 0"
else
    OWED_WRITTEN=4 OWED_LIST="1, 26, 32, 37" SENT_NOTE="đã gửi 4 (muộn 4); đã ghi, chờ gửi 0"
fi

# No terminal: the report command must never wait for interactive input.
exec </dev/null

# rep DIR TASK PERIOD [options]: a report, with whichever syntax this tiendo
# has (`report N` after the report rework, `report --task N` before).
rep() {
    local dir=$1 task=$2 period=$3
    shift 3
    if "$TD" report --help 2>/dev/null | grep -q 'tiendo report SỐ'; then
        run 0 "report on task $task ($*)" "$TD" report "$task" --dir "$dir" --period "$period" "$@"
    else
        run 0 "report on task $task ($*)" "$TD" report --dir "$dir" --task "$task" --period "$period" "$@"
    fi
}

# ind DIR CODE PERIOD VALUE: an indicator value (prefer `indicator set CODE`).
ind() {
    local dir=$1 code=$2 period=$3 value=$4
    if "$TD" indicator --help 2>/dev/null | grep -q 'indicator set'; then
        run 0 "indicator set $code" "$TD" indicator set "$code" --dir "$dir" --period "$period" --value "$value"
    else
        run 0 "indicator $code" "$TD" indicator --dir "$dir" --code "$code" --period "$period" --value "$value"
    fi
}

# row_status TASK: the status column of TASK's row in the last `tiendo tasks` output.
row_has() {
    local desc=$1 task=$2 word=$3 row
    row=$(grep -E "^[IVX]+ +$task  " <<<"$OUT" || true)
    if grep -qF -- "$word" <<<"$row"; then pass "$desc: row of task $task says \"$word\""; else
        fail "$desc: row of task $task lacks \"$word\": \"$row\""
    fi
}

say "PKI, plan import, office $AG/vanthu-01 and central $AG/central-01 (today $TODAY_VI, period $P)"
sync_pki
plan_import main
sv_start main
SP=$PORT
enrol_as dev "$AG" vanthu-01 office "127.0.0.1:$SP"
enrol_as cen "$AG" central-01 central "127.0.0.1:$SP"
run 0 "office: first sync (plan)" "$TD" sync --dir dev
run 0 "central: first sync (plan)" "$TD" sync --dir cen

say "central: extend task 32, condition of task 75"
EXT_REASON="Công văn số 55/UBND-VP ngày 02/6/2025 cho phép lùi thời hạn do chờ kinh phí"
run 2 "extend: unknown wording is refused" "$TD" extend 32 --dir cen --deadline "cuối năm sau" --reason "x"
expect_err "extend: the accepted forms are listed" "Các cách ghi thời hạn được chấp nhận"
expect_err "extend: the wording is named" "cuối năm sau"
run 2 "extend: a reason is required" "$TD" extend 32 --dir cen --deadline "12/$NEXT_Y"
expect_err "extend without reason" "lý do"
run 2 "extend: a blank reason is refused" "$TD" extend 32 --dir cen --deadline "12/$NEXT_Y" --reason "   "
run 1 "extend: unknown task" "$TD" extend 999 --dir cen --deadline "12/$NEXT_Y" --reason "x"
expect_err "extend: unknown task" "không có trong kế hoạch"
# deadlines in the past or earlier than the current one: a typo until --yes says otherwise
BEFORE_EXT=$(sq cen/replica.db "SELECT COUNT(*) FROM outbox;")
run 2 "extend: a deadline years in the past is refused without --yes" "$TD" extend 22 --dir cen --deadline "12/2020" \
    --reason "nhầm" </dev/null
expect_err "extend past: says it is past" "đã qua"
expect_err "extend past: says how to confirm" "--yes"
eq "extend past: nothing queued" "$(sq cen/replica.db "SELECT COUNT(*) FROM outbox;")" "$BEFORE_EXT"
run 0 "extend: the forms officials write: Quý II/$NEXT_Y" "$TD" extend 22 --dir cen --deadline "Quý II/$NEXT_Y" \
    --reason "$EXT_REASON"
expect_out "extend: quarter as the end of its last month" "tháng 06/$NEXT_Y"
run 0 "central: sync (task 22 due end of June $NEXT_Y)" "$TD" sync --dir cen
run 2 "extend: earlier than the current deadline is refused without --yes" "$TD" extend 22 --dir cen \
    --deadline "31/01/$NEXT_Y" --reason "x" </dev/null
expect_err "extend earlier: says so" "sớm hơn thời hạn hiện tại"
if command -v script >/dev/null 2>&1; then
    # on a terminal the question is asked: Enter declines, "có" confirms
    printf '\n' >"$W/no"
    run 2 "extend earlier on a terminal, declined" script -qec \
        "'$TD' extend 22 --dir cen --deadline '31/01/$NEXT_Y' --reason x" /dev/null <"$W/no"
    expect_out "terminal: the question" "Vẫn ghi thay đổi này?"
    eq "declined: nothing queued" "$(sq cen/replica.db "SELECT COUNT(*) FROM outbox;")" $((BEFORE_EXT + 1))
    printf 'có\n' >"$W/yes"
    run 0 "extend earlier on a terminal, confirmed" script -qec \
        "'$TD' extend 22 --dir cen --deadline '28/02/$NEXT_Y' --reason x" /dev/null <"$W/yes"
    eq "confirmed: queued" "$(sq cen/replica.db "SELECT COUNT(*) FROM outbox;")" $((BEFORE_EXT + 2))
else
    say "(util-linux script not found: terminal path not tested)"
fi
run 0 "extend: earlier, confirmed with --yes" "$TD" extend 22 --dir cen --deadline "31/03/$NEXT_Y" --reason "x" --yes
expect_out "extend: a day" "ngày 31/03/$NEXT_Y"
run 0 "extend: 6 tháng đầu năm" "$TD" extend 23 --dir cen --deadline "6 tháng đầu năm $NEXT_Y" --reason "$EXT_REASON"
run 0 "extend: cuối năm" "$TD" extend 24 --dir cen --deadline "cuối năm $NEXT_Y" --reason "$EXT_REASON"
run 0 "extend task 32 to 12/$NEXT_Y" "$TD" extend 32 --dir cen --deadline "12/$NEXT_Y" --reason "$EXT_REASON"
run 1 "condition on a task whose deadline is not conditional" "$TD" condition 32 --dir cen --met "$TODAY_VI"
expect_err "condition refusal names the deadline" "không phải thời hạn có điều kiện"
run 2 "condition: --met missing" "$TD" condition 75 --dir cen
run 2 "condition: --due malformed" "$TD" condition 75 --dir cen --met "$TODAY_VI" --due "13/$NEXT_Y"
run 0 "condition of task 75 met today, due 12/$NEXT_Y" "$TD" condition 75 --dir cen --met "$TODAY_VI" \
    --due "12/$NEXT_Y" --note "Hướng dẫn số 12/HD-BKHCN của Bộ Khoa học và Công nghệ"
expect_out "condition: what was recorded" "Đã ghi xác nhận điều kiện của nhiệm vụ 75"
if grep -q "ghi ghi" <<<"$OUT"; then fail "condition: \"ghi ghi\""; else pass "condition: no \"ghi ghi\""; fi
run 0 "central: sync (extension, condition)" "$TD" sync --dir cen
run 0 "office: sync (extension, condition)" "$TD" sync --dir dev

say "office refused the central commands"
run 1 "office: tiendo review is refused" "$TD" review 1 --dir dev --agency "$AG" --period "$P" --accept
expect_err "office review refusal" "chỉ thiết bị của Sở Khoa học và Công nghệ"
run 1 "office: tiendo extend is refused" "$TD" extend 32 --dir dev --deadline "12/$NEXT_Y" --reason "x"
run 1 "office: tiendo condition is refused" "$TD" condition 75 --dir dev --met "$TODAY_VI"

say "server STOPPED: the clerk's month offline"
sv_stop main
rep dev 32 "$P" --state xong --result "Đã đưa trợ lý ảo AI vào thử nghiệm tại Trung tâm phục vụ hành chính công"
rep dev 75 "$P" --state xong --result "Đã ký 3 hợp đồng đặt hàng nhiệm vụ khoa học"
rep dev 1 "$P" --state xong --result "Kế hoạch tuyên truyền đã ban hành"
rep dev 26 "$P" --state dang --percent 50 --result "Đã khảo sát 12 thủ tục" --difficulties "Thiếu kinh phí khảo sát" --proposals "Bổ sung dự toán"
rep dev 37 "$P" --state xong --result "Đã kết nối 4 trung tâm đổi mới sáng tạo"
ind dev 7.1 "$P" 42,5
ind dev 9 "$P" 38
ind dev 12 "$P" 61,2
run 0 "todo offline" "$TD" todo --dir dev
say "todo (offline):"
echo "$OUT"
expect_out "todo: period" "Báo cáo kỳ $P_VI"
expect_out "todo: written, not sent" "đã gửi 0; đã ghi, chờ gửi $OWED_WRITTEN; còn thiếu"
if grep -qE "Đã ghi, chờ gửi: NV $OWED_LIST$" <<<"$OUT"; then pass "todo lists the $OWED_WRITTEN owed reports written offline"; else
    fail "todo does not list tasks $OWED_LIST as written, not sent"
fi
expect_out "todo: outbox" "Chờ gửi: 8 mục (5 báo cáo)"
expect_out "todo: never synced? no: synced before" "đồng bộ lần cuối"
expect_out "todo: next step" "Việc tiếp theo: tiendo report"
run 0 "task 37 offline" "$TD" task 37 --dir dev
expect_out "task 37 offline: the pending report" "chờ gửi"
run 1 "sync with the server down" "$TD" sync --dir dev

say "server up: the clerk syncs"
sv_start main "127.0.0.1:$SP"
run 0 "office: sync" "$TD" sync --dir dev
run 0 "todo after the sync" "$TD" todo --dir dev
expect_out "todo: nothing waiting" "Chờ gửi: 0 mục"
expect_out "todo: the owed reports count as sent" "$SENT_NOTE"
if grep -q "Đã ghi, chờ gửi:" <<<"$OUT"; then fail "todo still lists written-not-sent after the sync"; else pass "todo: nothing written-not-sent after the sync"; fi
DB=$W/data-main/server.db
eq "server: 5 reports of $AG" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='$AG' AND kind=20;")" 5
eq "server: 3 indicator values of $AG" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='$AG' AND kind=21;")" 3

say "central reviews: accept 32, 75, 1, 26; return 37"
run 0 "central: sync" "$TD" sync --dir cen
run 0 "central: todo" "$TD" todo --dir cen
expect_out "central todo: reports waiting for review" "Báo cáo hoàn thành chờ thẩm định: 4"
run 0 "central: tasks (all)" "$TD" tasks --dir cen --status awaiting-review --wide
row_has "central sees 32 awaiting review" 32 "Chờ thẩm định"
run 2 "review: neither --accept nor --return" "$TD" review 37 --dir cen --agency "$AG" --period "$P"
run 2 "review: both --accept and --return" "$TD" review 37 --dir cen --agency "$AG" --period "$P" --accept --return "x"
run 2 "review: empty reason" "$TD" review 37 --dir cen --agency "$AG" --period "$P" --return ""
expect_err "review: empty reason" "lý do"
run 1 "review: a report the replica lacks" "$TD" review 37 --dir cen --agency "$AG" --period "2025-01" --accept
expect_err "review: sync first" "Hãy đồng bộ trước: tiendo sync"
RET_REASON="Thiếu văn bản minh chứng: đề nghị bổ sung số hiệu quyết định thành lập mạng lưới"
for t in 32 75 1 26; do
    run 0 "central accepts task $t" "$TD" review "$t" --dir cen --agency "$AG" --period "$P" --accept --comment "Đạt yêu cầu"
done
run 0 "central returns task 37" "$TD" review 37 --dir cen --agency "$AG" --period "$P" --return "$RET_REASON"
run 0 "central: sync (reviews)" "$TD" sync --dir cen
run 0 "central: todo after its reviews" "$TD" todo --dir cen
# the four accepted reports are no longer waiting (37, returned, was not DONE)
expect_out "central todo: the reviewed reports wait no more" "Báo cáo hoàn thành chờ thẩm định: 0"

say "the clerk's next sync shows the reviews"
run 0 "office: sync" "$TD" sync --dir dev
run 0 "todo after the reviews" "$TD" todo --dir dev
say "todo (after the reviews):"
echo "$OUT"
expect_out "todo: returned" "Bị trả lại"
expect_out "todo: the return reason" "$RET_REASON"
expect_out "todo: next step is the correction" "Việc tiếp theo: tiendo report 37 --period $P"
run 0 "task 37" "$TD" task 37 --dir dev
expect_out "task 37: returned" "Bị trả lại, lý do: $RET_REASON"
expect_out "task 37: the review in the history" "TRẢ LẠI"
run 0 "task 32" "$TD" task 32 --dir dev
say "task 32:"
echo "$OUT"
expect_out "task 32: done on time" "Đã hoàn thành đúng hạn"
expect_out "task 32: the extension's reason" "Lý do: $EXT_REASON"
expect_out "task 32: the new deadline" "\"12/$NEXT_Y\""
expect_out "task 32: the accepted review" "chấp nhận. Ý kiến: Đạt yêu cầu"
run 0 "task 75" "$TD" task 75 --dir dev
expect_out "task 75: condition met" "Điều kiện: đã đáp ứng ngày $TODAY_VI; hạn hoàn thành: tháng 12/$NEXT_Y"
expect_out "task 75: the note" "Hướng dẫn số 12/HD-BKHCN"
expect_out "task 75: done on time" "Đã hoàn thành đúng hạn"

say "the clerk corrects task 37; central accepts"
DOC=()
if "$TD" report --help 2>/dev/null | grep -q -- '--doc'; then
    DOC=(--doc "124/QĐ-SKHCN,10/06/2025,Quyết định thành lập mạng lưới đổi mới sáng tạo")
fi
rep dev 37 "$P" --state xong --result "Đã kết nối 4 trung tâm đổi mới sáng tạo" \
    --evidence "Quyết định số 123/QĐ-SKHCN ngày 10/6/2025" "${DOC[@]}"
run 0 "task 37: the correction waits" "$TD" task 37 --dir dev
expect_out "task 37: correction pending" "chờ gửi"
run 0 "office: sync (correction)" "$TD" sync --dir dev
run 0 "central: sync" "$TD" sync --dir cen
run 0 "central accepts the corrected task 37" "$TD" review 37 --dir cen --agency "$AG" --period "$P" --accept
run 0 "central: sync" "$TD" sync --dir cen
run 0 "office: sync" "$TD" sync --dir dev

say "final statuses"
run 0 "tasks --wide" "$TD" tasks --dir dev --wide
say "tasks:"
echo "$OUT"
row_has "final" 32 "Đã hoàn thành đúng hạn"
row_has "final" 75 "Đã hoàn thành đúng hạn"
row_has "final" 1 "Đã hoàn thành quá hạn"
row_has "final" 37 "Đã hoàn thành quá hạn"
row_has "final" 26 "Đang thực hiện quá hạn"
row_has "final: role" 37 "Chủ trì"
row_has "final: last report date" 37 "$TODAY_VI"
row_has "partner task" 6 "Phối hợp"
say "tasks: the 80-column table"
run 0 "tasks (80 columns)" "$TD" tasks --dir dev
head -n 14 <<<"$OUT" | sed 's/^/    | /'
widest=$(printf '%s\n' "$OUT" | LC_ALL=C.UTF-8 wc -L)
if [ "$widest" -le 80 ]; then pass "every line fits 80 columns ($widest)"; else
    fail "a line is wider than 80 columns ($widest): $(while IFS= read -r l; do
        [ "$(printf '%s' "$l" | LC_ALL=C.UTF-8 wc -L)" -gt 80 ] && echo "[$l]"; done <<<"$OUT")"; fi
t123=$(grep -E '^ *[123] ' <<<"$OUT" | LC_ALL=C.UTF-8 cut -c5-32)
eq "tasks 1, 2, 3: three different titles shown ($(tr '\n' '|' <<<"$t123"))" "$(sort -u <<<"$t123" | wc -l)" 3
grep -qE '^ *2 …' <<<"$OUT" && pass "task 2: the shared beginning gives way to what differs" ||
    fail "task 2: $(grep -E '^ *2 ' <<<"$OUT")"
grep -qE '^ *37 .*Chủ trì .*Quá hạn|^ *37 .*Xong quá hạn' <<<"$OUT" && pass "task 37: role and short status" ||
    fail "task 37: $(grep -E '^ *37 ' <<<"$OUT")"
run 0 "tasks --status done-on-time" "$TD" tasks --dir dev --status done-on-time --wide
eq "tasks --status done-on-time: 2 rows" "$(grep -cE '^[IVX]+ +[0-9]+  ' <<<"$OUT")" 2
run 0 "tasks --section IV" "$TD" tasks --dir dev --section IV --wide
if grep -E '^[IVX]+ +[0-9]+  ' <<<"$OUT" | grep -qvE '^IV '; then fail "--section IV shows other sections"; else pass "--section IV only"; fi
run 2 "tasks --section XX" "$TD" tasks --dir dev --section XX
run 2 "tasks --status nonsense" "$TD" tasks --dir dev --status nonsense
run 0 "tasks --period $P" "$TD" tasks --dir dev --period "$P" --wide
row_has "tasks --period: this period's report" 26 "$TODAY_VI"
YESTERDAY_VI=$(td_date %d/%m/%Y -1)
run 0 "tasks --date yesterday: what was known then" "$TD" tasks --dir dev --date "$YESTERDAY_VI" --wide
row_has "yesterday: task 32 had its old deadline" 32 "12/2025"
row_has "yesterday: task 32 was late with no report at all, not done" 32 "Chưa báo cáo lần nào"
row_has "yesterday: no report known" 32 "—"
run 0 "task 32 --date yesterday" "$TD" task 32 --dir dev --date "$YESTERDAY_VI"
expect_out "task 32 yesterday: deadline then and now" "Thời hạn tại ngày đang xét: \"12/2025\" (tháng 12/2025); hiện nay: \"12/$NEXT_Y\""
run 0 "task 37 after the acceptance" "$TD" task 37 --dir dev
say "task 37:"
echo "$OUT"
expect_out "task 37: accepted" "Đã hoàn thành quá hạn"
expect_out "task 37: the evidence" "Quyết định số 123/QĐ-SKHCN"
if [ ${#DOC[@]} -gt 0 ]; then
    expect_out "task 37: the document cited" "Văn bản: 124/QĐ-SKHCN ngày 10/06/2025 — Quyết định thành lập mạng lưới"
fi
expect_out "task 37: the history keeps the return" "$RET_REASON"
run 0 "todo at the end" "$TD" todo --dir dev
if grep -q "Bị trả lại" <<<"$OUT"; then fail "todo still shows a returned report"; else pass "todo: nothing returned any more"; fi
say "the reporting day is configurable (device config report-day; server.conf the same key)"
echo "report-day = 25" >>dev/config
run 0 "todo with report-day = 25" "$TD" todo --dir dev
expect_out "todo: due the 25th" "(hạn 25/$P_VI)"
sed -i '/^report-day/d' dev/config
echo "report-day = 40" >>dev/config
run 0 "todo with a bad report-day" "$TD" todo --dir dev
expect_err "bad report-day explained" "report-day phải là số nguyên từ 1 đến 31"
expect_out "bad report-day: the 18th kept" "(hạn 18/$P_VI)"
sed -i '/^report-day/d' dev/config
run 1 "task 999" "$TD" task 999 --dir dev
expect_err "unknown task" "không có trong kế hoạch"

run 0 "server state for $AG" "$SRV_BIN" state --data "$W/data-main" "${SRV_KEYS[@]}" --agency "$AG" --role office
expect_out "server state: nothing refused" "Bản ghi bị từ chối: 0"
check_digest "office replica" main dev "$AG"
check_digest "central replica" main cen "$AG" central
stop_server main
finish

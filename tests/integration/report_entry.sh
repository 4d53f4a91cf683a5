#!/usr/bin/env bash
# report_entry.sh — how a clerk enters reports and indicator values (docs/ARCHITECTURE.md §3:
# how reports are entered, the refusals, NFC round trip), against a real
# tiendo-server and real office devices over loopback TLS:
#   1. each refusal (unknown task, task without a role, period after the
#      current month, percent out of range, missing required field) exits
#      with the right code, says what to do, and queues nothing;
#   2. indicator values checked against the unit (%, counts, ranks,
#      qualitative, headings; decimal comma);
#   3. interactive entry: $EDITOR for the long texts (a fake editor
#      script), the "." fallback without an editor, and a real terminal
#      through `script` (isatty path) when util-linux script is present;
#   4. --from-file: a good CSV (BOM, quoted multi-line cell, ';' variant) is
#      signed whole; a bad one signs nothing and names file:line and column;
#   5. drafts: saved unsigned (not in the outbox), listed, shown, replaced,
#      refused at submit while incomplete, submitted (outbox +1, draft gone);
#      `tiendo report` starting from a draft;
#   6. Vietnamese text typed in NFD and NFC comes out NFC, byte for byte, in
#      the server's derived state, in the author's replica and in the replica
#      of another agency that sees the task.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

# Deterministic "today": 20/06/2025 (period 2025-06 is the current month).
export TIENDO_TODAY=20250620
unset VISUAL EDITOR

pending() { sq "$1/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='pending';"; }
drafts() { sq "$1/replica.db" "SELECT COUNT(*) FROM draft;"; }

say "PKI, plan 726, server; offices so-y-te and ubnd-chi-linh"
sync_pki
plan_import main
sv_start main
enrol_as yte so-y-te yte-01 office "127.0.0.1:$PORT"
enrol_as cl ubnd-chi-linh cl-01 office "127.0.0.1:$PORT"
run 0 "first sync of so-y-te (pulls the plan)" "$TD" sync --dir yte

say "1. refusals: exit code, message with what to do, nothing queued"
run 1 "unknown task 999" "$TD" report 999 --dir yte --period 2025-06 --state dang --percent 10 --result x
expect_err "unknown task" "nhiệm vụ số 999 không có trong kế hoạch"
expect_err "unknown task: how to see the tasks" "tiendo tasks"
run 1 "task 33 where so-y-te has no role" "$TD" report 33 --dir yte --period 2025-06 --state dang --percent 10 --result x
expect_err "no role" "không chủ trì cũng không phối hợp nhiệm vụ 33"
expect_err "no role: the task's leads are named" "chủ trì: Sở Xây dựng"
run 1 "period after the current month (2025-07 on 20/06/2025)" "$TD" report 27 --dir yte --period 2025-07 \
    --state dang --percent 10 --result x
expect_err "future period" "kỳ 07/2025 chưa đến (hôm nay là 20/06/2025)"
run 1 "--date moves today: 2025-08 still after 31/07/2025" "$TD" report 27 --dir yte --period 2025-08 \
    --state dang --percent 10 --result x --date 31/07/2025
expect_err "--date" "hôm nay là 31/07/2025"
run 2 "percent 120" "$TD" report 27 --dir yte --period 2025-06 --state dang --percent 120 --result x
expect_err "percent out of range" "phần trăm hoàn thành phải là số nguyên từ 0 đến 100"
run 2 "percent -5" "$TD" report 27 --dir yte --period 2025-06 --state dang --percent -5 --result x
run 2 "missing result (stdin not a terminal: nothing asked)" "$TD" report 27 --dir yte --period 2025-06 \
    --state dang --percent 40 </dev/null
expect_err "missing result" "thiếu kết quả thực hiện"
expect_err "missing result: how to give it" "--result"
run 2 "missing state (--no-prompt)" "$TD" report 27 --dir yte --period 2025-06 --no-prompt
expect_err "missing state" "thiếu trạng thái"
expect_err "missing state: how to give it" "--state chua|dang|xong"
run 2 "xong with 50%" "$TD" report 27 --dir yte --period 2025-06 --state xong --percent 50 --result x
expect_err "done is 100%" "là 100%"
run 2 "bad --doc date" "$TD" report 27 --dir yte --period 2025-06 --state dang --percent 5 --result x \
    --doc "12/KH-SYT,31/02/2025"
expect_err "bad document date" "dd/mm/yyyy"
run 2 "unknown state word" "$TD" report 27 --dir yte --period 2025-06 --state gandong --result x
eq "nothing queued by the refusals" "$(pending yte)" 0
run 0 "the old form --task N still works" "$TD" report --dir yte --task 1 --period 2025-03 --state chua

say "2. indicator values checked against the unit"
run 1 "indicator 25 (%) = 120" "$TD" indicator set 25 --dir yte --period 2025-06 --value 120
expect_err "percent indicator out of range" "giá trị phải từ 0 đến 100"
run 1 "indicator II.4 (Doanh nghiệp) = 2,5" "$TD" indicator set II.4 --dir yte --period 2025-06 --value 2,5
expect_err "count indicator" "số nguyên không âm"
run 1 "indicator 26 (Thứ bậc) = 0" "$TD" indicator set 26 --dir yte --period 2025-06 --value 0
expect_err "rank indicator" "từ 1 trở lên"
run 1 "indicator 10 (HDI) = 8" "$TD" indicator set 10 --dir yte --period 2025-06 --value 8
expect_err "HDI indicator" "từ 0 đến 1"
run 1 "qualitative indicator 2 with a number" "$TD" indicator set 2 --dir yte --period 2025-06 --value 5
expect_err "qualitative indicator" "chỉ tiêu định tính"
run 1 "heading 7" "$TD" indicator set 7 --dir yte --period 2025-06 --value 5
expect_err "heading" "nhóm chỉ tiêu"
run 1 "indicator in a future period" "$TD" indicator set 25 --dir yte --period 2025-09 --value 50
expect_err "future indicator period" "chưa đến"
run 2 "two decimal marks" "$TD" indicator set 25 --dir yte --period 2025-06 --value 1.234,5
eq "nothing queued by the indicator refusals (only the --task report)" "$(pending yte)" 1
run 0 "indicator 25 = 42,5 with a note" "$TD" indicator set 25 --dir yte --period 2025-06 --value 42,5 \
    --note "Số liệu đến 15/6"
expect_out "indicator recorded" "Giá trị: 42,5"
run 0 "old form: indicator --code 25" "$TD" indicator --dir yte --code 25 --period 2025-05 --value 40
eq "two indicator values queued (and the --task report)" "$(pending yte)" 3
# A qualitative indicator monitored by so-khcn: text only.
enrol_as kh so-khcn kh-01 office "127.0.0.1:$PORT"
run 0 "sync so-khcn (plan)" "$TD" sync --dir kh
run 0 "qualitative indicator 2 with --text (so-khcn)" "$TD" indicator set 2 --dir kh --period 2025-06 \
    --text "Nhóm 25 tỉnh dẫn đầu"
run 0 "sync so-khcn (the value)" "$TD" sync --dir kh
eq "so-khcn: the qualitative value was stored" "$(pending kh)" 0

say "3. interactive entry"
cat >"$W/fake-ed.sh" <<'EOF'
#!/bin/sh
# A clerk in an editor: appends text under the header; logs what it saw.
f=$1
cat "$f" >>"$FAKE_ED_LOG"
echo "----" >>"$FAKE_ED_LOG"
if grep -q 'KẾT QUẢ THỰC HIỆN' "$f"; then
    printf 'Đã số hóa 1.200 hồ sơ bệnh án\n# dòng chú thích của người dùng, bị bỏ\nĐã kết nối 3 bệnh viện\n' >>"$f"
elif grep -q 'KHÓ KHĂN' "$f"; then
    printf 'Thiếu máy quét\n' >>"$f"
else
    printf '\n\n' >>"$f"
fi
EOF
chmod +x "$W/fake-ed.sh"
export FAKE_ED_LOG=$W/fake-ed.log
: >"$FAKE_ED_LOG"
# --prompt forces the questions with stdin from a pipe: state 2, percent 55.
printf '2\n55\n' >"$W/answers"
run 0 "report 47 with --prompt and EDITOR" env EDITOR="$W/fake-ed.sh" "$TD" report 47 --dir yte --period 2025-06 \
    --prompt <"$W/answers"
eq "the editor was opened for the 3 texts" "$(grep -c '^----$' "$FAKE_ED_LOG")" 3
expect_in "editor file has the Vietnamese header" "$FAKE_ED_LOG" "# Các dòng bắt đầu bằng '#' bị bỏ qua."
expect_in "editor file names the task" "$FAKE_ED_LOG" "# Báo cáo nhiệm vụ 47, kỳ 06/2025"
expect_out "recorded from the editor" "Trạng thái: đang thực hiện, 55%"
expect_out "the result typed in the editor, comment dropped" "Kết quả thực hiện: Đã số hóa 1.200 hồ sơ bệnh án"
expect_out "difficulties from the editor" "Khó khăn, vướng mắc: Thiếu máy quét"
expect_out "next step printed" "Bước tiếp theo: chạy \`tiendo sync\`"
if grep -q 'dòng chú thích' <<<"$OUT"; then fail "a '#' line of the editor file was kept"; else pass "'#' lines dropped"; fi
run 1 "editor failing: nothing recorded" env EDITOR=false "$TD" report 48 --dir yte --period 2025-06 --state dang \
    --percent 5 --prompt </dev/null
expect_err "editor failure explained" "trình soạn thảo"
# Without an editor: lines until a single ".".
printf 'xong\n\nHoàn thành kho dữ liệu\ndòng hai\n.\n.\n.\n' >"$W/answers2"
run 0 "report 49 --prompt without EDITOR (the '.' fallback)" "$TD" report 49 --dir yte --period 2025-05 --prompt \
    <"$W/answers2"
expect_err "fallback explained in the prompt" "một dòng chỉ có dấu chấm"
expect_out "done report from the fallback" "Trạng thái: đã hoàn thành, 100%"
expect_out "fallback result, two lines" "Kết quả thực hiện: Hoàn thành kho dữ liệu"
expect_out "done date defaults to today" "Ngày hoàn thành: 20/06/2025"
eq "5 entries queued" "$(pending yte)" 5
if command -v script >/dev/null 2>&1; then
    # A real terminal: stdin is a pty, so the questions come without --prompt.
    : >"$FAKE_ED_LOG"
    run 0 "report 68 on a terminal (script)" script -qec \
        "EDITOR='$W/fake-ed.sh' FAKE_ED_LOG='$FAKE_ED_LOG' '$TD' report 68 --dir yte --period 2025-06 --state dang --percent 30 --difficulties 'Không' --proposals 'Không'" \
        /dev/null <"$W/answers"
    eq "on a terminal the editor is opened for the result only" "$(grep -c '^----$' "$FAKE_ED_LOG")" 1
    eq "6 entries queued" "$(pending yte)" 6
else
    say "(util-linux script not found: terminal path not tested)"
fi
BEFORE=$(pending yte)

say "4. --from-file"
printf '%%PDF-1.4\n%% biên bản\n1 0 obj << >> endobj\ntrailer << >>\n%%%%EOF\n' >"$W/bien-ban.pdf"
PDF_SIZE=$(stat -c %s "$W/bien-ban.pdf")
{
    printf '\xef\xbb\xbf'
    printf 'task,period,state,percent,result,difficulties,proposals,evidence,doc\r\n'
    printf '27,2025-05,dang,30,"Đã ban hành kế hoạch, giao chỉ tiêu",,,"https://syt.example/kh|Biên bản họp",\r\n'
    printf '\r\n'
    printf '48,05/2025,đang thực hiện,45%%,"Dòng một\r\nDòng hai",Thiếu người,,,"15/BC-SYT,10/05/2025,Báo cáo tháng 5"\r\n'
    printf '49,2025-04,xong,,Đã hoàn thành,,,,\r\n'
} >"$W/good.csv"
run 0 "a good CSV of 3 reports" "$TD" report --dir yte --from-file "$W/good.csv"
expect_out "batch summary" "Đã ghi 3 báo cáo"
eq "3 more entries queued" "$(pending yte)" $((BEFORE + 3))
printf 'task;period;state;percent;result;attach\n47;2025-05;dang;20;Bắt đầu thu thập dữ liệu;bien-ban.pdf\n' >"$W/semi.csv"
run 0 "a ';' CSV (Excel, Vietnamese locale)" "$TD" report --dir yte --from-file "$W/semi.csv"
eq "1 more entry queued" "$(pending yte)" $((BEFORE + 4))
BEFORE=$(pending yte)
{
    printf 'task,period,state,percent,result\n'
    printf '27,2025-04,dang,10,Ổn\n'
    printf '47,2025-04,dang,150,Quá trăm\n'
    printf '999,2025-04,dang,10,Không có\n'
    printf '48,2025-04,dang,10,\n'
    printf '49,2025-09,dang,10,Tương lai\n'
} >"$W/bad.csv"
run 1 "a bad CSV" "$TD" report --dir yte --from-file "$W/bad.csv"
expect_err "bad CSV: line and field of the percent" "bad.csv:3: cột percent"
expect_err "bad CSV: line of the unknown task" "bad.csv:4: cột task"
expect_err "bad CSV: missing result" "bad.csv:5: cột result"
expect_err "bad CSV: future period" "bad.csv:6: cột period"
expect_err "bad CSV: all or nothing" "KHÔNG ghi báo cáo nào"
eq "nothing queued from the bad CSV (line 2 was good)" "$(pending yte)" "$BEFORE"
printf 'task,period,colour\n27,2025-04,đỏ\n' >"$W/badhdr.csv"
run 1 "a CSV with an unknown column" "$TD" report --dir yte --from-file "$W/badhdr.csv"
expect_err "unknown column" "badhdr.csv:1: tên cột \"colour\""
BEFORE=$(pending yte)
# Vietnamese column names, any order and case, with and without diacritics.
printf 'Kỳ,NHIỆM VỤ,Tỷ lệ,trạng thái,Kết quả,Khó khăn,Kiến nghị\n2025-03,27,25,dang,Đã khảo sát,Thiếu kinh phí,Bổ sung vốn\n' \
    >"$W/vihdr.csv"
run 0 "a CSV with Vietnamese column names" "$TD" report --dir yte --from-file "$W/vihdr.csv"
printf 'ky,nhiem vu,ty le,Trang Thai,ket qua,minh chung,ngay hoan thanh,van ban\n2025-03,47,100,xong,Xong,Biên bản,15/03/2025,\n' \
    >"$W/asciihdr.csv"
run 0 "a CSV with Vietnamese column names without diacritics" "$TD" report --dir yte --from-file "$W/asciihdr.csv"
eq "both queued" "$(pending yte)" $((BEFORE + 2))
BEFORE=$(pending yte)
# a text over the limit: the message says the limit
{ printf 'task,period,state,percent,result\n27,2025-02,dang,5,'; head -c 16400 /dev/zero | tr '\0' 'a'; printf '\n'; } \
    >"$W/long.csv"
run 1 "a CSV with a result over 16 KiB" "$TD" report --dir yte --from-file "$W/long.csv"
expect_err "too long: names the limit" "quá giới hạn 16.384 byte"

say "5. drafts"
run 0 "save a draft of task 48, 2025-06" "$TD" report 48 --dir yte --period 2025-06 --state dang --percent 20 --draft
expect_out "draft saved unsigned" "CHƯA ký"
eq "the draft is not in the outbox" "$(pending yte)" "$BEFORE"
eq "one draft" "$(drafts yte)" 1
run 0 "draft list" "$TD" draft list --dir yte
expect_out "draft list" "nhiệm vụ 48, kỳ 06/2025: đang thực hiện, 20%"
run 2 "submit an incomplete draft" "$TD" draft submit 48 --dir yte --period 2025-06
expect_err "incomplete draft" "thiếu kết quả thực hiện"
eq "still not in the outbox" "$(pending yte)" "$BEFORE"
run 0 "save the draft again with a result" "$TD" report 48 --dir yte --period 2025-06 --result "Đang lắp máy chủ" --draft
expect_out "draft updated" "Đã cập nhật bản nháp"
eq "still one draft (replaced)" "$(drafts yte)" 1
run 0 "draft show" "$TD" draft show 48 --dir yte --period 2025-06
expect_out "draft keeps the percent" "Trạng thái: đang thực hiện, 20%"
expect_out "draft has the result" "Kết quả thực hiện: Đang lắp máy chủ"
eq "a draft is never signed: outbox unchanged" "$(pending yte)" "$BEFORE"
run 0 "draft submit" "$TD" draft submit 48 --dir yte --period 2025-06
expect_out "submitted" "Bản nháp đã được nộp và xóa"
eq "submitted: one more in the outbox" "$(pending yte)" $((BEFORE + 1))
eq "submitted: the draft is gone" "$(drafts yte)" 0
run 1 "submit again: no draft" "$TD" draft submit 48 --dir yte --period 2025-06
run 0 "a draft of task 49, 2025-06" "$TD" report 49 --dir yte --period 2025-06 --state dang --percent 10 \
    --result "Khảo sát xong" --draft
run 0 "report 49 starts from the draft, --percent overrides" "$TD" report 49 --dir yte --period 2025-06 --percent 35 \
    --no-prompt
expect_err "started from the draft" "bắt đầu từ bản nháp"
expect_out "draft values + override" "Trạng thái: đang thực hiện, 35%"
expect_out "the draft's result" "Kết quả thực hiện: Khảo sát xong"
eq "the used draft is deleted" "$(drafts yte)" 0
run 0 "a draft to delete" "$TD" report 27 --dir yte --period 2025-03 --state chua --draft
run 0 "draft delete" "$TD" draft delete 27 --dir yte --period 2025-03
eq "deleted" "$(drafts yte)" 0
eq "a draft on a task without a role is refused too" "$(
    "$TD" report 33 --dir yte --period 2025-06 --state dang --draft >/dev/null 2>&1
    echo $?
)" 1

say "6. NFC round trip: replica, wire, server, another agency's replica"
NFD=$(printf 'Ho\xcc\x82\xcc\xa3i nghi\xcc\xa3 \xc4\x91a\xcc\x83 to\xcc\x82\xcc\x89 ch\xc6\xb0\xcc\x81c')
NFC=$(printf 'H\xe1\xbb\x99i ngh\xe1\xbb\x8b \xc4\x91\xc3\xa3 t\xe1\xbb\x95 ch\xe1\xbb\xa9c')
PRE="Khó khăn: thiếu kinh phí, nhân lực; đề nghị Sở Tài chính hỗ trợ"
DOC_NFD=$(printf '22/KH-SYT,05/06/2025,Ke\xcc\x82\xcc\x81 hoa\xcc\xa3ch so\xcc\x82\xcc\x81 ho\xcc\x81a')
DOC_NFC_TITLE=$(printf 'K\xe1\xba\xbf ho\xe1\xba\xa1ch s\xe1\xbb\x91 h\xc3\xb3a')
[ "$NFD" != "$NFC" ] || die "test setup: NFD and NFC strings are equal"
run 0 "report 27 (2025-06) with NFD and NFC text, a document and a PDF" "$TD" report 27 --dir yte --period 2025-06 \
    --state dang --percent 40 --result "$NFD" --difficulties "$PRE" --proposals "$NFD; $PRE" \
    --evidence "$NFD" --doc "$DOC_NFD" --attach "$W/bien-ban.pdf"
run 0 "sync so-y-te" "$TD" sync --dir yte
eq "outbox delivered" "$(pending yte)" 0
eq "nothing refused by the server" "$(sq yte/replica.db "SELECT COUNT(*) FROM outbox WHERE status='refused';")" 0

run 0 "server: the derived report" "$SRV_BIN" state --data "$W/data-main" "${SRV_KEYS[@]}" --report 27/so-y-te/2025-06
SRV_OUT=$OUT
exact_line() {   # DESC TEXT LINE: TEXT holds LINE as a whole line, byte for byte
    if grep -qxF -- "$3" <<<"$2"; then pass "$1"; else fail "$1: line \"$3\" not in: $2"; fi
}
exact_line "server: result is the NFC string" "$SRV_OUT" "  Kết quả thực hiện: $NFC"
exact_line "server: precomposed text unchanged" "$SRV_OUT" "  Khó khăn, vướng mắc: $PRE"
exact_line "server: mixed text" "$SRV_OUT" "  Đề xuất, kiến nghị: $NFC; $PRE"
exact_line "server: evidence" "$SRV_OUT" "  Minh chứng: $NFC"
exact_line "server: document" "$SRV_OUT" "  Văn bản: 22/KH-SYT|20250605|$DOC_NFC_TITLE"
exact_line "server: attachment" "$SRV_OUT" "  Tệp đính kèm: bien-ban.pdf|application/pdf|$PDF_SIZE"
if LC_ALL=C grep -q $'\xcc' <<<"$SRV_OUT"; then fail "server: a combining mark (NFD) survived"; else pass "server: no combining marks"; fi
# The signed entry bytes as stored: the NFC text is there, the NFD text is not.
hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
eq "server.db: the report entry carries the NFC bytes" \
    "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE kind=20 AND task=27 AND instr(body, X'$(hexof "$NFC")') > 0;")" 1
eq "server.db: no entry carries the NFD bytes" \
    "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE instr(body, X'$(hexof "$NFD")') > 0;")" 0

run 0 "server: the CSV report with an attach column" "$SRV_BIN" state --data "$W/data-main" "${SRV_KEYS[@]}" \
    --report 47/so-y-te/2025-05
exact_line "server: the CSV's attachment" "$OUT" "  Tệp đính kèm: bien-ban.pdf|application/pdf|$PDF_SIZE"
exact_line "server: the CSV's result" "$OUT" "  Kết quả thực hiện: Bắt đầu thu thập dữ liệu"
run 0 "so-y-te: report show from its replica" "$TD" report show 27 --dir yte --period 2025-06
exact_line "author's replica: NFC result" "$OUT" "  Kết quả thực hiện: $NFC"
exact_line "author's replica: document" "$OUT" "  Văn bản: 22/KH-SYT, ngày 05/06/2025: $DOC_NFC_TITLE"
run 0 "sync ubnd-chi-linh (partner of task 27 through the group)" "$TD" sync --dir cl
run 0 "ubnd-chi-linh: report show of so-y-te's report" "$TD" report show 27 --dir cl --period 2025-06 --agency so-y-te
exact_line "other agency's replica: NFC result" "$OUT" "  Kết quả thực hiện: $NFC"
exact_line "other agency's replica: precomposed text" "$OUT" "  Khó khăn, vướng mắc: $PRE"
exact_line "other agency's replica: evidence" "$OUT" "  Minh chứng: $NFC"
check_digest "so-y-te replica = server view" main yte so-y-te
check_digest "ubnd-chi-linh replica = server view" main cl ubnd-chi-linh
run 0 "server: every report of so-y-te applied" "$SRV_BIN" state --data "$W/data-main" "${SRV_KEYS[@]}" --refused
expect_out "nothing refused" "Bản ghi bị từ chối: 0"
expect_out "the 3 indicator values" "Giá trị chỉ tiêu: 3"
eq "outbox summary of the indicator value (decimal comma)" \
    "$(sq yte/replica.db "SELECT summary FROM outbox WHERE kind=21 ORDER BY seq LIMIT 1;")" "chỉ tiêu 25, kỳ 06/2025: 42,5"

stop_server main
finish

#!/usr/bin/env bash
# report_fixes.sh — report entry regressions, against a real tiendo-server
# and a real office device over loopback TLS:
#   1. every --doc form of `tiendo report --help` and README ("SỐ HIỆU",
#      "SỐ HIỆU,dd/mm/yyyy", "SỐ HIỆU,dd/mm/yyyy,trích yếu", a title with
#      commas, no date) and a CSV doc cell holding only a number: recorded,
#      never a crash (a number alone used to end in SIGSEGV, exit 139);
#   2. `draft submit` applies the direct report's check: a draft "xong" with
#      40 % is refused exactly as `--state xong --percent 40` is, not signed
#      100 %; a draft "xong" without a percent is 100 %;
#   3. a real terminal (a pty): a required field left empty (Kết quả) is
#      asked again; Ctrl-C, Ctrl-D and a closed terminal keep what was typed
#      as a draft and say how to resume; resuming signs it.
# Today is 15/12/2026 (TIENDO_TODAY), never the real date.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

export TIENDO_TODAY=20261215
unset VISUAL EDITOR
P=2026-12
PTY=(/usr/bin/python3 "$TD_SOURCE_DIR/tests/integration/lib/pty_report.py")

pending() { sq "$1/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='pending';"; }
drafts() { sq "$1/replica.db" "SELECT COUNT(*) FROM draft;"; }

say "PKI, plan 726, server; office so-y-te"
sync_pki
plan_import main
sv_start main
enrol_as yte so-y-te yte-01 office "127.0.0.1:$PORT"
run 0 "first sync (pulls the plan)" "$TD" sync --dir yte

say "1. every --doc form; no crash"
run 0 "--doc number only" "$TD" report 49 --dir yte --period $P --result x --doc "12/UBND"
expect_out "number only recorded" "Văn bản: 12/UBND"
run 0 "--doc number,date" "$TD" report 48 --dir yte --period $P --result x --doc "12/UBND,02/12/2026"
expect_out "number and date recorded" "Văn bản: 12/UBND, ngày 02/12/2026"
run 0 "--doc number,date,title with commas (and a second --doc)" "$TD" report 47 --dir yte --period $P --result x \
    --doc "12/KH-SKHCN,05/06/2025,Kế hoạch tuyên truyền, đợt 2" --doc "7/QĐ,,Quyết định"
expect_out "title with a comma" "Văn bản: 12/KH-SKHCN, ngày 05/06/2025: Kế hoạch tuyên truyền, đợt 2"
expect_out "number,,title" "Văn bản: 7/QĐ: Quyết định"
run 2 "--doc without a number" "$TD" report 27 --dir yte --period $P --result x --doc ",02/12/2026"
expect_err "missing number explained" "thiếu số hiệu văn bản"
run 2 "--doc dated after today" "$TD" report 27 --dir yte --period $P --result x --doc "1/A,16/12/2026"
expect_err "future document date" "sau hôm nay"
eq "3 reports queued" "$(pending yte)" 3
printf 'task,period,state,percent,result,doc\n27,%s,dang,10,Đã làm,12/UBND\n1,%s,dang,5,Đã làm,"15/BC,01/12/2026|9/TB"\n' \
    $P $P >"$W/doc.csv"
run 0 "CSV doc cells with only a number" "$TD" report --dir yte --from-file "$W/doc.csv"
expect_out "CSV recorded" "Đã ghi 2 báo cáo"
eq "5 reports queued" "$(pending yte)" 5
run 0 "sync: the server accepts them" "$TD" sync --dir yte
eq "nothing refused by the server" "$(sq yte/replica.db "SELECT COUNT(*) FROM outbox WHERE status='refused';")" 0
run 0 "report show: the number-only document" "$TD" report show 49 --dir yte --period $P
expect_out "shown from the replica" "Văn bản: 12/UBND"

say "2. draft submit = the direct report's check"
BEFORE=$(pending yte)
run 2 "direct: xong with 40 %" "$TD" report 48 --dir yte --period 2026-11 --state xong --percent 40 --result abc
expect_err "direct refusal" "là 100%"
run 0 "the same as a draft" "$TD" report 48 --dir yte --period 2026-11 --state xong --percent 40 --result abc --draft
expect_out "draft keeps the 40 %" "đã hoàn thành, 40%"
run 2 "draft submit refuses it too" "$TD" draft submit 48 --dir yte --period 2026-11
expect_err "draft refusal, same rule" "là 100%"
eq "nothing signed" "$(pending yte)" "$BEFORE"
run 2 "report from the draft refuses it too" "$TD" report 48 --dir yte --period 2026-11 --no-prompt
expect_err "report-from-draft refusal" "là 100%"
run 0 "a draft xong without a percent" "$TD" report 47 --dir yte --period 2026-11 --state xong --result "Xong" --draft
run 0 "is submitted at 100 %" "$TD" draft submit 47 --dir yte --period 2026-11
expect_out "100 %" "Trạng thái: đã hoàn thành, 100%"
run 0 "fix the 40 % draft: dang" "$TD" report 48 --dir yte --period 2026-11 --state dang --draft
run 0 "then submit" "$TD" draft submit 48 --dir yte --period 2026-11
expect_out "the percent given stays" "Trạng thái: đang thực hiện, 40%"
eq "two signed" "$(pending yte)" $((BEFORE + 2))

say "3. a real terminal (pty)"
# Task 68, nothing on the command line: state, percent, then the result
# through the '.' fallback; an empty result is asked again.
run 0 "empty result asked again, then Ctrl-C" "${PTY[@]}" intr "Trạng thái=>2" "Phần trăm=>35" "để trống thì gõ=>." \
    "BẮT BUỘC=>Đã lắp 3 máy chủ" "Đã lắp 3 máy chủ=>." "KHÓ KHĂN=>Thiếu kinh phí" \
    -- "$TD" report 68 --dir yte --period $P
expect_out "required field asked again" "Kết quả thực hiện là BẮT BUỘC"
expect_out "Ctrl-C: stopped, not signed" "CHƯA được ký"
expect_out "Ctrl-C: draft kept, how to resume" "tiendo report 68 --period $P"
expect_out "exit 1" "EXIT 1"
eq "one draft" "$(drafts yte)" 1
run 0 "the draft holds what was typed" "$TD" draft show 68 --dir yte --period $P
expect_out "state and percent typed" "đang thực hiện, 35%"
expect_out "result typed" "Kết quả thực hiện: Đã lắp 3 máy chủ"
BEFORE=$(pending yte)
run 0 "resume: starts from the draft, Enter keeps its values" "${PTY[@]}" wait "Trạng thái=>" "Phần trăm=>" \
    "giữ nguyên=>." "để trống thì gõ=>." "để trống thì gõ=>." -- "$TD" report 68 --dir yte --period $P
expect_out "resumed from the draft" "bắt đầu từ bản nháp"
expect_out "signed" "Đã ghi báo cáo nhiệm vụ 68"
expect_out "draft used" "đã được dùng và xóa"
eq "signed from the draft" "$(pending yte)" $((BEFORE + 1))
eq "no draft left" "$(drafts yte)" 0
run 0 "closed terminal while typing the result" "${PTY[@]}" hup "Trạng thái=>3" "Ngày hoàn thành=>" \
    "để trống thì gõ=>Hoàn thành kho dữ liệu" -- "$TD" report 1 --dir yte --period 2026-11
eq "closed terminal: draft kept" "$(drafts yte)" 1
run 0 "its state" "$TD" draft show 1 --dir yte --period 2026-11
expect_out "state kept" "đã hoàn thành"
run 0 "Ctrl-D at the state question" "${PTY[@]}" eof -- "$TD" report 27 --dir yte --period 2026-11
expect_out "end of input: draft kept" "hết dữ liệu nhập"
expect_out "exit 1 at Ctrl-D" "EXIT 1"

say "5. correcting a returned report at the terminal starts from the version sent, with the reason"
enrol_as cen so-khcn central-01 central "127.0.0.1:$PORT"
run 0 "report 22" "$TD" report 22 --dir yte --period $P --state dang --percent 30 --result "Bản gửi lần đầu" --no-prompt
run 0 "yte sync" "$TD" sync --dir yte
run 0 "central sync" "$TD" sync --dir cen
run 0 "central returns 22" "$TD" review 22 --dir cen --agency so-y-te --period $P --return "Thiếu số liệu tháng 12"
run 0 "central sync (the return)" "$TD" sync --dir cen
run 0 "yte sync (gets the return)" "$TD" sync --dir yte
run 0 "the correction at a terminal" "${PTY[@]}" wait "Trạng thái=>" "Phần trăm=>60" "giữ nguyên=>." \
    "để trống thì gõ=>." "để trống thì gõ=>." -- "$TD" report 22 --dir yte --period $P
expect_out "the return is named" "đã bị Sở KH&CN TRẢ LẠI"
expect_out "with its reason" "Lý do: Thiếu số liệu tháng 12"
expect_out "the text sent is shown" "Bản gửi lần đầu"
expect_out "the state sent is the default" "[Enter: đang thực hiện]"
expect_out "signed" "Đã ghi báo cáo nhiệm vụ 22"
run 0 "yte sync (the correction)" "$TD" sync --dir yte
run 0 "the corrected version" "$TD" report show 22 --dir yte --period $P
expect_out "result kept" "Bản gửi lần đầu"
expect_out "percent changed" "60"

stop_server main
finish

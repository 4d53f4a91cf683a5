#!/usr/bin/env bash
# monthly_report.sh — the consolidated monthly report (docs/ARCHITECTURE.md §8), over a
# generated year of work (tests/tools/td_history: a real signed log in a
# real server database, 81 tasks, every lead agency, 12 months, returns,
# acceptances, late and missed reports, late arrivals, fast clocks,
# indicator values):
#   - the counts of `tiendo-server report --format csv` (tasks by status at
#     as-of and a month before, each agency's obligations for 12 months,
#     indicator verdicts) equal a SECOND computation from what the generator
#     scripted (lib/mreport_truth.awk, which shares no code with status.c),
#     compared by lib/mreport_check.py;
#   - the same on the benchmark's load (--all-leads: 33 agencies lead every
#     task);
#   - a real server serves that log; an inspector and a central device sync
#     over loopback TLS and `tiendo report-all` writes byte-identical text,
#     CSV and HTML; an office device is refused with a message;
#   - usage errors (no period, bad period, future period, bad format) exit 2;
#     the default as-of date is the 23rd, or today (TIENDO_TODAY) before it;
#   - the HTML is self-contained (no script, no external reference).
set -euo pipefail
# shellcheck source=lib/tdtest.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdtest.sh"
: "${TD_TOOL_td_history:?path of td_history}"
LIB=$TD_SOURCE_DIR/tests/integration/lib
PLAN=$TD_SOURCE_DIR/data/plans/726-KH-UBND.txt
command -v python3 >/dev/null || die "python3 is needed (CI installs it: .ci/run, scripts/deps.sh)"

# compare NAME CSV TRUTH: the report's counts equal the independent ones
compare() {
    awk -f "$LIB/mreport_truth.awk" "$3" >"$W/$1.expected" || die "awk on $3"
    if python3 "$LIB/mreport_check.py" "$2" "$W/$1.expected" >"$W/$1.check" 2>&1; then
        pass "$1: $(tail -n 1 "$W/$1.check")"
    else
        fail "$1: counts differ: $(head -n 20 "$W/$1.check")"
    fi
}

say "a year of work (plan 726, every lead agency), written into a server database"
run 0 "td_history" "$TD_TOOL_td_history" --plan "$PLAN" --out "$W/data-srv" --period 2025-12
say "$OUT"
D=$W/data-srv
run 0 "server report, CSV" "$SRV_BIN" report --data "$D" --period 2025-12 --format csv --out "$W/srv.csv"
compare "plan 726" "$W/srv.csv" "$D/truth.tsv"
if head -c 3 "$W/srv.csv" | od -An -tx1 | grep -q "ef bb bf"; then pass "CSV starts with the UTF-8 BOM"; else fail "CSV has no BOM"; fi

say "the benchmark's load: 33 agencies lead all 81 tasks"
run 0 "td_history --all-leads" "$TD_TOOL_td_history" --plan "$PLAN" --out "$W/data-all" --period 2025-12 --all-leads --seed 57
run 0 "server report of the dense log" "$SRV_BIN" report --data "$W/data-all" --period 2025-12 --format csv --out "$W/all.csv"
compare "all leads" "$W/all.csv" "$W/data-all/truth.tsv"
rm -rf "$W/data-all"

say "text and HTML from the server"
run 0 "server report, text" "$SRV_BIN" report --data "$D" --period 2025-12
expect_out "title" "Báo cáo tiến độ thực hiện Kế hoạch 726/KH-UBND — tháng 12/2025"
expect_out "as-of date is the meeting day" "Số liệu đến hết ngày 23/12/2025 (so sánh với ngày 23/11/2025)"
expect_out "ranking rule shown" "Xếp hạng thi đua: (1) tỷ lệ báo cáo đúng hạn"
expect_out "flagged signed times listed" "máy chủ nhận sau hơn 35 ngày kể từ khi ký"
expect_out "fast clocks listed" "giờ ký muộn hơn lúc máy chủ nhận"
run 0 "server report, html" "$SRV_BIN" report --data "$D" --period 2025-12 --format html --out "$W/srv.html"
for bad in "<script" "src=" "href=" "url(" "@import" "https://"; do
    if grep -qiF -- "$bad" "$W/srv.html"; then fail "HTML holds \"$bad\": not self-contained"; else pass "HTML has no \"$bad\""; fi
done
expect_in "HTML escapes the report texts" "$W/srv.html" "Sở Tài chính &amp; Sở Nội vụ hỗ trợ &lt;sớm&gt;"
expect_in "HTML is A4 landscape" "$W/srv.html" "@page { size: A4 landscape"
for id in chart-status-section chart-compliance chart-indicators; do expect_in "HTML chart" "$W/srv.html" "id=\"$id\""; done

say "usage errors and the default date"
run 2 "no --period" "$SRV_BIN" report --data "$D"
expect_err "no period" "thiếu --period"
run 2 "bad period" "$SRV_BIN" report --data "$D" --period 2025-13
expect_err "bad period" "kỳ \"2025-13\" không hợp lệ"
run 2 "bad format" "$SRV_BIN" report --data "$D" --period 2025-12 --format pdf
expect_err "bad format" "--format text, csv hoặc html"
TIENDO_TODAY=20251101 run 2 "future period" "$SRV_BIN" report --data "$D" --period 2025-12
expect_err "future period" "kỳ 2025-12 chưa bắt đầu"
TIENDO_TODAY=20251210 run 0 "running month: as of today" "$SRV_BIN" report --data "$D" --period 2025-12
expect_out "as of today" "Số liệu đến hết ngày 10/12/2025 (so sánh với ngày 10/11/2025)"
run 0 "--help" "$SRV_BIN" report --help
expect_out "help" "--as-of dd/mm/yyyy"

say "a real server over that log; an inspector and central device build the same report"
start_server srv --ca "$D/ca.crt" --cert "$D/server.crt" --key "$D/server.key"
for dev in inspector central office-so-y-te; do
    mkdir -p "$W/$dev"
    cp "$D/devices/$dev/device.key" "$W/$dev/device.key"
    chmod 600 "$W/$dev/device.key"
    "$TD" init --dir "$W/$dev" --cert "$D/devices/$dev.crt" --ca "$D/ca.crt" --server "127.0.0.1:$PORT" >/dev/null ||
        die "tiendo init $dev"
    run 0 "$dev syncs" "$TD" sync --dir "$W/$dev"
done
for fmt in text csv html; do
    run 0 "server $fmt" "$SRV_BIN" report --data "$D" --period 2025-12 --format "$fmt" --out "$W/srv.$fmt"
    run 0 "inspector report-all $fmt" "$TD" report-all --dir "$W/inspector" --period 2025-12 --format "$fmt" --out "$W/insp.$fmt"
    if cmp -s "$W/srv.$fmt" "$W/insp.$fmt"; then pass "$fmt: inspector's report is byte-identical to the server's"
    else fail "$fmt: inspector's report differs: $(diff "$W/srv.$fmt" "$W/insp.$fmt" | head -n 5)"; fi
done
run 0 "central report-all (stdout)" "$TD" report-all --dir "$W/central" --period 2025-11 --as-of 20/11/2025
"$SRV_BIN" report --data "$D" --period 2025-11 --as-of 20/11/2025 >"$W/srv-nov.txt"
if [ "$OUT" = "$(cat "$W/srv-nov.txt")" ]; then pass "central's report (--as-of) equals the server's"; else fail "central's report differs"; fi
run 1 "an office is refused" "$TD" report-all --dir "$W/office-so-y-te" --period 2025-12
expect_err "office refusal says why and what to do" "bản sao của văn phòng đơn vị chỉ có phần sổ nhật ký"
run 2 "report-all without --period" "$TD" report-all --dir "$W/inspector"
stop_server srv
finish

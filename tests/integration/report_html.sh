#!/usr/bin/env bash
# report_html.sh — the monthly report (docs/ARCHITECTURE.md §8) as people open it:
#   - the HTML in Debian's chromium, headless (--no-sandbox --disable-gpu
#     --disable-background-networking, private profile): a screenshot that
#     is not blank and shows the status colours, and a DOM (--dump-dom)
#     holding the title and the three charts (svg ids/classes, bars,
#     heat-map cells, target marks), no script;
#   - the CSV in Debian's LibreOffice Calc, headless, UTF-8 and comma
#     (--infilter=CSV:44,34,76,1,,1066: Vietnamese locale), converted to
#     flat ODS: every cell equals the CSV's — texts with their diacritics,
#     numbers as numbers, dd/mm/yyyy as dates.
# chromium, libreoffice-calc, fonts and python3 come from .ci/run and
# scripts/deps.sh; if one is missing the test FAILS and says so.
set -euo pipefail
# shellcheck source=lib/tdtest.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdtest.sh"
: "${TD_TOOL_td_history:?path of td_history}"
LIB=$TD_SOURCE_DIR/tests/integration/lib
TITLE="Báo cáo tiến độ thực hiện Kế hoạch 726/KH-UBND — tháng 12/2025"

CHROME=$(command -v chromium || command -v chromium-browser || true)
SOFFICE=$(command -v soffice || command -v libreoffice || true)
[ -n "$CHROME" ] || die "chromium is not installed: apt-get install chromium (scripts/deps.sh installs it)"
[ -n "$SOFFICE" ] || die "LibreOffice is not installed: apt-get install libreoffice-calc (scripts/deps.sh installs it)"
command -v python3 >/dev/null || die "python3 is not installed: apt-get install python3"

say "fixture and reports"
run 0 "td_history" "$TD_TOOL_td_history" --plan "$TD_SOURCE_DIR/data/plans/726-KH-UBND.txt" --out "$W/data" --period 2025-12
run 0 "HTML report" "$SRV_BIN" report --data "$W/data" --period 2025-12 --format html --out "$W/report.html"
run 0 "CSV report" "$SRV_BIN" report --data "$W/data" --period 2025-12 --format csv --out "$W/report.csv"

# private profiles: the browser and the office suite never touch the machine's
mkdir -p "$W/home" "$W/chrome"
CHROME_ARGS=(--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run
    --disable-extensions --hide-scrollbars --user-data-dir="$W/chrome")

say "chromium: screenshot"
run 0 "chromium --screenshot" env HOME="$W/home" "$CHROME" "${CHROME_ARGS[@]}" --window-size=1400,1800 \
    --screenshot="$W/report.png" "file://$W/report.html"
if [ -s "$W/report.png" ]; then pass "screenshot written"; else fail "no screenshot: $ERR"; fi
if python3 "$LIB/mreport_browser.py" png "$W/report.png" >"$W/png.txt" 2>&1; then
    pass "screenshot rendered: $(head -n 1 "$W/png.txt")"
else
    fail "screenshot: $(cat "$W/png.txt")"
fi
if [ -n "${TD_REPORT_PNG:-}" ]; then cp "$W/report.png" "$TD_REPORT_PNG"; fi

say "chromium: DOM"
run 0 "chromium --dump-dom" env HOME="$W/home" "$CHROME" "${CHROME_ARGS[@]}" --dump-dom "file://$W/report.html"
printf '%s\n' "$OUT" >"$W/dom.html"
if python3 "$LIB/mreport_browser.py" dom "$W/dom.html" "$TITLE" >"$W/dom.txt" 2>&1; then
    pass "DOM holds the title and the three charts"
else
    fail "DOM: $(cat "$W/dom.txt")"
fi

say "LibreOffice: the CSV as a spreadsheet"
mkdir -p "$W/lo-out"
run 0 "soffice --convert-to fods" env HOME="$W/home" "$SOFFICE" -env:UserInstallation="file://$W/lo-profile" \
    --headless --norestore --infilter="CSV:44,34,76,1,,1066,false,true" --convert-to fods --outdir "$W/lo-out" \
    "$W/report.csv"
if [ -s "$W/lo-out/report.fods" ]; then pass "converted"; else fail "no converted file: $OUT $ERR"; fi
if python3 "$LIB/mreport_browser.py" sheet "$W/report.csv" "$W/lo-out/report.fods" >"$W/sheet.txt" 2>&1; then
    pass "$(tail -n 1 "$W/sheet.txt")"
else
    fail "LibreOffice cells: $(cat "$W/sheet.txt")"
fi
expect_in "the title cell, diacritics included" "$W/lo-out/report.fods" "$TITLE"
expect_in "a date cell" "$W/lo-out/report.fods" 'office:date-value="2025-12-23"'
finish

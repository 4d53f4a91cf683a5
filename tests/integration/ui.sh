#!/usr/bin/env bash
# ui.sh — `tiendo ui` end to end, in Debian's chromium driven by Selenium
# (lib/ui_e2e.py), against a real tiendo-server and two real devices over
# loopback TLS (so-y-te, an office; so-khcn, central):
#   - security with curl: a foreign Host header (DNS rebinding) is refused,
#     a request without the secret is refused, the secret in the URL becomes
#     an HttpOnly SameSite=Strict cookie, a POST without or with a wrong CSRF
#     token is refused, every page has a Content-Security-Policy and no
#     inline script, --listen other than loopback is refused;
#   - the clerk types a report while the server is down: the draft is saved
#     as they type and survives closing the browser and restarting
#     `tiendo ui`; the form is completed with the keyboard alone; the page
#     shows "chờ gửi"; the server comes back and the background sync sends it;
#   - central returns it with a reason in its UI; the clerk's page shows the
#     reason, the form opens pre-filled with the reason beside it; the clerk
#     corrects it; central accepts it (checked in central's replica);
#   - screenshots of every main page (in the build dir, ui-shots/) are not
#     blank; every input has a label; search with and without diacritics.
# The clock (every process: server, devices, tiendo ui) starts at 15/12/2026
# 10:00 in Hà Nội (td_use_clock), never the real date.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

td_use_clock "2026-12-15 10:00"
P=2026-12
E2E=(/usr/bin/python3 "$TD_SOURCE_DIR/tests/integration/lib/ui_e2e.py")
SHOTS=${TD_BUILD_DIR:-$W}/ui-shots
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
# shellcheck source=lib/tdui.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdui.sh"
ui_need_browser

say "PKI, plan 726, server; so-y-te (office) and so-khcn (central)"
sync_pki
plan_import main
sv_start main
SPORT=$PORT
enrol_as yte so-y-te yte-01 office "127.0.0.1:$SPORT"
enrol_as cen so-khcn tonghop-01 central "127.0.0.1:$SPORT"
run 0 "so-y-te: first sync" "$TD" sync --dir yte
run 0 "so-khcn: first sync" "$TD" sync --dir cen

say "security (curl)"
run 2 "--listen on a non-loopback address is refused" "$TD" ui --dir yte --listen 0.0.0.0 --no-browser
expect_err "why" "chỉ nghe được trên địa chỉ của chính máy này"
ui_start yte yte
URL=$(cat "$W/yte.url")
BASE=${URL%%/\?token=*}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
eq "foreign Host header (DNS rebinding) refused" "$(code -H 'Host: evil.example' "$URL")" 403
eq "foreign Host with a port refused" "$(code -H 'Host: evil.example:8385' "$BASE/")" 403
eq "request without the secret refused" "$(code "$BASE/")" 403
eq "wrong token refused" "$(code "$BASE/?token=00")" 403
HDRS=$(curl -s -D - -o /dev/null -c "$W/jar" "$URL" | tr -d '\r')
grep -qi '^set-cookie: tiendo_ui=.*HttpOnly; SameSite=Strict' <<<"$HDRS" && pass "token -> HttpOnly SameSite=Strict cookie" ||
    fail "cookie: $HDRS"
grep -qi '^location: /$' <<<"$HDRS" && pass "the token leaves the address bar (redirect)" || fail "no redirect: $HDRS"
curl -s -D "$W/todo.hdr" -b "$W/jar" "$BASE/" >"$W/todo.html"
sed -i 's/\r$//' "$W/todo.hdr"
grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" "$W/todo.hdr" && pass "CSP without inline script" ||
    fail "CSP: $(cat "$W/todo.hdr")"
if grep -q '<script>' "$W/todo.html" || grep -qi ' on[a-z]*="' "$W/todo.html"; then fail "inline script in the page"; else
    pass "no inline script or handler in the page"; fi
CSRF=$(grep -o 'name="csrf" content="[0-9a-f]*"' "$W/todo.html" | sed 's/.*content="//;s/"$//')
[ ${#CSRF} -eq 64 ] && pass "the page carries a CSRF token" || fail "no CSRF token in the page"
eq "POST without CSRF token refused" "$(code -b "$W/jar" -d 'x=1' "$BASE/sync")" 403
eq "POST with a wrong CSRF token refused" "$(code -b "$W/jar" -d "csrf=${CSRF/a/b}0" "$BASE/sync")" 403
eq "POST of a report without CSRF refused" "$(code -b "$W/jar" -d "task=49&period=$P&state=2&result=x&action=submit" "$BASE/report")" 403
eq "POST with the CSRF token accepted" "$(code -b "$W/jar" -d "csrf=$CSRF" "$BASE/sync")" 303
eq "POST with the token but no cookie refused" "$(code -d "csrf=$CSRF" "$BASE/sync")" 403
eq "the CSRF refusals queued nothing" "$(sq yte/replica.db "SELECT COUNT(*) FROM outbox;")" 0
eq "static files served" "$(code "$BASE/static/app.js")" 200
[ "$(stat -c %a yte/ui.secret)" = 600 ] && pass "ui.secret is 0600" || fail "ui.secret mode $(stat -c %a yte/ui.secret)"

say "pages: screenshots, labels, search"
e2e "office pages" pages yte office

say "the clerk reports while the server is down"
sv_stop main
OLD="Đã lắp đặt 3 máy chủ tại trung tâm dữ liệu"
e2e "draft autosaved, browser closed" draft yte 49 $P "$OLD"
eq "the draft is on the server side (replica)" "$(sq yte/replica.db "SELECT COUNT(*) FROM draft;")" 1
ui_stop yte
ui_start yte yte
e2e "draft survives; keyboard-only submit; chờ gửi" submit yte 49 $P "$OLD"
eq "one report waits in the outbox" "$(sq yte/replica.db "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 1
eq "the draft was used" "$(sq yte/replica.db "SELECT COUNT(*) FROM draft;")" 0
sv_start main "127.0.0.1:$SPORT"
e2e "server up: background sync sends it" wait_sent yte

say "central returns it; the clerk corrects it; central accepts"
ui_start cen cen
e2e "central pages" pages cen central
REASON="Thiếu biên bản nghiệm thu có chữ ký"
e2e "central returns with a reason" review_return cen 49 "$REASON"
NEW="Đã lắp đặt 3 máy chủ; biên bản nghiệm thu số 12/BB ngày 10/12/2026"
e2e "clerk sees the reason, corrects" returned yte 49 $P "$REASON" "$OLD" "$NEW"
e2e "central accepts" review_accept cen 49
ok_accepted=0
for ((i = 0; i < 120; i++)); do
    if "$TD" report show 49 --dir cen --period $P --agency so-y-te 2>/dev/null | grep -q "Thẩm định: đã chấp nhận"; then
        ok_accepted=1
        break
    fi
    sleep 0.5
done
eq "central's replica: the corrected report is accepted" "$ok_accepted" 1
run 0 "central's replica: the corrected text" "$TD" report show 49 --dir cen --period $P --agency so-y-te
expect_out "corrected result" "$NEW"
say "indicator values through the same check as \`tiendo indicator\`"
URL=$(cat "$W/yte.url")
BASE=${URL%%/\?token=*}
curl -s -o /dev/null -c "$W/jar" "$URL"
CSRF=$(curl -s -b "$W/jar" "$BASE/indicator" | grep -o 'name="csrf" content="[0-9a-f]*"' | sed 's/.*content="//;s/"$//')
eq "indicator 25 = 120 refused" "$(curl -s -o "$W/ind.html" -w '%{http_code}' -b "$W/jar" --data-urlencode "csrf=$CSRF" \
    -d "code=25&period=$P&value=120" "$BASE/indicator")" 422
grep -q "giá trị phải từ 0 đến 100" "$W/ind.html" && pass "the unit's rule, as on the command line" || fail "no unit message"
eq "indicator 25 = 42,5 signed" "$(curl -s -o "$W/ind.html" -w '%{http_code}' -b "$W/jar" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "value=42,5" -d "code=25&period=$P" "$BASE/indicator")" 200
grep -q "Đã ký giá trị chỉ tiêu 25" "$W/ind.html" && pass "indicator signed" || fail "indicator not signed"
eq "outbox summary (decimal comma)" "$(sq yte/replica.db "SELECT summary FROM outbox WHERE kind=21;")" "chỉ tiêu 25, kỳ 12/2026: 42,5"
say "attachments uploaded with the report form (multipart), kept with the draft"
printf '%%PDF-1.4\n%% biên bản\n1 0 obj << >> endobj\ntrailer << >>\n%%%%EOF\n' >"$W/bien-ban.pdf"
eq "draft with an attachment saved" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/jar" -F "csrf=$CSRF" -F task=48 \
    -F period=$P -F state=2 -F percent=10 -F "result=Đang thu thập" -F action=draft -F "attach=@$W/bien-ban.pdf" \
    "$BASE/report")" 303
run 0 "the draft holds the file" "$TD" draft show 48 --dir yte --period $P
expect_out "attachment in the draft" "Tệp đính kèm: bien-ban.pdf (application/pdf"
eq "an autosave keeps the draft's attachment" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/jar" \
    --data-urlencode "csrf=$CSRF" -d "task=48&period=$P&state=2&percent=20" --data-urlencode "result=Đang thu thập số liệu" \
    "$BASE/report/autosave")" 200
run 0 "still there after the autosave" "$TD" draft show 48 --dir yte --period $P
expect_out "attachment kept" "Tệp đính kèm: bien-ban.pdf"
expect_out "autosaved text" "Đang thu thập số liệu"
printf 'MZ not a document' >"$W/virus.exe"
eq "a file of a refused type is refused" "$(curl -s -o "$W/att.html" -w '%{http_code}' -b "$W/jar" -F "csrf=$CSRF" \
    -F task=48 -F period=$P -F state=2 -F "result=x" -F action=draft -F "attach=@$W/virus.exe" "$BASE/report")" 422
grep -q "tệp đính kèm:" "$W/att.html" && pass "the refusal says why" || fail "no attachment refusal text"
[ -z "$(ls -d "${TMPDIR:-/tmp}"/tiendo-ui-* 2>/dev/null)" ] && pass "uploads' temporary files removed" ||
    fail "temporary upload files left: $(ls -d "${TMPDIR:-/tmp}"/tiendo-ui-*)"
say "inspector: audit of the log from the UI"
enrol_as insp thanh-tra tt-01 inspector "127.0.0.1:$SPORT"
run 0 "inspector: sync" "$TD" sync --dir insp
ui_start insp insp
IURL=$(cat "$W/insp.url")
IBASE=${IURL%%/\?token=*}
curl -s -o /dev/null -c "$W/ijar" "$IURL"
eq "audit page" "$(curl -s -o "$W/audit.html" -w '%{http_code}' -b "$W/ijar" "$IBASE/audit")" 200
# the verification runs in the background: the page shows its progress
# until the result is there
for ((i = 0; i < 300 * TD_SLOW; i++)); do
    grep -q 'id="verify-running"' "$W/audit.html" || break
    sleep 0.2
    curl -s -o "$W/audit.html" -b "$W/ijar" "$IBASE/audit"
done
grep -q "Nhật ký trong bản sao này nhất quán" "$W/audit.html" && pass "audit verify: consistent" ||
    fail "audit page: $(sed 's/<[^>]*>/ /g' "$W/audit.html" | tr -s ' ' | head -c 600)"
grep -q 'href="/audit"' "$W/audit.html" && pass "the inspector's menu has Kiểm toán" || fail "no audit link"
eq "an inspector cannot review" "$(curl -s -o /dev/null -w '%{http_code}' -b "$W/ijar" \
    -d "csrf=$(grep -o 'name="csrf" content="[0-9a-f]*"' "$W/audit.html" | sed 's/.*content="//;s/"$//')&one=accept:0&key0=49|so-y-te|$P" \
    "$IBASE/review")" 403
ui_stop insp
ui_stop cen
ui_stop yte
run 0 "server: nothing refused" "$SRV_BIN" state --data "$W/data-main" "${SRV_KEYS[@]}" --refused
expect_out "server refused nothing" "Bản ghi bị từ chối: 0"
if [ -s "$W/timings.txt" ]; then
    say "page timings (chromium navigation over loopback; figures, not assertions)"
    sed 's/^/  /' "$W/timings.txt"
fi
ls "$SHOTS"/*.png >/dev/null && pass "screenshots in $SHOTS"
stop_server main
finish

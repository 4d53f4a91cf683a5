#!/usr/bin/env bash
# cert_renew.sh — the certificate lifecycle (docs/PROTOCOL.md §8), real server and real
# clients over loopback TLS:
#   - a certificate close to expiry is announced by `tiendo status` and
#     `tiendo sync` in Vietnamese with the date dd/mm/yyyy;
#   - `tiendo renew` online: a new key, signed over the session by a server
#     with renew-ca-dir; the new certificate is in the log; an entry signed
#     with the OLD key before the renewal and still in the outbox is stored
#     afterwards, the new key continues the device's numbering; digests agree;
#   - a role the server does not renew online is refused in words;
#   - an expired device (clock moved with TIENDO_TEST_CLOCK): sync refuses to
#     connect, keeps the outbox and prints the recovery commands; the CA
#     officer's path (renew --csr-out, tiendo-pki renew, renew --import)
#     recovers it and the outbox goes out;
#   - tiendo-pki renew of the same key, and refusals (revoked, foreign).
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

say "PKI, plan, a server that renews office certificates online"
sync_pki
plan_import main
SRV_LOG[main]=$W/main.log
"$SRV_BIN" serve --listen 127.0.0.1:0 --port-file "$W/main.port" --data "$W/data-main" "${SRV_KEYS[@]}" \
    --crl "$W/ca/crl.pem" --renew-ca-dir "$W/ca" --renew-window 36500 --renew-days 400 >"$W/main.log" 2>&1 &
SRV_PID[main]=$!
BG_PIDS+=("${SRV_PID[main]}")
for ((i = 0; i < 200 * TD_SLOW; i++)); do [ -s "$W/main.port" ] && break; sleep 0.05; done
P=$(cat "$W/main.port")
enrol_as dev so-khcn vanthu-01 office "127.0.0.1:$P"
enrol_as cen so-khcn tonghop-01 central "127.0.0.1:$P"

say "expiry warning"
"$TD" init --dir soon --agency so-tai-chinh --device may-02 >/dev/null
"$PKI" sign --dir "$W/ca" --agency so-tai-chinh --role office soon/device.csr --out soon.crt --days 10 >/dev/null
"$TD" init --dir soon --cert soon.crt --ca "$W/ca/ca.crt" --server "127.0.0.1:$P" >/dev/null
# The certificates are issued on the machine's clock (this test sets none):
# the expiry date is read from the same clock, in Asia/Ho_Chi_Minh.
EXP=$(TZ=Asia/Ho_Chi_Minh date -d "@$(( $(date +%s) + 10 * 86400 ))" +%d/%m/%Y)
run 0 "status of a device 10 days from expiry" "$TD" status --dir soon
expect_out "warns with the date" "hết hạn ngày $EXP"
expect_out "says how" "tiendo renew"
run 0 "sync still works" "$TD" sync --dir soon
expect_err "sync warns too" "hết hạn ngày $EXP"
echo "renew-warn-days = 5" >>soon/config
run 0 "status with renew-warn-days = 5" "$TD" status --dir soon
if grep -qF "CHÚ Ý" <<<"$OUT"; then fail "warned although 10 > 5 days"; else pass "no warning above the configured threshold"; fi

say "online renewal with a new key; the outbox keeps an old-key entry"
report dev 1 2025-03 --state dang --percent 30 --result "Đang triển khai"
run 0 "dev first sync" "$TD" sync --dir dev
report dev 1 2025-04 --state dang --percent 40 --result "Đang triển khai"
OLDPK=$(openssl pkey -in dev/device.key -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')
LOG0=$(sq "$W/data-main/server.db" "SELECT max(idx) FROM log;")
run 0 "tiendo renew (online)" "$TD" renew --dir dev
expect_out "installed" "Đã cài chứng thư mới"
expect_out "recorded in the log" "ghi chứng thư mới vào nhật ký"
NEWPK=$(openssl pkey -in dev/device.key -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')
[ "$OLDPK" != "$NEWPK" ] && pass "the device key changed" || fail "same key after renew"
eq "old key kept, 0600" "$(stat -c %a dev/device.key.old-* | head -n 1)" 600
eq "renew.key consumed" "$(ls dev/renew.key 2>/dev/null | wc -l)" 0
eq "new ENTRY_CERT in the log" "$(sq "$W/data-main/server.db" "SELECT count(*) FROM log WHERE kind = 1 AND idx > $LOG0;")" 1
eq "CA index lists the renewal" "$("$PKI" list --dir "$W/ca" | grep -c vanthu-01)" 2
report dev 1 2025-05 --state dang --percent 50 --result "Đang triển khai"
eq "new key continues the numbering" "$(sq dev/replica.db "SELECT max(seq) FROM outbox;")" 3
run 0 "sync after renewal" "$TD" sync --dir dev
eq "all dev entries stored" "$(sq dev/replica.db "SELECT group_concat(status) FROM outbox ORDER BY seq;")" "stored,stored,stored"
eq "old-key entry (seq 2, signed before the renewal) in the server log under the old key" \
    "$(sq "$W/data-main/server.db" "SELECT count(*) FROM log WHERE seq = 2 AND lower(hex(author)) = '$OLDPK';")" 1
eq "new-key entry (seq 3) under the new key" \
    "$(sq "$W/data-main/server.db" "SELECT count(*) FROM log WHERE seq = 3 AND lower(hex(author)) = '$NEWPK';")" 1
run 0 "server state" "$SRV_BIN" state --data "$W/data-main"
eq "the fold knows both keys of dev: old up to seq 2 (superseded: revoked), new from seq 3" \
    "$(grep -E "vanthu-01 .*seq cuối" <<<"$OUT" | sed 's/.*seq cuối //' | tr '\n' ' ')" "2, ĐÃ THU HỒI 3 "
check_digest "dev after renewal" main dev so-khcn
eq "no alarm" "$(sq dev/replica.db "SELECT count(*) FROM alarm;")" 0

say "the superseded certificate: no second renewal, no session"
BLOBPEER=${TD_TOOL_td_blobpeer:?path of td_blobpeer}
cp -a dev olddev
mv "$(ls olddev/device.key.old-* | head -n 1)" olddev/device.key
mv "$(ls olddev/device.crt.old-* | head -n 1)" olddev/device.crt
eq "CA index: the renewed certificate superseded (revoked), the new one valid" \
    "$("$PKI" list --dir "$W/ca" | grep vanthu-01 | grep -c "đã thu hồi")" 1
eq "the log records the supersession (ENTRY_REVOCATION)" \
    "$(sq "$W/data-main/server.db" "SELECT count(*) FROM log WHERE kind = 2 AND idx > $LOG0;")" 1
run 1 "a session with the superseded certificate is refused at Hello" "$BLOBPEER" offer --dir olddev \
    --server "127.0.0.1:$P" --sha "$(printf '%064d' 0)"
expect_err "refused: revoked in the log" "revoked in the log"
run 1 "tiendo-pki renew of the superseded certificate is refused" "$PKI" renew --dir "$W/ca" \
    --cert olddev/device.crt --out again.crt
expect_err "says revoked or renewed" "đã bị thu hồi"
run 0 "the renewed device still syncs" "$TD" sync --dir dev

say "renewal from a certificate revoked in the CA index (CRL not yet published)"
enrol_as rvi so-tai-chinh vanthu-12 office "127.0.0.1:$P"
"$PKI" revoke --dir "$W/ca" --serial "$(openssl x509 -in rvi/device.crt -noout -serial | cut -d= -f2)" >/dev/null
run 1 "online renewal refused" "$TD" renew --dir rvi
expect_err "refused in Vietnamese" "đã bị thu hồi"
eq "no certificate issued for it" "$("$PKI" list --dir "$W/ca" | grep -c vanthu-12)" 1

say "a session kept alive with Pings over its revocation, CRL and SIGHUP"
enrol_as rv so-tai-chinh vanthu-11 office "127.0.0.1:$P"
run 0 "rv syncs (its certificate in the log)" "$TD" sync --dir rv
openssl genpkey -algorithm ed25519 -out rv-new.key 2>/dev/null
openssl req -new -key rv-new.key -subj "/O=so-tai-chinh/OU=central/CN=vanthu-11" -outform DER -out rv.csr 2>/dev/null
"$BLOBPEER" holdrenew --dir rv --server "127.0.0.1:$P" --until "$W/go" --csr rv.csr >"$W/hold.out" 2>&1 &
HPID=$!
BG_PIDS+=("$HPID")
for ((i = 0; i < 100 * TD_SLOW; i++)); do grep -q pong "$W/hold.out" && break; sleep 0.1; done
eq "the session is alive (pongs)" "$(grep -c pong "$W/hold.out" | awk '{print ($1 > 0)}')" 1
"$PKI" revoke --dir "$W/ca" --serial "$(openssl x509 -in rv/device.crt -noout -serial | cut -d= -f2)" >/dev/null
"$PKI" crl --dir "$W/ca" >/dev/null
mark_log main
kill -HUP "${SRV_PID[main]}"
log_has main "SIGHUP ends the revoked session" "session(s) with a revoked certificate ended"
# the peer's next Ping meets the end of the session (it would send its
# RenewRequest only if the session were still open after 60 s)
wait "$HPID" || true
say "holdrenew: $(tail -n 1 "$W/hold.out")"
if grep -q "renew issued" "$W/hold.out"; then fail "a revoked certificate was renewed"; else pass "no renewal"; fi
expect_in "the session ended with the reason" "$W/hold.out" "revoked"
eq "no certificate issued for vanthu-11 besides its first" "$("$PKI" list --dir "$W/ca" | grep -c vanthu-11)" 1
run 1 "the revoked device cannot open a session" "$TD" sync --dir rv
run 0 "the server still serves others" "$TD" sync --dir dev

say "a role the server does not renew online"
run 1 "central renew refused" "$TD" renew --dir cen
expect_err "refused in Vietnamese" "không cấp lại chứng thư trực tuyến cho vai trò này"
expect_err "points to the CA officer" "--csr-out"

say "a device whose certificate expired while offline"
enrol_as off so-tai-chinh vanthu-09 office "127.0.0.1:$P"
report off 1 2025-03 --state dang --percent 10 --result "Đang triển khai"
run 0 "off syncs once" "$TD" sync --dir off
report off 1 2025-04 --state dang --percent 20 --result "Đang triển khai"
report off 1 2025-05 --state dang --percent 30 --result "Đang triển khai"
# 800 days on from the machine's clock, past the certificate's end
LATER="$(TZ=Asia/Ho_Chi_Minh date -d "@$(( $(date +%s) + 800 * 86400 ))" +'%Y-%m-%d %H:%M')!"
run 1 "sync with an expired certificate" env TIENDO_TEST_CLOCK="$LATER" "$TD" sync --dir off
expect_err "says expired" "đã hết hạn từ"
expect_err "outbox kept" "2 bản ghi chưa gửi vẫn nằm trong hộp thư đi"
expect_err "shows the commands" "tiendo renew --dir off --csr-out"
expect_err "and the CA officer's" "tiendo-pki renew"
eq "outbox untouched" "$(sq off/replica.db "SELECT count(*) FROM outbox WHERE status = 'pending';")" 2
run 1 "online renew refused when expired" env TIENDO_TEST_CLOCK="$LATER" "$TD" renew --dir off
run 0 "renew --csr-out" "$TD" renew --dir off --csr-out off-renew.csr
expect_out "names the file" "off-renew.csr"
run 0 "tiendo-pki renew with the CSR" "$PKI" renew --dir "$W/ca" --cert off/device.crt --csr off-renew.csr --out off-new.crt
expect_out "same device" "vanthu-09"
run 1 "import of a certificate for another device is refused" "$TD" renew --dir off --import dev/device.crt
run 0 "renew --import" "$TD" renew --dir off --import off-new.crt
run 0 "sync after recovery" "$TD" sync --dir off
eq "outbox delivered" "$(sq off/replica.db "SELECT count(*) FROM outbox WHERE status = 'stored';")" 3
check_digest "off after recovery" main off so-tai-chinh

say "tiendo-pki renew: same key, refusals"
run 0 "same-key re-issue" "$PKI" renew --dir "$W/ca" --cert soon/device.crt --out soon-2.crt --days 365
expect_out "keeps the key" "giữ khóa cũ"
run 0 "import the same-key certificate" "$TD" renew --dir soon --import soon-2.crt
expect_out "key unchanged" "Khóa không đổi"
run 0 "sync with the re-issued certificate" "$TD" sync --dir soon
"$PKI" revoke --dir "$W/ca" --serial "$(openssl x509 -in off-new.crt -noout -serial | cut -d= -f2)" >/dev/null 2>&1 || true
run 1 "renewal of a revoked certificate is refused" "$PKI" renew --dir "$W/ca" --cert off-new.crt --out x.crt
expect_err "says revoked" "đã bị thu hồi"
make_ca other
run 1 "a certificate of another CA is refused" "$PKI" renew --dir other --cert dev/device.crt --out y.crt
run 2 "missing --cert" "$PKI" renew --dir "$W/ca" --out z.crt
sv_stop main
finish

#!/usr/bin/env bash
# handshake.sh — the TLS 1.3 handshake and Hello/Welcome with the real
# binaries over loopback (docs/PROTOCOL.md §1): a valid device is served; a missing
# certificate, one from another CA, a revoked one, an expired one, TLS 1.2, a
# wrong ALPN and a protocol version the server does not speak are refused
# with a clear message on both sides.  Also the config file of
# `tiendo-server serve` and a SIGTERM with a session open.
# Needs TIENDO_SERVER, TIENDO, TIENDO_PKI (set by ctest); TD_VALGRIND=1 runs
# the servers under valgrind (see lib/tdtest.sh).
set -euo pipefail
# shellcheck source=tests/integration/lib/tdtest.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdtest.sh"

# expect_devlog NAME DIR NEEDLE: the English detail of a refusal is in the
# device's operator log (DIR/tiendo.log), not on the clerk's terminal.
expect_devlog() {
    if grep -qF -- "$3" "$2/tiendo.log" 2>/dev/null; then pass "$1: \"$3\" in $2/tiendo.log"; else
        fail "$1: \"$3\" not in $2/tiendo.log"; fi
    if grep -qF -- "$3" <<<"$ERR"; then fail "$1: English \"$3\" on the terminal"; else pass "$1: not on the terminal"; fi
}

# ---- PKI: the provincial CA, a second CA, the server ---------------------------
say "setting up the CAs, the server certificate and the devices"
make_ca ca
make_ca ca-other
make_server_cert ca
start_server main --ca ca/ca.crt --cert srv.crt --key srv.key --crl ca/crl.pem --log-level info
P=$PORT
SRV=127.0.0.1:$P

enrol dev ca ubnd-chi-linh may-01 "$P"
enrol dev-revoked ca ubnd-chi-linh may-02 "$P"
enrol dev-expired ca ubnd-chi-linh may-cu "$P" --days 0 --backdate-days 2
# A device of another CA that points at our server and trusts our CA: only
# the server can refuse it.  (`tiendo init` refuses to install a certificate
# that does not chain to the CA it is given, so enrol it with its own CA and
# then swap the trust anchor.)
enrol dev-other ca-other ubnd-chi-linh may-03 "$P"
cp ca/ca.crt dev-other/ca.crt

# ---- a valid device is served ---------------------------------------------------------
say "valid certificate: handshake, Hello/Welcome, Ping/Pong"
mark_log main
run 0 "ping with a valid certificate" "$TD" ping --dir dev --count 3
expect_out "ping valid" "Đã kết nối"
expect_out "ping valid: server identity (CN of its certificate)" "(tiendo-srv)"
expect_out "ping valid" "Phiên bản giao thức: 6"
expect_out "ping valid" "Thời gian khứ hồi"
expect_out "ping valid: identity from the certificate" "cơ quan ubnd-chi-linh, vai trò office"
log_has main "ping valid" "handshake ok: agency=ubnd-chi-linh device=may-01 role=office"
log_has main "ping valid" "hello from \"tiendo "

# ---- refusals at the handshake -------------------------------------------------------------
say "no client certificate (openssl s_client without -cert)"
mark_log main
run nonzero "s_client without a certificate is refused" \
    openssl s_client -connect "$SRV" -tls1_3 -alpn tiendo/1 -CAfile ca/ca.crt -ign_eof </dev/null
expect_err "no certificate, client side" "alert certificate required"
log_has main "no certificate" "client sent no certificate"

say "certificate from another CA"
mark_log main
run nonzero "ping with a certificate of another CA is refused" "$TD" ping --dir dev-other --count 1
expect_err "another CA, client side (Vietnamese)" "không do CA của tỉnh cấp"
expect_devlog "another CA, client side (alert)" dev-other "unknown ca"
log_has main "another CA" "client certificate refused: unable to get local issuer certificate"

say "revoked certificate: served before, refused after revoke + crl + SIGHUP"
run 0 "ping before revocation" "$TD" ping --dir dev-revoked --count 1
"$PKI" revoke --dir ca --serial "$(openssl x509 -in dev-revoked.crt -noout -serial | cut -d= -f2)" \
    --reason keyCompromise >/dev/null || die "tiendo-pki revoke"
"$PKI" crl --dir ca >/dev/null || die "tiendo-pki crl"
mark_log main
kill -HUP "${SRV_PID[main]}"
log_has main "SIGHUP" "SIGHUP: reloaded certificate, CA and CRL"
mark_log main
run nonzero "ping with a revoked certificate is refused" "$TD" ping --dir dev-revoked --count 1
expect_err "revoked, client side (Vietnamese)" "thu hồi"
expect_devlog "revoked, client side (alert)" dev-revoked "certificate revoked"
log_has main "revoked" "client certificate refused: certificate revoked"
expect_err "revoked: ping says to ask Sở KH&CN for a new certificate" "liên hệ"
run nonzero "sync with a revoked certificate is refused" "$TD" sync --dir dev-revoked
expect_err "revoked: sync says so" "thu hồi"
expect_err "revoked: sync tells whom to contact" "Sở KH&CN (cán bộ quản lý CA)"
expect_err "revoked: sync tells how" "tiendo renew --csr-out"
if grep -q "chạy lại .tiendo sync" <<<"$ERR"; then fail "revoked: sync still says to run tiendo sync again"; else
    pass "revoked: not told to run tiendo sync again"; fi
run 0 "an unrevoked device is still served after SIGHUP" "$TD" ping --dir dev --count 1

say "expired certificate"
mark_log main
run nonzero "ping with an expired certificate is refused" "$TD" ping --dir dev-expired --count 1
expect_err "expired, client side (Vietnamese)" "hết hạn"
log_has main "expired" "client certificate refused: certificate has expired"

say "TLS 1.2 with a valid certificate"
mark_log main
run nonzero "s_client -tls1_2 is refused" openssl s_client -connect "$SRV" -tls1_2 -alpn tiendo/1 \
    -CAfile ca/ca.crt -cert dev.crt -key dev/device.key -ign_eof </dev/null
expect_err "TLS 1.2, client side" "alert protocol version"
log_has main "TLS 1.2" "unsupported protocol"

say "wrong ALPN"
mark_log main
run nonzero "ping --alpn foo/1 is refused" "$TD" ping --dir dev --count 1 --alpn foo/1
expect_err "wrong ALPN, client side" "ALPN"
expect_devlog "wrong ALPN, client side (alert)" dev "no application protocol"
log_has main "wrong ALPN" "no application protocol"

say "protocol version the server does not speak (Hello min = max = 9)"
mark_log main
run nonzero "ping --proto-max 9 is refused" "$TD" ping --dir dev --count 1 --proto-max 9
expect_err "version, client side (Vietnamese)" "Máy chủ chưa hỗ trợ phiên bản giao thức"
expect_devlog "version, client side (detail)" dev "server too old"
if grep -qF -- ".." <<<"$(head -n 1 <<<"$ERR")"; then fail "version: doubled full stop in \"$(head -n 1 <<<"$ERR")\""; else pass "version: message ends with one full stop"; fi
log_has main "version" "client speaks protocol 9..9, server only 1..6: server too old"
# The TLS handshake itself succeeded: the refusal is the Error frame.
log_has main "version" "handshake ok: agency=ubnd-chi-linh device=may-01"

say "after all the refusals the server still serves"
run 0 "ping after the refusals" "$TD" ping --dir dev --count 1
check "server main still running" srv_alive main

# ---- SIGTERM with a session open -------------------------------------------------------------
say "SIGTERM while a TLS session (openssl s_client, valid certificate) is open"
mark_log main
sclient_hold
log_has main "s_client session open" "handshake ok: agency=ubnd-chi-linh device=may-01"
check "s_client still connected before SIGTERM" kill -0 "$SC"
stop_server main 5
check "shutdown took under 5 s" test "$STOP_MS" -lt $((5000 * TD_SLOW))
log_has main "SIGTERM" "shutting down (SIGTERM): 1 open sessions"
sclient_ended
wait "$SC" || true
exec 7>&-
# The Bye frame reached the client before close_notify (s_client prints it raw).
expect_in "SIGTERM: Bye frame" sclient.out "server shutting down"

# ---- config file ------------------------------------------------------------------------------
say "tiendo-server serve --config FILE"
cat >server.conf <<EOF
# tiendo-server configuration used by handshake.sh
listen = 127.0.0.1:0
ca = $W/ca/ca.crt
cert = $W/srv.crt

key = $W/srv.key
port-file = $W/conf.port
data = $W/data-conf
handshake-timeout = 5
EOF
start_server conf --config server.conf
check "config file: listen = 127.0.0.1:0 used, not the default port 7443" test "$PORT" -ne 7443
log_has conf "config file server" "listening on 127.0.0.1:$PORT"
run 0 "ping a server configured by file" "$TD" ping --dir dev --server "127.0.0.1:$PORT" --count 1
expect_out "config file server" "Đã kết nối"
log_has conf "config file server" "handshake ok: agency=ubnd-chi-linh device=may-01 role=office"
stop_server conf

printf 'listen = 127.0.0.1:0\nca = %s\n# comment\nmax-conns = lots\n' "$W/ca/ca.crt" >bad1.conf
run 1 "config file: a value that is not a number" "${VG[@]}" "$SRV_BIN" serve --config bad1.conf
expect_err "config file bad value" "bad1.conf:4"
expect_err "config file bad value" "max-conns"
printf 'listen = 127.0.0.1:0\nthis line has no equals sign\n' >bad2.conf
run 1 "config file: a line without '='" "${VG[@]}" "$SRV_BIN" serve --config bad2.conf
expect_err "config file bad line" "bad2.conf:2"
printf 'listen = 127.0.0.1:0\nca = x\ncolour = blue\n' >bad3.conf
run 1 "config file: unknown key" "${VG[@]}" "$SRV_BIN" serve --config bad3.conf
expect_err "config file unknown key" "bad3.conf:3"
expect_err "config file unknown key" "colour"
run 1 "config file missing" "${VG[@]}" "$SRV_BIN" serve --config nosuch.conf
expect_err "config file missing" "nosuch.conf"

finish

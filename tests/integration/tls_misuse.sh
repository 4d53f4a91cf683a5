#!/usr/bin/env bash
# tls_misuse.sh — TLS misuse by real peers (docs/PROTOCOL.md §1, §10): `openssl s_client`
# (Debian's openssl) against a real tiendo-server, each refused at the
# handshake, with the alert on the peer's side and the refusal in the
# server's log, and no session ("handshake ok") for it:
#   - TLS 1.2 only (-tls1_2), with a valid certificate;
#   - TLS 1.3 without a client certificate;
#   - a certificate (and key) from a foreign CA;
#   - a certificate of our CA that has been revoked (CRL given at start).
# A valid s_client session is accepted first, so the refusals are not an
# artefact of the s_client command line.  handshake.sh checks the same
# refusals through the `tiendo` client's own messages.
set -euo pipefail
# shellcheck source=tests/integration/lib/tdtest.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdtest.sh"
command -v openssl >/dev/null || die "openssl (Debian package openssl) is needed"

make_ca ca
make_ca ca-foreign
make_server_cert ca
start_server probe --ca ca/ca.crt --cert srv.crt --key srv.key
enrol good ca so-y-te may-01 "$PORT"
enrol revoked ca so-y-te may-02 "$PORT"
enrol foreign ca-foreign so-y-te may-03 "$PORT"
stop_server probe
"$PKI" revoke --dir ca --serial "$(openssl x509 -in revoked.crt -noout -serial | cut -d= -f2)" \
    --reason keyCompromise >/dev/null || die "tiendo-pki revoke"
"$PKI" crl --dir ca >/dev/null || die "tiendo-pki crl"
start_server main --ca ca/ca.crt --cert srv.crt --key srv.key --crl ca/crl.pem --log-level info
SRV=127.0.0.1:$PORT

# sclient DESC WANT ARGS...: s_client with stdin held open 1 s (so that it
# waits for the server's verdict on its certificate, which TLS 1.3 sends
# after the client's Finished), output in OUT/ERR.
sclient() {
    local desc=$1 want=$2
    shift 2
    run "$want" "$desc" bash -c '{ sleep 1; } | openssl s_client -connect "$0" -CAfile ca/ca.crt -alpn tiendo/1 "$@" 2>&1' \
        "$SRV" "$@"
}

say "a valid certificate over TLS 1.3 is accepted (the baseline)"
mark_log main
sclient "s_client, valid certificate" 0 -tls1_3 -cert good.crt -key good/device.key
expect_out "valid: TLS 1.3 negotiated" "TLSv1.3"
expect_out "valid: ALPN" "ALPN protocol: tiendo/1"
log_has main "valid" "handshake ok: agency=so-y-te device=may-01"

say "TLS 1.2 only"
mark_log main
sclient "s_client -tls1_2 is refused" nonzero -tls1_2 -cert good.crt -key good/device.key
expect_out "TLS 1.2: alert" "alert protocol version"
log_has main "TLS 1.2" "unsupported protocol"

say "no client certificate"
mark_log main
sclient "s_client without a certificate is refused" nonzero -tls1_3
expect_out "no certificate: alert" "alert certificate required"
log_has main "no certificate" "client sent no certificate"

say "a certificate from a foreign CA"
mark_log main
sclient "s_client with a foreign CA's certificate is refused" nonzero -tls1_3 -cert foreign.crt -key foreign/device.key
expect_out "foreign CA: alert" "alert unknown ca"
log_has main "foreign CA" "client certificate refused: unable to get local issuer certificate"

say "a revoked certificate"
mark_log main
sclient "s_client with a revoked certificate is refused" nonzero -tls1_3 -cert revoked.crt -key revoked/device.key
expect_out "revoked: alert" "alert certificate revoked"
log_has main "revoked" "client certificate refused: certificate revoked"

n=$(grep -c 'handshake ok: agency=so-y-te device=may-0[23]' "$W/main.log" || true)
check "no session for any refused peer ($n)" test "$n" -eq 0
n=$(grep -c 'handshake ok:' "$W/main.log" || true)
check "exactly one session so far, the valid one ($n)" test "$n" -eq 1
run 0 "the server still serves tiendo" "$TD" ping --dir good --server "$SRV" --count 1
stop_server main
finish

#!/usr/bin/env bash
# pki.sh — tiendo-pki and `tiendo init` end to end (docs/ARCHITECTURE.md §5): CA creation,
# server and device certificates (CSR flow and one-file bundle), revocation,
# CRLs and every refusal.  Results are checked with the openssl command, not
# with our own code.  Needs TIENDO_PKI and TIENDO (set by ctest).
set -euo pipefail

: "${TIENDO_PKI:?path of tiendo-pki}" "${TIENDO:?path of tiendo}"
PKI=$TIENDO_PKI
TD=$TIENDO

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

checks=0
fails=0
OUT=""

pass() { checks=$((checks + 1)); }
fail() {
    checks=$((checks + 1))
    fails=$((fails + 1))
    echo "FAIL: $*" >&2
}

# check DESC CMD...: CMD must succeed (a test expression, a grep ...).
check() {
    local desc=$1
    shift
    if "$@" >/dev/null 2>&1; then pass; else fail "$desc"; fi
}

# run_ok DESC CMD...: CMD exits 0; its stdout+stderr is kept in OUT.
run_ok() {
    local desc=$1 rc=0
    shift
    OUT=$("$@" 2>&1) || rc=$?
    if [ "$rc" -eq 0 ]; then pass; else fail "$desc: exit $rc, expected 0: $OUT"; fi
}

# run_fail DESC RC KEYWORD CMD...: CMD exits RC and says KEYWORD (fixed string).
run_fail() {
    local desc=$1 want=$2 word=$3 rc=0
    shift 3
    OUT=$("$@" 2>&1) || rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "$desc: exit $rc, expected $want: $OUT"
    else
        pass
    fi
    if grep -qF -- "$word" <<<"$OUT"; then pass; else fail "$desc: message lacks \"$word\": $OUT"; fi
}

# has DESC WORD: OUT contains WORD.
has() {
    if grep -qF -- "$2" <<<"$OUT"; then pass; else fail "$1: \"$2\" not in: $OUT"; fi
}

mode() { stat -c %a "$1"; }
ext() { openssl x509 -in "$1" -noout -ext "$2" 2>/dev/null; }
subject() { openssl x509 -in "$1" -noout -subject -nameopt utf8,sep_comma_plus_space,space_eq; }
serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }

# ---- --help of every command -----------------------------------------------
for c in init issue-server sign bundle revoke crl list; do
    run_ok "tiendo-pki $c --help" "$PKI" "$c" --help
    has "tiendo-pki $c --help" "Cách dùng: tiendo-pki $c"
done
run_ok "tiendo init --help" "$TD" init --help
has "tiendo init --help" "Cách dùng"
run_fail "unknown command" 2 "lệnh không tồn tại" "$PKI" frobnicate

# ---- init: the CA -------------------------------------------------------------
# umask 000: the modes must come from the code, not from the caller's umask.
run_ok "init CA" bash -c "umask 000; exec \"\$0\" init --dir ca --name 'Hải Dương CA' --days 3650" "$PKI"
has "init CA prints" "Đã tạo CA"
check "CA dir mode 700" test "$(mode ca)" = 700
check "ca.key mode 600" test "$(mode ca/ca.key)" = 600
check "index.db mode 600" test "$(mode ca/index.db)" = 600
check "ca.crt exists" test -s ca/ca.crt
check "crl.pem exists" test -s ca/crl.pem
run_ok "crl with nothing revoked" "$PKI" crl --dir ca --out crl0.pem
has "an empty CRL counts 0 revoked (not -1)" ": 0 chứng thư đã thu hồi"
check "CA key is Ed25519" grep -q ED25519 <(openssl pkey -in ca/ca.key -noout -text)
OUT=$(ext ca/ca.crt basicConstraints)
has "CA basicConstraints" "critical"
has "CA basicConstraints" "CA:TRUE"
OUT=$(ext ca/ca.crt keyUsage)
has "CA keyUsage" "critical"
has "CA keyUsage" "Certificate Sign, CRL Sign"
OUT=$(ext ca/ca.crt subjectKeyIdentifier)
has "CA subjectKeyIdentifier" "Subject Key Identifier"
OUT=$(subject ca/ca.crt)
has "CA name with diacritics" "CN = Hải Dương CA"
check "CA self-verifies" openssl verify -CAfile ca/ca.crt ca/ca.crt
check "CA valid ~10 years" openssl x509 -in ca/ca.crt -noout -checkend $((3640 * 86400))
check "CA not valid 11 years" bash -c "! openssl x509 -in ca/ca.crt -noout -checkend $((3660 * 86400))"
OUT=$(openssl crl -in ca/crl.pem -CAfile ca/ca.crt -noout 2>&1 || true)
has "first CRL verifies" "verify OK"

sum_before=$(sha256sum ca/ca.key)
run_fail "init over an existing CA" 1 "đã có CA" "$PKI" init --dir ca
check "CA key untouched" test "$(sha256sum ca/ca.key)" = "$sum_before"
run_fail "init without --dir" 2 "--dir" "$PKI" init
run_fail "init with bad --days" 2 "--days" "$PKI" init --dir ca9 --days many

# ---- issue-server ---------------------------------------------------------------
run_ok "issue-server defaults" "$PKI" issue-server --dir ca --name tiendo-srv --out-key srv.key --out-cert srv.crt
check "server key mode 600" test "$(mode srv.key)" = 600
OUT=$(ext srv.crt subjectAltName)
has "server SAN localhost" "DNS:localhost"
has "server SAN 127.0.0.1" "IP Address:127.0.0.1"
OUT=$(ext srv.crt extendedKeyUsage)
has "server EKU" "TLS Web Server Authentication"
check "server cert verifies for sslserver" openssl verify -purpose sslserver -CAfile ca/ca.crt srv.crt
check "server cert is not a client cert" bash -c "! openssl verify -purpose sslclient -CAfile ca/ca.crt srv.crt"
OUT=$(subject srv.crt)
has "server CN" "CN = tiendo-srv"
check "server key matches cert" test "$(openssl pkey -in srv.key -pubout)" = "$(openssl x509 -in srv.crt -noout -pubkey)"
run_ok "issue-server with names" "$PKI" issue-server --dir ca --name srv2 --dns tiendo.haiduong.gov.vn \
    --dns tiendo.local --ip 10.0.0.7 --ip ::1 --out-key srv2.key --out-cert srv2.crt --days 30
OUT=$(ext srv2.crt subjectAltName)
has "SAN dns 1" "DNS:tiendo.haiduong.gov.vn"
has "SAN dns 2" "DNS:tiendo.local"
has "SAN ip 1" "IP Address:10.0.0.7"
has "SAN ip 6" "IP Address:0:0:0:0:0:0:0:1"
check "no localhost when names are given" bash -c "! openssl x509 -in srv2.crt -noout -ext subjectAltName | grep -q localhost"
check "--days 30 respected" bash -c "! openssl x509 -in srv2.crt -noout -checkend $((31 * 86400))"
run_fail "issue-server over an existing key" 1 "không ghi đè" \
    "$PKI" issue-server --dir ca --name srv3 --out-key srv.key --out-cert srv3.crt
run_fail "issue-server bad IP" 1 "999.1.1.1" \
    "$PKI" issue-server --dir ca --name srv4 --ip 999.1.1.1 --out-key srv4.key --out-cert srv4.crt
check "no key left after a refused issue" test ! -e srv4.key
run_fail "issue-server DNS with a comma" 1 "tên miền (DNS)" \
    "$PKI" issue-server --dir ca --name srv5 --dns "a.b,IP:1.2.3.4" --out-key srv5.key --out-cert srv5.crt
run_fail "issue-server missing --out-cert" 2 "--out-cert" "$PKI" issue-server --dir ca --name x --out-key x.key

# ---- tiendo init (CSR) + sign + tiendo init --cert ----------------------------------
run_ok "tiendo init makes key and CSR" bash -c "umask 000; exec \"\$0\" init --dir dev --agency ubnd-chi-linh --device may-01" "$TD"
has "tiendo init prints the next step" "tiendo init --dir dev --cert"
check "DEVDIR mode 700" test "$(mode dev)" = 700
check "device.key mode 600" test "$(mode dev/device.key)" = 600
check "device key is Ed25519 PKCS#8" grep -q "BEGIN PRIVATE KEY" dev/device.key
check "device key type" grep -q ED25519 <(openssl pkey -in dev/device.key -noout -text)
OUT=$(openssl req -in dev/device.csr -noout -verify 2>&1)
has "CSR self-signature verifies" "verify OK"
OUT=$(openssl req -in dev/device.csr -noout -subject -nameopt sep_comma_plus_space,space_eq)
has "CSR subject O" "O = ubnd-chi-linh"
has "CSR subject CN" "CN = may-01"
key_before=$(sha256sum dev/device.key)
run_fail "tiendo init refuses to overwrite the key" 1 "không ghi đè" "$TD" init --dir dev --agency ubnd-chi-linh --device may-01
check "device key untouched" test "$(sha256sum dev/device.key)" = "$key_before"
run_fail "tiendo init: agency not a slug" 1 "mã cơ quan" "$TD" init --dir devx --agency "UBND Chí Linh" --device may-01
run_fail "tiendo init: bad device name" 1 "tên thiết bị" "$TD" init --dir devx --agency ubnd-chi-linh --device "máy 1"
check "no DEVDIR made for a refused init" test ! -e devx
run_fail "tiendo init: half of the CSR form" 2 "--device" "$TD" init --dir devx --agency ubnd-chi-linh
run_fail "tiendo init: unknown option" 2 "--frob" "$TD" init --dir devx --frob

run_ok "sign" "$PKI" sign --dir ca --agency ubnd-chi-linh --role office dev/device.csr --out may01.crt
has "sign prints the serial" "$(serial may01.crt)"
OUT=$(subject may01.crt)
has "signed subject" "O = ubnd-chi-linh, OU = office, CN = may-01"
OUT=$(ext may01.crt extendedKeyUsage)
has "client EKU" "TLS Web Client Authentication"
OUT=$(ext may01.crt keyUsage)
has "client keyUsage" "Digital Signature"
OUT=$(ext may01.crt basicConstraints)
has "client not a CA" "CA:FALSE"
OUT=$(ext may01.crt authorityKeyIdentifier)
has "client AKID" "Authority Key Identifier"
check "client cert chains to the CA" openssl verify -CAfile ca/ca.crt may01.crt
check "client cert good for sslclient" openssl verify -purpose sslclient -CAfile ca/ca.crt may01.crt
check "client cert valid 2 years" openssl x509 -in may01.crt -noout -checkend $((729 * 86400))
check "client cert not valid 3 years" bash -c "! openssl x509 -in may01.crt -noout -checkend $((731 * 86400))"
check "client cert carries the device key" \
    test "$(openssl pkey -in dev/device.key -pubout)" = "$(openssl x509 -in may01.crt -noout -pubkey)"
# The CA, not the CSR, decides O and OU.
run_ok "sign as inspector for another agency" "$PKI" sign --dir ca --agency thanh-tra --role inspector \
    dev/device.csr --out may01-insp.crt
OUT=$(subject may01-insp.crt)
has "CA decides O/OU" "O = thanh-tra, OU = inspector, CN = may-01"

run_ok "tiendo init --cert" "$TD" init --dir dev --cert may01.crt --ca ca/ca.crt --server localhost:7443
check "device.crt installed" cmp -s may01.crt dev/device.crt
check "ca.crt installed" cmp -s ca/ca.crt dev/ca.crt
check "config server" grep -qx "server = localhost:7443" dev/config
check "config agency" grep -qx "agency = ubnd-chi-linh" dev/config
check "config device" grep -qx "device = may-01" dev/config
check "config role" grep -qx "role = office" dev/config
check "device.key still 600" test "$(mode dev/device.key)" = 600
check "installed cert verifies" openssl verify -CAfile dev/ca.crt dev/device.crt

# ---- sign refusals ------------------------------------------------------------------
run_fail "sign: unknown role" 1 "vai trò" "$PKI" sign --dir ca --agency ubnd-chi-linh --role admin dev/device.csr --out x.crt
run_fail "sign: agency not a slug" 1 "mã cơ quan" "$PKI" sign --dir ca --agency "UBND_Chi_Linh" --role office dev/device.csr --out x.crt
run_fail "sign: agency with --" 1 "mã cơ quan" "$PKI" sign --dir ca --agency "ubnd--x" --role office dev/device.csr --out x.crt
# A CSR whose signature does not verify: flip the last byte of its signature.
openssl req -in dev/device.csr -outform DER -out good.der
size=$(stat -c %s good.der)
last=$(tail -c 1 good.der | od -An -tu1 | tr -d ' ')
head -c $((size - 1)) good.der >bad.der
printf "\\$(printf %03o $((last ^ 1)))" >>bad.der
openssl req -inform DER -in bad.der -out bad.csr
# (openssl 3.0 `req -verify` exits 0 either way: read what it says.)
OUT=$(openssl req -in bad.csr -noout -verify 2>&1 || true)
has "openssl agrees the tampered CSR is bad" "verify failure"
run_fail "sign: CSR signature does not verify" 1 "chữ ký trên yêu cầu cấp chứng thư (CSR) không hợp lệ" \
    "$PKI" sign --dir ca --agency ubnd-chi-linh --role office bad.csr --out x.crt
has "sign: bad CSR (Vietnamese)" "CSR không hợp lệ"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key \
    -subj "/O=ubnd-chi-linh/OU=office/CN=ec-01" -out ec.csr 2>/dev/null
run_fail "sign: non-Ed25519 CSR" 1 "không phải Ed25519" "$PKI" sign --dir ca --agency ubnd-chi-linh --role office ec.csr --out x.crt
has "sign: non-Ed25519 CSR (Vietnamese)" "không phải Ed25519"
openssl req -new -newkey ed25519 -nodes -keyout badcn.key -subj "/O=x/OU=office/CN=máy một" -utf8 -out badcn.csr 2>/dev/null
run_fail "sign: CN not a device name" 1 "CN" "$PKI" sign --dir ca --agency ubnd-chi-linh --role office badcn.csr --out x.crt
run_fail "sign: missing CSR file" 1 "nosuch.csr" "$PKI" sign --dir ca --agency ubnd-chi-linh --role office nosuch.csr --out x.crt
run_fail "sign: CSR file that is not a CSR" 1 "tệp CSR hỏng" "$PKI" sign --dir ca --agency ubnd-chi-linh --role office ca/ca.crt --out x.crt
run_fail "sign: missing CA" 1 "noca/ca.crt" "$PKI" sign --dir noca --agency ubnd-chi-linh --role office dev/device.csr --out x.crt
run_fail "sign: no CSR argument" 2 "TỆP_CSR" "$PKI" sign --dir ca --agency ubnd-chi-linh --role office --out x.crt
run_fail "sign: missing --out" 2 "--out" "$PKI" sign --dir ca --agency ubnd-chi-linh --role office dev/device.csr
run_fail "sign: --days not a number" 2 "--days" "$PKI" sign --dir ca --agency a --role office --days 2y dev/device.csr --out x.crt
run_fail "sign: unknown option" 2 "--colour" "$PKI" sign --colour dev/device.csr
check "no certificate written by refusals" test ! -e x.crt
chmod 644 ca/ca.key
run_fail "sign: CA key readable by others" 1 "chmod 600" "$PKI" sign --dir ca --agency ubnd-chi-linh --role office dev/device.csr --out x.crt
chmod 600 ca/ca.key

# ---- tiendo init --cert refusals ---------------------------------------------------------
"$PKI" init --dir ca2 --name "Other CA" >/dev/null
"$PKI" sign --dir ca2 --agency ubnd-chi-linh --role office dev/device.csr --out may01-ca2.crt >/dev/null
run_fail "init --cert: certificate from another CA" 1 "CA" "$TD" init --dir dev --cert may01-ca2.crt --ca ca/ca.crt --server localhost:7443
has "init --cert: another CA, the reason" "không do CA của tỉnh cấp"
run_fail "init --cert: certificate for another key" 1 "không khớp" "$TD" init --dir dev --cert srv.crt --ca ca/ca.crt --server localhost:7443
run_fail "init --cert: server certificate for this key" 1 "CA" \
    "$TD" init --dir dev --cert may01.crt --ca may01.crt --server localhost:7443
run_fail "init --cert: missing certificate file" 1 "nosuch.crt" "$TD" init --dir dev --cert nosuch.crt --ca ca/ca.crt --server localhost:7443
run_fail "init --cert: no key yet" 1 "chưa có khóa" "$TD" init --dir empty --cert may01.crt --ca ca/ca.crt --server localhost:7443
run_fail "init --cert: bad server" 1 "MÁY_CHỦ:CỔNG" "$TD" init --dir dev --cert may01.crt --ca ca/ca.crt --server localhost
run_fail "init --cert: missing --server" 2 "--server" "$TD" init --dir dev --cert may01.crt --ca ca/ca.crt
check "config unchanged by refusals" grep -qx "server = localhost:7443" dev/config

# ---- expired device certificate (for the server's tests too) -------------------------------
"$TD" init --dir devold --agency ubnd-chi-linh --device may-cu >/dev/null
run_ok "sign an already-expired certificate" "$PKI" sign --dir ca --agency ubnd-chi-linh --role office \
    --days 0 --backdate-days 2 devold/device.csr --out old.crt
check "expired per openssl" bash -c "! openssl x509 -in old.crt -noout -checkend 0"
OUT=$(openssl verify -CAfile ca/ca.crt old.crt 2>&1 || true)
has "openssl verify says expired" "expired"
run_fail "init --cert: expired certificate" 1 "hết hạn" "$TD" init --dir devold --cert old.crt --ca ca/ca.crt --server localhost:7443
run_ok "init --cert --accept-expired (testing aid)" "$TD" init --dir devold --cert old.crt --ca ca/ca.crt --server localhost:7443 --accept-expired
check "expired cert installed on request" cmp -s old.crt devold/device.crt
run_fail "sign: --days 0 alone" 2 "--days" "$PKI" sign --dir ca --agency a --role office --days 0 devold/device.csr --out x.crt

# ---- expired CA ----------------------------------------------------------------------------
run_ok "init an already-expired CA" "$PKI" init --dir caold --days 1 --backdate-days 2
check "old CA expired per openssl" bash -c "! openssl x509 -in caold/ca.crt -noout -checkend 0"
run_fail "sign with an expired CA" 1 "hết hạn" "$PKI" sign --dir caold --agency ubnd-chi-linh --role office dev/device.csr --out x.crt
has "sign with an expired CA: no English detail" "hết hạn"
run_fail "issue-server with an expired CA" 1 "hết hạn" "$PKI" issue-server --dir caold --name s --out-key s.key --out-cert s.crt
check "no server key from an expired CA" test ! -e s.key
run_fail "bundle with an expired CA" 1 "hết hạn" "$PKI" bundle --dir caold --agency so-khcn --device d --role office --server h:1 --out x.tdb
run_fail "crl with an expired CA" 1 "hết hạn" "$PKI" crl --dir caold
run_ok "list works with an expired CA" "$PKI" list --dir caold
has "list of an empty CA" "Chưa cấp chứng thư nào"

# ---- bundle ----------------------------------------------------------------------------------
run_ok "bundle" bash -c "umask 000; exec \"\$0\" bundle --dir ca --agency so-khcn --device tt-01 --role central --server tiendo.example:7443 --out b.tdb" "$PKI"
check "bundle mode 600" test "$(mode b.tdb)" = 600
check "bundle server line" grep -qx "server: tiendo.example:7443" b.tdb
check "bundle version line" grep -qx "tiendo-bundle: 1" b.tdb
check "bundle has three PEM blocks" test "$(grep -c -- '-----BEGIN' b.tdb)" = 3
check "bundle holds a private key" grep -q -- "-----BEGIN PRIVATE KEY-----" b.tdb
run_fail "bundle refuses to overwrite" 1 "không ghi đè" "$PKI" bundle --dir ca --agency so-khcn --device tt-02 --role central --server h:1 --out b.tdb
run_fail "bundle: unknown role" 1 "vai trò" "$PKI" bundle --dir ca --agency so-khcn --device tt-02 --role boss --server h:1 --out b2.tdb
run_fail "bundle: agency not a slug" 1 "mã cơ quan" "$PKI" bundle --dir ca --agency "Sở KH&CN" --device tt-02 --role office --server h:1 --out b2.tdb
run_fail "bundle: bad device name" 1 "tên thiết bị" "$PKI" bundle --dir ca --agency so-khcn --device "tt 02" --role office --server h:1 --out b2.tdb
run_fail "bundle: bad server" 1 "MÁY_CHỦ:CỔNG" "$PKI" bundle --dir ca --agency so-khcn --device tt-02 --role office --server "h:99999" --out b2.tdb
check "no bundle written by refusals" test ! -e b2.tdb

run_ok "tiendo init --bundle" bash -c "umask 000; exec \"\$0\" init --dir dev3 --bundle b.tdb" "$TD"
has "import reminds to delete the bundle" "xóa tệp gói"
check "imported DEVDIR 700" test "$(mode dev3)" = 700
check "imported key 600" test "$(mode dev3/device.key)" = 600
check "imported config server" grep -qx "server = tiendo.example:7443" dev3/config
check "imported config agency" grep -qx "agency = so-khcn" dev3/config
check "imported config device" grep -qx "device = tt-01" dev3/config
check "imported config role" grep -qx "role = central" dev3/config
check "imported cert verifies" openssl verify -purpose sslclient -CAfile dev3/ca.crt dev3/device.crt
check "imported CA is our CA" cmp -s ca/ca.crt dev3/ca.crt
check "imported key matches cert" test "$(openssl pkey -in dev3/device.key -pubout)" = "$(openssl x509 -in dev3/device.crt -noout -pubkey)"
OUT=$(subject dev3/device.crt)
has "bundle cert subject" "O = so-khcn, OU = central, CN = tt-01"
run_fail "import refuses to overwrite a key" 1 "không ghi đè" "$TD" init --dir dev3 --bundle b.tdb
run_ok "import with --server override" "$TD" init --dir dev4 --bundle b.tdb --server 10.1.1.1:7443
check "override written" grep -qx "server = 10.1.1.1:7443" dev4/config
grep -v '^server:' b.tdb >noserver.tdb
run_fail "import: bundle without server line" 1 "server:" "$TD" init --dir dev5 --bundle noserver.tdb
check "nothing imported from a bad bundle" test ! -e dev5/device.key
# Swap in a CA that did not sign the certificate.
{ sed -n '1,/^$/p' b.tdb; cat ca2/ca.crt; awk '/BEGIN PRIVATE KEY/{p=1} p' b.tdb; } >wrongca.tdb
run_fail "import: certificate not from the bundled CA" 1 "CA" "$TD" init --dir dev6 --bundle wrongca.tdb
check "nothing imported from a wrong-CA bundle" test ! -e dev6/device.key
{ sed -n '1,/^$/p' b.tdb; awk '/BEGIN CERTIFICATE/{n++} n==1' b.tdb; } >short.tdb
run_fail "import: truncated bundle" 1 "khối PEM" "$TD" init --dir dev7 --bundle short.tdb
run_fail "import: missing bundle" 1 "nosuch.tdb" "$TD" init --dir dev8 --bundle nosuch.tdb
run_fail "import: --bundle with --agency" 2 "--bundle" "$TD" init --dir dev8 --bundle b.tdb --agency x

# ---- revoke, crl, list -----------------------------------------------------------------------
S1=$(serial may01.crt)
S2=$(serial dev3/device.crt)
run_ok "revoke" "$PKI" revoke --dir ca --serial "$S1" --reason keyCompromise
has "revoke hints at crl" "tiendo-pki crl"
run_fail "revoke twice" 1 "đã bị thu hồi" "$PKI" revoke --dir ca --serial "$S1"
run_fail "revoke unknown serial" 1 "không có chứng thư" "$PKI" revoke --dir ca --serial 0ABCDEF
run_fail "revoke non-hex serial" 1 "hex" "$PKI" revoke --dir ca --serial xyz
run_fail "revoke bad reason" 1 "lý do" "$PKI" revoke --dir ca --serial "$S2" --reason boredom
# Serials as `openssl x509 -text` prints them (lower case, colons) are accepted.
S2_colons=$(echo "$S2" | tr 'A-F' 'a-f' | sed 's/../&:/g; s/:$//')
run_ok "revoke by colon serial" "$PKI" revoke --dir ca --serial "$S2_colons" --reason superseded
run_ok "crl" "$PKI" crl --dir ca --days 3 --out crl1.pem
has "crl prints its number" "CRL số 3"
has "crl counts the two revoked" ": 2 chứng thư đã thu hồi"
OUT=$(openssl crl -in crl1.pem -noout -text)
has "CRL lists S1" "Serial Number: $S1"
has "CRL lists S2" "Serial Number: $S2"
has "CRL reason keyCompromise" "Key Compromise"
has "CRL reason superseded" "Superseded"
has "CRL number extension" "X509v3 CRL Number"
has "CRL revocation date" "Revocation Date"
has "CRL AKID" "Authority Key Identifier"
check "CRL does not list the server cert" bash -c "! openssl crl -in crl1.pem -noout -text | grep -q '$(serial srv.crt)'"
OUT=$(openssl crl -in crl1.pem -CAfile ca/ca.crt -noout 2>&1 || true)
has "CRL signature verifies" "verify OK"
last=$(date -d "$(openssl crl -in crl1.pem -noout -lastupdate | cut -d= -f2)" +%s)
next=$(date -d "$(openssl crl -in crl1.pem -noout -nextupdate | cut -d= -f2)" +%s)
check "CRL nextUpdate = lastUpdate + 3 days" test $((next - last)) -eq $((3 * 86400))
check "crl --out leaves crl.pem alone" bash -c "openssl crl -in ca/crl.pem -noout -text | grep -q 'No Revoked Certificates'"
run_ok "crl default path" "$PKI" crl --dir ca
OUT=$(openssl crl -in ca/crl.pem -noout -text)
has "CRL number increments (one more for the empty CRL above)" "                4"
has "default CRL lists S1" "Serial Number: $S1"
OUT=$(openssl verify -crl_check -CAfile ca/ca.crt -CRLfile ca/crl.pem may01.crt 2>&1 || true)
has "openssl: revoked cert refused with the CRL" "certificate revoked"
check "openssl: other cert accepted with the CRL" openssl verify -crl_check -CAfile ca/ca.crt -CRLfile ca/crl.pem srv.crt
run_fail "crl: bad --days" 2 "--days" "$PKI" crl --dir ca --days -1

run_ok "list" "$PKI" list --dir ca
has "list header" "SỐ SÊ-RI"
has "list header status" "TRẠNG THÁI"
has "list valid" "còn hiệu lực"
has "list revoked" "đã thu hồi"
has "list expired" "hết hạn"
has "list agency" "ubnd-chi-linh"
has "list device" "may-01"
has "list server row" "máy chủ"
check "list revoked row" grep -q "^$S1 .*đã thu hồi" <<<"$OUT"
check "list expired row" grep -q "^$(serial old.crt) .*hết hạn" <<<"$OUT"
check "list valid row" grep -q "^$(serial srv.crt) .*còn hiệu lực" <<<"$OUT"
check "list dates dd/mm/yyyy" grep -qE "[0-3][0-9]/[01][0-9]/20[0-9]{2}$" <<<"$OUT"
run_fail "list: no CA" 1 "nowhere/ca.crt" "$PKI" list --dir nowhere

echo "pki.sh: $checks checks, $fails failed"
[ "$fails" -eq 0 ]

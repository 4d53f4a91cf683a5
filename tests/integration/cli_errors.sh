#!/usr/bin/env bash
# cli_errors.sh — the common failures, provoked for real, are told in
# Vietnamese with the reason (common/oserr.h), and no English word reaches
# the terminal (lib/tdtext.sh); the library's English goes to the device's
# operator log (tiendo.log):
#   a missing file, a directory where a file is wanted, an unreadable file
#   (as root: run as nobody), the server not running (connection refused),
#   a host name that cannot resolve (.invalid; only where no DNS query can
#   leave the machine), a corrupt replica, a replica locked by another
#   program, the server's certificate from another CA.
set -euo pipefail
# (tdtext.sh first: tdtest.sh changes to the work directory)
# shellcheck source=lib/tdtext.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdtext.sh"
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
export LC_ALL=C.UTF-8

# said NAME EXPECTED CMD...: CMD fails (exit 1, or $SAID_RC), its stderr has
# EXPECTED and no English word.
said() {
    local name=$1 want=$2 rc=0 found
    shift 2
    timeout $((60 * TD_SLOW)) "$@" >"$W/out" 2>"$W/err" </dev/null || rc=$?
    if [ "$rc" != "${SAID_RC:-1}" ]; then
        fail "$name: exit $rc, not ${SAID_RC:-1}: $(head -c 300 "$W/err")"
        return
    fi
    if grep -qF -- "$want" "$W/err"; then pass "$name: $(head -n 1 "$W/err")"; else
        fail "$name: \"$want\" not said: $(head -c 400 "$W/err")"; fi
    found=$(cat "$W/out" "$W/err" | english_words)
    [ -z "$found" ] || fail "$name: English words: $(tr -s ' \n' ' ' <<<"$found")"
}

say "PKI, plan, server, one office enrolled and synced"
sync_main
enrol_as dev so-y-te vanthu-01 office "127.0.0.1:$P"
tsync dev
[ "$SYNC_RC" = 0 ] || die "first sync: $(cat "$W/.sync.err")"
NOFILE="không có tệp hoặc thư mục này"

say "a missing file"
said "tiendo init --bundle (missing)" "$NOFILE" "$TD" init --dir "$W/d2" --bundle "$W/khong-co.bundle"
said "tiendo init --cert (missing)" "$NOFILE" "$TD" init --dir dev --cert "$W/khong-co.crt" --ca "$W/ca/ca.crt" \
    --server "127.0.0.1:$P"
said "tiendo-pki sign (missing CSR)" "$NOFILE" "$PKI" sign --dir "$W/ca" --agency so-y-te --role office \
    "$W/khong-co.csr" --out "$W/x.crt"
said "tiendo-pki list (no CA directory)" "$NOFILE" "$PKI" list --dir "$W/khong-co-ca"

say "a directory where a file is wanted"
mkdir -p "$W/thu-muc"
said "tiendo init --bundle (a directory)" "không phải tệp thường" "$TD" init --dir "$W/d2" --bundle "$W/thu-muc"
said "tiendo-pki sign (a directory)" "không phải tệp thường" "$PKI" sign --dir "$W/ca" --agency so-y-te \
    --role office "$W/thu-muc" --out "$W/x.crt"

say "an unreadable file"
mkdir -p "$W/pub"
chmod 0777 "$W/pub"
cp dev/device.csr "$W/pub/kin.csr"
cp "$W/ca/ca.crt" "$W/pub/kin.bundle"
chmod 000 "$W/pub/kin.csr" "$W/pub/kin.bundle"
if [ "$(id -u)" = 0 ]; then
    # root reads any file: the same commands as nobody (the work dir is made traversable)
    chmod 0711 "$W"
    AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
    AS=()
fi
said "tiendo init --bundle (unreadable)" "không có quyền" "${AS[@]}" "$TD" init --dir "$W/pub/d3" \
    --bundle "$W/pub/kin.bundle"
said "tiendo-pki sign (unreadable CSR)" "không có quyền" "${AS[@]}" "$PKI" sign --dir "$W/ca" --agency so-y-te \
    --role office "$W/pub/kin.csr" --out "$W/pub/x.crt"

say "a certificate from another CA"
mkdir -p "$W/other"
"$PKI" init --dir "$W/other/ca" >/dev/null || die "tiendo-pki init other"
"$PKI" issue-server --dir "$W/other/ca" --name tiendo-srv --ip 127.0.0.1 --out-key "$W/other/srv.key" \
    --out-cert "$W/other/srv.crt" >/dev/null || die "tiendo-pki issue-server other"
sv_stop main
SRV_KEYS=(--ca "$W/other/ca/ca.crt" --cert "$W/other/srv.crt" --key "$W/other/srv.key")
plan_import other
sv_start other "127.0.0.1:$P"
said "tiendo ping (the server's certificate from another CA)" "không do CA của tỉnh cấp" "$TD" ping --dir dev
said "tiendo sync (the server's certificate from another CA)" "không do CA của tỉnh cấp" "$TD" sync --dir dev
"$PKI" sign --dir "$W/other/ca" --agency so-y-te --role office dev/device.csr --out "$W/other/dev.crt" \
    >/dev/null || die "tiendo-pki sign (other CA)"
said "tiendo init --cert (signed by another CA)" "không do CA của tỉnh cấp" "$TD" init --dir dev \
    --cert "$W/other/dev.crt" --ca "$W/ca/ca.crt" --server "127.0.0.1:$P"

say "the server not running"
sv_stop other
said "tiendo ping (connection refused)" "máy chủ không nhận kết nối" "$TD" ping --dir dev
said "tiendo sync (connection refused)" "máy chủ không nhận kết nối" "$TD" sync --dir dev
if grep -q "connection refused" dev/tiendo.log; then pass "the English detail is in dev/tiendo.log"; else
    fail "no \"connection refused\" in dev/tiendo.log: $(tail -n 3 dev/tiendo.log)"; fi

say "a host name that cannot resolve"
cp -a dev "$W/devx"
sed -i 's/^server *=.*/server = khong-co-may-nay.invalid:7443/' "$W/devx/config"
NS=$(awk '$1 == "nameserver" { print $2 }' /etc/resolv.conf 2>/dev/null || true)
if [ -z "$(grep -vE '^(127\.|::1$)' <<<"$NS" | grep . || true)" ]; then
    said "tiendo ping (unknown host)" "tên máy chủ" "$TD" ping --dir "$W/devx"
elif [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    # no network namespace but loopback: the DNS query cannot leave the machine
    said "tiendo ping (unknown host, no network)" "tên máy chủ" unshare -n "$TD" ping --dir "$W/devx"
else
    say "skipped: unknown host name (resolv.conf names a nameserver off this machine)"
fi

say "a replica locked by another program"
if command -v python3 >/dev/null; then
    python3 -c '
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(60)
' dev/replica.db "$W/locked" &
LOCKER=$!
BG_PIDS+=("$LOCKER")
i=0
while [ ! -e "$W/locked" ] && [ "$i" -lt $((200 * TD_SLOW)) ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$W/locked" ] || die "the locking python3 did not start"
said "tiendo report (replica locked)" "đang được một chương trình khác dùng" "$TD" report --dir dev --task 22 \
    --period 2025-05 --state dang --percent 70 --result "Đã triển khai"
kill "$LOCKER" 2>/dev/null || true
wait "$LOCKER" 2>/dev/null || true
else
    say "skipped: a locked replica (no python3)"
fi

say "bad input: the Vietnamese text names the file, the line, the field and the limit"
# a report CSV: a percent over 100 on line 3, a date that is no day on line 4
{
    printf 'task,period,state,percent,result,done_date\n'
    printf '22,2025-05,dang,30,Đã triển khai,\n'
    printf '22,2025-04,dang,150,Quá trăm,\n'
    printf '22,2025-03,xong,100,Xong,31/02/2025\n'
} >"$W/sai.csv"
said "report CSV: line 3, field percent" "sai.csv:3: cột percent: phần trăm hoàn thành phải là số nguyên từ 0 đến 100" \
    "$TD" report --dir dev --from-file "$W/sai.csv"
said "report CSV: line 4, a date that is no day" "sai.csv:4: cột done_date: ngày hoàn thành \"31/02/2025\"" \
    "$TD" report --dir dev --from-file "$W/sai.csv"
SAID_RC=2 said "report --date: a date that is no day" "--date phải là ngày dd/mm/yyyy (nhận được \"31/02/2025\")" \
    "$TD" report --dir dev --from-file "$W/sai.csv" --date 31/02/2025
# a report cell over the limit of a text: the limit as people write it
{ printf 'task,period,state,percent,result\n22,2025-02,dang,5,'; head -c 16400 /dev/zero | tr '\0' 'a'; printf '\n'; } \
    >"$W/dai.csv"
said "report CSV: a text over the limit" "dai.csv:2: cột result: dài 16.400 byte, quá giới hạn 16.384 byte" \
    "$TD" report --dir dev --from-file "$W/dai.csv"
# a plan file: a bad line, a cell over the limit (the limit of a plan cell)
NV_HEAD='Mục,TT,Tên nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Sản phẩm,Thời gian hoàn thành'
printf '%s\nI,1,Nhiệm vụ một,Sở Y tế,,Báo cáo,Năm 2025\nI,6a,Nhiệm vụ sai,Sở Y tế,,Báo cáo,Năm 2025\n' "$NV_HEAD" \
    >"$W/nv-sai.csv"
said "plan import: a bad line" "nv-sai.csv:3: TT \"6a\" không phải số nhiệm vụ" \
    "$SRV_BIN" plan import "$W/nv-sai.csv" --data "$W/data-main"
{ printf '%s\nI,1,' "$NV_HEAD"; head -c 17000 /dev/zero | tr '\0' 'x'; printf ',Sở Y tế,,Báo cáo,Năm 2025\n'; } \
    >"$W/nv-dai.csv"
said "plan import: a cell over the limit" "nv-dai.csv:2: cột 3: ô dài quá giới hạn 16.384 byte của một ô" \
    "$SRV_BIN" plan import "$W/nv-dai.csv" --data "$W/data-main"
# an attachment that is no document, named in the report CSV
printf 'MZ\x90\x00not a document' >"$W/chuong-trinh.pdf"
printf 'task,period,state,percent,result,attach\n22,2025-05,dang,30,Có tệp,chuong-trinh.pdf\n' >"$W/tep.csv"
said "report CSV: an attachment that is a program" "chương trình Windows" \
    "$TD" report --dir dev --from-file "$W/tep.csv"
grep -q "tep.csv:2: cột attach" "$W/err" && pass "attachment: line and column named" ||
    fail "attachment: line and column not named: $(head -c 300 "$W/err")"
# a file that holds no certificate or request: the file is named
printf 'không phải chứng thư\n' >"$W/rac.crt"
said "tiendo init --cert (not a certificate)" "tệp $W/rac.crt không chứa chứng thư số đọc được" "$TD" init \
    --dir dev --cert "$W/rac.crt" --ca "$W/ca/ca.crt" --server "127.0.0.1:$P"
said "tiendo-pki sign (not a CSR)" "tệp $W/rac.crt không chứa yêu cầu cấp chứng thư (CSR) đọc được" "$PKI" sign \
    --dir "$W/ca" --agency so-y-te --role office "$W/rac.crt" --out "$W/x.crt"
# a server address without its port
said "tiendo init --server without a port" "địa chỉ máy chủ \"127.0.0.1\" không hợp lệ" "$TD" init --dir "$W/d4" --cert dev/device.crt \
    --ca "$W/ca/ca.crt" --server 127.0.0.1

say "a corrupt replica"
head -c 65536 /dev/urandom >dev/replica.db
rm -f dev/replica.db-wal dev/replica.db-shm
said "tiendo status (corrupt replica)" "bị hỏng" "$TD" status --dir dev
said "tiendo tasks (corrupt replica)" "bị hỏng" "$TD" tasks --dir dev
finish

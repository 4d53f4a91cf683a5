#!/usr/bin/env bash
# converge_renew.sh — key continuity: a device that renews its key through
# the CA officer BEFORE its first push (two reports in the outbox, signed
# with the old key) syncs: both old-key entries are stored (the old
# certificate travels with the push, Push.earlier_certs), a report written
# after the renewal continues the sequence (seq 3), nothing is refused and
# the outbox is empty; the replica equals the server's view and a fresh
# device's.  Then a second renewal after pushes: the next entries continue.
# Then a device renewed twice before its first push (keys K0, K1, K2, one
# report with each of K0 and K1, the renewals in the same second): both
# reports are stored, nothing refused, replica = server view = fresh device;
# and the same with the first kept certificate lost: both refused, shown,
# and the replica still equals the server's view.
# Then an earlier certificate revoked (key compromise) after the entries it
# signed were written and the device was given a new certificate: the server,
# not reloaded (no SIGHUP), checks Push.earlier_certs against the CRL as it
# is on disk at push time and refuses those entries with a visible reason.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"   # also exports TZ=Asia/Ho_Chi_Minh
exec </dev/null
mid_month
cd "$W"

sync_main
enrol_as "$W/yte" so-y-te pc-01 office "127.0.0.1:$P"

say "renewal before the first push"
report "$W/yte" 47 "$PER" --state dang --percent 20 --result "Trước khi đổi khóa 1"
report "$W/yte" 27 "$PER" --state dang --percent 30 --result "Trước khi đổi khóa 2"
run 0 "renew --csr-out" "$TD" renew --dir "$W/yte" --csr-out "$W/yte-renew.csr"
run 0 "tiendo-pki renew" "$PKI" renew --dir "$W/ca" --cert "$W/yte/device.crt" --csr "$W/yte-renew.csr" --out "$W/yte-new.crt"
run 0 "renew --import" "$TD" renew --dir "$W/yte" --import "$W/yte-new.crt"
report "$W/yte" 1 "$PER" --state dang --percent 40 --result "Sau khi đổi khóa"
tsync "$W/yte"
eq "sync after the renewal succeeds" "$SYNC_RC" 0
grep -q "bị từ chối 0" "$W/.sync.out" && pass "sync summary: nothing refused" || fail "sync summary: $(cat "$W/.sync.out")"
eq "outbox: nothing refused" "$(sq "$W/yte/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='refused';")" 0
eq "outbox: nothing pending" "$(sq "$W/yte/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 0
eq "outbox: three entries stored, seq 1..3" "$(sq "$W/yte/replica.db" "SELECT group_concat(seq) FROM outbox WHERE status='stored' ORDER BY seq;")" "1,2,3"
check_digest "after the renewal" main "$W/yte" so-y-te
enrol_as "$W/fresh" so-y-te fresh-01 office "127.0.0.1:$P"
tsync "$W/fresh"
eq "fresh device = renewed device" "$(cli_digest "$W/fresh")" "$(cli_digest "$W/yte")"

say "second renewal after pushes"
report "$W/yte" 47 "$PER" --state dang --percent 50 --result "Trước lần đổi khóa thứ hai"
run 0 "renew --csr-out (2)" "$TD" renew --dir "$W/yte" --csr-out "$W/yte-renew2.csr"
run 0 "tiendo-pki renew (2)" "$PKI" renew --dir "$W/ca" --cert "$W/yte/device.crt" --csr "$W/yte-renew2.csr" --out "$W/yte-new2.crt"
run 0 "renew --import (2)" "$TD" renew --dir "$W/yte" --import "$W/yte-new2.crt"
report "$W/yte" 47 "$PER" --state dang --percent 60 --result "Sau lần đổi khóa thứ hai"
tsync "$W/yte"
eq "sync after the second renewal succeeds" "$SYNC_RC" 0
eq "outbox: nothing refused (2)" "$(sq "$W/yte/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='refused';")" 0
eq "outbox: nothing pending (2)" "$(sq "$W/yte/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 0
check_digest "after the second renewal" main "$W/yte" so-y-te

say "renewed twice, the first kept certificate lost: the push refused whole"
# Without K0's certificate the server cannot take K0's entry, nor K1's after
# it (sequence gap); it still records K1's and K2's certificates in the log
# while refusing the push: the replica pulls them back (it equals the
# server's view) and shows both refusals.
enrol_as "$W/vh" so-vhttdl pc-04 office "127.0.0.1:$P"
tsync "$W/vh"
report "$W/vh" 70 "$PER" --state dang --percent 10 --result "K0"
for k in 1 2; do
    run 0 "renew --csr-out (lost, $k)" "$TD" renew --dir "$W/vh" --csr-out "$W/vh-renew.csr"
    run 0 "tiendo-pki renew (lost, $k)" "$PKI" renew --dir "$W/ca" --cert "$W/vh/device.crt" --csr "$W/vh-renew.csr" --out "$W/vh-new$k.crt"
    run 0 "renew --import (lost, $k)" "$TD" renew --dir "$W/vh" --import "$W/vh-new$k.crt"
    rm -f "$W/vh-renew.csr"
    [ "$k" = 1 ] && report "$W/vh" 70 "$PER" --state dang --percent 20 --result "K1"
done
rm -f "$(find "$W/vh" -name 'device.crt.old-*' | sort | head -n 1)"
tsync "$W/vh"
eq "sync with a lost earlier certificate succeeds" "$SYNC_RC" 0
grep -q "bị từ chối 2" "$W/.sync.out" && pass "sync summary (lost): two refused" || fail "sync summary (lost): $(cat "$W/.sync.out")"
eq "outbox (lost): both refused" "$(sq "$W/vh/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='refused';")" 2
eq "server (lost): nothing of so-vhttdl stored" "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE agency='so-vhttdl' AND kind=20;")" 0
check_digest "after the refused push" main "$W/vh" so-vhttdl

say "renewed twice before the first push"
# K0 signs a report, renewal to K1 signs another, renewal to K2, then one
# sync: both reports are stored (K0's and K1's certificates travel with the
# push).  Both certificates are installed at the same instant (a clock
# standing still: a CA officer answering at once renews twice within one
# second), so both old certificates get the same time stamp: the first kept
# one must not be overwritten by the second.
enrol_as "$W/gd" so-gddt pc-03 office "127.0.0.1:$P"
report "$W/gd" 60 "$PER" --state dang --percent 10 --result "Ký bằng khóa đầu"
for k in 1 2; do
    run 0 "renew --csr-out (twice, $k)" "$TD" renew --dir "$W/gd" --csr-out "$W/gd-renew.csr"
    run 0 "tiendo-pki renew (twice, $k)" "$PKI" renew --dir "$W/ca" --cert "$W/gd/device.crt" --csr "$W/gd-renew.csr" --out "$W/gd-new$k.crt"
    run 0 "renew --import (twice, $k)" env TIENDO_TEST_CLOCK="2026-06-17 10:05:00!" "$TD" renew --dir "$W/gd" --import "$W/gd-new$k.crt"
    rm -f "$W/gd-renew.csr"
    [ "$k" = 1 ] && report "$W/gd" 60 "$PER" --state dang --percent 20 --result "Ký bằng khóa thứ hai"
done
eq "two earlier certificates kept" "$(find "$W/gd" -name 'device.crt.old-*' | wc -l)" 2
tsync "$W/gd"
eq "sync after two renewals succeeds" "$SYNC_RC" 0
grep -q "bị từ chối 0" "$W/.sync.out" && pass "sync summary (twice): nothing refused" || fail "sync summary (twice): $(cat "$W/.sync.out")"
eq "outbox (twice): nothing refused" "$(sq "$W/gd/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='refused';")" 0
eq "outbox (twice): nothing pending" "$(sq "$W/gd/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 0
eq "outbox (twice): both stored, seq 1,2" "$(sq "$W/gd/replica.db" "SELECT group_concat(seq) FROM outbox WHERE status='stored' ORDER BY seq;")" "1,2"
eq "server: both reports of so-gddt stored" "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE agency='so-gddt' AND kind=20;")" 2
check_digest "after two renewals" main "$W/gd" so-gddt
enrol_as "$W/gd-fresh" so-gddt fresh-03 office "127.0.0.1:$P"
tsync "$W/gd-fresh"
eq "fresh device = twice-renewed device" "$(cli_digest "$W/gd-fresh")" "$(cli_digest "$W/gd")"

say "an earlier certificate revoked: its entries are refused at push"
enrol_as "$W/tp" so-tu-phap pc-02 office "127.0.0.1:$P"
report "$W/tp" 23 "$PER" --state dang --percent 10 --result "Ký bằng khóa bị lộ"
run 0 "renew --csr-out (revoked)" "$TD" renew --dir "$W/tp" --csr-out "$W/tp-renew.csr"
SER=$(openssl x509 -in "$W/tp/device.crt" -noout -serial | cut -d= -f2)
run 0 "tiendo-pki revoke (key compromise)" "$PKI" revoke --dir "$W/ca" --serial "$SER" --reason keyCompromise
run 0 "tiendo-pki crl" "$PKI" crl --dir "$W/ca"
# re-enrolled by the CA officer (a revoked certificate is not renewable)
run 0 "tiendo-pki sign (new key)" "$PKI" sign --dir "$W/ca" --agency so-tu-phap --role office "$W/tp-renew.csr" --out "$W/tp-new.crt"
run 0 "renew --import (revoked)" "$TD" renew --dir "$W/tp" --import "$W/tp-new.crt"
tsync "$W/tp"
eq "outbox: the entry signed with the revoked key is refused" \
    "$(sq "$W/tp/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='refused' AND reason LIKE '%earlier certificate%revoked%';")" 1
eq "server: nothing of so-tu-phap stored" "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE agency='so-tu-phap' AND kind=20;")" 0
run 0 "status after the refusal" "$TD" status --dir "$W/tp"
expect_out "status names the revocation" "thu hồi"
expect_out "status says what to do" "Cần làm"
check_digest "after the refusal" main "$W/tp" so-tu-phap

sv_stop main
finish

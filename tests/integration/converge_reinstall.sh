#!/usr/bin/env bash
# converge_reinstall.sh — seq recovery: a device that pushed entries is set
# up again from its key and certificate (a reinstalled PC: empty replica);
# the clerk writes two reports before the first sync.  They are signed with
# seq 1 and 2, which the server already holds (equivocation): the sync
# signs them again after the device's last seq, says so in Vietnamese, and
# the server ends up holding their text; nothing stays pending, the replica
# equals the server's view.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"   # also exports TZ=Asia/Ho_Chi_Minh
exec </dev/null
mid_month

sync_main
enrol_as "$W/yte" so-y-te pc-01 office "127.0.0.1:$P"
for i in 1 2 3; do report "$W/yte" 47 "$PER" --state dang --percent $((i * 10)) --result "Báo cáo cũ $i"; done
tsync "$W/yte"
eq "first install pushes 3 reports" "$SYNC_RC" 0

say "reinstall from key and certificate"
mkdir -p "$W/yte2"
cp "$W/yte/device.key" "$W/yte2/device.key"
chmod 600 "$W/yte2/device.key"
run 0 "init from the kept key and certificate" "$TD" init --dir "$W/yte2" --cert "$W/yte/device.crt" --ca "$W/ca/ca.crt" --server "127.0.0.1:$P"
report "$W/yte2" 47 "$PER" --state dang --percent 70 --result "Viết sau khi cài lại máy A"
report "$W/yte2" 27 "$PER" --state dang --percent 75 --result "Viết sau khi cài lại máy B"
tsync "$W/yte2"
eq "sync after the reinstall succeeds" "$SYNC_RC" 0
grep -q "Đã ký lại 2 mục" "$W/.sync.out" && pass "sync says it re-signed 2 entries (Vietnamese)" ||
    fail "sync output lacks the re-sign notice: $(cat "$W/.sync.out" "$W/.sync.err")"
eq "nothing pending" "$(sq "$W/yte2/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 0
eq "the re-signed copies are stored as seq 4, 5" "$(sq "$W/yte2/replica.db" "SELECT group_concat(seq) FROM outbox WHERE status='stored' ORDER BY seq;")" "4,5"
"$TD" task 47 --dir "$W/yte2" >"$W/t47.txt" 2>&1 || true
grep -q "Viết sau khi cài lại máy A" "$W/t47.txt" && pass "the clerk's text is in the log (task 47)" ||
    fail "text lost: $(head -c 400 "$W/t47.txt")"
check_digest "reinstalled device" main "$W/yte2" so-y-te
tsync "$W/yte"
eq "the old install syncs too" "$SYNC_RC" 0
eq "old install = reinstalled device" "$(cli_digest "$W/yte")" "$(cli_digest "$W/yte2")"

sv_stop main
finish

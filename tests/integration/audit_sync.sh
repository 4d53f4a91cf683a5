#!/usr/bin/env bash
# audit_sync.sh — checkpoints carried by sync (docs/PROTOCOL.md §4, §6;
# docs/LOG.md §10), real server and real clients over loopback TLS:
#   - a sync verifies and stores the server's signed checkpoint; a second
#     sync after more entries verifies the consistency proof from it;
#   - `tiendo receipt` verifies the inclusion of the device's own entry
#     (by --seq and by --index) and prints its log index;
#   - a server that rewrites history (a copy of its database with one
#     report's bytes changed, the tree and checkpoints rebuilt by the server
#     itself with the same key, then grown by another office) is caught by
#     the next sync: exit 1, a Vietnamese warning, an alarm holding both
#     checkpoints and the proof, nothing pushed or pulled; `tiendo status`
#     shows the alarm until `--clear-alarm`, and the evidence stays; the
#     web UI's audit page shows it with the evidence;
#   - an inspector device cosigns the checkpoint it verified, and
#     `tiendo-server checkpoint` shows the witnessed size.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

AG=so-khcn
say "PKI, plan import, an office of $AG and an office of so-tai-chinh"
sync_main
enrol_as dev "$AG" vanthu-01 office "127.0.0.1:$P"
enrol_as dev2 so-tai-chinh vanthu-02 office "127.0.0.1:$P"

say "first sync: the checkpoint is verified and stored"
report dev 1 2025-03 --state dang --percent 30 --result "ALPHA-REPORT bản gốc"
report dev 1 2025-04 --state dang --percent 60 --result "Đã tổ chức 3 hội nghị"
run 0 "first sync" "$TD" sync --dir dev
N1=$(sq dev/replica.db "SELECT max(size) FROM checkpoint;")
# The Welcome's checkpoint (the server's certificate and the plan) is the
# one verified before pushing; what was pushed is covered by the next one.
ge "replica stored a verified checkpoint" "${N1:-0}" 2
ge "the server's log covers it" "$(sq "$W/data-main/server.db" "SELECT max(idx) FROM log;")" "$N1"
eq "the stored note is the server's signed checkpoint" \
    "$(sq dev/replica.db "SELECT note FROM checkpoint WHERE size = $N1;")" \
    "$(sq "$W/data-main/server.db" "SELECT note FROM checkpoint WHERE size = $N1;")"
run 0 "status after the first sync" "$TD" status --dir dev
expect_out "status shows the verified checkpoint" "Điểm kiểm tra nhật ký đã xác minh gần nhất: $N1 mục"

say "more entries: the second sync verifies consistency with the first checkpoint"
report dev 2 2025-02 --state xong --done-date 20/02/2025 --result "Kế hoạch số 12/KH-SKHCN"
# written before dev2 has the plan, so the client cannot check it: the fold refuses it
report dev2 26 2025-03 --state dang --percent 10 --result "Báo cáo sở tài chính"
run 0 "dev2 sync" "$TD" sync --dir dev2
run 0 "dev2 sync again" "$TD" sync --dir dev2
run 0 "second sync" "$TD" sync --dir dev
N2=$(sq dev/replica.db "SELECT max(size) FROM checkpoint;")
if [ "${N2:-0}" -gt "$N1" ]; then pass "second checkpoint $N2 > $N1 verified and stored"; else fail "no larger checkpoint: $N2"; fi
eq "the replica holds both checkpoints" "$(sq dev/replica.db "SELECT COUNT(*) FROM checkpoint WHERE size IN ($N1, $N2);")" 2
eq "no alarm" "$(sq dev/replica.db "SELECT COUNT(*) FROM alarm;")" 0

say "receipts for the device's own entries"
IDX1=$(sq dev/replica.db "SELECT idx FROM outbox WHERE seq = 1;")
run 0 "receipt --seq 1" "$TD" receipt --dir dev --seq 1
say "$OUT"
expect_out "receipt names the log index" "mục số $IDX1 của nhật ký"
expect_out "receipt names the kind" "Loại:"
expect_out "receipt names the agency" "cơ quan $AG"
IDX3=$(sq dev/replica.db "SELECT idx FROM outbox WHERE seq = 3;")
run 0 "receipt --index $IDX3" "$TD" receipt --dir dev --index "$IDX3"
expect_out "receipt by index" "mục số $IDX3 của nhật ký"
run 1 "receipt for a seq the device never wrote" "$TD" receipt --dir dev --seq 99
run 2 "receipt without --seq or --index" "$TD" receipt --dir dev

say "inspector: syncs, verifies and cosigns"
enrol_as ins thanh-tra tt-01 inspector "127.0.0.1:$P"
run 0 "inspector sync" "$TD" sync --dir ins
NI=$(sq ins/replica.db "SELECT max(size) FROM checkpoint;")
expect_out "inspector cosigned" "Đã đồng ký điểm kiểm tra cỡ $NI"
eq "server stored the cosignature" \
    "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM cosig WHERE size = $NI AND witness LIKE 'tiendo-witness/tt-01 thanh-tra %' AND agency = 'thanh-tra' AND length(witness_key) = 32;")" 1
run 0 "inspector sync again (nothing new: no second cosignature)" "$TD" sync --dir ins
if grep -qF "Đã đồng ký" <<<"$OUT"; then fail "cosigned the same size twice"; else pass "same size not cosigned twice"; fi
run 0 "tiendo-server checkpoint" "$SRV_BIN" checkpoint --data "$W/data-main"
expect_out "server shows the witnessed size" "đã được nhân chứng ký xác nhận: $NI"
if grep -qE "tiendo-witness/tt-01 \(thanh-tra, khóa [0-9a-f]{16}\) +tới kích thước $NI " <<<"$OUT"; then
    pass "server names the witness and its size"
else
    fail "witness line missing: $OUT"
fi
sv_stop main

say "a server that rewrites history: one report changed, tree and checkpoints rebuilt with the same key"
mkdir -p "$W/data-fake"
sq "$W/data-main/server.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
cp "$W/data-main/server.db" "$W/data-fake/server.db"
FDB=$W/data-fake/server.db
OLDHEX=$(sq "$FDB" "SELECT hex(body) FROM log WHERE idx = $IDX1;")
A=$(printf 'ALPHA-REPORT' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
O=$(printf 'OMEGA-REPORT' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
NEWHEX=${OLDHEX/$A/$O}
[ "$NEWHEX" != "$OLDHEX" ] || die "report text not found in log entry $IDX1"
# The log is append-only by triggers: the forger drops them, rewrites the
# entry, and drops the tree and checkpoints so that the server (migration 2)
# rebuilds the tree over the rewritten log and signs a new checkpoint.
sq "$FDB" "DROP TRIGGER log_no_update; UPDATE log SET body = X'$NEWHEX' WHERE idx = $IDX1;
           DROP TABLE tree; DROP TABLE checkpoint; DROP TABLE cosig; PRAGMA user_version = 1;" ||
    die "rewriting the copy"
sv_start fake
FP=$PORT
# A new office device (no checkpoint verified before) works with the
# rewritten server: its log grows past the office's verified size.
enrol_as dev3 so-tai-chinh vanthu-03 office "127.0.0.1:$FP"
report dev3 27 2025-05 --state chua
run 0 "a new device syncs with the rewritten server" "$TD" sync --dir dev3
report dev 27 2025-06 --state chua
LAST=$(sq dev/replica.db "SELECT max(size) FROM checkpoint;")
PEND=$(sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status = 'pending';")
CUR=$(sq dev/replica.db "SELECT value FROM meta WHERE key = 'cursor';")
FLOG=$(sq "$FDB" "SELECT max(idx) FROM log;")
run 1 "the office's next sync raises the alarm" "$TD" sync --dir dev --server "127.0.0.1:$FP"
expect_err "Vietnamese warning" "CẢNH BÁO số"
expect_err "it names the kind" ": máy chủ đưa ra lịch sử nhật ký không nhất quán"
eq "one alarm stored" "$(sq dev/replica.db "SELECT COUNT(*) FROM alarm WHERE acked_ms IS NULL;")" 1
eq "alarm kind" "$(sq dev/replica.db "SELECT kind FROM alarm;")" inconsistent
eq "evidence: the verified checkpoint" "$(sq dev/replica.db "SELECT old_note FROM alarm;")" \
    "$(sq dev/replica.db "SELECT note FROM checkpoint WHERE size = $LAST;")"
NEWN=$(sq dev/replica.db "SELECT new_note FROM alarm;")
if grep -qxF "$(sq "$FDB" "SELECT max(size) FROM checkpoint;")" <<<"$NEWN"; then
    pass "evidence: the rewritten server's checkpoint"
else
    fail "alarm new_note is not the fake server's checkpoint: $NEWN"
fi
ge "evidence: the consistency proof" "$(sq dev/replica.db "SELECT length(proof) FROM alarm;")" 32
eq "nothing pushed" "$(sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status = 'pending';")" "$PEND"
eq "nothing pulled" "$(sq dev/replica.db "SELECT value FROM meta WHERE key = 'cursor';")" "$CUR"
eq "the rewritten server got nothing from the office" "$(sq "$FDB" "SELECT max(idx) FROM log;")" "$FLOG"
eq "the bad checkpoint is not stored as verified" "$(sq dev/replica.db "SELECT max(size) FROM checkpoint;")" "$LAST"
say "the alarm with its evidence on the web UI's audit page (tiendo ui, curl)"
# shellcheck source=lib/tdui.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdui.sh"
ui_start devui dev
UURL=$(cat "$W/devui.url")
curl -s -o /dev/null -c "$W/devui.jar" "$UURL"
eq "audit page" "$(curl -s -o "$W/audit.html" -w '%{http_code}' -b "$W/devui.jar" "${UURL%%/\?token=*}/audit")" 200
grep -q "Cảnh báo số $(sq dev/replica.db "SELECT id FROM alarm;")" "$W/audit.html" &&
    grep -q "máy chủ đưa ra lịch sử nhật ký không nhất quán" "$W/audit.html" &&
    pass "the alarm in plain words on the audit page" || fail "no alarm on the audit page: $(sed 's/<[^>]*>/ /g' "$W/audit.html" | tr -s ' ' | head -c 600)"
grep -qF "$(sq dev/replica.db "SELECT new_note FROM alarm;" | sed -n 3p)" "$W/audit.html" &&
    pass "the evidence (the failing checkpoint) on the page" || fail "no evidence on the audit page"
ui_stop devui
run 0 "status shows the alarm" "$TD" status --dir dev
expect_out "status: the alarm in plain words" "CẢNH BÁO: 1 cảnh báo về nhật ký máy chủ chưa được xử lý"
expect_out "status: what happened" "lịch sử nhật ký không nhất quán"
ALARM=$(sq dev/replica.db "SELECT id FROM alarm;")
run 1 "receipt from the rewritten server is refused too" "$TD" receipt --dir dev --seq 1 --server "127.0.0.1:$FP"
expect_err "receipt: warning" "CẢNH BÁO"
run 2 "clearing without a note is refused" "$TD" status --dir dev --clear-alarm "$ALARM"
expect_err "the note is asked for" "cần --note"
run 2 "a blank note is refused" "$TD" status --dir dev --clear-alarm "$ALARM" --note "   "
eq "still open" "$(sq dev/replica.db "SELECT COUNT(*) FROM alarm WHERE id = $ALARM AND acked_ms IS NULL;")" 1
run 0 "clear the alarm" "$TD" status --dir dev --clear-alarm "$ALARM" --note "đã kiểm tra với Sở KH&CN"
run 1 "clearing it twice fails" "$TD" status --dir dev --clear-alarm "$ALARM" --note "lần hai"
expect_err "it says when it was acknowledged" "đã được đánh dấu xử lý lúc"
run 0 "status after clearing" "$TD" status --dir dev
if grep -qF "cảnh báo số $ALARM," <<<"$OUT"; then fail "the cleared alarm is still listed"; else pass "cleared alarm not listed"; fi
expect_out "status: who cleared it and the note" "Cảnh báo số $ALARM (máy chủ đưa ra lịch sử nhật ký không nhất quán"
expect_out "status: the note" "bởi vanthu-01, so-khcn; ghi chú: đã kiểm tra với Sở KH&CN"
eq "evidence kept after clearing" \
    "$(sq dev/replica.db "SELECT COUNT(*) FROM alarm WHERE id = $ALARM AND old_note IS NOT NULL AND new_note IS NOT NULL AND proof IS NOT NULL AND acked_ms > 0;")" 1
eq "the receipt's alarm is still open" "$(sq dev/replica.db "SELECT COUNT(*) FROM alarm WHERE acked_ms IS NULL;")" 1
sv_stop fake

say "the honest server again: the office syncs"
sv_start main "127.0.0.1:$P"
run 0 "sync with the honest server" "$TD" sync --dir dev
eq "nothing waiting" "$(sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status = 'pending';")" 0
no_dups main "after the audit sync"
stop_server main
finish

#!/usr/bin/env bash
# backup_restore.sh — `tiendo-server backup` and `restore` (docs/ARCHITECTURE.md §9), real
# server and real clients over loopback TLS:
#   - a backup taken while an office keeps pushing is one consistent,
#     verified snapshot (integrity, leaves, root = the server's root at its
#     size);
#   - restore refuses while the server runs (serve.lock), and a second
#     server on the same data directory is refused too;
#   - disaster: the database is lost; the latest backup (which covers every
#     checkpoint the offices hold) is restored and the server started: the
#     offices' next syncs verify consistency proofs from the checkpoints they
#     hold, with no alarm, and new entries flow;
#   - an OLDER backup (smaller than an office's verified checkpoint): restore
#     refuses without --force and names the size the offices may hold; with
#     --force the previous database is kept aside; the office then raises a
#     rollback alarm, keeps its outbox, and pushes nothing.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

say "PKI, plan, two offices"
sync_main
enrol_as dev so-khcn vanthu-01 office "127.0.0.1:$P"
enrol_as dev2 so-tai-chinh vanthu-02 office "127.0.0.1:$P"
report dev 1 2025-03 --state dang --percent 30 --result "Báo cáo tháng 3"
run 0 "dev first sync" "$TD" sync --dir dev
report dev2 1 2025-03 --state dang --percent 10 --result "Đang triển khai"
run 0 "dev2 first sync" "$TD" sync --dir dev2

say "backup while dev2 keeps pushing"
(
    for m in 04 05 06 07 08 09 10 11; do
        "$TD" report --dir dev2 --task 1 --period "2025-$m" --state dang --percent "${m#0}" --result "Tháng $m" >/dev/null 2>&1 || exit 1
        "$TD" sync --dir dev2 >/dev/null 2>&1 || exit 1
    done
) &
WRITER=$!
BG_PIDS+=("$WRITER")
# Slow steps (1 page, 15 ms apart): the server commits between steps, which
# restarts the copy; the budget then copies the rest in one read transaction.
BEFORE=$(sq "$W/data-main/server.db" "SELECT max(idx) FROM log;")
run 0 "backup during pushes (1 page per step)" "$SRV_BIN" backup "$W/b1.db" --data "$W/data-main" \
    --step-pages 1 --pause-ms 15
say "$(head -n 1 <<<"$OUT")"
AFTER=$(sq "$W/data-main/server.db" "SELECT max(idx) FROM log;")
expect_out "backup reports its checks" "integrity_check tốt"
M1=$(sed -n 's/^Bản sao có \([0-9]*\) mục.*/\1/p' <<<"$OUT")
ge "backup holds at least the log at its start" "${M1:-0}" "$BEFORE"
if [ "$AFTER" -gt "$BEFORE" ]; then pass "entries arrived during the backup ($BEFORE -> $AFTER)"; else fail "no entry arrived during the backup ($BEFORE)"; fi
wait "$WRITER" && pass "the writer's 8 reports and syncs all succeeded" || fail "writer failed"
say "backup b1: $M1 entries; the log now has $(sq "$W/data-main/server.db" "SELECT max(idx) FROM log;")"
eq "backup file mode 0600" "$(stat -c %a "$W/b1.db")" 600
eq "the copy is a standalone file (no -wal)" "$(ls "$W"/b1.db-wal 2>/dev/null | wc -l)" 0
eq "copy integrity_check" "$(sq "$W/b1.db" "PRAGMA integrity_check;")" ok
eq "copy log is contiguous" "$(sq "$W/b1.db" "SELECT count(*) = max(idx) FROM log;")" 1
run 1 "backup never overwrites" "$SRV_BIN" backup "$W/b1.db" --data "$W/data-main"
expect_err "says why" "đã tồn tại"
run 2 "backup without DEST" "$SRV_BIN" backup --data "$W/data-main"

say "restore refuses while the server runs; a second server is refused"
run 1 "restore while serving" "$SRV_BIN" restore "$W/b1.db" --data "$W/data-main"
expect_err "names the running server" "máy chủ đang chạy"
expect_err "and its process id" "tiến trình số ${SRV_PID[main]}"
RC2=0
timeout 10 "$SRV_BIN" serve --listen 127.0.0.1:0 --data "$W/data-main" "${SRV_KEYS[@]}" >"$W/second.log" 2>&1 || RC2=$?
eq "a second server on the same data directory exits 1" "$RC2" 1
expect_in "second server says why" "$W/second.log" "đang được dùng bởi một máy chủ khác"

say "quiet backup b2, offices sync to it, then the database is lost"
report dev 2 2025-02 --state xong --done-date 20/02/2025 --result "Kế hoạch 12/KH"
run 0 "dev sync" "$TD" sync --dir dev
run 0 "dev2 sync" "$TD" sync --dir dev2
run 0 "backup b2" "$SRV_BIN" backup "$W/b2.db" --data "$W/data-main"
M2=$(sed -n 's/^Bản sao có \([0-9]*\) mục.*/\1/p' <<<"$OUT")
ge "b2 is larger than b1" "${M2:-0}" $((M1 + 1))
CP_DEV=$(sq dev/replica.db "SELECT max(size) FROM checkpoint;")
CP_DEV2=$(sq dev2/replica.db "SELECT max(size) FROM checkpoint;")
if [ "$CP_DEV" -le "$M2" ] && [ "$CP_DEV2" -le "$M2" ]; then
    pass "offices hold checkpoints $CP_DEV and $CP_DEV2, covered by b2 ($M2)"
else
    fail "offices hold checkpoints $CP_DEV / $CP_DEV2 beyond b2 ($M2)"
fi
ROOT_BEFORE=$(sq "$W/data-main/server.db" "SELECT hex(root) FROM checkpoint ORDER BY size DESC LIMIT 1;")
stop_server main
rm -f "$W/data-main/server.db" "$W/data-main/server.db-wal" "$W/data-main/server.db-shm"
run 0 "restore b2 into an empty data directory" "$SRV_BIN" restore "$W/b2.db" --data "$W/data-main"
expect_out "restore names the size" "$M2 mục"
eq "restored log size" "$(sq "$W/data-main/server.db" "SELECT max(idx) FROM log;")" "$M2"
eq "restored latest checkpoint root" \
    "$(sq "$W/data-main/server.db" "SELECT hex(root) FROM checkpoint ORDER BY size DESC LIMIT 1;")" "$ROOT_BEFORE"
sv_start main
P=$PORT
report dev 3 2025-05 --state dang --percent 5 --result "Đang triển khai"
run 0 "dev syncs against the restored server" "$TD" sync --dir dev --server "127.0.0.1:$P"
run 0 "dev2 syncs against the restored server" "$TD" sync --dir dev2 --server "127.0.0.1:$P"
eq "no alarm at dev" "$(sq dev/replica.db "SELECT count(*) FROM alarm;")" 0
eq "no alarm at dev2" "$(sq dev2/replica.db "SELECT count(*) FROM alarm;")" 0
ge "dev verified a larger checkpoint (consistency proof from $CP_DEV)" \
    "$(sq dev/replica.db "SELECT max(size) FROM checkpoint;")" $((CP_DEV + 1))
eq "dev's new report stored" "$(sq dev/replica.db "SELECT count(*) FROM outbox WHERE status = 'pending';")" 0
check_digest "dev after restore" main dev so-khcn
check_digest "dev2 after restore" main dev2 so-tai-chinh

say "an OLDER backup (b1, $M1 entries) than the offices' checkpoints"
CP_DEV=$(sq dev/replica.db "SELECT max(size) FROM checkpoint;")
stop_server main
run 1 "restore of an older backup is refused" "$SRV_BIN" restore "$W/b1.db" --data "$W/data-main"
expect_err "says the backup is older" "CŨ HƠN"
expect_err "names the size clients may hold" "giữ điểm kiểm lớn tới"
eq "nothing changed" "$(sq "$W/data-main/server.db" "SELECT max(idx) FROM log;")" "$(sq "$W/data-main/server.db" "SELECT max(size) FROM checkpoint;")"
run 0 "restore --force" "$SRV_BIN" restore "$W/b1.db" --data "$W/data-main" --force
ASIDE=$(ls "$W"/data-main/server.db.before-restore-* | head -n 1)
[ -n "$ASIDE" ] && pass "previous database kept aside ($(basename "$ASIDE"))" || fail "no database kept aside"
ge "the kept database holds the larger log" "$(sq "$ASIDE" "SELECT max(idx) FROM log;")" "$CP_DEV"
eq "restored size" "$(sq "$W/data-main/server.db" "SELECT max(idx) FROM log;")" "$M1"
sv_start main
P=$PORT
report dev 3 2025-06 --state dang --percent 7 --result "Đang triển khai"
run 1 "dev's sync raises the alarm" "$TD" sync --dir dev --server "127.0.0.1:$P"
expect_err "Vietnamese warning" "CẢNH BÁO"
eq "alarm kind rollback" "$(sq dev/replica.db "SELECT kind FROM alarm;")" rollback
eq "alarm sizes" "$(sq dev/replica.db "SELECT old_size || '>' || new_size FROM alarm;")" "$CP_DEV>$M1"
eq "dev's outbox kept (nothing pushed)" "$(sq dev/replica.db "SELECT count(*) FROM outbox WHERE status = 'pending';")" 1
eq "server log unchanged by dev" "$(sq "$W/data-main/server.db" "SELECT max(idx) FROM log;")" "$M1"
run 0 "status shows the alarm" "$TD" status --dir dev
expect_out "status names it" "ngắn hơn lần đã xác minh"
sv_stop main
finish

#!/usr/bin/env bash
# sync_kill.sh — kill -9 in the middle of a sync (docs/PROTOCOL.md §11).
# 1. The server, during a push of NPUSH entries (several batches): the link
#    goes through td_proxy --delay-ms so that batches take a while; as soon as
#    the client's outbox records the first PushAck, the server gets SIGKILL.
#    Every entry the outbox says was acked is in the server's log with the
#    index the ack gave; after a restart, one sync sends the rest; each entry
#    is stored exactly once; nothing waits; digests agree.
# 2. The client, during a pull of NPULL entries (pushed by tdbench
#    --push-only from 4 offices) into a central device's fresh replica: when
#    the replica's cursor has moved but not reached the end, `tiendo sync`
#    gets SIGKILL.  The replica passes PRAGMA integrity_check, its pulled rows
#    agree with its cursor, `tiendo status` opens it, and the next sync
#    resumes from the cursor (it receives only the rest) and ends with every
#    entry and the server's digest.
# Defaults: NPUSH=2000, NPULL=20000; TD_CHAOS=1: 5000 and 100000.  The
# outbox is filled by one `tiendo report --from-file`.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
# reports for periods years ahead: "today" for the client's future-period check
export TIENDO_TODAY=20991231

NPUSH=${TD_KILL_PUSH:-2000}
NPULL=${TD_KILL_PULL:-20000}
if [ "$TD_CHAOS" = 1 ]; then NPUSH=5000; NPULL=100000; fi
BENCH=${TD_BUILD_DIR:?}/tdbench
[ -x "$BENCH" ] || die "tdbench not built at $BENCH"

AG=so-y-te
sync_main
enrol_as dev "$AG" kill-01 office "127.0.0.1:$P"

say "part 1: $NPUSH reports in the outbox of a $AG device"
t0=$SECONDS
# one signed entry per CSV row, in one process (`tiendo report --from-file`)
n=0
{
    echo "task,period,percent,result"
    for t in 27 47 48 49 68 1; do
        for ((y = 2025; n < NPUSH && y < 2025 + (NPUSH + 71) / 72; y++)); do
            for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
                [ "$n" -ge "$NPUSH" ] && break
                echo "$t,$y-$m,$((n % 101)),Báo cáo số $n"
                n=$((n + 1))
            done
        done
    done
} >"$W/kill.csv"
timeout $((120 * TD_SLOW)) "$TD" report --dir dev --from-file "$W/kill.csv" >/dev/null 2>"$W/.rep.err" ||
    die "tiendo report --from-file: $(tail -n 3 "$W/.rep.err")"
eq "outbox filled" "$(sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status='pending';")" "$NPUSH"
say "recorded in $((SECONDS - t0))s"

px_start pxk "$P" --delay-ms 150
# small batches: with 4 pipelined through a 150 ms link, the push lasts
# ~10 round trips, so the kill lands inside it
TIENDO_PUSH_BATCH=50 "$TD" sync --dir dev --server "127.0.0.1:$PX_PORT" >"$W/kill-sync.out" 2>&1 &
SYNC_PID=$!
BG_PIDS+=("$SYNC_PID")
acked() { sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status IN ('stored','duplicate');" 2>/dev/null || echo 0; }
acked_now() { [ "$(acked)" -gt 0 ]; }
# Then wait (briefly) for the next batch to be committed while its PushAck is
# still held by the proxy's delay: the kill then loses an ack for entries the
# server stored, which the next sync must not store twice.
ahead() { [ "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE agency='$AG' AND kind=20;" 2>/dev/null || echo 0)" -gt "$(acked)" ]; }
if wait_for "the first PushAck recorded by the client" 60 acked_now; then
    wait_for "a second batch committed before its ack arrived" 10 ahead || true
    # The proxy dies with the server, so the acks it still holds are lost
    # as they would be with the server's host.
    sv_kill9 main
    kill -KILL "$PX_PID" 2>/dev/null || true
    pass "server killed (SIGKILL) after the first PushAck"
fi
rc=0
timeout $((60 * TD_SLOW)) tail --pid="$SYNC_PID" -f /dev/null || fail "the client did not end after the server died"
wait "$SYNC_PID" || rc=$?
eq "the interrupted sync exits 1" "$rc" 1
wait "$PX_PID" 2>/dev/null || true

DB=$W/data-main/server.db
ACKED=$(sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status IN ('stored','duplicate');")
ON_SERVER=$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='$AG' AND kind=20;")
say "acked before the kill: $ACKED; on the server after the kill: $ON_SERVER of $NPUSH"
ge "some entries acked before the kill" "$ACKED" 1
if [ "$ACKED" -lt "$NPUSH" ]; then pass "the kill came before the end of the push ($ACKED < $NPUSH)"; else fail "the push finished before the kill: nothing tested"; fi
MISSING=$(sq "$DB" "ATTACH '$W/dev/replica.db' AS r;
    SELECT COUNT(*) FROM r.outbox o WHERE o.status IN ('stored','duplicate')
      AND NOT EXISTS (SELECT 1 FROM log l WHERE l.agency='$AG' AND l.kind=20 AND l.seq=o.seq AND l.idx=o.idx);")
eq "every acked entry is in the log with the acked index" "$MISSING" 0
ge "the server kept at least what it acked" "$ON_SERVER" "$ACKED"

say "restart the server; one sync sends the rest"
sv_start main
run 0 "sync after the restart" "$TD" sync --dir dev --server "127.0.0.1:$PORT"
eq "server: every entry once" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='$AG' AND kind=20;")" "$NPUSH"
eq "server: seqs 1..$NPUSH without holes" "$(sq "$DB" "SELECT MAX(seq) - MIN(seq) + 1 FROM log WHERE agency='$AG' AND kind=20;")" "$NPUSH"
no_dups main "after the server kill"
eq "outbox: nothing pending" "$(sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status NOT IN ('stored','duplicate');")" 0
eq "entries stored before the kill whose ack was lost come back as duplicates" \
    "$(sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status='duplicate';")" $((ON_SERVER - ACKED))
eq "outbox and log agree on every index" "$(sq "$DB" "ATTACH '$W/dev/replica.db' AS r;
    SELECT COUNT(*) FROM r.outbox o JOIN log l ON l.agency='$AG' AND l.kind=20 AND l.seq=o.seq AND l.idx=o.idx;")" "$NPUSH"
check_digest "after the server kill" main dev "$AG"

say "part 2: $NPULL entries from 4 offices (tdbench --push-only), then a central replica pulls"
DEVS=()
for a in so-noi-vu so-tai-chinh ubnd-chi-linh ubnd-gia-loc; do
    enrol_as "$W/b-$a" "$a" bench-01 office "127.0.0.1:$PORT"
    DEVS+=("$W/b-$a")
done
run 0 "tdbench --push-only $NPULL entries" "$BENCH" --push-only --server "127.0.0.1:$PORT" \
    --devices "$(IFS=,; echo "${DEVS[*]}")" -n "$NPULL" --text-bytes 200
expect_out "tdbench push" "entries/s"
LAST=$(sq "$DB" "SELECT MAX(idx) FROM log;")
ge "server log size" "$LAST" $((NPULL + NPUSH))
enrol_as cen so-khcn central-01 central "127.0.0.1:$PORT"

px_start pxc "$PORT" --delay-ms 100
"$TD" sync --dir cen --server "127.0.0.1:$PX_PORT" >"$W/kill-pull.out" 2>&1 &
SYNC_PID=$!
BG_PIDS+=("$SYNC_PID")
cursor_moved() { [ "$(sq cen/replica.db "SELECT value FROM meta WHERE key='cursor';" 2>/dev/null || echo 1)" -gt 1 ]; }
if wait_for "the central replica's cursor moves" 120 cursor_moved; then
    kill -KILL "$SYNC_PID" 2>/dev/null || true
fi
wait "$SYNC_PID" 2>/dev/null || true
px_stop "$PX_PID"
C1=$(sq cen/replica.db "SELECT value FROM meta WHERE key='cursor';")
N1=$(sq cen/replica.db "SELECT COUNT(*) FROM pulled;")
say "killed the client with cursor $C1, $N1 entries pulled of $LAST"
eq "replica integrity after kill -9" "$(sq cen/replica.db 'PRAGMA integrity_check;')" ok
if [ "$C1" -gt 1 ] && [ "$C1" -le "$LAST" ]; then pass "killed mid-pull (cursor $C1 of $((LAST + 1)))"; else fail "cursor $C1: not killed in the middle of the pull"; fi
eq "pulled rows agree with the cursor (central sees every index)" "$N1" $((C1 - 1))
eq "no pulled row at or beyond the cursor" "$(sq cen/replica.db "SELECT COUNT(*) FROM pulled WHERE idx >= $C1;")" 0
run 0 "tiendo status opens the killed replica" "$TD" status --dir cen
run 0 "the next sync completes" "$TD" sync --dir cen --server "127.0.0.1:$PORT"
GOT=$(sed -n 's/^Đồng bộ xong: gửi [0-9]*, nhận \([0-9]*\),.*/\1/p' <<<"$OUT")
eq "the next sync resumed from the cursor (received only the rest)" "$GOT" $((LAST - N1))
eq "replica: every log entry" "$(sq cen/replica.db "SELECT COUNT(*) FROM pulled;")" "$LAST"
eq "replica cursor at the end" "$(sq cen/replica.db "SELECT value FROM meta WHERE key='cursor';")" $((LAST + 1))
check_digest "central replica after the client kill" main cen so-khcn central
stop_server main
finish

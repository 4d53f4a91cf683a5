#!/usr/bin/env bash
# crash.sh — crash consistency of both SQLite files under kill -9 at random
# points (docs/PROTOCOL.md §11).  sync_kill.sh kills once at a chosen point; here the
# points are random and repeated until the work is done.
# 1. The server during group commits: 4 offices push their outboxes at once
#    (batches from 4 connections interleave on the server), through
#    td_proxy --rate-bps (a slow link) so that pushes overlap; the server gets
#    SIGKILL a random 50..2050 ms into each round, then restarts.  After each
#    kill: server.db passes PRAGMA integrity_check; every entry any outbox
#    recorded as acked is in the log at its index with the same bytes;
#    outbox seqs have no gap; then the next round resumes.
# 2. The client during a pull: the log is grown by tdbench --push-only (2
#    offices, NPULL entries), then a central device's fresh replica pulls
#    it (many Entries batches) through td_proxy --rate-bps; `tiendo sync` gets SIGKILL a
#    random 50..650 ms in, again and again.  After each kill: replica.db
#    passes integrity_check, its pulled rows are exactly the indexes below
#    its cursor, `tiendo status` opens it, and the next attempt resumes.
# 3. The client during local writes: `tiendo report` in a loop, each run
#    killed at a random moment (about half of them).  Then: integrity_check,
#    outbox seqs 1..N without a gap, N between the reports that exited 0 and
#    those plus the killed ones; one sync pushes all N; the server holds
#    them exactly once.
# At the end every replica's digest equals the server's view.
# Default: 4 x 300 reports, NPULL 16000, <= 12 rounds each; TD_CHAOS=1:
# 4 x 1500, 60000, 60.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
# reports for periods years ahead: "today" for the client's future-period check
export TIENDO_TODAY=20991231

SEED=${TD_SEED:-$((RANDOM * 32768 + RANDOM))}
RANDOM=$SEED
say "random seed $SEED"
PER=300
ROUNDS=12
WRITES=120
NPULL=16000
if [ "$TD_CHAOS" = 1 ]; then PER=1500; ROUNDS=60; WRITES=600; NPULL=60000; fi
BENCH=${TD_BUILD_DIR:?}/tdbench
[ -x "$BENCH" ] || die "tdbench not built at $BENCH"

sync_main
DB=$W/data-main/server.db
OFF=(so-y-te so-tai-chinh ubnd-chi-linh ubnd-gia-loc)

say "part 1: 4 offices with $PER reports each in their outboxes"
pending() { sq "$W/o-$1/replica.db" "SELECT COUNT(*) FROM outbox WHERE status = 'pending';"; }
for a in "${OFF[@]}"; do enrol_as "$W/o-$a" "$a" may-01 office "127.0.0.1:$P"; done
# fill A: PER reports (tasks 1 and 27, a period each: one file holds one
# report per task and period) signed into A's outbox by one
# `tiendo report --from-file`
fill() {
    local a=$1 k
    {
        echo "task,period,percent,result"
        for ((k = 1; k <= PER; k++)); do
            echo "$((k % 2 ? 1 : 27)),$((2025 + (k - 1) / 24))-$(printf %02d $(((k - 1) / 2 % 12 + 1))),$((k % 101)),Báo cáo $k"
        done
    } >"$W/fill-$a.csv"
    "$TD" report --dir "$W/o-$a" --from-file "$W/fill-$a.csv" >/dev/null 2>"$W/fill-$a.err" ||
        die "filling $a: $(tail -n 2 "$W/fill-$a.err")"
}
for a in "${OFF[@]}"; do fill "$a"; done
eq "every outbox filled" "$(for a in "${OFF[@]}"; do pending "$a"; done | sort -u | tr '\n' ' ')" "$PER "

px_start pxs "$P" --rate-bps 400000
# acked_on_server A: acked outbox rows of A missing from the server log
# (same bytes at the acked index); must be 0.
acked_missing() {
    sq "$DB" "ATTACH '$W/o-$1/replica.db' AS r; SELECT COUNT(*) FROM r.outbox o
        WHERE o.status IN ('stored','duplicate') AND NOT EXISTS (SELECT 1 FROM log l WHERE l.idx = o.idx AND l.body = o.body);"
}
kills=0
bad=0
for ((r = 1; r <= ROUNDS; r++)); do
    left=0
    for a in "${OFF[@]}"; do left=$((left + $(pending "$a"))); done
    [ "$left" -eq 0 ] && break
    declare -A SPID=()
    for a in "${OFF[@]}"; do
        "$TD" sync --dir "$W/o-$a" --server "127.0.0.1:$PX_PORT" --quiet >/dev/null 2>&1 &
        SPID[$a]=$!
        BG_PIDS+=("${SPID[$a]}")
        sleep "0.$((RANDOM % 4))"   # staggered: the commits of the 4 fall at different times
    done
    # A device's batch (~60 KB) takes ~1.2 s on this link: kill anywhere in
    # 0.05..2.05 s (before, during or after the uploads and the commits).
    d="$((RANDOM % 2)).$((RANDOM % 10))$((RANDOM % 10))"
    sleep "$d"
    sleep 0.05
    sv_kill9 main
    kills=$((kills + 1))
    for a in "${OFF[@]}"; do wait "${SPID[$a]}" 2>/dev/null || true; done
    ic=$(sq "$DB" 'PRAGMA integrity_check;')
    [ "$ic" = ok ] || { fail "round $r: server.db integrity after kill -9: $ic"; bad=$((bad + 1)); }
    acked=0
    for a in "${OFF[@]}"; do
        m=$(acked_missing "$a")
        [ "$m" = 0 ] || { fail "round $r: $a: $m acked entries missing from the server log"; bad=$((bad + 1)); }
        g=$(sq "$W/o-$a/replica.db" "SELECT MAX(seq) - COUNT(*) FROM outbox;")
        [ "$g" = 0 ] || { fail "round $r: $a: outbox has a gap"; bad=$((bad + 1)); }
        acked=$((acked + PER - $(pending "$a")))
    done
    say "round $r: server killed after ${d}+0.05 s; acked so far $acked of $((4 * PER)); server log $(sq "$DB" 'SELECT MAX(idx) FROM log;')"
    sv_start main "127.0.0.1:$P"
done
eq "part 1: after each of $kills server kills: integrity, acked entries kept, no outbox gap" "$bad" 0
ge "part 1: server kills" "$kills" 1
px_stop "$PX_PID"
for a in "${OFF[@]}"; do
    sync_until_ok "$W/o-$a" 3 || fail "$a: final sync exit $SYNC_RC: $(head -c 300 "$W/.sync.err")"
done
for a in "${OFF[@]}"; do
    eq "$a: nothing pending" "$(pending "$a")" 0
    eq "$a: every entry in the server log exactly once at its index" "$(sq "$DB" "ATTACH '$W/o-$a/replica.db' AS r;
        SELECT COUNT(*) FROM r.outbox o WHERE (SELECT COUNT(*) FROM log l WHERE l.body = o.body) = 1
          AND EXISTS (SELECT 1 FROM log l WHERE l.idx = o.idx AND l.body = o.body);")" "$PER"
done
no_dups main "part 1"

DEVS=()
for a in so-noi-vu ubnd-kinh-mon; do
    enrol_as "$W/b-$a" "$a" bench-01 office "127.0.0.1:$P"
    DEVS+=("$W/b-$a")
done
run 0 "tdbench --push-only $NPULL entries" "$BENCH" --push-only --server "127.0.0.1:$P" \
    --devices "$(IFS=,; echo "${DEVS[*]}")" -n "$NPULL" --text-bytes 200
say "part 2: a central replica pulls $(sq "$DB" 'SELECT MAX(idx) FROM log;') entries, killed at random"
LAST=$(sq "$DB" 'SELECT MAX(idx) FROM log;')
enrol_as "$W/cen" so-khcn trung-tam-01 central "127.0.0.1:$P"
px_start pxc "$P" --rate-bps 32000000
kills=0
bad=0
for ((r = 1; r <= ROUNDS * 2; r++)); do
    cur=$(sq "$W/cen/replica.db" "SELECT value FROM meta WHERE key = 'cursor';" 2>/dev/null || echo 1)
    [ "$cur" -gt "$LAST" ] && break
    "$TD" sync --dir "$W/cen" --server "127.0.0.1:$PX_PORT" --quiet >/dev/null 2>&1 &
    SP=$!
    BG_PIDS+=("$SP")
    sleep "0.$((RANDOM % 6))$((RANDOM % 10))"
    sleep 0.05
    kill -KILL "$SP" 2>/dev/null && kills=$((kills + 1))
    wait "$SP" 2>/dev/null || true
    R=$W/cen/replica.db
    ic=$(sq "$R" 'PRAGMA integrity_check;')
    [ "$ic" = ok ] || { fail "pull round $r: replica integrity: $ic"; bad=$((bad + 1)); }
    # killed before the replica's first transaction committed: an empty file,
    # no schema, nothing stored (the next open creates it)
    if [ "$(sq "$R" "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('meta', 'pulled');")" = 0 ]; then
        timeout $((30 * TD_SLOW)) "$TD" status --dir "$W/cen" >/dev/null 2>&1 || { fail "pull round $r: tiendo status cannot open the empty replica"; bad=$((bad + 1)); }
        continue
    fi
    c=$(sq "$R" "SELECT value FROM meta WHERE key = 'cursor';")
    n=$(sq "$R" "SELECT COUNT(*) FROM pulled;")
    x=$(sq "$R" "SELECT COUNT(*) FROM pulled WHERE idx >= $c;")
    [ "$n" = $((c - 1)) ] && [ "$x" = 0 ] || { fail "pull round $r: $n rows pulled, cursor $c, $x rows at/after it"; bad=$((bad + 1)); }
    timeout $((30 * TD_SLOW)) "$TD" status --dir "$W/cen" >/dev/null 2>&1 || { fail "pull round $r: tiendo status cannot open the replica"; bad=$((bad + 1)); }
done
say "part 2: $kills kills of the pulling client; cursor $(sq "$W/cen/replica.db" "SELECT value FROM meta WHERE key = 'cursor';") of $((LAST + 1))"
eq "part 2: after each client kill: integrity, rows = cursor, status opens" "$bad" 0
ge "part 2: client kills during the pull" "$kills" 2
px_stop "$PX_PID"
run 0 "part 2: the next sync completes" "$TD" sync --dir "$W/cen" --server "127.0.0.1:$P"
eq "part 2: replica holds the whole log" "$(sq "$W/cen/replica.db" "SELECT COUNT(*) FROM pulled;")" "$(sq "$DB" 'SELECT MAX(idx) FROM log;')"
check_digest "part 2: central replica" main "$W/cen" so-khcn central

say "part 3: $WRITES runs of tiendo report, each killed at a random moment or not"
enrol_as "$W/w" so-gddt may-01 office "127.0.0.1:$P"
ok=0
killed=0
for ((k = 1; k <= WRITES; k++)); do
    "$TD" report --dir "$W/w" --task 60 --period "2025-$(printf %02d $((k % 12 + 1)))" --percent $((k % 101)) \
        --result "Báo cáo $k" >/dev/null 2>&1 &
    RP=$!
    if [ $((RANDOM % 2)) = 0 ]; then
        # a random moment of its life (it lasts ~5-20 ms)
        sleep "0.0$((RANDOM % 2))$((RANDOM % 10))"
        kill -KILL "$RP" 2>/dev/null || true
    fi
    rc=0
    wait "$RP" 2>/dev/null || rc=$?
    if [ "$rc" = 0 ]; then ok=$((ok + 1)); elif [ "$rc" = 137 ]; then killed=$((killed + 1)); else fail "report $k exit $rc"; fi
done
R=$W/w/replica.db
N=$(sq "$R" "SELECT COUNT(*) FROM outbox;")
say "part 3: $ok reports completed, $killed killed; outbox holds $N"
eq "part 3: replica integrity" "$(sq "$R" 'PRAGMA integrity_check;')" ok
eq "part 3: outbox seqs 1..N without a gap" "$(sq "$R" "SELECT COALESCE(MAX(seq), 0) FROM outbox;")" "$N"
if [ "$N" -ge "$ok" ] && [ "$N" -le $((ok + killed)) ]; then pass "part 3: completed <= outbox ($N) <= completed + killed"; else fail "part 3: outbox $N, completed $ok, killed $killed"; fi
ge "part 3: runs killed" "$killed" 1
run 0 "part 3: tiendo status opens" "$TD" status --dir "$W/w"
run 0 "part 3: one sync pushes them all" "$TD" sync --dir "$W/w"
eq "part 3: nothing pending" "$(sq "$R" "SELECT COUNT(*) FROM outbox WHERE status <> 'stored';")" 0
eq "part 3: server holds the N entries once" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency = 'so-gddt' AND kind = 20;")" "$N"
no_dups main "part 3"
for a in "${OFF[@]}"; do
    tsync "$W/o-$a"
    check_digest "$a at the end" main "$W/o-$a" "$a"
done
check_digest "so-gddt at the end" main "$W/w" so-gddt
stop_server main
finish

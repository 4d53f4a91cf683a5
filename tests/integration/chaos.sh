#!/usr/bin/env bash
# chaos.sh — chaos sync (docs/PROTOCOL.md §11): a real tiendo-server, NCLI office clients
# (the real `tiendo`, one device dir each, 10 agencies) and one central
# reader, each talking to the server through its own td_proxy --chaos
# (random delays, stalls, cuts at random byte offsets, by RST or FIN).
# Every client loops: 1-3 `tiendo report` (offline writes), then one
# `tiendo sync` (a session).  Meanwhile the script kills -9 at random the
# server (restarted at once on the same data and port) and the client
# processes (a report or a sync in flight).
#
# During the chaos, right after the last kill: every entry a replica
# recorded as acknowledged is in the server's log, at the acknowledged
# index, with the same bytes (no server crash lost an acked entry).
# Then the faults are off (clients sync directly), everything syncs twice,
# and:
#   - every entry acknowledged to any client is in the server log exactly
#     once (same bytes at the acked index; (author, seq) never twice);
#   - every entry any client created (its outbox, seqs 1..N without a
#     gap; at least every `tiendo report` that exited 0) is on the server,
#     none refused, none pending;
#   - every replica's derived-state digest equals the server's view for its
#     agency (central: the whole log);
#   - every SQLite file passes PRAGMA integrity_check;
#   - `tiendo audit verify` passes on an inspector's replica and on the
#     server's database.
# Short default: 250 sync sessions (~20 s).  TD_CHAOS=1: 1,000.
# TD_SEED fixes the kill schedule and the proxies' seeds (printed; process
# timing still varies).  The counts are printed at the end ("chaos: ...").
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
# reports for periods years ahead: "today" for the client's future-period check
export TIENDO_TODAY=20991231
[ -n "$PROXY" ] || die "TD_TOOL_td_proxy is not set"

SEED=${TD_SEED:-$((RANDOM * 32768 + RANDOM))}
RANDOM=$SEED
say "random seed $SEED (TD_SEED=$SEED reproduces the schedule)"
SESSIONS=${TD_CHAOS_SESSIONS:-250}
[ "$TD_CHAOS" = 1 ] && SESSIONS=${TD_CHAOS_SESSIONS:-1000}
# The whole chaos phase is bounded even if sessions are slow.
MAXTIME=$((${TD_CHAOS_MAXTIME:-120} * TD_SLOW))
[ "$TD_CHAOS" = 1 ] && MAXTIME=$((1800 * TD_SLOW))

OFFICES=(so-noi-vu so-tai-chinh so-y-te so-gddt so-cong-thuong ubnd-chi-linh ubnd-gia-loc ubnd-kinh-mon
    ubnd-nam-sach ubnd-cam-giang)
# Tasks each office may report on: 1 and 27 (every agency is a partner)
# and one more where it is lead (departments) or partner (29: districts).
declare -A OWN=([so-noi-vu]=8 [so-tai-chinh]=12 [so-y-te]=47 [so-gddt]=60 [so-cong-thuong]=27)
for a in ubnd-chi-linh ubnd-gia-loc ubnd-kinh-mon ubnd-nam-sach ubnd-cam-giang; do OWN[$a]=29; done
NCLI=$((${#OFFICES[@]} + 1))

sync_main
DB=$W/data-main/server.db

# One chaos proxy per client, all in front of the server's fixed port
# (a restarted server listens there again).
declare -A PX_OF DIR_OF
CLIENTS=("${OFFICES[@]}" central)
i=0
for a in "${CLIENTS[@]}"; do
    i=$((i + 1))
    px_start "px-$a" "$P" --chaos $((SEED + i)) --chaos-delay-max 15 --chaos-cut 35 \
        --chaos-cut-max 12000 --chaos-stall 15 --chaos-stall-max 1500
    PX_OF[$a]=$PX_PID
    DIR_OF[$a]=$W/c-$a
    if [ "$a" = central ]; then
        enrol_as "$W/c-$a" so-khcn trung-tam-01 central "127.0.0.1:$PX_PORT"
    else
        enrol_as "$W/c-$a" "$a" may-01 office "127.0.0.1:$PX_PORT"
    fi
done

# client_work NAME: reports and syncs until $W/stop exists.  Each process
# runs in the background with its PID in $W/cur-NAME, so that the script
# can kill it; results go to $W/res-NAME ("report RC" / "sync RC" lines).
client_work() {
    local a=$1 dir=$W/c-$1 k=0 n j t rc pid tasks
    tasks=(1 27 "${OWN[$a]:-1}")
    while [ ! -e "$W/stop" ]; do
        if [ "$a" != central ]; then
            n=$((RANDOM % 3 + 1))
            for ((j = 0; j < n; j++)); do
                k=$((k + 1))
                t=${tasks[$((k % 3))]}
                "$TD" report --dir "$dir" --task "$t" --period "$((2025 + (k - 1) / 12 % 5))-$(printf %02d $(((k - 1) % 12 + 1)))" \
                    --percent $((k % 101)) --result "Báo cáo $k của $a trong thử nghiệm hỗn loạn" >/dev/null 2>>"$W/err-$a" &
                pid=$!
                echo "$pid" >"$W/cur-$a"
                rc=0
                wait "$pid" || rc=$?
                echo "report $rc" >>"$W/res-$a"
            done
        fi
        timeout $((60 * TD_SLOW)) "$TD" sync --dir "$dir" --quiet >/dev/null 2>>"$W/err-$a" &
        pid=$!
        echo "$pid" >"$W/cur-$a"
        rc=0
        wait "$pid" || rc=$?
        echo "sync $rc" >>"$W/res-$a"
        [ "$rc" -eq 0 ] || sleep 0.$((RANDOM % 3 + 1))
    done
}

sessions() { cat "$W"/res-* 2>/dev/null | grep -c '^sync ' || true; }

# kill_client NAME: kill -9 the process NAME runs now, if it is one of its
# tiendo commands (the PID file may be stale: check the command line).
kill_client() {
    local a=$1 pid
    pid=$(cat "$W/cur-$a" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    # `timeout` wraps sync: kill the tiendo child, not the wrapper.
    if { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q '^timeout '; then
        pid=$(cut -d' ' -f1 "/proc/$pid/task/$pid/children" 2>/dev/null) || return 1
        [ -n "$pid" ] || return 1
    fi
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "--dir $W/c-$a" || return 1
    kill -KILL "$pid" 2>/dev/null
}

say "$NCLI clients working through chaos proxies; target $SESSIONS sync sessions"
rm -f "$W/stop"
declare -A WPID
for a in "${CLIENTS[@]}"; do
    client_work "$a" &
    WPID[$a]=$!
    BG_PIDS+=("${WPID[$a]}")
done

t0=$SECONDS
srv_kills=0
cli_kills=0
it=0
while :; do
    it=$((it + 1))
    s=$(sessions)
    [ "$s" -ge "$SESSIONS" ] && break
    if [ $((SECONDS - t0)) -ge "$MAXTIME" ]; then
        say "time bound reached with $s sessions"
        break
    fi
    sleep "0.$((RANDOM % 5 + 1))"
    act=$((RANDOM % 10))
    # At least one kill of each kind, early, whatever the dice say.
    [ "$srv_kills" -eq 0 ] && [ "$it" -ge 2 ] && act=0
    [ "$cli_kills" -eq 0 ] && [ "$it" -ge 3 ] && act=2
    case $act in
        0 | 1)
            # The server dies in whatever it does (often a batch commit).
            sv_kill9 main
            srv_kills=$((srv_kills + 1))
            sleep "0.$((RANDOM % 8))"
            sv_start main "127.0.0.1:$P"
            ;;
        2 | 3 | 4 | 5)
            for try in 1 2 3; do
                a=${CLIENTS[$((RANDOM % NCLI))]}
                if kill_client "$a"; then
                    cli_kills=$((cli_kills + 1))
                    break
                fi
            done
            ;;
    esac
done
touch "$W/stop"
for a in "${CLIENTS[@]}"; do
    wait "${WPID[$a]}" || fail "client $a: worker exit status $?"
done
CHAOS_S=$((SECONDS - t0))
say "chaos phase: $(sessions) sessions in ${CHAOS_S}s, $srv_kills server kills, $cli_kills client kills"

say "after the chaos, before any repair: every acknowledged entry is on the server"
eq "server.db integrity after $srv_kills kill -9" "$(sq "$DB" 'PRAGMA integrity_check;')" ok
ACKED_CHAOS=0
for a in "${CLIENTS[@]}"; do
    R=${DIR_OF[$a]}/replica.db
    eq "$a: replica integrity" "$(sq "$R" 'PRAGMA integrity_check;')" ok
    ACKED_CHAOS=$((ACKED_CHAOS + $(sq "$R" "SELECT COUNT(*) FROM outbox WHERE status IN ('stored','duplicate');")))
    eq "$a: every acked entry is in the server log at its index, same bytes" "$(sq "$DB" "ATTACH '$R' AS r;
        SELECT COUNT(*) FROM r.outbox o WHERE o.status IN ('stored','duplicate')
          AND NOT EXISTS (SELECT 1 FROM log l WHERE l.idx = o.idx AND l.body = o.body);")" 0
done
ge "entries acknowledged during the chaos" "$ACKED_CHAOS" 1

say "faults off: every client syncs directly with the server, twice"
for px in "${PX_OF[@]}"; do px_stop "$px"; done
for round in 1 2; do
    for a in "${CLIENTS[@]}"; do
        if ! sync_until_ok "${DIR_OF[$a]}" 5 --server "127.0.0.1:$P"; then
            fail "$a: final sync (round $round) exit $SYNC_RC: $(head -c 300 "$W/.sync.err")"
        fi
    done
done

say "checks"
no_dups main "after the chaos"
CREATED=0
REPORTS_OK=0
for a in "${CLIENTS[@]}"; do
    R=${DIR_OF[$a]}/replica.db
    n=$(sq "$R" "SELECT COUNT(*) FROM outbox;")
    ok=$(grep -c '^report 0$' "$W/res-$a" 2>/dev/null || true)
    CREATED=$((CREATED + n))
    REPORTS_OK=$((REPORTS_OK + ok))
    if [ "$n" -ge "$ok" ]; then pass "$a: every report that exited 0 is in the outbox ($n >= $ok)"; else fail "$a: $ok reports exited 0 but the outbox holds $n"; fi
    eq "$a: outbox seqs 1..$n without a gap" "$(sq "$R" "SELECT COALESCE(MAX(seq), 0) FROM outbox;")" "$n"
    eq "$a: nothing pending or refused" "$(sq "$R" "SELECT COUNT(*) FROM outbox WHERE status NOT IN ('stored','duplicate');")" 0
    eq "$a: every entry it created is in the server log exactly once, at its acked index" "$(sq "$DB" "ATTACH '$R' AS r;
        SELECT COUNT(*) FROM r.outbox o WHERE (SELECT COUNT(*) FROM log l WHERE l.body = o.body) = 1
          AND EXISTS (SELECT 1 FROM log l WHERE l.idx = o.idx AND l.body = o.body);")" "$n"
    if [ "$a" = central ]; then
        check_digest "$a" main "${DIR_OF[$a]}" so-khcn central
    else
        check_digest "$a" main "${DIR_OF[$a]}" "$a"
    fi
done
ge "entries created by the clients" "$CREATED" "$NCLI"
OFFICE_ENTRIES=$(sq "$DB" "SELECT COUNT(*) FROM log WHERE kind = 20;")
eq "server: the report entries are exactly those the clients created" "$OFFICE_ENTRIES" "$CREATED"

say "audit: an inspector pulls everything and verifies; the server's database verifies"
enrol_as "$W/ins" thanh-tra tt-01 inspector "127.0.0.1:$P"
run 0 "inspector sync" "$TD" sync --dir "$W/ins"
run 0 "tiendo audit verify (inspector's replica)" "$TD" audit verify --dir "$W/ins"
expect_out "audit verify" "Nhật ký hợp lệ"
sv_stop main
eq "server.db integrity at the end" "$(sq "$DB" 'PRAGMA integrity_check;')" ok
run 0 "tiendo audit verify --db server.db" "$TD" audit verify --db "$DB" --ca "$W/ca/ca.crt"
expect_out "audit verify --db" "Nhật ký hợp lệ"

CUTS=$(cat "$W"/px-*.out | grep -c ' cut' || true)
RESETS=$(cat "$W"/px-*.out | grep ' cut' | grep -vc ' fin' || true)
STALLS=$(cat "$W"/px-*.out | grep -c 'stalled' || true)
CONNS=$(cat "$W"/px-*.out | grep -c '^conn ' || true)
SYNC_OK=$(cat "$W"/res-* | grep -c '^sync 0$' || true)
say "chaos: clients=$NCLI sessions=$(sessions) (ok $SYNC_OK) proxied-connections=$CONNS cuts=$CUTS (resets $RESETS) stalls=$STALLS server-kills=$srv_kills client-kills=$cli_kills reports-ok=$REPORTS_OK created=$CREATED acked-during-chaos=$ACKED_CHAOS log=$(sq "$DB" 'SELECT MAX(idx) FROM log;') time=${CHAOS_S}s seed=$SEED"
ge "sync sessions run" "$(sessions)" "$SESSIONS"
ge "server kills" "$srv_kills" 1
ge "client kills" "$cli_kills" 1
ge "connections cut by the proxies" "$CUTS" 1
finish

#!/usr/bin/env bash
# sync_cut.sh — cut the connection at every frame boundary and in the middle
# of frames (docs/PROTOCOL.md §11): td_proxy sits between `tiendo sync` and
# the server and resets the connection after N bytes (both directions
# counted); N is swept over a whole sync that pushes 30 entries and pulls the
# plan.  For each N, from a fresh server (copy of a template data dir: plan
# imported, nothing else) and a fresh copy of a device with 30 reports in its
# outbox:
#   - the cut sync runs (it fails, or succeeds if the cut came after its end);
#   - `tiendo sync` is retried through the proxy (which now lets connections
#     through: --once) until it succeeds, at most 5 times;
#   - the server holds the device's 30 entries exactly once (no (author, seq)
#     twice), the outbox has nothing pending, and the replica's digest equals
#     the server's view digest for the agency.
# Points: the byte offsets of every chunk the proxy forwarded in an uncut sync
# (record boundaries: offset-1, offset, offset+1, and the middle of each
# chunk), every 97th byte of the first 12,000 (handshake, Push, PushAck) and
# 50 evenly spaced points over the rest (the pull), at most TD_CUT_POINTS
# (default 200) of them, played in a spread order within a time budget
# (TD_CUT_BUDGET, 60 s; each run starts the order at another point, so
# the runs together cover them all); TD_CHAOS=1 sweeps every
# byte from 1 to the total.
# Pipelined push (docs/PROTOCOL.md §5): the device pushes in batches of 4
# (TIENDO_PUSH_BATCH), so its 30 entries go as 8 Push frames, up to 4 in
# flight (TDC_PUSH_WINDOW); the dense points over the push therefore cut
# inside a window: some batches stored and acked, some stored and not
# acked, some never read by the server.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

export TIENDO_PUSH_BATCH=4
AG=so-tu-phap
NENT=30
MAXP=${TD_CUT_POINTS:-200}
DENSE=${TD_CUT_DENSE:-12000}
# seconds; a slow machine or build stops the sweep early (reported)
BUDGET=${TD_CUT_BUDGET:-60}

say "template: plan imported; a device of $AG with $NENT reports in its outbox"
sync_pki
plan_import tpl
enrol_as devtpl "$AG" cut-01 office 127.0.0.1:1
i=0
for t in 11 23 1 27 21; do
    for m in 01 02 03 04 05 06; do
        report devtpl "$t" "2025-$m" --percent $((i * 3)) --result "Kết quả tháng $m của nhiệm vụ $t: đã triển khai"
        i=$((i + 1))
    done
done
eq "template outbox" "$(sq devtpl/replica.db "SELECT COUNT(*) FROM outbox WHERE status='pending';")" "$NENT"

# fresh NAME: a fresh server data dir and device dir for one run.
fresh() {
    rm -rf "$W/data-$1" "$W/dev-$1"
    cp -a "$W/data-tpl" "$W/data-$1"
    cp -a "$W/devtpl" "$W/dev-$1"
}

say "measuring one uncut sync through the proxy"
fresh m
sv_start m
px_start pxm "$PORT" --trace
tsync "$W/dev-m" --server "127.0.0.1:$PX_PORT"
eq "uncut sync through the proxy" "$SYNC_RC" 0
px_stop "$PX_PID"
sv_stop m
grep -h "group commit:" "$W/m.log" | tail -1 | sed 's/^/server: /' || true
TOTAL=$(sed -n 's/^conn 1: .* total=\([0-9]*\) .*/\1/p' "$W/pxm.out")
[ -n "$TOTAL" ] && [ "$TOTAL" -gt 0 ] || die "no byte count from td_proxy: $(cat "$W/pxm.out")"
NCHUNK=$(grep -c '^chunk 1 ' "$W/pxm.out" || true)
say "one sync = $TOTAL bytes on the wire in $NCHUNK chunks"

if [ "$TD_CHAOS" = 1 ]; then
    POINTS=$(seq 1 "$TOTAL")
    BUDGET=${TD_CUT_BUDGET:-100000}
else
    POINTS=$(
        {
            # record boundaries and the middle of each chunk
            sed -n 's/^chunk 1 [a-z]* \([0-9]*\)+\([0-9]*\)$/\1 \2/p' "$W/pxm.out" |
                while read -r off len; do
                    echo $((off - 1)); echo "$off"; echo $((off + 1)); echo $((off + len / 2))
                done
            echo $((TOTAL - 1))
            echo "$TOTAL"
            # dense over the handshake, the push and its ack (the first
            # DENSE bytes), where a cut decides what the server stored
            for ((n = 1; n <= DENSE && n <= TOTAL; n += 97)); do echo "$n"; done
            # evenly spaced over everything (the pull of the plan)
            step=$((TOTAL / 50 + 1))
            for ((n = 1; n <= TOTAL; n += step)); do echo "$n"; done
        } | awk -v t="$TOTAL" '$1 >= 1 && $1 <= t' | sort -n -u
    )
    cnt=$(wc -l <<<"$POINTS")
    if [ "$cnt" -gt "$MAXP" ]; then
        POINTS=$(awk -v c="$cnt" -v m="$MAXP" 'BEGIN { k = c / m } { if (NR - 1 >= nxt) { print; nxt += k } }' <<<"$POINTS")
    fi
    # played in a spread order (golden-ratio stride over the sorted points,
    # from an offset that differs on every run: TD_SEED), so a sweep stopped
    # by the time budget still covers the whole sync, and runs together
    # cover every point
    SEED=${TD_SEED:-$((RANDOM * 32768 + RANDOM))}
    say "spread order seed $SEED (TD_SEED=$SEED plays the same points)"
    POINTS=$(awk -v s="$SEED" '{ x = (NR + s % 100003) * 0.6180339887; printf "%.9f %s\n", x - int(x), $1 }' \
        <<<"$POINTS" | sort -n | cut -d' ' -f2)
fi
NPOINTS=$(wc -l <<<"$POINTS")
say "sweeping $NPOINTS cut points over 1..$TOTAL"

bad=0
done_n=0
n_cutfail=0
n_dup=0
max_tries=0
t_start=$SECONDS
# point_bad N WHAT: one failed assertion at cut point N.
point_bad() {
    bad=$((bad + 1))
    fail "cut after $1 bytes: $2"
}
for n in $POINTS; do
    if [ $((SECONDS - t_start)) -gt "$BUDGET" ]; then
        say "time budget of ${BUDGET}s used up after $done_n points (set TD_CUT_BUDGET to go on)"
        break
    fi
    fresh p
    sv_start p
    px_start pxp "$PORT" --cut-after "$n" --once
    tsync "$W/dev-p" --server "127.0.0.1:$PX_PORT"
    [ "$SYNC_RC" -eq 124 ] && point_bad "$n" "the cut sync hung (timeout)"
    [ "$SYNC_RC" -ne 0 ] && n_cutfail=$((n_cutfail + 1))
    if [ "$SYNC_RC" -ne 0 ] && [ "$SYNC_RC" -ne 1 ]; then point_bad "$n" "cut sync exit $SYNC_RC (want 0 or 1): $(head -c 300 "$W/.sync.err")"; fi
    if grep -qE "$TD_SAN_RE" "$W/.sync.err"; then point_bad "$n" "sanitizer report: $(head -c 600 "$W/.sync.err")"; fi
    if ! sync_until_ok "$W/dev-p" 5 --server "127.0.0.1:$PX_PORT"; then
        point_bad "$n" "sync never succeeded after the cut (exit $SYNC_RC): $(head -c 300 "$W/.sync.err")"
    fi
    [ "${SYNC_TRIES:-1}" -gt "$max_tries" ] && max_tries=$SYNC_TRIES
    DB=$W/data-p/server.db
    c=$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='$AG' AND kind=20;")
    [ "$c" = "$NENT" ] || point_bad "$n" "server holds $c entries of the device, want $NENT"
    d=$(sq "$DB" "SELECT COUNT(*) FROM (SELECT author, seq FROM log GROUP BY 1, 2 HAVING COUNT(*) > 1);")
    [ "$d" = 0 ] || point_bad "$n" "$d (author, seq) pairs twice in the server log"
    pend=$(sq "$W/dev-p/replica.db" "SELECT COUNT(*) FROM outbox WHERE status NOT IN ('stored','duplicate');")
    [ "$pend" = 0 ] || point_bad "$n" "$pend outbox entries not acked"
    dups=$(sq "$W/dev-p/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='duplicate';")
    [ "$dups" -gt 0 ] && n_dup=$((n_dup + 1))
    a=$(cli_digest "$W/dev-p")
    b=$(srv_digest p "$AG" office)
    if [ -z "$a" ] || [ "$a" != "$b" ]; then point_bad "$n" "replica digest \"$a\" != server view \"$b\""; fi
    px_stop "$PX_PID"
    if ! grep -qE "^conn 1: .* (cut|closed)$" "$W/pxp.out"; then point_bad "$n" "proxy saw no first connection"; fi
    sv_stop p
    if grep -qE "$TD_SAN_RE" "$W/p.log"; then point_bad "$n" "sanitizer report in the server log"; fi
    : >"$W/p.log"
    done_n=$((done_n + 1))
done
say "$done_n cut points in $((SECONDS - t_start))s: $n_cutfail cut syncs failed (the rest ended before the cut)," \
    "$n_dup retried with entries acked as duplicates, at most $max_tries syncs to recover"
eq "cut points where something was wrong" "$bad" 0
ge "cut points swept" "$done_n" $((NPOINTS < 20 ? NPOINTS : 20))
ge "cut syncs that failed and had to be retried" "$n_cutfail" 1
finish

#!/usr/bin/env bash
# fossil.sh — the Fossil side of tiendo's benchmark (bench/peers/run.sh).
#
#   bench/peers/fossil/fossil.sh -n N -m M --work DIR [--text-bytes B]
#
# Needs the Debian package fossil (bench/peers/install.sh).  Sets up one
# server repository whose ticket table has tiendo's report fields (task,
# agency, period, status, percent, result), serves it with `fossil server
# --localhost` on a free port, clones it M times (credentials in the URL),
# and puts N/M ticket artifacts into each clone (gen-tickets.js + fossil
# reconstruct, marked unsent as `fossil ticket add` would leave them; see
# gen-tickets.js for why not `ticket add`).  Then, timed: `fossil sync` from
# the M clones at once (see below for why not `fossil push`); a fresh `fossil clone` (the pull); a `fossil sync`
# with nothing new.  Wire bytes and round trips are fossil's own output
# ("Round-trips:", "wire bytes sent: received:").  The server's peak RSS is
# sampled every 20 ms over the server and its per-request children (fossil
# forks one per HTTP request).  Prints one "RESULT fossil k=v ..." line.
set -euo pipefail
N=2000 M=4 WORK= TEXT=300
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift 2 ;;
        -m) M=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        --text-bytes) TEXT=$2; shift 2 ;;
        *) echo "usage: fossil.sh -n N -m M --work DIR [--text-bytes B]" >&2; exit 2 ;;
    esac
done
[ -n "$WORK" ] || { echo "fossil.sh: --work DIR is required" >&2; exit 2; }
command -v fossil >/dev/null || { echo "fossil.sh: fossil is not installed (bench/peers/install.sh)" >&2; exit 1; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export USER=bench
AGENCIES=(so-noi-vu so-tu-phap so-tai-chinh so-xay-dung so-nn-mt so-cong-thuong so-y-te so-vhttdl so-gddt thanh-tra
          vp-ubnd cong-an-tinh ubnd-tp-hai-duong ubnd-chi-linh ubnd-kinh-mon ubnd-binh-giang ubnd-cam-giang
          ubnd-gia-loc ubnd-kim-thanh ubnd-nam-sach)
mkdir -p "$WORK"
cd "$WORK"
SRV=$WORK/server.fossil
PW=bench-pass
now() { date +%s.%N; }

# --- server repository --------------------------------------------------------
fossil init -A bench "$SRV" >init.log
fossil user password bench "$PW" -R "$SRV" >>init.log
fossil sql -R "$SRV" "REPLACE INTO config(name,value,mtime) VALUES('ticket-table', readfile('$HERE/schema.sql'), now())" >>init.log
fossil rebuild "$SRV" >>init.log
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
fossil server --localhost -P "$PORT" "$SRV" >server.log 2>&1 &
SPID=$!
RSSF=$WORK/rss.max
# Peak RSS of the server and its children, sampled every 20 ms.
(
    max=0
    while kill -0 "$SPID" 2>/dev/null; do
        kids=$(cat /proc/$SPID/task/*/children 2>/dev/null || true)
        sum=0
        for p in $SPID $kids; do
            r=$(awk '/^VmRSS:/ {print $2}' /proc/$p/status 2>/dev/null || echo 0)
            sum=$((sum + ${r:-0}))
        done
        [ "$sum" -gt "$max" ] && { max=$sum; echo "$max" >"$RSSF"; }
        sleep 0.02
    done
) &
RPID=$!
cleanup() { kill "$SPID" 2>/dev/null || true; kill "$RPID" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
URL="http://bench:$PW@127.0.0.1:$PORT/"
for _ in $(seq 100); do
    if fossil sql -R "$SRV" "select 1" >/dev/null 2>&1 && (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then break; fi
    sleep 0.05
done

# --- clones with their unsent tickets (not timed) ------------------------------
payload_sum=0
for ((j = 0; j < M; j++)); do
    n=$(( N / M + (j < N % M ? 1 : 0) ))
    c=$WORK/c$j.fossil
    fossil clone "$URL" "$c" >clone$j.log 2>&1
    # The clone's ticket table gets the same schema as the server's.
    fossil sql -R "$c" "REPLACE INTO config(name,value,mtime) VALUES('ticket-table', readfile('$HERE/schema.sql'), now())" >/dev/null
    avg=$(node "$HERE/gen-tickets.js" "$WORK/gen$j" "$n" "$j" "${AGENCIES[$((j % ${#AGENCIES[@]}))]}" "$TEXT")
    payload_sum=$(awk -v a="$payload_sum" -v b="$avg" -v n="$n" 'BEGIN {printf "%.1f", a + b * n}')
    fossil reconstruct "$WORK/t$j.fossil" "$WORK/gen$j" >recon$j.log 2>&1
    fossil sql -R "$c" "ATTACH '$WORK/t$j.fossil' AS t;
        INSERT INTO blob(rcvid,size,uuid,content) SELECT 0,size,uuid,content FROM t.blob
            WHERE uuid NOT IN (SELECT uuid FROM main.blob) AND size >= 0 AND rid NOT IN (SELECT rid FROM t.delta);
        INSERT OR IGNORE INTO unsent SELECT rid FROM main.blob WHERE uuid IN (SELECT uuid FROM t.blob);" >/dev/null
    fossil rebuild "$c" >>recon$j.log 2>&1
    fossil sql -R "$c" "INSERT OR IGNORE INTO unsent SELECT rid FROM main.blob WHERE uuid IN (SELECT uuid FROM (SELECT uuid FROM blob) b) AND rid IN (SELECT tkt_rid FROM ticketchng)" >/dev/null
    got=$(fossil sql -R "$c" "SELECT count(*) FROM ticket")
    [ "$got" -eq "$n" ] || { echo "fossil.sh: clone $j has $got tickets, expected $n" >&2; exit 1; }
    rm -rf "$WORK/gen$j" "$WORK/t$j.fossil"
done

# --- push: the M clones at once ---------------------------------------------------
# `fossil sync`, as BENCHMARKS.md compares.  It also pulls the tickets the other
# clones have pushed already (more work than a one-way push, an amount that
# depends on timing), but `fossil push` (FOSSIL_PUSH=push) is not usable
# here: with several clones pushing at once, fossil 2.21's push of a clone
# holding ~1,000 tickets says "Push done" after one round trip with only
# part of them on the server (the server's check below then fails); `sync`
# keeps exchanging until everything is there.
t0=$(now)
for ((j = 0; j < M; j++)); do
    fossil "${FOSSIL_PUSH:-sync}" "$URL" -R "$WORK/c$j.fossil" --once >sync$j.log 2>&1 &
done
wait_fail=0
for job in $(jobs -p); do
    [ "$job" = "$SPID" ] || [ "$job" = "$RPID" ] || wait "$job" || wait_fail=1
done
t1=$(now)
[ "$wait_fail" -eq 0 ] || { echo "fossil.sh: a sync failed; see $WORK/sync*.log" >&2; exit 1; }
got=$(fossil sql -R "$SRV" "SELECT count(*) FROM ticket")
[ "$got" -eq "$N" ] || { echo "fossil.sh: the server has $got tickets after the push, expected $N" >&2; exit 1; }
# fossil's own figures: "Round-trips: R ..." and "wire bytes sent: S  received: R"
figs() { tr '\r' '\n' <"$1" | awk '/Round-trips:/ {for (i=1;i<=NF;i++) if ($i=="Round-trips:") r=$(i+1)}
              /wire bytes sent:/ {for (i=1;i<=NF;i++) {if ($i=="sent:") s=$(i+1); if ($i=="received:") v=$(i+1)}}
              END {printf "%d %d\n", r, s + v}'; }
push_rts=0 push_bytes=0
for ((j = 0; j < M; j++)); do
    read -r r b < <(figs "sync$j.log")
    push_rts=$((push_rts + r)); push_bytes=$((push_bytes + b))
done

# --- pull: a fresh clone --------------------------------------------------------
t2=$(now)
fossil clone "$URL" "$WORK/fresh.fossil" >pull.log 2>&1
t3=$(now)
got=$(fossil sql -R "$WORK/fresh.fossil" "SELECT count(*) FROM ticket")
[ "$got" -eq "$N" ] || { echo "fossil.sh: the fresh clone has $got tickets, expected $N" >&2; exit 1; }
read -r pull_rts pull_bytes < <(figs pull.log)

# --- a sync with nothing new ------------------------------------------------------
t4=$(now)
# from the fresh clone, which holds everything the server has
fossil sync "$URL" -R "$WORK/fresh.fossil" --once >nn.log 2>&1
t5=$(now)
read -r nn_rts nn_bytes < <(figs nn.log)
sleep 0.05
rss=$(cat "$RSSF" 2>/dev/null || echo 0)
awk -v n="$N" -v m="$M" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v t4="$t4" -v t5="$t5" \
    -v prt="$push_rts" -v pb="$push_bytes" -v lrt="$pull_rts" -v lb="$pull_bytes" -v nrt="$nn_rts" -v nb="$nn_bytes" \
    -v pay="$payload_sum" -v rss="$rss" 'BEGIN {
    ps = t1 - t0; ls = t3 - t2
    printf "push:   %d tickets by %d clones in %.3f s = %.0f tickets/s, %d round trips, %.1f wire B/ticket (artifact %.1f B)\n", n, m, ps, n / ps, prt, pb / n, pay / n
    printf "pull:   fresh clone of %d tickets in %.3f s = %.0f tickets/s, %d round trips, %.1f wire B/ticket\n", n, ls, n / ls, lrt, lb / n
    printf "sync:   nothing new: %.1f ms, %d round trips, %d wire bytes\n", (t5 - t4) * 1e3, nrt, nb
    printf "server: peak RSS (server + request children, sampled) %.1f MiB\n", rss / 1024
    printf "RESULT fossil n=%d m=%d push_s=%.3f push_rate=%.0f push_rts=%d push_wire=%.1f payload=%.1f record=%.1f pull_s=%.3f pull_rate=%.0f pull_rts=%d pull_wire=%.1f nn_ms=%.1f nn_rts=%d nn_bytes=%d rss_mib=%.1f\n", n, m, ps, n / ps, prt, pb / n, pay / n, pay / n, ls, n / ls, lrt, lb / n, (t5 - t4) * 1e3, nrt, nb, rss / 1024
}'

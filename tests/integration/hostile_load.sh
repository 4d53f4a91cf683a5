#!/usr/bin/env bash
# hostile_load.sh — hostile peers against a real server while a
# well-behaved office is measured (docs/PROTOCOL.md §10).  For each case the server's
# memory (VmRSS, /proc) stays bounded and the office's latency stays near
# what it was before (`tiendo ping` round trip; one report + `tiendo sync`):
#   - slowloris before TLS (td_peer slowloris-raw: one byte a second) is
#     dropped at the handshake timeout;
#   - 100 slowloris sessions (TLS, Hello, then one byte a second of a frame
#     announcing 1 MiB) are dropped at the idle timeout, holding kilobytes;
#   - a peer that never reads while asking for the whole log again and again
#     (td_peer noread): 16 Pulls are dropped at --stall-timeout ("peer not
#     reading"), 400 pipelined Pulls at TD_CONN_WRITE_MAX; memory bounded;
#   - 1,000 sessions that complete the handshake and go silent (td_peer idle);
#   - a device flooding pushes (td_peer flood, reconnecting) gets ERR_BUSY
#     with an English and a Vietnamese message, from the per-device limit
#     (--push-rate/--push-burst), while the office's pushes still go through;
#   - an oversized frame (5 MiB sent whole) ends its session with
#     ERR_TOO_BIG; an entry above TD_ENTRY_PAYLOAD_MAX is refused in its
#     PushAck (attachments: see tds_session_refuse_oversized).
#   - peers that push two batches and close at once (td_peer pushcut): the
#     server drops what it was verifying for them and keeps serving.
# In every case the office's 10 pings are all answered and its report syncs.
# Latency is not judged here (wall time on a shared machine): the figures are
# printed ("latency ...", "memory ..."); the bound on the event loop's
# latency under a push flood is measured by `tdbench --ping` (bench/).
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
: "${TD_TOOL_td_peer:?path of td_peer}"
BENCH=${TD_BUILD_DIR:?}/tdbench
[ -x "$BENCH" ] || die "tdbench not built at $BENCH"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

IDLE_N=${TD_HOSTILE_IDLE:-1000}
# Under valgrind the server is ~50x slower and serialises its threads:
# fewer idle sessions, and latencies are printed but not judged.
[ "${TD_VALGRIND:-0}" = 1 ] && IDLE_N=${TD_HOSTILE_IDLE:-200}
# Under ASan the RSS is the sanitizer's (quarantine of freed blocks, shadow
# memory): memory is printed but judged only in the normal build.
NO_MEM=0
if [ "${TD_VALGRIND:-0}" = 1 ] || grep -q __asan_init "$SRV_BIN"; then NO_MEM=1; fi
HT=$((3 * TD_SLOW))   # handshake timeout
IT=$((8 * TD_SLOW))   # idle timeout
ST=$((3 * TD_SLOW))   # stall timeout
# The push limit the flood must exceed: a server under valgrind commits
# fewer than 500 entries a second, so it gets a lower one.
RATE=500
BURST=1000
[ "${TD_VALGRIND:-0}" = 1 ] && { RATE=50; BURST=100; }

sync_pki
plan_import main
say "filling the log: 6000 entries from 3 offices (tdbench --push-only)"
sv_start main
DEVS=()
for a in so-noi-vu so-tai-chinh ubnd-gia-loc; do
    enrol_as "$W/b-$a" "$a" bench-01 office "127.0.0.1:$PORT"
    DEVS+=("$W/b-$a")
done
run 0 "tdbench --push-only 6000" "$BENCH" --push-only --server "127.0.0.1:$PORT" \
    --devices "$(IFS=,; echo "${DEVS[*]}")" -n 6000 --text-bytes 300
sv_stop main

# The server under test: short timeouts so that the drops are seen quickly,
# and a push limit the flood reaches in a second.  srv_up IDLE [LISTEN].
srv_up() {
    local i
    SRV_LOG[main]=$W/main.log
    rm -f "$W/main.port"
    "${VG[@]}" ${VG:+--log-file="$W/vg-main.log"} "$SRV_BIN" serve --listen "${2:-127.0.0.1:0}" \
        --port-file "$W/main.port" --data "$W/data-main" "${SRV_KEYS[@]}" --crl "$W/ca/crl.pem" --log-level info \
        --max-conns 1500 --handshake-timeout "$HT" --idle-timeout "$1" --stall-timeout "$ST" \
        --push-rate "$RATE" --push-burst "$BURST" >>"$W/main.log" 2>&1 &
    SPID=$!
    BG_PIDS+=("$SPID")
    SRV_PID[main]=$SPID
    for ((i = 0; i < 200 * TD_SLOW; i++)); do [ -s "$W/main.port" ] && break; sleep 0.05; done
    [ -s "$W/main.port" ] || die "server wrote no port file"
}
srv_up "$IT"
P=$(cat "$W/main.port")
SRV=127.0.0.1:$P
enrol_as "$W/good" so-y-te may-01 office "$SRV"
enrol_as "$W/cen" so-khcn trung-tam-01 central "$SRV"
enrol_as "$W/flood" so-gddt may-lu office "$SRV"
enrol_as "$W/cut" so-xay-dung may-cat office "$SRV"
run 0 "the office's first sync (plan and its tasks)" "$TD" sync --dir "$W/good"

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$SPID/status"; }
hwm_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$SPID/status"; }
# elapsed times only (the machine's clock; no date is judged)
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# measure LABEL: PING_MS (ping average of 10) and SYNC_MS (median of 3
# report + sync), and RSS_KB.
k=0
measure() {
    local i t0 out s=()
    PING_OK=1
    out=$(timeout $((30 * TD_SLOW)) "$TD" ping --dir "$W/good" --count 10 2>&1) || { fail "$1: ping failed: $out"; PING_OK=0; }
    grep -q "(10 lần)" <<<"$out" || PING_OK=0
    PING_MS=$(sed -n 's/.*Thời gian khứ hồi: trung bình \([0-9.]*\) ms.*/\1/p' <<<"$out")
    PING_MS=${PING_MS:-?}
    SYNC_OK=1
    for i in 1 2 3; do
        k=$((k + 1))
        report "$W/good" 47 "$((2025 + k / 12))-$(printf %02d $((k % 12 + 1)))" --percent $((k % 100)) --result "Báo cáo $k"
        t0=$(now_ms)
        tsync "$W/good"
        [ "$SYNC_RC" -eq 0 ] || { fail "$1: office sync exit $SYNC_RC: $(head -c 300 "$W/.sync.err")"; SYNC_OK=0; }
        s+=($(($(now_ms) - t0)))
    done
    SYNC_MS=$(printf '%s\n' "${s[@]}" | sort -n | sed -n 2p)
    RSS_KB=$(rss_kb)
    say "latency $1: ping ${PING_MS} ms, sync ${SYNC_MS} ms; server memory ${RSS_KB} kB"
}

# within LABEL: the office was served: all its pings answered, its reports
# synced (stored on the server).  The latencies are printed, not judged.
within() {
    if [ "$PING_OK" = 1 ]; then pass "$1: the office's 10 pings answered (average ${PING_MS} ms; before: $BASE_PING ms)"; else fail "$1: the office's pings were not all answered"; fi
    if [ "$SYNC_OK" = 1 ]; then pass "$1: the office's reports synced (median ${SYNC_MS} ms; before: $BASE_SYNC ms)"; else fail "$1: the office's sync failed"; fi
}

# mem_le LABEL MB: server RSS now is at most the baseline + MB.
mem_le() {
    local lim=$((BASE_RSS + $2 * 1024))
    if [ "$NO_MEM" = 1 ]; then
        say "$1: server RSS ${RSS_KB} kB (not judged under a sanitizer or valgrind)"
        return 0
    fi
    if [ "$RSS_KB" -le "$lim" ]; then pass "$1: server RSS ${RSS_KB} kB <= baseline + $2 MiB"; else fail "$1: server RSS ${RSS_KB} kB > baseline ${BASE_RSS} kB + $2 MiB"; fi
}

measure "before"
BASE_PING=$PING_MS
BASE_SYNC=$SYNC_MS
BASE_RSS=$RSS_KB

# ---- slowloris before TLS -----------------------------------------------------------------
say "slowloris before TLS (one byte a second), handshake timeout $HT s"
mark_log main
run 0 "slowloris-raw is dropped" "$PEER" slowloris-raw --server "$SRV" --hold $((HT + 10))
ms=$(sed -n 's/^closed after \([0-9]*\) ms$/\1/p' <<<"$OUT")
if [ "${ms:-0}" -ge $((HT * 1000 - 200)) ]; then pass "slowloris-raw closed after ${ms} ms (handshake timeout)"; else fail "slowloris-raw closed after ${ms:-?} ms"; fi
log_has main "slowloris-raw" "handshake timeout after ${HT}000 ms"

# ---- slowloris after TLS --------------------------------------------------------------------
say "100 slowloris sessions (a frame announcing 1 MiB, one byte a second), idle timeout $IT s"
# held past the idle timeout by 10 s x TD_SLOW: under valgrind the 100 handshakes alone take seconds
"$PEER" slowloris --dir "$W/good" --server "$SRV" -n 100 --hold $((IT + 10 * TD_SLOW)) >"$W/slow.out" 2>&1 &
PP=$!
BG_PIDS+=("$PP")
wait_for "100 slowloris sessions established" 30 grep -q "^established=" "$W/slow.out"
sleep 2
measure "slowloris x100"
within "slowloris x100"
mem_le "slowloris x100" 40
rc=0
wait "$PP" || rc=$?
eq "slowloris: all established (td_peer exit)" "$rc" 0
expect_in "slowloris" "$W/slow.out" "established=100 of 100"
expect_in "slowloris: the server dropped every one" "$W/slow.out" "closed-by-server=100 open=0"
SLOW_AT=$(sed -n 's/.* after \([0-9]*\)\.\..*/\1/p' "$W/slow.out")
ge "slowloris: not dropped before the idle timeout (ms)" "${SLOW_AT:-0}" $((IT * 1000 - 500))

# ---- a peer that never reads ------------------------------------------------------------------
say "a central device asks for the whole log (16 Pulls) and never reads; stall timeout $ST s"
mark_log main
"$PEER" noread --dir "$W/cen" --server "$SRV" -n 16 --hold $((ST + 30 * TD_SLOW)) >"$W/noread.out" 2>&1 &
PP=$!
BG_PIDS+=("$PP")
sleep 1
measure "never-reading peer (16 Pulls)"
within "never-reading peer (16 Pulls)"
mem_le "never-reading peer (16 Pulls)" 80
rc=0
wait "$PP" || rc=$?
eq "noread x16: dropped by the server (td_peer exit)" "$rc" 0
say "td_peer noread 16: $(tail -n 1 "$W/noread.out")"
log_has main "noread x16" "peer not reading"
say "the same with 400 pipelined Pulls (800 MB of replies if nothing bounded them)"
mark_log main
"$PEER" noread --dir "$W/cen" --server "$SRV" -n 400 --hold $((ST + 30 * TD_SLOW)) >"$W/noread2.out" 2>&1 &
PP=$!
BG_PIDS+=("$PP")
sleep 1
RSS_KB=$(rss_kb)
mem_le "never-reading peer (400 Pulls)" 100
rc=0
wait "$PP" || rc=$?
eq "noread x400: dropped by the server (td_peer exit)" "$rc" 0
say "td_peer noread 400: $(tail -n 1 "$W/noread2.out")"
log_has main "noread x400" "peer not reading"
NOREAD_HWM=$(hwm_kb)

# ---- a device flooding pushes ---------------------------------------------------------------------
say "a device floods pushes (100 entries, 4 in flight, reconnecting) for 8 s; push-rate $RATE/s burst $BURST"
mark_log main
"$PEER" flood --dir "$W/flood" --server "$SRV" --hold $((8 * TD_SLOW > 30 ? 30 : 8 * TD_SLOW)) >"$W/flood.out" 2>&1 &
PP=$!
BG_PIDS+=("$PP")
sleep 2
measure "push flood"
within "push flood"
rc=0
wait "$PP" || rc=$?
eq "flood: the flooder was told ERR_BUSY (td_peer exit)" "$rc" 0
say "td_peer flood: $(tail -n 1 "$W/flood.out")"
expect_in "flood: English message" "$W/flood.out" "error 7: push rate limit: so-gddt/may-lu pushes faster than push-rate allows; retry in"
expect_in "flood: Vietnamese message" "$W/flood.out" "Thiết bị gửi dữ liệu lên quá nhanh, vượt giới hạn của máy chủ; hãy đồng bộ lại sau khoảng"
expect_in "flood: the server logs the limit" "$W/main.log" "ending: push rate limit: so-gddt/may-lu"
FL_ACKED=$(sed -n 's/.*acked=\([0-9]*\).*/\1/p' "$W/flood.out")
FL_STORED=$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE agency = 'so-gddt';")
say "flood: $FL_ACKED entries acked to the flooder, $FL_STORED rows of so-gddt in the log in ~8 s"
# burst + rate x the flood's time; a refused push stores nothing.
if [ "$FL_STORED" -le $((BURST + RATE * 9 * TD_SLOW + 500)) ]; then pass "flood: stored entries bounded by the limit ($FL_STORED)"; else fail "flood: $FL_STORED entries stored, above burst + rate x time"; fi

# ---- pushes cut at once -------------------------------------------------------------------------
say "20 sessions push two batches of 100 entries each and close at once (td_peer pushcut)"
mark_log main
run 0 "pushcut: 20 sessions" "$PEER" pushcut --dir "$W/cut" --server "$SRV" -n 20
expect_out "pushcut" "sessions=20 pushes=40"
measure "after pushes cut at once"
within "after pushes cut at once"
check "pushcut: server still running" kill -0 "$SPID"
CUT_STORED=$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM log WHERE agency = 'so-xay-dung';")
say "pushcut: $CUT_STORED rows of so-xay-dung in the log (each batch stored whole or not at all)"
if [ $((CUT_STORED % 100)) -eq 0 ]; then pass "pushcut: whole batches only ($CUT_STORED rows)"; else fail "pushcut: $CUT_STORED rows: a batch stored in part"; fi

# ---- oversized ------------------------------------------------------------------------------------
say "an oversized frame (5 MiB, sent whole) and an oversized entry"
mark_log main
run 0 "bigframe: Error frame then close" "$PEER" bigframe --dir "$W/good" --server "$SRV"
expect_out "bigframe" "error 2: frame of 5242880 bytes exceeds the limit of 4194304 bytes"
expect_out "bigframe" "closed"
log_has main "bigframe" "frame of 5242880 bytes exceeds the limit"
run 0 "bigentry: refused in its PushAck" "$PEER" bigentry --dir "$W/good" --server "$SRV"
expect_out "bigentry" "ack status=3 reason="
expect_out "bigentry" "exceeds"
measure "after everything"
within "after everything"

# ---- 1,000 silent sessions ----------------------------------------------------------------------
say "$IDLE_N sessions complete the handshake and go silent (the server again, idle timeout 300 s)"
sv_stop main
srv_up 300 "$SRV"
"$PEER" idle --dir "$W/good" --server "$SRV" -n "$IDLE_N" --hold $((120 * TD_SLOW)) >"$W/idle.out" 2>&1 &
PP=$!
BG_PIDS+=("$PP")
wait_for "$IDLE_N idle sessions established" $((60 * TD_SLOW)) grep -q "^established=" "$W/idle.out"
say "td_peer idle: $(head -n 1 "$W/idle.out")"
measure "$IDLE_N idle sessions"
IDLE_RSS=$RSS_KB
within "$IDLE_N idle sessions"
mem_le "$IDLE_N idle sessions" 150
expect_in "idle" "$W/idle.out" "established=$IDLE_N of $IDLE_N"
IDLE_FDS=$(find "/proc/$SPID/fd" -mindepth 1 -maxdepth 1 | wc -l)
ge "idle: the server holds them all (open descriptors)" "$IDLE_FDS" "$IDLE_N"
check "idle: td_peer still holds them" kill -0 "$PP"
kill "$PP"
wait "$PP" || true


check "server still running" kill -0 "$SPID"
say "memory: baseline ${BASE_RSS} kB; with $IDLE_N idle sessions ${IDLE_RSS} kB; peak (VmHWM) after the never-reading peers ${NOREAD_HWM} kB, at the end $(hwm_kb) kB"
sv_stop main
finish

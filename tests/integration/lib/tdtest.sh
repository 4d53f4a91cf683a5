# shellcheck shell=bash
# tdtest.sh — helpers shared by the integration scripts that start a real
# tiendo-server on loopback (handshake.sh, hostile.sh).  Source it after
# `set -euo pipefail`; it makes the work dir $W (removed on exit), starts and
# stops servers, runs commands with a timeout and checks what they say.
#
# Every process the scripts start in the background is remembered (BG_PIDS)
# and only those are killed on exit.  On failure the tail of every server log
# is printed.
#
# TD_VALGRIND=1 runs each tiendo-server under
#   valgrind --leak-check=full --error-exitcode=99
# (timeouts are stretched by TD_SLOW, 10 under valgrind); a valgrind error
# makes the server's exit status 99, which stop_server reports.
# This file is not a test: tests/CMakeLists.txt only globs integration/*.sh.

: "${TIENDO_SERVER:?path of tiendo-server}" "${TIENDO:?path of tiendo}" "${TIENDO_PKI:?path of tiendo-pki}"
SRV_BIN=$TIENDO_SERVER
TD=$TIENDO
PKI=$TIENDO_PKI
# shellcheck disable=SC2034 # used by the sourcing scripts
PEER=${TD_TOOL_td_peer:-}

VG=()
TD_SLOW=${TD_SLOW:-1}
if [ "${TD_VALGRIND:-0}" = 1 ]; then
    VG=(valgrind --leak-check=full --error-exitcode=99 --track-fds=no)
    TD_SLOW=10
fi

TD_SAN_RE='ERROR: [A-Za-z]+Sanitizer|runtime error:'

W=$(mktemp -d)
SCRIPT=$(basename "$0")
BG_PIDS=()
declare -A SRV_PID SRV_LOG
checks=0
fails=0
OUT=""   # stdout of the last run_*
ERR=""   # stderr of the last run_*
RC=0     # exit status of the last run_*

td_cleanup() {
    local rc=$? live p
    # Only our background jobs not yet reaped: a PID already waited for may
    # belong to someone else by now.
    live=" $(jobs -p | tr '\n' ' ') "
    for p in "${BG_PIDS[@]}"; do
        case "$live" in *" $p "*) kill "$p" 2>/dev/null || true ;; esac
    done
    for p in "${BG_PIDS[@]}"; do
        case "$live" in *" $p "*) wait "$p" 2>/dev/null || true ;; esac
    done
    for f in "$W"/vg-*.log; do
        [ -s "$f" ] || continue
        echo "valgrind $(basename "$f" .log): $(grep -hE "ERROR SUMMARY|definitely lost|in use at exit" "$f" | sed 's/^==[0-9]*== *//' | tr '\n' ';')"
    done
    if [ "$rc" -ne 0 ] || [ "$fails" -ne 0 ]; then
        for name in "${!SRV_LOG[@]}"; do
            echo "---- tail of server log \"$name\" (${SRV_LOG[$name]}) ----" >&2
            tail -n 25 "${SRV_LOG[$name]}" >&2 || true
        done
        for f in "$W"/vg-*.log; do
            [ -s "$f" ] || continue
            echo "---- $f ----" >&2
            tail -n 40 "$f" >&2
        done
    fi
    rm -rf "$W"
    exit "$rc"
}
trap td_cleanup EXIT
cd "$W" || exit 1

say() { echo "[$SCRIPT] $*"; }
pass() { checks=$((checks + 1)); echo "  ok:   $*"; }
fail() {
    checks=$((checks + 1))
    fails=$((fails + 1))
    echo "  FAIL: $*" >&2
}
# die MSG: a setup step failed; nothing after it can be trusted.
die() {
    echo "[$SCRIPT] FATAL: $*" >&2
    exit 1
}

# check DESC CMD...: CMD must succeed.
check() {
    local desc=$1
    shift
    if "$@" >/dev/null 2>&1; then pass "$desc"; else fail "$desc"; fi
}

# run WANT DESC CMD...: run CMD under a timeout, stdout in OUT, stderr in ERR.
# WANT is 0, a number, or "nonzero".  A timeout (124) always fails.
run() {
    local want=$1 desc=$2
    shift 2
    RC=0
    timeout $((30 * TD_SLOW)) "$@" >"$W/.out" 2>"$W/.err" || RC=$?
    OUT=$(cat "$W/.out")
    ERR=$(cat "$W/.err")
    # A sanitizer report must not hide behind an expected non-zero exit.
    if grep -qE "$TD_SAN_RE" "$W/.err"; then
        fail "$desc: sanitizer report: $ERR"
        return 0
    fi
    if [ "$RC" -eq 124 ]; then
        fail "$desc: timed out: $*"
    elif [ "$want" = nonzero ] && [ "$RC" -ne 0 ]; then
        pass "$desc (exit $RC)"
    elif [ "$want" != nonzero ] && [ "$RC" -eq "$want" ]; then
        pass "$desc (exit $RC)"
    else
        fail "$desc: exit $RC, expected $want
    stdout: $OUT
    stderr: $ERR"
    fi
}

# expect_out / expect_err DESC WORD: the last run's stdout / stderr holds WORD.
expect_out() {
    if grep -qF -- "$2" <<<"$OUT"; then pass "$1: stdout says \"$2\""; else fail "$1: \"$2\" not in stdout: $OUT"; fi
}
expect_err() {
    if grep -qF -- "$2" <<<"$ERR"; then pass "$1: stderr says \"$2\""; else fail "$1: \"$2\" not in stderr: $ERR"; fi
}
# expect_in DESC FILE WORD: FILE holds WORD (fixed string).
expect_in() {
    if grep -qF -- "$3" "$2"; then pass "$1: $(basename "$2") says \"$3\""; else fail "$1: \"$3\" not in $2"; fi
}

# ---- servers ------------------------------------------------------------------

# mute_start: a TCP listener on loopback that accepts and never answers (a
# server whose host hangs); its address in MUTE, its PID in MUTE_PID.
mute_start() {
    rm -f "$W/mute.port"
    python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True); time.sleep(3600)' >"$W/mute.port" &
    MUTE_PID=$!
    BG_PIDS+=("$MUTE_PID")
    for ((i = 0; i < 100; i++)); do [ -s "$W/mute.port" ] && break; sleep 0.05; done
    [ -s "$W/mute.port" ] || die "the mute listener wrote no port"
    MUTE="127.0.0.1:$(cat "$W/mute.port")"
}

# port_wait WHAT PID PORTFILE LOG TRIES STEP: wait (TRIES x STEP seconds,
# scaled by TD_SLOW) until process PID (WHAT, for messages) writes its port
# number to PORTFILE; sets WAITED_PORT.  Dies, with the end of LOG, if PID
# exits first or the file never comes.
port_wait() {
    local what=$1 pid=$2 file=$3 log=$4 tries=$5 step=$6 i
    for ((i = 0; i < tries * TD_SLOW; i++)); do
        [ -s "$file" ] && break
        kill -0 "$pid" 2>/dev/null || die "$what exited at start: $(tail -n 20 "$log")"
        sleep "$step"
    done
    [ -s "$file" ] || die "$what wrote no port file"
    WAITED_PORT=$(cat "$file")
}

# start_server NAME ARGS...: tiendo-server serve on 127.0.0.1:0 in the background;
# waits for its port file and sets PORT.  Log in $W/NAME.log.
# start_server NAME --config FILE: listen, port-file ($W/NAME.port) and data
# come from FILE alone.
start_server() {
    local name=$1 pid flags
    shift
    SRV_LOG[$name]=$W/$name.log
    rm -f "$W/$name.port"
    flags=(--listen 127.0.0.1:0 --port-file "$W/$name.port" --data "$W/data-$name")
    [ "$1" = --config ] && flags=()
    "${VG[@]}" ${VG:+--log-file="$W/vg-$name.log"} "$SRV_BIN" serve "${flags[@]}" "$@" \
        >"$W/$name.log" 2>&1 &
    pid=$!
    BG_PIDS+=("$pid")
    SRV_PID[$name]=$pid
    port_wait "server $name" "$pid" "$W/$name.port" "$W/$name.log" 100 0.05
    PORT=$WAITED_PORT
    say "server $name (pid $pid) listening on 127.0.0.1:$PORT"
}

# srv_alive NAME: the server process still runs.
srv_alive() { kill -0 "${SRV_PID[$1]}" 2>/dev/null; }

# stop_server NAME [SECONDS]: SIGTERM; it must exit 0 within SECONDS (default 5)
# and log its shutdown.  Sets STOP_MS.
stop_server() {
    local name=$1 secs=${2:-5} pid rc=0 t0 i
    pid=${SRV_PID[$name]}
    t0=$(date +%s%N)
    kill -TERM "$pid"
    for ((i = 0; i < secs * 20 * TD_SLOW; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        fail "server $name still running ${secs}s after SIGTERM"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" || rc=$?
    STOP_MS=$((($(date +%s%N) - t0) / 1000000))
    if [ "$rc" -eq 0 ]; then
        pass "server $name exits 0 on SIGTERM (${STOP_MS} ms)"
    elif [ "$rc" -eq 99 ]; then
        fail "server $name: valgrind reported errors (see $W/vg-$name.log)"
    else
        fail "server $name exit $rc after SIGTERM, expected 0"
    fi
    expect_in "server $name shutdown" "${SRV_LOG[$name]}" "shutting down (SIGTERM)"
    expect_in "server $name shutdown" "${SRV_LOG[$name]}" "stopped:"
    if grep -qE "$TD_SAN_RE" "${SRV_LOG[$name]}"; then fail "server $name: sanitizer report in its log"; fi
}

# mark_log NAME: later log_has calls look only at lines written after this.
declare -A LOG_MARK
mark_log() { LOG_MARK[$1]=$(stat -c %s "${SRV_LOG[$1]}"); }

# log_has NAME DESC WORD: the server log (since mark_log) gets WORD within a
# few seconds (the server may log a refusal just after the client gave up).
log_has() {
    local name=$1 desc=$2 word=$3 i off=${LOG_MARK[$1]:-0}
    for ((i = 0; i < 60 * TD_SLOW; i++)); do
        # grep without -q reads to the end: with -q, tail could die of SIGPIPE
        # on a long log and pipefail would turn the match into a failure.
        if tail -c +$((off + 1)) "${SRV_LOG[$name]}" | grep -F -- "$word" >/dev/null; then
            pass "$desc: server log says \"$word\""
            return 0
        fi
        sleep 0.05
    done
    fail "$desc: server log (since mark) lacks \"$word\": $(tail -c +$((off + 1)) "${SRV_LOG[$name]}" | tail -n 5)"
}

# log_count NAME WORD: lines of the whole server log holding WORD.
log_count() { grep -cF -- "$2" "${SRV_LOG[$1]}" || true; }

# sclient_hold: openssl s_client to $SRV with the device certificate dev.crt
# (key dev/device.key), its stdin the fifo "hold" kept open on fd 7 so that it
# sends nothing and stays connected; its output in sclient.out, its PID in SC.
sclient_hold() {
    mkfifo hold
    exec 7<>hold
    openssl s_client -connect "$SRV" -tls1_3 -alpn tiendo/1 -CAfile ca/ca.crt -cert dev.crt \
        -key dev/device.key -ign_eof -quiet <hold >sclient.out 2>&1 &
    SC=$!
    BG_PIDS+=("$SC")
}
# sclient_ended: the held s_client (SC) ends within 10 s: the server shut down.
sclient_ended() {
    local rc=0
    timeout $((10 * TD_SLOW)) tail --pid="$SC" -f /dev/null || rc=$?
    check "s_client ended when the server shut down" test "$rc" -eq 0
}

# ---- PKI ---------------------------------------------------------------------

# make_ca DIR: a CA.   make_server_cert CADIR: srv.key/srv.crt for 127.0.0.1.
make_ca() { "$PKI" init --dir "$1" >/dev/null || die "tiendo-pki init $1"; }
make_server_cert() {
    "$PKI" issue-server --dir "$1" --name tiendo-srv --ip 127.0.0.1 --out-key "$W/srv.key" \
        --out-cert "$W/srv.crt" >/dev/null || die "tiendo-pki issue-server"
}

# enrol DEVDIR CADIR AGENCY DEVICE PORT [sign options...]: CSR, sign, install.
# The device trusts CADIR's CA.
enrol() {
    local dir=$1 ca=$2 agency=$3 device=$4 port=$5 extra=()
    shift 5
    "$TD" init --dir "$dir" --agency "$agency" --device "$device" >/dev/null || die "tiendo init $dir"
    "$PKI" sign --dir "$ca" --agency "$agency" --role office "$@" "$dir/device.csr" \
        --out "$dir.crt" >/dev/null || die "tiendo-pki sign $dir"
    case " $* " in *" --days 0 "*) extra=(--accept-expired) ;; esac
    "$TD" init --dir "$dir" --cert "$dir.crt" --ca "$ca/ca.crt" --server "127.0.0.1:$port" \
        "${extra[@]}" >/dev/null || die "tiendo init --cert $dir"
}

# finish: the summary line and the exit status.
finish() {
    echo "$SCRIPT: $checks checks, $fails failed, ${SECONDS}s"
    [ "$fails" -eq 0 ]
}

# ---- the test's clock (common/clock.h) ----------------------------------------
# td_use_clock [WHEN]: every process this test starts reads one clock.
#   WHEN = "yyyy-mm-dd hh:mm[:ss]" (Asia/Ho_Chi_Minh) starts it there and lets
#   it run; a trailing "!" (or "!" alone) stops it (a test at 23:59 must not
#   cross midnight while it runs).  TD_TEST_DATE, when set, replaces the date
#   of WHEN: scripts/test.sh reruns the date-sensitive tests at fixed dates.
#   Without either, the clock is the machine's (under faketime, the faked one):
#   this is the one place a test reads the wall clock, and it says so here.
# It exports TIENDO_TEST_CLOCK and sets TD_CLOCK_EPOCH (the clock's reading at
# the start, seconds) for td_date.
td_use_clock() {
    local when=${1:-} frozen=""
    unset TIENDO_TODAY
    if [ "${when%!}" != "$when" ]; then frozen="!"; when=${when%!}; fi
    if [ -n "${TD_TEST_DATE:-}" ]; then when=${TD_TEST_DATE%!}; fi
    if [ -z "$when" ]; then
        when=$(TZ=Asia/Ho_Chi_Minh date +'%Y-%m-%d %H:%M:%S')
    fi
    TD_CLOCK_EPOCH=$(TZ=Asia/Ho_Chi_Minh date -d "$when" +%s) || { echo "td_use_clock: bad date \"$when\"" >&2; exit 2; }
    TD_CLOCK_FROZEN=$frozen
    TD_CLOCK_ANCHOR=$(date +%s)
    if [ -n "$frozen" ]; then
        export TIENDO_TEST_CLOCK="$when!"
    else
        export TIENDO_TEST_CLOCK="$when@$TD_CLOCK_ANCHOR"
    fi
    say "clock: $TIENDO_TEST_CLOCK (Asia/Ho_Chi_Minh), TZ=${TZ:-unset}"
}

# td_date FORMAT [DAYS]: the test clock's time now in Asia/Ho_Chi_Minh, in
# date(1)'s FORMAT, moved by DAYS whole days (Hà Nội has no daylight saving).
td_date() {
    local now=$TD_CLOCK_EPOCH
    [ -z "$TD_CLOCK_FROZEN" ] && now=$((TD_CLOCK_EPOCH + $(date +%s) - TD_CLOCK_ANCHOR))
    TZ=Asia/Ho_Chi_Minh date -d "@$((now + ${2:-0} * 86400))" +"$1"
}

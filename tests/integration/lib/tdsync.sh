# tdsync.sh — helpers shared by the sync integration tests (sync_*.sh,
# bench_smoke.sh), on top of lib/tdtest.sh (work dir $W, BG_PIDS, pass/fail,
# run, start/stop of servers).  Source it after `set -euo pipefail`.
# This file is not a test: tests/CMakeLists.txt only globs integration/*.sh.
#
# Conventions: the provincial CA is $W/ca, the server key $W/srv.key and
# $W/srv.crt, a server NAME keeps its log in $W/data-NAME.  Every wait has a
# timeout (scaled by TD_SLOW).  TD_CHAOS=1 asks the scripts for their long
# modes.

# shellcheck source=tdtest.sh
source "$(dirname "${BASH_SOURCE[0]}")/tdtest.sh"

: "${TD_SOURCE_DIR:?path of the source tree}"
PLAN=$TD_SOURCE_DIR/data/plans/726-KH-UBND.txt
PROXY=${TD_TOOL_td_proxy:-}
FORGE=${TD_TOOL_td_forge:-}
TD_CHAOS=${TD_CHAOS:-0}
SRV_KEYS=(--ca "$W/ca/ca.crt" --cert "$W/srv.crt" --key "$W/srv.key")
export TZ=Asia/Ho_Chi_Minh

# sync_pki: the CA and the server key.
sync_pki() {
    make_ca ca
    make_server_cert ca
}

# plan_import NAME: import Kế hoạch 726 into $W/data-NAME, signed by the server key.
plan_import() {
    "$SRV_BIN" plan import "$PLAN" --apply --data "$W/data-$1" "${SRV_KEYS[@]}" >"$W/plan-import-$1.log" 2>&1 ||
        die "plan import into data-$1: $(tail -n 5 "$W/plan-import-$1.log")"
}

# sync_main: the opening of most sync tests: the CA and the server key, plan
# 726 imported into $W/data-main, the server `main` started; P is its port.
sync_main() {
    sync_pki
    plan_import main
    sv_start main
    P=$PORT
}

# mid_month: the test's clock (td_use_clock) at a fixed mid-month date, so
# that what a test checks does not depend on the day it runs; PER is its
# period (YYYY-MM).
mid_month() {
    td_use_clock "2026-06-17 10:00"
    PER=$(td_date %Y-%m)
}

# sv_start NAME [LISTEN]: tiendo-server serve on LISTEN (default 127.0.0.1:0)
# with $W/data-NAME; waits for its port file; sets PORT.  Same bookkeeping as
# tdtest.sh's start_server (SRV_PID, SRV_LOG, BG_PIDS), so stop_server works.
sv_start() {
    local name=$1 listen=${2:-127.0.0.1:0} pid
    SRV_LOG[$name]=$W/$name.log
    rm -f "$W/$name.port"
    "${VG[@]}" ${VG:+--log-file="$W/vg-$name.log"} "$SRV_BIN" serve --listen "$listen" --port-file "$W/$name.port" \
        --data "$W/data-$name" "${SRV_KEYS[@]}" --crl "$W/ca/crl.pem" --log-level info >>"$W/$name.log" 2>&1 &
    pid=$!
    BG_PIDS+=("$pid")
    SRV_PID[$name]=$pid
    port_wait "server $name" "$pid" "$W/$name.port" "$W/$name.log" 200 0.05
    PORT=$WAITED_PORT
}

# sv_stop NAME: SIGTERM and wait (bounded), quietly: a failure to stop is a
# failed check.  Use stop_server (tdtest.sh) for the full shutdown checks.
sv_stop() {
    local name=$1 pid i rc=0
    pid=${SRV_PID[$name]}
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200 * TD_SLOW; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        fail "server $name still running 10 s after SIGTERM"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || rc=$?
    [ "$rc" -eq 0 ] || fail "server $name exit $rc after SIGTERM"
}

# sv_kill9 NAME: kill -9 and reap.
sv_kill9() {
    local pid=${SRV_PID[$1]}
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# px_start NAME TO_PORT [td_proxy options...]: td_proxy in the background,
# output in $W/NAME.out; sets PX_PORT and PX_PID.  Under TD_VALGRIND=1 the
# proxy runs under valgrind too (px_stop then fails on a valgrind error).
px_start() {
    local name=$1 to=$2
    shift 2
    [ -n "$PROXY" ] || die "TD_TOOL_td_proxy is not set"
    rm -f "$W/$name.port"
    "${VG[@]}" ${VG:+--log-file="$W/vg-$name.log"} "$PROXY" --listen 127.0.0.1:0 --port-file "$W/$name.port" \
        --to "127.0.0.1:$to" "$@" >"$W/$name.out" 2>&1 &
    PX_PID=$!
    BG_PIDS+=("$PX_PID")
    port_wait "td_proxy $name" "$PX_PID" "$W/$name.port" "$W/$name.out" 100 0.02
    PX_PORT=$WAITED_PORT
}

# px_stop PID: SIGTERM, wait; the proxy must exit 0 (it checks its loop closed).
px_stop() {
    local pid=$1 rc=0 i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100 * TD_SLOW; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || rc=$?
    [ "$rc" -eq 0 ] || fail "td_proxy $pid exit $rc$([ "$rc" = 99 ] && echo " (valgrind errors)")"
}

# enrol_as DIR AGENCY DEVICE ROLE SERVER: key and CSR on the device, signed
# by the CA with ROLE, installed; the device's server is SERVER (host:port).
enrol_as() {
    local dir=$1 agency=$2 device=$3 role=$4 server=$5
    "$TD" init --dir "$dir" --agency "$agency" --device "$device" >/dev/null 2>"$W/.enrol.err" ||
        die "tiendo init $dir: $(cat "$W/.enrol.err")"
    # the CA officer signs against the server's registry (agencies added,
    # renamed or merged since the plan): tiendo-server agency export
    local data
    for data in "$W"/data-*; do
        [ -f "$data/server.db" ] || continue
        "$SRV_BIN" agency export --data "$data" --out "$W/ca/registry.csv" >/dev/null 2>"$W/.enrol.err" ||
            die "agency export from $data: $(cat "$W/.enrol.err")"
        break
    done
    "$PKI" sign --dir "$W/ca" --agency "$agency" --role "$role" "$dir/device.csr" --out "$dir.crt" \
        >/dev/null 2>"$W/.enrol.err" || die "tiendo-pki sign $dir: $(cat "$W/.enrol.err")"
    "$TD" init --dir "$dir" --cert "$dir.crt" --ca "$W/ca/ca.crt" --server "$server" >/dev/null 2>"$W/.enrol.err" ||
        die "tiendo init --cert $dir: $(cat "$W/.enrol.err")"
}

# report DIR TASK PERIOD [more tiendo report options]: record a report; dies on failure.
report() {
    local dir=$1 task=$2 period=$3
    shift 3
    timeout $((30 * TD_SLOW)) "$TD" report --dir "$dir" --task "$task" --period "$period" "$@" >/dev/null 2>"$W/.rep.err" ||
        die "tiendo report --dir $dir --task $task --period $period: $(cat "$W/.rep.err")"
}

# tsync DIR [options]: one `tiendo sync` under a timeout; its exit status in
# SYNC_RC, output in $W/.sync.out / .sync.err (not a check by itself).
tsync() {
    local dir=$1
    shift
    SYNC_RC=0
    timeout $((60 * TD_SLOW)) "$TD" sync --dir "$dir" "$@" >"$W/.sync.out" 2>"$W/.sync.err" || SYNC_RC=$?
}

# sync_until_ok DIR TRIES [options]: sync until exit 0, at most TRIES times;
# SYNC_TRIES = attempts used; returns 1 if it never succeeded.
sync_until_ok() {
    local dir=$1 tries=$2 i
    shift 2
    for ((i = 1; i <= tries; i++)); do
        tsync "$dir" "$@"
        SYNC_TRIES=$i
        [ "$SYNC_RC" -eq 0 ] && return 0
        [ "$SYNC_RC" -eq 124 ] && return 1
        sleep 0.05
    done
    return 1
}

# sq DB SQL: one value (or rows) from sqlite3, waiting for locks.
sq() { sqlite3 -batch -noheader -cmd '.timeout 10000' "$1" "$2"; }

# srv_digest NAME [AGENCY [ROLE]]: the server's derived-state digest (hex), for
# AGENCY's view with ROLE (default office) if given.  Empty on failure.
srv_digest() {
    local name=$1 args=()
    [ $# -ge 2 ] && args=(--agency "$2" --role "${3:-office}")
    timeout $((60 * TD_SLOW)) "$SRV_BIN" state --data "$W/data-$name" "${SRV_KEYS[@]}" "${args[@]}" --digest \
        2>"$W/.state.err" | tee "$W/.state.out" | sed -n 's/^digest: *\([0-9a-f]*\).*/\1/p' | head -n 1
}

# cli_digest DIR: the replica's derived-state digest (hex); empty on failure.
cli_digest() {
    timeout $((60 * TD_SLOW)) "$TD" status --dir "$1" --digest 2>"$W/.status.err" | tee "$W/.status.out" |
        sed -n 's/^digest: *\([0-9a-f]*\).*/\1/p' | head -n 1
}

# check_digest DESC NAME DIR AGENCY [ROLE]: replica digest == server view digest.
check_digest() {
    local desc=$1 name=$2 dir=$3 agency=$4 role=${5:-office} a b
    a=$(cli_digest "$dir")
    if [ "$role" = central ] || [ "$role" = inspector ]; then b=$(srv_digest "$name"); else b=$(srv_digest "$name" "$agency" "$role"); fi
    # and the v2 digest (the line after): the same state, the same sum
    a="$a/$(sed -n 's/^digest-v2: *\([0-9a-f]*\).*/\1/p' "$W/.status.out" 2>/dev/null)"
    b="$b/$(sed -n 's/^digest-v2: *\([0-9a-f]*\).*/\1/p' "$W/.state.out" 2>/dev/null)"
    if [ -n "${a%/}" ] && [ "$a" = "$b" ]; then
        pass "$desc: replica digest = server view digest (${a:0:16}…)"
    else
        fail "$desc: replica digest \"$a\" != server view digest \"$b\" ($(head -c 300 "$W/.status.err" "$W/.state.err" 2>/dev/null | tr '\n' ' '))"
    fi
}

# eq DESC GOT WANT: an equality check.
eq() {
    if [ "$2" = "$3" ]; then pass "$1 ($2)"; else fail "$1: got \"$2\", want \"$3\""; fi
}

# ge DESC GOT MIN: a numeric lower bound.
ge() {
    if [ "$2" -ge "$3" ] 2>/dev/null; then pass "$1 ($2 >= $3)"; else fail "$1: got \"$2\", want >= $3"; fi
}

# le DESC GOT MAX: a numeric upper bound.
le() {
    if [ "$2" -le "$3" ] 2>/dev/null; then pass "$1 ($2 <= $3)"; else fail "$1: got \"$2\", want <= $3"; fi
}

# no_dups NAME DESC: no (author, seq) twice in the server's log.
no_dups() {
    local d
    d=$(sq "$W/data-$1/server.db" "SELECT COUNT(*) FROM (SELECT author, seq FROM log GROUP BY 1, 2 HAVING COUNT(*) > 1);")
    eq "$2: no (author, seq) twice in the server log" "$d" 0
}

# waiting DIR: the "Chờ gửi: N mục" count of `tiendo status`.
waiting() {
    timeout $((30 * TD_SLOW)) "$TD" status --dir "$1" 2>/dev/null | sed -n 's/^Chờ gửi: \([0-9]*\) mục.*/\1/p' | head -n 1
}

# wait_for DESC SECONDS CMD...: poll CMD every 20 ms until it succeeds; fail after SECONDS.
wait_for() {
    local desc=$1 secs=$2 i
    shift 2
    for ((i = 0; i < secs * 50 * TD_SLOW; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.02
    done
    fail "$desc: not within ${secs}s"
    return 1
}

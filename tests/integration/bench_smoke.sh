#!/usr/bin/env bash
# bench_smoke.sh — tdbench runs end to end with small sizes (it sets up its
# own CA, server and devices from the built binaries) and prints each figure
# of the benchmark: push entries/s, wire bytes per entry against the entry
# sizes, round trips, the verify rate and the ingest/verify ratio, raw pull
# and replica pull entries/s, the round trips of a sync with nothing new, and
# the server's peak RSS.  The figures themselves are not checked against the
# targets (they vary by machine); a sync with nothing new must take one round
# trip (tdbench exits non-zero otherwise).  TD_BENCH_N / TD_BENCH_M change
# the sizes.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
BENCH=${TD_BUILD_DIR:?}/tdbench
[ -x "$BENCH" ] || die "tdbench not built at $BENCH"
N=${TD_BENCH_N:-3000}
M=${TD_BENCH_M:-3}
BIN=$(dirname "$SRV_BIN")

RC=0
timeout $((300 * TD_SLOW)) "$BENCH" --bin-dir "$BIN" --plan "$PLAN" -n "$N" -m "$M" --work "$W/bench" >"$W/bench.out" 2>"$W/bench.err" || RC=$?
sed 's/^/    /' "$W/bench.out"
eq "tdbench exit status" "$RC" 0
[ "$RC" -eq 0 ] || sed 's/^/    stderr: /' "$W/bench.err"
OUT=$(cat "$W/bench.out")
num='[0-9]+(\.[0-9]+)?'
fig() {
    if grep -qE -- "$2" <<<"$OUT"; then pass "figure: $1"; else fail "figure missing: $1 (/$2/)"; fi
}
fig "push entries/s" "^push: +$N entries .* = $num entries/s"
fig "push round trips" "^push: +round trips: [0-9]+ Push/PushAck"
fig "push wire bytes per entry vs entry size" "^push: +wire bytes per entry: $num up \+ $num down = $num; SignedEntry $num B, Entry.payload $num B"
fig "verify rate on one core" "^verify: .* $num entries/s"
fig "ingest / verify ratio" "^ingest: push rate / verify rate = $num"
fig "raw pull entries/s and round trips" "^pull: +raw Pull/Entries: [0-9]+ entries in $num s = $num entries/s.* [0-9]+ round trips"
fig "pull wire bytes per entry" "^pull: +wire bytes per entry: $num; SignedEntry $num B"
fig "replica pull entries/s" "^pull: +client replica .*: [0-9]+ entries in $num s = $num entries/s"
fig "replica fold rate" "^fold: .* $num entries/s"
fig "round trips of a sync with nothing new" "^sync: +nothing new: Welcome.has_new=false -> 1 round trip"
fig "server peak RSS" "^server: peak RSS \(VmHWM\) $num MiB"
# the worker threads (signature verification) run nicer than the event loop
# (server/serve.c TDS_POOL_NICE), so a push flood does not starve the loop
NICE=$(sed -nE 's/^server: nice of the event loop (-?[0-9]+), of the worker threads (-?[0-9]+)$/\1 \2/p' <<<"$OUT")
if [ -n "$NICE" ] && [ "${NICE#* }" -gt "${NICE% *}" ]; then pass "worker threads nicer than the event loop ($NICE)"
else fail "worker threads not nicer than the event loop (loop, workers: '${NICE}')"; fi
if grep -qE "$TD_SAN_RE" "$W/bench.err" "$W/bench/server.log" 2>/dev/null; then fail "sanitizer report in tdbench or the server"; fi
finish

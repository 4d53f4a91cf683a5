#!/usr/bin/env bash
# converge_model.sh — seeded model-based test of convergence (lib/
# converge_model.py): random short histories over four offices, central and
# an inspector (reports, reviews, conditions, extensions, plan re-imports
# adding/removing a partner, rename/merge/split dated past or future,
# renewals before/after the first push, reinstalls, syncs cut short); after
# every sync the device's replica digest equals the server's view; at the
# end every office equals a fresh device of its agency and every written
# entry is on the server or refused visibly; the count of each kind of
# operation played is printed, and a default run fails if one never ran.
# Default: TD_HISTORIES=64 histories of TD_OPS=16 operations, two at a time
# (TD_MODEL_JOBS; about 1-2 min on a quiet 2-core machine; the base seed
# differs on every run, so the runs together cover more); slowed builds
# (sanitizers or valgrind: TD_SLOW > 1; a sync costs ~5x) play 8 and runs
# under libfaketime (its LD_PRELOAD slows every process start) 12: short
# runs may miss a rare kind (printed as a note, not a failure);
# TD_CHAOS=1: 10,000.  TD_SEED fixes the base seed (printed; a failed
# history prints its own).  The test runs on its own clock (td_use_clock),
# so the periods and dates it writes do not depend on the day it runs.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"   # also exports TZ=Asia/Ho_Chi_Minh
exec </dev/null
SEED=${TD_SEED:-$((RANDOM * 32768 + RANDOM))}
say "base seed $SEED (TD_SEED=$SEED reproduces the run)"
if [ "$TD_CHAOS" = 1 ]; then
    : "${TD_HISTORIES:=10000}"
elif [ "$TD_SLOW" -gt 1 ]; then
    : "${TD_HISTORIES:=8}"
elif [[ "${LD_PRELOAD:-}" == *faketime* ]]; then
    : "${TD_HISTORIES:=12}"
else
    : "${TD_HISTORIES:=64}"
fi
say "$TD_HISTORIES histories of ${TD_OPS:-16} operations"
td_use_clock "2026-06-17 10:00"
sync_pki
"$PKI" crl --dir "$W/ca" >/dev/null 2>&1 || true
[ -s "$W/ca/crl.pem" ] || die "no CRL"
sed 's/^\(47\.\t.*\tSở Y tế\t\)Các ngân hàng/\1Sở Tư pháp, các ngân hàng/' "$PLAN" >"$W/plan-b.txt"
grep -q "Sở Tư pháp, các ngân hàng" "$W/plan-b.txt" || die "plan edit did not apply"
out=$(TIENDO="$TD" TIENDO_SERVER="$SRV_BIN" TIENDO_PKI="$PKI" W="$W" PLAN="$PLAN" TD_SEED="$SEED" \
    TD_HISTORIES="$TD_HISTORIES" TD_OPS="${TD_OPS:-16}" python3 "$(dirname "${BASH_SOURCE[0]}")/lib/converge_model.py") && rc=0 || rc=$?
echo "$out"
if [ "$rc" -eq 0 ]; then pass "model: every history converged (seed $SEED)"; else fail "model: a history diverged (seed $SEED)"; fi
finish

#!/usr/bin/env bash
# converge_model.sh — seeded model-based test of convergence (lib/
# converge_model.py): random short histories over four offices, central and
# an inspector (reports, reviews, conditions, extensions, plan re-imports
# adding/removing a partner, rename/merge/split dated past or future,
# renewals before/after the first push, reinstalls, syncs cut short); after
# every sync the device's replica digest equals the server's view; at the
# end every office equals a fresh device of its agency and every written
# entry is on the server or refused visibly.  Default: TD_HISTORIES=10
# histories of TD_OPS=16 operations (about 2 min); TD_CHAOS=1: 10,000 histories.
# TD_SEED fixes the base seed (printed).
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
export TZ=Asia/Ho_Chi_Minh
exec </dev/null
SEED=${TD_SEED:-$((RANDOM * 32768 + RANDOM))}
say "base seed $SEED (TD_SEED=$SEED reproduces the run)"
if [ "$TD_CHAOS" = 1 ]; then : "${TD_HISTORIES:=10000}"; else : "${TD_HISTORIES:=10}"; fi
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

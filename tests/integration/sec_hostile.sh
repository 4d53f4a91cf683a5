#!/usr/bin/env bash
# sec_hostile.sh — hostile frames from an office with a valid certificate
# (td_blobpeer), and the server's files.
# The bounded hybrid clock (common/entry.h TD_HLC_MAX_SKEW_MS, 24 h):
#   - a report whose hybrid clock is in the year 3000 is refused at push,
#     with the reason, and is not in the log;
#   - one 20 h ahead, on a task the office has no role on: stored, refused by
#     the fold; the central replica pulls it and its clock does not move;
#   - one 2 h ahead on the office's own task (accepted): adopted;
#   - a victim office then records and syncs an honest report: no clock
#     flag ("đồng hồ"), and the server keeps serving everyone.
# Refusals cost the attacker: a report payload above TD_ENTRY_REPORT_MAX
# (128 KiB) is refused at push; 250 refused entries in one Push spend the
# device's budget (TDS_REFUSED_BURST 200, then 1 a second): the PushAck,
# then the session is closed (ERR_BUSY), and its next Push is refused at
# once; other devices sync meanwhile.
# Files: the data directory 0700 and server.db, -wal, -shm 0600, also when
# the directory existed with looser modes.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
BLOBPEER=${TD_TOOL_td_blobpeer:?path of td_blobpeer}

sync_pki
mkdir -m 0755 "$W/data-main"
plan_import main
sv_start main
P=$PORT
S=127.0.0.1:$P
enrol_as yte so-y-te may-xau office "$S"
enrol_as cen so-khcn tonghop-01 central "$S"
enrol_as vic so-y-te may-tot office "$S"
DB=$W/data-main/server.db
tsync cen
tsync vic
now_ms() { date +%s%3N; }
hlc_ms_of() { echo $(( $(sq "$1" "SELECT value FROM meta WHERE key = 'hlc';") >> 16 )); }

say "a report with a hybrid clock in the year 3000"
N0=$(sq "$DB" "SELECT count(*) FROM log;")
run 0 "push" "$BLOBPEER" cite --dir yte --server "$S" --sha "$(printf '%064d' 0)" --task 27 --seq 1 \
    --hlc-ms 32503680000000
expect_out "refused at push" "ack REFUSED"
expect_out "the reason names the bound" "beyond the server's clock + TD_HLC_MAX_SKEW_MS (24 h)"
eq "nothing stored" "$(sq "$DB" "SELECT count(*) FROM log;")" "$N0"
run 0 "the largest clock (ms 2^48-1) as well" "$BLOBPEER" cite --dir yte --server "$S" --sha "$(printf '%064d' 0)" --task 27 --seq 1 \
    --hlc-ms 281474976710655
expect_out "refused at push" "ack REFUSED"
log_has main "the refusal is in the operator log" "beyond the server's clock"

say "20 h ahead on a task not its own: stored, refused by the fold, never adopted"
AHEAD=$(( $(now_ms) + 20 * 3600 * 1000 ))
run 0 "push" "$BLOBPEER" cite --dir yte --server "$S" --sha "$(printf '%064d' 0)" --task 32 --seq 1 \
    --hlc-ms "$AHEAD"
expect_out "stored (within the bound)" "ack STORED"
tsync cen
eq "central sync" "$SYNC_RC" 0
IDX=$(sq "$DB" "SELECT max(idx) FROM log;")
eq "central pulled it" "$(sq cen/replica.db "SELECT count(*) FROM pulled WHERE idx = $IDX;")" 1
C1=$(hlc_ms_of cen/replica.db)
[ "$C1" -lt $(( $(now_ms) + 3600 * 1000 )) ] && pass "central's clock did not adopt the refused entry's ($C1)" ||
    fail "central's clock moved to $C1 (refused entry at $AHEAD)"

say "2 h ahead on its own task: accepted, adopted"
NEAR=$(( $(now_ms) + 2 * 3600 * 1000 ))
run 0 "push" "$BLOBPEER" cite --dir yte --server "$S" --sha "$(printf '%064d' 0)" --task 27 --seq 2 \
    --hlc-ms "$NEAR"
expect_out "stored" "ack STORED"
tsync cen
C2=$(hlc_ms_of cen/replica.db)
[ "$C2" -ge "$NEAR" ] && pass "central adopted the accepted clock within the bound" ||
    fail "central's clock $C2 < $NEAR"

say "the victim's next honest report"
tsync vic
eq "victim sync" "$SYNC_RC" 0
report vic 27 2025-06 --state dang --percent 30 --result "Đã triển khai"
tsync vic
eq "victim's report stored" "$(sq vic/replica.db "SELECT group_concat(status) FROM outbox;")" "stored"
run 0 "victim status" "$TD" status --dir vic
if grep -q "đồng hồ" <<<"$OUT"; then fail "the victim's report is flagged for its clock"; else pass "no clock flag"; fi
run 0 "the server still serves: central syncs" "$TD" sync --dir cen
srv_alive main && pass "server still running" || fail "server died"

say "refusals that cost the attacker"
run 0 "a report of 140000 bytes" "$BLOBPEER" cite --dir yte --server "$S" --sha "$(printf '%064d' 0)" --task 27 \
    --seq 3 --pad 140000
expect_out "refused at push" "ack REFUSED"
expect_out "names the bound" "exceeds its bound of 131072 bytes"
run 0 "250 refused entries in one Push" "$BLOBPEER" cite --dir yte --server "$S" --sha "$(printf '%064d' 0)" \
    --task 27 --seq 3 --count 250 --hlc-ms 32503680000000
expect_out "all refused" "acks stored=0 refused=250"
# the server's Error may arrive with the PushAck (the client then finds the
# link closed) or after it; the operator log below names the budget
if grep -qE "refused-entry budget spent|connection already closed" <<<"$OUT"; then pass "then the session is closed"; else
    fail "the session was not closed: $OUT"; fi
log_has main "the budget is in the operator log" "refused-entry budget spent"
run 1 "the next session's Push is refused at once" "$BLOBPEER" cite --dir yte --server "$S" \
    --sha "$(printf '%064d' 0)" --task 27 --seq 3
expect_out "throttled" "may push again in"
report vic 27 2025-07 --state dang --percent 40 --result "Đang triển khai"
tsync vic
eq "another device of the same agency still pushes" "$SYNC_RC" 0
run 0 "central still syncs" "$TD" sync --dir cen
srv_alive main && pass "server still running" || fail "server died"

say "file modes"
eq "data directory 0700 (it existed as 0755)" "$(stat -c %a "$W/data-main")" 700
for f in server.db server.db-wal server.db-shm; do
    eq "$f is 0600" "$(stat -c %a "$W/data-main/$f")" 600
done
sv_stop main
finish

#!/usr/bin/env bash
# digest_upgrade.sh — `tiendo-server upgrade-digest` (docs/LOG.md §9): a log
# made before the incremental state digest (v1 checkpoints) moves to v2.
#   - a log started on v1 (TIENDO_TEST_STATE_DIGEST=1 plays a log of that
#     time) signs "tiendo-state" checkpoints;
#   - the command refuses while the server runs (its lock) and on a damaged
#     database, changing nothing;
#   - with the server stopped it records the switch; run again it says the
#     log is already on v2 and changes nothing;
#   - served again, the next commit signs a "tiendo-state-v2" checkpoint, an
#     office and a central device sync across the switch (their consistency
#     proofs span both), their views equal the server's, and `tiendo audit
#     verify` passes on the server's log and on the central replica, v1 and
#     v2 checkpoints each checked against the digest it names.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
exec </dev/null
unset TIENDO_TODAY
TIENDO_TEST_CLOCK="2025-06-17 10:00:00@$(date +%s)"
export TIENDO_TEST_CLOCK
K=(--data "$W/data-main" "${SRV_KEYS[@]}")
DB=$W/data-main/server.db
v1_count() { sq "$DB" "SELECT count(*) FROM checkpoint WHERE note LIKE '%tiendo-state %'"; }
v2_count() { sq "$DB" "SELECT count(*) FROM checkpoint WHERE note LIKE '%tiendo-state-v2 %'"; }

say "a log of the v1 time: plan, an office and central, reports"
sync_pki
TIENDO_TEST_STATE_DIGEST=1 plan_import main
sv_start main
P=$PORT
enrol_as "$W/dev" so-khcn vanthu-01 office "127.0.0.1:$P"
enrol_as "$W/cen" so-khcn central-01 central "127.0.0.1:$P"
tsync "$W/dev"; eq "office: first sync" "$SYNC_RC" 0
report "$W/dev" 1 06/2025 --state dang --percent 20 --result "Đang triển khai" --no-prompt
tsync "$W/dev"; eq "office: report pushed" "$SYNC_RC" 0
tsync "$W/cen"; eq "central: first sync" "$SYNC_RC" 0
ge "v1 checkpoints signed" "$(v1_count)" 1
eq "no v2 checkpoint yet" "$(v2_count)" 0

say "refused while the server runs"
run 1 "upgrade-digest with the server running" "$SRV_BIN" upgrade-digest "${K[@]}"
expect_err "names the running server" "máy chủ đang chạy"
eq "nothing recorded" "$(sq "$DB" "SELECT count(*) FROM meta WHERE key = 'state_digest_v2'")" 0
sv_stop main

say "refused on a damaged database"
mkdir -p "$W/data-bad"
cp "$DB" "$W/data-bad/server.db"
sq "$W/data-bad/server.db" "DROP TRIGGER IF EXISTS tree_no_update; UPDATE tree SET hash = zeroblob(32) WHERE level = 0 AND idx = 1;" ||
    die "could not damage the copy"
run 1 "upgrade-digest on a damaged copy" "$SRV_BIN" upgrade-digest --data "$W/data-bad" --ca "$W/ca/ca.crt" \
    --cert "$W/srv.crt" --key "$W/srv.key"
expect_err "says nothing was changed" "không thay đổi gì"
eq "damaged copy: nothing recorded" "$(sq "$W/data-bad/server.db" "SELECT count(*) FROM meta WHERE key = 'state_digest_v2'")" 0

say "the upgrade, then again"
size=$(sq "$DB" "SELECT max(size) FROM checkpoint")
run 0 "upgrade-digest" "$SRV_BIN" upgrade-digest "${K[@]}"
expect_out "switch recorded after the last v1 checkpoint" "đến kích thước $size giữ phiên bản 1"
eq "meta records the last v1 size" "$(sq "$DB" "SELECT CAST(value AS TEXT) FROM meta WHERE key = 'state_digest_v2'")" "$size"
run 0 "upgrade-digest again" "$SRV_BIN" upgrade-digest "${K[@]}"
expect_out "already on v2" "đã dùng mã băm trạng thái phiên bản 2"
eq "one switch recorded" "$(sq "$DB" "SELECT count(*) FROM meta WHERE key = 'state_digest_v2'")" 1
run 0 "upgrade-digest --help" "$SRV_BIN" upgrade-digest --help
expect_out "help in Vietnamese" "Cách dùng: tiendo-server upgrade-digest"

say "served on v2: sync across the switch, audit verify"
sv_start main "127.0.0.1:$P"
report "$W/dev" 26 06/2025 --state dang --percent 40 --result "Đang khảo sát" --no-prompt
tsync "$W/dev"; eq "office: sync after the upgrade" "$SYNC_RC" 0
ge "a v2 checkpoint signed" "$(v2_count)" 1
eq "no v1 checkpoint above the switch" "$(sq "$DB" "SELECT count(*) FROM checkpoint WHERE size > $size AND note NOT LIKE '%tiendo-state-v2 %'")" 0
tsync "$W/cen"; eq "central: sync across the switch" "$SYNC_RC" 0
check_digest "office after the upgrade" main "$W/dev" so-khcn
check_digest "central after the upgrade" main "$W/cen" so-khcn central
sv_stop main
sq "$DB" ".backup '$W/copy.db'"
run 0 "audit verify of the server's log across the switch" "$TD" audit verify --db "$W/copy.db" --ca "$W/ca/ca.crt"
run 0 "audit verify of the central replica across the switch" "$TD" audit verify --dir "$W/cen"
finish

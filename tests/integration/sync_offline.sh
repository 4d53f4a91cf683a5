#!/usr/bin/env bash
# sync_offline.sh — an office works while the server is down (docs/ARCHITECTURE.md
# §3): 5 reports and an indicator value recorded
# offline; `tiendo sync` fails with a Vietnamese message and exit 1 and keeps
# everything; when the server is up, ONE `tiendo sync` delivers all of them
# and pulls the plan; `tiendo status` then shows nothing waiting; the server
# log holds the 6 entries once; the replica's derived state equals the
# server's view for the agency (digests); a second sync with nothing new
# succeeds too.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

AG=so-khcn
say "PKI, plan import, enrolment of an office of $AG"
sync_pki
plan_import main
# The device is enrolled against the server's address; then the server goes
# down and stays down while the office works.
sv_start main
P=$PORT
enrol_as dev "$AG" vanthu-01 office "127.0.0.1:$P"
sv_stop main

say "offline: 5 reports and 1 indicator value into the outbox"
report dev 1 2025-03 --state dang --percent 30 --result "Đã ban hành kế hoạch tuyên truyền"
report dev 1 2025-04 --state dang --percent 60 --result "Đã tổ chức 3 hội nghị"
report dev 2 2025-02 --state xong --done-date 20/02/2025 --result "Kế hoạch số 12/KH-SKHCN"
report dev 26 2025-03 --state dang --percent 10 --result "Đang xây dựng dự toán" --difficulties "Thiếu kinh phí"
report dev 27 2025-05 --state chua
run 0 "indicator value offline" "$TD" indicator --dir dev --code 7.1 --period 2025-06 --value 42,5
run 0 "status offline" "$TD" status --dir dev
expect_out "status offline" "Chờ gửi: 6 mục"

run 1 "sync with the server down fails with exit 1" "$TD" sync --dir dev
if grep -qE '[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]' <<<"$ERR"; then
    pass "sync failure is explained in Vietnamese: $(head -n 1 <<<"$ERR")"
else
    fail "sync failure message is not Vietnamese: $ERR"
fi
run 0 "status after the failed sync" "$TD" status --dir dev
expect_out "nothing lost by the failed sync" "Chờ gửi: 6 mục"
expect_out "no successful sync yet" "chưa bao giờ"

say "server up on the same address: one sync delivers everything"
sv_start main "127.0.0.1:$P"
eq "server back on the enrolled port" "$PORT" "$P"
run 0 "one tiendo sync" "$TD" sync --dir dev
run 0 "status after the sync" "$TD" status --dir dev
expect_out "nothing waiting" "Chờ gửi: 0 mục"
expect_out "all 6 acknowledged" "Đã gửi và được máy chủ lưu: 6 mục"
expect_out "the plan was pulled" "Kế hoạch: 726"
if grep -q "chưa bao giờ" <<<"$OUT"; then fail "status still says never synced"; else pass "status shows the last successful sync"; fi

DB=$W/data-main/server.db
eq "server log: 5 reports of $AG" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='$AG' AND kind=20;")" 5
eq "server log: 1 indicator value of $AG" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='$AG' AND kind=21;")" 1
eq "server log: seqs 1..6 of the device" "$(sq "$DB" "SELECT group_concat(seq) FROM (SELECT seq FROM log WHERE agency='$AG' AND kind IN (20,21) ORDER BY seq);")" "1,2,3,4,5,6"
no_dups main "after the offline sync"
eq "replica: outbox all acked with their log index" \
    "$(sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status IN ('stored','duplicate') AND idx > 0;")" 6

run 0 "tiendo-server state" "$SRV_BIN" state --data "$W/data-main" "${SRV_KEYS[@]}" --agency "$AG" --role office
expect_out "server state: the 5 reports" "Báo cáo tiến độ hiện hành: 5"
expect_out "server state: the indicator value" "Giá trị chỉ tiêu: 1"
expect_out "server state: nothing refused" "Bản ghi bị từ chối: 0"
check_digest "after the offline sync" main dev "$AG"

say "a second sync with nothing new"
mark_log main
run 0 "second sync" "$TD" sync --dir dev
# one round trip after the handshake: the server received Hello and Bye only
log_has main "sync with nothing new" "so-khcn/vanthu-01: session closed (by server), 2 frames"
run 0 "status after the second sync" "$TD" status --dir dev
expect_out "still nothing waiting" "Chờ gửi: 0 mục"
check_digest "after the second sync" main dev "$AG"
say "sync --watch: sends what is recorded while it runs; SIGINT (Ctrl-C) ends it, at once also while it waits on a server that never answers"
pending() { sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status = 'pending';"; }
none_pending() { [ "$(pending)" = 0 ]; }
"$TD" sync --dir dev --watch --interval 1 >"$W/watch.out" 2>&1 &
WPID=$!
BG_PIDS+=("$WPID")
report dev 1 2025-05 --state dang --percent 70 --result "Đã tổ chức 5 hội nghị"
wait_for "the watch sent the report recorded while it ran" 30 none_pending && pass "sent by the watch"
report dev 1 2025-06 --state dang --percent 80 --result "Đã tổ chức 6 hội nghị"
wait_for "the watch sent the next one too" 30 none_pending && pass "sent by the watch, a later round"
kill -INT "$WPID"
rc=0
wait "$WPID" || rc=$?
eq "sync --watch exits 0 on SIGINT" "$rc" 0
expect_in "sync --watch says it stopped" "$W/watch.out" "Đã dừng đồng bộ liên tục."
mute_start
"$TD" sync --dir dev --watch --server "$MUTE" >"$W/watch-mute.out" 2>&1 &
WPID=$!
BG_PIDS+=("$WPID")
sleep 1   # connected; its TLS handshake waits (TDC_CONNECT_TIMEOUT_MS, 20 s)
T0=$(date +%s%N)
kill -INT "$WPID"
rc=0
wait "$WPID" || rc=$?
le "sync --watch ended while waiting on a server that never answers (ms)" $((($(date +%s%N) - T0) / 1000000)) 10000
eq "and exits 0" "$rc" 0
kill "$MUTE_PID"
wait "$MUTE_PID" 2>/dev/null || true
check_digest "after the watch" main dev "$AG"
stop_server main
finish

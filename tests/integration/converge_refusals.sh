#!/usr/bin/env bash
# converge_refusals.sh — refusals the writer sees, in Vietnamese with what to
# do: central reviews a report that the office has meanwhile superseded; the
# server stores the review but the fold refuses it.  Central's `tiendo sync`
# counts it ("bị từ chối 1") and explains it; `tiendo status` and `tiendo
# todo` show it with what to do; an indicator the agency does not monitor is
# refused before signing (nothing enters the outbox).
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"   # also exports TZ=Asia/Ho_Chi_Minh
exec </dev/null
mid_month

sync_main
enrol_as "$W/yte" so-y-te pc-01 office "127.0.0.1:$P"
enrol_as "$W/khcn" so-khcn central-01 central "127.0.0.1:$P"

report "$W/yte" 47 "$PER" --state dang --percent 20 --result "Phiên bản 1"
tsync "$W/yte"
tsync "$W/khcn"
eq "central pulls version 1" "$SYNC_RC" 0
report "$W/yte" 47 "$PER" --state dang --percent 30 --result "Phiên bản 2"
tsync "$W/yte"
run 0 "central accepts version 1 (its replica's current)" "$TD" review 47 --dir "$W/khcn" --agency so-y-te --period "$PER" --accept
tsync "$W/khcn"
eq "central syncs" "$SYNC_RC" 0
grep -q "bị từ chối 1" "$W/.sync.out" && pass "sync summary counts the fold's refusal" ||
    fail "sync summary: $(cat "$W/.sync.out")"
grep -q "phiên bản mới" "$W/.sync.out" && grep -q "Cần làm" "$W/.sync.out" &&
    pass "sync explains it in Vietnamese with what to do" || fail "sync output: $(cat "$W/.sync.out")"
"$TD" status --dir "$W/khcn" >"$W/st.txt" 2>&1 || true
grep -q "Tổng số mục bị từ chối: 1" "$W/st.txt" && grep -q "thẩm định lại" "$W/st.txt" &&
    pass "status shows the refusal and what to do" || fail "status: $(cat "$W/st.txt")"
"$TD" todo --dir "$W/khcn" >"$W/todo.txt" 2>&1 || true
grep -q "thẩm định lại" "$W/todo.txt" && pass "todo shows the refusal" || fail "todo: $(cat "$W/todo.txt")"
check_digest "central" main "$W/khcn" so-khcn central

say "indicator the agency does not monitor: refused before signing"
before=$(sq "$W/yte/replica.db" "SELECT COUNT(*) FROM outbox;")
if "$TD" indicator --dir "$W/yte" --code 7.1 --period "$PER" --value 82,5 >"$W/ind.out" 2>&1; then
    fail "indicator not monitored was accepted: $(cat "$W/ind.out")"
else
    pass "indicator not monitored refused before signing: $(head -c 160 "$W/ind.out" | tr '\n' ' ')"
fi
eq "nothing entered the outbox" "$(sq "$W/yte/replica.db" "SELECT COUNT(*) FROM outbox;")" "$before"

sv_stop main
finish

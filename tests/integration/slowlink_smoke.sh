#!/usr/bin/env bash
# slowlink_smoke.sh — the slow-link scenario (bench/slowlink.sh; figures in
# BENCHMARKS.md): one office syncs a
# month's reports through td_proxy shaped to 64 kbit/s with 300 ms round
# trips (--rate-bps 64000, --delay-ms 150 each way).  The office has pulled
# the plan before (a direct sync), then records R progress reports with
# Vietnamese text offline, then one `tiendo sync` through the slow link.
# Prints the time and the bytes each way; checks that every report was
# stored (outbox all 'stored') and the replica holds them back from the log.
#
# Sizes: TD_SLOWLINK_REPORTS (default 10; bench/slowlink.sh: 100),
# TD_SLOWLINK_BPS (default 64000), TD_SLOWLINK_DELAY_MS (one way, default 150).
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
R=${TD_SLOWLINK_REPORTS:-10}
BPS=${TD_SLOWLINK_BPS:-64000}
DELAY=${TD_SLOWLINK_DELAY_MS:-150}
sync_pki
plan_import s
sv_start s
mkdir -p "$W/dev"
enrol_as "$W/dev/office" so-noi-vu slow-office office "127.0.0.1:$PORT"
tsync "$W/dev/office"
eq "first sync (the plan, direct)" "$SYNC_RC" 0
# A month's reports: tasks 1 and 27 (Sở Nội vụ is a partner of both), with
# result, difficulties and proposals in Vietnamese.
for ((i = 1; i <= R; i++)); do
    report "$W/dev/office" $((i % 2 ? 1 : 27)) "2025-$(printf %02d $(( (i - 1) % 12 + 1 )))" --percent $((i % 100)) \
        --result "Đã tổ chức hội nghị triển khai Nghị quyết 57-NQ/TW tới cán bộ, công chức; hoàn thành số hóa hồ sơ đợt $i." \
        --difficulties "Đường truyền Internet tại xã còn chập chờn, thiếu cán bộ chuyên trách công nghệ thông tin." \
        --proposals "Đề nghị Sở Khoa học và Công nghệ hỗ trợ kinh phí nâng cấp hạ tầng mạng."
done
pending=$(sq "$W/dev/office/replica.db" "SELECT count(*) FROM outbox WHERE status='pending'")
eq "reports waiting in the outbox" "$pending" "$R"
px_start slow "$PORT" --rate-bps "$BPS" --delay-ms "$DELAY"
t0=$(date +%s.%N)   # an elapsed time, printed; no date is judged
tsync "$W/dev/office" --server "127.0.0.1:$PX_PORT"
t1=$(date +%s.%N)
eq "sync through the slow link" "$SYNC_RC" 0
[ "$SYNC_RC" -eq 0 ] || sed 's/^/    /' "$W/.sync.err"
px_stop "$PX_PID"
stored=$(sq "$W/dev/office/replica.db" "SELECT count(*) FROM outbox WHERE status='stored'")
eq "reports stored by the server" "$stored" "$R"
line=$(grep -E "^conn [0-9]+: up=" "$W/slow.out" | tail -1)
up=$(sed -nE 's/.* up=([0-9]+) .*/\1/p' <<<"$line")
down=$(sed -nE 's/.* down=([0-9]+) .*/\1/p' <<<"$line")
body=$(sq "$W/dev/office/replica.db" "SELECT sum(length(body)) FROM outbox")
awk -v r="$R" -v t0="$t0" -v t1="$t1" -v up="$up" -v dn="$down" -v b="$body" -v bps="$BPS" -v d="$DELAY" 'BEGIN {
    printf "    slow link %d bit/s, RTT %d ms: %d reports (%d B of SignedEntry, %.0f B each) in %.2f s; wire %d B up + %d B down = %d B (%.0f B per report, TLS handshake included); the bytes alone need %.2f s at this rate\n",
        bps, 2 * d, r, b, b / r, t1 - t0, up, dn, up + dn, (up + dn) / r, (up + dn) * 8 / bps }'
[ -n "$up" ] && [ "$up" -gt "$body" ] && pass "the reports went through the proxy ($up B up)" || fail "proxy counted $up B up, reports are $body B"
sv_stop s
finish

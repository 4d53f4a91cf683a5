#!/usr/bin/env bash
# sync_refuse.sh — refusals at push, visibility and conflicts (docs/LOG.md
# §3, §5, §7):
#   1. td_forge pushes, in ONE Push with valid entries, a forged signature, an
#      entry signed by another key than the TLS peer's, a sequence gap, an
#      unknown kind (99) and an entry naming another agency: each bad one is
#      refused with a reason that names the problem, each valid one stored;
#      re-sent valid ones come back as duplicates with the same index; nothing
#      refused is in the log; a second round from the same device still works.
#   2. Normal syncs still work.  Visibility: so-y-te (A) does not see
#      so-tu-phap's (B) entries on task 23 (B leads it; A is neither lead nor
#      partner) but does see B's entries on task 21 (group-led by "Các sở,
#      ban, ngành": both lead it); a district (C) sees neither; B sees A's
#      report on task 27 (B is a partner through "Các sở, ban, ngành, cơ
#      quan, đơn vị, địa phương").  Replica digests equal the server's views.
#   3. Conflict: two devices of so-y-te report the same (task 27, 2025-07);
#      after both sync, `tiendo status` on each shows the conflict, both
#      entries are in the log, and both replicas derive the same state.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
[ -n "$FORGE" ] || die "TD_TOOL_td_forge is not set"

sync_main
S=127.0.0.1:$P
enrol_as devA so-y-te may-a1 office "$S"
enrol_as devA2 so-y-te may-a2 office "$S"
enrol_as devB so-tu-phap may-b1 office "$S"
enrol_as devC ubnd-chi-linh may-c1 office "$S"
enrol_as devF so-tu-phap may-forge office "$S"
DB=$W/data-main/server.db

say "1. forged entries in one Push with valid ones"
run 0 "td_forge: refusals" "$FORGE" --dir devF --task 23 --period 2025-06
echo "$OUT" | sed 's/^/    /'
expect_out "td_forge" "valid stored: 4/4"
expect_out "td_forge" "forged refused with the right reason: 5/5"
expect_out "td_forge" "duplicates with the same index: 4/4"
for l in badsig otherkey gap kind99 agency; do
    if grep -qE "^ *$l .*REFUSED .*reason=\".+\" +ok$" <<<"$OUT"; then pass "refused with a reason: $l"; else fail "$l not refused with a reason"; fi
done
eq "log: the 4 valid forge entries only" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='so-tu-phap';")" 4
eq "log: no entry of kind 99" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE kind NOT IN (1,2,10,11,20,21,22,23);")" 0
eq "log: no entry naming so-y-te yet" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='so-y-te';")" 0
no_dups main "after the forgeries"
run 0 "td_forge: a second round from the same device (seq 5..)" "$FORGE" --dir devF --task 23 --period 2025-07 --first-seq 5
expect_out "td_forge round 2" "td_forge: all as expected"
eq "log: 8 forge-device entries" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='so-tu-phap';")" 8

say "2. normal syncs and visibility"
report devB 23 2025-06 --result "Đã kết nối 80% dữ liệu hộ tịch"
report devB 21 2025-06 --result "Đã tái cấu trúc 12 quy trình"
run 0 "sync B" "$TD" sync --dir devB
report devA 27 2025-06 --result "Đã số hóa kho dữ liệu y tế"
report devA 21 2025-06 --result "Sở Y tế: 5 quy trình"
run 0 "sync A" "$TD" sync --dir devA
run 0 "sync B again (pulls A's report)" "$TD" sync --dir devB
run 0 "sync C" "$TD" sync --dir devC
eq "log: B's report on task 23 is on the server" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE agency='so-tu-phap' AND task=23 AND kind=20;")" 9
"$FORGE" --dump-replica devA >"$W/dumpA" 2>/dev/null || fail "dump A's replica"
"$FORGE" --dump-replica devB >"$W/dumpB" 2>/dev/null || fail "dump B's replica"
"$FORGE" --dump-replica devC >"$W/dumpC" 2>/dev/null || fail "dump C's replica"
cnt() { grep -c -- "$2" "$1" || true; }
eq "A sees no so-tu-phap entry on task 23" "$(cnt "$W/dumpA" "agency=so-tu-phap seq=[0-9]* task=23 ")" 0
eq "A sees B's entry on task 21 (both lead it)" "$(cnt "$W/dumpA" "agency=so-tu-phap seq=[0-9]* task=21 ")" 1
ge "A sees the plan" "$(cnt "$W/dumpA" "kind=plan")" 1
eq "C (district) sees nothing of B on tasks 21 and 23" "$(cnt "$W/dumpC" "agency=so-tu-phap seq=[0-9]* task=2[13] ")" 0
eq "C sees nothing of A on task 21" "$(cnt "$W/dumpC" "agency=so-y-te seq=[0-9]* task=21 ")" 0
eq "C sees A's report on task 27 (partner through the group of all agencies)" "$(cnt "$W/dumpC" "agency=so-y-te seq=[0-9]* task=27 ")" 1
eq "B sees its own and the forge device's task-23 entries" "$(cnt "$W/dumpB" "agency=so-tu-phap seq=[0-9]* task=23 ")" 9
eq "B sees A's report on task 27" "$(cnt "$W/dumpB" "agency=so-y-te seq=[0-9]* task=27 ")" 1
run 0 "status of A" "$TD" status --dir devA
expect_out "A: nothing waiting" "Chờ gửi: 0 mục"
check_digest "A (so-y-te)" main devA so-y-te
check_digest "B (so-tu-phap)" main devB so-tu-phap
check_digest "C (ubnd-chi-linh)" main devC ubnd-chi-linh

say "3. two devices of so-y-te report the same (task 27, 2025-07)"
report devA 27 2025-07 --percent 40 --result "Máy A: 40%"
report devA2 27 2025-07 --percent 55 --result "Máy A2: 55%"
run 0 "sync A" "$TD" sync --dir devA
run 0 "sync A2" "$TD" sync --dir devA2
run 0 "sync A again" "$TD" sync --dir devA
eq "both entries are in the log" "$(sq "$DB" "SELECT COUNT(DISTINCT author) FROM log WHERE agency='so-y-te' AND task=27 AND kind=20;")" 2
for d in devA devA2; do
    run 0 "status of $d" "$TD" status --dir "$d"
    expect_out "$d shows the conflict" "Xung đột (hai thiết bị cùng báo cáo một nhiệm vụ, một kỳ): 1"
    expect_out "$d names the task and period" "nhiệm vụ 27, kỳ 07/2025"
    check_digest "$d after the conflict" main "$d" so-y-te
done
eq "both devices derive the same state" "$(cli_digest devA)" "$(cli_digest devA2)"
say "tiendo todo shows the conflict: versions, devices, what to do"
for d in devA devA2; do
    run 0 "todo of $d" "$TD" todo --dir "$d"
    expect_out "$d todo: the conflict" "Xung đột báo cáo"
    expect_out "$d todo: the task and period" "NV 27"
    expect_out "$d todo: device A's version" "$(sed -n 's/^device *= *//p' devA/config | head -n 1)"
    expect_out "$d todo: device A2's version" "$(sed -n 's/^device *= *//p' devA2/config | head -n 1)"
    expect_out "$d todo: percent of each" "55%"
    expect_out "$d todo: the command to settle it" "tiendo report 27 --period 2025-07"
done
grep -A5 "Xung đột báo cáo" <<<"$OUT" | sed 's/^/    | /'

report devA 27 2025-07 --percent 60 --result "Thống nhất: 60%"
run 0 "sync A (the settling report)" "$TD" sync --dir devA
run 0 "todo of A after the settling report" "$TD" todo --dir devA
if grep -q "Xung đột báo cáo" <<<"$OUT"; then fail "the conflict is still shown after a newer report"; else
    pass "settled: a report newer than both versions closes the conflict"; fi
stop_server main
finish

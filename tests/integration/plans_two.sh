#!/usr/bin/env bash
# plans_two.sh — one server, two plans (docs/LOG.md §14): Kế hoạch 726 of Hải
# Dương, then the Hải Phòng plan for Nghị quyết 57 from CSV
# (data/plans/245-KH-UBND-HP.*.csv, leads include new wards and communes).
#   - so-khcn leads tasks in both: `tiendo tasks` and `tiendo todo` show both
#     plans' tasks, each with its plan ("726:1", "245:4");
#   - reports: a number only one of its plans has for it needs no --plan
#     (245:4); a number both have is refused with a Vietnamese message that
#     lists the plans; --plan and KẾ_HOẠCH:SỐ choose;
#   - a ward's office sees its plan-245 task; central reviews in both plans;
#   - the monthly report per plan (--plan) and combined has the right rows;
#   - `audit verify` passes on the server's log, and on the single-plan log of
#     tests/fixtures/log_v1 (written before plans were named);
#   - a fresh device of so-khcn derives the server's view (digest);
#   - re-importing plan 245 (edited) leaves plan 726 as it was;
#   - an agency split assigns a plan-245 task by its key.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
exec </dev/null
unset TIENDO_TODAY
TIENDO_TEST_CLOCK="2025-09-10 10:00:00@$(date +%s)"
export TIENDO_TEST_CLOCK

P245=$TD_SOURCE_DIR/data/plans/245-KH-UBND-HP
K=(--data "$W/data-main" "${SRV_KEYS[@]}")
HP=(--plan 245/KH-UBND --title "Kế hoạch thực hiện Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ,
đổi mới sáng tạo và chuyển đổi số" --issuer "UBND thành phố Hải Phòng" --date 15/08/2025)

say "726 from its text, the new wards and communes, then plan 245 from CSV"
sync_pki
plan_import main
run 0 "ward Lê Thanh Nghị" "$SRV_BIN" agency add phuong-le-thanh-nghi "Phường Lê Thanh Nghị" --kind commune --date 01/07/2025 "${K[@]}"
run 0 "commune Gia Lộc" "$SRV_BIN" agency add xa-gia-loc "Xã Gia Lộc" --kind commune --date 01/07/2025 "${K[@]}"
run 0 "ward Thành Đông" "$SRV_BIN" agency add phuong-thanh-dong "Phường Thành Đông" --kind commune --date 01/07/2025 "${K[@]}"
run 0 "import plan 245 from CSV" "$SRV_BIN" plan import "$P245.tasks.csv" "$P245.indicators.csv" "${HP[@]}" --apply "${K[@]}"
expect_out "import: saved as a plan" "Đã lưu kế hoạch (20 nhiệm vụ, 4 dòng chỉ tiêu)"
"$SRV_BIN" plan export --csv --plan 726 --data "$W/data-main" --out "$W/726-before.csv" 2>/dev/null || die "export 726"
run 0 "plan show --plan 245" "$SRV_BIN" plan show --plan 245 --data "$W/data-main"
expect_out "plan 245 listed" "Kế hoạch số 245/KH-UBND ngày 15/08/2025 — 20 nhiệm vụ"
run 0 "plan show: the default plan without --plan" "$SRV_BIN" plan show --data "$W/data-main"
expect_out "default plan 726" "Kế hoạch số 726/KH-UBND"
run 1 "plan show --plan of an unknown plan" "$SRV_BIN" plan show --plan 999 --data "$W/data-main"
expect_err "unknown plan named, choices listed" "không có kế hoạch \"999\"; các kế hoạch: 726/KH-UBND, 245/KH-UBND"

sv_start main
P=$PORT
enrol_as "$W/dev" so-khcn vanthu-01 office "127.0.0.1:$P"
enrol_as "$W/cen" so-khcn central-01 central "127.0.0.1:$P"
enrol_as "$W/ward" phuong-le-thanh-nghi vanthu-01 office "127.0.0.1:$P"
for d in dev cen ward; do tsync "$W/$d"; eq "$d: first sync" "$SYNC_RC" 0; done

say "a client of protocol 4 reads no plan field: refused in words while the server holds two plans"
TIENDO_PROTO_MAX=4 tsync "$W/dev"
if [ "$SYNC_RC" != 0 ]; then pass "protocol 4 sync refused (exit $SYNC_RC)"; else fail "protocol 4 sync accepted"; fi
if grep -q "nhiều kế hoạch" "$W/.sync.err" "$W/.sync.out"; then pass "protocol 4: told to update"; else
    fail "protocol 4: no word about several plans: $(head -c 400 "$W/.sync.err")"; fi

say "so-khcn sees both plans"
run 0 "tasks" "$TD" tasks --dir "$W/dev"
expect_out "tasks: 726's task 1" "726:1 "
expect_out "tasks: 245's task 4" "245:4 "
# the TT column widens for "245:18" and the table still fits 80 columns
wide=$(python3 -c 'import sys, unicodedata as u
print(max(sum(0 if u.combining(c) else 1 for c in u.normalize("NFC", l)) for l in sys.stdin.read().splitlines()))' <<<"$OUT")
if [ "$wide" -le 80 ]; then pass "tasks: at most 80 columns with plan keys ($wide)"; else fail "tasks: $wide columns"; fi
if grep -qE '^ *245:18 ' <<<"$OUT" && [ "$(grep -E '^ *726:1 ' <<<"$OUT" | head -1 | cut -c1-7)" = " 726:1 " ]; then
    pass "tasks: keys right-aligned in one column"
else
    fail "tasks: TT column misaligned: $(grep -E '726:1 |245:18 ' <<<"$OUT" | head -2)"
fi
expect_out "tasks: 245's task 18" "245:18 "
run 0 "todo" "$TD" todo --dir "$W/dev"
expect_out "todo: owes a 726 task" "NV 726:"
run 0 "ward: tasks" "$TD" tasks --dir "$W/ward"
expect_out "the ward leads 245:15" "245:15 "

say "reports: addressing with and without --plan"
run 2 "report 1: two plans have a task 1 for so-khcn" "$TD" report 1 --dir "$W/dev" --period 09/2025 --state dang \
    --percent 30 --result "x" --no-prompt
expect_err "ambiguity says so" "nhiệm vụ số 1 có trong nhiều kế hoạch"
expect_err "ambiguity lists 726" "726/KH-UBND (--plan 726)"
expect_err "ambiguity lists 245" "245/KH-UBND (--plan 245)"
eq "nothing queued by the refused report" "$(sq "$W/dev/replica.db" "SELECT COUNT(*) FROM outbox;")" 0
run 0 "report 1 --plan 726" "$TD" report 1 --plan 726 --dir "$W/dev" --period 09/2025 --state xong --percent 100 \
    --result "Đã ban hành chương trình hành động" --no-prompt
run 0 "report 4 without --plan: only 245 has a task 4 for so-khcn" "$TD" report 4 --dir "$W/dev" --period 09/2025 \
    --state xong --percent 100 --result "Đã trình HĐND thành phố dự thảo Nghị quyết sandbox" --no-prompt
run 0 "report 245:7 (plan in the number)" "$TD" report 245:7 --dir "$W/dev" --period 09/2025 --state dang \
    --percent 20 --result "Đã khảo sát địa điểm Trung tâm dữ liệu" --no-prompt
run 1 "report --plan of an unknown plan" "$TD" report 7 --plan 57 --dir "$W/dev" --period 09/2025 --state dang \
    --percent 20 --result "x" --no-prompt
expect_err "unknown plan: the choices" "không có kế hoạch \"57\""
run 0 "todo: what is written covers both plans" "$TD" todo --dir "$W/dev"
expect_out "todo: reports written for obligations in both plans" "Đã ghi, chờ gửi: NV 726:1, 245:4, 245:7"
tsync "$W/dev"
eq "office sync" "$SYNC_RC" 0
run 0 "status: no refusal" "$TD" status --dir "$W/dev"
if grep -q "bị từ chối: [1-9]" <<<"$OUT"; then fail "refused entries: $OUT"; else pass "no refused entry"; fi
run 0 "ward reports on 245:15" "$TD" report 15 --plan 245 --dir "$W/ward" --period 09/2025 --state dang --percent 50 \
    --result "Đã tiếp nhận trực tuyến 60% hồ sơ" --no-prompt
tsync "$W/ward"
eq "ward sync" "$SYNC_RC" 0

say "central reviews in both plans"
tsync "$W/cen"
run 0 "review 726:1" "$TD" review 726:1 --dir "$W/cen" --agency so-khcn --period 09/2025 --accept
run 0 "review 4 --plan 245" "$TD" review 4 --plan 245 --dir "$W/cen" --agency so-khcn --period 09/2025 --accept
run 1 "review 1 without a plan is ambiguous for central" "$TD" review 1 --dir "$W/cen" --agency so-khcn \
    --period 09/2025 --accept
expect_err "central: ambiguity says so" "có trong nhiều kế hoạch"
run 0 "extend 245:20" "$TD" extend 245:20 --dir "$W/cen" --deadline "12/2026" --reason "Công văn 12/UBND-KHCN ngày 05/9/2025"
run 0 "indicator 4 of plan 245" "$TD" indicator set 245/KH-UBND:4 --dir "$W/dev" --period 09/2025 --value 35
tsync "$W/cen"
eq "central sync" "$SYNC_RC" 0
run 0 "task 245:4 (central)" "$TD" task 245:4 --dir "$W/cen"
expect_out "task header names its plan" "Nhiệm vụ 4 — kế hoạch 245/KH-UBND"
run 0 "task 726:1 (central)" "$TD" task 1 --plan 726 --dir "$W/cen"
expect_out "task 1 of 726" "Nhiệm vụ 1 — kế hoạch 726/KH-UBND"
run 0 "audit history of 245:4" "$TD" audit history --task 245:4 --dir "$W/cen"
expect_out "history: the report names its plan" "nhiệm vụ 245:4, so-khcn: đã hoàn thành"
expect_out "history: the review names its plan" "nhiệm vụ 245:4, so-khcn: chấp nhận báo cáo"
if grep -q "nhiệm vụ 4," <<<"$OUT"; then fail "history: a bare task number: $OUT"; else pass "history: no bare number"; fi
# the replica's history (outcomes from its own fold, rows read by index) = a server.db copy's (the log folded
# again), byte for byte, for a plan named by number, short name or not at all, and for an agency
tsync "$W/cen"
sq "$W/data-main/server.db" ".backup '$W/srvcopy.db'"
eq "central's replica holds the whole log" "$(sq "$W/cen/replica.db" "SELECT MAX(idx) FROM pulled;")" \
    "$(sq "$W/srvcopy.db" "SELECT MAX(idx) FROM log;")"
for args in "--task 245:4" "--task 245/KH-UBND:4" "--task 245:15" "--task 726:1" "--task 20" "--task 1" "--agency so-khcn"; do
    for csv in "" --csv; do
        # shellcheck disable=SC2086
        a=$("$TD" audit history $args $csv --db "$W/srvcopy.db" --ca "$W/ca/ca.crt" | sha256sum)
        # shellcheck disable=SC2086
        b=$("$TD" audit history $args $csv --dir "$W/cen" | tee "$W/hist.out" | sha256sum)
        if [ "$a" = "$b" ] && [ "$(grep -c '' "$W/hist.out")" -ge 2 ]; then pass "history $args $csv: replica = server copy"
        else fail "history $args $csv: replica and server copy differ: $(head -c 600 "$W/hist.out")"; fi
    done
done
run 0 "server state: no refusals" "$SRV_BIN" state --data "$W/data-main" --ca "$W/ca/ca.crt" --refused
if grep -q "refused\|từ chối: [1-9]" <<<"$OUT"; then fail "refusals on the server: $OUT"; else pass "no refusal on the server"; fi

say "monthly report: per plan and combined"
run 0 "report-all --plan 245" "$TD" report-all --dir "$W/cen" --period 09/2025 --as-of 10/09/2025 --plan 245 --format csv \
    --out "$W/r245.csv"
run 0 "report-all --plan 726" "$TD" report-all --dir "$W/cen" --period 09/2025 --as-of 10/09/2025 --plan 726/KH-UBND \
    --format csv --out "$W/r726.csv"
run 0 "report-all, combined" "$TD" report-all --dir "$W/cen" --period 09/2025 --as-of 10/09/2025 --format csv \
    --out "$W/rall.csv"
run 0 "report-all, combined text" "$TD" report-all --dir "$W/cen" --period 09/2025 --as-of 10/09/2025
expect_out "combined title names both plans" "các Kế hoạch 726/KH-UBND, 245/KH-UBND"
expect_in "245 report: its task 4" "$W/r245.csv" "245:4"
expect_in "245 report: its sandbox task" "$W/r245.csv" "sandbox"
if grep -q "726:" "$W/r245.csv"; then fail "245 report has 726 rows"; else pass "245 report: no 726 row"; fi
expect_in "726 report: its task 1" "$W/r726.csv" "726:1"
if grep -q "245:" "$W/r726.csv"; then fail "726 report has 245 rows"; else pass "726 report: no 245 row"; fi
expect_in "combined: 726 rows" "$W/rall.csv" "726:1"
expect_in "combined: 245 rows" "$W/rall.csv" "245:20"
n245=$(grep -c "^\"\?245:" "$W/r245.csv" || true)
nall=$(grep -c "^\"\?\(245\|726\):" "$W/rall.csv" || true)
n726=$(grep -c "^\"\?726:" "$W/r726.csv" || true)
eq "combined rows = 726 rows + 245 rows" "$nall" "$((n245 + n726))"
run 2 "report-all --plan of an unknown plan" "$TD" report-all --dir "$W/cen" --period 09/2025 --plan 99
expect_err "report-all: unknown plan" "không có kế hoạch \"99\""

say "the server's view equals a fresh device's; the audit verifies"
tsync "$W/dev"
eq "office sync (the indicator value)" "$SYNC_RC" 0
tsync "$W/cen"
enrol_as "$W/dev2" so-khcn vanthu-02 office "127.0.0.1:$P"
tsync "$W/dev2"
eq "fresh device sync" "$SYNC_RC" 0
check_digest "existing so-khcn device" main "$W/dev" so-khcn
check_digest "fresh so-khcn device" main "$W/dev2" so-khcn
tsync "$W/ward"
check_digest "ward" main "$W/ward" phuong-le-thanh-nghi
check_digest "central" main "$W/cen" so-khcn central
sv_stop main
sq "$W/data-main/server.db" ".backup '$W/copy.db'"
run 0 "audit verify of the two-plan log" "$TD" audit verify --db "$W/copy.db" --ca "$W/ca/ca.crt"
FIX=$TD_SOURCE_DIR/tests/fixtures/log_v1
sqlite3 "$W/old.db" <"$FIX/server.sql" || die "restore the single-plan fixture"
run 0 "audit verify of the single-plan log (before plans were named)" "$TD" audit verify --db "$W/old.db" --ca "$FIX/ca.crt"

say "re-importing plan 245, edited, leaves 726 untouched"
sed -e 's/,Sở Khoa học và Công nghệ,Sở Tài chính,Trung tâm dữ liệu,6\/2026/,Sở Khoa học và Công nghệ,Sở Tài chính,Trung tâm dữ liệu,12\/2026/' \
    "$P245.tasks.csv" >"$W/245-edited.csv"
! cmp -s "$W/245-edited.csv" "$P245.tasks.csv" || die "the edit changed nothing"
D0=$(srv_digest main so-khcn)
run 0 "re-import plan 245 (deadline of task 7 moved)" "$SRV_BIN" plan import "$W/245-edited.csv" "$P245.indicators.csv" \
    "${HP[@]}" --apply "${K[@]}"
expect_out "only task 7 changed" "nhiệm vụ 7, thời hạn: \"6/2026\" → \"12/2026\""
"$SRV_BIN" plan export --csv --plan 726 --data "$W/data-main" --out "$W/726-after.csv" 2>/dev/null || die "export 726"
if cmp -s "$W/726-before.csv" "$W/726-after.csv"; then pass "plan 726 exported the same before and after"; else
    fail "plan 726 changed: $(diff "$W/726-before.csv" "$W/726-after.csv" | head -5)"; fi
"$SRV_BIN" plan export --csv --plan 245 --data "$W/data-main" --out "$W/245-after.csv" 2>/dev/null || die "export 245"
expect_in "plan 245 has the new deadline" "$W/245-after.csv" "Trung tâm dữ liệu,12/2026"
expect_in "a whole plan replaces the deadline edit of 245:20 (as for 726)" "$W/245-after.csv" "Trợ lý ảo,6/2026"
D1=$(srv_digest main so-khcn)
if [ -n "$D1" ] && [ "$D0" != "$D1" ]; then pass "the office's view changed with the new plan"; else fail "digest unchanged: $D0"; fi
sv_start main "127.0.0.1:$P"
tsync "$W/dev"
eq "office sync after the re-import" "$SYNC_RC" 0
check_digest "so-khcn after the re-import" main "$W/dev" so-khcn
run 0 "report on 726:1 still there" "$TD" report show 1 --plan 726 --dir "$W/dev" --period 09/2025
sv_stop main

say "a commune split assigns a plan-245 task by its key"
run 0 "split xa-gia-loc, task 245:16 to the second commune" "$SRV_BIN" agency split xa-gia-loc \
    --into xa-gia-loc-a "Xã Gia Lộc A" --into xa-gia-loc-b "Xã Gia Lộc B" --task 245:16=xa-gia-loc-b --date 01/10/2025 "${K[@]}"
expect_out "245:16 goes to the assigned commune" "nhiệm vụ 245:16 (chủ trì): xa-gia-loc → xa-gia-loc-b"
expect_out "245:17's partner goes to the first" "nhiệm vụ 245:17 (phối hợp): xa-gia-loc → xa-gia-loc-a"
run 2 "split --task of an unknown plan" "$SRV_BIN" agency split xa-gia-loc-a --into xa-c "Xã C" --into xa-d "Xã D" \
    --task 99:1=xa-d --date 01/11/2025 "${K[@]}"
expect_err "split: unknown plan" "không có kế hoạch \"99\""
finish

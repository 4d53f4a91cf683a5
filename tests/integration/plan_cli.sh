#!/bin/bash
# plan_cli.sh — the plan and agency commands end to end, on the real
# tiendo-server binary and a scratch data directory (since the
# signed log, the plan and agency changes are log entries signed
# with the server key, so the script makes a PKI with tiendo-pki first).
# Env: TIENDO_SERVER, TIENDO_PKI, TD_SOURCE_DIR.
set -u
S=${TIENDO_SERVER:?}
PKI=${TIENDO_PKI:?}
PLAN=${TD_SOURCE_DIR:?}/data/plans/726-KH-UBND.txt
W=$(mktemp -d /tmp/td-plan-cli-XXXXXX)
trap 'rm -rf "$W"' EXIT
D=$W/data
fails=0 checks=0

check() {   # check DESCRIPTION COMMAND...: the command must succeed
    local what=$1; shift
    checks=$((checks + 1))
    if ! "$@"; then echo "FAIL: $what"; fails=$((fails + 1)); fi
}
has() { grep -qF -- "$2" "$1"; }
rc_is() { [ "$1" = "$2" ]; }
nonzero() { [ "$1" -ne 0 ]; }

# the provincial CA and the server's key: the key signs plan and agency entries
"$PKI" init --dir "$W/ca" --name "CA thử" >/dev/null 2>&1 || { echo "FATAL: tiendo-pki init"; exit 1; }
"$PKI" issue-server --dir "$W/ca" --name tiendo-server --ip 127.0.0.1 \
    --out-key "$W/server.key" --out-cert "$W/server.crt" >/dev/null 2>&1 || { echo "FATAL: issue-server"; exit 1; }
K=(--ca "$W/ca/ca.crt" --cert "$W/server.crt" --key "$W/server.key")
# the same settings from a config file, as serve reads them
printf 'data = %s\nca = %s\ncert = %s\nkey = %s\n' "$D" "$W/ca/ca.crt" "$W/server.crt" "$W/server.key" >"$W/server.conf"

# help and usage
"$S" plan --help >"$W/h" 2>&1; check "plan --help exits 0" rc_is $? 0
check "plan --help is Vietnamese" has "$W/h" "Nhập, xem và xuất Kế hoạch"
"$S" agency --help >"$W/h" 2>&1; check "agency --help exits 0" rc_is $? 0
"$S" plan frobnicate >/dev/null 2>&1; check "unknown subcommand is usage (2)" rc_is $? 2
"$S" plan import --data "$D" >/dev/null 2>&1; check "import without FILE is usage (2)" rc_is $? 2

# dry run: counts, nothing stored
"$S" plan import "$PLAN" --data "$D" >"$W/dry" 2>&1; check "dry run exits 0" rc_is $? 0
check "dry run: 81 tasks in 10 sections" has "$W/dry" "Nhiệm vụ: 81, trong 10 mục"
check "dry run: section III has 12" has "$W/dry" "Mục III    12 nhiệm vụ"
check "dry run: section X has 4" has "$W/dry" "Mục X       4 nhiệm vụ"
check "dry run: 26 numbered indicators for 2030" has "$W/dry" "Đến năm 2030: 26 chỉ tiêu đánh số"
check "dry run: 4 for 2045" has "$W/dry" "Đến năm 2045: 4 chỉ tiêu đánh số"
check "dry run says nothing stored" has "$W/dry" "Chạy thử: chưa lưu gì"
"$S" plan show --data "$D" >/dev/null 2>&1; check "show before any import fails (1)" rc_is $? 1

# apply needs the server key (usage error without it), then stores one entry
"$S" plan import "$PLAN" --data "$D" --apply >"$W/nokey" 2>&1; check "apply without key is usage (2)" rc_is $? 2
check "apply without key says what is needed" has "$W/nokey" "--key TỆP --cert TỆP"
"$S" plan import "$PLAN" --data "$D" "${K[@]}" --apply >"$W/ap" 2>&1; check "apply exits 0" rc_is $? 0
check "apply stored" has "$W/ap" "Đã lưu kế hoạch (81 nhiệm vụ"
check "apply names its log entry (index 2, after the server certificate)" has "$W/ap" "bản ghi số 2 của sổ nhật ký"
check "server.db exists" test -f "$D/server.db"
check "data dir is 0700" test "$(stat -c %a "$D")" = 700
"$S" plan import "$PLAN" --config "$W/server.conf" --apply >"$W/ap2" 2>&1; check "re-apply via --config exits 0" rc_is $? 0
check "re-apply of the same plan writes nothing" has "$W/ap2" "Không có thay đổi: không ghi gì"
"$S" state --data "$D" >"$W/st" 2>&1; check "state exits 0" rc_is $? 0
check "state: two entries (certificate + plan)" has "$W/st" "server.db: 2 bản ghi"
check "state: plan known" has "$W/st" "Kế hoạch: 726/KH-UBND, 81 nhiệm vụ"
check "state: no refusal" has "$W/st" "Bản ghi bị từ chối: 0"
"$S" state --data "$D" --digest >"$W/dg" 2>&1
check "state --digest prints a digest line" grep -qE "^digest: [0-9a-f]{64}$" "$W/dg"
"$S" plan show --data "$D" >"$W/list" 2>&1; check "show exits 0" rc_is $? 0
check "list has task 81" grep -qE "^  81  Tham mưu xây dựng Kế hoạch hợp tác" "$W/list"
check "list shows a Vietnamese deadline" has "$W/list" "trước tháng 10 hằng năm"
"$S" plan show 57 --data "$D" >"$W/t57" 2>&1; check "show 57 exits 0" rc_is $? 0
check "task 57 original deadline" has "$W/t57" "Rà soát bổ sung năm 2025 và trước tháng 10 hàng năm"
"$S" plan show 999 --data "$D" >/dev/null 2>&1; check "show of a missing task fails (1)" rc_is $? 1

# export, re-import: no change
"$S" plan export --csv --data "$D" --out "$W/tasks.csv" 2>/dev/null; check "export tasks" rc_is $? 0
"$S" plan export --indicators --data "$D" >"$W/ind.csv" 2>/dev/null; check "export indicators to stdout" rc_is $? 0
check "CSV has a BOM" bash -c "head -c3 '$W/tasks.csv' | od -An -tx1 | grep -q 'ef bb bf'"
"$S" plan import "$W/tasks.csv" "$W/ind.csv" --data "$D" >"$W/re" 2>&1; check "re-import exits 0" rc_is $? 0
check "re-import: nothing changes" has "$W/re" "Không có gì thay đổi so với kế hoạch đã lưu"

"$S" plan import "$W/tasks.csv" "$W/ind.csv" --data "$D" "${K[@]}" --apply >"$W/re2" 2>&1; check "re-import --apply exits 0" rc_is $? 0
check "re-import --apply writes nothing" has "$W/re2" "Không có thay đổi: không ghi gì"
"$S" state --data "$D" >"$W/st" 2>&1; check "still two entries" has "$W/st" "server.db: 2 bản ghi"

# an edited CSV: a changed deadline is shown precisely and writes ONE entry;
# an unknown deadline is refused with its line
sed 's/,Theo lộ trình/,6\/2026/' "$W/tasks.csv" >"$W/edit.csv"
"$S" plan import "$W/edit.csv" --data "$D" >"$W/ed" 2>&1; check "edited import exits 0" rc_is $? 0
check "edited task 12 reported" has "$W/ed" "12 (task 12: deadline differs)"
check "dry run shows old and new deadline" has "$W/ed" 'nhiệm vụ 12, thời hạn: "Theo lộ trình" → "6/2026"'
check "only task 12 changes" bash -c "[ \$(grep -c 'thời hạn:' '$W/ed') = 1 ]"
"$S" plan import "$W/edit.csv" --data "$D" "${K[@]}" --apply >"$W/ed2" 2>&1; check "edited --apply exits 0" rc_is $? 0
"$S" state --data "$D" >"$W/st" 2>&1; check "a changed deadline writes one entry" has "$W/st" "server.db: 3 bản ghi"
"$S" plan show 12 --data "$D" >"$W/t12" 2>&1; check "task 12 has its new deadline" has "$W/t12" "Thời gian hoàn thành: 6/2026"
"$S" plan import "$W/tasks.csv" --data "$D" "${K[@]}" --apply >/dev/null 2>&1; check "restore the deadline" rc_is $? 0
"$S" state --data "$D" >"$W/st" 2>&1; check "restoring writes one more" has "$W/st" "server.db: 4 bản ghi"
sed 's/,Theo lộ trình/,Khi nào xong/' "$W/tasks.csv" >"$W/bad.csv"
"$S" plan import "$W/bad.csv" --data "$D" >"$W/bd" 2>&1; check "unknown deadline refused (1)" rc_is $? 1
check "error names file, line and task" grep -qE 'bad.csv:[0-9]+: nhiệm vụ 12: không hiểu thời hạn "Khi nào xong"' "$W/bd"

# unresolved names block the import until an alias file maps them
sed 's/,Sở Tư pháp,/,Sở Phép Thuật,/' "$W/tasks.csv" >"$W/unres.csv"
"$S" plan import "$W/unres.csv" --data "$D" "${K[@]}" --apply >"$W/un" 2>&1; check "unresolved refused (1)" rc_is $? 1
check "unresolved listed with task" grep -qE 'nhiệm vụ 11, Cơ quan chủ trì: "Sở Phép Thuật"' "$W/un"
printf '# bí danh thử\nSở Phép Thuật = so-tu-phap\n' >"$W/alias.txt"
"$S" plan import "$W/unres.csv" --data "$D" --aliases "$W/alias.txt" >"$W/un2" 2>&1; check "alias file resolves (0)" rc_is $? 0
printf 'Sở Phép Thuật = khong-co-slug\n' >"$W/alias2.txt"
"$S" plan import "$W/unres.csv" --data "$D" --aliases "$W/alias2.txt" >"$W/un3" 2>&1; check "bad alias refused (1)" rc_is $? 1
check "bad alias names file:line" has "$W/un3" "alias2.txt:1:"

# agencies: rename and merge keep history; tasks follow the successor
"$S" agency rename so-khcn so-khcn-hp "Sở Khoa học và Công nghệ thành phố Hải Phòng" --date 01/07/2025 --data "$D" "${K[@]}" >"$W/rn" 2>&1
check "rename exits 0" rc_is $? 0
check "rename moves task 25" has "$W/rn" "nhiệm vụ 25 (chủ trì): so-khcn → so-khcn-hp"
"$S" agency merge so-tai-chinh so-xay-dung --into so-tc-xd "Sở Tài chính - Xây dựng" --date 01/08/2025 --data "$D" "${K[@]}" >"$W/mg" 2>&1
check "merge exits 0" rc_is $? 0
check "merge moves task 40" has "$W/mg" "nhiệm vụ 40 (chủ trì): so-xay-dung → so-tc-xd"
"$S" agency split so-y-te --into so-y-te-a "Sở Y tế A" --into so-y-te-b "Sở Y tế B" --task 49=so-y-te-b --date 01/09/2025 --data "$D" "${K[@]}" >"$W/sp" 2>&1
check "split exits 0" rc_is $? 0
check "split assigns task 49" has "$W/sp" "nhiệm vụ 49 (chủ trì): so-y-te → so-y-te-b"
check "split default: first successor" has "$W/sp" "nhiệm vụ 47 (chủ trì): so-y-te → so-y-te-a"
"$S" plan show 25 --data "$D" >"$W/t25" 2>&1
check "task 25 keeps the plan's wording" has "$W/t25" "Cơ quan chủ trì:     Sở Khoa học và Công nghe"
check "task 25 shows the successor" has "$W/t25" "→ nay là Sở Khoa học và Công nghệ thành phố Hải Phòng [so-khcn-hp]"
"$S" agency list --data "$D" >"$W/al" 2>&1
check "old agency kept with its name and end" grep -qE "so-khcn +Sở Khoa học và Công nghệ .*ngừng từ 01/07/2025; kế nhiệm: so-khcn-hp" "$W/al"
"$S" agency list --at 01/03/2025 --data "$D" >"$W/al1" 2>&1
check "list at 01/03/2025 has so-khcn" grep -qE "^  so-khcn " "$W/al1"
check "list at 01/03/2025 lacks so-khcn-hp" bash -c "! grep -qE '^  so-khcn-hp ' '$W/al1'"
"$S" agency rename so-khcn x-y "Z" --date 01/01/2026 --data "$D" "${K[@]}" >/dev/null 2>&1; check "rename of an ended agency fails (1)" rc_is $? 1
"$S" agency rename so-noi-vu so-nv2 "Z" --date 31/02/2026 --data "$D" "${K[@]}" >/dev/null 2>&1; check "bad date is usage (2)" rc_is $? 2

"$S" agency rename so-noi-vu so-nv2 "Z" --date 01/01/2026 --data "$D" >"$W/nk" 2>&1; check "rename without key is usage (2)" rc_is $? 2

# the log is append-only in the database too
if command -v sqlite3 >/dev/null; then
    sqlite3 "$D/server.db" "UPDATE log SET kind = 0 WHERE idx = 2" >"$W/sq" 2>&1; check "UPDATE refused" nonzero $?
    check "UPDATE refused by the trigger" has "$W/sq" "log is append-only"
    sqlite3 "$D/server.db" "DELETE FROM log" >"$W/sq" 2>&1; check "DELETE refused" nonzero $?
fi

# the history survives a re-open: export after the changes still round-trips
"$S" plan export --csv --data "$D" --out "$W/tasks2.csv" 2>/dev/null
check "export unchanged by agency changes" cmp -s "$W/tasks.csv" "$W/tasks2.csv"

# the demo: import the plan and show a few tasks
echo "--- demo: tiendo-server plan show 4 ---"
"$S" plan show 4 --data "$D"
echo "--- demo: tiendo-server plan show 34 ---"
"$S" plan show 34 --data "$D"

echo "$checks checks, $fails failed"
[ "$checks" -gt 0 ] && [ "$fails" -eq 0 ]

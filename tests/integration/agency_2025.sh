#!/usr/bin/env bash
# agency_2025.sh — the 2025 reorganisation of Hải Dương through the agency
# registry (tiendo-server agency, tiendo-pki sign --registry):
#   - absorption: `merge A --into B` where B exists and continues, and
#     `merge A B --into B` (B named among the old ones) both store one change;
#   - `agency add` with the commune kind; `agency import` of 64 communes from
#     CSV: a dry run lists them and stores nothing, --apply stores one entry;
#   - `agency issuer`: the plan's issuer becomes UBND thành phố Hải Phòng;
#   - each change lists only the tasks it moves (not earlier changes);
#   - `agency export` feeds `tiendo-pki sign --registry`: a typo ("so-yte")
#     and an ended agency are refused, the successor is signed;
#   - period syntax: MM/YYYY, M/YYYY, YYYY-MM, YYYY-M everywhere.
set -euo pipefail
# shellcheck source=lib/tdtest.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdtest.sh"
PLAN=$TD_SOURCE_DIR/data/plans/726-KH-UBND.txt
D=$W/data

say "PKI and the plan"
"$PKI" init --dir "$W/ca" --name "CA thử" >/dev/null 2>&1 || die "tiendo-pki init"
"$PKI" issue-server --dir "$W/ca" --name tiendo-server --ip 127.0.0.1 \
    --out-key "$W/server.key" --out-cert "$W/server.crt" >/dev/null 2>&1 || die "issue-server"
K=(--data "$D" --ca "$W/ca/ca.crt" --cert "$W/server.crt" --key "$W/server.key")
run 0 "plan import" "$SRV_BIN" plan import "$PLAN" "${K[@]}" --apply

say "spring 2025: departments absorbed into existing ones"
run 0 "merge so-gddt so-noi-vu --into so-noi-vu (target named among the old)" \
    "$SRV_BIN" agency merge so-gddt so-noi-vu --into so-noi-vu --date 01/03/2025 "${K[@]}"
expect_out "absorption summary" "sáp nhập so-gddt vào so-noi-vu (tiếp tục hoạt động) từ 01/03/2025"
expect_out "task 60 moves to so-noi-vu" "nhiệm vụ 60 (chủ trì): so-gddt → so-noi-vu"
run 0 "merge one district into an existing city" \
    "$SRV_BIN" agency merge ubnd-gia-loc --into ubnd-tp-hai-duong --date 01/05/2025 "${K[@]}"
expect_out "one-agency absorption" "sáp nhập ubnd-gia-loc vào ubnd-tp-hai-duong (tiếp tục hoạt động)"
run 2 "absorbing into an unknown agency is refused" \
    "$SRV_BIN" agency merge so-tu-phap --into so-khong-co --date 01/05/2025 "${K[@]}"
expect_err "hints at a mistyped slug" "hãy ghi đúng slug của nó"
run 1 "one agency into a new named agency is a rename (Vietnamese reason)" \
    "$SRV_BIN" agency merge so-tu-phap --into so-moi "Sở Mới" --date 01/05/2025 "${K[@]}"
expect_err "says use rename" "một cơ quan là đổi tên: rename"
run 1 "an ended agency cannot be merged again (Vietnamese)" \
    "$SRV_BIN" agency merge so-gddt --into so-tu-phap --date 01/06/2025 "${K[@]}"
expect_err "ended on" "cơ quan so-gddt đã ngừng từ 01/03/2025"

say "1/7/2025: the province merger, renames; each lists only its own moves"
run 0 "rename ubnd-chi-linh" "$SRV_BIN" agency rename ubnd-chi-linh phuong-chi-linh "Phường Chí Linh" \
    --kind commune --date 01/07/2025 "${K[@]}"
expect_out "task 33 moves" "nhiệm vụ 33 (phối hợp): ubnd-chi-linh → phuong-chi-linh"
run 0 "rename so-y-te" "$SRV_BIN" agency rename so-y-te so-y-te-hp "Sở Y tế thành phố Hải Phòng" \
    --date 01/07/2025 "${K[@]}"
expect_out "task 49 moves" "nhiệm vụ 49 (chủ trì): so-y-te → so-y-te-hp"
if grep -qF "ubnd-chi-linh" <<<"$OUT"; then fail "rename of so-y-te reprints the Chí Linh change: $OUT"; else
    pass "rename of so-y-te shows only itself"; fi
run 0 "merge so-tai-chinh so-xay-dung into a new one" "$SRV_BIN" agency merge so-tai-chinh so-xay-dung \
    --into so-tc-xd "Sở Tài chính - Xây dựng" --date 01/07/2025 "${K[@]}"
if grep -qE "so-y-te|ubnd-chi-linh|so-gddt" <<<"$OUT"; then fail "merge reprints older changes: $OUT"; else
    pass "merge shows only itself"; fi
run 0 "issuer" "$SRV_BIN" agency issuer "UBND thành phố Hải Phòng" --date 01/07/2025 "${K[@]}"
run 0 "list" "$SRV_BIN" agency list --data "$D"
expect_out "issuer listed" "Cơ quan ban hành kế hoạch từ 01/07/2025: UBND thành phố Hải Phòng"
expect_out "renamed commune has the commune kind" "Phường Chí Linh (xã, phường, đặc khu)"

say "new communes: add, import (dry run, apply)"
run 2 "add without --kind is usage" "$SRV_BIN" agency add xa-a "Xã A" --date 01/07/2025 "${K[@]}"
expect_err "names the kinds" "commune"
run 0 "add a special zone" "$SRV_BIN" agency add dac-khu-bach-long-vi "Đặc khu Bạch Long Vĩ" --kind commune \
    --date 01/07/2025 "${K[@]}"
expect_out "kind in Vietnamese" "(xã, phường, đặc khu) từ 01/07/2025"
run 1 "add of an existing slug is refused" "$SRV_BIN" agency add so-noi-vu "Sở Nội vụ" --kind dept "${K[@]}"
{
    printf '\xef\xbb\xbfMã;Tên;Loại;Từ ngày\r\n'
    for i in $(seq 1 64); do printf 'xa-hd-%02d;Xã Hải Dương số %d;commune;01/07/2025\r\n' "$i" "$i"; done
} >"$W/communes.csv"
run 0 "import dry run" "$SRV_BIN" agency import "$W/communes.csv" "${K[@]}"
expect_out "dry run counts" "64 cơ quan; 0 đã có (không đổi), 64 mới"
expect_out "dry run lists a commune" "+ xa-hd-64"
expect_out "dry run stores nothing" "Chạy thử: chưa lưu gì"
run 0 "list after dry run" "$SRV_BIN" agency list --data "$D"
if grep -qF "xa-hd-01" <<<"$OUT"; then fail "dry run stored communes"; else pass "dry run stored nothing"; fi
run 0 "import --apply" "$SRV_BIN" agency import "$W/communes.csv" "${K[@]}" --apply
expect_out "one entry" "thêm 64 cơ quan từ"
run 0 "state" "$SRV_BIN" state --data "$D"
expect_out "no refusal" "Bản ghi bị từ chối: 0"
run 0 "import again: nothing to do" "$SRV_BIN" agency import "$W/communes.csv" "${K[@]}" --apply
expect_out "unchanged" "Không có gì thay đổi: không ghi gì"
printf 'Mã,Tên,Loại\nso-noi-vu,Sở Nội vụ mới,dept\n' >"$W/conflict.csv"
run 1 "a known slug with another name is refused" "$SRV_BIN" agency import "$W/conflict.csv" "${K[@]}"
expect_err "says rename" "đổi tên là lệnh rename"
printf 'Mã,Tên,Loại\nxa-b,Xã B,làng\n' >"$W/badkind.csv"
run 1 "an unknown kind names the line" "$SRV_BIN" agency import "$W/badkind.csv" "${K[@]}"
expect_err "line" "badkind.csv:2: loại \"làng\" không rõ"
say "a district split into communes, one of them absorbed into a commune that exists"
run 0 "split ubnd-thanh-ha into two communes" "$SRV_BIN" agency split ubnd-thanh-ha \
    --into xa-thanh-ha "Xã Thanh Hà" --into xa-ha-dong "Xã Hà Đông" --kind commune --date 01/07/2025 "${K[@]}"
expect_out "split summary" "chia tách ubnd-thanh-ha thành 2 cơ quan từ 01/07/2025"
if grep -qE "so-y-te|ubnd-chi-linh|so-gddt" <<<"$OUT"; then fail "split reprints older changes: $OUT"; else
    pass "split shows only itself"; fi
run 0 "xa-ha-dong absorbed into xa-hd-01 (01/01/2026)" "$SRV_BIN" agency merge xa-ha-dong --into xa-hd-01 \
    --date 01/01/2026 "${K[@]}"
expect_out "absorbed commune" "sáp nhập xa-ha-dong vào xa-hd-01 (tiếp tục hoạt động) từ 01/01/2026"
run 0 "list" "$SRV_BIN" agency list --data "$D"
expect_out "the split district kept, with its successors" "ngừng từ 01/07/2025; kế nhiệm: xa-thanh-ha, xa-ha-dong"
expect_out "new communes are communes" "Xã Thanh Hà (xã, phường, đặc khu), từ 01/07/2025"
expect_out "the absorbed commune points to the one that continues" "ngừng từ 01/01/2026; kế nhiệm: xa-hd-01"
run 0 "list at 01/07/2025" "$SRV_BIN" agency list --at 01/07/2025 --data "$D"
n=$(grep -cE "^  xa-hd-[0-9]+ " <<<"$OUT" || true)
if [ "$n" = 64 ]; then pass "64 communes exist on 01/07/2025"; else fail "communes on 01/07/2025: $n"; fi
run 0 "list at 30/06/2025" "$SRV_BIN" agency list --at 30/06/2025 --data "$D"
if grep -qF "xa-hd-01" <<<"$OUT"; then fail "commune exists before 01/07/2025"; else pass "no commune before 01/07/2025"; fi

say "the CA signs only agencies the registry knows"
openssl genpkey -algorithm ed25519 -out "$W/dev.key" 2>/dev/null || die "openssl genpkey"
openssl req -new -key "$W/dev.key" -subj "/CN=may-01" -out "$W/dev.csr" 2>/dev/null || die "openssl req"
run 1 "sign so-yte (typo) without a registry file: refused" \
    "$PKI" sign --dir "$W/ca" --agency so-yte --role office "$W/dev.csr" --out "$W/x.crt"
expect_err "names the nearest slug" "Có phải là so-y-te?"
expect_err "says how to get the registry" "tiendo-server agency export --out registry.csv"
check "nothing written" test ! -e "$W/x.crt"
run 1 "sign of a new commune without the registry: refused" \
    "$PKI" sign --dir "$W/ca" --agency xa-hd-01 --role office "$W/dev.csr" --out "$W/x.crt"
run 0 "agency export" "$SRV_BIN" agency export --data "$D" --out "$W/registry.csv"
expect_err "export tells whom to give it to" "tiendo-pki sign --registry"
run 1 "sign so-yte with the registry: refused" \
    "$PKI" sign --dir "$W/ca" --registry "$W/registry.csv" --agency so-yte --role office "$W/dev.csr" --out "$W/x.crt"
expect_err "typo" "cơ quan \"so-yte\" không có trong danh mục cơ quan"
# today 01/08/2025 for the registry check; the CA and the certificates stay
# on the machine's clock (TIENDO_TODAY moves only today, common/clock.h)
TODAY_20250801=20250801
run 1 "sign so-y-te after its rename: refused with the successor" env TIENDO_TODAY="$TODAY_20250801" \
    "$PKI" sign --dir "$W/ca" --registry "$W/registry.csv" --agency so-y-te --role office "$W/dev.csr" --out "$W/x.crt"
expect_err "ended" "đã ngừng hoạt động từ 01/07/2025"
run 0 "sign a new commune with the registry" env TIENDO_TODAY="$TODAY_20250801" \
    "$PKI" sign --dir "$W/ca" --registry "$W/registry.csv" --agency xa-hd-01 --role office "$W/dev.csr" --out "$W/x.crt"
cp "$W/registry.csv" "$W/ca/registry.csv"
run 0 "the CA dir's registry.csv is used without --registry" env TIENDO_TODAY="$TODAY_20250801" \
    "$PKI" sign --dir "$W/ca" --agency so-y-te-hp --role office "$W/dev.csr" --out "$W/y.crt"
run 1 "bundle refuses a typo too" \
    "$PKI" bundle --dir "$W/ca" --agency so-yte --device may-02 --role office --server 127.0.0.1:1 --out "$W/b.tdb"
check "no bundle written" test ! -e "$W/b.tdb"

say "one period syntax"
run 0 "server report --period 12/2025" "$SRV_BIN" report --data "$D" --period 12/2025 --as-of 23/12/2025
expect_out "printed MM/YYYY" "tháng 12/2025"
run 0 "server report --period 2025-5" "$SRV_BIN" report --data "$D" --period 2025-5 --as-of 23/05/2025
expect_out "2025-5 is May" "tháng 05/2025"
run 2 "server report --period 13/2025 is usage" "$SRV_BIN" report --data "$D" --period 13/2025
expect_err "says the syntax" "MM/YYYY"

finish

#!/usr/bin/env bash
# replica_readonly.sh — a device directory where nothing can be written (a copy handed to an inspector on a
# locked USB stick, read-only media; client/replica.h tdc_replica_read_only):
#   - status, todo, tasks, task N, report show, audit verify and audit history read it: exit 0 and the same
#     output as the writable directory it was copied from;
#   - report and sync are refused (exit 1), saying what is wrong and what to do;
#   - a replica of an older schema there is refused with the same advice, not half-migrated;
#   - no file of the directory changed and none was added (no -wal, -shm, fold or image files).
# And `tiendo ui` whose web server library cannot be loaded says which one and how to repair it (exit 1).
#
# Nothing writable: as root, a read-only bind mount in a mount namespace of the command's own (unshare -m:
# read-only even to root, as on read-only media); otherwise the directory and its files without write
# permission.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

AG=so-khcn

# "${ON_RO[@]}" DIR CMD...: CMD with DIR read-only: mounted read-only over itself in a mount namespace of
# CMD's own, or (not root) as it is, its write permissions taken away beforehand.
if [ "$(id -u)" != 0 ]; then
    RO_MODE=permissions
    ON_RO=(sh -c 'shift && exec "$@"' on_ro)
elif unshare -m true 2>/dev/null; then
    RO_MODE=mount
    ON_RO=(unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"' on_ro)
else
    # root writes whatever the permissions say: nothing here can be made read-only
    say "skipped: root without mount namespaces (unshare -m) cannot make a directory read-only"
    finish
    exit
fi
# files DIR: every file of DIR with its size and checksum, one line each.
files() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

say "PKI, plan, an office with four reports, synced (read-only by $RO_MODE)"
mid_month
sync_main
enrol_as dev "$AG" ketoan-01 office "127.0.0.1:$P"
for t in 37; do
    report dev "$t" "$PER" --percent 40 --result "Kết quả tháng của nhiệm vụ $t: đã triển khai và báo cáo sơ kết"
done
tsync dev
eq "sync" "$SYNC_RC" 0
sv_stop main
# a clean close leaves no -wal: the state of a copy made for someone else
check "no -wal after the last command" test ! -e dev/replica.db-wal
td_use_clock "2026-06-17 11:00!"   # both sides read at the same instant

# the outputs of the writable directory, then its copy made read-only
CMDS=("status" "todo" "tasks" "task 37" "report show 37 --period $PER" "audit verify" "audit history --task 37")
declare -A WANT
for c in "${CMDS[@]}"; do
    # shellcheck disable=SC2086 # the command's words
    run 0 "writable: tiendo $c" "$TD" $c --dir "$W/dev"
    WANT[$c]=$OUT
done
cp -a dev ro
[ "$RO_MODE" = permissions ] && chmod -R a-w ro
BEFORE=$(files ro)

say "read commands on the read-only copy"
for c in "${CMDS[@]}"; do
    # shellcheck disable=SC2086
    run 0 "read-only: tiendo $c" "${ON_RO[@]}" "$W/ro" "$TD" $c --dir "$W/ro"
    OUT=${OUT//"$W/ro"/"$W/dev"}   # where it read: named by audit verify
    if [ "$OUT" = "${WANT[$c]}" ]; then pass "read-only: tiendo $c says what the writable copy says"; else
        fail "read-only: tiendo $c differs:
$(diff <(echo "${WANT[$c]}") <(echo "$OUT") | head -n 20)"
    fi
done
expect_out "the reports are there" "Kết quả tháng của nhiệm vụ 37"

say "what would store something is refused"
run 1 "read-only: tiendo report" "${ON_RO[@]}" "$W/ro" "$TD" report 5 --period "$PER" --percent 10 --result "thêm" --dir "$W/ro"
expect_err "report names why" "chỉ cho đọc, không ghi được"
run 1 "read-only: tiendo sync" "${ON_RO[@]}" "$W/ro" "$TD" sync --dir "$W/ro"
expect_err "sync names why" "nằm ở nơi chỉ đọc"
expect_err "sync says what to do" "hãy chép cả thư mục thiết bị sang một thư mục ghi được"
AFTER=$(files ro)
if [ "$BEFORE" = "$AFTER" ]; then pass "no file of the read-only copy changed or was added"; else
    fail "the read-only copy changed:
$(diff <(echo "$BEFORE") <(echo "$AFTER"))"
fi

say "an older schema on read-only media"
cp -a dev old
V=$(sq old/replica.db "PRAGMA user_version;")
sq old/replica.db "PRAGMA user_version = $((V - 1));" >/dev/null
[ "$RO_MODE" = permissions ] && chmod -R a-w old
BEFORE=$(files old)
run 1 "read-only, schema $((V - 1)): tiendo status" "${ON_RO[@]}" "$W/old" "$TD" status --dir "$W/old"
expect_err "names the versions" "phiên bản $((V - 1)), cũ hơn của chương trình này ($V)"
expect_err "says what to do" "hãy chép cả thư mục thiết bị sang một thư mục ghi được"
AFTER=$(files old)
if [ "$BEFORE" = "$AFTER" ]; then pass "the old copy is unchanged"; else fail "the old copy changed"; fi
# read back writable (sqlite3 cannot open a WAL database in a directory it may not write)
[ "$RO_MODE" = permissions ] && chmod -R u+w ro old
eq "not migrated" "$(sq old/replica.db "PRAGMA user_version;")" "$((V - 1))"

say "tiendo ui without its web server library"
: "${TD_MHD_SONAME:?soname tiendo ui loads}"
LIB=$({ /sbin/ldconfig -p 2>/dev/null || true; } | awk -v s="$TD_MHD_SONAME" '$1 == s && !f { print $NF; f = 1 }')
if [ "$RO_MODE" = mount ] && [ -n "$LIB" ]; then
    LIB=$(readlink -f "$LIB")
    run 1 "tiendo ui, $TD_MHD_SONAME unreadable" unshare -m sh -c \
        'mount --bind /dev/null "$1" && shift && exec "$@"' hide "$LIB" "$TD" ui --dir "$W/dev" --no-browser
    expect_err "names the library" "không nạp được thư viện máy chủ web $TD_MHD_SONAME"
    expect_err "says how to repair it" "hãy cài lại gói tiendo-client"
else
    say "skipped: needs root and a mount namespace to hide $TD_MHD_SONAME (found: ${LIB:-none})"
fi
finish

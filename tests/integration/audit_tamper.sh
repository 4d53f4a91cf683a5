#!/usr/bin/env bash
# audit_tamper.sh — the tamper matrix of the audit (docs/LOG.md §10).  A real server log
# of a few thousand entries (plan import, tdbench --push-only from three
# offices, a fourth office's own reports through `tiendo sync`, one of them
# refused by the fold) with the server's checkpoints; an inspector device
# pulls it all.  Then, on copies of server.db with the append-only triggers
# dropped (in the COPY only), each tamper must make `tiendo audit verify
# --db COPY --ca CA` exit 1 and name the right log index or checkpoint size:
#   a byte of an entry body flipped; an entry deleted; two entries swapped
#   (body only, and whole rows); a forged entry (well formed, signed by a
#   random key: td_tamper forge) at the end and in the middle with the rest
#   renumbered; the log truncated; a checkpoint's note text edited; a
#   checkpoint re-signed with another key (td_tamper resign).
# The untampered copy and the inspector's replica verify with exit 0, and
# `tiendo audit history` exports a task's history as text and as CSV.
# TD_AUDIT_N changes the number of entries pushed (default 3000).
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
BENCH=${TD_BUILD_DIR:?}/tdbench
TAMPER=${TD_TOOL_td_tamper:-}
[ -x "$BENCH" ] || die "tdbench not built at $BENCH"
[ -n "$TAMPER" ] || die "TD_TOOL_td_tamper is not set"
command -v sqlite3 >/dev/null || die "sqlite3 (the command-line shell) is needed"
N=${TD_AUDIT_N:-3000}
CA=$W/ca/ca.crt

say "a server log: plan 726, $N entries from three offices, reports of a fourth, an inspector's pull"
sync_pki
plan_import srv
sv_start srv
DEVS=()
for a in so-noi-vu so-tai-chinh ubnd-gia-loc; do
    enrol_as "$W/b-$a" "$a" bench-01 office "127.0.0.1:$PORT"
    DEVS+=("$W/b-$a")
done
run 0 "tdbench --push-only $N entries" "$BENCH" --push-only --server "127.0.0.1:$PORT" \
    --devices "$(IFS=,; echo "${DEVS[*]}")" -n "$N" --text-bytes 120
enrol_as yte so-y-te yte-01 office "127.0.0.1:$PORT"
report yte 49 2025-05 --percent 40 --result "Đã ban hành kế hoạch"
report yte 49 2025-06 --percent 60 --result "Đã tổ chức tập huấn"
report yte 33 2025-06 --percent 10 --result "x"   # not so-y-te's task: stored, refused by the fold
tsync yte
eq "the office's sync" "$SYNC_RC" 0
enrol_as ins thanh-tra tt-01 inspector "127.0.0.1:$PORT"
tsync ins
eq "the inspector's pull" "$SYNC_RC" 0
sv_stop srv

DB=$W/data-srv/server.db
BASE=$W/base.db
# a consistent single-file copy (WAL content included), as an inspector receives it
sq "$DB" ".backup '$BASE'"
sq "$BASE" "PRAGMA journal_mode=DELETE;" >/dev/null
LAST=$(sq "$BASE" "SELECT MAX(idx) FROM log;")
NCP=$(sq "$BASE" "SELECT COUNT(*) FROM checkpoint;")
TOP=$(sq "$BASE" "SELECT MAX(size) FROM checkpoint;")
ge "server log size" "$LAST" "$N"
ge "checkpoints signed" "$NCP" 2
eq "the latest checkpoint covers the whole log" "$TOP" "$LAST"

say "the untampered copy and the inspector's replica verify"
run 0 "audit verify on the untampered copy" "$TD" audit verify --db "$BASE" --ca "$CA" --witness-cert "$W/ins.crt"
sed 's/^/    | /' <<<"$OUT"
expect_out "summary" "Nhật ký hợp lệ: $LAST mục"
expect_out "checkpoints compared" "Checkpoint: $NCP đã đối chiếu"
expect_out "largest tree" "Kích thước cây lớn nhất: $LAST"
expect_out "refusals listed, in Vietnamese" "không chủ trì, không phối hợp nhiệm vụ"
if grep -qF "neither lead nor partner" <<<"$OUT"; then fail "audit verify prints the English reason"; else pass "audit verify prints no English reason"; fi
NCOS=$(sq "$BASE" "SELECT COUNT(*) FROM cosig;")
if [ "$NCOS" -gt 0 ]; then
    WS=$(sq "$BASE" "SELECT MAX(size) FROM cosig;")
    expect_out "witness cosignatures checked" "kích thước lớn nhất được chứng kiến hợp lệ: $WS"
    # a witness is its name, agency and key (docs/LOG.md §10)
    if grep -qE "tiendo-witness/tt-01 \(thanh-tra, khóa [0-9a-f]{16}\): hợp lệ" <<<"$OUT"; then
        pass "the inspector's cosignature verifies, named with its agency and key"
    else
        fail "the inspector's cosignature: no \"tiendo-witness/tt-01 (thanh-tra, khóa …): hợp lệ\" in: $OUT"
    fi
fi
run 1 "audit verify: a witness certificate that is not an inspector's" "$TD" audit verify --db "$BASE" --ca "$CA" \
    --witness-cert "$W/yte.crt"
expect_err "office certificate as a witness" "inspector"
run 0 "audit verify on the inspector's replica" "$TD" audit verify --dir ins
sed 's/^/    | /' <<<"$OUT"
expect_out "replica summary" "Nhật ký hợp lệ: $LAST mục"
run 1 "audit verify, wrong origin" "$TD" audit verify --db "$BASE" --ca "$CA" --origin tiendo/khac
expect_out "wrong origin" "KHÔNG KHỚP tại mục"
run 2 "audit verify --db without --ca" "$TD" audit verify --db "$BASE"

# A fresh copy with every trigger dropped (the copy only): the tamperer's view.
fresh() {
    local t=$W/t.db trg
    rm -f "$t" "$t-wal" "$t-shm" "$t-journal"
    cp "$BASE" "$t"
    for trg in $(sq "$t" "SELECT name FROM sqlite_master WHERE type = 'trigger';"); do
        sq "$t" "DROP TRIGGER \"$trg\";"
    done
    T=$t
}

# tampered DESC WANT...: verify must exit 1 and its first line hold each WANT.
tampered() {
    local desc=$1 w
    shift
    run 1 "tamper: $desc" "$TD" audit verify --db "$T" --ca "$CA"
    grep -F "KHÔNG KHỚP" <<<"$OUT" | sed 's/^/    | /' || true
    for w in "$@"; do expect_out "tamper: $desc" "$w"; done
}

say "the tamper matrix"
# 1. a byte of an entry flipped (in the middle of the body)
K=$((LAST / 2))
fresh
HEX=$(sq "$T" "SELECT hex(body) FROM log WHERE idx = $K;")
P=$(((${#HEX} / 4) * 2))
C=${HEX:$P:1}
if [ "$C" = A ]; then R=B; else R=A; fi
sq "$T" "UPDATE log SET body = X'${HEX:0:$P}$R${HEX:$((P + 1))}' WHERE idx = $K;"
tampered "byte of entry $K flipped" "KHÔNG KHỚP tại mục $K:"
# 2. an entry deleted
K=$((LAST / 3))
fresh
sq "$T" "DELETE FROM log WHERE idx = $K;"
tampered "entry $K deleted" "KHÔNG KHỚP tại mục $K:" "mục $K bị thiếu"
# 3. two entries swapped: bodies only, then whole rows
A=$((LAST / 4))
B=$((LAST / 2 + 7))
fresh
sq "$T" "CREATE TEMP TABLE s AS SELECT idx, body FROM log WHERE idx IN ($A, $B);
         UPDATE log SET body = (SELECT body FROM s WHERE s.idx = $B) WHERE idx = $A;
         UPDATE log SET body = (SELECT body FROM s WHERE s.idx = $A) WHERE idx = $B;"
tampered "bodies of $A and $B swapped" "KHÔNG KHỚP tại mục $A:"
fresh
sq "$T" "UPDATE log SET idx = -1 WHERE idx = $A; UPDATE log SET idx = $A WHERE idx = $B; UPDATE log SET idx = $B WHERE idx = -1;"
tampered "rows $A and $B swapped" "KHÔNG KHỚP tại mục $A:"
# 4. a forged entry: at the end, and in the middle with the rest renumbered
read -r FA FS FK FB < <("$TAMPER" forge --agency so-noi-vu --task 1)
fresh
sq "$T" "INSERT INTO log(idx, author, seq, kind, agency, task, body, received_ms)
         VALUES ($((LAST + 1)), X'$FA', $FS, $FK, 'so-noi-vu', 1, X'$FB', 1767225600000);"
tampered "forged entry at the end" "KHÔNG KHỚP tại mục $((LAST + 1)):" "không có chứng thư"
K=$((LAST * 2 / 3))
fresh
sq "$T" "UPDATE log SET idx = -idx WHERE idx >= $K; UPDATE log SET idx = 1 - idx WHERE idx < 0;
         INSERT INTO log(idx, author, seq, kind, agency, task, body, received_ms)
         VALUES ($K, X'$FA', $FS, $FK, 'so-noi-vu', 1, X'$FB', 1767225600000);"
eq "renumbered copy has one more entry" "$(sq "$T" "SELECT MAX(idx) FROM log;")" $((LAST + 1))
tampered "forged entry at $K, the rest renumbered" "KHÔNG KHỚP tại mục $K:" "không có chứng thư"
# 5. the log truncated
fresh
sq "$T" "DELETE FROM log WHERE idx > $((LAST - 5));"
tampered "log truncated by 5" "KHÔNG KHỚP tại mục $((LAST - 4)) (checkpoint kích thước $TOP)" \
    "nhật ký bị cắt: checkpoint kích thước $TOP đã được ký, nhật ký chỉ có $((LAST - 5)) mục"
# 6. a checkpoint replaced: its note text edited, then re-signed with another key
S=$(sq "$BASE" "SELECT size FROM checkpoint ORDER BY size LIMIT 1 OFFSET $((NCP / 2));")
fresh
sq "$T" "UPDATE checkpoint SET note = replace(note, 'tiendo-state', 'tiendo-stat0') WHERE size = $S;"
tampered "note text of checkpoint $S edited" "KHÔNG KHỚP tại mục $S (checkpoint kích thước $S)" "chữ ký của máy chủ không hợp lệ"
fresh
sq "$T" "SELECT note FROM checkpoint WHERE size = $S;" >"$W/cp.out"
head -c -1 "$W/cp.out" >"$W/cp.note"   # the shell adds a newline after the value
"$TAMPER" resign <"$W/cp.note" >"$W/cp.forged" || die "td_tamper resign"
sq "$T" "UPDATE checkpoint SET note = CAST(readfile('$W/cp.forged') AS TEXT) WHERE size = $S;"
tampered "checkpoint $S re-signed with another key" "KHÔNG KHỚP tại mục $S (checkpoint kích thước $S)" \
    "không có chữ ký của khóa máy chủ"

say "history"
run 0 "audit history --task 49" "$TD" audit history --task 49 --db "$BASE" --ca "$CA"
sed 's/^/    | /' <<<"$OUT"
expect_out "history of task 49" "Đã ban hành kế hoạch"
expect_out "history of task 49" "so-y-te"
run 0 "audit history --task 33 --csv" "$TD" audit history --task 33 --csv --dir ins
if [ "$(head -c 3 "$W/.out" | od -An -tx1 | tr -d ' ')" = efbbbf ]; then pass "CSV starts with a UTF-8 BOM"; else fail "CSV has no BOM"; fi
if grep -q $'\r$' "$W/.out"; then pass "CSV lines end in CRLF"; else fail "CSV lines do not end in CRLF"; fi
expect_out "CSV header" "Chỉ số mục"
expect_out "CSV refused reason (the technical column keeps the fold's words)" "neither lead nor partner"
run 0 "audit history --agency so-y-te" "$TD" audit history --agency so-y-te --db "$BASE" --ca "$CA"
expect_out "agency history" "Tổng cộng: "

say "history: the replica's own fold and the server copy's replay give the same bytes"
# --dir reads each entry's outcome from the replica's persisted fold and only the rows it shows;
# --db folds the copy of server.db again from the start.  The inspector's replica holds the whole log.
eq "the inspector's replica holds the whole log" "$(sq ins/replica.db "SELECT MAX(idx) FROM pulled;")" "$LAST"
eq "the inspector's replica has a persisted fold" "$(sq ins/replica.db "SELECT COUNT(*) FROM fold_snapshot;")" 1
TIENDO_LOG=debug "$TD" audit history --task 49 --dir ins >/dev/null 2>"$W/hist.err" || true
if grep -q "fold snapshot of [0-9]* entries loaded" "$W/hist.err"; then pass "history --dir loads the persisted fold"
else fail "history --dir did not load the persisted fold: $(head -c 600 "$W/hist.err")"; fi
cp ins/replica.db "$W/nosnap.db"
sq "$W/nosnap.db" "DELETE FROM fold_snapshot;"
mkdir -p "$W/nosnap" && mv "$W/nosnap.db" "$W/nosnap/replica.db" && cp ins/ca.crt "$W/nosnap/ca.crt"
# same_hist DESC ARGS...: the server copy's bytes = the replica's (persisted fold) = the replica's without it
same_hist() {
    local d=$1 a b c
    shift
    a=$("$TD" audit history "$@" --db "$BASE" --ca "$CA" | od -An -tx1 | sha256sum)
    b=$("$TD" audit history "$@" --dir ins | od -An -tx1 | sha256sum)
    c=$("$TD" audit history "$@" --dir "$W/nosnap" | od -An -tx1 | sha256sum)
    "$TD" audit history "$@" --dir ins >"$W/same.out"
    if [ "$a" = "$b" ] && [ "$a" = "$c" ] && [ "$(grep -c "" "$W/same.out")" -ge 2 ]; then
        pass "$d: server copy and replica give the same bytes ($(grep -c '' "$W/same.out") lines)"
    else
        fail "$d: server copy $a, replica $b, replica without its persisted fold $c"
    fi
}
for args in "--task 49" "--task 33" "--task 1" "--agency so-y-te" "--agency so-noi-vu" "--agency thanh-tra"; do
    # shellcheck disable=SC2086
    same_hist "history $args" $args
    # shellcheck disable=SC2086
    same_hist "history $args --csv" $args --csv
done
"$TD" audit history --task 33 --dir ins >"$W/h33.txt"
expect_in "the replica's history of task 33 shows the refusal" "$W/h33.txt" "không chủ trì, không phối hợp nhiệm vụ"

say "a row damaged under a running server: a pull leaves it out, the server says so, the client stops on the gap"
# (the server refuses to start on a damaged row: its tree no longer matches; a row damaged while it runs
# is caught where the pull reads it, as the stored bytes go out as they are: ledger.c tds__pull_cb.  An
# entry left out is a gap in the signed tree, which the client refuses like any server's omission.)
enrol_as ins2 thanh-tra tt-02 inspector 127.0.0.1:1
rm -rf "$W/data-dmg"
cp -a "$W/data-srv" "$W/data-dmg"
sv_start dmg
K=$((LAST / 2))
for trg in $(sq "$W/data-dmg/server.db" "SELECT name FROM sqlite_master WHERE type = 'trigger';"); do
    sq "$W/data-dmg/server.db" "DROP TRIGGER \"$trg\";"
done
sq "$W/data-dmg/server.db" "UPDATE log SET body = X'0AFF' WHERE idx = $K;"
tsync ins2 --server "127.0.0.1:$PORT"
eq "the pull past the damaged row fails" "$SYNC_RC" 1
[ "$SYNC_RC" = 1 ] || say "its stderr: $(tail -c 4000 "$W/.sync.err")"
expect_in "the client names the gap in the verified tree" "$W/.sync.err" "không nối tiếp cây đã xác minh"
check "the server still runs after that pull" kill -0 "${SRV_PID[dmg]}"
expect_in "the server log names the row" "$W/dmg.log" "log index $K does not decode; skipped in pull"
eq "the replica holds nothing at or after the damaged row" \
    "$(sq ins2/replica.db "SELECT COUNT(*) FROM pulled WHERE idx >= $K;")" 0
sv_stop dmg
finish

#!/usr/bin/env bash
# attachments.sh — report attachments end to end (docs/PROTOCOL.md §7):
# an office attaches a PDF and a JPEG to a report and syncs through
# td_proxy cut in the middle of the upload at several points: every retry
# resumes from the server's durable offset (bytes sent in total stay within
# the file sizes plus one chunk and the per-session overhead, never a
# restart), the server holds each file once with the right hash; the
# central device syncs and `tiendo attachment get` returns identical bytes
# (cmp); an office of an agency with no part in the task cannot fetch it; an
# oversized file and a refused type are refused by the client in
# Vietnamese; a hostile peer (oversized chunk, wrong offset, wrong hash,
# offers beyond the device quota) gets clear errors, and the server keeps
# serving with bounded memory.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

BLOBPEER=${TD_TOOL_td_blobpeer:-}
[ -n "$BLOBPEER" ] || die "TD_TOOL_td_blobpeer is not set"
export TIENDO_TODAY=20250620
AG=so-khcn
TASK=32   # lead so-khcn; partners "doanh nghiệp công nghệ": nothing of so-y-te
PER=2025-06
CHUNK=65536

say "PKI, plan, devices: office of $AG, central, office of so-y-te"
sync_pki
plan_import main
cp -a "$W/data-main" "$W/data-tpl"
sv_start main
P=$PORT
enrol_as dev "$AG" vanthu-01 office "127.0.0.1:$P"
enrol_as cen so-khcn tonghop-01 central "127.0.0.1:$P"
enrol_as yte so-y-te yte-01 office "127.0.0.1:$P"
tsync dev
eq "first sync (plan)" "$SYNC_RC" 0
sv_stop main

say "the files: a PDF of ~300 KB and a JPEG of ~150 KB (random bodies behind real headers)"
{ printf '%%PDF-1.5\n'; head -c 300000 /dev/urandom; printf '\n%%%%EOF\n'; } >"$W/bien-ban-hop.pdf"
{ printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01'; head -c 150000 /dev/urandom; printf '\xff\xd9'; } >"$W/anh-hien-truong.jpg"
PDF_N=$(stat -c %s "$W/bien-ban-hop.pdf")
JPG_N=$(stat -c %s "$W/anh-hien-truong.jpg")
PDF_SHA=$(sha256sum "$W/bien-ban-hop.pdf" | cut -c1-64)
JPG_SHA=$(sha256sum "$W/anh-hien-truong.jpg" | cut -c1-64)
FILES_N=$((PDF_N + JPG_N))

say "refusals on the client, before anything is signed"
head -c $((10 * 1024 * 1024 + 1)) /dev/zero | { printf '%%PDF-1.4\n'; cat; } >"$W/qua-lon.pdf"
printf 'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff' >"$W/bien-ban.pdf"
head -c 5000 /dev/urandom >>"$W/bien-ban.pdf"
run 1 "an oversized file is refused" "$TD" report "$TASK" --dir dev --period "$PER" --state dang --percent 50 \
    --result "Đã họp" --attach "$W/qua-lon.pdf" --no-prompt
expect_err "oversized: Vietnamese, names the limit" "quá lớn"
expect_err "oversized: names the file" "qua-lon.pdf"
run 1 "a Windows program named .pdf is refused" "$TD" report "$TASK" --dir dev --period "$PER" --state dang \
    --percent 50 --result "Đã họp" --attach "$W/bien-ban.pdf" --no-prompt
expect_err "refused type: says what it is" "chương trình Windows"
expect_err "refused type: lists what is accepted" "PDF"
if grep -q '\.\.$' <<<"$ERR"; then fail "refused type: the sentence ends with '..'"; else pass "no '..' at the end"; fi
eq "nothing signed by the refusals" "$(sq dev/replica.db "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 0
eq "no blob kept by the refusals" "$(sq dev/replica.db "SELECT COUNT(*) FROM blob;")" 0

say "the report with two attachments, offline"
run 0 "tiendo report --attach PDF --attach JPEG" "$TD" report "$TASK" --dir dev --period "$PER" --state dang \
    --percent 60 --result "Đã tổ chức hội nghị triển khai" --attach "$W/bien-ban-hop.pdf" \
    --attach "$W/anh-hien-truong.jpg" --no-prompt
eq "replica holds both files by hash" \
    "$(sq dev/replica.db "SELECT group_concat(lower(hex(sha256)), ' ') FROM (SELECT sha256 FROM blob ORDER BY size DESC);")" \
    "$PDF_SHA $JPG_SHA"
run 0 "attachment list before the sync" "$TD" attachment list --dir dev
expect_out "list: the PDF, not yet sent" "bien-ban-hop.pdf"
expect_out "list: availability" "chưa gửi"
# columns aligned by characters (Vietnamese letters are 2-3 bytes): the file
# name starts at the same column on the header and on every row
name_cols=$(while IFS= read -r l; do
    case "$l" in
    *"TÊN (LOẠI)"*) p=${l%%"TÊN (LOẠI)"*} ;;
    *bien-ban-hop.pdf*) p=${l%%bien-ban-hop.pdf*} ;;
    *anh-hien-truong.jpg*) p=${l%%anh-hien-truong.jpg*} ;;
    *) continue ;;
    esac
    printf '%s' "$p" | LC_ALL=C.UTF-8 wc -m
done <<<"$OUT" | sort -u)
eq "list: the name column starts at one character position on all 3 lines ($(echo $name_cols))" \
    "$(wc -l <<<"$name_cols")" 1
cp -a dev "$W/devtpl"

# fresh NAME: server data and device as they were before the upload
fresh() {
    rm -rf "$W/data-$1" "$W/dev-$1"
    cp -a "$W/data-main" "$W/data-$1"
    cp -a "$W/devtpl" "$W/dev-$1"
}
# up_bytes FILE: client -> server bytes over all proxied connections
up_bytes() { sed -n 's/^conn [0-9]*: up=\([0-9]*\) .*/\1/p' "$1" | awk '{s += $1} END {print s + 0}'; }

say "uncut sync through the proxy: the reference byte count"
fresh ref
sv_start ref
px_start pxref "$PORT"
tsync "$W/dev-ref" --server "127.0.0.1:$PX_PORT"
eq "uncut sync" "$SYNC_RC" 0
px_stop "$PX_PID"
sv_stop ref
REF_UP=$(up_bytes "$W/pxref.out")
say "uncut: $REF_UP bytes up for $FILES_N bytes of files"
[ "$REF_UP" -ge "$FILES_N" ] && [ "$REF_UP" -le $((FILES_N + 40000)) ] &&
    pass "uncut upload costs the files plus < 40 KB of protocol ($REF_UP)" ||
    fail "uncut upload sent $REF_UP bytes for $FILES_N bytes of files"

say "cuts in the middle of the upload: each retry resumes"
# A retry costs one handshake + Hello/Welcome + the offers again, plus at
# most the chunk in flight when the link broke; a restart would cost
# everything sent before the cut again.
SLACK=$((CHUNK + 30000))
for frac in 20 45 70 90; do
    cut=$((REF_UP * frac / 100))
    fresh "c$frac"
    sv_start "c$frac"
    px_start "px$frac" "$PORT" --cut-after "$cut" --direction up --once
    if sync_until_ok "$W/dev-c$frac" 4 --server "127.0.0.1:$PX_PORT"; then
        pass "cut after $cut bytes up ($frac%): sync succeeded after $SYNC_TRIES attempts"
    else
        fail "cut after $cut bytes up: no successful sync ($(tail -n 3 "$W/.sync.err"))"
    fi
    px_stop "$PX_PID"
    sv_stop "c$frac"
    total=$(up_bytes "$W/px$frac.out")
    say "  cut at $cut: $total bytes up in all (uncut $REF_UP, files $FILES_N)"
    echo "resume frac=$frac cut=$cut total_up=$total ref_up=$REF_UP files=$FILES_N" >>"$W/resume.txt"
    [ "$total" -le $((REF_UP + SLACK)) ] && pass "cut at $frac%: $total <= $REF_UP + one chunk + a session (resumed)" ||
        fail "cut at $frac%: $total bytes up, more than $REF_UP + $SLACK: the upload restarted"
    DB=$W/data-c$frac/server.db
    eq "cut at $frac%: server holds both files once" "$(sq "$DB" "SELECT COUNT(*) FROM blob;")" 2
    eq "cut at $frac%: PDF hash" "$(sq "$DB" "SELECT lower(hex(sha256)) FROM blob WHERE size = $PDF_N;")" "$PDF_SHA"
    eq "cut at $frac%: PDF bytes hash to it" \
        "$(sqlite3 "$DB" "SELECT writefile('$W/srv-$frac.pdf', data) FROM blob WHERE size = $PDF_N;" >/dev/null &&
            sha256sum "$W/srv-$frac.pdf" | cut -c1-64)" "$PDF_SHA"
    eq "cut at $frac%: no partial upload left" "$(sq "$DB" "SELECT COUNT(*) FROM blob_upload;")" 0
    eq "cut at $frac%: the report is in the log, citing both" "$(sq "$DB" "SELECT COUNT(*) FROM blob_ref;")" 2
    eq "cut at $frac%: marked uploaded on the device" \
        "$(sq "$W/dev-c$frac/replica.db" "SELECT COUNT(*) FROM blob WHERE uploaded_ms IS NOT NULL;")" 2
done
cat "$W/resume.txt"

say "a report whose file is missing from the replica is explained, not pushed"
fresh miss
sv_start miss
sq "$W/dev-miss/replica.db" "DELETE FROM blob WHERE size = $JPG_N;"
tsync "$W/dev-miss" --server "127.0.0.1:$PORT"
eq "sync with a missing attachment fails" "$SYNC_RC" 1
if grep -q "không còn trong bản sao dữ liệu" "$W/.sync.err"; then
    pass "missing attachment explained in Vietnamese: $(head -n 1 "$W/.sync.err")"
else
    fail "missing attachment not explained: $(cat "$W/.sync.err")"
fi
eq "the report stays pending" "$(sq "$W/dev-miss/replica.db" "SELECT COUNT(*) FROM outbox WHERE status = 'pending';")" 1
eq "the server has no report citing a file it lacks" "$(sq "$W/data-miss/server.db" "SELECT COUNT(*) FROM log WHERE kind = 20;")" 0
sv_stop miss

say "central fetches the files; an unrelated office cannot"
# continue on the last cut run's server data
rm -rf "$W/data-main"
cp -a "$W/data-c90" "$W/data-main"
sv_start main "127.0.0.1:$P"
tsync cen
eq "central sync" "$SYNC_RC" 0
run 0 "central: attachment list --task $TASK" "$TD" attachment list --dir cen --task "$TASK"
expect_out "central list: the PDF on the server" "bien-ban-hop.pdf"
expect_out "central list: availability" "máy chủ"
run 0 "central: attachment get (prefix)" "$TD" attachment get "${PDF_SHA:0:12}" --dir cen --out "$W/cen.pdf"
if cmp -s "$W/cen.pdf" "$W/bien-ban-hop.pdf"; then pass "central got identical PDF bytes"; else fail "PDF differs"; fi
run 0 "central: attachment get JPEG (full hash)" "$TD" attachment get "$JPG_SHA" --dir cen --out "$W/cen.jpg"
if cmp -s "$W/cen.jpg" "$W/anh-hien-truong.jpg"; then pass "central got identical JPEG bytes"; else fail "JPEG differs"; fi
eq "central replica keeps the fetched files" "$(sq cen/replica.db "SELECT COUNT(*) FROM blob;")" 2
run 1 "get does not overwrite" "$TD" attachment get "${PDF_SHA:0:12}" --dir cen --out "$W/cen.pdf"
expect_err "no overwrite: Vietnamese" "không ghi đè"
tsync yte
eq "so-y-te sync" "$SYNC_RC" 0
RIDX=$(sq "$W/data-main/server.db" "SELECT idx FROM log WHERE kind = 20 AND agency = '$AG';")
eq "the report is not visible to so-y-te (task $TASK is not its)" "$(sq yte/replica.db "SELECT COUNT(*) FROM pulled WHERE idx = $RIDX;")" 0
run 1 "so-y-te: get by hash refused" "$TD" attachment get "$PDF_SHA" --dir yte --out "$W/yte.pdf"
expect_err "unrelated office: Vietnamese refusal" "không cho tải"
[ ! -e "$W/yte.pdf" ] && pass "nothing written for so-y-te" || fail "so-y-te got a file"
run 1 "hostile get by a so-y-te device" "$BLOBPEER" get --dir yte --server "127.0.0.1:$P" --sha "$PDF_SHA"
expect_out "get refused by the server" "not held, or cited by no entry visible to agency so-y-te"

say "so-y-te cites the PDF in its own report on task $TASK (no role there): no download gained"
run 0 "offer of the PDF's hash with its true size" "$BLOBPEER" offer --dir yte --server "127.0.0.1:$P" \
    --sha "$PDF_SHA" --size "$PDF_N"
PROBE_TRUE=$OUT
run 0 "offer of the PDF's hash with a wrong size" "$BLOBPEER" offer --dir yte --server "127.0.0.1:$P" \
    --sha "$PDF_SHA" --size 89
PROBE_WRONG=$OUT
NOSHA=$(printf 'no such file' | sha256sum | cut -c1-64)
run 0 "offer of a hash not stored, true size" "$BLOBPEER" offer --dir yte --server "127.0.0.1:$P" \
    --sha "$NOSHA" --size "$PDF_N"
eq "offer: stored-but-not-yours answers as not stored" "$PROBE_TRUE" "$OUT"
run 0 "offer of a hash not stored, wrong size" "$BLOBPEER" offer --dir yte --server "127.0.0.1:$P" \
    --sha "$NOSHA" --size 89
eq "offer with a wrong size: answers as not stored, says no size" "$PROBE_WRONG" "$OUT"
eq "offer: no \"is stored with\" oracle" "$(grep -c 'stored with' <<<"$PROBE_WRONG$PROBE_TRUE")" 0
run 1 "get of a hash not stored" "$BLOBPEER" get --dir yte --server "127.0.0.1:$P" --sha "$NOSHA"
NOGET=$(sed "s/${NOSHA:0:16}/HASH/" <<<"$OUT")
run 0 "so-y-te pushes a report on task $TASK citing the PDF" "$BLOBPEER" cite --dir yte --server "127.0.0.1:$P" \
    --sha "$PDF_SHA" --size "$PDF_N" --task "$TASK" --period "$PER"
expect_out "the entry is stored (the log keeps it; the fold refuses it)" "ack STORED"
CIDX=$(sed -n 's/^ack STORED index=\([0-9]*\).*/\1/p' <<<"$OUT")
run 1 "get of the PDF after the citing report" "$BLOBPEER" get --dir yte --server "127.0.0.1:$P" --sha "$PDF_SHA"
expect_out "still refused" "not held, or cited by no entry visible to agency so-y-te"
eq "get: not-yours answers exactly as not-stored" "$(sed "s/${PDF_SHA:0:16}/HASH/" <<<"$OUT")" "$NOGET"
eq "no reference recorded for the refused report" \
    "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM blob_ref WHERE idx = ${CIDX:-0};")" 0
run 0 "so-y-te cites the PDF in an accepted report on its own task 27" "$BLOBPEER" cite --dir yte \
    --server "127.0.0.1:$P" --sha "$PDF_SHA" --size "$PDF_N" --task 27 --period "$PER" --seq 2
expect_out "the own-task report is stored" "ack STORED"
AIDX=$(sed -n 's/^ack STORED index=\([0-9]*\).*/\1/p' <<<"$OUT")
run 1 "get of the PDF after the accepted citing report" "$BLOBPEER" get --dir yte --server "127.0.0.1:$P" \
    --sha "$PDF_SHA"
expect_out "citing a file one cannot see grants nothing" "not held, or cited by no entry visible to agency so-y-te"
eq "no reference recorded for a file its device neither uploaded nor saw" \
    "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM blob_ref WHERE idx = ${AIDX:-0};")" 0
log_has main "the unseen citation is logged" "neither uploaded nor can see"
eq "the so-khcn report's references are kept" \
    "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM blob_ref WHERE idx = $RIDX;")" 2
run 0 "the server still serves others: central syncs" "$TD" sync --dir cen
sv_stop main
# a reference from a refused entry, as servers before this rule recorded it
sq "$W/data-main/server.db" "INSERT INTO blob_ref(sha256, idx) VALUES (x'$PDF_SHA', ${CIDX:-0});"
sv_start main "127.0.0.1:$P"
run 1 "get with an old reference from the refused report" "$BLOBPEER" get --dir yte --server "127.0.0.1:$P" \
    --sha "$PDF_SHA"
expect_out "an old reference from a refused entry grants nothing" "not held, or cited by no entry visible"
run 0 "central still fetches the PDF" "$TD" attachment get "$PDF_SHA" --dir cen --out "$W/cen2.pdf"
if cmp -s "$W/cen2.pdf" "$W/bien-ban-hop.pdf"; then pass "central got the PDF"; else fail "central PDF differs"; fi

say "a hostile peer with a valid certificate"
run 0 "chunk above TD_BLOB_CHUNK_MAX" "$BLOBPEER" bigchunk --dir yte --server "127.0.0.1:$P"
expect_out "bigchunk: error names the bound" "TD_BLOB_CHUNK_MAX"
run 0 "chunk at a wrong offset" "$BLOBPEER" badoffset --dir yte --server "127.0.0.1:$P"
expect_out "badoffset: error names the offsets" "at offset 1000, expected 0"
run 0 "bytes that do not hash to the offer" "$BLOBPEER" badhash --dir yte --server "127.0.0.1:$P"
expect_out "badhash: refused with the reason" "do not hash to the offered SHA-256"
expect_out "badhash: the session goes on" "pong"
run 0 "offers beyond the device quota" "$BLOBPEER" quota --dir yte --server "127.0.0.1:$P"
expect_out "quota: 12 offers of 10 MiB accepted" "offers accepted 12"
expect_out "quota: refusal names the bound" "TD_BLOB_DEVICE_QUOTA"
expect_out "quota: a chunk of the refused file is an error" "no upload offered"
eq "nothing stored from the hostile peer" "$(sq "$W/data-main/server.db" "SELECT COUNT(*) FROM blob;")" 2
srv_alive main && pass "server still running" || fail "server died"
run 0 "server still serves: central syncs again" "$TD" sync --dir cen
RSS=$(awk '/VmHWM/ {print $2}' "/proc/${SRV_PID[main]}/status")
LIMIT=$((TD_SLOW > 1 ? 600000 : 150000))
[ "$RSS" -le "$LIMIT" ] && pass "server peak RSS ${RSS} kB <= ${LIMIT} kB" || fail "server peak RSS ${RSS} kB > ${LIMIT} kB"
log_has main "hostile chunk logged" "TD_BLOB_CHUNK_MAX"
sv_stop main
finish

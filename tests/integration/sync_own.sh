#!/usr/bin/env bash
# sync_own.sh — protocol 3 (docs/PROTOCOL.md §9): a device pulls back its own entries
# without their bodies and rebuilds them from its outbox.  Real server, real
# clients, through td_proxy (which counts the bytes):
#   - an office records 12 reports and syncs (protocol 3): the replica's
#     digest equals the server's view, and its pulled slice is byte for
#     byte the server's log rows (index, SignedEntry, receive time);
#   - a copy of the same device made before the sync syncs as a version-2
#     client (TIENDO_PROTO_MAX=2): same digest, same pulled bytes, and at
#     least 12 x 400 B more on the wire (the bodies came down);
#   - a version-2 server (TIENDO_PROTO_MAX=2 on the server) and a version-3
#     client: the same again (the client asks, the server ignores it);
#   - protocol 5 (an audit path per pulled entry) and 6 (one batch proof per
#     Entries, own entries rebuilt then proven in it): same digest, same
#     pulled bytes, fewer bytes on the wire at 6;
#   - an outbox that lost a row, and one whose acked index disagrees with
#     the log: the client says so, pulls the range again with every body,
#     and ends with the same pulled bytes and digest (nothing wrong stored).
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"

AG=so-tai-chinh
NREP=12

say "PKI, plan, a device of $AG with $NREP reports"
sync_pki
plan_import tpl
enrol_as devtpl "$AG" ketoan-01 office 127.0.0.1:1
i=0
for t in 11 23 1 27; do
    for m in 01 02 03; do
        report devtpl "$t" "2025-$m" --percent $((i * 5)) --result "Kết quả tháng $m của nhiệm vụ $t: đã hoàn thành các bước chuẩn bị, tổ chức thực hiện và báo cáo sơ kết"
        i=$((i + 1))
    done
done
eq "template outbox" "$(sq devtpl/replica.db "SELECT COUNT(*) FROM outbox WHERE status='pending';")" "$NREP"

# pulled DIR: the replica's pulled slice, one line per row.
pulled() { sq "$1/replica.db" "SELECT idx || ' ' || hex(body) || ' ' || received_ms FROM pulled ORDER BY idx;"; }
# server_rows NAME FROM: the server's log rows the office may see, from FROM on
# (the device's view: every row of its agency, certificates and the plan).
wire_total() { sed -n 's/^conn 1: .* total=\([0-9]*\) .*/\1/p' "$W/$1.out" | head -n 1; }
# sync_via NAME DIR: one sync through a counting proxy; WIRE = bytes both ways.
sync_via() {
    px_start "$1" "$PORT" --trace
    tsync "$2" --server "127.0.0.1:$PX_PORT"
    px_stop "$PX_PID"
    WIRE=$(wire_total "$1")
}

cp -a "$W/data-tpl" "$W/data-main"
for d in dev3 dev2 devs2 devlost devidx dev5 dev6; do cp -a "$W/devtpl" "$W/$d"; done
sv_start main

say "protocol 3: own entries come back without bodies"
# at protocol 3 exactly: version 4 adds each entry's audit path (sec_hostile.sh, test_sync.c)
export TIENDO_PROTO_MAX=3
sync_via px3 "$W/dev3"
unset TIENDO_PROTO_MAX
eq "protocol-3 sync" "$SYNC_RC" 0
W3=$WIRE
eq "outbox acked" "$(sq "$W/dev3/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='stored' AND idx > 0;")" "$NREP"
check_digest "protocol 3" main "$W/dev3" "$AG"
P3=$(pulled "$W/dev3")
# the device's own rows on the server, byte for byte in the replica
own_srv=$(sq "$W/data-main/server.db" "SELECT idx || ' ' || hex(body) || ' ' || received_ms FROM log WHERE agency='$AG' AND kind=20 ORDER BY idx;")
own_rep=$(sq "$W/dev3/replica.db" "SELECT p.idx || ' ' || hex(p.body) || ' ' || p.received_ms FROM pulled p JOIN outbox o ON o.idx = p.idx ORDER BY p.idx;")
eq "own entries in the replica = the server's rows (index, bytes, receive time)" "$(md5sum <<<"$own_rep")" "$(md5sum <<<"$own_srv")"
eq "own rows compared" "$(wc -l <<<"$own_rep")" "$NREP"

say "a version-2 client (same device, same outbox) pulls every body"
export TIENDO_PROTO_MAX=2
sync_via px2 "$W/dev2"
unset TIENDO_PROTO_MAX
eq "protocol-2 sync" "$SYNC_RC" 0
eq "outbox acked as duplicates" "$(sq "$W/dev2/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='duplicate' AND idx > 0;")" "$NREP"
check_digest "protocol 2" main "$W/dev2" "$AG"
eq "pulled slice: protocol 3 = protocol 2" "$(pulled "$W/dev2" | md5sum)" "$(md5sum <<<"$P3")"
# the bodies left out, less a few bytes a row for own_seq and framing
own_bytes=$(sq "$W/data-main/server.db" "SELECT SUM(length(body)) FROM log WHERE agency='$AG' AND kind=20;")
ge "bytes saved by protocol 3 (v2 $WIRE B, v3 $W3 B; own bodies $own_bytes B)" $((WIRE - W3)) $((own_bytes - NREP * 16))

say "protocol 5 (an audit path per entry) and 6 (one batch proof per Entries): the same replica"
export TIENDO_PROTO_MAX=5
sync_via px5 "$W/dev5"
unset TIENDO_PROTO_MAX
eq "protocol-5 sync" "$SYNC_RC" 0
W5=$WIRE
check_digest "protocol 5" main "$W/dev5" "$AG"
eq "pulled slice: protocol 5 = protocol 3" "$(pulled "$W/dev5" | md5sum)" "$(md5sum <<<"$P3")"
sync_via px6 "$W/dev6"
eq "protocol-6 sync (own entries rebuilt, proven in the batch)" "$SYNC_RC" 0
check_digest "protocol 6" main "$W/dev6" "$AG"
eq "pulled slice: protocol 6 = protocol 3" "$(pulled "$W/dev6" | md5sum)" "$(md5sum <<<"$P3")"
if grep -q "protocol 6" "${SRV_LOG[main]}"; then pass "server log: a protocol-6 session"; else fail "no protocol-6 session logged"; fi
ge "bytes saved by the batch proof (v5 $W5 B, v6 $WIRE B)" $((W5 - WIRE)) 1
sv_stop main

say "a version-2 server and a version-3 client"
rm -rf "$W/data-s2"
cp -a "$W/data-tpl" "$W/data-s2"
export TIENDO_PROTO_MAX=2
sv_start s2
unset TIENDO_PROTO_MAX
tsync "$W/devs2" --server "127.0.0.1:$PORT"
eq "sync with a version-2 server" "$SYNC_RC" 0
check_digest "version-2 server" s2 "$W/devs2" "$AG"
# same history shape (template, the device's certificate, its 12 reports):
# its reports at the same indexes with the same bytes (the certificate entry
# is signed by each server at its own time)
own_q="SELECT p.idx || ' ' || hex(p.body) FROM pulled p JOIN outbox o ON o.idx = p.idx ORDER BY p.idx;"
eq "own entries: version-2 server = protocol 3" "$(sq "$W/devs2/replica.db" "$own_q" | md5sum)" \
    "$(sq "$W/dev3/replica.db" "$own_q" | md5sum)"
eq "pulled rows: version-2 server" "$(sq "$W/devs2/replica.db" "SELECT COUNT(*) FROM pulled;")" \
    "$(sq "$W/dev3/replica.db" "SELECT COUNT(*) FROM pulled;")"
sv_stop s2

say "outboxes the server's log contradicts: pulled again with bodies"
sv_start main
# acks recorded, then a cut before the pull (simulated: the outbox gets the
# indexes the server acknowledged, nothing pulled yet), then a row lost /
# an index changed
map=$(sq "$W/data-main/server.db" "SELECT seq || ' ' || idx FROM log WHERE agency='$AG' AND kind=20 ORDER BY seq;")
for d in devlost devidx; do
    while read -r seq idx; do
        sq "$W/$d/replica.db" "UPDATE outbox SET status='stored', idx=$idx WHERE seq=$seq;"
    done <<<"$map"
done
sq "$W/devlost/replica.db" "DELETE FROM outbox WHERE seq=5;"
sq "$W/devidx/replica.db" "UPDATE outbox SET idx = idx + 1 WHERE seq = 7;"
cp -a "$W/devidx" "$W/devverb"   # the same, synced with --verbose below
for d in devlost devidx; do
    tsync "$W/$d" --server "127.0.0.1:$PORT"
    eq "$d: sync" "$SYNC_RC" 0
    # operator logs go to the device's log file, never to the clerk's terminal
    if grep -q "pulling from log index .* again with every body" "$W/$d/tiendo.log"; then
        pass "$d: the client noticed and pulled again: $(grep -o 'own entries: .*' "$W/$d/tiendo.log" | head -c 160)"
    else
        fail "$d: no fall-back message ($(tail -c 300 "$W/$d/tiendo.log"))"
    fi
    if grep -q "own entries" "$W/.sync.err"; then fail "$d: an operator log line on the terminal"; else
        pass "$d: no operator log line on the terminal"; fi
    check_digest "$d" main "$W/$d" "$AG"
    eq "$d: pulled slice = protocol 3" "$(pulled "$W/$d" | md5sum)" "$(md5sum <<<"$P3")"
done
# --verbose (anywhere on the line) shows the operator log on the terminal
tsync "$W/devverb" --verbose --server "127.0.0.1:$PORT"
eq "sync --verbose" "$SYNC_RC" 0
grep -qE "Z WARN  own entries: .* again with every body" "$W/.sync.err" && pass "--verbose: log lines on the terminal" ||
    fail "--verbose: no log line on the terminal ($(head -c 200 "$W/.sync.err"))"
if grep -q "own entries" "$W/devverb/tiendo.log" 2>/dev/null; then fail "--verbose: also in the log file"; else
    pass "--verbose: the terminal instead of the log file"; fi
sv_stop main
finish

#!/usr/bin/env bash
# table.sh FILE — print the benchmark table from run.sh's RESULT lines.
#
# Columns: push time and entries/s (M clients at once); pull time and
# entries/s (a fresh replica / database / clone); wire bytes per entry for
# push and pull (both directions; tiendo: TLS records after the handshake;
# PouchDB: HTTP through a counting proxy; Fossil: its own "wire bytes"), the
# record's own size (tiendo: SignedEntry; PouchDB: the JSON document; Fossil:
# the ticket artifact); round trips of push and pull; a sync with nothing new
# (time, round trips, bytes; tiendo's includes the TLS handshake); server peak
# RSS; one core's Ed25519 verify rate and tiendo's ingest / verify.
set -euo pipefail
awk '
function kv(line,   i, a, n, p) { delete R; n = split(line, a, " "); for (i = 3; i <= n; i++) { p = index(a[i], "="); R[substr(a[i], 1, p - 1)] = substr(a[i], p + 1) } }
/^RESULT / {
    kv($0); key = R["n"] " " R["m"]; sys = $2
    if (!(key in seen)) { seen[key] = 1; keys[++nk] = key }
    line[key, sys] = $0
}
END {
    printf "%-7s %-3s %-8s | %8s %9s | %8s %9s | %6s %6s %6s | %6s %6s | %8s %3s %7s | %7s | %9s\n", \
        "N", "M", "system", "push s", "push /s", "pull s", "pull /s", "B/e psh", "B/e pul", "record", \
        "RT push", "RT pull", "none ms", "RT", "none B", "RSS MiB", "verify/s"
    for (i = 1; i <= nk; i++) {
        split(keys[i], nm, " ")
        for (s = 1; s <= 3; s++) {
            sys = s == 1 ? "tiendo" : s == 2 ? "pouchdb" : "fossil"
            if (!((keys[i], sys) in line)) continue
            kv(line[keys[i], sys])
            if (R["failed"]) { printf "%-7s %-3s %-8s | failed\n", nm[1], nm[2], sys; continue }
            rate[sys] = R["push_rate"]
            printf "%-7s %-3s %-8s | %8.2f %9d | %8.2f %9d | %6.0f %6.0f %6.0f | %6d %6d | %8.1f %3d %7d | %7.1f | %9s\n", \
                nm[1], nm[2], sys, R["push_s"], R["push_rate"], R["pull_s"], R["pull_rate"], R["push_wire"], \
                R["pull_wire"], R["record"], R["push_rts"], R["pull_rts"], R["nn_ms"], R["nn_rts"], R["nn_bytes"], \
                R["rss_mib"], (sys == "tiendo" ? R["verify"] : "-")
            if (sys == "tiendo") { v = R["verify"]; pay = R["payload"]; rec = R["record"]; pw = R["push_wire"]; lw = R["pull_wire"] }
        }
        if (rate["tiendo"] > 0)
            printf "%-7s %-3s %-8s   ingest/verify %.2f; push vs PouchDB %.1fx, vs Fossil %.1fx; tiendo push B/entry %.0f = report payload %.0f + %.0f (SignedEntry %.0f)\n", \
                "", "", "", rate["tiendo"] / v, (rate["pouchdb"] > 0 ? rate["tiendo"] / rate["pouchdb"] : 0), \
                (rate["fossil"] > 0 ? rate["tiendo"] / rate["fossil"] : 0), pw, pay, pw - pay, rec
        delete rate
    }
}' "$1"

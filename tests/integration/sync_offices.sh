#!/usr/bin/env bash
# sync_offices.sh — 20 offices of 20 agencies (12 departments, 8 districts),
# each making 100 reports (those between two of its syncs signed by one
# `tiendo report --from-file`) on tasks where it is lead or partner, each offline
# for a random part of the test (docs/PROTOCOL.md §11): an office syncs at
# random points of its work (0, 1 or 2 times) while the others keep working,
# then all 20 sync at once.  Then:
#   - every concurrent sync succeeded;
#   - the server holds 20 x 100 office entries, each (author, seq) once;
#   - after one quiet round of syncs (each office pulls what the others
#     pushed during the concurrent round), each office's replica digest equals
#     `tiendo-server state --agency SLUG --role office --digest`, and nothing
#     waits in any outbox.
# TD_SEED fixes the random schedule (printed); TD_CHAOS=1 makes it 3 rounds
# of concurrent syncs while offices keep writing.
set -euo pipefail
# shellcheck source=lib/tdsync.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdsync.sh"
# reports for periods years ahead: "today" for the client's future-period check
export TIENDO_TODAY=20991231

SEED=${TD_SEED:-$((RANDOM * 32768 + RANDOM))}
RANDOM=$SEED
say "random seed $SEED (TD_SEED=$SEED reproduces the schedule)"
PER=100
DEPTS=(so-noi-vu so-tu-phap so-tai-chinh so-xay-dung so-khcn so-nn-mt so-cong-thuong so-y-te so-vhttdl so-gddt
    vp-ubnd thanh-tra)
DISTS=(ubnd-tp-hai-duong ubnd-chi-linh ubnd-kinh-mon ubnd-binh-giang ubnd-cam-giang ubnd-gia-loc ubnd-kim-thanh
    ubnd-nam-sach)
OFFICES=("${DEPTS[@]}" "${DISTS[@]}")

sync_main
for a in "${OFFICES[@]}"; do enrol_as "$W/o-$a" "$a" may-01 office "127.0.0.1:$P"; done

# Tasks each office may write on: task 1 and 27 (every agency is a partner:
# "Các sở, ban, ngành, cơ quan, đơn vị, địa phương"), plus one where it is
# lead (departments) or task 29 (districts are partners: "Các địa phương").
declare -A OWN=([so-noi-vu]=8 [so-tu-phap]=23 [so-tai-chinh]=12 [so-xay-dung]=33 [so-khcn]=2 [so-nn-mt]=29
    [so-cong-thuong]=27 [so-y-te]=47 [so-vhttdl]=70 [so-gddt]=60 [vp-ubnd]=5 [thanh-tra]=10)
for a in "${DISTS[@]}"; do OWN[$a]=29; done

# office_work AGENCY SYNC_AT...: PER reports; after report k (k in SYNC_AT)
# a sync.  The reports between two syncs are signed by one
# `tiendo report --from-file`.  Runs in the background; its log in
# $W/work-AGENCY.log.
office_work() {
    local a=$1 dir=$W/o-$1 k t y m tasks rc at csv=$W/work-$1.csv
    shift
    tasks=(1 27 "${OWN[$a]}")
    echo "task,period,percent,result" >"$csv"
    for ((k = 1; k <= PER; k++)); do
        t=${tasks[$((k % 3))]}
        y=$((2025 + (k - 1) / 12))
        m=$(printf %02d $(((k - 1) % 12 + 1)))
        echo "$t,$y-$m,$((k % 101)),Báo cáo $k của $a" >>"$csv"
        at=0
        for s in "$@"; do [ "$s" = "$k" ] && at=1; done
        [ "$at" = 1 ] || [ "$k" = "$PER" ] || continue
        timeout 60 "$TD" report --dir "$dir" --from-file "$csv" >/dev/null 2>>"$W/work-$a.log" ||
            { echo "reports up to $k failed" >>"$W/work-$a.log"; return 1; }
        echo "task,period,percent,result" >"$csv"
        if [ "$at" = 1 ]; then
            rc=0
            timeout 60 "$TD" sync --dir "$dir" --quiet >>"$W/work-$a.log" 2>&1 || rc=$?
            echo "partial sync after $k: exit $rc" >>"$W/work-$a.log"
            [ "$rc" -eq 0 ] || return 1
        fi
    done
}

say "20 offices working; random partial syncs"
declare -A WPID
never=0
for a in "${OFFICES[@]}"; do
    pts=()
    case $((RANDOM % 3)) in
        0) never=$((never + 1)) ;;                                 # offline until the end
        1) pts=($((RANDOM % PER + 1))) ;;
        2) pts=($((RANDOM % PER + 1)) $((RANDOM % PER + 1))) ;;
    esac
    echo "schedule $a: syncs after reports: ${pts[*]:-none}" >"$W/work-$a.log"
    office_work "$a" "${pts[@]}" &
    WPID[$a]=$!
    BG_PIDS+=("${WPID[$a]}")
done
say "$never offices stay offline until the end"
t0=$SECONDS
wfail=0
for a in "${OFFICES[@]}"; do
    if ! wait "${WPID[$a]}"; then
        wfail=$((wfail + 1))
        fail "office $a: work failed: $(tail -n 3 "$W/work-$a.log")"
    fi
done
eq "offices whose reports and partial syncs all worked" "$wfail" 0
say "work done in $((SECONDS - t0))s"

rounds=1
[ "$TD_CHAOS" = 1 ] && rounds=3
for ((r = 1; r <= rounds; r++)); do
    say "round $r: all 20 offices sync at once"
    declare -A SPID
    t0=$SECONDS
    for a in "${OFFICES[@]}"; do
        timeout $((120 * TD_SLOW)) "$TD" sync --dir "$W/o-$a" >"$W/sync-$a.out" 2>&1 &
        SPID[$a]=$!
        BG_PIDS+=("${SPID[$a]}")
    done
    sfail=0
    for a in "${OFFICES[@]}"; do
        rc=0
        wait "${SPID[$a]}" || rc=$?
        if [ "$rc" -ne 0 ]; then
            sfail=$((sfail + 1))
            fail "office $a: concurrent sync exit $rc: $(tail -n 3 "$W/sync-$a.out")"
        fi
    done
    eq "round $r: concurrent syncs that succeeded" $((20 - sfail)) 20
    say "round $r took $((SECONDS - t0))s"
done

DB=$W/data-main/server.db
IN=$(printf "'%s'," "${OFFICES[@]}")
IN=${IN%,}
eq "server: $((20 * PER)) office entries" "$(sq "$DB" "SELECT COUNT(*) FROM log WHERE kind=20 AND agency IN ($IN);")" $((20 * PER))
no_dups main "20 offices"
eq "server: $PER entries from each office" \
    "$(sq "$DB" "SELECT COUNT(*) FROM (SELECT agency FROM log WHERE kind=20 AND agency IN ($IN) GROUP BY agency HAVING COUNT(*) = $PER);")" 20

say "a quiet round (each office pulls what the others sent meanwhile), then compare views"
for a in "${OFFICES[@]}"; do
    tsync "$W/o-$a"
    [ "$SYNC_RC" -eq 0 ] || fail "office $a: quiet sync exit $SYNC_RC: $(head -c 300 "$W/.sync.err")"
done
for a in "${OFFICES[@]}"; do
    eq "office $a: nothing waiting" "$(sq "$W/o-$a/replica.db" "SELECT COUNT(*) FROM outbox WHERE status='pending';")" 0
    check_digest "office $a" main "$W/o-$a" "$a"
done
stop_server main
finish

#!/usr/bin/env bash
# fold_fast.sh — the replica's fast fold (client/replica.h
# tdc_replica_refresh: a long-lived context folds only the entries stored
# since) equals the full fold of the replica, on two generated years of
# plan 726 (tests/tools/td_history --years 2: reports, reviews, conditions
# met, deadline edits): tests/tools/td_foldcheck stores the log in random
# batches through one handle, refreshes a second at random cut points and
# compares the state digests of both with a new open's at every cut, then
# drops rows below the folded position (the visibility rule) and checks the
# refreshed state follows.  The persisted fold (tdc_replica_snapshot_save):
# stored at random cuts, loaded by the next new opens, which fold only the
# rows above it and must equal a fold of every row; a snapshot cut short or
# with a byte flipped in its main part is not used (same digest); one with a
# byte flipped in its text section is loaded, its texts folded again from the
# rows (same digest) and the fold stored again; one of another format is not
# used and stored again by that open; after the drop
# (pulled_gen moved) the old one is not used, a new one is.  Three seeds.
set -euo pipefail
# shellcheck source=lib/tdtest.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/tdtest.sh"
: "${TD_TOOL_td_history:?path of td_history}" "${TD_TOOL_td_foldcheck:?path of td_foldcheck}"

# expect_out with an extended regular expression
expect_out_re() {
    if grep -qE -- "$2" <<<"$OUT"; then pass "$1: stdout matches \"$2\""; else fail "$1: \"$2\" not in stdout: $OUT"; fi
}

say "two years of work (plan 726), written into a server database"
run 0 "td_history --years 2" "$TD_TOOL_td_history" --plan "$TD_SOURCE_DIR/data/plans/726-KH-UBND.txt" \
    --out "$W/data" --period 2025-12 --years 2
expect_out "conditions and edits are not refused" ", 0 refused;"
for seed in 1 2 3; do
    mkdir -p "$W/r$seed"
    run 0 "refresh at random cuts (seed $seed)" "$TD_TOOL_td_foldcheck" --data "$W/data" --work "$W/r$seed" \
        --seed "$seed" --cuts 6
    expect_out "every cut agrees (seed $seed)" "cut at 3626 entries"
    expect_out_re "a new open loads the stored fold (seed $seed)" "new open \(snapshot at [1-9][0-9]*\) = full fold"
    expect_out "a snapshot cut short is not used (seed $seed)" "snapshot cut short: not used, new open = full fold"
    expect_out "a flipped byte is caught (seed $seed)" "snapshot with a byte flipped: not used, new open = full fold"
    expect_out "damaged texts are folded again and stored (seed $seed)" \
        "snapshot with its texts damaged: loaded, texts folded again, new open = full fold"
    expect_out "another format is stored again (seed $seed)" \
        "snapshot of another format: not used, stored again by that open, then loaded"
    expect_out "dropped rows refold (seed $seed)" \
        "rows dropped (office so-y-te): snapshot of before not used; refreshed = new open = full fold"
    expect_out_re "stored again after the drop (seed $seed)" \
        "snapshot stored after the drop: new open \(snapshot at [1-9][0-9]*\) = full fold"
done
finish

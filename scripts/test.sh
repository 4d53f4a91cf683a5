#!/bin/bash
# test.sh — the test command of README.md: install missing packages, build
# the normal and the sanitizer (ASan+UBSan) configurations, run every test in
# each (ctest), then build the libFuzzer targets with clang and run each
# briefly.  Long modes run when asked:
#   TD_FUZZ_SECONDS=600   longer fuzzing per target
#   TD_SKIP_SANITIZE=1    only the normal build
#   TD_SKIP_VALGRIND=1    no valgrind stage
#   TD_SKIP_FUZZ=1        no fuzz build
#   TD_SKIP_DEBOOTSTRAP=1 no Debian package stage (it runs as root only: a
#                         fresh bookworm root by debootstrap, the .debs
#                         installed there, server and office run; ~3 min)
#   TD_VALGRIND_ALL=1     the valgrind stage runs EVERY integration test
#                         (servers and proxies under valgrind; ~15-25 min)
#   TD_CHAOS=1            long modes (chaos.sh: 1,000 sessions; crash.sh,
#                         sync_*.sh: more kills and cut points)
#   TD_SKIP_DATES=1       no reruns at fixed dates; the sanitizer stage on
#                         the machine's date, without faketime
#   TD_HISTORIES=N        converge_model.sh's seeded histories (default 64
#                         in the normal stage, 8 under ASan or valgrind,
#                         12 under faketime: every process start is slower)
#   TD_FAKETIME="2027-01-01 00:01:00"   the date the sanitizer stage runs at
#
# Time is an input (common/clock.h).  The normal stage runs on today's date;
# the date stage reruns the tests whose outcome depends on the date at fixed
# dates and time zones (TD_TEST_DATE, read by td_use_clock in
# tests/integration/lib/tdtest.sh), and the sanitizer stage runs the whole
# suite under Debian's faketime at another date.  The whole command
# also passes under faketime itself: `faketime '2026-12-31 23:59' bash
# scripts/test.sh` (ASan then needs verify_asan_link_order=0, set below).
set -euo pipefail
TD_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$TD_ROOT/scripts/deps.sh"
td_install_deps
J=$(nproc)

# tdctest DIR CMD...: run CMD (a ctest line) in the build directory DIR.  On
# a failure, print the failed checks of every test last (CI shows the head
# and the tail of a long output; the middle of one test's output may be cut)
# and stop with CMD's exit status.
tdctest() {
    local dir=$1 rc=0
    shift
    (cd "$dir" && "$@") || rc=$?
    if [ "$rc" != 0 ]; then
        echo "== failed checks (from $dir/Testing/Temporary/LastTest.log)"
        awk '/^[0-9]+\/[0-9]+ Testing: / { t = $3 }
             /^[[:space:]]*FAIL|FATAL|Traceback|Error:|ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/ {
                 print t ": " substr($0, 1, 600) }
             /ERROR: libFuzzer/ { print t ": " substr(prev, 1, 600) " / " $0 }
             { prev = $0 }' \
            "$dir/Testing/Temporary/LastTest.log" | tail -n 60 || true
        echo "== failed tests"
        cat "$dir/Testing/Temporary/LastTestsFailed.log" 2>/dev/null || true
        exit "$rc"
    fi
}

echo "== build (normal)"
td_build "$TD_ROOT/build"
echo "== tests (normal)"
tdctest "$TD_ROOT/build" ctest --output-on-failure -j"$J" -LE dates

# The package stage mostly waits on the mirror and on dpkg, and builds in its
# own directory (build-deb): it runs in the background beside the date,
# valgrind and sanitizer-build stages, its output kept in a file and printed
# whole when it ends (deb_wait, before the timing-sensitive sanitizer tests).
DEB_PID="" DEB_LOG="$TD_ROOT/build/debootstrap-test.log"
if [ -n "${TD_SKIP_DEBOOTSTRAP:-}" ]; then
    echo "== bỏ qua kiểm thử gói Debian (TD_SKIP_DEBOOTSTRAP=1)"
elif [ "$(id -u)" != 0 ]; then
    echo "== bỏ qua kiểm thử gói Debian: cần quyền root (debootstrap, chroot); chạy lại bằng root để kiểm"
else
    echo "== Debian packages in a fresh debootstrap root (packaging/debootstrap-test.sh), in the background"
    TD_DEBOOTSTRAP=1 bash "$TD_ROOT/packaging/debootstrap-test.sh" >"$DEB_LOG" 2>&1 </dev/null &
    DEB_PID=$!
fi
deb_wait() {
    local rc=0
    [ -n "$DEB_PID" ] || return 0
    wait "$DEB_PID" || rc=$?
    DEB_PID=""
    echo "== Debian packages (packaging/debootstrap-test.sh): exit $rc"
    cat "$DEB_LOG"
    if [ "$rc" != 0 ]; then
        echo "== failed: packaging/debootstrap-test.sh exit $rc (its output above, in $DEB_LOG)"
        exit "$rc"
    fi
}
# a stage that fails stops the command: the package stage's processes are
# ended by its own cleanup (it is sent TERM by its PID)
trap '[ -n "$DEB_PID" ] && kill "$DEB_PID" 2>/dev/null; wait 2>/dev/null || true' EXIT

if [ -z "${TD_SKIP_DATES:-}" ]; then
    # the dates and zones: tests/CMakeLists.txt (TD_DATES), one test each
    echo "== date-sensitive tests at fixed dates (Asia/Ho_Chi_Minh) and time zones (ctest -L dates)"
    tdctest "$TD_ROOT/build" ctest --output-on-failure -j"$J" -L dates
fi

# Under faketime (LD_PRELOAD) the sanitizer runtime is not first in the
# library list: tell ASan that this is expected (the whole command run under
# faketime, or the sanitizer stage below).
ASAN_EXTRA=""
case "${LD_PRELOAD:-}" in *faketime*) ASAN_EXTRA=":verify_asan_link_order=0" ;; esac

if [ -z "${TD_SKIP_VALGRIND:-}" ]; then
    # The integration tests run every server (and proxy) they start under
    # valgrind --leak-check=full --error-exitcode=99 when TD_VALGRIND=1
    # (lib/tdtest.sh); a server with a valgrind error exits 99 and fails.
    if [ -n "${TD_VALGRIND_ALL:-}" ]; then
        echo "== every integration test with the servers under valgrind"
        tdctest "$TD_ROOT/build" env TD_VALGRIND=1 ctest --output-on-failure -R '^integration/'
    else
        echo "== integration tests with the server under valgrind"
        tdctest "$TD_ROOT/build" env TD_VALGRIND=1 ctest --output-on-failure -j"$J" -R 'handshake|hostile$|sync_offline|sync_refuse'
    fi
fi

if [ -z "${TD_SKIP_SANITIZE:-}" ]; then
    echo "== build (ASan + UBSan)"
    td_build "$TD_ROOT/build-asan" -DTD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    deb_wait
    # The sanitizer stage is also the other-day stage: it runs the whole
    # suite under Debian's faketime at TD_FAKETIME (TZ=UTC), so a test or a
    # program that reads the machine's clock instead of the project's fails
    # here on a date other than today.  The three timing smoke tests run
    # without it.
    ASAN_OPTS=detect_leaks=1:abort_on_error=1
    SAN_ENV=(UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
             TD_SLOW=3)   # sanitizers run 2-3x slower: stretch the scripts' timeouts
    SMOKE='^integration/(scale_smoke|bench_smoke|slowlink_smoke)$'
    if command -v faketime >/dev/null && [ -z "${TD_SKIP_DATES:-}" ]; then
        FT=${TD_FAKETIME:-2027-01-01 00:01:00}
        echo "== tests (ASan + UBSan) under faketime '$FT' (TZ=UTC)"
        tdctest "$TD_ROOT/build-asan" env "${SAN_ENV[@]}" ASAN_OPTIONS=$ASAN_OPTS:verify_asan_link_order=0 \
            TZ=UTC faketime "$FT" ctest --output-on-failure -j"$J" -E "$SMOKE" -LE dates
        echo "== timing smoke tests (ASan + UBSan)"
        tdctest "$TD_ROOT/build-asan" env "${SAN_ENV[@]}" ASAN_OPTIONS=$ASAN_OPTS$ASAN_EXTRA \
            ctest --output-on-failure -j"$J" -R "$SMOKE"
    else
        echo "== tests (ASan + UBSan)"
        tdctest "$TD_ROOT/build-asan" env "${SAN_ENV[@]}" ASAN_OPTIONS=$ASAN_OPTS$ASAN_EXTRA \
            ctest --output-on-failure -j"$J" -LE dates
    fi
fi

deb_wait
if [ -z "${TD_SKIP_FUZZ:-}" ]; then
    echo "== build (libFuzzer, clang)"
    CC=clang td_build "$TD_ROOT/build-fuzz" -DTD_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug --target fuzzers
    echo "== fuzz (${TD_FUZZ_SECONDS:-15} s per target)"
    tdctest "$TD_ROOT/build-fuzz" ctest --output-on-failure -j"$J" -R '^fuzz/'   # one core per fuzzer
fi
echo "== tất cả kiểm thử đều đạt"

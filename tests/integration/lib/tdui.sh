# tdui.sh — helpers of the `tiendo ui` browser tests (ui.sh, ui_central.sh),
# sourced after tdsync.sh.  The caller sets E2E (the python driver's command
# line) and SHOTS (where screenshots go).
declare -A UI_PID
# ui_start NAME DIR [ARGS...]: `tiendo ui` for device DIR (more options:
# ARGS), its URL in $W/NAME.url, its log in $W/ui-NAME.log.
ui_start() {
    local name=$1 dir=$2 i
    shift 2
    rm -f "$W/$name.url"
    "$TD" ui --dir "$dir" --port 0 --no-browser --url-file "$W/$name.url" --interval 2 --max-backoff 2 "$@" \
        >>"$W/ui-$name.log" 2>&1 &
    UI_PID[$name]=$!
    BG_PIDS+=("${UI_PID[$name]}")
    for ((i = 0; i < 200 * TD_SLOW; i++)); do
        [ -s "$W/$name.url" ] && break
        kill -0 "${UI_PID[$name]}" 2>/dev/null || die "tiendo ui $name exited: $(tail -n 5 "$W/ui-$name.log")"
        sleep 0.05
    done
    [ -s "$W/$name.url" ] || die "tiendo ui $name wrote no URL"
}
ui_stop() {
    local pid=${UI_PID[$1]} rc=0
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    eq "tiendo ui $1 exits 0 on SIGTERM" "$rc" 0
}
e2e() {   # DESC STEP NAME ARGS...: one browser step
    local desc=$1 step=$2 name=$3
    shift 3
    if "${E2E[@]}" "$step" "$W/$name.url" "$SHOTS" "$@" >"$W/e2e.out" 2>&1; then
        sed 's/^/    /' "$W/e2e.out"
        pass "$desc"
    else
        sed 's/^/    /' "$W/e2e.out"
        fail "$desc"
    fi
    grep '^timing:' "$W/e2e.out" >>"$W/timings.txt" || true
}
# ui_need_browser: chromium, its driver and selenium, or die saying what to install.
ui_need_browser() {
    [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
        die "chromium and chromium-driver are needed: apt-get install chromium chromium-driver python3-selenium"
    /usr/bin/python3 -c 'import selenium' 2>/dev/null || die "python3-selenium is needed: apt-get install python3-selenium"
}

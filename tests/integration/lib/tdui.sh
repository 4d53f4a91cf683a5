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

# ui_login NAME: a cookie jar $W/NAME.jar and $BASE, $CSRF for curl, from the
# address `tiendo ui` printed for device NAME ($W/NAME.url).
ui_login() {
    local url
    url=$(cat "$W/$1.url")
    BASE=${url%%/\?token=*}
    curl -s -o /dev/null -c "$W/$1.jar" "$url"
    CSRF=$(curl -s -b "$W/$1.jar" "$BASE/" | grep -o 'name="csrf" content="[0-9a-f]*"' | sed 's/.*content="//;s/"$//')
    [ ${#CSRF} -eq 64 ] || die "no CSRF token for $1"
}

# ui_three_roles: the PKI, plan 726, server main ($SPORT) and three devices:
# yte (so-y-te, office), cen (so-khcn, central), insp (thanh-tra, inspector).
ui_three_roles() {
    say "PKI, plan 726, server; so-y-te (office), so-khcn (central), thanh-tra (inspector)"
    sync_pki
    plan_import main
    sv_start main
    SPORT=$PORT
    enrol_as yte so-y-te yte-01 office "127.0.0.1:$SPORT"
    enrol_as cen so-khcn tonghop-01 central "127.0.0.1:$SPORT"
    enrol_as insp thanh-tra tt-01 inspector "127.0.0.1:$SPORT"
}

# mreport_truth.awk — the SECOND computation of the monthly report's counts
# (docs/ARCHITECTURE.md §8), from what tests/tools/td_history scripted (truth.tsv), written
# from the rules of docs/LOG.md §12 and common/status.h without any of its code.
# Prints:
#   S cur|prev STATUS N        tasks by overall status at as_of / prev_as_of;
#                              STATUS "silent": of ongoing-late, those no lead
#                              has any report on (received by that date)
#   O AGENCY PERIOD OWED ON_TIME LATE MISSING   obligations judged at as_of
#   I VERDICT N                indicators: met, not-met, no-data, to-assess
# STATUS is status.h's td_status_name.
BEGIN { FS = "\t" }
function days(d,   y, m, dd, era, yoe, doy, doe) {   # days from civil (Howard Hinnant)
    y = int(d / 10000); m = int(d / 100) % 100; dd = d % 100
    if (m <= 2) y--
    era = int((y >= 0 ? y : y - 399) / 400)
    yoe = y - era * 400
    doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + dd - 1
    doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
    return era * 146097 + doe
}
function pdue(p) { return substr(p, 1, 4) * 10000 + substr(p, 6, 2) * 100 + DUEDAY }
function pfirst(p) { return substr(p, 1, 4) * 10000 + substr(p, 6, 2) * 100 + 1 }
function period_of(d) { return sprintf("%04d-%02d", int(d / 10000), int(d / 100) % 100) }
function prev_period(p,   y, m) { y = substr(p, 1, 4) + 0; m = substr(p, 6, 2) - 1; if (m == 0) { m = 12; y-- }; return sprintf("%04d-%02d", y, m) }
# accepted review of report id known by date x (received on or before x)
function reviewed(id, x, want,   k) {
    for (k = 1; k <= NV[id]; k++) if (VRECV[id, k] <= x && VACC[id, k] == want) return 1
    return 0
}
function any_review(id, x,   k) { for (k = 1; k <= NV[id]; k++) if (VRECV[id, k] <= x) return 1; return 0 }
# done for (t, a) by x (strict: before, when strict = 1); sets DONE_DATE
function done_by(t, a, x, strict,   k, id, ok) {
    DONE_DATE = 0
    for (k = 1; k <= NR_TA[t, a]; k++) {
        id = R_TA[t, a, k]
        ok = strict ? RRECV[id] < x : RRECV[id] <= x
        if (!ok || RSTATE[id] != 3) continue
        if (!(strict ? reviewed_before(id, x) : reviewed(id, x, 1))) continue
        if (DONE_DATE == 0 || REFF[id] < DONE_DATE) DONE_DATE = REFF[id]
    }
    return DONE_DATE > 0
}
function reviewed_before(id, x,   k) {
    for (k = 1; k <= NV[id]; k++) if (VRECV[id, k] < x && VACC[id, k] == 1) return 1
    return 0
}
function lead_status(t, a, x,   due, k, id, latest, p, pd, have, hprev) {
    if (CLS[t] == "recurring") {
        p = period_of(x); pd = pdue(p); have = 0; hprev = 0
        for (k = 1; k <= NR_TA[t, a]; k++) {
            id = R_TA[t, a, k]
            if (RRECV[id] > x) continue
            if (RPER[id] == p) { have = 1; if (REFF[id] > pd) have = 2 }
            if (RPER[id] == prev_period(p)) hprev = 1
        }
        if (have == 1) return "ongoing"
        if (have == 2) return "ongoing-late"
        if (x > pd) return "ongoing-late"
        if (days(pd) - days(x) <= SOON) return "due-soon"
        return hprev ? "ongoing" : "not-started"
    }
    due = (x == ASOF) ? DUE[t] : DUEP[t]
    if (done_by(t, a, x, 0)) return (CLS[t] == "month" && DONE_DATE > due) ? "done-late" : "done-on-time"
    latest = ""
    for (k = 1; k <= NR_TA[t, a]; k++) {
        id = R_TA[t, a, k]
        if (RRECV[id] > x) continue
        if (latest == "" || REFF[id] > REFF[latest] || (REFF[id] == REFF[latest] && id + 0 > latest + 0)) latest = id
    }
    if (latest != "" && RSTATE[latest] == 3 && !any_review(latest, x)) return "awaiting-review"
    if (CLS[t] == "month" && x > due) return "ongoing-late"
    if (CLS[t] == "month" && days(due) - days(x) >= 0 && days(due) - days(x) <= SOON) return "due-soon"
    if (latest != "") return "ongoing"
    return "not-started"
}
function overall(t, x,   n, k, s, ndone, nlate_done, nol, nsoon, naw, nns, a) {
    n = split(LEADS[t], a, ",")
    if (LEADS[t] == "") return "not-started"
    ndone = nlate_done = nol = nsoon = naw = nns = 0
    for (k = 1; k <= n; k++) {
        s = lead_status(t, a[k], x)
        if (s == "done-on-time" || s == "done-late") { ndone++; if (s == "done-late") nlate_done++ }
        else if (s == "ongoing-late") nol++
        else if (s == "due-soon") nsoon++
        else if (s == "awaiting-review") naw++
        else if (s == "not-started") nns++
    }
    if (ndone == n) return nlate_done ? "done-late" : "done-on-time"
    if (nol) return "ongoing-late"
    if (nsoon) return "due-soon"
    if (naw == n - ndone) return "awaiting-review"
    if (nns == n) return "not-started"
    return "ongoing"
}
function any_report(t, x,   n, a, k, j) {
    n = split(LEADS[t], a, ",")
    for (k = 1; k <= n; k++) for (j = 1; j <= NR_TA[t, a[k]]; j++) if (RRECV[R_TA[t, a[k], j]] <= x) return 1
    return 0
}
$1 == "D" { ASOF = $2; PREV = $3; PER = $4; DUEDAY = $5; SOON = $6 }
$1 == "W" { WIN[++NW] = $2 }
$1 == "T" { T[++NT] = $2; CLS[$2] = $4; DUE[$2] = $5; DUEP[$2] = $6; RECURS[$2] = $7; COND[$2] = $8; LEADS[$2] = $9 }
$1 == "R" { id = $2; RT[id] = $3; RA[id] = $4; RPER[id] = $5; RSTATE[id] = $6; REFF[id] = $7; RRECV[id] = $8
            k = ++NR_TA[$3, $4]; R_TA[$3, $4, k] = id; RKEY[$3, $4, $5] = id }
$1 == "V" { k = ++NV[$2]; VACC[$2, k] = $3; VRECV[$2, k] = $4 }
$1 == "I" { IC[++NI] = $2; IKIND[$2] = $3; IOP[$2] = $4; ILO[$2] = $5 + 0; IHI[$2] = $6 + 0 }
$1 == "X" { if ($3 <= PER && $6 <= ASOF && (!($2 in XPER) || $3 > XPER[$2])) {
                XPER[$2] = $3; XHAS[$2] = $4; XVAL[$2] = $5 + 0; XCEN[$2] = $7 } }
END {
    for (i = 1; i <= NT; i++) {
        s = overall(T[i], ASOF); CUR[s]++; if (s == "ongoing-late" && !any_report(T[i], ASOF)) CUR["silent"]++
        s = overall(T[i], PREV); PRV[s]++; if (s == "ongoing-late" && !any_report(T[i], PREV)) PRV["silent"]++
    }
    split("done-on-time done-late awaiting-review ongoing due-soon ongoing-late not-started", SN, " ")
    SN[8] = "silent"
    for (i = 1; i <= 8; i++) printf "S cur %s %d\nS prev %s %d\n", SN[i], CUR[SN[i]] + 0, SN[i], PRV[SN[i]] + 0
    for (w = 1; w <= NW; w++) {
        p = WIN[w]
        for (i = 1; i <= NT; i++) {
            t = T[i]
            if (COND[t] || LEADS[t] == "") continue
            n = split(LEADS[t], a, ",")
            for (k = 1; k <= n; k++) {
                if (!RECURS[t] && done_by(t, a[k], pfirst(p), 1)) continue
                OWED[a[k], p]++; AG[a[k]] = 1
                id = ((t, a[k], p) in RKEY) ? RKEY[t, a[k], p] : ""
                if (id == "" || RRECV[id] > ASOF) MISS[a[k], p]++
                else if (REFF[id] <= pdue(p)) ONT[a[k], p]++
                else LATE[a[k], p]++
            }
        }
    }
    for (ag in AG) for (w = 1; w <= NW; w++) { p = WIN[w]
        printf "O %s %s %d %d %d %d\n", ag, p, OWED[ag, p] + 0, ONT[ag, p] + 0, LATE[ag, p] + 0, MISS[ag, p] + 0 }
    for (i = 1; i <= NI; i++) {
        c = IC[i]
        if (!(c in XPER)) v = "no-data"
        else if (IKIND[c] == "text") v = XHAS[c] && XCEN[c] ? (XVAL[c] >= 1 ? "met" : "not-met") : "to-assess"
        else if (!XHAS[c]) v = "no-data"
        else {
            x = XVAL[c]; lo = ILO[c]; hi = IHI[c]; eps = 1e-6 * (lo > 1 || lo < -1 ? (lo < 0 ? -lo : lo) : 1)
            if (IKIND[c] == "range") ok = x >= lo - eps && x <= hi + eps
            else if (IOP[c] == "ge") ok = x >= lo - eps
            else if (IOP[c] == "le") ok = x <= lo + eps
            else if (IOP[c] == "gt") ok = x > lo + eps
            else if (IOP[c] == "lt") ok = x < lo - eps
            else ok = (x - lo <= eps && lo - x <= eps)
            v = ok ? "met" : "not-met"
        }
        IV[v]++
    }
    split("met not-met no-data to-assess", VN, " ")
    for (i = 1; i <= 4; i++) printf "I %s %d\n", VN[i], IV[VN[i]] + 0
}

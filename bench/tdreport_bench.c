/*
 * tdreport_bench.c — how long the consolidated monthly report takes
 * (target <= 200 ms to build from the folded state, for a year of
 * data over 81 tasks x 33 agencies).  Not a timed test: it prints figures.
 *
 *   tdreport_bench --data DIR [--period 2025-12] [--as-of dd/mm/yyyy] [--runs N]
 *
 * DIR is a server data directory; the benchmark's load is made by
 *   td_history --plan data/plans/726-KH-UBND.txt --out DIR --all-leads
 * (every agency leads every task; ~24 000 signed entries).  Prints the fold
 * time (open the ledger = read and fold the whole log), then the build time
 * of the report model (median and worst of N runs: td_status_all twice,
 * obligations of 12 periods, indicators), then each renderer's time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "deadline.h"
#include "ledger.h"
#include "mreport.h"

#define RB_RUNS_DEFAULT 5
#define RB_RUNS_MAX 100

int main(int argc, char **argv)
{
    const char *data = NULL, *period = "2025-12";
    int runs = RB_RUNS_DEFAULT, as_of = 0;
    double t0, fold_ms, build[RB_RUNS_MAX];
    tds_ledger_opts o;
    tds_ledger *lg;
    td_error err = {0};
    td_mreport r;
    const td_state *st;
    FILE *devnull;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
        else if (!strcmp(argv[i], "--period") && i + 1 < argc) period = argv[++i];
        else if (!strcmp(argv[i], "--as-of") && i + 1 < argc) {
            if (td_date_parse_vi(argv[++i], &as_of)) {
                fprintf(stderr, "tdreport_bench: bad --as-of\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: tdreport_bench --data DIR [--period YYYY-MM] [--as-of dd/mm/yyyy] [--runs N]\n");
            return 2;
        }
    }
    if (!data || runs < 1 || runs > RB_RUNS_MAX) {
        fprintf(stderr, "usage: tdreport_bench --data DIR [--period YYYY-MM] [--as-of dd/mm/yyyy] [--runs N]\n");
        return 2;
    }
    if (!as_of) as_of = td_period_due(period, TD_MREPORT_MEETING_DAY);
    memset(&o, 0, sizeof o);
    o.datadir = data;
    t0 = bench_now_ms();
    if (tds_ledger_open(&o, &lg, &err)) {
        fprintf(stderr, "tdreport_bench: %s\n", err.msg);
        return 1;
    }
    fold_ms = bench_now_ms() - t0;
    st = tds_ledger_state(lg);
    if (!st || !td_state_has_plan(st)) {
        fprintf(stderr, "tdreport_bench: %s holds no plan\n", data);
        return 1;
    }
    {
        size_t nrep, nver;
        td_state_reports(st, &nrep);
        td_state_report_versions(st, &nver);
        printf("log: %llu entries, %zu current reports, %zu report versions, %zu tasks\n",
               (unsigned long long)td_state_count(st), nrep, nver, td_state_plan(st)->n_tasks);
    }
    printf("fold (open the ledger, fold the whole log): %.1f ms\n", fold_ms);
    for (int i = 0; i < runs; i++) {
        t0 = bench_now_ms();
        if (td_mreport_build(st, period, as_of, NULL, &r, &err)) {
            fprintf(stderr, "tdreport_bench: %s\n", err.msg);
            return 1;
        }
        build[i] = bench_now_ms() - t0;
        if (i + 1 < runs) td_mreport_free(&r);
    }
    {
        size_t owed = 0;
        for (size_t i = 0; i < r.n_agencies; i++)
            for (int m = 0; m < TD_MREPORT_MONTHS; m++) owed += r.agencies[i].months[m].owed;
        printf("report %s as of %d: %zu tasks, %zu agencies, %zu obligations over %d months\n", period, as_of,
               r.n_tasks, r.n_agencies, owed, TD_MREPORT_MONTHS);
    }
    qsort(build, (size_t)runs, sizeof build[0], bench_cmp_double);
    printf("build the report from the folded state: median %.1f ms, worst %.1f ms (%d runs; target <= 200 ms)\n",
           build[runs / 2], build[runs - 1], runs);
    {
        /* where the build time goes: status.h (THE status computation,
         * common/status.c) versus the report's own assembly */
        td_status_opts so = r.opts.status;
        td_task_status *ts;
        td_obligation *ob;
        size_t n;
        double all, obl = 0;
        t0 = bench_now_ms();
        td_status_all(st, as_of, &so, &ts, &n, &err);
        all = bench_now_ms() - t0;
        td_status_all_free(ts, n);
        for (int m = 0; m < TD_MREPORT_MONTHS; m++) {
            t0 = bench_now_ms();
            td_status_obligations(st, r.periods[m], as_of, &so, NULL, &ob, &n, &err);
            obl += bench_now_ms() - t0;
            free(ob);
        }
        {
            double own = build[runs / 2] - 2 * all - obl;
            printf("  of which status.h: td_status_all %.1f ms (x2: as of and a month before), "
                   "td_status_obligations x%d %.1f ms; the report's own work: %s%.1f ms\n",
                   all, TD_MREPORT_MONTHS, obl, own < 1 ? "< " : "", own < 1 ? 1.0 : own);
        }
    }
    devnull = fopen("/dev/null", "w");
    for (int f = TD_MR_TEXT; f <= TD_MR_HTML && devnull; f++) {
        t0 = bench_now_ms();
        td_mreport_render(&r, (td_mreport_format)f, devnull);
        printf("render %s: %.1f ms\n", f == TD_MR_TEXT ? "text" : f == TD_MR_CSV ? "csv" : "html", bench_now_ms() - t0);
    }
    if (devnull) fclose(devnull);
    td_mreport_free(&r);
    tds_ledger_close(lg);
    return 0;
}

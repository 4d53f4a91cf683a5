/*
 * tdfold_bench.c — how fast every command and every web page answers on a
 * large replica (targets: each UI page <= 50 ms of server time at p99; each
 * CLI command <= 150 ms of wall time).  Not a timed test: it prints figures.
 *
 *   tdfold_bench --dir DEVDIR [--bin build/tiendo] [--runs N] [--period YYYY-MM] [--task N]
 *
 * DEVDIR is a device directory (`tiendo init` + `tiendo sync`) whose replica
 * holds the load; bench/fold.sh makes one from five years of plan 726
 * (tests/tools/td_history --years 5 --all-leads) through a real server.
 * Prints:
 *   - open: tdc_app_open (the replica opened and its state folded, or
 *     loaded from its persisted fold), median and worst of N;
 *   - each UI page (client/ui_pages.c, called in process through
 *     tdc_ui_route on one long-lived context, as `tiendo ui` serves it):
 *     p50 and p99 of its server time over N requests;
 *   - the page context after a sync that pulled nothing and after one that
 *     pulled entries (client/ui.c refreshes its context);
 *   - each CLI command: p50 and p99 of the wall time of the real program
 *     (fork + exec, stdout to /dev/null) over N runs, and its first run
 *     apart (wall and CPU: the run a clerk sees after each sync).
 * The process's load average is printed first and last: compare figures
 * taken under similar load.  --only PATH measures that page alone (no
 * commands), --pages every page and no command; /audit is measured while
 * its background verification runs and after it finished, with the job's
 * duration; --build-runs N builds the monthly report of --period N times
 * more and prints its CPU p50/p99 (what the first /mreport of a period
 * costs; a loop to profile); --dump PATH prints the body of page PATH
 * (?period=--period) and stops; --cli-pause MS waits MS ms before each
 * command's run, as a person types them (back to back, a process reuses
 * the memory the one before freed; after a pause, on a virtual machine
 * that hands free memory back to its host, it may not); TDFOLD_DIGEST_ONLY=1 in the environment prints the state's
 * digest after the first open and stops (to compare two builds' folds).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "bench.h"
#include "clock.h"
#include "deadline.h"
#include "mreport.h"
#include "status.h"
#include "ui.h"

#define FB_RUNS_MAX 1000

/* p-th percentile (nearest rank) of v[0..n) (sorted in place) */
static double pct(double *v, int n, int p)
{
    int k;
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    k = (p * n + 99) / 100 - 1;
    return v[k < 0 ? 0 : k >= n ? n - 1 : k];
}

static void loadavg(const char *when)
{
    FILE *f = fopen("/proc/loadavg", "r");
    char buf[128] = "?";
    if (f) {
        if (!fgets(buf, sizeof buf, f)) snprintf(buf, sizeof buf, "?\n");
        fclose(f);
    }
    printf("load average %s: %s", when, buf);
}

/* One page request; returns its server time in ms, or < 0 when the page
 * did not answer 200 (or a redirect). */
static double page(tdc_ui *ui, const char *path, const char *query, size_t *bytes, double *cpu)
{
    tdc_ui_form q = {0};
    tdc_ui_field fv[8];
    char buf[512], *save = NULL, *kv;
    tdc_ui_resp out;
    double t0;
    snprintf(buf, sizeof buf, "%s", query ? query : "");
    for (kv = strtok_r(buf, "&", &save); kv && q.n < 8; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) continue;
        *eq = 0;
        fv[q.n].key = kv;
        fv[q.n].val = eq + 1;
        q.n++;
    }
    q.v = fv;
    memset(&out, 0, sizeof out);
    *cpu = bench_cpu_ms();
    t0 = bench_now_ms();
    tdc_ui_route(ui, "GET", path, &q, &out);
    t0 = bench_now_ms() - t0;
    *cpu = bench_cpu_ms() - *cpu;
    *bytes = out.len;
    free(out.body);
    if (out.status && out.status != 200 && out.status != 303) return -(double)out.status;
    return t0;
}

/* /audit: its verification runs in the background (client/ui_central.c).
 * The first request starts it; the page is measured while the job runs,
 * then (after waiting for /audit/status to say it finished, which gives the
 * job's own duration) again with the result shown. */
static void bench_audit(tdc_ui *ui, int runs)
{
    static double t[FB_RUNS_MAX], u[FB_RUNS_MAX];
    size_t bytes = 0;
    double t0 = bench_now_ms(), job = 0;
    int bad = 0, running = 1;
    for (int i = 0; i < runs; i++)
        if ((t[i] = page(ui, "/audit", NULL, &bytes, &u[i])) < 0) bad = (int)-t[i];
    if (bad) printf("%-34s answered %d\n", "page /audit (job running)", bad);
    else
        printf("%-34s p50 %8.1f ms  p99 %8.1f ms  cpu p50 %8.1f ms  (%d runs, %zu bytes)\n",
               "page /audit (job running)", pct(t, runs, 50), pct(t, runs, 99), pct(u, runs, 50), runs, bytes);
    while (running) {
        tdc_ui_form q = {0};
        tdc_ui_resp out;
        struct timespec ts = {0, 100 * 1000000L};
        memset(&out, 0, sizeof out);
        tdc_ui_route(ui, "GET", "/audit/status", &q, &out);
        running = !out.body || strstr(out.body, "\"running\":true") != NULL;
        if (!running) printf("%-34s %s\n", "/audit/status after the job", out.body ? out.body : "");
        free(out.body);
        if (running) nanosleep(&ts, NULL);
    }
    job = bench_now_ms() - t0;
    printf("%-34s wall %8.1f ms (from the first request)\n", "audit job (verification)", job);
    bad = 0;
    for (int i = 0; i < runs; i++)
        if ((t[i] = page(ui, "/audit", NULL, &bytes, &u[i])) < 0) bad = (int)-t[i];
    if (bad) printf("%-34s answered %d\n", "page /audit (result)", bad);
    else
        printf("%-34s p50 %8.1f ms  p99 %8.1f ms  cpu p50 %8.1f ms  (%d runs, %zu bytes)\n", "page /audit (result)",
               pct(t, runs, 50), pct(t, runs, 99), pct(u, runs, 50), runs, bytes);
}

/* Wall time of `bin ARGS --dir dir` in ms, stdout and stderr to /dev/null;
 * < 0 on a failed exit. */
static double run_cli(const char *bin, const char *dir, const char *args, double *cpu_ms)
{
    struct rusage ru;
    char buf[512], *argv[32], *save = NULL, *a;
    int argc = 0, status;
    pid_t pid;
    double t0;
    snprintf(buf, sizeof buf, "%s", args);
    argv[argc++] = (char *)bin;
    for (a = strtok_r(buf, " ", &save); a && argc < 28; a = strtok_r(NULL, " ", &save)) argv[argc++] = a;
    argv[argc++] = "--dir";
    argv[argc++] = (char *)dir;
    argv[argc] = NULL;
    t0 = bench_now_ms();
    pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1);
        dup2(fd, 2);
        execv(bin, argv);
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) return -1;
    t0 = bench_now_ms() - t0;
    *cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t0 : -1;
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *bin = "build/tiendo", *period = "2025-12", *only = NULL, *dump = NULL;
    int runs = 20, task = 5, cli_runs = 0, pages_only = 0, build_runs = 0, cli_pause = 0;
    static double t[FB_RUNS_MAX], u[FB_RUNS_MAX];
    tdc_ui ui;
    td_error e = {0};
    char q_task[64], q_htask[64], q_period[64], q_report[96];

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "--bin") && i + 1 < argc) bin = argv[++i];
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--cli-runs") && i + 1 < argc) cli_runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--period") && i + 1 < argc) period = argv[++i];
        else if (!strcmp(argv[i], "--task") && i + 1 < argc) task = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!strcmp(argv[i], "--pages")) pages_only = 1;
        else if (!strcmp(argv[i], "--build-runs") && i + 1 < argc) build_runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
        else if (!strcmp(argv[i], "--cli-pause") && i + 1 < argc) cli_pause = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: tdfold_bench --dir DEVDIR [--bin tiendo] [--runs N] [--cli-runs N] "
                            "[--period YYYY-MM] [--task N] [--only PATH] [--pages] [--build-runs N] [--dump PATH] [--cli-pause MS]\n");
            return 2;
        }
    }
    if (!dir || runs < 1 || runs > FB_RUNS_MAX || cli_runs < 0 || cli_runs > FB_RUNS_MAX || build_runs < 0 ||
        build_runs > FB_RUNS_MAX || cli_pause < 0) {
        fprintf(stderr, "usage: tdfold_bench --dir DEVDIR [--bin tiendo] [--runs N] [--cli-runs N] "
                        "[--period YYYY-MM] [--task N] [--only PATH] [--pages] [--build-runs N] [--dump PATH] [--cli-pause MS]\n");
        return 2;
    }
    if (!cli_runs) cli_runs = runs;
    if (!dump) loadavg("at start");

    /* open: what every process pays before its first output */
    for (int i = 0; !dump && i < (runs < 5 ? runs : 5); i++) {
        tdc_ctx c;
        double t0 = bench_now_ms(), c0 = bench_cpu_ms();
        if (tdc_app_open(&c, dir, &e)) {
            fprintf(stderr, "tdfold_bench: %s\n", e.msg);
            return 1;
        }
        t[i] = bench_now_ms() - t0;
        u[i] = bench_cpu_ms() - c0;
        if (i == 0) {
            const td_state *st = tdc_replica_state(c.rep);
            size_t nrep, nver;
            td_state_reports(st, &nrep);
            td_state_report_versions(st, &nver);
            unsigned char dg[32];
            td_state_digest(st, dg);
            printf("replica: %llu entries folded, %zu current reports, %zu report versions, state digest ",
                   (unsigned long long)td_state_count(st), nrep, nver);
            for (int k = 0; k < 8; k++) printf("%02x", dg[k]);
            printf("...\n");
            {
                /* what `tiendo sync` pays to store the persisted fold (forced: rewrites the same state) */
                double w0 = bench_now_ms(), k0 = bench_cpu_ms();
                int written = 0;
                if (tdc_replica_snapshot_save(c.rep, 1, &written, &e))
                    fprintf(stderr, "tdfold_bench: snapshot: %s\n", e.msg);
                printf("%-34s wall %8.1f ms  cpu %8.1f ms  (%s)\n", "store the fold (sync)", bench_now_ms() - w0,
                       bench_cpu_ms() - k0, written ? "written" : "not written");
            }
            if (getenv("TDFOLD_DIGEST_ONLY")) return 0;
        }
        tdc_ctx_close(&c);
    }
    if (!dump) {
        int n = runs < 5 ? runs : 5;
        double p50 = pct(t, n, 50), max = pct(t, n, 100), c50 = pct(u, n, 50);
        printf("%-34s p50 %8.1f ms  max %8.1f ms  cpu p50 %8.1f ms  (%d runs)\n", "open (tdc_app_open)", p50, max,
               c50, n);
    }

    /* the pages, on one context as `tiendo ui` keeps it (and opens it: without the records' image) */
    tdc_replica_use_images(0);
    memset(&ui, 0, sizeof ui);
    ui.dir = dir;
    pthread_mutex_init(&ui.lock, NULL);
    if (tdc_app_open(&ui.ctx, dir, &e)) {
        fprintf(stderr, "tdfold_bench: %s\n", e.msg);
        return 1;
    }
    /* --dump PATH: that page's body on stdout, and stop (to compare two builds' pages byte for byte) */
    if (dump) {
        tdc_ui_form q = {0};
        char pv[16];
        tdc_ui_field f = {.key = "period", .val = pv};
        tdc_ui_resp out;
        memset(&out, 0, sizeof out);
        snprintf(pv, sizeof pv, "%s", period);
        q.v = &f;
        q.n = 1;
        tdc_ui_route(&ui, "GET", dump, &q, &out);
        if (out.body) fwrite(out.body, 1, out.len, stdout);
        free(out.body);
        tdc_ui_audit_shutdown();
        tdc_ctx_close(&ui.ctx);
        return out.status == 200 ? 0 : 1;
    }
    /* status.c alone, on the pages' state (CPU ms of this thread) */
    {
        const td_state *st = tdc_replica_state(ui.ctx.rep);
        int today = td_clock_today();
        td_status_opts so;
        td_task_status *ts, one;
        td_obligation *ob;
        size_t n;
        double c0;
        td_status_opts_default(&so);
        for (int k = 0; k < 3; k++) {
            c0 = bench_cpu_ms();
            if (td_status_all(st, today, &so, &ts, &n, &e) == 0) td_status_all_free(ts, n);
            printf("%-34s cpu %8.1f ms\n", "status.c td_status_all (today)", bench_cpu_ms() - c0);
        }
        c0 = bench_cpu_ms();
        if (td_status_obligations(st, period, today, &so, NULL, &ob, &n, &e) == 0) free(ob);
        printf("%-34s cpu %8.1f ms\n", "status.c td_status_obligations", bench_cpu_ms() - c0);
        c0 = bench_cpu_ms();
        if (td_status_task(st, (uint32_t)task, today, &so, &one, &e) == 0) td_task_status_free(&one);
        printf("%-34s cpu %8.1f ms\n", "status.c td_status_task", bench_cpu_ms() - c0);
        /* what /mreport costs the first time on a state (the page keeps it
         * until the state changes): the report, then its HTML and CSV */
        for (int k = 0; k < 2; k++) {
            td_mreport m;
            int as_of;
            char *buf = NULL;
            size_t blen = 0;
            FILE *mf;
            double b0, b1, b2;
            memset(&m, 0, sizeof m);
            if (td_mreport_default_as_of(period, today, &as_of, &e)) break;
            b0 = bench_cpu_ms();
            if (td_mreport_build(st, period, as_of, NULL, &m, &e)) break;
            b1 = bench_cpu_ms();
            if ((mf = open_memstream(&buf, &blen))) {
                td_mreport_html(&m, mf);
                fclose(mf);
            }
            b2 = bench_cpu_ms();
            free(buf);
            buf = NULL;
            if ((mf = open_memstream(&buf, &blen))) {
                td_mreport_csv(&m, mf);
                fclose(mf);
            }
            printf("%-34s cpu build %6.1f ms  html %6.1f ms  csv %6.1f ms\n", "mreport.c (first / again)",
                   b1 - b0, b2 - b1, bench_cpu_ms() - b2);
            free(buf);
            td_mreport_free(&m);
        }
        /* --build-runs N: td_mreport_build alone, N times (to profile it) */
        if (build_runs > 0) {
            int as_of;
            if (td_mreport_default_as_of(period, today, &as_of, &e) == 0) {
                for (int k = 0; k < build_runs; k++) {
                    td_mreport m;
                    c0 = bench_cpu_ms();
                    if (td_mreport_build(st, period, as_of, NULL, &m, &e)) break;
                    t[k] = bench_cpu_ms() - c0;
                    td_mreport_free(&m);
                }
                printf("%-34s cpu p50 %6.1f ms  p99 %6.1f ms  (%d runs)\n", "mreport.c td_mreport_build",
                       pct(t, build_runs, 50), pct(t, build_runs, 99), build_runs);
            }
        }
    }
    /* what `tiendo ui` builds at its start, before the first request (tdc_ui_warm): the status index is
     * already in the state's memo from the lines above, so this is the rest (the work list, the views) */
    {
        double w0 = bench_now_ms(), k0 = bench_cpu_ms();
        tdc_ui_warm(&ui.ctx);
        printf("%-34s wall %8.1f ms  cpu %8.1f ms\n", "ui warm-up at start", bench_now_ms() - w0, bench_cpu_ms() - k0);
    }
    snprintf(q_task, sizeof q_task, "n=%d", task);
    snprintf(q_htask, sizeof q_htask, "task=%d", task);
    snprintf(q_period, sizeof q_period, "period=%s", period);
    snprintf(q_report, sizeof q_report, "task=%d&period=%s", task, period);
    {
        static const struct {
            const char *path;
            int q;   /* 0 none, 1 task, 2 period, 3 task+period */
        } P[] = {{"/", 0},         {"/tasks", 0},  {"/task", 1},   {"/report", 3},      {"/review", 0},
                 {"/missing", 2},  {"/missing.csv", 2}, {"/mreport", 2}, {"/mreport.csv", 2}, {"/indicator", 0},
                 {"/audit/history", 1}, {"/audit", 0}};
        for (size_t p = 0; p < sizeof P / sizeof P[0]; p++) {
            const char *qs = P[p].q == 1 ? (strcmp(P[p].path, "/audit/history") ? q_task : q_htask)
                             : P[p].q == 2 ? q_period
                             : P[p].q == 3 ? q_report
                                           : NULL;
            size_t bytes = 0;
            int bad = 0, n = runs;
            char name[160];
            if (only && strcmp(only, P[p].path)) continue;
            if (!strcmp(P[p].path, "/audit")) {
                bench_audit(&ui, runs);
                continue;
            }
            for (int i = 0; i < n; i++)
                if ((t[i] = page(&ui, P[p].path, qs, &bytes, &u[i])) < 0) bad = (int)-t[i];
            snprintf(name, sizeof name, "page %s%s%s", P[p].path, qs ? "?" : "", qs ? qs : "");
            if (bad) printf("%-34s answered %d\n", name, bad);
            else {
                /* the first request of a page on this state may fill what
                 * the next ones reuse (status index, the monthly report) */
                double first = t[0], first_cpu = u[0], p50 = pct(t, n, 50), p99 = pct(t, n, 99);
                printf("%-34s p50 %8.1f ms  p99 %8.1f ms  cpu p50 %8.1f ms  (%d runs, %zu bytes; first %.1f ms, "
                       "cpu %.1f)\n", name, p50, p99, pct(u, n, 50), n, bytes, first, first_cpu);
            }
        }
    }
    /* after a background sync (client/ui.c bumps the generation): the
     * context follows the replica */
    {
        double t0 = bench_now_ms();
        if (tdc_ctx_refresh(&ui.ctx, &e)) {
            fprintf(stderr, "tdfold_bench: refresh: %s\n", e.msg);
            return 1;
        }
        printf("%-34s %8.1f ms\n", "ui context after a sync, no new", bench_now_ms() - t0);
    }
    tdc_ui_audit_shutdown();
    tdc_ctx_close(&ui.ctx);
    pthread_mutex_destroy(&ui.lock);

    /* the commands, as separate processes */
    {
        char all[96], taskc[32], audit[48];
        const char *C[6];
        snprintf(all, sizeof all, "report-all --period %s", period);
        snprintf(taskc, sizeof taskc, "task %d", task);
        snprintf(audit, sizeof audit, "audit history --task %d", task);
        C[0] = "status";
        C[1] = "todo";
        C[2] = "tasks";
        C[3] = taskc;
        C[4] = all;
        C[5] = audit;
        for (int c = 0; c < 6 && !only && !pages_only; c++) {
            int bad = 0;
            char name[160];
            for (int i = 0; i < cli_runs; i++) {
                if (cli_pause > 0) {   /* as a person runs them: seconds apart */
                    struct timespec ts = {cli_pause / 1000, (long)(cli_pause % 1000) * 1000000L};
                    nanosleep(&ts, NULL);
                }
                if ((t[i] = run_cli(bin, dir, C[c], &u[i])) < 0) bad = 1;
            }
            snprintf(name, sizeof name, "tiendo %s", C[c]);
            if (bad) printf("%-34s failed (run it by hand)\n", name);
            else {
                /* the first run is the one a clerk sees after each sync: printed apart so that a one-time
                 * cost cannot hide in the percentiles */
                double first = t[0], first_cpu = u[0], p50 = pct(t, cli_runs, 50), p99 = pct(t, cli_runs, 99);
                printf("%-34s p50 %8.1f ms  p99 %8.1f ms  cpu p50 %8.1f ms  (%d runs; first %.1f ms, cpu %.1f)\n",
                       name, p50, p99, pct(u, cli_runs, 50), cli_runs, first, first_cpu);
            }
        }
    }
    loadavg("at end");
    return 0;
}

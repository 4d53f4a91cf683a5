/* test_audit_hist.c — `tiendo audit history` from a replica (audit_hist.h)
 * while the replica is being written, and with many plans:
 *   - the fold and the rows are one read of the replica (tda_source
 *     read_begin): rows another process stores between the fold and the
 *     rows (appended after the last one, or put in below it as a rescan
 *     does) are shown by neither, and by the next history with their
 *     outcomes; a replica opened while it had no WAL content still sees what
 *     is committed after the open (opened live, not immutable), and one
 *     whose -shm cannot be opened is still read;
 *   - a task named in a plan with 71 plans in the log is read from the fold
 *     by index (no replay of the log), under its plan however far down the
 *     list, and gives the replay's rows.
 * The scaffolding (throwaway CA, devices, signing) is tfix.h's. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "audit_hist.h"
#include "clock.h"
#include "derive.h"
#include "log.pb-c.h"
#include "logread.h"
#include "plan.pb-c.h"
#include "plan_fixture.h"
#include "plan_pb.h"
#include "replica.h"
#pragma GCC diagnostic ignored "-Wunused-function"   /* testcerts.h, tfix.h: not all is used here */
#include "tt.h"

#include "tfix.h"

/* Plans in the log besides the default plan (726): more than 64. */
#define N_PLANS 70

static char DB[128];

/* Plan number k of the later plans: "1001/KH-UBND"... */
static void plan_number(int k, char *out, size_t n)
{
    snprintf(out, n, "%d/KH-UBND", 1001 + k);
}

/* 726's first ten tasks under plan number k, signed by the server. */
static size_t L_plan_k(tlog *l, int k)
{
    td_plan p;
    char num[32];
    size_t pn;
    uint8_t *b;
    if (td_plan_copy(&p, &PLAN)) exit(1);
    plan_number(k, num, sizeof num);
    free(p.number);
    p.number = strdup(num);
    for (size_t i = 10; i < p.n_tasks; i++) td_task_free(&p.tasks[i]);
    if (p.n_tasks > 10) p.n_tasks = 10;
    if (td_plan_pb_encode(&p, "plan.tasks.csv", &b, &pn)) exit(1);
    td_plan_free(&p);
    return L_sign(l, &SRV, TIENDO__ENTRY_KIND__ENTRY_PLAN, b, &pn);
}

/* --- the replica ------------------------------------------------------------- */

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *m = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &m) != SQLITE_OK) {
        fprintf(stderr, "sql: %s: %s\n", sql, m);
        exit(1);
    }
}

/* Row i (1-based) of l into the replica's pulled table, as the sync stores it. */
static void put_row(sqlite3 *db, const tlog *l, size_t i)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO pulled(idx, body, received_ms) VALUES (?1, ?2, ?3)", -1, &st, NULL))
        exit(1);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
    sqlite3_bind_blob(st, 2, l->b[i - 1], (int)l->n[i - 1], SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, NOW + 1000 + (int64_t)i);
    if (sqlite3_step(st) != SQLITE_DONE) {
        fprintf(stderr, "insert %zu: %s\n", i, sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_finalize(st);
}

/* A new replica at DB with rows [1, upto] of l but `skip` (0: none), and its
 * persisted fold stored; the writer is left open in *out. */
static void make_replica(const tlog *l, size_t upto, size_t skip, tdc_replica **out)
{
    td_error e = {0};
    int written = 0;
    char side[160];
    unlink(DB);
    snprintf(side, sizeof side, "%s-wal", DB);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", DB);
    unlink(side);
    if (tdc_replica_open(out, DB, CA, &e)) {
        fprintf(stderr, "replica: %s\n", e.msg);
        exit(1);
    }
    exec_ok(tdc_replica_db(*out), "BEGIN");
    for (size_t i = 1; i <= upto; i++)
        if (i != skip) put_row(tdc_replica_db(*out), l, i);
    exec_ok(tdc_replica_db(*out), "COMMIT");
    TT_EQ_INT(tdc_replica_refresh(*out, &e), 0);
    TT_EQ_INT(tdc_replica_snapshot_save(*out, 1, &written, &e), 0);
    TT_EQ_INT(written, 1);
}

/* --- a history as text ----------------------------------------------------------- */

typedef struct hist_out {
    char *buf;
    size_t len;
    FILE *f;
    uint64_t n;
} hist_out;

static int hist_row(void *arg, const tda_hist_row *r)
{
    hist_out *h = arg;
    fprintf(h->f, "%llu|%lld|%lld|%s|%s|%d|%s|%s|%d|%s|%d\n", (unsigned long long)r->idx, (long long)r->signed_ms,
            (long long)r->received_ms, r->agency, r->device, r->kind, r->period, r->summary, r->refused, r->reason,
            r->time_flags);
    return 0;
}

static void hist_pre(void *arg, const char *slug, const char *name)
{
    fprintf(((hist_out *)arg)->f, "pre %s %s\n", slug, name ? name : "");
}

/* A source over another, counting its calls and running `between` once,
 * right after the first fold (another process writing meanwhile). */
typedef struct wrap {
    tda_source in;
    int n_scan, n_get, n_fold;
    void (*between)(struct wrap *w);
    const tlog *l;
    sqlite3 *writer;
} wrap;

static int w_scan(void *arg, tda_row_cb cb, void *cb_arg, td_error *err)
{
    wrap *w = arg;
    w->n_scan++;
    return w->in.scan(w->in.arg, cb, cb_arg, err);
}

static int w_cps(void *arg, tda_cp **v, size_t *n, td_error *err)
{
    wrap *w = arg;
    return w->in.checkpoints(w->in.arg, v, n, err);
}

static int w_cosigs(void *arg, tda_cosig **v, size_t *n, td_error *err)
{
    wrap *w = arg;
    return w->in.cosigs(w->in.arg, v, n, err);
}

static int w_get(void *arg, const uint64_t *idx, size_t n, tda_row_cb cb, void *cb_arg, td_error *err)
{
    wrap *w = arg;
    w->n_get++;
    return w->in.get(w->in.arg, idx, n, cb, cb_arg, err);
}

static int w_fold(void *arg, X509 *ca, td_state **st, td_error *err)
{
    wrap *w = arg;
    int rc = w->in.fold(w->in.arg, ca, st, err);
    if (!w->n_fold++ && w->between) w->between(w);
    return rc;
}

static int w_read_begin(void *arg, td_error *err)
{
    wrap *w = arg;
    return w->in.read_begin ? w->in.read_begin(w->in.arg, err) : 0;
}

static void w_read_end(void *arg)
{
    wrap *w = arg;
    if (w->in.read_end) w->in.read_end(w->in.arg);
}

static tda_source wrap_source(wrap *w, tda_db *d)
{
    tda_source s = {w_scan, w_cps, w_cosigs, w, w_get, w_fold, w_read_begin, w_read_end};
    w->in = tda_db_source(d);
    w->n_scan = w->n_get = w->n_fold = 0;
    if (!w->in.fold) s.fold = NULL;
    return s;
}

/* The history of (task, plan) or agency from src, as text (malloc'd). */
static char *history(const tda_source *src, uint32_t task, const char *plan, const char *agency, uint64_t *n_rows)
{
    hist_out h = {0};
    td_error e = {0};
    int rc;
    if (!(h.f = open_memstream(&h.buf, &h.len))) exit(1);
    rc = tda_history(src, CA, task, plan, agency, hist_pre, hist_row, &h, n_rows, &e);
    fclose(h.f);
    if (rc) fprintf(stderr, "history: %s\n", e.msg);
    TT_EQ_INT(rc, 0);
    return h.buf;
}

/* The history by replay of every row (no fold): what a server.db copy gives. */
static char *history_replay(tda_db *d, uint32_t task, const char *plan, const char *agency, uint64_t *n_rows)
{
    tda_source s = tda_db_source(d);
    s.fold = NULL;
    s.get = NULL;
    return history(&s, task, plan, agency, n_rows);
}

/* Does the history text show log index idx? */
static int shows(const char *text, size_t idx)
{
    char want[32];
    int n = snprintf(want, sizeof want, "%zu|", idx);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (!strncmp(p, want, (size_t)n)) return 1;
    return 0;
}

/* --- the log ------------------------------------------------------------------------- */

static tlog LOG;
static size_t I_XD, I_TAIL1, I_TAIL2, N_BASE, I_FAR;

/* 726, 70 more plans, reports of so-y-te on task 5 of the default plan,
 * of the 2nd and of the last plan, one of so-xay-dung (I_XD, left out of
 * the replica first: put in later as a rescan does); then two more reports
 * (I_TAIL1, I_TAIL2) that arrive later. */
static void build_log(void)
{
    char num[32];
    L_base(&LOG);
    for (int k = 0; k < N_PLANS; k++) L_plan_k(&LOG, k);
    plan_number(1, num, sizeof num);
    L_report_in(&LOG, &YTE, "", 5, "2025-09");
    L_report_in(&LOG, &YTE, num, 5, "2025-09");
    plan_number(N_PLANS - 1, num, sizeof num);
    I_FAR = L_report_in(&LOG, &YTE, num, 5, "2025-09");
    I_XD = L_report_in(&LOG, &XD, "", 5, "2025-09");
    L_report_in(&LOG, &YTE, num, 5, "2025-10");
    N_BASE = LOG.len;
    I_TAIL1 = L_report_in(&LOG, &YTE, num, 5, "2025-11");
    I_TAIL2 = L_report_in(&LOG, &XD, "", 5, "2025-11");
}

/* --- tests ----------------------------------------------------------------------------- */

/* Between the fold and the rows: the row left out below the fold's last
 * index is put in (pulled_gen moves, as a rescan moves it), and the last two
 * rows arrive. */
static void arrive_below(wrap *w)
{
    exec_ok(w->writer, "BEGIN");
    put_row(w->writer, w->l, I_XD);
    put_row(w->writer, w->l, I_TAIL1);
    put_row(w->writer, w->l, I_TAIL2);
    exec_ok(w->writer, "UPDATE meta SET value = value + 1 WHERE key = 'pulled_gen'");
    exec_ok(w->writer, "COMMIT");
}

/* Between the fold and the rows: the last two rows arrive. */
static void arrive_tail(wrap *w)
{
    exec_ok(w->writer, "BEGIN");
    put_row(w->writer, w->l, I_TAIL1);
    put_row(w->writer, w->l, I_TAIL2);
    exec_ok(w->writer, "COMMIT");
}

/* The last plan's short name ("1070"). */
static const char *far_plan(void)
{
    static char num[32];
    plan_number(N_PLANS - 1, num, sizeof num);
    num[strcspn(num, "/")] = '\0';
    return num;
}

/* An agency's history (one scan of the rows) while rows are put in below
 * and after the fold's last index. */
static void test_agency_between(void)
{
    tdc_replica *r;
    tda_db *d;
    td_error e = {0};
    wrap w = {0};
    tda_source s;
    char *before, *during, *after, *replay;
    uint64_t n0 = 0, n1 = 0, n2 = 0, n3 = 0;
    make_replica(&LOG, N_BASE, I_XD, &r);
    TT_EQ_INT(tda_db_open_replica(DB, &d, &e), 0);
    w.l = &LOG;
    w.writer = tdc_replica_db(r);
    s = wrap_source(&w, d);
    before = history(&s, 0, NULL, "so-xay-dung", &n0);
    TT_CHECK(!shows(before, I_XD));
    w.between = arrive_below;
    s = wrap_source(&w, d);
    during = history(&s, 0, NULL, "so-xay-dung", &n1);
    TT_EQ_INT(w.n_fold, 1);
    /* neither the row put in below nor the rows appended: the fold did not see them */
    TT_CHECK(!shows(during, I_XD));
    TT_CHECK(!shows(during, I_TAIL2));
    TT_EQ_INT(n1, n0);
    TT_EQ_STR(during, before);
    /* the next history shows them, each with the fold's outcome: as a replay of the rows */
    w.between = NULL;
    s = wrap_source(&w, d);
    after = history(&s, 0, NULL, "so-xay-dung", &n2);
    TT_CHECK(shows(after, I_XD));
    TT_CHECK(shows(after, I_TAIL2));
    TT_CHECK(n2 >= n0 + 2);   /* and what its office sees of the tail */
    replay = history_replay(d, 0, NULL, "so-xay-dung", &n3);
    TT_EQ_INT(n3, n2);
    TT_EQ_STR(after, replay);
    free(before);
    free(during);
    free(after);
    free(replay);
    tda_db_close(d);
    tdc_replica_close(r);
}

/* A task under the 71st plan: read from the fold by index, never by a
 * replay of the log, while rows arrive after the fold's last index. */
static void test_task_many_plans(void)
{
    tdc_replica *r;
    tda_db *d;
    td_error e = {0};
    wrap w = {0};
    tda_source s;
    td_state *st = NULL;
    char *before, *during, *after, *replay;
    uint64_t n0 = 0, n1 = 0, n2 = 0, n3 = 0;
    make_replica(&LOG, N_BASE, 0, &r);
    TT_EQ_INT(td_state_plan_count(tdc_replica_state(r)), N_PLANS + 1);
    TT_CHECK(td_state_plan_count(tdc_replica_state(r)) > 64);
    TT_EQ_INT(tda_db_open_replica(DB, &d, &e), 0);
    w.l = &LOG;
    w.writer = tdc_replica_db(r);
    s = wrap_source(&w, d);
    before = history(&s, 5, far_plan(), NULL, &n0);
    TT_EQ_INT(w.n_scan, 0);   /* no replay */
    TT_EQ_INT(w.n_get, 1);
    TT_CHECK(shows(before, I_FAR));
    TT_CHECK(!shows(before, I_XD));   /* 726's task 5 */
    TT_EQ_INT(n0, 2);
    replay = history_replay(d, 5, far_plan(), NULL, &n3);
    TT_EQ_INT(n3, n0);
    TT_EQ_STR(before, replay);
    free(replay);
    w.between = arrive_tail;
    s = wrap_source(&w, d);
    during = history(&s, 5, far_plan(), NULL, &n1);
    TT_CHECK(!shows(during, I_TAIL1));
    TT_EQ_STR(during, before);
    w.between = NULL;
    s = wrap_source(&w, d);
    after = history(&s, 5, far_plan(), NULL, &n2);
    TT_EQ_INT(w.n_scan, 0);
    TT_CHECK(shows(after, I_TAIL1));
    TT_EQ_INT(n2, n0 + 1);
    replay = history_replay(d, 5, far_plan(), NULL, &n3);
    TT_EQ_STR(after, replay);
    /* the fold inside the caller's read transaction leaves it open (in_read) */
    {
        sqlite3 *db;
        TT_EQ_INT(td_sqlite_open_ro_live(DB, &db, &e), 0);
        TT_EQ_INT(tdc_replica_read_begin(db, DB, &e), 0);
        TT_EQ_INT(tdc_replica_fold_db(db, DB, CA, &st, &e), 0);
        TT_EQ_INT(sqlite3_get_autocommit(db), 0);
        TT_EQ_INT(td_state_last_index(st), I_TAIL2);
        TT_EQ_INT(td_state_plan_count(st), N_PLANS + 1);
        tdc_replica_read_end(db);
        TT_EQ_INT(sqlite3_get_autocommit(db), 1);
        td_state_free(st);
        sqlite3_close(db);
    }
    free(before);
    free(during);
    free(after);
    free(replay);
    tda_db_close(d);
    tdc_replica_close(r);
}

/* A replica opened while it had no WAL content (its writer closed) sees
 * what the writer commits afterwards: the history shows it (live read-only,
 * not immutable). */
static void test_live_open(void)
{
    tdc_replica *r;
    tda_db *d;
    td_error e = {0};
    wrap w = {0};
    tda_source s;
    char wal[160], *text, *replay;
    uint64_t n = 0, n2 = 0;
    make_replica(&LOG, N_BASE, 0, &r);
    tdc_replica_close(r);
    snprintf(wal, sizeof wal, "%s-wal", DB);
    TT_CHECK(access(wal, F_OK) != 0);   /* the last close took the WAL in */
    TT_EQ_INT(tda_db_open_replica(DB, &d, &e), 0);
    TT_EQ_INT(tdc_replica_open(&r, DB, CA, &e), 0);
    w.l = &LOG;
    w.writer = tdc_replica_db(r);
    arrive_tail(&w);
    s = wrap_source(&w, d);
    text = history(&s, 5, far_plan(), NULL, &n);
    TT_CHECK(shows(text, I_TAIL1));
    TT_EQ_INT(n, 3);
    replay = history_replay(d, 5, far_plan(), NULL, &n2);
    TT_EQ_STR(text, replay);
    free(text);
    free(replay);
    tda_db_close(d);
    tdc_replica_close(r);
}

/* A replica whose -shm file cannot be opened (as on a read-only medium)
 * beside an empty WAL is still read, and its history still comes from its
 * fold (SQLite reads it without the shared memory, or the open falls back
 * to immutable: logread.h td_sqlite_open_ro_live). */
static void test_immutable_fallback(void)
{
    tdc_replica *r;
    tda_db *d = NULL;
    td_error e = {0};
    wrap w = {0};
    tda_source s;
    char shm[160], *text, *replay;
    uint64_t n = 0, n2 = 0;
    make_replica(&LOG, N_BASE, 0, &r);
    tdc_replica_close(r);
    snprintf(shm, sizeof shm, "%s-shm", DB);
    unlink(shm);
    TT_EQ_INT(mkdir(shm, 0700), 0);   /* no shared-memory file can be opened there */
    {
        char wal[160];
        FILE *f;
        snprintf(wal, sizeof wal, "%s-wal", DB);
        if ((f = fopen(wal, "w"))) fclose(f);   /* an empty WAL: nothing in it to miss */
    }
    TT_EQ_INT(tda_db_open_replica(DB, &d, &e), 0);
    if (d) {
        s = wrap_source(&w, d);
        text = history(&s, 5, far_plan(), NULL, &n);
        TT_EQ_INT(w.n_scan, 0);
        TT_EQ_INT(n, 2);
        replay = history_replay(d, 5, far_plan(), NULL, &n2);
        TT_EQ_STR(text, replay);
        free(text);
        free(replay);
        tda_db_close(d);
    }
    rmdir(shm);
}

int main(void)
{
    char tmpl[] = "/tmp/test_audit_hist_XXXXXX";
    if (tf_setup()) return 1;
    if (!mkdtemp(tmpl)) return 1;
    snprintf(DB, sizeof DB, "%s/replica.db", tmpl);
    build_log();
    TT_RUN(test_agency_between);
    TT_RUN(test_task_many_plans);
    TT_RUN(test_live_open);
    TT_RUN(test_immutable_fallback);
    L_free(&LOG);
    tf_teardown();
    {
        char side[160];
        unlink(DB);
        snprintf(side, sizeof side, "%s-wal", DB);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", DB);
        unlink(side);
        rmdir(tmpl);
    }
    return tt_report();
}

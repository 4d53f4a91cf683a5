/*
 * test_logstore.c — the server's SQLite log (server/logstore.h): append in
 * one transaction, (author, seq) unique, triggers that refuse UPDATE and
 * DELETE when tried with real SQL, migration of an empty file, a future
 * schema refused, reopen, scans, meta.
 */
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logstore.h"
#include "tt.h"

static char dir[] = "/tmp/td-logstore-XXXXXX";
static char sub[300];

static tds_logrow row(unsigned char who, uint64_t seq, int kind, const char *agency, uint32_t task,
                      const char *body)
{
    tds_logrow r;
    memset(&r, 0, sizeof r);
    memset(r.author, who, 32);
    r.seq = seq;
    r.kind = kind;
    r.agency = agency;
    r.task = task;
    r.body = (const uint8_t *)body;
    r.len = strlen(body);
    r.received_ms = 1700000000000 + (int64_t)seq;
    return r;
}

typedef struct seen {
    uint64_t idx[16];
    char body[16][32];
    int n, stop_after;
} seen;

static int seen_cb(void *arg, const tds_logrow *r)
{
    seen *s = arg;
    if (s->n < 16) {
        s->idx[s->n] = r->idx;
        snprintf(s->body[s->n], sizeof s->body[0], "%.*s", (int)r->len, (const char *)r->body);
    }
    s->n++;
    return s->stop_after && s->n >= s->stop_after ? 7 : 0;
}

static void test_append_lookup_scan(void)
{
    tds_logstore *s;
    td_error e = {0};
    tds_logrow rows[3];
    uint64_t v = 99;
    uint8_t *body;
    size_t n;
    int found;
    seen sn;
    struct stat st;

    snprintf(sub, sizeof sub, "%s/data", dir);
    TT_EQ_INT(tds_logstore_open(sub, &s, &e), 0);
    TT_CHECK(stat(sub, &st) == 0 && (st.st_mode & 0777) == 0700);
    TT_EQ_INT(tds_logstore_last_index(s, &v, &e), 0);
    TT_EQ_INT(v, 0);
    rows[0] = row(1, 1, 1, "", 0, "cert-of-server");
    rows[1] = row(2, 1, 20, "so-tu-phap", 11, "report-a1");
    rows[2] = row(2, 2, 20, "so-tu-phap", 12, "report-a2");
    TT_EQ_INT(tds_logstore_append(s, rows, 3, &e), 0);
    TT_EQ_INT(rows[0].idx, 1);
    TT_EQ_INT(rows[2].idx, 3);
    TT_EQ_INT(tds_logstore_count(s, &v, &e), 0);
    TT_EQ_INT(v, 3);
    {
        unsigned char a[32];
        memset(a, 2, 32);
        TT_EQ_INT(tds_logstore_last_seq(s, a, &v, &e), 0);
        TT_EQ_INT(v, 2);
        TT_EQ_INT(tds_logstore_lookup(s, a, 2, &found, &v, &body, &n, &e), 0);
        TT_EQ_INT(found, 1);
        TT_EQ_INT(v, 3);
        TT_CHECK(n == 9 && memcmp(body, "report-a2", 9) == 0);
        free(body);
        TT_EQ_INT(tds_logstore_lookup(s, a, 3, &found, &v, &body, &n, &e), 0);
        TT_EQ_INT(found, 0);
        memset(a, 9, 32);
        TT_EQ_INT(tds_logstore_last_seq(s, a, &v, &e), 0);
        TT_EQ_INT(v, 0);
    }

    /* a batch with one duplicate (author, seq) appends nothing at all */
    rows[0] = row(2, 3, 20, "so-tu-phap", 11, "report-a3");
    rows[1] = row(2, 2, 20, "so-tu-phap", 11, "report-a2-again");
    TT_EQ_INT(tds_logstore_append(s, rows, 2, &e), TD_EEXISTS);
    TT_CHECK(strstr(e.msg, "server.db") != NULL);
    TT_EQ_INT(tds_logstore_count(s, &v, &e), 0);
    TT_EQ_INT(v, 3);
    /* and the index does not skip afterwards */
    rows[0] = row(2, 3, 20, "so-tu-phap", 11, "report-a3");
    TT_EQ_INT(tds_logstore_append(s, rows, 1, &e), 0);
    TT_EQ_INT(rows[0].idx, 4);

    /* scans: from an index, bounded, by kind, stopped by the callback */
    memset(&sn, 0, sizeof sn);
    TT_EQ_INT(tds_logstore_scan(s, 2, 0, 0, seen_cb, &sn, &e), 0);
    TT_EQ_INT(sn.n, 3);
    TT_EQ_INT(sn.idx[0], 2);
    TT_EQ_STR(sn.body[2], "report-a3");
    memset(&sn, 0, sizeof sn);
    TT_EQ_INT(tds_logstore_scan(s, 1, 2, 0, seen_cb, &sn, &e), 0);
    TT_EQ_INT(sn.n, 2);
    memset(&sn, 0, sizeof sn);
    TT_EQ_INT(tds_logstore_scan(s, 1, 0, 1, seen_cb, &sn, &e), 0);
    TT_EQ_INT(sn.n, 1);
    TT_EQ_STR(sn.body[0], "cert-of-server");
    memset(&sn, 0, sizeof sn);
    sn.stop_after = 2;
    TT_EQ_INT(tds_logstore_scan(s, 1, 0, 0, seen_cb, &sn, &e), 7);
    TT_EQ_INT(sn.n, 2);

    /* explicit transaction: rollback forgets */
    rows[0] = row(3, 1, 20, "ubnd-chi-linh", 5, "x");
    TT_EQ_INT(tds_logstore_begin(s, &e), 0);
    TT_EQ_INT(tds_logstore_insert(s, &rows[0], &e), 0);
    TT_EQ_INT(rows[0].idx, 5);
    tds_logstore_rollback(s);
    TT_EQ_INT(tds_logstore_last_index(s, &v, &e), 0);
    TT_EQ_INT(v, 4);
    TT_EQ_INT(tds_logstore_insert(s, &rows[0], &e), TD_EINTERNAL);   /* outside a transaction */

    /* meta: set once; the same value again is fine, another is refused */
    TT_EQ_INT(tds_logstore_meta_put(s, "ca_der", (const uint8_t *)"abc", 3, &e), 0);
    TT_EQ_INT(tds_logstore_meta_put(s, "ca_der", (const uint8_t *)"abc", 3, &e), 0);
    TT_EQ_INT(tds_logstore_meta_put(s, "ca_der", (const uint8_t *)"abd", 3, &e), TD_EEXISTS);
    tds_logstore_close(s);
}

static void test_triggers_refuse_update_delete(void)
{
    char path[400];
    sqlite3 *db;
    char *msg = NULL;
    sqlite3_stmt *st;
    snprintf(path, sizeof path, "%s/server.db", sub);
    TT_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    TT_CHECK(sqlite3_exec(db, "UPDATE log SET body = x'00' WHERE idx = 2", NULL, NULL, &msg) != SQLITE_OK);
    TT_CHECK(msg && strstr(msg, "log is append-only"));
    sqlite3_free(msg);
    msg = NULL;
    TT_CHECK(sqlite3_exec(db, "DELETE FROM log WHERE idx = 4", NULL, NULL, &msg) != SQLITE_OK);
    TT_CHECK(msg && strstr(msg, "log is append-only"));
    sqlite3_free(msg);
    msg = NULL;
    TT_CHECK(sqlite3_exec(db, "UPDATE meta SET value = x'00'", NULL, NULL, &msg) != SQLITE_OK);
    sqlite3_free(msg);
    /* nothing changed */
    TT_EQ_INT(sqlite3_prepare_v2(db, "SELECT count(*), sum(length(body)) FROM log", -1, &st, NULL), SQLITE_OK);
    TT_EQ_INT(sqlite3_step(st), SQLITE_ROW);
    TT_EQ_INT(sqlite3_column_int(st, 0), 4);
    TT_EQ_INT(sqlite3_column_int(st, 1), 14 + 9 + 9 + 9);
    sqlite3_finalize(st);
    TT_EQ_INT(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    TT_EQ_INT(sqlite3_step(st), SQLITE_ROW);
    TT_EQ_INT(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    TT_EQ_INT(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    TT_EQ_INT(sqlite3_step(st), SQLITE_ROW);
    TT_EQ_STR((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_reopen(void)
{
    tds_logstore *s;
    td_error e = {0};
    uint64_t v = 0;
    uint8_t *val;
    size_t n;
    int found;
    TT_EQ_INT(tds_logstore_open(sub, &s, &e), 0);
    TT_EQ_INT(tds_logstore_last_index(s, &v, &e), 0);
    TT_EQ_INT(v, 4);
    TT_EQ_INT(tds_logstore_meta_get(s, "ca_der", &found, &val, &n, &e), 0);
    TT_CHECK(found && n == 3 && !memcmp(val, "abc", 3));
    free(val);
    TT_EQ_INT(tds_logstore_meta_get(s, "nothing", &found, &val, &n, &e), 0);
    TT_EQ_INT(found, 0);
    tds_logstore_close(s);
}

static void test_migrate_empty_file_and_future_schema(void)
{
    char d2[400], path[450];
    tds_logstore *s;
    td_error e = {0};
    uint64_t v = 9;
    FILE *f;
    sqlite3 *db;
    /* an empty file (e.g. touched by an operator) is migrated from version 0 */
    snprintf(d2, sizeof d2, "%s/empty", dir);
    mkdir(d2, 0700);
    snprintf(path, sizeof path, "%s/server.db", d2);
    f = fopen(path, "w");
    fclose(f);
    TT_EQ_INT(tds_logstore_open(d2, &s, &e), 0);
    TT_EQ_INT(tds_logstore_count(s, &v, &e), 0);
    TT_EQ_INT(v, 0);
    tds_logstore_close(s);
    /* a database from a newer program is refused, naming the versions */
    TT_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    TT_EQ_INT(sqlite3_exec(db, "PRAGMA user_version = 42", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    TT_EQ_INT(tds_logstore_open(d2, &s, &e), TD_EDB);
    TT_CHECK(strstr(e.msg, "schema version 42 is newer") != NULL);
    /* a directory that cannot be created is named */
    TT_CHECK(tds_logstore_open("/proc/td-no/such", &s, &e) != 0);
    TT_CHECK(strstr(e.msg, "/proc/td-no/such") != NULL);
}

int main(void)
{
    char cmd[300];
    int rc;
    if (!mkdtemp(dir)) return 1;
    TT_RUN(test_append_lookup_scan);
    TT_RUN(test_triggers_refuse_update_delete);
    TT_RUN(test_reopen);
    TT_RUN(test_migrate_empty_file_and_future_schema);
    rc = tt_report();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return rc;
}

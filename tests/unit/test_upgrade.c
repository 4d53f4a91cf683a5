/*
 * test_upgrade.c — upgrades under live data (docs/ARCHITECTURE.md §9):
 *   - the server log and the office replica, created at every earlier
 *     schema version from the DDL kept in tests/fixtures/schema/ (exactly
 *     as each version shipped), open with the current code: the data
 *     survives, user_version becomes the current one, and the server's
 *     Merkle tree is built over rows older than it;
 *   - a database from a NEWER version is refused with a message that says
 *     so, and is left untouched;
 *   - protocol negotiation with a client that claims an old version: the
 *     Error says in words (English and Vietnamese) that the client is too
 *     old; a client speaking a wider range than the server gets the
 *     server's highest version.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "derive.h"
#include "frame.h"
#include "logstore.h"
#include "merkle.h"
#include "proto_ver.h"
#include "replica.h"
#include "session.h"
#include "status.h"
#include "tt.h"

static char tmpdir[256];

static char *slurp(const char *name)
{
    const char *src = getenv("TD_SOURCE_DIR");
    char path[1024];
    FILE *f;
    long n;
    char *buf;
    snprintf(path, sizeof path, "%s/tests/fixtures/schema/%s", src ? src : ".", name);
    if (!(f = fopen(path, "rb"))) {
        fprintf(stderr, "cannot read fixture %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Run fixture SQL on a new database file; skip_log_rows drops the lines
 * that insert log rows (an empty log at that version). */
static int make_db(const char *path, const char *const *fixtures, int skip_log_rows)
{
    sqlite3 *db;
    int rc = 0;
    unlink(path);
    if (sqlite3_open(path, &db) != SQLITE_OK) return -1;
    for (; *fixtures && !rc; fixtures++) {
        char *sql = slurp(*fixtures), *msg = NULL;
        if (!sql) {
            rc = -1;
            break;
        }
        if (skip_log_rows) {
            char *p;
            while ((p = strstr(sql, "INSERT INTO log VALUES"))) {
                char *e = strchr(p, '\n');
                memset(p, ' ', e ? (size_t)(e - p) : strlen(p));
            }
        }
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
            fprintf(stderr, "fixture %s: %s\n", *fixtures, msg);
            sqlite3_free(msg);
            rc = -1;
        }
        free(sql);
    }
    sqlite3_close(db);
    return rc;
}

static int user_version(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

static int set_user_version(const char *path, int v)
{
    sqlite3 *db;
    char sql[64];
    int rc;
    if (sqlite3_open(path, &db) != SQLITE_OK) return -1;
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
    rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* The schema version this build writes: that of a fresh database. */
static int current_logstore_version(void)
{
    char dir[300];
    tds_logstore *s = NULL;
    td_error err;
    snprintf(dir, sizeof dir, "%s/fresh-server", tmpdir);
    if (tds_logstore_open(dir, &s, &err)) return -1;
    tds_logstore_close(s);
    snprintf(dir, sizeof dir, "%s/fresh-server/server.db", tmpdir);
    return user_version(dir);
}

static int current_replica_version(void)
{
    char path[300];
    tdc_replica *r = NULL;
    td_error err;
    snprintf(path, sizeof path, "%s/fresh-replica.db", tmpdir);
    if (tdc_replica_open(&r, path, NULL, &err)) return -1;
    tdc_replica_close(r);
    return user_version(path);
}

typedef struct rows { int n; uint64_t last; char bodies[3][8]; } rows;
static int row_cb(void *arg, const tds_logrow *r)
{
    rows *x = arg;
    if (x->n < 3 && r->len < 8) memcpy(x->bodies[x->n], r->body, r->len);
    x->n++;
    x->last = r->idx;
    return 0;
}


/* Fold every row of a server log into a state. */
typedef struct fold_arg { td_state *st; int refused, failed; } fold_arg;
static int fold_cb(void *arg, const tds_logrow *r)
{
    fold_arg *f = arg;
    td_apply_result res;
    td_error err = {0};
    if (td_state_apply(f->st, r->idx, r->body, r->len, r->received_ms, &res, &err)) {
        f->failed++;
        return 0;
    }
    if (res.refused) {
        fprintf(stderr, "refused: %s\n", res.reason);
        f->refused++;
    }
    return 0;
}

/*
 * A server log written before entries named their plan (one plan,
 * tests/fixtures/log_v1/, made by its make.sh with the binaries of that
 * time): it opens, folds without refusals to the same v1 state digest, and
 * the folded facts are those recorded (docs/LOG.md §14: an empty plan field
 * is the default plan).
 */
static void test_single_plan_log_folds(void)
{
    char dir[300], path[320], hex[65], cap[1024];
    const char *fx[] = {"../log_v1/server.sql", NULL};
    const char *src = getenv("TD_SOURCE_DIR");
    tds_logstore *s = NULL;
    td_error err = {0};
    fold_arg f = {0};
    unsigned char d[32];
    X509 *ca = NULL;
    FILE *cf;
    const td_report *r;
    td_task_status ts;

    snprintf(dir, sizeof dir, "%s/log1", tmpdir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/server.db", dir);
    TT_EQ_INT(make_db(path, fx, 0), 0);
    TT_EQ_INT(tds_logstore_open(dir, &s, &err), 0);
    if (!s) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    snprintf(cap, sizeof cap, "%s/tests/fixtures/log_v1/ca.crt", src ? src : ".");
    TT_CHECK((cf = fopen(cap, "r")) != NULL);
    if (!cf) return;
    ca = PEM_read_X509(cf, NULL, NULL, NULL);
    fclose(cf);
    TT_CHECK(ca != NULL);
    TT_CHECK((f.st = td_state_new(ca)) != NULL);
    TT_EQ_INT(tds_logstore_scan(s, 1, 0, 0, fold_cb, &f, &err), 0);
    TT_EQ_INT(f.failed, 0);
    TT_EQ_INT(f.refused, 0);
    TT_EQ_INT(td_state_count(f.st), 12);
    td_state_digest(f.st, d);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    TT_EQ_STR(hex, "ae1ded0cf1d76a29e6d584d02a4e1d4724653b73830d2247279943e68bcfd033");
    /* v2 too, against the value libsodium's SHA-256 and ChaCha20 gave
     * before the digest moved to libcrypto's (common/hash.h) */
    td_state_digest_v2(f.st, d);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    TT_EQ_STR(hex, "4c9c483fdc4d34d9f7545caf68dc79647cc3b569afd44f3c95867731acbfe14c");
    td_state_digest_v2_full(f.st, d);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    TT_EQ_STR(hex, "4c9c483fdc4d34d9f7545caf68dc79647cc3b569afd44f3c95867731acbfe14c");
    /* one plan: the default plan, keys are task numbers */
    TT_EQ_INT(td_state_plan_count(f.st), 1);
    TT_EQ_STR(td_state_plan_at(f.st, 0)->number, "726/KH-UBND");
    TT_EQ_INT(td_state_plan(f.st)->n_tasks, 81);
    TT_CHECK((r = td_state_report(f.st, 1, "so-khcn", "2025-06")) != NULL);
    if (r) {
        TT_EQ_INT(r->state, 3);
        TT_EQ_INT(r->percent, 100);
        TT_EQ_INT(r->review, 1);
    }
    TT_CHECK((r = td_state_report(f.st, 26, "so-khcn", "2025-06")) != NULL);
    if (r) TT_EQ_INT(r->review, -1);
    TT_CHECK((r = td_state_report(f.st, 37, "so-khcn", "2025-05")) != NULL);
    if (r) TT_EQ_INT(r->percent, 10);
    {
        size_t n;
        const td_condition *c = td_state_conditions(f.st, &n);
        TT_EQ_INT(n, 1);
        if (n) {
            TT_EQ_INT(c[0].task, 75);
            TT_EQ_INT(c[0].due_month, 8);
        }
    }
    TT_EQ_INT(td_plan_task(td_state_plan(f.st), 32)->deadline.year, 2026);
    TT_EQ_INT(td_plan_task(td_state_plan_at(f.st, 0), 32)->deadline.year, 2026);
    TT_CHECK(td_registry_agency(td_state_registry(f.st), "so-y-te-hp") != NULL);
    /* status as the single-plan binaries showed it on 10/06/2025 */
    TT_EQ_INT(td_status_task(f.st, 1, 20250610, NULL, &ts, &err), 0);
    TT_EQ_INT(ts.overall, TD_ST_DONE_LATE);
    td_task_status_free(&ts);
    TT_EQ_INT(td_status_task(f.st, 26, 20250610, NULL, &ts, &err), 0);
    TT_EQ_INT(ts.overall, TD_ST_ONGOING_LATE);
    td_task_status_free(&ts);
    td_state_free(f.st);
    X509_free(ca);
    tds_logstore_close(s);
}

static void test_logstore_from_v1(void)
{
    char dir[300], path[320];
    const char *fx[] = {"logstore_v1.sql", NULL};
    tds_logstore *s = NULL;
    tds_logstore_summary sum;
    td_error err = {0};
    rows x;
    int cur = current_logstore_version();
    TT_CHECK(cur >= 2);
    snprintf(dir, sizeof dir, "%s/v1", tmpdir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/server.db", dir);
    TT_EQ_INT(make_db(path, fx, 0), 0);
    TT_EQ_INT(user_version(path), 1);
    TT_EQ_INT(tds_logstore_open(dir, &s, &err), 0);
    if (!s) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    memset(&x, 0, sizeof x);
    TT_EQ_INT(tds_logstore_scan(s, 1, 0, 0, row_cb, &x, &err), 0);
    TT_EQ_INT(x.n, 3);
    TT_EQ_INT(x.last, 3);
    TT_CHECK(!memcmp(x.bodies[1], "\x0a\x03" "bbb", 5));
    /* the tree over the rows older than it, and its root */
    TT_EQ_INT(tds_logstore_verify(s, &sum, &err), 0);
    TT_EQ_INT(sum.size, 3);
    {
        td_merkle_mem m;
        unsigned char leaf[32], root[32];
        td_merkle_store ms;
        td_merkle_mem_init(&m);
        ms = td_merkle_mem_store(&m);
        for (int i = 0; i < 3; i++) {
            td_merkle_leaf_hash(x.bodies[i], 5, leaf);
            td_merkle_append(&ms, (uint64_t)i, leaf, NULL, NULL);
        }
        TT_EQ_INT(td_merkle_root(&ms, 3, root, NULL), 0);
        TT_CHECK(!memcmp(root, sum.root, 32));
        td_merkle_mem_free(&m);
    }
    TT_EQ_INT(tds_logstore_integrity(s, &err), 0);
    tds_logstore_close(s);
    TT_EQ_INT(user_version(path), cur);
}

static int cosig_count_cb(void *arg, const tds_cosig_row *r)
{
    (void)r;
    (*(size_t *)arg)++;
    return 0;
}

static int cosig_keyed_cb(void *arg, const tds_cosig_row *r)
{
    if (r->key && r->agency) (*(size_t *)arg)++;
    return 0;
}

static void test_logstore_from_v2(void)
{
    char dir[300], path[320];
    const char *fx[] = {"logstore_v1.sql", "logstore_v2_extra.sql", NULL};
    tds_logstore *s = NULL;
    td_error err = {0};
    uint64_t n = 99;
    snprintf(dir, sizeof dir, "%s/v2", tmpdir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/server.db", dir);
    TT_EQ_INT(make_db(path, fx, 1), 0);
    TT_EQ_INT(user_version(path), 2);
    {
        /* a cosignature stored by name, as version 2 did */
        sqlite3 *db;
        TT_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
        TT_EQ_INT(sqlite3_exec(db, "INSERT INTO cosig VALUES (1, 'tiendo-witness/pc-i', 'old line', 5)", NULL, NULL,
                               NULL), SQLITE_OK);
        sqlite3_close(db);
    }
    TT_EQ_INT(tds_logstore_open(dir, &s, &err), 0);
    if (!s) return;
    TT_EQ_INT(tds_logstore_count(s, &n, &err), 0);
    TT_EQ_INT(n, 0);
    {
        /* migration 5: the old row stays (no key); witnesses are then stored by
         * (name, agency, key): another agency's inspector of the same CN, and
         * a renewed key, do not collide with it or with each other */
        unsigned char k1[32], k2[32];
        int ins = -1;
        size_t rows_n = 0, keyed = 0;
        memset(k1, 1, 32);
        memset(k2, 2, 32);
        TT_EQ_INT(tds_logstore_cosig_put(s, 1, "tiendo-witness/pc-i", k1, "thanh-tra", "l1", 6, &ins, &err), 0);
        TT_EQ_INT(ins, 1);
        TT_EQ_INT(tds_logstore_cosig_put(s, 1, "tiendo-witness/pc-i", k1, "thanh-tra-2", "l2", 7, &ins, &err), 0);
        TT_EQ_INT(ins, 1);
        TT_EQ_INT(tds_logstore_cosig_put(s, 1, "tiendo-witness/pc-i", k2, "thanh-tra", "l3", 8, &ins, &err), 0);
        TT_EQ_INT(ins, 1);
        TT_EQ_INT(tds_logstore_cosig_put(s, 1, "tiendo-witness/pc-i", k2, "thanh-tra", "l4", 9, &ins, &err), 0);
        TT_EQ_INT(ins, 0);
        TT_EQ_INT(tds_logstore_cosigs(s, 1, cosig_count_cb, &rows_n, &err), 0);
        TT_EQ_INT(rows_n, 4);
        TT_EQ_INT(tds_logstore_witnesses(s, cosig_keyed_cb, &keyed, &err), 0);
        TT_EQ_INT(keyed, 3);
    }
    {
        int found = 0;
        uint8_t *v = NULL;
        size_t len = 0;
        TT_EQ_INT(tds_logstore_meta_get(s, "ca_der", &found, &v, &len, &err), 0);
        TT_EQ_INT(found, 1);
        TT_EQ_INT(len, 2);
        free(v);
    }
    tds_logstore_close(s);
    TT_EQ_INT(user_version(path), current_logstore_version());
}

static void test_logstore_newer_refused(void)
{
    char dir[300], path[320];
    const char *fx[] = {"logstore_v1.sql", NULL};
    tds_logstore *s = NULL;
    td_error err = {0};
    snprintf(dir, sizeof dir, "%s/v99", tmpdir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/server.db", dir);
    TT_EQ_INT(make_db(path, fx, 0), 0);
    TT_EQ_INT(set_user_version(path, 99), 0);
    TT_CHECK(tds_logstore_open(dir, &s, &err) != 0);
    TT_CHECK(s == NULL);
    TT_CHECK(strstr(err.msg, "schema version 99 is newer than this program") != NULL);
    TT_CHECK(strstr(err.msg, "newer tiendo-server") != NULL);
    TT_EQ_INT(user_version(path), 99);
}

static void replica_check(const char *path, int had_checkpoint)
{
    tdc_replica *r = NULL;
    tdc_outbox_item *items = NULL;
    tdc_replica_meta m;
    td_error err = {0};
    size_t n = 0;
    TT_EQ_INT(tdc_replica_open(&r, path, NULL, &err), 0);
    if (!r) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    TT_EQ_INT(tdc_replica_cursor(r), 2);
    TT_EQ_INT(tdc_replica_meta_get(r, &m, &err), 0);
    TT_EQ_INT(m.n_pulled, 1);
    TT_EQ_INT(m.n_pending, 1);
    TT_EQ_INT(m.n_stored, 1);
    TT_EQ_INT(m.log_size, 1);
    TT_EQ_INT(tdc_replica_outbox_list(r, -1, 0, &items, &n, &err), 0);
    TT_EQ_INT(n, 2);
    if (n == 2) {
        TT_EQ_STR(items[0].summary, "Báo cáo nhiệm vụ 7 tháng 2025-01");
        TT_EQ_INT(items[1].status, TDC_OUT_PENDING);
    }
    tdc_outbox_items_free(items, n);
    {
        uint64_t c = 99;
        TT_EQ_INT(tdc_replica_checkpoint_count(r, &c, &err), 0);
        TT_EQ_INT(c, had_checkpoint ? 1 : 0);
    }
    tdc_replica_close(r);
    TT_EQ_INT(user_version(path), current_replica_version());
}

static void test_replica_from_v1(void)
{
    char path[300];
    const char *fx[] = {"replica_v1.sql", NULL};
    snprintf(path, sizeof path, "%s/replica-v1.db", tmpdir);
    TT_EQ_INT(make_db(path, fx, 0), 0);
    TT_EQ_INT(user_version(path), 1);
    replica_check(path, 0);
}

static void test_replica_from_v2(void)
{
    char path[300];
    const char *fx[] = {"replica_v1.sql", "replica_v2_extra.sql", NULL};
    snprintf(path, sizeof path, "%s/replica-v2.db", tmpdir);
    TT_EQ_INT(make_db(path, fx, 0), 0);
    TT_EQ_INT(user_version(path), 2);
    replica_check(path, 1);
}

static void test_replica_newer_refused(void)
{
    char path[300];
    const char *fx[] = {"replica_v1.sql", NULL};
    tdc_replica *r = NULL;
    td_error err = {0};
    snprintf(path, sizeof path, "%s/replica-v99.db", tmpdir);
    TT_EQ_INT(make_db(path, fx, 0), 0);
    TT_EQ_INT(set_user_version(path, 99), 0);
    TT_CHECK(tdc_replica_open(&r, path, NULL, &err) != 0);
    TT_CHECK(r == NULL);
    TT_CHECK(strstr(err.msg, "99") != NULL);
    TT_EQ_INT(user_version(path), 99);
}

/* ---- protocol negotiation with old and new clients ---- */

typedef struct cap { Tiendo__Frame *last; int ended; } cap;
static cap C;
static int cap_send(void *arg, const Tiendo__Frame *f)
{
    cap *c = arg;
    size_t n = tiendo__frame__get_packed_size(f);
    uint8_t *buf = malloc(n ? n : 1);
    tiendo__frame__pack(f, buf);
    if (c->last) td_frame_free(c->last);
    c->last = tiendo__frame__unpack(NULL, n, buf);
    free(buf);
    return 0;
}
static void cap_end(void *arg) { ((cap *)arg)->ended = 1; }

static int hello(uint32_t lo, uint32_t hi)
{
    td_subject subj = {.agency = "so-tu-phap", .device = "pc-7", .role = TD_ROLE_OFFICE};
    unsigned char pk[32] = {1};
    tds_session_io io = {.send = cap_send, .end = cap_end, .arg = &C};
    tds_session s;
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Hello h = TIENDO__HELLO__INIT;
    size_t n;
    uint8_t *buf;
    int rc;
    if (C.last) td_frame_free(C.last);
    memset(&C, 0, sizeof C);
    tds_session_init(&s, &subj, pk, "test-server", &io);
    h.min_version = lo;
    h.max_version = hi;
    h.software = "tiendo 0.0.1";
    f.body_case = TIENDO__FRAME__BODY_HELLO;
    f.hello = &h;
    n = tiendo__frame__get_packed_size(&f);
    buf = malloc(n);
    tiendo__frame__pack(&f, buf);
    rc = tds_session_on_frame(&s, buf, n);
    free(buf);
    return rc;
}

static void test_old_client_told_in_words(void)
{
    /* a client whose newest protocol is below the server's oldest */
    TT_EQ_INT(hello(TD_PROTO_MIN - 1, TD_PROTO_MIN - 1), TD_EVERSION);
    TT_CHECK(C.ended);
    TT_CHECK(C.last && C.last->body_case == TIENDO__FRAME__BODY_ERROR);
    if (C.last && C.last->body_case == TIENDO__FRAME__BODY_ERROR) {
        TT_EQ_INT(C.last->error->code, TIENDO__ERROR_CODE__ERR_VERSION);
        TT_CHECK(strstr(C.last->error->message, "client too old") != NULL);
        TT_CHECK(strstr(C.last->error->message_vi, "quá cũ") != NULL);
        TT_CHECK(strstr(C.last->error->message_vi, "cập nhật phiên bản mới") != NULL);
    }
}

static void test_newer_client_negotiates_down(void)
{
    /* a newer client that still speaks ours: the session runs at our max */
    TT_EQ_INT(hello(TD_PROTO_MIN, TD_PROTO_MAX + 4), 0);
    TT_CHECK(C.last && C.last->body_case == TIENDO__FRAME__BODY_WELCOME);
    if (C.last && C.last->welcome) TT_EQ_INT(C.last->welcome->version, TD_PROTO_MAX);
    /* an old client (version 1 only) against a server that still speaks 1 */
    TT_EQ_INT(hello(1, 1), 0);
    if (C.last && C.last->welcome) TT_EQ_INT(C.last->welcome->version, 1);
    TT_EQ_INT(td_proto_negotiate(1, 1, 2, 3), 0);
    TT_EQ_INT(td_proto_negotiate(1, 4, 2, 3), 3);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/td-upgrade-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    TT_RUN(test_logstore_from_v1);
    TT_RUN(test_single_plan_log_folds);
    TT_RUN(test_logstore_from_v2);
    TT_RUN(test_logstore_newer_refused);
    TT_RUN(test_replica_from_v1);
    TT_RUN(test_replica_from_v2);
    TT_RUN(test_replica_newer_refused);
    TT_RUN(test_old_client_told_in_words);
    TT_RUN(test_newer_client_negotiates_down);
    if (C.last) td_frame_free(C.last);
    {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    }
    return tt_report();
}

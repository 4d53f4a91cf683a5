/*
 * test_logstore.c — the server's SQLite log (server/logstore.h): append in
 * one transaction, (author, seq) unique, triggers that refuse UPDATE and
 * DELETE when tried with real SQL, migration of an empty file, a future
 * schema refused, reopen, scans, meta.  Migration 2: the Merkle tree table
 * as a merkle.h store (roots and proofs equal td_merkle_mem's for every size
 * up to a few hundred, across a reopen), its triggers and those of the
 * checkpoint and cosig tables, and a version-1 database with entries whose
 * tree is built by the migration.
 */
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logstore.h"
#include "merkle.h"
#include "tt.h"

static const unsigned char WK[32] = {7};   /* a witness key */

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
    TT_EQ_INT(sqlite3_column_int(st, 0), 5);   /* migration 3: attachments, 4: their holders, 5: witnesses by key */
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

/* The WAL's checkpoint sequence number (header bytes 12..15, big-endian):
 * SQLite counts each restart of the WAL in it. */
static long wal_ckpt_seq(void)
{
    char p[400];
    unsigned char h[16];
    FILE *f;
    snprintf(p, sizeof p, "%s/server.db-wal", sub);
    if (!(f = fopen(p, "rb"))) return -1;
    if (fread(h, 1, sizeof h, f) != sizeof h) {
        fclose(f);
        return -1;
    }
    fclose(f);
    return (long)h[12] << 24 | (long)h[13] << 16 | (long)h[14] << 8 | (long)h[15];
}

/* The WAL's restart on the second connection (tds_logstore_wal_restart):
 * it checkpoints what is left and starts the WAL again from its beginning
 * (its header, with the next checkpoint sequence, is written by that
 * connection), so the writer's next commit appends behind it instead of
 * restarting the WAL (and syncing its header) itself.  Nothing of the log
 * changes. */
static void test_wal_restart_off_writer(void)
{
    tds_logstore *s;
    td_error e = {0};
    tds_logrow r;
    uint64_t v = 0;
    long seq0, seq1;
    int frames;
    TT_EQ_INT(tds_logstore_open(sub, &s, &e), 0);
    TT_EQ_INT(tds_logstore_wal_background(s, &e), 0);
    TT_EQ_INT(tds_logstore_last_index(s, &v, &e), 0);
    r = row(5, 1, 20, "so-y-te", 3, "restart-1");
    TT_EQ_INT(tds_logstore_begin_nosync(s, &e), 0);
    TT_EQ_INT(tds_logstore_insert(s, &r, &e), 0);
    TT_EQ_INT(tds_logstore_commit_nosync(s, &e), 0);
    TT_CHECK(tds_logstore_wal_frames(s) > 0);
    TT_EQ_INT(tds_logstore_wal_checkpoint(s), 0);
    seq0 = wal_ckpt_seq();
    TT_CHECK(seq0 >= 0);
    TT_EQ_INT(tds_logstore_wal_restart(s), 1);
    seq1 = wal_ckpt_seq();
    TT_EQ_INT(seq1, seq0 + 1);
    /* the writer's next commit continues that WAL */
    r = row(5, 2, 20, "so-y-te", 3, "restart-2");
    TT_EQ_INT(tds_logstore_begin_nosync(s, &e), 0);
    TT_EQ_INT(tds_logstore_insert(s, &r, &e), 0);
    TT_EQ_INT(tds_logstore_commit_nosync(s, &e), 0);
    TT_EQ_INT(wal_ckpt_seq(), seq1);
    frames = tds_logstore_wal_frames(s);
    TT_CHECK(frames > 1);   /* the restart's own frame, then this commit's */
    TT_EQ_INT(tds_logstore_last_index(s, &v, &e), 0);
    tds_logstore_close(s);
    TT_EQ_INT(tds_logstore_open(sub, &s, &e), 0);
    {
        uint64_t w = 0;
        TT_EQ_INT(tds_logstore_last_index(s, &w, &e), 0);
        TT_EQ_INT(w, v);
    }
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

/* ---- migration 2: the tree -------------------------------------------- */

#define TREE_N 300

static void body_of(uint64_t i, char *buf, size_t cap) { snprintf(buf, cap, "entry-%llu-%llx", (unsigned long long)i, (unsigned long long)(i * 2654435761u)); }

/* Roots of every size and a sample of proofs from the SQL store equal the
 * in-memory store's. */
static void check_tree_against_mem(tds_logstore *s, uint64_t n)
{
    td_merkle_mem m;
    td_merkle_store ms, ss = tds_logstore_merkle(s);
    td_error e = {0};
    unsigned char a[32], b[32], p1[TD_MERKLE_PROOF_BYTES], p2[TD_MERKLE_PROOF_BYTES];
    size_t n1, n2;
    uint64_t leaves = 0;
    int bad = 0;
    td_merkle_mem_init(&m);
    ms = td_merkle_mem_store(&m);
    for (uint64_t i = 1; i <= n; i++) {
        char buf[64];
        unsigned char leaf[32];
        body_of(i, buf, sizeof buf);
        td_merkle_leaf_hash(buf, strlen(buf), leaf);
        TT_EQ_INT(td_merkle_append(&ms, i - 1, leaf, NULL, &e), 0);
    }
    TT_EQ_INT(tds_logstore_tree_size(s, &leaves, &e), 0);
    TT_EQ_INT(leaves, n);
    for (uint64_t k = 0; k <= n; k++) {
        if (td_merkle_root(&ss, k, a, &e) || td_merkle_root(&ms, k, b, &e) || memcmp(a, b, 32)) bad++;
        if (k >= 1 && k % 7 == 1) {
            uint64_t j = (k * 31) % k;
            if (td_merkle_inclusion_proof(&ss, j, k, p1, &n1, &e) || td_merkle_inclusion_proof(&ms, j, k, p2, &n2, &e) ||
                n1 != n2 || memcmp(p1, p2, n1 * 32))
                bad++;
            if (td_merkle_consistency_proof(&ss, k, n, p1, &n1, &e) ||
                td_merkle_consistency_proof(&ms, k, n, p2, &n2, &e) || n1 != n2 || memcmp(p1, p2, n1 * 32))
                bad++;
        }
    }
    TT_EQ_INT(bad, 0);
    /* one leaf past the end is not there */
    TT_EQ_INT(td_merkle_root(&ss, n + 1, a, &e), TD_ENOTFOUND);
    td_merkle_mem_free(&m);
}

static void test_tree_store(void)
{
    char d2[400];
    tds_logstore *s;
    td_error e = {0};
    td_merkle_store ss;
    unsigned char h[32], h2[32];
    uint64_t reads;
    snprintf(d2, sizeof d2, "%s/tree", dir);
    TT_EQ_INT(tds_logstore_open(d2, &s, &e), 0);
    check_tree_against_mem(s, 0);
    reads = tds_logstore_tree_reads(s);
    /* rows inserted one by one, in batches: each insert appends its leaf,
     * reading the left siblings it completes from memory, not the table */
    for (uint64_t i = 1; i <= TREE_N;) {
        TT_EQ_INT(tds_logstore_begin(s, &e), 0);
        for (uint64_t k = 0; k < 1 + i % 5 && i <= TREE_N; k++, i++) {
            char buf[64];
            tds_logrow r;
            body_of(i, buf, sizeof buf);
            r = row((unsigned char)(1 + i % 3), i, 5, "so-x", 0, buf);
            TT_EQ_INT(tds_logstore_insert(s, &r, &e), 0);
            TT_EQ_INT(r.idx, i);
        }
        TT_EQ_INT(tds_logstore_commit(s, &e), 0);
    }
    TT_EQ_INT(tds_logstore_tree_reads(s), reads);
    check_tree_against_mem(s, TREE_N);
    /* a rolled-back insert leaves neither the row nor its leaf */
    {
        tds_logrow r = row(9, 1, 5, "so-x", 0, "rolled back");
        uint64_t leaves = 0;
        TT_EQ_INT(tds_logstore_begin(s, &e), 0);
        TT_EQ_INT(tds_logstore_insert(s, &r, &e), 0);
        tds_logstore_rollback(s);
        TT_EQ_INT(tds_logstore_tree_size(s, &leaves, &e), 0);
        TT_EQ_INT(leaves, TREE_N);
        /* nor a remembered frontier node: the leaf is not there to read */
        ss = tds_logstore_merkle(s);
        TT_EQ_INT(ss.get(ss.arg, 0, TREE_N, h), TD_ENOTFOUND);
    }
    /* put: the same hash again is a no-op, another is refused */
    ss = tds_logstore_merkle(s);
    TT_EQ_INT(ss.get(ss.arg, 0, 5, h), 0);
    TT_EQ_INT(ss.put(ss.arg, 0, 5, h), 0);
    memcpy(h2, h, 32);
    h2[0] ^= 1;
    TT_EQ_INT(ss.put(ss.arg, 0, 5, h2), TD_EEXISTS);
    TT_EQ_INT(ss.get(ss.arg, 0, TREE_N, h), TD_ENOTFOUND);
    TT_EQ_INT(ss.get(ss.arg, 8, 0, h), 0);           /* the complete subtree of leaves 0..255 */
    TT_EQ_INT(ss.get(ss.arg, 8, 1, h), TD_ENOTFOUND); /* 256..511 is not complete */
    tds_logstore_close(s);
    /* reopen: the same tree */
    TT_EQ_INT(tds_logstore_open(d2, &s, &e), 0);
    check_tree_against_mem(s, TREE_N);
    tds_logstore_close(s);
}

static int exec_fails_with(sqlite3 *db, const char *sql, const char *want)
{
    char *msg = NULL;
    int ok = sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK && msg && strstr(msg, want);
    if (!ok) fprintf(stderr, "  %s: %s\n", sql, msg ? msg : "(succeeded)");
    sqlite3_free(msg);
    return ok;
}

static void test_audit_tables_append_only(void)
{
    char d2[400], path[450];
    tds_logstore *s;
    td_error e = {0};
    sqlite3 *db;
    unsigned char root[32] = {7};
    tds_checkpoint_row c;
    int found = 0, ins = 0;
    snprintf(d2, sizeof d2, "%s/tree", dir);
    TT_EQ_INT(tds_logstore_open(d2, &s, &e), 0);
    /* checkpoints: sizes only grow */
    TT_EQ_INT(tds_logstore_checkpoint_put(s, 10, root, "note 10\n", 8, 1, &e), 0);
    TT_EQ_INT(tds_logstore_checkpoint_put(s, 20, root, "note 20\n", 8, 2, &e), 0);
    TT_CHECK(tds_logstore_checkpoint_put(s, 15, root, "note 15\n", 8, 3, &e) != 0);
    TT_CHECK(strstr(e.msg, "ràng buộc") != NULL);
    TT_CHECK(tds_logstore_checkpoint_put(s, 20, root, "again\n", 6, 3, &e) != 0);
    TT_EQ_INT(tds_logstore_checkpoint_latest(s, &found, &c, &e), 0);
    TT_CHECK(found && c.size == 20 && !strcmp(c.note, "note 20\n") && c.signed_ms == 2);
    tds_checkpoint_row_free(&c);
    TT_EQ_INT(tds_logstore_checkpoint_get(s, 10, &found, &c, &e), 0);
    TT_CHECK(found && c.size == 10 && !memcmp(c.root, root, 32));
    tds_checkpoint_row_free(&c);
    TT_EQ_INT(tds_logstore_checkpoint_get(s, 11, &found, &c, &e), 0);
    TT_EQ_INT(found, 0);
    /* cosignatures: the first line of a witness (name, agency, key) on a size is kept */
    TT_EQ_INT(tds_logstore_cosig_put(s, 10, "w1", WK, "a", "— w1 AAA\n", 5, &ins, &e), 0);
    TT_EQ_INT(ins, 1);
    TT_EQ_INT(tds_logstore_cosig_put(s, 10, "w1", WK, "a", "— w1 BBB\n", 6, &ins, &e), 0);
    TT_EQ_INT(ins, 0);
    TT_EQ_INT(tds_logstore_cosig_put(s, 20, "w2", WK, "a", "— w2 CCC\n", 7, &ins, &e), 0);
    tds_logstore_close(s);
    snprintf(path, sizeof path, "%s/server.db", d2);
    TT_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    TT_CHECK(exec_fails_with(db, "UPDATE tree SET hash = zeroblob(32) WHERE level = 0 AND idx = 3", "tree is append-only"));
    TT_CHECK(exec_fails_with(db, "DELETE FROM tree WHERE level = 0 AND idx = 299", "tree is append-only"));
    TT_CHECK(exec_fails_with(db, "UPDATE checkpoint SET note = 'x' WHERE size = 20", "checkpoint is append-only"));
    TT_CHECK(exec_fails_with(db, "DELETE FROM checkpoint", "checkpoint is append-only"));
    TT_CHECK(exec_fails_with(db, "INSERT INTO checkpoint VALUES (5, zeroblob(32), 'old', 0)", "must grow"));
    TT_CHECK(exec_fails_with(db, "UPDATE cosig SET line = 'x'", "cosig is append-only"));
    TT_CHECK(exec_fails_with(db, "DELETE FROM cosig WHERE size = 10", "cosig is append-only"));
    sqlite3_close(db);
    TT_EQ_INT(tds_logstore_open(d2, &s, &e), 0);
    TT_EQ_INT(tds_logstore_cosig_put(s, 10, "w1", WK, "a", "— w1 DDD\n", 8, &ins, &e), 0);
    TT_EQ_INT(ins, 0);
    check_tree_against_mem(s, TREE_N);
    tds_logstore_close(s);
}

/* common/logread on a copy of server.db, read-only: what the store wrote, in order. */
typedef struct seen_ro {
    char text[256];
} seen_ro;

static int ro_cp(void *arg, const td_logread_cp *c)
{
    seen_ro *o = arg;
    size_t k = strlen(o->text);
    snprintf(o->text + k, sizeof o->text - k, "[%llu %d %s]", (unsigned long long)c->size, c->has_root, c->note);
    return 0;
}

static int ro_cosig(void *arg, const td_logread_cosig *c)
{
    seen_ro *o = arg;
    size_t k = strlen(o->text);
    snprintf(o->text + k, sizeof o->text - k, "[%llu %s %s]", (unsigned long long)c->size, c->witness, c->line);
    return 0;
}

static int ro_row(void *arg, const td_logread_row *r)
{
    seen_ro *o = arg;
    size_t k = strlen(o->text);
    snprintf(o->text + k, sizeof o->text - k, "%llu:%llu,", (unsigned long long)r->idx, (unsigned long long)r->seq);
    return r->idx >= 3;   /* the callback stops the scan */
}

static void test_logread_readonly(void)
{
    char d2[400], path[450], wal[460];
    td_logread *r;
    td_error e = {0};
    seen_ro o = {""};
    struct stat sb;
    snprintf(d2, sizeof d2, "%s/tree", dir);
    snprintf(path, sizeof path, "%s/server.db", d2);
    snprintf(wal, sizeof wal, "%s-wal", path);
    TT_EQ_INT(td_logread_open(path, &r, &e), 0);
    TT_EQ_INT(td_logread_checkpoints(r, ro_cp, &o, &e), 0);
    TT_EQ_STR(o.text, "[10 1 note 10\n][20 1 note 20\n]");
    o.text[0] = 0;
    TT_EQ_INT(td_logread_cosigs_all(r, ro_cosig, &o, &e), 0);
    /* witnesses are (name, agency, key): the stored id carries all three */
    TT_EQ_STR(o.text, "[10 w1 a 0700000000000000000000000000000000000000000000000000000000000000 — w1 AAA\n][20 w2 a 0700000000000000000000000000000000000000000000000000000000000000 — w2 CCC\n]");
    o.text[0] = 0;
    TT_EQ_INT(td_logread_scan(r, 2, 0, 0, ro_row, &o, &e), 1);
    TT_EQ_STR(o.text, "2:2,3:3,");
    TT_CHECK(td_logread_has_table(r, "cosig") && !td_logread_has_table(r, "no_such"));
    td_logread_close(r);
    /* nothing written beside the file (immutable: no -wal made) */
    TT_CHECK(stat(wal, &sb) != 0 || sb.st_size == 0);
    TT_CHECK(td_logread_open("/proc/td-no/server.db", &r, &e) != 0 && r == NULL);
}

typedef struct wit {
    int n;
    uint64_t size[4];
    char name[4][16];
    int keyed;                    /* rows with their key and agency */
} wit;

static int wit_cb(void *arg, const tds_cosig_row *r)
{
    wit *w = arg;
    if (w->n < 4) {
        w->size[w->n] = r->size;
        snprintf(w->name[w->n], sizeof w->name[0], "%s", r->witness);
    }
    if (r->key && r->key[0] == 7 && r->agency && !strcmp(r->agency, "a")) w->keyed++;
    w->n++;
    return 0;
}

static void test_witnesses(void)
{
    char d2[400];
    tds_logstore *s;
    td_error e = {0};
    wit w;
    snprintf(d2, sizeof d2, "%s/tree", dir);
    TT_EQ_INT(tds_logstore_open(d2, &s, &e), 0);
    memset(&w, 0, sizeof w);
    TT_EQ_INT(tds_logstore_witnesses(s, wit_cb, &w, &e), 0);
    TT_EQ_INT(w.n, 2);
    /* a witness is "<name> <agency> <key hex>" (migration 5) */
    TT_CHECK(w.size[0] == 20 && !strncmp(w.name[0], "w2 a 0700", 9));
    TT_CHECK(w.size[1] == 10 && !strncmp(w.name[1], "w1 a 0700", 9));
    TT_EQ_INT(w.keyed, 2);
    memset(&w, 0, sizeof w);
    TT_EQ_INT(tds_logstore_cosigs(s, 10, wit_cb, &w, &e), 0);
    TT_EQ_INT(w.n, 1);
    tds_logstore_close(s);
}

/* The schema of version 1, as the previous program created it. */
static const char v1_schema[] =
    "CREATE TABLE log(idx INTEGER PRIMARY KEY, author BLOB NOT NULL, seq INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL, agency TEXT NOT NULL, task INTEGER NOT NULL DEFAULT 0, body BLOB NOT NULL,"
    "  received_ms INTEGER NOT NULL, UNIQUE(author, seq));"
    "CREATE INDEX log_kind ON log(kind, idx) WHERE kind IN (1, 2);"
    "CREATE TRIGGER log_no_update BEFORE UPDATE ON log BEGIN SELECT RAISE(ABORT, 'log is append-only'); END;"
    "CREATE TRIGGER log_no_delete BEFORE DELETE ON log BEGIN SELECT RAISE(ABORT, 'log is append-only'); END;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "PRAGMA user_version = 1;";

static void test_migrate_v1_with_entries(void)
{
    char d2[400], path[450];
    tds_logstore *s;
    td_error e = {0};
    sqlite3 *db;
    sqlite3_stmt *st;
    snprintf(d2, sizeof d2, "%s/v1", dir);
    mkdir(d2, 0700);
    snprintf(path, sizeof path, "%s/server.db", d2);
    TT_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    TT_EQ_INT(sqlite3_exec(db, v1_schema, NULL, NULL, NULL), SQLITE_OK);
    TT_EQ_INT(sqlite3_prepare_v2(db, "INSERT INTO log(author, seq, kind, agency, body, received_ms) "
                                     "VALUES (randomblob(32), ?1, 5, 'so-x', ?2, 0)", -1, &st, NULL), SQLITE_OK);
    for (int i = 1; i <= 137; i++) {
        char buf[64];
        body_of((uint64_t)i, buf, sizeof buf);
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_blob(st, 2, buf, (int)strlen(buf), SQLITE_TRANSIENT);
        TT_EQ_INT(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    TT_EQ_INT(tds_logstore_open(d2, &s, &e), 0);
    check_tree_against_mem(s, 137);
    /* and the next insert continues the tree */
    {
        char buf[64];
        tds_logrow r;
        body_of(138, buf, sizeof buf);
        r = row(3, 1, 5, "so-x", 0, buf);
        TT_EQ_INT(tds_logstore_append(s, &r, 1, &e), 0);
        TT_EQ_INT(r.idx, 138);
    }
    check_tree_against_mem(s, 138);
    tds_logstore_close(s);
}

int main(void)
{
    char cmd[300];
    int rc;
    if (!mkdtemp(dir)) return 1;
    TT_RUN(test_append_lookup_scan);
    TT_RUN(test_triggers_refuse_update_delete);
    TT_RUN(test_reopen);
    TT_RUN(test_wal_restart_off_writer);
    TT_RUN(test_migrate_empty_file_and_future_schema);
    TT_RUN(test_tree_store);
    TT_RUN(test_audit_tables_append_only);
    TT_RUN(test_logread_readonly);
    TT_RUN(test_witnesses);
    TT_RUN(test_migrate_v1_with_entries);
    rc = tt_report();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return rc;
}

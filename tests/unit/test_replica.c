/*
 * test_replica.c — the office replica (client/replica.h): schema migration
 * from an empty file, outbox allocation (seq without gaps, hlc monotonic
 * when the wall clock goes back, floor seq), ack recording in one
 * transaction, pulled batch + cursor atomicity (a failure mid-batch rolls
 * back entries and cursor), reopen after close, two processes' handles,
 * and the derived state: rebuilt at open equals folded incrementally.
 */
#include <openssl/pem.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "derive.h"
#include "entry.h"
#include "replica.h"
#include "trep.h"
#include "tt.h"


static int64_t db_int(const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_open(dbpath, &db) != SQLITE_OK) return -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

static int db_exec(const char *sql)
{
    sqlite3 *db;
    int rc;
    if (sqlite3_open(dbpath, &db) != SQLITE_OK) return -1;
    rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* A serialized SignedEntry signed by a fresh raw key (any author). */
static uint8_t *other_entry(uint64_t seq, uint64_t hlc, size_t *len)
{
    static unsigned char pk[32], sk[64];
    static int have;
    td_entry_fields f;
    uint8_t *out = NULL;
    const uint8_t payload[] = {0x08, 0x01};
    if (!have) {
        crypto_sign_keypair(pk, sk);
        have = 1;
    }
    memset(&f, 0, sizeof f);
    f.kind = TIENDO__ENTRY_KIND__ENTRY_REPORT;
    f.seq = seq;
    f.hlc = hlc;
    f.device_time_ms = td_hlc_ms(hlc);
    f.agency = "ubnd-gia-loc";
    f.payload = payload;
    f.payload_len = sizeof payload;
    if (td_entry_sign_raw(pk, sk, &f, &out, len, NULL)) return NULL;
    return out;
}

static void test_migrate_empty(void)
{
    tdc_replica *r;
    tdc_replica_meta m;
    td_error e;
    FILE *f;
    fresh_db();
    /* An existing zero-byte file (touched by someone) is an empty database. */
    f = fopen(dbpath, "w");
    fclose(f);
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    TT_CHECK(tdc_replica_state(r) == NULL);
    TT_EQ_INT(tdc_replica_cursor(r), TDC_REPLICA_CURSOR_START);
    TT_EQ_INT(tdc_replica_meta_get(r, &m, &e), 0);
    TT_EQ_INT(m.last_sync_ms, 0);
    TT_EQ_INT(m.n_pulled, 0);
    TT_EQ_INT(m.n_pending, 0);
    tdc_replica_close(r);
    TT_EQ_INT(db_int("PRAGMA user_version"), 5);
    TT_EQ_INT(db_int("SELECT COUNT(*) FROM meta"), 5);
    TT_EQ_INT(db_int("PRAGMA journal_mode = WAL") >= 0, 1);
    /* Opening again does not migrate twice. */
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    tdc_replica_close(r);
    TT_EQ_INT(db_int("SELECT COUNT(*) FROM meta"), 5);
    /* A database from a newer version is refused, not damaged. */
    TT_EQ_INT(db_exec("PRAGMA user_version = 99"), SQLITE_OK);
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), TD_EDB);
    TT_CHECK(strstr(e.msg, "mới hơn") != NULL);
    TT_EQ_INT(db_int("PRAGMA user_version"), 99);
    /* Not a database at all. */
    fresh_db();
    f = fopen(dbpath, "w");
    fputs("this is not sqlite, just a text file that is long enough to have a header......", f);
    fclose(f);
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), TD_EDB);
    TT_CHECK(strstr(e.msg, dbpath) != NULL);
}

static void test_outbox_alloc(void)
{
    tdc_replica *r;
    td_error e;
    uint64_t seq, last_hlc = 0;
    /* Wall clock: forward, then back by an hour, then equal. */
    const int64_t clocks[] = {1748736000000, 1748736001000, 1748732400000, 1748732400000, 1748736001000};
    tdc_outbox_item *v;
    size_t n;
    fresh_db();
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    for (size_t i = 0; i < 5; i++) {
        const uint8_t payload[] = {0x08, (uint8_t)(i + 1)};
        char summary[32];
        snprintf(summary, sizeof summary, "mục %zu", i + 1);
        TT_EQ_INT(tdc_replica_outbox_add(r, &me, TIENDO__ENTRY_KIND__ENTRY_REPORT, payload, sizeof payload, summary,
                                         clocks[i], 0, &seq, &e), 0);
        TT_EQ_INT(seq, i + 1);
    }
    TT_EQ_INT(tdc_replica_outbox_pending(r, 0, 0, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 5);
    for (size_t i = 0; i < n; i++) {
        td_entry en;
        TT_EQ_INT(v[i].seq, i + 1);
        TT_EQ_INT(v[i].status, TDC_OUT_PENDING);
        TT_EQ_INT(td_entry_decode(v[i].body, v[i].len, &en, &e), 0);
        TT_EQ_INT(td_entry_verify(&en, &e), 0);
        TT_EQ_INT(en.e->seq, i + 1);
        TT_EQ_INT(en.e->device_time_ms, clocks[i]);
        TT_EQ_STR(en.e->agency, "ubnd-chi-linh");
        TT_CHECK(!memcmp(en.e->author.data, me.pk, 32));
        TT_CHECK(en.e->hlc > last_hlc);   /* strictly increasing, clock going back or not */
        last_hlc = en.e->hlc;
        td_entry_free(&en);
    }
    TT_EQ_STR(v[2].summary, "mục 3");
    tdc_outbox_items_free(v, n);

    /* A recreated replica must not reuse numbers the log already has. */
    TT_EQ_INT(tdc_replica_outbox_add(r, &me, TIENDO__ENTRY_KIND__ENTRY_REPORT, (const uint8_t *)"", 0, NULL,
                                     clocks[0], 41, &seq, &e), 0);
    TT_EQ_INT(seq, 42);
    TT_EQ_INT(tdc_replica_outbox_add(r, &me, TIENDO__ENTRY_KIND__ENTRY_REPORT, (const uint8_t *)"", 0, NULL,
                                     clocks[0], 3, &seq, &e), 0);
    TT_EQ_INT(seq, 43);
    tdc_replica_close(r);

    /* Reopen: the next seq continues, the clock does not go back (the
     * wall clock back by an hour: within TD_HLC_MAX_SKEW_MS). */
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    TT_EQ_INT(tdc_replica_outbox_add(r, &me, TIENDO__ENTRY_KIND__ENTRY_INDICATOR, (const uint8_t *)"", 0, NULL,
                                     clocks[2], 0, &seq, &e), 0);
    TT_EQ_INT(seq, 44);
    TT_EQ_INT(tdc_replica_outbox_list(r, TDC_OUT_PENDING, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 8);
    if (n == 8) {
        TT_EQ_INT(v[7].kind, TIENDO__ENTRY_KIND__ENTRY_INDICATOR);
        TT_CHECK(v[7].body == NULL);   /* listed without bodies */
    }
    tdc_outbox_items_free(v, n);
    TT_CHECK((uint64_t)db_int("SELECT value FROM meta WHERE key = 'hlc'") > last_hlc);
    tdc_replica_close(r);
}

static void test_pending_bounds(void)
{
    tdc_replica *r;
    td_error e;
    tdc_outbox_item *v;
    size_t n, one;
    fresh_db();
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    for (int i = 0; i < 7; i++)
        TT_EQ_INT(tdc_replica_outbox_add(r, &me, TIENDO__ENTRY_KIND__ENTRY_REPORT, (const uint8_t *)"abcdef", 6,
                                         NULL, 1748736000000 + i, 0, NULL, &e), 0);
    TT_EQ_INT(tdc_replica_outbox_pending(r, 0, 3, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 3);
    one = n ? v[0].len : 0;
    tdc_outbox_items_free(v, n);
    TT_EQ_INT(tdc_replica_outbox_pending(r, 3, 3, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 3);
    if (n) TT_EQ_INT(v[0].seq, 4);
    tdc_outbox_items_free(v, n);
    /* Byte bound: two and a half entries' worth gives two. */
    TT_EQ_INT(tdc_replica_outbox_pending(r, 0, 100, one * 2 + one / 2, &v, &n, &e), 0);
    TT_EQ_INT(n, 2);
    tdc_outbox_items_free(v, n);
    /* A bound smaller than one entry still yields one: never stuck. */
    TT_EQ_INT(tdc_replica_outbox_pending(r, 0, 100, 1, &v, &n, &e), 0);
    TT_EQ_INT(n, 1);
    tdc_outbox_items_free(v, n);
    tdc_replica_close(r);
}

static void test_acks(void)
{
    tdc_replica *r;
    td_error e;
    tdc_outbox_item *v;
    size_t n;
    tdc_replica_meta m;
    tdc_ack a[3] = {{1, TDC_OUT_STORED, 10, NULL}, {2, TDC_OUT_DUPLICATE, 11, NULL},
                    {3, TDC_OUT_REFUSED, 0, "sequence gap: expected 2"}};
    tdc_ack bad[2] = {{4, TDC_OUT_STORED, 12, NULL}, {99, TDC_OUT_STORED, 13, NULL}};
    fresh_db();
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    for (int i = 0; i < 5; i++)
        TT_EQ_INT(tdc_replica_outbox_add(r, &me, TIENDO__ENTRY_KIND__ENTRY_REPORT, (const uint8_t *)"x", 1, NULL,
                                         1748736000000 + i, 0, NULL, &e), 0);
    TT_EQ_INT(tdc_replica_outbox_ack(r, a, 3, &e), 0);
    /* An ack for an unknown seq fails the whole set: seq 4 stays pending. */
    TT_EQ_INT(tdc_replica_outbox_ack(r, bad, 2, &e), TD_EPROTO);
    TT_CHECK(strstr(e.msg, "99") != NULL);
    tdc_replica_close(r);

    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    TT_EQ_INT(tdc_replica_meta_get(r, &m, &e), 0);
    TT_EQ_INT(m.n_pending, 2);
    TT_EQ_INT(m.n_stored, 1);
    TT_EQ_INT(m.n_duplicate, 1);
    TT_EQ_INT(m.n_refused, 1);
    TT_EQ_INT(tdc_replica_outbox_list(r, TDC_OUT_REFUSED, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 1);
    if (n) {
        TT_EQ_INT(v[0].seq, 3);
        TT_EQ_STR(v[0].reason, "sequence gap: expected 2");
    }
    tdc_outbox_items_free(v, n);
    TT_EQ_INT(tdc_replica_outbox_pending(r, 0, 0, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 2);
    if (n == 2) {
        TT_EQ_INT(v[0].seq, 4);
        TT_EQ_INT(v[1].seq, 5);
    }
    tdc_outbox_items_free(v, n);
    TT_EQ_INT(tdc_replica_outbox_list(r, -1, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 5);
    if (n == 5) {
        TT_EQ_INT(v[0].index, 10);
        TT_EQ_INT(v[1].index, 11);
        TT_EQ_INT(v[1].status, TDC_OUT_DUPLICATE);
    }
    tdc_outbox_items_free(v, n);
    TT_EQ_INT(db_int("SELECT COUNT(*) FROM outbox WHERE status = 'stored' AND idx = 12"), 0);
    tdc_replica_close(r);
}

static void test_pull_atomic(void)
{
    tdc_replica *r, *r2;
    td_error e;
    tdc_pulled b[3];
    uint8_t *bufs[8];
    size_t lens[8];
    uint64_t far_hlc = ((uint64_t)4102444800000 << 16) | 7;   /* year 2100: a device with a wild clock */
    uint64_t seq;
    tdc_outbox_item *v;
    size_t n;
    fresh_db();
    for (int i = 0; i < 7; i++) bufs[i] = other_entry((uint64_t)i + 1, ((uint64_t)1748736000000 + i) << 16, &lens[i]);
    bufs[7] = other_entry(8, far_hlc, &lens[7]);
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    /* Batch 1: indexes 1, 2, 4 (an office's slice skips), cursor -> 5. */
    b[0] = (tdc_pulled){1, bufs[0], lens[0], 1000};
    b[1] = (tdc_pulled){2, bufs[1], lens[1], 1001};
    b[2] = (tdc_pulled){4, bufs[2], lens[2], 1002};
    TT_EQ_INT(tdc_replica_store_batch(r, b, 3, 5, &e), 0);
    TT_EQ_INT(tdc_replica_cursor(r), 5);

    /* Out-of-order input is refused before touching the database. */
    b[0] = (tdc_pulled){3, bufs[3], lens[3], 1003};
    TT_EQ_INT(tdc_replica_store_batch(r, b, 1, 6, &e), TD_EPROTO);
    b[0] = (tdc_pulled){6, bufs[3], lens[3], 1003};
    b[1] = (tdc_pulled){6, bufs[4], lens[4], 1004};
    TT_EQ_INT(tdc_replica_store_batch(r, b, 2, 7, &e), TD_EPROTO);
    TT_EQ_INT(tdc_replica_store_batch(r, NULL, 0, 4, &e), TD_EPROTO);   /* cursor back */

    /* A failure in the middle of the transaction: index 7 is already in
     * the table (planted behind the replica's back), so the batch 6, 7, 8
     * fails at its second insert.  6 must not stay, the cursor must not
     * move, the clock must not observe entry 8's wild hlc. */
    TT_EQ_INT(db_exec("INSERT INTO pulled(idx, body, received_ms) VALUES (7, x'00', 0)"), SQLITE_OK);
    b[0] = (tdc_pulled){6, bufs[3], lens[3], 1003};
    b[1] = (tdc_pulled){7, bufs[4], lens[4], 1004};
    b[2] = (tdc_pulled){8, bufs[7], lens[7], 1005};
    TT_EQ_INT(tdc_replica_store_batch(r, b, 3, 9, &e), TD_EDB);
    TT_CHECK(strstr(e.msg, "ràng buộc") != NULL);
    TT_EQ_INT(tdc_replica_cursor(r), 5);
    TT_EQ_INT(db_int("SELECT value FROM meta WHERE key = 'cursor'"), 5);
    TT_EQ_INT(db_int("SELECT COUNT(*) FROM pulled WHERE idx = 6 OR idx = 8"), 0);
    TT_CHECK((uint64_t)db_int("SELECT value FROM meta WHERE key = 'hlc'") < far_hlc);
    TT_EQ_INT(db_exec("DELETE FROM pulled WHERE idx = 7"), SQLITE_OK);

    /* Resume: the same batch now goes in whole. */
    TT_EQ_INT(tdc_replica_store_batch(r, b, 3, 9, &e), 0);
    TT_EQ_INT(tdc_replica_cursor(r), 9);
    TT_EQ_INT(db_int("SELECT COUNT(*) FROM pulled"), 6);
    /* Entry 8's clock (year 2100) is beyond the bound (entry.h
     * TD_HLC_MAX_SKEW_MS): not adopted, our next entry keeps our 2025 clock
     * (and a replica without the fold observes nothing). */
    TT_EQ_INT(tdc_replica_outbox_add(r, &me, TIENDO__ENTRY_KIND__ENTRY_REPORT, (const uint8_t *)"x", 1, NULL,
                                     1748736000000, 0, &seq, &e), 0);
    TT_EQ_INT(tdc_replica_outbox_pending(r, 0, 0, 0, &v, &n, &e), 0);
    if (n == 1) {
        td_entry en;
        TT_EQ_INT(td_entry_decode(v[0].body, v[0].len, &en, &e), 0);
        TT_CHECK(en.e->hlc < far_hlc && td_hlc_ms(en.e->hlc) == 1748736000000);
        td_entry_free(&en);
    }
    tdc_outbox_items_free(v, n);

    /* An empty final batch moves the cursor only. */
    TT_EQ_INT(tdc_replica_store_batch(r, NULL, 0, 12, &e), 0);
    TT_EQ_INT(tdc_replica_cursor(r), 12);

    /* A second handle (another process) with a stale cursor cannot
     * commit over what the first committed. */
    TT_EQ_INT(tdc_replica_open(&r2, dbpath, NULL, &e), 0);
    b[0] = (tdc_pulled){12, bufs[5], lens[5], 1006};
    TT_EQ_INT(tdc_replica_store_batch(r, b, 1, 13, &e), 0);
    b[0] = (tdc_pulled){12, bufs[6], lens[6], 1007};
    TT_EQ_INT(tdc_replica_store_batch(r2, b, 1, 13, &e), TD_EBUSY);
    TT_EQ_INT(db_int("SELECT received_ms FROM pulled WHERE idx = 12"), 1006);
    tdc_replica_close(r2);
    tdc_replica_close(r);

    /* Reopen: everything committed is there. */
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    TT_EQ_INT(tdc_replica_cursor(r), 13);
    tdc_replica_close(r);
    TT_EQ_INT(db_int("SELECT COUNT(*) FROM pulled"), 7);
    for (int i = 0; i < 8; i++) free(bufs[i]);
}

/* The state folded batch by batch equals the state rebuilt at open. */
static void test_state_rebuild(void)
{
    X509 *ca;
    FILE *f = fopen(pki.ca, "r");
    tdc_replica *r;
    td_error e;
    unsigned char d1[32], d2[32], d0[32];
    uint8_t *bufs[4];
    size_t lens[4], nref;
    tdc_pulled b[4];
    ca = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    TT_CHECK(ca != NULL);
    fresh_db();
    TT_EQ_INT(tdc_replica_open(&r, dbpath, ca, &e), 0);
    TT_CHECK(tdc_replica_state(r) != NULL);
    td_state_digest(tdc_replica_state(r), d0);
    for (int i = 0; i < 4; i++) {
        bufs[i] = other_entry((uint64_t)i + 1, ((uint64_t)1748736000000 + i) << 16, &lens[i]);
        b[i] = (tdc_pulled){(uint64_t)(i * 2 + 1), bufs[i], lens[i], 2000 + i};
    }
    /* The last one is garbage: stored, and refused by the fold. */
    b[3].body = (const uint8_t *)"\xff\xff\xff";
    b[3].len = 3;
    TT_EQ_INT(tdc_replica_store_batch(r, b, 2, 4, &e), 0);
    TT_EQ_INT(tdc_replica_store_batch(r, b + 2, 2, 9, &e), 0);
    TT_EQ_INT(td_state_last_index(tdc_replica_state(r)), 7);
    TT_EQ_INT(td_state_count(tdc_replica_state(r)), 4);
    /* No certificate entry for the author: every entry is refused, none lost. */
    td_state_refusals(tdc_replica_state(r), &nref);
    TT_EQ_INT(nref, 4);
    td_state_digest(tdc_replica_state(r), d1);
    TT_CHECK(memcmp(d0, d1, 32) != 0);
    tdc_replica_close(r);
    TT_EQ_INT(tdc_replica_open(&r, dbpath, ca, &e), 0);
    td_state_digest(tdc_replica_state(r), d2);
    TT_CHECK(memcmp(d1, d2, 32) == 0);
    TT_EQ_INT(td_state_last_index(tdc_replica_state(r)), 7);
    tdc_replica_close(r);
    for (int i = 0; i < 4; i++) free(bufs[i]);
    X509_free(ca);
}

/* A schema-1 replica (before the audit tables) migrates to 2 keeping its
 * rows; the new tables hold checkpoints and alarms; alarm evidence cannot
 * be deleted and an acknowledgement only marks it. */
static void test_audit_tables(void)
{
    tdc_replica *r;
    tdc_checkpoint_row row;
    tdc_alarm al, *v;
    size_t n;
    int found;
    int64_t id = 0, id2 = 0;
    uint64_t cnt, cs;
    unsigned char root[TDC_ROOT_LEN];
    td_error e;

    fresh_db();
    /* Schema 1, written as the previous version did. */
    TT_EQ_INT(db_exec("CREATE TABLE pulled(idx INTEGER PRIMARY KEY, body BLOB NOT NULL, received_ms INTEGER NOT NULL);"
                      "CREATE TABLE outbox(seq INTEGER PRIMARY KEY, kind INTEGER NOT NULL, body BLOB NOT NULL,"
                      " created_ms INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending'"
                      " CHECK (status IN ('pending','stored','duplicate','refused')), idx INTEGER, reason TEXT,"
                      " summary TEXT NOT NULL DEFAULT '');"
                      "CREATE INDEX outbox_by_status ON outbox(status, seq);"
                      "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
                      "INSERT INTO meta(key, value) VALUES ('cursor', 7), ('hlc', 0), ('last_sync_ms', 42),"
                      " ('log_size', 6);"
                      "PRAGMA user_version = 1;"),
              SQLITE_OK);
    TT_EQ_INT(tdc_replica_open(&r, dbpath, NULL, &e), 0);
    TT_EQ_INT(tdc_replica_cursor(r), 7);
    TT_EQ_INT(db_int("PRAGMA user_version"), 5);
    TT_EQ_INT(tdc_replica_checkpoint_get(r, 0, &row, &found, &e), 0);
    TT_EQ_INT(found, 0);
    TT_EQ_INT(tdc_replica_cosigned_get(r, &cs, &e), 0);
    TT_EQ_INT(cs, 0);

    memset(root, 0xab, sizeof root);
    TT_EQ_INT(tdc_replica_checkpoint_put(r, 5, root, "note five\n", 1000, &e), 0);
    root[0] = 1;
    TT_EQ_INT(tdc_replica_checkpoint_put(r, 9, root, "note nine\n", 2000, &e), 0);
    /* The same size again keeps the first row. */
    TT_EQ_INT(tdc_replica_checkpoint_put(r, 9, root, "other\n", 3000, &e), 0);
    TT_EQ_INT(tdc_replica_checkpoint_count(r, &cnt, &e), 0);
    TT_EQ_INT(cnt, 2);
    TT_EQ_INT(tdc_replica_checkpoint_get(r, 0, &row, &found, &e), 0);
    TT_EQ_INT(found, 1);
    TT_EQ_INT(row.size, 9);
    TT_EQ_STR(row.note, "note nine\n");
    TT_EQ_INT(row.verified_ms, 2000);
    TT_EQ_INT(row.root[0], 1);
    tdc_checkpoint_row_free(&row);
    TT_EQ_INT(tdc_replica_checkpoint_get(r, 5, &row, &found, &e), 0);
    TT_EQ_INT(found, 1);
    TT_EQ_INT(row.root[0], 0xab);
    tdc_checkpoint_row_free(&row);
    TT_EQ_INT(tdc_replica_checkpoint_get(r, 6, &row, &found, &e), 0);
    TT_EQ_INT(found, 0);

    memset(&al, 0, sizeof al);
    al.at_ms = 5000;
    al.kind = TDC_ALARM_INCONSISTENT;
    al.old_note = "old\n";
    al.new_note = "new\n";
    al.proof = root;
    al.proof_len = sizeof root;
    al.detail = "proof fails";
    al.old_size = 9;
    al.new_size = 12;
    TT_EQ_INT(tdc_replica_alarm_add(r, &al, &id, &e), 0);
    TT_CHECK(id > 0);
    al.kind = TDC_ALARM_ROLLBACK;
    al.proof = NULL;
    al.proof_len = 0;
    TT_EQ_INT(tdc_replica_alarm_add(r, &al, &id2, &e), 0);
    TT_EQ_INT(tdc_replica_alarm_list(r, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 2);
    if (n == 2) {
        TT_EQ_STR(v[0].kind, "inconsistent");
        TT_EQ_STR(v[0].old_note, "old\n");
        TT_EQ_STR(v[0].new_note, "new\n");
        TT_EQ_INT(v[0].proof_len, 32);
        TT_EQ_INT(v[0].proof[0], 1);
        TT_EQ_INT(v[0].old_size, 9);
        TT_EQ_INT(v[0].new_size, 12);
        TT_EQ_INT(v[0].acked_ms, 0);
        TT_CHECK(v[1].proof == NULL);
    }
    tdc_alarms_free(v, n);
    TT_EQ_INT(tdc_replica_alarm_ack(r, id, 6000, "tt-01, thanh-tra", "đã kiểm tra với Sở KH&CN", &e), 0);
    TT_EQ_INT(tdc_replica_alarm_ack(r, id, 7000, "x", "again", &e), TD_ENOTFOUND);
    TT_EQ_INT(tdc_replica_alarm_ack(r, 999, 6000, "x", "none", &e), TD_ENOTFOUND);
    TT_EQ_INT(tdc_replica_alarm_list(r, 0, &v, &n, &e), 0);
    TT_EQ_INT(n, 1);
    if (n == 1) TT_EQ_INT(v[0].id, id2);
    tdc_alarms_free(v, n);
    TT_EQ_INT(tdc_replica_alarm_list(r, 1, &v, &n, &e), 0);
    TT_EQ_INT(n, 2);
    if (n == 2) {
        /* the first acknowledgement stays; the evidence is untouched */
        TT_EQ_INT(v[0].acked_ms, 6000);
        TT_EQ_STR(v[0].acked_by, "tt-01, thanh-tra");
        TT_EQ_STR(v[0].acked_note, "đã kiểm tra với Sở KH&CN");
        TT_EQ_STR(v[0].old_note, "old\n");
        TT_EQ_INT(v[0].proof_len, 32);
        TT_CHECK(v[1].acked_by == NULL && v[1].acked_note == NULL);
    }
    tdc_alarms_free(v, n);
    TT_EQ_INT(tdc_replica_cosigned_set(r, 9, &e), 0);
    TT_EQ_INT(tdc_replica_cosigned_get(r, &cs, &e), 0);
    TT_EQ_INT(cs, 9);
    tdc_replica_close(r);
    /* Evidence is kept: deleting an alarm is refused by the database. */
    TT_CHECK(db_exec("DELETE FROM alarm") != SQLITE_OK);
    TT_EQ_INT(db_int("SELECT COUNT(*) FROM alarm"), 2);
}

int main(void)
{
    if (tr_setup("/tmp/tdreplica-XXXXXX")) return 1;
    TT_RUN(test_migrate_empty);
    TT_RUN(test_outbox_alloc);
    TT_RUN(test_pending_bounds);
    TT_RUN(test_acks);
    TT_RUN(test_pull_atomic);
    TT_RUN(test_state_rebuild);
    TT_RUN(test_audit_tables);
    tr_teardown();
    return tt_report();
}

/*
 * logstore.h — the server's log in SQLite (DESIGN §4, §6, §7): the ONE place
 * the log table is read and written.  DATADIR/server.db, DATADIR mode 0700.
 *
 * The log is append-only: each row is one serialized SignedEntry with the
 * columns the server needs without decoding it (author, seq, kind, the
 * author's agency, the task it concerns, the receive time).  Triggers refuse
 * UPDATE and DELETE, so even a hand-typed SQL statement cannot rewrite
 * history.  idx is the log index (from 1, contiguous: nothing is ever
 * deleted, and a rolled-back transaction leaves no hole because idx is a
 * plain rowid, not AUTOINCREMENT).
 *
 * Schema (numbered migrations, PRAGMA user_version):
 *   1: log(idx INTEGER PRIMARY KEY, author BLOB NOT NULL, seq INTEGER NOT NULL,
 *          kind INTEGER NOT NULL, agency TEXT NOT NULL, task INTEGER NOT NULL
 *          DEFAULT 0, body BLOB NOT NULL, received_ms INTEGER NOT NULL,
 *          UNIQUE(author, seq))      -- the (author, seq) index
 *      log_kind: partial index on kind for certificates and revocations
 *      (the CRL sync reads them without scanning the log);
 *      meta(key TEXT PRIMARY KEY, value BLOB NOT NULL): "ca_der", the CA
 *      certificate the log is anchored on, so read-only commands need only
 *      the data directory.  Meta rows may be inserted, never changed.
 *
 * Durability: WAL journal, synchronous=FULL, so a COMMIT has reached the disk
 * when it returns; an Ack is sent only after that (DESIGN §6).  busy_timeout
 * lets `plan import` and `serve` share the file.
 *
 * Ownership: the store owns its prepared statements (finalized at close).
 * Row pointers handed to a scan callback are valid during the call only.
 * Errors: TD_EDB / TD_EIO with the database path and SQLite's message;
 * TD_EEXISTS for a second (author, seq).
 */
#ifndef TDS_LOGSTORE_H
#define TDS_LOGSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Wait this long for another writer (serve vs. an operator's command) before
 * giving up with TD_EBUSY: a batch commit takes milliseconds. */
#define TDS_LOGSTORE_BUSY_MS 10000

typedef struct tds_logstore tds_logstore;

/* One log row.  For an insert, idx is an output. */
typedef struct tds_logrow {
    uint64_t idx;
    unsigned char author[32];
    uint64_t seq;
    int kind;
    const char *agency;          /* author's agency slug, "" for the server */
    uint32_t task;               /* task concerned (report/review/condition), else 0 */
    const uint8_t *body;         /* serialized SignedEntry */
    size_t len;
    int64_t received_ms;
} tds_logrow;

/* Open (creating DATADIR 0700 and the database if needed) and migrate. */
int tds_logstore_open(const char *datadir, tds_logstore **out, td_error *err);
void tds_logstore_close(tds_logstore *s);
/* The database file path (borrowed). */
const char *tds_logstore_path(const tds_logstore *s);

/*
 * Append rows[0..n) in ONE transaction; each rows[i].idx receives its index.
 * Durable when it returns 0.  On failure nothing is appended.
 */
int tds_logstore_append(tds_logstore *s, tds_logrow *rows, size_t n, td_error *err);

/*
 * Explicit transactions, for a writer that must read and write atomically
 * (the sequence checks of a push): begin takes the write lock (BEGIN
 * IMMEDIATE), insert appends one row inside it, commit makes everything
 * durable, rollback forgets it.
 */
int tds_logstore_begin(tds_logstore *s, td_error *err);
int tds_logstore_insert(tds_logstore *s, tds_logrow *row, td_error *err);
int tds_logstore_commit(tds_logstore *s, td_error *err);
void tds_logstore_rollback(tds_logstore *s);

/* Highest seq of author in the log (0 if none). */
int tds_logstore_last_seq(tds_logstore *s, const unsigned char author[32], uint64_t *seq, td_error *err);
/*
 * The row of (author, seq): *found = 0 if none; else *idx, and *body, *len a
 * malloc'd copy of the SignedEntry (caller frees; body may be NULL if the
 * caller wants the index only).
 */
int tds_logstore_lookup(tds_logstore *s, const unsigned char author[32], uint64_t seq, int *found,
                        uint64_t *idx, uint8_t **body, size_t *len, td_error *err);

/* Last index (0 for an empty log) = number of entries. */
int tds_logstore_last_index(tds_logstore *s, uint64_t *idx, td_error *err);
int tds_logstore_count(tds_logstore *s, uint64_t *n, td_error *err);

/*
 * Call cb for each row with idx >= since, in index order, at most max_rows
 * rows (0 = no limit).  cb returns 0 to go on, non-zero to stop (that value
 * is returned).  kind_filter > 0: only rows of that kind (uses the partial
 * index for certificates and revocations).
 */
typedef int (*tds_logstore_cb)(void *arg, const tds_logrow *row);
int tds_logstore_scan(tds_logstore *s, uint64_t since, uint64_t max_rows, int kind_filter,
                      tds_logstore_cb cb, void *arg, td_error *err);

/* Meta values: get copies into a malloc'd buffer (*found = 0 if absent);
 * put inserts (TD_EEXISTS if the key is already set to another value). */
int tds_logstore_meta_get(tds_logstore *s, const char *key, int *found, uint8_t **val, size_t *len,
                          td_error *err);
int tds_logstore_meta_put(tds_logstore *s, const char *key, const uint8_t *val, size_t len, td_error *err);

#endif

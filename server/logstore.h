/*
 * logstore.h — the server's log in SQLite (docs/ARCHITECTURE.md §4; docs/LOG.md §8): the ONE place
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
 * when it returns; an Ack is sent only after that (docs/PROTOCOL.md §11).  busy_timeout
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
#include "logread.h"
#include "merkle.h"

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

/* Open (creating DATADIR 0700 and the database if needed) and migrate.
 * A database of a newer schema than this program is refused (TD_EDB,
 * "schema version N is newer"): nothing is changed in it. */
/* Process-wide SQLite settings for a server whose loop shares SQLite with
 * other threads: call once, before the first connection is opened and
 * before any other thread starts.  SQLite's allocation statistics are
 * turned off: they take one process-wide mutex on every allocation of
 * every connection, so the event loop would wait on it behind a thread
 * that holds it, and that thread may be one the scheduler runs last
 * (docs/ARCHITECTURE.md §7). */
void tds_logstore_process_init(void);
int tds_logstore_open(const char *datadir, tds_logstore **out, td_error *err);
/* The same on a database file at path (a backup being checked). */
int tds_logstore_open_file(const char *path, tds_logstore **out, td_error *err);
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
/* insert also appends the row's leaf to the tree (same transaction). */
int tds_logstore_insert(tds_logstore *s, tds_logrow *row, td_error *err);
/* The same with the row's leaf hash computed beforehand (td_merkle_leaf_hash
 * of row->body: a push hashes it off the event loop), or NULL to hash here. */
int tds_logstore_insert_leaf(tds_logstore *s, tds_logrow *row, const unsigned char *leaf, td_error *err);
int tds_logstore_commit(tds_logstore *s, td_error *err);
/*
 * A transaction that may commit without waiting for the disk:
 * begin_nosync begins it; commit_nosync commits it with the rows in the
 * WAL, visible to this connection, but not fsynced; tds_logstore_commit
 * instead makes it durable at once.  Rows committed without the sync
 * become durable with the next tds_logstore_wal_sync, or the next durable
 * commit (an fsync of the WAL covers everything written to it before).
 * Nothing may show them to anyone, or acknowledge them, before.
 * tds_logstore_wal_sync may run on any thread (it touches only the WAL's
 * file descriptor): 0 or an errno.
 */
int tds_logstore_begin_nosync(tds_logstore *s, td_error *err);
int tds_logstore_commit_nosync(tds_logstore *s, td_error *err);
int tds_logstore_wal_sync(tds_logstore *s);
/*
 * WAL checkpoints off the writer's thread.  tds_logstore_wal_background
 * stops the connection's own checkpoints (SQLite's wal_autocheckpoint runs
 * them inside a COMMIT, with two fsyncs) and opens a second connection for
 * them.  tds_logstore_wal_frames: frames in the WAL after the last commit
 * (0 without wal_background).  tds_logstore_wal_checkpoint copies the WAL
 * into the database on that second connection (PASSIVE: the writer is never
 * blocked; the WAL is reused from its start by the next commit once a
 * checkpoint has copied it all); call it from one thread at a time, not
 * necessarily the writer's: 0 or an SQLite code.
 *
 * The first write transaction after a checkpoint that copied the whole WAL
 * starts the WAL again from its beginning, and SQLite syncs the WAL's new
 * header before anything else is written (with any synchronous setting but
 * OFF: without it, a power loss could mix old and new frames).
 * tds_logstore_wal_restart makes that first write on the second connection,
 * so that the fsync is paid by the thread that checkpoints and not by the
 * writer's next commit.  The writer must begin no transaction from the
 * call on (its transaction in flight is waited for): the restart then
 * checkpoints what was committed since, and rewrites the schema's
 * user_version with its own value (one page, no change).  1: the WAL was
 * restarted; 0: not (a write came in between, or a reader holds the WAL);
 * -(SQLite code) on error.
 */
int tds_logstore_wal_background(tds_logstore *s, td_error *err);
int tds_logstore_wal_frames(const tds_logstore *s);
int tds_logstore_wal_checkpoint(tds_logstore *s);
int tds_logstore_wal_restart(tds_logstore *s);
/* On the writer's thread, once a wal_restart is known done: the frames
 * counted at the writer's last commit are gone (wal_frames says 0 until its
 * next commit; else the old count would ask for checkpoints of nothing). */
void tds_logstore_wal_restarted(tds_logstore *s);
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

/* ---- the Merkle tree (migration 2) ---- */

/* The tree table as a merkle.h store (get/put on prepared statements).  A
 * put of an identical hash is a no-op, of a different one TD_EEXISTS.  Valid
 * while s is open. */
td_merkle_store tds_logstore_merkle(tds_logstore *s);
/* Reads of the tree store that went to the table since open, not to the
 * nodes put last (tests and benchmarks: an append reads none). */
uint64_t tds_logstore_tree_reads(const tds_logstore *s);
/* Leaves in the tree (= the log size, unless the database was damaged). */
int tds_logstore_tree_size(tds_logstore *s, uint64_t *leaves, td_error *err);

/* Every stored tree hash, by level then index (the ledger's check at open).
 * cb returns non-zero to stop (returned). */
typedef int (*tds_tree_cb)(void *arg, unsigned level, uint64_t index, const unsigned char h[TD_MERKLE_HASH_LEN]);
int tds_logstore_tree_scan(tds_logstore *s, tds_tree_cb cb, void *arg, td_error *err);

/* ---- checkpoints ---- */

typedef struct tds_checkpoint_row {
    uint64_t size;
    unsigned char root[32];
    char *note;                  /* malloc'd signed note, NUL-terminated */
    size_t note_len;
    int64_t signed_ms;
} tds_checkpoint_row;

void tds_checkpoint_row_free(tds_checkpoint_row *c);
/* The largest stored checkpoint (*found = 0: none yet). */
int tds_logstore_checkpoint_latest(tds_logstore *s, int *found, tds_checkpoint_row *c, td_error *err);
/* The checkpoint of exactly that size (*found = 0: none). */
int tds_logstore_checkpoint_get(tds_logstore *s, uint64_t size, int *found, tds_checkpoint_row *c, td_error *err);
/* Insert one; TD_EDB if its size does not exceed the largest stored (the
 * trigger), so a caller reads the latest in the same transaction first. */
int tds_logstore_checkpoint_put(tds_logstore *s, uint64_t size, const unsigned char root[32], const char *note,
                                size_t note_len, int64_t signed_ms, td_error *err);

/* ---- witness cosignatures ---- */

/* size, witness ("<key name> <agency> <key hex>"; rows before migration 5:
 * the key name), line, received_ms, key and agency (NULL before migration
 * 5): common/logread.h */
typedef td_logread_cosig tds_cosig_row;
typedef int (*tds_cosig_cb)(void *arg, const tds_cosig_row *r);

/* Room for "<key name> <agency> <64 hex>". */
#define TDS_WITNESS_ID_MAX 512

/* Store the line of the witness (key name, key, agency) on the checkpoint of
 * size; a witness is its (name, agency, key): if it already has a line
 * there, the first is kept and *inserted = 0. */
int tds_logstore_cosig_put(tds_logstore *s, uint64_t size, const char *name, const unsigned char key[32],
                           const char *agency, const char *line, int64_t received_ms, int *inserted, td_error *err);
/* The lines on the checkpoint of size, by witness. */
int tds_logstore_cosigs(tds_logstore *s, uint64_t size, tds_cosig_cb cb, void *arg, td_error *err);
/* One row per witness: its largest cosigned size (with that line), largest
 * first.  cb returns non-zero to stop. */
int tds_logstore_witnesses(tds_logstore *s, tds_cosig_cb cb, void *arg, td_error *err);

/* ---- attachments (migration 3) ----
 *
 * Complete files (blob) are written once and kept; unfinished uploads
 * (blob_upload + one blob_part row per chunk) belong to the uploading
 * device's key (owner).  Memory: no function here holds a whole file; a
 * read or a check goes one chunk (one row, or one sqlite3_blob_read) at a
 * time.  Each write function that is not said to run inside the caller's
 * transaction runs its own (BEGIN IMMEDIATE ... COMMIT), durable on return.
 */

/* Longest type string kept (attach.h TD_ATTACH_MIME_MAX). */
#define TDS_BLOB_MIME_MAX 127

typedef struct tds_blob_meta {
    int64_t id;                  /* rowid, for reads */
    char mime[TDS_BLOB_MIME_MAX + 1];
    uint64_t size;
    unsigned char uploader[32];  /* key of the device whose upload stored it */
} tds_blob_meta;

typedef struct tds_upload {
    uint64_t size;               /* offered size */
    char mime[TDS_BLOB_MIME_MAX + 1];
    uint64_t have;               /* contiguous bytes received, from 0 */
    int64_t touched_ms;
} tds_upload;

/* The complete file with this hash (*found = 0: none). */
int tds_logstore_blob_find(tds_logstore *s, const unsigned char sha[32], int *found, tds_blob_meta *out,
                           td_error *err);
/* Copy n bytes at off of a complete file into buf (off + n <= size). */
int tds_logstore_blob_read(tds_logstore *s, const tds_blob_meta *b, uint64_t off, uint8_t *buf, size_t n,
                           td_error *err);

/* owner's unfinished upload of sha (*found = 0: none). */
int tds_logstore_upload_get(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                            int *found, tds_upload *out, td_error *err);
/* Record an offer (have = 0). */
int tds_logstore_upload_start(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                              uint64_t size, const char *mime, int64_t now_ms, td_error *err);
/* Bytes owner holds against its quota: offered sizes of its unfinished
 * uploads other than sha, plus complete files it uploaded that no log entry
 * cites yet. */
int tds_logstore_upload_reserved(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                                 uint64_t *bytes, td_error *err);
/* Store one chunk at off (= the upload's have) and set have = off + n, in
 * one durable transaction. */
int tds_logstore_upload_chunk(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                              uint64_t off, const uint8_t *data, size_t n, int64_t now_ms, td_error *err);
/*
 * Turn a finished upload (have = size) into the complete file: in one
 * transaction, copy the chunks in order into a new blob row, calling
 * check(arg, chunk, n) for each and finally check(arg, NULL, 0); a non-zero
 * return from check rolls everything back and is returned (> 0: refused,
 * the upload is left for the caller to drop).  0: stored durably and the
 * upload removed.  A complete file with that hash already there: the chunks
 * are checked all the same; passed, owner is recorded as a holder of the
 * file (blob_holder) and the upload removed.
 */
typedef int (*tds_chunk_check)(void *arg, const uint8_t *p, size_t n);
int tds_logstore_upload_finish(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                               int64_t now_ms, tds_chunk_check check, void *arg, td_error *err);
/* Forget owner's upload of sha (its chunks too). */
int tds_logstore_upload_drop(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                             td_error *err);
/* Forget every upload untouched since before_ms; *n (may be NULL) counts them. */
int tds_logstore_upload_expire(tds_logstore *s, int64_t before_ms, uint64_t *n, td_error *err);

/* Inside the caller's transaction: log index idx, accepted by the fold,
 * cites sha. */
int tds_logstore_blob_ref_put(tds_logstore *s, const unsigned char sha[32], uint64_t idx, td_error *err);
/* *held: owner uploaded sha's stored file, or sent its whole content again
 * (a holder). */
int tds_logstore_blob_held(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32], int *held,
                           td_error *err);
/* Is a transaction open (tds_logstore_begin)? */
int tds_logstore_in_tx(const tds_logstore *s);
/* The log indexes citing sha, in order, with the citing row's kind, agency
 * and task (one statement: callable inside a tds_logstore_scan callback); cb returns non-zero to stop. */
typedef int (*tds_ref_cb)(void *arg, uint64_t idx, int kind, const char *agency, uint32_t task);
int tds_logstore_blob_refs(tds_logstore *s, const unsigned char sha[32], tds_ref_cb cb, void *arg, td_error *err);
/* ---- backup and verification (docs/ARCHITECTURE.md §9) ---- */

/* Pages copied per step of the online backup: 1024 pages of 4 KiB = 4 MiB,
 * a few milliseconds of reading, between which the server commits freely. */
#define TDS_BACKUP_STEP_PAGES 1024
/* Pause between steps, so that a backup on a busy server yields the disk. */
#define TDS_BACKUP_PAUSE_MS 5
/* After this many times the steps a quiet copy needs (the copy restarts at
 * each commit by the server), the rest is copied in one read transaction. */
#define TDS_BACKUP_RESTART_FACTOR 8

typedef struct tds_backup_opts {
    int step_pages;               /* <= 0: TDS_BACKUP_STEP_PAGES */
    int pause_ms;                 /* < 0: TDS_BACKUP_PAUSE_MS */
} tds_backup_opts;

typedef struct tds_backup_stats {
    uint64_t pages, steps;
} tds_backup_stats;

/*
 * Copy the open database to a NEW file dest (TD_EEXISTS if it exists; mode
 * 0600) with SQLite's online backup API while other processes (serve) keep
 * writing; the copy is one consistent snapshot, in rollback-journal mode
 * (a single self-contained file).  On failure dest is removed.  o may be
 * NULL.
 */
int tds_logstore_backup(tds_logstore *s, const char *dest, const tds_backup_opts *o, tds_backup_stats *stats,
                        td_error *err);
/* PRAGMA integrity_check: TD_EDB with SQLite's first complaint. */
int tds_logstore_integrity(tds_logstore *s, td_error *err);

typedef struct tds_logstore_summary {
    uint64_t size;                          /* entries (= tree leaves) */
    unsigned char root[TD_MERKLE_HASH_LEN]; /* RFC 6962 root of all of them */
    uint64_t cp_size;                       /* latest checkpoint's size (0: none) */
    unsigned char cp_root[TD_MERKLE_HASH_LEN];
} tds_logstore_summary;

/*
 * Re-hash every log row and compare with the stored leaves (no hole, one
 * leaf per row), compute the root, and check the latest signed checkpoint's
 * root against the tree at its size.  TD_EDB naming the first difference.
 * (The checkpoint's signature is the ledger's business: tds_ledger_open.)
 */
int tds_logstore_verify(tds_logstore *s, tds_logstore_summary *out, td_error *err);
/* The root of the first size entries from the stored tree. */
int tds_logstore_root_at(tds_logstore *s, uint64_t size, unsigned char root[TD_MERKLE_HASH_LEN], td_error *err);

#endif

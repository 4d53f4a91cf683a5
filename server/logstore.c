/* logstore.c — see logstore.h.  All SQL on the log and meta tables is here,
 * except the reads of the log, checkpoints and cosignatures: those are
 * common/logread.c, shared with the inspector's audit of a copy of server.db. */
#include "logstore.h"

#include "log.h"
#include "logread.h"
#include "oserr.h"

#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

/* The page size of a new server.db (bytes, a power of two SQLite accepts). */
#define TDS_LOGSTORE_PAGE_SIZE "16384"

/* Numbered migrations: index i brings user_version from i to i+1. */
static const char *const tds__migrations[] = {
    /* 1: the log, append-only, and its meta table. */
    "CREATE TABLE log("
    "  idx INTEGER PRIMARY KEY,"
    "  author BLOB NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  agency TEXT NOT NULL,"
    "  task INTEGER NOT NULL DEFAULT 0,"
    "  body BLOB NOT NULL,"
    "  received_ms INTEGER NOT NULL,"
    "  UNIQUE(author, seq));"
    "CREATE INDEX log_kind ON log(kind, idx) WHERE kind IN (1, 2);"
    "CREATE TRIGGER log_no_update BEFORE UPDATE ON log"
    "  BEGIN SELECT RAISE(ABORT, 'log is append-only'); END;"
    "CREATE TRIGGER log_no_delete BEFORE DELETE ON log"
    "  BEGIN SELECT RAISE(ABORT, 'log is append-only'); END;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta"
    "  BEGIN SELECT RAISE(ABORT, 'meta is append-only'); END;"
    "CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta"
    "  BEGIN SELECT RAISE(ABORT, 'meta is append-only'); END;",
    /* 2: the Merkle tree over the log (RFC 6962 complete subtree hashes,
     * common/merkle.h), the signed checkpoints and the witnesses'
     * cosignatures.  All append-only; a checkpoint never goes back in size.
     * The tree of rows already in the log is filled in by tds__backfill in
     * the same transaction. */
    "CREATE TABLE tree("
    "  level INTEGER NOT NULL,"
    "  idx INTEGER NOT NULL,"
    "  hash BLOB NOT NULL,"
    "  PRIMARY KEY(level, idx)) WITHOUT ROWID;"
    "CREATE TRIGGER tree_no_update BEFORE UPDATE ON tree"
    "  BEGIN SELECT RAISE(ABORT, 'tree is append-only'); END;"
    "CREATE TRIGGER tree_no_delete BEFORE DELETE ON tree"
    "  BEGIN SELECT RAISE(ABORT, 'tree is append-only'); END;"
    "CREATE TABLE checkpoint("
    "  size INTEGER PRIMARY KEY,"
    "  root BLOB NOT NULL,"
    "  note TEXT NOT NULL,"
    "  signed_ms INTEGER NOT NULL);"
    "CREATE TRIGGER checkpoint_no_update BEFORE UPDATE ON checkpoint"
    "  BEGIN SELECT RAISE(ABORT, 'checkpoint is append-only'); END;"
    "CREATE TRIGGER checkpoint_no_delete BEFORE DELETE ON checkpoint"
    "  BEGIN SELECT RAISE(ABORT, 'checkpoint is append-only'); END;"
    "CREATE TRIGGER checkpoint_grows BEFORE INSERT ON checkpoint"
    "  WHEN NEW.size <= (SELECT coalesce(max(size), 0) FROM checkpoint)"
    "  BEGIN SELECT RAISE(ABORT, 'checkpoint size must grow'); END;"
    "CREATE TABLE cosig("
    "  size INTEGER NOT NULL,"
    "  witness TEXT NOT NULL,"
    "  line TEXT NOT NULL,"
    "  received_ms INTEGER NOT NULL,"
    "  PRIMARY KEY(size, witness));"
    "CREATE TRIGGER cosig_no_update BEFORE UPDATE ON cosig"
    "  BEGIN SELECT RAISE(ABORT, 'cosig is append-only'); END;"
    "CREATE TRIGGER cosig_no_delete BEFORE DELETE ON cosig"
    "  BEGIN SELECT RAISE(ABORT, 'cosig is append-only'); END;",
    /* 3: attachments (docs/PROTOCOL.md §7).  Self-contained: only
     * tables and triggers of its own.
     *   blob: complete files, verified (SHA-256, type from content) before
     *     insert; kept for ever, like the log (the entries that cite them are
     *     signed and permanent).  rowid table: big values and incremental
     *     blob I/O (sqlite3_blob_*), which WITHOUT ROWID cannot do.
     *   blob_upload / blob_part: unfinished uploads per device, one row per
     *     received chunk (appending to one growing value would rewrite it at
     *     every chunk: quadratic); forgotten when untouched too long.
     *   blob_ref: which log entries cite which file (download permission),
     *     written in the transaction that appends the citing entry.
     * IF NOT EXISTS: a database whose user_version was set back by hand
     * (a forger re-running migration 2 in audit_sync.sh) keeps these. */
    "CREATE TABLE IF NOT EXISTS blob("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 BLOB NOT NULL UNIQUE CHECK (length(sha256) = 32),"
    "  mime TEXT NOT NULL,"
    "  size INTEGER NOT NULL CHECK (size > 0),"
    "  data BLOB NOT NULL,"
    "  uploader BLOB NOT NULL,"
    "  stored_ms INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS blob_uploader ON blob(uploader);"
    "CREATE TRIGGER IF NOT EXISTS blob_no_update BEFORE UPDATE ON blob"
    "  BEGIN SELECT RAISE(ABORT, 'blob is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS blob_no_delete BEFORE DELETE ON blob"
    "  BEGIN SELECT RAISE(ABORT, 'blob is append-only'); END;"
    "CREATE TABLE IF NOT EXISTS blob_upload("
    "  owner BLOB NOT NULL,"
    "  sha256 BLOB NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  mime TEXT NOT NULL,"
    "  have INTEGER NOT NULL,"
    "  started_ms INTEGER NOT NULL,"
    "  touched_ms INTEGER NOT NULL,"
    "  PRIMARY KEY(owner, sha256)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS blob_upload_touched ON blob_upload(touched_ms);"
    "CREATE TABLE IF NOT EXISTS blob_part("
    "  owner BLOB NOT NULL,"
    "  sha256 BLOB NOT NULL,"
    "  off INTEGER NOT NULL,"
    "  data BLOB NOT NULL,"
    "  PRIMARY KEY(owner, sha256, off));"
    "CREATE TABLE IF NOT EXISTS blob_ref("
    "  sha256 BLOB NOT NULL,"
    "  idx INTEGER NOT NULL,"
    "  PRIMARY KEY(sha256, idx)) WITHOUT ROWID;"
    "CREATE TRIGGER IF NOT EXISTS blob_ref_no_update BEFORE UPDATE ON blob_ref"
    "  BEGIN SELECT RAISE(ABORT, 'blob_ref is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS blob_ref_no_delete BEFORE DELETE ON blob_ref"
    "  BEGIN SELECT RAISE(ABORT, 'blob_ref is append-only'); END;",
    /* 4: blob_holder: devices (keys) other than the first uploader that
     * sent a stored file's whole content again, checked against its hash:
     * they hold it, and may cite it (blobstore.h). */
    "CREATE TABLE IF NOT EXISTS blob_holder("
    "  sha256 BLOB NOT NULL,"
    "  owner BLOB NOT NULL,"
    "  PRIMARY KEY(sha256, owner)) WITHOUT ROWID;",
    /* 5: witnesses identified by key (docs/LOG.md §10): a cosignature row
     * records the witness's key and agency, and its witness column is
     * "<key name> <agency> <key hex>", so the (size, witness) key tells two
     * inspectors of one CN in different agencies apart, and an inspector's
     * renewed key from its earlier one (whose lines stay).  Rows from before
     * keep their name alone and NULL key and agency. */
    ("ALTER TABLE cosig ADD COLUMN witness_key BLOB;"
     "ALTER TABLE cosig ADD COLUMN agency TEXT;"),
};
/* The migration whose end needs the tree of the existing rows (index into
 * tds__migrations of "2"). */
#define TDS__MIG_TREE 1
#define TDS__NMIG ((int)(sizeof tds__migrations / sizeof tds__migrations[0]))

enum {
    Q_BEGIN,
    Q_COMMIT,
    Q_ROLLBACK,
    Q_INSERT,
    Q_LAST_SEQ,
    Q_LOOKUP,
    Q_LAST_INDEX,
    Q_COUNT,
    Q_META_GET,
    Q_META_PUT,
    Q_TREE_GET,
    Q_TREE_PUT,
    Q_TREE_LEAVES,
    Q_TREE_SCAN,
    Q_CP_PUT,
    Q_COSIG_GET,
    Q_COSIG_PUT,
    Q__N
};

static const char *const tds__sql[Q__N] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_INSERT] = ("INSERT INTO log(author, seq, kind, agency, task, body, received_ms) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
    [Q_LAST_SEQ] = "SELECT max(seq) FROM log WHERE author = ?1",
    [Q_LOOKUP] = "SELECT idx, body FROM log WHERE author = ?1 AND seq = ?2",
    [Q_LAST_INDEX] = "SELECT max(idx) FROM log",
    [Q_COUNT] = "SELECT count(*) FROM log",
    [Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [Q_META_PUT] = "INSERT INTO meta(key, value) VALUES (?1, ?2)",
    [Q_TREE_GET] = "SELECT hash FROM tree WHERE level = ?1 AND idx = ?2",
    [Q_TREE_PUT] = "INSERT INTO tree(level, idx, hash) VALUES (?1, ?2, ?3) ON CONFLICT(level, idx) DO NOTHING",
    [Q_TREE_LEAVES] = "SELECT coalesce(max(idx) + 1, 0) FROM tree WHERE level = 0",
    [Q_TREE_SCAN] = "SELECT level, idx, hash FROM tree ORDER BY level, idx",
    [Q_CP_PUT] = "INSERT INTO checkpoint(size, root, note, signed_ms) VALUES (?1, ?2, ?3, ?4)",
    [Q_COSIG_GET] = "SELECT line FROM cosig WHERE size = ?1 AND witness = ?2",
    [Q_COSIG_PUT] = "INSERT INTO cosig(size, witness, line, received_ms, witness_key, agency) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

/* Statements of the attachment tables (migration 3), apart from the log's. */
enum {
    B_FIND,
    B_INSERT,
    B_UP_GET,
    B_UP_START,
    B_RESERVED,
    B_PART_PUT,
    B_UP_HAVE,
    B_PART_SCAN,
    B_PART_DEL,
    B_UP_DEL,
    B_EXP_PART,
    B_EXP_UP,
    B_REF_PUT,
    B_REF_LIST,
    B_HOLDER_PUT,
    B_HOLDER_HAS,
    B__N
};

static const char *const tds__blob_sql[B__N] = {
    [B_FIND] = "SELECT id, mime, size, uploader FROM blob WHERE sha256 = ?1",
    [B_INSERT] = "INSERT INTO blob(sha256, mime, size, data, uploader, stored_ms) "
                 "VALUES (?1, ?2, ?3, zeroblob(?3), ?4, ?5)",
    [B_UP_GET] = "SELECT size, mime, have, touched_ms FROM blob_upload WHERE owner = ?1 AND sha256 = ?2",
    [B_UP_START] = "INSERT INTO blob_upload(owner, sha256, size, mime, have, started_ms, touched_ms) "
                   "VALUES (?1, ?2, ?3, ?4, 0, ?5, ?5)",
    [B_RESERVED] = "SELECT coalesce((SELECT sum(size) FROM blob_upload WHERE owner = ?1 AND sha256 <> ?2), 0)"
                   " + coalesce((SELECT sum(size) FROM blob WHERE uploader = ?1 AND NOT EXISTS"
                   " (SELECT 1 FROM blob_ref r WHERE r.sha256 = blob.sha256)), 0)",
    [B_PART_PUT] = "INSERT INTO blob_part(owner, sha256, off, data) VALUES (?1, ?2, ?3, ?4)",
    [B_UP_HAVE] = "UPDATE blob_upload SET have = ?3, touched_ms = ?4 WHERE owner = ?1 AND sha256 = ?2",
    [B_PART_SCAN] = "SELECT off, data FROM blob_part WHERE owner = ?1 AND sha256 = ?2 ORDER BY off",
    [B_PART_DEL] = "DELETE FROM blob_part WHERE owner = ?1 AND sha256 = ?2",
    [B_UP_DEL] = "DELETE FROM blob_upload WHERE owner = ?1 AND sha256 = ?2",
    [B_EXP_PART] = "DELETE FROM blob_part WHERE (owner, sha256) IN "
                   "(SELECT owner, sha256 FROM blob_upload WHERE touched_ms < ?1)",
    [B_EXP_UP] = "DELETE FROM blob_upload WHERE touched_ms < ?1",
    [B_REF_PUT] = "INSERT INTO blob_ref(sha256, idx) VALUES (?1, ?2) ON CONFLICT(sha256, idx) DO NOTHING",
    [B_REF_LIST] = "SELECT r.idx, l.kind, l.agency, l.task FROM blob_ref r JOIN log l ON l.idx = r.idx"
                   " WHERE r.sha256 = ?1 ORDER BY r.idx",
    [B_HOLDER_PUT] = "INSERT INTO blob_holder(owner, sha256) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    [B_HOLDER_HAS] = "SELECT (SELECT count(*) FROM blob WHERE sha256 = ?2 AND uploader = ?1)"
                     " + (SELECT count(*) FROM blob_holder WHERE sha256 = ?2 AND owner = ?1)",
};

struct tds_logstore {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *q[Q__N];
    sqlite3_stmt *b[B__N];
    td_logread *rd;              /* the reads of log, checkpoint, cosig */
    int in_tx;
    int wal_fd;                  /* the WAL, for tds_logstore_wal_sync (-1 until the first commit_nosync) */
    int tx_nosync;               /* the open transaction was begun by begin_nosync */
    sqlite3 *ckpt_db;            /* tds_logstore_wal_background: the checkpoints' own connection */
    int wal_frames;              /* frames in the WAL after the last commit (sqlite3_wal_hook) */
    /* The two tree nodes each level put last (the right frontier): an
     * append puts a node, then reads its left sibling (merkle.c), the node
     * put before it at that level: from here, not from the table.  Nodes
     * never change once put; a rollback drops them all. */
    struct {
        uint64_t idx;
        unsigned char h[TD_MERKLE_HASH_LEN];
        int ok;
    } fr[64][2];
    uint64_t tree_reads;         /* reads that went to the tree table (tds_logstore_tree_reads) */
};

static int tds__dberr(tds_logstore *s, td_error *err, const char *what)
{
    int code = sqlite3_errcode(s->db);
    int td = (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? TD_EBUSY
             : (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE) ? TD_EEXISTS
                                                                                : TD_EDB;
    return td_error_set(err, td, TD_MSG_DB_FAIL, s->path, td_sqlite_vi_db(s->db, what));
}

static int tds__exec(tds_logstore *s, const char *sql, td_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, s->path, td_sqlite_vi_db(s->db, msg ? msg : sql));
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

/* Tree store callbacks over the prepared statements (defined below). */
static int tds__tree_get(void *arg, unsigned level, uint64_t index, unsigned char out[TD_MERKLE_HASH_LEN]);
static int tds__tree_put(void *arg, unsigned level, uint64_t index, const unsigned char h[TD_MERKLE_HASH_LEN]);

typedef struct tds_backfill {
    tds_logstore *s;
    td_merkle_store st;
    uint64_t next;                /* the index the next row must have */
    td_error *err;
    int rc;
} tds_backfill;

static int tds__backfill_cb(void *arg, const tds_logrow *r)
{
    tds_backfill *b = arg;
    unsigned char leaf[TD_MERKLE_HASH_LEN];
    if (r->idx != b->next) {
        b->rc = td_error_set(b->err, TD_EDB, "%s: log index %llu follows %llu: the log has a hole",
                             b->s->path, (unsigned long long)r->idx, (unsigned long long)(b->next - 1));
        return 1;
    }
    td_merkle_leaf_hash(r->body, r->len, leaf);
    if ((b->rc = td_merkle_append(&b->st, r->idx - 1, leaf, NULL, b->err))) return 1;
    b->next++;
    return 0;
}

/* Migration 2 on a log that already has rows: the tree of those rows, in the
 * migration's transaction (the checkpoint needs the key: the ledger signs it
 * at its next start). */
static int tds__backfill(tds_logstore *s, td_error *err)
{
    tds_backfill b;
    int rc;
    memset(&b, 0, sizeof b);
    b.s = s;
    b.st = tds_logstore_merkle(s);
    b.next = 1;
    b.err = err;
    rc = tds_logstore_scan(s, 1, 0, 0, tds__backfill_cb, &b, err);
    if (b.rc) return b.rc;
    if (rc) return rc < 0 ? rc : td_error_set(err, TD_EDB, "%s: building the tree of the log failed", s->path);
    if (b.next > 1)
        td_log_info("%s: Merkle tree built for the %llu entries already in the log", s->path,
                    (unsigned long long)(b.next - 1));
    return 0;
}

/* Migrate, prepare the statements and, after migration 2, build the tree of
 * the rows already there: all in one transaction. */
static int tds__migrate_prepare(tds_logstore *s, td_error *err)
{
    sqlite3_stmt *st;
    int v = 0, rc, backfill = 0;
    if ((rc = tds__exec(s, "BEGIN IMMEDIATE", err))) return rc;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
        rc = tds__dberr(s, err, "reading the schema version");
        goto fail;
    }
    v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (v > TDS__NMIG) {
        rc = td_error_set(err, TD_EDB,
                          "%s: schema version %d is newer than this program (%d): it was written by a newer "
                          "tiendo-server; install that version (or newer) instead of downgrading",
                          s->path, v, TDS__NMIG);
        goto fail;
    }
    for (; v < TDS__NMIG; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if ((rc = tds__exec(s, tds__migrations[v], err)) || (rc = tds__exec(s, pragma, err))) goto fail;
        if (v == TDS__MIG_TREE) backfill = 1;
    }
    for (int i = 0; i < Q__N; i++)
        if (sqlite3_prepare_v3(s->db, tds__sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->q[i], NULL) != SQLITE_OK) {
            rc = tds__dberr(s, err, "preparing a statement");
            goto fail;
        }
    for (int i = 0; i < B__N; i++)
        if (sqlite3_prepare_v3(s->db, tds__blob_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->b[i], NULL) != SQLITE_OK) {
            rc = tds__dberr(s, err, "preparing a statement");
            goto fail;
        }
    if ((rc = td_logread_on(s->db, s->path, &s->rd, err))) goto fail;
    if (backfill && (rc = tds__backfill(s, err))) goto fail;
    return tds__exec(s, "COMMIT", err);
fail:
    tds__exec(s, "ROLLBACK", NULL);
    return rc;
}

void tds_logstore_process_init(void)
{
    int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (rc != SQLITE_OK) td_log_debug("SQLite allocation statistics stay on: %s", sqlite3_errstr(rc));
}

int tds_logstore_open(const char *datadir, tds_logstore **out, td_error *err)
{
    char *path;
    size_t n;
    int rc;
    *out = NULL;
    if (mkdir(datadir, 0700) != 0 && errno != EEXIST)
        return td_error_set(err, TD_EIO, TD_MSG_DIR_CREATE, datadir, td_errno_vi_log(errno, datadir));
    /* The log, its WAL and shared memory are the server's alone: the
     * directory 0700 and the files 0600, whoever created them (SQLite gives
     * -wal and -shm the mode of the database file). */
    if (chmod(datadir, 0700) != 0)
        return td_error_set(err, TD_EIO, TD_MSG_FILE_MODE, "0700", datadir, td_errno_vi_log(errno, datadir));
    n = strlen(datadir) + sizeof "/server.db-wal";
    if (!(path = malloc(n))) return td_error_set(err, TD_ENOMEM, "out of memory");
    for (int k = 0; k < 3; k++) {
        static const char *const suffix[] = {"", "-wal", "-shm"};
        int fd;
        snprintf(path, n, "%s/server.db%s", datadir, suffix[k]);
        if (k == 0 && (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0) close(fd);
        if (chmod(path, 0600) != 0 && errno != ENOENT) {
            rc = td_error_set(err, TD_EIO, TD_MSG_FILE_MODE, "0600", path, td_errno_vi_log(errno, path));
            free(path);
            return rc;
        }
    }
    snprintf(path, n, "%s/server.db", datadir);
    rc = tds_logstore_open_file(path, out, err);
    free(path);
    return rc;
}

int tds_logstore_open_file(const char *path, tds_logstore **out, td_error *err)
{
    tds_logstore *s;
    int rc;
    *out = NULL;
    if (!(s = calloc(1, sizeof *s))) return td_error_set(err, TD_ENOMEM, "out of memory");
    s->wal_fd = -1;
    if (!(s->path = strdup(path))) {
        free(s);
        return td_error_set(err, TD_ENOMEM, "out of memory");
    }
    /* NOMUTEX: the connection is used by one thread at a time (the event
     * loop; the workers' push checks read no store, the sync thread
     * has the WAL's fd and its own ckpt_db), so SQLite's per-call locking
     * is pure cost on the ingest path. */
    if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        rc = s->db ? tds__dberr(s, err, "cannot open") : td_error_set(err, TD_ENOMEM, "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, TDS_LOGSTORE_BUSY_MS);
    /* A new database gets 16 KiB pages (an existing one keeps its own: the
     * pragma does nothing once the file has pages or is in WAL mode): a
     * pushed row's insert, its tree nodes and the group's commit cost
     * ~20% less CPU than with 4 KiB pages (fewer page splits, WAL frames and
     * checkpoint copies per row; BENCHMARKS.md, "loopcost").
     * synchronous=FULL: a COMMIT in WAL mode fsyncs the WAL, so an entry is
     * on disk before its Ack is sent (docs/PROTOCOL.md §11). */
    if ((rc = tds__exec(s, "PRAGMA page_size=" TDS_LOGSTORE_PAGE_SIZE "; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
                        err)))
        goto fail;
    if ((rc = tds__migrate_prepare(s, err))) goto fail;
    *out = s;
    return 0;
fail:
    tds_logstore_close(s);
    return rc;
}

void tds_logstore_close(tds_logstore *s)
{
    if (!s) return;
    if (s->in_tx) tds_logstore_rollback(s);
    for (int i = 0; i < Q__N; i++) sqlite3_finalize(s->q[i]);
    for (int i = 0; i < B__N; i++) sqlite3_finalize(s->b[i]);
    td_logread_close(s->rd);
    sqlite3_close(s->db);
    sqlite3_close(s->ckpt_db);
    if (s->wal_fd >= 0) close(s->wal_fd);
    free(s->path);
    free(s);
}

const char *tds_logstore_path(const tds_logstore *s) { return s->path; }

/* Run a statement without results; reset it whatever happens. */
static int tds__step_done(tds_logstore *s, sqlite3_stmt *st, td_error *err, const char *what)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : tds__dberr(s, err, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int tds_logstore_begin(tds_logstore *s, td_error *err)
{
    int rc;
    if (s->in_tx) return td_error_set(err, TD_EINTERNAL, "%s: transaction already open", s->path);
    if ((rc = tds__step_done(s, s->q[Q_BEGIN], err, "beginning a write transaction"))) return rc;
    s->in_tx = 1;
    return 0;
}

/* The WAL's descriptor for tds_logstore_wal_sync (the WAL exists once the
 * database is in WAL mode and written). */
static int tds__wal_open(tds_logstore *s, td_error *err)
{
    size_t n;
    char *wal;
    int rc = 0;
    if (s->wal_fd >= 0) return 0;
    n = strlen(s->path) + sizeof "-wal";
    if (!(wal = malloc(n))) return td_error_set(err, TD_ENOMEM, "out of memory");
    snprintf(wal, n, "%s-wal", s->path);
    if ((s->wal_fd = open(wal, O_RDONLY | O_CLOEXEC)) < 0)
        rc = td_error_set(err, TD_EIO, TD_MSG_FILE_OPEN ": %s", wal, td_errno_vi_log(errno, wal));
    free(wal);
    return rc;
}

int tds_logstore_begin_nosync(tds_logstore *s, td_error *err)
{
    int rc;
    if (s->in_tx) return td_error_set(err, TD_EINTERNAL, "%s: transaction already open", s->path);
    /* SQLite changes the safety level only outside a transaction: NORMAL
     * for this one's COMMIT (in WAL mode: the WAL is written, not fsynced;
     * a checkpoint into the database still syncs, so the file is never
     * corrupt, only the commit's durability waits) */
    if ((rc = tds__exec(s, "PRAGMA synchronous=NORMAL", err))) return rc;
    if ((rc = tds_logstore_begin(s, err))) {
        tds__exec(s, "PRAGMA synchronous=FULL", NULL);
        return rc;
    }
    s->tx_nosync = 1;
    return 0;
}

/* After the COMMIT or ROLLBACK of a transaction begun by begin_nosync. */
static int tds__nosync_end(tds_logstore *s, td_error *err)
{
    if (!s->tx_nosync) return 0;
    s->tx_nosync = 0;
    return tds__exec(s, "PRAGMA synchronous=FULL", err);
}

int tds_logstore_commit_nosync(tds_logstore *s, td_error *err)
{
    int rc;
    if (!s->in_tx) return td_error_set(err, TD_EINTERNAL, "%s: commit without a transaction", s->path);
    if (!s->tx_nosync) return tds_logstore_commit(s, err);
    if ((rc = tds__step_done(s, s->q[Q_COMMIT], err, "committing"))) {
        tds_logstore_rollback(s);
        return rc;
    }
    s->in_tx = 0;
    if ((rc = tds__wal_open(s, err))) {
        /* cannot sync it later: sync it now */
        tds__nosync_end(s, NULL);
        return sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_FULL, NULL, NULL) == SQLITE_OK ? 0 : rc;
    }
    return tds__nosync_end(s, err);
}

int tds_logstore_wal_sync(tds_logstore *s)
{
    if (s->wal_fd < 0) return 0;   /* nothing committed without a sync */
    return fdatasync(s->wal_fd) == 0 ? 0 : errno;
}

int tds_logstore_commit(tds_logstore *s, td_error *err)
{
    int rc, nosync = s->tx_nosync;
    if (!s->in_tx) return td_error_set(err, TD_EINTERNAL, "%s: commit without a transaction", s->path);
    if ((rc = tds__step_done(s, s->q[Q_COMMIT], err, "committing"))) {
        tds_logstore_rollback(s);
        return rc;
    }
    s->in_tx = 0;
    if (!nosync) return 0;
    /* begun by begin_nosync: durable now, with what was committed before */
    if ((rc = tds__nosync_end(s, err))) return rc;
    if ((rc = tds__wal_open(s, err))) return rc;
    if ((rc = tds_logstore_wal_sync(s)))
        return td_error_set(err, TD_EIO, TD_MSG_DB_FAIL, s->path, td_errno_vi_log(rc, s->path));
    return 0;
}

static int tds__wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    (void)db;
    (void)name;
    ((tds_logstore *)arg)->wal_frames = frames;
    return SQLITE_OK;
}

int tds_logstore_wal_background(tds_logstore *s, td_error *err)
{
    if (s->ckpt_db) return 0;
    if (sqlite3_open_v2(s->path, &s->ckpt_db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        int rc = td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, s->path,
                              td_sqlite_vi_db(s->ckpt_db, "opening a connection for checkpoints"));
        sqlite3_close(s->ckpt_db);
        s->ckpt_db = NULL;
        return rc;
    }
    sqlite3_busy_timeout(s->ckpt_db, TDS_LOGSTORE_BUSY_MS);
    /* NORMAL syncs a checkpoint's WAL and database as FULL does; the commit
     * of tds_logstore_wal_restart needs no sync (it changes nothing; the
     * next sync of the WAL covers it) */
    sqlite3_exec(s->ckpt_db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    /* replaces the connection's automatic checkpoint (sqlite3_wal_hook) */
    sqlite3_wal_hook(s->db, tds__wal_hook, s);
    return 0;
}

int tds_logstore_wal_frames(const tds_logstore *s) { return s->ckpt_db ? s->wal_frames : 0; }

void tds_logstore_wal_restarted(tds_logstore *s) { s->wal_frames = 0; }

int tds_logstore_wal_checkpoint(tds_logstore *s)
{
    int rc;
    if (!s->ckpt_db) return 0;
    rc = sqlite3_wal_checkpoint_v2(s->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return rc == SQLITE_OK || rc == SQLITE_BUSY ? 0 : rc;
}

int tds_logstore_wal_restart(tds_logstore *s)
{
    sqlite3_stmt *st = NULL;
    char sql[64];
    int rc, v, n_log = -1, n_ckpt = -1;
    if (!s->ckpt_db) return 0;
    /* the writer's transaction in flight ends first (it holds the lock) */
    if ((rc = sqlite3_exec(s->ckpt_db, "BEGIN IMMEDIATE; ROLLBACK", NULL, NULL, NULL)) != SQLITE_OK) return -rc;
    /* what it committed since the last checkpoint: copied too, so that the
     * whole WAL is in the database */
    rc = sqlite3_wal_checkpoint_v2(s->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, &n_ckpt);
    if (rc == SQLITE_BUSY || (rc == SQLITE_OK && !(n_log > 0 && n_ckpt == n_log))) return 0;
    if (rc != SQLITE_OK) return -rc;
    if ((rc = sqlite3_exec(s->ckpt_db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK) return -rc;
    if ((rc = sqlite3_prepare_v2(s->ckpt_db, "PRAGMA user_version", -1, &st, NULL)) != SQLITE_OK ||
        (rc = sqlite3_step(st)) != SQLITE_ROW) {
        sqlite3_finalize(st);
        sqlite3_exec(s->ckpt_db, "ROLLBACK", NULL, NULL, NULL);
        return rc == SQLITE_OK || rc == SQLITE_DONE ? -SQLITE_ERROR : -rc;
    }
    v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
    if ((rc = sqlite3_exec(s->ckpt_db, sql, NULL, NULL, NULL)) != SQLITE_OK ||
        (rc = sqlite3_exec(s->ckpt_db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK) {
        sqlite3_exec(s->ckpt_db, "ROLLBACK", NULL, NULL, NULL);
        return -rc;
    }
    return 1;
}

void tds_logstore_rollback(tds_logstore *s)
{
    if (!s->in_tx) return;
    /* A failed COMMIT may already have rolled back; then this fails harmlessly. */
    if (sqlite3_get_autocommit(s->db) == 0) tds__step_done(s, s->q[Q_ROLLBACK], NULL, "rolling back");
    s->in_tx = 0;
    tds__nosync_end(s, NULL);
    memset(s->fr, 0, sizeof s->fr);
}

int tds_logstore_insert(tds_logstore *s, tds_logrow *row, td_error *err)
{
    return tds_logstore_insert_leaf(s, row, NULL, err);
}

int tds_logstore_insert_leaf(tds_logstore *s, tds_logrow *row, const unsigned char *leaf_in, td_error *err)
{
    sqlite3_stmt *st = s->q[Q_INSERT];
    int rc;
    if (!s->in_tx) return td_error_set(err, TD_EINTERNAL, "%s: insert outside a transaction", s->path);
    if (row->len > INT32_MAX || row->seq > INT64_MAX)
        return td_error_set(err, TD_ETOOBIG, "%s: entry too large or seq out of range", s->path);
    sqlite3_bind_blob(st, 1, row->author, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)row->seq);
    sqlite3_bind_int(st, 3, row->kind);
    sqlite3_bind_text(st, 4, row->agency ? row->agency : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, row->task);
    /* a zero-length blob would bind NULL with a NULL pointer: NOT NULL refuses it */
    sqlite3_bind_blob(st, 6, row->body ? (const void *)row->body : (const void *)"", (int)row->len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, row->received_ms);
    if ((rc = tds__step_done(s, st, err, "appending to the log"))) return rc;
    row->idx = (uint64_t)sqlite3_last_insert_rowid(s->db);
    /* The leaf, in the same transaction: the tree never lags the log.  Log
     * index i is leaf i - 1, and the tree holds exactly idx - 1 leaves
     * (idx is contiguous, and every insert went through here). */
    {
        unsigned char leaf[TD_MERKLE_HASH_LEN];
        td_merkle_store ms = tds_logstore_merkle(s);
        if (leaf_in) memcpy(leaf, leaf_in, sizeof leaf);
        else td_merkle_leaf_hash(row->body, row->len, leaf);
        if ((rc = td_merkle_append(&ms, row->idx - 1, leaf, NULL, err))) return rc;
    }
    return 0;
}

int tds_logstore_append(tds_logstore *s, tds_logrow *rows, size_t n, td_error *err)
{
    int rc;
    if ((rc = tds_logstore_begin(s, err))) return rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = tds_logstore_insert(s, &rows[i], err))) {
            tds_logstore_rollback(s);
            return rc;
        }
    return tds_logstore_commit(s, err);
}

/* One integer from a one-row query (NULL reads as 0). */
static int tds__one_u64(tds_logstore *s, sqlite3_stmt *st, uint64_t *out, td_error *err, const char *what)
{
    int step = sqlite3_step(st), rc = 0;
    if (step == SQLITE_ROW)
        *out = (uint64_t)sqlite3_column_int64(st, 0);
    else
        rc = tds__dberr(s, err, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int tds_logstore_last_seq(tds_logstore *s, const unsigned char author[32], uint64_t *seq, td_error *err)
{
    sqlite3_bind_blob(s->q[Q_LAST_SEQ], 1, author, 32, SQLITE_STATIC);
    return tds__one_u64(s, s->q[Q_LAST_SEQ], seq, err, "reading an author's last seq");
}

int tds_logstore_last_index(tds_logstore *s, uint64_t *idx, td_error *err)
{
    return tds__one_u64(s, s->q[Q_LAST_INDEX], idx, err, "reading the log size");
}

int tds_logstore_count(tds_logstore *s, uint64_t *n, td_error *err)
{
    return tds__one_u64(s, s->q[Q_COUNT], n, err, "counting the log");
}

int tds_logstore_lookup(tds_logstore *s, const unsigned char author[32], uint64_t seq, int *found,
                        uint64_t *idx, uint8_t **body, size_t *len, td_error *err)
{
    sqlite3_stmt *st = s->q[Q_LOOKUP];
    int step, rc = 0;
    *found = 0;
    if (body) *body = NULL;
    if (len) *len = 0;
    if (seq > INT64_MAX) return 0;
    sqlite3_bind_blob(st, 1, author, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *found = 1;
        if (idx) *idx = (uint64_t)sqlite3_column_int64(st, 0);
        if (body) {
            size_t n = (size_t)sqlite3_column_bytes(st, 1);
            const void *p = sqlite3_column_blob(st, 1);
            if (!(*body = malloc(n ? n : 1))) {
                rc = td_error_set(err, TD_ENOMEM, "out of memory");
                *found = 0;
            } else {
                if (n) memcpy(*body, p, n);
                if (len) *len = n;
            }
        }
    } else if (step != SQLITE_DONE) {
        rc = tds__dberr(s, err, "looking up an entry");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

struct tds__scan_fwd {
    tds_logstore_cb cb;
    void *arg;
};

static int tds__scan_row(void *arg, const td_logread_row *w)
{
    const struct tds__scan_fwd *f = arg;
    tds_logrow r;
    memset(&r, 0, sizeof r);
    r.idx = w->idx;
    if (w->author) memcpy(r.author, w->author, 32);
    r.seq = w->seq;
    r.kind = w->kind;
    r.agency = w->agency;
    r.task = w->task;
    r.body = w->body;
    r.len = w->len;
    r.received_ms = w->received_ms;
    return f->cb(f->arg, &r);
}

int tds_logstore_scan(tds_logstore *s, uint64_t since, uint64_t max_rows, int kind_filter,
                      tds_logstore_cb cb, void *arg, td_error *err)
{
    struct tds__scan_fwd f = {cb, arg};
    return td_logread_scan(s->rd, since, max_rows, kind_filter, tds__scan_row, &f, err);
}

int tds_logstore_meta_get(tds_logstore *s, const char *key, int *found, uint8_t **val, size_t *len,
                          td_error *err)
{
    sqlite3_stmt *st = s->q[Q_META_GET];
    int step, rc = 0;
    *found = 0;
    *val = NULL;
    *len = 0;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        const void *p = sqlite3_column_blob(st, 0);
        if (!(*val = malloc(n + 1))) {
            rc = td_error_set(err, TD_ENOMEM, "out of memory");
        } else {
            if (n) memcpy(*val, p, n);
            (*val)[n] = 0;
            *len = n;
            *found = 1;
        }
    } else if (step != SQLITE_DONE) {
        rc = tds__dberr(s, err, "reading meta");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int tds_logstore_meta_put(tds_logstore *s, const char *key, const uint8_t *val, size_t len, td_error *err)
{
    sqlite3_stmt *st = s->q[Q_META_PUT];
    uint8_t *old;
    size_t oldn;
    int found, rc;
    if ((rc = tds_logstore_meta_get(s, key, &found, &old, &oldn, err))) return rc;
    if (found) {
        int same = oldn == len && (len == 0 || memcmp(old, val, len) == 0);
        free(old);
        if (same) return 0;
        return td_error_set(err, TD_EEXISTS, "%s: meta \"%s\" is already set to another value", s->path, key);
    }
    if (len > INT32_MAX) return td_error_set(err, TD_ETOOBIG, "%s: meta value too large", s->path);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, len ? (const void *)val : (const void *)"", (int)len, SQLITE_STATIC);
    return tds__step_done(s, st, err, "writing meta");
}

/* ---- the Merkle tree ------------------------------------------------------ */

static int tds__tree_get(void *arg, unsigned level, uint64_t index, unsigned char out[TD_MERKLE_HASH_LEN])
{
    tds_logstore *s = arg;
    sqlite3_stmt *st = s->q[Q_TREE_GET];
    int step, rc = 0;
    if (index > INT64_MAX) return TD_ENOTFOUND;
    for (int k = 0; level < 64 && k < 2; k++)
        if (s->fr[level][k].ok && s->fr[level][k].idx == index) {
            memcpy(out, s->fr[level][k].h, TD_MERKLE_HASH_LEN);
            return 0;
        }
    s->tree_reads++;
    sqlite3_bind_int(st, 1, (int)level);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 0) == TD_MERKLE_HASH_LEN)
            memcpy(out, sqlite3_column_blob(st, 0), TD_MERKLE_HASH_LEN);
        else
            rc = TD_EDB;   /* a damaged row: the tree cannot be trusted */
    } else {
        rc = step == SQLITE_DONE ? TD_ENOTFOUND : TD_EDB;
    }
    if (rc == TD_EDB) td_log_error("%s: reading tree hash (%u, %llu): %s", s->path, level,
                                   (unsigned long long)index, step == SQLITE_ROW ? "not 32 bytes" : sqlite3_errmsg(s->db));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int tds__tree_put(void *arg, unsigned level, uint64_t index, const unsigned char h[TD_MERKLE_HASH_LEN])
{
    tds_logstore *s = arg;
    sqlite3_stmt *st = s->q[Q_TREE_PUT];
    unsigned char old[TD_MERKLE_HASH_LEN];
    int rc;
    if (index > INT64_MAX) return TD_EARG;
    sqlite3_bind_int(st, 1, (int)level);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
    sqlite3_bind_blob(st, 3, h, TD_MERKLE_HASH_LEN, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : TD_EDB;
    if (rc) td_log_error("%s: writing tree hash (%u, %llu): %s", s->path, level, (unsigned long long)index,
                         sqlite3_errmsg(s->db));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (!rc && sqlite3_changes(s->db) != 1) {
        /* already there: the same hash again is a no-op (merkle.h: append
         * may be retried), another one is refused */
        if ((rc = tds__tree_get(s, level, index, old))) return rc;
        if (memcmp(old, h, TD_MERKLE_HASH_LEN) != 0) return TD_EEXISTS;
    }
    if (!rc && level < 64 && !(s->fr[level][0].ok && s->fr[level][0].idx == index)) {
        s->fr[level][1] = s->fr[level][0];
        s->fr[level][0].idx = index;
        memcpy(s->fr[level][0].h, h, TD_MERKLE_HASH_LEN);
        s->fr[level][0].ok = 1;
    }
    return rc;
}

uint64_t tds_logstore_tree_reads(const tds_logstore *s) { return s->tree_reads; }

td_merkle_store tds_logstore_merkle(tds_logstore *s)
{
    td_merkle_store st = {tds__tree_get, tds__tree_put, s};
    return st;
}

int tds_logstore_tree_size(tds_logstore *s, uint64_t *leaves, td_error *err)
{
    return tds__one_u64(s, s->q[Q_TREE_LEAVES], leaves, err, "reading the tree size");
}

int tds_logstore_tree_scan(tds_logstore *s, tds_tree_cb cb, void *arg, td_error *err)
{
    sqlite3_stmt *st = s->q[Q_TREE_SCAN];
    int step, rc = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        unsigned char h[TD_MERKLE_HASH_LEN];
        int ok = sqlite3_column_bytes(st, 2) == TD_MERKLE_HASH_LEN;
        if (ok) memcpy(h, sqlite3_column_blob(st, 2), TD_MERKLE_HASH_LEN);
        else memset(h, 0, sizeof h);   /* a damaged row: no hash matches all zeros */
        if ((rc = cb(arg, (unsigned)sqlite3_column_int(st, 0), (uint64_t)sqlite3_column_int64(st, 1), h)) != 0)
            break;
    }
    if (!rc && step != SQLITE_DONE) rc = tds__dberr(s, err, "reading the tree");
    sqlite3_reset(st);
    return rc;
}

/* ---- checkpoints ------------------------------------------------------------ */

void tds_checkpoint_row_free(tds_checkpoint_row *c)
{
    if (!c) return;
    free(c->note);
    memset(c, 0, sizeof *c);
}

/* A checkpoint read through logread; a root that is not 32 bytes is a damaged database. */
static int tds__cp_take(tds_logstore *s, int rc, int *found, td_logread_cp *r, tds_checkpoint_row *c, td_error *err)
{
    memset(c, 0, sizeof *c);
    if (rc || !*found) return rc;
    if (!r->has_root) {
        rc = td_error_set(err, TD_EDB, "%s: checkpoint of size %llu: root is not 32 bytes", s->path,
                          (unsigned long long)r->size);
        td_logread_cp_free(r);
        *found = 0;
        return rc;
    }
    c->size = r->size;
    memcpy(c->root, r->root, TD_MERKLE_HASH_LEN);
    c->note = r->note;   /* ownership passes to c */
    c->note_len = r->note_len;
    c->signed_ms = r->signed_ms;
    return 0;
}

int tds_logstore_checkpoint_latest(tds_logstore *s, int *found, tds_checkpoint_row *c, td_error *err)
{
    td_logread_cp r;
    int rc = td_logread_checkpoint_latest(s->rd, found, &r, err);
    return tds__cp_take(s, rc, found, &r, c, err);
}

int tds_logstore_checkpoint_get(tds_logstore *s, uint64_t size, int *found, tds_checkpoint_row *c, td_error *err)
{
    td_logread_cp r;
    int rc = td_logread_checkpoint_get(s->rd, size, found, &r, err);
    return tds__cp_take(s, rc, found, &r, c, err);
}

int tds_logstore_checkpoint_put(tds_logstore *s, uint64_t size, const unsigned char root[32], const char *note,
                                size_t note_len, int64_t signed_ms, td_error *err)
{
    sqlite3_stmt *st = s->q[Q_CP_PUT];
    if (size > INT64_MAX || note_len > INT32_MAX)
        return td_error_set(err, TD_ETOOBIG, "%s: checkpoint out of range", s->path);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
    sqlite3_bind_blob(st, 2, root, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, note, (int)note_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, signed_ms);
    return tds__step_done(s, st, err, "recording a checkpoint");
}

/* ---- cosignatures ------------------------------------------------------------- */

int tds_logstore_cosig_put(tds_logstore *s, uint64_t size, const char *name, const unsigned char key[32],
                           const char *agency, const char *line, int64_t received_ms, int *inserted, td_error *err)
{
    sqlite3_stmt *st = s->q[Q_COSIG_GET];
    char witness[TDS_WITNESS_ID_MAX], hex[65];
    int step, rc;
    *inserted = 0;
    if (size > INT64_MAX) return td_error_set(err, TD_EARG, "%s: cosignature size out of range", s->path);
    sodium_bin2hex(hex, sizeof hex, key, 32);
    if ((size_t)snprintf(witness, sizeof witness, "%s %s %s", name, agency, hex) >= sizeof witness)
        return td_error_set(err, TD_EARG, "%s: witness name too long", s->path);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
    sqlite3_bind_text(st, 2, witness, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (step == SQLITE_ROW) return 0;      /* the first one is kept (append-only) */
    if (step != SQLITE_DONE) return tds__dberr(s, err, "reading cosignatures");
    st = s->q[Q_COSIG_PUT];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
    sqlite3_bind_text(st, 2, witness, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, line, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, received_ms);
    sqlite3_bind_blob(st, 5, key, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, agency, -1, SQLITE_STATIC);
    if ((rc = tds__step_done(s, st, err, "recording a cosignature"))) return rc;
    *inserted = 1;
    return 0;
}

int tds_logstore_cosigs(tds_logstore *s, uint64_t size, tds_cosig_cb cb, void *arg, td_error *err)
{
    return td_logread_cosigs_at(s->rd, size, cb, arg, err);
}

int tds_logstore_witnesses(tds_logstore *s, tds_cosig_cb cb, void *arg, td_error *err)
{
    return td_logread_witnesses(s->rd, cb, arg, err);
}

/* ---- attachments (migration 3) ------------------------------------------ */

static void tds__bind_key(sqlite3_stmt *st, const unsigned char owner[32], const unsigned char sha[32])
{
    sqlite3_bind_blob(st, 1, owner, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, sha, 32, SQLITE_STATIC);
}

static void tds__done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void tds__copy_mime(char dst[TDS_BLOB_MIME_MAX + 1], const unsigned char *src)
{
    snprintf(dst, TDS_BLOB_MIME_MAX + 1, "%s", src ? (const char *)src : "");
}

int tds_logstore_blob_find(tds_logstore *s, const unsigned char sha[32], int *found, tds_blob_meta *out,
                           td_error *err)
{
    sqlite3_stmt *st = s->b[B_FIND];
    int step, rc = 0;
    *found = 0;
    memset(out, 0, sizeof *out);
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *found = 1;
        out->id = sqlite3_column_int64(st, 0);
        tds__copy_mime(out->mime, sqlite3_column_text(st, 1));
        out->size = (uint64_t)sqlite3_column_int64(st, 2);
        if (sqlite3_column_bytes(st, 3) == 32) memcpy(out->uploader, sqlite3_column_blob(st, 3), 32);
    } else if (step != SQLITE_DONE) {
        rc = tds__dberr(s, err, "looking up an attachment");
    }
    tds__done(st);
    return rc;
}

int tds_logstore_blob_read(tds_logstore *s, const tds_blob_meta *b, uint64_t off, uint8_t *buf, size_t n,
                           td_error *err)
{
    sqlite3_blob *h = NULL;
    int rc = 0;
    if (off > b->size || n > b->size - off || n > INT32_MAX)
        return td_error_set(err, TD_EARG, "%s: read of %zu bytes at %llu outside an attachment of %llu bytes",
                            s->path, n, (unsigned long long)off, (unsigned long long)b->size);
    if (n == 0) return 0;
    /* incremental I/O: reads the pages of [off, off+n) only */
    if (sqlite3_blob_open(s->db, "main", "blob", "data", b->id, 0, &h) != SQLITE_OK ||
        sqlite3_blob_read(h, buf, (int)n, (int)off) != SQLITE_OK)
        rc = tds__dberr(s, err, "reading an attachment");
    sqlite3_blob_close(h);
    return rc;
}

int tds_logstore_upload_get(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                            int *found, tds_upload *out, td_error *err)
{
    sqlite3_stmt *st = s->b[B_UP_GET];
    int step, rc = 0;
    *found = 0;
    memset(out, 0, sizeof *out);
    tds__bind_key(st, owner, sha);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *found = 1;
        out->size = (uint64_t)sqlite3_column_int64(st, 0);
        tds__copy_mime(out->mime, sqlite3_column_text(st, 1));
        out->have = (uint64_t)sqlite3_column_int64(st, 2);
        out->touched_ms = sqlite3_column_int64(st, 3);
    } else if (step != SQLITE_DONE) {
        rc = tds__dberr(s, err, "reading an upload");
    }
    tds__done(st);
    return rc;
}

/* End a transaction begun by the caller: commit if the body succeeded. */
static int tds__in_tx(tds_logstore *s, int rc_body, td_error *err)
{
    if (rc_body) {
        tds_logstore_rollback(s);
        return rc_body;
    }
    return tds_logstore_commit(s, err);
}

int tds_logstore_upload_start(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                              uint64_t size, const char *mime, int64_t now_ms, td_error *err)
{
    sqlite3_stmt *st = s->b[B_UP_START];
    int rc;
    if (size > INT64_MAX) return td_error_set(err, TD_ETOOBIG, "%s: upload size out of range", s->path);
    if ((rc = tds_logstore_begin(s, err))) return rc;
    tds__bind_key(st, owner, sha);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
    sqlite3_bind_text(st, 4, mime, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now_ms);
    return tds__in_tx(s, tds__step_done(s, st, err, "recording an upload"), err);
}

int tds_logstore_upload_reserved(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                                 uint64_t *bytes, td_error *err)
{
    tds__bind_key(s->b[B_RESERVED], owner, sha);
    return tds__one_u64(s, s->b[B_RESERVED], bytes, err, "summing a device's uploads");
}

int tds_logstore_upload_chunk(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                              uint64_t off, const uint8_t *data, size_t n, int64_t now_ms, td_error *err)
{
    sqlite3_stmt *st;
    int rc;
    if (n == 0 || n > INT32_MAX || off > INT64_MAX - n)
        return td_error_set(err, TD_EARG, "%s: chunk of %zu bytes at %llu out of range", s->path, n,
                            (unsigned long long)off);
    if ((rc = tds_logstore_begin(s, err))) return rc;
    st = s->b[B_PART_PUT];
    tds__bind_key(st, owner, sha);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)off);
    sqlite3_bind_blob(st, 4, data, (int)n, SQLITE_STATIC);
    rc = tds__step_done(s, st, err, "storing a chunk");
    if (!rc) {
        st = s->b[B_UP_HAVE];
        tds__bind_key(st, owner, sha);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)(off + n));
        sqlite3_bind_int64(st, 4, now_ms);
        rc = tds__step_done(s, st, err, "recording a chunk");
    }
    return tds__in_tx(s, rc, err);
}

static int tds__upload_delete(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                              td_error *err)
{
    int rc;
    tds__bind_key(s->b[B_PART_DEL], owner, sha);
    if ((rc = tds__step_done(s, s->b[B_PART_DEL], err, "dropping chunks"))) return rc;
    tds__bind_key(s->b[B_UP_DEL], owner, sha);
    return tds__step_done(s, s->b[B_UP_DEL], err, "dropping an upload");
}

int tds_logstore_upload_drop(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                             td_error *err)
{
    int rc;
    if ((rc = tds_logstore_begin(s, err))) return rc;
    return tds__in_tx(s, tds__upload_delete(s, owner, sha, err), err);
}

int tds_logstore_upload_finish(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32],
                               int64_t now_ms, tds_chunk_check check, void *arg, td_error *err)
{
    tds_upload u;
    tds_blob_meta have;
    sqlite3_blob *h = NULL;
    sqlite3_stmt *st;
    uint64_t expect = 0;
    int found, step, rc, verdict = 0;

    if ((rc = tds_logstore_begin(s, err))) return rc;
    if ((rc = tds_logstore_upload_get(s, owner, sha, &found, &u, err))) goto fail;
    if (!found || u.have != u.size) {
        rc = td_error_set(err, TD_EARG, "%s: no finished upload to store", s->path);
        goto fail;
    }
    if ((rc = tds_logstore_blob_find(s, sha, &found, &have, err))) goto fail;
    /* Already stored (another device's upload): the content is checked all
     * the same, and then only its holder recorded. */
    if (!found) {
        st = s->b[B_INSERT];
        sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, u.mime, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)u.size);
        sqlite3_bind_blob(st, 4, owner, 32, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, now_ms);
        if ((rc = tds__step_done(s, st, err, "storing an attachment"))) goto fail;
        if (sqlite3_blob_open(s->db, "main", "blob", "data", sqlite3_last_insert_rowid(s->db), 1, &h) != SQLITE_OK) {
            rc = tds__dberr(s, err, "opening an attachment for writing");
            goto fail;
        }
    }
    /* One chunk row at a time: memory stays at one chunk. */
    st = s->b[B_PART_SCAN];
    tds__bind_key(st, owner, sha);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t off = (uint64_t)sqlite3_column_int64(st, 0);
        const uint8_t *p = sqlite3_column_blob(st, 1);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        if (off != expect || n == 0 || n > u.size - off) {
            rc = td_error_set(err, TD_EDB, "%s: the chunks of an upload do not line up at %llu", s->path,
                              (unsigned long long)expect);
            break;
        }
        if ((verdict = check(arg, p, n)) != 0) break;
        if (h && sqlite3_blob_write(h, p, (int)n, (int)off) != SQLITE_OK) {
            rc = tds__dberr(s, err, "writing an attachment");
            break;
        }
        expect = off + n;
    }
    if (!rc && !verdict && step != SQLITE_DONE && step != SQLITE_ROW) rc = tds__dberr(s, err, "reading chunks");
    tds__done(st);
    if (!rc && !verdict && expect != u.size)
        rc = td_error_set(err, TD_EDB, "%s: an upload's chunks end at %llu of %llu bytes", s->path,
                          (unsigned long long)expect, (unsigned long long)u.size);
    if (!rc && !verdict) verdict = check(arg, NULL, 0);
    if (h && sqlite3_blob_close(h) != SQLITE_OK && !rc && !verdict) rc = tds__dberr(s, err, "writing an attachment");
    h = NULL;
    if (!rc && !verdict && found) {
        st = s->b[B_HOLDER_PUT];
        tds__bind_key(st, owner, sha);
        rc = tds__step_done(s, st, err, "recording an attachment's holder");
    }
    if (rc || verdict) goto fail;
    return tds__in_tx(s, tds__upload_delete(s, owner, sha, err), err);
fail:
    if (h) sqlite3_blob_close(h);
    tds_logstore_rollback(s);
    return rc ? rc : verdict;
}

int tds_logstore_upload_expire(tds_logstore *s, int64_t before_ms, uint64_t *n, td_error *err)
{
    int rc;
    if (n) *n = 0;
    if ((rc = tds_logstore_begin(s, err))) return rc;
    sqlite3_bind_int64(s->b[B_EXP_PART], 1, before_ms);
    rc = tds__step_done(s, s->b[B_EXP_PART], err, "expiring chunks");
    if (!rc) {
        sqlite3_bind_int64(s->b[B_EXP_UP], 1, before_ms);
        rc = tds__step_done(s, s->b[B_EXP_UP], err, "expiring uploads");
        if (!rc && n) *n = (uint64_t)sqlite3_changes(s->db);
    }
    return tds__in_tx(s, rc, err);
}

int tds_logstore_blob_ref_put(tds_logstore *s, const unsigned char sha[32], uint64_t idx, td_error *err)
{
    sqlite3_stmt *st = s->b[B_REF_PUT];
    if (!s->in_tx) return td_error_set(err, TD_EINTERNAL, "%s: blob reference outside a transaction", s->path);
    if (idx > INT64_MAX) return td_error_set(err, TD_EARG, "%s: log index out of range", s->path);
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
    return tds__step_done(s, st, err, "recording an attachment reference");
}

int tds_logstore_blob_held(tds_logstore *s, const unsigned char owner[32], const unsigned char sha[32], int *held,
                           td_error *err)
{
    uint64_t n = 0;
    int rc;
    tds__bind_key(s->b[B_HOLDER_HAS], owner, sha);
    rc = tds__one_u64(s, s->b[B_HOLDER_HAS], &n, err, "looking up an attachment's holders");
    *held = !rc && n > 0;
    return rc;
}

int tds_logstore_in_tx(const tds_logstore *s) { return s->in_tx; }

int tds_logstore_blob_refs(tds_logstore *s, const unsigned char sha[32], tds_ref_cb cb, void *arg, td_error *err)
{
    sqlite3_stmt *st = s->b[B_REF_LIST];
    int step, rc = 0;
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *ag = sqlite3_column_text(st, 2);
        if ((rc = cb(arg, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
                     ag ? (const char *)ag : "", (uint32_t)sqlite3_column_int64(st, 3))) != 0)
            break;
    }
    if (!rc && step != SQLITE_DONE) rc = tds__dberr(s, err, "reading attachment references");
    tds__done(st);
    return rc;
}
/* ---- backup and verification (docs/ARCHITECTURE.md §9) --------------- */

int tds_logstore_backup(tds_logstore *s, const char *dest, const tds_backup_opts *o, tds_backup_stats *stats,
                        td_error *err)
{
    sqlite3 *dst = NULL;
    sqlite3_backup *b = NULL;
    int step_pages = o && o->step_pages > 0 ? o->step_pages : TDS_BACKUP_STEP_PAGES;
    int pause_ms = o && o->pause_ms >= 0 ? o->pause_ms : TDS_BACKUP_PAUSE_MS;
    uint64_t steps = 0, budget;
    int rc = 0, step, fd;

    memset(stats, 0, sizeof *stats);
    /* O_EXCL: a backup never overwrites anything; 0600 like the database. */
    fd = open(dest, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return td_error_set(err, errno == EEXIST ? TD_EEXISTS : TD_EIO, TD_MSG_FILE_WRITE, dest, td_errno_vi_log(errno, dest));
    close(fd);
    if (sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, dest, td_sqlite_vi_db(dst, "open"));
        goto out;
    }
    if (!(b = sqlite3_backup_init(dst, "main", s->db, "main"))) {
        rc = td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, dest, td_sqlite_vi_db(dst, "backup cannot start"));
        goto out;
    }
    /* Steps of step_pages pages, each a short read transaction on the
     * source: the server's writers are never blocked (WAL readers do not
     * block writers anyway), and a commit by the server between two steps
     * makes SQLite restart the copy from page 1 so that the copy is always
     * one consistent snapshot.  A log that grows faster than the copy
     * advances would restart for ever: after `budget` steps the rest is
     * copied in one step (one read transaction, which in WAL mode still
     * does not block the server's writes). */
    budget = 0;
    for (;;) {
        step = sqlite3_backup_step(b, budget && steps >= budget ? -1 : step_pages);
        steps++;
        if (!budget) {
            int total = sqlite3_backup_pagecount(b);
            budget = (uint64_t)(total / step_pages + 1) * TDS_BACKUP_RESTART_FACTOR + 16;
        }
        if (step == SQLITE_DONE) break;
        if (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED) {
            if (pause_ms) sqlite3_sleep(pause_ms);
            continue;
        }
        rc = td_error_set(err, TD_EDB, "%s: backup step failed: %s", dest, sqlite3_errstr(step));
        goto out;
    }
    stats->pages = (uint64_t)sqlite3_backup_pagecount(b);
    stats->steps = steps;
    if (sqlite3_backup_finish(b) != SQLITE_OK) {
        b = NULL;
        rc = td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, dest, td_sqlite_vi_db(dst, "backup did not finish"));
        goto out;
    }
    b = NULL;
    /* The copy stands alone as one file: no -wal beside it. */
    {
        char *msg = NULL;
        if (sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, &msg) != SQLITE_OK) {
            rc = td_error_set(err, TD_EDB, "%s: %s", dest, msg ? msg : "journal_mode");
            sqlite3_free(msg);
            goto out;
        }
    }
out:
    if (b) sqlite3_backup_finish(b);
    if (dst && sqlite3_close(dst) != SQLITE_OK) rc = rc ? rc : td_error_set(err, TD_EDB, "%s: close failed", dest);
    if (rc) unlink(dest);
    return rc;
}

int tds_logstore_integrity(tds_logstore *s, td_error *err)
{
    sqlite3_stmt *st;
    int rc = 0, step;
    if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return tds__dberr(s, err, "integrity_check");
    step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        rc = tds__dberr(s, err, "integrity_check");
    } else {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        if (!r || strcmp(r, "ok") != 0)
            rc = td_error_set(err, TD_EDB, "%s: integrity_check: %.300s", s->path, r ? r : "(null)");
    }
    sqlite3_finalize(st);
    return rc;
}

typedef struct tds_verify {
    tds_logstore *s;
    td_merkle_store st;
    uint64_t next;
    td_error *err;
    int rc;
} tds_verify;

static int tds__verify_cb(void *arg, const tds_logrow *r)
{
    tds_verify *v = arg;
    unsigned char leaf[TD_MERKLE_HASH_LEN], stored[TD_MERKLE_HASH_LEN];
    if (r->idx != v->next) {
        v->rc = td_error_set(v->err, TD_EDB, "%s: log index %llu follows %llu: the log has a hole", v->s->path,
                             (unsigned long long)r->idx, (unsigned long long)(v->next - 1));
        return 1;
    }
    td_merkle_leaf_hash(r->body, r->len, leaf);
    if ((v->rc = v->st.get(v->st.arg, 0, r->idx - 1, stored))) {
        td_error_set(v->err, TD_EDB, "%s: no tree leaf for log index %llu", v->s->path, (unsigned long long)r->idx);
        return 1;
    }
    if (memcmp(leaf, stored, sizeof leaf)) {
        v->rc = td_error_set(v->err, TD_EDB, "%s: log index %llu: its bytes do not hash to the stored leaf",
                             v->s->path, (unsigned long long)r->idx);
        return 1;
    }
    v->next++;
    return 0;
}

int tds_logstore_verify(tds_logstore *s, tds_logstore_summary *out, td_error *err)
{
    tds_verify v;
    tds_checkpoint_row cp;
    uint64_t leaves = 0;
    int rc, found = 0;

    memset(out, 0, sizeof *out);
    memset(&v, 0, sizeof v);
    v.s = s;
    v.st = tds_logstore_merkle(s);
    v.next = 1;
    v.err = err;
    rc = tds_logstore_scan(s, 1, 0, 0, tds__verify_cb, &v, err);
    if (v.rc) return v.rc;
    if (rc) return rc < 0 ? rc : td_error_set(err, TD_EDB, "%s: reading the log failed", s->path);
    out->size = v.next - 1;
    if ((rc = tds_logstore_tree_size(s, &leaves, err))) return rc;
    if (leaves != out->size)
        return td_error_set(err, TD_EDB, "%s: the tree has %llu leaves but the log %llu entries", s->path,
                            (unsigned long long)leaves, (unsigned long long)out->size);
    if ((rc = td_merkle_root(&v.st, out->size, out->root, err))) return rc;
    memset(&cp, 0, sizeof cp);
    if ((rc = tds_logstore_checkpoint_latest(s, &found, &cp, err))) return rc;
    if (found) {
        unsigned char at[TD_MERKLE_HASH_LEN];
        out->cp_size = cp.size;
        if (cp.size > out->size) {
            rc = td_error_set(err, TD_EDB, "%s: checkpoint of size %llu but only %llu entries", s->path,
                              (unsigned long long)cp.size, (unsigned long long)out->size);
        } else if ((rc = td_merkle_root(&v.st, cp.size, at, err)) == 0 && memcmp(at, cp.root, sizeof at)) {
            rc = td_error_set(err, TD_EDB, "%s: the root of the first %llu entries differs from the signed checkpoint's",
                              s->path, (unsigned long long)cp.size);
        }
        memcpy(out->cp_root, cp.root, sizeof out->cp_root);
        tds_checkpoint_row_free(&cp);
    }
    return rc;
}

int tds_logstore_root_at(tds_logstore *s, uint64_t size, unsigned char root[TD_MERKLE_HASH_LEN], td_error *err)
{
    td_merkle_store st = tds_logstore_merkle(s);
    return td_merkle_root(&st, size, root, err);
}

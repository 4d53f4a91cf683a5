/* replica.c — see replica.h.  All SQL of the replica lives in this file. */
#include "replica.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "derive_snap.h"
#include "entry.h"
#include "grow.h"
#include "log.h"
#include "logread.h"
#include "sync_limits.h"
#include "oserr.h"
#include "msg.h"

/* How long a writer waits for another process holding the database (a
 * `tiendo report` while `tiendo sync --watch` commits a batch). */
#define TDC_REPLICA_BUSY_MS 10000

struct tdc_replica {
    sqlite3 *db;
    char *path;
    td_state *st;        /* NULL when opened without a CA */
    uint64_t cursor;     /* mirror of meta.cursor */
    uint64_t rescan_until; /* mirror of meta.rescan_until: 0, or re-pulling [1, it) (tdc_replica_visibility) */
    int refold;          /* a rescan inserted entries below ones folded: fold again from scratch */
    int64_t pulled_gen;  /* meta.pulled_gen when the state was folded (tdc_replica_refresh) */
    uint64_t snap_loaded; /* last index of the stored fold the last full rebuild started from, 0 = none */
    int snap_stale;      /* a stored fold this build cannot use (other format, damaged): stored again */
    int no_snap;         /* tdc__rebuild folds the rows only, up to fold_until (0: all) */
    uint64_t fold_until;
    int in_read;         /* tdc_replica_fold_db inside the caller's read transaction: no BEGIN, no ROLLBACK */
    int ro;              /* where this process cannot write (tdc__ro_place): opened read-only, nothing stored */
    /* COUNT(*) of pulled reads the whole table: kept while no connection
     * has written (PRAGMA data_version) and this one has not stored */
    uint64_t n_pulled;
    int64_t n_pulled_dv;
    int n_pulled_ok;
    X509 *ca;            /* borrowed: the state's anchor */
    /* visibility tracking of one sync (tdc_replica_visibility_begin): the
     * tasks shown under every rule the server may have filtered this run's
     * pulls with (intersection), and the rescan's task filter */
    char vis_agency[TD_AGENCY_MAX + 1];
    int vis_track, vis_before_ok;
    uint32_t *vis_inter;
    size_t n_vis_inter;
    uint32_t *rescan_tasks;
    size_t n_rescan_tasks;
};

/* The plan's tasks on which agency is lead or partner under the visibility
 * rule (derive.h), in plan order; *v malloc'd (NULL when none). */
static int tdc__vis_tasks(const td_state *st, const char *agency, uint32_t **v, size_t *n)
{
    const td_plan *p = td_state_plan(st);
    *v = NULL;
    *n = 0;
    if (!p->n_tasks) return 0;
    if (!(*v = malloc(p->n_tasks * sizeof **v))) return TD_ENOMEM;
    for (size_t i = 0; i < p->n_tasks; i++)
        if (td_state_agency_on_task(st, (uint32_t)p->tasks[i].number, agency)) (*v)[(*n)++] = (uint32_t)p->tasks[i].number;
    return 0;
}

static int tdc__has_task(const uint32_t *v, size_t n, uint32_t t)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == t) return 1;
    return 0;
}

/* vis_inter = vis_inter ∩ (tasks shown now). */
static void tdc__vis_intersect(tdc_replica *r)
{
    uint32_t *now;
    size_t n, k = 0;
    if (tdc__vis_tasks(r->st, r->vis_agency, &now, &n)) {
        r->vis_before_ok = 0;   /* out of memory: fall back to a full rescan */
        return;
    }
    for (size_t i = 0; i < r->n_vis_inter; i++)
        if (tdc__has_task(now, n, r->vis_inter[i])) r->vis_inter[k++] = r->vis_inter[i];
    r->n_vis_inter = k;
    free(now);
}

/* ---- schema ------------------------------------------------------------- */

/* Migration N brings user_version from N-1 to N.  Never edit a migration
 * that has shipped: add the next one. */
static const char *const tdc__migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE pulled("
    "  idx INTEGER PRIMARY KEY,"          /* server log index */
    "  body BLOB NOT NULL,"               /* serialized SignedEntry */
    "  received_ms INTEGER NOT NULL);"    /* server receive time */
    "CREATE TABLE outbox("
    "  seq INTEGER PRIMARY KEY,"          /* author seq, 1, 2, 3 ... */
    "  kind INTEGER NOT NULL,"
    "  body BLOB NOT NULL,"               /* serialized SignedEntry */
    "  created_ms INTEGER NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (status IN ('pending','stored','duplicate','refused')),"
    "  idx INTEGER,"                      /* log index once acked */
    "  reason TEXT,"                      /* why refused */
    "  summary TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX outbox_by_status ON outbox(status, seq);"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO meta(key, value) VALUES ('cursor', 1), ('hlc', 0), ('last_sync_ms', 0),"
    "  ('log_size', 0);",
    /* 2: the audit tables (docs/ARCHITECTURE.md §4).  checkpoint holds every server
     * checkpoint this replica verified (signature, origin, consistency with
     * the previous one), so each row is consistent with all earlier rows;
     * alarm keeps the evidence of a failed verification for ever: an
     * acknowledgement only sets acked_ms. */
    "CREATE TABLE checkpoint("
    "  size INTEGER PRIMARY KEY,"         /* tree size */
    "  root BLOB NOT NULL,"               /* 32-byte RFC 6962 root */
    "  note TEXT NOT NULL,"               /* the signed note, as received */
    "  verified_ms INTEGER NOT NULL);"
    "CREATE TABLE alarm("
    "  id INTEGER PRIMARY KEY,"
    "  at_ms INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"               /* TDC_ALARM_* */
    "  old_note TEXT,"                    /* last verified checkpoint (NULL if none) */
    "  new_note TEXT,"                    /* the checkpoint that failed */
    "  proof BLOB,"                       /* the consistency proof, 32-byte hashes */
    "  detail TEXT NOT NULL DEFAULT '',"  /* what failed (English) */
    "  old_size INTEGER NOT NULL DEFAULT 0,"
    "  new_size INTEGER NOT NULL DEFAULT 0,"
    "  acked_ms INTEGER);"                /* NULL until `tiendo status --clear-alarm` */
    "CREATE TRIGGER alarm_keep BEFORE DELETE ON alarm BEGIN"
    "  SELECT RAISE(ABORT, 'alarm evidence is kept');"
    " END;"
    "INSERT INTO meta(key, value) VALUES ('cosigned_size', 0);",
    /* 3: the office workflow.  draft holds reports being written: NOT
     * signed, editable, deleted when submitted (the signed entry then sits
     * in the outbox); one draft per (kind, key), key e.g. "27/2025-06".
     * blob holds attachment bytes by SHA-256, checked against the hash
     * before insert; uploaded_ms is set once the server has the whole file
     * (client/draft.c and client/blob.c own the SQL of these tables). */
    "CREATE TABLE draft("
    "  id INTEGER PRIMARY KEY,"
    "  kind INTEGER NOT NULL,"             /* TIENDO__ENTRY_KIND__* it will become */
    "  key TEXT NOT NULL,"                 /* "TASK/YYYY-MM" or "CODE/YYYY-MM" */
    "  payload BLOB NOT NULL,"             /* the serialized payload, unsigned */
    "  created_ms INTEGER NOT NULL,"
    "  updated_ms INTEGER NOT NULL,"
    "  UNIQUE(kind, key));"
    "CREATE TABLE blob("
    "  sha256 BLOB PRIMARY KEY CHECK (length(sha256) = 32),"
    "  mime TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  data BLOB NOT NULL,"
    "  added_ms INTEGER NOT NULL,"
    "  uploaded_ms INTEGER) WITHOUT ROWID;",
    /* 4: who acknowledged an alarm and the note they wrote (what they
     * checked, with whom); the evidence columns are never touched. */
    "ALTER TABLE alarm ADD COLUMN acked_by TEXT;"
    "ALTER TABLE alarm ADD COLUMN acked_note TEXT;",
    /* 5: the persisted fold (docs/ARCHITECTURE.md, "The persisted fold"):
     * one row, the state folded from the pulled rows up to last_idx
     * (common/derive_snap.h), bound to what it covers by pulled_gen, the
     * SHA-256 of the body at last_idx and of the CA certificate.  A cache:
     * dropping the row only makes the next open fold everything. */
    "CREATE TABLE fold_snapshot("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  pulled_gen INTEGER NOT NULL,"       /* meta.pulled_gen when folded */
    "  last_idx INTEGER NOT NULL,"         /* the last pulled row folded in */
    "  n_entries INTEGER NOT NULL,"        /* pulled rows folded (idx <= last_idx) */
    "  last_hash BLOB NOT NULL,"           /* SHA-256 of that row's body */
    "  ca_hash BLOB NOT NULL,"             /* SHA-256 of the CA certificate (DER) */
    "  state BLOB NOT NULL,"               /* td_state_snap_encode */
    "  written_ms INTEGER NOT NULL);",
};
#define TDC_SCHEMA_VERSION ((int)(sizeof tdc__migrations / sizeof tdc__migrations[0]))

static const char *const tdc__status_names[] = {"pending", "stored", "duplicate", "refused"};

const char *tdc_out_status_name(tdc_out_status s)
{
    return (unsigned)s < 4 ? tdc__status_names[s] : "?";
}

static tdc_out_status tdc__status_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (s && !strcmp(s, tdc__status_names[i])) return (tdc_out_status)i;
    return TDC_OUT_PENDING;
}

static int tdc__dberr(tdc_replica *r, td_error *err, const char *what)
{
    return td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, r->path, td_sqlite_vi_db(r->db, what));
}

static int tdc__exec(tdc_replica *r, const char *sql, td_error *err)
{
    char *msg = NULL;
    /* a transaction sees the database as it is now: the stored fold's blob, which the state may hold open
     * to read its texts, is let go first */
    if (r->st && !strncmp(sql, "BEGIN", 5)) td_state_snap_idle(r->st);
    if (sqlite3_exec(r->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, r->path, td_sqlite_vi_db(r->db, sql));
        sqlite3_free(msg);
        return TD_EDB;
    }
    return TD_OK;
}

static int tdc__prepare(tdc_replica *r, const char *sql, sqlite3_stmt **st, td_error *err)
{
    if (sqlite3_prepare_v2(r->db, sql, -1, st, NULL) != SQLITE_OK) return tdc__dberr(r, err, sql);
    return TD_OK;
}

static void tdc__rollback(tdc_replica *r)
{
    if (!r->in_read && !sqlite3_get_autocommit(r->db)) sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- meta --------------------------------------------------------------- */

static int tdc__meta_read(tdc_replica *r, const char *key, int64_t *v, td_error *err)
{
    sqlite3_stmt *st;
    int rc;
    if ((rc = tdc__prepare(r, "SELECT value FROM meta WHERE key = ?1", &st, err))) return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *v = sqlite3_column_int64(st, 0);
        rc = TD_OK;
    } else if (rc == SQLITE_DONE) {
        *v = 0;
        rc = TD_OK;
    } else {
        rc = tdc__dberr(r, err, "reading meta");
    }
    sqlite3_finalize(st);
    return rc;
}

/* BEGIN IMMEDIATE, but only if the cursor is still the one this replica
 * pulled from: another process (a second `tiendo sync`) may have committed
 * a batch since we read it, and its entries are in; ours would duplicate.
 * On failure no transaction is left open. */
static int tdc__begin_at_cursor(tdc_replica *r, td_error *err)
{
    int64_t cursor_db;
    int rc;
    if ((rc = tdc__exec(r, "BEGIN IMMEDIATE", err))) return rc;
    if (!(rc = tdc__meta_read(r, "cursor", &cursor_db, err)) && (uint64_t)cursor_db != r->cursor)
        rc = td_error_set(err, TD_EBUSY, "%s: " TD_MSG_REPLICA_CHANGED_BY_OTHER,
                          r->path, (long long)cursor_db, (unsigned long long)r->cursor);
    if (rc) tdc__rollback(r);
    return rc;
}

/* meta key = v (raise: max(its value, v)), in one statement. */
static int tdc__meta_set(tdc_replica *r, const char *key, int64_t v, int raise, td_error *err)
{
    sqlite3_stmt *st;
    int rc;
    if ((rc = tdc__prepare(r, raise ? "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                                      "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)"
                                    : "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           &st, err)))
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, v);
    rc = sqlite3_step(st) == SQLITE_DONE ? TD_OK : tdc__dberr(r, err, "writing meta");
    sqlite3_finalize(st);
    return rc;
}

static int tdc__meta_write(tdc_replica *r, const char *key, int64_t v, td_error *err)
{
    return tdc__meta_set(r, key, v, 0, err);
}

static int tdc__meta_raise(tdc_replica *r, const char *key, int64_t v, td_error *err)
{
    return tdc__meta_set(r, key, v, 1, err);
}

/*
 * The task filter of a rescan in progress (Pull.rescan_tasks) lives in meta
 * beside rescan_until, one row "rescan_task.N" per task: a rescan cut short
 * resumes at its cursor with its filter, not as a pull of everything
 * visible.  No rows: the rescan fetches everything.  Inside the caller's
 * transaction.
 */
static int tdc__rescan_tasks_save(tdc_replica *r, td_error *err)
{
    int rc;
    if ((rc = tdc__exec(r, "DELETE FROM meta WHERE key GLOB 'rescan_task.*'", err))) return rc;
    for (size_t i = 0; i < r->n_rescan_tasks; i++) {
        char key[32];
        snprintf(key, sizeof key, "rescan_task.%u", r->rescan_tasks[i]);
        if ((rc = tdc__meta_write(r, key, r->rescan_tasks[i], err))) return rc;
    }
    return TD_OK;
}

static int tdc__rescan_tasks_load(tdc_replica *r, td_error *err)
{
    sqlite3_stmt *st;
    int rc, step;
    size_t cap = 0;
    free(r->rescan_tasks);
    r->rescan_tasks = NULL;
    r->n_rescan_tasks = 0;
    if ((rc = tdc__prepare(r, "SELECT value FROM meta WHERE key GLOB 'rescan_task.*' ORDER BY value", &st, err)))
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && r->n_rescan_tasks < TD_PULL_RESCAN_TASKS_MAX) {
        if (TD_GROW(r->rescan_tasks, cap, r->n_rescan_tasks + 1)) {
            sqlite3_finalize(st);
            return td_error_set(err, TD_ENOMEM, "%s: rescan tasks", r->path);
        }
        r->rescan_tasks[r->n_rescan_tasks++] = (uint32_t)sqlite3_column_int64(st, 0);
    }
    rc = step == SQLITE_ROW || step == SQLITE_DONE ? TD_OK : tdc__dberr(r, err, "reading the rescan tasks");
    sqlite3_finalize(st);
    return rc;
}

/* meta.pulled_gen counts the transactions that changed pulled rows other
 * than by appending above every row held: entries dropped by the visibility
 * rule, entries a rescan put in below others.  A state folded at one value
 * and extended by the rows above its last index equals a fold of the whole
 * table as long as the value has not moved (tdc_replica_refresh).  Called
 * inside the transaction that changes the rows. */
static int tdc__gen_bump(tdc_replica *r, td_error *err)
{
    return tdc__exec(r, "INSERT INTO meta(key, value) VALUES ('pulled_gen', 1) "
                        "ON CONFLICT(key) DO UPDATE SET value = value + 1",
                     err);
}

/* ---- open --------------------------------------------------------------- */

/* Whether this process may create files in the directory of file `path`. */
static int tdc__dir_writable(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup(".");
    int ok = dir && access(dir, W_OK) == 0;
    free(dir);
    return ok;
}

/* A replica that exists where this process cannot write it or beside it (read-only media, a copy handed to
 * an inspector on a locked USB stick): opened read-only, nothing migrated or stored.  One that does not exist
 * yet is created, where that can be done. */
static int tdc__ro_place(const char *path)
{
    struct stat sb;
    if (stat(path, &sb)) return 0;
    return access(path, W_OK) != 0 || !tdc__dir_writable(path);
}

static int tdc__migrate(tdc_replica *r, td_error *err)
{
    sqlite3_stmt *st;
    int version, rc;
    if ((rc = tdc__prepare(r, "PRAGMA user_version", &st, err))) return rc;
    version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (version < 0) return tdc__dberr(r, err, "reading user_version");
    if (version > TDC_SCHEMA_VERSION)
        return td_error_set(err, TD_EDB, "%s: " TD_MSG_REPLICA_SCHEMA_NEWER, r->path,
                            version, TDC_SCHEMA_VERSION);
    if (r->ro && version < TDC_SCHEMA_VERSION)
        return td_error_set(err, TD_EDB, "%s: " TD_MSG_REPLICA_RO_OLD, r->path, version, TDC_SCHEMA_VERSION);
    while (version < TDC_SCHEMA_VERSION) {
        char pragma[64];
        /* Each migration and its version bump commit together, so a kill
         * between migrations resumes at the right one. */
        if ((rc = tdc__exec(r, "BEGIN IMMEDIATE", err))) return rc;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version + 1);
        if ((rc = tdc__exec(r, tdc__migrations[version], err)) || (rc = tdc__exec(r, pragma, err)) ||
            (rc = tdc__exec(r, "COMMIT", err))) {
            tdc__rollback(r);
            return rc;
        }
        td_log_debug("%s: migrated to schema %d", r->path, version + 1);
        version++;
    }
    return TD_OK;
}

/* SHA-256 of the CA certificate's DER: which anchor a snapshot was folded with. */
static int tdc__ca_hash(X509 *ca, unsigned char out[32])
{
    unsigned char *der = NULL;
    int n = i2d_X509(ca, &der);
    if (n <= 0) return TD_ENOMEM;
    crypto_hash_sha256(out, der, (unsigned long long)n);
    OPENSSL_free(der);
    return 0;
}

/* SHA-256 of the body of pulled row idx; *found = 0 when there is none.  Inside the caller's transaction. */
static int tdc__row_hash(tdc_replica *r, uint64_t idx, unsigned char out[32], int *found, td_error *err)
{
    sqlite3_stmt *st;
    int rc, step;
    *found = 0;
    if ((rc = tdc__prepare(r, "SELECT body FROM pulled WHERE idx = ?1", &st, err))) return rc;
    sqlite3_bind_int64(st, 1, (int64_t)idx);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        crypto_hash_sha256(out, sqlite3_column_blob(st, 0), (unsigned long long)sqlite3_column_bytes(st, 0));
        *found = 1;
    }
    rc = step == SQLITE_ROW || step == SQLITE_DONE ? TD_OK : tdc__dberr(r, err, "reading a pulled entry");
    sqlite3_finalize(st);
    return rc;
}

/*
 * The persisted fold's blob lives in a file beside the replica, "<replica>.fold-<16 hex digits>" (the digits:
 * the blob's checksum, td_state_snap_peek's header bytes 48..55), never written in place: a new one is written
 * under a temporary name and renamed, and its row in fold_snapshot (state = the blob's header only) names it.
 * A command maps it and reads the main part where it lies: no copy out of the database's pages (57 MB of
 * overflow pages walked and copied cost a five-year replica's commands ~20 ms each).  A mapping stays valid
 * after the file is replaced or removed, so a state's texts are read later from the same bytes.
 */
#define TDC_FOLD_SUFFIX ".fold-"
#define TDC_FOLD_HEX 16

char *tdc_replica_fold_file(const char *db_path, const uint8_t *hdr)
{
    char hex[TDC_FOLD_HEX + 1], *out;
    size_t n = strlen(db_path) + sizeof TDC_FOLD_SUFFIX + TDC_FOLD_HEX;
    for (int i = 0; i < TDC_FOLD_HEX / 2; i++) snprintf(hex + 2 * i, 3, "%02x", hdr[48 + i]);
    if ((out = malloc(n))) snprintf(out, n, "%s" TDC_FOLD_SUFFIX "%s", db_path, hex);
    return out;
}

static int tdc__rebuild(tdc_replica *r, X509 *ca, td_error *err);
static int tdc__no_images;   /* tdc_replica_use_images(0) */
static void tdc__image_store(tdc_replica *r, const td_state *st, const uint8_t hdr[TD_SNAP_HEADER], const char *fp);
static uint8_t *tdc__image_map(const char *fp, size_t *n, int *exists);

/* Where a loaded fold reads its reports' texts at their first use (common/derive_snap.h td_snap_src): the
 * mapped file, unmapped when the state is freed. */
typedef struct tdc__texts_src {
    sqlite3 *db;          /* borrowed: the replica's (its state never outlives it), for a refold */
    char *path;
    X509 *ca;
    int ro;               /* the replica's tdc_replica.ro: the refold is not stored */
    const uint8_t *map;
    size_t n;
} tdc__texts_src;

static int tdc__texts_rd(void *arg, uint64_t off, void *dst, size_t len)
{
    tdc__texts_src *t = arg;
    if (off > t->n || len > t->n - off) return -1;
    memcpy(dst, t->map + off, len);
    return 0;
}

static void tdc__texts_release(void *arg)
{
    tdc__texts_src *t = arg;
    if (t->map) munmap((void *)t->map, t->n);
    free(t->path);
    free(t);
}

/* The texts cannot be read from the stored fold: the rows folded again up to the loaded state's last
 * index (the loaded state takes its texts from that fold), and that fold stored, so that the next
 * command loads a good one. */
static int tdc__texts_refold(void *arg, uint64_t last, const char *why, td_state **out, td_error *err)
{
    tdc__texts_src *t = arg;
    tdc_replica r;
    td_error x = {0};
    int rc;
    *out = NULL;
    td_log_warn("%s: fold snapshot texts not used (%s): folding the log again", t->path, why);
    memset(&r, 0, sizeof r);
    r.db = t->db;
    r.path = t->path;
    r.ca = t->ca;
    r.no_snap = 1;
    r.fold_until = last;
    r.in_read = !sqlite3_get_autocommit(t->db);   /* inside a reader's transaction: read there, store nothing */
    r.ro = t->ro;
    if ((rc = tdc__rebuild(&r, t->ca, err))) {
        td_state_free(r.st);
        return rc;
    }
    if (!r.in_read && tdc_replica_snapshot_save(&r, 1, NULL, &x))
        td_log_warn("%s: fold snapshot not stored: %s", t->path, x.msg);
    *out = r.st;
    return TD_OK;
}

/* The fold file named by the row's header `hdr`, mapped and decoded: 0 and *out, or why it is not used
 * (*why: a file missing or not the row's; else a decode error in err). */
static int tdc__snapshot_read(tdc_replica *r, const uint8_t hdr[TD_SNAP_HEADER], X509 *ca, td_state **out,
                              const char **why, td_error *err)
{
    tdc__texts_src *t = calloc(1, sizeof *t);
    td_snap_src src = {tdc__texts_rd, NULL, tdc__texts_refold, tdc__texts_release, t, NULL, 0};
    char *fp = NULL;
    struct stat sb;
    uint64_t body;
    void *m;
    int fd, rc;
    *out = NULL;
    if (!t || !(t->path = strdup(r->path)) || !(fp = tdc_replica_fold_file(r->path, hdr))) {
        if (t) free(t->path);
        free(t);
        return td_error_set(err, TD_ENOMEM, "%s: fold snapshot", r->path);
    }
    t->db = r->db;
    t->ca = ca;
    t->ro = r->ro;
    memcpy(&body, hdr + 40, 8);
    if ((fd = open(fp, O_RDONLY | O_CLOEXEC)) < 0) {
        *why = errno == ENOENT ? "its file is missing" : "its file cannot be opened";
        rc = TD_OK;
    } else if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size != TD_SNAP_HEADER + body ||
               (uint64_t)sb.st_size > TD_SNAP_MAX) {
        *why = "its file does not have the length its row says";
        rc = TD_OK;
    } else if ((m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
        *why = "its file cannot be mapped";
        rc = TD_OK;
    } else {
        t->map = m;
        t->n = (size_t)sb.st_size;
        if (memcmp(m, hdr, TD_SNAP_HEADER)) {
            *why = "its file is not the one its row names";
            rc = TD_OK;
        } else {
            int had = 0;
            if (!tdc__no_images) src.img = tdc__image_map(fp, &src.img_n, &had);   /* the load's, whatever happens */
            if (!(rc = td_state_snap_decode_lazy(t->map, t->n, ca, &src, out, err))) {
                t = NULL;   /* the state's now (or released already) */
                /* none yet (a fold stored by an earlier build), or one that is not this fold's: made once, now;
                 * not when it could not be mapped (its address taken by another state of this process) */
                if (!tdc__no_images && !td_state_snap_image_used(*out) && (!had || src.img))
                    tdc__image_store(r, *out, hdr, fp);
            }
        }
    }
    if (fd >= 0) close(fd);
    free(fp);
    if (t) tdc__texts_release(t);
    return rc;
}

/*
 * The stored fold (table fold_snapshot) as a state, when it still describes
 * the pulled rows: same pulled_gen (no row dropped or put in below the last
 * one folded since: tdc__gen_bump), its last row still there with the same
 * body, the same CA, a blob this build decodes.  Anything else: *out NULL
 * and the caller folds every row, as without a snapshot (why in the debug
 * log; a damaged blob is a warning).  Inside the caller's read transaction.
 */
static int tdc__snapshot_load(tdc_replica *r, X509 *ca, int64_t gen, td_state **out, td_error *err)
{
    sqlite3_stmt *st;
    unsigned char want[32], have[32];
    const char *why = NULL;
    int rc, step, found = 0;
    *out = NULL;
    if ((rc = tdc__prepare(r,
                           "SELECT pulled_gen, last_idx, n_entries, last_hash, ca_hash, state FROM fold_snapshot "
                           "WHERE id = 1",
                           &st, err)))
        return rc;
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        sqlite3_finalize(st);
        return TD_OK;
    }
    if (step != SQLITE_ROW) {
        rc = tdc__dberr(r, err, "reading the fold snapshot");
        sqlite3_finalize(st);
        return rc;
    }
    {
        uint64_t last = (uint64_t)sqlite3_column_int64(st, 1), n = (uint64_t)sqlite3_column_int64(st, 2);
        td_error e = {0};
        int64_t t0;
        if (sqlite3_column_int64(st, 0) != gen) why = "pulled rows changed below it (pulled_gen moved)";
        else if (sqlite3_column_bytes(st, 3) != 32 || sqlite3_column_bytes(st, 4) != 32) why = "bad hashes";
        else if (tdc__ca_hash(ca, want) || memcmp(want, sqlite3_column_blob(st, 4), 32)) why = "another CA";
        else if (sqlite3_column_bytes(st, 5) != TD_SNAP_HEADER) {
            why = "kept inside the database (an earlier build): stored again as a file";
            r->snap_stale = 1;
        } else if ((rc = tdc__row_hash(r, last, have, &found, err))) {
            sqlite3_finalize(st);
            return rc;
        } else if (!found || memcmp(have, sqlite3_column_blob(st, 3), 32))
            why = "its last entry is not in the pulled rows";
        else if ((t0 = td_clock_mono_ms()),
                 (rc = tdc__snapshot_read(r, sqlite3_column_blob(st, 5), ca, out, &why, &e))) {
            if (rc == TD_ENOMEM) {
                sqlite3_finalize(st);
                return td_error_set(err, rc, "%s: %s", r->path, e.msg);
            }
            if (rc == TD_EVERSION) td_log_debug("%s: fold snapshot not used: %s", r->path, e.msg);
            else td_log_warn("%s: fold snapshot not used: %s", r->path, e.msg);
            r->snap_stale = 1;
        } else if (why) {
            r->snap_stale = 1;   /* the file: stored again after this fold */
        } else if (td_state_last_index(*out) != last || td_state_count(*out) != n) {
            why = "its state does not match its row";
            td_state_free(*out);
            *out = NULL;
        } else {
            td_log_debug("%s: fold snapshot of %llu entries loaded in %lld ms", r->path, (unsigned long long)n,
                         (long long)(td_clock_mono_ms() - t0));
        }
    }
    if (why) td_log_debug("%s: fold snapshot not used: %s", r->path, why);
    sqlite3_finalize(st);
    return TD_OK;
}

/* Fold every pulled entry, in index order, into a new state: from the
 * stored fold and the rows above it when it still holds (tdc__snapshot_load). */
static int tdc__rebuild(tdc_replica *r, X509 *ca, td_error *err)
{
    sqlite3_stmt *st;
    int rc, step;
    /* the generation and the rows from one snapshot of the database (the caller's, when in_read) */
    if (!r->in_read && (rc = tdc__exec(r, "BEGIN", err))) return rc;
    r->snap_loaded = 0;
    if ((rc = tdc__meta_read(r, "pulled_gen", &r->pulled_gen, err)) ||
        (!r->no_snap && (rc = tdc__snapshot_load(r, ca, r->pulled_gen, &r->st, err)))) {
        tdc__rollback(r);
        return rc;
    }
    if (r->st) r->snap_loaded = td_state_last_index(r->st);
    if (!r->st && !(r->st = td_state_new(ca))) {
        tdc__rollback(r);
        return td_error_set(err, TD_ENOMEM, "%s: derived state", r->path);
    }
    if ((rc = tdc__prepare(r, "SELECT idx, body, received_ms FROM pulled WHERE idx > ?1 AND idx <= ?2 ORDER BY idx",
                           &st, err))) {
        tdc__rollback(r);
        return rc;
    }
    sqlite3_bind_int64(st, 1, (int64_t)td_state_last_index(r->st));
    sqlite3_bind_int64(st, 2, r->fold_until ? (int64_t)r->fold_until : INT64_MAX);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        td_apply_result res;
        uint64_t idx = (uint64_t)sqlite3_column_int64(st, 0);
        const uint8_t *body = sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        if ((rc = td_state_apply(r->st, idx, body, len, sqlite3_column_int64(st, 2), &res, err))) {
            sqlite3_finalize(st);
            tdc__rollback(r);
            return rc;
        }
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) {
        rc = tdc__dberr(r, err, "reading pulled entries");
        tdc__rollback(r);
        return rc;
    }
    /* Every row is in the state, one count each (the stored fold's count is
     * checked against its row): what COUNT(*) FROM pulled, a walk of the
     * whole table, says in this transaction.  tdc_replica_meta_get takes it
     * while no other connection has written (PRAGMA data_version). */
    if (tdc__prepare(r, "PRAGMA data_version", &st, err) == TD_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            r->n_pulled_dv = sqlite3_column_int64(st, 0);
            r->n_pulled = td_state_count(r->st);
            r->n_pulled_ok = 1;
        }
        sqlite3_finalize(st);
    }
    tdc__rollback(r);   /* a read: nothing to commit */
    if (r->snap_stale && !r->in_read && !r->ro) {   /* the next command loads the fold instead of folding again */
        td_error x = {0};
        r->snap_stale = 0;
        if (tdc_replica_snapshot_save(r, 1, NULL, &x)) td_log_warn("%s: fold snapshot not stored: %s", r->path, x.msg);
    }
    return TD_OK;
}

int tdc_replica_fold_db(struct sqlite3 *db, const char *path, X509 *ca, td_state **out, td_error *err)
{
    tdc_replica r;
    int rc;
    memset(&r, 0, sizeof r);
    r.db = db;
    r.path = (char *)path;
    r.ca = ca;
    r.in_read = !sqlite3_get_autocommit(db);
    *out = NULL;
    if ((rc = tdc__rebuild(&r, ca, err))) {
        td_state_free(r.st);
        return rc;
    }
    *out = r.st;
    return TD_OK;
}

int tdc_replica_read_begin(struct sqlite3 *db, const char *path, td_error *err)
{
    return td_sqlite_read_begin(db, path, err);
}

int tdc_replica_db_pulled_gen(struct sqlite3 *db, const char *path, int64_t *gen, td_error *err)
{
    tdc_replica r;
    memset(&r, 0, sizeof r);
    r.db = db;
    r.path = (char *)path;
    return tdc__meta_read(&r, "pulled_gen", gen, err);
}

void tdc_replica_read_end(struct sqlite3 *db) { td_sqlite_read_end(db); }

int tdc_replica_open(tdc_replica **out, const char *path, X509 *ca, td_error *err)
{
    tdc_replica *r = calloc(1, sizeof *r);
    int64_t cursor;
    int rc;
    *out = NULL;
    if (!r || !(r->path = strdup(path))) {
        free(r);
        return td_error_set(err, TD_ENOMEM, "replica %s", path);
    }
    if ((r->ro = tdc__ro_place(path))) {
        td_error x = {0};
        if (td_sqlite_open_ro_live(path, &r->db, &x)) {
            rc = td_error_set(err, x.code, "%s: " TD_MSG_REPLICA_RO_OPEN, path, td_error_vi(&x));
            goto fail;
        }
        td_log_debug("%s: cannot be written here: opened read-only, nothing is stored", path);
    } else if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        rc = r->db ? tdc__dberr(r, err, "open") : td_error_set(err, TD_ENOMEM, "%s: open", path);
        goto fail;
    }
    sqlite3_busy_timeout(r->db, TDC_REPLICA_BUSY_MS);
    /* WAL: a reader (`tiendo status`) never blocks the sync's commit; FULL:
     * a committed batch with its cursor survives power loss, not only a
     * killed process (docs/PROTOCOL.md §11).  Both are the file's already
     * when it is opened read-only. */
    if ((!r->ro && ((rc = tdc__exec(r, "PRAGMA journal_mode = WAL", err)) ||
                    (rc = tdc__exec(r, "PRAGMA synchronous = FULL", err)))) ||
        /* the fold at open reads every pulled row: mapped, not copied by
         * read(2) (SQLite falls back to reads where mmap is unavailable) */
        (rc = tdc__exec(r, "PRAGMA mmap_size = 1073741824", err)) || (rc = tdc__migrate(r, err)) ||
        (rc = tdc__meta_read(r, "cursor", &cursor, err)))
        goto fail;
    r->cursor = cursor > 0 ? (uint64_t)cursor : TDC_REPLICA_CURSOR_START;
    if ((rc = tdc__meta_read(r, "rescan_until", &cursor, err))) goto fail;
    r->rescan_until = cursor > 0 ? (uint64_t)cursor : 0;
    if (r->rescan_until && (rc = tdc__rescan_tasks_load(r, err))) goto fail;
    r->ca = ca;
    if (ca && (rc = tdc__rebuild(r, ca, err))) goto fail;
    *out = r;
    return TD_OK;
fail:
    tdc_replica_close(r);
    return rc;
}

int tdc_replica_refresh(tdc_replica *r, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int64_t gen, cursor, until;
    int rc, step;
    if ((rc = tdc__exec(r, "BEGIN", err))) return rc;
    if ((rc = tdc__meta_read(r, "pulled_gen", &gen, err)) || (rc = tdc__meta_read(r, "cursor", &cursor, err)) ||
        (rc = tdc__meta_read(r, "rescan_until", &until, err)))
        goto done;
    r->cursor = cursor > 0 ? (uint64_t)cursor : TDC_REPLICA_CURSOR_START;
    r->rescan_until = until > 0 ? (uint64_t)until : 0;
    /* as after a new open: a rescan in progress resumes with its stored
     * task filter, no visibility tracking */
    free(r->rescan_tasks);
    r->rescan_tasks = NULL;
    r->n_rescan_tasks = 0;
    r->vis_track = 0;
    if (r->rescan_until && (rc = tdc__rescan_tasks_load(r, err))) goto done;
    if (!r->st) goto done;
    if (gen != r->pulled_gen || r->refold) {
        /* rows changed below the folded ones: fold everything again */
        tdc__rollback(r);
        td_state_free(r->st);
        r->st = NULL;
        r->refold = 0;
        return tdc__rebuild(r, r->ca, err);
    }
    if ((rc = tdc__prepare(r, "SELECT idx, body, received_ms FROM pulled WHERE idx > ?1 ORDER BY idx", &st, err)))
        goto done;
    sqlite3_bind_int64(st, 1, (int64_t)td_state_last_index(r->st));
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        td_apply_result res;
        if ((rc = td_state_apply(r->st, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
                                 (size_t)sqlite3_column_bytes(st, 1), sqlite3_column_int64(st, 2), &res, err)))
            goto done;
    }
    if (step != SQLITE_DONE) rc = tdc__dberr(r, err, "reading pulled entries");
done:
    sqlite3_finalize(st);
    tdc__rollback(r);   /* a read: nothing to commit */
    return rc;
}

/* The blob written whole to a new file beside the replica (*tmp, malloc'd): a name nothing reads. */
static int tdc__fold_write(tdc_replica *r, const uint8_t *blob, size_t n, char **tmp, td_error *err)
{
    size_t len = strlen(r->path) + sizeof TDC_FOLD_SUFFIX "tmp.XXXXXX";
    size_t done = 0;
    int fd, e;
    if (!(*tmp = malloc(len))) return td_error_set(err, TD_ENOMEM, "%s: fold snapshot", r->path);
    snprintf(*tmp, len, "%s" TDC_FOLD_SUFFIX "tmp.XXXXXX", r->path);
    if ((fd = mkstemp(*tmp)) < 0) {
        e = errno;
        free(*tmp);
        *tmp = NULL;
        return td_error_set(err, TD_EIO, "%s: fold snapshot file: %s", r->path, strerror(e));
    }
    while (done < n) {
        ssize_t k = write(fd, blob + done, n - done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            e = k < 0 ? errno : ENOSPC;
            close(fd);
            unlink(*tmp);
            free(*tmp);
            *tmp = NULL;
            return td_error_set(err, TD_EIO, "%s: fold snapshot file: %s", r->path, strerror(e));
        }
        done += (size_t)k;
    }
    if (close(fd)) {
        e = errno;
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
        return td_error_set(err, TD_EIO, "%s: fold snapshot file: %s", r->path, strerror(e));
    }
    return TD_OK;
}

/* The records' image of fold file F (common/derive_snap.h td_state_snap_image): F followed by this. */
#define TDC_IMAGE_SUFFIX ".img"

/* The path of fold file fp's image (malloc'd; NULL when out of memory). */
static char *tdc__image_path(const char *fp)
{
    char *ip = malloc(strlen(fp) + sizeof TDC_IMAGE_SUFFIX);
    if (ip) sprintf(ip, "%s" TDC_IMAGE_SUFFIX, fp);
    return ip;
}

/* The image of state st, whose blob has header hdr and is fold file fp, written beside it (a temporary file
 * renamed).  Best effort: without it a load decodes the records into new memory, as before images. */
static void tdc__image_store(tdc_replica *r, const td_state *st, const uint8_t hdr[TD_SNAP_HEADER], const char *fp)
{
    uint8_t *img = NULL;
    size_t n = 0;
    char *tmp = NULL, *ip = NULL;
    td_error e = {0};
    int64_t t0 = td_clock_mono_ms();
    /* a directory this process cannot write (a replica read from read-only media): not made at all */
    if (r->ro || !tdc__dir_writable(fp)) return;
    if (td_state_snap_image(st, hdr, TD_SNAP_IMAGE_BASE, &img, &n) || !(ip = tdc__image_path(fp))) {
        td_log_warn("%s: records' image not stored: out of memory", fp);
    } else if (!tdc__fold_write(r, img, n, &tmp, &e)) {
        if (rename(tmp, ip)) {
            td_log_warn("%s: records' image not stored: %s", ip, strerror(errno));
            unlink(tmp);
        } else {
            td_log_debug("%s: records' image (%zu bytes) stored in %lld ms", ip, n,
                         (long long)(td_clock_mono_ms() - t0));
        }
    } else {
        td_log_debug("%s: records' image not stored: %s", fp, e.msg);   /* a read-only directory, say */
    }
    free(tmp);
    free(ip);
    free(img);
}

/* The image of fold file fp mapped at the address it is made for, or NULL (none, or the address taken: by
 * another state of this process, say). */
static uint8_t *tdc__image_map(const char *fp, size_t *n, int *exists)
{
    char *ip = tdc__image_path(fp);
    struct stat sb;
    void *m = MAP_FAILED;
    int fd = -1;
    *n = 0;
    *exists = 0;
    if (ip && (fd = open(ip, O_RDONLY | O_CLOEXEC)) >= 0) *exists = 1;
    if (fd >= 0 && !fstat(fd, &sb) && S_ISREG(sb.st_mode) && sb.st_size > 0 && (uint64_t)sb.st_size <= TD_SNAP_MAX)
        m = mmap((void *)TD_SNAP_IMAGE_BASE, (size_t)sb.st_size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
    if (fd >= 0) close(fd);
    free(ip);
    if (m == MAP_FAILED) return NULL;
    if (m != (void *)TD_SNAP_IMAGE_BASE) {   /* a kernel that takes the address as a hint only */
        munmap(m, (size_t)sb.st_size);
        return NULL;
    }
    *n = (size_t)sb.st_size;
    return m;
}

/* A temporary fold file this much older than the file just saved was left by a save that never finished (a
 * crash, a power cut): a save in progress writes its file in seconds.  File times against a file time, not the
 * clock. */
#define TDC_FOLD_TMP_STALE_S 3600

/* Every fold file of the replica but `keep` (earlier ones, and those of a replica since replaced), and the
 * temporary files of saves that never finished. */
static void tdc__fold_prune(const char *db_path, const char *keep)
{
    const char *slash = strrchr(db_path, '/');
    char *dir = slash ? strndup(db_path, (size_t)(slash - db_path + 1)) : strdup("./");
    const char *base = slash ? slash + 1 : db_path;
    size_t bl = strlen(base), sl = strlen(TDC_FOLD_SUFFIX);
    const char *kb = strrchr(keep, '/') ? strrchr(keep, '/') + 1 : keep;
    size_t kl = strlen(kb);
    struct stat ks, ts;
    DIR *d;
    struct dirent *de;
    if (!dir || !(d = opendir(dir))) {
        free(dir);
        return;
    }
    if (fstatat(dirfd(d), kb, &ks, 0)) ks.st_mtime = 0;
    while ((de = readdir(d))) {
        const char *nm = de->d_name, *tail = nm + bl + sl;
        if (strncmp(nm, base, bl) || strncmp(nm + bl, TDC_FOLD_SUFFIX, sl) || !strcmp(nm, kb) ||
            (!strncmp(nm, kb, kl) && !strcmp(nm + kl, TDC_IMAGE_SUFFIX)))
            continue;
        if (!strncmp(tail, "tmp.", 4)) {
            if (!ks.st_mtime || fstatat(dirfd(d), nm, &ts, AT_SYMLINK_NOFOLLOW) || !S_ISREG(ts.st_mode) ||
                ts.st_mtime > ks.st_mtime - TDC_FOLD_TMP_STALE_S)
                continue;
        } else if (strspn(tail, "0123456789abcdef") != TDC_FOLD_HEX ||
                   (tail[TDC_FOLD_HEX] && strcmp(tail + TDC_FOLD_HEX, TDC_IMAGE_SUFFIX))) {
            continue;   /* neither a fold file nor its image */
        }
        if (unlinkat(dirfd(d), nm, 0) && errno != ENOENT)
            td_log_warn("%s%s: earlier fold file not removed: %s", dir, nm, strerror(errno));
    }
    closedir(d);
    free(dir);
}

int tdc_replica_snapshot_save(tdc_replica *r, int force, int *written, td_error *err)
{
    sqlite3_stmt *st = NULL;
    unsigned char ca_h[32], last_h[32], again[32];
    uint8_t *blob = NULL;
    char *tmp = NULL, *fp = NULL;
    size_t n = 0;
    int64_t gen, have_last = 0, have_n = 0, t0;
    uint64_t last, count;
    int rc, found = 0, step, renamed = 0;
    if (written) *written = 0;
    /* a rescan in progress puts rows in below folded ones: its state is folded again at its end */
    if (!r->st || r->refold || r->rescan_until || r->ro || !(last = td_state_last_index(r->st))) return TD_OK;
    count = td_state_count(r->st);
    if ((rc = tdc__exec(r, "BEGIN", err))) return rc;
    if ((rc = tdc__meta_read(r, "pulled_gen", &gen, err))) goto done;
    /* another process dropped or put in rows since this state was folded: it no longer describes them */
    if (gen != r->pulled_gen) goto done;
    if ((rc = tdc__prepare(r,
                           "SELECT last_idx, n_entries, substr(state, 1, 64) FROM fold_snapshot WHERE id = 1 AND "
                           "pulled_gen = ?1",
                           &st, err)))
        goto done;
    sqlite3_bind_int64(st, 1, gen);
    if ((step = sqlite3_step(st)) == SQLITE_ROW) {
        /* one this build cannot read (another format or layout) counts as none: stored again now */
        if (!td_state_snap_usable(sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2))) {
            have_last = sqlite3_column_int64(st, 0);
            have_n = sqlite3_column_int64(st, 1);
        }
    } else if (step != SQLITE_DONE) {
        rc = tdc__dberr(r, err, "reading the fold snapshot");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc) goto done;
    if (!force && (have_last >= (int64_t)last || (int64_t)count - have_n < TDC_SNAPSHOT_MIN_NEW)) goto done;
    if ((rc = tdc__row_hash(r, last, last_h, &found, err)) || !found) goto done;
    tdc__rollback(r);
    t0 = td_clock_mono_ms();
    /* encoded and written outside any transaction: a sync of another process is not held up meanwhile */
    if (tdc__ca_hash(r->ca, ca_h) || td_state_snap_encode(r->st, &blob, &n) ||
        !(fp = tdc_replica_fold_file(r->path, blob)))
        return td_error_set(err, TD_ENOMEM, "%s: fold snapshot", r->path);
    if ((rc = tdc__fold_write(r, blob, n, &tmp, err))) goto done;
    if ((rc = tdc__exec(r, "BEGIN IMMEDIATE", err))) goto done;
    /* and checked again in the writing transaction */
    if ((rc = tdc__meta_read(r, "pulled_gen", &gen, err)) || (rc = tdc__row_hash(r, last, again, &found, err)))
        goto done;
    if (gen != r->pulled_gen || !found || memcmp(again, last_h, 32)) goto done;
    /* the file under its name while this connection holds the write lock: a file and the row that names it
     * go in together (a reader opens the file its row names) */
    if (rename(tmp, fp)) {
        rc = td_error_set(err, TD_EIO, "%s: fold snapshot file: %s", fp, strerror(errno));
        goto done;
    }
    renamed = 1;
    if ((rc = tdc__prepare(r,
                           "INSERT OR REPLACE INTO fold_snapshot(id, pulled_gen, last_idx, n_entries, last_hash, ca_hash, "
                           "state, written_ms) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           &st, err)))
        goto done;
    sqlite3_bind_int64(st, 1, gen);
    sqlite3_bind_int64(st, 2, (int64_t)last);
    sqlite3_bind_int64(st, 3, (int64_t)count);
    sqlite3_bind_blob(st, 4, last_h, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, ca_h, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 6, blob, TD_SNAP_HEADER, SQLITE_STATIC);   /* the header: which file, and checked */
    sqlite3_bind_int64(st, 7, td_clock_now_ms());
    if (sqlite3_step(st) != SQLITE_DONE) rc = tdc__dberr(r, err, "storing the fold snapshot");
    sqlite3_finalize(st);
    st = NULL;
    if (!rc && !(rc = tdc__exec(r, "COMMIT", err))) {
        if (written) *written = 1;
        tdc__fold_prune(r->path, fp);
        tdc__image_store(r, r->st, blob, fp);
        td_log_debug("%s: fold snapshot at index %llu (%llu entries, %zu bytes) stored in %lld ms", fp,
                     (unsigned long long)last, (unsigned long long)count, n, (long long)(td_clock_mono_ms() - t0));
    }
done:
    sqlite3_finalize(st);
    tdc__rollback(r);
    /* not stored: the temporary file goes (one renamed but not committed stays until the next save prunes
     * it: the row still names the one before) */
    if (tmp && !renamed) unlink(tmp);
    free(tmp);
    free(fp);
    free(blob);
    return rc;
}

void tdc_replica_use_images(int on)
{
    tdc__no_images = !on;
}

static int tdc__keep_at_exit;
static td_state *tdc__kept;   /* tdc_replica_keep_state_at_exit */

void tdc_replica_keep_state_at_exit(void)
{
    tdc__keep_at_exit = 1;
}

void tdc_replica_close(tdc_replica *r)
{
    if (!r) return;
    free(r->vis_inter);
    free(r->rescan_tasks);
    if (r->st) td_state_snap_idle(r->st);
    if (r->db) sqlite3_close_v2(r->db);
    if (r->st && tdc__keep_at_exit) {
        td_state_free(tdc__kept);
        tdc__kept = r->st;
    } else if (r->st) {
        td_state_free(r->st);
    }
    free(r->path);
    free(r);
}

int tdc_replica_read_only(const tdc_replica *r) { return r->ro; }

sqlite3 *tdc_replica_db(tdc_replica *r)
{
    return r->db;
}

const char *tdc_replica_path(const tdc_replica *r)
{
    return r->path;
}

const td_state *tdc_replica_state(const tdc_replica *r) { return r->st; }
uint64_t tdc_replica_snapshot_loaded(const tdc_replica *r) { return r->snap_loaded; }
int64_t tdc_replica_pulled_gen(const tdc_replica *r) { return r->pulled_gen; }
uint64_t tdc_replica_cursor(const tdc_replica *r) { return r->cursor; }

/* ---- pulled ------------------------------------------------------------- */

/* meta.vis_sig: the first 8 bytes of td_state_visibility_sig of the rule the
 * pulled rows reflect; TDC__VIS_FIRST after a new replica's first batch (no
 * rule recorded yet, nothing behind the cursor pulled under another); 0 in
 * a replica older than the rule (rescanned once). */
#define TDC__VIS_FIRST 1

int tdc_replica_store_batch(tdc_replica *r, const tdc_pulled *v, size_t n, uint64_t next, td_error *err)
{
    sqlite3_stmt *ins = NULL;
    uint64_t prev = 0, seen = 0;
    int rc, refold = 0;

    if (next < r->cursor)
        return td_error_set(err, TD_EPROTO, "%s: cursor would go back from %llu to %llu", r->path,
                            (unsigned long long)r->cursor, (unsigned long long)next);
    for (size_t i = 0; i < n; i++) {
        if (v[i].index < r->cursor || v[i].index <= prev || v[i].index >= next)
            return td_error_set(err, TD_EPROTO,
                                "%s: pulled entry index %llu out of order (cursor %llu, next %llu)", r->path,
                                (unsigned long long)v[i].index, (unsigned long long)r->cursor,
                                (unsigned long long)next);
        prev = v[i].index;
    }
    /* A filtered rescan batch (Pull.rescan_tasks) reaching past rescan_until
     * skipped the entries there on other tasks: keep only what is below
     * it, and pull the rest unfiltered from there. */
    if (r->rescan_until && r->n_rescan_tasks && next > r->rescan_until) {
        while (n > 0 && v[n - 1].index >= r->rescan_until) n--;
        next = r->rescan_until > r->cursor ? r->rescan_until : r->cursor;
    }
    r->n_pulled_ok = 0;
    if ((rc = tdc__begin_at_cursor(r, err))) return rc;
    /* A rescan (tdc_replica_visibility) pulls again what is held: kept. */
    if ((rc = tdc__prepare(r,
                           r->rescan_until ? "INSERT OR IGNORE INTO pulled(idx, body, received_ms) VALUES (?1, ?2, ?3)"
                                           : "INSERT INTO pulled(idx, body, received_ms) VALUES (?1, ?2, ?3)",
                           &ins, err)))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(ins, 1, (int64_t)v[i].index);
        sqlite3_bind_blob(ins, 2, v[i].body, (int)v[i].len, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 3, v[i].received_ms);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = tdc__dberr(r, err, "storing a pulled entry");
            goto fail;
        }
        if (r->rescan_until && sqlite3_changes(r->db) > 0) refold = 1;
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    ins = NULL;
    if (refold && (rc = tdc__gen_bump(r, err))) goto fail;
    if (r->rescan_until && next >= r->rescan_until &&
        ((rc = tdc__meta_write(r, "rescan_until", 0, err)) ||
         (rc = tdc__exec(r, "DELETE FROM meta WHERE key GLOB 'rescan_task.*'", err))))
        goto fail;
    /* the first batch of a new replica: pulled under the server's current
     * rule, nothing behind it to rescan (tdc_replica_visibility) */
    if (r->cursor == TDC_REPLICA_CURSOR_START && !r->rescan_until && n) {
        int64_t sig;
        if ((rc = tdc__meta_read(r, "vis_sig", &sig, err)) ||
            (!sig && (rc = tdc__meta_write(r, "vis_sig", TDC__VIS_FIRST, err))))
            goto fail;
    }
    if ((rc = tdc__meta_write(r, "cursor", (int64_t)next, err)) || (rc = tdc__exec(r, "COMMIT", err)))
        goto fail;
    r->cursor = next;
    if (r->rescan_until) {
        /* entries may have gone in below ones already folded: the state
         * is folded again from scratch once the rescan is through */
        r->refold |= refold;
        if (next < r->rescan_until) return TD_OK;
        r->rescan_until = 0;
        free(r->rescan_tasks);
        r->rescan_tasks = NULL;
        r->n_rescan_tasks = 0;
        if (r->st && r->refold) {
            td_state_free(r->st);
            r->st = NULL;
            r->refold = 0;
            return tdc__rebuild(r, r->ca, err);
        }
        return TD_OK;
    }
    if (r->st) {
        /* Only entries the fold accepted move our clock, and only within
         * the bound (entry.h TD_HLC_MAX_SKEW_MS); a refused one, or one
         * that does not decode, is evidence about its author only. */
        int64_t now = td_clock_now_ms();
        for (size_t i = 0; i < n; i++) {
            td_apply_result res;
            td_entry en;
            if ((rc = td_state_apply(r->st, v[i].index, v[i].body, v[i].len, v[i].received_ms, &res, err)))
                return rc;
            if (!res.refused && td_entry_decode(v[i].body, v[i].len, &en, NULL) == TD_OK) {
                uint64_t h = td_hlc_observe(seen, en.e->hlc, now);
                if (h > seen) seen = h;
                td_entry_free(&en);
            }
            /* the server may have filtered later batches with this rule */
            if (r->vis_track && !res.refused &&
                (res.kind == TIENDO__ENTRY_KIND__ENTRY_PLAN || res.kind == TIENDO__ENTRY_KIND__ENTRY_AGENCY))
                tdc__vis_intersect(r);
        }
        /* max in SQL: a `tiendo report` may have moved it meanwhile */
        if (seen && (rc = tdc__meta_raise(r, "hlc", (int64_t)seen, err))) return rc;
    }
    return TD_OK;
fail:
    sqlite3_finalize(ins);
    tdc__rollback(r);
    return rc;
}

/* ---- visibility --------------------------------------------------------- */


static int64_t tdc__vis_value(const unsigned char sig[32])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | sig[i];
    v |= 2;   /* never 0 nor TDC__VIS_FIRST */
    return (int64_t)(v & INT64_MAX);
}

int tdc_replica_visibility_begin(tdc_replica *r, const char *agency, td_role role, td_error *err)
{
    unsigned char sig[32];
    int64_t stored;
    int rc;
    free(r->vis_inter);
    r->vis_inter = NULL;
    r->n_vis_inter = 0;
    r->vis_track = r->vis_before_ok = 0;
    if (!r->st || role != TD_ROLE_OFFICE || r->rescan_until) return TD_OK;
    if ((rc = tdc__meta_read(r, "vis_sig", &stored, err))) return rc;
    td_state_visibility_sig(r->st, agency, role, sig);
    snprintf(r->vis_agency, sizeof r->vis_agency, "%s", agency);
    if (tdc__vis_tasks(r->st, agency, &r->vis_inter, &r->n_vis_inter)) return TD_OK;   /* no tracking */
    r->vis_track = 1;
    /* the rows reflect the rule the state shows now */
    r->vis_before_ok = stored == tdc__vis_value(sig);
    return TD_OK;
}

void tdc_replica_rescan_tasks(const tdc_replica *r, const uint32_t **v, size_t *n)
{
    *v = r->rescan_until ? r->rescan_tasks : NULL;
    *n = r->rescan_until ? r->n_rescan_tasks : 0;
}

int tdc_replica_visibility(tdc_replica *r, const char *agency, td_role role, int *rescan, td_error *err)
{
    unsigned char sig[32];
    int64_t stored, now;
    sqlite3_stmt *sel = NULL, *del = NULL;
    uint64_t *gone = NULL;
    size_t n_gone = 0, cap = 0;
    int rc, step, again;

    *rescan = 0;
    if (!r->st || role != TD_ROLE_OFFICE) return TD_OK;
    td_state_visibility_sig(r->st, agency, role, sig);
    now = tdc__vis_value(sig);
    if ((rc = tdc__meta_read(r, "vis_sig", &stored, err))) return rc;
    if (stored == now) {
        r->vis_track = 0;
        return TD_OK;
    }
    again = stored != TDC__VIS_FIRST && r->cursor > TDC_REPLICA_CURSOR_START;
    /* what became visible: the tasks shown now that some rule of this run
     * did not show (cost proportional to the change); unknown when the
     * rows did not reflect the state's rule at the start: everything */
    free(r->rescan_tasks);
    r->rescan_tasks = NULL;
    r->n_rescan_tasks = 0;
    if (again && r->vis_track && r->vis_before_ok) {
        uint32_t *v;
        size_t nv, k = 0;
        if (!tdc__vis_tasks(r->st, agency, &v, &nv)) {
            for (size_t i = 0; i < nv; i++)
                if (!tdc__has_task(r->vis_inter, r->n_vis_inter, v[i])) v[k++] = v[i];
            if (k == 0) {
                again = 0;      /* only removals: nothing to fetch */
                free(v);
            } else if (k <= TD_PULL_RESCAN_TASKS_MAX) {
                r->rescan_tasks = v;
                r->n_rescan_tasks = k;
            } else {
                free(v);
            }
        }
    }
    r->vis_track = 0;
    r->n_pulled_ok = 0;
    if ((rc = tdc__begin_at_cursor(r, err))) return rc;
    /* drop what the rule no longer shows this agency */
    if ((rc = tdc__prepare(r, "SELECT idx, body FROM pulled ORDER BY idx", &sel, err))) goto fail;
    while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
        const uint8_t *body = sqlite3_column_blob(sel, 1);
        size_t len = (size_t)sqlite3_column_bytes(sel, 1);
        if (td_state_entry_visible(r->st, body, len, agency, role)) continue;
        if (TD_GROW(gone, cap, n_gone + 1)) {
            rc = td_error_set(err, TD_ENOMEM, "%s: entries no longer visible", r->path);
            goto fail;
        }
        gone[n_gone++] = (uint64_t)sqlite3_column_int64(sel, 0);
    }
    if (step != SQLITE_DONE) {
        rc = tdc__dberr(r, err, "reading pulled entries");
        goto fail;
    }
    sqlite3_finalize(sel);
    sel = NULL;
    if ((rc = tdc__prepare(r, "DELETE FROM pulled WHERE idx = ?1", &del, err))) goto fail;
    for (size_t i = 0; i < n_gone; i++) {
        sqlite3_bind_int64(del, 1, (int64_t)gone[i]);
        if (sqlite3_step(del) != SQLITE_DONE) {
            rc = tdc__dberr(r, err, "dropping an entry no longer visible");
            goto fail;
        }
        sqlite3_reset(del);
    }
    sqlite3_finalize(del);
    del = NULL;
    /* what became visible behind the cursor: pull again from the start */
    if (again) {
        uint64_t until = r->rescan_until > r->cursor ? r->rescan_until : r->cursor;
        if ((rc = tdc__meta_write(r, "rescan_until", (int64_t)until, err)) ||
            (rc = tdc__meta_write(r, "cursor", TDC_REPLICA_CURSOR_START, err)) ||
            (rc = tdc__rescan_tasks_save(r, err)))
            goto fail;
    }
    if ((n_gone && (rc = tdc__gen_bump(r, err))) || (rc = tdc__meta_write(r, "vis_sig", now, err)) ||
        (rc = tdc__exec(r, "COMMIT", err)))
        goto fail;
    if (again) {
        r->rescan_until = r->rescan_until > r->cursor ? r->rescan_until : r->cursor;
        r->cursor = TDC_REPLICA_CURSOR_START;
        r->refold = 1;
    }
    td_log_info("replica %s: visible set of %s changed; %zu entries dropped%s", r->path, agency, n_gone,
                again ? ", pulling again from the start of the log" : "");
    free(gone);
    *rescan = again;
    if (n_gone && !again) {
        td_state_free(r->st);
        r->st = NULL;
        return tdc__rebuild(r, r->ca, err);
    }
    return TD_OK;
fail:
    sqlite3_finalize(sel);
    sqlite3_finalize(del);
    free(gone);
    tdc__rollback(r);
    return rc;
}

/* ---- outbox ------------------------------------------------------------- */

void tdc_outbox_items_free(tdc_outbox_item *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].reason);
        free(v[i].summary);
        free(v[i].body);
    }
    free(v);
}

/* The body of tdc_replica_outbox_add, inside the caller's transaction. */
static int tdc__outbox_insert(tdc_replica *r, const td_identity *id, int kind, const uint8_t *payload,
                              size_t payload_len, const char *summary, int64_t now_ms, uint64_t floor_seq,
                              uint64_t *seq_out, td_error *err)
{
    sqlite3_stmt *st = NULL;
    td_entry_fields f;
    uint8_t *body = NULL;
    size_t len = 0;
    int64_t hlc, last = 0;
    uint64_t seq;
    int rc;

    if ((rc = tdc__prepare(r, "SELECT COALESCE(MAX(seq), 0) FROM outbox", &st, err))) goto fail;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = tdc__dberr(r, err, "reading the last outbox seq");
        goto fail;
    }
    last = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = tdc__meta_read(r, "hlc", &hlc, err))) goto fail;
    seq = ((uint64_t)last > floor_seq ? (uint64_t)last : floor_seq) + 1;

    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.seq = seq;
    f.hlc = td_hlc_next((uint64_t)hlc, now_ms);
    f.device_time_ms = now_ms;
    f.agency = id->subject.agency;
    f.payload = payload;
    f.payload_len = payload_len;
    if ((rc = td_entry_sign(id, &f, &body, &len, err))) goto fail;

    if ((rc = tdc__prepare(r, "INSERT INTO outbox(seq, kind, body, created_ms, status, summary) "
                              "VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
                           &st, err)))
        goto fail;
    sqlite3_bind_int64(st, 1, (int64_t)seq);
    sqlite3_bind_int(st, 2, kind);
    sqlite3_bind_blob(st, 3, body, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms);
    sqlite3_bind_text(st, 5, summary ? summary : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = tdc__dberr(r, err, "queueing an entry");
        goto fail;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = tdc__meta_write(r, "hlc", (int64_t)f.hlc, err))) goto fail;
    free(body);
    if (seq_out) *seq_out = seq;
    return TD_OK;
fail:
    sqlite3_finalize(st);
    free(body);
    return rc;
}

int tdc_replica_outbox_add(tdc_replica *r, const td_identity *id, int kind, const uint8_t *payload,
                           size_t payload_len, const char *summary, int64_t now_ms, uint64_t floor_seq,
                           uint64_t *seq_out, td_error *err)
{
    int rc;
    if (!id->cert) return td_error_set(err, TD_EARG, "device identity has no certificate");
    /* IMMEDIATE: two `tiendo report` at once must not take the same seq. */
    if ((rc = tdc__exec(r, "BEGIN IMMEDIATE", err))) return rc;
    if ((rc = tdc__outbox_insert(r, id, kind, payload, payload_len, summary, now_ms, floor_seq, seq_out, err)) ||
        (rc = tdc__exec(r, "COMMIT", err))) {
        tdc__rollback(r);
        return rc;
    }
    return TD_OK;
}

uint64_t tdc_replica_device_last_seq(const tdc_replica *r, const td_identity *id)
{
    uint64_t best = 0;
    size_t n;
    if (!r->st) return 0;
    n = td_state_author_count(r->st);
    for (size_t i = 0; i < n; i++) {
        const td_author *a = td_state_author_at(r->st, i);
        if (!memcmp(a->key, id->pk, 32) ||
            (!a->is_server && a->role == id->subject.role && !strcmp(a->agency, id->subject.agency) &&
             !strcmp(a->device, id->subject.device)))
            if (a->last_seq > best) best = a->last_seq;
    }
    return best;
}

/* Entries refused at push for a hybrid clock beyond the server's: the server
 * stored none of them, so each is signed again in place, same seq and
 * content, with the corrected time; the entries after the first of them that
 * were refused only for the gap it left go back to pending. */
static int tdc__resign_clock(tdc_replica *r, const td_identity *id, int64_t now_ms, size_t *n, td_error *err)
{
    sqlite3_stmt *sel = NULL, *upd = NULL;
    int64_t first = -1, hlc = 0;
    int rc, step;
    if ((rc = tdc__meta_read(r, "hlc", &hlc, err)) ||
        (rc = tdc__prepare(r, "SELECT seq, body FROM outbox WHERE status = 'refused' AND "
                              "reason LIKE '%is beyond the server''s clock%' ORDER BY seq", &sel, err)) ||
        (rc = tdc__prepare(r, "UPDATE outbox SET body = ?2, status = 'pending', reason = NULL WHERE seq = ?1", &upd,
                           err)))
        goto out;
    while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
        td_entry en;
        td_entry_fields f;
        uint8_t *body = NULL;
        size_t len = 0;
        int64_t seq = sqlite3_column_int64(sel, 0);
        if (td_entry_decode(sqlite3_column_blob(sel, 1), (size_t)sqlite3_column_bytes(sel, 1), &en, NULL)) continue;
        memset(&f, 0, sizeof f);
        f.kind = (int)en.e->kind;
        f.seq = en.e->seq;
        f.hlc = td_hlc_next((uint64_t)hlc, now_ms);
        f.device_time_ms = now_ms;
        f.agency = id->subject.agency;
        f.payload = en.e->payload.data;
        f.payload_len = en.e->payload.len;
        rc = td_entry_sign(id, &f, &body, &len, err);
        td_entry_free(&en);
        if (rc) goto out;
        hlc = (int64_t)f.hlc;
        sqlite3_bind_int64(upd, 1, seq);
        sqlite3_bind_blob(upd, 2, body, (int)len, SQLITE_TRANSIENT);
        step = sqlite3_step(upd);
        sqlite3_reset(upd);
        free(body);
        if (step != SQLITE_DONE) {
            rc = tdc__dberr(r, err, "signing again an entry refused for the clock");
            goto out;
        }
        td_log_info("outbox seq %lld (refused: clock beyond the server's) signed again with the corrected time",
                    (long long)seq);
        if (first < 0) first = seq;
        (*n)++;
    }
    if (first >= 0) {
        char sql[200];
        snprintf(sql, sizeof sql,
                 "UPDATE outbox SET status = 'pending', reason = NULL WHERE status = 'refused' AND seq > %lld AND "
                 "reason LIKE 'sequence gap:%%'", (long long)first);
        if ((rc = tdc__exec(r, sql, err)) || (rc = tdc__meta_write(r, "hlc", hlc, err))) goto out;
    }
    rc = TD_OK;
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    return rc;
}

int tdc_replica_outbox_resign_clock(tdc_replica *r, const td_identity *id, int64_t now_ms, size_t *n_resigned,
                                    td_error *err)
{
    int rc;
    *n_resigned = 0;
    if (!id->cert) return TD_OK;
    if ((rc = tdc__exec(r, "BEGIN IMMEDIATE", err))) return rc;
    if ((rc = tdc__resign_clock(r, id, now_ms, n_resigned, err)) || (rc = tdc__exec(r, "COMMIT", err))) {
        tdc__rollback(r);
        *n_resigned = 0;
        return rc;
    }
    return TD_OK;
}

int tdc_replica_outbox_resign(tdc_replica *r, const td_identity *id, int64_t now_ms, size_t *n_resigned,
                              td_error *err)
{
    sqlite3_stmt *sel = NULL, *upd = NULL;
    uint64_t floor_seq = tdc_replica_device_last_seq(r, id);
    int rc, step;

    *n_resigned = 0;
    if (!id->cert) return TD_OK;
    if ((rc = tdc__exec(r, "BEGIN IMMEDIATE", err))) return rc;
    /* a gap left by an entry refused at push is not a reason to re-number:
     * the entries behind it wait for it (tdc__resign_clock) */
    if ((rc = tdc__prepare(r, "SELECT seq, body, summary, reason FROM outbox WHERE status = 'refused' AND ("
                              "reason LIKE 'equivocation:%' OR "
                              "reason LIKE 'seq % already passed but not in the log%') ORDER BY seq",
                           &sel, err)) ||
        (rc = tdc__prepare(r, "UPDATE outbox SET reason = ?2 WHERE seq = ?1", &upd, err)))
        goto fail;
    while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
        uint64_t old = (uint64_t)sqlite3_column_int64(sel, 0), seq = 0;
        const char *summary = (const char *)sqlite3_column_text(sel, 2);
        const char *reason = (const char *)sqlite3_column_text(sel, 3);
        char why[TDC_REASON_MAX + 64];
        td_entry en;
        if (td_entry_decode(sqlite3_column_blob(sel, 1), (size_t)sqlite3_column_bytes(sel, 1), &en, NULL)) continue;
        rc = tdc__outbox_insert(r, id, (int)en.e->kind, en.e->payload.data, en.e->payload.len, summary, now_ms,
                                floor_seq, &seq, err);
        td_entry_free(&en);
        if (rc) goto fail;
        snprintf(why, sizeof why, "%s%llu: %s", TDC_RESIGNED_PREFIX, (unsigned long long)seq, reason ? reason : "");
        sqlite3_bind_int64(upd, 1, (int64_t)old);
        sqlite3_bind_text(upd, 2, why, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(upd) != SQLITE_DONE) {
            rc = tdc__dberr(r, err, "marking a re-signed entry");
            goto fail;
        }
        sqlite3_reset(upd);
        td_log_info("outbox seq %llu (refused: %s) re-signed as seq %llu", (unsigned long long)old,
                    reason ? reason : "", (unsigned long long)seq);
        (*n_resigned)++;
    }
    if (step != SQLITE_DONE) {
        rc = tdc__dberr(r, err, "reading refused entries");
        goto fail;
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    return tdc__exec(r, "COMMIT", err);
fail:
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    tdc__rollback(r);
    return rc;
}

/* Read rows (seq, kind, created_ms, status, idx, reason, summary[, body]). */
static int tdc__read_items(tdc_replica *r, sqlite3_stmt *st, int with_body, size_t max_n, size_t max_bytes,
                           tdc_outbox_item **items, size_t *n, td_error *err)
{
    tdc_outbox_item *v = NULL;
    size_t cap = 0, cnt = 0, bytes = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        tdc_outbox_item *it;
        const char *reason = (const char *)sqlite3_column_text(st, 5);
        const char *summary = (const char *)sqlite3_column_text(st, 6);
        size_t blen = with_body ? (size_t)sqlite3_column_bytes(st, 7) : 0;
        if (max_n && cnt >= max_n) break;
        /* Always at least one: a single large entry must still go out. */
        if (with_body && max_bytes && cnt > 0 && bytes + blen > max_bytes) break;
        if (TD_GROW(v, cap, cnt + 1)) goto nomem;
        it = &v[cnt];
        memset(it, 0, sizeof *it);
        cnt++;
        it->seq = (uint64_t)sqlite3_column_int64(st, 0);
        it->kind = sqlite3_column_int(st, 1);
        it->created_ms = sqlite3_column_int64(st, 2);
        it->status = tdc__status_parse((const char *)sqlite3_column_text(st, 3));
        it->index = (uint64_t)sqlite3_column_int64(st, 4);
        it->reason = strdup(reason ? reason : "");
        it->summary = strdup(summary ? summary : "");
        if (!it->reason || !it->summary) goto nomem;
        if (with_body) {
            it->body = malloc(blen ? blen : 1);
            if (!it->body) goto nomem;
            if (blen) memcpy(it->body, sqlite3_column_blob(st, 7), blen);
            it->len = blen;
            bytes += blen;
        }
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        tdc_outbox_items_free(v, cnt);
        return tdc__dberr(r, err, "reading the outbox");
    }
    *items = v;
    *n = cnt;
    return TD_OK;
nomem:
    tdc_outbox_items_free(v, cnt);
    return td_error_set(err, TD_ENOMEM, "%s: reading the outbox", r->path);
}

int tdc_replica_outbox_pending(tdc_replica *r, uint64_t after_seq, size_t max_n, size_t max_bytes,
                               tdc_outbox_item **items, size_t *n, td_error *err)
{
    sqlite3_stmt *st;
    int rc;
    *items = NULL;
    *n = 0;
    if ((rc = tdc__prepare(r, "SELECT seq, kind, created_ms, status, idx, reason, summary, body FROM outbox "
                              "WHERE status = 'pending' AND seq > ?1 ORDER BY seq",
                           &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, (int64_t)after_seq);
    rc = tdc__read_items(r, st, 1, max_n, max_bytes, items, n, err);
    sqlite3_finalize(st);
    return rc;
}

int tdc_replica_outbox_get(tdc_replica *r, uint64_t seq, tdc_outbox_item *out, int *found, td_error *err)
{
    sqlite3_stmt *st;
    tdc_outbox_item *v = NULL;
    size_t n = 0;
    int rc;
    *found = 0;
    memset(out, 0, sizeof *out);
    if ((rc = tdc__prepare(r, "SELECT seq, kind, created_ms, status, idx, reason, summary, body FROM outbox "
                              "WHERE seq = ?1",
                           &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, (int64_t)seq);
    rc = tdc__read_items(r, st, 1, 1, 0, &v, &n, err);
    sqlite3_finalize(st);
    if (rc) return rc;
    if (n == 1) {
        *out = v[0];
        *found = 1;
    }
    free(v);
    return TD_OK;
}

int tdc_replica_outbox_own_from(tdc_replica *r, uint64_t min_index, uint64_t *seq, td_error *err)
{
    sqlite3_stmt *st;
    int rc, step;
    *seq = 0;
    if ((rc = tdc__prepare(r, "SELECT COALESCE(MIN(seq), 0) FROM outbox "
                              "WHERE status IN ('stored', 'duplicate') AND idx >= ?1",
                           &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, (int64_t)min_index);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) *seq = (uint64_t)sqlite3_column_int64(st, 0);
    else rc = tdc__dberr(r, err, "reading the outbox");
    sqlite3_finalize(st);
    return rc;
}

int tdc_replica_outbox_list(tdc_replica *r, int status, size_t limit, tdc_outbox_item **items, size_t *n,
                            td_error *err)
{
    sqlite3_stmt *st;
    int rc;
    *items = NULL;
    *n = 0;
    if ((rc = tdc__prepare(r, "SELECT seq, kind, created_ms, status, idx, reason, summary FROM outbox "
                              "WHERE ?1 IS NULL OR status = ?1 ORDER BY seq",
                           &st, err)))
        return rc;
    if (status >= 0) sqlite3_bind_text(st, 1, tdc_out_status_name((tdc_out_status)status), -1, SQLITE_STATIC);
    rc = tdc__read_items(r, st, 0, limit, 0, items, n, err);
    sqlite3_finalize(st);
    return rc;
}

int tdc_replica_outbox_ack(tdc_replica *r, const tdc_ack *acks, size_t n, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;
    if ((rc = tdc__exec(r, "BEGIN IMMEDIATE", err))) return rc;
    if ((rc = tdc__prepare(r, "UPDATE outbox SET status = ?2, idx = ?3, reason = ?4 WHERE seq = ?1", &st, err)))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        const tdc_ack *a = &acks[i];
        char reason[TDC_REASON_MAX];
        if (a->status != TDC_OUT_STORED && a->status != TDC_OUT_DUPLICATE && a->status != TDC_OUT_REFUSED) {
            rc = td_error_set(err, TD_EARG, "ack for seq %llu has no final status", (unsigned long long)a->seq);
            goto fail;
        }
        snprintf(reason, sizeof reason, "%s", a->reason ? a->reason : "");
        sqlite3_bind_int64(st, 1, (int64_t)a->seq);
        sqlite3_bind_text(st, 2, tdc_out_status_name(a->status), -1, SQLITE_STATIC);
        if (a->status == TDC_OUT_REFUSED) {
            sqlite3_bind_null(st, 3);
            sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_int64(st, 3, (int64_t)a->index);
            sqlite3_bind_null(st, 4);
        }
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = tdc__dberr(r, err, "recording an ack");
            goto fail;
        }
        if (sqlite3_changes(r->db) != 1) {
            rc = td_error_set(err, TD_EPROTO, "%s: ack for seq %llu, which is not in the outbox", r->path,
                              (unsigned long long)a->seq);
            goto fail;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = tdc__exec(r, "COMMIT", err))) goto fail;
    return TD_OK;
fail:
    sqlite3_finalize(st);
    tdc__rollback(r);
    return rc;
}

/* ---- meta --------------------------------------------------------------- */

int tdc_replica_meta_get(tdc_replica *r, tdc_replica_meta *m, td_error *err)
{
    sqlite3_stmt *st;
    int64_t v;
    int rc, step;
    memset(m, 0, sizeof *m);
    /* One read transaction, so the figures agree with each other. */
    if ((rc = tdc__exec(r, "BEGIN", err))) return rc;
    if ((rc = tdc__meta_read(r, "last_sync_ms", &m->last_sync_ms, err))) goto out;
    if ((rc = tdc__meta_read(r, "hlc", &v, err))) goto out;
    m->hlc = (uint64_t)v;
    if ((rc = tdc__meta_read(r, "log_size", &v, err))) goto out;
    m->log_size = (uint64_t)v;
    if ((rc = tdc__meta_read(r, "cursor", &v, err))) goto out;
    m->cursor = (uint64_t)v;
    {
        int64_t dv = -1;
        if ((rc = tdc__prepare(r, "PRAGMA data_version", &st, err))) goto out;
        if (sqlite3_step(st) == SQLITE_ROW) dv = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (!r->n_pulled_ok || dv != r->n_pulled_dv) {
            if ((rc = tdc__prepare(r, "SELECT COUNT(*) FROM pulled", &st, err))) goto out;
            r->n_pulled_ok = sqlite3_step(st) == SQLITE_ROW;
            r->n_pulled = r->n_pulled_ok ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
            r->n_pulled_dv = dv;
            sqlite3_finalize(st);
        }
        m->n_pulled = r->n_pulled;
    }
    if ((rc = tdc__prepare(r, "SELECT status, COUNT(*) FROM outbox GROUP BY status", &st, err))) goto out;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t c = (uint64_t)sqlite3_column_int64(st, 1);
        switch (tdc__status_parse((const char *)sqlite3_column_text(st, 0))) {
        case TDC_OUT_PENDING: m->n_pending = c; break;
        case TDC_OUT_STORED: m->n_stored = c; break;
        case TDC_OUT_DUPLICATE: m->n_duplicate = c; break;
        case TDC_OUT_REFUSED: m->n_refused = c; break;
        }
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) rc = tdc__dberr(r, err, "counting the outbox");
out:
    tdc__rollback(r);
    return rc;
}

int tdc_replica_sync_done(tdc_replica *r, int64_t now_ms, uint64_t log_size, td_error *err)
{
    int rc;
    if ((rc = tdc__exec(r, "BEGIN IMMEDIATE", err))) return rc;
    if ((rc = tdc__meta_write(r, "last_sync_ms", now_ms, err)) ||
        (rc = tdc__meta_write(r, "log_size", (int64_t)log_size, err)) || (rc = tdc__exec(r, "COMMIT", err))) {
        tdc__rollback(r);
        return rc;
    }
    return TD_OK;
}

/* ---- checkpoints and alarms (migration 2) ------------------------------- */

void tdc_checkpoint_row_free(tdc_checkpoint_row *c)
{
    if (!c) return;
    free(c->note);
    memset(c, 0, sizeof *c);
}

static int tdc__read_checkpoint(tdc_replica *r, sqlite3_stmt *st, tdc_checkpoint_row *out, int *found,
                                td_error *err)
{
    int step = sqlite3_step(st);
    *found = 0;
    if (step == SQLITE_DONE) return TD_OK;
    if (step != SQLITE_ROW) return tdc__dberr(r, err, "reading checkpoint");
    if (sqlite3_column_bytes(st, 1) != TDC_ROOT_LEN)
        return td_error_set(err, TD_EDB, "%s: checkpoint of size %lld has a root of %d bytes", r->path,
                            (long long)sqlite3_column_int64(st, 0), sqlite3_column_bytes(st, 1));
    out->size = (uint64_t)sqlite3_column_int64(st, 0);
    memcpy(out->root, sqlite3_column_blob(st, 1), TDC_ROOT_LEN);
    out->note = strdup((const char *)(sqlite3_column_text(st, 2) ? sqlite3_column_text(st, 2) : (const unsigned char *)""));
    out->verified_ms = sqlite3_column_int64(st, 3);
    if (!out->note) return td_error_set(err, TD_ENOMEM, "%s: checkpoint note", r->path);
    *found = 1;
    return TD_OK;
}

int tdc_replica_checkpoint_get(tdc_replica *r, uint64_t size, tdc_checkpoint_row *out, int *found, td_error *err)
{
    sqlite3_stmt *st;
    int rc;
    memset(out, 0, sizeof *out);
    *found = 0;
    if (size == 0)
        rc = tdc__prepare(r, "SELECT size, root, note, verified_ms FROM checkpoint ORDER BY size DESC LIMIT 1", &st,
                          err);
    else
        rc = tdc__prepare(r, "SELECT size, root, note, verified_ms FROM checkpoint WHERE size = ?1", &st, err);
    if (rc) return rc;
    if (size) sqlite3_bind_int64(st, 1, (int64_t)size);
    rc = tdc__read_checkpoint(r, st, out, found, err);
    sqlite3_finalize(st);
    return rc;
}

int tdc_replica_checkpoint_put(tdc_replica *r, uint64_t size, const unsigned char root[TDC_ROOT_LEN],
                               const char *note, int64_t now_ms, td_error *err)
{
    sqlite3_stmt *st;
    int rc, step;
    if (size > INT64_MAX) return td_error_set(err, TD_EARG, "%s: checkpoint size %llu", r->path, (unsigned long long)size);
    /* The same size twice is the same verified checkpoint (the caller
     * checked roots are equal): keep the first verification time. */
    if ((rc = tdc__prepare(r, "INSERT INTO checkpoint(size, root, note, verified_ms) VALUES (?1, ?2, ?3, ?4) "
                              "ON CONFLICT(size) DO NOTHING",
                           &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, (int64_t)size);
    sqlite3_bind_blob(st, 2, root, TDC_ROOT_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms);
    step = sqlite3_step(st);
    rc = step == SQLITE_DONE ? TD_OK : tdc__dberr(r, err, "storing checkpoint");
    sqlite3_finalize(st);
    return rc;
}

int tdc_replica_checkpoint_count(tdc_replica *r, uint64_t *n, td_error *err)
{
    sqlite3_stmt *st;
    int rc;
    if ((rc = tdc__prepare(r, "SELECT count(*) FROM checkpoint", &st, err))) return rc;
    if (sqlite3_step(st) == SQLITE_ROW) *n = (uint64_t)sqlite3_column_int64(st, 0);
    else rc = tdc__dberr(r, err, "counting checkpoints");
    sqlite3_finalize(st);
    return rc;
}

int tdc_replica_alarm_add(tdc_replica *r, const tdc_alarm *a, int64_t *id_out, td_error *err)
{
    sqlite3_stmt *st;
    int rc;
    if ((rc = tdc__prepare(r, "INSERT INTO alarm(at_ms, kind, old_note, new_note, proof, detail, old_size, new_size) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, a->at_ms);
    sqlite3_bind_text(st, 2, a->kind ? a->kind : "?", -1, SQLITE_STATIC);
    if (a->old_note) sqlite3_bind_text(st, 3, a->old_note, -1, SQLITE_STATIC);
    if (a->new_note) sqlite3_bind_text(st, 4, a->new_note, -1, SQLITE_STATIC);
    if (a->proof_len) sqlite3_bind_blob(st, 5, a->proof, (int)a->proof_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->detail ? a->detail : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, (int64_t)a->old_size);
    sqlite3_bind_int64(st, 8, (int64_t)a->new_size);
    rc = sqlite3_step(st) == SQLITE_DONE ? TD_OK : tdc__dberr(r, err, "storing alarm");
    sqlite3_finalize(st);
    if (rc == TD_OK && id_out) *id_out = sqlite3_last_insert_rowid(r->db);
    return rc;
}

static char *tdc__col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? strdup((const char *)t) : NULL;
}

void tdc_alarms_free(tdc_alarm *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].kind);
        free(v[i].old_note);
        free(v[i].new_note);
        free(v[i].proof);
        free(v[i].detail);
        free(v[i].acked_by);
        free(v[i].acked_note);
    }
    free(v);
}

int tdc_replica_alarm_list(tdc_replica *r, int include_acked, tdc_alarm **out, size_t *n, td_error *err)
{
    sqlite3_stmt *st;
    tdc_alarm *v = NULL;
    size_t cap = 0, k = 0;
    int rc = TD_OK, step;
    *out = NULL;
    *n = 0;
    if ((rc = tdc__prepare(r, "SELECT id, at_ms, kind, old_note, new_note, proof, detail, old_size, new_size, "
                              "acked_ms, acked_by, acked_note FROM alarm WHERE ?1 OR acked_ms IS NULL ORDER BY id",
                           &st, err)))
        return rc;
    sqlite3_bind_int(st, 1, include_acked ? 1 : 0);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        tdc_alarm *a;
        if (TD_GROW(v, cap, k + 1)) {
            rc = td_error_set(err, TD_ENOMEM, "%s: alarms", r->path);
            break;
        }
        a = &v[k++];
        memset(a, 0, sizeof *a);
        a->id = sqlite3_column_int64(st, 0);
        a->at_ms = sqlite3_column_int64(st, 1);
        a->kind = tdc__col_dup(st, 2);
        a->old_note = tdc__col_dup(st, 3);
        a->new_note = tdc__col_dup(st, 4);
        a->proof_len = (size_t)sqlite3_column_bytes(st, 5);
        if (a->proof_len) {
            a->proof = malloc(a->proof_len);
            if (a->proof) memcpy(a->proof, sqlite3_column_blob(st, 5), a->proof_len);
            else a->proof_len = 0;
        }
        a->detail = tdc__col_dup(st, 6);
        a->old_size = (uint64_t)sqlite3_column_int64(st, 7);
        a->new_size = (uint64_t)sqlite3_column_int64(st, 8);
        a->acked_ms = sqlite3_column_type(st, 9) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 9);
        a->acked_by = tdc__col_dup(st, 10);
        a->acked_note = tdc__col_dup(st, 11);
    }
    if (rc == TD_OK && step != SQLITE_DONE) rc = tdc__dberr(r, err, "reading alarms");
    sqlite3_finalize(st);
    if (rc) {
        tdc_alarms_free(v, k);
        return rc;
    }
    *out = v;
    *n = k;
    return TD_OK;
}

int tdc_replica_alarm_ack(tdc_replica *r, int64_t id, int64_t now_ms, const char *by, const char *note,
                          td_error *err)
{
    sqlite3_stmt *st;
    int rc;
    if ((rc = tdc__prepare(r, "UPDATE alarm SET acked_ms = ?2, acked_by = ?3, acked_note = ?4 "
                              "WHERE id = ?1 AND acked_ms IS NULL",
                           &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_text(st, 3, by ? by : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, note ? note : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) rc = tdc__dberr(r, err, "acknowledging alarm");
    else if (sqlite3_changes(r->db) == 0)
        rc = td_error_set(err, TD_ENOTFOUND, "%s: no unacknowledged alarm %lld", r->path, (long long)id);
    sqlite3_finalize(st);
    return rc;
}

int tdc_replica_cosigned_get(tdc_replica *r, uint64_t *size, td_error *err)
{
    int64_t v;
    int rc = tdc__meta_read(r, "cosigned_size", &v, err);
    *size = rc ? 0 : (uint64_t)v;
    return rc;
}

int tdc_replica_cosigned_set(tdc_replica *r, uint64_t size, td_error *err)
{
    return tdc__meta_write(r, "cosigned_size", (int64_t)size, err);
}

int tdc_replica_pulled_get(tdc_replica *r, uint64_t index, uint8_t **body, size_t *len, int *found, td_error *err)
{
    sqlite3_stmt *st;
    int rc, step;
    *body = NULL;
    *len = 0;
    *found = 0;
    if ((rc = tdc__prepare(r, "SELECT body FROM pulled WHERE idx = ?1", &st, err))) return rc;
    sqlite3_bind_int64(st, 1, (int64_t)index);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        *body = malloc(n ? n : 1);
        if (!*body) rc = td_error_set(err, TD_ENOMEM, "%s: entry %llu", r->path, (unsigned long long)index);
        else {
            if (n) memcpy(*body, sqlite3_column_blob(st, 0), n);
            *len = n;
            *found = 1;
        }
    } else if (step != SQLITE_DONE) {
        rc = tdc__dberr(r, err, "reading pulled entry");
    }
    sqlite3_finalize(st);
    return rc;
}

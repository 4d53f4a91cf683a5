/* index.c — the CA's certificate database; all of tiendo-pki's SQL lives here. */
#include "pki.h"
#include "grow.h"
#include "oserr.h"
#include "msg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Schema version in PRAGMA user_version; a change is a numbered migration. */
#define TDP_INDEX_VERSION 1
/* Wait this long for another process holding the database lock (another
 * tiendo-pki, or the server renewing a certificate): the locks are held for
 * one short transaction, so only a machine under heavy load waits long. */
#define TDP_INDEX_BUSY_MS 30000

static const char tdp__schema[] =
    "CREATE TABLE cert("
    "  serial TEXT PRIMARY KEY,"                 /* upper-case hex */
    "  kind TEXT NOT NULL CHECK (kind IN ('client','server')),"
    "  agency TEXT NOT NULL,"
    "  device TEXT NOT NULL,"
    "  role TEXT NOT NULL,"
    "  not_before INTEGER NOT NULL,"             /* unix seconds */
    "  not_after INTEGER NOT NULL,"
    "  issued_at INTEGER NOT NULL,"
    "  revoked_at INTEGER,"                      /* NULL: not revoked */
    "  reason INTEGER,"                          /* CRL reason code, NULL: none */
    "  pem TEXT NOT NULL);"                      /* the certificate, for renewals and audits */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "INSERT INTO meta VALUES ('crl_number', 0);"
    "PRAGMA user_version = 1;";

static int tdp__dberr(sqlite3 *db, td_error *err, const char *what)
{
    return td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, "index.db", td_sqlite_vi_db(db, what));
}

/* COMMIT, or ROLLBACK and the reason it did not commit. */
static int tdp__commit(sqlite3 *db, td_error *err)
{
    int rc = TD_OK;
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = tdp__dberr(db, err, "commit");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

static int tdp__open(const char *path, int flags, sqlite3 **db, td_error *err)
{
    if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
        int rc = td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, path, td_sqlite_vi_db(*db, "open CA index"));
        sqlite3_close(*db);
        *db = NULL;
        return rc;
    }
    sqlite3_busy_timeout(*db, TDP_INDEX_BUSY_MS);
    return TD_OK;
}

int tdp_index_create(const char *path, sqlite3 **db, td_error *err)
{
    char *msg = NULL;
    int fd, rc;

    *db = NULL;
    /* Create the file ourselves so that it is 0600 from the first instant. */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return td_error_set(err, errno == EEXIST ? TD_EEXISTS : TD_EIO, TD_MSG_FILE_WRITE, path,
                            td_errno_vi_log(errno, path));
    close(fd);
    if ((rc = tdp__open(path, SQLITE_OPEN_READWRITE, db, err))) return rc;
    if (sqlite3_exec(*db, tdp__schema, NULL, NULL, &msg) != SQLITE_OK) {
        rc = td_error_set(err, TD_EDB, "%s: creating schema: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(*db);
        *db = NULL;
        return rc;
    }
    return TD_OK;
}

int tdp_index_open(const char *path, sqlite3 **db, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc, version = -1;

    *db = NULL;
    if (access(path, F_OK) != 0)
        return td_error_set(err, TD_EIO, TD_MSG_DB_FAIL, path, td_errno_vi_log(errno, path));
    if ((rc = tdp__open(path, SQLITE_OPEN_READWRITE, db, err))) return rc;
    if (sqlite3_prepare_v2(*db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        /* busy past the timeout, or not a database: say that, not a version */
        rc = tdp__dberr(*db, err, "read the schema version");
        sqlite3_finalize(st);
        sqlite3_close(*db);
        *db = NULL;
        return rc;
    }
    version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version != TDP_INDEX_VERSION) {
        rc = td_error_set(err, TD_EDB, "%s: CA index schema version %d, expected %d", path, version,
                          TDP_INDEX_VERSION);
        sqlite3_close(*db);
        *db = NULL;
        return rc;
    }
    return TD_OK;
}

int tdp_index_add(sqlite3 *db, const tdp_entry *e, const char *pem, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(db,
                           "INSERT INTO cert(serial, kind, agency, device, role, not_before, not_after,"
                           " issued_at, pem) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           -1, &st, NULL) != SQLITE_OK)
        return tdp__dberr(db, err, "prepare insert");
    sqlite3_bind_text(st, 1, e->serial, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->agency, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->device, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e->role, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, e->not_before);
    sqlite3_bind_int64(st, 7, e->not_after);
    sqlite3_bind_int64(st, 8, e->issued_at);
    sqlite3_bind_text(st, 9, pem, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        rc = TD_OK;
    else if (rc == SQLITE_CONSTRAINT)
        rc = td_error_set(err, TD_EEXISTS, "CA index: serial %s already recorded", e->serial);
    else
        rc = tdp__dberr(db, err, "insert");
    sqlite3_finalize(st);
    return rc;
}

int tdp_index_revoke(sqlite3 *db, const char *serial, int64_t when, int reason, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return tdp__dberr(db, err, "begin");
    if (sqlite3_prepare_v2(db, "SELECT revoked_at IS NOT NULL FROM cert WHERE serial = ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = tdp__dberr(db, err, "prepare select");
        goto rollback;
    }
    sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        rc = td_error_set(err, TD_ENOTFOUND, "no certificate with serial %s in the CA index", serial);
        goto rollback;
    }
    if (rc != SQLITE_ROW) {
        rc = tdp__dberr(db, err, "select");
        goto rollback;
    }
    if (sqlite3_column_int(st, 0)) {
        rc = td_error_set(err, TD_EEXISTS, "certificate %s is already revoked", serial);
        goto rollback;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "UPDATE cert SET revoked_at = ?2, reason = ?3 WHERE serial = ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = tdp__dberr(db, err, "prepare update");
        goto rollback;
    }
    sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, when);
    if (reason >= 0)
        sqlite3_bind_int(st, 3, reason);
    else
        sqlite3_bind_null(st, 3);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = tdp__dberr(db, err, "update");
        goto rollback;
    }
    sqlite3_finalize(st);
    return tdp__commit(db, err);
rollback:
    sqlite3_finalize(st);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Copy a text column into a fixed buffer; oversize values are truncated (they
 * were validated on the way in, so this only guards a hand-edited database). */
static void tdp__col(sqlite3_stmt *st, int i, char *out, size_t outsz)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

int tdp_index_list(sqlite3 *db, tdp_entry **out, size_t *n, td_error *err)
{
    sqlite3_stmt *st = NULL;
    tdp_entry *v = NULL;
    size_t cap = 0, len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT serial, kind, agency, device, role, not_before, not_after, issued_at,"
                           " revoked_at, reason FROM cert ORDER BY issued_at, rowid",
                           -1, &st, NULL) != SQLITE_OK)
        return tdp__dberr(db, err, "prepare list");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tdp_entry *e;
        if (TD_GROW(v, cap, len + 1)) {
            free(v);
            sqlite3_finalize(st);
            return td_error_set(err, TD_ENOMEM, "CA index: out of memory listing certificates");
        }
        e = &v[len++];
        memset(e, 0, sizeof *e);
        tdp__col(st, 0, e->serial, sizeof e->serial);
        tdp__col(st, 1, e->kind, sizeof e->kind);
        tdp__col(st, 2, e->agency, sizeof e->agency);
        tdp__col(st, 3, e->device, sizeof e->device);
        tdp__col(st, 4, e->role, sizeof e->role);
        e->not_before = sqlite3_column_int64(st, 5);
        e->not_after = sqlite3_column_int64(st, 6);
        e->issued_at = sqlite3_column_int64(st, 7);
        e->revoked_at = sqlite3_column_type(st, 8) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 8);
        e->reason = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 9);
    }
    if (rc != SQLITE_DONE) {
        rc = tdp__dberr(db, err, "list");
        free(v);
        sqlite3_finalize(st);
        return rc;
    }
    sqlite3_finalize(st);
    *out = v;
    *n = len;
    return TD_OK;
}

int tdp_index_next_crl_number(sqlite3 *db, int64_t *out, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    /* BEGIN IMMEDIATE: no other tiendo-pki can take the same number.
     * (UPDATE ... RETURNING would do it in one statement but needs SQLite
     * 3.35; CMakeLists.txt accepts 3.31.) */
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return tdp__dberr(db, err, "begin");
    if (sqlite3_exec(db, "UPDATE meta SET value = value + 1 WHERE key = 'crl_number'", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'crl_number'", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = tdp__dberr(db, err, "CRL number");
        sqlite3_finalize(st);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return tdp__commit(db, err);
}

tdp_status tdp_entry_status(const tdp_entry *e, int64_t now)
{
    if (e->revoked_at) return TDP_STATUS_REVOKED;
    if (now > e->not_after) return TDP_STATUS_EXPIRED;
    return TDP_STATUS_VALID;
}

/* logread.c — see logread.h. */
#include "logread.h"
#include "oserr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
    R_SCAN,
    R_SCAN_KIND,
    R_CP_LATEST,
    R_CP_GET,
    R_CP_ALL,
    R_COSIG_AT,
    R_COSIG_ALL,
    R_WITNESSES,
    R__N
};

static const char *const td__rsql[R__N] = {
    [R_SCAN] = "SELECT idx, author, seq, kind, agency, task, body, received_ms FROM log "
               "WHERE idx >= ?1 ORDER BY idx LIMIT ?2",
    [R_SCAN_KIND] = "SELECT idx, author, seq, kind, agency, task, body, received_ms FROM log "
                    "WHERE kind = ?3 AND idx >= ?1 ORDER BY idx LIMIT ?2",
    [R_CP_LATEST] = "SELECT size, root, note, signed_ms FROM checkpoint ORDER BY size DESC LIMIT 1",
    [R_CP_GET] = "SELECT size, root, note, signed_ms FROM checkpoint WHERE size = ?1",
    [R_CP_ALL] = "SELECT size, root, note, signed_ms FROM checkpoint ORDER BY size",
    [R_COSIG_AT] = "SELECT size, witness, line, received_ms, witness_key, agency FROM cosig WHERE size = ?1 "
                   "ORDER BY witness",
    [R_COSIG_ALL] = "SELECT size, witness, line, received_ms, witness_key, agency FROM cosig ORDER BY size, witness",
    [R_WITNESSES] = "SELECT max(size), witness, line, received_ms, witness_key, agency FROM cosig GROUP BY witness "
                    "ORDER BY 1 DESC, witness",
};

/* The same reads of a cosig table from before witnesses were keyed (no
 * witness_key, agency columns): a database opened read-only is not migrated. */
static const char *const td__rsql_old[R__N] = {
    [R_COSIG_AT] = "SELECT size, witness, line, received_ms, NULL, NULL FROM cosig WHERE size = ?1 ORDER BY witness",
    [R_COSIG_ALL] = "SELECT size, witness, line, received_ms, NULL, NULL FROM cosig ORDER BY size, witness",
    [R_WITNESSES] = "SELECT max(size), witness, line, received_ms, NULL, NULL FROM cosig GROUP BY witness "
                    "ORDER BY 1 DESC, witness",
};

struct td_logread {
    sqlite3 *db;
    int own_db;
    char *path;
    sqlite3_stmt *st[R__N];   /* prepared on first use: an old database may lack a table */
};

static int td__rerr(td_logread *r, td_error *err, const char *what)
{
    int code = sqlite3_errcode(r->db);
    return td_error_set(err, code == SQLITE_BUSY || code == SQLITE_LOCKED ? TD_EBUSY : TD_EDB, TD_MSG_DB_FAIL, r->path,
                        td_sqlite_vi_db(r->db, what));
}

/* "file:PATH?mode=ro[&immutable=1]" with '?', '#' and '%' of PATH escaped
 * as %HH (SQLite URI rules); sqlite3_free it. */
static char *td__uri(const char *path, int immutable)
{
    static const char hx[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *esc = malloc(3 * n + 1), *q = esc, *uri;
    if (!esc) return NULL;
    for (const char *p = path; *p; p++) {
        if (*p == '?' || *p == '#' || *p == '%') {
            *q++ = '%';
            *q++ = hx[(unsigned char)*p >> 4];
            *q++ = hx[(unsigned char)*p & 15];
        } else {
            *q++ = *p;
        }
    }
    *q = '\0';
    uri = sqlite3_mprintf("file:%s?mode=ro%s", esc, immutable ? "&immutable=1" : "");
    free(esc);
    return uri;
}

int td_sqlite_open_ro(const char *path, sqlite3 **db, td_error *err)
{
    char wal[4096], *uri;
    struct stat sb;
    int immutable, rc;
    *db = NULL;
    if (stat(path, &sb)) {
        int e = errno;
        return td_error_set(err, TD_ENOTFOUND, "%s: no such database | " TD_MSG_DB_FAIL, path, path,
                            td_errno_vi_log(e, path));
    }
    /* immutable ignores a -wal file: use it only when there is none with content */
    if ((size_t)snprintf(wal, sizeof wal, "%s-wal", path) >= sizeof wal) immutable = 0;
    else immutable = stat(wal, &sb) != 0 || sb.st_size == 0;
    if (!(uri = td__uri(path, immutable))) return td_error_set(err, TD_ENOMEM, "%s: open | " TD_MSG_NOMEM, path);
    if (sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
        rc = td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, path, td_sqlite_vi_db(*db, "open read-only"));
        sqlite3_close(*db);
        *db = NULL;
    } else {
        rc = TD_OK;
    }
    sqlite3_free(uri);
    return rc;
}

int td_sqlite_open_ro_live(const char *path, sqlite3 **db, td_error *err)
{
    char *uri = td__uri(path, 0);
    int rc;
    *db = NULL;
    if (!uri) return td_error_set(err, TD_ENOMEM, "%s: open | " TD_MSG_NOMEM, path);
    rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    sqlite3_free(uri);
    /* the first read opens the -wal and -shm files: a medium where they cannot be opened fails here */
    if (rc == SQLITE_OK && sqlite3_exec(*db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) == SQLITE_OK)
        return TD_OK;
    sqlite3_close(*db);
    *db = NULL;
    /* immutable where that can be done; a missing file is named there */
    return td_sqlite_open_ro(path, db, err);
}

int td_logread_on(sqlite3 *db, const char *path, td_logread **out, td_error *err)
{
    td_logread *r;
    *out = NULL;
    if (!(r = calloc(1, sizeof *r)) || !(r->path = strdup(path ? path : "server.db"))) {
        free(r);
        return td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
    }
    r->db = db;
    *out = r;
    return TD_OK;
}

int td_logread_open(const char *path, td_logread **out, td_error *err)
{
    sqlite3 *db;
    int rc;
    *out = NULL;
    if ((rc = td_sqlite_open_ro(path, &db, err))) return rc;
    if ((rc = td_logread_on(db, path, out, err))) {
        sqlite3_close(db);
        return rc;
    }
    (*out)->own_db = 1;
    /* the table every reader needs: fail now, with its name */
    if (sqlite3_exec(db, "SELECT 1 FROM log LIMIT 1", NULL, NULL, NULL) != SQLITE_OK) {
        rc = td__rerr(*out, err, "not a tiendo server database (table log)");
        td_logread_close(*out);
        *out = NULL;
    }
    return rc;
}

void td_logread_close(td_logread *r)
{
    if (!r) return;
    for (int i = 0; i < R__N; i++) sqlite3_finalize(r->st[i]);
    if (r->own_db) sqlite3_close(r->db);
    free(r->path);
    free(r);
}

int td_sqlite_read_begin(sqlite3 *db, const char *path, td_error *err)
{
    /* BEGIN defers the snapshot to the first read: take it now */
    if (sqlite3_exec(db, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, path, td_sqlite_vi_db(db, "read transaction"));
        td_sqlite_read_end(db);
        return rc;
    }
    return TD_OK;
}

void td_sqlite_read_end(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int td_logread_begin(td_logread *r, td_error *err) { return td_sqlite_read_begin(r->db, r->path, err); }

void td_logread_end(td_logread *r) { td_sqlite_read_end(r->db); }

int td_logread_has_table(td_logread *r, const char *name)
{
    sqlite3_stmt *st;
    int found;
    if (sqlite3_prepare_v2(r->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* The statement q, prepared once; NULL with err set. */
static sqlite3_stmt *td__st(td_logread *r, int q, td_error *err)
{
    if (!r->st[q] && sqlite3_prepare_v3(r->db, td__rsql[q], -1, SQLITE_PREPARE_PERSISTENT, &r->st[q], NULL) != SQLITE_OK &&
        (!td__rsql_old[q] ||
         sqlite3_prepare_v3(r->db, td__rsql_old[q], -1, SQLITE_PREPARE_PERSISTENT, &r->st[q], NULL) != SQLITE_OK)) {
        td__rerr(r, err, "preparing a read");
        return NULL;
    }
    return r->st[q];
}

static void td__done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

int td_logread_scan(td_logread *r, uint64_t since, uint64_t max_rows, int kind, td_logread_cb cb, void *arg,
                    td_error *err)
{
    sqlite3_stmt *st = td__st(r, kind > 0 ? R_SCAN_KIND : R_SCAN, err);
    int step, rc = 0;
    if (!st) return err ? err->code : TD_EDB;
    if (since > INT64_MAX) return 0;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
    sqlite3_bind_int64(st, 2, max_rows && max_rows <= INT64_MAX ? (sqlite3_int64)max_rows : -1);
    if (kind > 0) sqlite3_bind_int(st, 3, kind);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        td_logread_row w;
        sqlite3_int64 idx = sqlite3_column_int64(st, 0);
        w.idx = idx > 0 ? (uint64_t)idx : 0;
        w.author = sqlite3_column_bytes(st, 1) == 32 ? sqlite3_column_blob(st, 1) : NULL;
        w.seq = (uint64_t)sqlite3_column_int64(st, 2);
        w.kind = sqlite3_column_int(st, 3);
        w.agency = (const char *)sqlite3_column_text(st, 4);
        if (!w.agency) w.agency = "";
        w.task = (uint32_t)sqlite3_column_int64(st, 5);
        w.body = sqlite3_column_blob(st, 6);
        w.len = (size_t)sqlite3_column_bytes(st, 6);
        if (!w.body) w.body = (const uint8_t *)"";
        w.received_ms = sqlite3_column_int64(st, 7);
        if ((rc = cb(arg, &w)) != 0) break;
    }
    if (!rc && step != SQLITE_DONE) rc = td__rerr(r, err, "reading the log");
    td__done(st);
    return rc;
}

/* ---- checkpoints ---- */

void td_logread_cp_free(td_logread_cp *c)
{
    if (!c) return;
    free(c->note);
    memset(c, 0, sizeof *c);
}

/* The current row of st as a checkpoint; the note borrowed from SQLite. */
static void td__cp_row(sqlite3_stmt *st, td_logread_cp *c)
{
    memset(c, 0, sizeof *c);
    c->size = (uint64_t)sqlite3_column_int64(st, 0);
    if (sqlite3_column_bytes(st, 1) == 32) {
        memcpy(c->root, sqlite3_column_blob(st, 1), 32);
        c->has_root = 1;
    }
    c->note = (char *)sqlite3_column_text(st, 2);
    c->note_len = (size_t)sqlite3_column_bytes(st, 2);
    if (!c->note) c->note = "", c->note_len = 0;
    c->signed_ms = sqlite3_column_int64(st, 3);
}

static int td__cp_one(td_logread *r, sqlite3_stmt *st, int *found, td_logread_cp *c, td_error *err)
{
    int step, rc = 0;
    *found = 0;
    memset(c, 0, sizeof *c);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        td_logread_cp b;
        td__cp_row(st, &b);
        *c = b;
        if (!(c->note = malloc(b.note_len + 1))) {
            rc = td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
        } else {
            if (b.note_len) memcpy(c->note, b.note, b.note_len);
            c->note[b.note_len] = 0;
            *found = 1;
        }
    } else if (step != SQLITE_DONE) {
        rc = td__rerr(r, err, "reading checkpoints");
    }
    td__done(st);
    if (rc) td_logread_cp_free(c);
    return rc;
}

int td_logread_checkpoint_latest(td_logread *r, int *found, td_logread_cp *c, td_error *err)
{
    sqlite3_stmt *st = td__st(r, R_CP_LATEST, err);
    *found = 0;
    memset(c, 0, sizeof *c);
    return st ? td__cp_one(r, st, found, c, err) : err ? err->code : TD_EDB;
}

int td_logread_checkpoint_get(td_logread *r, uint64_t size, int *found, td_logread_cp *c, td_error *err)
{
    sqlite3_stmt *st;
    *found = 0;
    memset(c, 0, sizeof *c);
    if (size > INT64_MAX) return 0;
    if (!(st = td__st(r, R_CP_GET, err))) return err ? err->code : TD_EDB;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
    return td__cp_one(r, st, found, c, err);
}

int td_logread_checkpoints(td_logread *r, td_logread_cp_cb cb, void *arg, td_error *err)
{
    sqlite3_stmt *st = td__st(r, R_CP_ALL, err);
    int step, rc = 0;
    if (!st) return err ? err->code : TD_EDB;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        td_logread_cp c;
        td__cp_row(st, &c);
        if ((rc = cb(arg, &c)) != 0) break;
    }
    if (!rc && step != SQLITE_DONE) rc = td__rerr(r, err, "reading checkpoints");
    td__done(st);
    return rc;
}

/* ---- cosignatures ---- */

static int td__cosig_rows(td_logread *r, sqlite3_stmt *st, td_logread_cosig_cb cb, void *arg, td_error *err)
{
    int step, rc = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        td_logread_cosig c;
        c.size = (uint64_t)sqlite3_column_int64(st, 0);
        c.witness = (const char *)sqlite3_column_text(st, 1);
        c.line = (const char *)sqlite3_column_text(st, 2);
        c.received_ms = sqlite3_column_int64(st, 3);
        c.key = sqlite3_column_bytes(st, 4) == 32 ? sqlite3_column_blob(st, 4) : NULL;
        c.agency = (const char *)sqlite3_column_text(st, 5);
        if (!c.witness) c.witness = "";
        if (!c.line) c.line = "";
        if ((rc = cb(arg, &c)) != 0) break;
    }
    if (!rc && step != SQLITE_DONE) rc = td__rerr(r, err, "reading cosignatures");
    td__done(st);
    return rc;
}

int td_logread_cosigs_at(td_logread *r, uint64_t size, td_logread_cosig_cb cb, void *arg, td_error *err)
{
    sqlite3_stmt *st;
    if (size > INT64_MAX) return 0;
    if (!(st = td__st(r, R_COSIG_AT, err))) return err ? err->code : TD_EDB;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
    return td__cosig_rows(r, st, cb, arg, err);
}

int td_logread_cosigs_all(td_logread *r, td_logread_cosig_cb cb, void *arg, td_error *err)
{
    sqlite3_stmt *st = td__st(r, R_COSIG_ALL, err);
    return st ? td__cosig_rows(r, st, cb, arg, err) : err ? err->code : TD_EDB;
}

int td_logread_witnesses(td_logread *r, td_logread_cosig_cb cb, void *arg, td_error *err)
{
    sqlite3_stmt *st = td__st(r, R_WITNESSES, err);
    return st ? td__cosig_rows(r, st, cb, arg, err) : err ? err->code : TD_EDB;
}

/* planstore.c — see planstore.h. */
#include "planstore.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "plan_pb.h"

/* Wait this long for another writer before giving up (the server and an
 * operator's command may touch the file at the same time). */
#define TD_PLANSTORE_BUSY_MS 5000

struct td_planstore {
    sqlite3 *db;
    char *path;
};

/* Numbered migrations: index i brings user_version from i to i+1. */
static const char *const td__migrations[] = {
    "CREATE TABLE plan_record("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  kind TEXT NOT NULL CHECK (kind IN ('plan','agency')),"
    "  payload BLOB NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  summary TEXT NOT NULL);"
    "CREATE TRIGGER plan_record_no_update BEFORE UPDATE ON plan_record"
    "  BEGIN SELECT RAISE(ABORT, 'plan_record is append-only'); END;"
    "CREATE TRIGGER plan_record_no_delete BEFORE DELETE ON plan_record"
    "  BEGIN SELECT RAISE(ABORT, 'plan_record is append-only'); END;",
};
#define TD__NMIG ((int)(sizeof td__migrations / sizeof td__migrations[0]))

static int td__dberr(td_planstore *s, td_error *err, const char *what)
{
    return td_error_set(err, TD_EDB, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int td__exec(td_planstore *s, const char *sql, td_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = td_error_set(err, TD_EDB, "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return rc;
    }
    return 0;
}

static int td__user_version(td_planstore *s, int *v, td_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return td__dberr(s, err, "reading the schema version");
    *v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return 0;
}

static int td__migrate(td_planstore *s, td_error *err)
{
    int v = 0, rc;
    if ((rc = td__user_version(s, &v, err))) return rc;
    if (v > TD__NMIG)
        return td_error_set(err, TD_EDB, "%s: schema version %d is newer than this program (%d)", s->path, v,
                            TD__NMIG);
    for (; v < TD__NMIG; v++) {
        char pragma[64];
        if ((rc = td__exec(s, "BEGIN IMMEDIATE", err))) return rc;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if ((rc = td__exec(s, td__migrations[v], err)) || (rc = td__exec(s, pragma, err))) {
            td__exec(s, "ROLLBACK", NULL);
            return rc;
        }
        if ((rc = td__exec(s, "COMMIT", err))) return rc;
    }
    return 0;
}

int td_planstore_open(const char *datadir, td_planstore **out, td_error *err)
{
    td_planstore *s;
    int rc;
    *out = NULL;
    if (mkdir(datadir, 0700) != 0 && errno != EEXIST)
        return td_error_set(err, TD_EIO, "%s: cannot create the data directory: %s", datadir, strerror(errno));
    if (!(s = calloc(1, sizeof *s))) return td_error_set(err, TD_ENOMEM, "out of memory");
    if (!(s->path = malloc(strlen(datadir) + sizeof "/server.db"))) {
        free(s);
        return td_error_set(err, TD_ENOMEM, "out of memory");
    }
    strcpy(s->path, datadir);
    strcat(s->path, "/server.db");
    if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        rc = td__dberr(s, err, "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, TD_PLANSTORE_BUSY_MS);
    if ((rc = td__exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", err)))
        goto fail;
    if ((rc = td__migrate(s, err))) goto fail;
    *out = s;
    return 0;
fail:
    td_planstore_close(s);
    return rc;
}

void td_planstore_close(td_planstore *s)
{
    if (!s) return;
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

int td_planstore_load(td_planstore *s, td_plan *plan, int *has_plan, td_registry *reg, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, seeded = 0, step;

    td_plan_init(plan);
    *has_plan = 0;
    td_registry_init_empty(reg);
    if (sqlite3_prepare_v2(s->db, "SELECT seq, kind, payload FROM plan_record ORDER BY seq", -1, &st, NULL) !=
        SQLITE_OK)
        return td__dberr(s, err, "reading plan records");
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long long seq = sqlite3_column_int64(st, 0);
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        const uint8_t *p = sqlite3_column_blob(st, 2);
        size_t n = (size_t)sqlite3_column_bytes(st, 2);
        td_error e2 = {0};
        if (kind && !strcmp(kind, "plan")) {
            td_plan next;
            if ((rc = td_plan_pb_decode(p, n, &next, NULL, &e2))) {
                rc = td_error_set(err, rc, "%s: record %lld: %s", s->path, seq, e2.msg);
                break;
            }
            td_plan_free(plan);
            *plan = next;
            *has_plan = 1;
        } else {
            if ((rc = td_registry_apply_pb(reg, p, n, &e2))) {
                rc = td_error_set(err, rc, "%s: record %lld: %s", s->path, seq, e2.msg);
                break;
            }
            seeded = 1;
        }
    }
    if (!rc && step != SQLITE_DONE) rc = td__dberr(s, err, "reading plan records");
    sqlite3_finalize(st);
    if (!rc && !seeded) {
        td_registry_free(reg);
        rc = td_registry_init_builtin(reg, err);
    }
    if (rc) {
        td_plan_free(plan);
        *has_plan = 0;
        td_registry_free(reg);
    }
    return rc;
}

static long long td__now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static int td__insert(td_planstore *s, const char *kind, const uint8_t *p, size_t n, const char *summary,
                      td_error *err)
{
    sqlite3_stmt *st;
    int rc = 0;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO plan_record(kind, payload, created_ms, summary) VALUES (?1, ?2, ?3, ?4)",
                           -1, &st, NULL) != SQLITE_OK)
        return td__dberr(s, err, "preparing a plan record");
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, p, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, td__now_ms());
    sqlite3_bind_text(st, 4, summary ? summary : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) rc = td__dberr(s, err, "writing a plan record");
    sqlite3_finalize(st);
    return rc;
}

/* In a transaction: the seed record goes first if the store has none, so
 * the history of the registry is complete in the store itself. */
static int td__ensure_seed(td_planstore *s, td_error *err)
{
    sqlite3_stmt *st;
    int have, rc;
    td_registry reg;
    uint8_t *p;
    size_t n;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM plan_record WHERE kind = 'agency' LIMIT 1", -1, &st, NULL) !=
        SQLITE_OK)
        return td__dberr(s, err, "reading plan records");
    have = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (have) return 0;
    if ((rc = td_registry_init_builtin(&reg, err))) return rc;
    rc = td_registry_seed_pb_encode(&reg, &p, &n);
    td_registry_free(&reg);
    if (rc) return td_error_set(err, rc, "out of memory encoding the registry");
    rc = td__insert(s, "agency", p, n, "danh mục cơ quan ban đầu (Kế hoạch 726)", err);
    free(p);
    return rc;
}

static int td__put(td_planstore *s, const char *kind, const uint8_t *p, size_t n, const char *summary, td_error *err)
{
    int rc;
    if ((rc = td__exec(s, "BEGIN IMMEDIATE", err))) return rc;
    if ((rc = td__ensure_seed(s, err)) || (rc = td__insert(s, kind, p, n, summary, err))) {
        td__exec(s, "ROLLBACK", NULL);
        return rc;
    }
    return td__exec(s, "COMMIT", err);
}

int td_planstore_put_plan(td_planstore *s, const td_plan *plan, const char *source, const char *summary,
                          td_error *err)
{
    uint8_t *p;
    size_t n;
    int rc;
    if (td_plan_pb_encode(plan, source, &p, &n)) return td_error_set(err, TD_ENOMEM, "out of memory encoding the plan");
    rc = td__put(s, "plan", p, n, summary, err);
    free(p);
    return rc;
}

int td_planstore_put_agency_change(td_planstore *s, const td_agency_change *ch, const char *summary, td_error *err)
{
    uint8_t *p;
    size_t n;
    int rc;
    if (td_agency_change_pb_encode(ch, &p, &n))
        return td_error_set(err, TD_ENOMEM, "out of memory encoding an agency change");
    rc = td__put(s, "agency", p, n, summary, err);
    free(p);
    return rc;
}

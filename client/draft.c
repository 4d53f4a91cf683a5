/*
 * draft.c — the SQL of the replica's table `draft` (see draft.h).
 */
#include "draft.h"
#include "grow.h"
#include "oserr.h"
#include "msg.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tdc__draft_dberr(tdc_replica *r, td_error *err, const char *what)
{
    return td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, tdc_replica_path(r), td_sqlite_vi_db(tdc_replica_db(r), what));
}

static int tdc__draft_key_ok(const char *key, td_error *err)
{
    size_t n = key ? strlen(key) : 0;
    if (n == 0 || n > TDC_DRAFT_KEY_MAX) return td_error_set(err, TD_EARG, "draft key empty or longer than %d bytes",
                                                             TDC_DRAFT_KEY_MAX);
    return TD_OK;
}

void tdc_draft_key(uint32_t task, const char *period, char *key)
{
    snprintf(key, TDC_DRAFT_KEY_MAX + 1, "%u/%.7s", task, period);
}

int tdc_draft_put(tdc_replica *r, int kind, const char *key, const uint8_t *payload, size_t len, int64_t now_ms,
                  td_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;
    if ((rc = tdc__draft_key_ok(key, err))) return rc;
    if (len > (size_t)INT32_MAX) return td_error_set(err, TD_ETOOBIG, "draft %s: payload of %zu bytes", key, len);
    /* UPSERT keeps id and created_ms: a draft saved again is the same draft. */
    if (sqlite3_prepare_v2(tdc_replica_db(r),
                           "INSERT INTO draft(kind, key, payload, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?4) "
                           "ON CONFLICT(kind, key) DO UPDATE SET payload = excluded.payload, "
                           "updated_ms = excluded.updated_ms",
                           -1, &st, NULL) != SQLITE_OK)
        return tdc__draft_dberr(r, err, "preparing the save");
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    /* A zero-length blob must still be a blob, not NULL (NOT NULL column). */
    sqlite3_bind_blob(st, 3, len ? (const void *)payload : (const void *)"", (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms);
    rc = sqlite3_step(st) == SQLITE_DONE ? TD_OK : tdc__draft_dberr(r, err, "saving");
    sqlite3_finalize(st);
    return rc;
}

/* Fill d from a row (id, kind, key, payload, created_ms, updated_ms). */
static int tdc__draft_row(sqlite3_stmt *st, tdc_draft *d, td_error *err)
{
    const char *key = (const char *)sqlite3_column_text(st, 2);
    const void *p = sqlite3_column_blob(st, 3);
    size_t n = (size_t)sqlite3_column_bytes(st, 3);
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(st, 0);
    d->kind = sqlite3_column_int(st, 1);
    snprintf(d->key, sizeof d->key, "%s", key ? key : "");
    d->payload = malloc(n ? n : 1);
    if (!d->payload) return td_error_set(err, TD_ENOMEM, "draft %s: payload of %zu bytes", d->key, n);
    if (n) memcpy(d->payload, p, n);
    d->len = n;
    d->created_ms = sqlite3_column_int64(st, 4);
    d->updated_ms = sqlite3_column_int64(st, 5);
    return TD_OK;
}

int tdc_draft_get(tdc_replica *r, int kind, const char *key, tdc_draft *out, int *found, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = TD_OK, step;
    memset(out, 0, sizeof *out);
    *found = 0;
    if ((rc = tdc__draft_key_ok(key, err))) return rc;
    if (sqlite3_prepare_v2(tdc_replica_db(r),
                           "SELECT id, kind, key, payload, created_ms, updated_ms FROM draft WHERE kind = ?1 AND key = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return tdc__draft_dberr(r, err, "preparing the lookup");
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        if ((rc = tdc__draft_row(st, out, err)) == TD_OK) *found = 1;
    } else if (step != SQLITE_DONE) {
        rc = tdc__draft_dberr(r, err, "reading");
    }
    sqlite3_finalize(st);
    return rc;
}

int tdc_draft_list(tdc_replica *r, int kind, tdc_draft **v, size_t *n, td_error *err)
{
    sqlite3_stmt *st = NULL;
    tdc_draft *arr = NULL;
    size_t cnt = 0, cap = 0;
    int rc = TD_OK, step;
    *v = NULL;
    *n = 0;
    /* Order by the task number, then the period, for people: "9/..." before "10/...". */
    if (sqlite3_prepare_v2(tdc_replica_db(r),
                           "SELECT id, kind, key, payload, created_ms, updated_ms FROM draft "
                           "WHERE ?1 < 0 OR kind = ?1 ORDER BY kind, CAST(key AS INTEGER), key",
                           -1, &st, NULL) != SQLITE_OK)
        return tdc__draft_dberr(r, err, "preparing the list");
    sqlite3_bind_int(st, 1, kind);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (TD_GROW(arr, cap, cnt + 1)) {
            rc = td_error_set(err, TD_ENOMEM, "listing drafts");
            goto out;
        }
        if ((rc = tdc__draft_row(st, &arr[cnt], err))) goto out;
        cnt++;
    }
    if (step != SQLITE_DONE) rc = tdc__draft_dberr(r, err, "listing");
out:
    sqlite3_finalize(st);
    if (rc) {
        tdc_drafts_free(arr, cnt);
        return rc;
    }
    *v = arr;
    *n = cnt;
    return TD_OK;
}

int tdc_draft_delete(tdc_replica *r, int kind, const char *key, int *found, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;
    if (found) *found = 0;
    if ((rc = tdc__draft_key_ok(key, err))) return rc;
    if (sqlite3_prepare_v2(tdc_replica_db(r), "DELETE FROM draft WHERE kind = ?1 AND key = ?2", -1, &st, NULL) !=
        SQLITE_OK)
        return tdc__draft_dberr(r, err, "preparing the delete");
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_DONE) {
        if (found) *found = sqlite3_changes(tdc_replica_db(r)) > 0;
        rc = TD_OK;
    } else {
        rc = tdc__draft_dberr(r, err, "deleting");
    }
    sqlite3_finalize(st);
    return rc;
}

void tdc_draft_free(tdc_draft *d)
{
    if (!d) return;
    free(d->payload);
    memset(d, 0, sizeof *d);
}

void tdc_drafts_free(tdc_draft *v, size_t n)
{
    for (size_t i = 0; i < n; i++) tdc_draft_free(&v[i]);
    free(v);
}

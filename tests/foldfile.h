/*
 * foldfile.h — a replica's stored fold as the tests that damage or replace it see it: the file the row
 * `fold_snapshot` names (client/replica.c), read whole or written over.
 */
#ifndef TT_FOLDFILE_H
#define TT_FOLDFILE_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "derive_snap.h"
#include "replica.h"

/* The path of the fold file the row of replica `db` names (malloc'd); NULL when there is no row. */
static inline char *tt_fold_path(const char *db)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    char *fp = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(h);
        return NULL;
    }
    if (sqlite3_prepare_v2(h, "SELECT state FROM fold_snapshot WHERE id = 1", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TD_SNAP_HEADER)
            fp = tdc_replica_fold_file(db, sqlite3_column_blob(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return fp;
}

/* The stored blob of replica `db` (malloc'd; NULL when there is none) and its length. */
static inline uint8_t *tt_fold_get(const char *db, size_t *n)
{
    char *fp = tt_fold_path(db);
    uint8_t *b = NULL;
    FILE *f;
    long len;
    *n = 0;
    if (fp && (f = fopen(fp, "rb"))) {
        if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) && (b = malloc((size_t)len)) &&
            fread(b, 1, (size_t)len, f) == (size_t)len)
            *n = (size_t)len;
        fclose(f);
    }
    free(fp);
    if (!*n) {
        free(b);
        b = NULL;
    }
    return b;
}

/* The n bytes b over the file the row of replica `db` names, and with head b's header into the row too (as a
 * build writing another format would).  0 or -1. */
static inline int tt_fold_put(const char *db, const uint8_t *b, size_t n, int head)
{
    char *fp = tt_fold_path(db);
    sqlite3 *h;
    sqlite3_stmt *st;
    FILE *f;
    int rc = -1;
    if (fp && (f = fopen(fp, "wb"))) {
        rc = fwrite(b, 1, n, f) == n ? 0 : -1;
        if (fclose(f)) rc = -1;
    }
    free(fp);
    if (rc || !head) return rc;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(h);
        return -1;
    }
    rc = -1;
    if (sqlite3_prepare_v2(h, "UPDATE fold_snapshot SET state = ?1 WHERE id = 1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_blob(st, 1, b, TD_SNAP_HEADER, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(h) == 1 ? 0 : -1;
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return rc;
}

#endif

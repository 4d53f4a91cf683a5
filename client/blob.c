/* blob.c — see blob.h.  All SQL of the replica's blob table is here. */
#include "clock.h"
#include "blob.h"

#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "entry.h"
#include "log.pb-c.h"
#include "tiendo.pb-c.h"
#include "utf8.h"
#include "oserr.h"
#include "msg.h"

static int64_t tdc__blob_now(void) { return td_clock_now_ms(); }

static int tdc__dberr(tdc_replica *r, td_error *err, const char *what)
{
    return td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, tdc_replica_path(r), td_sqlite_vi_db(tdc_replica_db(r), what));
}

void tdc_blob_hex(const unsigned char sha[32], char out[65])
{
    sodium_bin2hex(out, 65, sha, 32);
}

int tdc_blob_unhex(const char *hex, unsigned char sha[32])
{
    if (!hex || strlen(hex) != 64) return TD_EARG;
    for (int i = 0; i < 32; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char c = hex[2 * i + j];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
            else return TD_EARG;
        }
        sha[i] = (unsigned char)v;
    }
    return 0;
}

/* Insert (or keep) the bytes under their hash. */
static int tdc__blob_insert(tdc_replica *r, const unsigned char sha[32], const char *mime, const uint8_t *p, size_t n,
                            int64_t now_ms, int64_t uploaded_ms, td_error *err)
{
    sqlite3 *db = tdc_replica_db(r);
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO blob(sha256, mime, size, data, added_ms, uploaded_ms) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(sha256) DO NOTHING",
                           -1, &st, NULL) != SQLITE_OK)
        return tdc__dberr(r, err, "preparing a blob insert");
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, mime, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
    sqlite3_bind_blob(st, 4, p, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now_ms);
    if (uploaded_ms) sqlite3_bind_int64(st, 6, uploaded_ms);
    else sqlite3_bind_null(st, 6);
    if (sqlite3_step(st) != SQLITE_DONE) rc = tdc__dberr(r, err, "storing an attachment");
    sqlite3_finalize(st);
    return rc;
}

/* Read a whole file, at most TD_ATTACH_MAX_BYTES + 1 bytes (enough to know
 * it is too big without reading a DVD image). */
static int tdc__read_file(const char *path, uint8_t **p, size_t *n, int *too_big, td_error *err)
{
    FILE *f = fopen(path, "rb");
    size_t cap = TD_ATTACH_MAX_BYTES + 1, got = 0;
    uint8_t *buf;
    *p = NULL;
    *n = 0;
    *too_big = 0;
    if (!f) return td_error_set(err, TD_EIO, TD_MSG_FILE_READ, path, td_errno_vi_log(errno, path));
    if (!(buf = malloc(cap))) {
        fclose(f);
        return td_error_set(err, TD_ENOMEM, "%s: out of memory", path);
    }
    while (got < cap) {
        size_t k = fread(buf + got, 1, cap - got, f);
        if (k == 0) break;
        got += k;
    }
    if (ferror(f)) {
        fclose(f);
        free(buf);
        return td_error_set(err, TD_EIO, TD_MSG_FILE_READ, path, td_errno_vi_log(errno, path));
    }
    fclose(f);
    *too_big = got > TD_ATTACH_MAX_BYTES;
    *p = buf;
    *n = got;
    return 0;
}

int tdc_blob_add_file(tdc_replica *r, const char *path, tdc_blob_info *out, td_error *err)
{
    const char *base = strrchr(path, '/');
    uint8_t *p = NULL;
    size_t n = 0;
    int too_big, rc;
    char *name;
    const char *mime;
    struct stat sb;

    memset(out, 0, sizeof *out);
    base = base ? base + 1 : path;
    if (stat(path, &sb) != 0) return td_error_set(err, TD_EIO, TD_MSG_FILE_READ, path, td_errno_vi_log(errno, path));
    if (!S_ISREG(sb.st_mode)) return td_error_set(err, TD_EIO, TD_MSG_NOT_FILE, path);
    if ((uint64_t)sb.st_size > TD_ATTACH_MAX_BYTES)
        return td_error_set(err, TD_ETOOBIG, "%s: %llu bytes exceeds TD_ATTACH_MAX_BYTES (%u)", path,
                            (unsigned long long)sb.st_size, TD_ATTACH_MAX_BYTES);
    if (!(name = td_vi_nfc(base))) return td_error_set(err, TD_ENOMEM, "out of memory");
    if (!td_attach_name_ok(name)) {
        rc = td_error_set(err, TD_EARG, "%s: the file name is not acceptable for an attachment", path);
        free(name);
        return rc;
    }
    if ((rc = tdc__read_file(path, &p, &n, &too_big, err))) {
        free(name);
        return rc;
    }
    if (too_big) {
        rc = td_error_set(err, TD_ETOOBIG, "%s: more than TD_ATTACH_MAX_BYTES (%u) bytes", path, TD_ATTACH_MAX_BYTES);
        goto out;
    }
    if (!(mime = td_attach_sniff(p, n, name, err))) {
        rc = err ? err->code : TD_EARG;
        if (!rc) rc = TD_EARG;
        goto out;
    }
    crypto_hash_sha256(out->sha256, p, n);
    snprintf(out->mime, sizeof out->mime, "%s", mime);
    snprintf(out->name, sizeof out->name, "%s", name);
    out->size = n;
    rc = tdc__blob_insert(r, out->sha256, mime, p, n, tdc__blob_now(), 0, err);
out:
    free(p);
    free(name);
    return rc;
}

void tdc_blob_explain_vi(const char *path, int rc, const td_error *err, char *buf, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    (void)err;
    if (rc == TD_ETOOBIG) {
        struct stat sb;
        if (stat(path, &sb) == 0 && sb.st_size == 0)
            snprintf(buf, n, TD_MSG_ATTACH_EXPLAIN_EMPTY, base);
        else
            snprintf(buf, n,
                     TD_MSG_ATTACH_EXPLAIN_TOO_BIG,
                     base, stat(path, &sb) == 0 ? (double)sb.st_size / (1024.0 * 1024.0) : 0.0,
                     TD_ATTACH_MAX_BYTES / (1024 * 1024));
    } else if (rc == TD_EARG) {
        uint8_t head[16];
        size_t k = 0;
        const char *seen = NULL;
        FILE *f = fopen(path, "rb");
        if (f) {
            k = fread(head, 1, sizeof head, f);
            fclose(f);
            seen = td_attach_seen_vi(head, k);
        }
        if (err && strstr(err->msg, "file name"))
            snprintf(buf, n, TD_MSG_ATTACH_EXPLAIN_NAME_BAD, base);
        else if (seen)
            snprintf(buf, n, TD_MSG_ATTACH_EXPLAIN_TYPE_SEEN, base, seen,
                     TD_ATTACH_ACCEPTED_VI);
        else
            snprintf(buf, n, TD_MSG_ATTACH_EXPLAIN_TYPE_UNKNOWN,
                     base, TD_ATTACH_ACCEPTED_VI);
    } else if (rc == TD_EIO) {
        snprintf(buf, n, TD_MSG_ATTACH_EXPLAIN_UNREADABLE, base);
    } else {
        snprintf(buf, n, TD_MSG_ATTACH_EXPLAIN_NOT_STORED, base, td_err_vi(rc));
    }
}

int tdc_blob_put_verified(tdc_replica *r, const unsigned char sha[32], const uint8_t *p, size_t n, const char *name,
                          int64_t now_ms, td_error *err)
{
    unsigned char got[32];
    const char *mime;
    crypto_hash_sha256(got, p, n);
    if (sodium_memcmp(got, sha, 32) != 0) return td_error_set(err, TD_ESIG, "downloaded bytes do not match the hash");
    if (!(mime = td_attach_sniff(p, n, name, err))) return TD_EARG;
    return tdc__blob_insert(r, sha, mime, p, n, now_ms, now_ms, err);
}

int tdc_blob_get(tdc_replica *r, const unsigned char sha[32], int *found, tdc_blob_row *row, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int step, rc = 0;
    *found = 0;
    memset(row, 0, sizeof *row);
    if (sqlite3_prepare_v2(tdc_replica_db(r), "SELECT mime, size, added_ms, uploaded_ms FROM blob WHERE sha256 = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return tdc__dberr(r, err, "preparing a blob lookup");
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *found = 1;
        snprintf(row->mime, sizeof row->mime, "%s", (const char *)sqlite3_column_text(st, 0));
        row->size = (uint64_t)sqlite3_column_int64(st, 1);
        row->added_ms = sqlite3_column_int64(st, 2);
        row->uploaded_ms = sqlite3_column_int64(st, 3);
    } else if (step != SQLITE_DONE) {
        rc = tdc__dberr(r, err, "looking up an attachment");
    }
    sqlite3_finalize(st);
    return rc;
}

int tdc_blob_load(tdc_replica *r, const unsigned char sha[32], uint8_t **p, size_t *n, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int step, rc = 0;
    char hex[65];
    *p = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(tdc_replica_db(r), "SELECT data FROM blob WHERE sha256 = ?1", -1, &st, NULL) != SQLITE_OK)
        return tdc__dberr(r, err, "preparing a blob read");
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        size_t k = (size_t)sqlite3_column_bytes(st, 0);
        if (!(*p = malloc(k ? k : 1))) rc = td_error_set(err, TD_ENOMEM, "out of memory");
        else {
            if (k) memcpy(*p, sqlite3_column_blob(st, 0), k);
            *n = k;
        }
    } else if (step == SQLITE_DONE) {
        tdc_blob_hex(sha, hex);
        rc = td_error_set(err, TD_ENOTFOUND, "%s: attachment %s is not in the replica", tdc_replica_path(r), hex);
    } else {
        rc = tdc__dberr(r, err, "reading an attachment");
    }
    sqlite3_finalize(st);
    return rc;
}

int tdc_blob_set_uploaded(tdc_replica *r, const unsigned char sha[32], int64_t now_ms, td_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(tdc_replica_db(r),
                           "UPDATE blob SET uploaded_ms = ?2 WHERE sha256 = ?1 AND uploaded_ms IS NULL", -1, &st,
                           NULL) != SQLITE_OK)
        return tdc__dberr(r, err, "preparing a blob update");
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    if (sqlite3_step(st) != SQLITE_DONE) rc = tdc__dberr(r, err, "marking an attachment uploaded");
    sqlite3_finalize(st);
    return rc;
}

int tdc_blob_entry_refs(const uint8_t *body, size_t len, unsigned char (**out)[32], size_t *n, td_error *err)
{
    td_entry en;
    td_error e2;
    Tiendo__ReportPayload *p;
    *out = NULL;
    *n = 0;
    if (td_entry_decode(body, len, &en, &e2)) return 0;
    if (en.e->kind != TIENDO__ENTRY_KIND__ENTRY_REPORT ||
        !(p = tiendo__report_payload__unpack(NULL, en.e->payload.len, en.e->payload.data))) {
        td_entry_free(&en);
        return 0;
    }
    if (p->n_attachments) {
        if (!(*out = calloc(p->n_attachments, sizeof **out))) {
            tiendo__report_payload__free_unpacked(p, NULL);
            td_entry_free(&en);
            return td_error_set(err, TD_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < p->n_attachments; i++)
            if (p->attachments[i] && p->attachments[i]->sha256.len == 32)
                memcpy((*out)[(*n)++], p->attachments[i]->sha256.data, 32);
    }
    tiendo__report_payload__free_unpacked(p, NULL);
    td_entry_free(&en);
    return 0;
}

/*
 * blob.h — attachment bytes in the replica (table `blob`, migration 3),
 * content-addressed by SHA-256, and their upload to / download from the
 * server (docs/PROTOCOL.md §7).  All SQL of the blob table
 * is in blob.c.
 *
 * A file enters the replica only after common/attach.h accepted its type
 * and size; its hash is computed here, so the hash a report entry signs is
 * always the hash of bytes the replica holds.  Functions return 0 or a
 * negative TD_E* with err filled (English, naming the file).
 */
#ifndef TDC_BLOB_H
#define TDC_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "attach.h"
#include "err.h"
#include "replica.h"

typedef struct tdc_blob_info {
    unsigned char sha256[32];
    char mime[TD_ATTACH_MIME_MAX + 1];
    uint64_t size;
    char name[TD_ATTACH_NAME_MAX + 1];   /* the file's base name, NFC */
} tdc_blob_info;

/*
 * Read the file at path, check it (td_attach_sniff: TD_EARG for a refused
 * type, TD_ETOOBIG above TD_ATTACH_MAX_BYTES or empty; TD_EIO if it cannot
 * be read; TD_EARG for a base name td_attach_name_ok refuses), store its
 * bytes by hash (storing the same bytes twice is no error) and fill *out.
 */
int tdc_blob_add_file(tdc_replica *r, const char *path, tdc_blob_info *out, td_error *err);

/* A Vietnamese sentence for the clerk about a failure of tdc_blob_add_file
 * on path (rc, err as it returned): what was wrong with the file (too big,
 * empty, what it seems to be and which types are accepted, unreadable) and
 * what to do.  Always fills buf. */
void tdc_blob_explain_vi(const char *path, int rc, const td_error *err, char *buf, size_t n);

/* Store bytes already checked by the caller against sha (a download):
 * verified again here (TD_ESIG if p does not hash to sha), type from
 * td_attach_sniff with name.  uploaded_ms is set (the server has them). */
int tdc_blob_put_verified(tdc_replica *r, const unsigned char sha[32], const uint8_t *p, size_t n, const char *name,
                          int64_t now_ms, td_error *err);

/* What the replica holds of sha: *found = 0 if nothing. */
typedef struct tdc_blob_row {
    char mime[TD_ATTACH_MIME_MAX + 1];
    uint64_t size;
    int64_t added_ms;
    int64_t uploaded_ms;          /* 0 = not known to be on the server */
} tdc_blob_row;
int tdc_blob_get(tdc_replica *r, const unsigned char sha[32], int *found, tdc_blob_row *row, td_error *err);
/* The bytes (malloc'd, caller frees; *n = size).  TD_ENOTFOUND if absent. */
int tdc_blob_load(tdc_replica *r, const unsigned char sha[32], uint8_t **p, size_t *n, td_error *err);
/* Mark sha as held by the server. */
int tdc_blob_set_uploaded(tdc_replica *r, const unsigned char sha[32], int64_t now_ms, td_error *err);

/* Hex of a hash (65 bytes with the NUL); parse a full 64-digit hex (0 ok,
 * TD_EARG otherwise). */
void tdc_blob_hex(const unsigned char sha[32], char out[65]);
int tdc_blob_unhex(const char *hex, unsigned char sha[32]);

/* The attachments a serialized SignedEntry cites (reports only): *out is a
 * new array of *n hashes (32 bytes each, NULL when none); names/sizes/types
 * are not needed by sync.  Entries that do not decode cite nothing. */
int tdc_blob_entry_refs(const uint8_t *body, size_t len, unsigned char (**out)[32], size_t *n, td_error *err);

#endif

/*
 * blob.h — attachment bytes in the replica (table `blob`, migration 3),
 * content-addressed by SHA-256, and their upload to / download from the
 * server (issue: office workflow, attachments).  All SQL of the blob table
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

#endif

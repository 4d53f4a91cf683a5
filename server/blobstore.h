/*
 * blobstore.h — attachments on the server (docs/PROTOCOL.md §7): the
 * blob operations of the session backend (session.h blob_offer, blob_chunk,
 * blob_get) over the ledger, and the record of which log entries cite which
 * file.  SQL is in logstore.c (migration 3); this module decides.
 *
 * Upload: an offer reserves the offered size against the device's quota
 * (TD_BLOB_DEVICE_QUOTA: unfinished uploads plus finished files no entry
 * cites yet) and expires uploads untouched for TD_BLOB_PARTIAL_TTL_MS.
 * Each chunk is durable before its status.  At the last byte the chunks
 * are streamed, one at a time, through SHA-256 and td_attach_sniffer: a
 * wrong hash or a content that is not of the offered type drops the upload
 * and is refused with the reason; otherwise the file is stored durably
 * before the status says complete.  Memory per call: one chunk, plus the
 * sniffer (~128 KiB) while a file is finished.
 *
 * Download: central and inspector devices may fetch any stored file; an
 * office one its device uploaded, or one cited by a fold-accepted log entry
 * visible to it (td_state_visible).  For anything else BlobOffer and BlobGet
 * answer exactly as for a hash that is not stored.
 */
#ifndef TDS_BLOBSTORE_H
#define TDS_BLOBSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "derive.h"
#include "err.h"
#include "logstore.h"
#include "session.h"

/* What the blob operations need of their owner (the ledger, which hands
 * them to the session backend): its store, its state, and the fold of rows
 * other processes appended.  A narrow interface, so that this module does
 * not depend on the ledger. */
typedef struct tds_blob_host {
    tds_logstore *store;
    const td_state *(*state)(void *owner);
    int (*catch_up)(void *owner, td_error *err);
    void *owner;
} tds_blob_host;

/* The backend operations (session.h blob_offer, blob_chunk, blob_get). */
int tds_blob_offer(const tds_blob_host *host, const tds_peer *peer, const unsigned char sha[32], uint64_t size, const char *mime,
                   tds_blob_status *out, td_error *err);
int tds_blob_chunk(const tds_blob_host *host, const tds_peer *peer, const unsigned char sha[32], uint64_t offset,
                   const uint8_t *data, size_t n, tds_blob_status *out, td_error *err);
int tds_blob_get(const tds_blob_host *host, const tds_peer *peer, const unsigned char sha[32], uint64_t offset, uint8_t *buf,
                 size_t cap, size_t *n, uint64_t *size, char mime[128], td_error *err);

/*
 * Log index r, just accepted by the fold (inside the transaction the
 * caller opened): record the stored files it cites (a report's attachments
 * with a 32-byte hash) that its author's device may use: uploaded (or sent
 * whole again) by that device, or already visible to its agency; a file
 * not stored, or not the author's, gets no reference (logged).  Refused
 * entries are never passed here: a reference grants download to whoever
 * sees the entry, and frees the uploader's quota.
 */
int tds_blob_note_accepted(const tds_blob_host *host, const tds_logrow *r, td_error *err);

#endif

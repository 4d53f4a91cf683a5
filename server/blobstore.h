/*
 * blobstore.h — attachments on the server (issue: office workflow): the
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
 * office only one cited by a log entry visible to it (td_state_visible).
 */
#ifndef TDS_BLOBSTORE_H
#define TDS_BLOBSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "logstore.h"
#include "session.h"

struct tds_ledger;

/* The backend operations; ctx is the tds_ledger. */
int tds_blob_offer(void *ctx, const tds_peer *peer, const unsigned char sha[32], uint64_t size, const char *mime,
                   tds_blob_status *out, td_error *err);
int tds_blob_chunk(void *ctx, const tds_peer *peer, const unsigned char sha[32], uint64_t offset,
                   const uint8_t *data, size_t n, tds_blob_status *out, td_error *err);
int tds_blob_get(void *ctx, const tds_peer *peer, const unsigned char sha[32], uint64_t offset, uint8_t *buf,
                 size_t cap, size_t *n, uint64_t *size, char mime[128], td_error *err);

/*
 * Inside the transaction appending log index idx (an entry of kind with
 * that payload): record the files it cites (reports' attachments with a
 * 32-byte hash; other kinds cite none).  A payload that does not decode
 * cites nothing (the fold refuses it anyway).
 */
int tds_blob_note_refs(tds_logstore *s, uint64_t idx, int kind, const uint8_t *payload, size_t len, td_error *err);

#endif

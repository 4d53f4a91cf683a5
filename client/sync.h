/*
 * sync.h — the client's side of the sync protocol (docs/PROTOCOL.md §5, §11): what to
 * push, when to pull, what each answer means.  It knows nothing of sockets:
 * it is given the server's Welcome and a pair of blocking calls (send one
 * frame, receive one frame), so that tests can drive it by feeding frames
 * and `tiendo sync` drives it over a tdc_link.
 *
 * One run, after the handshake:
 *   1. check Welcome.agency is the device's agency (TD_EAUTH otherwise);
 *      verify Welcome.tree_head (docs/LOG.md §9, before anything is pushed or
 *      pulled): the checkpoint is signed by the server key (the TLS peer's
 *      certificate; once the replica holds the log's first entry, its
 *      author must be that key), its origin equals the one verified
 *      before, its size is >= the last verified size, and Welcome.
 *      consistency proves that it extends the last verified checkpoint.
 *      Success stores it (the next Hello carries it); failure stores an
 *      alarm with both notes and the proof and ends the run (TD_ESIG,
 *      stats->alarm_id set) before any frame is sent.  A device with role
 *      inspector then cosigns it (Cosign / CosignAck) if it is larger than
 *      the last one it cosigned;
 *   2a. attachments first (protocol version >= TD_PROTO_BLOB): for each
 *      pending report in seq order, each file it cites is offered
 *      (BlobOffer -> BlobStatus{have}) and sent in TD_BLOB_CHUNK_MAX chunks
 *      from `have` (so a cut upload resumes where the server's durable copy
 *      ends), until BlobStatus.complete; the replica marks it uploaded.
 *      An entry is pushed only once all files it cites are complete on the
 *      server: the first entry whose file is missing from the replica
 *      (TD_ENOTFOUND), refused by the server (TD_EAUTH... with the
 *      server's reason), or that a version-1 server cannot take
 *      (TD_EVERSION), stops the push there — entries before it are pushed
 *      and pulled as usual, then the run fails with err "English | Vietnamese"
 *      (tdc_link_vi shows the Vietnamese part).  A refusal for quota first
 *      pushes what is ready (citing frees quota) and tries again;
 *   2. push the outbox's pending entries in seq order, in batches bounded
 *      by TD_PUSH_MAX_ENTRIES and TD_PUSH_MAX_BYTES; each PushAck is
 *      recorded in one transaction (stored / duplicate with the log index,
 *      refused with the reason);
 *      Up to TDC_PUSH_WINDOW batches are in flight (sent before the oldest
 *      PushAck is read); acks are recorded in order, one batch per
 *      transaction; after a cut, what was not acked is sent again;
 *   3. if Welcome.has_new, or anything was pushed (our own entries are now
 *      in the log for us to pull), Pull{since = cursor} until more = false,
 *      each Entries batch committed with its cursor in one transaction and
 *      folded into the replica's state.  Before a batch is stored, its
 *      Entries.tree_head is checked against the Welcome's: signed by the
 *      same key under the same origin, not smaller, and of the same root if
 *      of the same size (an alarm otherwise).  A larger head (the log grew
 *      during the session) cannot be proven consistent without a proof, so
 *      it is not stored: the next Welcome proves it.
 *      At protocol >= TD_PROTO_OWN (docs/PROTOCOL.md §9) each Pull carries own_from_seq
 *      (tdc_replica_outbox_own_from: the lowest outbox seq acknowledged at
 *      an index >= the cursor), and the server sends our own entries from
 *      it without body; each is rebuilt from the outbox row of its seq,
 *      which must be acknowledged at exactly that log index (the bytes the
 *      server acknowledged: the same leaf).  When the outbox cannot vouch
 *      for one (no row, another index, undecodable) nothing of the batch is
 *      stored and the range is pulled again with every body
 *      (stats->own_fallbacks).
 * With nothing pending and has_new false, no frame is sent at all: the sync
 * took one round trip after the handshake (Hello/Welcome).
 *
 * A failure at any point leaves the replica consistent: what was committed
 * stays, the rest is done again by the next run (re-sent entries come back
 * as duplicates with their index).
 */
#ifndef TDC_SYNC_H
#define TDC_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "replica.h"
#include "tiendo.pb-c.h"

/* Push batches in flight before the oldest PushAck is read (docs/PROTOCOL.md §5).  4
 * keeps the server's verify threads and the link busy while a commit runs,
 * and bounds what a cut sends again to 4 batches (TD_PUSH_MAX_BYTES each);
 * acks are small, so a blocking peer cannot deadlock on them. */
#define TDC_PUSH_WINDOW 4
#define TDC_PUSH_WINDOW_MAX 16

/* The transport: blocking calls.  recv hands over a frame the caller frees
 * with td_frame_free; an Error frame from the server is a negative return
 * (as tdc_link_recv does). */
typedef struct tdc_sync_io {
    void *arg;
    int (*send)(void *arg, const Tiendo__Frame *f, td_error *err);
    int (*recv)(void *arg, Tiendo__Frame **out, td_error *err);
} tdc_sync_io;

typedef enum { TDC_SYNC_PUSH = 1, TDC_SYNC_PULL = 2 } tdc_sync_phase;

/* Progress after each batch: for a push, done of total entries; for a
 * pull, done entries so far, and total = an upper bound (the server's log
 * size minus our cursor: the entries we may see are a subset). */
typedef void (*tdc_sync_progress_fn)(void *arg, tdc_sync_phase phase, uint64_t done, uint64_t total);

typedef struct tdc_sync_opts {
    const char *agency;          /* the device's agency (from its certificate) */
    tdc_sync_progress_fn progress;   /* may be NULL */
    void *progress_arg;
    size_t push_max_entries;     /* 0 = TD_PUSH_MAX_ENTRIES (tests use smaller) */
    size_t push_max_bytes;       /* 0 = TD_PUSH_MAX_BYTES */
    uint32_t pull_limit;         /* 0 = TD_PULL_MAX_ENTRIES */
    /* The TLS peer's Ed25519 key (tdc_link_peer): the key the checkpoints
     * must be signed with.  NULL only when the server sends no checkpoint
     * (a Welcome with one is then refused). */
    const unsigned char *server_pk;
    /* The device identity, for witness cosignatures (Welcome.role
     * "inspector"); NULL = never cosign. */
    const td_identity *id;
    int64_t now_ms;              /* 0 = wall clock (verification and alarm times) */
    size_t push_window;          /* Push frames in flight; 0 = TDC_PUSH_WINDOW, at most TDC_PUSH_WINDOW_MAX */
    int no_own_omit;             /* 1: pull every body, even with a version-3 server (tests, comparisons) */
    /* DER certificates of this device's earlier keys (kept by `tiendo
     * renew`): sent with a Push holding entries signed by a key other than
     * id's (Push.earlier_certs: key continuity).  Borrowed. */
    const ProtobufCBinaryData *earlier_certs;
    size_t n_earlier_certs;
} tdc_sync_opts;

typedef struct tdc_sync_stats {
    uint64_t pushed;             /* entries sent (including re-sends) */
    uint64_t stored, duplicate, refused;
    uint64_t pulled;             /* entries received and committed */
    uint64_t round_trips;        /* request/response pairs after Welcome */
    uint64_t verified_size;      /* tree size of the checkpoint verified (0 = none sent) */
    uint64_t cosigned_size;      /* witness: size cosigned and stored by the server, else 0 */
    int64_t alarm_id;            /* alarm stored by this run (then rc = TD_ESIG), else 0 */
    /* attachments (point 2a) */
    uint64_t blobs_offered;      /* files offered to the server */
    uint64_t blobs_completed;    /* files the server now holds whole */
    uint64_t blob_bytes_sent;    /* chunk bytes sent */
    uint64_t blob_bytes_resumed; /* bytes the server already had at the offer (not re-sent) */
    /* own entries (protocol >= TD_PROTO_OWN, docs/PROTOCOL.md §9) */
    uint64_t own_rebuilt;        /* pulled entries rebuilt from the outbox (no body on the wire) */
    uint64_t own_fallbacks;      /* batches pulled again with bodies: the outbox could not vouch */
    uint64_t rescans;            /* pulls from the start after the visible set changed (tdc_replica_visibility) */
    uint64_t resigned;           /* refused for their seq alone and signed again (tdc_replica_outbox_resign) */
} tdc_sync_stats;

/*
 * Run one sync over io.  w is the server's Welcome for this session.
 * Returns 0 when everything pending was acked and the pull reached
 * more = false; else a negative code with err filled (TD_EAUTH wrong
 * agency, TD_EPROTO unexpected answer, the transport's code, TD_EDB).
 * *stats (may be NULL) counts what was done, also on failure.
 */
int tdc_sync_run(tdc_replica *r, const Tiendo__Welcome *w, const tdc_sync_io *io, const tdc_sync_opts *o,
                 tdc_sync_stats *stats, td_error *err);

/*
 * Verify a tree head served by the server against the replica's last
 * verified checkpoint (the steps of point 1 above) and store it.  proof is
 * the consistency proof (n 32-byte hashes, concatenated).  On a failure an
 * alarm is stored (*alarm_id set, may be NULL) and TD_ESIG returned; other
 * negative codes are local failures (database, memory).  A NULL or empty
 * head is accepted only while the replica has no verified checkpoint (a
 * server older than checkpoints); *size_out gets the verified size (0 for
 * none).  Used by sync and by `tiendo receipt`.
 */
int tdc_sync_verify_head(tdc_replica *r, const Tiendo__TreeHead *th, const unsigned char *proof, size_t n_hashes,
                         const unsigned char *server_pk, int64_t now_ms, uint64_t *size_out, int64_t *alarm_id,
                         td_error *err);

/* Hello.tree_head for the replica's last verified checkpoint: fills th
 * (whose fields point into row) and returns 1, or 0 if there is none. */
int tdc_sync_hello_head(tdc_replica *r, tdc_checkpoint_row *row, Tiendo__TreeHead *th, td_error *err);

/*
 * Download one attachment over io (a session at version >= TD_PROTO_BLOB):
 * BlobGet from offset 0 in TD_BLOB_CHUNK_MAX chunks into a malloc'd buffer
 * (*out, caller frees; at most TD_ATTACH_MAX_BYTES), checked against sha
 * (TD_ESIG if it does not hash to it).  mime gets the server's type.
 * TD_EAUTH (from the server's Error) when the file is not held or not
 * visible to this device.
 */
int tdc_sync_blob_fetch(const tdc_sync_io *io, const unsigned char sha[32], uint8_t **out, size_t *n,
                        char mime[128], td_error *err);

/*
 * Back-off before retry number `attempt` (0 for the first retry) in watch
 * mode: full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"), a uniform draw in [0, min(cap_ms, base_ms * 2^attempt)].
 * `draw` maps a bound to a uniform value in [0, bound] (NULL = libsodium's
 * randombytes_uniform); tests pass their own.
 */
uint64_t tdc_sync_backoff_ms(unsigned attempt, uint64_t base_ms, uint64_t cap_ms, uint64_t (*draw)(uint64_t bound));

#endif

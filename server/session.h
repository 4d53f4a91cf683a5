/*
 * session.h — the server side of one protocol session, without transport.
 *
 * It is fed frame bodies (td_framer output) and answers through two
 * callbacks: send a frame, and end the session.  It knows the peer only by
 * the identity read from its verified certificate.  Tests drive it by
 * feeding bytes; serve.c binds it to a td_conn.
 *
 * States: AWAIT_HELLO -> OPEN -> ENDED.  Anything but Hello first, an
 * undecodable frame, or a message the server never accepts (Welcome,
 * PushAck, Entries, Pong from a client) ends the session with an Error
 * frame naming the problem (docs/PROTOCOL.md §4).
 *
 * Storage is behind tds_backend (protocol separate from storage): Welcome
 * asks it for has_new and the log size, Push hands it the batch and sends
 * the PushAck it fills (the backend returns only after a durable commit),
 * Pull asks it for an Entries reply.  Without a backend, Push and Pull are
 * refused.  Audit (docs/PROTOCOL.md §4, §6): Welcome carries the latest checkpoint, its
 * witness cosignatures and a consistency proof from Hello.tree_head (when
 * 0 < its size <= the latest; a client ahead of the server gets the latest
 * and no proof, and raises the alarm itself); ProofRequest -> Proof for an
 * entry visible to the peer; Cosign is accepted from inspector devices only
 * (others: Error ERR_AUTH) -> CosignAck.  A Push above TD_PUSH_MAX_ENTRIES entries or TD_PUSH_MAX_BYTES
 * bytes ends the session with an Error naming the bound (sync_limits.h).
 *
 * Pipelined pushes (docs/PROTOCOL.md §5): a client may send several Push frames before
 * reading their PushAcks; they are answered in order.  With a backend that
 * has push_defer, pushes wait for the group commit (see tds_backend).  With
 * push_prepare too, a Push's signatures are verified through io.offload
 * (another thread, in serve) while the frames after it wait in the
 * session, handled in order once it is back (session.c).
 *
 * Own entries (version >= TD_PROTO_OWN): Pull.own_from_seq is passed to the
 * backend, which leaves out the bodies of the peer's own entries from that
 * seq (tiendo.proto LogEntry.own_seq); in a session below that version it
 * is ignored (0).
 *
 * Attachments (version >= TD_PROTO_BLOB; tiendo.proto "Attachments"):
 * BlobOffer -> BlobStatus, BlobChunk -> BlobStatus, BlobGet -> BlobChunk.
 * In a version-1 session they end it with ERR_UNEXPECTED.  A hash not of
 * 32 bytes, an empty chunk or one above TD_BLOB_CHUNK_MAX (ERR_TOO_BIG), a
 * chunk with no upload, at the wrong offset or past the offered size
 * (ERR_UNEXPECTED), a BlobGet of a file not visible (ERR_AUTH) end the
 * session with an Error naming the problem; an offer of an empty file, one
 * above TD_ATTACH_MAX_BYTES or of an unknown type gets BlobStatus.refused
 * and the session goes on.  The session holds no file data between frames.
 */
#ifndef TDS_SESSION_H
#define TDS_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "identity.h"
#include "merkle.h"
#include "tiendo.pb-c.h"

typedef enum { TDS_AWAIT_HELLO = 0, TDS_OPEN, TDS_ENDED } tds_state;

/* Who is on the other end, from its verified certificate. */
typedef struct tds_peer {
    td_subject subj;
    unsigned char pk[32];
    const uint8_t *cert_der;          /* borrowed; DER of the peer certificate */
    size_t cert_der_len;
    /* Push.earlier_certs of the push being handled (borrowed; else NULL/0):
     * certificates of earlier keys of this device (key continuity) */
    const ProtobufCBinaryData *earlier;
    size_t n_earlier;
    /* Pull.rescan_tasks of the pull being handled (borrowed; else NULL/0):
     * only entries on these tasks are sent */
    const uint32_t *rescan_tasks;
    size_t n_rescan_tasks;
    /* the pull being handled proves its batch at once (Entries.batch_proof,
     * protocol >= TD_PROTO_BATCH) instead of a path per entry */
    int batch_proof;
} tds_peer;

/* The verdict on one pushed entry (becomes an Ack). */
typedef struct tds_ack {
    uint64_t seq;                     /* the entry's seq (0 if it did not decode) */
    Tiendo__AckStatus status;
    uint64_t index;                   /* STORED or DUPLICATE */
    char reason[256];                 /* REFUSED: English, one line */
} tds_ack;

/* A signed tree head as stored: note NULL when none was signed yet. */
typedef struct tds_tree_head {
    uint64_t size;
    unsigned char root[TD_MERKLE_HASH_LEN];
    char *note;                       /* malloc'd C2SP signed checkpoint, or NULL */
    size_t note_len;
} tds_tree_head;

/* What Welcome carries about the tree (audit, docs/PROTOCOL.md §4). */
typedef struct tds_head {
    tds_tree_head th;                 /* the latest checkpoint */
    int has_proof;                    /* consistency from the client's head */
    unsigned char proof[TD_MERKLE_PROOF_BYTES];
    size_t n_proof;                   /* hashes in proof (0 when size1 == size2) */
    char **cosigs;                    /* malloc'd witness lines on th */
    size_t n_cosigs;
} tds_head;

/* A receipt: the entry, its audit path, the checkpoint it is proved in. */
typedef struct tds_proof {
    uint64_t index;                   /* log index (leaf index + 1) */
    tds_tree_head th;
    uint8_t *entry;                   /* malloc'd serialized SignedEntry */
    size_t entry_len;
    int64_t received_ms;
    unsigned char hashes[TD_MERKLE_PROOF_BYTES];
    size_t n;
} tds_proof;

/* The verdict on a Cosign (becomes a CosignAck). */
typedef struct tds_cosign_result {
    int stored;
    char reason[256];                 /* English, when not stored */
    uint64_t witnessed_size;
} tds_cosign_result;

/* The answer to a BlobOffer or BlobChunk (becomes a BlobStatus). */
typedef struct tds_blob_status {
    uint64_t have;
    int complete;
    char refused[256];                /* English, "" when not refused */
    char refused_vi[256];             /* Vietnamese */
} tds_blob_status;

void tds_tree_head_free(tds_tree_head *th);
void tds_head_free(tds_head *h);
void tds_proof_free(tds_proof *p);

/* The outcome of a RenewRequest (becomes a RenewResponse). */
typedef struct tds_renew_result {
    int issued;
    uint8_t *cert_der;                /* malloc'd when issued */
    size_t cert_len;
    uint64_t index;                   /* log index of its ENTRY_CERT */
    char reason[256], reason_vi[256]; /* when not issued */
} tds_renew_result;

/*
 * Storage as the session sees it.  Each returns 0, or a TD_E* code with err
 * filled when the server cannot answer (database down): the session then
 * ends with ERR_INTERNAL and the client retries later.
 */
typedef struct tds_backend {
    /* Welcome: entries visible to peer at index >= cursor?  And the last index. */
    int (*welcome)(void *ctx, const tds_peer *peer, uint64_t cursor, int *has_new, uint64_t *log_size,
                   td_error *err);
    /* Validate entries[0..n), append the good ones durably, fill acks[0..n). */
    int (*push)(void *ctx, const tds_peer *peer, Tiendo__SignedEntry *const *entries, size_t n, tds_ack *acks,
                td_error *err);
    /* Fill out (initialised by the caller) with entries visible to peer from
     * since, at most limit (capped); release with pull_free.  own_from_seq
     * > 0 (sessions at version >= TD_PROTO_OWN only): entries authored by
     * peer->pk with seq >= own_from_seq go without their body (LogEntry.
     * own_seq set, entry NULL). */
    int (*pull)(void *ctx, const tds_peer *peer, uint64_t since, uint32_t limit, uint64_t own_from_seq,
                Tiendo__Entries *out, td_error *err);
    void (*pull_free)(void *ctx, Tiendo__Entries *out);
    /* Audit (may be NULL: Welcome then carries no tree head, and
     * ProofRequest and Cosign are refused with ERR_INTERNAL).
     * head: the latest checkpoint, its cosignatures, and the consistency
     * proof from (have_size) when 0 < have_size <= its size.
     * proof: index (1-based) in tree_size (0 = the latest checkpoint); TD_EARG
     * when index or tree_size are out of range, TD_EAUTH when the entry is
     * not visible to peer, err naming which.
     * cosign: check and store a witness's cosignature line on a checkpoint
     * (note, len); refusals go in out->reason with rc 0. */
    int (*head)(void *ctx, const tds_peer *peer, uint64_t have_size, tds_head *out, td_error *err);
    int (*proof)(void *ctx, const tds_peer *peer, uint64_t index, uint64_t tree_size, tds_proof *out,
                 td_error *err);
    int (*cosign)(void *ctx, const tds_peer *peer, const char *note, size_t len, const char *line,
                  tds_cosign_result *out, td_error *err);
    /* Attachments (protocol version 2; may be NULL: Blob* frames are then
     * refused with ERR_INTERNAL).  The session has checked the frame's form
     * (hash of 32 bytes, chunk of 1..TD_BLOB_CHUNK_MAX bytes, offered size
     * and type within attach.h's bounds) before calling.
     * blob_offer: the state of peer's upload of sha (starting one if none,
     *   within TD_BLOB_DEVICE_QUOTA, else out->refused).
     * blob_chunk: append data at offset; TD_EPROTO (err naming the problem)
     *   when there is no upload of sha, offset != have, or it runs past the
     *   offered size: the session then ends.  When the last byte arrives the
     *   file is checked (SHA-256, type from the content = the offered type)
     *   and stored durably before out->complete is set; a failed check
     *   drops the upload and fills out->refused.
     * blob_get: up to cap bytes of sha at offset into buf (*n), with its
     *   size and type; TD_EAUTH when the file is not held or not visible to
     *   peer (one answer for both), TD_EARG when offset > size. */
    int (*blob_offer)(void *ctx, const tds_peer *peer, const unsigned char sha[32], uint64_t size, const char *mime,
                      tds_blob_status *out, td_error *err);
    int (*blob_chunk)(void *ctx, const tds_peer *peer, const unsigned char sha[32], uint64_t offset,
                      const uint8_t *data, size_t n, tds_blob_status *out, td_error *err);
    int (*blob_get)(void *ctx, const tds_peer *peer, const unsigned char sha[32], uint64_t offset, uint8_t *buf,
                    size_t cap, size_t *n, uint64_t *size, char mime[128], td_error *err);
    void *ctx;
    /* Group commit (docs/ARCHITECTURE.md §7; both NULL: every Push is committed by push
     * above before its PushAck).  push_defer validates entries[0..n) and
     * appends the good ones to the open group transaction, or refuses them,
     * filling acks[0..n) (which must stay valid until done); it does not
     * commit.  done(arg, 0, NULL) is called once the group is durably
     * committed, or done(arg, rc, err) when it failed (nothing of the group
     * is stored): the PushAck may leave only from done.  Deferred pushes
     * complete in the order they were deferred; done may be called before
     * push_defer returns (the group reached its byte cap).  flush commits
     * the open group now and calls every done; a no-op without one.  The
     * session flushes before any frame that is not a Push, so that what it
     * sends next (Entries, Pong, ...) follows the PushAck and sees the
     * entries.  settle (may be NULL: flush is used) commits the open group
     * and makes every commit durable, but leaves the backlog of other
     * sessions' pushes where it is: what a session without pushes of its
     * own in flight needs before its frame reads the store. */
    void (*push_defer)(void *ctx, const tds_peer *peer, Tiendo__SignedEntry *const *entries, size_t n,
                       tds_ack *acks, void (*done)(void *arg, int rc, const td_error *err), void *arg);
    void (*flush)(void *ctx);
    void (*settle)(void *ctx);
    /* Verification off the event loop (may be NULL; needs flush): a push
     * in two steps.  push_prepare does the checks that read no storage
     * (form, decode, signature), filling acks[0..n) (REFUSED, or
     * UNSPECIFIED = passed so far) and returning what push_defer_prepared
     * takes, or NULL when out of memory; it has no ctx and may run on any
     * thread (entries and acks stay valid during the call).
     * push_defer_prepared is push_defer on prepared work (consumes prep);
     * push_prep_free frees a prep never handed on. */
    void *(*push_prepare)(Tiendo__SignedEntry *const *entries, size_t n, tds_ack *acks);
    void (*push_defer_prepared)(void *ctx, const tds_peer *peer, void *prep, tds_ack *acks,
                                void (*done)(void *arg, int rc, const td_error *err), void *arg);
    void (*push_prep_free)(void *prep);
    /* Certificate renewal (docs/PROTOCOL.md §8, server/renew.h; may be NULL: refused
     * in words).  Refusals: rc 0, out->issued 0 and the reasons. */
    int (*renew)(void *ctx, const tds_peer *peer, const uint8_t *csr, size_t len, tds_renew_result *out,
                 td_error *err);
    /* How many plans the log holds (may be NULL: one); a session below
     * TD_PROTO_PLANS is refused when it is more than one. */
    size_t (*plan_count)(void *ctx);
} tds_backend;

/* RenewRequest -> RenewResponse (session_renew.c). */
struct tds_session;
int tds_session_on_renew(struct tds_session *s, const Tiendo__RenewRequest *r);

typedef struct tds_session_io {
    /* Serialize and send f; returns 0 or a TD_E* code. */
    int (*send)(void *arg, const Tiendo__Frame *f);
    /* Orderly end after what was sent (close_notify). */
    void (*end)(void *arg);
    void *arg;
    /* Optional (NULL: the session does the work itself, at once).
     * offload: run work(job) on another thread, then after(job) on the
     * session's thread; 0, or nonzero when it cannot (the session then
     * runs both itself).  hold: stop (on = 1) or resume (0) reading the
     * peer while frames wait behind a push being verified. */
    int (*offload)(void *arg, void (*work)(void *job), void (*after)(void *job), void *job);
    void (*hold)(void *arg, int on);
} tds_session_io;

/* Frames a session may hold waiting behind pushes being verified before it
 * asks its transport to stop reading (io.hold). */
#define TDS_SESSION_QUEUE_MAX 4

typedef struct tds_session {
    tds_state state;
    td_subject peer;                  /* from the verified certificate */
    unsigned char peer_pk[32];
    uint32_t version;                 /* negotiated */
    uint32_t max_version;             /* highest offered; 0 = TD_PROTO_MAX (interop tests lower it) */
    uint32_t deferred;                /* pushes waiting for the group commit */
    const char *server_name;          /* borrowed: the server certificate's CN */
    tds_session_io io;
    uint64_t frames_in;
    const tds_backend *be;            /* borrowed; NULL: no storage */
    tds_peer pk_peer;                 /* subject, key and certificate for the backend */
    uint64_t pushed, pulled;          /* entries acked as stored / sent, for logs */
    /* Issue 9: per-device push rate limit (server-wide buckets, borrowed;
     * NULL = none).  A Push over the limit ends the session with ERR_BUSY,
     * saying when to retry, before the backend sees it. */
    struct tds_ratelimit *push_rl;
    uint64_t rate_limited;            /* pushes refused by push_rl, for logs */
    /* Refusals cost the device (server-wide buckets of TDS_REFUSED_BURST
     * refused entries refilled at TDS_REFUSED_RATE a second, borrowed;
     * NULL = none): each refused entry is charged after its PushAck; a
     * device in debt has its session closed with ERR_BUSY, and every Push
     * refused the same way until the bucket holds a token again. */
    struct tds_ratelimit *refuse_rl;
    uint64_t refused;                 /* entries refused in this session, for logs */
    /* Frames waiting behind a push verified off the loop (session.c). */
    struct tds__job *q_head, *q_tail;
    uint32_t queued;                  /* frames in that queue */
    uint32_t offloaded;               /* jobs given to io.offload whose after has not run */
    int held;                         /* io.hold(1) in force */
} tds_session;

/* The refused-entry budget of a device (see refuse_rl): 200 refused
 * entries at once (a few honest mistakes, a replayed outbox), then one a
 * second. */
#define TDS_REFUSED_BURST 200
#define TDS_REFUSED_RATE 1

void tds_session_init(tds_session *s, const td_subject *peer, const unsigned char pk[32],
                      const char *server_name, const tds_session_io *io);

/* Attach storage and the peer's certificate (DER, borrowed: must outlive the
 * session).  Call before the first frame. */
void tds_session_set_backend(tds_session *s, const tds_backend *be, const uint8_t *cert_der, size_t cert_len);

/*
 * Handle one frame body.  Returns 0 while the session goes on, or a
 * TD_E* code once it has ended (the Error frame has been sent).
 */
int tds_session_on_frame(tds_session *s, const uint8_t *body, size_t len);

/*
 * Hook for oversized payloads (docs/PROTOCOL.md §10): end the session with ERR_TOO_BIG
 * naming what (e.g. "attachment"), its size and the limit, in English and
 * Vietnamese.  serve.c uses it for a frame above --max-frame; the attachment
 * frames (being added) call it for an attachment above their own limit.
 */
int tds_session_refuse_oversized(tds_session *s, const char *what, uint64_t size, uint64_t limit);

/*
 * The transport is gone: the session ends and frees the frames waiting.  A
 * job still on a worker is freed by its after; the owner keeps s (and
 * calls after for every offloaded job) until s->offloaded is 0, then frees
 * it without further calls.
 */
void tds_session_close(tds_session *s);

/* Send an Error frame (code, English message, Vietnamese message) and end. */
int tds_session_fail(tds_session *s, Tiendo__ErrorCode code, int td_code, const char *msg,
                     const char *msg_vi);

#endif

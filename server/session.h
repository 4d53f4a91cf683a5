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
 * frame naming the problem (DESIGN §5).
 *
 * Storage is behind tds_backend (protocol separate from storage): Welcome
 * asks it for has_new and the log size, Push hands it the batch and sends
 * the PushAck it fills (the backend returns only after a durable commit),
 * Pull asks it for an Entries reply.  Without a backend, Push and Pull are
 * refused.  A Push above TD_PUSH_MAX_ENTRIES entries or TD_PUSH_MAX_BYTES
 * bytes ends the session with an Error naming the bound (sync_limits.h).
 */
#ifndef TDS_SESSION_H
#define TDS_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "identity.h"
#include "tiendo.pb-c.h"

typedef enum { TDS_AWAIT_HELLO = 0, TDS_OPEN, TDS_ENDED } tds_state;

/* Who is on the other end, from its verified certificate. */
typedef struct tds_peer {
    td_subject subj;
    unsigned char pk[32];
    const uint8_t *cert_der;          /* borrowed; DER of the peer certificate */
    size_t cert_der_len;
} tds_peer;

/* The verdict on one pushed entry (becomes an Ack). */
typedef struct tds_ack {
    uint64_t seq;                     /* the entry's seq (0 if it did not decode) */
    Tiendo__AckStatus status;
    uint64_t index;                   /* STORED or DUPLICATE */
    char reason[256];                 /* REFUSED: English, one line */
} tds_ack;

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
     * since, at most limit (capped); release with pull_free. */
    int (*pull)(void *ctx, const tds_peer *peer, uint64_t since, uint32_t limit, Tiendo__Entries *out,
                td_error *err);
    void (*pull_free)(void *ctx, Tiendo__Entries *out);
    void *ctx;
} tds_backend;

typedef struct tds_session_io {
    /* Serialize and send f; returns 0 or a TD_E* code. */
    int (*send)(void *arg, const Tiendo__Frame *f);
    /* Orderly end after what was sent (close_notify). */
    void (*end)(void *arg);
    void *arg;
} tds_session_io;

typedef struct tds_session {
    tds_state state;
    td_subject peer;                  /* from the verified certificate */
    unsigned char peer_pk[32];
    uint32_t version;                 /* negotiated */
    const char *server_name;          /* borrowed: the server certificate's CN */
    tds_session_io io;
    uint64_t frames_in;
    const tds_backend *be;            /* borrowed; NULL: no storage */
    tds_peer pk_peer;                 /* subject, key and certificate for the backend */
    uint64_t pushed, pulled;          /* entries acked as stored / sent, for logs */
} tds_session;

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

/* Send an Error frame (code, English message, Vietnamese message) and end. */
int tds_session_fail(tds_session *s, Tiendo__ErrorCode code, int td_code, const char *msg,
                     const char *msg_vi);

#endif

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
 */
#ifndef TDS_SESSION_H
#define TDS_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "identity.h"
#include "tiendo.pb-c.h"

typedef enum { TDS_AWAIT_HELLO = 0, TDS_OPEN, TDS_ENDED } tds_state;

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
} tds_session;

void tds_session_init(tds_session *s, const td_subject *peer, const unsigned char pk[32],
                      const char *server_name, const tds_session_io *io);

/*
 * Handle one frame body.  Returns 0 while the session goes on, or a
 * TD_E* code once it has ended (the Error frame has been sent).
 */
int tds_session_on_frame(tds_session *s, const uint8_t *body, size_t len);

/* Send an Error frame (code, English message, Vietnamese message) and end. */
int tds_session_fail(tds_session *s, Tiendo__ErrorCode code, int td_code, const char *msg,
                     const char *msg_vi);

#endif

/*
 * tls.h — TLS 1.3 with OpenSSL memory BIOs, independent of any event loop.
 *
 * td_tls_ctx_* build the SSL_CTX of each side with the project's policy
 * (docs/PROTOCOL.md §1): TLS 1.3 only, mutual authentication against the provincial
 * CA, CRL checked when one is configured, ALPN "tiendo/1", no session
 * tickets (nothing to resume; tickets would only add a post-handshake flight).
 *
 * td_tls is the engine of one connection: ciphertext goes in with
 * td_tls_feed, plaintext comes out through a callback; plaintext goes in with
 * td_tls_write and ciphertext comes out with td_tls_take_out.  After *every*
 * call the caller must drain td_tls_take_out and send what it returns — the
 * last handshake flight, alerts and close_notify are produced by calls that
 * report success.  The transport binding (conn.h) does
 * that; tests drive the engine directly.
 */
#ifndef TD_TLS_H
#define TD_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TD_ALPN "tiendo/1"

typedef struct td_tls_ctx_opts {
    const char *ca_file;     /* PEM, the provincial CA (required) */
    const char *cert_file;   /* PEM, our certificate (required) */
    const char *key_file;    /* PEM, our key (required; mode 0600 enforced by callers) */
    const char *crl_file;    /* PEM CRL; NULL = no revocation check (server logs a warning) */
    const char *alpn;        /* NULL = TD_ALPN; tests use other values to probe refusal */
} td_tls_ctx_opts;

/* NULL on failure, err says which file and why. */
SSL_CTX *td_tls_ctx_server(const td_tls_ctx_opts *o, td_error *err);
SSL_CTX *td_tls_ctx_client(const td_tls_ctx_opts *o, td_error *err);

typedef enum {
    TD_TLS_HANDSHAKING = 0,
    TD_TLS_OPEN,           /* handshake done, data flows */
    TD_TLS_PEER_CLOSED,    /* peer sent close_notify */
    TD_TLS_FAILED,         /* fatal error; only take_out (an alert) remains */
} td_tls_state;

typedef struct td_tls {
    SSL *ssl;
    BIO *rbio;                 /* ciphertext from the peer; owned by ssl */
    BIO *wbio;                 /* ciphertext to the peer; owned by ssl */
    td_tls_state state;
    int is_server;
    int sent_close;            /* we called SSL_shutdown */
    uint8_t *pending;          /* plaintext written before the handshake ended */
    size_t pending_len;
} td_tls;

/* Called with decrypted bytes (valid during the call).  Return 0 to go on,
 * non-zero to stop: td_tls_feed then returns that value, leaving undelivered
 * records inside OpenSSL for the next feed (which may pass len = 0). */
typedef int (*td_tls_plain_cb)(void *arg, const uint8_t *data, size_t len);

/* server_name: for a client, the name checked against the server certificate
 * (SNI too); NULL for a server. */
int td_tls_init(td_tls *t, SSL_CTX *ctx, int is_server, const char *server_name, td_error *err);
void td_tls_free(td_tls *t);

/*
 * Start the handshake (a client emits its ClientHello).  Then drain take_out.
 */
int td_tls_start(td_tls *t, td_error *err);

/*
 * Feed ciphertext from the peer (len may be 0 to resume delivery).  Drives
 * the handshake, then delivers all complete records (loops SSL_read until it
 * would block: one TCP read may carry several records).  *opened is set to 1
 * if the handshake completed during this call; the call then returns at once
 * without delivering data, and the caller, having handled the open, calls
 * again with len = 0 to get records that came with the last flight.  Returns:
 *   TD_OK       all input consumed;
 *   TD_ECLOSED  the peer sent close_notify (state PEER_CLOSED);
 *   TD_ETLS / TD_ECERT / TD_EREVOKED / TD_EEXPIRED  fatal, err says why
 *               (state FAILED; take_out may hold an alert to send);
 *   non-zero value of cb.
 */
int td_tls_feed(td_tls *t, const uint8_t *data, size_t len, int *opened, td_tls_plain_cb cb,
                void *arg, td_error *err);

/* Encrypt plaintext (queued if the handshake has not finished).  TD_ECLOSED
 * after a close in either direction. */
int td_tls_write(td_tls *t, const void *data, size_t len, td_error *err);

/* Queue close_notify (once).  Drain take_out afterwards. */
void td_tls_shutdown(td_tls *t);

/* Bytes of ciphertext waiting to be sent. */
size_t td_tls_out_pending(const td_tls *t);
/* Move all waiting ciphertext into a new malloc'd buffer; 0 and *buf = NULL
 * if none.  The caller owns *buf. */
size_t td_tls_take_out(td_tls *t, uint8_t **buf);

/* Verified peer certificate (borrowed), NULL before the handshake. */
X509 *td_tls_peer_cert(const td_tls *t);
/* Negotiated ALPN protocol, or "" if none. Writes into out (size >= 32). */
void td_tls_alpn(const td_tls *t, char *out, size_t outsz);

/*
 * Map a TLS alert received from the peer (inside a failed handshake or read)
 * to a Vietnamese sentence for people, e.g. "máy chủ từ chối: chứng thư số
 * của thiết bị đã bị thu hồi".  NULL if err holds no known alert.
 */
const char *td_tls_alert_vi(const char *errmsg);

#endif

/*
 * conn.h — one TLS connection on a libuv TCP handle (transport only).
 *
 * The protocol layers above see plaintext bytes and three events: open
 * (handshake done, peer verified), data, and close (exactly once).  They
 * never see sockets or OpenSSL.
 *
 * Ownership (libuv: memory lives until its handles' close callbacks have
 * run): the td_conn owns its uv_tcp_t and two
 * uv_timer_t; its memory is freed only after all three close callbacks have run,
 * and after on_close has been called.  The owner may call td_conn_close or
 * td_conn_shutdown from inside any callback; the conn stays valid until the
 * callback returns (closing is deferred by libuv).  Ciphertext buffers are
 * owned by their write request and freed in the write callback.
 *
 * Backpressure: when more than TD_CONN_WRITE_HIGH bytes wait in the socket's
 * write queue, the conn stops reading from the peer, and resumes below
 * TD_CONN_WRITE_LOW, so a peer that does not read cannot make us buffer
 * without bound.  Two more bounds (docs/PROTOCOL.md §10, a peer that never reads): the
 * frames already read when reading stops can still queue replies, so above
 * TD_CONN_WRITE_MAX queued bytes the conn is closed at once; and while
 * reading is stopped, a peer that takes none of the queued bytes for the
 * stall time (td_conn_set_stall_ms, default TD_CONN_STALL_MS) is closed
 * (on_close gets TD_ETIMEOUT, err naming the queued bytes).  Both close by
 * RST, so the kernel drops the queued bytes too.  A well-behaved
 * peer does one request at a time and never reaches TD_CONN_WRITE_HIGH.
 */
#ifndef TD_CONN_H
#define TD_CONN_H

#include <uv.h>

#include "err.h"
#include "tls.h"

/* Stop reading above this much unsent ciphertext (a few batches). */
#define TD_CONN_WRITE_HIGH (8u * 1024 * 1024)
#define TD_CONN_WRITE_LOW (1u * 1024 * 1024)
/* Hard cap on queued ciphertext: pipelined requests read before reading
 * stopped (a 64 KiB read holds thousands of tiny Pulls, each answered with
 * up to 2 MiB) must not queue gigabytes.  Eight Entries replies. */
#define TD_CONN_WRITE_MAX (64u * 1024 * 1024)
/* Reading stopped and not one queued byte taken for this long: the peer is
 * not reading.  A slow rural link still takes some bytes every few seconds. */
#define TD_CONN_STALL_MS 60000
/* After close_notify, wait this long for the write queue to drain. */
#define TD_CONN_LINGER_MS 3000

typedef struct td_conn td_conn;

typedef struct td_conn_cbs {
    /* Handshake complete and peer certificate verified. */
    void (*on_open)(td_conn *c);
    /* Decrypted bytes; valid during the call. */
    void (*on_data)(td_conn *c, const uint8_t *data, size_t len);
    /* Called exactly once.  code TD_OK for an orderly close we asked for,
     * TD_ECLOSED when the peer closed, else the failure with err->msg. */
    void (*on_close)(td_conn *c, const td_error *why);
    /* Timer set with td_conn_set_timer fired. */
    void (*on_timer)(td_conn *c);
} td_conn_cbs;

/* Allocate; init the TCP and timer handles on loop.  NULL on failure. */
td_conn *td_conn_new(uv_loop_t *loop, SSL_CTX *ctx, int is_server, const char *server_name,
                     const td_conn_cbs *cbs, void *data, td_error *err);
/* The TCP handle, to pass to uv_accept or uv_tcp_connect. */
uv_tcp_t *td_conn_tcp(td_conn *c);
/* After accept/connect succeeded: start reading and the handshake. */
int td_conn_start(td_conn *c);
/* Send plaintext (queued until the handshake ends).  TD_ECLOSED if closing. */
int td_conn_write(td_conn *c, const void *data, size_t len);
/* Orderly close: close_notify, flush, then close (bounded by LINGER). */
void td_conn_shutdown(td_conn *c);
/* Immediate close; queued ciphertext (e.g. an alert) is still attempted. */
void td_conn_close(td_conn *c, int code, const char *msg);
/* The owner's own backpressure: stop reading the peer (on = 1) while the
 * owner cannot take more (work queued for the frames already read), resume
 * (0).  Reading resumes only when neither this nor the write queue holds
 * it; the stall bound does not apply to a hold (the owner's work ends it). */
void td_conn_hold(td_conn *c, int on);
/* Stall bound while reading is stopped by backpressure (0 = default). */
void td_conn_set_stall_ms(td_conn *c, uint64_t ms);
/* One-shot timer; 0 cancels.  Re-arming replaces the previous deadline. */
void td_conn_set_timer(td_conn *c, uint64_t ms);

void *td_conn_data(td_conn *c);
void td_conn_set_data(td_conn *c, void *data);
td_tls *td_conn_tls(td_conn *c);
/* "127.0.0.1:51234" of the peer (empty before connect). */
const char *td_conn_peer(td_conn *c);
int td_conn_is_open(td_conn *c);
/* Bytes received / sent on the wire (ciphertext), for benchmarks. */
uint64_t td_conn_bytes_in(td_conn *c);
uint64_t td_conn_bytes_out(td_conn *c);

#endif

/*
 * link.h — the client's session with the server, as blocking calls.
 *
 * A CLI runs one exchange after another, so the link runs its own libuv
 * loop inside each call until the awaited event (handshake, frame, close)
 * or a timeout.  Transport (td_conn) below, protocol decisions (what to send,
 * what an answer means) above in the commands.
 *
 * tdc_link_open connects, completes TLS 1.3, sends Hello and waits for
 * Welcome.  Every failure fills err with an English detail, and after " | "
 * the Vietnamese reason where there is one; tdc_link_vi turns the last
 * failure into a Vietnamese sentence for the clerk and logs the English.
 */
#ifndef TDC_LINK_H
#define TDC_LINK_H

#include <stdio.h>

#include <signal.h>
#include <stdint.h>

#include "device.h"
#include "err.h"
#include "tiendo.pb-c.h"

/* Connect + TLS handshake + Hello/Welcome on a bad rural link. */
#define TDC_CONNECT_TIMEOUT_MS 20000
/* One request/response. */
#define TDC_CALL_TIMEOUT_MS 60000

typedef struct tdc_link tdc_link;

typedef struct tdc_link_opts {
    const tdc_device *dev;
    const char *server;           /* "host:port"; NULL = dev->server */
    const char *alpn;             /* NULL = "tiendo/1" (tests probe others) */
    uint32_t min_version, max_version; /* 0 = ours */
    uint64_t cursor;              /* Hello.cursor */
    uint64_t timeout_ms;          /* 0 = TDC_CONNECT_TIMEOUT_MS */
    const Tiendo__TreeHead *tree_head; /* Hello.tree_head: last verified checkpoint (NULL = none) */
} tdc_link_opts;

/* NULL on failure (err filled). */
tdc_link *tdc_link_open(const tdc_link_opts *o, td_error *err);
/* The server's Welcome (owned by the link). */
const Tiendo__Welcome *tdc_link_welcome(const tdc_link *l);
int tdc_link_send(tdc_link *l, const Tiendo__Frame *f, td_error *err);
/* Send a frame packed beforehand by td_frame_pack (buf stays the caller's):
 * what tdc_link_send does after its pack. */
int tdc_link_send_packed(tdc_link *l, const uint8_t *buf, size_t n, td_error *err);
/* Wait for the next frame; *out is the caller's (td_frame_free).  An Error
 * frame from the server is returned as TD_EPROTO/TD_EVERSION... with its text. */
int tdc_link_recv(tdc_link *l, Tiendo__Frame **out, uint64_t timeout_ms, td_error *err);
/* Bye + close_notify, wait (bounded) for the close, free everything. */
void tdc_link_close(tdc_link *l);

/* A process-wide stop flag, set by a signal handler (tiendo ui, tiendo sync
 * --watch): once it is set, every link's wait (connect, handshake, a reply)
 * ends within TDC_LINK_TICK_MS with TD_ECLOSED, so that a program asked to
 * stop does not first wait out a silent server's timeout.  NULL: none. */
#define TDC_LINK_TICK_MS 100
void tdc_link_stop_on(const volatile sig_atomic_t *flag);
/* Wire bytes so far (ciphertext). */
uint64_t tdc_link_bytes_out(const tdc_link *l);
uint64_t tdc_link_bytes_in(const tdc_link *l);

/* Longest certificate CN kept (X.509 ub-common-name is 64 characters,
 * up to 4 bytes each in UTF-8). */
#define TDC_PEER_CN_MAX 255

/*
 * The verified server certificate's Ed25519 public key and subject CN, as
 * read at the TLS handshake (the key that signs the log's checkpoints).
 * pk / cn may be NULL.  TD_ECERT if the certificate is not Ed25519 or has
 * no CN.
 */
int tdc_link_peer(const tdc_link *l, unsigned char pk[32], char cn[TDC_PEER_CN_MAX + 1], td_error *err);

/* Vietnamese sentence for a failure from this module (never NULL); the
 * English detail goes to the operator log. */
const char *tdc_link_vi(const td_error *err);
/* What the person can do after a failure that trying again cannot mend (the
 * device's certificate revoked: a new certificate from the Sở KH&CN CA
 * officer, and how), printed to f; 1 if printed, 0 for a failure where
 * running the command again is the advice. */
int tdc_link_advice(const td_error *err, FILE *f);
/*
 * A connection that failed, on stderr: "PROG: không kết nối được máy chủ
 * SERVER: <tdc_link_vi>." (common/msg.h; the English detail to the
 * operator log), then tdc_link_advice.  prog: "tiendo ping" etc.
 */
void tdc_link_fail(const char *prog, const char *server, const td_error *err);

#endif

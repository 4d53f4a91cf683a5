/* conn.c — see conn.h. */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "oserr.h"

struct td_conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_timer_t stall;      /* armed while reading is stopped by backpressure */
    uint64_t stall_ms;
    size_t stall_q;        /* queue size when the stall timer was (re)armed */
    uv_loop_t *loop;
    td_tls tls;
    td_conn_cbs cbs;
    void *data;
    int handles_open;      /* handles not yet closed (tcp, timer, stall) */
    int opened;            /* handshake done */
    int closing;           /* uv_close called */
    int shutting;          /* close_notify sent, waiting for drain */
    int reading;
    int held;              /* td_conn_hold: the owner asked not to read */
    int close_reported;
    int in_cb;             /* depth of user callbacks running */
    td_error why;
    char peer[64];
    uint64_t bytes_in, bytes_out;
};

typedef struct td__wreq {
    uv_write_t req;
    uv_buf_t buf;
    td_conn *c;
} td__wreq;

static void td__conn_report_close(td_conn *c)
{
    if (c->close_reported) return;
    c->close_reported = 1;
    if (c->cbs.on_close) c->cbs.on_close(c, &c->why);
}

static void td__handle_closed(uv_handle_t *h)
{
    td_conn *c = h->data;
    if (--c->handles_open > 0) return;
    td__conn_report_close(c);
    td_tls_free(&c->tls);
    free(c);
}

/* reset: RST instead of FIN, dropping what the kernel still holds for the
 * peer (a peer that does not read would never get the FIN behind it, and
 * the kernel would keep its megabytes). */
static void td__conn_close_how(td_conn *c, int reset)
{
    if (c->closing) return;
    c->closing = 1;
    uv_timer_stop(&c->timer);
    uv_timer_stop(&c->stall);
    if (!reset || uv_tcp_close_reset(&c->tcp, td__handle_closed) != 0)
        uv_close((uv_handle_t *)&c->tcp, td__handle_closed);
    uv_close((uv_handle_t *)&c->timer, td__handle_closed);
    uv_close((uv_handle_t *)&c->stall, td__handle_closed);
}

static void td__conn_do_close(td_conn *c) { td__conn_close_how(c, 0); }

/* Reading stopped: the peer has stall_ms to take some of the queue. */
static void td__on_stall(uv_timer_t *t)
{
    td_conn *c = t->data;
    size_t q;
    if (c->closing || c->reading) return;
    q = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
    if (q < c->stall_q) {   /* some progress: a slow reader, not a dead one */
        c->stall_q = q;
        uv_timer_start(&c->stall, td__on_stall, c->stall_ms, 0);
        return;
    }
    td_error_set(&c->why, TD_ETIMEOUT, "%s took none of %zu queued bytes in %llu ms: peer not reading | "
                 TD_MSG_CONN_STALL, c->peer, q, (unsigned long long)c->stall_ms, TD_MSG_NUM(q),
                 TD_MSG_NUM(c->stall_ms));
    td__conn_close_how(c, 1);
}

/* Backpressure: stop reading the peer until its queue drains. */
static void td__conn_pause(td_conn *c)
{
    if (!c->reading || c->closing) return;
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
    if (c->shutting) return;   /* the linger timer bounds a closing conn */
    c->stall_q = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
    uv_timer_start(&c->stall, td__on_stall, c->stall_ms, 0);
}

static void td__on_timer(uv_timer_t *t);
static void td__conn_resume(td_conn *c);

/* Close once queued ciphertext (an alert, close_notify, an Error frame) has
 * left, bounded by TD_CONN_LINGER_MS: uv_close would cancel those writes. */
static void td__conn_close_after_drain(td_conn *c)
{
    if (c->closing) return;
    if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) == 0) {
        td__conn_do_close(c);
        return;
    }
    if (!c->shutting) {
        c->shutting = 1;
        uv_timer_start(&c->timer, td__on_timer, TD_CONN_LINGER_MS, 0);
    }
}

static void td__after_write(uv_write_t *req, int status)
{
    td__wreq *w = (td__wreq *)req;
    td_conn *c = w->c;
    free(w->buf.base);
    free(w);
    if (status == UV_ECANCELED) return;   /* conn is closing; memory still valid until close_cb */
    if (status < 0) {
        if (!c->closing) {
            td_error_set(&c->why, TD_EIO, "write to %s failed: %s | " TD_MSG_CONN_WRITE, c->peer, uv_strerror(status),
                         td_uv_vi(status));
            td__conn_do_close(c);
        }
        return;
    }
    if (c->closing) return;
    {
        size_t q = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
        if (c->shutting && q == 0) {
            td__conn_do_close(c);
            return;
        }
        if (!c->reading && !c->shutting && q < TD_CONN_WRITE_LOW) td__conn_resume(c);
    }
}

/* Send whatever ciphertext the engine has produced. Returns <0 on failure. */
static int td__conn_flush(td_conn *c)
{
    uint8_t *buf;
    size_t n;
    td__wreq *w;
    int rc;

    if (c->closing) return 0;
    n = td_tls_take_out(&c->tls, &buf);
    if (n == 0) return 0;
    w = malloc(sizeof *w);
    if (!w) {
        free(buf);
        return UV_ENOMEM;
    }
    w->buf = uv_buf_init((char *)buf, (unsigned int)n);
    w->c = c;
    c->bytes_out += n;
    rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &w->buf, 1, td__after_write);
    if (rc < 0) {
        free(buf);
        free(w);
        td_error_set(&c->why, TD_EIO, "write to %s failed: %s | " TD_MSG_CONN_WRITE, c->peer, uv_strerror(rc),
                     td_uv_vi(rc));
        td__conn_do_close(c);
        return rc;
    }
    {
        size_t q = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
        if (q > TD_CONN_WRITE_MAX) {   /* see conn.h: replies to pipelined requests of a non-reader */
            td_error_set(&c->why, TD_ETOOBIG, "%s: %zu bytes queued, above TD_CONN_WRITE_MAX (%u): peer not reading | "
                         TD_MSG_CONN_QUEUE_FULL, c->peer, q, TD_CONN_WRITE_MAX, TD_MSG_NUM(q),
                         TD_MSG_NUM(TD_CONN_WRITE_MAX));
            td__conn_close_how(c, 1);
            return UV_ENOBUFS;
        }
    }
    return rc;
}

static void td__alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    /* 64 KiB covers several TLS records; libuv reuses nothing, so we free
     * in td__on_read. */
    (void)h;
    (void)suggested;
    buf->base = malloc(65536);
    buf->len = buf->base ? 65536 : 0;
}

static int td__deliver(void *arg, const uint8_t *data, size_t len)
{
    td_conn *c = arg;
    if (c->closing || c->shutting) return 1;   /* stop delivering after a close request */
    c->in_cb++;
    if (c->cbs.on_data) c->cbs.on_data(c, data, len);
    c->in_cb--;
    return (c->closing || c->shutting) ? 1 : 0;
}

static void td__on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    td_conn *c = s->data;
    int opened = 0, rc;

    if (nread == 0) {           /* EAGAIN: nothing to do */
        free(buf->base);
        return;
    }
    if (nread < 0) {            /* EOF or error: never feed a negative count */
        free(buf->base);
        if (nread == UV_EOF && c->opened)
            td_error_set(&c->why, TD_ECLOSED, "%s closed the TCP connection without close_notify | " TD_MSG_CONN_CLOSED,
                         c->peer);
        else if (nread == UV_EOF)
            td_error_set(&c->why, TD_ECLOSED, "%s closed the TCP connection during the handshake | "
                         TD_MSG_CONN_CLOSED_HANDSHAKE, c->peer);
        else
            td_error_set(&c->why, TD_EIO, "read from %s failed: %s | " TD_MSG_CONN_READ, c->peer,
                         uv_strerror((int)nread), td_uv_vi((int)nread));
        td__conn_do_close(c);
        return;
    }
    c->bytes_in += (uint64_t)nread;
    rc = td_tls_feed(&c->tls, (const uint8_t *)buf->base, (size_t)nread, &opened, td__deliver, c,
                     &c->why);
    free(buf->base);
    if (opened && !c->closing) {
        c->opened = 1;
        c->in_cb++;
        if (c->cbs.on_open) c->cbs.on_open(c);
        c->in_cb--;
        /* Records that arrived with the last handshake flight. */
        if (rc == TD_OK && !c->closing && !c->shutting)
            rc = td_tls_feed(&c->tls, NULL, 0, &opened, td__deliver, c, &c->why);
    }
    td__conn_flush(c);   /* the engine may have produced output on any call */
    if (c->closing) return;
    if (rc == TD_ECLOSED) {
        /* Peer's close_notify: answer with ours, then close. */
        td_tls_shutdown(&c->tls);
        td__conn_flush(c);
        td__conn_close_after_drain(c);
        return;
    }
    if (rc < 0) {   /* fatal TLS error: an alert may be queued; it was flushed above */
        uv_read_stop(s);
        c->reading = 0;
        td__conn_close_after_drain(c);
        return;
    }
    if (!c->shutting && uv_stream_get_write_queue_size(s) > TD_CONN_WRITE_HIGH) td__conn_pause(c);
}

static void td__conn_resume(td_conn *c)
{
    if (c->closing || c->reading || c->held) return;
    uv_timer_stop(&c->stall);
    if (uv_read_start((uv_stream_t *)&c->tcp, td__alloc, td__on_read) == 0) c->reading = 1;
}

static void td__on_timer(uv_timer_t *t)
{
    td_conn *c = t->data;
    if (c->closing) return;
    if (c->shutting) {   /* linger expired: the peer is not reading */
        td__conn_do_close(c);
        return;
    }
    c->in_cb++;
    if (c->cbs.on_timer) c->cbs.on_timer(c);
    c->in_cb--;
}

td_conn *td_conn_new(uv_loop_t *loop, SSL_CTX *ctx, int is_server, const char *server_name,
                     const td_conn_cbs *cbs, void *data, td_error *err)
{
    td_conn *c = calloc(1, sizeof *c);
    if (!c) {
        td_error_set(err, TD_ENOMEM, "td_conn | " TD_MSG_NOMEM);
        return NULL;
    }
    if (td_tls_init(&c->tls, ctx, is_server, server_name, err)) {
        free(c);
        return NULL;
    }
    c->loop = loop;
    c->cbs = *cbs;
    c->data = data;
    uv_tcp_init(loop, &c->tcp);
    uv_timer_init(loop, &c->timer);
    uv_timer_init(loop, &c->stall);
    c->tcp.data = c;
    c->timer.data = c;
    c->stall.data = c;
    c->stall_ms = TD_CONN_STALL_MS;
    c->handles_open = 3;
    td_error_set(&c->why, TD_OK, "closed | " TD_MSG_CONN_NOT_OPENED);
    return c;
}

uv_tcp_t *td_conn_tcp(td_conn *c) { return &c->tcp; }
void *td_conn_data(td_conn *c) { return c->data; }
void td_conn_set_data(td_conn *c, void *data) { c->data = data; }
td_tls *td_conn_tls(td_conn *c) { return &c->tls; }
const char *td_conn_peer(td_conn *c) { return c->peer; }
int td_conn_is_open(td_conn *c) { return c->opened && !c->closing && !c->shutting; }
uint64_t td_conn_bytes_in(td_conn *c) { return c->bytes_in; }
uint64_t td_conn_bytes_out(td_conn *c) { return c->bytes_out; }

int td_conn_start(td_conn *c)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    int rc;

    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
        char host[48] = "?";
        int port = 0;
        if (ss.ss_family == AF_INET) {
            uv_ip4_name((struct sockaddr_in *)&ss, host, sizeof host);
            port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        } else if (ss.ss_family == AF_INET6) {
            uv_ip6_name((struct sockaddr_in6 *)&ss, host, sizeof host);
            port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        }
        snprintf(c->peer, sizeof c->peer, "%s:%d", host, port);
    }
    uv_tcp_nodelay(&c->tcp, 1);
    rc = uv_read_start((uv_stream_t *)&c->tcp, td__alloc, td__on_read);
    if (rc < 0) {
        td_error_set(&c->why, TD_EIO, "cannot read from %s: %s | " TD_MSG_CONN_READ, c->peer, uv_strerror(rc),
                     td_uv_vi(rc));
        td__conn_do_close(c);
        return TD_EIO;
    }
    c->reading = 1;
    if (td_tls_start(&c->tls, &c->why) < 0) {
        td__conn_flush(c);
        td__conn_close_after_drain(c);
        return c->why.code;
    }
    td__conn_flush(c);
    return TD_OK;
}

int td_conn_write(td_conn *c, const void *data, size_t len)
{
    td_error e;
    if (c->closing || c->shutting) return TD_ECLOSED;
    if (td_tls_write(&c->tls, data, len, &e) < 0) {
        td__conn_flush(c);
        return e.code;
    }
    return td__conn_flush(c) < 0 ? TD_EIO : TD_OK;
}

void td_conn_shutdown(td_conn *c)
{
    if (c->closing || c->shutting) return;
    td_tls_shutdown(&c->tls);
    td__conn_flush(c);
    td__conn_close_after_drain(c);
}

void td_conn_close(td_conn *c, int code, const char *msg)
{
    if (c->closing) return;
    if (msg) td_error_set(&c->why, code, "%s", msg);
    td__conn_flush(c);
    td__conn_do_close(c);
}

void td_conn_hold(td_conn *c, int on)
{
    c->held = on != 0;
    if (c->closing || c->shutting) return;
    if (c->held) {
        if (c->reading) {
            uv_read_stop((uv_stream_t *)&c->tcp);
            c->reading = 0;
        }
    } else if (!c->reading) {
        size_t q = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
        if (q <= TD_CONN_WRITE_HIGH) {
            td__conn_resume(c);
        } else {   /* the write queue holds it now: its stall bound applies */
            c->stall_q = q;
            uv_timer_start(&c->stall, td__on_stall, c->stall_ms, 0);
        }
    }
}

void td_conn_set_stall_ms(td_conn *c, uint64_t ms) { c->stall_ms = ms ? ms : TD_CONN_STALL_MS; }

void td_conn_set_timer(td_conn *c, uint64_t ms)
{
    if (c->closing || c->shutting) return;
    if (ms == 0)
        uv_timer_stop(&c->timer);
    else
        uv_timer_start(&c->timer, td__on_timer, ms, 0);
}

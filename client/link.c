/* link.c — see link.h. */
#include "link.h"

#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "frame.h"
#include "identity.h"
#include "log.h"
#include "msg.h"
#include "oserr.h"
#include "proto_ver.h"
#include "tls.h"

typedef struct tdc__qframe {
    Tiendo__Frame *f;
    struct tdc__qframe *next;
} tdc__qframe;

struct tdc_link {
    uv_loop_t loop;
    uv_timer_t timer;
    uv_connect_t connect_req;
    SSL_CTX *ctx;
    td_conn *conn;          /* NULL once closed */
    td_framer framer;
    tdc__qframe *head, *tail;
    int connected, opened, closed, timed_out;
    td_error why;           /* first failure seen */
    Tiendo__Frame *welcome_frame;
    uint64_t bytes_in, bytes_out;
    /* The verified TLS peer's key and CN, read at the handshake (the conn
     * and its certificate are gone after a close). */
    int have_peer;
    unsigned char peer_pk[32];
    char peer_cn[TDC_PEER_CN_MAX + 1];
    td_error peer_why;
};

static void tdc__fail(tdc_link *l, const td_error *e)
{
    if (l->why.code == TD_OK) l->why = *e;
}

static int tdc__on_frame(void *arg, const uint8_t *body, size_t len)
{
    tdc_link *l = arg;
    td_error err;
    Tiendo__Frame *f = td_frame_unpack(body, len, &err);
    tdc__qframe *q;
    if (!f) {
        tdc__fail(l, &err);
        td_conn_close(l->conn, TD_EPARSE, err.msg);
        return 1;
    }
    q = calloc(1, sizeof *q);
    if (!q) {
        td_frame_free(f);
        return 1;
    }
    q->f = f;
    if (l->tail) l->tail->next = q; else l->head = q;
    l->tail = q;
    return 0;
}

static void tdc__on_open(td_conn *c)
{
    tdc_link *l = td_conn_data(c);
    X509 *x = td_tls_peer_cert(td_conn_tls(c));
    l->opened = 1;
    td_error_clear(&l->peer_why);
    if (!x) {
        td_error_set(&l->peer_why, TD_ECERT, "server presented no certificate");
    } else if (td_cert_ed25519_pk(x, l->peer_pk, &l->peer_why) == TD_OK) {
        int n = X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, l->peer_cn,
                                          (int)sizeof l->peer_cn);
        if (n <= 0) td_error_set(&l->peer_why, TD_ECERT, "server certificate has no CN");
        else l->have_peer = 1;
    }
}

static void tdc__on_data(td_conn *c, const uint8_t *data, size_t len)
{
    tdc_link *l = td_conn_data(c);
    td_error err;
    int rc = td_framer_feed(&l->framer, data, len, tdc__on_frame, l, &err);
    if (rc < 0) {
        tdc__fail(l, &err);
        td_conn_close(c, rc, err.msg);
    }
}

static void tdc__on_close(td_conn *c, const td_error *why)
{
    tdc_link *l = td_conn_data(c);
    l->bytes_in = td_conn_bytes_in(c);
    l->bytes_out = td_conn_bytes_out(c);
    if (why->code != TD_OK) tdc__fail(l, why);
    l->closed = 1;
    l->conn = NULL;
}

static const td_conn_cbs tdc__cbs = {tdc__on_open, tdc__on_data, tdc__on_close, NULL};

static void tdc__on_connect(uv_connect_t *req, int status)
{
    tdc_link *l = req->data;
    if (!l->conn) return;
    if (status < 0) {
        td_error e;
        td_error_set(&e, TD_ECONNECT, "cannot connect: %s | %s", uv_strerror(status), td_uv_vi(status));
        tdc__fail(l, &e);
        td_conn_close(l->conn, TD_ECONNECT, e.msg);
        return;
    }
    l->connected = 1;
    td_conn_start(l->conn);
}

static const volatile sig_atomic_t *tdc__stop_flag;

void tdc_link_stop_on(const volatile sig_atomic_t *flag) { tdc__stop_flag = flag; }

static void tdc__on_tick(uv_timer_t *t) { (void)t; /* wakes the loop: tdc__wait looks at the clock and the stop flag */ }

/* Run the loop until cond(l) holds, the link closes, timeout_ms pass, or
 * the stop flag is set (looked at every TDC_LINK_TICK_MS). */
static int tdc__wait(tdc_link *l, int (*cond)(tdc_link *), uint64_t timeout_ms, const char *what,
                     td_error *err)
{
    uint64_t deadline;
    int stopped = 0;
    uv_update_time(&l->loop);
    deadline = uv_now(&l->loop) + timeout_ms;
    l->timed_out = 0;
    uv_timer_start(&l->timer, tdc__on_tick, timeout_ms < TDC_LINK_TICK_MS ? timeout_ms : TDC_LINK_TICK_MS,
                   TDC_LINK_TICK_MS);
    while (!cond(l) && !l->closed) {
        if (tdc__stop_flag && *tdc__stop_flag) {
            stopped = 1;
            break;
        }
        if (uv_now(&l->loop) >= deadline) {
            l->timed_out = 1;
            break;
        }
        uv_run(&l->loop, UV_RUN_ONCE);
    }
    uv_timer_stop(&l->timer);
    if (cond(l)) return TD_OK;
    if (l->closed) {
        if (l->why.code != TD_OK) {
            if (err) *err = l->why;
            return l->why.code;
        }
        return td_error_set(err, TD_ECLOSED, "server closed the connection while waiting for %s", what);
    }
    if (stopped)
        return td_error_set(err, TD_ECLOSED, "stopped while waiting for %s: the program is ending | "
                            TD_MSG_LINK_STOPPED, what);
    return td_error_set(err, TD_ETIMEOUT, "no answer from server after %llu ms while waiting for %s",
                        (unsigned long long)timeout_ms, what);
}

static int tdc__has_frame(tdc_link *l) { return l->head != NULL; }

static Tiendo__Frame *tdc__pop(tdc_link *l)
{
    tdc__qframe *q = l->head;
    Tiendo__Frame *f;
    if (!q) return NULL;
    l->head = q->next;
    if (!l->head) l->tail = NULL;
    f = q->f;
    free(q);
    return f;
}

int tdc_link_send(tdc_link *l, const Tiendo__Frame *f, td_error *err)
{
    uint8_t *buf;
    size_t n;
    int rc;
    if (!l->conn || l->closed) return td_error_set(err, TD_ECLOSED, "connection already closed");
    if ((rc = td_frame_pack(f, TD_FRAME_MAX_DEFAULT, &buf, &n, err))) return rc;
    rc = td_conn_write(l->conn, buf, n);
    free(buf);
    if (rc) return td_error_set(err, rc, "cannot send %s: %s", td_frame_name(f), td_err_str(rc));
    return TD_OK;
}

int tdc_link_send_packed(tdc_link *l, const uint8_t *buf, size_t n, td_error *err)
{
    int rc;
    if (!l->conn || l->closed) return td_error_set(err, TD_ECLOSED, "connection already closed");
    if ((rc = td_conn_write(l->conn, buf, n))) return td_error_set(err, rc, "cannot send a frame: %s", td_err_str(rc));
    return TD_OK;
}

int tdc_link_recv(tdc_link *l, Tiendo__Frame **out, uint64_t timeout_ms, td_error *err)
{
    int rc = tdc__wait(l, tdc__has_frame, timeout_ms ? timeout_ms : TDC_CALL_TIMEOUT_MS, "a reply", err);
    Tiendo__Frame *f;
    *out = NULL;
    if (rc) return rc;
    f = tdc__pop(l);
    if (f->body_case == TIENDO__FRAME__BODY_ERROR) {
        int code = f->error->code == TIENDO__ERROR_CODE__ERR_VERSION ? TD_EVERSION
                 : f->error->code == TIENDO__ERROR_CODE__ERR_AUTH ? TD_EAUTH
                 : f->error->code == TIENDO__ERROR_CODE__ERR_BUSY ? TD_EBUSY
                 : f->error->code == TIENDO__ERROR_CODE__ERR_TIMEOUT ? TD_ETIMEOUT
                 : TD_EPROTO;
        td_error_set(err, code, "server error: %s%s%s", f->error->message ? f->error->message : "",
                     f->error->message_vi && *f->error->message_vi ? " | " : "",
                     f->error->message_vi ? f->error->message_vi : "");
        td_frame_free(f);
        return code;
    }
    *out = f;
    return TD_OK;
}

static int tdc__is_open(tdc_link *l) { return l->opened; }

tdc_link *tdc_link_open(const tdc_link_opts *o, td_error *err)
{
    tdc_link *l = calloc(1, sizeof *l);
    td_tls_ctx_opts to = {o->dev->ca_path, o->dev->cert_path, o->dev->key_path, NULL, o->alpn};
    const char *server = o->server ? o->server : o->dev->server;
    char host[TD_HOST_MAX + 1], portstr[8];
    int port, rc;
    struct addrinfo hints, *res = NULL;
    uv_getaddrinfo_t gai;
    uint64_t timeout = o->timeout_ms ? o->timeout_ms : TDC_CONNECT_TIMEOUT_MS;
    Tiendo__Frame f = TIENDO__FRAME__INIT, *reply = NULL;
    Tiendo__Hello h = TIENDO__HELLO__INIT;

    if (!l) {
        td_error_set(err, TD_ENOMEM, "link");
        return NULL;
    }
    if (td_hostport_parse(server, host, &port, err)) {
        free(l);
        return NULL;
    }
    l->ctx = td_tls_ctx_client(&to, err);
    if (!l->ctx) {
        free(l);
        return NULL;
    }
    uv_loop_init(&l->loop);
    uv_timer_init(&l->loop, &l->timer);
    l->timer.data = l;
    td_framer_init(&l->framer, TD_FRAME_MAX_DEFAULT);
    td_error_clear(&l->why);

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(portstr, sizeof portstr, "%d", port);
    /* NULL callback: synchronous lookup (hosts file / DNS). */
    rc = uv_getaddrinfo(&l->loop, &gai, NULL, host, portstr, &hints);
    if (rc < 0) {
        td_error_set(err, TD_ECONNECT, "cannot resolve \"%s\": %s | %s", host, uv_strerror(rc), td_uv_vi(rc));
        goto fail;
    }
    res = gai.addrinfo;
    l->conn = td_conn_new(&l->loop, l->ctx, 0, host, &tdc__cbs, l, err);
    if (!l->conn) {
        uv_freeaddrinfo(res);
        goto fail;
    }
    l->connect_req.data = l;
    rc = uv_tcp_connect(&l->connect_req, td_conn_tcp(l->conn), res->ai_addr, tdc__on_connect);
    uv_freeaddrinfo(res);
    if (rc < 0) {
        td_error_set(err, TD_ECONNECT, "cannot connect to %s: %s | %s", server, uv_strerror(rc), td_uv_vi(rc));
        td_conn_close(l->conn, TD_ECONNECT, err ? err->msg : "connect");
        goto fail;
    }
    if ((rc = tdc__wait(l, tdc__is_open, timeout, "the TLS handshake", err))) goto fail;

    h.min_version = o->min_version ? o->min_version : TD_PROTO_MIN;
    h.max_version = o->max_version ? o->max_version : TD_PROTO_MAX;
    h.software = "tiendo " TD_VERSION;
    h.cursor = o->cursor;
    h.tree_head = (Tiendo__TreeHead *)o->tree_head;
    f.body_case = TIENDO__FRAME__BODY_HELLO;
    f.hello = &h;
    if ((rc = tdc_link_send(l, &f, err))) goto fail;
    /* In TLS 1.3 the server checks our certificate after our handshake ends:
     * a refusal (revoked, expired) arrives here as an alert. */
    if ((rc = tdc_link_recv(l, &reply, timeout, err))) goto fail;
    if (reply->body_case != TIENDO__FRAME__BODY_WELCOME) {
        td_error_set(err, TD_EPROTO, "expected welcome, got %s", td_frame_name(reply));
        td_frame_free(reply);
        goto fail;
    }
    l->welcome_frame = reply;
    return l;
fail:
    tdc_link_close(l);
    return NULL;
}

const Tiendo__Welcome *tdc_link_welcome(const tdc_link *l)
{
    return l->welcome_frame ? l->welcome_frame->welcome : NULL;
}

static int tdc__is_closed(tdc_link *l) { return l->closed; }

void tdc_link_close(tdc_link *l)
{
    if (!l) return;
    if (l->conn && !l->closed) {
        if (td_conn_is_open(l->conn)) {
            Tiendo__Frame f = TIENDO__FRAME__INIT;
            Tiendo__Bye bye = TIENDO__BYE__INIT;
            bye.reason = "done";
            f.body_case = TIENDO__FRAME__BODY_BYE;
            f.bye = &bye;
            tdc_link_send(l, &f, NULL);
        }
        td_conn_shutdown(l->conn);
        tdc__wait(l, tdc__is_closed, TD_CONN_LINGER_MS + 1000, "close", NULL);
        if (!l->closed && l->conn) td_conn_close(l->conn, TD_OK, "closing");
    }
    uv_close((uv_handle_t *)&l->timer, NULL);
    while (uv_run(&l->loop, UV_RUN_DEFAULT)) {
    }
    uv_loop_close(&l->loop);
    while (l->head) td_frame_free(tdc__pop(l));
    td_frame_free(l->welcome_frame);
    td_framer_free(&l->framer);
    SSL_CTX_free(l->ctx);
    free(l);
}

uint64_t tdc_link_bytes_out(const tdc_link *l) { return l->conn ? td_conn_bytes_out(l->conn) : l->bytes_out; }
uint64_t tdc_link_bytes_in(const tdc_link *l) { return l->conn ? td_conn_bytes_in(l->conn) : l->bytes_in; }

const char *tdc_link_vi(const td_error *err)
{
    const char *alert = td_tls_alert_vi(err->msg);
    if (alert) {
        td_log_warn("%s", err->msg);   /* the English, for support */
        return alert;
    }
    /* "English | Vietnamese" (the server's own Vietnamese, or ours), else td_err_vi */
    return td_error_vi(err);
}

void tdc_link_fail(const char *prog, const char *server, const td_error *err)
{
    const char *vi = tdc_link_vi(err);
    size_t n = strlen(vi);
    /* the server's own Vietnamese text already ends with a full stop */
    fprintf(stderr, "%s: " TD_MSG_CONNECT "\n", prog, server ? server : "?", vi, n && vi[n - 1] == '.' ? "" : ".");
    tdc_link_advice(err, stderr);
}

int tdc_link_advice(const td_error *err, FILE *f)
{
    if (!err->msg[0] || !strstr(err->msg, "certificate revoked")) return 0;
    fputs(TD_MSG_LINK_CERT_REVOKED_HINT "\n",
          f);
    return 1;
}

int tdc_link_peer(const tdc_link *l, unsigned char pk[32], char cn[TDC_PEER_CN_MAX + 1], td_error *err)
{
    if (!l->have_peer) {
        if (err) *err = l->peer_why.code ? l->peer_why : (td_error){0};
        return l->peer_why.code ? l->peer_why.code
                                : td_error_set(err, TD_ECERT, "no verified server certificate (handshake not done)");
    }
    if (pk) memcpy(pk, l->peer_pk, 32);
    if (cn) memcpy(cn, l->peer_cn, sizeof l->peer_cn);
    return TD_OK;
}

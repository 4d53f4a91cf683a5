/*
 * test_tls.c — the TLS layer: the memory-BIO engine driven by hand, and
 * td_conn over real loopback sockets with libuv.  Callback counts are
 * asserted after uv_run returns (libuv's habit).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "identity.h"
#include "testcerts.h"
#include "tls.h"
#include "tt.h"

static tc_pki P;
static SSL_CTX *sctx, *cctx;

/* ---- engine: plaintext sink ------------------------------------------- */

typedef struct sink {
    uint8_t buf[1 << 20];
    size_t len;
    int calls;
} sink;

static int sink_cb(void *arg, const uint8_t *d, size_t n)
{
    sink *s = arg;
    if (s->len + n <= sizeof s->buf) memcpy(s->buf + s->len, d, n);
    s->len += n;
    s->calls++;
    return 0;
}

/* Move all ciphertext from a to b, chunk bytes per feed (0 = all at once). */
static int pump(td_tls *a, td_tls *b, size_t chunk, sink *bs, int *b_opened)
{
    uint8_t *buf;
    size_t n = td_tls_take_out(a, &buf), off = 0;
    int rc = 0, opened;
    td_error err;
    if (!n) return 0;
    while (off < n && rc == 0) {
        size_t k = chunk && chunk < n - off ? chunk : n - off;
        rc = td_tls_feed(b, buf + off, k, &opened, sink_cb, bs, &err);
        if (opened) {
            /* as td_conn does: handle the open, then deliver what came with it */
            if (b_opened) *b_opened = 1;
            TT_EQ_INT(bs->len, 0);   /* no data before the open */
            if (rc == 0) rc = td_tls_feed(b, NULL, 0, &opened, sink_cb, bs, &err);
        }
        off += k;
    }
    free(buf);
    return rc;
}

static void handshake(td_tls *c, td_tls *s, size_t chunk, sink *cs, sink *ss)
{
    int copen = 0, sopen = 0;
    td_error err;
    TT_EQ_INT(td_tls_init(c, cctx, 0, "127.0.0.1", &err), 0);
    TT_EQ_INT(td_tls_init(s, sctx, 1, NULL, &err), 0);
    TT_EQ_INT(td_tls_start(c, &err), 0);
    for (int i = 0; i < 20 && !(copen && sopen); i++) {
        TT_EQ_INT(pump(c, s, chunk, ss, &sopen), 0);
        TT_EQ_INT(pump(s, c, chunk, cs, &copen), 0);
    }
    TT_CHECK(copen);
    TT_CHECK(sopen);
    TT_EQ_INT(s->state, TD_TLS_OPEN);
    TT_EQ_INT(c->state, TD_TLS_OPEN);
}

static void test_handshake_byte_by_byte(void)
{
    td_tls c, s;
    static sink cs, ss;
    td_subject subj;
    td_error err;
    char alpn[32];
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    /* Every record split across 1-byte reads. */
    handshake(&c, &s, 1, &cs, &ss);
    TT_CHECK(td_tls_peer_cert(&s) != NULL);
    TT_EQ_INT(td_subject_from_cert(td_tls_peer_cert(&s), &subj, &err), 0);
    TT_EQ_STR(subj.agency, "ubnd-chi-linh");
    TT_EQ_STR(subj.device, "pc-01");
    TT_EQ_INT(subj.role, TD_ROLE_OFFICE);
    td_tls_alpn(&s, alpn, sizeof alpn);
    TT_EQ_STR(alpn, "tiendo/1");
    TT_EQ_STR(SSL_get_version(s.ssl), "TLSv1.3");
    /* data split byte by byte too */
    TT_EQ_INT(td_tls_write(&c, "xin chào", strlen("xin chào"), &err), 0);
    TT_EQ_INT(pump(&c, &s, 1, &ss, NULL), 0);
    TT_EQ_INT(ss.len, strlen("xin chào"));
    TT_CHECK(memcmp(ss.buf, "xin chào", ss.len) == 0);
    td_tls_free(&c);
    td_tls_free(&s);
}

static void test_many_records_one_read(void)
{
    td_tls c, s;
    static sink cs, ss;
    td_error err;
    char msg[100];
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    handshake(&c, &s, 0, &cs, &ss);
    /* Ten writes = ten records, delivered in a single feed. */
    for (int i = 0; i < 10; i++) {
        snprintf(msg, sizeof msg, "record-%02d;", i);
        TT_EQ_INT(td_tls_write(&c, msg, strlen(msg), &err), 0);
    }
    TT_EQ_INT(pump(&c, &s, 0, &ss, NULL), 0);
    TT_EQ_INT(ss.len, 100);
    TT_CHECK(ss.calls >= 10);   /* one SSL_read per record, all drained in one feed */
    TT_CHECK(memcmp(ss.buf, "record-00;record-01;", 20) == 0);
    TT_CHECK(memcmp(ss.buf + 90, "record-09;", 10) == 0);
    /* A record larger than one TLS record (16 KiB) arrives whole too. */
    {
        static uint8_t big[100000];
        for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7);
        ss.len = 0;
        TT_EQ_INT(td_tls_write(&c, big, sizeof big, &err), 0);
        TT_EQ_INT(pump(&c, &s, 3000, &ss, NULL), 0);
        TT_EQ_INT(ss.len, sizeof big);
        TT_CHECK(memcmp(ss.buf, big, sizeof big) == 0);
    }
    td_tls_free(&c);
    td_tls_free(&s);
}

static void test_close_notify_both_ways(void)
{
    td_tls c, s;
    static sink cs, ss;
    td_error err;
    for (int dir = 0; dir < 2; dir++) {
        td_tls *closer, *other;
        memset(&cs, 0, sizeof cs);
        memset(&ss, 0, sizeof ss);
        handshake(&c, &s, 0, &cs, &ss);
        closer = dir ? &s : &c;
        other = dir ? &c : &s;
        td_tls_shutdown(closer);
        TT_CHECK(td_tls_out_pending(closer) > 0);   /* close_notify queued */
        TT_EQ_INT(pump(closer, other, 0, dir ? &cs : &ss, NULL), TD_ECLOSED);
        TT_EQ_INT(other->state, TD_TLS_PEER_CLOSED);
        /* write after close, on both sides */
        TT_EQ_INT(td_tls_write(closer, "x", 1, &err), TD_ECLOSED);
        TT_EQ_INT(td_tls_write(other, "x", 1, &err), TD_ECLOSED);
        td_tls_free(&c);
        td_tls_free(&s);
    }
}

static void test_write_before_handshake_is_queued(void)
{
    td_tls c, s;
    static sink cs, ss;
    td_error err;
    int copen = 0, sopen = 0;
    memset(&cs, 0, sizeof cs);
    memset(&ss, 0, sizeof ss);
    TT_EQ_INT(td_tls_init(&c, cctx, 0, "127.0.0.1", &err), 0);
    TT_EQ_INT(td_tls_init(&s, sctx, 1, NULL, &err), 0);
    TT_EQ_INT(td_tls_write(&c, "early", 5, &err), 0);
    TT_EQ_INT(td_tls_start(&c, &err), 0);
    for (int i = 0; i < 10; i++) {
        pump(&c, &s, 0, &ss, &sopen);
        pump(&s, &c, 0, &cs, &copen);
    }
    TT_EQ_INT(ss.len, 5);
    TT_CHECK(memcmp(ss.buf, "early", 5) == 0);
    td_tls_free(&c);
    td_tls_free(&s);
}

static void test_garbage_fails_cleanly(void)
{
    td_tls s;
    static sink ss;
    td_error err;
    int opened;
    uint8_t junk[512];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(i * 31 + 7);
    TT_EQ_INT(td_tls_init(&s, sctx, 1, NULL, &err), 0);
    TT_CHECK(td_tls_feed(&s, junk, sizeof junk, &opened, sink_cb, &ss, &err) < 0);
    TT_EQ_INT(s.state, TD_TLS_FAILED);
    TT_CHECK(strlen(err.msg) > 0);
    /* further feeds refuse without touching OpenSSL */
    TT_EQ_INT(td_tls_feed(&s, junk, 10, &opened, sink_cb, &ss, &err), TD_ETLS);
    td_tls_free(&s);
}

/* ---- td_conn over loopback -------------------------------------------- */

typedef struct side {
    int opens, closes, datas;
    int close_code;
    size_t got;
    uint8_t *expect;
    size_t expect_len;
    int mismatch;
    int shutdown_after;   /* client: shut down once got == expect_len */
    int write_after_close_rc;
} side;

static uv_loop_t *L;
static uv_tcp_t listener;
static side S, C;
static td_conn *server_conn;
static size_t echo_total;

static void s_open(td_conn *c) { S.opens++; }
static void s_data(td_conn *c, const uint8_t *d, size_t n)
{
    S.datas++;
    S.got += n;
    td_conn_write(c, d, n);   /* echo */
}
static void s_close(td_conn *c, const td_error *why)
{
    S.closes++;
    S.close_code = why->code;
    S.write_after_close_rc = 1;
    uv_close((uv_handle_t *)&listener, NULL);
}
static const td_conn_cbs scbs = {s_open, s_data, s_close, NULL};

static void on_conn(uv_stream_t *l, int status)
{
    td_error err;
    server_conn = td_conn_new(L, sctx, 1, NULL, &scbs, NULL, &err);
    uv_accept(l, (uv_stream_t *)td_conn_tcp(server_conn));
    td_conn_start(server_conn);
}

static void c_open(td_conn *c)
{
    C.opens++;
    TT_EQ_INT(td_conn_write(c, C.expect, C.expect_len), 0);
}
static void c_data(td_conn *c, const uint8_t *d, size_t n)
{
    C.datas++;
    if (C.got + n > C.expect_len || memcmp(C.expect + C.got, d, n)) C.mismatch++;
    C.got += n;
    if (C.got == C.expect_len) {
        td_conn_shutdown(c);
        C.write_after_close_rc = td_conn_write(c, "late", 4);
    }
}
static void c_close(td_conn *c, const td_error *why)
{
    C.closes++;
    C.close_code = why->code;
}
static const td_conn_cbs ccbs = {c_open, c_data, c_close, NULL};

static int listen_loopback(void)
{
    struct sockaddr_in a;
    struct sockaddr_storage bound;
    int len = sizeof bound;
    uv_tcp_init(L, &listener);
    uv_ip4_addr("127.0.0.1", 0, &a);
    uv_tcp_bind(&listener, (struct sockaddr *)&a, 0);
    uv_listen((uv_stream_t *)&listener, 16, on_conn);
    uv_tcp_getsockname(&listener, (struct sockaddr *)&bound, &len);
    return ntohs(((struct sockaddr_in *)&bound)->sin_port);
}

static uv_connect_t creq;
static void on_connected(uv_connect_t *r, int status)
{
    TT_EQ_INT(status, 0);
    td_conn_start(r->data);
}

static void test_conn_echo_and_close(void)
{
    struct sockaddr_in a;
    td_error err;
    td_conn *c;
    int port;
    L = uv_default_loop();
    memset(&S, 0, sizeof S);
    memset(&C, 0, sizeof C);
    /* 3 MB through the echo: exercises many reads, many records and the
     * write-queue high-water mark on both sides. */
    C.expect_len = 3u << 20;
    C.expect = malloc(C.expect_len);
    for (size_t i = 0; i < C.expect_len; i++) C.expect[i] = (uint8_t)(i ^ (i >> 8));
    port = listen_loopback();
    c = td_conn_new(L, cctx, 0, "127.0.0.1", &ccbs, NULL, &err);
    TT_CHECK(c != NULL);
    uv_ip4_addr("127.0.0.1", port, &a);
    creq.data = c;
    uv_tcp_connect(&creq, td_conn_tcp(c), (struct sockaddr *)&a, on_connected);
    uv_run(L, UV_RUN_DEFAULT);
    TT_EQ_INT(C.opens, 1);
    TT_EQ_INT(S.opens, 1);
    TT_EQ_INT(C.got, C.expect_len);
    TT_EQ_INT(S.got, C.expect_len);
    TT_EQ_INT(C.mismatch, 0);
    TT_EQ_INT(C.closes, 1);
    TT_EQ_INT(S.closes, 1);
    TT_EQ_INT(C.close_code, TD_OK);          /* we closed */
    TT_EQ_INT(S.close_code, TD_ECLOSED);     /* peer's close_notify */
    TT_EQ_INT(C.write_after_close_rc, TD_ECLOSED);
    free(C.expect);
}

/* Peer resets in the middle of the handshake: the server side reports one
 * close with an error, and nothing leaks or crashes (ASan run). */
static void *reset_thread_arg;
static void test_conn_reset_mid_handshake(void)
{
    int port, fd;
    struct sockaddr_in a;
    struct linger lg = {1, 0};
    /* A ClientHello prefix: record header of a handshake record, then half. */
    static const uint8_t partial[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03};
    (void)reset_thread_arg;
    L = uv_default_loop();
    memset(&S, 0, sizeof S);
    port = listen_loopback();
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    TT_EQ_INT(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    TT_EQ_INT(write(fd, partial, sizeof partial), (long)sizeof partial);
    /* Let the server read the partial record, then reset. */
    for (int i = 0; i < 5; i++) uv_run(L, UV_RUN_NOWAIT), usleep(10000);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
    uv_run(L, UV_RUN_DEFAULT);
    TT_EQ_INT(S.opens, 0);
    TT_EQ_INT(S.closes, 1);
    TT_CHECK(S.close_code == TD_EIO || S.close_code == TD_ECLOSED);
    echo_total = 0;
}

int main(void)
{
    td_error err;
    td_tls_ctx_opts so, co;
    if (tc_pki_make(&P)) {
        perror("mkdtemp");
        return 1;
    }
    so = (td_tls_ctx_opts){P.ca, P.srv_crt, P.srv_key, NULL, NULL};
    co = (td_tls_ctx_opts){P.ca, P.cli_crt, P.cli_key, NULL, NULL};
    sctx = td_tls_ctx_server(&so, &err);
    if (!sctx) fprintf(stderr, "server ctx: %s\n", err.msg);
    cctx = td_tls_ctx_client(&co, &err);
    if (!cctx) fprintf(stderr, "client ctx: %s\n", err.msg);
    TT_CHECK(sctx && cctx);
    if (sctx && cctx) {
        TT_RUN(test_handshake_byte_by_byte);
        TT_RUN(test_many_records_one_read);
        TT_RUN(test_close_notify_both_ways);
        TT_RUN(test_write_before_handshake_is_queued);
        TT_RUN(test_garbage_fails_cleanly);
        TT_RUN(test_conn_echo_and_close);
        TT_RUN(test_conn_reset_mid_handshake);
    }
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    uv_loop_close(uv_default_loop());
    tc_pki_remove(&P);
    return tt_report();
}

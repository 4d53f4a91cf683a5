/*
 * td_peer — test peers for the integration tests, hostile or many.
 *
 *   td_peer swarm   --dir DEVDIR --server H:P -n N
 *       N clients connect at once on one loop; each completes TLS, Hello/
 *       Welcome, Ping/Pong.  Prints "ok=K failed=F"; exit 0 iff K == N.
 *   td_peer garbage|toobig|badframe|early --dir DEVDIR --server H:P
 *       completes TLS with a valid certificate, then sends random bytes /
 *       a length header above the limit / a length-correct undecodable body /
 *       a Push before Hello; prints the server's Error frame ("error CODE:
 *       MESSAGE") and "closed" when the server closes.  Exit 0 iff both.
 *   td_peer raw-garbage --server H:P     random bytes before any TLS.
 *   td_peer silent --server H:P [--hold S] TCP connect, send nothing; prints
 *       "closed after X ms" when the server gives up.  Exit 0 iff it closes
 *       within the hold time (default 30 s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "device.h"
#include "frame.h"
#include "log.h"
#include "netaddr.h"
#include "proto_ver.h"

typedef struct peer {
    td_conn *conn;
    td_framer framer;
    int stage;        /* 0 connecting, 1 hello sent, 2 ping sent, 3 done ok */
    int closed;
    int got_error;
    char errmsg[600];
    uv_connect_t req;
} peer;

static const char *mode;
static int n_ok, n_failed, n_closed;
static struct sockaddr_in addr;

static void send_frame(peer *p, const Tiendo__Frame *f)
{
    uint8_t *buf;
    size_t n;
    td_error err;
    if (td_frame_pack(f, 0, &buf, &n, &err) == 0) {
        td_conn_write(p->conn, buf, n);
        free(buf);
    }
}

static int on_frame(void *arg, const uint8_t *body, size_t len)
{
    peer *p = arg;
    td_error err;
    Tiendo__Frame *f = td_frame_unpack(body, len, &err);
    if (!f) return 1;
    if (f->body_case == TIENDO__FRAME__BODY_ERROR) {
        p->got_error = 1;
        snprintf(p->errmsg, sizeof p->errmsg, "error %d: %s", (int)f->error->code,
                 f->error->message ? f->error->message : "");
    } else if (!strcmp(mode, "swarm")) {
        if (p->stage == 1 && f->body_case == TIENDO__FRAME__BODY_WELCOME) {
            Tiendo__Frame out = TIENDO__FRAME__INIT;
            Tiendo__Ping ping = TIENDO__PING__INIT;
            ping.nonce = 7;
            out.body_case = TIENDO__FRAME__BODY_PING;
            out.ping = &ping;
            send_frame(p, &out);
            p->stage = 2;
        } else if (p->stage == 2 && f->body_case == TIENDO__FRAME__BODY_PONG && f->pong->nonce == 7) {
            p->stage = 3;
            n_ok++;
            td_conn_shutdown(p->conn);
        }
    }
    td_frame_free(f);
    return 0;
}

static void on_open(td_conn *c)
{
    peer *p = td_conn_data(c);
    if (!strcmp(mode, "swarm")) {
        Tiendo__Frame f = TIENDO__FRAME__INIT;
        Tiendo__Hello h = TIENDO__HELLO__INIT;
        h.min_version = TD_PROTO_MIN;
        h.max_version = TD_PROTO_MAX;
        h.software = "td_peer";
        f.body_case = TIENDO__FRAME__BODY_HELLO;
        f.hello = &h;
        send_frame(p, &f);
        p->stage = 1;
    } else if (!strcmp(mode, "garbage")) {
        uint8_t junk[4096];
        for (size_t i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)rand();
        junk[0] = 0x00; /* a plausible small length so the body is parsed as junk */
        junk[1] = 0x00;
        junk[2] = 0x01;
        junk[3] = 0x00;
        td_conn_write(c, junk, sizeof junk);
    } else if (!strcmp(mode, "toobig")) {
        static const uint8_t hdr[4] = {0x7f, 0xff, 0xff, 0xff};
        td_conn_write(c, hdr, 4);
    } else if (!strcmp(mode, "badframe")) {
        static const uint8_t fr[] = {0x00, 0x00, 0x00, 0x06, 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff};
        td_conn_write(c, fr, sizeof fr);
    } else if (!strcmp(mode, "early")) {
        Tiendo__Frame f = TIENDO__FRAME__INIT;
        Tiendo__Push push = TIENDO__PUSH__INIT;
        f.body_case = TIENDO__FRAME__BODY_PUSH;
        f.push = &push;
        send_frame(p, &f);
    }
}

static void on_data(td_conn *c, const uint8_t *d, size_t n)
{
    peer *p = td_conn_data(c);
    td_error err;
    td_framer_feed(&p->framer, d, n, on_frame, p, &err);
}

static void on_close(td_conn *c, const td_error *why)
{
    peer *p = td_conn_data(c);
    p->closed = 1;
    n_closed++;
    if (!strcmp(mode, "swarm") && p->stage != 3) {
        n_failed++;
        fprintf(stderr, "td_peer: client failed at stage %d: %s\n", p->stage, why->msg);
    }
}

static const td_conn_cbs cbs = {on_open, on_data, on_close, NULL};

static void on_connect(uv_connect_t *r, int status)
{
    peer *p = r->data;
    if (status < 0) {
        fprintf(stderr, "td_peer: connect: %s\n", uv_strerror(status));
        td_conn_close(p->conn, TD_ECONNECT, "connect failed");
        return;
    }
    td_conn_start(p->conn);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int raw_mode(int garbage, int hold_s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    double t0 = now_ms();
    char buf[4096];
    struct pollfd pfd;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("td_peer: connect");
        return 1;
    }
    if (garbage) {
        for (size_t i = 0; i < sizeof buf; i++) buf[i] = (char)rand();
        if (write(fd, buf, sizeof buf) < 0) perror("td_peer: write");
    }
    pfd.fd = fd;
    pfd.events = POLLIN;
    for (;;) {
        int left = hold_s * 1000 - (int)(now_ms() - t0);
        ssize_t r;
        if (left <= 0) {
            printf("still open after %d s\n", hold_s);
            close(fd);
            return 1;
        }
        if (poll(&pfd, 1, left) <= 0) continue;
        r = read(fd, buf, sizeof buf);
        if (r <= 0) {
            printf("closed after %.0f ms\n", now_ms() - t0);
            close(fd);
            return 0;
        }
        /* an alert may come first; keep reading until EOF */
    }
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *server = NULL;
    int n = 1, hold = 30;
    char host[TD_HOST_MAX + 1];
    int port;
    td_error err;
    tdc_device dev;
    td_tls_ctx_opts to;
    SSL_CTX *ctx;
    peer *peers;
    uv_loop_t *loop = uv_default_loop();

    if (argc < 2) {
        fprintf(stderr, "usage: td_peer MODE --dir DEVDIR --server H:P [-n N] [--hold S]\n");
        return 2;
    }
    mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "--server")) server = argv[i + 1];
        else if (!strcmp(argv[i], "-n")) n = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--hold")) hold = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "td_peer: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    srand((unsigned)time(NULL));
    td_log_set_level(TD_LOG_ERROR);
    if (!server || td_hostport_parse(server, host, &port, &err) || uv_ip4_addr(host, port, &addr)) {
        fprintf(stderr, "td_peer: need --server IPv4:PORT\n");
        return 2;
    }
    if (!strcmp(mode, "silent")) return raw_mode(0, hold);
    if (!strcmp(mode, "raw-garbage")) return raw_mode(1, hold);

    tdc_device_paths(&dev, dir);
    to = (td_tls_ctx_opts){dev.ca_path, dev.cert_path, dev.key_path, NULL, NULL};
    ctx = td_tls_ctx_client(&to, &err);
    if (!ctx) {
        fprintf(stderr, "td_peer: %s\n", err.msg);
        return 1;
    }
    if (strcmp(mode, "swarm")) n = 1;
    peers = calloc((size_t)n, sizeof *peers);
    for (int i = 0; i < n; i++) {
        peer *p = &peers[i];
        td_framer_init(&p->framer, 0);
        p->conn = td_conn_new(loop, ctx, 0, host, &cbs, p, &err);
        p->req.data = p;
        uv_tcp_connect(&p->req, td_conn_tcp(p->conn), (struct sockaddr *)&addr, on_connect);
    }
    {
        double t0 = now_ms();
        uv_run(loop, UV_RUN_DEFAULT);
        if (!strcmp(mode, "swarm"))
            printf("ok=%d failed=%d closed=%d in %.0f ms\n", n_ok, n_failed, n_closed, now_ms() - t0);
    }
    {
        int rc;
        if (!strcmp(mode, "swarm")) {
            rc = n_ok == n ? 0 : 1;
        } else {
            printf("%s\n%s\n", peers[0].got_error ? peers[0].errmsg : "no error frame",
                   peers[0].closed ? "closed" : "open");
            rc = peers[0].got_error && peers[0].closed ? 0 : 1;
        }
        for (int i = 0; i < n; i++) td_framer_free(&peers[i].framer);
        free(peers);
        SSL_CTX_free(ctx);
        uv_loop_close(loop);
        return rc;
    }
}

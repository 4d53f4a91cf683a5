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
 *
 * Issue 9 (hostile peers; the script measures the server meanwhile):
 *   td_peer slowloris-raw --server H:P [--hold S]  a TLS record header, then
 *       one byte a second before any handshake; as silent.
 *   td_peer slowloris --dir D --server H:P -n N [--hold S]  N sessions: TLS,
 *       Hello/Welcome, then a frame announcing 1 MiB dribbled one byte a
 *       second (each byte its own TLS record).
 *   td_peer idle --dir D --server H:P -n N [--hold S]  N sessions: TLS,
 *       Hello/Welcome, then silence.
 *     Both print "established=K of N in X ms" once all are up (or failed),
 *     then after --hold (or when every one is closed) "closed-by-server=C
 *     open=O [after min..max ms]"; exit 0 iff K == N.
 *   td_peer noread --dir D --server H:P -n P [--hold S]  blocking TLS: Hello
 *       then P Pull{since 1} frames pipelined, and never a read; prints
 *       "closed after X ms" when the server drops it (poll POLLRDHUP), or
 *       "still open after S s".  Exit 0 iff dropped.
 *   td_peer flood --dir D --server H:P [--hold S]  a device pushing as fast
 *       as it can: Hello, then Pushes of 100 signed entries, 4 in flight,
 *       a new one on each PushAck; when the server ends the session it
 *       reconnects at once, until --hold.  Prints "pushes=P acked=A
 *       sessions=N busy=B" and the last Error frame; exit 0 iff B > 0.
 *   td_peer pushcut --dir D --server H:P -n N  N sessions one after the
 *       other: Hello, then on Welcome two Pushes of 100 signed entries and
 *       at once close_notify, without waiting for the PushAcks (the server
 *       sees the close while it verifies the batches).  Prints
 *       "sessions=N pushes=P"; exit 0 iff all N sessions were opened.
 *   td_peer bigframe --dir D --server H:P  a whole 5 MiB frame after TLS:
 *       as toobig (Error frame, then closed).
 *   td_peer bigentry --dir D --server H:P  Hello, then a Push of one entry
 *       whose payload (1.5 MiB) exceeds TD_ENTRY_PAYLOAD_MAX, inside the
 *       push bounds; prints "ack status=S reason=R"; exit 0 iff refused.
 */
#define _GNU_SOURCE   /* POLLRDHUP */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "device.h"
#include "entry.h"
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
    int established;
    double closed_ms;
    uint32_t dribbled;
    char errmsg[600];
    uv_connect_t req;
} peer;

static const char *mode;
static int n_ok, n_failed, n_closed;
static int n_peers, n_established, n_settled, n_by_server;
static int stopping;
static double t_start, min_close = -1, max_close;
static struct sockaddr_in addr;
static uv_timer_t tick, stop_timer;
static peer *all_peers;
/* flood */
static td_identity flood_id;
static uint64_t flood_seq, n_pushes, n_acked, n_sessions, n_busy;
static double flood_end;
static SSL_CTX *peer_ctx;
static char host_s[TD_HOST_MAX + 1];
#define FLOOD_BATCH 100
#define FLOOD_WINDOW 4
static void flood_connect(void);

static double now_ms(void);
static int is_many(void) { return !strcmp(mode, "slowloris") || !strcmp(mode, "idle"); }
/* slowloris/idle: handshakes in flight at once (a thousand at once would
 * only measure the handshake timeout); the next starts as one settles. */
#define MANY_WAVE 64
static int n_started;
static void start_peer(int i);

/* Every peer is up or failed: say so once. */
static void settled(void)
{
    if (n_started < n_peers && !stopping) start_peer(n_started);
    if (++n_settled == n_peers) {
        printf("established=%d of %d in %.0f ms\n", n_established, n_peers, now_ms() - t_start);
        fflush(stdout);
    }
}

static void end_all(void)
{
    if (stopping) return;
    stopping = 1;
    uv_close((uv_handle_t *)&tick, NULL);
    uv_close((uv_handle_t *)&stop_timer, NULL);
    for (int i = 0; i < n_peers; i++)
        if (all_peers[i].conn && !all_peers[i].closed) td_conn_close(all_peers[i].conn, TD_OK, "hold time over");
}

static void on_stop(uv_timer_t *t)
{
    (void)t;
    end_all();
}

/* slowloris: one more byte of a frame announcing 1 MiB, to every peer. */
static void on_tick(uv_timer_t *t)
{
    static const uint8_t hdr[4] = {0x00, 0x10, 0x00, 0x00};
    (void)t;
    for (int i = 0; i < n_peers; i++) {
        peer *p = &all_peers[i];
        uint8_t b;
        if (p->closed || !p->established) continue;
        b = p->dribbled < 4 ? hdr[p->dribbled] : 0x20;
        if (td_conn_write(p->conn, &b, 1) == 0) p->dribbled++;
    }
}

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

static void flood_push(peer *p)
{
    Tiendo__SignedEntry *ses[FLOOD_BATCH];
    Tiendo__Push push = TIENDO__PUSH__INIT;
    Tiendo__Frame out = TIENDO__FRAME__INIT;
    uint8_t *bufs[FLOOD_BATCH];
    size_t lens[FLOOD_BATCH], k = 0;
    td_error err;
    static const uint8_t payload[] = {0x08, 0x01};
    for (; k < FLOOD_BATCH; k++) {
        uint64_t seq = ++flood_seq;
        td_entry_fields f = {TIENDO__ENTRY_KIND__ENTRY_REPORT, seq, seq, 0, flood_id.subject.agency,
                             payload, sizeof payload};
        if (td_entry_sign(&flood_id, &f, &bufs[k], &lens[k], &err)) break;
        ses[k] = tiendo__signed_entry__unpack(NULL, lens[k], bufs[k]);
    }
    push.entries = ses;
    push.n_entries = k;
    out.body_case = TIENDO__FRAME__BODY_PUSH;
    out.push = &push;
    send_frame(p, &out);
    n_pushes++;
    for (size_t i = 0; i < k; i++) {
        tiendo__signed_entry__free_unpacked(ses[i], NULL);
        free(bufs[i]);
    }
}

static int on_frame(void *arg, const uint8_t *body, size_t len)
{
    peer *p = arg;
    td_error err;
    Tiendo__Frame *f = td_frame_unpack(body, len, &err);
    if (!f) return 1;
    if (!strcmp(mode, "pushcut")) {
        if (f->body_case == TIENDO__FRAME__BODY_WELCOME) {
            p->established = 1;
            flood_push(p);
            flood_push(p);
            td_conn_shutdown(p->conn);
        }
    } else if (!strcmp(mode, "flood") && f->body_case != TIENDO__FRAME__BODY_ERROR) {
        if (f->body_case == TIENDO__FRAME__BODY_WELCOME) {
            /* resume after what the server holds (acks of the last session may be lost) */
            for (int i = 0; i < FLOOD_WINDOW; i++) flood_push(p);
        } else if (f->body_case == TIENDO__FRAME__BODY_PUSH_ACK) {
            n_acked += f->push_ack->n_acks;
            if (now_ms() < flood_end) flood_push(p);
            else td_conn_shutdown(p->conn);
        }
    } else if (!strcmp(mode, "flood")) {
        if (f->error->code == TIENDO__ERROR_CODE__ERR_BUSY) n_busy++;
        snprintf(p->errmsg, sizeof p->errmsg, "error %d: %s | %s", (int)f->error->code,
                 f->error->message ? f->error->message : "", f->error->message_vi ? f->error->message_vi : "");
        printf("%s\n", p->errmsg);
        fflush(stdout);
    } else if (is_many() && f->body_case == TIENDO__FRAME__BODY_WELCOME && !p->established) {
        p->established = 1;
        n_established++;
        settled();
    } else if (!strcmp(mode, "bigentry") && f->body_case == TIENDO__FRAME__BODY_WELCOME) {
        /* One entry whose payload is above TD_ENTRY_PAYLOAD_MAX, the batch
         * within TD_PUSH_MAX_BYTES: refused per entry, not per session. */
        Tiendo__Entry e = TIENDO__ENTRY__INIT;
        Tiendo__SignedEntry se = TIENDO__SIGNED_ENTRY__INIT, *sep = &se;
        Tiendo__Push push = TIENDO__PUSH__INIT;
        Tiendo__Frame out = TIENDO__FRAME__INIT;
        static uint8_t author[32], sig[64];
        size_t plen = TD_ENTRY_PAYLOAD_MAX + TD_ENTRY_PAYLOAD_MAX / 2;
        uint8_t *payload = calloc(1, plen), *ebody;
        e.kind = TIENDO__ENTRY_KIND__ENTRY_REPORT;
        e.author.data = author;
        e.author.len = 32;
        e.seq = 1;
        e.agency = "so-y-te";
        e.payload.data = payload;
        e.payload.len = plen;
        ebody = malloc(tiendo__entry__get_packed_size(&e));
        se.body.len = tiendo__entry__pack(&e, ebody);
        se.body.data = ebody;
        se.sig.data = sig;
        se.sig.len = 64;
        push.entries = &sep;
        push.n_entries = 1;
        out.body_case = TIENDO__FRAME__BODY_PUSH;
        out.push = &push;
        send_frame(p, &out);
        free(ebody);
        free(payload);
    } else if (!strcmp(mode, "bigentry") && f->body_case == TIENDO__FRAME__BODY_PUSH_ACK) {
        if (f->push_ack->n_acks == 1) {
            snprintf(p->errmsg, sizeof p->errmsg, "ack status=%d reason=%s", (int)f->push_ack->acks[0]->status,
                     f->push_ack->acks[0]->reason ? f->push_ack->acks[0]->reason : "");
            p->got_error = f->push_ack->acks[0]->status == TIENDO__ACK_STATUS__ACK_REFUSED;
        }
        td_conn_shutdown(p->conn);
    } else if (f->body_case == TIENDO__FRAME__BODY_ERROR) {
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
    if (!strcmp(mode, "swarm") || is_many() || !strcmp(mode, "bigentry") || !strcmp(mode, "flood") ||
        !strcmp(mode, "pushcut")) {
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
    } else if (!strcmp(mode, "bigframe")) {
        /* The whole body follows the header: the server must refuse from
         * the header and not buffer what comes after. */
        size_t n = 5u << 20;
        uint8_t *buf = calloc(1, n + 4);
        buf[0] = 0x00;
        buf[1] = 0x50;   /* 5 MiB */
        td_conn_write(c, buf, n + 4);
        free(buf);
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
    if (!strcmp(mode, "flood")) {
        td_framer_free(&p->framer);
        free(p);
        if (now_ms() < flood_end) flood_connect();
        return;
    }
    if (!strcmp(mode, "pushcut")) {
        if (p->established) n_established++;
        td_framer_free(&p->framer);
        free(p);
        if ((int)n_sessions < n_peers) flood_connect();
        return;
    }
    if (is_many()) {
        double t = now_ms() - t_start;
        if (!p->established) settled();
        if (!stopping && p->established) {   /* the server ended it */
            n_by_server++;
            if (min_close < 0 || t < min_close) min_close = t;
            if (t > max_close) max_close = t;
        }
        if (!stopping && n_closed == n_peers) end_all();
    }
    if (!strcmp(mode, "swarm") && p->stage != 3) {
        n_failed++;
        fprintf(stderr, "td_peer: client failed at stage %d: %s\n", p->stage, why->msg);
    }
}

static const td_conn_cbs cbs = {on_open, on_data, on_close, NULL};
static void on_connect(uv_connect_t *r, int status);

static void start_peer(int i)
{
    td_error err;
    peer *p = &all_peers[i];
    n_started++;
    td_framer_init(&p->framer, 0);
    p->conn = td_conn_new(uv_default_loop(), peer_ctx, 0, host_s, &cbs, p, &err);
    p->req.data = p;
    uv_tcp_connect(&p->req, td_conn_tcp(p->conn), (struct sockaddr *)&addr, on_connect);
}

/* flood: one more session (the peer is freed in on_close). */
static void flood_connect(void)
{
    td_error err;
    peer *p = calloc(1, sizeof *p);
    td_framer_init(&p->framer, 0);
    p->conn = td_conn_new(uv_default_loop(), peer_ctx, 0, host_s, &cbs, p, &err);
    p->req.data = p;
    n_sessions++;
    uv_tcp_connect(&p->req, td_conn_tcp(p->conn), (struct sockaddr *)&addr, on_connect);
}

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
    static const uint8_t rec[5] = {0x16, 0x03, 0x01, 0x02, 0x00};   /* a 512-byte handshake record */
    int sent = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    double t0 = now_ms();
    char buf[4096];
    struct pollfd pfd;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("td_peer: connect");
        return 1;
    }
    if (garbage == 1) {
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
        if (garbage == 2) {   /* slowloris before TLS: one byte a second */
            uint8_t b = sent < 5 ? rec[sent] : 0;
            if (write(fd, &b, 1) == 1) sent++;
            if (left > 1000) left = 1000;
            if (poll(&pfd, 1, left) <= 0) continue;
        } else if (poll(&pfd, 1, left) <= 0) continue;
        r = read(fd, buf, sizeof buf);
        if (r <= 0) {
            printf("closed after %.0f ms\n", now_ms() - t0);
            close(fd);
            return 0;
        }
        /* an alert may come first; keep reading until EOF */
    }
}

/* Write all of buf on a blocking SSL; 0 or -1. */
static int ssl_write_all(SSL *ssl, const uint8_t *buf, size_t n)
{
    while (n > 0) {
        int w = SSL_write(ssl, buf, n > 65536 ? 65536 : (int)n);
        if (w <= 0) return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A peer that asks and never reads (blocking socket, plain OpenSSL). */
static int noread_mode(SSL_CTX *ctx, int pulls, int hold_s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), rc = 1;
    SSL *ssl;
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Hello h = TIENDO__HELLO__INIT;
    Tiendo__Pull pl = TIENDO__PULL__INIT;
    uint8_t *buf;
    size_t n;
    td_error err;
    double t0;
    struct pollfd pfd;

    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("td_peer: connect");
        return 1;
    }
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        fprintf(stderr, "td_peer: TLS handshake failed\n");
        goto out;
    }
    h.min_version = TD_PROTO_MIN;
    h.max_version = TD_PROTO_MAX;
    h.software = "td_peer noread";
    f.body_case = TIENDO__FRAME__BODY_HELLO;
    f.hello = &h;
    if (td_frame_pack(&f, 0, &buf, &n, &err) || ssl_write_all(ssl, buf, n)) goto out;
    free(buf);
    pl.since = 1;
    pl.limit = 0;
    f.body_case = TIENDO__FRAME__BODY_PULL;
    f.pull = &pl;
    if (td_frame_pack(&f, 0, &buf, &n, &err)) goto out;
    {
        /* all the Pulls in one write: they reach the server before it stops reading */
        uint8_t *all = malloc(n * (size_t)pulls);
        for (int i = 0; i < pulls; i++) memcpy(all + i * n, buf, n);
        free(buf);
        if (ssl_write_all(ssl, all, n * (size_t)pulls)) {
            free(all);
            goto out;
        }
        free(all);
    }
    printf("sent hello and %d pulls; not reading\n", pulls);
    fflush(stdout);
    t0 = now_ms();
    pfd.fd = fd;
    pfd.events = POLLRDHUP;
    for (;;) {
        int left = hold_s * 1000 - (int)(now_ms() - t0);
        if (left <= 0) {
            printf("still open after %d s\n", hold_s);
            break;
        }
        if (poll(&pfd, 1, left) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
            printf("closed after %.0f ms\n", now_ms() - t0);
            rc = 0;
            break;
        }
    }
out:
    SSL_free(ssl);
    close(fd);
    return rc;
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
    signal(SIGPIPE, SIG_IGN);   /* a server that dropped us must not kill the peer on its next write */
    td_log_set_level(TD_LOG_ERROR);
    if (!server || td_hostport_parse(server, host, &port, &err) || uv_ip4_addr(host, port, &addr)) {
        fprintf(stderr, "td_peer: need --server IPv4:PORT\n");
        return 2;
    }
    if (!strcmp(mode, "silent")) return raw_mode(0, hold);
    if (!strcmp(mode, "raw-garbage")) return raw_mode(1, hold);
    if (!strcmp(mode, "slowloris-raw")) return raw_mode(2, hold);
    {   /* 1,000 sessions need more descriptors than the usual soft limit */
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max && (rlim_t)n + 64 > rl.rlim_cur) {
            rl.rlim_cur = rl.rlim_max;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
    }

    tdc_device_paths(&dev, dir);
    to = (td_tls_ctx_opts){dev.ca_path, dev.cert_path, dev.key_path, NULL, NULL};
    ctx = td_tls_ctx_client(&to, &err);
    if (!ctx) {
        fprintf(stderr, "td_peer: %s\n", err.msg);
        return 1;
    }
    if (!strcmp(mode, "flood") || !strcmp(mode, "pushcut")) {
        int rc;
        if (td_identity_load(&flood_id, dev.key_path, dev.cert_path, &err)) {
            fprintf(stderr, "td_peer: %s\n", err.msg);
            return 1;
        }
        peer_ctx = ctx;
        snprintf(host_s, sizeof host_s, "%s", host);
        flood_end = now_ms() + hold * 1000.0;
        n_peers = n;
        flood_connect();
        uv_run(loop, UV_RUN_DEFAULT);
        if (!strcmp(mode, "pushcut")) {
            printf("sessions=%d pushes=%llu\n", n_established, (unsigned long long)n_pushes);
            rc = n_established == n ? 0 : 1;
        } else {
            printf("pushes=%llu acked=%llu sessions=%llu busy=%llu\n", (unsigned long long)n_pushes,
                   (unsigned long long)n_acked, (unsigned long long)n_sessions, (unsigned long long)n_busy);
            rc = n_busy > 0 ? 0 : 1;
        }
        td_identity_free(&flood_id);
        SSL_CTX_free(ctx);
        uv_loop_close(loop);
        return rc;
    }
    if (!strcmp(mode, "noread")) {
        int rc = noread_mode(ctx, n, hold);
        SSL_CTX_free(ctx);
        return rc;
    }
    if (strcmp(mode, "swarm") && !is_many()) n = 1;
    peers = calloc((size_t)n, sizeof *peers);
    all_peers = peers;
    n_peers = n;
    t_start = now_ms();
    if (is_many()) {
        uv_timer_init(loop, &tick);
        uv_timer_init(loop, &stop_timer);
        uv_timer_start(&stop_timer, on_stop, (uint64_t)hold * 1000, 0);
        if (!strcmp(mode, "slowloris")) uv_timer_start(&tick, on_tick, 1000, 1000);
    }
    peer_ctx = ctx;
    snprintf(host_s, sizeof host_s, "%s", host);
    for (int i = 0; i < n && (!is_many() || i < MANY_WAVE); i++) start_peer(i);
    {
        double t0 = now_ms();
        uv_run(loop, UV_RUN_DEFAULT);
        if (!strcmp(mode, "swarm"))
            printf("ok=%d failed=%d closed=%d in %.0f ms\n", n_ok, n_failed, n_closed, now_ms() - t0);
        if (is_many()) {
            printf("closed-by-server=%d open=%d", n_by_server, n_established - n_by_server);
            if (n_by_server) printf(" after %.0f..%.0f ms", min_close, max_close);
            printf("\n");
        }
    }
    {
        int rc;
        if (!strcmp(mode, "swarm")) {
            rc = n_ok == n ? 0 : 1;
        } else if (is_many()) {
            rc = n_established == n ? 0 : 1;
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

/*
 * td_scale — the scale test's load generator (bench/scale.sh): many TLS clients
 * connected at once from one process, then no-op syncs at a steady rate.
 *
 *   td_scale --dir DEVDIR --server H:P -n N [--rate R] [--seconds S]
 *            [--inflight C] [--sources K] [--server-pid PID]
 *            [--mode pull|reconnect] [--connect-timeout S]
 *
 * Phase 1: N sessions are opened on one libuv loop (at most C handshakes in
 * flight, default 200, so the server's listen backlog never overflows), each
 * through TLS 1.3 with DEVDIR's certificate and Hello/Welcome; they stay
 * open.  Source addresses cycle over 127.0.0.1 .. 127.0.0.K (default 1), for
 * when one address's ephemeral ports run short.  RLIMIT_NOFILE is raised to
 * its hard limit.  Prints "connected=K failed=F in T ms" and, with
 * --server-pid, the server's RSS ("server rss=... MiB hwm=... MiB").
 *
 * Phase 2, for S seconds (default 10) at R syncs/s (default 1000): a no-op
 * sync is
 *   pull:      (default) on an open session, chosen round robin, Pull{since =
 *              the end of the log} answered by an empty Entries — what a
 *              client that keeps its session open asks when nothing is new;
 *   reconnect: a new connection: TLS handshake + Hello with the cursor at the
 *              end -> Welcome{has_new = false}, then close — what `tiendo sync`
 *              costs with nothing new (one round trip after the handshake).
 * Latency is measured from the moment the sync was due on the schedule (not
 * from when it was sent), so a stalled loop cannot hide its delay
 * (no coordinated omission).  Prints "syncs=X late=L nonempty=E p50=.. p90=..
 * p99=.. max=.. ms achieved=.. /s" and the server's RSS again.
 *
 * Exit status: 0 iff every session connected and every no-op sync was
 * answered as a no-op; the latency figures are reported, not judged (the
 * caller compares them with its target).
 *
 * Ownership: the peers array owns every td_conn until its on_close; the tool
 * closes every session at the end and runs the loop until they are closed.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "device.h"
#include "frame.h"
#include "log.h"
#include "netaddr.h"
#include "proto_ver.h"
#include "sync_limits.h"

/* Connections in the TLS handshake at once: well under the server's listen
 * backlog (511) and the kernel's somaxconn, so no SYN is dropped and
 * retried a second later. */
#define SC_DEFAULT_INFLIGHT 200
/* How long the end of phase 2 waits for replies still on the way. */
#define SC_DRAIN_MS 10000
/* The schedule is checked every millisecond. */
#define SC_TICK_MS 1

enum { ST_FREE, ST_CONNECTING, ST_HELLO, ST_IDLE, ST_BUSY, ST_CLOSED };

typedef struct sc_peer {
    td_conn *conn;
    td_framer framer;
    uv_connect_t req;
    int state;
    int is_probe;          /* a reconnect-mode sync, closed after Welcome */
    double due_ms;         /* when the pending sync was due */
    size_t idx;
} sc_peer;

static uv_loop_t *loop;
static SSL_CTX *ctx;
static char host[TD_HOST_MAX + 1];
static struct sockaddr_in addr;
static int n_target, inflight_max = SC_DEFAULT_INFLIGHT, n_sources = 1, reconnect;
static int n_connecting, n_connected, n_failed, n_launched;
static sc_peer *peers;          /* the N held sessions */
static sc_peer *probes;         /* reconnect mode: one per sync */
static size_t n_probes_max, n_probes;
static uint64_t log_size;
static double rate = 1000, seconds = 10, connect_timeout_s = 300;
static double t_connect0, t_phase2, *lat;
static size_t n_sent, n_done, n_nonempty, n_late, rr;
static int phase = 1;
static pid_t server_pid;
static uv_timer_t tick;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void print_rss(const char *when)
{
    char path[64], line[256];
    long rss = -1, hwm = -1;
    FILE *f;
    if (server_pid <= 0) return;
    snprintf(path, sizeof path, "/proc/%d/status", (int)server_pid);
    if (!(f = fopen(path, "r"))) return;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "VmRSS:", 6)) rss = strtol(line + 6, NULL, 10);
        if (!strncmp(line, "VmHWM:", 6)) hwm = strtol(line + 6, NULL, 10);
    }
    fclose(f);
    printf("server rss=%.1f MiB hwm=%.1f MiB (%s)\n", rss / 1024.0, hwm / 1024.0, when);
    fflush(stdout);
}

static void send_frame(sc_peer *p, const Tiendo__Frame *f)
{
    uint8_t *buf;
    size_t n;
    td_error err;
    if (td_frame_pack(f, 0, &buf, &n, &err) == 0) {
        td_conn_write(p->conn, buf, n);
        free(buf);
    }
}

static void launch(void);
static void start_phase2(void);

static void sync_done(sc_peer *p, int nonempty)
{
    double l = now_ms() - p->due_ms;
    if (n_done < n_sent) lat[n_done] = l;
    n_done++;
    if (nonempty) n_nonempty++;
}

static int on_frame(void *arg, const uint8_t *body, size_t len)
{
    sc_peer *p = arg;
    td_error err;
    Tiendo__Frame *f = td_frame_unpack(body, len, &err);
    if (!f) return 1;
    if (f->body_case == TIENDO__FRAME__BODY_ERROR) {
        fprintf(stderr, "td_scale: server error %d: %s\n", (int)f->error->code,
                f->error->message ? f->error->message : "");
    } else if (p->state == ST_HELLO && f->body_case == TIENDO__FRAME__BODY_WELCOME) {
        if (p->is_probe) {
            sync_done(p, f->welcome->has_new);
            p->state = ST_CLOSED;
            td_conn_shutdown(p->conn);
        } else {
            if (f->welcome->log_size > log_size) log_size = f->welcome->log_size;
            p->state = ST_IDLE;
            n_connecting--;
            n_connected++;
            launch();
        }
    } else if (p->state == ST_BUSY && f->body_case == TIENDO__FRAME__BODY_ENTRIES) {
        sync_done(p, f->entries->n_batch != 0);
        p->state = ST_IDLE;
    }
    td_frame_free(f);
    return 0;
}

static void on_open(td_conn *c)
{
    sc_peer *p = td_conn_data(c);
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Hello h = TIENDO__HELLO__INIT;
    h.min_version = TD_PROTO_MIN;
    h.max_version = TD_PROTO_MAX;
    h.software = "td_scale";
    h.cursor = log_size + 1;   /* at the end: nothing new */
    f.body_case = TIENDO__FRAME__BODY_HELLO;
    f.hello = &h;
    send_frame(p, &f);
    p->state = ST_HELLO;
}

static void on_data(td_conn *c, const uint8_t *d, size_t n)
{
    sc_peer *p = td_conn_data(c);
    td_error err;
    td_framer_feed(&p->framer, d, n, on_frame, p, &err);
}

static void on_close(td_conn *c, const td_error *why)
{
    sc_peer *p = td_conn_data(c);
    int st = p->state;
    p->state = ST_FREE;
    p->conn = NULL;
    td_framer_free(&p->framer);
    if (p->is_probe) {
        if (st != ST_CLOSED) {
            n_failed++;
            if (n_failed <= 5) fprintf(stderr, "td_scale: reconnect sync failed: %s\n", why->msg);
        }
        return;
    }
    if (phase == 1 && (st == ST_CONNECTING || st == ST_HELLO)) {
        n_connecting--;
        n_failed++;
        if (n_failed <= 5) fprintf(stderr, "td_scale: client %zu failed: %s\n", p->idx, why->msg);
        launch();
    } else if (phase == 2 && st != ST_CLOSED) {
        n_failed++;
        if (n_failed <= 5) fprintf(stderr, "td_scale: session %zu closed during the run: %s\n", p->idx, why->msg);
    }
}

static const td_conn_cbs cbs = {on_open, on_data, on_close, NULL};

static void on_connect(uv_connect_t *r, int status)
{
    sc_peer *p = r->data;
    if (status < 0) {
        td_conn_close(p->conn, TD_ECONNECT, uv_strerror(status));
        return;
    }
    td_conn_start(p->conn);
}

/* Open p's connection from source address 127.0.0.(1 + idx % K). */
static int sc_connect(sc_peer *p)
{
    td_error err;
    td_framer_init(&p->framer, 0);
    p->conn = td_conn_new(loop, ctx, 0, host, &cbs, p, &err);
    if (!p->conn) {
        fprintf(stderr, "td_scale: %s\n", err.msg);
        return -1;
    }
    p->state = ST_CONNECTING;
    if (n_sources > 1) {
        struct sockaddr_in src;
        char ip[32];
        snprintf(ip, sizeof ip, "127.0.0.%d", 1 + (int)(p->idx % (size_t)n_sources));
        uv_ip4_addr(ip, 0, &src);
        uv_tcp_bind(td_conn_tcp(p->conn), (const struct sockaddr *)&src, 0);
    }
    p->req.data = p;
    if (uv_tcp_connect(&p->req, td_conn_tcp(p->conn), (struct sockaddr *)&addr, on_connect) != 0) {
        td_conn_close(p->conn, TD_ECONNECT, "connect failed");
        return -1;
    }
    return 0;
}

/* Phase 1: keep inflight_max handshakes going until N have been started. */
static void launch(void)
{
    while (phase == 1 && n_launched < n_target && n_connecting < inflight_max) {
        sc_peer *p = &peers[n_launched];
        p->idx = (size_t)n_launched++;
        n_connecting++;
        if (sc_connect(p)) {
            /* on_close accounts for it */
        }
    }
    if (phase == 1 && n_connected + n_failed == n_target) start_phase2();
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void finish(void)
{
    double el = now_ms() - t_phase2;
    size_t n = n_done < n_sent ? n_done : n_sent;
    phase = 3;
    uv_timer_stop(&tick);
    qsort(lat, n, sizeof *lat, cmp_d);
#define PCT(q) (n ? lat[(size_t)((double)(n - 1) * (q))] : 0.0)
    printf("syncs=%zu answered=%zu late=%zu nonempty=%zu p50=%.2f p90=%.2f p99=%.2f max=%.2f ms "
           "achieved=%.0f /s (%s, target %.0f /s over %.0f s)\n",
           n_sent, n_done, n_late, n_nonempty, PCT(0.5), PCT(0.9), PCT(0.99), n ? lat[n - 1] : 0.0,
           n_done / (el / 1e3), reconnect ? "reconnect" : "pull", rate, seconds);
#undef PCT
    print_rss("after the syncs");
    fflush(stdout);
    for (int i = 0; i < n_launched; i++)
        if (peers[i].conn) {
            peers[i].state = ST_CLOSED;
            td_conn_close(peers[i].conn, 0, "done");
        }
    for (size_t i = 0; i < n_probes; i++)
        if (probes[i].conn) td_conn_close(probes[i].conn, 0, "done");
    uv_close((uv_handle_t *)&tick, NULL);
}

static void on_tick(uv_timer_t *t)
{
    double now = now_ms(), el = now - t_phase2;
    size_t due = (size_t)(el / 1e3 * rate), total = (size_t)(seconds * rate);
    (void)t;
    if (phase == 1) {
        if ((now - t_connect0) / 1e3 > connect_timeout_s) {
            fprintf(stderr, "td_scale: only %d of %d connected after %.0f s\n", n_connected, n_target,
                    connect_timeout_s);
            n_failed += n_target - n_connected - n_failed;
            start_phase2();
        }
        return;
    }
    if (due > total) due = total;
    while (n_sent < due) {
        double due_ms = t_phase2 + (double)n_sent * 1e3 / rate;
        if (reconnect) {
            sc_peer *p = &probes[n_probes];
            p->idx = n_probes++;
            p->is_probe = 1;
            p->due_ms = due_ms;
            n_sent++;
            if (sc_connect(p)) n_failed++;
            continue;
        }
        {
            sc_peer *p = NULL;
            for (int k = 0; k < n_connected && !p; k++) {
                sc_peer *q = &peers[rr++ % (size_t)n_launched];
                if (q->state == ST_IDLE) p = q;
            }
            if (!p) {   /* every session busy: count it late, try next tick */
                n_late++;
                break;
            }
            {
                Tiendo__Frame f = TIENDO__FRAME__INIT;
                Tiendo__Pull pl = TIENDO__PULL__INIT;
                pl.since = log_size + 1;
                pl.limit = TD_PULL_MAX_ENTRIES;
                f.body_case = TIENDO__FRAME__BODY_PULL;
                f.pull = &pl;
                p->due_ms = due_ms;
                p->state = ST_BUSY;
                send_frame(p, &f);
                n_sent++;
            }
        }
    }
    if (n_sent >= total && (n_done >= n_sent || el > seconds * 1e3 + SC_DRAIN_MS)) finish();
}

static void start_phase2(void)
{
    double el = now_ms() - t_connect0;
    phase = 2;
    printf("connected=%d failed=%d in %.0f ms (%.0f handshakes/s, %d source address%s)\n", n_connected, n_failed,
           el, n_connected / (el / 1e3), n_sources, n_sources > 1 ? "es" : "");
    print_rss("all connected");
    t_phase2 = now_ms();
}

static void raise_nofile(int need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)need)
        fprintf(stderr, "td_scale: RLIMIT_NOFILE is %llu, below the %d descriptors needed\n",
                (unsigned long long)rl.rlim_cur, need);
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *server = NULL, *mode = "pull";
    int port;
    td_error err;
    tdc_device dev;
    td_tls_ctx_opts to;
    int rc;

    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--dir")) dir = v;
        else if (!strcmp(a, "--server")) server = v;
        else if (!strcmp(a, "-n")) n_target = atoi(v);
        else if (!strcmp(a, "--rate")) rate = atof(v);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else if (!strcmp(a, "--inflight")) inflight_max = atoi(v);
        else if (!strcmp(a, "--sources")) n_sources = atoi(v);
        else if (!strcmp(a, "--server-pid")) server_pid = (pid_t)atoi(v);
        else if (!strcmp(a, "--connect-timeout")) connect_timeout_s = atof(v);
        else if (!strcmp(a, "--mode")) mode = v;
        else {
            fprintf(stderr, "td_scale: unknown option %s\n", a);
            return 2;
        }
    }
    reconnect = !strcmp(mode, "reconnect");
    if (!dir || !server || n_target < 1 || rate <= 0 || seconds <= 0 || inflight_max < 1 || n_sources < 1 ||
        n_sources > 254 || (!reconnect && strcmp(mode, "pull"))) {
        fprintf(stderr, "usage: td_scale --dir DEVDIR --server H:P -n N [--rate R] [--seconds S] [--inflight C]\n"
                        "                [--sources K] [--server-pid PID] [--mode pull|reconnect]\n");
        return 2;
    }
    td_log_set_level(TD_LOG_ERROR);
    signal(SIGPIPE, SIG_IGN);
    if (td_hostport_parse(server, host, &port, &err) || uv_ip4_addr(host, port, &addr)) {
        fprintf(stderr, "td_scale: need --server IPv4:PORT\n");
        return 2;
    }
    raise_nofile(n_target + (reconnect ? (int)(rate) : 0) + 64);
    tdc_device_paths(&dev, dir);
    to = (td_tls_ctx_opts){dev.ca_path, dev.cert_path, dev.key_path, NULL, NULL};
    ctx = td_tls_ctx_client(&to, &err);
    if (!ctx) {
        fprintf(stderr, "td_scale: %s\n", err.msg);
        return 1;
    }
    loop = uv_default_loop();
    peers = calloc((size_t)n_target, sizeof *peers);
    n_probes_max = reconnect ? (size_t)(rate * seconds) + 1 : 0;
    probes = calloc(n_probes_max ? n_probes_max : 1, sizeof *probes);
    lat = calloc((size_t)(rate * seconds) + 1, sizeof *lat);
    if (!peers || !probes || !lat) return 1;
    uv_timer_init(loop, &tick);
    uv_timer_start(&tick, on_tick, SC_TICK_MS, SC_TICK_MS);
    t_connect0 = now_ms();
    launch();
    uv_run(loop, UV_RUN_DEFAULT);
    rc = n_connected == n_target && n_failed == 0 && n_done == n_sent && n_nonempty == 0 && n_sent > 0 ? 0 : 1;
    if (rc)
        fprintf(stderr, "td_scale: connected %d/%d, failed %d, answered %zu/%zu, nonempty %zu\n", n_connected,
                n_target, n_failed, n_done, n_sent, n_nonempty);
    free(peers);
    free(probes);
    free(lat);
    SSL_CTX_free(ctx);
    uv_loop_close(loop);
    return rc;
}

/*
 * td_proxy — a loopback TCP proxy that cuts connections after N bytes, for
 * the fault tests (sync_cut.sh), or, with --chaos, delays, stalls, cuts and
 * resets them at random (chaos.sh).
 *
 *   td_proxy --listen 127.0.0.1:0 --port-file F --to 127.0.0.1:PORT
 *            [--cut-after N] [--direction both|up|down] [--once]
 *            [--delay-ms D] [--rate-bps R] [--trace]
 *            [--chaos SEED [--chaos-delay-max MS] [--chaos-cut PCT]
 *             [--chaos-cut-max BYTES] [--chaos-stall PCT] [--chaos-stall-max MS]]
 *
 * Each accepted connection gets its own upstream connection to --to, and
 * bytes are forwarded both ways.  "up" is client -> server, "down" is
 * server -> client; the byte counter counts the chosen direction (default:
 * both, i.e. the total).  When the counter reaches N, exactly the bytes up
 * to N are forwarded, and both sides are reset (RST: uv_tcp_close_reset)
 * once that last write completed.  Every connection counts from zero again,
 * so a retried sync meets the same cut point; with --once only the first
 * connection is cut and later ones pass through untouched.  Without
 * --cut-after nothing is cut.
 *
 * --delay-ms D holds every chunk D ms before forwarding it (order kept).
 * --rate-bps R shapes each direction of each connection to R bits/s: a
 * chunk leaves len * 8 / R s after the previous one of the same direction
 * (after the --delay-ms propagation delay), like a store-and-forward link.
 * The slow-link scenario (bench/slowlink.sh) is 64000 with --delay-ms 150 (64 kbit/s,
 * 300 ms round trips); crash.sh stretches a push or a pull over many batches
 * so that a kill lands inside it.
 *
 * --chaos SEED (xorshift, reproducible for one schedule of arrivals): every
 * chunk is held a random 0..--chaos-delay-max ms (default 20; order kept:
 * a chunk is never released before the one ahead of it); PCT % of the
 * connections (--chaos-cut, default 30) are cut at a random byte offset in
 * 1..--chaos-cut-max (default 200000, both directions counted), half of
 * them by a reset (RST) and half by a plain close (FIN); --chaos-stall PCT
 * % (default 20) stall once, at a random offset, for a random time up to
 * --chaos-stall-max ms (default 3000) in both directions.  The cut and the
 * stall apply whatever --direction says.
 * --trace prints each forwarded chunk as "chunk CONN up|down OFFSET+LEN",
 * OFFSET being the total bytes of the connection (both directions) before
 * it, so a script can aim cuts at record boundaries.
 *
 * When a connection ends it prints one line on stdout:
 *   conn K: up=U down=D total=T cut|closed [reset] [stalled S ms]
 * SIGTERM / SIGINT: stop listening, close everything, exit 0.
 *
 * Ownership (libuv rules): a pconn owns its two TCP handles and is freed
 * after both close callbacks; a chunk owns its bytes until its write
 * callback (which also runs, with UV_ECANCELED, for writes a close cancels).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

/* Stop reading a side while more than this waits to be written to the
 * other: a peer that does not read cannot make the proxy buffer without
 * bound. */
#define PX_WRITE_HIGH (1u << 20)
/* Read buffer per callback. */
#define PX_READ_BUF 65536

enum { DIR_BOTH, DIR_UP, DIR_DOWN };

typedef struct pconn pconn;

/* One side of a proxied connection. */
typedef struct side {
    uv_tcp_t tcp;
    pconn *c;
    int is_client;     /* the accepted socket (reads go "up") */
    int open;          /* handle initialised and not yet closed */
    int eof;           /* peer sent FIN */
    int shut;          /* we called uv_shutdown on it */
    int reading;
} side;

struct pconn {
    side cl, up;                  /* accepted client, upstream server */
    uv_connect_t creq;
    uint64_t id;
    uint64_t n_up, n_down;        /* bytes forwarded */
    uint64_t counted;             /* bytes counted towards the cut */
    int cut_armed;                /* this connection may be cut */
    uint64_t cut_at;              /* ...when counted reaches this */
    int cut_reset;                /* cut by RST (else FIN) */
    uint64_t rel[2];              /* chaos: release time of the last chunk up / down */
    uint64_t stall_at, stall_ms;  /* chaos: stall once when the total reaches stall_at */
    int stall_armed, stalled;
    int cutting;                  /* the cut is decided; no more forwarding */
    int closing;
    int handles_left;             /* close callbacks still to come */
    int pending;                  /* writes + timers in flight */
    pconn *prev, *next;
};

typedef struct chunk {
    uv_write_t w;
    uv_timer_t t;
    pconn *c;
    side *dst;
    int last;                     /* this write completes the cut */
    int refs;                     /* write callback, timer close callback */
    size_t len;
    char data[];
} chunk;

static uv_loop_t *loop;
static uv_tcp_t listener;
static uv_signal_t sig_term, sig_int;
static struct sockaddr_in to_addr;
static uint64_t cut_after = UINT64_MAX;
static int direction = DIR_BOTH, once, trace;
static uint64_t delay_ms;
static uint64_t n_conns, n_cut, n_stalled, n_reset;
static int chaos;
static uint64_t rate_bps;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t chaos_delay_max = 20, chaos_cut_pct = 30, chaos_cut_max = 200000;
static uint64_t chaos_stall_pct = 20, chaos_stall_max = 3000;

/* xorshift64*: a uniform value in [0, n) (n > 0). */
static uint64_t rnd(uint64_t n)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (rng_state * 0x2545f4914f6cdd1dull) % n;
}
static pconn *conns;
static int stopping;

static void px_close(pconn *c, int reset);

static side *other(side *s) { return s->is_client ? &s->c->up : &s->c->cl; }

/* Free a closed pconn once no close callback, write or timer refers to it. */
static void px_maybe_free(pconn *c)
{
    if (!c->closing || c->handles_left > 0 || c->pending > 0) return;
    if (c->prev) c->prev->next = c->next;
    else conns = c->next;
    if (c->next) c->next->prev = c->prev;
    free(c);
}

static void on_handle_closed(uv_handle_t *h)
{
    side *s = h->data;
    pconn *c = s->c;
    c->handles_left--;
    px_maybe_free(c);
}

static void side_close(side *s, int reset)
{
    if (!s->open) return;
    s->open = 0;
    /* uv_tcp_close_reset must not follow uv_shutdown (libuv docs). */
    if (reset && !s->shut && uv_tcp_close_reset(&s->tcp, on_handle_closed) == 0) return;
    uv_close((uv_handle_t *)&s->tcp, on_handle_closed);
}

static void px_close(pconn *c, int reset)
{
    if (c->closing) return;
    c->closing = 1;
    printf("conn %" PRIu64 ": up=%" PRIu64 " down=%" PRIu64 " total=%" PRIu64 " %s%s", c->id, c->n_up,
           c->n_down, c->n_up + c->n_down, c->cutting ? "cut" : "closed", c->cutting && !reset ? " fin" : "");
    if (c->stalled) printf(" stalled %" PRIu64 " ms", c->stall_ms);
    printf("\n");
    fflush(stdout);
    side_close(&c->cl, reset);
    side_close(&c->up, reset);
}

/* The last of a closed pconn's writes/timers: maybe free it now. */
static void pending_done(pconn *c)
{
    c->pending--;
    px_maybe_free(c);
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf);

static void alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    (void)h;
    (void)hint;
    buf->base = malloc(PX_READ_BUF);
    buf->len = buf->base ? PX_READ_BUF : 0;
}

static void side_read_start(side *s)
{
    if (s->open && !s->reading && !s->eof && !s->c->cutting &&
        uv_read_start((uv_stream_t *)&s->tcp, alloc_cb, on_read) == 0)
        s->reading = 1;
}

static void side_read_stop(side *s)
{
    if (s->open && s->reading) uv_read_stop((uv_stream_t *)&s->tcp);
    s->reading = 0;
}

static void on_shutdown(uv_shutdown_t *r, int status)
{
    side *s = r->data;
    pconn *c = s->c;
    (void)status;
    free(r);
    /* Both directions finished: the connection is over. */
    if (c->cl.eof && c->up.eof) px_close(c, 0);
    pending_done(c);
}

/* Drop one reference; the last frees the chunk and ends its pending count. */
static void chunk_release(chunk *k)
{
    pconn *c = k->c;
    if (--k->refs > 0) return;
    free(k);
    pending_done(c);
}

static void on_written(uv_write_t *w, int status)
{
    chunk *k = w->data;
    pconn *c = k->c;
    side *src = other(k->dst);
    if (status < 0) {
        px_close(c, 1);
    } else if (k->last) {
        px_close(c, c->cut_reset);
    } else if (!c->closing && uv_stream_get_write_queue_size((uv_stream_t *)&k->dst->tcp) < PX_WRITE_HIGH / 2) {
        side_read_start(src);
    }
    chunk_release(k);
}

/* Shut down the write side of d (uv_shutdown waits for queued writes). */
static void pass_fin(side *d)
{
    pconn *c = d->c;
    uv_shutdown_t *r;
    if (c->closing) return;
    r = malloc(sizeof *r);
    if (!r || !d->open || d->shut) {
        free(r);
        if (c->cl.eof && c->up.eof) px_close(c, 0);
        return;
    }
    r->data = d;
    d->shut = 1;
    c->pending++;
    if (uv_shutdown(r, (uv_stream_t *)&d->tcp, on_shutdown) != 0) {
        free(r);
        c->pending--;
        px_close(c, 1);
    }
}

static void chunk_write(chunk *k)
{
    pconn *c = k->c;
    uv_buf_t b = uv_buf_init(k->data, (unsigned)k->len);
    if (c->closing || !k->dst->open) {
        chunk_release(k);
        return;
    }
    if (k->len == 0) {   /* a FIN */
        pass_fin(k->dst);
        chunk_release(k);
        return;
    }
    k->w.data = k;
    if (uv_write(&k->w, (uv_stream_t *)&k->dst->tcp, &b, 1, on_written) != 0) {
        px_close(c, 1);
        chunk_release(k);
        return;
    }
    if (uv_stream_get_write_queue_size((uv_stream_t *)&k->dst->tcp) > PX_WRITE_HIGH) side_read_stop(other(k->dst));
}

static void on_timer_closed(uv_handle_t *h)
{
    chunk_release(h->data);
}

/* Write from the timer callback itself: timers due in the same loop
 * iteration run in start order, whereas close callbacks run in reverse
 * order of uv_close, which would reorder the stream. */
static void on_delay(uv_timer_t *t)
{
    chunk *k = t->data;
    chunk_write(k);
    uv_close((uv_handle_t *)t, on_timer_closed);
}

/* Forward len bytes from src to the other side (after the delay); len 0
 * forwards src's FIN. */
static void forward(side *src, const char *data, size_t len, int last)
{
    pconn *c = src->c;
    side *dst = other(src);
    chunk *k = malloc(sizeof *k + len);
    if (!k) {
        px_close(c, 1);
        return;
    }
    k->c = c;
    k->dst = dst;
    k->last = last;
    k->refs = delay_ms || chaos || rate_bps ? 2 : 1;
    k->len = len;
    if (len) memcpy(k->data, data, len);
    if (trace && len) {
        printf("chunk %" PRIu64 " %s %" PRIu64 "+%zu\n", c->id, src->is_client ? "up" : "down",
               c->n_up + c->n_down, len);
    }
    if (src->is_client) c->n_up += len;
    else c->n_down += len;
    c->pending++;
    if (chaos || rate_bps) {
        /* A random hold, never before the chunk ahead in this direction
         * (timers due together run in start order); a stall pushes both
         * directions back; --rate-bps spaces chunks by their size. */
        uint64_t now = uv_now(loop), r = now + delay_ms + (chaos ? rnd(chaos_delay_max + 1) : 0);
        int d = src->is_client ? 0 : 1;
        if (r < c->rel[d]) r = c->rel[d];
        if (rate_bps) r += (uint64_t)len * 8 * 1000 / rate_bps;   /* serialisation at rate_bps bits/s */
        if (c->stall_armed && c->n_up + c->n_down >= c->stall_at) {
            c->stall_armed = 0;
            c->stalled = 1;
            n_stalled++;
            r += c->stall_ms;
            if (c->rel[!d] < r) c->rel[!d] = r;
        }
        c->rel[d] = r;
        k->t.data = k;
        uv_timer_init(loop, &k->t);
        uv_timer_start(&k->t, on_delay, r - now, 0);
    } else if (delay_ms) {
        k->t.data = k;
        uv_timer_init(loop, &k->t);
        uv_timer_start(&k->t, on_delay, delay_ms, 0);
    } else {
        chunk_write(k);
    }
}

static void cut_now(pconn *c)
{
    c->cutting = 1;
    n_cut++;
    side_read_stop(&c->cl);
    side_read_stop(&c->up);
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
    side *s = st->data;
    pconn *c = s->c;
    if (nread == 0 || c->closing || c->cutting) {
        free(buf->base);
        return;
    }
    if (nread < 0) {
        free(buf->base);
        side_read_stop(s);
        if (nread != UV_EOF) {
            px_close(c, 1);
            return;
        }
        /* Half-close: pass the FIN on after the bytes before it (through
         * the same delay queue, so it cannot overtake them). */
        s->eof = 1;
        forward(s, NULL, 0, 0);
        return;
    }
    {
        size_t n = (size_t)nread;
        int counts = direction == DIR_BOTH || (direction == DIR_UP) == s->is_client;
        if (c->cut_armed && counts && c->counted + n >= c->cut_at) {
            size_t part = (size_t)(c->cut_at - c->counted);
            c->counted = c->cut_at;
            cut_now(c);
            if (c->cut_reset) n_reset++;
            if (part > 0) forward(s, buf->base, part, 1);
            else px_close(c, c->cut_reset);
        } else {
            if (counts) c->counted += n;
            forward(s, buf->base, n, 0);
        }
    }
    free(buf->base);
}

static void on_up_connected(uv_connect_t *r, int status)
{
    pconn *c = r->data;
    if (status < 0 || c->closing) {
        if (status < 0 && status != UV_ECANCELED)
            fprintf(stderr, "td_proxy: connect to upstream: %s\n", uv_strerror(status));
        px_close(c, 1);
        pending_done(c);
        return;
    }
    pending_done(c);
    uv_tcp_nodelay(&c->cl.tcp, 1);
    uv_tcp_nodelay(&c->up.tcp, 1);
    side_read_start(&c->cl);
    side_read_start(&c->up);
}

static void on_accept(uv_stream_t *server, int status)
{
    pconn *c;
    if (status < 0 || stopping) return;
    c = calloc(1, sizeof *c);
    if (!c) return;
    c->id = ++n_conns;
    c->cut_armed = cut_after != UINT64_MAX && !(once && n_cut > 0);
    c->cut_at = cut_after;
    c->cut_reset = 1;
    if (chaos) {
        c->cut_armed = rnd(100) < chaos_cut_pct;
        c->cut_at = 1 + rnd(chaos_cut_max);
        c->cut_reset = (int)rnd(2);
        if ((c->stall_armed = rnd(100) < chaos_stall_pct)) {
            c->stall_at = rnd(chaos_cut_max);
            c->stall_ms = 1 + rnd(chaos_stall_max);
        }
    }
    c->cl.c = c->up.c = c;
    c->cl.is_client = 1;
    c->cl.tcp.data = &c->cl;
    c->up.tcp.data = &c->up;
    uv_tcp_init(loop, &c->cl.tcp);
    c->cl.open = 1;
    c->handles_left = 1;
    c->next = conns;
    if (conns) conns->prev = c;
    conns = c;
    if (uv_accept(server, (uv_stream_t *)&c->cl.tcp) != 0) {
        px_close(c, 0);
        return;
    }
    uv_tcp_init(loop, &c->up.tcp);
    c->up.open = 1;
    c->handles_left = 2;
    if (c->cut_armed && c->cut_at == 0) {
        cut_now(c);
        px_close(c, 1);
        return;
    }
    c->creq.data = c;
    c->pending++;
    if (uv_tcp_connect(&c->creq, &c->up.tcp, (const struct sockaddr *)&to_addr, on_up_connected) != 0) {
        c->pending--;
        px_close(c, 1);
    }
}

static void on_signal(uv_signal_t *s, int signum)
{
    (void)s;
    (void)signum;
    stopping = 1;
    uv_close((uv_handle_t *)&listener, NULL);
    uv_close((uv_handle_t *)&sig_term, NULL);
    uv_close((uv_handle_t *)&sig_int, NULL);
    for (pconn *c = conns; c; c = c->next) px_close(c, 1);
}

static int parse_hostport(const char *s, struct sockaddr_in *out)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    char *end;
    long port;
    if (!colon || (size_t)(colon - s) >= sizeof host) return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    if (errno || *end || port < 0 || port > 65535) return -1;
    return uv_ip4_addr(host, (int)port, out);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return (errno || !*s || *end || *s == '-') ? -1 : 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: td_proxy --listen H:P --to H:P [--port-file F] [--cut-after N]\n"
                    "                [--direction both|up|down] [--once] [--delay-ms D] [--rate-bps R] [--trace]\n"
                    "                [--chaos SEED [--chaos-delay-max MS] [--chaos-cut PCT] [--chaos-cut-max BYTES]\n"
                    "                 [--chaos-stall PCT] [--chaos-stall-max MS]]\n");
}

int main(int argc, char **argv)
{
    const char *listen_s = NULL, *to_s = NULL, *port_file = NULL;
    struct sockaddr_in laddr;
    struct sockaddr_storage bound;
    int blen = sizeof bound, rc;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--once")) { once = 1; continue; }
        if (!strcmp(a, "--trace")) { trace = 1; continue; }
        if (!v) { usage(); return 2; }
        i++;
        if (!strcmp(a, "--listen")) listen_s = v;
        else if (!strcmp(a, "--chaos")) {
            if (parse_u64(v, &rng_state)) { usage(); return 2; }
            rng_state = rng_state * 0x9e3779b97f4a7c15ull + 1;   /* never 0 */
            chaos = 1;
        }
        else if (!strcmp(a, "--chaos-delay-max")) { if (parse_u64(v, &chaos_delay_max)) { usage(); return 2; } }
        else if (!strcmp(a, "--chaos-cut")) { if (parse_u64(v, &chaos_cut_pct)) { usage(); return 2; } }
        else if (!strcmp(a, "--chaos-cut-max")) { if (parse_u64(v, &chaos_cut_max) || !chaos_cut_max) { usage(); return 2; } }
        else if (!strcmp(a, "--chaos-stall")) { if (parse_u64(v, &chaos_stall_pct)) { usage(); return 2; } }
        else if (!strcmp(a, "--chaos-stall-max")) { if (parse_u64(v, &chaos_stall_max)) { usage(); return 2; } }
        else if (!strcmp(a, "--to")) to_s = v;
        else if (!strcmp(a, "--port-file")) port_file = v;
        else if (!strcmp(a, "--cut-after")) { if (parse_u64(v, &cut_after)) { usage(); return 2; } }
        else if (!strcmp(a, "--delay-ms")) { if (parse_u64(v, &delay_ms)) { usage(); return 2; } }
        else if (!strcmp(a, "--rate-bps")) { if (parse_u64(v, &rate_bps)) { usage(); return 2; } }
        else if (!strcmp(a, "--direction")) {
            if (!strcmp(v, "both")) direction = DIR_BOTH;
            else if (!strcmp(v, "up")) direction = DIR_UP;
            else if (!strcmp(v, "down")) direction = DIR_DOWN;
            else { usage(); return 2; }
        } else { usage(); return 2; }
    }
    if (!listen_s || !to_s || parse_hostport(listen_s, &laddr) || parse_hostport(to_s, &to_addr)) {
        usage();
        return 2;
    }
    /* A peer that reset its socket must not kill the proxy on the next write. */
    signal(SIGPIPE, SIG_IGN);
    loop = uv_default_loop();
    uv_tcp_init(loop, &listener);
    if ((rc = uv_tcp_bind(&listener, (const struct sockaddr *)&laddr, 0)) != 0 ||
        (rc = uv_listen((uv_stream_t *)&listener, 128, on_accept)) != 0 ||
        (rc = uv_tcp_getsockname(&listener, (struct sockaddr *)&bound, &blen)) != 0) {
        fprintf(stderr, "td_proxy: listen on %s: %s\n", listen_s, uv_strerror(rc));
        return 1;
    }
    if (port_file) {
        /* Write to a temporary name and rename, so a reader never sees a
         * half-written port. */
        char tmp[4096];
        FILE *f;
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        f = fopen(tmp, "w");
        if (!f || fprintf(f, "%d\n", ntohs(((struct sockaddr_in *)&bound)->sin_port)) < 0 || fclose(f) != 0 ||
            rename(tmp, port_file) != 0) {
            fprintf(stderr, "td_proxy: cannot write %s\n", port_file);
            return 1;
        }
    }
    uv_signal_init(loop, &sig_term);
    uv_signal_init(loop, &sig_int);
    uv_signal_start(&sig_term, on_signal, SIGTERM);
    uv_signal_start(&sig_int, on_signal, SIGINT);
    uv_run(loop, UV_RUN_DEFAULT);
    rc = uv_loop_close(loop);
    fprintf(stderr, "td_proxy: stopped: %" PRIu64 " connections, %" PRIu64 " cut (%" PRIu64 " by reset), %" PRIu64
            " stalled%s\n", n_conns, n_cut, n_reset, n_stalled, rc ? " (loop not closed cleanly)" : "");
    return rc ? 1 : 0;
}

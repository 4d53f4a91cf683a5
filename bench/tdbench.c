/*
 * tdbench — the sync benchmark (figures in BENCHMARKS.md): M clients push N
 * signed entries in total to a real tiendo-server over loopback TLS, then a
 * fresh replica pulls them all.
 *
 *   tdbench --bin-dir BUILD_DIR [--plan FILE] [-n N] [-m M] [--text-bytes B]
 *           [--window W] [--work DIR] [--keep] [--ping] [--pack-live] [--push-only --server H:P
 *            --devices D1,D2,...]
 *
 * Default mode sets everything up in a temporary directory with the real
 * binaries of BUILD_DIR (tiendo-pki, tiendo, tiendo-server): the CA, the
 * server key, the plan import (FILE, default $TD_SOURCE_DIR/data/plans/
 * 726-KH-UBND.txt), M office devices of different agencies and one central
 * reader; starts the server (posix_spawn), runs, prints the figures, stops
 * the server and removes the directory (unless --keep).
 *
 * --ping: an idle honest session (the central reader) pings the server
 * (Ping/Pong, one at a time, TB_PING_GAP_US apart) alone before the push,
 * then while the M clients push; prints p50/p99/max of the round trip in
 * both phases and their ratio: the event loop's latency under a push flood.
 *
 * Each client packs its Push frames before the clock starts (packing is the
 * client's work, and on a 2-core machine it would take CPU from the server);
 * --pack-live packs each frame in the timed loop instead, as before.  The
 * bench's own CPU during the push is printed beside the server's.
 *
 * --push-only pushes N entries through existing device directories to a
 * running server and prints the push figures only (sync_kill.sh uses it to
 * fill a log quickly).  Each device must have pushed nothing before (seqs
 * start at 1).
 *
 * Entries are progress reports on tasks 1 and 27 (every agency is a partner
 * there, so the fold applies them), periods cycling over 2025-01.., with a
 * Vietnamese result text of about B bytes (default 300).  Each client signs
 * its share before the clock starts; pushing is timed from a barrier after
 * every client's handshake to the last PushAck.  Batches respect
 * TD_PUSH_MAX_ENTRIES / TD_PUSH_MAX_BYTES; W batches may be in flight per
 * link (default TDC_PUSH_WINDOW, as the client's sync does, docs/PROTOCOL.md §5;
 * --window 1 is the stop-and-wait push of before).
 *
 * Figures: push entries/s; wire bytes per entry (link counters, handshake
 * excluded) against the SignedEntry and Entry.payload sizes; round trips;
 * one core's libsodium Ed25519 verify rate over the same entries (bare
 * crypto_sign_verify_detached, and with the Entry decode) and the ratio
 * ingest / bare verify; raw pull entries/s (Pull/Entries through a link);
 * pull into a fresh replica through the client's own code (client/replica.h
 * + tdc_sync_run: commit + fold) entries/s; the fold alone (reopening that
 * replica); the requests of a sync with nothing new (client code, and
 * Welcome.has_new with the cursor at the end) and the time of a `tiendo
 * sync` process with nothing new; the server's peak RSS (VmHWM).  The
 * targets (BENCHMARKS.md) are printed beside the figures; the exit status does
 * not depend on them (figures vary by machine), only on every step having
 * worked and a sync with nothing new needing no request after Welcome.
 */
#define _XOPEN_SOURCE 700   /* nftw */
#define _DEFAULT_SOURCE     /* usleep, mkdtemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "device.h"
#include "entry.h"
#include "frame.h"
#include "identity.h"
#include "link.h"
#include "log.h"
#include "log.pb-c.h"
#include "prio.h"
#include "replica.h"
#include "sync.h"
#include "sync_limits.h"
#include <openssl/pem.h>

extern char **environ;

/* Wait this long for the server's port file: a cold start opens the
 * database and folds the log. */
#define TB_START_TIMEOUT_MS 30000
/* The verify-rate loop runs at least this long for a stable figure. */
#define TB_VERIFY_MIN_MS 1000
/* Agencies of the simulated offices: departments and districts, all partners
 * of tasks 1 and 27 through the group "tat-ca". */
static const char *const tb_agencies[] = {
    "so-noi-vu",       "so-tu-phap",     "so-tai-chinh",    "so-xay-dung",     "so-nn-mt",
    "so-cong-thuong",  "so-y-te",        "so-vhttdl",       "so-gddt",         "thanh-tra",
    "vp-ubnd",         "cong-an-tinh",   "ubnd-tp-hai-duong", "ubnd-chi-linh", "ubnd-kinh-mon",
    "ubnd-binh-giang", "ubnd-cam-giang", "ubnd-gia-loc",    "ubnd-kim-thanh",  "ubnd-nam-sach",
};
#define TB_N_AGENCIES (sizeof tb_agencies / sizeof tb_agencies[0])

typedef struct tb_client {
    pthread_t th;
    char dir[PATH_MAX];
    const char *server;
    size_t n;                       /* entries to push */
    Tiendo__SignedEntry **se;       /* owned */
    size_t signed_bytes, payload_bytes;
    uint64_t bytes_in, bytes_out;   /* after the handshake */
    unsigned batches;
    size_t stored, dup, refused;
    int failed;
    char why[600];
    uint8_t **frames;               /* the Push frames packed before the barrier (owned), NULL with --pack-live */
    size_t *frame_len, *frame_k;    /* bytes and entries of each */
    size_t n_frames;
} tb_client;

static size_t opt_n = 20000, opt_m = 4, opt_text = 300;
static unsigned opt_window = TDC_PUSH_WINDOW;
static int opt_pack_live;   /* --pack-live: pack each Push frame in the timed loop */
static pthread_barrier_t tb_barrier;
static double t_push0;

/* Figures gathered for the one-line summary (bench/peers/run.sh reads the
 * "RESULT tiendo" line; the other lines are for people). */
static struct {
    double push_s, push_wire, payload, signed_sz, pull_s, pull_rate, pull_wire, nn_ms, verify;
    unsigned push_rts, pull_rts;
    uint64_t nn_bytes;
} tb_res;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t wall_ms(void) { return td_clock_now_ms(); }

/* ---- processes ------------------------------------------------------------ */

/* Run argv (argv[0] a path) with stdout+stderr appended to log; returns the
 * exit status, or -1 if it could not run. */
static int tb_run(char *const argv[], const char *log)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int st, rc;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fprintf(stderr, "tdbench: cannot run %s: %s\n", argv[0], strerror(rc));
        return -1;
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "tdbench: %s %s failed (status %d); see %s\n", argv[0], argv[1], st, log);
        return -1;
    }
    return 0;
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

/* ---- entries --------------------------------------------------------------- */

/* Sign client c's share: reports by its agency on tasks 1/27. */
static int tb_sign(tb_client *c, td_identity *id, uint64_t seq0)
{
    char *text = malloc(opt_text + 1);
    uint64_t hlc = 0;
    static const char word[] = "Đã triển khai ";   /* UTF-8, like real reports */
    size_t wl = strlen(word);
    if (!text) return -1;
    for (size_t i = 0; i < opt_text; i++) text[i] = word[i % wl];
    /* do not cut a UTF-8 sequence in two: end where the repeated pattern
     * starts a character */
    {
        size_t k = opt_text;
        while (k > 0 && ((unsigned char)word[k % wl] & 0xC0) == 0x80) k--;
        text[k] = '\0';
    }
    c->se = calloc(c->n ? c->n : 1, sizeof *c->se);
    if (!c->se) {
        free(text);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++) {
        Tiendo__ReportPayload r = TIENDO__REPORT_PAYLOAD__INIT;
        char period[8];
        uint8_t pl[8192], *buf;
        size_t pn, len;
        td_entry_fields f;
        td_error err;
        snprintf(period, sizeof period, "%04zu-%02zu", 2025 + (i / 12) % 50, 1 + i % 12);
        r.task = (i / 600) % 2 ? 27 : 1;
        r.agency = id->subject.agency;
        r.period = period;
        r.state = TIENDO__REPORT_STATE__REPORT_IN_PROGRESS;
        r.percent = (uint32_t)(i % 100);
        r.result = text;
        if (tiendo__report_payload__get_packed_size(&r) > sizeof pl) {
            free(text);
            return -1;
        }
        pn = tiendo__report_payload__pack(&r, pl);
        hlc = td_hlc_next(hlc, wall_ms());
        f = (td_entry_fields){TIENDO__ENTRY_KIND__ENTRY_REPORT, seq0 + i, hlc, wall_ms(), id->subject.agency, pl, pn};
        if (td_entry_sign(id, &f, &buf, &len, &err)) {
            snprintf(c->why, sizeof c->why, "sign: %s", err.msg);
            free(text);
            return -1;
        }
        c->se[i] = tiendo__signed_entry__unpack(NULL, len, buf);
        free(buf);
        if (!c->se[i]) {
            free(text);
            return -1;
        }
        c->signed_bytes += len;
        c->payload_bytes += pn;
    }
    free(text);
    return 0;
}

static int tb_recv_ack(tb_client *c, tdc_link *l, size_t want)
{
    Tiendo__Frame *f = NULL;
    td_error err;
    if (tdc_link_recv(l, &f, TDC_CALL_TIMEOUT_MS, &err)) {
        snprintf(c->why, sizeof c->why, "recv: %s", err.msg);
        return -1;
    }
    if (f->body_case != TIENDO__FRAME__BODY_PUSH_ACK || f->push_ack->n_acks != want) {
        snprintf(c->why, sizeof c->why, "expected a PushAck of %zu acks, got frame %d", want, (int)f->body_case);
        td_frame_free(f);
        return -1;
    }
    for (size_t i = 0; i < f->push_ack->n_acks; i++) {
        const Tiendo__Ack *a = f->push_ack->acks[i];
        if (a->status == TIENDO__ACK_STATUS__ACK_STORED) c->stored++;
        else if (a->status == TIENDO__ACK_STATUS__ACK_DUPLICATE) c->dup++;
        else {
            if (!c->refused)
                snprintf(c->why, sizeof c->why, "seq %llu refused: %s", (unsigned long long)a->seq,
                         a->reason ? a->reason : "");
            c->refused++;
        }
    }
    td_frame_free(f);
    return 0;
}

/* The entries of the Push starting at entry i: as many as fit the bounds. */
static size_t tb_batch_len(const tb_client *c, size_t i)
{
    size_t k = 0, bytes = 0;
    while (i + k < c->n && k < TD_PUSH_MAX_ENTRIES) {
        size_t sz = tiendo__signed_entry__get_packed_size(c->se[i + k]);
        if (k > 0 && bytes + sz > TD_PUSH_MAX_BYTES) break;
        bytes += sz;
        k++;
    }
    return k;
}

/* Pack every Push frame of client c before the clock starts: the frames
 * (protobuf + length prefix) are what the client would send, and packing
 * them is the client's CPU, not the server's; on a 2-core machine the
 * bench's packing during the push would take CPU from the server.  The
 * timed part still encrypts each frame (TLS) and reads every PushAck. */
static int tb_prepack(tb_client *c)
{
    size_t nb = 0;
    for (size_t i = 0; i < c->n; nb++) i += tb_batch_len(c, i);
    c->frames = calloc(nb ? nb : 1, sizeof *c->frames);
    c->frame_len = calloc(nb ? nb : 1, sizeof *c->frame_len);
    c->frame_k = calloc(nb ? nb : 1, sizeof *c->frame_k);
    if (!c->frames || !c->frame_len || !c->frame_k) return -1;
    for (size_t i = 0, b = 0; i < c->n; b++) {
        Tiendo__Frame f = TIENDO__FRAME__INIT;
        Tiendo__Push p = TIENDO__PUSH__INIT;
        td_error err;
        size_t k = tb_batch_len(c, i);
        p.n_entries = k;
        p.entries = &c->se[i];
        f.body_case = TIENDO__FRAME__BODY_PUSH;
        f.push = &p;
        if (td_frame_pack(&f, TD_FRAME_MAX_DEFAULT, &c->frames[b], &c->frame_len[b], &err)) {
            snprintf(c->why, sizeof c->why, "pack: %s", err.msg);
            return -1;
        }
        c->frame_k[b] = k;
        c->n_frames = b + 1;
        i += k;
    }
    return 0;
}

static void *tb_push_thread(void *arg)
{
    tb_client *c = arg;
    tdc_device dev;
    td_identity id;
    td_error err;
    tdc_link_opts lo;
    tdc_link *l = NULL;
    size_t i = 0;
    unsigned inflight = 0;
    size_t sizes[64];   /* entries per in-flight batch (window <= 64) */
    unsigned head = 0;
    uint64_t in0 = 0, out0 = 0;

    if (tdc_device_load(&dev, c->dir, &err) || td_identity_load(&id, dev.key_path, dev.cert_path, &err)) {
        snprintf(c->why, sizeof c->why, "%.200s: %.300s", c->dir, err.msg);
        c->failed = 1;
        pthread_barrier_wait(&tb_barrier);
        return NULL;
    }
    if (tb_sign(c, &id, 1) || (!opt_pack_live && tb_prepack(c))) c->failed = 1;
    td_identity_free(&id);
    if (!c->failed) {
        memset(&lo, 0, sizeof lo);
        lo.dev = &dev;
        lo.server = c->server;
        l = tdc_link_open(&lo, &err);
        if (!l) {
            snprintf(c->why, sizeof c->why, "connect: %s", err.msg);
            c->failed = 1;
        } else {
            in0 = tdc_link_bytes_in(l);
            out0 = tdc_link_bytes_out(l);
        }
    }
    pthread_barrier_wait(&tb_barrier);
    while (!c->failed && (i < c->n || inflight > 0)) {
        if (i < c->n && inflight < opt_window) {
            Tiendo__Frame f = TIENDO__FRAME__INIT;
            Tiendo__Push p = TIENDO__PUSH__INIT;
            size_t k;
            int rc;
            if (c->frames) {
                k = c->frame_k[c->batches];
                rc = tdc_link_send_packed(l, c->frames[c->batches], c->frame_len[c->batches], &err);
            } else {
                k = tb_batch_len(c, i);
                p.n_entries = k;
                p.entries = &c->se[i];
                f.body_case = TIENDO__FRAME__BODY_PUSH;
                f.push = &p;
                rc = tdc_link_send(l, &f, &err);
            }
            if (rc) {
                snprintf(c->why, sizeof c->why, "send: %s", err.msg);
                c->failed = 1;
                break;
            }
            sizes[(head + inflight) % 64] = k;
            inflight++;
            c->batches++;
            i += k;
            continue;
        }
        if (tb_recv_ack(c, l, sizes[head])) {
            c->failed = 1;
            break;
        }
        head = (head + 1) % 64;
        inflight--;
    }
    if (l) {
        c->bytes_in = tdc_link_bytes_in(l) - in0;
        c->bytes_out = tdc_link_bytes_out(l) - out0;
        tdc_link_close(l);
    }
    if (c->refused) c->failed = 1;
    return NULL;
}

/* ---- ping of an idle session (--ping) ---------------------------------------- */

#define TB_PING_GAP_US 2000
#define TB_PING_MAX 200000

static int opt_ping;
static volatile int tb_push_running, tb_ping_stop;

typedef struct tb_pinger {
    pthread_t th;
    const char *dir, *server;
    double *idle, *load;          /* round trips (ms) before the push, during it */
    size_t n_idle, n_load, lost;
    int failed;
    char why[600];
} tb_pinger;

static int tb_ping_once(tdc_link *l, uint64_t nonce, double *ms, char *why, size_t cap)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT, *r = NULL;
    Tiendo__Ping p = TIENDO__PING__INIT;
    td_error err;
    double t0 = now_s();
    p.nonce = nonce;
    f.body_case = TIENDO__FRAME__BODY_PING;
    f.ping = &p;
    if (tdc_link_send(l, &f, &err) || tdc_link_recv(l, &r, TDC_CALL_TIMEOUT_MS, &err)) {
        snprintf(why, cap, "ping: %.500s", err.msg);
        return -1;
    }
    *ms = (now_s() - t0) * 1e3;
    if (r->body_case != TIENDO__FRAME__BODY_PONG || r->pong->nonce != nonce) {
        snprintf(why, cap, "ping: expected Pong %llu, got frame %d", (unsigned long long)nonce, (int)r->body_case);
        td_frame_free(r);
        return -1;
    }
    td_frame_free(r);
    return 0;
}

static void *tb_ping_thread(void *arg)
{
    tb_pinger *pg = arg;
    tdc_device dev;
    tdc_link_opts lo;
    tdc_link *l;
    td_error err;
    uint64_t nonce = 0;
    /* The pinging session stands for an office on its own machine: like the
     * server's loop it asks for a short slice (prio.h), so that what is
     * measured is the server's delay, not this thread waiting for a core
     * behind the server's verifying threads on the same two cores. */
    td_prio_slice(TD_PRIO_LOOP_SLICE_US);
    if (tdc_device_load(&dev, pg->dir, &err)) {
        snprintf(pg->why, sizeof pg->why, "%.500s", err.msg);
        pg->failed = 1;
        return NULL;
    }
    memset(&lo, 0, sizeof lo);
    lo.dev = &dev;
    lo.server = pg->server;
    lo.cursor = 1;
    if (!(l = tdc_link_open(&lo, &err))) {
        snprintf(pg->why, sizeof pg->why, "connect: %.500s", err.msg);
        pg->failed = 1;
        return NULL;
    }
    while (!tb_ping_stop) {
        double ms;
        int during = tb_push_running;
        if (tb_ping_once(l, ++nonce, &ms, pg->why, sizeof pg->why)) {
            pg->failed = 1;
            break;
        }
        /* a round trip counts where it started and ended */
        if (during && tb_push_running) {
            if (pg->n_load < TB_PING_MAX) pg->load[pg->n_load++] = ms;
        } else if (!during && !tb_push_running && pg->n_load == 0) {
            if (pg->n_idle < TB_PING_MAX) pg->idle[pg->n_idle++] = ms;
        }
        usleep(TB_PING_GAP_US);
    }
    tdc_link_close(l);
    return NULL;
}

static int tb_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double tb_pct(double *v, size_t n, double q)
{
    size_t k;
    if (!n) return 0;
    k = (size_t)(q * (double)(n - 1) + 0.5);
    return v[k < n ? k : n - 1];
}

static void tb_ping_report(tb_pinger *pg, size_t m)
{
    double i50, i99, l50, l99;
    qsort(pg->idle, pg->n_idle, sizeof *pg->idle, tb_cmp_double);
    qsort(pg->load, pg->n_load, sizeof *pg->load, tb_cmp_double);
    i50 = tb_pct(pg->idle, pg->n_idle, 0.50);
    i99 = tb_pct(pg->idle, pg->n_idle, 0.99);
    l50 = tb_pct(pg->load, pg->n_load, 0.50);
    l99 = tb_pct(pg->load, pg->n_load, 0.99);
    printf("ping:   idle session alone: %zu pings, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", pg->n_idle, i50, i99,
           pg->n_idle ? pg->idle[pg->n_idle - 1] : 0.0);
    printf("ping:   idle session while %zu sessions push: %zu pings, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", m,
           pg->n_load, l50, l99, pg->n_load ? pg->load[pg->n_load - 1] : 0.0);
    printf("ping:   under push / alone: p50 x%.1f, p99 x%.1f\n", i50 > 0 ? l50 / i50 : 0.0, i99 > 0 ? l99 / i99 : 0.0);
    printf("RESULT ping m=%zu idle_p50=%.2f idle_p99=%.2f push_p50=%.2f push_p99=%.2f push_max=%.2f n=%zu\n", m, i50,
           i99, l50, l99, pg->n_load ? pg->load[pg->n_load - 1] : 0.0, pg->n_load);
}

static double tb_cpu_ms(pid_t pid);

/* Push phase: returns entries/s, or a negative value on failure. */
static double tb_push(char **dirs, size_t m, const char *server, size_t n, tb_client **out_clients)
{
    tb_client *cl = calloc(m, sizeof *cl);
    double t1, c0, c1;
    size_t tot_stored = 0, tot_signed = 0, tot_payload = 0, tot_dup = 0;
    uint64_t bin = 0, bout = 0;
    unsigned batches = 0;
    int bad = 0;
    if (!cl) return -1;
    pthread_barrier_init(&tb_barrier, NULL, (unsigned)m + 1);
    for (size_t j = 0; j < m; j++) {
        snprintf(cl[j].dir, sizeof cl[j].dir, "%s", dirs[j]);
        cl[j].server = server;
        cl[j].n = n / m + (j < n % m ? 1 : 0);
        pthread_create(&cl[j].th, NULL, tb_push_thread, &cl[j]);
    }
    pthread_barrier_wait(&tb_barrier);
    t_push0 = now_s();
    c0 = tb_cpu_ms(getpid());
    tb_push_running = 1;
    for (size_t j = 0; j < m; j++) pthread_join(cl[j].th, NULL);
    tb_push_running = 0;
    t1 = now_s();
    c1 = tb_cpu_ms(getpid());
    pthread_barrier_destroy(&tb_barrier);
    for (size_t j = 0; j < m; j++) {
        if (cl[j].failed) {
            fprintf(stderr, "tdbench: client %s: %s\n", cl[j].dir, cl[j].why);
            bad = 1;
        }
        tot_stored += cl[j].stored;
        tot_dup += cl[j].dup;
        tot_signed += cl[j].signed_bytes;
        tot_payload += cl[j].payload_bytes;
        bin += cl[j].bytes_in;
        bout += cl[j].bytes_out;
        batches += cl[j].batches;
    }
    *out_clients = cl;
    if (bad) return -1;
    tb_res.push_s = t1 - t_push0;
    tb_res.push_rts = batches + (unsigned)m;
    tb_res.push_wire = (double)(bout + bin) / n;
    tb_res.payload = (double)tot_payload / n;
    tb_res.signed_sz = (double)tot_signed / n;
    printf("push:   %zu entries (%zu stored, %zu duplicate) by %zu clients in %.3f s = %.0f entries/s\n", n,
           tot_stored, tot_dup, m, t1 - t_push0, (double)n / (t1 - t_push0));
    printf("push:   round trips: %u Push/PushAck (batches of <= %u entries, window %u) + %zu handshakes\n",
           batches, TD_PUSH_MAX_ENTRIES, opt_window, m);
    printf("push:   wire bytes per entry: %.1f up + %.1f down = %.1f; SignedEntry %.1f B, Entry.payload %.1f B; "
           "overhead over SignedEntry %.1f B (target <= 100)\n",
           (double)bout / n, (double)bin / n, (double)(bout + bin) / n, (double)tot_signed / n,
           (double)tot_payload / n, (double)(bout + bin) / n - (double)tot_signed / n);
    if (c0 >= 0 && c1 >= c0)
        printf("push:   bench client CPU during the push %.0f ms = %.1f us/entry (TLS, %s, acks; on the server's cores)\n",
               c1 - c0, (c1 - c0) * 1000.0 / (double)n, opt_pack_live ? "frames packed in the loop (--pack-live)"
                                                                        : "frames packed before the clock");
    return (double)n / (t1 - t_push0);
}

static void tb_clients_free(tb_client *cl, size_t m)
{
    if (!cl) return;
    for (size_t j = 0; j < m; j++) {
        for (size_t i = 0; cl[j].se && i < cl[j].n; i++)
            if (cl[j].se[i]) tiendo__signed_entry__free_unpacked(cl[j].se[i], NULL);
        free(cl[j].se);
        for (size_t b = 0; b < cl[j].n_frames; b++) free(cl[j].frames[b]);
        free(cl[j].frames);
        free(cl[j].frame_len);
        free(cl[j].frame_k);
    }
    free(cl);
}

/* One core's Ed25519 verify rate over the pushed entries, for at least
 * TB_VERIFY_MIN_MS: crypto_sign_verify_detached alone (author keys taken
 * from a decode done beforehand) when with_decode is 0, else decode of the
 * Entry (for its author key, as the server must) + verify. */
/* CPU seconds of the calling thread (not wall time: on a shared machine the
 * verify loop is descheduled too). */
static double tb_thread_cpu_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)) return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU microseconds per verify in the last tb_verify_rate run. */
static double tb_verify_cpu_us;

static double tb_verify_rate_cpu(tb_client *cl, size_t m, int with_decode, double *cpu_us);

static double tb_verify_rate(tb_client *cl, size_t m, int with_decode)
{
    return tb_verify_rate_cpu(cl, m, with_decode, &tb_verify_cpu_us);
}

/* The same on every online core at once (one thread each), summed: what
 * two verifying cores really give on this machine, the ceiling of the
 * ingest when the server did nothing but verify. */
typedef struct tb_vthread {
    pthread_t th;
    tb_client *cl;
    size_t m;
    double rate, cpu_us;
} tb_vthread;

static void *tb_vthread_run(void *arg)
{
    tb_vthread *v = arg;
    v->rate = tb_verify_rate_cpu(v->cl, v->m, 0, &v->cpu_us);
    return NULL;
}

static double tb_verify_rate_all(tb_client *cl, size_t m, long *ncores)
{
    long nc = sysconf(_SC_NPROCESSORS_ONLN);
    tb_vthread v[64];
    double sum = 0;
    long started = 0;
    if (nc < 1) nc = 1;
    if (nc > 64) nc = 64;
    for (long i = 0; i < nc; i++) {
        v[i].cl = cl;
        v[i].m = m;
        v[i].rate = 0;
        if (pthread_create(&v[i].th, NULL, tb_vthread_run, &v[i]) != 0) break;
        started++;
    }
    for (long i = 0; i < started; i++) {
        pthread_join(v[i].th, NULL);
        sum += v[i].rate;
    }
    *ncores = started;
    return sum;
}

static double tb_verify_rate_cpu(tb_client *cl, size_t m, int with_decode, double *cpu_us)
{
    size_t done = 0, fails = 0, total = 0;
    double t0, t = 0, c0;
    unsigned char (*pk)[32] = NULL;
    for (size_t j = 0; j < m; j++) total += cl[j].n;
    if (total == 0) return 0;
    pk = malloc(total * sizeof *pk);
    if (!pk) return 0;
    for (size_t j = 0, k = 0; j < m; j++) {
        for (size_t i = 0; i < cl[j].n; i++, k++) {
            Tiendo__Entry *e = tiendo__entry__unpack(NULL, cl[j].se[i]->body.len, cl[j].se[i]->body.data);
            memset(pk[k], 0, 32);
            if (e && e->author.len == 32) memcpy(pk[k], e->author.data, 32);
            if (e) tiendo__entry__free_unpacked(e, NULL);
        }
    }
    t0 = now_s();
    c0 = tb_thread_cpu_s();
    while (t < TB_VERIFY_MIN_MS / 1000.0) {
        for (size_t j = 0, k = 0; j < m; j++) {
            for (size_t i = 0; i < cl[j].n; i++, k++) {
                Tiendo__SignedEntry *se = cl[j].se[i];
                if (with_decode) {
                    Tiendo__Entry *e = tiendo__entry__unpack(NULL, se->body.len, se->body.data);
                    if (!e || e->author.len != 32 ||
                        crypto_sign_verify_detached(se->sig.data, se->body.data, se->body.len, e->author.data) != 0)
                        fails++;
                    if (e) tiendo__entry__free_unpacked(e, NULL);
                } else if (crypto_sign_verify_detached(se->sig.data, se->body.data, se->body.len, pk[k]) != 0) {
                    fails++;
                }
                done++;
            }
        }
        t = now_s() - t0;
    }
    *cpu_us = done ? (tb_thread_cpu_s() - c0) * 1e6 / (double)done : 0;
    free(pk);
    if (fails) fprintf(stderr, "tdbench: %zu signatures did not verify\n", fails);
    return (double)done / t;
}

/* Raw pull of everything visible to dir's device; returns entries pulled
 * (sets *next), or -1. */
static long tb_pull_raw(const char *dir, const char *server, uint64_t *next_out, double *secs, unsigned *rts,
                        uint64_t *wire, uint64_t *entry_bytes)
{
    tdc_device dev;
    td_error err;
    tdc_link_opts lo;
    tdc_link *l;
    uint64_t next = 1, in0, out0;
    long got = 0;
    double t0;
    if (tdc_device_load(&dev, dir, &err)) {
        fprintf(stderr, "tdbench: %s\n", err.msg);
        return -1;
    }
    memset(&lo, 0, sizeof lo);
    lo.dev = &dev;
    lo.server = server;
    lo.cursor = 1;
    t0 = now_s();
    l = tdc_link_open(&lo, &err);
    if (!l) {
        fprintf(stderr, "tdbench: pull connect: %s\n", err.msg);
        return -1;
    }
    in0 = tdc_link_bytes_in(l);
    out0 = tdc_link_bytes_out(l);
    *rts = 1;
    *entry_bytes = 0;
    for (;;) {
        Tiendo__Frame f = TIENDO__FRAME__INIT, *r = NULL;
        Tiendo__Pull p = TIENDO__PULL__INIT;
        int more;
        p.since = next;
        p.limit = TD_PULL_MAX_ENTRIES;
        f.body_case = TIENDO__FRAME__BODY_PULL;
        f.pull = &p;
        if (tdc_link_send(l, &f, &err) || tdc_link_recv(l, &r, TDC_CALL_TIMEOUT_MS, &err)) {
            fprintf(stderr, "tdbench: pull: %s\n", err.msg);
            tdc_link_close(l);
            return -1;
        }
        (*rts)++;
        if (r->body_case != TIENDO__FRAME__BODY_ENTRIES) {
            fprintf(stderr, "tdbench: pull: expected Entries, got frame %d\n", (int)r->body_case);
            td_frame_free(r);
            tdc_link_close(l);
            return -1;
        }
        got += (long)r->entries->n_batch;
        for (size_t i = 0; i < r->entries->n_batch; i++)
            if (r->entries->batch[i]->entry)
                *entry_bytes += tiendo__signed_entry__get_packed_size(r->entries->batch[i]->entry);
        more = r->entries->more;
        if (r->entries->next <= next && more) {
            fprintf(stderr, "tdbench: pull: cursor did not move (%llu)\n", (unsigned long long)next);
            td_frame_free(r);
            tdc_link_close(l);
            return -1;
        }
        next = r->entries->next;
        td_frame_free(r);
        if (!more) break;
    }
    *secs = now_s() - t0;
    *wire = (tdc_link_bytes_in(l) - in0) + (tdc_link_bytes_out(l) - out0);
    tdc_link_close(l);
    *next_out = next;
    return got;
}

/* Round trips of a sync with nothing new: Hello with the cursor at the end. */
static int tb_nothing_new(const char *dir, const char *server, uint64_t cursor, int *has_new, double *ms)
{
    tdc_device dev;
    td_error err;
    tdc_link_opts lo;
    tdc_link *l;
    double t0 = now_s();
    if (tdc_device_load(&dev, dir, &err)) return -1;
    memset(&lo, 0, sizeof lo);
    lo.dev = &dev;
    lo.server = server;
    lo.cursor = cursor;
    l = tdc_link_open(&lo, &err);
    if (!l) {
        fprintf(stderr, "tdbench: connect: %s\n", err.msg);
        return -1;
    }
    *has_new = tdc_link_welcome(l)->has_new;
    *ms = (now_s() - t0) * 1e3;
    /* the whole sync with nothing new: TLS handshake + Hello/Welcome */
    tb_res.nn_bytes = tdc_link_bytes_in(l) + tdc_link_bytes_out(l);
    tdc_link_close(l);
    return 0;
}

static int tb_io_send(void *arg, const Tiendo__Frame *f, td_error *err) { return tdc_link_send(arg, f, err); }
static int tb_io_recv(void *arg, Tiendo__Frame **out, td_error *err)
{
    return tdc_link_recv(arg, out, TDC_CALL_TIMEOUT_MS, err);
}

/*
 * One sync of dir's replica through the client's own code (client/replica.h
 * + client/sync.h): open (fold what it holds), handshake with its cursor,
 * tdc_sync_run.  *open_s: time to open the replica (the fold of everything
 * it already holds); *sync_s: handshake + sync; *wire: link bytes after the
 * handshake.  *n_state: entries in the derived state afterwards.
 */
static int tb_replica_sync(const char *dir, const char *server, double *open_s, double *sync_s, tdc_sync_stats *st,
                           uint64_t *wire, uint64_t *n_state)
{
    tdc_device dev;
    td_identity id;
    td_error err;
    tdc_link_opts lo;
    tdc_link *l = NULL;
    tdc_replica *r = NULL;
    X509 *ca = NULL;
    FILE *f;
    char path[PATH_MAX + 32];
    double t0;
    int rc = -1;
    uint64_t in0, out0;
    if (tdc_device_load(&dev, dir, &err) || td_identity_load(&id, dev.key_path, dev.cert_path, &err)) {
        fprintf(stderr, "tdbench: %s: %s\n", dir, err.msg);
        return -1;
    }
    f = fopen(dev.ca_path, "r");
    if (f) {
        ca = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
    }
    if (!ca) {
        fprintf(stderr, "tdbench: cannot read %s\n", dev.ca_path);
        td_identity_free(&id);
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s", dir, TDC_REPLICA_FILE);
    t0 = now_s();
    if (tdc_replica_open(&r, path, ca, &err)) {
        fprintf(stderr, "tdbench: replica: %s\n", err.msg);
        goto out;
    }
    *open_s = now_s() - t0;
    memset(&lo, 0, sizeof lo);
    lo.dev = &dev;
    lo.server = server;
    lo.cursor = tdc_replica_cursor(r);
    t0 = now_s();
    l = tdc_link_open(&lo, &err);
    if (!l) {
        fprintf(stderr, "tdbench: connect: %s\n", err.msg);
        goto out;
    }
    in0 = tdc_link_bytes_in(l);
    out0 = tdc_link_bytes_out(l);
    {
        tdc_sync_io io = {l, tb_io_send, tb_io_recv};
        tdc_sync_opts so;
        unsigned char server_pk[32];
        memset(&so, 0, sizeof so);
        so.agency = id.subject.agency;
        memset(st, 0, sizeof *st);
        /* The replica verifies the server's checkpoint with its TLS key. */
        if (tdc_link_peer(l, server_pk, NULL, &err)) {
            fprintf(stderr, "tdbench: server key: %s\n", err.msg);
            goto out;
        }
        so.server_pk = server_pk;
        if (tdc_sync_run(r, tdc_link_welcome(l), &io, &so, st, &err)) {
            fprintf(stderr, "tdbench: sync: %s\n", err.msg);
            goto out;
        }
    }
    *sync_s = now_s() - t0;
    *wire = (tdc_link_bytes_in(l) - in0) + (tdc_link_bytes_out(l) - out0);
    *n_state = td_state_count(tdc_replica_state(r));
    rc = 0;
out:
    if (l) tdc_link_close(l);
    if (r) tdc_replica_close(r);
    X509_free(ca);
    td_identity_free(&id);
    return rc;
}

/* CPU time (user + system, all threads) of a process so far, in ms; -1 if
 * unreadable.  The server's CPU per entry does not depend on how much of the
 * machine the benchmark got, unlike its rate. */
/* CPU ms of process pid (all its threads), or of its thread tid when tid > 0
 * (the server's main thread, tid = pid, is its event loop). */
static double tb_cpu_ms_of(pid_t pid, pid_t tid)
{
    char path[80], buf[1024], *p;
    unsigned long ut = 0, stt = 0;
    FILE *f;
    size_t n;
    if (tid > 0) snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    else snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "r"))) return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    /* after the command name in parentheses: state is field 3, utime 14, stime 15 */
    if (!(p = strrchr(buf, ')')) || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &stt) != 2)
        return -1;
    return (double)(ut + stt) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static double tb_cpu_ms(pid_t pid) { return tb_cpu_ms_of(pid, 0); }

/* The nice value of thread tid of pid (field 19 of its stat), or -100. */
static long tb_nice_of(pid_t pid, pid_t tid)
{
    char path[80], buf[1024], *p;
    long nice = -100;
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    if (!(f = fopen(path, "r"))) return -100;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    if (!(p = strrchr(buf, ')')) ||
        sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %ld", &nice) != 1)
        return -100;
    return nice;
}

/* The server's event loop (its main thread) and the highest nice value of
 * its other threads (the worker threads, server/serve.c TDS_POOL_NICE). */
static void tb_server_nice(pid_t pid, long *loop, long *pool)
{
    char path[64];
    DIR *d;
    struct dirent *de;
    *loop = tb_nice_of(pid, pid);
    *pool = -100;
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    if (!(d = opendir(path))) return;
    while ((de = readdir(d))) {
        long tid = strtol(de->d_name, NULL, 10), v;
        if (tid <= 0 || tid == pid) continue;
        if ((v = tb_nice_of(pid, (pid_t)tid)) > *pool) *pool = v;
    }
    closedir(d);
}

static long tb_vmhwm_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

/* ---- setup ---------------------------------------------------------------- */

typedef struct tb_env {
    char bin[PATH_MAX], work[PATH_MAX], log[PATH_MAX + 32];
    char pki[PATH_MAX + 16], td[PATH_MAX + 16], srv[PATH_MAX + 16];
    pid_t server_pid;
    char server[64];
} tb_env;

static int tb_path(char *out, size_t cap, const char *a, const char *b)
{
    return (size_t)snprintf(out, cap, "%s/%s", a, b) >= cap ? -1 : 0;
}

static int tb_enrol(tb_env *e, const char *dir, const char *agency, const char *device, const char *role)
{
    char crt[PATH_MAX + 16], csr[PATH_MAX + 16], ca[PATH_MAX + 16], cadir[PATH_MAX + 16];
    snprintf(crt, sizeof crt, "%s.crt", dir);
    snprintf(csr, sizeof csr, "%s/device.csr", dir);
    snprintf(cadir, sizeof cadir, "%s/ca", e->work);
    snprintf(ca, sizeof ca, "%s/ca/ca.crt", e->work);
    {
        char *a1[] = {e->td, "init", "--dir", (char *)dir, "--agency", (char *)agency, "--device", (char *)device, NULL};
        char *a2[] = {e->pki, "sign", "--dir", cadir, "--agency", (char *)agency, "--role", (char *)role,
                      csr, "--out", crt, NULL};
        char *a3[] = {e->td, "init", "--dir", (char *)dir, "--cert", crt, "--ca", ca, "--server", e->server, NULL};
        if (tb_run(a1, e->log) || tb_run(a2, e->log) || tb_run(a3, e->log)) return -1;
    }
    return 0;
}

static int tb_setup(tb_env *e, const char *plan, const char *workdir)
{
    char cadir[PATH_MAX + 16], key[PATH_MAX + 16], crt[PATH_MAX + 16], ca[PATH_MAX + 16], data[PATH_MAX + 16],
        portf[PATH_MAX + 16], slog[PATH_MAX + 16], crl[PATH_MAX + 16];
    if (tb_path(e->pki, sizeof e->pki, e->bin, "tiendo-pki") || tb_path(e->td, sizeof e->td, e->bin, "tiendo") ||
        tb_path(e->srv, sizeof e->srv, e->bin, "tiendo-server"))
        return -1;
    if (workdir) {
        snprintf(e->work, sizeof e->work, "%s", workdir);
        if (mkdir(e->work, 0700) && errno != EEXIST) return -1;
    } else {
        snprintf(e->work, sizeof e->work, "/tmp/tdbench-XXXXXX");
        if (!mkdtemp(e->work)) return -1;
    }
    snprintf(e->log, sizeof e->log, "%s/setup.log", e->work);
    snprintf(cadir, sizeof cadir, "%s/ca", e->work);
    snprintf(ca, sizeof ca, "%s/ca/ca.crt", e->work);
    snprintf(crl, sizeof crl, "%s/ca/crl.pem", e->work);
    snprintf(key, sizeof key, "%s/srv.key", e->work);
    snprintf(crt, sizeof crt, "%s/srv.crt", e->work);
    snprintf(data, sizeof data, "%s/data", e->work);
    snprintf(portf, sizeof portf, "%s/port", e->work);
    snprintf(slog, sizeof slog, "%s/server.log", e->work);
    {
        char *a1[] = {e->pki, "init", "--dir", cadir, NULL};
        char *a2[] = {e->pki, "issue-server", "--dir", cadir, "--name", "tiendo-bench", "--ip", "127.0.0.1",
                      "--out-key", key, "--out-cert", crt, NULL};
        char *a3[] = {e->srv, "plan", "import", (char *)plan, "--apply", "--data", data, "--ca", ca, "--cert", crt,
                      "--key", key, NULL};
        if (tb_run(a1, e->log) || tb_run(a2, e->log) || tb_run(a3, e->log)) return -1;
    }
    {
        char *av[] = {e->srv, "serve", "--listen", "127.0.0.1:0", "--port-file", portf, "--ca", ca, "--cert", crt,
                      "--key", key, "--data", data, "--log-level", "warn", NULL};
        posix_spawn_file_actions_t fa;
        double t0 = now_s();
        int rc;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, slog, O_WRONLY | O_CREAT | O_APPEND, 0600);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
        rc = posix_spawn(&e->server_pid, e->srv, &fa, NULL, av, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc) {
            fprintf(stderr, "tdbench: cannot start %s: %s\n", e->srv, strerror(rc));
            e->server_pid = 0;
            return -1;
        }
        for (;;) {
            FILE *f = fopen(portf, "r");
            int port = 0;
            if (f) {
                if (fscanf(f, "%d", &port) != 1) port = 0;
                fclose(f);
            }
            if (port > 0) {
                snprintf(e->server, sizeof e->server, "127.0.0.1:%d", port);
                break;
            }
            if ((now_s() - t0) * 1e3 > TB_START_TIMEOUT_MS || waitpid(e->server_pid, NULL, WNOHANG) != 0) {
                fprintf(stderr, "tdbench: the server did not start; see %s\n", slog);
                return -1;
            }
            usleep(20000);
        }
    }
    return 0;
}

static void tb_stop_server(tb_env *e)
{
    int st;
    if (e->server_pid <= 0) return;
    kill(e->server_pid, SIGTERM);
    while (waitpid(e->server_pid, &st, 0) < 0 && errno == EINTR) {}
    e->server_pid = 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: tdbench --bin-dir BUILD_DIR [--plan FILE] [-n N] [-m M] [--text-bytes B] [--window W]\n"
            "               [--work DIR] [--keep] [--ping] [--pack-live]\n"
            "       tdbench --push-only --server H:P --devices D1,D2,... [-n N] [--text-bytes B] [--window W]\n");
}

int main(int argc, char **argv)
{
    const char *bin = NULL, *plan = NULL, *workdir = NULL, *server = NULL, *devices = NULL;
    int keep = 0, push_only = 0, rc = 1;
    tb_env e;
    char *dirs[256];
    size_t m = 0;
    tb_client *cl = NULL;
    char plan_buf[PATH_MAX];
    tb_pinger pinger;
    int ping_started = 0;

    memset(&e, 0, sizeof e);
    memset(&pinger, 0, sizeof pinger);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--keep")) { keep = 1; continue; }
        if (!strcmp(a, "--push-only")) { push_only = 1; continue; }
        if (!strcmp(a, "--ping")) { opt_ping = 1; continue; }
        if (!strcmp(a, "--pack-live")) { opt_pack_live = 1; continue; }
        if (!v) { usage(); return 2; }
        i++;
        if (!strcmp(a, "--bin-dir")) bin = v;
        else if (!strcmp(a, "--plan")) plan = v;
        else if (!strcmp(a, "--work")) workdir = v;
        else if (!strcmp(a, "--server")) server = v;
        else if (!strcmp(a, "--devices")) devices = v;
        else if (!strcmp(a, "-n")) opt_n = strtoul(v, NULL, 10);
        else if (!strcmp(a, "-m")) opt_m = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--text-bytes")) opt_text = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--window")) opt_window = (unsigned)strtoul(v, NULL, 10);
        else { usage(); return 2; }
    }
    if (opt_n == 0 || opt_m == 0 || opt_m > 64 || opt_window == 0 || opt_window > 64 || opt_text > 4000) {
        usage();
        return 2;
    }
    td_log_set_level(TD_LOG_ERROR);
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0) return 1;

    if (push_only) {
        char *save = NULL, *copy;
        double rate;
        if (!server || !devices) { usage(); return 2; }
        copy = strdup(devices);
        for (char *t = strtok_r(copy, ",", &save); t && m < 256; t = strtok_r(NULL, ",", &save)) dirs[m++] = strdup(t);
        free(copy);
        printf("tdbench --push-only: N=%zu entries, M=%zu clients, text %zu B\n", opt_n, m, opt_text);
        rate = tb_push(dirs, m, server, opt_n, &cl);
        tb_clients_free(cl, m);
        for (size_t j = 0; j < m; j++) free(dirs[j]);
        return rate > 0 ? 0 : 1;
    }

    if (!bin) { usage(); return 2; }
    snprintf(e.bin, sizeof e.bin, "%s", bin);
    if (!plan) {
        const char *src = getenv("TD_SOURCE_DIR");
        snprintf(plan_buf, sizeof plan_buf, "%s/data/plans/726-KH-UBND.txt", src ? src : ".");
        plan = plan_buf;
    }
    printf("tdbench: N=%zu entries, M=%zu clients, report text %zu B, window %u\n", opt_n, opt_m, opt_text,
           opt_window);
    if (tb_setup(&e, plan, workdir)) {
        fprintf(stderr, "tdbench: setup failed (work dir %s)\n", e.work);
        goto out;
    }
    {
        char reader[PATH_MAX + 16];
        double push_rate, vrate, vcpu, t0, secs = 0, cpu0, cpu1, loop0 = -1, loop1 = -1;
        uint64_t next = 0, wire = 0, ebytes = 0;
        unsigned rts = 0;
        long got;
        int has_new = -1;
        double nn_ms = 0;
        long hwm;
        for (size_t j = 0; j < opt_m; j++) {
            char dev[32];
            dirs[j] = malloc(PATH_MAX + 32);
            snprintf(dirs[j], PATH_MAX + 32, "%s/dev%zu", e.work, j);
            snprintf(dev, sizeof dev, "bench-%zu", j);
            m++;
            if (tb_enrol(&e, dirs[j], tb_agencies[j % TB_N_AGENCIES], dev, "office")) goto out;
        }
        snprintf(reader, sizeof reader, "%s/central", e.work);
        if (tb_enrol(&e, reader, "so-khcn", "bench-central", "central")) goto out;

        if (opt_ping) {
            pinger.dir = reader;
            pinger.server = e.server;
            pinger.idle = calloc(TB_PING_MAX, sizeof(double));
            pinger.load = calloc(TB_PING_MAX, sizeof(double));
            if (!pinger.idle || !pinger.load || pthread_create(&pinger.th, NULL, tb_ping_thread, &pinger)) goto out;
            ping_started = 1;
            /* the idle figures first: a second of pings alone */
            usleep(1000000);
        }
        cpu0 = tb_cpu_ms(e.server_pid);
        loop0 = tb_cpu_ms_of(e.server_pid, e.server_pid);
        push_rate = tb_push(dirs, m, e.server, opt_n, &cl);
        cpu1 = tb_cpu_ms(e.server_pid);
        loop1 = tb_cpu_ms_of(e.server_pid, e.server_pid);
        if (ping_started) {
            tb_ping_stop = 1;
            pthread_join(pinger.th, NULL);
            ping_started = 0;
            if (pinger.failed) {
                fprintf(stderr, "tdbench: pinging session: %s\n", pinger.why);
                goto out;
            }
            if (push_rate >= 0) tb_ping_report(&pinger, m);
        }
        if (push_rate < 0) goto out;
        vrate = tb_verify_rate(cl, m, 0);
        vcpu = tb_verify_cpu_us;
        tb_res.verify = vrate;
        printf("verify: libsodium Ed25519 crypto_sign_verify_detached on one core, %.0f-byte bodies: %.0f entries/s\n",
               (double)cl[0].signed_bytes / (cl[0].n ? cl[0].n : 1) - 64, vrate);
        printf("verify: the same with the Entry decode the server also does: %.0f entries/s\n",
               tb_verify_rate(cl, m, 1));
        printf("ingest: push rate / verify rate = %.2f (target >= 1.6)\n", push_rate / vrate);
        {
            long ncv = 0;
            double all = tb_verify_rate_all(cl, m, &ncv);
            printf("verify: the same on %ld cores at once, one thread each: %.0f entries/s = %.2f x one core "
                   "(push rate / that = %.2f)\n", ncv, all, vrate > 0 ? all / vrate : 0.0, all > 0 ? push_rate / all : 0.0);
        }
        if (cpu0 >= 0 && cpu1 > cpu0 && vcpu > 0) {
            double us = (cpu1 - cpu0) * 1000.0 / (double)opt_n;
            long nc = sysconf(_SC_NPROCESSORS_ONLN);
            printf("ingest: server CPU during the push %.0f ms = %.1f us/entry; one verify %.1f us of CPU: "
                   "verification is %.0f%% of the server's work (ceiling with %ld idle cores: ingest/verify %.2f)\n",
                   cpu1 - cpu0, us, vcpu, 100.0 * vcpu / us, nc, (double)nc * vcpu / us);
            if (loop0 >= 0 && loop1 >= loop0)
                printf("ingest: of which the event loop %.1f us/entry (TLS, decode, append, fold, digest, commit, acks) "
                       "and the worker threads %.1f us/entry (canonical form, decode, verification)\n",
                       (loop1 - loop0) * 1000.0 / (double)opt_n, (cpu1 - cpu0 - (loop1 - loop0)) * 1000.0 / (double)opt_n);
        }
        cpu0 = tb_cpu_ms(e.server_pid);

        got = tb_pull_raw(reader, e.server, &next, &secs, &rts, &wire, &ebytes);
        if (got < (long)opt_n) {
            fprintf(stderr, "tdbench: raw pull got %ld entries, expected at least %zu\n", got, opt_n);
            goto out;
        }
        cpu1 = tb_cpu_ms(e.server_pid);
        if (cpu0 >= 0 && cpu1 >= cpu0 && got > 0)
            printf("pull:   server CPU during the raw pull %.0f ms = %.1f us/entry\n", cpu1 - cpu0,
                   (cpu1 - cpu0) * 1000.0 / (double)got);
        printf("pull:   raw Pull/Entries: %ld entries in %.3f s = %.0f entries/s (target >= 50000 for 100k), "
               "%u round trips incl. Hello/Welcome\n",
               got, secs, (double)got / secs, rts);
        printf("pull:   wire bytes per entry: %.1f; SignedEntry %.1f B; overhead %.1f B (target <= 100)\n",
               (double)wire / got, (double)ebytes / got, (double)wire / got - (double)ebytes / got);
        {
            tdc_sync_stats st;
            double open_s = 0, sync_s = 0;
            uint64_t rwire = 0, nstate = 0;
            char *av[] = {e.td, "sync", "--dir", reader, "--quiet", NULL};
            if (tb_replica_sync(reader, e.server, &open_s, &sync_s, &st, &rwire, &nstate)) goto out;
            printf("pull:   client replica (client/sync.c: store + fold): %llu entries in %.3f s = %.0f entries/s, "
                   "%llu round trips after Hello/Welcome, %.1f wire B/entry\n",
                   (unsigned long long)st.pulled, sync_s, (double)st.pulled / sync_s,
                   (unsigned long long)st.round_trips, st.pulled ? (double)rwire / st.pulled : 0.0);
            tb_res.pull_s = sync_s;
            tb_res.pull_rate = (double)st.pulled / sync_s;
            tb_res.pull_rts = (unsigned)st.round_trips + 1;
            tb_res.pull_wire = st.pulled ? (double)rwire / st.pulled : 0.0;
            if ((long)st.pulled != got) {
                fprintf(stderr, "tdbench: the replica pulled %llu entries, the raw pull %ld\n",
                        (unsigned long long)st.pulled, got);
                goto out;
            }
            if (tb_replica_sync(reader, e.server, &open_s, &sync_s, &st, &rwire, &nstate)) goto out;
            printf("fold:   reopening the replica (fold of %llu entries): %.3f s = %.0f entries/s\n",
                   (unsigned long long)nstate, open_s, open_s > 0 ? (double)nstate / open_s : 0.0);
            printf("sync:   nothing new (client/sync.c): %llu requests after Hello/Welcome, %.1f ms\n",
                   (unsigned long long)st.round_trips, sync_s * 1e3);
            if (st.round_trips != 0 || st.pulled != 0) {
                fprintf(stderr, "tdbench: a sync with nothing new sent %llu requests\n",
                        (unsigned long long)st.round_trips);
                goto out;
            }
            t0 = now_s();
            if (tb_run(av, e.log)) goto out;
            printf("sync:   tiendo sync with nothing new: %.1f ms (process start and replica fold included)\n",
                   (now_s() - t0) * 1e3);
        }
        if (tb_nothing_new(reader, e.server, next, &has_new, &nn_ms)) goto out;
        printf("sync:   nothing new: Welcome.has_new=%s -> %d round trip after the handshake (Hello/Welcome), "
               "%.1f ms (target 1)\n",
               has_new ? "true" : "false", has_new ? 2 : 1, nn_ms);
        hwm = tb_vmhwm_kb(e.server_pid);
        printf("server: peak RSS (VmHWM) %.1f MiB\n", hwm / 1024.0);
        {
            long nl, np;
            tb_server_nice(e.server_pid, &nl, &np);
            if (nl > -100 && np > -100)
                printf("server: nice of the event loop %ld, of the worker threads %ld\n", nl, np);
        }
        /* One line for bench/peers/run.sh: key=value, times in s, sizes in
         * bytes per entry, the pull being the client replica's (store+fold). */
        printf("RESULT tiendo n=%zu m=%zu push_s=%.3f push_rate=%.0f push_rts=%u push_wire=%.1f payload=%.1f "
               "record=%.1f pull_s=%.3f pull_rate=%.0f pull_rts=%u pull_wire=%.1f nn_ms=%.1f nn_rts=%d "
               "nn_bytes=%llu rss_mib=%.1f verify=%.0f\n",
               opt_n, opt_m, tb_res.push_s, push_rate, tb_res.push_rts, tb_res.push_wire, tb_res.payload,
               tb_res.signed_sz, tb_res.pull_s, tb_res.pull_rate, tb_res.pull_rts, tb_res.pull_wire, nn_ms,
               has_new ? 2 : 1, (unsigned long long)tb_res.nn_bytes, hwm / 1024.0, tb_res.verify);
        rc = has_new ? 1 : 0;
        if (has_new) fprintf(stderr, "tdbench: the server says has_new with the cursor at the end of the log\n");
    }
out:
    if (ping_started) {
        tb_ping_stop = 1;
        pthread_join(pinger.th, NULL);
    }
    free(pinger.idle);
    free(pinger.load);
    tb_stop_server(&e);
    tb_clients_free(cl, m);
    for (size_t j = 0; j < m; j++) free(dirs[j]);
    if (e.work[0]) {
        if (keep || rc) printf("tdbench: work dir kept: %s\n", e.work);
        else nftw(e.work, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    }
    return rc;
}

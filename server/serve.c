/*
 * serve.c — `tiendo-server serve`: the TLS listener on libuv.
 *
 * Binds td_conn (transport) to tds_session (protocol) through a td_framer.
 * Bounds every peer can hit: handshake timeout, idle timeout, frame size,
 * connection count.  SIGINT/SIGTERM: stop accepting, say Bye and send
 * close_notify to every open session, wait (bounded) for them to drain,
 * exit 0.  SIGHUP: reload the CRL (and certificate) for new connections,
 * and record newly revoked certificates in the log.
 *
 * Storage: one tds_ledger (the log + derived state), opened at start; every
 * session reaches it through tds_backend.  Pushes are group-committed
 * (docs/ARCHITECTURE.md §7): every Push frame read in one event-loop iteration, from any
 * session, is validated and appended to one transaction, and a uv_check
 * handle (which runs after the iteration's read callbacks) commits it —
 * one fsync — and then sends each PushAck.  Any other frame commits the
 * group first (session.c), so acks still follow the durable commit and
 * each session's answers stay in order.  The Ed25519 verification of a
 * Push runs on the server's worker threads (workers.h, session.h
 * io.offload), so the loop keeps serving other sessions while a batch
 * verifies; a session closed meanwhile keeps its memory until the work has
 * returned.
 *
 * TIENDO_PROTO_MAX (environment, interoperability tests only): offer at
 * most this protocol version, to play an older server.
 */
#include <openssl/pem.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

#include "cmds.h"
#include "config.h"
#include "conn.h"
#include "datalock.h"
#include "frame.h"
#include "identity.h"
#include "ledger.h"
#include "log.h"
#include "msg.h"
#include "netaddr.h"
#include "renew.h"
#include "ratelimit.h"
#include "session.h"
#include "tls.h"
#include "workers.h"
#include "oserr.h"
#include "prio.h"

/* Listen backlog: 200 offices reconnecting at once after an outage. */
#define TDS_BACKLOG 511
/* After SIGTERM, how long open sessions get to drain before we exit. */
#define TDS_SHUTDOWN_GRACE_MS 5000

typedef struct tds_server tds_server;

typedef struct tds_client {
    tds_server *srv;
    td_conn *conn;
    td_framer framer;
    tds_session sess;
    uint8_t *cert_der;            /* owned: the peer certificate, for the log */
    int opened;
    int gone;                     /* closed while jobs were on the worker threads: freed by the last */
    uint64_t id;
    struct tds_client *prev, *next;
} tds_client;

struct tds_server {
    uv_loop_t *loop;
    uv_tcp_t listener;
    uv_signal_t sigint, sigterm, sighup;
    uv_timer_t grace;
    uv_check_t group;             /* commits the push group once per loop iteration */
    uv_idle_t backlog;            /* active while pushes wait to be appended: poll does not block */
    /* The WAL's fsync off the loop (ledger.h tds_ledger_unsynced): a step
     * commits without waiting for the disk, this thread waits for it, and
     * `synced` hands the result back to the loop, which then sends the
     * held acks.  want/got/rc/stop under mu. */
    struct {
        uv_thread_t th;
        uv_mutex_t mu;
        uv_cond_t cv;
        tds_bell *synced;
        uint64_t want, got;
        int rc, stop, running, inited;
        int ckpt_want, ckpt_busy;     /* a WAL checkpoint asked for / running */
        int restarting;               /* the WAL's restart: the loop begins no group */
        uint64_t restarts, restarts_seen;   /* restarts done (sync thread), seen by the loop */
    } sy;
    uint32_t proto_max;           /* TIENDO_PROTO_MAX, 0 = ours */
    SSL_CTX *ctx;
    tds_config cfg;
    tds_ledger *ledger;
    tds_ratelimit *push_rl;       /* per-device push buckets (docs/PROTOCOL.md §10; NULL: no limit) */
    tds_ratelimit *refuse_rl;     /* per-device refused-entry budgets (session.h TDS_REFUSED_*) */
    char server_name[TD_DEVICE_MAX + 64];
    tds_client *clients;
    int nclients;
    int stopping;
    uint64_t next_id;
    uint64_t accepted, refused_busy;
    int lock_fd;                  /* DATADIR/serve.lock, held while serving */
    tds_renewer *renewer;         /* online renewals (renew-ca-dir), or NULL */
    tds_workers *workers;         /* verification and the frees of what it allocated */
};

/* ---- protocol <-> transport glue ------------------------------------- */

static int tds__send(void *arg, const Tiendo__Frame *f)
{
    tds_client *cl = arg;
    uint8_t *buf;
    size_t n;
    td_error err;
    int rc = td_frame_pack(f, cl->srv->cfg.max_frame, &buf, &n, &err);
    if (rc) {
        td_log_error("client #%llu: cannot send %s: %s", (unsigned long long)cl->id,
                     td_frame_name(f), err.msg);
        return rc;
    }
    rc = td_conn_write(cl->conn, buf, n);
    free(buf);
    return rc;
}

static void tds__end(void *arg)
{
    tds_client *cl = arg;
    td_conn_shutdown(cl->conn);
}

/* How much nicer than the loop the worker threads run.  The loop's share
 * of a push (append, fold, commit, acks) is serial and every session's
 * answers wait for it, while the verification is spread over the workers:
 * with equal priority the loop got one share among ~9 runnable threads on
 * 2 cores, answered a Ping in up to a second during a push flood and fell
 * behind the verified batches.  Niced, the workers take the CPU the loop
 * leaves. */
#define TDS_POOL_NICE 10

/* The workers verify the batches of different pushes in parallel, one
 * thread each: one per online core and at least 4 (a thread preempted in a
 * batch does not hold the others' batches), at most 128;
 * TIENDO_SERVER_THREADS (environment) sets the number. */
static int tds__pool_size(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    const char *v = getenv("TIENDO_SERVER_THREADS");
    if (v && *v) n = strtol(v, NULL, 10);
    else if (n < 4) n = 4;
    return n < 1 ? 1 : n > 128 ? 128 : (int)n;
}

/* Signature verification on the worker threads (session.h io.offload): the
 * loop goes on serving every other session meanwhile. */
typedef struct tds_work {
    void (*work)(void *job);
    void (*after)(void *job);
    void *job;
    tds_client *cl;
} tds_work;

static void tds__work_cb(void *arg)
{
    tds_work *w = arg;
    w->work(w->job);
}

static void tds__after_work_cb(void *arg)
{
    tds_work *w = arg;
    tds_client *cl = w->cl;
    w->after(w->job);
    free(w);
    /* a client closed while its pushes were verified: its session memory
     * was kept for this after */
    if (cl->gone && cl->sess.offloaded == 0) free(cl);
}

static int tds__offload(void *arg, void (*work)(void *job), void (*after)(void *job), void *job)
{
    tds_client *cl = arg;
    tds_work *w = malloc(sizeof *w);
    if (!w) return -1;
    w->work = work;
    w->after = after;
    w->job = job;
    w->cl = cl;
    if (tds_workers_submit(cl->srv->workers, tds__work_cb, tds__after_work_cb, w) != 0) {
        free(w);
        return -1;
    }
    return 0;
}

/* Memory the workers allocated goes back to them to be freed
 * (tds_ledger_set_reclaim: the loop never waits for a worker's malloc
 * arena). */
static void tds__reclaim(void *ctx, void (*fn)(void *), void *p)
{
    tds_server *srv = ctx;
    if (tds_workers_submit(srv->workers, fn, NULL, p) != 0) fn(p);
}

static void tds__hold(void *arg, int on)
{
    tds_client *cl = arg;
    td_conn_hold(cl->conn, on);
}

static int tds__on_frame(void *arg, const uint8_t *body, size_t len)
{
    tds_client *cl = arg;
    int rc = tds_session_on_frame(&cl->sess, body, len);
    if (cl->sess.state != TDS_ENDED) td_conn_set_timer(cl->conn, cl->srv->cfg.idle_ms);
    return rc ? 1 : 0;
}

static void tds__on_open(td_conn *c)
{
    tds_client *cl = td_conn_data(c);
    td_tls *t = td_conn_tls(c);
    X509 *cert = td_tls_peer_cert(t);
    td_subject subj;
    unsigned char pk[32];
    char alpn[64], keyhex[17];
    td_error err;
    tds_session_io io = {.send = tds__send, .end = tds__end, .arg = cl, .offload = tds__offload, .hold = tds__hold};

    td_tls_alpn(t, alpn, sizeof alpn);
    if (strcmp(alpn, TD_ALPN) != 0) {
        /* A client that offers no ALPN at all gets here: refuse. */
        td_log_warn("client #%llu %s: refused: ALPN \"%s\", expected \"%s\"",
                    (unsigned long long)cl->id, td_conn_peer(c), alpn, TD_ALPN);
        td_conn_close(c, TD_EPROTO, "wrong ALPN");
        return;
    }
    if (!cert || td_subject_from_cert(cert, &subj, &err) || td_cert_ed25519_pk(cert, pk, &err)) {
        td_log_warn("client #%llu %s: refused: %s", (unsigned long long)cl->id, td_conn_peer(c),
                    cert ? err.msg : "no verified certificate");
        tds_session_init(&cl->sess, &(td_subject){.agency = "?", .device = "?"}, (unsigned char[32]){0},
                         cl->srv->server_name, &io);
        cl->opened = 1;
        tds_session_fail(&cl->sess, TIENDO__ERROR_CODE__ERR_AUTH, TD_ECERT,
                         cert ? err.msg : "no verified certificate",
                         "Chứng thư số của thiết bị không đúng quy định (agency/role).");
        return;
    }
    cl->opened = 1;
    tds_session_init(&cl->sess, &subj, pk, cl->srv->server_name, &io);
    cl->sess.push_rl = cl->srv->push_rl;
    cl->sess.refuse_rl = cl->srv->refuse_rl;
    cl->sess.max_version = cl->srv->proto_max;
    {
        int n = i2d_X509(cert, NULL);
        unsigned char *q;
        if (n > 0 && (cl->cert_der = malloc((size_t)n))) {
            q = cl->cert_der;
            i2d_X509(cert, &q);
            tds_session_set_backend(&cl->sess, tds_ledger_backend(cl->srv->ledger), cl->cert_der, (size_t)n);
        } else {
            tds_session_fail(&cl->sess, TIENDO__ERROR_CODE__ERR_BUSY, TD_ENOMEM, "out of memory",
                             "Máy chủ đang quá tải; hãy thử lại sau.");
            return;
        }
    }
    td_key_short_hex(pk, keyhex);
    td_log_info("client #%llu %s: handshake ok: agency=%s device=%s role=%s key=%s",
                (unsigned long long)cl->id, td_conn_peer(c), subj.agency, subj.device,
                td_role_name(subj.role), keyhex);
    td_conn_set_timer(c, cl->srv->cfg.idle_ms);
}

static void tds__on_data(td_conn *c, const uint8_t *data, size_t len)
{
    tds_client *cl = td_conn_data(c);
    td_error err;
    int rc;

    if (!cl->opened || cl->sess.state == TDS_ENDED) return;
    rc = td_framer_feed(&cl->framer, data, len, tds__on_frame, cl, &err);
    if (rc == TD_ETOOBIG)   /* a frame above --max-frame: refused from its header, never buffered */
        tds_session_refuse_oversized(&cl->sess, "frame", cl->framer.body_len, cl->srv->cfg.max_frame);
    else if (rc < 0 && rc != TD_ECLOSED)
        tds_session_fail(&cl->sess, TIENDO__ERROR_CODE__ERR_INTERNAL, rc, err.msg, NULL);
}

static void tds__on_timer(td_conn *c)
{
    tds_client *cl = td_conn_data(c);
    if (!cl->opened) {
        td_log_warn("client #%llu %s: handshake timeout after %llu ms", (unsigned long long)cl->id,
                    td_conn_peer(c), (unsigned long long)cl->srv->cfg.handshake_ms);
        td_conn_close(c, TD_ETIMEOUT, "handshake timeout");
        return;
    }
    tds_session_fail(&cl->sess, TIENDO__ERROR_CODE__ERR_TIMEOUT, TD_ETIMEOUT, "idle timeout",
                     "Phiên làm việc bị đóng vì không hoạt động quá lâu.");
}

static void tds__maybe_finish(tds_server *srv);

static void tds__on_close(td_conn *c, const td_error *why)
{
    tds_client *cl = td_conn_data(c);
    tds_server *srv = cl->srv;

    if (!cl->opened)
        td_log_warn("client #%llu %s: TLS handshake failed: %s", (unsigned long long)cl->id,
                    td_conn_peer(c), why->msg);
    else
        td_log_info("client #%llu %s/%s: session closed (%s), %llu frames", (unsigned long long)cl->id,
                    cl->sess.peer.agency, cl->sess.peer.device,
                    why->code == TD_OK ? "by server" : why->msg,
                    (unsigned long long)cl->sess.frames_in);
    if (cl->opened) tds_session_close(&cl->sess);   /* frames waiting behind a push are dropped */
    if (cl->opened && cl->sess.deferred) {
        /* its pushes are in the open group: commit them (the entries are
         * kept, the acks go nowhere) before the session's memory goes */
        tds_ledger_group_flush(srv->ledger);
    }
    td_framer_free(&cl->framer);
    free(cl->cert_der);
    cl->cert_der = NULL;
    if (cl->prev) cl->prev->next = cl->next; else srv->clients = cl->next;
    if (cl->next) cl->next->prev = cl->prev;
    srv->nclients--;
    /* a push still being verified on a worker thread: its after frees cl */
    if (cl->opened && cl->sess.offloaded) cl->gone = 1;
    else free(cl);
    tds__maybe_finish(srv);
}

static const td_conn_cbs tds__conn_cbs = {tds__on_open, tds__on_data, tds__on_close, tds__on_timer};

/* ---- listener -------------------------------------------------------- */

static void tds__close_cb_free_nothing(uv_handle_t *h) { (void)h; }

static void tds__on_connection(uv_stream_t *server, int status)
{
    tds_server *srv = server->data;
    tds_client *cl;
    td_error err;

    if (status < 0) {
        td_log_warn("accept failed: %s", uv_strerror(status));
        return;
    }
    if (srv->stopping) return;
    if (srv->nclients >= srv->cfg.max_conns) {
        /* Accept and close at once: leaving it in the backlog would stall the peer. */
        uv_tcp_t *t = malloc(sizeof *t);
        if (!t) return;
        uv_tcp_init(srv->loop, t);
        if (uv_accept(server, (uv_stream_t *)t) == 0) srv->refused_busy++;
        uv_close((uv_handle_t *)t, (uv_close_cb)free);
        if (srv->refused_busy % 100 == 1)
            td_log_warn("refusing connection: %d sessions open (max-conns %d)", srv->nclients,
                        srv->cfg.max_conns);
        return;
    }
    cl = calloc(1, sizeof *cl);
    if (!cl) return;
    cl->srv = srv;
    cl->id = ++srv->next_id;
    td_framer_init(&cl->framer, srv->cfg.max_frame);
    cl->conn = td_conn_new(srv->loop, srv->ctx, 1, NULL, &tds__conn_cbs, cl, &err);
    if (!cl->conn) {
        td_log_error("cannot create connection: %s", err.msg);
        free(cl);
        return;
    }
    cl->next = srv->clients;
    if (srv->clients) srv->clients->prev = cl;
    srv->clients = cl;
    srv->nclients++;
    srv->accepted++;
    if (uv_accept(server, (uv_stream_t *)td_conn_tcp(cl->conn)) != 0) {
        td_conn_close(cl->conn, TD_EIO, "accept failed");
        return;
    }
    td_conn_set_timer(cl->conn, srv->cfg.handshake_ms);
    td_conn_set_stall_ms(cl->conn, srv->cfg.stall_ms);
    td_conn_start(cl->conn);
}

static void tds__maybe_finish(tds_server *srv)
{
    if (!srv->stopping || srv->nclients > 0) return;
    if (!uv_is_closing((uv_handle_t *)&srv->grace)) {
        uv_timer_stop(&srv->grace);
        uv_close((uv_handle_t *)&srv->grace, tds__close_cb_free_nothing);
    }
}

static void tds__on_grace(uv_timer_t *t)
{
    tds_server *srv = t->data;
    td_log_warn("shutdown: %d sessions did not close in time; closing them", srv->nclients);
    for (tds_client *cl = srv->clients, *next; cl; cl = next) {
        next = cl->next;
        td_conn_close(cl->conn, TD_OK, "server shutdown");
    }
}

/* Entries of the push backlog appended and committed in one loop
 * iteration (one group commit).  The loop's share of a pushed entry is
 * ~10-20 us (append, fold, digest, commit), so a slice keeps an iteration
 * to a few milliseconds: a session's Ping is answered between two slices,
 * however many sessions flood pushes.  Larger slices commit less often
 * (one fsync each) but hold the other sessions longer. */
#define TDS_GROUP_STEP_ENTRIES 128

/* WAL frames (pages) after which the sync thread checkpoints the WAL into
 * the database: SQLite's own default for its automatic checkpoint. */
#define TDS_WAL_CHECKPOINT_FRAMES 1000

static void tds__on_backlog(uv_idle_t *h) { (void)h; }

static void tds__sync_thread(void *arg)
{
    tds_server *srv = arg;
    uv_mutex_lock(&srv->sy.mu);
    for (;;) {
        uint64_t gen;
        int rc;
        while (!srv->sy.stop && srv->sy.want <= srv->sy.got && !srv->sy.ckpt_want)
            uv_cond_wait(&srv->sy.cv, &srv->sy.mu);
        if (srv->sy.stop) break;
        if (srv->sy.want <= srv->sy.got) {
            /* the syncs first: acks wait for them, not for a checkpoint */
            srv->sy.ckpt_want = 0;
            srv->sy.ckpt_busy = 1;
            uv_mutex_unlock(&srv->sy.mu);
            rc = tds_ledger_wal_checkpoint(srv->ledger);
            if (rc) td_log_warn("checkpointing the log's WAL: SQLite error %d", rc);
            if (!rc) {
                /* the WAL's restart and its fsync here, not in the loop's
                 * next commit: the loop appends nothing meanwhile (it goes
                 * on reading and answering) and steps again once woken */
                uv_mutex_lock(&srv->sy.mu);
                srv->sy.restarting = 1;
                uv_mutex_unlock(&srv->sy.mu);
                if ((rc = tds_ledger_wal_restart(srv->ledger)) < 0)
                    td_log_warn("restarting the log's WAL: SQLite error %d", -rc);
                uv_mutex_lock(&srv->sy.mu);
                srv->sy.restarting = 0;
                if (rc > 0) srv->sy.restarts++;
                uv_mutex_unlock(&srv->sy.mu);
                tds_bell_ring(srv->sy.synced);
            }
            uv_mutex_lock(&srv->sy.mu);
            srv->sy.ckpt_busy = 0;
            continue;
        }
        gen = srv->sy.want;
        uv_mutex_unlock(&srv->sy.mu);
        rc = tds_ledger_wal_sync(srv->ledger);   /* covers every commit up to gen */
        uv_mutex_lock(&srv->sy.mu);
        srv->sy.got = gen;
        if (rc) srv->sy.rc = rc;
        uv_mutex_unlock(&srv->sy.mu);
        tds_bell_ring(srv->sy.synced);
        uv_mutex_lock(&srv->sy.mu);
    }
    uv_mutex_unlock(&srv->sy.mu);
}

static void tds__on_synced(void *arg)
{
    tds_server *srv = arg;
    uint64_t gen;
    int rc;
    uv_mutex_lock(&srv->sy.mu);
    gen = srv->sy.got;
    rc = srv->sy.rc;
    srv->sy.rc = 0;
    uv_mutex_unlock(&srv->sy.mu);
    tds_ledger_synced(srv->ledger, gen, rc);
}

static void tds__sync_stop(tds_server *srv)
{
    if (!srv->sy.running) return;
    uv_mutex_lock(&srv->sy.mu);
    srv->sy.stop = 1;
    uv_cond_signal(&srv->sy.cv);
    uv_mutex_unlock(&srv->sy.mu);
    uv_thread_join(&srv->sy.th);
    srv->sy.running = 0;
    /* a sync that ended after the loop's last look: its acks */
    tds__on_synced(srv);
}

static void tds__on_check(uv_check_t *h)
{
    tds_server *srv = h->data;
    uint64_t gen;
    int restarting = 0;
    uint64_t restarts = 0;
    if (srv->sy.running) {
        uv_mutex_lock(&srv->sy.mu);
        restarting = srv->sy.restarting;
        restarts = srv->sy.restarts;
        uv_mutex_unlock(&srv->sy.mu);
        if (restarts != srv->sy.restarts_seen) {
            srv->sy.restarts_seen = restarts;
            tds_ledger_wal_restarted(srv->ledger);
        }
    }
    /* while the sync thread restarts the WAL, the backlog waits (its end
     * wakes the loop through sy.synced) */
    if (!restarting && tds_ledger_group_step(srv->ledger, TDS_GROUP_STEP_ENTRIES)) {
        if (!uv_is_active((uv_handle_t *)&srv->backlog)) uv_idle_start(&srv->backlog, tds__on_backlog);
    } else if (uv_is_active((uv_handle_t *)&srv->backlog)) {
        uv_idle_stop(&srv->backlog);
    }
    if ((gen = tds_ledger_unsynced(srv->ledger))) {
        if (!srv->sy.running) {
            tds_ledger_group_flush(srv->ledger);   /* no sync thread: sync here */
            return;
        }
        uv_mutex_lock(&srv->sy.mu);
        if (gen > srv->sy.want) {
            srv->sy.want = gen;
            uv_cond_signal(&srv->sy.cv);
        }
        uv_mutex_unlock(&srv->sy.mu);
    }
    if (srv->sy.running && tds_ledger_wal_frames(srv->ledger) >= TDS_WAL_CHECKPOINT_FRAMES) {
        uv_mutex_lock(&srv->sy.mu);
        if (!srv->sy.ckpt_want && !srv->sy.ckpt_busy) {
            srv->sy.ckpt_want = 1;
            uv_cond_signal(&srv->sy.cv);
        }
        uv_mutex_unlock(&srv->sy.mu);
    }
}

static void tds__stop(tds_server *srv, const char *why)
{
    if (srv->stopping) return;
    srv->stopping = 1;
    tds_ledger_group_flush(srv->ledger);   /* acks of what was read before the Bye */
    uv_check_stop(&srv->group);
    uv_close((uv_handle_t *)&srv->group, tds__close_cb_free_nothing);
    uv_idle_stop(&srv->backlog);
    uv_close((uv_handle_t *)&srv->backlog, tds__close_cb_free_nothing);
    tds__sync_stop(srv);
    tds_bell_close(srv->sy.synced);
    srv->sy.synced = NULL;
    td_log_info("shutting down (%s): %d open sessions", why, srv->nclients);
    uv_close((uv_handle_t *)&srv->listener, tds__close_cb_free_nothing);
    uv_close((uv_handle_t *)&srv->sigint, tds__close_cb_free_nothing);
    uv_close((uv_handle_t *)&srv->sigterm, tds__close_cb_free_nothing);
    uv_close((uv_handle_t *)&srv->sighup, tds__close_cb_free_nothing);
    uv_timer_start(&srv->grace, tds__on_grace, TDS_SHUTDOWN_GRACE_MS, 0);
    for (tds_client *cl = srv->clients, *next; cl; cl = next) {
        next = cl->next;
        if (cl->opened && cl->sess.state != TDS_ENDED) {
            Tiendo__Frame f = TIENDO__FRAME__INIT;
            Tiendo__Bye bye = TIENDO__BYE__INIT;
            bye.reason = "server shutting down";
            f.body_case = TIENDO__FRAME__BODY_BYE;
            f.bye = &bye;
            tds__send(cl, &f);
            cl->sess.state = TDS_ENDED;
        }
        td_conn_shutdown(cl->conn);   /* close_notify; before the handshake it just closes */
    }
    tds__maybe_finish(srv);
}

static SSL_CTX *tds__make_ctx(tds_server *srv, td_error *err)
{
    td_tls_ctx_opts o = {srv->cfg.ca, srv->cfg.cert, srv->cfg.key, srv->cfg.crl, NULL};
    return td_tls_ctx_server(&o, err);
}

/* Record the CRL's revocations of certificates in the log (once each). */
static void tds__sync_crl(tds_server *srv)
{
    size_t n = 0;
    td_error err = {0};
    if (!srv->cfg.crl) return;
    if (tds_ledger_sync_crl(srv->ledger, srv->cfg.crl, &n, &err))
        td_log_error("CRL %s: revocations not recorded: %s", srv->cfg.crl, err.msg);
    else if (n)
        td_log_info("CRL %s: %zu revocation(s) recorded in the log", srv->cfg.crl, n);
}

/* After SIGHUP: end the open sessions whose certificate is now revoked, in
 * the reloaded CRL or in the log (a renewal superseded it). */
static void tds__end_revoked(tds_server *srv)
{
    X509_CRL *crl = NULL;
    FILE *f = srv->cfg.crl ? fopen(srv->cfg.crl, "r") : NULL;
    int ended = 0;
    if (f) {
        crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
        fclose(f);
    }
    for (tds_client *cl = srv->clients; cl; cl = cl->next) {
        const unsigned char *p = cl->cert_der;
        X509 *x;
        X509_REVOKED *rev = NULL;
        int revoked;
        if (!cl->opened || cl->sess.state == TDS_ENDED || !p) continue;
        x = d2i_X509(NULL, &p, (long)cl->sess.pk_peer.cert_der_len);
        revoked = (x && crl && X509_CRL_get0_by_cert(crl, &rev, x) == 1) ||
                  tds_ledger_peer_revoked(srv->ledger, &cl->sess.pk_peer);
        X509_free(x);
        if (!revoked) continue;
        tds_session_fail(&cl->sess, TIENDO__ERROR_CODE__ERR_AUTH, TD_EREVOKED,
                         "the session's certificate is revoked (reloaded CRL or log)",
                         "Chứng thư của thiết bị đã bị thu hồi; phiên làm việc kết thúc.");
        ended++;
    }
    X509_CRL_free(crl);
    if (ended) td_log_info("SIGHUP: %d session(s) with a revoked certificate ended", ended);
}

static void tds__on_signal(uv_signal_t *h, int signum)
{
    tds_server *srv = h->data;
    if (signum == SIGHUP) {
        td_error err;
        SSL_CTX *ctx = tds__make_ctx(srv, &err);
        if (!ctx) {
            td_log_error("SIGHUP: reload failed, keeping the old CRL and certificate: %s", err.msg);
            return;
        }
        SSL_CTX_free(srv->ctx);   /* live sessions hold their own reference */
        srv->ctx = ctx;
        td_log_info("SIGHUP: reloaded certificate, CA and CRL");
        tds__sync_crl(srv);
        tds__end_revoked(srv);
        return;
    }
    tds__stop(srv, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

/* ---- configuration --------------------------------------------------- */

static const td_cli_spec tds__serve_spec = {
    .prog = "tiendo-server",
    .cmd = "serve",
    .usage = "tiendo-server serve [--config TỆP] [--ca TỆP --cert TỆP --key TỆP] [--listen MÁY:CỔNG] [tùy chọn]",
    .about = "Chạy máy chủ TLS 1.3 (xác thực hai chiều bằng chứng thư số do CA của tỉnh cấp). --ca, --cert và --key là "
             "bắt buộc (trên dòng lệnh hoặc trong tệp cấu hình).",
    .opts = {tds_config_opts, tds_config_serve_opts},
    .footer = "Tín hiệu: SIGTERM/SIGINT dừng có trật tự; SIGHUP nạp lại chứng thư, CA và CRL. Chỉ một máy chủ dùng một "
              "thư mục dữ liệu (khóa THƯ_MỤC/serve.lock).\n",
    .exit_codes = "Mã thoát: 0 dừng bình thường, 1 lỗi, 2 sai cú pháp lệnh.\n",
};
static void tds__usage(FILE *f) { td_cli_help(&tds__serve_spec, f); }

static int tds__write_port_file(const char *path, int port)
{
    char tmp[4096];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f) return -1;
    fprintf(f, "%d\n", port);
    if (fclose(f) != 0) return -1;
    return rename(tmp, path);
}

int tds_cmd_serve(int argc, char **argv)
{
    tds_server srv;
    tds_config *cfg = &srv.cfg;
    char host[TD_HOST_MAX + 1];
    int port, rc, exit_code = 1;
    td_error err;
    struct sockaddr_storage addr;

    memset(&srv, 0, sizeof srv);
    srv.lock_fd = -1;
    tds_config_init(cfg, "tiendo-server serve");
    while ((rc = tds_config_getopt_spec(cfg, argc, argv, &tds__serve_spec)) != -1) {
        if (rc != 'h') return 2;
        tds__usage(stdout);
        return 0;
    }
    if (optind < argc) return tds_config_extra(cfg, argv[optind]);
    if ((rc = tds_config_finish(cfg))) {
        tds_config_free(cfg);
        return rc;
    }
    if (!cfg->ca || !cfg->cert || !cfg->key) {
        fprintf(stderr, "tiendo-server serve: cần --ca, --cert và --key (hoặc các khóa ca, cert, key "
                        "trong tệp cấu hình)\n");
        tds_config_free(cfg);
        return 2;
    }
    td_hostport_parse(cfg->listen, host, &port, &err);

    signal(SIGPIPE, SIG_IGN);
    srv.ctx = tds__make_ctx(&srv, &err);
    if (!srv.ctx) {
        fprintf(stderr, "tiendo-server: cấu hình TLS không hợp lệ: %s\n", td_error_vi(&err));
        tds_config_free(cfg);
        return 1;
    }
    if (!cfg->crl) td_log_warn("no --crl given: revoked certificates will NOT be refused");
    {
        /* one server per data directory; `restore` waits for it (datalock.h) */
        long holder = 0;
        if (tds_datalock_take(cfg->data, &srv.lock_fd, &holder, &err)) {
            fprintf(stderr, "tiendo-server: thư mục dữ liệu %s đang được dùng bởi một máy chủ khác (pid %ld) "
                            "hoặc không khóa được: %s\n", cfg->data, holder, td_error_vi(&err));
            SSL_CTX_free(srv.ctx);
            tds_config_free(cfg);
            return 1;
        }
    }
    tds_logstore_process_init();   /* before the first connection, with no other thread */
    {
        tds_ledger_opts lo = {cfg->data, cfg->ca, cfg->key, cfg->cert, cfg->origin, 0};
        if (tds_ledger_open(&lo, &srv.ledger, &err) || tds_ledger_start(srv.ledger, &err)) {
            fprintf(stderr, "tiendo-server: không mở được sổ nhật ký: %s\n", td_error_vi(&err));
            tds_ledger_close(srv.ledger);
            tds_datalock_release(srv.lock_fd);
            SSL_CTX_free(srv.ctx);
            tds_config_free(cfg);
            return 1;
        }
        tds_ledger_set_crl(srv.ledger, cfg->crl);
        if (cfg->renew_ca_dir) {
            tds_renew_opts ro = {cfg->renew_ca_dir, cfg->renew_days, cfg->renew_window, cfg->renew_roles, cfg->crl};
            if (tds_renewer_open(&ro, &srv.renewer, &err)) {
                fprintf(stderr, "tiendo-server: renew-ca-dir %s không dùng được: %s\n", cfg->renew_ca_dir, td_error_vi(&err));
                tds_ledger_close(srv.ledger);
                tds_datalock_release(srv.lock_fd);
                SSL_CTX_free(srv.ctx);
                tds_config_free(cfg);
                return 1;
            }
            tds_ledger_set_renewer(srv.ledger, srv.renewer);
            td_log_info("online certificate renewal on (CA %s, %d days, within %d days of expiry)",
                        cfg->renew_ca_dir, cfg->renew_days, cfg->renew_window);
        }
        td_log_info("log %s/server.db: %llu entries folded", cfg->data,
                    (unsigned long long)td_state_count(tds_ledger_state(srv.ledger)));
        tds__sync_crl(&srv);
    }
    srv.push_rl = tds_rl_new(cfg->push_rate, cfg->push_burst);
    srv.refuse_rl = tds_rl_new(TDS_REFUSED_RATE, TDS_REFUSED_BURST);
    if (cfg->push_rate)
        td_log_info("push rate limit: %u entries/s per device, burst %u", cfg->push_rate, cfg->push_burst);
    else
        td_log_warn("push-rate 0: pushes are not rate-limited");
    {
        X509 *mine = SSL_CTX_get0_certificate(srv.ctx);
        X509_NAME *n = mine ? X509_get_subject_name(mine) : NULL;
        srv.server_name[0] = '\0';
        if (n) X509_NAME_get_text_by_NID(n, NID_commonName, srv.server_name, sizeof srv.server_name);
    }

    srv.loop = uv_default_loop();
    uv_tcp_init(srv.loop, &srv.listener);
    srv.listener.data = &srv;
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)&addr) != 0 &&
        uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr) != 0) {
        fprintf(stderr, "tiendo-server: địa chỉ lắng nghe phải là địa chỉ IP: \"%s\"\n", host);
        goto out_loop;
    }
    if ((rc = uv_tcp_bind(&srv.listener, (struct sockaddr *)&addr, 0)) != 0 ||
        (rc = uv_listen((uv_stream_t *)&srv.listener, TDS_BACKLOG, tds__on_connection)) != 0) {
        fprintf(stderr, "tiendo-server: không lắng nghe được trên %s: %s\n", cfg->listen, td_uv_vi_log(rc, cfg->listen));
        goto out_loop;
    }
    {
        struct sockaddr_storage bound;
        int len = sizeof bound;
        uv_tcp_getsockname(&srv.listener, (struct sockaddr *)&bound, &len);
        port = ntohs(bound.ss_family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
                                                : ((struct sockaddr_in6 *)&bound)->sin6_port);
    }
    uv_signal_init(srv.loop, &srv.sigint);
    uv_signal_init(srv.loop, &srv.sigterm);
    uv_signal_init(srv.loop, &srv.sighup);
    srv.sigint.data = srv.sigterm.data = srv.sighup.data = &srv;
    uv_signal_start(&srv.sigint, tds__on_signal, SIGINT);
    uv_signal_start(&srv.sigterm, tds__on_signal, SIGTERM);
    uv_signal_start(&srv.sighup, tds__on_signal, SIGHUP);
    uv_timer_init(srv.loop, &srv.grace);
    srv.grace.data = &srv;
    uv_check_init(srv.loop, &srv.group);
    srv.group.data = &srv;
    uv_check_start(&srv.group, tds__on_check);
    uv_unref((uv_handle_t *)&srv.group);   /* it alone does not keep the server running */
    uv_idle_init(srv.loop, &srv.backlog);
    uv_unref((uv_handle_t *)&srv.backlog);
    if (!(srv.workers = tds_workers_new(srv.loop, tds__pool_size(), TDS_POOL_NICE)))
        td_log_warn("no worker threads: pushes are verified on the event loop");
    if ((srv.sy.synced = tds_bell_new(srv.loop, tds__on_synced, &srv))) tds_bell_unref(srv.sy.synced);
    if (srv.sy.synced && uv_mutex_init(&srv.sy.mu) == 0) {
        if (uv_cond_init(&srv.sy.cv) == 0) {
            if (uv_thread_create(&srv.sy.th, tds__sync_thread, &srv) == 0) srv.sy.running = srv.sy.inited = 1;
            else uv_cond_destroy(&srv.sy.cv);
        }
        if (!srv.sy.running) uv_mutex_destroy(&srv.sy.mu);
    }
    if (!srv.sy.running) {
        td_log_warn("no thread for the log's fsync: group commits wait for the disk on the loop");
    } else if (tds_ledger_wal_background(srv.ledger, &err)) {
        td_log_warn("the log's WAL is checkpointed inside commits: %s", err.msg);
    }
    tds_ledger_set_group_commit(srv.ledger, 1);
    tds_ledger_set_reclaim(srv.ledger, tds__reclaim, &srv);
    /* the loop's bursts are short and every session waits for them: run it
     * at its wakeup, ahead of the verifying threads (prio.h) */
    if ((rc = td_prio_slice(TD_PRIO_LOOP_SLICE_US)))
        td_log_debug("event loop: no short time slice: %s", strerror(rc));
    {
        const char *pm = getenv("TIENDO_PROTO_MAX");
        if (pm && *pm) {
            srv.proto_max = (uint32_t)strtoul(pm, NULL, 10);
            td_log_warn("TIENDO_PROTO_MAX=%u: offering protocol versions up to %u only (interoperability tests)",
                        srv.proto_max, srv.proto_max);
        }
    }
    if (cfg->port_file && tds__write_port_file(cfg->port_file, port) != 0) {
        fprintf(stderr, "tiendo-server: " TD_MSG_FILE_WRITE "\n", cfg->port_file, td_errno_vi_log(errno, cfg->port_file));
        tds__stop(&srv, "port file");
        uv_run(srv.loop, UV_RUN_DEFAULT);
        goto out_loop;
    }
    td_log_info("tiendo-server %s listening on %s:%d (TLS 1.3, ALPN %s, max %d sessions, frame <= %u B)",
                TD_VERSION, host, port, TD_ALPN, cfg->max_conns, cfg->max_frame);
    uv_run(srv.loop, UV_RUN_DEFAULT);
    td_log_info("stopped: %llu connections accepted, %llu refused (busy)",
                (unsigned long long)srv.accepted, (unsigned long long)srv.refused_busy);
    exit_code = 0;
out_loop:
    if (!uv_is_closing((uv_handle_t *)&srv.listener)) uv_close((uv_handle_t *)&srv.listener, NULL);
    if (srv.group.loop && !uv_is_closing((uv_handle_t *)&srv.group)) uv_close((uv_handle_t *)&srv.group, NULL);
    if (srv.backlog.loop && !uv_is_closing((uv_handle_t *)&srv.backlog)) uv_close((uv_handle_t *)&srv.backlog, NULL);
    if (srv.sy.running) {
        tds_ledger_group_flush(srv.ledger);
        tds__sync_stop(&srv);
    }
    tds_bell_close(srv.sy.synced);
    srv.sy.synced = NULL;
    /* the verifications still running: their afters free what the
     * closed sessions kept for them */
    tds_workers_free(srv.workers);
    srv.workers = NULL;
    tds_ledger_set_reclaim(srv.ledger, NULL, NULL);
    uv_run(srv.loop, UV_RUN_DEFAULT);
    uv_loop_close(srv.loop);
    if (srv.sy.inited) {
        uv_cond_destroy(&srv.sy.cv);
        uv_mutex_destroy(&srv.sy.mu);
    }
    SSL_CTX_free(srv.ctx);
    tds_ledger_close(srv.ledger);
    tds_renewer_close(srv.renewer);
    tds_datalock_release(srv.lock_fd);
    tds_rl_free(srv.push_rl);
    tds_rl_free(srv.refuse_rl);
    tds_config_free(cfg);
    return exit_code;
}

/*
 * app.c — the client's application context (app.h): open the device and its
 * replica, today's date, sign and queue an entry.  Nothing here prints
 * except the command-line wrappers (tdc_ctx_open, tdc_queue_entry,
 * tdc_usage_err, tdc_date_opt).
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit_hist.h"
#include "cli.h"
#include "clock.h"
#include "derive.h"
#include "grow.h"
#include "plan.h"
#include "entry.h"
#include "link.h"
#include "log.pb-c.h"
#include "plan.pb-c.h"
#include "log.h"
#include "status.h"
#include "sync_limits.h"
#include "utf8.h"
#include "x509util.h"
#include "msg.h"

int64_t tdc_now_ms(void)
{
    return td_clock_now_ms();
}

void tdc_tz_default(void)
{
    setenv("TZ", "Asia/Ho_Chi_Minh", 0);
    tzset();
}

const char *tdc_key_label(const td_state *st, uint32_t key)
{
    static char b[4][48];
    static int i;
    i = (i + 1) & 3;
    if (!st) snprintf(b[i], sizeof b[i], "%u", key);
    else td_state_key_fmt(st, key, b[i], sizeof b[i]);
    return b[i];
}

void tdc_fmt_time(int64_t ms, char *buf, size_t n)
{
    if (ms <= 0) {
        snprintf(buf, n, TD_MSG_APP_WORD_NEVER);
        return;
    }
    td_clock_fmt(ms, buf, n);
}

int tdc_app_open(tdc_ctx *c, const char *dir, td_error *e)
{
    td_error x;
    FILE *f;
    memset(c, 0, sizeof *c);
    td_error_clear(e);
    if (tdc_device_load(&c->dev, dir, &x))
        return td_error_set(e, x.code ? x.code : TD_ENOTFOUND,
                            TD_MSG_APP_NOT_ENROLLED, td_error_vi(&x));
    if (td_identity_load(&c->id, c->dev.key_path, c->dev.cert_path, &x))
        return td_error_set(e, x.code, TD_MSG_APP_IDENTITY_UNREADABLE, td_error_vi(&x));
    f = fopen(c->dev.ca_path, "r");
    if (f) {
        c->ca = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
    }
    if (!c->ca) {
        td_error_set(e, TD_ECERT, TD_MSG_APP_CA_UNREADABLE, c->dev.ca_path);
        td_identity_free(&c->id);
        memset(c, 0, sizeof *c);
        return TD_ECERT;
    }
    snprintf(c->db_path, sizeof c->db_path, "%s/%s", c->dev.dir, TDC_REPLICA_FILE);
    if (tdc_replica_open(&c->rep, c->db_path, c->ca, &x)) {
        X509_free(c->ca);
        td_identity_free(&c->id);
        memset(c, 0, sizeof *c);
        return td_error_set(e, x.code, TD_MSG_APP_REPLICA_OPEN_FAILED, td_error_vi(&x));
    }
    return 0;
}

int tdc_ctx_open(tdc_ctx *c, const char *dir, const char *cmd)
{
    td_error e;
    if (tdc_app_open(c, dir, &e)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_error_vi(&e));
        return 1;
    }
    return 0;
}

int tdc_ctx_refresh(tdc_ctx *c, td_error *e)
{
    tdc_device dev;
    td_identity id;
    td_error x;
    td_error_clear(e);
    /* the device's files as a new open reads them (a renewal replaces the
     * certificate); the CA stays: the state is anchored on it */
    if (tdc_device_load(&dev, c->dev.dir, &x) == 0 && td_identity_load(&id, dev.key_path, dev.cert_path, &x) == 0) {
        td_identity_free(&c->id);
        c->id = id;
        c->dev = dev;
    }
    if (tdc_replica_refresh(c->rep, &x))
        return td_error_set(e, x.code, TD_MSG_APP_REPLICA_UNREADABLE, c->db_path, td_error_vi(&x));
    return 0;
}

void tdc_ctx_close(tdc_ctx *c)
{
    tdc_replica_close(c->rep);
    X509_free(c->ca);
    td_identity_free(&c->id);
    memset(c, 0, sizeof *c);
}

/* ---- today ---------------------------------------------------------------- */

int tdc_today(void)
{
    return td_clock_today();
}

int tdc_date_opt(const char *cmd, const char *arg)
{
    int d;
    char buf[16];
    if (td_date_parse_vi(arg, &d) || !td_date_valid(d)) {
        fprintf(stderr, TD_MSG_APP_DATE_BAD "\n", cmd,
                arg, cmd);
        return 2;
    }
    td_clock_set_today(d);
    /* commands this one runs (an editor's hooks, tests) see the same day */
    snprintf(buf, sizeof buf, "%08d", d);
    setenv("TIENDO_TODAY", buf, 1);
    return 0;
}

/* ---- helpers -------------------------------------------------------------- */

/* A period in the one syntax of every command (status.h td_period_norm:
 * MM/YYYY, M/YYYY, YYYY-MM, YYYY-M) -> "2025-06".  0 if not. */
int tdc_period_norm(const char *in, char out[8])
{
    return td_period_norm(in, out) == 0;
}

void tdc_period_vi(const char *p, char *out, size_t n)
{
    if (strlen(p) == 7 && p[4] == '-') snprintf(out, n, "%.2s/%.4s", p + 5, p);
    else snprintf(out, n, "%s", p);
}

/* Is period after the month of today?  Then it has not begun: refuse. */
int tdc_period_future(const char *p, int today)
{
    int y = atoi(p), m = atoi(p + 5);
    return y * 100 + m > today / 100;
}

int tdc_usage_err(const char *cmd, const char *msg, const char *arg)
{
    return td_cli_usage_err("tiendo", cmd, "%s%s", msg, arg ? arg : "");
}

/* A copy of s as NFC, or NULL with *why set: not UTF-8, too long, no memory. */
char *tdc_nfc(const char *s, size_t max, const char **why)
{
    size_t n = strlen(s);
    char *r;
    if (n > max) {
        /* the limit as people write numbers: 16.384 byte */
        static char msg[160];
        char got[TD_MSG_NUM_MAX], lim[TD_MSG_NUM_MAX];
        snprintf(msg, sizeof msg, TD_MSG_APP_TEXT_TOO_LONG, td_msg_num(got, n), td_msg_num(lim, max));
        *why = msg;
        return NULL;
    }
    if (!td_utf8_valid(s, n, NULL)) {
        *why = TD_MSG_APP_NOT_UTF8;
        return NULL;
    }
    if (!(r = td_vi_nfc(s))) *why = TD_MSG_NOMEM;
    return r;
}

/* strtol of a whole string; 0 if not an integer. */
int tdc_int(const char *s, long *out)
{
    char *end;
    if (!*s) return 0;
    errno = 0;
    *out = strtol(s, &end, 10);
    return !*end && !errno;
}


int tdc_app_queue(tdc_ctx *c, int kind, const uint8_t *payload, size_t len, const char *summary, uint64_t *seq,
                  td_error *e)
{
    td_error x;
    td_error_clear(e);
    /* after every seq of this device (any of its keys) the pulled log holds */
    if (tdc_replica_outbox_add(c->rep, &c->id, kind, payload, len, summary, tdc_now_ms(),
                               tdc_replica_device_last_seq(c->rep, &c->id), seq, &x))
        return td_error_set(e, x.code, TD_MSG_APP_OUTBOX_WRITE_FAILED, td_error_vi(&x));
    return 0;
}

int tdc_queue_entry(tdc_ctx *c, const char *cmd, int kind, const uint8_t *payload, size_t len, const char *summary,
                    uint64_t *seq)
{
    td_error e;
    if (tdc_app_queue(c, kind, payload, len, summary, seq, &e)) {
        fprintf(stderr, "tiendo %s: %s\n", cmd, td_error_vi(&e));
        return 1;
    }
    return 0;
}

/* ---- sync ------------------------------------------------------------------- */

static int tdc__io_send(void *arg, const Tiendo__Frame *f, td_error *err) { return tdc_link_send(arg, f, err); }
static int tdc__io_recv(void *arg, Tiendo__Frame **out, td_error *err) { return tdc_link_recv(arg, out, 0, err); }

/* The certificates of this device's earlier keys, kept by `tiendo renew` as
 * CERT.old-STAMP (the newest TD_PUSH_EARLIER_CERTS_MAX), as DER for
 * Push.earlier_certs: a device that renewed before its first push proves
 * the key its outbox was signed with.  Unreadable files are skipped. */
static size_t tdc__earlier_certs(const char *cert_path, ProtobufCBinaryData v[TD_PUSH_EARLIER_CERTS_MAX])
{
    char pat[PATH_MAX + 32];
    glob_t g;
    size_t n = 0;
    snprintf(pat, sizeof pat, "%s.old-*", cert_path);
    if (glob(pat, 0, NULL, &g) != 0) return 0;
    for (size_t i = g.gl_pathc; i > 0 && n < TD_PUSH_EARLIER_CERTS_MAX; i--) {
        X509 *x = NULL;
        unsigned char *der = NULL;
        int len;
        if (td_x509_read_cert(g.gl_pathv[i - 1], &x, NULL)) continue;
        len = i2d_X509(x, &der);
        X509_free(x);
        if (len <= 0) continue;
        v[n].data = der;
        v[n].len = (size_t)len;
        n++;
    }
    globfree(&g);
    return n;
}

void tdc_app_link_opts(const tdc_ctx *c, const char *server, tdc_link_opts *lo)
{
    memset(lo, 0, sizeof *lo);
    lo->dev = &c->dev;
    lo->server = server;
    lo->cursor = tdc_replica_cursor(c->rep);
}

static int tdc__sync_once(tdc_ctx *c, const char *server, tdc_sync_progress_fn progress, void *progress_arg,
                          tdc_sync_stats *sp, td_error *why)
{
    tdc_link_opts lo;
    tdc_link *l;
    tdc_sync_io io;
    tdc_sync_opts so;
#define s (*sp)
    const Tiendo__Welcome *w;
    int rc;

    tdc_checkpoint_row head_row;
    Tiendo__TreeHead head;
    unsigned char server_pk[32];
    int have_head;

    memset(&s, 0, sizeof s);
    memset(&head_row, 0, sizeof head_row);
    tdc_app_link_opts(c, server, &lo);
    /* Interoperability and fault tests (not for people): play an older
     * client (TIENDO_PROTO_MAX=2: no own-entry omission), or push in small
     * batches so that a short outbox fills the pipelined window
     * (TIENDO_PUSH_BATCH=N entries per Push). */
    {
        const char *pm = getenv("TIENDO_PROTO_MAX");
        if (pm && *pm) lo.max_version = (uint32_t)strtoul(pm, NULL, 10);
    }
    /* Hello carries the last verified checkpoint: the server proves the
     * new one consistent with it. */
    if ((have_head = tdc_sync_hello_head(c->rep, &head_row, &head, why)) < 0) return why->code ? why->code : TD_EDB;
    if (have_head) lo.tree_head = &head;
    l = tdc_link_open(&lo, why);
    tdc_checkpoint_row_free(&head_row);
    if (!l) return why->code ? why->code : TD_ECONNECT;
    if (tdc_link_peer(l, server_pk, NULL, why)) {
        tdc_link_close(l);
        return why->code ? why->code : TD_ETLS;
    }
    w = tdc_link_welcome(l);
    io.arg = l;
    io.send = tdc__io_send;
    io.recv = tdc__io_recv;
    memset(&so, 0, sizeof so);
    so.agency = c->id.subject.agency;
    so.progress = progress;
    {
        const char *pb = getenv("TIENDO_PUSH_BATCH");
        if (pb && *pb) so.push_max_entries = (size_t)strtoul(pb, NULL, 10);
        /* entries asked per Pull (tests: a rescan over many round trips) */
        pb = getenv("TIENDO_PULL_BATCH");
        if (pb && *pb) so.pull_limit = (uint32_t)strtoul(pb, NULL, 10);
    }
    so.progress_arg = progress_arg;
    so.server_pk = server_pk;
    so.id = &c->id;
    ProtobufCBinaryData earlier[TD_PUSH_EARLIER_CERTS_MAX];
    so.n_earlier_certs = tdc__earlier_certs(c->dev.cert_path, earlier);
    so.earlier_certs = earlier;
    rc = tdc_sync_run(c->rep, w, &io, &so, &s, why);
    for (size_t i = 0; i < so.n_earlier_certs; i++) OPENSSL_free(earlier[i].data);
    if (rc == TD_OK) {
        /* The log grew by what we pushed after the Welcome counted it. */
        uint64_t seen = tdc_replica_cursor(c->rep) - 1;
        rc = tdc_replica_sync_done(c->rep, tdc_now_ms(), w->log_size > seen ? w->log_size : seen, why);
    }
    if (rc == TD_OK) {
        /* the next command loads this fold instead of folding every row again; without it, it still can */
        td_error x = {0};
        if (tdc_replica_snapshot_save(c->rep, 0, NULL, &x)) td_log_warn("fold snapshot not stored: %s", x.msg);
    }
    tdc_link_close(l);
    if (!rc && (s.own_rebuilt || s.own_fallbacks))
        td_log_info("own entries: %llu rebuilt from the outbox (no body on the wire), %llu batches pulled again "
                    "with bodies", (unsigned long long)s.own_rebuilt, (unsigned long long)s.own_fallbacks);
    return rc;
#undef s
}

int tdc_app_sync(tdc_ctx *c, const char *server, tdc_sync_progress_fn progress, void *progress_arg,
                 tdc_sync_stats *stats, td_error *why)
{
    tdc_sync_stats local;
    td_error_clear(why);
    return tdc__sync_once(c, server, progress, progress_arg, stats ? stats : &local, why);
}

/* ---- this device's entries still in the outbox ---------------------------- */

/* Outbox entries decoded for "chờ gửi" markers; an office writes a few
 * dozen a month, so this is far above a real backlog. */
#define TDC_PENDING_MAX 10000
#define TDC_PENDING_BYTES (256u << 20)

void tdc_pending_free(tdc_pending_set *p)
{
    tdc_outbox_items_free(p->items, p->n_items);
    free(p->v);
    memset(p, 0, sizeof *p);
}

static int tdc__pending_push(tdc_pending_set *p, size_t *cap, const tdc_pending *x)
{
    if (td_grow(&p->v, cap, p->n + 1, sizeof *p->v)) return TD_ENOMEM;
    p->v[p->n++] = *x;
    return 0;
}

/*
 * Decode the device's pending outbox entries (signed by this device, not yet
 * acknowledged): which task, agency and period each is about.  An entry that
 * does not decode is kept with task 0 (it is still waiting; `tiendo status`
 * lists it).  0, or a TD_E* code with err filled.
 */
int tdc_app_pending_load(tdc_replica *rep, tdc_pending_set *p, td_error *err)
{
    size_t cap = 0;
    memset(p, 0, sizeof *p);
    if (tdc_replica_outbox_pending(rep, 0, TDC_PENDING_MAX, TDC_PENDING_BYTES, &p->items, &p->n_items, err))
        return err->code ? err->code : TD_EDB;
    for (size_t i = 0; i < p->n_items; i++) {
        const tdc_outbox_item *it = &p->items[i];
        tdc_pending x;
        td_entry en;
        td_error e2;
        int rc = 0;
        memset(&x, 0, sizeof x);
        x.seq = it->seq;
        x.kind = it->kind;
        x.summary = it->summary;
        if (!it->body || td_entry_decode(it->body, it->len, &en, &e2)) {
            if (tdc__pending_push(p, &cap, &x)) goto oom;
            continue;
        }
        if (en.e->kind == TIENDO__ENTRY_KIND__ENTRY_REPORT) {
            Tiendo__ReportPayload *rp =
                tiendo__report_payload__unpack(NULL, en.e->payload.len, en.e->payload.data);
            if (rp) {
                x.task = td_task_key(rp->plan, rp->task);   /* the key (docs/LOG.md §14) */
                snprintf(x.agency, sizeof x.agency, "%s", rp->agency ? rp->agency : "");
                snprintf(x.period, sizeof x.period, "%s", rp->period ? rp->period : "");
                x.state = rp->state;
                tiendo__report_payload__free_unpacked(rp, NULL);
            }
            rc = tdc__pending_push(p, &cap, &x);
        } else if (en.e->kind == TIENDO__ENTRY_KIND__ENTRY_REVIEW) {
            Tiendo__ReviewPayload *rv =
                tiendo__review_payload__unpack(NULL, en.e->payload.len, en.e->payload.data);
            if (rv) {
                x.task = td_task_key(rv->plan, rv->task);
                snprintf(x.agency, sizeof x.agency, "%s", rv->agency ? rv->agency : "");
                tiendo__review_payload__free_unpacked(rv, NULL);
            }
            rc = tdc__pending_push(p, &cap, &x);
        } else if (en.e->kind == TIENDO__ENTRY_KIND__ENTRY_CONDITION) {
            Tiendo__ConditionPayload *cp =
                tiendo__condition_payload__unpack(NULL, en.e->payload.len, en.e->payload.data);
            if (cp) {
                x.task = td_task_key(cp->plan, cp->task);
                tiendo__condition_payload__free_unpacked(cp, NULL);
            }
            rc = tdc__pending_push(p, &cap, &x);
        } else if (en.e->kind == TIENDO__ENTRY_KIND__ENTRY_PLAN) {
            Tiendo__PlanChange *pc = tiendo__plan_change__unpack(NULL, en.e->payload.len, en.e->payload.data);
            if (pc && !pc->plan && pc->n_deadlines) {
                for (size_t k = 0; k < pc->n_deadlines && !rc; k++) {
                    x.task = td_task_key(pc->plan_number, pc->deadlines[k]->task);
                    rc = tdc__pending_push(p, &cap, &x);
                }
            } else {
                rc = tdc__pending_push(p, &cap, &x);
            }
            if (pc) tiendo__plan_change__free_unpacked(pc, NULL);
        } else {
            rc = tdc__pending_push(p, &cap, &x);
        }
        td_entry_free(&en);
        if (rc) goto oom;
    }
    return 0;
oom:
    tdc_pending_free(p);
    td_error_set(err, TD_ENOMEM, "pending outbox entries: out of memory");
    return TD_ENOMEM;
}

/* A pending report of this device on (task, agency, period)? */
const tdc_pending *tdc_pending_report(const tdc_pending_set *p, uint32_t task, const char *agency,
                                              const char *period)
{
    const tdc_pending *hit = NULL;
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].kind == TIENDO__ENTRY_KIND__ENTRY_REPORT && p->v[i].task == task &&
            !strcmp(p->v[i].agency, agency) && (!period || !strcmp(p->v[i].period, period)))
            hit = &p->v[i];   /* the last written wins, as in the log */
    return hit;
}

char *tdc_app_alarm_note(const char *note, td_error *e)
{
    const char *why = NULL;
    char *n, *t;
    if (!(n = tdc_nfc(note ? note : "", TDC_ALARM_NOTE_MAX, &why))) {
        td_error_set(e, TD_EARG, TD_MSG_APP_ALARM_NOTE_BAD, why);
        return NULL;
    }
    t = td_trim(n);
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') {
            td_error_set(e, TD_EARG, TD_MSG_APP_ALARM_NOTE_CONTROL_CHAR,
                         (unsigned char)*p, (int)(p - t) + 1);
            free(n);
            return NULL;
        }
    if (!*t) {
        free(n);
        td_error_set(e, TD_EARG, TD_MSG_APP_ALARM_NOTE_NEEDED);
        return NULL;
    }
    memmove(n, t, strlen(t) + 1);
    return n;
}

const char *tdc_app_alarm_what(tdc_ctx *c, int64_t id)
{
    tdc_alarm *v = NULL;
    size_t nv = 0;
    const char *what = tdc_alarm_vi("");
    td_error e;
    if (tdc_replica_alarm_list(c->rep, 1, &v, &nv, &e) == 0)
        for (size_t i = 0; i < nv; i++)
            if (v[i].id == id && v[i].kind) what = tdc_alarm_vi(v[i].kind);   /* static texts */
    tdc_alarms_free(v, nv);
    return what;
}

int tdc_app_alarm_ack(tdc_ctx *c, int64_t id, const char *note, td_error *e)
{
    char *n, by[TD_DEVICE_MAX + TD_AGENCY_MAX + 8];
    tdc_alarm *v = NULL;
    size_t nv = 0;
    int rc;
    if (id <= 0) return td_error_set(e, TD_EARG, TD_MSG_APP_ALARM_NUMBER_BAD, (long long)id);
    if (!(n = tdc_app_alarm_note(note, e))) return e->code;
    snprintf(by, sizeof by, "%s, %s", c->id.subject.device, c->id.subject.agency);
    rc = tdc_replica_alarm_ack(c->rep, id, tdc_now_ms(), by, n, e);
    free(n);
    if (rc != TD_ENOTFOUND) {
        if (rc) {
            char detail[sizeof e->msg];
            snprintf(detail, sizeof detail, "%s", e->msg);
            return td_error_set(e, rc, TD_MSG_APP_REPLICA_WRITE_FAILED, td_err_vi(rc), detail);
        }
        return 0;
    }
    /* say which: no such alarm, or one already acknowledged (when, by whom) */
    if (tdc_replica_alarm_list(c->rep, 1, &v, &nv, e) == 0)
        for (size_t i = 0; i < nv; i++)
            if (v[i].id == id && v[i].acked_ms) {
                char when[32];
                tdc_fmt_time(v[i].acked_ms, when, sizeof when);
                td_error_set(e, TD_ENOTFOUND, TD_MSG_APP_ALARM_ALREADY_CLEARED, (long long)id,
                             when, v[i].acked_by && *v[i].acked_by ? v[i].acked_by : TD_MSG_APP_ALARM_WHO_UNKNOWN);
                tdc_alarms_free(v, nv);
                return TD_ENOTFOUND;
            }
    tdc_alarms_free(v, nv);
    return td_error_set(e, TD_ENOTFOUND, TD_MSG_APP_ALARM_UNKNOWN, (long long)id);
}

/* session.c — see session.h. */
#include "clock.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "attach.h"
#include "frame.h"
#include "log.h"
#include "proto_ver.h"
#include "ratelimit.h"
#include "sync_limits.h"

void tds_session_init(tds_session *s, const td_subject *peer, const unsigned char pk[32],
                      const char *server_name, const tds_session_io *io)
{
    memset(s, 0, sizeof *s);
    s->peer = *peer;
    memcpy(s->peer_pk, pk, 32);
    s->server_name = server_name;
    s->io = *io;
    s->state = TDS_AWAIT_HELLO;
    s->pk_peer.subj = *peer;
    memcpy(s->pk_peer.pk, pk, 32);
}

void tds_session_set_backend(tds_session *s, const tds_backend *be, const uint8_t *cert_der, size_t cert_len)
{
    s->be = be;
    s->pk_peer.cert_der = cert_der;
    s->pk_peer.cert_der_len = cert_len;
}

int tds_session_fail(tds_session *s, Tiendo__ErrorCode code, int td_code, const char *msg,
                     const char *msg_vi)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Error e = TIENDO__ERROR__INIT;

    if (s->state == TDS_ENDED) return td_code;
    td_log_warn("session %s/%s: ending: %s", s->peer.agency, s->peer.device, msg);
    e.code = code;
    e.message = (char *)msg;
    e.message_vi = (char *)(msg_vi ? msg_vi : "");
    f.body_case = TIENDO__FRAME__BODY_ERROR;
    f.error = &e;
    s->io.send(s->io.arg, &f);
    s->state = TDS_ENDED;
    s->io.end(s->io.arg);
    return td_code;
}

int tds_session_refuse_oversized(tds_session *s, const char *what, uint64_t size, uint64_t limit)
{
    char msg[256], vi[256];
    snprintf(msg, sizeof msg, "%s of %llu bytes exceeds the limit of %llu bytes", what, (unsigned long long)size,
             (unsigned long long)limit);
    snprintf(vi, sizeof vi, "Dữ liệu gửi lên (%s, %llu byte) vượt quá giới hạn %llu byte; hãy giảm kích thước rồi gửi lại.",
             what, (unsigned long long)size, (unsigned long long)limit);
    return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_TOO_BIG, TD_ETOOBIG, msg, vi);
}

static uint64_t td__now_ms(void) { return (uint64_t)td_clock_now_ms(); }

/* A TreeHead message over th (borrowed; valid while th is). */
static void tds__tree_head_msg(Tiendo__TreeHead *t, const tds_tree_head *th)
{
    tiendo__tree_head__init(t);
    t->size = th->size;
    t->root.data = (uint8_t *)th->root;
    t->root.len = sizeof th->root;
    t->checkpoint.data = (uint8_t *)th->note;
    t->checkpoint.len = th->note_len;
}

static int tds__fail_backend(tds_session *s, int rc, const td_error *err)
{
    return tds_session_fail(s, rc == TD_EBUSY ? TIENDO__ERROR_CODE__ERR_BUSY : TIENDO__ERROR_CODE__ERR_INTERNAL, rc,
                            err->msg, "Máy chủ đang gặp sự cố khi đọc dữ liệu; hãy đồng bộ lại sau.");
}

static int tds__on_hello(tds_session *s, const Tiendo__Hello *h)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Welcome w = TIENDO__WELCOME__INIT;
    Tiendo__TreeHead th = TIENDO__TREE_HEAD__INIT;
    ProtobufCBinaryData cons[TD_MERKLE_MAX_PROOF];
    tds_head head;
    int rc;
    uint32_t vmax = s->max_version && s->max_version < TD_PROTO_MAX ? s->max_version : TD_PROTO_MAX;
    uint32_t v = td_proto_negotiate(h->min_version, h->max_version, TD_PROTO_MIN, vmax);
    char msg[256];

    if (v == 0) {
        if (h->max_version < TD_PROTO_MIN) {
            snprintf(msg, sizeof msg,
                     "client speaks protocol %u..%u, server needs %u..%u: client too old",
                     h->min_version, h->max_version, TD_PROTO_MIN, vmax);
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_VERSION, TD_EVERSION, msg,
                                    "Phần mềm tiendo của đơn vị đã quá cũ so với máy chủ; "
                                    "hãy cập nhật phiên bản mới rồi đồng bộ lại.");
        }
        snprintf(msg, sizeof msg,
                 "client speaks protocol %u..%u, server only %u..%u: server too old",
                 h->min_version, h->max_version, TD_PROTO_MIN, vmax);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_VERSION, TD_EVERSION, msg,
                                "Máy chủ chưa hỗ trợ phiên bản giao thức của phần mềm này; "
                                "hãy báo Sở Khoa học và Công nghệ.");
    }
    if (v < TD_PROTO_PLANS && s->be && s->be->plan_count && s->be->plan_count(s->be->ctx) > 1) {
        snprintf(msg, sizeof msg,
                 "client speaks protocol %u..%u: the log holds several plans, which need protocol %d", h->min_version,
                 h->max_version, TD_PROTO_PLANS);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_VERSION, TD_EVERSION, msg,
                                "Máy chủ nay theo dõi nhiều kế hoạch; phần mềm tiendo của đơn vị là bản cũ, chỉ đọc "
                                "được một kế hoạch. Hãy cập nhật phiên bản mới rồi đồng bộ lại.");
    }
    s->version = v;
    s->state = TDS_OPEN;
    w.version = v;
    w.software = "tiendo-server " TD_VERSION;
    w.server_name = (char *)(s->server_name ? s->server_name : "");
    w.agency = s->peer.agency;
    w.role = (char *)td_role_name(s->peer.role);
    w.server_time_ms = td__now_ms();
    memset(&head, 0, sizeof head);
    if (s->be) {
        td_error err = {0};
        int has_new = 0;
        uint64_t size = 0;
        if ((rc = s->be->welcome(s->be->ctx, &s->pk_peer, h->cursor, &has_new, &size, &err)) == TD_EREVOKED)
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_AUTH, rc, err.msg,
                                    "Chứng thư của thiết bị đã bị thu hồi hoặc đã được thay bằng chứng thư mới; "
                                    "hãy dùng chứng thư mới hoặc liên hệ cán bộ quản lý CA.");
        if (rc)
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_INTERNAL, rc, err.msg,
                                    "Máy chủ đang gặp sự cố khi đọc dữ liệu; hãy đồng bộ lại sau.");
        w.has_new = has_new != 0;
        w.log_size = size;
        /* The tree head, and the proof that it extends the client's: a
         * client ahead of us (have > latest) gets no proof and alarms. */
        if (s->be->head) {
            uint64_t have = h->tree_head ? h->tree_head->size : 0;
            if ((rc = s->be->head(s->be->ctx, &s->pk_peer, have, &head, &err))) return tds__fail_backend(s, rc, &err);
            if (head.th.note) {
                tds__tree_head_msg(&th, &head.th);
                w.tree_head = &th;
                if (head.has_proof) {
                    for (size_t i = 0; i < head.n_proof; i++) {
                        cons[i].data = head.proof + i * TD_MERKLE_HASH_LEN;
                        cons[i].len = TD_MERKLE_HASH_LEN;
                    }
                    w.consistency = cons;
                    w.n_consistency = head.n_proof;
                }
                w.cosignatures = head.cosigs;
                w.n_cosignatures = head.n_cosigs;
            }
            if (have > head.th.size)
                td_log_warn("session %s/%s: the client has verified a tree of size %llu, larger than the latest "
                            "checkpoint (%llu)", s->peer.agency, s->peer.device, (unsigned long long)have,
                            (unsigned long long)head.th.size);
        }
    }
    f.body_case = TIENDO__FRAME__BODY_WELCOME;
    f.welcome = &w;
    {
        char q[TD_LOG_QUOTE_BUF];
        td_log_info("session %s/%s: hello from %s, protocol %u", s->peer.agency, s->peer.device,
                    td_log_quote(h->software, q, sizeof q), v);
    }
    rc = s->io.send(s->io.arg, &f);
    tds_head_free(&head);
    return rc;
}

static int tds__on_proof_request(tds_session *s, const Tiendo__ProofRequest *q)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Proof p = TIENDO__PROOF__INIT;
    Tiendo__TreeHead th = TIENDO__TREE_HEAD__INIT;
    Tiendo__LogEntry le = TIENDO__LOG_ENTRY__INIT;
    ProtobufCBinaryData hs[TD_MERKLE_MAX_PROOF];
    tds_proof pr;
    td_error err = {0};
    int rc;

    if (!s->be || !s->be->proof)
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_INTERNAL, TD_EINTERNAL, "proof: this server has no log",
                                "Máy chủ chưa sẵn sàng cung cấp bằng chứng.");
    if ((rc = s->be->proof(s->be->ctx, &s->pk_peer, q->index, q->tree_size, &pr, &err))) {
        if (rc == TD_EAUTH)
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_AUTH, rc, err.msg,
                                    "Bản ghi này không thuộc phạm vi đơn vị được xem.");
        if (rc == TD_EARG)
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_UNEXPECTED, rc, err.msg,
                                    "Số thứ tự bản ghi hoặc kích thước cây không có trên máy chủ.");
        return tds__fail_backend(s, rc, &err);
    }
    le.index = pr.index;
    le.received_ms = pr.received_ms;
    if (!(le.entry = tiendo__signed_entry__unpack(NULL, pr.entry_len, pr.entry))) {
        tds_proof_free(&pr);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_INTERNAL, TD_EDB, "proof: the stored entry does not decode",
                                "Máy chủ đang gặp sự cố khi đọc dữ liệu.");
    }
    for (size_t i = 0; i < pr.n; i++) {
        hs[i].data = pr.hashes + i * TD_MERKLE_HASH_LEN;
        hs[i].len = TD_MERKLE_HASH_LEN;
    }
    tds__tree_head_msg(&th, &pr.th);
    p.index = pr.index;
    p.tree_size = pr.th.size;
    p.entry = &le;
    p.hashes = hs;
    p.n_hashes = pr.n;
    p.tree_head = &th;
    f.body_case = TIENDO__FRAME__BODY_PROOF;
    f.proof = &p;
    rc = s->io.send(s->io.arg, &f);
    tiendo__signed_entry__free_unpacked(le.entry, NULL);
    tds_proof_free(&pr);
    return rc;
}

static int tds__on_cosign(tds_session *s, const Tiendo__Cosign *c)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__CosignAck a = TIENDO__COSIGN_ACK__INIT;
    tds_cosign_result res;
    td_error err = {0};
    char msg[256];
    int rc;

    if (s->peer.role != TD_ROLE_INSPECTOR) {
        snprintf(msg, sizeof msg, "cosign from %s/%s (role %s): only inspector devices witness checkpoints",
                 s->peer.agency, s->peer.device, td_role_name(s->peer.role));
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_AUTH, TD_EAUTH, msg,
                                "Chỉ thiết bị của thanh tra mới được ký xác nhận (cosign) điểm kiểm của sổ nhật ký.");
    }
    if (!s->be || !s->be->cosign)
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_INTERNAL, TD_EINTERNAL, "cosign: this server has no log",
                                "Máy chủ chưa sẵn sàng nhận chữ ký xác nhận.");
    rc = s->be->cosign(s->be->ctx, &s->pk_peer, (const char *)c->checkpoint.data, c->checkpoint.len,
                       c->cosignature ? c->cosignature : "", &res, &err);
    if (rc == TD_EAUTH)
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_AUTH, rc, err.msg,
                                "Chỉ thiết bị của thanh tra mới được ký xác nhận (cosign) điểm kiểm của sổ nhật ký.");
    if (rc) return tds__fail_backend(s, rc, &err);
    a.stored = res.stored != 0;
    a.reason = res.reason;
    a.witnessed_size = res.witnessed_size;
    f.body_case = TIENDO__FRAME__BODY_COSIGN_ACK;
    f.cosign_ack = &a;
    return s->io.send(s->io.arg, &f);
}

/* Send the PushAck for acks[0..n) (the batch is durably committed). */
static int tds__send_push_ack(tds_session *s, const tds_ack *acks, size_t n)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__PushAck pa = TIENDO__PUSH_ACK__INIT;
    Tiendo__Ack *av = NULL, **ap = NULL;
    size_t stored = 0, refused = 0;
    int rc;
    if (n) {
        av = calloc(n, sizeof *av);
        ap = calloc(n, sizeof *ap);
        if (!av || !ap) {
            free(av);
            free(ap);
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BUSY, TD_ENOMEM, "out of memory for a push ack",
                                    "Máy chủ đang quá tải; hãy thử lại sau.");
        }
    }
    for (size_t i = 0; i < n; i++) {
        tiendo__ack__init(&av[i]);
        av[i].seq = acks[i].seq;
        av[i].status = acks[i].status;
        av[i].index = acks[i].index;
        av[i].reason = (char *)acks[i].reason;
        ap[i] = &av[i];
        if (acks[i].status == TIENDO__ACK_STATUS__ACK_STORED) stored++;
        else if (acks[i].status == TIENDO__ACK_STATUS__ACK_REFUSED) refused++;
    }
    pa.acks = ap;
    pa.n_acks = n;
    f.body_case = TIENDO__FRAME__BODY_PUSH_ACK;
    f.push_ack = &pa;
    s->pushed += stored;
    td_log_debug("session %s/%s: push of %zu entries, %zu stored", s->peer.agency, s->peer.device, n, stored);
    rc = s->io.send(s->io.arg, &f);
    free(av);
    free(ap);
    s->refused += refused;
    if (!rc && refused && s->refuse_rl) {
        uint64_t wait_ms = tds_rl_charge(s->refuse_rl, s->peer_pk, (uint32_t)refused, 0);
        if (wait_ms) {
            char msg[400], vi[256];
            snprintf(msg, sizeof msg, "refused-entry budget spent: %s/%s had %llu entries refused in this session "
                     "(budget %d, then %d a second); pushes refused for %llu ms", s->peer.agency, s->peer.device,
                     (unsigned long long)s->refused, TDS_REFUSED_BURST, TDS_REFUSED_RATE, (unsigned long long)wait_ms);
            snprintf(vi, sizeof vi, "Máy chủ đã từ chối quá nhiều bản ghi của thiết bị này; hãy kiểm tra các bản "
                     "ghi bị từ chối và đồng bộ lại sau khoảng %llu giây.", (unsigned long long)(wait_ms + 999) / 1000);
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BUSY, TD_EBUSY, msg, vi);
        }
    }
    return rc;
}

static int tds__push_failed(tds_session *s, int rc, const td_error *err)
{
    return tds_session_fail(s, rc == TD_EBUSY ? TIENDO__ERROR_CODE__ERR_BUSY : TIENDO__ERROR_CODE__ERR_INTERNAL, rc,
                            err && err->msg[0] ? err->msg : "push not stored",
                            "Máy chủ chưa lưu được dữ liệu; hãy đồng bộ lại sau.");
}

/* A push waiting for the group commit (tds_backend.push_defer). */
typedef struct tds__deferred {
    tds_session *s;
    size_t n;
    tds_ack acks[];               /* filled by the backend */
} tds__deferred;

static void tds__push_done(void *arg, int rc, const td_error *err)
{
    tds__deferred *d = arg;
    tds_session *s = d->s;
    s->deferred--;
    /* A session that ended meanwhile (its peer cut, a protocol error) gets
     * nothing: its entries are stored or not, and the next session's
     * re-send is answered DUPLICATE. */
    if (s->state == TDS_OPEN) {
        if (rc) tds__push_failed(s, rc, err);
        else tds__send_push_ack(s, d->acks, d->n);
    }
    free(d);
}

/* The bounds, the backend and the rate limit, before any work on a push:
 * 0, or the session has ended with that code. */
static int tds__push_admit(tds_session *s, const Tiendo__Push *p)
{
    size_t bytes = 0;
    char msg[256];

    if (p->n_entries > TD_PUSH_MAX_ENTRIES) {
        snprintf(msg, sizeof msg, "push of %zu entries exceeds TD_PUSH_MAX_ENTRIES (%d)", p->n_entries,
                 TD_PUSH_MAX_ENTRIES);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_TOO_BIG, TD_ETOOBIG, msg,
                                "Lô dữ liệu gửi lên có quá nhiều bản ghi.");
    }
    for (size_t i = 0; i < p->n_entries; i++)
        if (p->entries[i]) bytes += p->entries[i]->body.len + p->entries[i]->sig.len;
    if (bytes > TD_PUSH_MAX_BYTES) {
        snprintf(msg, sizeof msg, "push of %zu bytes exceeds TD_PUSH_MAX_BYTES (%u)", bytes, TD_PUSH_MAX_BYTES);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_TOO_BIG, TD_ETOOBIG, msg,
                                "Lô dữ liệu gửi lên quá lớn.");
    }
    if (!s->be)
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_INTERNAL, TD_EINTERNAL, "push: this server has no log",
                                "Máy chủ chưa sẵn sàng nhận dữ liệu.");
    /* per-device push limit (docs/PROTOCOL.md §10): a device flooding pushes gets ERR_BUSY, not the event loop */
    if (s->push_rl) {
        uint32_t cost = p->n_entries > TDS_RL_PUSH_MIN_COST ? (uint32_t)p->n_entries : TDS_RL_PUSH_MIN_COST;
        uint64_t wait_ms = tds_rl_take(s->push_rl, s->peer_pk, cost, 0);
        if (wait_ms) {
            char vi[256];
            s->rate_limited++;
            snprintf(msg, sizeof msg, "push rate limit: %s/%s pushes faster than push-rate allows; retry in %llu ms",
                     s->peer.agency, s->peer.device, (unsigned long long)wait_ms);
            snprintf(vi, sizeof vi, "Thiết bị gửi dữ liệu lên quá nhanh, vượt giới hạn của máy chủ; "
                     "hãy đồng bộ lại sau khoảng %llu giây.", (unsigned long long)(wait_ms + 999) / 1000);
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BUSY, TD_EBUSY, msg, vi);
        }
    }
    if (s->refuse_rl) {   /* a device whose refusals spent its budget waits */
        uint64_t wait_ms = tds_rl_wait(s->refuse_rl, s->peer_pk, 0);
        if (wait_ms) {
            char vi[256];
            snprintf(msg, sizeof msg, "refused-entry budget spent: %s/%s may push again in %llu ms", s->peer.agency,
                     s->peer.device, (unsigned long long)wait_ms);
            snprintf(vi, sizeof vi, "Máy chủ đã từ chối quá nhiều bản ghi của thiết bị này; hãy đồng bộ lại sau "
                     "khoảng %llu giây.", (unsigned long long)(wait_ms + 999) / 1000);
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BUSY, TD_EBUSY, msg, vi);
        }
    }
    return 0;
}

/* The session's peer, with the earlier certificates that travel with this
 * push only (a device that renewed before its first push). */
static tds_peer tds__push_peer(const tds_session *s, const Tiendo__Push *p)
{
    tds_peer pp = s->pk_peer;
    pp.earlier = p->earlier_certs;
    pp.n_earlier = p->n_earlier_certs;
    return pp;
}

static int tds__on_push(tds_session *s, const Tiendo__Push *p)
{
    tds_ack *acks = NULL;
    td_error err = {0};
    tds_peer pp;
    int rc;

    if ((rc = tds__push_admit(s, p))) return rc;
    pp = tds__push_peer(s, p);
    if (s->be->push_defer && s->be->flush) {
        /* Group commit: the ack leaves from tds__push_done, after the
         * commit that covers this batch (docs/PROTOCOL.md §11). */
        tds__deferred *d = calloc(1, sizeof *d + p->n_entries * sizeof(tds_ack));
        if (!d)
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BUSY, TD_ENOMEM, "out of memory for a push",
                                    "Máy chủ đang quá tải; hãy thử lại sau.");
        d->s = s;
        d->n = p->n_entries;
        s->deferred++;
        s->be->push_defer(s->be->ctx, &pp, p->entries, p->n_entries, d->acks, tds__push_done, d);
        return s->state == TDS_ENDED ? TD_ECLOSED : TD_OK;
    }
    if (p->n_entries && !(acks = calloc(p->n_entries, sizeof *acks)))
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BUSY, TD_ENOMEM, "out of memory for a push",
                                "Máy chủ đang quá tải; hãy thử lại sau.");
    /* The backend returns only after the batch is durably committed. */
    rc = s->be->push(s->be->ctx, &pp, p->entries, p->n_entries, acks, &err);
    if (rc) {
        free(acks);
        return tds__push_failed(s, rc, &err);
    }
    rc = tds__send_push_ack(s, acks, p->n_entries);
    free(acks);
    return rc;
}

static int tds__on_pull(tds_session *s, const Tiendo__Pull *p)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__Entries e = TIENDO__ENTRIES__INIT;
    td_error err = {0};
    int rc;

    if (!s->be)
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_INTERNAL, TD_EINTERNAL, "pull: this server has no log",
                                "Máy chủ chưa sẵn sàng gửi dữ liệu.");
    /* own_from_seq means something only to a client that can rebuild the
     * bodies: one that negotiated TD_PROTO_OWN. */
    tds_peer pp = s->pk_peer;   /* the rescan filter travels with this pull only */
    pp.rescan_tasks = p->rescan_tasks;
    pp.n_rescan_tasks = p->n_rescan_tasks < TD_PULL_RESCAN_TASKS_MAX ? p->n_rescan_tasks : TD_PULL_RESCAN_TASKS_MAX;
    pp.batch_proof = s->version >= TD_PROTO_BATCH;
    if ((rc = s->be->pull(s->be->ctx, &pp, p->since, p->limit,
                          s->version >= TD_PROTO_OWN ? p->own_from_seq : 0, &e, &err)))
        return tds_session_fail(s, rc == TD_EBUSY ? TIENDO__ERROR_CODE__ERR_BUSY : TIENDO__ERROR_CODE__ERR_INTERNAL,
                                rc, err.msg, "Máy chủ đang gặp sự cố khi đọc dữ liệu; hãy đồng bộ lại sau.");
    /* audit paths only for a client that reads them (pull_free frees them) */
    if (s->version < TD_PROTO_PROOF)
        for (size_t i = 0; i < e.n_batch; i++) e.batch[i]->n_inclusion = 0;
    f.body_case = TIENDO__FRAME__BODY_ENTRIES;
    f.entries = &e;
    s->pulled += e.n_batch;
    rc = s->io.send(s->io.arg, &f);
    s->be->pull_free(s->be->ctx, &e);
    return rc;
}

/* ---- attachments (protocol version 2) ------------------------------------ */

/* The form checks every Blob* frame shares: version, backend, hash length.
 * Returns 0 to go on, else the session has ended with that code. */
static int tds__blob_form(tds_session *s, const char *what, const ProtobufCBinaryData *sha)
{
    char msg[200];
    if (s->version < TD_PROTO_BLOB) {
        snprintf(msg, sizeof msg, "%s is not accepted in protocol %u (attachments need %d)", what, s->version,
                 TD_PROTO_BLOB);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_UNEXPECTED, TD_EPROTO, msg,
                                "Phiên làm việc này không hỗ trợ tệp đính kèm; hãy cập nhật phần mềm tiendo.");
    }
    if (!s->be || !s->be->blob_offer || !s->be->blob_chunk || !s->be->blob_get) {
        snprintf(msg, sizeof msg, "%s: this server stores no attachments", what);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_INTERNAL, TD_EINTERNAL, msg,
                                "Máy chủ chưa sẵn sàng nhận tệp đính kèm.");
    }
    if (sha->len != 32) {
        snprintf(msg, sizeof msg, "%s: sha256 of %zu bytes, expected 32", what, sha->len);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BAD_FRAME, TD_EPROTO, msg,
                                "Mã băm của tệp đính kèm không hợp lệ.");
    }
    return 0;
}

static int tds__blob_status(tds_session *s, const unsigned char sha[32], const tds_blob_status *st)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__BlobStatus bs = TIENDO__BLOB_STATUS__INIT;
    bs.sha256.data = (uint8_t *)sha;
    bs.sha256.len = 32;
    bs.have = st->have;
    bs.complete = st->complete != 0;
    bs.refused = (char *)st->refused;
    bs.refused_vi = (char *)st->refused_vi;
    f.body_case = TIENDO__FRAME__BODY_BLOB_STATUS;
    f.blob_status = &bs;
    if (st->refused[0])
        td_log_warn("session %s/%s: attachment refused: %s", s->peer.agency, s->peer.device, st->refused);
    return s->io.send(s->io.arg, &f);
}

static int tds__blob_fail(tds_session *s, int rc, const td_error *err)
{
    if (rc == TD_EPROTO)
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_UNEXPECTED, rc, err->msg,
                                "Dữ liệu tệp đính kèm gửi lên sai trình tự; hãy đồng bộ lại.");
    return tds__fail_backend(s, rc, err);
}

static int tds__on_blob_offer(tds_session *s, const Tiendo__BlobOffer *o)
{
    tds_blob_status st;
    td_error err = {0};
    int rc;
    if ((rc = tds__blob_form(s, "blob_offer", &o->sha256))) return rc;
    memset(&st, 0, sizeof st);
    /* Bounds of attach.h first: nothing is reserved for a file that could
     * never be kept. */
    if (o->size == 0 || o->size > TD_ATTACH_MAX_BYTES) {
        snprintf(st.refused, sizeof st.refused, "offered file of %llu bytes: must be 1..%u (TD_ATTACH_MAX_BYTES)",
                 (unsigned long long)o->size, TD_ATTACH_MAX_BYTES);
        snprintf(st.refused_vi, sizeof st.refused_vi, "Tệp đính kèm rỗng hoặc lớn hơn %u MB.",
                 TD_ATTACH_MAX_BYTES / (1024 * 1024));
        return tds__blob_status(s, o->sha256.data, &st);
    }
    if (!td_attach_type_known(o->mime)) {
        snprintf(st.refused, sizeof st.refused, "offered file of type \"%.100s\": not an accepted type",
                 o->mime ? o->mime : "");
        snprintf(st.refused_vi, sizeof st.refused_vi, "Loại tệp đính kèm không được nhận (chỉ nhận %s).",
                 TD_ATTACH_ACCEPTED_VI);
        return tds__blob_status(s, o->sha256.data, &st);
    }
    if ((rc = s->be->blob_offer(s->be->ctx, &s->pk_peer, o->sha256.data, o->size, o->mime, &st, &err)))
        return tds__blob_fail(s, rc, &err);
    return tds__blob_status(s, o->sha256.data, &st);
}

static int tds__on_blob_chunk(tds_session *s, const Tiendo__BlobChunk *c)
{
    tds_blob_status st;
    td_error err = {0};
    char msg[200];
    int rc;
    if ((rc = tds__blob_form(s, "blob_chunk", &c->sha256))) return rc;
    if (c->data.len == 0 || c->data.len > TD_BLOB_CHUNK_MAX) {
        snprintf(msg, sizeof msg, "blob_chunk of %zu bytes: must be 1..%u (TD_BLOB_CHUNK_MAX)", c->data.len,
                 TD_BLOB_CHUNK_MAX);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_TOO_BIG, TD_ETOOBIG, msg,
                                "Một phần tệp đính kèm gửi lên có kích thước không hợp lệ.");
    }
    memset(&st, 0, sizeof st);
    if ((rc = s->be->blob_chunk(s->be->ctx, &s->pk_peer, c->sha256.data, c->offset, c->data.data, c->data.len, &st,
                                &err)))
        return tds__blob_fail(s, rc, &err);
    return tds__blob_status(s, c->sha256.data, &st);
}

static int tds__on_blob_get(tds_session *s, const Tiendo__BlobGet *g)
{
    Tiendo__Frame f = TIENDO__FRAME__INIT;
    Tiendo__BlobChunk c = TIENDO__BLOB_CHUNK__INIT;
    td_error err = {0};
    uint8_t *buf;
    size_t n = 0;
    uint64_t size = 0;
    char mime[128] = "";
    int rc;
    if ((rc = tds__blob_form(s, "blob_get", &g->sha256))) return rc;
    /* one chunk, freed before the next frame is read */
    if (!(buf = malloc(TD_BLOB_CHUNK_MAX)))
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BUSY, TD_ENOMEM, "out of memory for a blob_get",
                                "Máy chủ đang quá tải; hãy thử lại sau.");
    rc = s->be->blob_get(s->be->ctx, &s->pk_peer, g->sha256.data, g->offset, buf, TD_BLOB_CHUNK_MAX, &n, &size,
                         mime, &err);
    if (rc) {
        free(buf);
        if (rc == TD_EAUTH)
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_AUTH, rc, err.msg,
                                    "Tệp đính kèm này không có trên máy chủ hoặc không thuộc phạm vi đơn vị được xem.");
        if (rc == TD_EARG)
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_UNEXPECTED, rc, err.msg,
                                    "Vị trí đọc tệp đính kèm vượt quá kích thước tệp.");
        return tds__fail_backend(s, rc, &err);
    }
    c.sha256 = g->sha256;
    c.offset = g->offset;
    c.data.data = buf;
    c.data.len = n;
    c.size = size;
    c.mime = mime;
    f.body_case = TIENDO__FRAME__BODY_BLOB_CHUNK;
    f.blob_chunk = &c;
    rc = s->io.send(s->io.arg, &f);
    free(buf);
    return rc;
}

/* ---- pushes verified off the event loop ---------------------------------
 *
 * With a backend that has push_prepare, a Push is admitted (bounds, rate
 * limit) at once, then its verification (push_prepare) is handed to
 * io.offload, and the frame waits in the session's queue.  Every frame read
 * after it waits behind it, so the session's frames are handled in the
 * order they came: the head of the queue is handled once it is ready (a
 * frame that is not a Push always is; a Push once its verification has
 * returned), through push_defer_prepared and the group commit like any
 * push.  Above TDS_SESSION_QUEUE_MAX frames waiting, the session asks its
 * transport to stop reading (io.hold) until the queue drains.
 */

typedef struct tds__job {
    struct tds__job *next;
    tds_session *s;
    Tiendo__Frame *f;             /* owned */
    tds__deferred *d;             /* a Push: its acks (NULL for other frames) */
    void *prep;                   /* the backend's verified push, once work ran */
    /* copied from the backend: a worker never reads the session */
    void *(*prepare)(Tiendo__SignedEntry *const *entries, size_t n, tds_ack *acks);
    void (*prep_free)(void *prep);
    int running;                  /* handed to io.offload, after not yet called */
    int orphan;                   /* the session closed while running: after frees it */
} tds__job;

static int tds__dispatch(tds_session *s, Tiendo__Frame *f);

static void tds__job_free(tds__job *j)
{
    if (j->prep) j->prep_free(j->prep);
    free(j->d);
    td_frame_free(j->f);
    free(j);
}

/* Off the event loop: only the frame and the acks of this job. */
static void tds__job_work(void *arg)
{
    tds__job *j = arg;
    j->prep = j->prepare(j->f->push->entries, j->f->push->n_entries, j->d->acks);
}

static void tds__queue_add(tds_session *s, tds__job *j)
{
    if (s->q_tail) s->q_tail->next = j;
    else s->q_head = j;
    s->q_tail = j;
    if (++s->queued >= TDS_SESSION_QUEUE_MAX && !s->held && s->io.hold) {
        s->held = 1;
        s->io.hold(s->io.arg, 1);
    }
}

/* Handle the ready frames at the head of the queue, in order. */
static void tds__drain(tds_session *s)
{
    while (s->q_head && !s->q_head->running && s->state != TDS_ENDED) {
        tds__job *j = s->q_head;
        if (!(s->q_head = j->next)) s->q_tail = NULL;
        s->queued--;
        if (!j->d) {
            Tiendo__Frame *f = j->f;
            j->f = NULL;
            tds__job_free(j);
            tds__dispatch(s, f);
            continue;
        }
        if (!j->prep) {
            tds__job_free(j);
            tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BUSY, TD_ENOMEM, "out of memory for a push",
                             "Máy chủ đang quá tải; hãy thử lại sau.");
            break;
        }
        {
            tds__deferred *d = j->d;
            void *prep = j->prep;
            tds_peer pp = tds__push_peer(s, j->f->push);   /* borrows j->f until the call returns */
            j->d = NULL;
            j->prep = NULL;
            /* the ack leaves from tds__push_done, after the group commit */
            s->deferred++;
            s->be->push_defer_prepared(s->be->ctx, &pp, prep, d->acks, tds__push_done, d);
            tds__job_free(j);
        }
    }
    if (s->held && s->queued < TDS_SESSION_QUEUE_MAX / 2 && s->state != TDS_ENDED) {
        s->held = 0;
        s->io.hold(s->io.arg, 0);
    }
}

/* Back on the loop thread. */
static void tds__job_after(void *arg)
{
    tds__job *j = arg;
    tds_session *s = j->s;
    j->running = 0;
    s->offloaded--;
    if (j->orphan) {
        tds__job_free(j);
        return;
    }
    tds__drain(s);
}

/* A Push for verification off the loop (takes f). */
static int tds__push_offload(tds_session *s, Tiendo__Frame *f)
{
    const Tiendo__Push *p = f->push;
    tds__job *j;
    int rc;
    if ((rc = tds__push_admit(s, p))) {
        td_frame_free(f);
        return rc;
    }
    j = calloc(1, sizeof *j);
    if (!j || !(j->d = calloc(1, sizeof *j->d + p->n_entries * sizeof(tds_ack)))) {
        free(j);
        td_frame_free(f);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BUSY, TD_ENOMEM, "out of memory for a push",
                                "Máy chủ đang quá tải; hãy thử lại sau.");
    }
    j->s = s;
    j->f = f;
    j->d->s = s;
    j->d->n = p->n_entries;
    j->prepare = s->be->push_prepare;
    j->prep_free = s->be->push_prep_free;
    j->running = 1;
    s->offloaded++;
    tds__queue_add(s, j);
    if (!s->io.offload || s->io.offload(s->io.arg, tds__job_work, tds__job_after, j) != 0) {
        tds__job_work(j);   /* no worker (tests, or none available): here */
        tds__job_after(j);
    }
    return s->state == TDS_ENDED ? TD_ECLOSED : TD_OK;
}

void tds_session_close(tds_session *s)
{
    tds__job *j = s->q_head, *next;
    s->state = TDS_ENDED;
    s->q_head = s->q_tail = NULL;
    s->queued = 0;
    for (; j; j = next) {
        next = j->next;
        j->next = NULL;
        if (j->running) j->orphan = 1;
        else tds__job_free(j);
    }
}

int tds_session_on_frame(tds_session *s, const uint8_t *body, size_t len)
{
    td_error err;
    Tiendo__Frame *f;
    char msg[300];

    if (s->state == TDS_ENDED) return TD_ECLOSED;
    s->frames_in++;
    f = td_frame_unpack(body, len, &err);
    if (!f)
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BAD_FRAME, TD_EPARSE, err.msg,
                                "Dữ liệu nhận được không đúng định dạng giao thức.");
    if (s->state == TDS_AWAIT_HELLO && f->body_case != TIENDO__FRAME__BODY_HELLO) {
        snprintf(msg, sizeof msg, "expected hello first, got %s", td_frame_name(f));
        td_frame_free(f);
        return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_UNEXPECTED, TD_EPROTO, msg,
                                "Sai trình tự giao thức: phải chào (Hello) trước.");
    }
    if (f->body_case == TIENDO__FRAME__BODY_PUSH && s->be && s->be->push_prepare && s->be->push_defer_prepared &&
        s->be->push_prep_free && s->be->flush)
        return tds__push_offload(s, f);
    if (s->q_head) {   /* behind a push being verified */
        tds__job *j = calloc(1, sizeof *j);
        if (!j) {
            td_frame_free(f);
            return tds_session_fail(s, TIENDO__ERROR_CODE__ERR_BUSY, TD_ENOMEM, "out of memory for a frame",
                                    "Máy chủ đang quá tải; hãy thử lại sau.");
        }
        j->s = s;
        j->f = f;
        tds__queue_add(s, j);
        return TD_OK;
    }
    return tds__dispatch(s, f);
}

/* Handle one decoded frame (takes f). */
static int tds__dispatch(tds_session *s, Tiendo__Frame *f)
{
    int rc = TD_OK;
    char msg[300];

    /* Whatever follows a deferred push is answered after its PushAck and
     * sees its entries: the whole backlog is committed first.  Nothing
     * reads the store while a group is uncommitted or a commit is not on
     * disk: a session without pushes in flight only settles, so that other
     * sessions' backlog stays in the loop's slices instead of being
     * appended at once (session.h).  A Ping reads nothing: it waits only
     * behind this session's own pushes (its Pong follows their PushAcks). */
    if (f->body_case != TIENDO__FRAME__BODY_PUSH && s->be && s->be->flush &&
        (f->body_case != TIENDO__FRAME__BODY_PING || s->deferred)) {
        if (s->deferred || !s->be->settle) s->be->flush(s->be->ctx);
        else s->be->settle(s->be->ctx);
        if (s->state == TDS_ENDED) {
            td_frame_free(f);
            return TD_ECLOSED;
        }
    }
    switch (f->body_case) {
    case TIENDO__FRAME__BODY_HELLO:
        if (s->state != TDS_AWAIT_HELLO) {
            rc = tds_session_fail(s, TIENDO__ERROR_CODE__ERR_UNEXPECTED, TD_EPROTO,
                                  "hello sent twice", "Sai trình tự giao thức: chào hai lần.");
            break;
        }
        rc = tds__on_hello(s, f->hello);
        break;
    case TIENDO__FRAME__BODY_PING: {
        Tiendo__Frame out = TIENDO__FRAME__INIT;
        Tiendo__Pong pong = TIENDO__PONG__INIT;
        pong.nonce = f->ping->nonce;
        out.body_case = TIENDO__FRAME__BODY_PONG;
        out.pong = &pong;
        rc = s->io.send(s->io.arg, &out);
        break;
    }
    case TIENDO__FRAME__BODY_PUSH:
        rc = tds__on_push(s, f->push);
        break;
    case TIENDO__FRAME__BODY_PULL:
        rc = tds__on_pull(s, f->pull);
        break;
    case TIENDO__FRAME__BODY_PROOF_REQUEST:
        rc = tds__on_proof_request(s, f->proof_request);
        break;
    case TIENDO__FRAME__BODY_COSIGN:
        rc = tds__on_cosign(s, f->cosign);
        break;
    case TIENDO__FRAME__BODY_BLOB_OFFER:
        rc = tds__on_blob_offer(s, f->blob_offer);
        break;
    case TIENDO__FRAME__BODY_BLOB_CHUNK:
        rc = tds__on_blob_chunk(s, f->blob_chunk);
        break;
    case TIENDO__FRAME__BODY_BLOB_GET:
        rc = tds__on_blob_get(s, f->blob_get);
        break;
    case TIENDO__FRAME__BODY_RENEW_REQUEST:   /* answered in session_renew.c */
        rc = tds_session_on_renew(s, f->renew_request);
        break;
    case TIENDO__FRAME__BODY_BYE:
        td_log_info("session %s/%s: bye (%s)", s->peer.agency, s->peer.device,
                    td_log_quote(f->bye->reason, msg, sizeof msg));
        s->state = TDS_ENDED;
        s->io.end(s->io.arg);
        rc = TD_ECLOSED;
        break;
    case TIENDO__FRAME__BODY_ERROR:
        td_log_warn("session %s/%s: client reported error %d: %s", s->peer.agency, s->peer.device,
                    (int)f->error->code, td_log_quote(f->error->message, msg, sizeof msg));
        s->state = TDS_ENDED;
        s->io.end(s->io.arg);
        rc = TD_ECLOSED;
        break;
    default:
        snprintf(msg, sizeof msg, "%s is not accepted from a client in protocol %u",
                 td_frame_name(f), s->version);
        rc = tds_session_fail(s, TIENDO__ERROR_CODE__ERR_UNEXPECTED, TD_EPROTO, msg,
                              "Máy chủ không chấp nhận thông điệp này.");
        break;
    }
    td_frame_free(f);
    return rc;
}

/* ---- the answers' types (session.h) ------------------------------------- */

void tds_tree_head_free(tds_tree_head *th)
{
    if (!th) return;
    free(th->note);
    memset(th, 0, sizeof *th);
}

void tds_head_free(tds_head *h)
{
    if (!h) return;
    tds_tree_head_free(&h->th);
    for (size_t i = 0; i < h->n_cosigs; i++) free(h->cosigs[i]);
    free(h->cosigs);
    memset(h, 0, sizeof *h);
}

void tds_proof_free(tds_proof *p)
{
    if (!p) return;
    tds_tree_head_free(&p->th);
    free(p->entry);
    memset(p, 0, sizeof *p);
}

/* ledger.c — see ledger.h. */
#include "clock.h"
#include "ledger.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "blobstore.h"
#include "clock.h"
#include "entry.h"
#include "identity.h"
#include "log.h"
#include "log.pb-c.h"
#include "merkle.h"
#include "note.h"
#include "sync_limits.h"
#include "x509util.h"
#include "renew.h"

/* A batch of rows inserted in the current transaction, folded after COMMIT. */
typedef struct tds_pending {
    tds_logrow row;
    uint8_t *body;                /* owned */
} tds_pending;

/* The open group commit (see "group commit" below). */
typedef struct tds_group_waiter {
    tds_ack *acks;
    size_t n;
    void (*done)(void *arg, int rc, const td_error *err);
    void *arg;
} tds_group_waiter;

struct tds_group {
    int open;                     /* a transaction is open */
    tds_pending *rows;            /* appended rows, in index order, folded after COMMIT */
    size_t nrows, caprows;
    size_t bytes;
    tds_group_waiter *w;          /* deferred pushes, in arrival order */
    size_t nw, capw;
    uint64_t commits, pushes;     /* for the log at close */
};

struct tds_ledger {
    tds_logstore *store;
    td_state *st;                 /* NULL: no CA and an empty log */
    X509 *ca;                     /* owned */
    int writable;
    td_identity id;               /* server key (when writable) */
    X509 *cert;                   /* server certificate (when writable) */
    uint8_t *cert_der;
    size_t cert_der_len;
    uint64_t last_hlc;            /* the server's clock, never going back */
    tds_backend be;
    td_plan empty_plan;           /* for a ledger without state */
    td_registry builtin;          /* idem */
    int builtin_ok;
    char origin[TD_CHECKPOINT_ORIGIN_MAX + 1];   /* checkpoint origin; "" read-only without one */
    td_note_signer signer;        /* the server key as note signer (when writable) */
    td_note_verifier verifier;
    uint64_t signed_size;         /* the largest checkpoint size known stored */
    int64_t last_sign_ms;         /* when this process last signed one */
    struct tds_renewer *renewer;  /* borrowed: online renewals (NULL: none) */
    const char *crl_path;         /* borrowed: the CRL file, read again at each check of an earlier certificate */
    struct tds_group grp;         /* pushes appended, not yet committed (group commit) */
    int fold_tx;                  /* catch-up opened a transaction for attachment references */
};

static int tds__sign_latest(tds_ledger *l, td_error *err);
static int tds__audit_open(tds_ledger *l, const tds_ledger_opts *o, td_error *err);

static int64_t tds__now_ms(void) { return td_clock_now_ms(); }

uint32_t tds_ledger_payload_task(int kind, const uint8_t *payload, size_t len)
{
    return td_payload_task(kind, payload, len);
}

/* ---- folding ---------------------------------------------------------- */

static int tds__apply_row(tds_ledger *l, const tds_logrow *r, td_apply_result *res, td_error *err)
{
    td_apply_result tmp;
    int rc;
    if (!l->st) return td_error_set(err, TD_EARG, "%s: the log has entries but no CA is known: give --ca",
                                    tds_logstore_path(l->store));
    if (!res) res = &tmp;
    rc = td_state_apply(l->st, r->idx, r->body, r->len, r->received_ms, res, err);
    if (rc) return rc;
    if (res->refused)
        td_log_debug("log index %llu (%s) refused by the fold: %s", (unsigned long long)r->idx,
                     td_entry_kind_name(r->kind), res->reason);
    else if (l->writable && r->kind == TIENDO__ENTRY_KIND__ENTRY_REPORT) {
        /* download permission for the files an accepted report cites, in
         * the caller's transaction or one opened for this catch-up */
        if (!tds_logstore_in_tx(l->store)) {
            if ((rc = tds_logstore_begin(l->store, err))) return rc;
            l->fold_tx = 1;
        }
        return tds_blob_note_accepted(l, r, err);
    }
    return 0;
}

static int tds__fold_cb(void *arg, const tds_logrow *r)
{
    tds_ledger *l = arg;
    td_error e2 = {0};
    int rc = tds__apply_row(l, r, NULL, &e2);
    if (rc) td_log_error("folding log index %llu: %s", (unsigned long long)r->idx, e2.msg);
    return rc;
}

/* End the transaction tds__apply_row opened for attachment references. */
static int tds__fold_tx_end(tds_ledger *l, int rc, td_error *err)
{
    if (!l->fold_tx) return rc;
    l->fold_tx = 0;
    if (rc) tds_logstore_rollback(l->store);
    else rc = tds_logstore_commit(l->store, err);
    return rc;
}

static int tds__catch_up(tds_ledger *l, td_error *err);

int tds_ledger_catch_up(tds_ledger *l, td_error *err)
{
    /* the group's rows are not committed: commit them before the fold
     * reads the store (it would fold them twice) */
    tds_ledger_group_flush(l);
    return tds__catch_up(l, err);
}

static int tds__catch_up(tds_ledger *l, td_error *err)
{
    uint64_t last = 0, have = l->st ? td_state_last_index(l->st) : 0;
    int rc;
    if ((rc = tds_logstore_last_index(l->store, &last, err))) return rc;
    if (last <= have) return 0;
    rc = tds_logstore_scan(l->store, have + 1, 0, 0, tds__fold_cb, l, err);
    rc = tds__fold_tx_end(l, rc, err);
    if (rc > 0 || (rc < 0 && err && !err->msg[0]))
        return td_error_set(err, TD_EINTERNAL, "%s: folding the log failed (see the log)",
                            tds_logstore_path(l->store));
    return rc;
}

/* ---- open / close ----------------------------------------------------- */

static int tds__load_ca(tds_ledger *l, const char *ca_path, td_error *err)
{
    uint8_t *der = NULL, *stored = NULL;
    size_t storedn = 0;
    int found = 0, rc, n;
    if ((rc = tds_logstore_meta_get(l->store, "ca_der", &found, &stored, &storedn, err))) return rc;
    if (ca_path) {
        unsigned char *p;
        if ((rc = td_x509_read_cert(ca_path, &l->ca, err))) goto out;
        n = i2d_X509(l->ca, NULL);
        if (n <= 0 || !(der = malloc((size_t)n))) {
            rc = td_error_set(err, TD_ENOMEM, "out of memory encoding the CA");
            goto out;
        }
        p = der;
        i2d_X509(l->ca, &p);
        if (found && (storedn != (size_t)n || memcmp(stored, der, storedn) != 0)) {
            rc = td_error_set(err, TD_ECERT, "%s: this log is anchored on another CA certificate than %s",
                              tds_logstore_path(l->store), ca_path);
            goto out;
        }
        if (!found) rc = tds_logstore_meta_put(l->store, "ca_der", der, (size_t)n, err);
    } else if (found) {
        const unsigned char *p = stored;
        if (!(l->ca = d2i_X509(NULL, &p, (long)storedn)))
            rc = td_error_set(err, TD_EDB, "%s: the recorded CA certificate does not decode",
                              tds_logstore_path(l->store));
    }
out:
    free(der);
    free(stored);
    return rc;
}

static int tds__load_identity(tds_ledger *l, const tds_ledger_opts *o, td_error *err)
{
    int rc, n;
    unsigned char *p;
    if (!o->cert_path)
        return td_error_set(err, TD_EARG, "the server key needs its certificate too (--cert)");
    /* The server certificate has OU=server and no O, so it is not a device
     * subject: load the key alone, then check the certificate against it. */
    if ((rc = td_identity_load(&l->id, o->key_path, NULL, err))) return rc;
    if ((rc = td_x509_read_cert(o->cert_path, &l->cert, err))) return rc;
    if ((rc = td_x509_cert_matches_key(l->cert, l->id.key, err))) return rc;
    n = i2d_X509(l->cert, NULL);
    if (n <= 0 || !(l->cert_der = malloc((size_t)n))) return td_error_set(err, TD_ENOMEM, "out of memory");
    p = l->cert_der;
    i2d_X509(l->cert, &p);
    l->cert_der_len = (size_t)n;
    l->writable = 1;
    return 0;
}

/* The server's clock continues from its last entry, so it never goes back. */
static int tds__load_server_clock(tds_ledger *l, td_error *err)
{
    uint64_t seq = 0;
    uint8_t *body = NULL;
    size_t n = 0;
    int found = 0, rc;
    td_entry en;
    td_error e2;
    if ((rc = tds_logstore_last_seq(l->store, l->id.pk, &seq, err)) || seq == 0) return rc;
    if ((rc = tds_logstore_lookup(l->store, l->id.pk, seq, &found, NULL, &body, &n, err))) return rc;
    if (found && td_entry_decode(body, n, &en, &e2) == 0) {
        l->last_hlc = en.e->hlc;
        td_entry_free(&en);
    }
    free(body);
    return 0;
}

static int tds__backend_welcome(void *ctx, const tds_peer *peer, uint64_t cursor, int *has_new,
                                uint64_t *log_size, td_error *err)
{
    return tds_ledger_welcome(ctx, peer, cursor, has_new, log_size, err);
}
static int tds__backend_push(void *ctx, const tds_peer *peer, Tiendo__SignedEntry *const *entries, size_t n,
                             tds_ack *acks, td_error *err)
{
    return tds_ledger_push(ctx, peer, entries, n, acks, err);
}
static int tds__backend_pull(void *ctx, const tds_peer *peer, uint64_t since, uint32_t limit, uint64_t own_from_seq,
                             Tiendo__Entries *out, td_error *err)
{
    return tds_ledger_pull(ctx, peer, since, limit, own_from_seq, out, err);
}
static void tds__backend_push_defer(void *ctx, const tds_peer *peer, Tiendo__SignedEntry *const *entries, size_t n,
                                    tds_ack *acks, void (*done)(void *arg, int rc, const td_error *err), void *arg)
{
    tds_ledger_push_defer(ctx, peer, entries, n, acks, done, arg);
}
static void tds__backend_flush(void *ctx) { tds_ledger_group_flush(ctx); }
static void *tds__backend_push_prepare(Tiendo__SignedEntry *const *entries, size_t n, tds_ack *acks)
{
    return tds_ledger_push_prepare(entries, n, acks);
}
static void tds__backend_push_defer_prepared(void *ctx, const tds_peer *peer, void *prep, tds_ack *acks,
                                             void (*done)(void *arg, int rc, const td_error *err), void *arg)
{
    tds_ledger_push_defer_prepared(ctx, peer, prep, acks, done, arg);
}
static void tds__backend_push_prep_free(void *prep) { tds_push_prep_free(prep); }

void tds_ledger_set_group_commit(tds_ledger *l, int on)
{
    l->be.push_defer = on ? tds__backend_push_defer : NULL;
    l->be.flush = on ? tds__backend_flush : NULL;
    l->be.push_prepare = on ? tds__backend_push_prepare : NULL;
    l->be.push_defer_prepared = on ? tds__backend_push_defer_prepared : NULL;
    l->be.push_prep_free = on ? tds__backend_push_prep_free : NULL;
}
static void tds__backend_pull_free(void *ctx, Tiendo__Entries *out)
{
    (void)ctx;
    tds_ledger_pull_free(out);
}
static int tds__backend_head(void *ctx, const tds_peer *peer, uint64_t have_size, tds_head *out, td_error *err)
{
    return tds_ledger_head(ctx, peer, have_size, out, err);
}
static int tds__backend_proof(void *ctx, const tds_peer *peer, uint64_t index, uint64_t tree_size, tds_proof *out,
                              td_error *err)
{
    return tds_ledger_proof(ctx, peer, index, tree_size, out, err);
}
static int tds__backend_cosign(void *ctx, const tds_peer *peer, const char *note, size_t len, const char *line,
                               tds_cosign_result *out, td_error *err)
{
    return tds_ledger_cosign(ctx, peer, note, len, line, out, err);
}

static int tds__backend_renew(void *ctx, const tds_peer *peer, const uint8_t *csr, size_t len, tds_renew_result *out,
                              td_error *err)
{
    return tds_ledger_renew(ctx, peer, csr, len, out, err);
}

int tds_ledger_open(const tds_ledger_opts *o, tds_ledger **out, td_error *err)
{
    tds_ledger *l;
    uint64_t last = 0;
    int rc;
    *out = NULL;
    if (!(l = calloc(1, sizeof *l))) return td_error_set(err, TD_ENOMEM, "out of memory");
    td_plan_init(&l->empty_plan);
    l->be.welcome = tds__backend_welcome;
    l->be.push = tds__backend_push;
    l->be.pull = tds__backend_pull;
    l->be.pull_free = tds__backend_pull_free;
    l->be.head = tds__backend_head;
    l->be.proof = tds__backend_proof;
    l->be.cosign = tds__backend_cosign;
    l->be.blob_offer = tds_blob_offer;     /* attachments: blobstore.c */
    l->be.blob_chunk = tds_blob_chunk;
    l->be.blob_get = tds_blob_get;
    l->be.ctx = l;
    l->be.renew = tds__backend_renew;
    if ((rc = tds_logstore_open(o->datadir, &l->store, err))) goto fail;
    if ((rc = tds__load_ca(l, o->ca_path, err))) goto fail;
    if (o->key_path && (rc = tds__load_identity(l, o, err))) goto fail;
    if ((rc = tds_logstore_last_index(l->store, &last, err))) goto fail;
    if (l->ca) {
        if (!(l->st = td_state_new(l->ca))) {
            rc = td_error_set(err, TD_ENOMEM, "out of memory");
            goto fail;
        }
    } else if (last > 0) {
        rc = td_error_set(err, TD_EARG, "%s: the log has %llu entries but no CA certificate is recorded: give --ca",
                          tds_logstore_path(l->store), (unsigned long long)last);
        goto fail;
    }
    if ((rc = tds_ledger_catch_up(l, err))) goto fail;
    if (l->writable && (rc = tds__load_server_clock(l, err))) goto fail;
    if (l->st && l->writable && td_state_server_key(l->st) &&
        memcmp(td_state_server_key(l->st), l->id.pk, 32) != 0) {
        char a[17], b[17];
        td_key_short_hex(td_state_server_key(l->st), a);
        td_key_short_hex(l->id.pk, b);
        rc = td_error_set(err, TD_EAUTH, "%s: the log belongs to server key %s, not to %s (%s)",
                          tds_logstore_path(l->store), a, b, o->key_path);
        goto fail;
    }
    if ((rc = tds__audit_open(l, o, err))) goto fail;
    *out = l;
    return 0;
fail:
    tds_ledger_close(l);
    return rc;
}

void tds_ledger_close(tds_ledger *l)
{
    if (!l) return;
    tds_ledger_group_flush(l);
    if (l->grp.pushes)
        td_log_info("group commit: %llu pushes in %llu commits", (unsigned long long)l->grp.pushes,
                    (unsigned long long)l->grp.commits);
    td_state_free(l->st);
    tds_logstore_close(l->store);
    X509_free(l->ca);
    X509_free(l->cert);
    free(l->cert_der);
    td_identity_free(&l->id);
    td_note_signer_wipe(&l->signer);
    td_plan_free(&l->empty_plan);
    if (l->builtin_ok) td_registry_free(&l->builtin);
    free(l);
}

const td_state *tds_ledger_state(const tds_ledger *l) { return l->st; }
tds_logstore *tds_ledger_store(tds_ledger *l) { return l->store; }
X509 *tds_ledger_ca(const tds_ledger *l) { return l->ca; }
const unsigned char *tds_ledger_server_pk(const tds_ledger *l) { return l->writable ? l->id.pk : NULL; }
const tds_backend *tds_ledger_backend(tds_ledger *l) { return &l->be; }

const td_plan *tds_ledger_plan(const tds_ledger *l, int *has)
{
    if (has) *has = l->st ? td_state_has_plan(l->st) : 0;
    return l->st ? td_state_plan(l->st) : &l->empty_plan;
}

const td_registry *tds_ledger_registry(const tds_ledger *l)
{
    tds_ledger *m = (tds_ledger *)l;
    if (l->st) return td_state_registry(l->st);
    if (!m->builtin_ok) {
        td_error e2;
        if (td_registry_init_builtin(&m->builtin, &e2) == 0)
            m->builtin_ok = 1;
        else
            td_registry_init_empty(&m->builtin), m->builtin_ok = 1;
    }
    return &m->builtin;
}

/* ---- server-authored entries ------------------------------------------ */

/* Inside a transaction: sign one server entry with the next seq and insert it. */
static int tds__insert_own(tds_ledger *l, int kind, const uint8_t *payload, size_t len, tds_logrow *row,
                           uint8_t **body, td_error *err)
{
    td_entry_fields f;
    uint64_t seq = 0;
    int64_t now = tds__now_ms();
    size_t n;
    int rc;
    *body = NULL;
    if ((rc = tds_logstore_last_seq(l->store, l->id.pk, &seq, err))) return rc;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.seq = seq + 1;
    f.hlc = l->last_hlc = td_hlc_next(l->last_hlc, now);
    f.device_time_ms = now;
    f.agency = "";
    f.payload = payload;
    f.payload_len = len;
    if ((rc = td_entry_sign_raw(l->id.pk, l->id.sk, &f, body, &n, err))) return rc;
    memset(row, 0, sizeof *row);
    memcpy(row->author, l->id.pk, 32);
    row->seq = f.seq;
    row->kind = kind;
    row->agency = "";
    row->task = tds_ledger_payload_task(kind, payload, len);
    row->body = *body;
    row->len = n;
    row->received_ms = now;
    if ((rc = tds_logstore_insert(l->store, row, err))) {
        free(*body);
        *body = NULL;
    }
    return rc;
}

static int tds__cert_payload(const uint8_t *der, size_t n, uint8_t **out, size_t *outn)
{
    Tiendo__CertPayload cp = TIENDO__CERT_PAYLOAD__INIT;
    cp.der.data = (uint8_t *)der;
    cp.der.len = n;
    *outn = tiendo__cert_payload__get_packed_size(&cp);
    if (!(*out = malloc(*outn ? *outn : 1))) return TD_ENOMEM;
    tiendo__cert_payload__pack(&cp, *out);
    return 0;
}


/* Inside a transaction: the server's ENTRY_CERT if the log is empty. */
static int tds__ensure_server_cert(tds_ledger *l, tds_pending *p, size_t *np, td_error *err)
{
    uint64_t last = 0;
    uint8_t *pl;
    size_t pn;
    int rc;
    if ((rc = tds_logstore_last_index(l->store, &last, err)) || last > 0) return rc;
    if (tds__cert_payload(l->cert_der, l->cert_der_len, &pl, &pn)) return td_error_set(err, TD_ENOMEM, "out of memory");
    rc = tds__insert_own(l, TIENDO__ENTRY_KIND__ENTRY_CERT, pl, pn, &p[*np].row, &p[*np].body, err);
    free(pl);
    if (!rc) {
        char hex[17];
        td_key_short_hex(l->id.pk, hex);
        td_log_info("log started: index %llu is the server's certificate (key %s)",
                    (unsigned long long)p[*np].row.idx, hex);
        (*np)++;
    }
    return rc;
}

static void tds__pending_free(tds_pending *p, size_t n)
{
    for (size_t i = 0; i < n; i++) free(p[i].body);
    free(p);
}

/* After COMMIT: fold the new rows, in order. */
static void tds__fold_pending(tds_ledger *l, tds_pending *p, size_t n, td_apply_result *res_for)
{
    for (size_t i = 0; i < n; i++) {
        td_error e2 = {0};
        td_apply_result res;
        memset(&res, 0, sizeof res);
        if (tds__apply_row(l, &p[i].row, &res, &e2))
            td_log_error("folding new log index %llu: %s", (unsigned long long)p[i].row.idx, e2.msg);
        if (res_for) res_for[i] = res;
    }
    {
        td_error e2 = {0};
        if (tds__fold_tx_end(l, 0, &e2)) td_log_error("recording attachment references: %s", e2.msg);
    }
}

void tds_ledger_set_renewer(tds_ledger *l, struct tds_renewer *r) { l->renewer = r; }
void tds_ledger_set_crl(tds_ledger *l, const char *crl_path) { l->crl_path = crl_path; }

static size_t tds__serial_bytes(const ASN1_INTEGER *ai, uint8_t *out, size_t cap);

int tds_ledger_peer_revoked(const tds_ledger *l, const tds_peer *peer)
{
    const td_author *a = l->st ? td_state_author(l->st, peer->pk) : NULL;
    return a && a->revoked_ms && tds__now_ms() >= a->revoked_ms;
}

/* The log entry saying the session's certificate is superseded by a
 * renewal (RevocationPayload, reason superseded); *pl malloc'd. */
static int tds__superseded_payload(const tds_peer *peer, uint8_t **pl, size_t *pn)
{
    Tiendo__RevocationPayload rp = TIENDO__REVOCATION_PAYLOAD__INIT;
    const unsigned char *cp = peer->cert_der;
    X509 *old = cp ? d2i_X509(NULL, &cp, (long)peer->cert_der_len) : NULL;
    uint8_t serial[32];
    size_t sn = old ? tds__serial_bytes(X509_get0_serialNumber(old), serial, sizeof serial) : 0;
    X509_free(old);
    if (!sn) return -1;
    rp.serial.data = serial;
    rp.serial.len = sn;
    rp.key.data = (uint8_t *)peer->pk;
    rp.key.len = 32;
    rp.revoked_ms = tds__now_ms();
    rp.reason = 4;   /* superseded (RFC 5280 CRLReason) */
    *pn = tiendo__revocation_payload__get_packed_size(&rp);
    if (!(*pl = malloc(*pn ? *pn : 1))) return -1;
    tiendo__revocation_payload__pack(&rp, *pl);
    return 0;
}

int tds_ledger_renew(tds_ledger *l, const tds_peer *peer, const uint8_t *csr, size_t len, tds_renew_result *out,
                     td_error *err)
{
    X509 *cert = NULL;
    uint8_t *pl = NULL;
    size_t pn = 0;
    unsigned char *q;
    int n, rc;
    tds_own_entry e[2];
    uint8_t *rpl = NULL;
    size_t rpn = 0, ne = 1;

    memset(out, 0, sizeof *out);
    if (!l->renewer || !l->writable) {
        snprintf(out->reason, sizeof out->reason, "online renewal is not configured on this server (renew-ca-dir)");
        snprintf(out->reason_vi, sizeof out->reason_vi,
                 "Máy chủ này không cấp lại chứng thư trực tuyến; hãy dùng \"tiendo renew --csr-out TỆP\" "
                 "và gửi tệp cho cán bộ quản lý CA.");
        return 0;
    }
    if ((rc = tds_ledger_catch_up(l, err))) return rc;
    if (tds_ledger_peer_revoked(l, peer)) {
        snprintf(out->reason, sizeof out->reason, "the session's certificate is revoked in the log (revoked, or "
                 "renewed already)");
        snprintf(out->reason_vi, sizeof out->reason_vi,
                 "Chứng thư hiện tại đã bị thu hồi hoặc đã được cấp lại; không cấp lại nữa.");
        return 0;
    }
    if ((rc = tds_renewer_issue(l->renewer, peer, csr, len, &cert, out->reason, out->reason_vi, err))) return rc;
    if (!cert) return 0;
    n = i2d_X509(cert, NULL);
    if (n <= 0 || !(out->cert_der = malloc((size_t)n))) {
        X509_free(cert);
        return td_error_set(err, TD_ENOMEM, "out of memory");
    }
    q = out->cert_der;
    i2d_X509(cert, &q);
    out->cert_len = (size_t)n;
    X509_free(cert);
    if (tds__cert_payload(out->cert_der, out->cert_len, &pl, &pn)) {
        rc = td_error_set(err, TD_ENOMEM, "out of memory");
        goto fail;
    }
    memset(e, 0, sizeof e);
    e[0].kind = TIENDO__ENTRY_KIND__ENTRY_CERT;
    e[0].payload = pl;
    e[0].len = pn;
    /* and the old certificate superseded, in the same commit: its later
     * sessions are refused, its later entries refused by the fold */
    if (tds__superseded_payload(peer, &rpl, &rpn) == 0) {
        e[1].kind = TIENDO__ENTRY_KIND__ENTRY_REVOCATION;
        e[1].payload = rpl;
        e[1].len = rpn;
        ne = 2;
    }
    rc = tds_ledger_append_own(l, e, ne, err);
    free(pl);
    free(rpl);
    if (rc) goto fail;
    if (e[0].res.refused)
        td_log_warn("renewal of %s/%s: the fold refused the new certificate at index %llu: %s", peer->subj.agency,
                    peer->subj.device, (unsigned long long)e[0].index, e[0].res.reason);
    if (ne == 2 && e[1].res.refused)
        td_log_warn("renewal of %s/%s: the old certificate's supersession at index %llu refused by the fold: %s",
                    peer->subj.agency, peer->subj.device, (unsigned long long)e[1].index, e[1].res.reason);
    td_log_info("renewal of %s/%s: new certificate recorded at log index %llu", peer->subj.agency, peer->subj.device,
                (unsigned long long)e[0].index);
    out->index = e[0].index;
    out->issued = 1;
    return 0;
fail:
    /* issued in the CA's index but not recorded: the device is told to
     * retry; the certificate reaches the log at its first push anyway */
    free(out->cert_der);
    out->cert_der = NULL;
    out->cert_len = 0;
    return rc;
}

int tds_ledger_append_own(tds_ledger *l, tds_own_entry *e, size_t n, td_error *err)
{
    tds_pending *p;
    td_apply_result *res;
    size_t np = 0;
    int rc;
    if (!l->writable)
        return td_error_set(err, TD_EAUTH, "writing to the log needs the server key (--key and --cert)");
    if (!l->st) return td_error_set(err, TD_EARG, "writing to the log needs the CA certificate (--ca)");
    if (!(p = calloc(n + 1, sizeof *p)) || !(res = calloc(n + 1, sizeof *res))) {
        free(p);
        return td_error_set(err, TD_ENOMEM, "out of memory");
    }
    tds_ledger_group_flush(l);    /* deferred pushes first: one transaction at a time */
    if ((rc = tds_logstore_begin(l->store, err))) goto out;
    if ((rc = tds__catch_up(l, err)) || (rc = tds__ensure_server_cert(l, p, &np, err))) goto fail;
    for (size_t i = 0; i < n; i++, np++)
        if ((rc = tds__insert_own(l, e[i].kind, e[i].payload, e[i].len, &p[np].row, &p[np].body, err))) goto fail;
    if ((rc = tds_logstore_commit(l->store, err))) goto out;
    tds__fold_pending(l, p, np, res);
    for (size_t i = 0; i < n; i++) {
        e[i].index = p[np - n + i].row.idx;
        e[i].res = res[np - n + i];
    }
    /* the checkpoint of the new size, stored before anyone sees the rows */
    rc = tds__sign_latest(l, err);
    goto out;
fail:
    tds_logstore_rollback(l->store);
out:
    tds__pending_free(p, np);
    free(res);
    return rc;
}

int tds_ledger_start(tds_ledger *l, td_error *err)
{
    uint64_t last = 0;
    int rc;
    if ((rc = tds_logstore_last_index(l->store, &last, err))) return rc;
    if (last == 0) return tds_ledger_append_own(l, NULL, 0, err);
    /* a log migrated from version 1, or a crash between a commit and its
     * checkpoint: sign the current size now */
    return tds_ledger_sign(l, err);
}

/* ---- push --------------------------------------------------------------- */

static void tds__refuse(tds_ack *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tds__refuse(tds_ack *a, const char *fmt, ...)
{
    va_list ap;
    a->status = TIENDO__ACK_STATUS__ACK_REFUSED;
    va_start(ap, fmt);
    vsnprintf(a->reason, sizeof a->reason, fmt, ap);
    va_end(ap);
}

/* Pack SignedEntry{body, sig} without any unknown fields: the bytes the log
 * stores are exactly the author's body and signature. */
static uint8_t *tds__canonical(const Tiendo__SignedEntry *in, size_t *n)
{
    Tiendo__SignedEntry se = TIENDO__SIGNED_ENTRY__INIT;
    uint8_t *buf;
    se.body = in->body;
    se.sig = in->sig;
    *n = tiendo__signed_entry__get_packed_size(&se);
    if (!(buf = malloc(*n ? *n : 1))) return NULL;
    tiendo__signed_entry__pack(&se, buf);
    return buf;
}

typedef struct tds_cert_find {
    const uint8_t *der;
    size_t len;
    int found;
} tds_cert_find;

static int tds__cert_find_cb(void *arg, const tds_logrow *r)
{
    tds_cert_find *cf = arg;
    td_entry en;
    td_error e2;
    Tiendo__CertPayload *cp;
    if (td_entry_decode(r->body, r->len, &en, &e2)) return 0;
    cp = tiendo__cert_payload__unpack(NULL, en.e->payload.len, en.e->payload.data);
    if (cp && cp->der.len == cf->len && memcmp(cp->der.data, cf->der, cf->len) == 0) cf->found = 1;
    tiendo__cert_payload__free_unpacked(cp, NULL);
    td_entry_free(&en);
    return cf->found;
}

/* Inside the push transaction: the peer's ENTRY_CERT unless the log knows it. */
static int tds__ensure_peer_cert(tds_ledger *l, const tds_peer *peer, tds_pending *p, size_t *np, td_error *err)
{
    tds_cert_find cf = {peer->cert_der, peer->cert_der_len, 0};
    uint8_t *pl;
    size_t pn;
    int rc;
    if (td_state_author(l->st, peer->pk)) return 0;
    if (!peer->cert_der || !peer->cert_der_len)
        return td_error_set(err, TD_ECERT, "push from %s/%s: no certificate to record", peer->subj.agency,
                            peer->subj.device);
    /* the fold may have refused an earlier copy: never append the same one twice */
    rc = tds_logstore_scan(l->store, 1, 0, TIENDO__ENTRY_KIND__ENTRY_CERT, tds__cert_find_cb, &cf, err);
    if (rc < 0) return rc;
    if (cf.found) return 0;
    if (tds__cert_payload(peer->cert_der, peer->cert_der_len, &pl, &pn))
        return td_error_set(err, TD_ENOMEM, "out of memory");
    rc = tds__insert_own(l, TIENDO__ENTRY_KIND__ENTRY_CERT, pl, pn, &p[*np].row, &p[*np].body, err);
    free(pl);
    if (!rc) {
        td_log_info("device %s/%s: certificate recorded at log index %llu", peer->subj.agency, peer->subj.device,
                    (unsigned long long)p[*np].row.idx);
        (*np)++;
    }
    return rc;
}

/* Renewal with a new key (docs/LOG.md §3): key is an earlier key of the peer's
 * device — a certificate in the log with the same agency, device and role
 * (not the server's).  Its entries, signed while its certificate was valid,
 * may be pushed over a session of the device's new certificate; the fold
 * still judges each against the certificate of the key that signed it. */
static int tds__earlier_key(const tds_ledger *l, const tds_peer *peer, const unsigned char *key)
{
    const td_author *a = l->st ? td_state_author(l->st, key) : NULL;
    return a && !a->is_server && a->role == peer->subj.role && !strcmp(a->agency, peer->subj.agency) &&
           !strcmp(a->device, peer->subj.device);
}

/*
 * Key continuity for a device that renewed before its first push: is key
 * the key of a certificate in Push.earlier_certs (peer->earlier) with the
 * peer's agency, device and role, chaining to the CA at a time it was
 * valid (its notAfter, or now if earlier)?  Its index in peer->earlier, or
 * -1.  The certificate is then recorded (ENTRY_CERT) before the entries.
 */
/*
 * Is an earlier certificate revoked now, other than as superseded (its
 * renewal: what it signed before stays valid, docs/PROTOCOL.md)?  Judged at
 * push time against the CRL file as it is on disk (not the copy loaded at
 * start or SIGHUP) and, with online renewal, the CA's index.  Revocations
 * in the log concern certificates the log records, which are not earlier
 * certificates (tds__earlier_key).  1 and why (English) filled, or 0.
 */
static int tds__earlier_revoked(const tds_ledger *l, X509 *x, char *why, size_t wn)
{
    X509_CRL *crl = NULL;
    X509_REVOKED *rev = NULL;
    FILE *f = l->crl_path ? fopen(l->crl_path, "r") : NULL;
    EVP_PKEY *capk = l->ca ? X509_get0_pubkey(l->ca) : NULL;
    int out = 0;
    if (f) {
        crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
        fclose(f);
    }
    if (crl && capk && X509_CRL_verify(crl, capk) == 1 && X509_CRL_get0_by_cert(crl, &rev, x) == 1 && rev) {
        ASN1_ENUMERATED *reason = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
        int r = reason ? (int)ASN1_ENUMERATED_get(reason) : 0;
        ASN1_ENUMERATED_free(reason);
        if (r != 4) {
            snprintf(why, wn, "earlier certificate is revoked in the CRL (reason %d)", r);
            out = 1;
        }
    }
    X509_CRL_free(crl);
    ERR_clear_error();
    if (!out && l->renewer && tds_renewer_index_revoked(l->renewer, x, why, wn)) out = 1;
    return out;
}

static long tds__earlier_supplied(const tds_ledger *l, const tds_peer *peer, const unsigned char *key, char *why,
                                  size_t wn)
{
    for (size_t i = 0; i < peer->n_earlier && i < TD_PUSH_EARLIER_CERTS_MAX; i++) {
        const unsigned char *der = peer->earlier[i].data;
        X509 *x = d2i_X509(NULL, &der, (long)peer->earlier[i].len);
        X509_STORE *xs = NULL;
        X509_STORE_CTX *vc = NULL;
        unsigned char pk[32];
        td_subject sub;
        int64_t na = 0;
        int ok = 0;
        if (x && der == peer->earlier[i].data + peer->earlier[i].len && !td_cert_ed25519_pk(x, pk, NULL) &&
            !memcmp(pk, key, 32) && !td_subject_from_cert(x, &sub, NULL) && sub.role == peer->subj.role &&
            !strcmp(sub.agency, peer->subj.agency) && !strcmp(sub.device, peer->subj.device) &&
            !td_x509_time_unix(X509_get0_notAfter(x), &na, NULL) && tds_ledger_ca(l) &&
            (xs = X509_STORE_new()) && X509_STORE_add_cert(xs, tds_ledger_ca(l)) == 1 &&
            (vc = X509_STORE_CTX_new()) && X509_STORE_CTX_init(vc, xs, x, NULL) == 1) {
            int64_t now = tds__now_ms() / 1000;
            X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(vc), (time_t)(na - 1 < now ? na - 1 : now));
            ok = X509_verify_cert(vc) == 1;
            if (ok && why && tds__earlier_revoked(l, x, why, wn)) ok = 0;
        }
        ERR_clear_error();
        X509_STORE_CTX_free(vc);
        X509_STORE_free(xs);
        X509_free(x);
        if (ok) return (long)i;
    }
    return -1;
}

/* Inside the push transaction: the ENTRY_CERT of each earlier key that
 * signs an entry of this push and that the log does not know yet. */
static int tds__ensure_peer_cert(tds_ledger *l, const tds_peer *peer, tds_pending *p, size_t *np, td_error *err);
static int tds__ensure_earlier_certs(tds_ledger *l, const tds_peer *peer, const td_entry *en, const tds_ack *acks,
                                     size_t n, tds_pending *p, size_t *np, td_error *err)
{
    for (size_t i = 0; i < n; i++) {
        tds_peer old = *peer;
        long k;
        int rc;
        if (acks[i].status != TIENDO__ACK_STATUS__ACK_UNSPECIFIED || !en[i].e) continue;
        if (!memcmp(en[i].e->author.data, peer->pk, 32) || td_state_author(l->st, en[i].e->author.data)) continue;
        if ((k = tds__earlier_supplied(l, peer, en[i].e->author.data, NULL, 0)) < 0) continue;
        memcpy(old.pk, en[i].e->author.data, 32);
        old.cert_der = peer->earlier[k].data;
        old.cert_der_len = peer->earlier[k].len;
        if ((rc = tds__ensure_peer_cert(l, &old, p, np, err))) return rc;
    }
    return 0;
}

/* The seq after the highest one of every other key of the peer's device
 * (0 if it has none): where a renewed device's new key may start. */
static uint64_t tds__device_next_seq(const tds_ledger *l, const tds_peer *peer, const unsigned char *key)
{
    uint64_t best = 0;
    size_t n = td_state_author_count(l->st);
    /* earlier keys recorded by this very push (not folded yet) */
    for (size_t i = 0; i < peer->n_earlier && i < TD_PUSH_EARLIER_CERTS_MAX; i++) {
        const unsigned char *der = peer->earlier[i].data;
        X509 *x = d2i_X509(NULL, &der, (long)peer->earlier[i].len);
        unsigned char pk[32];
        uint64_t last = 0;
        if (x && !td_cert_ed25519_pk(x, pk, NULL) && memcmp(pk, key, 32) && tds__earlier_supplied(l, peer, pk, NULL, 0) >= 0 &&
            tds_logstore_last_seq(l->store, pk, &last, NULL) == 0 && last > best)
            best = last;
        ERR_clear_error();
        X509_free(x);
    }
    for (size_t i = 0; i < n; i++) {
        const td_author *a = td_state_author_at(l->st, i);
        uint64_t last = 0;
        if (!memcmp(a->key, key, 32) || a->is_server || a->role != peer->subj.role ||
            strcmp(a->agency, peer->subj.agency) || strcmp(a->device, peer->subj.device))
            continue;
        /* from the store: rows of this very push (not folded yet) count */
        if (tds_logstore_last_seq(l->store, a->key, &last, NULL) == 0 && last > best) best = last;
    }
    return best ? best + 1 : 0;
}

/* Most often a push signs a checkpoint: a busy server signs about once a
 * second; a quiet one signs at the first push after a pause. */
#define TDS_CHECKPOINT_INTERVAL_MS 1000

/* Refused entries logged one per line per push; the rest are counted. */
#define TDS_LOG_REFUSALS 5

/* ---- group commit (docs/ARCHITECTURE.md §7) ---------------------------------
 *
 * Pushes are appended to one open transaction, the group, and committed
 * together: by tds_ledger_group_flush (serve calls it once per event-loop
 * iteration, after every read callback of the iteration ran), before any
 * other use of the store, or when the group holds TDS_GROUP_MAX_BYTES.  One
 * fsync then covers the pushes of every session that arrived in the same
 * iteration, and the pipelined batches of one session.  Each push's done
 * callback runs after the commit, in the order the pushes came; a failed
 * commit rolls the whole group back and fails every push of it (none is
 * acknowledged).  The group owns the bodies of its rows until the fold that
 * follows the commit.
 */

/* Bytes of entries a group may hold before it is committed at once: bounds
 * the server's memory to a few pipelined batches (TD_PUSH_MAX_BYTES each)
 * whatever the number of sessions pushing at the same time. */
#define TDS_GROUP_MAX_BYTES (8u * 1024 * 1024)
/* Pushes a group may hold (each keeps its acks, up to TD_PUSH_MAX_ENTRIES of
 * them): bounds the memory of many small or duplicate pushes read in one
 * iteration, which add few bytes of rows. */
#define TDS_GROUP_MAX_PUSHES 256

/* Fail every waiter of the group (rolled back or never begun). */
static void tds__group_fail(tds_ledger *l, int rc, const td_error *err)
{
    struct tds_group *g = &l->grp;
    tds_group_waiter *w = g->w;
    size_t nw = g->nw;
    if (g->open) tds_logstore_rollback(l->store);
    g->open = 0;
    tds__pending_free(g->rows, g->nrows);
    g->rows = NULL;
    g->nrows = g->caprows = 0;
    g->bytes = 0;
    g->w = NULL;
    g->nw = g->capw = 0;
    for (size_t i = 0; i < nw; i++) {
        for (size_t k = 0; k < w[i].n; k++)
            if (w[i].acks[k].status == TIENDO__ACK_STATUS__ACK_STORED)
                w[i].acks[k].status = TIENDO__ACK_STATUS__ACK_UNSPECIFIED;
        w[i].done(w[i].arg, rc, err);
    }
    free(w);
}

void tds_ledger_group_flush(tds_ledger *l)
{
    struct tds_group *g = &l->grp;
    tds_group_waiter *w;
    size_t nw;
    td_error err = {0};
    int rc = 0;
    if (!g->nw && !g->open) return;
    if (g->open) {
        /* Durable before any Ack leaves (docs/PROTOCOL.md §11); on failure the rows
         * are gone with the rollback, and no ack is sent. */
        if ((rc = tds_logstore_commit(l->store, &err))) {
            td_log_error("group commit of %zu pushes failed: %s", g->nw, err.msg);
            tds__group_fail(l, rc, &err);
            return;
        }
        g->open = 0;
        g->commits++;
        tds__fold_pending(l, g->rows, g->nrows, NULL);
        /* Checkpoints after pushes are signed at most every
         * TDS_CHECKPOINT_INTERVAL_MS: each carries the digest of the whole
         * state (O(state)), so signing per 500-entry batch made ingest
         * quadratic.  The Ack needs only the durable commit (docs/PROTOCOL.md §11); a
         * Welcome, receipt or proof request signs at once when the log has
         * grown, so what a client is shown always covers the whole log.  A
         * failure to sign is logged: the rows are committed, and the next
         * Welcome signs. */
        if (g->nrows && td_clock_mono_ms() - l->last_sign_ms >= TDS_CHECKPOINT_INTERVAL_MS &&
            (rc = tds__sign_latest(l, &err)))
            td_log_error("signing a checkpoint after a push: %s", err.msg);
    }
    tds__pending_free(g->rows, g->nrows);
    g->rows = NULL;
    g->nrows = g->caprows = 0;
    g->bytes = 0;
    w = g->w;
    nw = g->nw;
    g->w = NULL;
    g->nw = g->capw = 0;
    /* A failed signature fails the pushes as before group commit: their
     * rows are committed, and the device's re-send is acked DUPLICATE once
     * a checkpoint covers them. */
    for (size_t i = 0; i < nw; i++) {
        if (rc)
            for (size_t k = 0; k < w[i].n; k++)
                if (w[i].acks[k].status == TIENDO__ACK_STATUS__ACK_STORED)
                    w[i].acks[k].status = TIENDO__ACK_STATUS__ACK_UNSPECIFIED;
        w[i].done(w[i].arg, rc, rc ? &err : NULL);
    }
    free(w);
}

/* What tds_ledger_push_prepare hands to tds_ledger_push_defer_prepared. */
struct tds_push_prep {
    size_t n;
    size_t recv_bytes;            /* body + signature bytes received (the group's cap counts them) */
    td_entry *en;                 /* decoded; en[i].e NULL when refused before decoding */
    uint8_t **bytes;              /* canonical SignedEntry (owned until the group takes it) */
    size_t *lens;
    uint32_t *task;               /* tds_ledger_payload_task of each passed entry */
};

/*
 * The checks of a push that read no ledger state: form, decode, kind,
 * signature (verified in parallel: the ingest bottleneck).  Safe on any
 * thread.  Fills acks (REFUSED, or UNSPECIFIED = passed so far), en and
 * bytes (canonical SignedEntry).
 */
static int tds__push_verify(Tiendo__SignedEntry *const *entries, size_t n, tds_ack *acks, td_entry *en,
                            uint8_t **bytes, size_t *lens)
{
    unsigned char *ok = calloc(n ? n : 1, 1);
    td_error decode_err;
    if (!ok) return TD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!entries[i] || entries[i]->body.len + entries[i]->sig.len > TD_ENTRY_MAX) continue;
        if (!(bytes[i] = tds__canonical(entries[i], &lens[i]))) {
            free(ok);
            return TD_ENOMEM;
        }
        if (td_entry_decode(bytes[i], lens[i], &en[i], &decode_err)) memset(&en[i], 0, sizeof en[i]);
    }
    td_entry_verify_batch(en, n, ok);
    for (size_t i = 0; i < n; i++) {
        tds_ack *a = &acks[i];
        td_error e2 = {0};
        memset(a, 0, sizeof *a);
        if (!entries[i]) {
            tds__refuse(a, "empty entry");
            continue;
        }
        if (entries[i]->body.len + entries[i]->sig.len > TD_ENTRY_MAX) {
            tds__refuse(a, "entry of %zu bytes exceeds TD_ENTRY_MAX (%u)", entries[i]->body.len + entries[i]->sig.len, TD_ENTRY_MAX);
            continue;
        }
        if (!en[i].e) {
            /* decode again for the message: rare, and keeps the loop above lean */
            td_entry tmp;
            if (td_entry_decode(bytes[i], lens[i], &tmp, &e2) == 0) td_entry_free(&tmp);
            tds__refuse(a, "does not decode: %.200s", e2.msg);
            continue;
        }
        a->seq = en[i].e->seq;
        if (!td_entry_kind_known((int)en[i].e->kind)) {
            tds__refuse(a, "unknown entry kind %d", (int)en[i].e->kind);
        } else if (en[i].e->payload.len > td_entry_payload_max((int)en[i].e->kind)) {
            tds__refuse(a, "%s payload of %zu bytes exceeds its bound of %zu bytes", td_entry_kind_name((int)en[i].e->kind),
                        en[i].e->payload.len, td_entry_payload_max((int)en[i].e->kind));
        } else if (!ok[i]) {
            tds__refuse(a, "bad signature: signature does not verify (author seq %llu)",
                        (unsigned long long)en[i].e->seq);
        } else {
            a->status = TIENDO__ACK_STATUS__ACK_UNSPECIFIED;   /* passed so far */
        }
    }
    free(ok);
    return 0;
}

/* The checks against the TLS peer (they read the state: earlier keys):
 * author and agency.  *nok counts the entries still passing. */
static void tds__push_check_peer(const tds_ledger *l, const tds_peer *peer, size_t n, tds_ack *acks,
                                 const td_entry *en, size_t *nok)
{
    int64_t now = td_clock_now_ms();
    *nok = 0;
    for (size_t i = 0; i < n; i++) {
        tds_ack *a = &acks[i];
        char why[160] = "";
        if (a->status != TIENDO__ACK_STATUS__ACK_UNSPECIFIED) continue;
        if (memcmp(en[i].e->author.data, peer->pk, 32) != 0 && !tds__earlier_key(l, peer, en[i].e->author.data) &&
            tds__earlier_supplied(l, peer, en[i].e->author.data, why, sizeof why) < 0) {
            if (*why) tds__refuse(a, "%s: entries signed with its key are refused", why);
            else tds__refuse(a, "author key differs from the TLS peer's key (and is not an earlier key of this device)");
        } else if (strcmp(en[i].e->agency ? en[i].e->agency : "", peer->subj.agency) != 0) {
            tds__refuse(a, "entry agency \"%.64s\" is not the peer certificate's agency \"%s\"",
                        en[i].e->agency ? en[i].e->agency : "", peer->subj.agency);
        } else if (en[i].e->hlc > td_hlc_limit(now)) {
            char t[40];
            td_clock_fmt(td_hlc_ms(en[i].e->hlc), t, sizeof t);
            tds__refuse(a, "hybrid clock %llu (%s) is beyond the server's clock + TD_HLC_MAX_SKEW_MS (%lld h)",
                        (unsigned long long)en[i].e->hlc, t, (long long)(TD_HLC_MAX_SKEW_MS / 3600000));
        } else {
            (*nok)++;
        }
    }
}

void tds_push_prep_free(tds_push_prep *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) {
        if (p->en) td_entry_free(&p->en[i]);
        if (p->bytes) free(p->bytes[i]);
    }
    free(p->en);
    free(p->bytes);
    free(p->lens);
    free(p->task);
    free(p);
}

tds_push_prep *tds_ledger_push_prepare(Tiendo__SignedEntry *const *entries, size_t n, tds_ack *acks)
{
    tds_push_prep *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->n = n;
    p->en = calloc(n ? n : 1, sizeof *p->en);
    p->bytes = calloc(n ? n : 1, sizeof *p->bytes);
    p->lens = calloc(n ? n : 1, sizeof *p->lens);
    p->task = calloc(n ? n : 1, sizeof *p->task);
    if (!p->en || !p->bytes || !p->lens || !p->task ||
        tds__push_verify(entries, n, acks, p->en, p->bytes, p->lens)) {
        tds_push_prep_free(p);
        return NULL;
    }
    /* the payload decode for the row's task, here too: off the loop */
    for (size_t i = 0; i < n; i++)
        if (acks[i].status == TIENDO__ACK_STATUS__ACK_UNSPECIFIED)
            p->task[i] = tds_ledger_payload_task((int)p->en[i].e->kind, p->en[i].e->payload.data,
                                                 p->en[i].e->payload.len);
    for (size_t i = 0; i < n; i++)
        if (entries[i]) p->recv_bytes += entries[i]->body.len + entries[i]->sig.len;
    return p;
}

/* Room for k more rows in the group. */
static int tds__group_reserve(struct tds_group *g, size_t k)
{
    if (g->nrows + k <= g->caprows) return 0;
    size_t nc = g->caprows ? g->caprows : 1024;
    while (nc < g->nrows + k) nc *= 2;
    tds_pending *nv = realloc(g->rows, nc * sizeof *nv);
    if (!nv) return -1;
    memset(nv + g->caprows, 0, (nc - g->caprows) * sizeof *nv);
    g->rows = nv;
    g->caprows = nc;
    return 0;
}

/*
 * Append the passed entries of one push to the group's transaction
 * (beginning it if needed).  The sequence rules read the store, which
 * includes the group's earlier rows (same connection): the batches of one
 * session, pipelined, continue each other's seqs.  On failure the caller
 * fails the whole group.
 */
static int tds__push_append(tds_ledger *l, const tds_peer *peer, size_t n, tds_ack *acks, td_entry *en,
                            uint8_t **bytes, size_t *lens, const uint32_t *task, td_error *err)
{
    struct tds_group *g = &l->grp;
    int64_t now = tds__now_ms();
    int rc;
    if (tds__group_reserve(g, n + 2 + TD_PUSH_EARLIER_CERTS_MAX)) return td_error_set(err, TD_ENOMEM, "out of memory for a push of %zu", n);
    if (!g->open) {
        if ((rc = tds_logstore_begin(l->store, err))) return rc;
        g->open = 1;
        if ((rc = tds__catch_up(l, err)) || (rc = tds__ensure_server_cert(l, g->rows, &g->nrows, err))) return rc;
    }
    if ((rc = tds__ensure_peer_cert(l, peer, g->rows, &g->nrows, err)) ||
        (rc = tds__ensure_earlier_certs(l, peer, en, acks, n, g->rows, &g->nrows, err)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        tds_ack *a = &acks[i];
        tds_pending *p = &g->rows[g->nrows];
        uint64_t last = 0, seq, idx = 0;
        const unsigned char *author;
        uint8_t *old = NULL;
        size_t oldn = 0;
        int found = 0;
        if (a->status != TIENDO__ACK_STATUS__ACK_UNSPECIFIED) continue;
        seq = en[i].e->seq;
        author = en[i].e->author.data;
        if ((rc = tds_logstore_last_seq(l->store, author, &last, err))) return rc;
        if (seq <= last) {
            if ((rc = tds_logstore_lookup(l->store, author, seq, &found, &idx, &old, &oldn, err))) return rc;
            if (found && oldn == lens[i] && memcmp(old, bytes[i], oldn) == 0) {
                a->status = TIENDO__ACK_STATUS__ACK_DUPLICATE;
                a->index = idx;
            } else if (found) {
                tds__refuse(a, "equivocation: another entry with seq %llu is at log index %llu",
                            (unsigned long long)seq, (unsigned long long)idx);
            } else {
                /* below the last seq but absent: impossible while pushes are gap-free */
                tds__refuse(a, "seq %llu already passed but not in the log", (unsigned long long)seq);
            }
            free(old);
            continue;
        }
        /* A device's new key (renewal) may continue the numbering of its
         * earlier keys: the device's outbox is one sequence (docs/LOG.md §3). */
        if (seq > last + 1 && !(last == 0 && seq == tds__device_next_seq(l, peer, author))) {
            tds__refuse(a, "sequence gap: expected %llu, got %llu", (unsigned long long)(last + 1),
                        (unsigned long long)seq);
            continue;
        }
        memset(&p->row, 0, sizeof p->row);
        memcpy(p->row.author, author, 32);
        p->row.seq = seq;
        p->row.kind = (int)en[i].e->kind;
        p->row.agency = peer->subj.agency;
        p->row.task = task[i];
        p->row.body = bytes[i];
        p->row.len = lens[i];
        p->row.received_ms = now;
        if ((rc = tds_logstore_insert(l->store, &p->row, err))) return rc;
        /* the files it cites get their references when the fold accepts it
         * (tds__apply_row), not here */
        p->body = bytes[i];       /* ownership moves to the group */
        bytes[i] = NULL;
        a->status = TIENDO__ACK_STATUS__ACK_STORED;
        a->index = p->row.idx;
        g->nrows++;
    }
    return 0;
}

/* Refused entries logged one per line per push; the rest are counted. */
static void tds__log_refusals(const tds_peer *peer, const tds_ack *acks, size_t n)
{
    /* Operators see refusals (the Ack tells the device); a hostile peer
     * cannot flood the log: at most TDS_LOG_REFUSALS lines a push. */
    size_t refused = 0;
    for (size_t i = 0; i < n; i++) {
        if (acks[i].status != TIENDO__ACK_STATUS__ACK_REFUSED) continue;
        char q[TD_LOG_QUOTE_BUF];
        if (refused++ < TDS_LOG_REFUSALS)
            td_log_warn("device %s/%s: entry seq %llu refused: %s", peer->subj.agency, peer->subj.device,
                        (unsigned long long)acks[i].seq, td_log_quote(acks[i].reason, q, sizeof q));
    }
    if (refused > TDS_LOG_REFUSALS)
        td_log_warn("device %s/%s: %zu more entries of this push refused", peer->subj.agency, peer->subj.device,
                    refused - TDS_LOG_REFUSALS);
}

void tds_ledger_push_defer(tds_ledger *l, const tds_peer *peer, Tiendo__SignedEntry *const *entries, size_t n,
                           tds_ack *acks, void (*done)(void *arg, int rc, const td_error *err), void *arg)
{
    tds_push_prep *p;
    td_error err = {0};
    if (!l->writable || !l->st) {
        td_error_set(&err, TD_EINTERNAL, "the server log is open read-only");
        done(arg, TD_EINTERNAL, &err);
        return;
    }
    if (!(p = tds_ledger_push_prepare(entries, n, acks))) {
        td_error_set(&err, TD_ENOMEM, "out of memory for a push of %zu entries", n);
        done(arg, TD_ENOMEM, &err);
        return;
    }
    tds_ledger_push_defer_prepared(l, peer, p, acks, done, arg);
}

void tds_ledger_push_defer_prepared(tds_ledger *l, const tds_peer *peer, tds_push_prep *p, tds_ack *acks,
                                    void (*done)(void *arg, int rc, const td_error *err), void *arg)
{
    struct tds_group *g = &l->grp;
    size_t nok = 0;
    td_error err = {0};
    int rc = 0;

    if (!l->writable || !l->st) {
        td_error_set(&err, TD_EINTERNAL, "the server log is open read-only");
        done(arg, TD_EINTERNAL, &err);
        goto out;
    }
    tds__push_check_peer(l, peer, p->n, acks, p->en, &nok);
    if (g->nw == g->capw) {
        size_t nc = g->capw ? 2 * g->capw : 16;
        tds_group_waiter *nw = realloc(g->w, nc * sizeof *nw);
        if (!nw) {
            /* nothing of this push is in the group: fail it alone */
            td_error_set(&err, TD_ENOMEM, "out of memory for a push");
            done(arg, TD_ENOMEM, &err);
            goto out;
        }
        g->w = nw;
        g->capw = nc;
    }
    g->w[g->nw++] = (tds_group_waiter){acks, p->n, done, arg};
    g->pushes++;
    /* every byte received counts against the cap, stored or not */
    g->bytes += p->recv_bytes;
    if (nok && (rc = tds__push_append(l, peer, p->n, acks, p->en, p->bytes, p->lens, p->task, &err))) {
        tds__group_fail(l, rc, &err);
        goto out;
    }
    tds__log_refusals(peer, acks, p->n);
    /* Without an open transaction (everything refused or empty) nothing
     * waits for a commit, except the order behind earlier pushes. */
    if (!g->open || g->bytes >= TDS_GROUP_MAX_BYTES || g->nw >= TDS_GROUP_MAX_PUSHES) tds_ledger_group_flush(l);
out:
    tds_push_prep_free(p);
}

typedef struct tds_push_sync {
    int done, rc;
    td_error err;
} tds_push_sync;

static void tds__push_sync_done(void *arg, int rc, const td_error *err)
{
    tds_push_sync *ps = arg;
    ps->done = 1;
    ps->rc = rc;
    if (rc && err) ps->err = *err;
}

int tds_ledger_push(tds_ledger *l, const tds_peer *peer, Tiendo__SignedEntry *const *entries, size_t n,
                    tds_ack *acks, td_error *err)
{
    tds_push_sync ps;
    memset(&ps, 0, sizeof ps);
    if (!l->writable || !l->st) return td_error_set(err, TD_EINTERNAL, "the server log is open read-only");
    if (n == 0) return 0;
    tds_ledger_group_flush(l);     /* pushes deferred before this one commit first */
    tds_ledger_push_defer(l, peer, entries, n, acks, tds__push_sync_done, &ps);
    tds_ledger_group_flush(l);
    if (!ps.done) return td_error_set(err, TD_EINTERNAL, "push not completed by the group commit");
    if (ps.rc && err) *err = ps.err;
    return ps.rc;
}

/* ---- pull and welcome ----------------------------------------------------- */

static int tds__visible(const tds_ledger *l, const tds_peer *peer, const tds_logrow *r)
{
    return td_state_visible(l->st, r->kind, r->agency, r->task, peer->subj.agency, peer->subj.role);
}

typedef struct tds_welcome_scan {
    const tds_ledger *l;
    const tds_peer *peer;
    int found;
} tds_welcome_scan;

static int tds__welcome_cb(void *arg, const tds_logrow *r)
{
    tds_welcome_scan *w = arg;
    if (tds__visible(w->l, w->peer, r)) w->found = 1;
    return w->found;
}

int tds_ledger_welcome(tds_ledger *l, const tds_peer *peer, uint64_t cursor, int *has_new, uint64_t *log_size,
                       td_error *err)
{
    tds_welcome_scan w = {l, peer, 0};
    uint64_t last = 0;
    int rc;
    *has_new = 0;
    *log_size = 0;
    if ((rc = tds_ledger_catch_up(l, err)) || (rc = tds_logstore_last_index(l->store, &last, err))) return rc;
    *log_size = last;
    if (tds_ledger_peer_revoked(l, peer))
        return td_error_set(err, TD_EREVOKED, "the certificate of %s/%s is revoked in the log (revoked, or "
                            "superseded by a renewal)", peer->subj.agency, peer->subj.device);
    if (cursor == 0) cursor = 1;
    if (cursor > last || !l->st) return 0;
    rc = tds_logstore_scan(l->store, cursor, TDS_WELCOME_SCAN_MAX, 0, tds__welcome_cb, &w, err);
    if (rc < 0) return rc;
    /* past the scan bound without a verdict: say yes, the Pull scans on */
    *has_new = w.found || last - cursor + 1 > TDS_WELCOME_SCAN_MAX;
    return 0;
}

/* Pull.rescan_tasks: with a list, only entries on one of its tasks. */
static int tds__rescan_wanted(const tds_peer *peer, const tds_logrow *r)
{
    if (!peer->n_rescan_tasks) return 1;
    for (size_t i = 0; i < peer->n_rescan_tasks; i++)
        if (r->task && r->task == peer->rescan_tasks[i]) return 1;
    return 0;
}

typedef struct tds_pull_scan {
    const tds_ledger *l;
    const tds_peer *peer;
    uint64_t own_from_seq;        /* > 0: the peer's own entries from this seq go without body */
    uint32_t limit;
    size_t bytes;
    uint64_t next;
    Tiendo__LogEntry **v;
    size_t n;
    int oom;
} tds_pull_scan;

static int tds__pull_cb(void *arg, const tds_logrow *r)
{
    tds_pull_scan *ps = arg;
    Tiendo__LogEntry *le;
    if (!tds__visible(ps->l, ps->peer, r) || !tds__rescan_wanted(ps->peer, r)) {
        ps->next = r->idx + 1;   /* skipped for good */
        return 0;
    }
    if (ps->n >= ps->limit || (ps->n > 0 && ps->bytes + r->len > TD_PULL_MAX_BYTES)) return 1;
    if (!(le = malloc(sizeof *le))) {
        ps->oom = 1;
        return 1;
    }
    tiendo__log_entry__init(le);
    le->index = r->idx;
    le->received_ms = r->received_ms;
    if (ps->own_from_seq && r->seq >= ps->own_from_seq && !memcmp(r->author, ps->peer->pk, 32)) {
        /* the device holds these bytes, acknowledged at this index (Pull.own_from_seq) */
        le->own_seq = r->seq;
        ps->v[ps->n++] = le;
        ps->next = r->idx + 1;
        return 0;
    }
    le->entry = tiendo__signed_entry__unpack(NULL, r->len, r->body);
    if (!le->entry) {
        /* the store only holds entries that decoded at push: a damaged row */
        td_log_error("log index %llu does not decode; skipped in pull", (unsigned long long)r->idx);
        free(le);
        ps->next = r->idx + 1;
        return 0;
    }
    ps->v[ps->n++] = le;
    ps->bytes += r->len;
    ps->next = r->idx + 1;
    return 0;
}

int tds_ledger_pull(tds_ledger *l, const tds_peer *peer, uint64_t since, uint32_t limit, uint64_t own_from_seq,
                    Tiendo__Entries *out, td_error *err)
{
    tds_pull_scan ps;
    uint64_t last = 0;
    int rc;
    tiendo__entries__init(out);
    if ((rc = tds_ledger_catch_up(l, err)) || (rc = tds_logstore_last_index(l->store, &last, err))) return rc;
    if (since == 0) since = 1;
    memset(&ps, 0, sizeof ps);
    ps.l = l;
    ps.peer = peer;
    ps.own_from_seq = own_from_seq;
    ps.limit = limit == 0 || limit > TD_PULL_MAX_ENTRIES ? TD_PULL_MAX_ENTRIES : limit;
    ps.next = since;
    if (l->st && since <= last) {
        if (!(ps.v = calloc(ps.limit, sizeof *ps.v))) return td_error_set(err, TD_ENOMEM, "out of memory");
        rc = tds_logstore_scan(l->store, since, TDS_PULL_SCAN_MAX, 0, tds__pull_cb, &ps, err);
        if (rc < 0 || ps.oom) {
            out->batch = ps.v;
            out->n_batch = ps.n;
            tds_ledger_pull_free(out);
            return rc < 0 ? rc : td_error_set(err, TD_ENOMEM, "out of memory");
        }
    } else if (since > last + 1) {
        ps.next = since;
    }
    out->batch = ps.v;
    out->n_batch = ps.n;
    out->next = ps.next;
    out->more = ps.next <= last;
    /* the head the batch was cut from: signed (by the catch-up above) at a
     * size covering every entry in it */
    {
        tds_tree_head th;
        Tiendo__TreeHead *t;
        if ((rc = tds_ledger_checkpoint(l, &th, err))) {
            tds_ledger_pull_free(out);
            return rc;
        }
        if (th.note) {
            if (!(t = malloc(sizeof *t + sizeof th.root))) {
                tds_tree_head_free(&th);
                tds_ledger_pull_free(out);
                return td_error_set(err, TD_ENOMEM, "out of memory");
            }
            tiendo__tree_head__init(t);
            t->size = th.size;
            t->root.data = (uint8_t *)(t + 1);
            memcpy(t->root.data, th.root, sizeof th.root);
            t->root.len = sizeof th.root;
            t->checkpoint.data = (uint8_t *)th.note;   /* freed by pull_free */
            t->checkpoint.len = th.note_len;
            out->tree_head = t;
            /* each entry's audit path in that tree (protocol >= 4: the
             * session leaves them out for older clients); one block per
             * entry: the hash descriptors, then the hashes */
            for (size_t i = 0; i < out->n_batch; i++) {
                Tiendo__LogEntry *le = out->batch[i];
                unsigned char pr[TD_MERKLE_PROOF_BYTES];
                ProtobufCBinaryData *hv;
                size_t np = 0;
                if (le->index > t->size) continue;   /* not covered: the client refuses it anyway */
                if ((rc = tds_ledger_inclusion(l, le->index, t->size, pr, &np, err))) {
                    tds_ledger_pull_free(out);
                    return rc;
                }
                if (!(hv = malloc((np ? np : 1) * (sizeof *hv + TD_MERKLE_HASH_LEN)))) {
                    tds_ledger_pull_free(out);
                    return td_error_set(err, TD_ENOMEM, "out of memory");
                }
                for (size_t k = 0; k < np; k++) {
                    hv[k].data = (uint8_t *)(hv + np) + k * TD_MERKLE_HASH_LEN;
                    hv[k].len = TD_MERKLE_HASH_LEN;
                    memcpy(hv[k].data, pr + k * TD_MERKLE_HASH_LEN, TD_MERKLE_HASH_LEN);
                }
                le->inclusion = hv;
                le->n_inclusion = np;
            }
        }
    }
    return 0;
}

void tds_ledger_pull_free(Tiendo__Entries *out)
{
    for (size_t i = 0; i < out->n_batch; i++) {
        if (out->batch[i]->entry) tiendo__signed_entry__free_unpacked(out->batch[i]->entry, NULL);
        free(out->batch[i]->inclusion);
        free(out->batch[i]);
    }
    free(out->batch);
    out->batch = NULL;
    out->n_batch = 0;
    if (out->tree_head) {
        free(out->tree_head->checkpoint.data);
        free(out->tree_head);
        out->tree_head = NULL;
    }
}

/* ---- CRL ------------------------------------------------------------------ */

typedef struct tds_crl_scan {
    X509_CRL *crl;
    /* certificates in the log matching a revoked serial */
    struct tds_rev {
        uint8_t serial[64];
        size_t serial_len;
        unsigned char key[32];
        int64_t revoked_ms;
        int reason;
        int recorded;
    } *v;
    size_t n, cap;
    int oom;
} tds_crl_scan;

static size_t tds__serial_bytes(const ASN1_INTEGER *ai, uint8_t *out, size_t cap)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(ai, NULL);
    int n;
    if (!bn) return 0;
    n = BN_num_bytes(bn);
    if (n <= 0 || (size_t)n > cap) {
        BN_free(bn);
        return 0;
    }
    BN_bn2bin(bn, out);
    BN_free(bn);
    return (size_t)n;
}

static int tds__crl_cert_cb(void *arg, const tds_logrow *r)
{
    tds_crl_scan *cs = arg;
    td_entry en;
    td_error e2;
    Tiendo__CertPayload *cp;
    X509 *x = NULL;
    X509_REVOKED *rev = NULL;
    if (td_entry_decode(r->body, r->len, &en, &e2)) return 0;
    cp = tiendo__cert_payload__unpack(NULL, en.e->payload.len, en.e->payload.data);
    if (cp) {
        const unsigned char *p = cp->der.data;
        x = d2i_X509(NULL, &p, (long)cp->der.len);
    }
    if (x && X509_CRL_get0_by_serial(cs->crl, &rev, X509_get0_serialNumber(x)) == 1 && rev) {
        struct tds_rev *t;
        ASN1_ENUMERATED *reason;
        if (cs->n == cs->cap) {
            size_t nc = cs->cap ? cs->cap * 2 : 8;
            void *nv = realloc(cs->v, nc * sizeof *cs->v);
            if (!nv) {
                cs->oom = 1;
                goto done;
            }
            cs->v = nv;
            cs->cap = nc;
        }
        t = &cs->v[cs->n];
        memset(t, 0, sizeof *t);
        t->serial_len = tds__serial_bytes(X509_get0_serialNumber(x), t->serial, sizeof t->serial);
        if (t->serial_len && td_cert_ed25519_pk(x, t->key, &e2) == 0 &&
            td_x509_time_unix(X509_REVOKED_get0_revocationDate(rev), &t->revoked_ms, &e2) == 0) {
            t->revoked_ms *= 1000;
            reason = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
            t->reason = reason ? (int)ASN1_ENUMERATED_get(reason) : 0;
            ASN1_ENUMERATED_free(reason);
            cs->n++;
        }
    }
done:
    X509_free(x);
    tiendo__cert_payload__free_unpacked(cp, NULL);
    td_entry_free(&en);
    return cs->oom;
}

static int tds__crl_rev_cb(void *arg, const tds_logrow *r)
{
    tds_crl_scan *cs = arg;
    td_entry en;
    td_error e2;
    Tiendo__RevocationPayload *rp;
    if (td_entry_decode(r->body, r->len, &en, &e2)) return 0;
    rp = tiendo__revocation_payload__unpack(NULL, en.e->payload.len, en.e->payload.data);
    for (size_t i = 0; rp && i < cs->n; i++)
        if (rp->serial.len == cs->v[i].serial_len && !memcmp(rp->serial.data, cs->v[i].serial, rp->serial.len))
            cs->v[i].recorded = 1;
    tiendo__revocation_payload__free_unpacked(rp, NULL);
    td_entry_free(&en);
    return 0;
}

int tds_ledger_sync_crl(tds_ledger *l, const char *crl_path, size_t *appended, td_error *err)
{
    tds_crl_scan cs;
    FILE *f;
    EVP_PKEY *capk;
    tds_own_entry *own = NULL;
    uint8_t **pls = NULL;
    size_t nown = 0;
    int rc = 0;

    *appended = 0;
    memset(&cs, 0, sizeof cs);
    if (!l->writable || !l->st) return td_error_set(err, TD_EAUTH, "recording revocations needs the server key");
    if (!(f = fopen(crl_path, "r"))) return td_error_set(err, TD_EIO, "%s: cannot open the CRL: %m", crl_path);
    cs.crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
    fclose(f);
    if (!cs.crl) return td_error_set_ssl(err, TD_EPARSE, crl_path);
    capk = X509_get0_pubkey(l->ca);
    if (!capk || X509_CRL_verify(cs.crl, capk) != 1) {
        X509_CRL_free(cs.crl);
        return td_error_set(err, TD_ECERT, "%s: the CRL is not signed by the CA", crl_path);
    }
    if ((rc = tds_ledger_catch_up(l, err))) goto out;
    rc = tds_logstore_scan(l->store, 1, 0, TIENDO__ENTRY_KIND__ENTRY_CERT, tds__crl_cert_cb, &cs, err);
    if (rc < 0) goto out;
    if (cs.oom) {
        rc = td_error_set(err, TD_ENOMEM, "out of memory");
        goto out;
    }
    rc = tds_logstore_scan(l->store, 1, 0, TIENDO__ENTRY_KIND__ENTRY_REVOCATION, tds__crl_rev_cb, &cs, err);
    if (rc < 0) goto out;
    rc = 0;
    own = calloc(cs.n + 1, sizeof *own);
    pls = calloc(cs.n + 1, sizeof *pls);
    if (!own || !pls) {
        rc = td_error_set(err, TD_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < cs.n; i++) {
        Tiendo__RevocationPayload rp = TIENDO__REVOCATION_PAYLOAD__INIT;
        size_t n;
        int dup = 0;
        if (cs.v[i].recorded) continue;
        /* the same certificate may appear twice in the log (renewal with the same serial cannot, but be safe) */
        for (size_t k = 0; k < i; k++)
            if (cs.v[k].serial_len == cs.v[i].serial_len && !memcmp(cs.v[k].serial, cs.v[i].serial, cs.v[i].serial_len))
                dup = 1;
        if (dup) continue;
        rp.serial.data = cs.v[i].serial;
        rp.serial.len = cs.v[i].serial_len;
        rp.key.data = cs.v[i].key;
        rp.key.len = 32;
        rp.revoked_ms = cs.v[i].revoked_ms;
        rp.reason = cs.v[i].reason;
        n = tiendo__revocation_payload__get_packed_size(&rp);
        if (!(pls[nown] = malloc(n ? n : 1))) {
            rc = td_error_set(err, TD_ENOMEM, "out of memory");
            goto out;
        }
        tiendo__revocation_payload__pack(&rp, pls[nown]);
        own[nown].kind = TIENDO__ENTRY_KIND__ENTRY_REVOCATION;
        own[nown].payload = pls[nown];
        own[nown].len = n;
        nown++;
    }
    if (nown && (rc = tds_ledger_append_own(l, own, nown, err)) == 0) {
        *appended = nown;
        for (size_t i = 0; i < nown; i++)
            td_log_info("revocation recorded at log index %llu", (unsigned long long)own[i].index);
    }
out:
    for (size_t i = 0; pls && i < nown; i++) free(pls[i]);
    free(pls);
    free(own);
    free(cs.v);
    X509_CRL_free(cs.crl);
    return rc;
}

/* ---- views ------------------------------------------------------------------ */

typedef struct tds_view_scan {
    tds_ledger *l;
    tds_peer peer;
    td_state *view;
    int failed;
} tds_view_scan;

static int tds__view_cb(void *arg, const tds_logrow *r)
{
    tds_view_scan *vs = arg;
    td_apply_result res;
    td_error e2;
    if (!tds__visible(vs->l, &vs->peer, r)) return 0;
    if (td_state_apply(vs->view, r->idx, r->body, r->len, r->received_ms, &res, &e2)) {
        td_log_error("view: log index %llu: %s", (unsigned long long)r->idx, e2.msg);
        vs->failed = 1;
        return 1;
    }
    return 0;
}

int tds_ledger_view(tds_ledger *l, const char *agency, td_role role, td_state **out, td_error *err)
{
    tds_view_scan vs;
    int rc;
    *out = NULL;
    if (!l->st) return td_error_set(err, TD_EARG, "no state: the log is empty and no CA is known");
    if ((rc = tds_ledger_catch_up(l, err))) return rc;
    memset(&vs, 0, sizeof vs);
    vs.l = l;
    snprintf(vs.peer.subj.agency, sizeof vs.peer.subj.agency, "%s", agency);
    vs.peer.subj.role = role;
    if (!(vs.view = td_state_new(l->ca))) return td_error_set(err, TD_ENOMEM, "out of memory");
    rc = tds_logstore_scan(l->store, 1, 0, 0, tds__view_cb, &vs, err);
    if (rc < 0 || vs.failed) {
        td_state_free(vs.view);
        return rc < 0 ? rc : td_error_set(err, TD_EINTERNAL, "folding the view of %s failed", agency);
    }
    *out = vs.view;
    return 0;
}

/* ---- audit: checkpoints, proofs, cosignatures (docs/LOG.md §9, §10) -------- */

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

/* The origin line of a stored signed checkpoint (no signature check). */
static int tds__note_checkpoint(const char *note, size_t len, td_checkpoint *c, td_error *err)
{
    td_note n;
    int rc;
    memset(c, 0, sizeof *c);
    if ((rc = td_note_parse(note, len, &n, err))) return rc;
    rc = td_checkpoint_parse(n.text, n.text_len, c, err);
    td_note_free(&n);
    return rc;
}

typedef struct tds_recompute {
    td_merkle_mem m;
    td_merkle_store st;
    uint64_t n;
    uint64_t bad_level, bad_index;
    int bad;
} tds_recompute;

static int tds__recompute_cb(void *arg, const tds_logrow *r)
{
    tds_recompute *t = arg;
    unsigned char leaf[TD_MERKLE_HASH_LEN];
    td_merkle_leaf_hash(r->body, r->len, leaf);
    if (r->idx != t->n + 1 || td_merkle_append(&t->st, t->n, leaf, NULL, NULL)) return 1;
    t->n++;
    return 0;
}

static int tds__tree_cmp_cb(void *arg, unsigned level, uint64_t index, const unsigned char h[TD_MERKLE_HASH_LEN])
{
    tds_recompute *t = arg;
    unsigned char want[TD_MERKLE_HASH_LEN];
    if (t->st.get(t->st.arg, level, index, want) != 0 || sodium_memcmp(want, h, TD_MERKLE_HASH_LEN) != 0) {
        t->bad = 1;
        t->bad_level = level;
        t->bad_index = index;
        return 1;
    }
    return 0;
}

/*
 * At open: the tree is recomputed from the log rows (O(n) hashing, the same
 * order of work as the fold that open already does) and must equal the
 * stored tree hash for hash, and reproduce the root of the last checkpoint;
 * the checkpoint must be signed by this server's key with this origin.
 * Anything else means the database was changed behind the server's back:
 * refuse to go on rather than sign a tree that contradicts what clients
 * already verified.
 */
static int tds__audit_open(tds_ledger *l, const tds_ledger_opts *o, td_error *err)
{
    tds_checkpoint_row cp;
    tds_recompute t;
    uint64_t last = 0, leaves = 0;
    unsigned char root[TD_MERKLE_HASH_LEN];
    td_checkpoint c;
    const char *path = tds_logstore_path(l->store);
    int found = 0, rc;

    memset(&c, 0, sizeof c);
    memset(&cp, 0, sizeof cp);
    memset(&t, 0, sizeof t);
    td_merkle_mem_init(&t.m);
    t.st = td_merkle_mem_store(&t.m);
    if ((rc = tds_logstore_last_index(l->store, &last, err)) || (rc = tds_logstore_tree_size(l->store, &leaves, err)))
        goto out;
    if (leaves != last) {
        rc = td_error_set(err, TD_EDB, "%s: the Merkle tree has %llu leaves but the log %llu entries: refusing to start",
                          path, (unsigned long long)leaves, (unsigned long long)last);
        td_log_error("%s", err ? err->msg : "tree and log differ");
        goto out;
    }
    rc = tds_logstore_scan(l->store, 1, 0, 0, tds__recompute_cb, &t, err);
    if (rc < 0) goto out;
    if (rc > 0 || t.n != last) {
        rc = td_error_set(err, TD_EDB, "%s: recomputing the Merkle tree stopped at log index %llu: refusing to start",
                          path, (unsigned long long)(t.n + 1));
        td_log_error("%s", err ? err->msg : "tree recompute failed");
        goto out;
    }
    rc = tds_logstore_tree_scan(l->store, tds__tree_cmp_cb, &t, err);
    if (rc < 0) goto out;
    if (t.bad) {
        rc = td_error_set(err, TD_EDB, "%s: the stored tree hash (level %llu, index %llu) differs from the one "
                          "recomputed from the log: refusing to start", path, (unsigned long long)t.bad_level,
                          (unsigned long long)t.bad_index);
        td_log_error("%s", err ? err->msg : "tree differs");
        goto out;
    }
    rc = 0;
    if ((rc = tds_logstore_checkpoint_latest(l->store, &found, &cp, err))) goto out;
    if (found) {
        if (cp.size > last) {
            rc = td_error_set(err, TD_EDB, "%s: the last checkpoint has size %llu but the log only %llu entries: "
                              "refusing to start", path, (unsigned long long)cp.size, (unsigned long long)last);
        } else if ((rc = td_merkle_root(&t.st, cp.size, root, err)) == 0 &&
                   sodium_memcmp(root, cp.root, TD_MERKLE_HASH_LEN) != 0) {
            rc = td_error_set(err, TD_EDB, "%s: the log's root at size %llu differs from the signed checkpoint of "
                              "that size: the log was changed; refusing to start", path, (unsigned long long)cp.size);
        } else if (!rc && (rc = tds__note_checkpoint(cp.note, cp.note_len, &c, err)) == 0 &&
                   (c.size != cp.size || memcmp(c.root, cp.root, TD_MERKLE_HASH_LEN) != 0)) {
            rc = td_error_set(err, TD_EDB, "%s: the checkpoint note of size %llu does not match its row: refusing to start",
                              path, (unsigned long long)cp.size);
        }
        if (rc) {
            td_log_error("%s", err ? err->msg : "checkpoint check failed");
            goto out;
        }
        l->signed_size = cp.size;
    }
    /* origin: the flag, else the one already in use, else tiendo/<server CN> */
    if (o->origin && *o->origin) {
        if (!td_note_name_valid(o->origin, strlen(o->origin)) || strlen(o->origin) > TD_CHECKPOINT_ORIGIN_MAX) {
            rc = td_error_set(err, TD_EARG, "origin \"%s\" is not a valid checkpoint origin (no spaces, no '+')",
                              o->origin);
            goto out;
        }
        if (found && strcmp(c.origin, o->origin) != 0) {
            rc = td_error_set(err, TD_EARG, "%s: the log's checkpoints have origin \"%s\", not \"%s\": "
                              "changing it would break every client's verification", path, c.origin, o->origin);
            goto out;
        }
        snprintf(l->origin, sizeof l->origin, "%s", o->origin);
    } else if (found) {
        snprintf(l->origin, sizeof l->origin, "%s", c.origin);
    } else if (l->writable) {
        char cn[128] = "";
        X509_NAME_get_text_by_NID(X509_get_subject_name(l->cert), NID_commonName, cn, sizeof cn);
        snprintf(l->origin, sizeof l->origin, "tiendo/%s", cn[0] ? cn : "server");
        for (char *q = l->origin; *q; q++)
            if (*q == ' ' || *q == '+') *q = '-';
    }
    if (l->writable) {
        if ((rc = td_note_signer_from_identity(&l->signer, l->origin, TD_NOTE_TYPE_ED25519, &l->id, err))) goto out;
        td_note_signer_verifier(&l->signer, &l->verifier);
        if (found) {
            td_checkpoint chk;
            if ((rc = td_checkpoint_open(cp.note, cp.note_len, &l->verifier, l->origin, &chk, NULL, err))) {
                td_log_error("%s: the last checkpoint (size %llu) is not signed by this server's key: %s", path,
                             (unsigned long long)cp.size, err ? err->msg : "");
                goto out;
            }
            td_checkpoint_free(&chk);
        }
    }
out:
    td_merkle_mem_free(&t.m);
    td_checkpoint_free(&c);
    tds_checkpoint_row_free(&cp);
    return rc;
}

/*
 * Sign a checkpoint for the size the state covers, if larger than the last
 * one stored, and insert it (committed) before anyone is shown it.  The size
 * is read again inside a write transaction, so two processes sharing the
 * file (serve and `plan import`) never sign sizes out of order, and the tree
 * is the stored one, so every checkpoint is consistent with every other.
 */
static int tds__sign_latest(tds_ledger *l, td_error *err)
{
    tds_checkpoint_row cp;
    td_checkpoint c;
    td_merkle_store ms = tds_logstore_merkle(l->store);
    unsigned char digest[32];
    char ext[sizeof "tiendo-state " + 64 + 1];
    char *note = NULL;
    size_t note_len = 0;
    uint64_t size;
    int found = 0, rc;

    if (!l->writable || !l->st) return 0;
    size = td_state_last_index(l->st);
    if (size == 0 || size <= l->signed_size) return 0;
    if ((rc = tds_logstore_begin(l->store, err))) return rc;
    if ((rc = tds_logstore_checkpoint_latest(l->store, &found, &cp, err))) goto fail;
    if (found && cp.size >= size) {
        /* signed meanwhile by another process sharing the file */
        l->signed_size = cp.size;
        tds_checkpoint_row_free(&cp);
        tds_logstore_rollback(l->store);
        return 0;
    }
    tds_checkpoint_row_free(&cp);
    memset(&c, 0, sizeof c);
    snprintf(c.origin, sizeof c.origin, "%s", l->origin);
    c.size = size;
    if ((rc = td_merkle_root(&ms, size, c.root, err))) goto fail;
    td_state_digest(l->st, digest);
    memcpy(ext, "tiendo-state ", 13);
    sodium_bin2hex(ext + 13, 65, digest, sizeof digest);
    ext[13 + 64] = '\n';
    ext[13 + 65] = 0;
    c.ext = ext;
    c.ext_len = 13 + 65;
    if ((rc = td_checkpoint_sign(&c, &l->signer, &note, &note_len, err))) goto fail;
    if ((rc = tds_logstore_checkpoint_put(l->store, size, c.root, note, note_len, tds__now_ms(), err))) goto fail;
    if ((rc = tds_logstore_commit(l->store, err))) goto out;
    l->signed_size = size;
    l->last_sign_ms = td_clock_mono_ms(); /* intervals: the monotonic clock */
    td_log_debug("checkpoint signed at size %llu", (unsigned long long)size);
    goto out;
fail:
    tds_logstore_rollback(l->store);
out:
    free(note);
    return rc;
}

int tds_ledger_sign(tds_ledger *l, td_error *err)
{
    int rc;
    if ((rc = tds_ledger_catch_up(l, err))) return rc;
    return tds__sign_latest(l, err);
}

const char *tds_ledger_origin(const tds_ledger *l) { return l->origin; }
const td_note_verifier *tds_ledger_verifier(const tds_ledger *l) { return l->writable ? &l->verifier : NULL; }

int tds_ledger_checkpoint(tds_ledger *l, tds_tree_head *out, td_error *err)
{
    tds_checkpoint_row cp;
    int found = 0, rc;
    memset(out, 0, sizeof *out);
    if ((rc = tds_ledger_sign(l, err))) return rc;
    if ((rc = tds_logstore_checkpoint_latest(l->store, &found, &cp, err)) || !found) return rc;
    out->size = cp.size;
    memcpy(out->root, cp.root, sizeof out->root);
    out->note = cp.note;
    out->note_len = cp.note_len;
    return 0;
}

int tds_ledger_consistency(tds_ledger *l, uint64_t size1, uint64_t size2, unsigned char proof[TD_MERKLE_PROOF_BYTES],
                           size_t *n, td_error *err)
{
    td_merkle_store ms = tds_logstore_merkle(l->store);
    uint64_t leaves = 0;
    int rc;
    *n = 0;
    if ((rc = tds_logstore_tree_size(l->store, &leaves, err))) return rc;
    if (size1 == 0 || size1 > size2 || size2 > leaves)
        return td_error_set(err, TD_EARG, "no consistency proof from size %llu to %llu (tree of %llu)",
                            (unsigned long long)size1, (unsigned long long)size2, (unsigned long long)leaves);
    return td_merkle_consistency_proof(&ms, size1, size2, proof, n, err);
}

int tds_ledger_inclusion(tds_ledger *l, uint64_t index, uint64_t size, unsigned char proof[TD_MERKLE_PROOF_BYTES],
                         size_t *n, td_error *err)
{
    td_merkle_store ms = tds_logstore_merkle(l->store);
    uint64_t leaves = 0;
    int rc;
    *n = 0;
    if ((rc = tds_logstore_tree_size(l->store, &leaves, err))) return rc;
    if (index == 0 || index > size || size > leaves)
        return td_error_set(err, TD_EARG, "log index %llu is not in a tree of size %llu (the log has %llu)",
                            (unsigned long long)index, (unsigned long long)size, (unsigned long long)leaves);
    return td_merkle_inclusion_proof(&ms, index - 1, size, proof, n, err);
}

typedef struct tds_cosig_collect {
    char **v;
    size_t n, cap;
    int oom;
} tds_cosig_collect;

static int tds__cosig_collect_cb(void *arg, const tds_cosig_row *r)
{
    tds_cosig_collect *cc = arg;
    if (cc->n == cc->cap) {
        size_t nc = cc->cap ? cc->cap * 2 : 4;
        char **nv = realloc(cc->v, nc * sizeof *nv);
        if (!nv) return cc->oom = 1;
        cc->v = nv;
        cc->cap = nc;
    }
    if (!(cc->v[cc->n] = strdup(r->line))) return cc->oom = 1;
    cc->n++;
    return 0;
}

int tds_ledger_head(tds_ledger *l, const tds_peer *peer, uint64_t have_size, tds_head *out, td_error *err)
{
    tds_cosig_collect cc;
    int rc;
    (void)peer;
    memset(out, 0, sizeof *out);
    if ((rc = tds_ledger_checkpoint(l, &out->th, err)) || !out->th.note) return rc;
    if (have_size > 0 && have_size <= out->th.size) {
        if ((rc = tds_ledger_consistency(l, have_size, out->th.size, out->proof, &out->n_proof, err))) goto fail;
        out->has_proof = 1;
    }
    memset(&cc, 0, sizeof cc);
    rc = tds_logstore_cosigs(l->store, out->th.size, tds__cosig_collect_cb, &cc, err);
    out->cosigs = cc.v;
    out->n_cosigs = cc.n;
    if (rc < 0) goto fail;
    if (cc.oom) {
        rc = td_error_set(err, TD_ENOMEM, "out of memory");
        goto fail;
    }
    return 0;
fail:
    tds_head_free(out);
    return rc;
}

typedef struct tds_row_get {
    uint64_t idx;
    int found;
    int kind;
    char agency[64];
    uint32_t task;
    uint8_t *body;
    size_t len;
    int64_t received_ms;
    int oom;
} tds_row_get;

static int tds__row_get_cb(void *arg, const tds_logrow *r)
{
    tds_row_get *g = arg;
    if (r->idx != g->idx) return 1;
    g->found = 1;
    g->kind = r->kind;
    snprintf(g->agency, sizeof g->agency, "%s", r->agency);
    g->task = r->task;
    g->received_ms = r->received_ms;
    g->len = r->len;
    if (!(g->body = malloc(r->len ? r->len : 1))) return g->oom = 1;
    if (r->len) memcpy(g->body, r->body, r->len);
    return 1;
}

int tds_ledger_proof(tds_ledger *l, const tds_peer *peer, uint64_t index, uint64_t tree_size, tds_proof *out,
                     td_error *err)
{
    tds_row_get g;
    int rc, found = 0;
    memset(out, 0, sizeof *out);
    out->index = index;
    if (!l->st) return td_error_set(err, TD_EARG, "log index %llu: the log is empty", (unsigned long long)index);
    if (tree_size == 0) {
        if ((rc = tds_ledger_checkpoint(l, &out->th, err))) return rc;
        if (!out->th.note) return td_error_set(err, TD_EARG, "log index %llu: no checkpoint signed yet",
                                               (unsigned long long)index);
    } else {
        tds_checkpoint_row cp;
        if ((rc = tds_ledger_sign(l, err)) || (rc = tds_logstore_checkpoint_get(l->store, tree_size, &found, &cp, err)))
            return rc;
        if (!found)
            return td_error_set(err, TD_EARG, "tree size %llu: no checkpoint of that size was signed",
                                (unsigned long long)tree_size);
        out->th.size = cp.size;
        memcpy(out->th.root, cp.root, sizeof cp.root);
        out->th.note = cp.note;
        out->th.note_len = cp.note_len;
    }
    if (index == 0 || index > out->th.size) {
        rc = td_error_set(err, TD_EARG, "log index %llu is out of range: the checkpoint covers 1..%llu",
                          (unsigned long long)index, (unsigned long long)out->th.size);
        goto fail;
    }
    memset(&g, 0, sizeof g);
    g.idx = index;
    rc = tds_logstore_scan(l->store, index, 1, 0, tds__row_get_cb, &g, err);
    if (rc < 0) goto fail;
    if (g.oom || !g.found) {
        free(g.body);
        rc = g.oom ? td_error_set(err, TD_ENOMEM, "out of memory")
                   : td_error_set(err, TD_EARG, "log index %llu is not in the log", (unsigned long long)index);
        goto fail;
    }
    if (!td_state_visible(l->st, g.kind, g.agency, g.task, peer->subj.agency, peer->subj.role)) {
        free(g.body);
        rc = td_error_set(err, TD_EAUTH, "log index %llu is not visible to agency %s", (unsigned long long)index,
                          peer->subj.agency);
        goto fail;
    }
    out->entry = g.body;
    out->entry_len = g.len;
    out->received_ms = g.received_ms;
    if ((rc = tds_ledger_inclusion(l, index, out->th.size, out->hashes, &out->n, err))) goto fail;
    return 0;
fail:
    tds_proof_free(out);
    return rc;
}

static int tds__witnessed_cb(void *arg, const tds_cosig_row *r)
{
    uint64_t *max = arg;
    if (r->size > *max) *max = r->size;
    return 0;
}

int tds_ledger_witnessed_size(tds_ledger *l, uint64_t *size, td_error *err)
{
    int rc;
    *size = 0;
    rc = tds_logstore_witnesses(l->store, tds__witnessed_cb, size, err);
    return rc < 0 ? rc : 0;
}

/* The witness key name an inspector device must cosign under. */
#define TDS_WITNESS_PREFIX "tiendo-witness/"

int tds_ledger_cosign(tds_ledger *l, const tds_peer *peer, const char *note, size_t len, const char *line,
                      tds_cosign_result *out, td_error *err)
{
    td_note n, mine;
    td_note_sig sig;
    td_note_verifier v;
    td_checkpoint c;
    tds_checkpoint_row cp;
    td_error e2 = {0};
    char name[TD_NOTE_NAME_MAX + 1], *ln = NULL;
    size_t lnn;
    uint64_t ts = 0;
    int found = 0, inserted = 0, rc = 0;

    memset(out, 0, sizeof *out);
    memset(&n, 0, sizeof n);
    memset(&mine, 0, sizeof mine);
    memset(&sig, 0, sizeof sig);
    memset(&c, 0, sizeof c);
    memset(&cp, 0, sizeof cp);
    if (peer->subj.role != TD_ROLE_INSPECTOR)
        return td_error_set(err, TD_EAUTH, "cosign from %s/%s: only inspector devices witness checkpoints",
                            peer->subj.agency, peer->subj.device);
#define TDS__REFUSE(...) do { snprintf(out->reason, sizeof out->reason, __VA_ARGS__); goto done; } while (0)
    if (td_note_parse(note, len, &n, &e2) || td_checkpoint_parse(n.text, n.text_len, &c, &e2))
        TDS__REFUSE("the checkpoint does not parse: %.200s", e2.msg);
    if ((rc = tds_logstore_checkpoint_get(l->store, c.size, &found, &cp, err))) goto done;
    if (!found) TDS__REFUSE("this server signed no checkpoint of size %llu", (unsigned long long)c.size);
    if ((rc = td_note_parse(cp.note, cp.note_len, &mine, err))) goto done;
    if (mine.text_len != n.text_len || memcmp(mine.text, n.text, n.text_len) != 0)
        TDS__REFUSE("the checkpoint of size %llu differs from the one this server signed", (unsigned long long)c.size);
    lnn = strlen(line);
    if (!(ln = malloc(lnn + 2))) {
        rc = td_error_set(err, TD_ENOMEM, "out of memory");
        goto done;
    }
    memcpy(ln, line, lnn);
    if (lnn == 0 || ln[lnn - 1] != '\n') ln[lnn++] = '\n';
    ln[lnn] = 0;
    if (td_note_sig_parse(ln, lnn, &sig, &e2)) TDS__REFUSE("the cosignature line does not parse: %.200s", e2.msg);
    snprintf(name, sizeof name, TDS_WITNESS_PREFIX "%s", peer->subj.device);
    if (strcmp(sig.name, name) != 0)
        TDS__REFUSE("the cosignature is named \"%.40s\"; device %.20s/%.20s cosigns as \"%.60s\"", sig.name,
                    peer->subj.agency, peer->subj.device, name);
    if (td_note_verifier_init(&v, name, TD_NOTE_TYPE_COSIG_V1, peer->pk, &e2))
        TDS__REFUSE("witness name: %.200s", e2.msg);
    if (td_cosig_verify(&v, n.text, n.text_len, &sig, &ts, &e2))
        TDS__REFUSE("the cosignature does not verify with the certificate key of %.20s/%.20s: %.100s",
                    peer->subj.agency, peer->subj.device, e2.msg);
    if ((rc = tds_logstore_cosig_put(l->store, c.size, name, ln, tds__now_ms(), &inserted, err))) goto done;
    out->stored = 1;
    if (inserted)
        td_log_info("witness %s cosigned the checkpoint of size %llu", name, (unsigned long long)c.size);
#undef TDS__REFUSE
done:
    if (!rc && !out->stored)
        td_log_warn("cosign from %s/%s refused: %s", peer->subj.agency, peer->subj.device, out->reason);
    if (!rc) rc = tds_ledger_witnessed_size(l, &out->witnessed_size, err);
    free(ln);
    td_note_sig_free(&sig);
    td_note_free(&n);
    td_note_free(&mine);
    td_checkpoint_free(&c);
    tds_checkpoint_row_free(&cp);
    return rc;
}

/* ---- registry copy ------------------------------------------------------- */

static char *tds__dup(const char *s) { return s ? strdup(s) : NULL; }

int tds_registry_copy(td_registry *dst, const td_registry *src)
{
    td_registry_init_empty(dst);
    if (src->n_agencies && !(dst->agencies = calloc(src->n_agencies, sizeof *dst->agencies))) goto oom;
    for (size_t i = 0; i < src->n_agencies; i++, dst->n_agencies++) {
        dst->agencies[i] = src->agencies[i];
        dst->agencies[i].slug = tds__dup(src->agencies[i].slug);
        dst->agencies[i].name = tds__dup(src->agencies[i].name);
        if (!dst->agencies[i].slug || !dst->agencies[i].name) {
            dst->n_agencies++;
            goto oom;
        }
    }
    if (src->n_groups && !(dst->groups = calloc(src->n_groups, sizeof *dst->groups))) goto oom;
    for (size_t i = 0; i < src->n_groups; i++, dst->n_groups++) {
        const td_group *g = &src->groups[i];
        td_group *d = &dst->groups[i];
        *d = *g;
        d->members = NULL;
        d->n_members = 0;
        d->slug = tds__dup(g->slug);
        d->name = tds__dup(g->name);
        if (g->n_members && !(d->members = calloc(g->n_members, sizeof *d->members))) {
            dst->n_groups++;
            goto oom;
        }
        for (size_t k = 0; k < g->n_members; k++, d->n_members++)
            if (!(d->members[k] = tds__dup(g->members[k]))) {
                dst->n_groups++;
                goto oom;
            }
        if (!d->slug || !d->name) {
            dst->n_groups++;
            goto oom;
        }
    }
    if (src->n_aliases && !(dst->aliases = calloc(src->n_aliases, sizeof *dst->aliases))) goto oom;
    for (size_t i = 0; i < src->n_aliases; i++, dst->n_aliases++) {
        dst->aliases[i].text = tds__dup(src->aliases[i].text);
        dst->aliases[i].key = tds__dup(src->aliases[i].key);
        dst->aliases[i].slug = tds__dup(src->aliases[i].slug);
        if (!dst->aliases[i].text || !dst->aliases[i].key || !dst->aliases[i].slug) {
            dst->n_aliases++;
            goto oom;
        }
    }
    if (src->n_changes && !(dst->changes = calloc(src->n_changes, sizeof *dst->changes))) goto oom;
    for (size_t i = 0; i < src->n_changes; i++, dst->n_changes++)
        if (td_agency_change_copy(&dst->changes[i], &src->changes[i])) goto oom;
    return 0;
oom:
    td_registry_free(dst);
    return TD_ENOMEM;
}

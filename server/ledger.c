/* ledger.c — see ledger.h: open, close, the fold, pull and welcome, views (the shared struct: ledger_int.h). */
#include "clock.h"
#include "ledger_int.h"

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

uint32_t tds_ledger_payload_task(int kind, const uint8_t *payload, size_t len)
{
    return td_payload_task(kind, payload, len);
}

/* ---- folding ---------------------------------------------------------- */

int tds__apply_row(tds_ledger *l, const tds_logrow *r, const td_entry *en, td_apply_result *res, td_error *err)
{
    td_apply_result tmp;
    int rc;
    if (!l->st) return td_error_set(err, TD_EARG, "%s: the log has entries but no CA is known: give --ca",
                                    tds_logstore_path(l->store));
    if (!res) res = &tmp;
    /* an entry decoded on a worker thread is not decoded again here */
    rc = en && en->e ? td_state_apply_entry(l->st, r->idx, en, r->received_ms, res, err)
                     : td_state_apply(l->st, r->idx, r->body, r->len, r->received_ms, res, err);
    if (rc) return rc;
    if (res->refused)
        td_log_debug("log index %llu (%s) refused by the fold: %s", (unsigned long long)r->idx,
                     td_entry_kind_name(r->kind), res->reason);
    else if (l->writable && r->kind == TIENDO__ENTRY_KIND__ENTRY_REPORT && res->attachments) {
        /* download permission for the files an accepted report cites, in
         * the caller's transaction or one opened for this catch-up */
        if (!tds_logstore_in_tx(l->store)) {
            if ((rc = tds_logstore_begin(l->store, err))) return rc;
            l->fold_tx = 1;
        }
        return tds_blob_note_accepted(&l->blobs, r, err);
    }
    return 0;
}

static int tds__fold_cb(void *arg, const tds_logrow *r)
{
    tds_ledger *l = arg;
    td_error e2 = {0};
    int rc = tds__apply_row(l, r, NULL, NULL, &e2);
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

int tds__catch_up(tds_ledger *l, td_error *err);

int tds_ledger_catch_up(tds_ledger *l, td_error *err)
{
    /* the group's rows are not committed: commit them before the fold
     * reads the store (it would fold them twice) */
    tds_ledger_group_flush(l);
    return tds__catch_up(l, err);
}

int tds__catch_up(tds_ledger *l, td_error *err)
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

/* After a failed commit whose rows were folded: the state again from the
 * committed log (O(log); commits fail only on I/O errors). */
int tds__refold(tds_ledger *l)
{
    td_state *st;
    td_error e2 = {0};
    tds_checkpoint_row cp;
    int found = 0;
    if (!l->st) return 0;
    if (!(st = td_state_new(l->ca))) return TD_ENOMEM;
    td_state_free(l->st);
    l->st = st;
    l->signed_size = 0;
    if (tds_logstore_checkpoint_latest(l->store, &found, &cp, &e2) == 0 && found) {
        l->signed_size = cp.size;
        tds_checkpoint_row_free(&cp);
    }
    return tds__catch_up(l, &e2);
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
static void tds__backend_settle(void *ctx) { tds_ledger_group_settle(ctx); }
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

void tds_ledger_set_reclaim(tds_ledger *l, void (*reclaim)(void *ctx, void (*fn)(void *), void *p), void *ctx)
{
    l->reclaim = reclaim;
    l->reclaim_ctx = ctx;
}

void tds_ledger_set_group_commit(tds_ledger *l, int on)
{
    l->be.push_defer = on ? tds__backend_push_defer : NULL;
    l->be.flush = on ? tds__backend_flush : NULL;
    l->be.settle = on ? tds__backend_settle : NULL;
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

/* Attachments (blobstore.c) reach the ledger through l->blobs only. */
static int tds__backend_blob_offer(void *ctx, const tds_peer *peer, const unsigned char sha[32], uint64_t size,
                                   const char *mime, tds_blob_status *out, td_error *err)
{
    return tds_blob_offer(&((tds_ledger *)ctx)->blobs, peer, sha, size, mime, out, err);
}
static int tds__backend_blob_chunk(void *ctx, const tds_peer *peer, const unsigned char sha[32], uint64_t offset,
                                   const uint8_t *data, size_t n, tds_blob_status *out, td_error *err)
{
    return tds_blob_chunk(&((tds_ledger *)ctx)->blobs, peer, sha, offset, data, n, out, err);
}
static int tds__backend_blob_get(void *ctx, const tds_peer *peer, const unsigned char sha[32], uint64_t offset,
                                 uint8_t *buf, size_t cap, size_t *n, uint64_t *size, char mime[128], td_error *err)
{
    return tds_blob_get(&((tds_ledger *)ctx)->blobs, peer, sha, offset, buf, cap, n, size, mime, err);
}
static const td_state *tds__blob_state(void *owner) { return tds_ledger_state(owner); }
static size_t tds__backend_plan_count(void *ctx)
{
    const td_state *st = tds_ledger_state(ctx);
    return st ? td_state_plan_count(st) : 0;
}
static int tds__blob_catch_up(void *owner, td_error *err) { return tds_ledger_catch_up(owner, err); }

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
    l->be.blob_offer = tds__backend_blob_offer;     /* attachments: blobstore.c */
    l->be.blob_chunk = tds__backend_blob_chunk;
    l->be.blob_get = tds__backend_blob_get;
    l->be.ctx = l;
    l->be.renew = tds__backend_renew;
    l->be.plan_count = tds__backend_plan_count;
    if ((rc = tds_logstore_open(o->datadir, &l->store, err))) goto fail;
    l->blobs = (tds_blob_host){l->store, tds__blob_state, tds__blob_catch_up, l};
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
        rc = td_error_set(err, TD_EAUTH, "%s: sổ nhật ký thuộc khóa máy chủ %s, không phải khóa %s (%s)",
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
int tds__insert_own(tds_ledger *l, int kind, const uint8_t *payload, size_t len, tds_logrow *row,
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

int tds__cert_payload(const uint8_t *der, size_t n, uint8_t **out, size_t *outn)
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
int tds__ensure_server_cert(tds_ledger *l, tds_pending *p, size_t *np, td_error *err)
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

void tds__pending_free(tds_pending *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i].borrowed) continue;
        free(p[i].body);
        td_entry_free(&p[i].en);
    }
    free(p);
}

/* After COMMIT: fold the new rows, in order. */
void tds__fold_pending(tds_ledger *l, tds_pending *p, size_t n, td_apply_result *res_for)
{
    for (size_t i = 0; i < n; i++) {
        td_error e2 = {0};
        td_apply_result res;
        memset(&res, 0, sizeof res);
        if (tds__apply_row(l, &p[i].row, &p[i].en, &res, &e2))
            td_log_error("folding new log index %llu: %s", (unsigned long long)p[i].row.idx, e2.msg);
        if (res_for) res_for[i] = res;
    }
    {
        td_error e2 = {0};
        if (tds__fold_tx_end(l, 0, &e2)) td_log_error("recording attachment references: %s", e2.msg);
    }
}

int tds_ledger_append_own(tds_ledger *l, tds_own_entry *e, size_t n, td_error *err)
{
    tds_pending *p;
    td_apply_result *res;
    size_t np = 0;
    uint64_t signed_size = 0;
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
    /* folded and signed in the transaction: the rows and the checkpoint of
     * the new size are committed together, before anyone sees the rows */
    tds__fold_pending(l, p, np, res);
    if ((rc = tds__sign_in_tx(l, &signed_size, err)) || (rc = tds_logstore_commit(l->store, err))) {
        tds_logstore_rollback(l->store);
        if (tds__refold(l)) td_log_error("folding the log again after a failed commit failed");
        goto out;
    }
    tds__signed(l, signed_size);
    for (size_t i = 0; i < n; i++) {
        e[i].index = p[np - n + i].row.idx;
        e[i].res = res[np - n + i];
    }
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

/*
 * The log size requests are answered up to: on a server (writable), the
 * size of the latest signed checkpoint, since pulled entries carry proofs
 * against a signed head (docs/LOG.md, checkpoints); the whole log for a
 * read-only ledger.
 */
static int tds__served_size(tds_ledger *l, uint64_t *size, td_error *err)
{
    tds_tree_head th;
    int rc;
    if (!l->writable) return tds_logstore_last_index(l->store, size, err);
    if ((rc = tds__latest_head(l, &th, err))) return rc;
    *size = th.note ? th.size : 0;
    tds_tree_head_free(&th);
    return 0;
}

int tds_ledger_welcome(tds_ledger *l, const tds_peer *peer, uint64_t cursor, int *has_new, uint64_t *log_size,
                       td_error *err)
{
    tds_welcome_scan w = {l, peer, 0};
    uint64_t last = 0;
    int rc;
    *has_new = 0;
    *log_size = 0;
    if ((rc = tds_ledger_catch_up(l, err)) || (rc = tds__served_size(l, &last, err))) return rc;
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

/* The stored SignedEntry bytes go into LogEntry.entry as they are, not
 * decoded and encoded again: protobuf-c packs a message's unknown fields
 * verbatim, and field 2 sent as length-delimited bytes has the wire form of
 * the sub-message (the client decodes it as a SignedEntry; the bytes are
 * the canonical ones the verifier stored).  One block: the LogEntry, its
 * one unknown field, the length prefix and the bytes.  A row that does not
 * decode as a SignedEntry is not sent (the store only holds entries that
 * decoded at push: a damaged row). */
typedef struct tds__pull_le {
    Tiendo__LogEntry le;
    ProtobufCMessageUnknownField uf;
    uint8_t data[];   /* varint length, then the SignedEntry bytes */
} tds__pull_le;

/* A bump allocator over a caller's buffer, for protobuf-c's check decode. */
typedef struct tds__bump {
    uint8_t *p;
    size_t used, cap;
} tds__bump;

static void *tds__bump_alloc(void *arg, size_t n)
{
    tds__bump *b = arg;
    size_t at = (b->used + 15) & ~(size_t)15;
    if (at > b->cap || n > b->cap - at) return NULL;
    b->used = at + n;
    return b->p + at;
}

static void tds__bump_free(void *arg, void *p)
{
    (void)arg;
    (void)p;
}

/* 1 when body decodes as a SignedEntry with both fields, 0 when not, -1
 * out of memory.  protobuf-c copies the bytes fields out of body: into a
 * buffer on the stack (or one malloc for a large entry), freed at once. */
static int tds__signed_entry_ok(const uint8_t *body, size_t len)
{
    _Alignas(16) uint8_t buf[4096];
    uint8_t *heap = NULL;
    tds__bump b = {buf, 0, sizeof buf};
    ProtobufCAllocator a = {tds__bump_alloc, tds__bump_free, &b};
    Tiendo__SignedEntry *se;
    int ok;
    if (len > (sizeof buf - 256) / 2) {
        if (len > (SIZE_MAX - 256) / 2 || !(heap = malloc(2 * len + 256))) return -1;
        b.p = heap;
        b.cap = 2 * len + 256;
    }
    se = tiendo__signed_entry__unpack(&a, len, body);
    ok = se && se->body.len && se->sig.len;
    free(heap);
    return ok;
}

static int tds__pull_cb(void *arg, const tds_logrow *r)
{
    tds_pull_scan *ps = arg;
    tds__pull_le *x;
    size_t pre = 0, v;
    int own, ok = 1;
    if (!tds__visible(ps->l, ps->peer, r) || !tds__rescan_wanted(ps->peer, r)) {
        ps->next = r->idx + 1;   /* skipped for good */
        return 0;
    }
    if (ps->n >= ps->limit || (ps->n > 0 && ps->bytes + r->len > TD_PULL_MAX_BYTES)) return 1;
    /* the device holds its own bytes, acknowledged at this index (Pull.own_from_seq) */
    own = ps->own_from_seq && r->seq >= ps->own_from_seq && !memcmp(r->author, ps->peer->pk, 32);
    if ((!own && (ok = tds__signed_entry_ok(r->body, r->len)) < 0) ||
        !(x = malloc(sizeof *x + (own ? 0 : 10 + r->len)))) {
        ps->oom = 1;
        return 1;
    }
    ps->next = r->idx + 1;
    if (!ok) {
        td_log_error("log index %llu does not decode; skipped in pull", (unsigned long long)r->idx);
        free(x);
        return 0;
    }
    tiendo__log_entry__init(&x->le);
    x->le.index = r->idx;
    x->le.received_ms = r->received_ms;
    ps->v[ps->n++] = &x->le;
    if (own) {
        x->le.own_seq = r->seq;
        return 0;
    }
    for (v = r->len; v >= 0x80; v >>= 7) x->data[pre++] = (uint8_t)(v | 0x80);
    x->data[pre++] = (uint8_t)v;
    memcpy(x->data + pre, r->body, r->len);
    x->uf.tag = 2;   /* LogEntry.entry */
    x->uf.wire_type = PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED;
    x->uf.len = pre + r->len;
    x->uf.data = x->data;
    x->le.base.n_unknown_fields = 1;
    x->le.base.unknown_fields = &x->uf;
    ps->bytes += r->len;
    return 0;
}

int tds_ledger_pull(tds_ledger *l, const tds_peer *peer, uint64_t since, uint32_t limit, uint64_t own_from_seq,
                    Tiendo__Entries *out, td_error *err)
{
    tds_pull_scan ps;
    tds_tree_head th;
    uint64_t last = 0;
    int rc;
    tiendo__entries__init(out);
    memset(&th, 0, sizeof th);
    if ((rc = tds_ledger_catch_up(l, err)) || (rc = tds_logstore_last_index(l->store, &last, err))) return rc;
    /* the head first: a server serves entries up to its size only, so that
     * each one has its inclusion proof against a signed head */
    if ((rc = tds__latest_head(l, &th, err))) return rc;
    if (l->writable) last = th.note ? th.size : 0;
    if (since == 0) since = 1;
    memset(&ps, 0, sizeof ps);
    ps.l = l;
    ps.peer = peer;
    ps.own_from_seq = own_from_seq;
    ps.limit = limit == 0 || limit > TD_PULL_MAX_ENTRIES ? TD_PULL_MAX_ENTRIES : limit;
    ps.next = since;
    if (l->st && since <= last) {
        if (!(ps.v = calloc(ps.limit, sizeof *ps.v))) {
            tds_tree_head_free(&th);
            return td_error_set(err, TD_ENOMEM, "out of memory");
        }
        rc = tds_logstore_scan(l->store, since, TDS_PULL_SCAN_MAX, 0, tds__pull_cb, &ps, err);
        if (rc < 0 || ps.oom) {
            out->batch = ps.v;
            out->n_batch = ps.n;
            tds_ledger_pull_free(out);
            tds_tree_head_free(&th);
            return rc < 0 ? rc : td_error_set(err, TD_ENOMEM, "out of memory");
        }
    } else if (since > last + 1) {
        ps.next = since;
    }
    out->batch = ps.v;
    out->n_batch = ps.n;
    out->next = ps.next;
    out->more = ps.next <= last;
    /* the head the batch was cut from: its size covers every entry in it */
    {
        Tiendo__TreeHead *t;
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
            /* protocol >= TD_PROTO_BATCH: one proof of the whole batch */
            if (peer->batch_proof) {
                uint64_t *ix = NULL;
                size_t m = 0, nh = 0;
                unsigned char *bp = NULL;
                if (out->n_batch && !(ix = malloc(out->n_batch * sizeof *ix))) {
                    tds_ledger_pull_free(out);
                    return td_error_set(err, TD_ENOMEM, "out of memory");
                }
                for (size_t i = 0; i < out->n_batch; i++)   /* not covered: the client refuses it anyway */
                    if (out->batch[i]->index <= t->size) ix[m++] = out->batch[i]->index;
                rc = m ? tds_ledger_batch_proof(l, ix, m, t->size, &bp, &nh, err) : 0;
                free(ix);
                if (rc) {
                    tds_ledger_pull_free(out);
                    return rc;
                }
                out->batch_proof.data = bp;
                out->batch_proof.len = nh * TD_MERKLE_HASH_LEN;
            }
            /* each entry's audit path in that tree (protocol 4 and 5: the
             * session leaves them out for older clients); one block per
             * entry: the hash descriptors, then the hashes */
            for (size_t i = 0; i < out->n_batch && !peer->batch_proof; i++) {
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
        free(out->batch[i]->inclusion);
        free(out->batch[i]);   /* the block of tds__pull_le: entry, unknown field and bytes */
    }
    free(out->batch);
    out->batch = NULL;
    out->n_batch = 0;
    free(out->batch_proof.data);
    out->batch_proof.data = NULL;
    out->batch_proof.len = 0;
    if (out->tree_head) {
        free(out->tree_head->checkpoint.data);
        free(out->tree_head);
        out->tree_head = NULL;
    }
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

/* sequencer.c — see ledger.h: push validation against the state, ordering, group commit. */
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
#include "grow.h"
#include "identity.h"
#include "log.h"
#include "log.pb-c.h"
#include "merkle.h"
#include "note.h"
#include "sync_limits.h"
#include "x509util.h"
#include "renew.h"

typedef struct tds_cert_find {
    const uint8_t *der;
    size_t len;
    int found;
} tds_cert_find;

static int tds__cert_find_cb(void *arg, const tds_logrow *r)
{
    tds_cert_find *cf = arg;
    Tiendo__CertPayload *cp = td_entry_payload_of(r->body, r->len, &tiendo__cert_payload__descriptor);
    if (cp && cp->der.len == cf->len && memcmp(cp->der.data, cf->der, cf->len) == 0) cf->found = 1;
    tiendo__cert_payload__free_unpacked(cp, NULL);
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

/* Refused entries logged one per line per push; the rest are counted. */
#define TDS_LOG_REFUSALS 5

/* ---- group commit (docs/ARCHITECTURE.md §7) ---------------------------------
 *
 * A push whose checks against the peer passed joins the group's backlog, in
 * the order the pushes came.  tds_ledger_group_step appends at most a
 * budget of the backlog's entries to one open transaction, the group, then
 * folds the rows, signs their checkpoint and commits them: one fsync covers
 * the pushes of every session appended in that step.  serve calls it once
 * per event-loop iteration, so the loop's share of a push flood is cut into
 * slices and every other session's frames (a Ping) are read and answered
 * between two slices.  A push may thus be split between two commits; its
 * done callback runs after the commit that covers its last entry, and the
 * callbacks run in the order the pushes came.  After a crash between the
 * two commits the first part is stored, and the device's re-send of the
 * batch is answered DUPLICATE for it.  tds_ledger_group_flush appends the
 * whole backlog and commits: before any other use of the store, or when
 * the backlog holds TDS_GROUP_MAX_BYTES.  A failed append or commit rolls
 * the open transaction back and fails every push of the group and of the
 * backlog (none is acknowledged).  The group owns the bodies of its rows
 * until the fold that follows the commit.
 */

/* Bytes of entries the backlog may hold before it is committed at once:
 * bounds the server's memory to a few pipelined batches (TD_PUSH_MAX_BYTES
 * each) whatever the number of sessions pushing at the same time. */
#define TDS_GROUP_MAX_BYTES (8u * 1024 * 1024)
/* Pushes the backlog and the group may hold (each keeps its acks, up to
 * TD_PUSH_MAX_ENTRIES of them): bounds the memory of many small or
 * duplicate pushes read in one iteration, which add few bytes of rows. */
#define TDS_GROUP_MAX_PUSHES 256

/* ---- memory the pool allocated is freed by the pool -------------------------
 *
 * A push's prep (its decoded entries, canonical bytes and leaf hashes) is
 * allocated by the pool thread that verified it.  glibc's free() of a block
 * takes the lock of the arena it came from, the pool thread's, and that
 * thread runs niced: freeing thousands of such blocks on the loop made the
 * loop wait, several milliseconds at a time, for a pool thread the
 * scheduler had set aside (docs/ARCHITECTURE.md §7).  So the group's rows
 * borrow the prep's entries and bytes, a push's prep is kept until the
 * commit that covers its last row, and then all preps so spent go back to
 * the pool to be freed (tds_ledger_set_reclaim), or are freed here without
 * one. */
static void tds__spent_free(void *arg)
{
    tds_push_prep *p = arg, *next;
    for (; p; p = next) {
        next = p->spent;
        tds_push_prep_free(p);
    }
}

static void tds__spent_put(struct tds_group *g, tds_push_prep *p)
{
    if (!p) return;
    p->spent = g->spent;
    g->spent = p;
}

/* After the rows that borrow from the spent preps are freed. */
static void tds__spent_release(tds_ledger *l)
{
    tds_push_prep *p = l->grp.spent;
    if (!p) return;
    l->grp.spent = NULL;
    if (l->reclaim) l->reclaim(l->reclaim_ctx, tds__spent_free, p);
    else tds__spent_free(p);
}

static void tds__backlog_free(struct tds_group *g, tds_backlog_item *it)
{
    if (!it) return;
    tds__spent_put(g, it->p);
    if (it->earlier)
        for (size_t i = 0; i < it->peer.n_earlier; i++) free(it->earlier[i].data);
    free(it->earlier);
    free(it);
}

/* Fail every waiter of the group (rolled back or never begun) and every
 * push of the backlog. */
static void tds__group_fail(tds_ledger *l, int rc, const td_error *err)
{
    struct tds_group *g = &l->grp;
    tds_group_waiter *w = g->w;
    tds_backlog_item *it = g->bl_head, *next;
    size_t nw = g->nw;
    if (g->open) tds_logstore_rollback(l->store);
    g->open = 0;
    tds__pending_free(g->rows, g->nrows);
    g->rows = NULL;
    g->nrows = g->caprows = 0;
    g->bytes = 0;
    g->w = NULL;
    g->nw = g->capw = 0;
    g->bl_head = g->bl_tail = NULL;
    g->bl_n = 0;
    for (size_t i = 0; i < nw; i++) {
        for (size_t k = 0; k < w[i].n; k++)
            if (w[i].acks[k].status == TIENDO__ACK_STATUS__ACK_STORED)
                w[i].acks[k].status = TIENDO__ACK_STATUS__ACK_UNSPECIFIED;
        w[i].done(w[i].arg, rc, err);
    }
    free(w);
    for (; it; it = next) {
        next = it->next;
        for (size_t k = 0; k < it->p->n; k++)
            if (it->acks[k].status == TIENDO__ACK_STATUS__ACK_STORED)
                it->acks[k].status = TIENDO__ACK_STATUS__ACK_UNSPECIFIED;
        it->done(it->arg, rc, err);
        tds__backlog_free(g, it);
    }
    tds__spent_release(l);
}

/* Release the unsynced waiters up to commit gen (rc: the sync's result). */
static void tds__release_unsynced(tds_ledger *l, uint64_t gen, int rc)
{
    struct tds_group *g = &l->grp;
    tds_group_waiter *un = g->un;
    size_t k = 0, n = g->nun;
    td_error err = {0};
    if (rc) td_error_set(&err, TD_EIO, "syncing the log's WAL to disk: %s", strerror(rc));
    while (k < n && un[k].gen <= gen) k++;
    if (!k) return;
    /* detached first: a done callback may flush the group again */
    g->un = NULL;
    g->nun = g->capun = 0;
    if (k < n && !(g->un = malloc((n - k) * sizeof *g->un))) {
        /* cannot keep the rest waiting: they are committed, sync them here */
        rc = tds_logstore_wal_sync(l->store);
        if (rc) td_error_set(&err, TD_EIO, "syncing the log's WAL to disk: %s", strerror(rc));
        k = n;
    } else if (k < n) {
        memcpy(g->un, un + k, (n - k) * sizeof *g->un);
        g->nun = g->capun = n - k;
    }
    for (size_t i = 0; i < k; i++) {
        if (rc)
            for (size_t j = 0; j < un[i].n; j++)
                if (un[i].acks[j].status == TIENDO__ACK_STATUS__ACK_STORED)
                    un[i].acks[j].status = TIENDO__ACK_STATUS__ACK_UNSPECIFIED;
        un[i].done(un[i].arg, rc ? TD_EIO : 0, rc ? &err : NULL);
    }
    free(un);
}

/*
 * Fold, sign and commit the open group, then hand its waiters their acks.
 * durable: the COMMIT fsyncs the WAL, which makes every earlier commit
 * durable too, and every waiter (the unsynced ones first) gets its acks now.
 * Else the COMMIT does not wait for the disk: the waiters join the unsynced
 * ones, tagged with this commit, until tds_ledger_synced.
 */
static void tds__group_commit(tds_ledger *l, int durable)
{
    struct tds_group *g = &l->grp;
    tds_group_waiter *w;
    size_t nw;
    td_error err = {0};
    uint64_t signed_size = 0;
    int rc = 0, synced = 0;
    /* durable: also commits of a push not wholly appended yet (no waiter) */
    if (!g->nw && !g->open && !(durable && (g->nun || g->gen > g->synced))) return;
    if (g->open) {
        /* The rows are folded and their checkpoint signed inside the
         * transaction, so the commit makes rows and head durable together
         * (one fsync) and every committed row is covered by a signed head
         * (docs/LOG.md, checkpoints).  Durable before any Ack leaves and
         * before anything reads them (docs/PROTOCOL.md §11); on failure the
         * rows are gone with the rollback, the state is folded again from
         * the store, and no ack is sent. */
        tds__fold_pending(l, g->rows, g->nrows, NULL);
        if (g->nrows && tds__sign_due(l) && (rc = tds__sign_in_tx(l, &signed_size, &err)))
            td_log_error("signing the checkpoint of a group commit: %s", err.msg);
        if (!rc && (rc = durable ? tds_logstore_commit(l->store, &err) : tds_logstore_commit_nosync(l->store, &err)))
            td_log_error("group commit of %zu pushes failed: %s", g->nw, err.msg);
        if (rc) {
            tds__group_fail(l, rc, &err);
            if (tds__refold(l)) td_log_error("folding the log again after a failed commit failed");
            return;
        }
        g->open = 0;
        g->commits++;
        tds__signed(l, signed_size);
        synced = durable;
        if (!durable) g->gen++;
    }
    tds__pending_free(g->rows, g->nrows);
    g->rows = NULL;
    g->nrows = g->caprows = 0;
    tds__spent_release(l);
    if (durable) {
        /* nothing to sync when every earlier commit is known on disk */
        int src = synced || g->gen <= g->synced ? 0 : tds_logstore_wal_sync(l->store);
        if (src) td_log_error("syncing the log's WAL to disk failed: %s", strerror(src));
        else g->synced = g->gen;
        tds__release_unsynced(l, g->gen, src);
    }
    w = g->w;
    nw = g->nw;
    g->w = NULL;
    g->nw = g->capw = 0;
    if (!durable && (g->nun || g->gen > g->synced)) {
        /* held until the sync of this commit (or of the last one, for
         * pushes that stored nothing: their acks follow the earlier ones) */
        if (TD_GROW(g->un, g->capun, g->nun + nw)) {
            /* cannot hold them: sync here */
            int src = tds_logstore_wal_sync(l->store);
            if (!src) g->synced = g->gen;
            tds__release_unsynced(l, g->gen, src);
            goto release;
        }
        for (size_t i = 0; i < nw; i++) {
            w[i].gen = g->gen;
            g->un[g->nun++] = w[i];
        }
        free(w);
        return;
    }
release:
    for (size_t i = 0; i < nw; i++) w[i].done(w[i].arg, 0, NULL);
    free(w);
}

uint64_t tds_ledger_unsynced(const tds_ledger *l)
{
    return l->grp.gen > l->grp.synced ? l->grp.gen : 0;
}

int tds_ledger_wal_sync(tds_ledger *l)
{
    return tds_logstore_wal_sync(l->store);
}

int tds_ledger_wal_background(tds_ledger *l, td_error *err)
{
    return tds_logstore_wal_background(l->store, err);
}

int tds_ledger_wal_frames(const tds_ledger *l)
{
    return tds_logstore_wal_frames(l->store);
}

int tds_ledger_wal_checkpoint(tds_ledger *l)
{
    return tds_logstore_wal_checkpoint(l->store);
}

int tds_ledger_wal_restart(tds_ledger *l)
{
    return tds_logstore_wal_restart(l->store);
}

void tds_ledger_wal_restarted(tds_ledger *l)
{
    tds_logstore_wal_restarted(l->store);
}

void tds_ledger_synced(tds_ledger *l, uint64_t gen, int rc)
{
    struct tds_group *g = &l->grp;
    if (rc) td_log_error("syncing the log's WAL to disk failed: %s", strerror(rc));
    else if (gen > g->synced) g->synced = gen;
    tds__release_unsynced(l, gen, rc);
}

static int tds__push_append(tds_ledger *l, const tds_peer *peer, size_t from, size_t to, size_t n, tds_ack *acks,
                            td_entry *en, uint8_t **bytes, size_t *lens, const uint32_t *task,
                            const unsigned char (*leaf)[32], td_error *err);
static void tds__log_refusals(const tds_peer *peer, const tds_ack *acks, size_t n);

/* Append the backlog's entries to the group, at most budget of them (a push
 * with nothing left to append costs none); a push fully appended becomes a
 * waiter of the group.  On failure the caller fails the whole group. */
static int tds__backlog_append(tds_ledger *l, size_t budget, td_error *err)
{
    struct tds_group *g = &l->grp;
    int rc;
    while (g->bl_head) {
        tds_backlog_item *it = g->bl_head;
        tds_push_prep *p = it->p;
        size_t to = p->n;
        if (it->nok) {
            if (!budget) break;
            if (p->n - it->next_i > budget) to = it->next_i + budget;
            if ((rc = tds__push_append(l, &it->peer, it->next_i, to, p->n, it->acks, p->en, p->bytes, p->lens,
                                       p->task, p->leaf, err)))
                return rc;
            budget -= to - it->next_i;
        }
        it->next_i = to;
        if (to < p->n) break;
        if (TD_GROW(g->w, g->capw, g->nw + 1)) return td_error_set(err, TD_ENOMEM, "out of memory for a push");
        g->w[g->nw++] = (tds_group_waiter){it->acks, p->n, it->done, it->arg, 0};
        tds__log_refusals(&it->peer, it->acks, p->n);
        if (!(g->bl_head = it->next)) g->bl_tail = NULL;
        g->bl_n--;
        g->bytes -= p->recv_bytes < g->bytes ? p->recv_bytes : g->bytes;
        tds__backlog_free(g, it);
    }
    return 0;
}

int tds_ledger_group_step(tds_ledger *l, size_t budget)
{
    struct tds_group *g = &l->grp;
    td_error err = {0};
    int rc;
    if ((rc = tds__backlog_append(l, budget, &err))) {
        td_log_error("appending %zu pushes to the log failed: %s", g->bl_n + g->nw, err.msg);
        tds__group_fail(l, rc, &err);
        return 0;
    }
    tds__group_commit(l, 0);
    return g->bl_head != NULL;
}

void tds_ledger_group_settle(tds_ledger *l) { tds__group_commit(l, 1); }

void tds_ledger_group_flush(tds_ledger *l)
{
    td_error err = {0};
    int rc;
    if ((rc = tds__backlog_append(l, SIZE_MAX, &err))) {
        td_log_error("appending %zu pushes to the log failed: %s", l->grp.bl_n + l->grp.nw, err.msg);
        tds__group_fail(l, rc, &err);
    }
    tds__group_commit(l, 1);
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

/* Room for k more rows in the group. */
static int tds__group_reserve(struct tds_group *g, size_t k)
{
    size_t old = g->caprows;
    if (TD_GROW(g->rows, g->caprows, g->nrows + k)) return -1;
    memset(g->rows + old, 0, (g->caprows - old) * sizeof *g->rows);
    return 0;
}

/*
 * Append the passed entries [from, to) of one push of n to the group's
 * transaction (beginning it if needed).  The sequence rules read the store, which
 * includes the group's earlier rows (same connection): the batches of one
 * session, pipelined, continue each other's seqs.  On failure the caller
 * fails the whole group.
 */
static int tds__push_append(tds_ledger *l, const tds_peer *peer, size_t from, size_t to, size_t n, tds_ack *acks,
                            td_entry *en, uint8_t **bytes, size_t *lens, const uint32_t *task,
                            const unsigned char (*leaf)[32], td_error *err)
{
    struct tds_group *g = &l->grp;
    int64_t now = tds__now_ms();
    int rc;
    if (tds__group_reserve(g, to - from + 2 + TD_PUSH_EARLIER_CERTS_MAX))
        return td_error_set(err, TD_ENOMEM, "out of memory for a push of %zu", n);
    if (!g->open) {
        if ((rc = tds_logstore_begin_nosync(l->store, err))) return rc;
        g->open = 1;
        if ((rc = tds__catch_up(l, err)) || (rc = tds__ensure_server_cert(l, g->rows, &g->nrows, err))) return rc;
    }
    /* the certificates go in before the push's first entry */
    if (from == 0 && ((rc = tds__ensure_peer_cert(l, peer, g->rows, &g->nrows, err)) ||
                      (rc = tds__ensure_earlier_certs(l, peer, en, acks, n, g->rows, &g->nrows, err))))
        return rc;
    /* the author and seq of the row this push stored last: the next entry of
     * the same author continues it without asking the store (the store would
     * answer the same, in the same transaction) */
    const unsigned char *prev_author = NULL;
    uint64_t prev_seq = 0;
    for (size_t i = from; i < to; i++) {
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
        if (prev_author && !memcmp(prev_author, author, 32)) last = prev_seq;
        else if ((rc = tds_logstore_last_seq(l->store, author, &last, err))) return rc;
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
        if ((rc = tds_logstore_insert_leaf(l->store, &p->row, leaf[i], err))) return rc;
        /* the files it cites get their references when the fold accepts it
         * (tds__apply_row), not here */
        p->body = bytes[i];       /* borrowed from the prep, with the decoded entry (see "freed by the pool") */
        p->en = en[i];
        p->borrowed = 1;
        a->status = TIENDO__ACK_STATUS__ACK_STORED;
        a->index = p->row.idx;
        g->nrows++;
        prev_author = p->row.author;
        prev_seq = seq;
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
    tds_backlog_item *it;
    td_error err = {0};
    size_t nok = 0;

    if (!l->writable || !l->st) {
        td_error_set(&err, TD_EINTERNAL, "the server log is open read-only");
        done(arg, TD_EINTERNAL, &err);
        tds_push_prep_free(p);
        return;
    }
    tds__push_check_peer(l, peer, p->n, acks, p->en, &nok);
    if (!(it = calloc(1, sizeof *it))) goto oom;
    it->p = p;
    it->acks = acks;
    it->nok = nok;
    it->peer = *peer;
    it->done = done;
    it->arg = arg;
    it->peer.earlier = NULL;
    it->peer.n_earlier = 0;
    it->peer.rescan_tasks = NULL;
    it->peer.n_rescan_tasks = 0;
    if (nok && peer->n_earlier) {
        size_t ne = peer->n_earlier < TD_PUSH_EARLIER_CERTS_MAX ? peer->n_earlier : TD_PUSH_EARLIER_CERTS_MAX;
        if (!(it->earlier = calloc(ne, sizeof *it->earlier))) goto oom;
        it->peer.earlier = it->earlier;
        for (size_t i = 0; i < ne; i++, it->peer.n_earlier++) {
            if (!(it->earlier[i].data = malloc(peer->earlier[i].len ? peer->earlier[i].len : 1))) goto oom;
            memcpy(it->earlier[i].data, peer->earlier[i].data, peer->earlier[i].len);
            it->earlier[i].len = peer->earlier[i].len;
        }
    }
    if (g->bl_tail) g->bl_tail->next = it;
    else g->bl_head = it;
    g->bl_tail = it;
    g->bl_n++;
    g->pushes++;
    /* every byte received counts against the cap, stored or not */
    g->bytes += p->recv_bytes;
    if (g->bytes >= TDS_GROUP_MAX_BYTES || g->bl_n + g->nw >= TDS_GROUP_MAX_PUSHES) tds_ledger_group_flush(l);
    return;
oom:
    /* nothing of this push is in the group: fail it alone */
    if (it) {
        it->p = NULL;
        tds__backlog_free(g, it);
    }
    tds_push_prep_free(p);
    td_error_set(&err, TD_ENOMEM, "out of memory for a push");
    done(arg, TD_ENOMEM, &err);
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

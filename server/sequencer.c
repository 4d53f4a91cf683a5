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
    uint64_t signed_size = 0;
    int rc = 0;
    if (!g->nw && !g->open) return;
    if (g->open) {
        /* The rows are folded and their checkpoint signed inside the
         * transaction, so the commit makes rows and head durable together
         * (one fsync) and every committed row is covered by a signed head
         * (docs/LOG.md, checkpoints).  Durable before any Ack leaves
         * (docs/PROTOCOL.md §11); on failure the rows are gone with the
         * rollback, the state is folded again from the store, and no ack is
         * sent. */
        tds__fold_pending(l, g->rows, g->nrows, NULL);
        if (g->nrows && tds__sign_due(l) && (rc = tds__sign_in_tx(l, &signed_size, &err)))
            td_log_error("signing the checkpoint of a group commit: %s", err.msg);
        if (!rc && (rc = tds_logstore_commit(l->store, &err)))
            td_log_error("group commit of %zu pushes failed: %s", g->nw, err.msg);
        if (rc) {
            tds__group_fail(l, rc, &err);
            if (tds__refold(l)) td_log_error("folding the log again after a failed commit failed");
            return;
        }
        g->open = 0;
        g->commits++;
        tds__signed(l, signed_size);
    }
    tds__pending_free(g->rows, g->nrows);
    g->rows = NULL;
    g->nrows = g->caprows = 0;
    g->bytes = 0;
    w = g->w;
    nw = g->nw;
    g->w = NULL;
    g->nw = g->capw = 0;
    for (size_t i = 0; i < nw; i++) w[i].done(w[i].arg, 0, NULL);
    free(w);
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
                            uint8_t **bytes, size_t *lens, const uint32_t *task, const unsigned char (*leaf)[32],
                            td_error *err)
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
    /* the author and seq of the row this push stored last: the next entry of
     * the same author continues it without asking the store (the store would
     * answer the same, in the same transaction) */
    const unsigned char *prev_author = NULL;
    uint64_t prev_seq = 0;
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
        p->body = bytes[i];       /* ownership moves to the group */
        bytes[i] = NULL;
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
    if (nok && (rc = tds__push_append(l, peer, p->n, acks, p->en, p->bytes, p->lens, p->task, p->leaf, &err))) {
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

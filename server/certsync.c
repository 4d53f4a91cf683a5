/* certsync.c — see ledger.h: online renewal, CRL sync, registry copy. */
#include "clock.h"
#include "ledger_int.h"

#include <errno.h>
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
#include "oserr.h"

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
    td_error e2;
    Tiendo__CertPayload *cp = td_entry_payload_of(r->body, r->len, &tiendo__cert_payload__descriptor);
    X509 *x = NULL;
    X509_REVOKED *rev = NULL;
    if (cp) {
        const unsigned char *p = cp->der.data;
        x = d2i_X509(NULL, &p, (long)cp->der.len);
    }
    if (x && X509_CRL_get0_by_serial(cs->crl, &rev, X509_get0_serialNumber(x)) == 1 && rev) {
        struct tds_rev *t;
        ASN1_ENUMERATED *reason;
        if (TD_GROW(cs->v, cs->cap, cs->n + 1)) {
            cs->oom = 1;
            goto done;
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
    return cs->oom;
}

static int tds__crl_rev_cb(void *arg, const tds_logrow *r)
{
    tds_crl_scan *cs = arg;
    Tiendo__RevocationPayload *rp =
        td_entry_payload_of(r->body, r->len, &tiendo__revocation_payload__descriptor);
    for (size_t i = 0; rp && i < cs->n; i++)
        if (rp->serial.len == cs->v[i].serial_len && !memcmp(rp->serial.data, cs->v[i].serial, rp->serial.len))
            cs->v[i].recorded = 1;
    tiendo__revocation_payload__free_unpacked(rp, NULL);
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
    if (!(f = fopen(crl_path, "r"))) return td_error_set(err, TD_EIO, TD_MSG_FILE_READ, crl_path, td_errno_vi_log(errno, crl_path));
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

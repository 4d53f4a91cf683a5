/* verifier.c — see ledger.h: the push checks that read no ledger state (tds_ledger_push_prepare, on any thread). */
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

/* ---- push --------------------------------------------------------------- */

void tds__refuse(tds_ack *a, const char *fmt, ...)
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


/*
 * The checks of a push that read no ledger state: form, decode, kind,
 * signature (the ingest bottleneck: batches of different pushes are
 * verified in parallel, one pool thread each).  Safe on any thread.
 * Fills acks (REFUSED, or UNSPECIFIED = passed so far), en and bytes
 * (canonical SignedEntry).
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
    free(p->leaf);
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
    p->leaf = calloc(n ? n : 1, sizeof *p->leaf);
    if (!p->en || !p->bytes || !p->lens || !p->task || !p->leaf ||
        tds__push_verify(entries, n, acks, p->en, p->bytes, p->lens)) {
        tds_push_prep_free(p);
        return NULL;
    }
    /* the payload decode for the row's task and the row's Merkle leaf, here
     * too: off the loop */
    for (size_t i = 0; i < n; i++)
        if (acks[i].status == TIENDO__ACK_STATUS__ACK_UNSPECIFIED) {
            p->task[i] = tds_ledger_payload_task((int)p->en[i].e->kind, p->en[i].e->payload.data,
                                                 p->en[i].e->payload.len);
            td_merkle_leaf_hash(p->bytes[i], p->lens[i], p->leaf[i]);
        }
    for (size_t i = 0; i < n; i++)
        if (entries[i]) p->recv_bytes += entries[i]->body.len + entries[i]->sig.len;
    return p;
}

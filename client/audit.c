/* audit.c — see audit.h.  A copy of server.db is read through common/logread
 * (the one reader of the server's tables); the replica's tables are read here
 * (read-only). */
#include "audit.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "refusal.h"
#include "replica.h"
#include "grow.h"
#include "log.pb-c.h"
#include "logread.h"
#include "oserr.h"
#include "msg.h"

/* Prefix of the checkpoint extension line carrying the state digest. */
#define TDA_STATE_EXT "tiendo-state "
#define TDA_STATE_EXT_V2 "tiendo-state-v2 "
#define TDA_STR_(x) #x
#define TDA_STR(x) TDA_STR_(x)
/* Witness key names: "tiendo-witness/" + the inspector device's CN. */
#define TDA_WITNESS_PREFIX "tiendo-witness/"

void tda_cps_free(tda_cp *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i].note);
    free(v);
}

void tda_cosigs_free(tda_cosig *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].witness);
        free(v[i].line);
    }
    free(v);
}

/* ---- the verifier -------------------------------------------------------- */

typedef struct tda_seq {
    unsigned char key[32];
    uint64_t last;
} tda_seq;

/* A certificate key seen applied in the log (for witnesses and the count). */
typedef struct tda_certkey {
    unsigned char key[32];
    char cn[TD_NOTE_NAME_MAX + 1];
    int inspector;
} tda_certkey;

typedef struct tda_run {
    X509 *ca;
    const tda_witness_key *wk;
    size_t n_wk;
    const char *origin_arg;
    tda_result *res;
    td_state *st;
    td_merkle_mem mem;
    td_merkle_store ms;
    tda_cp *cps;
    size_t n_cps, next_cp;
    tda_seq *seqs;
    size_t n_seqs, cap_seqs, hit;
    tda_certkey *certs;
    size_t n_certs, cap_certs;
    uint64_t expect;                 /* next index expected */
    unsigned char empty_digest[32];
    int fatal;                       /* a source error inside the callback */
    td_error *err;
    tda_progress_fn progress;
    void *progress_arg;
} tda_run;

/* Stop code the row callback returns at the first discrepancy. */
#define TDA_STOP 1

/* Record the first discrepancy; returns TDA_STOP for the callback. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int tda__bad(tda_run *r, uint64_t idx, uint64_t cp_size, const char *fmt, ...)
{
    va_list ap;
    r->res->ok = 0;
    r->res->bad_index = idx;
    r->res->bad_checkpoint = cp_size;
    va_start(ap, fmt);
    vsnprintf(r->res->what, sizeof r->res->what, fmt, ap);
    va_end(ap);
    return TDA_STOP;
}

static tda_seq *tda__seq(tda_run *r, const unsigned char key[32])
{
    if (r->hit < r->n_seqs && !memcmp(r->seqs[r->hit].key, key, 32)) return &r->seqs[r->hit];
    for (size_t i = 0; i < r->n_seqs; i++)
        if (!memcmp(r->seqs[i].key, key, 32)) {
            r->hit = i;
            return &r->seqs[i];
        }
    if (TD_GROW(r->seqs, r->cap_seqs, r->n_seqs + 1)) return NULL;
    memcpy(r->seqs[r->n_seqs].key, key, 32);
    r->seqs[r->n_seqs].last = 0;
    r->hit = r->n_seqs;
    return &r->seqs[r->n_seqs++];
}

/* After an applied ENTRY_CERT: remember its key, CN and role. */
static int tda__note_cert(tda_run *r, const Tiendo__Entry *e)
{
    Tiendo__CertPayload *p = tiendo__cert_payload__unpack(NULL, e->payload.len, e->payload.data);
    const unsigned char *der;
    X509 *x = NULL;
    EVP_PKEY *pk;
    unsigned char key[32];
    size_t kl = sizeof key;
    char ou[64] = "";
    tda_certkey *c = NULL;
    if (!p) return 0;
    der = p->der.data;
    x = d2i_X509(NULL, &der, (long)p->der.len);
    tiendo__cert_payload__free_unpacked(p, NULL);
    if (!x) return 0;
    pk = X509_get0_pubkey(x);
    if (!pk || EVP_PKEY_get_raw_public_key(pk, key, &kl) != 1 || kl != 32) goto out;
    for (size_t i = 0; i < r->n_certs; i++)
        if (!memcmp(r->certs[i].key, key, 32)) c = &r->certs[i];
    if (!c) {
        if (TD_GROW(r->certs, r->cap_certs, r->n_certs + 1)) {
            X509_free(x);
            return TD_ENOMEM;
        }
        c = &r->certs[r->n_certs++];
        memset(c, 0, sizeof *c);
        memcpy(c->key, key, 32);
    }
    X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, c->cn, sizeof c->cn);
    X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_organizationalUnitName, ou, sizeof ou);
    c->inspector = !strcmp(ou, "inspector");
out:
    X509_free(x);
    return 0;
}

/* The state line of a checkpoint's extensions, "tiendo-state <hex>" (v1)
 * or "tiendo-state-v2 <hex>" (docs/LOG.md, checkpoints): 1 found (*version
 * set), 0 not, -1 malformed. */
static int tda__state_ext(const td_checkpoint *c, unsigned char out[32], int *version)
{
    static const struct {
        const char *tag;
        int version;
    } tags[] = {{TDA_STATE_EXT, TD_STATE_DIGEST_V1}, {TDA_STATE_EXT_V2, TD_STATE_DIGEST_V2}};
    const char *p = c->ext, *end = c->ext ? c->ext + c->ext_len : NULL;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++) {
            size_t pl = strlen(tags[k].tag);
            if (ll == pl + 64 && !memcmp(p, tags[k].tag, pl)) {
                size_t bl = 0;
                *version = tags[k].version;
                if (sodium_hex2bin(out, 32, p + pl, 64, NULL, &bl, NULL) == 0 && bl == 32) return 1;
                return -1;
            }
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

/* Check checkpoint cp against the tree and state of its size (which the run
 * has just reached).  Returns 0 if it holds, TDA_STOP on a discrepancy. */
static int tda__check_cp(tda_run *r, const tda_cp *cp)
{
    const unsigned char *skey = td_state_server_key(r->st);
    td_note_verifier v;
    td_checkpoint c = {0};
    unsigned char root[32], digest[32], want[32];
    char h1[65], h2[65];
    td_error e = {0};
    int rc, ext, ver = TD_STATE_DIGEST_V1;
    uint64_t at = cp->size;
    if (!skey)
        return tda__bad(r, at, at, TD_MSG_AUDIT_CKPT_NO_SERVER_KEY, at);
    if (!r->res->origin[0]) {
        /* origin from the first checkpoint's first line, if not given */
        const char *nl = strchr(cp->note, '\n');
        size_t ol = nl ? (size_t)(nl - cp->note) : 0;
        if (!ol || ol > TD_CHECKPOINT_ORIGIN_MAX)
            return tda__bad(r, at, at, TD_MSG_AUDIT_CKPT_ORIGIN_UNREADABLE, at);
        memcpy(r->res->origin, cp->note, ol);
        r->res->origin[ol] = '\0';
    }
    if (td_note_verifier_init(&v, r->res->origin, TD_NOTE_TYPE_ED25519, skey, &e))
        return tda__bad(r, at, at, TD_MSG_AUDIT_CKPT_ORIGIN_BAD_NAME, at,
                        r->res->origin, td_error_vi(&e));
    rc = td_checkpoint_open(cp->note, strlen(cp->note), &v, r->res->origin, &c, NULL, &e);
    if (rc == TD_ENOTFOUND)
        return tda__bad(r, at, at, TD_MSG_AUDIT_CKPT_NO_SERVER_SIG, at, td_error_vi(&e));
    if (rc == TD_ESIG)
        return tda__bad(r, at, at, TD_MSG_AUDIT_CKPT_SIG_BAD, at, td_error_vi(&e));
    if (rc == TD_EAUTH)
        return tda__bad(r, at, at, TD_MSG_AUDIT_CKPT_ORIGIN_OTHER, at, r->res->origin, td_error_vi(&e));
    if (rc)
        return tda__bad(r, at, at, TD_MSG_AUDIT_CKPT_UNREADABLE, at, td_error_vi(&e));
    if (c.size != cp->size) {
        td_checkpoint_free(&c);
        return tda__bad(r, at, at, TD_MSG_AUDIT_CKPT_SIZE_MISMATCH, at, c.size);
    }
    if (cp->has_root && memcmp(cp->root, c.root, 32)) {
        sodium_bin2hex(h1, sizeof h1, cp->root, 32);
        sodium_bin2hex(h2, sizeof h2, c.root, 32);
        td_checkpoint_free(&c);
        return tda__bad(r, at, at, TD_MSG_AUDIT_CKPT_ROOT_MISMATCH, at, h1, h2);
    }
    if ((rc = td_merkle_root(&r->ms, at, root, &e))) {
        td_checkpoint_free(&c);
        r->fatal = td_error_set(r->err, rc, "audit: tree root of size %" PRIu64 ": %s", at, e.msg);
        return TDA_STOP;
    }
    if (memcmp(root, c.root, 32)) {
        sodium_bin2hex(h1, sizeof h1, root, 32);
        sodium_bin2hex(h2, sizeof h2, c.root, 32);
        td_checkpoint_free(&c);
        return tda__bad(r, at, at, TD_MSG_AUDIT_ROOT_RECOMPUTED_DIFFERS, at, h1, h2);
    }
    ext = tda__state_ext(&c, want, &ver);
    td_checkpoint_free(&c);
    if (ext <= 0)
        return tda__bad(r, at, at, TD_MSG_AUDIT_CKPT_STATE_LINE, at,
                        ext ? TD_MSG_AUDIT_STATE_LINE_MALFORMED : TD_MSG_AUDIT_STATE_LINE_MISSING);
    if (at == 0 && ver == TD_STATE_DIGEST_V1) memcpy(digest, r->empty_digest, 32);
    else td_state_digest_ver(r->st, ver, digest);   /* v2: O(1), the fold keeps its sum */
    if (memcmp(digest, want, 32)) {
        sodium_bin2hex(h1, sizeof h1, digest, 32);
        sodium_bin2hex(h2, sizeof h2, want, 32);
        return tda__bad(r, at, at, TD_MSG_AUDIT_STATE_DIGEST_DIFFERS, at,
                        h1, h2);
    }
    r->res->n_checkpoints_ok++;
    r->res->max_size = at;
    memcpy(r->res->max_root, root, 32);
    return 0;
}

static int tda__row(void *arg, const tda_row *row)
{
    tda_run *r = arg;
    tda_result *res = r->res;
    td_entry en = {0};
    td_error e = {0};
    td_apply_result ar;
    tda_seq *sq;
    unsigned char leaf[32];
    uint64_t i = row->idx;
    int rc, cp_done = 0;

    if (i != r->expect) {
        if (i > r->expect) {
            if (i == r->expect + 1) return tda__bad(r, r->expect, 0, TD_MSG_AUDIT_ENTRY_MISSING, r->expect, r->expect - 1, i);
            return tda__bad(r, r->expect, 0, TD_MSG_AUDIT_ENTRIES_MISSING,
                            r->expect, i - 1, r->expect - 1, i);
        }
        return tda__bad(r, i, 0, TD_MSG_AUDIT_INDEX_OUT_OF_ORDER, i, r->expect);
    }
    if (td_entry_decode(row->body, row->len, &en, &e))
        return tda__bad(r, i, 0, TD_MSG_AUDIT_ENTRY_UNDECODABLE, td_error_vi(&e));
    res->has_entry = 1;
    td_key_short_hex(en.e->author.data, res->author_hex);
    res->seq = en.e->seq;
    res->kind = en.e->kind;
    if (!td_entry_kind_known(en.e->kind)) {
        td_entry_free(&en);
        return tda__bad(r, i, 0, TD_MSG_AUDIT_KIND_UNKNOWN, res->kind);
    }
    if (td_entry_verify(&en, &e)) {
        td_entry_free(&en);
        return tda__bad(r, i, 0, TD_MSG_AUDIT_AUTHOR_SIG_BAD);
    }
    if (row->has_cols) {
        if (!row->author || memcmp(row->author, en.e->author.data, 32) || row->seq != en.e->seq || row->kind != (int)en.e->kind) {
            char ah[17] = "?";
            if (row->author) td_key_short_hex(row->author, ah);
            td_entry_free(&en);
            return tda__bad(r, i, 0, TD_MSG_AUDIT_COLUMNS_DIFFER, ah, row->seq,
                            row->kind);
        }
    }
    if (i > 1 && !td_state_author(r->st, en.e->author.data)) {
        td_entry_free(&en);
        return tda__bad(r, i, 0, TD_MSG_AUDIT_AUTHOR_NO_CERT);
    }
    if (!(sq = tda__seq(r, en.e->author.data))) {
        td_entry_free(&en);
        r->fatal = td_error_set(r->err, TD_ENOMEM, "audit: author table");
        return TDA_STOP;
    }
    if (en.e->seq != sq->last + 1) {
        uint64_t last = sq->last;
        td_entry_free(&en);
        if (res->seq <= last)
            return tda__bad(r, i, 0, TD_MSG_AUDIT_SEQ_NOT_AFTER, res->seq, last);
        return tda__bad(r, i, 0, TD_MSG_AUDIT_SEQ_GAP, last, res->seq);
    }
    sq->last = en.e->seq;
    if ((rc = td_state_apply(r->st, i, row->body, row->len, row->received_ms, &ar, &e))) {
        td_entry_free(&en);
        r->fatal = td_error_set(r->err, rc, "audit: fold of index %" PRIu64 ": %s", i, e.msg);
        return TDA_STOP;
    }
    if (ar.refused) {
        if (res->n_refusals_listed < TDA_REFUSALS_LIST_MAX) {
            size_t k = res->n_refusals_listed++;
            res->refusals[k].index = i;
            memcpy(res->refusals[k].author_hex, res->author_hex, sizeof res->author_hex);
            res->refusals[k].kind = ar.kind;
            snprintf(res->refusals[k].reason, sizeof res->refusals[k].reason, "%s", ar.reason);
        }
        res->n_refused++;
    } else if (en.e->kind == TIENDO__ENTRY_KIND__ENTRY_CERT && (rc = tda__note_cert(r, en.e))) {
        td_entry_free(&en);
        r->fatal = td_error_set(r->err, rc, "audit: certificate table");
        return TDA_STOP;
    }
    td_entry_free(&en);
    td_merkle_leaf_hash(row->body, row->len, leaf);
    if ((rc = td_merkle_append(&r->ms, i - 1, leaf, NULL, &e))) {
        r->fatal = td_error_set(r->err, rc, "audit: tree append at %" PRIu64 ": %s", i, e.msg);
        return TDA_STOP;
    }
    res->n_entries = i;
    r->expect = i + 1;
    res->has_entry = 0;   /* what follows is about checkpoints, not this entry */
    while (r->next_cp < r->n_cps && r->cps[r->next_cp].size <= i) {
        if (tda__check_cp(r, &r->cps[r->next_cp])) return TDA_STOP;
        r->next_cp++;
        cp_done = 1;
    }
    if (r->progress && (cp_done || i % TDA_PROGRESS_EVERY == 0) && r->progress(r->progress_arg, i)) {
        r->fatal = td_error_set(r->err, TD_EINTERNAL, "audit: stopped by the caller");
        return TDA_STOP;
    }
    return 0;
}

/* Cosignatures: list them and verify each with its witness's certificate. */
/* For people: "name (agency, khóa <16 hex>)" from the server's "name agency
 * key-hex" (a log from before witnesses by key: the name alone). */
static void tda__witness_label(const char *w, char *out, size_t cap)
{
    char name[TD_NOTE_NAME_MAX + 1], agency[TD_AGENCY_MAX + 1], hex[65];
    if (sscanf(w, "%" TDA_STR(TD_NOTE_NAME_MAX) "s %" TDA_STR(TD_AGENCY_MAX) "s %64s", name, agency, hex) == 3)
        snprintf(out, cap, TD_MSG_AUDIT_AUTHOR_NAME_KEY, name, agency, hex);
    else
        snprintf(out, cap, "%s", w);
}

static void tda__witness(tda_run *r, tda_cosig *v, size_t n)
{
    tda_result *res = r->res;
    res->n_witness = n;
    for (size_t i = 0; i < n; i++) {
        const tda_cp *cp = NULL;
        td_note_sig s = {0};
        td_error e = {0};
        int verified = -1, parsed;
        char name[TD_NOTE_NAME_MAX + 1];
        const char *body_end;
        /* the server stores "name agency key-hex" (older logs: the name) */
        snprintf(name, sizeof name, "%.*s", (int)strcspn(v[i].witness, " "), v[i].witness);
        size_t plen = strlen(TDA_WITNESS_PREFIX);
        for (size_t k = 0; k < r->n_cps; k++)
            if (r->cps[k].size == v[i].size) cp = &r->cps[k];
        body_end = cp ? strstr(cp->note, "\n\n") : NULL;
        parsed = body_end && v[i].size <= res->max_size && !td_note_sig_parse(v[i].line, strlen(v[i].line), &s, &e);
        /* Every key that may stand behind the name: each inspector
         * certificate of that CN in the log (the keys before and after a
         * renewal; inspectors of two agencies with one CN), then the
         * --witness-cert keys.  The line's key hash picks the one that
         * signed it; a name alone never decides. */
        for (size_t k = 0; parsed && verified != 1 && k < r->n_certs + r->n_wk; k++) {
            const unsigned char *wk = NULL;
            td_note_verifier w;
            if (k < r->n_certs) {
                if (r->certs[k].inspector && !strncmp(name, TDA_WITNESS_PREFIX, plen) &&
                    !strcmp(r->certs[k].cn, name + plen))
                    wk = r->certs[k].key;
            } else if (!strcmp(r->wk[k - r->n_certs].name, name)) {
                wk = r->wk[k - r->n_certs].pk;
            }
            if (!wk) continue;
            verified = 0;
            if (!td_note_verifier_init(&w, name, TD_NOTE_TYPE_COSIG_V1, wk, &e) &&
                !td_cosig_verify(&w, cp->note, (size_t)(body_end - cp->note) + 1, &s, NULL, &e))
                verified = 1;
        }
        if (parsed) td_note_sig_free(&s);
        if (verified == 1 && v[i].size > res->max_witnessed) res->max_witnessed = v[i].size;
        if (res->n_witness_listed < TDA_WITNESS_LIST_MAX) {
            size_t k = res->n_witness_listed++;
            res->witness[k].size = v[i].size;
            tda__witness_label(v[i].witness, res->witness[k].witness, sizeof res->witness[k].witness);
            res->witness[k].verified = verified;
        }
    }
}

int tda_witness_key_from_cert(X509 *cert, X509 *ca, tda_witness_key *out, td_error *err)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    td_subject sub;
    int ok = 0, rc;
    memset(out, 0, sizeof *out);
    if (!store || !ctx || X509_STORE_add_cert(store, ca) != 1 || X509_STORE_CTX_init(ctx, store, cert, NULL) != 1) {
        rc = td_error_set(err, TD_ENOMEM, "audit: certificate store");
        goto out;
    }
    ok = X509_verify_cert(ctx) == 1;
    if (!ok) {
        rc = td_error_set(err, TD_ECERT, "%s", td_x509_vi(X509_STORE_CTX_get_error(ctx)));
        goto out;
    }
    if ((rc = td_subject_from_cert(cert, &sub, err))) goto out;
    if (sub.role != TD_ROLE_INSPECTOR) {
        rc = td_error_set(err, TD_ECERT, TD_MSG_AUDIT_CERT_NOT_INSPECTOR, sub.agency,
                          sub.device);
        goto out;
    }
    if ((rc = td_cert_ed25519_pk(cert, out->pk, err))) goto out;
    snprintf(out->name, sizeof out->name, "%s%s", TDA_WITNESS_PREFIX, sub.device);
out:
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return rc;
}

int tda_verify(const tda_source *src, X509 *ca, const char *origin, const tda_witness_key *wk, size_t n_wk,
               tda_result *res, td_error *err)
{
    return tda_verify_progress(src, ca, origin, wk, n_wk, NULL, NULL, res, err);
}

int tda_verify_progress(const tda_source *src, X509 *ca, const char *origin, const tda_witness_key *wk, size_t n_wk,
                        tda_progress_fn progress, void *progress_arg, tda_result *res, td_error *err)
{
    tda_run r;
    int rc;
    memset(res, 0, sizeof *res);
    memset(&r, 0, sizeof r);
    res->ok = 1;
    r.progress = progress;
    r.progress_arg = progress_arg;
    r.ca = ca;
    r.wk = wk;
    r.n_wk = n_wk;
    r.res = res;
    r.err = err;
    r.expect = 1;
    if (origin) {
        if (strlen(origin) > TD_CHECKPOINT_ORIGIN_MAX || !*origin)
            return td_error_set(err, TD_EARG, "audit: origin must be 1..%d bytes", TD_CHECKPOINT_ORIGIN_MAX);
        snprintf(res->origin, sizeof res->origin, "%s", origin);
    }
    if (!(r.st = td_state_new(ca))) return td_error_set(err, TD_ENOMEM, "audit: state");
    td_state_digest(r.st, r.empty_digest);
    td_merkle_mem_init(&r.mem);
    r.ms = td_merkle_mem_store(&r.mem);
    /* the checkpoints, the rows and the cosignatures as the source stood at one moment */
    if (src->read_begin && (rc = src->read_begin(src->arg, err))) goto done;
    if ((rc = src->checkpoints(src->arg, &r.cps, &r.n_cps, err))) goto done;
    res->n_checkpoints = r.n_cps;
    rc = src->scan(src->arg, tda__row, &r, err);
    if (!r.fatal && progress && progress(progress_arg, res->n_entries))
        r.fatal = td_error_set(err, TD_EINTERNAL, "audit: stopped by the caller");
    if (r.fatal) {
        rc = r.fatal;
        goto done;
    }
    if (rc < 0) goto done;
    rc = 0;
    if (res->ok) {
        /* checkpoints beyond the end of the log: the log was cut */
        if (r.next_cp < r.n_cps) {
            const tda_cp *cp = &r.cps[r.n_cps - 1];
            if (r.cps[r.next_cp].size == 0 && r.n_cps - r.next_cp == 1) {
                /* an empty log with a checkpoint of size 0: nothing to cut */
            } else {
                tda__bad(&r, res->n_entries + 1, cp->size,
                         TD_MSG_AUDIT_LOG_TRUNCATED, cp->size,
                         res->n_entries);
            }
        }
    }
    if (res->ok) {
        size_t n_refs;
        td_state_refusals(r.st, &n_refs);
        res->n_authors = r.n_certs;
        {
            size_t nv;
            const td_report_version *v = td_state_report_versions(r.st, &nv);
            for (size_t i = 0; i < nv; i++) {
                size_t k;
                if (!v[i].time_flags) continue;
                res->n_time_flagged++;
                if ((k = res->n_time_listed) >= TDA_REFUSALS_LIST_MAX) continue;
                res->n_time_listed++;
                res->time_flagged[k].index = v[i].index;
                res->time_flagged[k].task = v[i].task;
                snprintf(res->time_flagged[k].agency, sizeof res->time_flagged[k].agency, "%s", v[i].agency);
                res->time_flagged[k].flags = v[i].time_flags;
                res->time_flagged[k].device_time_ms = v[i].device_time_ms;
                res->time_flagged[k].received_ms = v[i].received_ms;
            }
        }
        td_state_digest(r.st, res->state_digest);
        if (src->cosigs) {
            tda_cosig *cv = NULL;
            size_t cn = 0;
            if ((rc = src->cosigs(src->arg, &cv, &cn, err))) goto done;
            tda__witness(&r, cv, cn);
            tda_cosigs_free(cv, cn);
        }
    }
done:
    if (src->read_end) src->read_end(src->arg);
    tda_cps_free(r.cps, r.n_cps);
    free(r.seqs);
    free(r.certs);
    td_merkle_mem_free(&r.mem);
    td_state_free(r.st);
    return rc;
}

void tda_result_print(const tda_result *res, FILE *f)
{
    char h[65];
    if (!res->ok) {
        fprintf(f, TD_MSG_AUDIT_VERIFY_MISMATCH_AT PRIu64, res->bad_index);
        if (res->bad_checkpoint) fprintf(f, TD_MSG_AUDIT_VERIFY_MISMATCH_CKPT, res->bad_checkpoint);
        if (res->has_entry)
            fprintf(f, TD_MSG_AUDIT_VERIFY_MISMATCH_ENTRY, res->author_hex, res->seq, td_entry_kind_vi(res->kind));
        fprintf(f, ": %s\n", res->what);
        fprintf(f, TD_MSG_AUDIT_VERIFY_CHECKED_BEFORE, res->n_entries,
                res->n_checkpoints_ok);
        return;
    }
    fprintf(f, TD_MSG_AUDIT_VERIFY_OK, res->n_entries, res->n_authors);
    fprintf(f, TD_MSG_AUDIT_VERIFY_OK_DETAIL);
    if (!res->n_checkpoints) {
        fprintf(f, TD_MSG_AUDIT_VERIFY_NO_CKPT);
    } else {
        sodium_bin2hex(h, sizeof h, res->max_root, 32);
        fprintf(f, TD_MSG_AUDIT_VERIFY_CKPTS,
                res->n_checkpoints_ok, res->origin);
        fprintf(f, TD_MSG_AUDIT_VERIFY_LARGEST_TREE, res->max_size, h);
        if (res->max_size < res->n_entries)
            fprintf(f, TD_MSG_AUDIT_VERIFY_TAIL_UNSIGNED, res->n_entries - res->max_size);
    }
    sodium_bin2hex(h, sizeof h, res->state_digest, 32);
    fprintf(f, TD_MSG_AUDIT_VERIFY_STATE_DIGEST, h);
    fprintf(f, TD_MSG_AUDIT_VERIFY_REFUSED_COUNT, res->n_refused);
    for (size_t i = 0; i < res->n_refusals_listed; i++) {
        char vi[768];
        td_refusal_vi(res->refusals[i].reason, vi, sizeof vi);
        fprintf(f, TD_MSG_AUDIT_VERIFY_REFUSED_LINE, res->refusals[i].index, td_entry_kind_vi(res->refusals[i].kind),
                res->refusals[i].author_hex, vi);
    }
    if (res->n_refused > res->n_refusals_listed)
        fprintf(f, TD_MSG_AUDIT_VERIFY_MORE_ENTRIES, res->n_refused - res->n_refusals_listed);
    fprintf(f, TD_MSG_AUDIT_VERIFY_CLOCK_COUNT, res->n_time_flagged);
    for (size_t i = 0; i < res->n_time_listed; i++) {
        char why[256];
        long long gap = (res->time_flagged[i].device_time_ms - res->time_flagged[i].received_ms) / 86400000LL;
        td_time_flags_vi(res->time_flagged[i].flags, why, sizeof why);
        fprintf(f, TD_MSG_AUDIT_VERIFY_CLOCK_LINE, res->time_flagged[i].index, res->time_flagged[i].task,
                res->time_flagged[i].agency, why);
        if (gap > 0) fprintf(f, TD_MSG_AUDIT_VERIFY_SIGNED_AFTER, gap);
        else if (gap < 0) fprintf(f, TD_MSG_AUDIT_VERIFY_RECEIVED_AFTER, -gap);
        fputc('\n', f);
    }
    if (res->n_time_flagged > res->n_time_listed)
        fprintf(f, TD_MSG_AUDIT_VERIFY_MORE_ENTRIES, res->n_time_flagged - res->n_time_listed);
    if (res->n_witness) {
        fprintf(f, TD_MSG_AUDIT_VERIFY_WITNESSES,
                res->n_witness, res->max_witnessed);
        for (size_t i = 0; i < res->n_witness_listed; i++)
            fprintf(f, TD_MSG_AUDIT_VERIFY_WITNESS_LINE, res->witness[i].size, res->witness[i].witness,
                    res->witness[i].verified == 1 ? TD_MSG_AUDIT_WORD_VALID
                    : res->witness[i].verified == 0 ? TD_MSG_AUDIT_WORD_INVALID
                                                    : TD_MSG_AUDIT_WORD_WITNESS_UNCHECKED);
    }
}

/* ---- SQLite sources: a copy of server.db through common/logread (the one
 * reader of the server's tables), or the inspector's replica (its tables
 * pulled and checkpoint, read here) ---------------------------------------- */

struct tda_db {
    sqlite3 *db;            /* replica only */
    td_logread *lr;         /* server.db only */
    char *path;
    int replica;
};

static int tda__dberr(tda_db *d, td_error *err, const char *what)
{
    return td_error_set(err, TD_EDB, TD_MSG_DB_FAIL, d->path, td_sqlite_vi_db(d->db, what));
}

static int tda__open(const char *path, int replica, tda_db **out, td_error *err)
{
    tda_db *d;
    int rc;
    *out = NULL;
    if (!(d = calloc(1, sizeof *d)) || !(d->path = strdup(path))) {
        free(d);
        return td_error_set(err, TD_ENOMEM, "%s: open", path);
    }
    d->replica = replica;
    rc = replica ? td_sqlite_open_ro_live(path, &d->db, err) : td_logread_open(path, &d->lr, err);
    /* the table every replica has: fail now, with its name */
    if (!rc && replica && sqlite3_exec(d->db, "SELECT 1 FROM pulled LIMIT 1", NULL, NULL, NULL) != SQLITE_OK)
        rc = sqlite3_errcode(d->db) == SQLITE_ERROR
                 ? td_error_set(err, TD_EDB, "%s: " TD_MSG_AUDIT_NOT_A_REPLICA,
                                path, td_sqlite_vi_db(d->db, "not a tiendo replica"))
                 : tda__dberr(d, err, "not a tiendo replica (table pulled)");
    if (rc) {
        tda_db_close(d);
        return rc;
    }
    *out = d;
    return TD_OK;
}

int tda_db_open_server(const char *path, tda_db **out, td_error *err)
{
    return tda__open(path, 0, out, err);
}

int tda_db_open_replica(const char *path, tda_db **out, td_error *err)
{
    return tda__open(path, 1, out, err);
}

void tda_db_close(tda_db *d)
{
    if (!d) return;
    td_logread_close(d->lr);
    sqlite3_close(d->db);
    free(d->path);
    free(d);
}

static int tda__count_row(void *arg, const td_logread_row *w)
{
    (void)w;
    (*(uint64_t *)arg)++;
    return 0;
}

uint64_t tda_db_size(tda_db *d)
{
    uint64_t n = 0;
    td_error e = {0};
    if (d->lr) {
        td_logread_cp cp;
        int found = 0;
        if (!td_logread_has_table(d->lr, "checkpoint") || td_logread_checkpoint_latest(d->lr, &found, &cp, &e))
            return 0;
        if (!found) return 0;
        n = cp.size;
        td_logread_cp_free(&cp);
        /* the tail after the latest checkpoint: a few rows */
        if (td_logread_scan(d->lr, n + 1, 0, 0, tda__count_row, &n, &e)) return 0;
        return n;
    } else {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(d->db, "SELECT max(idx) FROM pulled", -1, &st, NULL) != SQLITE_OK) return 0;
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0) n = (uint64_t)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return n;
}

int tda_db_is_replica(const tda_db *d)
{
    return d->replica;
}

static int tda__has_table(tda_db *d, const char *name)
{
    sqlite3_stmt *st;
    int found = 0;
    if (d->lr) return td_logread_has_table(d->lr, name);
    if (sqlite3_prepare_v2(d->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

struct tda__fwd {
    tda_row_cb cb;
    void *arg;
};

static int tda__server_row(void *arg, const td_logread_row *w)
{
    const struct tda__fwd *f = arg;
    tda_row row = {w->idx, w->body, w->len, w->received_ms, 1, w->author, w->seq, w->kind};
    return f->cb(f->arg, &row);
}

static int tda__scan(void *arg, tda_row_cb cb, void *cb_arg, td_error *err)
{
    tda_db *d = arg;
    sqlite3_stmt *st;
    int step, rc = 0;
    if (d->lr) {
        struct tda__fwd f = {cb, cb_arg};
        return td_logread_scan(d->lr, 0, 0, 0, tda__server_row, &f, err);
    }
    if (sqlite3_prepare_v2(d->db, "SELECT idx, body, received_ms FROM pulled ORDER BY idx", -1, &st, NULL) !=
        SQLITE_OK)
        return tda__dberr(d, err, "reading the log");
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        tda_row row = {0};
        sqlite3_int64 idx = sqlite3_column_int64(st, 0);
        row.idx = idx > 0 ? (uint64_t)idx : 0;
        row.body = sqlite3_column_blob(st, 1);
        row.len = (size_t)sqlite3_column_bytes(st, 1);
        if (!row.body) row.body = (const uint8_t *)"";
        row.received_ms = sqlite3_column_int64(st, 2);
        if ((rc = cb(cb_arg, &row))) break;
    }
    if (!rc && step != SQLITE_DONE) rc = tda__dberr(d, err, "reading the log");
    sqlite3_finalize(st);
    return rc;
}

/* Checkpoints collected into an array. */
struct tda__cps {
    tda_cp *v;
    size_t n, cap;
};

static int tda__cp_push(struct tda__cps *a, uint64_t size, const unsigned char *root, const char *note)
{
    tda_cp *c;
    if (TD_GROW(a->v, a->cap, a->n + 1)) return TD_ENOMEM;
    c = &a->v[a->n];
    memset(c, 0, sizeof *c);
    c->size = size;
    if (root) {
        memcpy(c->root, root, 32);
        c->has_root = 1;
    }
    if (!(c->note = strdup(note ? note : ""))) return TD_ENOMEM;
    a->n++;
    return 0;
}

static int tda__server_cp(void *arg, const td_logread_cp *c)
{
    return tda__cp_push(arg, c->size, c->has_root ? c->root : NULL, c->note);
}

static int tda__checkpoints(void *arg, tda_cp **out, size_t *n_out, td_error *err)
{
    tda_db *d = arg;
    sqlite3_stmt *st = NULL;
    struct tda__cps a = {0};
    int step, rc = 0;
    *out = NULL;
    *n_out = 0;
    if (!tda__has_table(d, "checkpoint")) return TD_OK;
    if (d->lr) {
        rc = td_logread_checkpoints(d->lr, tda__server_cp, &a, err);
        if (rc == TD_ENOMEM) goto nomem;
        if (rc) {
            tda_cps_free(a.v, a.n);
            return rc;
        }
    } else {
        if (sqlite3_prepare_v2(d->db, "SELECT size, root, note FROM checkpoint ORDER BY size", -1, &st, NULL) !=
            SQLITE_OK)
            return tda__dberr(d, err, "reading checkpoints");
        while ((step = sqlite3_step(st)) == SQLITE_ROW)
            if (tda__cp_push(&a, (uint64_t)sqlite3_column_int64(st, 0),
                             sqlite3_column_bytes(st, 1) == 32 ? sqlite3_column_blob(st, 1) : NULL,
                             (const char *)sqlite3_column_text(st, 2)))
                goto nomem;
        sqlite3_finalize(st);
        if (step != SQLITE_DONE) {
            tda_cps_free(a.v, a.n);
            return tda__dberr(d, err, "reading checkpoints");
        }
    }
    *out = a.v;
    *n_out = a.n;
    return TD_OK;
nomem:
    sqlite3_finalize(st);
    tda_cps_free(a.v, a.n);
    return td_error_set(err, TD_ENOMEM, "%s: checkpoints", d->path);
}

struct tda__cosigs {
    tda_cosig *v;
    size_t n, cap;
};

static int tda__server_cosig(void *arg, const td_logread_cosig *c)
{
    struct tda__cosigs *a = arg;
    tda_cosig *x;
    if (TD_GROW(a->v, a->cap, a->n + 1)) return TD_ENOMEM;
    x = &a->v[a->n++];
    x->size = c->size;
    x->witness = strdup(c->witness);
    x->line = strdup(c->line);
    return x->witness && x->line ? 0 : TD_ENOMEM;
}

static int tda__cosigs(void *arg, tda_cosig **out, size_t *n_out, td_error *err)
{
    tda_db *d = arg;
    struct tda__cosigs a = {0};
    int rc;
    *out = NULL;
    *n_out = 0;
    if (d->replica || !tda__has_table(d, "cosig")) return TD_OK;
    if ((rc = td_logread_cosigs_all(d->lr, tda__server_cosig, &a, err))) {
        tda_cosigs_free(a.v, a.n);
        return rc == TD_ENOMEM ? td_error_set(err, TD_ENOMEM, "%s: cosignatures", d->path) : rc;
    }
    *out = a.v;
    *n_out = a.n;
    return TD_OK;
}

/* A replica's rows by index (the pulled table's primary key). */
static int tda__get(void *arg, const uint64_t *idx, size_t n, tda_row_cb cb, void *cb_arg, td_error *err)
{
    tda_db *d = arg;
    sqlite3_stmt *st;
    int step = SQLITE_DONE, rc = 0;
    if (!d->db) return td_error_set(err, TD_EARG, "%s: rows by index from a replica only", d->path);
    if (sqlite3_prepare_v2(d->db, "SELECT body, received_ms FROM pulled WHERE idx = ?1", -1, &st, NULL) != SQLITE_OK)
        return tda__dberr(d, err, "reading the log");
    for (size_t i = 0; i < n && !rc; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)idx[i]);
        if ((step = sqlite3_step(st)) == SQLITE_ROW) {
            tda_row row = {0};
            row.idx = idx[i];
            row.body = sqlite3_column_blob(st, 0);
            row.len = (size_t)sqlite3_column_bytes(st, 0);
            if (!row.body) row.body = (const uint8_t *)"";
            row.received_ms = sqlite3_column_int64(st, 1);
            rc = cb(cb_arg, &row);
        } else if (step != SQLITE_DONE) {
            rc = tda__dberr(d, err, "reading the log");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static int tda__fold(void *arg, X509 *ca, td_state **out, td_error *err)
{
    tda_db *d = arg;
    *out = NULL;
    if (!d->db) return td_error_set(err, TD_EARG, "%s: a persisted fold in a replica only", d->path);
    return tdc_replica_fold_db(d->db, d->path, ca, out, err);
}

static int tda__read_begin(void *arg, td_error *err)
{
    tda_db *d = arg;
    return tdc_replica_read_begin(d->db, d->path, err);
}

static void tda__read_end(void *arg)
{
    tdc_replica_read_end(((tda_db *)arg)->db);
}

/* A server database (a live server.db, or a copy): the same one read. */
static int tda__srv_read_begin(void *arg, td_error *err) { return td_logread_begin(((tda_db *)arg)->lr, err); }

static void tda__srv_read_end(void *arg) { td_logread_end(((tda_db *)arg)->lr); }

int tda_db_pulled_gen(tda_db *d, int64_t *gen, td_error *err)
{
    if (!d->replica) return td_error_set(err, TD_EARG, "%s: pulled_gen of a replica only", d->path);
    return tdc_replica_db_pulled_gen(d->db, d->path, gen, err);
}

tda_source tda_db_source(tda_db *d)
{
    tda_source s = {tda__scan, tda__checkpoints, tda__cosigs, d, NULL, NULL, NULL, NULL};
    if (d->replica) {
        s.get = tda__get;
        s.fold = tda__fold;
        s.read_begin = tda__read_begin;
        s.read_end = tda__read_end;
    } else {
        s.read_begin = tda__srv_read_begin;
        s.read_end = tda__srv_read_end;
    }
    return s;
}

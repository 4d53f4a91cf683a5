/* checkpointer.c — see ledger.h: checkpoints, tree heads, proofs, cosignatures (docs/LOG.md §9, §10). */
#include "clock.h"
#include "grow.h"
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

/* ---- audit: checkpoints, proofs, cosignatures (docs/LOG.md §9, §10) -------- */

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
 * The state digest version the checkpoints carry (docs/LOG.md,
 * checkpoints), recorded in the append-only meta table: "state_digest_v2"
 * = the last checkpoint size signed before the switch ("0" for a log new
 * on v2); from the next checkpoint on, every one carries v2.  Without it,
 * a log that has checkpoints is on v1 (they were all v1, and the clients of
 * that time verify them); a new log records v2 unless o->state_digest is 1.
 * o->state_digest = 2 switches a v1 log; a v2 log never goes back.
 * Checkpoints name their version, so the old ones keep verifying.
 */
static int tds__digest_version(tds_ledger *l, const tds_ledger_opts *o, int has_checkpoint, td_error *err)
{
    uint8_t *v = NULL;
    size_t vn = 0;
    int found = 0, rc, want = o->state_digest;
    if (want && want != TD_STATE_DIGEST_V1 && want != TD_STATE_DIGEST_V2)
        return td_error_set(err, TD_EARG, "state digest version %d: expected 1 or 2", want);
    if ((rc = tds_logstore_meta_get(l->store, "state_digest_v2", &found, &v, &vn, err))) return rc;
    free(v);
    l->digest_version = found || !has_checkpoint ? TD_STATE_DIGEST_V2 : TD_STATE_DIGEST_V1;
    if (found && want == TD_STATE_DIGEST_V1)
        return td_error_set(err, TD_EARG, "%s: the log's checkpoints carry the v2 state digest; it does not go back "
                            "to v1", tds_logstore_path(l->store));
    /* TIENDO_TEST_STATE_DIGEST=1 (environment, tests only): a new log starts
     * on v1, as logs made before v2 did, so that tests can upgrade one */
    if (!found && !has_checkpoint && !want && getenv("TIENDO_TEST_STATE_DIGEST") &&
        !strcmp(getenv("TIENDO_TEST_STATE_DIGEST"), "1"))
        want = TD_STATE_DIGEST_V1;
    if (!found && !has_checkpoint && want == TD_STATE_DIGEST_V1) l->digest_version = TD_STATE_DIGEST_V1;
    if (l->writable && !found && l->digest_version == TD_STATE_DIGEST_V1 && want == TD_STATE_DIGEST_V2)
        l->digest_version = TD_STATE_DIGEST_V2;
    if (l->writable && !found && l->digest_version == TD_STATE_DIGEST_V2) {
        char sz[24];
        int n = snprintf(sz, sizeof sz, "%llu", (unsigned long long)l->signed_size);
        if ((rc = tds_logstore_meta_put(l->store, "state_digest_v2", (const uint8_t *)sz, (size_t)n, err))) return rc;
        if (has_checkpoint)
            td_log_info("checkpoints carry the state digest v2 after size %s (v1 before)", sz);
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
int tds__audit_open(tds_ledger *l, const tds_ledger_opts *o, td_error *err)
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
    /* last: a switch to v2 is recorded only in a log that passed every check */
    rc = tds__digest_version(l, o, found, err);
out:
    td_merkle_mem_free(&t.m);
    td_checkpoint_free(&c);
    tds_checkpoint_row_free(&cp);
    return rc;
}

/*
 * Inside the caller's write transaction: sign a checkpoint for the size the
 * state covers, if larger than the last one stored, and insert it.  The
 * size is read again inside the transaction, so two processes sharing the
 * file (serve and `plan import`) never sign sizes out of order, and the tree
 * is the stored one, so every checkpoint is consistent with every other.
 * The state digest line names its version (docs/LOG.md, checkpoints):
 *   tiendo-state <hex v1>     or     tiendo-state-v2 <hex v2>
 * *signed_out: the size signed, or 0 when nothing was to sign.
 */
int tds__sign_in_tx(tds_ledger *l, uint64_t *signed_out, td_error *err)
{
    tds_checkpoint_row cp;
    td_checkpoint c;
    td_merkle_store ms = tds_logstore_merkle(l->store);
    unsigned char digest[32];
    char ext[sizeof "tiendo-state-v2 " + 64 + 1];
    const char *tag = l->digest_version == TD_STATE_DIGEST_V2 ? "tiendo-state-v2 " : "tiendo-state ";
    size_t tl = strlen(tag);
    char *note = NULL;
    size_t note_len = 0;
    uint64_t size;
    int found = 0, rc;

    *signed_out = 0;
    if (!l->writable || !l->st) return 0;
    size = td_state_last_index(l->st);
    if (size == 0 || size <= l->signed_size) return 0;
    if ((rc = tds_logstore_checkpoint_latest(l->store, &found, &cp, err))) return rc;
    if (found && cp.size >= size) {
        /* signed meanwhile by another process sharing the file */
        l->signed_size = cp.size;
        tds_checkpoint_row_free(&cp);
        return 0;
    }
    tds_checkpoint_row_free(&cp);
    memset(&c, 0, sizeof c);
    snprintf(c.origin, sizeof c.origin, "%s", l->origin);
    c.size = size;
    if ((rc = td_merkle_root(&ms, size, c.root, err))) return rc;
    td_state_digest_ver(l->st, l->digest_version, digest);
    memcpy(ext, tag, tl);
    sodium_bin2hex(ext + tl, 65, digest, sizeof digest);
    ext[tl + 64] = '\n';
    ext[tl + 65] = 0;
    c.ext = ext;
    c.ext_len = tl + 65;
    if ((rc = td_checkpoint_sign(&c, &l->signer, &note, &note_len, err))) return rc;
    rc = tds_logstore_checkpoint_put(l->store, size, c.root, note, note_len, tds__now_ms(), err);
    free(note);
    if (!rc) *signed_out = size;
    return rc;
}

/* After the commit of a transaction in which tds__sign_in_tx signed size. */
void tds__signed(tds_ledger *l, uint64_t size)
{
    if (!size) return;
    l->signed_size = size;
    l->last_sign_ms = td_clock_mono_ms(); /* intervals: the monotonic clock */
    td_log_debug("checkpoint signed at size %llu", (unsigned long long)size);
}

/* Sign the size the state covers in a transaction of its own, if uncovered. */
int tds__sign_latest(tds_ledger *l, td_error *err)
{
    uint64_t size = 0;
    int rc;
    if (!l->writable || !l->st || td_state_last_index(l->st) <= l->signed_size) return 0;
    if ((rc = tds_logstore_begin(l->store, err))) return rc;
    if ((rc = tds__sign_in_tx(l, &size, err))) {
        tds_logstore_rollback(l->store);
        return rc;
    }
    if (!size) {
        tds_logstore_rollback(l->store);
        return 0;
    }
    if ((rc = tds_logstore_commit(l->store, err))) return rc;
    tds__signed(l, size);
    return 0;
}

/* Does a commit that appends rows sign in its own transaction?  With the v2
 * digest always (O(change) per entry, a signature per commit); with v1 (the
 * digest costs O(state)) at most every TDS_CHECKPOINT_V1_INTERVAL_MS. */
int tds__sign_due(const tds_ledger *l)
{
    if (!l->writable || !l->st) return 0;
    return l->digest_version == TD_STATE_DIGEST_V2 ||
           td_clock_mono_ms() - l->last_sign_ms >= TDS_CHECKPOINT_V1_INTERVAL_MS;
}

/*
 * The head a request is answered with: the latest stored checkpoint, never
 * a new signature (docs/LOG.md, checkpoints: requests do not sign).  Only a
 * log still on the v1 digest signs its uncovered tail here, at most every
 * TDS_CHECKPOINT_V1_INTERVAL_MS.  out->note NULL if none.
 */
int tds__latest_head(tds_ledger *l, tds_tree_head *out, td_error *err)
{
    tds_checkpoint_row cp;
    int found = 0, rc;
    memset(out, 0, sizeof *out);
    /* (tds_ledger_sign commits an open group and folds first) */
    if (l->digest_version != TD_STATE_DIGEST_V2 && tds__sign_due(l) && (rc = tds_ledger_sign(l, err))) return rc;
    if ((rc = tds_logstore_checkpoint_latest(l->store, &found, &cp, err)) || !found) return rc;
    if (cp.size > l->signed_size) l->signed_size = cp.size;
    out->size = cp.size;
    memcpy(out->root, cp.root, sizeof out->root);
    out->note = cp.note;
    out->note_len = cp.note_len;
    return 0;
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

int tds_ledger_batch_proof(tds_ledger *l, const uint64_t *idx, size_t n, uint64_t size, unsigned char **out,
                           size_t *n_hashes, td_error *err)
{
    td_merkle_store ms = tds_logstore_merkle(l->store);
    uint64_t leaves = 0, *leaf;
    size_t want = 0;
    int rc;
    *out = NULL;
    *n_hashes = 0;
    if ((rc = tds_logstore_tree_size(l->store, &leaves, err))) return rc;
    if (size > leaves)
        return td_error_set(err, TD_EARG, "no batch proof in a tree of size %llu (the log has %llu)",
                            (unsigned long long)size, (unsigned long long)leaves);
    if (!(leaf = malloc((n ? n : 1) * sizeof *leaf))) return td_error_set(err, TD_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) leaf[i] = idx[i] - 1;   /* index 0 wraps and fails the form check */
    if ((rc = td_merkle_batch_proof_len(leaf, n, size, &want, err)) == 0) {
        if (!(*out = malloc(want ? want * TD_MERKLE_HASH_LEN : 1)))
            rc = td_error_set(err, TD_ENOMEM, "out of memory");
        else if ((rc = td_merkle_batch_proof(&ms, leaf, n, size, *out, want, n_hashes, err))) {
            free(*out);
            *out = NULL;
        }
    }
    free(leaf);
    return rc;
}

typedef struct tds_cosig_collect {
    char **v;
    size_t n, cap;
    int oom;
} tds_cosig_collect;

static int tds__cosig_collect_cb(void *arg, const tds_cosig_row *r)
{
    tds_cosig_collect *cc = arg;
    if (TD_GROW(cc->v, cc->cap, cc->n + 1)) return cc->oom = 1;
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
    if ((rc = tds__latest_head(l, &out->th, err)) || !out->th.note) return rc;
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
        if ((rc = tds__latest_head(l, &out->th, err))) return rc;
        if (!out->th.note) return td_error_set(err, TD_EARG, "log index %llu: no checkpoint signed yet",
                                               (unsigned long long)index);
    } else {
        tds_checkpoint_row cp;
        if ((rc = tds_logstore_checkpoint_get(l->store, tree_size, &found, &cp, err))) return rc;
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
        TDS__REFUSE("the checkpoint does not parse: %.*s", td_error_en_len(e2.msg) < 200 ? td_error_en_len(e2.msg) : 200, e2.msg);
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
    if (td_note_sig_parse(ln, lnn, &sig, &e2)) TDS__REFUSE("the cosignature line does not parse: %.*s", td_error_en_len(e2.msg) < 200 ? td_error_en_len(e2.msg) : 200, e2.msg);
    snprintf(name, sizeof name, TDS_WITNESS_PREFIX "%s", peer->subj.device);
    if (strcmp(sig.name, name) != 0)
        TDS__REFUSE("the cosignature is named \"%.40s\"; device %.20s/%.20s cosigns as \"%.60s\"", sig.name,
                    peer->subj.agency, peer->subj.device, name);
    if (td_note_verifier_init(&v, name, TD_NOTE_TYPE_COSIG_V1, peer->pk, &e2))
        TDS__REFUSE("witness name: %.*s", td_error_en_len(e2.msg) < 200 ? td_error_en_len(e2.msg) : 200, e2.msg);
    if (td_cosig_verify(&v, n.text, n.text_len, &sig, &ts, &e2))
        TDS__REFUSE("the cosignature does not verify with the certificate key of %.20s/%.20s: %.*s",
                    peer->subj.agency, peer->subj.device,
                    td_error_en_len(e2.msg) < 100 ? td_error_en_len(e2.msg) : 100, e2.msg);
    /* stored by key and agency, not by name alone (docs/LOG.md §10) */
    if ((rc = tds_logstore_cosig_put(l->store, c.size, name, peer->pk, peer->subj.agency, ln, tds__now_ms(), &inserted,
                                     err)))
        goto done;
    out->stored = 1;
    if (inserted)
        td_log_info("witness %s of %s cosigned the checkpoint of size %llu", name, peer->subj.agency,
                    (unsigned long long)c.size);
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

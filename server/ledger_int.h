/*
 * ledger_int.h — what the ledger's files share (server/ledger.c open, close,
 * fold, pull; sequencer.c validation, ordering, group commit; verifier.c the
 * push checks off the loop; checkpointer.c tree heads, signing, proofs,
 * cosignatures; certsync.c certificates, CRL, renewal, registry copy): the
 * ledger's private struct and the internal functions one file calls in
 * another.  Only those files include it; everything else goes through
 * ledger.h.
 */
#ifndef TDS_LEDGER_INT_H
#define TDS_LEDGER_INT_H

#include "blobstore.h"
#include "clock.h"
#include "ledger.h"

/* A batch of rows inserted in the current transaction, folded after COMMIT. */
typedef struct tds_pending {
    tds_logrow row;
    uint8_t *body;                /* owned, unless borrowed */
    td_entry en;                  /* owned unless borrowed: a push's entry as decoded off the loop, or empty */
    int borrowed;                 /* body and en belong to a push's prep (freed with it, off the loop) */
} tds_pending;

/* The open group commit (see "group commit" below). */
typedef struct tds_group_waiter {
    tds_ack *acks;
    size_t n;
    void (*done)(void *arg, int rc, const td_error *err);
    void *arg;
    uint64_t gen;                 /* unsynced: the commit (tds_group.gen) whose sync releases it */
} tds_group_waiter;

/* A push whose checks against the peer passed, waiting for its rows to be
 * appended (sequencer.c, "group commit"): the group's backlog, in arrival
 * order.  peer is a copy; its earlier certificates are copied too (the
 * frame they came in is freed once the push is handed over). */
typedef struct tds_backlog_item {
    struct tds_backlog_item *next;
    struct tds_push_prep *p;      /* owned */
    tds_ack *acks;                /* the session's, filled as rows are appended */
    size_t next_i;                /* entries before it are appended or refused */
    size_t nok;                   /* entries that passed the peer checks */
    tds_peer peer;
    ProtobufCBinaryData *earlier; /* owned copies of peer.earlier */
    void (*done)(void *arg, int rc, const td_error *err);
    void *arg;
} tds_backlog_item;

struct tds_group {
    int open;                     /* a transaction is open */
    tds_backlog_item *bl_head, *bl_tail;   /* pushes not appended yet, in arrival order */
    size_t bl_n;
    tds_pending *rows;            /* appended rows, in index order, folded after COMMIT */
    size_t nrows, caprows;
    size_t bytes;
    tds_group_waiter *w;          /* deferred pushes, in arrival order */
    size_t nw, capw;
    tds_group_waiter *un;         /* committed without fsync: acks held until the WAL is synced */
    size_t nun, capun;
    uint64_t gen;                 /* commits without fsync so far */
    uint64_t synced;              /* the last of them known on disk */
    uint64_t commits, pushes;     /* for the log at close */
    struct tds_push_prep *spent;  /* preps of pushes wholly appended, freed after the next commit */
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
    int digest_version;           /* TD_STATE_DIGEST_V1 or _V2: the checkpoints' state line (meta "state_digest") */
    struct tds_renewer *renewer;  /* borrowed: online renewals (NULL: none) */
    const char *crl_path;         /* borrowed: the CRL file, read again at each check of an earlier certificate */
    struct tds_group grp;         /* pushes appended, not yet committed (group commit) */
    void (*reclaim)(void *ctx, void (*fn)(void *), void *p);   /* tds_ledger_set_reclaim */
    void *reclaim_ctx;
    int fold_tx;                  /* catch-up opened a transaction for attachment references */
    tds_blob_host blobs;          /* what blobstore.c sees of the ledger */
};

/* What tds_ledger_push_prepare hands to tds_ledger_push_defer_prepared. */
struct tds_push_prep {
    size_t n;
    size_t recv_bytes;            /* body + signature bytes received (the group's cap counts them) */
    td_entry *en;                 /* decoded; en[i].e NULL when refused before decoding */
    uint8_t **bytes;              /* canonical SignedEntry (owned until the group takes it) */
    size_t *lens;
    uint32_t *task;               /* tds_ledger_payload_task of each passed entry */
    unsigned char (*leaf)[32];    /* the Merkle leaf hash of each bytes[i] (hashed off the loop) */
    struct tds_push_prep *spent;  /* the group's list of preps done with (tds__spent_put) */
};

/* ---- internal functions (tds__: used across the ledger's files) ---- */

static inline int64_t tds__now_ms(void) { return td_clock_now_ms(); }

/* Fold one stored row; en: the row's entry already decoded, or NULL. */
int tds__apply_row(tds_ledger *l, const tds_logrow *r, const td_entry *en, td_apply_result *res, td_error *err);
int tds__catch_up(tds_ledger *l, td_error *err);
int tds__insert_own(tds_ledger *l, int kind, const uint8_t *payload, size_t len, tds_logrow *row, uint8_t **body, td_error *err);
int tds__cert_payload(const uint8_t *der, size_t n, uint8_t **out, size_t *outn);
int tds__ensure_server_cert(tds_ledger *l, tds_pending *p, size_t *np, td_error *err);
void tds__pending_free(tds_pending *p, size_t n);
void tds__fold_pending(tds_ledger *l, tds_pending *p, size_t n, td_apply_result *res_for);
void tds__refuse(tds_ack *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tds__audit_open(tds_ledger *l, const tds_ledger_opts *o, td_error *err);
int tds__sign_latest(tds_ledger *l, td_error *err);
int tds__sign_in_tx(tds_ledger *l, uint64_t *signed_out, td_error *err);
void tds__signed(tds_ledger *l, uint64_t size);
int tds__sign_due(const tds_ledger *l);
int tds__latest_head(tds_ledger *l, tds_tree_head *out, td_error *err);
int tds__refold(tds_ledger *l);

/* A log on the v1 state digest (O(state) each) signs at most this often;
 * on v2, every commit that appends rows signs (docs/LOG.md, checkpoints). */
#define TDS_CHECKPOINT_V1_INTERVAL_MS 1000

#endif

/*
 * audit.h — the inspector's verifier (docs/LOG.md §10): re-checks a whole log and
 * its checkpoints without trusting the server that wrote them.  It does not
 * use any server/ code: the entries come from a tda_source (the inspector's
 * replica, a read-only copy of server.db, or a test's in-memory log), and
 * everything is recomputed from the bytes with the shared modules only:
 * common/entry (decode, Ed25519 signature), common/derive (the fold: who is
 * an author, refusals, the state digest), common/merkle (RFC 6962 tree) and
 * common/note (signed checkpoints).
 *
 * Checks, in log order; the FIRST discrepancy stops the run:
 *   a. indexes contiguous from 1 ("mục N bị thiếu");
 *   b. each body decodes, its kind is known, its signature verifies, and its
 *      author had a certificate applied earlier in the log (index 1, the
 *      server introducing itself, excepted): the server never stores
 *      anything else, so each of these is a discrepancy.  Refusals by the
 *      fold for any other reason are NOT (the log keeps refused attempts):
 *      they are counted and listed in the result;
 *   c. per author, seq = previous + 1, from 1 (the server's store order);
 *      for a server.db row, the author/seq/kind columns equal the body's;
 *   d. at each checkpoint size: the checkpoint's signature (td_checkpoint_open
 *      with the key of the log's first entry and the origin), its size and
 *      root fields, and the recomputed tree root; a checkpoint beyond the
 *      end of the log is "truncated";
 *   e. at each checkpoint size: the state digest of the re-derived state
 *      equals the note's "tiendo-state <hex>" (v1, td_state_digest) or
 *      "tiendo-state-v2 <hex>" (td_state_digest_v2) extension line.
 * Checkpoints of one recomputed tree are consistent with each other by
 * construction, so no consistency proof is needed.
 *
 * Messages are Vietnamese (they are shown to the inspector as they are).
 * Errors (negative TD_E*, English message in err) only for a broken source:
 * an unreadable database, out of memory.  A discrepancy is not an error.
 */
#ifndef TDA_AUDIT_H
#define TDA_AUDIT_H

#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "derive.h"
#include "err.h"
#include "merkle.h"
#include "note.h"

/* Refusals copied into the result one by one; beyond, only the count. */
#define TDA_REFUSALS_LIST_MAX 20
/* Witness cosignatures listed in the result (one per witness and size). */
#define TDA_WITNESS_LIST_MAX 20
/* Length of a discrepancy message: a few lines of Vietnamese and two hashes. */
#define TDA_WHAT_MAX 768

/* One log row as a source hands it over (valid during the callback only). */
typedef struct tda_row {
    uint64_t idx;
    const uint8_t *body;         /* serialized SignedEntry */
    size_t len;
    int64_t received_ms;
    /* server.db only: the columns stored beside the body, cross-checked */
    int has_cols;
    const unsigned char *author; /* 32 bytes, or NULL if the column is not 32 bytes */
    uint64_t seq;
    int kind;
} tda_row;

/* A checkpoint as the source holds it. */
typedef struct tda_cp {
    uint64_t size;               /* the table's size column */
    unsigned char root[32];      /* the table's root column */
    int has_root;                /* 0 if the column is not 32 bytes */
    char *note;                  /* owned: the signed note text */
} tda_cp;

/* A stored witness cosignature (server.db cosig table). */
typedef struct tda_cosig {
    uint64_t size;
    char *witness;               /* owned */
    char *line;                  /* owned: "— name base64\n" */
} tda_cosig;

typedef int (*tda_row_cb)(void *cb_arg, const tda_row *row);

/*
 * Where the log comes from.  scan calls cb for every row in index order and
 * stops when cb returns non-zero (returning that value); checkpoints and
 * cosigs return malloc'd arrays (freed with tda_cps_free / tda_cosigs_free),
 * checkpoints sorted by size ascending; cosigs may be NULL (none kept).
 */
typedef struct tda_source {
    int (*scan)(void *arg, tda_row_cb cb, void *cb_arg, td_error *err);
    int (*checkpoints)(void *arg, tda_cp **v, size_t *n, td_error *err);
    int (*cosigs)(void *arg, tda_cosig **v, size_t *n, td_error *err);
    void *arg;
    /* A replica only (NULL otherwise; audit history then replays the log):
     * rows by log index (idx ascending; an index with no row is skipped), and
     * the replica's own fold of its rows (client/replica.h
     * tdc_replica_fold_db; *st freed by the caller). */
    int (*get)(void *arg, const uint64_t *idx, size_t n, tda_row_cb cb, void *cb_arg, td_error *err);
    int (*fold)(void *arg, X509 *ca, td_state **st, td_error *err);
    /* A source another process may write meanwhile (a replica, a live
     * server.db; NULL for a source written by nobody): every
     * read between read_begin and read_end (fold, get, scan, checkpoints)
     * sees the source as it stood at read_begin (client/replica.h
     * tdc_replica_read_begin); read_end after a failed read_begin is harmless. */
    int (*read_begin)(void *arg, td_error *err);
    void (*read_end)(void *arg);
} tda_source;

void tda_cps_free(tda_cp *v, size_t n);
void tda_cosigs_free(tda_cosig *v, size_t n);

/* What a run found. */
typedef struct tda_result {
    int ok;                              /* 1: no discrepancy */
    /* the first discrepancy (ok == 0) */
    uint64_t bad_index;                  /* log index it concerns */
    uint64_t bad_checkpoint;             /* checkpoint size, 0 if about an entry only */
    int has_entry;                       /* the entry at bad_index decoded: author/seq/kind below */
    char author_hex[17];
    uint64_t seq;
    int kind;
    char what[TDA_WHAT_MAX];             /* Vietnamese: what differs */
    /* what was verified (up to the discrepancy, or the whole log) */
    uint64_t n_entries;
    uint64_t n_authors;
    uint64_t n_checkpoints;              /* checkpoints held */
    uint64_t n_checkpoints_ok;           /* checked and matching */
    uint64_t max_size;                   /* largest checked checkpoint size */
    unsigned char max_root[32];
    char origin[TD_CHECKPOINT_ORIGIN_MAX + 1];
    unsigned char state_digest[32];      /* of the whole log */
    uint64_t n_refused;
    size_t n_refusals_listed;
    struct {
        uint64_t index;
        char author_hex[17];
        int kind;
        char reason[256];
    } refusals[TDA_REFUSALS_LIST_MAX];
    /* report versions whose signed time the log contradicts (derive.h
     * TD_TIMEF_*: signed after the server received it, clock set back,
     * hybrid clock ahead, or late arrival): not a discrepancy, listed */
    uint64_t n_time_flagged;
    size_t n_time_listed;
    struct {
        uint64_t index;
        uint32_t task;
        char agency[TD_AGENCY_MAX + 1];
        int flags;
        int64_t device_time_ms, received_ms;
    } time_flagged[TDA_REFUSALS_LIST_MAX];
    size_t n_witness;                    /* cosignature rows held */
    size_t n_witness_listed;
    struct {
        uint64_t size;
        char witness[TD_NOTE_NAME_MAX + TD_AGENCY_MAX + 32];   /* "name (agency, khóa <16 hex>)" */
        int verified;                    /* 1 valid with the witness's certificate key, 0 not, -1 key unknown */
    } witness[TDA_WITNESS_LIST_MAX];
    uint64_t max_witnessed;              /* largest size with a valid cosignature */
} tda_result;

/*
 * A witness key known from outside the log: an inspector device never
 * pushes, so its certificate is usually not in the log (the server appends
 * a certificate at a device's first push).  name = "tiendo-witness/" + CN.
 */
typedef struct tda_witness_key {
    char name[TD_NOTE_NAME_MAX + 1];
    unsigned char pk[32];
} tda_witness_key;

/*
 * The witness key of an inspector certificate: it must chain to ca now and
 * have role inspector (TD_ECERT otherwise, with the reason).
 */
int tda_witness_key_from_cert(X509 *cert, X509 *ca, tda_witness_key *out, td_error *err);

/*
 * Verify the whole source.  ca: the provincial CA (borrowed).  origin: the
 * expected checkpoint origin, or NULL to take the first checkpoint's origin
 * line (then every checkpoint must carry the same).  wk[0..n_wk): witness
 * keys besides the inspector certificates found in the log (may be NULL).
 * Returns 0 with *res filled (res->ok tells), or a negative code for a
 * broken source.
 */
int tda_verify(const tda_source *src, X509 *ca, const char *origin, const tda_witness_key *wk, size_t n_wk,
               tda_result *res, td_error *err);

/*
 * Progress of a run: called every TDA_PROGRESS_EVERY entries checked, after
 * each checkpoint checked, and once when the scan ends, with the number of
 * entries checked so far (never decreasing).  A non-zero
 * return stops the run: tda_verify_progress then returns TD_EINTERNAL
 * ("audit: stopped by the caller") and *res says nothing.
 */
#define TDA_PROGRESS_EVERY 1000
typedef int (*tda_progress_fn)(void *arg, uint64_t checked);

/* tda_verify with a progress callback (progress may be NULL): the same
 * checks, the same result. */
int tda_verify_progress(const tda_source *src, X509 *ca, const char *origin, const tda_witness_key *wk, size_t n_wk,
                        tda_progress_fn progress, void *progress_arg, tda_result *res, td_error *err);

/* Print the result in Vietnamese: the discrepancy line or the summary. */
void tda_result_print(const tda_result *res, FILE *f);

/* --- sources over SQLite files (read-only) ------------------------------- */

typedef struct tda_db tda_db;

/*
 * A copy of the server's database (tables log, checkpoint, cosig), opened
 * read-only (URI mode=ro; immutable when no -wal file is beside it, so a
 * copy on read-only media works).  A database without a checkpoint table
 * has no checkpoints.
 */
int tda_db_open_server(const char *path, tda_db **out, td_error *err);
/* An inspector's replica (tables pulled, checkpoint), read-only and live
 * (logread.h td_sqlite_open_ro_live: the sync may write it meanwhile); its
 * source reads in one read transaction (read_begin). */
int tda_db_open_replica(const char *path, tda_db **out, td_error *err);
void tda_db_close(tda_db *d);
/* A replica's meta.pulled_gen as d reads it now (replica.h
 * tdc_replica_db_pulled_gen); TD_EARG for a server database. */
int tda_db_pulled_gen(tda_db *d, int64_t *gen, td_error *err);
/* The source over d (d must outlive it). */
tda_source tda_db_source(tda_db *d);
/* The log size d holds, for a progress total: a replica's largest pulled
 * index; a server copy's latest checkpoint size plus the rows stored after
 * it.  0 when unknown (no checkpoint table, a read error). */
uint64_t tda_db_size(tda_db *d);
/* Is this a replica (1) or a server database (0)? */
int tda_db_is_replica(const tda_db *d);

#endif

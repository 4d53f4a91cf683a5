/*
 * replica.h — the office device's replica (docs/ARCHITECTURE.md §4;
 * docs/PROTOCOL.md §11), in
 * SQLite at DEVDIR/replica.db:
 *   - the pulled slice of the server's log (log index, SignedEntry bytes,
 *     server receive time) and the pull cursor, always committed together
 *     in one transaction: a cut at any byte, or kill -9 at any instruction,
 *     leaves either the whole batch with its cursor or neither;
 *   - the device's outbox: its own signed entries, seq 1, 2, 3 ... without
 *     gaps, each pending until the server acknowledges it (stored or
 *     duplicate, with its log index) or refuses it (with the reason);
 *   - meta: last successful sync, the device's hybrid logical clock, the
 *     server's log size seen at the last sync.
 * The derived state (common/derive.h) is rebuilt at open by folding the
 * pulled entries in index order — from the stored fold of the rows up to
 * some index (tdc_replica_snapshot_save) and the rows above it, when that
 * snapshot still describes the rows —, each pulled batch is folded in after
 * its commit, and tdc_replica_refresh folds what other handles stored
 * since.  Since the state is a pure function of the pulled entries, the
 * snapshot is only a cache of that fold.
 *
 * All SQL of the replica is in replica.c (except the tables of migration 3,
 * whose SQL is in client/draft.c and client/blob.c), with bound parameters only;
 * schema changes are numbered migrations (PRAGMA user_version).
 *
 * Ownership: tdc_replica owns its database handle and its state; pointers
 * returned by tdc_replica_state stay valid until the next store_batch or
 * close.  Outbox items returned in arrays are the caller's
 * (tdc_outbox_items_free).  Every function returns 0 or a negative TD_E*
 * code with err filled (English, naming the database file).
 */
#ifndef TDC_REPLICA_H
#define TDC_REPLICA_H

#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#include "derive.h"
#include "err.h"
#include "identity.h"
#include "refusal.h"

/* File name of the replica inside DEVDIR. */
#define TDC_REPLICA_FILE "replica.db"

/* The cursor of an empty replica: log indexes count from 1, and the
 * cursor is "the log index of the next entry it lacks" (Hello.cursor). */
#define TDC_REPLICA_CURSOR_START 1

/* Longest reason kept for a refused entry (the server's Ack.reason is one
 * line; longer text is cut, not refused). */
#define TDC_REASON_MAX 512

typedef struct tdc_replica tdc_replica;

/* Outbox status of an entry (stored in the database as text). */
typedef enum {
    TDC_OUT_PENDING = 0,     /* waiting to be sent (or for its ack) */
    TDC_OUT_STORED = 1,      /* acked: appended to the server's log */
    TDC_OUT_DUPLICATE = 2,   /* acked: was already in the log */
    TDC_OUT_REFUSED = 3,     /* refused by the server, reason kept */
} tdc_out_status;

/* "pending", "stored", ... (database text); "?" if out of range. */
const char *tdc_out_status_name(tdc_out_status s);

typedef struct tdc_outbox_item {
    uint64_t seq;
    int kind;                /* TIENDO__ENTRY_KIND__* */
    int64_t created_ms;
    tdc_out_status status;
    uint64_t index;          /* log index once acked, else 0 */
    char *reason;            /* owned, never NULL ("" if none) */
    char *summary;           /* owned, never NULL: Vietnamese one-liner */
    uint8_t *body;           /* owned serialized SignedEntry (NULL when listed without bodies) */
    size_t len;
} tdc_outbox_item;

void tdc_outbox_items_free(tdc_outbox_item *v, size_t n);

/* One pulled log entry (borrowed buffers). */
typedef struct tdc_pulled {
    uint64_t index;
    const uint8_t *body;     /* serialized SignedEntry */
    size_t len;
    int64_t received_ms;
} tdc_pulled;

/* One acknowledgement to record. */
typedef struct tdc_ack {
    uint64_t seq;
    tdc_out_status status;   /* STORED, DUPLICATE or REFUSED */
    uint64_t index;          /* when STORED / DUPLICATE */
    const char *reason;      /* when REFUSED (may be NULL) */
} tdc_ack;

typedef struct tdc_replica_meta {
    int64_t last_sync_ms;    /* 0 = never synced */
    uint64_t hlc;            /* highest clock value issued or seen */
    uint64_t log_size;       /* server log size at the last successful sync */
    uint64_t cursor;
    uint64_t n_pulled;
    uint64_t n_pending, n_stored, n_duplicate, n_refused;
} tdc_replica_meta;

/*
 * Open (creating and migrating if needed) the replica at path.  ca is the
 * provincial CA certificate (borrowed; must outlive the replica): when not
 * NULL the derived state is rebuilt by folding every pulled entry; when
 * NULL the replica has no state (tdc_replica_state returns NULL) — for
 * tools that only look at the tables.  TD_EDB if the file is not a replica
 * or is from a newer version (user_version above ours).
 */
int tdc_replica_open(tdc_replica **out, const char *path, X509 *ca, td_error *err);
void tdc_replica_close(tdc_replica *r);
/*
 * For a process that exits once its command is done (every `tiendo` command
 * but `ui`): from then on tdc_replica_close keeps the state of the replica
 * it closes instead of freeing it (the kernel takes the memory back at exit,
 * at once; td_state_free walks 140,000 records of a five-year replica).
 * One state is kept: the next close frees the one before.  It stays
 * reachable from a static pointer, so leak checkers do not count it.
 */
void tdc_replica_keep_state_at_exit(void);

/*
 * Whether the replicas this process opens take their records from the
 * fold's records' image (common/derive_snap.h td_state_snap_image; on by
 * default).  A command that exits after it reads a few reports; not `tiendo
 * ui`, which reads every report's texts at its start: each report's page of
 * the image would be copied, which costs more than decoding the records once
 * into new memory (320 against 106 ms on a five-year replica).  Saves store
 * the image either way.
 */
void tdc_replica_use_images(int on);

/* The database handle, for the modules that own the SQL of the workflow
 * tables of migration 3 (client/draft.c: draft; client/blob.c: blob).
 * Borrowed; valid until close. */
struct sqlite3;
struct sqlite3 *tdc_replica_db(tdc_replica *r);
/* 1 when the replica was opened read-only because this process cannot write it or its directory (read-only
 * media): it is read as it stands, and whatever would store something fails, nothing stored. */
int tdc_replica_read_only(const tdc_replica *r);
/*
 * The state folded from the pulled rows of a replica opened by someone else
 * (read-only: `tiendo audit history --dir`), as tdc_replica_open folds it:
 * the stored fold when it still holds, then the rows above it; nothing is
 * written.  *out to free with td_state_free.  0, or a TD_E* code (TD_EDB for a
 * replica without the tables of the persisted fold).
 */
int tdc_replica_fold_db(struct sqlite3 *db, const char *path, X509 *ca, td_state **out, td_error *err);
/*
 * One read transaction on such a connection: everything read between begin
 * and end (tdc_replica_fold_db's fold, then rows) is the database as it
 * stood at begin, whatever another process commits meanwhile.  Inside it,
 * tdc_replica_fold_db opens no transaction of its own.  end is a no-op
 * outside a transaction.
 */
int tdc_replica_read_begin(struct sqlite3 *db, const char *path, td_error *err);
void tdc_replica_read_end(struct sqlite3 *db);
/* meta.pulled_gen as such a connection reads it (inside a read transaction:
 * as the transaction sees the database).  0, or a TD_E* code. */
int tdc_replica_db_pulled_gen(struct sqlite3 *db, const char *path, int64_t *gen, td_error *err);
/* The database file's path (for messages). */
const char *tdc_replica_path(const tdc_replica *r);

/*
 * Bring the replica up to its database as another process (or another
 * replica object of this process) left it: cursor, rescan mark, and the
 * state, extended by folding only the pulled entries above its last index;
 * folded again from scratch when rows below it were dropped or inserted
 * since (meta pulled_gen, replica.c).  The result equals a new open's.
 * Like store_batch, it invalidates pointers into the state (and the state
 * itself when folded again): call tdc_replica_state afterwards.
 */
int tdc_replica_refresh(tdc_replica *r, td_error *err);

/*
 * The persisted fold (docs/ARCHITECTURE.md, "The persisted fold"): store the
 * state as folded now (common/derive_snap.h) in a file beside the replica,
 * named by its row in table fold_snapshot, which binds it to the rows it covers, so that the next open loads it and folds only the rows
 * above it.  Skipped (0, *written = 0) when the state does not describe the
 * rows any more (another process dropped or put in rows: meta pulled_gen;
 * a rescan in progress), when no row is folded, and, unless force, when the
 * stored one is as recent or fewer than TDC_SNAPSHOT_MIN_NEW entries older
 * (a small replica folds faster than it would read a snapshot).  Called by
 * `tiendo sync` after its pulls; a failure loses nothing (opens fold
 * everything, as before).  written may be NULL.
 */
#define TDC_SNAPSHOT_MIN_NEW 1000
int tdc_replica_snapshot_save(tdc_replica *r, int force, int *written, td_error *err);
/* The file that holds a stored fold whose blob header (TD_SNAP_HEADER bytes, the row's `state`) is hdr:
 * "<db_path>.fold-<its checksum in hex>" (replica.c), malloc'd; NULL when out of memory. */
char *tdc_replica_fold_file(const char *db_path, const uint8_t *hdr);
/* The last index of the stored fold the state was last rebuilt from (at
 * open, or a refresh that folded again), 0 when it folded every row. */
uint64_t tdc_replica_snapshot_loaded(const tdc_replica *r);
/* The derived state, or NULL if opened without a CA. */
const td_state *tdc_replica_state(const tdc_replica *r);
/* meta.pulled_gen when the state was folded (tdc_replica_refresh): rows a
 * reader finds under a larger value may be ones the state never saw. */
int64_t tdc_replica_pulled_gen(const tdc_replica *r);
/* The pull cursor (Hello.cursor / Pull.since). */
uint64_t tdc_replica_cursor(const tdc_replica *r);

/*
 * Store one pulled batch and move the cursor to `next`, in ONE transaction
 * (synchronous=FULL): either all of it is durable or none.  Entries must
 * have increasing indexes >= the cursor; an index already stored fails the
 * whole batch (TD_EDB) and nothing changes.  The device clock observes the
 * entries' hlc values (so new entries sort after what was seen).  After
 * the commit, the batch is folded into the state; refusals by the fold are
 * part of the state, not failures.
 */
int tdc_replica_store_batch(tdc_replica *r, const tdc_pulled *v, size_t n, uint64_t next, td_error *err);

/*
 * Visibility (derive.h, the visibility rule): call after a complete pull.
 * When the rule's answer for (agency, role office) differs from the one the
 * pulled rows reflect (meta vis_sig: a plan re-import changed roles, an
 * agency changed), the entries it no longer shows are dropped, and if
 * entries behind the cursor may have become visible the cursor goes back to
 * the start (*rescan = 1) with meta rescan_until = the old cursor: the next
 * pulls keep what is held (INSERT OR IGNORE) and the state is folded again
 * from scratch once the cursor passes rescan_until.  One transaction;
 * central and inspector (who see everything) never change.  Cost: a
 * rescan re-sends every entry visible to the agency (bounded work per
 * round trip on the server); the state is rebuilt once.
 */
int tdc_replica_visibility(tdc_replica *r, const char *agency, td_role role, int *rescan, td_error *err);
/*
 * Before a sync's pulls: note the tasks the state shows agency now, then,
 * as pulled plan and agency entries are folded, keep only those every rule
 * of the run showed (the server filtered each batch with one of them).
 * tdc_replica_visibility then pulls again only the tasks shown now that one
 * of those rules did not (Pull.rescan_tasks; none at all when the set only
 * shrank), or everything when the rows did not reflect the state's rule at
 * the start (a rescan cut short, a replica from before the rule).
 */
int tdc_replica_visibility_begin(tdc_replica *r, const char *agency, td_role role, td_error *err);
/* The task filter of a rescan in progress (Pull.rescan_tasks), else none;
 * kept in meta with rescan_until, so a rescan cut short resumes at its
 * cursor with its filter.  A filtered batch is stored only below
 * rescan_until (what lies past it is pulled unfiltered). */
void tdc_replica_rescan_tasks(const tdc_replica *r, const uint32_t **v, size_t *n);

/*
 * Create, sign and queue a new entry of this device, in one transaction:
 * seq = max(last outbox seq, floor_seq) + 1, hlc = td_hlc_next(max(meta
 * hlc, clocks seen in pulled entries), now_ms), device time = now_ms,
 * agency = the identity's agency.  floor_seq is the highest seq of this
 * author already in the pulled log (a device whose replica was recreated
 * must not reuse numbers); pass 0 if unknown.  summary is a Vietnamese
 * one-liner for `tiendo status`.  *seq_out (if not NULL) gets the seq.
 */
int tdc_replica_outbox_add(tdc_replica *r, const td_identity *id, int kind, const uint8_t *payload,
                           size_t payload_len, const char *summary, int64_t now_ms, uint64_t floor_seq,
                           uint64_t *seq_out, td_error *err);

/* The highest seq of this device in the pulled log: over its current key
 * and every earlier key of the same agency, device and role (renewals). */
uint64_t tdc_replica_device_last_seq(const tdc_replica *r, const td_identity *id);

/*
 * Seq recovery (a replica made again from an existing key: a reinstalled
 * PC).  Every outbox entry the server refused because of its seq alone
 * ("equivocation: another entry with seq N ...", "sequence gap: ...", "seq
 * N already passed ...": the server stored NOT this entry) is signed again,
 * same kind and payload, with the next seq after both the outbox and the
 * device's last seq in the pulled log (call after a pull), as a new pending
 * entry; the refused row keeps its text and its reason becomes
 * TDC_RESIGNED_PREFIX "<new seq>: <old reason>" (shown to the clerk, never
 * re-signed twice).  One transaction; *n_resigned counts them.
 */
#define TDC_RESIGNED_PREFIX TD_REFUSAL_RESIGNED_PREFIX
int tdc_replica_outbox_resign(tdc_replica *r, const td_identity *id, int64_t now_ms, size_t *n_resigned,
                              td_error *err);
/*
 * Entries refused at push for a hybrid clock beyond the server's (this PC's
 * clock ran fast): the server stored none of them, so once the caller has
 * found this PC's clock in step with the server's again, each is signed
 * again in place, same seq and content, with the corrected time, and the
 * entries behind it that were refused only for the gap go back to pending.
 * One transaction; *n_resigned counts them.
 */
int tdc_replica_outbox_resign_clock(tdc_replica *r, const td_identity *id, int64_t now_ms, size_t *n_resigned,
                                    td_error *err);

/*
 * Pending entries with seq > after_seq, in seq order, at most max_n of
 * them and at most max_bytes of bodies (but always at least one if any is
 * pending, so that one large entry cannot block the outbox).  *items is a
 * new array (NULL when *n == 0).
 */
int tdc_replica_outbox_pending(tdc_replica *r, uint64_t after_seq, size_t max_n, size_t max_bytes,
                               tdc_outbox_item **items, size_t *n, td_error *err);

/* The outbox entry seq, with its body (out is the caller's: free its
 * reason, summary and body, or tdc_outbox_items_free on a copy); *found = 0
 * when the outbox has no such seq. */
int tdc_replica_outbox_get(tdc_replica *r, uint64_t seq, tdc_outbox_item *out, int *found, td_error *err);
/* Lowest seq of an acknowledged (stored or duplicate) outbox entry whose log
 * index is >= min_index, 0 if none: Pull.own_from_seq (docs/PROTOCOL.md §9). */
int tdc_replica_outbox_own_from(tdc_replica *r, uint64_t min_index, uint64_t *seq, td_error *err);
/* Entries with the given status (or all when status < 0), newest last,
 * at most limit (0 = no limit), without bodies. */
int tdc_replica_outbox_list(tdc_replica *r, int status, size_t limit, tdc_outbox_item **items, size_t *n,
                            td_error *err);

/* Record acks in one transaction.  An ack for an unknown seq is TD_EPROTO
 * and nothing is recorded. */
int tdc_replica_outbox_ack(tdc_replica *r, const tdc_ack *acks, size_t n, td_error *err);

/* Meta and counts. */
int tdc_replica_meta_get(tdc_replica *r, tdc_replica_meta *m, td_error *err);
/* Record a successful sync at now_ms with the server's log size. */
int tdc_replica_sync_done(tdc_replica *r, int64_t now_ms, uint64_t log_size, td_error *err);

/* ---- audit (migration 2, docs/LOG.md §9) --------------------------------- */

#define TDC_ROOT_LEN 32   /* RFC 6962 SHA-256 root */

/* Alarm kinds (database text). */
#define TDC_ALARM_SIGNATURE   "signature"    /* checkpoint not signed by the server's key */
#define TDC_ALARM_ORIGIN      "origin"       /* origin differs from the verified one */
#define TDC_ALARM_ROLLBACK    "rollback"     /* tree smaller than the verified one */
#define TDC_ALARM_INCONSISTENT "inconsistent" /* consistency proof fails: history rewritten */
#define TDC_ALARM_MISSING     "missing"      /* no checkpoint from a server that gave one before */
#define TDC_ALARM_SERVER_KEY  "server-key"   /* TLS key differs from the log's first entry's author */
#define TDC_ALARM_ENTRIES     "entries"      /* pulled entries do not extend the verified tree: a gap, an
                                                index or cursor beyond the signed head, leaves that do
                                                not hash to the checkpoint's root */

/* One verified checkpoint. */
typedef struct tdc_checkpoint_row {
    uint64_t size;
    unsigned char root[TDC_ROOT_LEN];
    char *note;              /* owned: the signed note text */
    int64_t verified_ms;
} tdc_checkpoint_row;

void tdc_checkpoint_row_free(tdc_checkpoint_row *c);

/* The checkpoint of tree size `size`, or with size 0 the largest verified
 * one.  *found = 0 (and out zeroed) if there is none. */
int tdc_replica_checkpoint_get(tdc_replica *r, uint64_t size, tdc_checkpoint_row *out, int *found, td_error *err);
/* Store a checkpoint the caller verified (one row per size; storing a size
 * again keeps the first row).  note is NUL-terminated. */
int tdc_replica_checkpoint_put(tdc_replica *r, uint64_t size, const unsigned char root[TDC_ROOT_LEN],
                               const char *note, int64_t now_ms, td_error *err);
int tdc_replica_checkpoint_count(tdc_replica *r, uint64_t *n, td_error *err);

/* An alarm: evidence of a server presenting a checkpoint that does not
 * verify.  Rows are never deleted (a trigger refuses it). */
typedef struct tdc_alarm {
    int64_t id;
    int64_t at_ms;
    char *kind;              /* TDC_ALARM_* */
    char *old_note;          /* may be NULL */
    char *new_note;          /* may be NULL */
    unsigned char *proof;    /* consistency proof hashes, may be NULL */
    size_t proof_len;
    char *detail;            /* English, what failed */
    uint64_t old_size, new_size;
    int64_t acked_ms;        /* 0 = not acknowledged */
    char *acked_by;          /* who acknowledged it ("device, agency"), NULL before */
    char *acked_note;        /* what they wrote (what was checked), NULL before */
} tdc_alarm;

/* Store a (borrowed) alarm; *id_out (may be NULL) gets its id. */
int tdc_replica_alarm_add(tdc_replica *r, const tdc_alarm *a, int64_t *id_out, td_error *err);
/* Alarms in id order: unacknowledged only, or all with include_acked. */
int tdc_replica_alarm_list(tdc_replica *r, int include_acked, tdc_alarm **v, size_t *n, td_error *err);
void tdc_alarms_free(tdc_alarm *v, size_t n);
/* Mark alarm id acknowledged at now_ms by `by` with `note` (evidence kept;
 * the rule on the note is the caller's: app.h tdc_app_alarm_ack);
 * TD_ENOTFOUND if there is no unacknowledged alarm with that id. */
int tdc_replica_alarm_ack(tdc_replica *r, int64_t id, int64_t now_ms, const char *by, const char *note,
                          td_error *err);

/* Witness: the tree size of the last checkpoint this device cosigned
 * (0 = none); it is one of the stored verified checkpoints. */
int tdc_replica_cosigned_get(tdc_replica *r, uint64_t *size, td_error *err);
int tdc_replica_cosigned_set(tdc_replica *r, uint64_t size, td_error *err);

/* A copy of the pulled entry at a log index (*body malloc'd, caller frees);
 * *found = 0 if the replica does not hold it. */
int tdc_replica_pulled_get(tdc_replica *r, uint64_t index, uint8_t **body, size_t *len, int *found, td_error *err);

#endif

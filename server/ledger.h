/*
 * ledger.h — the server's log and the state derived from it: the storage
 * behind a session (tds_backend) and behind the plan, agency and state
 * commands.  It joins logstore.h (SQL), derive.h (the fold) and the server's
 * identity (its TLS key is its signing key; docs/ARCHITECTURE.md §5).
 *
 * Open = read the log and fold every row with td_state_apply.  After each
 * appended batch the new rows are applied to the state (incremental).  Rows
 * appended by another process on the same file (an operator's `plan import`
 * while `serve` runs) are folded in before each operation (catch-up), so the
 * state always covers the whole committed log.
 *
 * Writes authored by the server (its ENTRY_CERT, device certificates,
 * revocations, plan and agency changes) are signed with the server key and
 * continue its seq from the last one in the log.  The first entry of an
 * empty log is always the server's own ENTRY_CERT (self-authored).
 *
 * Anchor: the CA certificate the log is checked against is recorded in the
 * database (meta "ca_der") the first time a command gives --ca; later
 * commands may omit --ca, and a different --ca is refused.
 *
 * Push validation (refused entries are not stored; the Ack says why):
 * does not decode; unknown kind; bad signature; author != TLS peer key;
 * Entry.agency != peer's agency; same (author, seq) with identical bytes ->
 * DUPLICATE with its index; with different bytes -> "equivocation";
 * seq > last + 1 -> "sequence gap: expected N".  At a device's first push,
 * its certificate (from the TLS handshake) is appended as ENTRY_CERT before
 * its entries, in the same transaction.  The Ack is filled only after COMMIT.
 *
 * Errors: TD_E* with err naming what and where.  Single-threaded: one ledger
 * is used from one thread (serve's event loop, or a command); only
 * tds_ledger_push_prepare (which takes no ledger) runs on other threads.
 */
#ifndef TDS_LEDGER_H
#define TDS_LEDGER_H

#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#include "agency.h"
#include "derive.h"
#include "err.h"
#include "logstore.h"
#include "merkle.h"
#include "note.h"
#include "plan.h"
#include "session.h"

/* Rows a Pull may scan past without finding a visible one before it answers
 * (with more = true): an office far behind the log makes progress in bounded
 * work per round trip instead of one long scan. */
#define TDS_PULL_SCAN_MAX 50000
/* Rows Welcome scans from the client's cursor for a visible one; past this,
 * has_new is answered true (the Pull then does the bounded scanning). */
#define TDS_WELCOME_SCAN_MAX 20000

typedef struct tds_ledger tds_ledger;

typedef struct tds_ledger_opts {
    const char *datadir;          /* required */
    const char *ca_path;          /* NULL: the CA recorded in the log */
    const char *key_path;         /* NULL: read-only (no server-authored writes) */
    const char *cert_path;        /* with key_path */
    const char *origin;           /* checkpoint origin; NULL: the one in use, else "tiendo/" + server CN */
    int state_digest;             /* 0: the version recorded (new logs v2); 1 or 2: switch to it */
} tds_ledger_opts;

/*
 * Audit (docs/LOG.md §9).  Every appended row's leaf enters the Merkle tree in
 * the row's transaction (logstore.h).  With each committed batch (push,
 * server-authored entries: plan, agency, certificates, revocations) the
 * ledger signs a C2SP checkpoint for the size its state covers and inserts
 * it in the batch's own transaction, so the commit makes both durable
 * before the batch's ack; requests (Welcome, Pull, proofs, heads) never
 * sign and show entries only up to the latest signed size (docs/LOG.md §9):
 *   <origin>\n<size>\n<base64 root>\ntiendo-state-v2 <hex td_state_digest_v2>\n
 * (a log still on the v1 digest: "tiendo-state <hex td_state_digest>", at
 * most one signature a second; opts.state_digest),
 * signed (note type Ed25519) with the server key under the name <origin>.
 * Only sizes above the last stored one are signed, from the stored tree, so
 * any two checkpoints are consistent.  Open refuses (TD_EDB, logged) a
 * database whose tree does not have one leaf per log row, whose tree root
 * at the last checkpoint's size differs from that checkpoint's, or (with
 * the key) whose last checkpoint is not signed by this key and origin; and
 * refuses (TD_EARG) an origin option different from the one in use.
 *
 * Open and fold.  Without a CA (none given, none recorded) an EMPTY log opens
 * with no state (plan empty, built-in registry); a non-empty one fails
 * (TD_EARG: "give --ca").  With a key, a server certificate that does not
 * match it fails (TD_ECERT).
 */
int tds_ledger_open(const tds_ledger_opts *o, tds_ledger **out, td_error *err);
void tds_ledger_close(tds_ledger *l);

/* The derived state (NULL only when opened without any CA on an empty log). */
const td_state *tds_ledger_state(const tds_ledger *l);
/* Current plan (empty when none; *has = 0) and registry (built-in when no state). */
const td_plan *tds_ledger_plan(const tds_ledger *l, int *has);
const td_registry *tds_ledger_registry(const tds_ledger *l);
tds_logstore *tds_ledger_store(tds_ledger *l);
X509 *tds_ledger_ca(const tds_ledger *l);
/* The server's own key (after open with a key). */
const unsigned char *tds_ledger_server_pk(const tds_ledger *l);
/* Fold rows appended by others since the last look. */
int tds_ledger_catch_up(tds_ledger *l, td_error *err);

/* A server-authored entry to append. */
typedef struct tds_own_entry {
    int kind;                     /* TIENDO__ENTRY_KIND__* */
    const uint8_t *payload;
    size_t len;
    uint64_t index;               /* out */
    td_apply_result res;          /* out: the fold's verdict */
} tds_own_entry;

/*
 * Sign e[0..n) with the server key and append them in ONE transaction (the
 * server's ENTRY_CERT first if the log is empty), then fold them.  TD_EAUTH
 * if opened read-only.
 */
int tds_ledger_append_own(tds_ledger *l, tds_own_entry *e, size_t n, td_error *err);
/* Append the server's ENTRY_CERT if the log is empty (serve at start). */
int tds_ledger_start(tds_ledger *l, td_error *err);

/* The session interface (tds_backend) over this ledger. */
const tds_backend *tds_ledger_backend(tds_ledger *l);
/*
 * Group commit (docs/ARCHITECTURE.md §7).  With on = 1 the backend gains push_defer and
 * flush (session.h): pushes wait in a backlog, are appended to one open
 * transaction and committed together by tds_ledger_group_step — the owner
 * calls it once per event-loop iteration with a budget of entries, and it
 * returns 1 while the backlog still holds entries — or by
 * tds_ledger_group_flush, which appends the whole backlog: before any other
 * use of the store, or at once when the backlog holds TDS_GROUP_MAX_BYTES
 * of entries received or TDS_GROUP_MAX_PUSHES pushes (sequencer.c).  The rows are folded and their checkpoint signed inside
 * the group's transaction; a signature that fails rolls the group back, as
 * a failed commit does (every push of it fails, none stored, and the state
 * is folded again from the store).  Every other ledger operation commits
 * an open group before it touches the store (so nothing reads uncommitted
 * rows and no second transaction is begun); tds_ledger_close does too.
 * Acks are handed over only after the commit; a failed commit fails every
 * push of the group (none stored).
 */
void tds_ledger_set_group_commit(tds_ledger *l, int on);
/* Memory a pool thread allocated for a push (its decoded entries) is freed
 * by calling reclaim(ctx, fn, p), which must run fn(p) later on a thread of
 * the pool, not on the ledger's: the loop would otherwise wait for that
 * thread's malloc arena lock (sequencer.c).  NULL: freed at once, on the
 * ledger's thread.  Clear it before tds_ledger_close once the pool is gone. */
void tds_ledger_set_reclaim(tds_ledger *l, void (*reclaim)(void *ctx, void (*fn)(void *), void *p), void *ctx);
void tds_ledger_group_flush(tds_ledger *l);
/* Commits the open group (if any) and makes every commit durable, releasing
 * the acks held for the disk; the backlog stays for the next steps.  Enough
 * before a read of the store by a session that has no push in flight. */
void tds_ledger_group_settle(tds_ledger *l);
int tds_ledger_group_step(tds_ledger *l, size_t budget);
/*
 * A step commits without waiting for the disk (tds_logstore_commit_nosync)
 * and holds its pushes' acks.  tds_ledger_unsynced: the last such commit
 * not known synced (0: none).  tds_ledger_wal_sync (any thread: it touches
 * only the WAL's file descriptor) makes every commit before it durable: 0
 * or an errno.  tds_ledger_synced (the ledger's thread) then releases the
 * acks held up to that commit, or fails them if rc.  Anything that reads
 * the store flushes first, and a flush makes every earlier commit durable
 * and releases every ack.
 */
uint64_t tds_ledger_unsynced(const tds_ledger *l);
int tds_ledger_wal_sync(tds_ledger *l);
void tds_ledger_synced(tds_ledger *l, uint64_t gen, int rc);
/* The WAL's checkpoints off the ledger's thread (logstore.h
 * tds_logstore_wal_background): tds_ledger_wal_checkpoint may run on one
 * other thread; tds_ledger_wal_frames says when it is due. */
int tds_ledger_wal_background(tds_ledger *l, td_error *err);
int tds_ledger_wal_frames(const tds_ledger *l);
int tds_ledger_wal_checkpoint(tds_ledger *l);
/* After a checkpoint: the WAL's restart, on the same thread, while the
 * ledger's thread begins no transaction (tds_logstore_wal_restart: 1, 0 or
 * -(SQLite code)). */
int tds_ledger_wal_restart(tds_ledger *l);
void tds_ledger_wal_restarted(tds_ledger *l);   /* the ledger's thread, after it (logstore.h) */
/* Defer one push (tds_backend.push_defer). */
void tds_ledger_push_defer(tds_ledger *l, const tds_peer *peer, Tiendo__SignedEntry *const *entries, size_t n,
                           tds_ack *acks, void (*done)(void *arg, int rc, const td_error *err), void *arg);
/*
 * A push in two steps, so that signature verification runs off the event
 * loop (serve.c hands it to its worker threads, workers.h).  tds_ledger_push_prepare
 * does the checks that read no ledger state — form, decode, kind, Ed25519
 * signature — filling acks[i] (REFUSED, or UNSPECIFIED = passed so far);
 * it touches no ledger and may run on any thread; entries need to stay
 * valid during the call only; NULL when out of memory.
 * tds_ledger_push_defer_prepared (ledger thread) does the rest as
 * tds_ledger_push_defer does (author and agency against the peer, sequence
 * rules, append to the group) and frees prep; tds_push_prep_free frees a
 * prep never handed on (its session closed meanwhile).
 * tds_ledger_push_defer = prepare + defer_prepared.
 */
typedef struct tds_push_prep tds_push_prep;
tds_push_prep *tds_ledger_push_prepare(Tiendo__SignedEntry *const *entries, size_t n, tds_ack *acks);
void tds_ledger_push_defer_prepared(tds_ledger *l, const tds_peer *peer, tds_push_prep *prep, tds_ack *acks,
                                    void (*done)(void *arg, int rc, const td_error *err), void *arg);
void tds_push_prep_free(tds_push_prep *prep);
/* Its three operations, callable directly (tests). */
int tds_ledger_welcome(tds_ledger *l, const tds_peer *peer, uint64_t cursor, int *has_new, uint64_t *log_size,
                       td_error *err);
int tds_ledger_push(tds_ledger *l, const tds_peer *peer, Tiendo__SignedEntry *const *entries, size_t n,
                    tds_ack *acks, td_error *err);
int tds_ledger_pull(tds_ledger *l, const tds_peer *peer, uint64_t since, uint32_t limit, uint64_t own_from_seq,
                    Tiendo__Entries *out, td_error *err);
void tds_ledger_pull_free(Tiendo__Entries *out);

/*
 * CRL (docs/ARCHITECTURE.md §5): verify the CRL at path against the CA, and append one
 * ENTRY_REVOCATION {serial, key, revoked_ms, reason} for each revoked serial
 * that matches an ENTRY_CERT in the log and has none yet.  *appended counts
 * them.  Needs the server key.
 */
int tds_ledger_sync_crl(tds_ledger *l, const char *crl_path, size_t *appended, td_error *err);

/*
 * The view of (agency, role): a fresh state folded from the rows visible to
 * it (visibility decided by the full state's current plan), as a replica of
 * that agency would hold.  Caller frees with td_state_free.
 */
int tds_ledger_view(tds_ledger *l, const char *agency, td_role role, td_state **out, td_error *err);

/* The task a payload concerns (report, review, condition), else 0: what the
 * log row records for visibility without re-decoding. */
uint32_t tds_ledger_payload_task(int kind, const uint8_t *payload, size_t len);

/* Sign the current size if no checkpoint covers it (writable ledgers; a
 * no-op otherwise).  tds_ledger_start does it too. */
int tds_ledger_sign(tds_ledger *l, td_error *err);
/* The checkpoint origin ("" for a read-only ledger on a log with none). */
const char *tds_ledger_origin(const tds_ledger *l);
/* The server key as a note verifier (NULL when read-only). */
const td_note_verifier *tds_ledger_verifier(const tds_ledger *l);
/* The latest checkpoint (signing first if the state's size is uncovered:
 * for commands; requests use the latest one only); out->note NULL if none.
 * Free with tds_tree_head_free. */
int tds_ledger_checkpoint(tds_ledger *l, tds_tree_head *out, td_error *err);
/* RFC 6962 proofs from the stored tree: consistency size1 -> size2
 * (0 < size1 <= size2 <= log size), inclusion of log index (1-based) in the
 * tree of size.  TD_EARG out of range; *n hashes in proof. */
int tds_ledger_consistency(tds_ledger *l, uint64_t size1, uint64_t size2, unsigned char proof[TD_MERKLE_PROOF_BYTES],
                           size_t *n, td_error *err);
int tds_ledger_inclusion(tds_ledger *l, uint64_t index, uint64_t size, unsigned char proof[TD_MERKLE_PROOF_BYTES],
                         size_t *n, td_error *err);
/* Batch proof (merkle.h td_merkle_batch_proof) of log indexes idx[0..n)
 * (1-based, increasing) in the tree of size: *out malloc'd, *n_hashes
 * hashes of TD_MERKLE_HASH_LEN.  TD_EARG out of range. */
int tds_ledger_batch_proof(tds_ledger *l, const uint64_t *idx, size_t n, uint64_t size, unsigned char **out,
                           size_t *n_hashes, td_error *err);
/* The backend's audit operations (session.h), callable directly. */
int tds_ledger_head(tds_ledger *l, const tds_peer *peer, uint64_t have_size, tds_head *out, td_error *err);
int tds_ledger_proof(tds_ledger *l, const tds_peer *peer, uint64_t index, uint64_t tree_size, tds_proof *out,
                     td_error *err);
/* A witness cosignature: peer must be an inspector (TD_EAUTH otherwise);
 * the line must be named "tiendo-witness/<device CN>", verify with the
 * peer's certificate key over the body of a checkpoint this server signed
 * (note text equal to the stored one of that size).  Refusals: rc 0,
 * out->stored 0 and out->reason.  A witness is its (name, agency, key): two
 * inspectors of one CN in different agencies, or one inspector before and
 * after a key renewal, are different witnesses, each line kept; a witness's
 * second line on the same size keeps the first (stored = 1). */
int tds_ledger_cosign(tds_ledger *l, const tds_peer *peer, const char *note, size_t len, const char *line,
                      tds_cosign_result *out, td_error *err);
/* The largest tree size any witness cosigned (0: none). */
int tds_ledger_witnessed_size(tds_ledger *l, uint64_t *size, td_error *err);

/* ---- online certificate renewal (renew.h; docs/PROTOCOL.md §8) ---- */
/* Is the peer's key revoked in the log (a CRL revocation recorded, or
 * superseded by an online renewal), from now on?  Such a peer gets no
 * Welcome (TD_EREVOKED) and no renewal. */
int tds_ledger_peer_revoked(const tds_ledger *l, const tds_peer *peer);

struct tds_renewer;
/* Let this ledger's backend sign renewals with r (borrowed; NULL: none). */
void tds_ledger_set_renewer(tds_ledger *l, struct tds_renewer *r);
/* The CRL file (borrowed; NULL: none): earlier certificates of a push
 * (Push.earlier_certs) are checked against it as it is at push time. */
void tds_ledger_set_crl(tds_ledger *l, const char *crl_path);
/* Issue a renewal for peer (renew.h rules) and append the new certificate
 * as an ENTRY_CERT, so the log knows the new key before it signs anything.
 * Refusals: rc 0, out->issued 0.  out->cert_der is the caller's (free). */
int tds_ledger_renew(tds_ledger *l, const tds_peer *peer, const uint8_t *csr, size_t len, tds_renew_result *out,
                     td_error *err);

/* A deep copy of a registry (for changes tried before they are written). */
int tds_registry_copy(td_registry *dst, const td_registry *src);

#endif

/*
 * derive_snap.h — a folded state as bytes, and back (docs/ARCHITECTURE.md,
 * "The persisted fold").
 *
 * A process that folds a large log at every start (every `tiendo` command
 * on a central replica) can instead load the state it folded last time and
 * apply only the entries after it: td_state_snap_decode(td_state_snap_encode
 * (st)) is a state equal to st in everything the fold and its readers see
 * (same digests v1 and v2, same arrays in the same order, same accumulator
 * of the incremental digest), and applying entry n+1 to it equals applying
 * it to st.  Caches (the on-task answers, memos) start empty; the small
 * hash tables are rebuilt under a new random key, the two large ones (reports
 * by key, report entries by author and seq) at their first use.  The orders of
 * the two sorted views (td_state_reports, td_state_report_versions_by_key) are
 * kept (format 2), checked at the view's first use and used only if they sort
 * it.  The reports' texts and evidence are loaded into one block.
 *
 * The blob: a header (magic "TDSNAP", format TD_SNAP_FORMAT, a layout tag of
 * this build's structure sizes, last index, entry count, body length, an
 * XXH64 checksum of the header and body (format 3; Poly1305 under a fixed
 * public key before): it detects a damaged blob, not a forged one —
 * whoever can write the replica can write its rows too), then the body: flat arrays of fixed records, each text
 * after its record, then the views' orders.  A blob of another format or
 * layout is refused (TD_EVERSION): the caller folds the log instead, as it
 * would without a snapshot, and the next sync stores one of this format
 * (td_state_snap_usable).  Every count and length is checked against what remains, every
 * fixed-size text must end inside its field, every index into another
 * array must point inside it: a damaged or hostile blob is refused with
 * TD_EPARSE, never read out of bounds.
 *
 * The snapshot is a cache of the fold, never evidence: `audit verify`
 * refolds the signed log and never reads one.
 */
#ifndef TD_DERIVE_SNAP_H
#define TD_DERIVE_SNAP_H

#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#include "derive.h"
#include "err.h"

/* Bumped whenever what the blob holds or how it is checked changes (a new field of td_state; 3: the
 * checksum; 4: each plan's first log index). */
#define TD_SNAP_FORMAT 4
/* Header: magic 8, format 4, reserved 4, layout 8, last index 8, count 8,
 * body length 8, checksum 16. */
#define TD_SNAP_HEADER 64
/* A blob larger than this is refused before anything is allocated: five
 * years of a province's reports take about 40 MiB. */
#define TD_SNAP_MAX ((size_t)2 << 30)

/* The state as a malloc'd blob (*out, *n; caller frees).  0 or TD_ENOMEM. */
int td_state_snap_encode(const td_state *st, uint8_t **out, size_t *n);

/* What a blob's header says, without decoding the body: 0, TD_EVERSION (another
 * format or layout) or TD_EPARSE (not a snapshot). */
int td_state_snap_peek(const uint8_t *buf, size_t n, uint64_t *last_index, uint64_t *count, td_error *err);
/* Whether a blob whose first n bytes are hdr (at least the header) has this build's format and layout:
 * 0, TD_EVERSION or TD_EPARSE (a stored snapshot this build cannot read is as good as none). */
int td_state_snap_usable(const uint8_t *hdr, size_t n);
/* Write the body length and the checksum of blob b (n bytes) into its header: for tests that change a
 * blob on purpose, so that the structural checks, not the checksum, must refuse it. */
void td_state_snap_seal(uint8_t *b, size_t n);

/*
 * A new state (free with td_state_free) from a blob, with `ca` as in
 * td_state_new (borrowed; the one the state was folded with).  0; TD_EVERSION
 * for another format or layout; TD_EPARSE for a damaged blob, with what and
 * where in err; TD_ENOMEM.  *out is NULL on failure.
 */
int td_state_snap_decode(const uint8_t *buf, size_t n, X509 *ca, td_state **out, td_error *err);

/*
 * The same from a source of n bytes read front to back in pieces (a blob in
 * a database: client/replica.c), so that the blob is never copied whole:
 * rd(arg, off, dst, len) copies bytes [off, off + len), 0 or -1 (then
 * TD_EIO).  The checksum is compared once everything is read.
 */
typedef int (*td_snap_read_fn)(void *arg, uint64_t off, void *dst, size_t len);
int td_state_snap_read(td_snap_read_fn rd, void *arg, size_t n, X509 *ca, td_state **out, td_error *err);

#endif

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
 * XXH64 checksum of the header and the main part (format 3; Poly1305 under a fixed
 * public key before): it detects a damaged blob, not a forged one —
 * whoever can write the replica can write its rows too — and the main part's length), then the main part:
 * flat arrays of fixed records, each text after its record, the views' orders and the index of the text
 * section; then the text section (format 5): the reports' result, difficulties, proposals and evidence,
 * one chunk per (task, agency) (the positions of its reports in the state's order, then their texts), each
 * with its own XXH64 in the index.
 *
 * Loading a state reads and checks the main part only when it comes from td_state_snap_decode_lazy: the
 * texts are read at their first use (td_state_report, td_state_version_report, td_state_task_reports,
 * td_state_reports, the digests, td_state_snap_encode...; never by the _notext readers of derive.h): the
 * report's texts alone for a reader of one report (its chunk walked up to them, the chunk's other reports left
 * as they are), the task's chunks for a reader of a task, all of them for a reader of
 * all (or one that went through a quarter of them one by one), each chunk checked against its checksum and
 * the stored blob's header against the one loaded.  A chunk that fails (damaged, or the stored snapshot
 * replaced since) is taken from the source's refold instead (the fold of the log, derive.c: one fold).
 *
 * A blob of another format or
 * layout is refused (TD_EVERSION): the caller folds the log instead, as it
 * would without a snapshot, and stores one of this format
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
 * checksum; 4: each plan's first log index; 5: the texts in a section of their own). */
#define TD_SNAP_FORMAT 5
/* Header: magic 8, format 4, reserved 4, layout 8, last index 8, count 8,
 * body length 8, checksum 8, main part length 8. */
#define TD_SNAP_HEADER 64
/* A blob larger than this is refused before anything is allocated: five
 * years of a province's reports take about 40 MiB. */
#define TD_SNAP_MAX ((size_t)2 << 30)

/* The state as a malloc'd blob (*out, *n; caller frees).  0, TD_ENOMEM, or TD_EIO when the state's
 * texts could be read neither from its snapshot nor from its refold. */
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

/*
 * Where a state loaded by td_state_snap_decode_lazy reads its texts later: rd reads the stored blob as it is
 * at the time of the call (the loaded one, unless it was stored again since: the header read first tells);
 * idle (may be NULL) lets go of what rd holds open (td_state_snap_idle, and before a refold);
 * refold (may be NULL), when the texts cannot be read (why says what failed): a new state folded from
 * the log itself (not from a snapshot) up to last_index, whose reports are those of the loaded state;
 * release (may be NULL) when the state is freed.  Their arg is arg.
 */
typedef struct td_snap_src {
    td_snap_read_fn rd;
    void (*idle)(void *arg);
    int (*refold)(void *arg, uint64_t last_index, const char *why, td_state **out, td_error *err);
    void (*release)(void *arg);
    void *arg;
    /* The records' image of this blob (td_state_snap_image), mapped (mmap, private, readable and writable) at
     * the address it was made for, or NULL.  The load always takes it, success or not: a state that uses it
     * unmaps it when freed, else the load unmaps it at once. */
    uint8_t *img;
    size_t img_n;
} td_snap_src;

/*
 * The records' image: the reports, the report versions and their entries as this build lays them out in
 * memory, with the agencies' slugs and the review comments they point to, every pointer made for one
 * address (TD_SNAP_IMAGE_BASE).  A process that maps the image file there reads the records where they
 * lie instead of writing ~48 MB of new records at each load (five years of a province): on a virtual
 * machine every new page costs a fault the host serves, about 1.4 ms per MB on the reference machine,
 * while the page cache's pages of a file are there already (docs/ARCHITECTURE.md, "The persisted fold").
 *
 * It is a cache of the blob, checked against it record by record: the load decodes each record of the main
 * part as always, into a scratch record, and takes the image only if every record equals the image's (the
 * pointers included, each checked to lie in the image's strings and to hold the same text).  Anything else
 * (another build, another blob, a damaged byte, the address taken) and the load decodes into new memory
 * as it would without an image.  Reports' texts are not in the image: they are read at first use.
 * The image names the blob it belongs to by the blob's header.
 */
#define TD_SNAP_IMAGE_BASE ((uintptr_t)0x5e0000000000ull)
/* Whether st's records lie in its image (tests, benchmarks, and whether to store one). */
int td_state_snap_image_used(const td_state *st);
int td_state_snap_image(const td_state *st, const uint8_t hdr[TD_SNAP_HEADER], uintptr_t base, uint8_t **out,
                        size_t *n);

/* td_state_snap_decode of the main part only, read where it lies in memory (a mapped file: client/replica.c),
 * without a copy: the texts are read from `texts` at their first use.  On success the state owns texts->arg
 * (released with it); on failure the caller keeps it.  buf must stay readable until then. */
int td_state_snap_decode_lazy(const uint8_t *buf, size_t n, X509 *ca, const td_snap_src *texts, td_state **out,
                              td_error *err);
/* Whether some report's texts are still to be read (tests, benchmarks). */
int td_state_snap_texts_pending(const td_state *st);
/* The source's idle (td_snap_src) if the state still reads from it: the source's owner calls it before it
 * writes to where the source reads, and whenever holding the source open would hold up others (a long-lived
 * process between requests).  The texts read since the last idle kept it open: a reader of many reports
 * does not open it for each. */
void td_state_snap_idle(const td_state *st);

#endif

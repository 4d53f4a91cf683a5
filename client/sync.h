/*
 * sync.h — the client's side of the sync protocol (DESIGN §5, §6): what to
 * push, when to pull, what each answer means.  It knows nothing of sockets:
 * it is given the server's Welcome and a pair of blocking calls (send one
 * frame, receive one frame), so that tests can drive it by feeding frames
 * and `tiendo sync` drives it over a tdc_link.
 *
 * One run, after the handshake:
 *   1. check Welcome.agency is the device's agency (TD_EAUTH otherwise);
 *   2. push the outbox's pending entries in seq order, in batches bounded
 *      by TD_PUSH_MAX_ENTRIES and TD_PUSH_MAX_BYTES; each PushAck is
 *      recorded in one transaction (stored / duplicate with the log index,
 *      refused with the reason);
 *   3. if Welcome.has_new, or anything was pushed (our own entries are now
 *      in the log for us to pull), Pull{since = cursor} until more = false,
 *      each Entries batch committed with its cursor in one transaction and
 *      folded into the replica's state.
 * With nothing pending and has_new false, no frame is sent at all: the sync
 * took one round trip after the handshake (Hello/Welcome).
 *
 * A failure at any point leaves the replica consistent: what was committed
 * stays, the rest is done again by the next run (re-sent entries come back
 * as duplicates with their index).
 */
#ifndef TDC_SYNC_H
#define TDC_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "replica.h"
#include "tiendo.pb-c.h"

/* The transport: blocking calls.  recv hands over a frame the caller frees
 * with td_frame_free; an Error frame from the server is a negative return
 * (as tdc_link_recv does). */
typedef struct tdc_sync_io {
    void *arg;
    int (*send)(void *arg, const Tiendo__Frame *f, td_error *err);
    int (*recv)(void *arg, Tiendo__Frame **out, td_error *err);
} tdc_sync_io;

typedef enum { TDC_SYNC_PUSH = 1, TDC_SYNC_PULL = 2 } tdc_sync_phase;

/* Progress after each batch: for a push, done of total entries; for a
 * pull, done entries so far, and total = an upper bound (the server's log
 * size minus our cursor: the entries we may see are a subset). */
typedef void (*tdc_sync_progress_fn)(void *arg, tdc_sync_phase phase, uint64_t done, uint64_t total);

typedef struct tdc_sync_opts {
    const char *agency;          /* the device's agency (from its certificate) */
    tdc_sync_progress_fn progress;   /* may be NULL */
    void *progress_arg;
    size_t push_max_entries;     /* 0 = TD_PUSH_MAX_ENTRIES (tests use smaller) */
    size_t push_max_bytes;       /* 0 = TD_PUSH_MAX_BYTES */
    uint32_t pull_limit;         /* 0 = TD_PULL_MAX_ENTRIES */
} tdc_sync_opts;

typedef struct tdc_sync_stats {
    uint64_t pushed;             /* entries sent (including re-sends) */
    uint64_t stored, duplicate, refused;
    uint64_t pulled;             /* entries received and committed */
    uint64_t round_trips;        /* request/response pairs after Welcome */
} tdc_sync_stats;

/*
 * Run one sync over io.  w is the server's Welcome for this session.
 * Returns 0 when everything pending was acked and the pull reached
 * more = false; else a negative code with err filled (TD_EAUTH wrong
 * agency, TD_EPROTO unexpected answer, the transport's code, TD_EDB).
 * *stats (may be NULL) counts what was done, also on failure.
 */
int tdc_sync_run(tdc_replica *r, const Tiendo__Welcome *w, const tdc_sync_io *io, const tdc_sync_opts *o,
                 tdc_sync_stats *stats, td_error *err);

/*
 * Back-off before retry number `attempt` (0 for the first retry) in watch
 * mode: full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"), a uniform draw in [0, min(cap_ms, base_ms * 2^attempt)].
 * `draw` maps a bound to a uniform value in [0, bound] (NULL = libsodium's
 * randombytes_uniform); tests pass their own.
 */
uint64_t tdc_sync_backoff_ms(unsigned attempt, uint64_t base_ms, uint64_t cap_ms, uint64_t (*draw)(uint64_t bound));

#endif

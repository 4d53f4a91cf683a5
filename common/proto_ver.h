/*
 * proto_ver.h — protocol versions and the negotiation rule, shared by both
 * sides (docs/PROTOCOL.md §9).  Each side speaks a range [MIN, MAX]; the session runs
 * at the highest version in both ranges.
 */
#ifndef TD_PROTO_VER_H
#define TD_PROTO_VER_H

#include <stdint.h>

#define TD_PROTO_MIN 1
/* 2: attachments (Blob* frames, tiendo.proto).  Bumped rather than sent
 * blindly in a version-1 session: a version-1 server ends a session on a
 * frame it cannot decode (ERR_BAD_FRAME), whereas Welcome.version tells the
 * client beforehand, so it can say in words that the server cannot take
 * attachments yet and still sync everything else. */
/* 3: Pull.own_from_seq / LogEntry.own_seq (docs/PROTOCOL.md §9: on a slow link a
 * device no longer pulls back the bodies of the entries it just pushed).
 * Bumped although a version-2 peer would ignore the new fields: a version-2
 * client that happened to send own_from_seq cannot exist, but a server must
 * not leave bodies out for a client that cannot rebuild them, so it does so
 * only in sessions negotiated at 3. */
/* 4: LogEntry.inclusion: each pulled entry comes with its audit path in
 * the tree of Entries.tree_head, which the client checks before storing it
 * (a filtered office replica cannot check a root over leaves it lacks). */
/* 5: several plans on one server (docs/LOG.md §14): payloads name their
 * plan (an empty plan field is the default plan).  A peer below 5 ignores
 * the field and would read a later plan's task 18 as the default plan's,
 * so a server holding more than one plan refuses such sessions in words;
 * with one plan every version keeps working. */
/* 6: Entries.batch_proof: one proof of the whole batch against
 * Entries.tree_head instead of an audit path per entry (a batch of
 * consecutive entries shares every upper level: ~2 log n hashes for the
 * batch instead of log n per entry).  Bumped because a version-5 client
 * would find no paths and refuse every entry. */
#define TD_PROTO_MAX 6
/* Lowest version with the Blob* frames. */
#define TD_PROTO_BLOB 2
/* Lowest version where Pull may ask to leave out the puller's own bodies. */
#define TD_PROTO_OWN 3
/* Lowest version whose Entries prove each entry (LogEntry.inclusion). */
#define TD_PROTO_PROOF 4
/* Lowest version that reads payloads' plan fields. */
#define TD_PROTO_PLANS 5
/* Lowest version whose Entries prove the batch at once (Entries.batch_proof). */
#define TD_PROTO_BATCH 6

/* Highest common version of [amin, amax] and [bmin, bmax]; 0 if none. */
static inline uint32_t td_proto_negotiate(uint32_t amin, uint32_t amax, uint32_t bmin, uint32_t bmax)
{
    uint32_t hi = amax < bmax ? amax : bmax;
    uint32_t lo = amin > bmin ? amin : bmin;
    return (lo <= hi && hi > 0) ? hi : 0;
}

#endif

/*
 * sync_limits.h — bounds of the sync protocol that both sides must agree on
 * (DESIGN §5, §6).  Each is a named constant with the reason for its value.
 */
#ifndef TD_SYNC_LIMITS_H
#define TD_SYNC_LIMITS_H

/* A Push carries at most this many entries: one SQLite transaction of 500
 * inserts commits in a few ms, and a cut link loses at most one batch. */
#define TD_PUSH_MAX_ENTRIES 500
/* ...and at most this many bytes of SignedEntry, well under the 4 MiB frame
 * limit even with protobuf overhead. */
#define TD_PUSH_MAX_BYTES (2u * 1024 * 1024)
/* Entries per Entries reply: the server caps Pull.limit to this. */
#define TD_PULL_MAX_ENTRIES 2000
/* Bytes of SignedEntry per Entries reply. */
#define TD_PULL_MAX_BYTES (2u * 1024 * 1024)
/* A single entry above this cannot be pushed at all (it would not fit a
 * batch); see TD_ENTRY_MAX in entry.h, which is smaller. */

#endif

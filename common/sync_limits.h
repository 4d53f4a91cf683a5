/*
 * sync_limits.h — bounds of the sync protocol that both sides must agree on
 * (docs/PROTOCOL.md §10).  Each is a named constant with the reason for its value.
 */
#ifndef TD_SYNC_LIMITS_H
#define TD_SYNC_LIMITS_H

/* A Push carries at most this many entries: one SQLite transaction of 500
 * inserts commits in a few ms, and a cut link loses at most one batch. */
#define TD_PUSH_MAX_ENTRIES 500
/* Push.earlier_certs looked at (a device renews a few times in its life). */
#define TD_PUSH_EARLIER_CERTS_MAX 4
/* Pull.rescan_tasks looked at (a plan has about a hundred tasks). */
#define TD_PULL_RESCAN_TASKS_MAX 1024
/* ...and at most this many bytes of SignedEntry, well under the 4 MiB frame
 * limit even with protobuf overhead. */
#define TD_PUSH_MAX_BYTES (2u * 1024 * 1024)
/* Entries per Entries reply: the server caps Pull.limit to this. */
#define TD_PULL_MAX_ENTRIES 2000
/* Bytes of SignedEntry per Entries reply. */
#define TD_PULL_MAX_BYTES (2u * 1024 * 1024)
/* A single entry above this cannot be pushed at all (it would not fit a
 * batch); see TD_ENTRY_MAX in entry.h, which is smaller. */

/* Attachments (Blob* frames, protocol version 2).  A chunk: 64 KiB is ~8 s
 * on a 64 kbit/s district link, so a cut loses at most that much, and the
 * server never holds more than one chunk of a file per connection; it is
 * far below the 4 MiB frame limit. */
#define TD_BLOB_CHUNK_MAX (64u * 1024)
/* Bytes a device may hold on the server that no log entry cites yet:
 * offered-but-unfinished uploads plus finished files whose report is not
 * pushed yet.  Above one report's worth (TD_ATTACH_PER_REPORT_MAX x
 * TD_ATTACH_MAX_BYTES = 80 MiB), so an honest client always gets a report
 * through; a hostile device cannot fill the disk. */
#define TD_BLOB_DEVICE_QUOTA (128ull * 1024 * 1024)
/* Unfinished uploads untouched this long are forgotten (a clerk back from a
 * fortnight's leave re-sends from zero: acceptable). */
#define TD_BLOB_PARTIAL_TTL_MS (14ll * 24 * 3600 * 1000)

#endif

/*
 * ratelimit.h — per-device token buckets for pushes (docs/PROTOCOL.md §10: a client that
 * floods pushes must not take the server from the others).
 *
 * Each device (its Ed25519 key, from the verified certificate) has a bucket
 * of `burst` tokens refilled at `rate` tokens per second; a Push costs one
 * token per entry, and at least TDS_RL_PUSH_MIN_COST (each Push is a
 * durable commit, an fsync, whatever it carries).  The buckets live in the
 * server, not in a session, so reconnecting does not refill them.
 *
 * The table is fixed-size (TDS_RL_SLOTS): when it is full, a full bucket
 * (an idle device) is forgotten first; forgetting a full bucket changes
 * nothing, since a new one starts full.  So memory is bounded whatever the
 * number of devices.
 *
 * Ownership: tds_rl_new returns a table the caller frees with tds_rl_free.
 * Single-threaded (the event loop).
 */
#ifndef TDS_RATELIMIT_H
#define TDS_RATELIMIT_H

#include <stdint.h>

/* Devices tracked at once: a province has a few hundred; the bound keeps
 * the table at ~200 KiB even under a swarm of distinct certificates. */
#define TDS_RL_SLOTS 4096
/* Slots probed for a key before a victim is chosen among them. */
#define TDS_RL_PROBE 16
/* Least cost of one Push, in entries: an empty or one-entry Push still
 * costs a commit. */
#define TDS_RL_PUSH_MIN_COST 10

typedef struct tds_ratelimit tds_ratelimit;

/* rate tokens per second, burst tokens at most; rate 0 = no limit (NULL is
 * returned, and a NULL table allows everything).  NULL also on ENOMEM. */
tds_ratelimit *tds_rl_new(uint32_t rate, uint32_t burst);
void tds_rl_free(tds_ratelimit *rl);

/*
 * Take cost tokens from key's bucket at now_ms (monotonic; 0 = read the
 * monotonic clock).  Returns 0 if allowed (tokens taken), else the number
 * of ms after which the same cost would be allowed (nothing taken).
 */
uint64_t tds_rl_take(tds_ratelimit *rl, const unsigned char key[32], uint32_t cost, uint64_t now_ms);
/* Charge cost tokens after the fact (a budget spent by what a device
 * already did): the bucket may go into debt, at most burst tokens deep.
 * Returns 0 while at least one token is left, else the ms until there is. */
uint64_t tds_rl_charge(tds_ratelimit *rl, const unsigned char key[32], uint32_t cost, uint64_t now_ms);
/* ms until key's bucket holds a token again (0: now); takes nothing. */
uint64_t tds_rl_wait(tds_ratelimit *rl, const unsigned char key[32], uint64_t now_ms);

#endif

/*
 * entry.h — signed log entries (docs/LOG.md §1).
 *
 * An entry is identified by (author key, seq).  The author serializes an
 * Entry once and signs exactly those bytes with Ed25519 (libsodium
 * crypto_sign_detached, the device key's seed); SignedEntry carries the bytes
 * and the signature.  Nobody re-serializes an Entry to verify it, so there is
 * no canonical-encoding problem.  The bytes of a SignedEntry are what the log
 * stores, hashes (RFC 6962 leaf) and sends.
 */
#ifndef TD_ENTRY_H
#define TD_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "identity.h"
#include "tiendo.pb-c.h"

/* Largest payload of one entry: a report with its text fits in a few KiB;
 * a whole plan (PlanChange) is ~60 KiB.  1 MiB leaves room and keeps a Push
 * batch bounded. */
#define TD_ENTRY_PAYLOAD_MAX (1u << 20)

/* Largest SignedEntry on the wire and in the store. */
#define TD_ENTRY_MAX (TD_ENTRY_PAYLOAD_MAX + 4096)

/*
 * Largest payload of one kind, refused at push beyond it (a device's entry
 * costs every replica that pulls it): a report 128 KiB (three texts of the
 * client's 16 KiB, TD_REPORT_EVIDENCE_MAX documents, TD_ATTACH_PER_REPORT_MAX
 * file references, with room), an indicator value, a review or a condition
 * 32 KiB; other kinds (the server's, plan and agency changes)
 * TD_ENTRY_PAYLOAD_MAX.
 */
#define TD_ENTRY_REPORT_MAX (128u * 1024)
#define TD_ENTRY_SMALL_MAX (32u * 1024)
size_t td_entry_payload_max(int kind);

/* Is kind one this version knows?  Unknown kinds are refused at push. */
int td_entry_kind_known(int kind);
/* "report", "plan", ... for logs; "unknown" otherwise. */
const char *td_entry_kind_name(int kind);
/* Vietnamese label for people ("báo cáo tiến độ"). */
const char *td_entry_kind_vi(int kind);

/*
 * Hybrid logical clock: (ms << 16) | counter, ms < 2^48.
 *
 * Bounded skew: a clock value more than TD_HLC_MAX_SKEW_MS ahead of the
 * local physical time (td_hlc_limit) is never adopted: it is evidence about
 * its author only (the fold flags it, derive.h TD_TIME_HLC_SLACK_MS, the
 * same 24 hours).  So a replica ignores such a value seen in a pulled entry,
 * a device's own stored clock beyond the bound (adopted before this rule)
 * is dropped rather than continued, the counter never wraps (last + 1 is at
 * most the limit + 1), and the server refuses at push an entry whose clock
 * is beyond its own time + the bound.  24 hours: office PCs without NTP
 * drift minutes; a wrong day or time zone stays within it.
 */
#define TD_HLC_MAX_SKEW_MS (24LL * 3600 * 1000)
/* The largest clock value adopted at physical time now_ms. */
uint64_t td_hlc_limit(int64_t now_ms);
/* The next value after `last` at wall time now_ms, never going back even
 * if the clock does (within the bound: a last beyond td_hlc_limit is
 * dropped). */
uint64_t td_hlc_next(uint64_t last, int64_t now_ms);
/* Fold a clock seen from another device into ours (on pull, only from
 * entries the fold accepted): adopted if larger and within
 * td_hlc_limit(now_ms). */
uint64_t td_hlc_observe(uint64_t last, uint64_t seen, int64_t now_ms);
/* Wall-clock ms part of an HLC value. */
static inline int64_t td_hlc_ms(uint64_t hlc) { return (int64_t)(hlc >> 16); }

/* Fields of an entry to sign. */
typedef struct td_entry_fields {
    int kind;                    /* TIENDO__ENTRY_KIND__* */
    uint64_t seq;                /* >= 1 */
    uint64_t hlc;
    int64_t device_time_ms;
    const char *agency;          /* author's agency slug */
    const uint8_t *payload;      /* serialized payload message */
    size_t payload_len;
} td_entry_fields;

/*
 * Serialize an Entry with the identity's key as author, sign it, and return
 * the serialized SignedEntry in a new malloc'd buffer (*out, *outlen).
 */
int td_entry_sign(const td_identity *id, const td_entry_fields *f, uint8_t **out, size_t *outlen,
                  td_error *err);

/* Same, with a raw libsodium key pair (pk 32, sk 64): for tools and tests. */
int td_entry_sign_raw(const unsigned char pk[32], const unsigned char sk[64], const td_entry_fields *f,
                      uint8_t **out, size_t *outlen, td_error *err);

/* A decoded SignedEntry: both protobuf trees are owned. */
typedef struct td_entry {
    Tiendo__SignedEntry *signed_entry;  /* body bytes and sig */
    Tiendo__Entry *e;                   /* decoded from signed_entry->body */
} td_entry;

/*
 * Decode a serialized SignedEntry and check its form: the body decodes, the
 * author key is 32 bytes, the signature 64 bytes, seq >= 1, payload within
 * bounds.  Does not check the signature (td_entry_verify does).  TD_EPARSE
 * with a message saying which field is wrong.
 */
int td_entry_decode(const uint8_t *buf, size_t len, td_entry *out, td_error *err);
/* Ed25519 check of sig over body with the entry's author key: TD_ESIG if bad. */
int td_entry_verify(const td_entry *en, td_error *err);
void td_entry_free(td_entry *en);
/* The payload of a serialized SignedEntry as a message of type d (e.g.
 * &tiendo__cert_payload__descriptor), neither the signature nor the kind
 * checked; NULL if the entry or its payload does not decode.  Free with the
 * type's free_unpacked. */
void *td_entry_payload_of(const uint8_t *buf, size_t len, const ProtobufCMessageDescriptor *d);

/*
 * Verify the signatures of n decoded entries, on the calling thread.
 * ok[i] = 1 if en[i] verifies, 0 if not; entries with en[i].e == NULL
 * (failed to decode) get 0 and are skipped.  The server runs the batches of
 * different pushes in parallel on its thread pool, one thread each
 * (docs/ARCHITECTURE.md §7).
 */
void td_entry_verify_batch(const td_entry *en, size_t n, unsigned char *ok);

#endif

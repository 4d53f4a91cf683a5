/*
 * derive.h — THE fold of the log into state (DESIGN §4).  Server, client and
 * inspector all derive state through this module and nothing else.
 *
 * State is a pure function of the log prefix (and the provincial CA
 * certificate, which anchors authors): any replica holding the same entries
 * with the same log indexes derives the same state, and td_state_digest
 * gives the same 32 bytes.  The fold is incremental: applying entry n+1 to
 * the state after n equals folding 1..n+1 from scratch.
 *
 * Every entry handed to td_state_apply is either APPLIED or REFUSED with a
 * reason; refusals are part of the state (the inspector sees attempts):
 *   - author unknown (no ENTRY_CERT for its key earlier in the log);
 *   - Entry.agency differs from the author certificate's agency;
 *   - signed (device time) outside the certificate's validity, or at/after
 *     the certificate's revocation;
 *   - ENTRY_PLAN / ENTRY_AGENCY / ENTRY_REVIEW / ENTRY_CONDITION from an
 *     author that is not central (role central, or the server);
 *   - ENTRY_CERT / ENTRY_REVOCATION from anyone but the server (the first
 *     ENTRY_CERT, the server's own, is self-authored), or a certificate that
 *     does not chain to the CA;
 *   - a report on a task where the author's agency is neither lead nor
 *     partner (successor links followed), or an unknown task;
 *   - an indicator value from an agency that does not monitor it (central
 *     may write any);
 *   - a review of a report that is not in the state, or whose task/agency
 *     do not match;
 *   - a payload that does not decode.
 * The fold does NOT check signatures: whoever admits an entry into a log
 * (the server at push, the inspector when re-verifying) calls
 * td_entry_verify first.  The fold checks everything else.
 *
 * Concurrency (DESIGN §4): two reports on the same (task, agency, period)
 * from different authors both stay; the one with the larger (hlc, author
 * key) is current, and the pair is flagged as a conflict.
 *
 * Ownership: the state owns everything it returns; pointers stay valid until
 * the next td_state_apply or td_state_free.
 */
#ifndef TD_DERIVE_H
#define TD_DERIVE_H

#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#include "agency.h"
#include "entry.h"
#include "err.h"
#include "identity.h"
#include "plan.h"

typedef struct td_state td_state;

/* An author known from an ENTRY_CERT. */
typedef struct td_author {
    unsigned char key[32];
    char agency[TD_AGENCY_MAX + 1];      /* "" for the server */
    char device[TD_DEVICE_MAX + 1];
    int is_server;                       /* the server's own certificate (OU=server) */
    td_role role;                        /* TD_ROLE_CENTRAL for the server */
    int64_t not_before_ms, not_after_ms;
    int64_t revoked_ms;                  /* 0 = not revoked */
    uint64_t cert_index;                 /* log index of its ENTRY_CERT */
    uint64_t last_seq;                   /* highest seq seen in the log */
} td_author;

/* The current report of one (task, agency, period). */
typedef struct td_report {
    uint32_t task;
    char agency[TD_AGENCY_MAX + 1];
    char period[8];                      /* "2025-05" */
    uint64_t index;                      /* log index of the current entry */
    unsigned char author[32];
    uint64_t seq;
    uint64_t hlc;
    int64_t device_time_ms, received_ms;
    int state;                           /* TIENDO__REPORT_STATE__* */
    uint32_t percent;
    char *result, *difficulties, *proposals;  /* owned, never NULL */
    int32_t done_date;
    /* review of THIS entry: 0 none, 1 accepted, -1 returned */
    int review;
    char *review_comment;                /* owned, never NULL */
    uint64_t review_index;
    /* other entries for the same key (older, or lost the tie-break) */
    uint64_t conflict_index;             /* 0 = no conflict; else the other entry's index */
    unsigned n_versions;                 /* entries seen for this key */
} td_report;

typedef struct td_indicator_value {
    char code[16];
    char agency[TD_AGENCY_MAX + 1];
    char period[8];
    double value;
    int has_value;
    char *text;                          /* owned, never NULL */
    uint64_t index;
    int64_t device_time_ms;
} td_indicator_value;

typedef struct td_condition {
    uint32_t task;
    int32_t met_date, due_year, due_month;
    char *note;
    uint64_t index;
} td_condition;

typedef struct td_refusal {
    uint64_t index;
    int kind;
    unsigned char author[32];
    uint64_t seq;
    char agency[TD_AGENCY_MAX + 1];
    char reason[256];                    /* English, one line */
} td_refusal;

typedef struct td_conflict {
    uint32_t task;
    char agency[TD_AGENCY_MAX + 1];
    char period[8];
    uint64_t winner_index, loser_index;
} td_conflict;

/* Result of one apply. */
typedef struct td_apply_result {
    int refused;                         /* 0 applied, 1 refused */
    char reason[256];
    int kind;
    uint32_t task;                       /* task concerned (report/review/condition), else 0 */
} td_apply_result;

/* ca: the provincial CA certificate (borrowed; must outlive the state). */
td_state *td_state_new(X509 *ca);
void td_state_free(td_state *st);

/*
 * Apply the log entry at `index` (must be greater than the last index
 * applied: a replica holds only the entries visible to its agency, so its
 * indexes skip; the server's are contiguous) whose
 * serialized SignedEntry is buf/len, received by the server at received_ms.
 * Returns TD_OK with *res telling applied or refused (refusals are recorded
 * in the state too); a negative code only for a broken call (index out of
 * order, out of memory), after which the state is unchanged.
 */
int td_state_apply(td_state *st, uint64_t index, const uint8_t *buf, size_t len, int64_t received_ms,
                   td_apply_result *res, td_error *err);

/* Last log index applied (0 for a new state), and how many entries. */
uint64_t td_state_last_index(const td_state *st);
uint64_t td_state_count(const td_state *st);

/* Current plan and registry (never NULL; empty before the first ENTRY_PLAN). */
const td_plan *td_state_plan(const td_state *st);
int td_state_has_plan(const td_state *st);
const td_registry *td_state_registry(const td_state *st);

/* Author by key, or NULL. */
const td_author *td_state_author(const td_state *st, const unsigned char key[32]);
/* The server's key (the first ENTRY_CERT's author), or NULL before it. */
const unsigned char *td_state_server_key(const td_state *st);

/* Reports sorted by (task, agency, period); *n entries. */
const td_report *td_state_reports(const td_state *st, size_t *n);
const td_report *td_state_report(const td_state *st, uint32_t task, const char *agency, const char *period);
const td_indicator_value *td_state_indicator_values(const td_state *st, size_t *n);
const td_condition *td_state_conditions(const td_state *st, size_t *n);
const td_refusal *td_state_refusals(const td_state *st, size_t *n);
const td_conflict *td_state_conflicts(const td_state *st, size_t *n);

/*
 * Is `agency` lead or partner of task `task` in the current plan, with
 * successor links followed as of today?  (Groups expanded.)
 */
int td_state_agency_on_task(const td_state *st, uint32_t task, const char *agency);

/*
 * Visibility (DESIGN §5): may a device of (agency, role) see the log entry
 * that td_state_apply described as (kind, author agency, task)?  Central and
 * inspector see everything; an office sees plan, agency, certificate and
 * revocation entries, its own agency's entries, and entries on tasks where
 * its agency is lead or partner (in the current plan).
 */
int td_state_visible(const td_state *st, int kind, const char *entry_agency, uint32_t task,
                     const char *agency, td_role role);

/*
 * SHA-256 over a canonical serialization of the state: plan, registry,
 * authors, reports (with reviews and conflicts), indicator values,
 * conditions, refusals.  Equal digests = equal derived state.
 */
void td_state_digest(const td_state *st, unsigned char out[32]);

#endif

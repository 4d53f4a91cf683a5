/*
 * derive.h — THE fold of the log into state (docs/LOG.md §4).  Server, client and
 * inspector all derive state through this module and nothing else.
 *
 * State is a pure function of the log prefix (and the provincial CA
 * certificate, which anchors authors): any replica holding the same entries
 * with the same log indexes derives the same state, and td_state_digest
 * gives the same 32 bytes.  The fold is incremental: applying entry n+1 to
 * the state after n equals folding 1..n+1 from scratch.
 *
 * Every entry handed to td_state_apply is either APPLIED or REFUSED with a
 * reason; refusals are part of the state (the inspector sees attempts).
 * Reasons are one English line starting "author <short hex> seq <n>: ".
 * Checks, in this order (the first that fails is the reason):
 *   0. the entry decodes (td_entry_decode) and its kind is known;
 *   generic, for every kind (the log's first ENTRY_CERT, the server
 *   introducing itself, skips 1-5: nobody is known yet):
 *   1. author unknown (no ENTRY_CERT for its key earlier in the log);
 *   2. Entry.agency differs from the author certificate's agency ("" for
 *      the server);
 *   3. device time outside the certificate's validity (notBefore..notAfter);
 *   4. device time at/after the author's revocation ("signed after
 *      revocation at <iso time>");
 *   5. seq not after the author's last seq in the log ("seq N not after M"):
 *      replays and reorders are refused; gaps are NOT (a replica sees only
 *      part of the log).  The author's last_seq advances when 1-5 pass,
 *      even if the kind's own checks then refuse the entry;
 *   then by kind:
 *   - any kind written by an inspector device (inspectors change nothing);
 *   - ENTRY_PLAN / ENTRY_AGENCY / ENTRY_REVIEW / ENTRY_CONDITION from an
 *     author that is not central (role central, or the server);
 *   - ENTRY_CERT / ENTRY_REVOCATION from anyone but the server (the first
 *     ENTRY_CERT, the server's own, is self-authored: its key must be the
 *     entry's author, its subject OU=server, Entry.agency ""), a certificate
 *     that does not chain to the CA at the entry's device time, a second
 *     server key, or a key already bound to another agency/role/device
 *     (the same subject again is a renewal: the validity becomes the union);
 *     a revocation of a key with no certificate in the log;
 *   - ENTRY_AGENCY: a CHANGE_SEED after other agency entries, or a change
 *     td_registry_apply refuses.  REGISTRY BEFORE ANY AGENCY ENTRY: the
 *     built-in one (td_registry_init_builtin).  A CHANGE_SEED as the first
 *     agency entry REPLACES it (folded into an empty registry, here in
 *     derive.c); any other first change applies on top of it;
 *   - ENTRY_PLAN with a plan: the plan with the same number is replaced
 *     by the decoded one, or it is added (docs/LOG.md §14: the first plan
 *     is the default plan; task keys; refused: a task number not in
 *     1..65535, a later plan without a number or whose slot another has);
 *     its agency refs are kept as resolved at import (by
 *     server/cmd_plan.c, before server/ledger.c appends the entry), and
 *     successor links are followed at query time;
 *     every task whose deadline changed is recorded (td_deadline_change);
 *   - a payload naming a plan (plan / plan_number fields) the log does
 *     not have, or naming the default plan (its entries leave it empty),
 *     or a task number not below 65536;
 *   - ENTRY_PLAN without a plan, with PlanChange.deadlines (a deadline
 *     edit, gia hạn): refused before any plan, with no edits, with more
 *     than TD_DEADLINE_EDITS_MAX, an unknown task, a wording that
 *     td_deadline_parse does not classify, or an empty reason; else each
 *     task's deadline is replaced and the change recorded;
 *   - a report with evidence out of bounds: more than TD_REPORT_EVIDENCE_MAX
 *     references or documents, a document date that is not a date, more
 *     than TD_ATTACH_PER_REPORT_MAX attachments, an attachment whose hash is
 *     not 32 bytes, whose size exceeds TD_ATTACH_MAX_BYTES, whose type is
 *     not one td_attach_type_known accepts, or whose name is empty or longer
 *     than TD_ATTACH_NAME_MAX;
 *   - a report on an unknown task, for an agency other than the author's,
 *     with a period that is not "YYYY-MM" (year 2000..2100, month 1..12),
 *     percent > 100, a state outside ReportState (0 = unspecified is
 *     accepted), or on a task where the author's agency is neither lead nor
 *     partner — groups expanded and successor links followed AS OF THE
 *     ENTRY'S DEVICE DATE (Asia/Ho_Chi_Minh), so the fold is a pure function
 *     of the log (never of today);
 *   - an indicator value on an unknown indicator, with a bad period, or from
 *     an agency that does not monitor it (as of the device date; central may
 *     write any, for any agency slug; others only for their own agency);
 *   - a review whose report (author, seq) is not a report applied earlier,
 *     whose task/agency do not match it, or of a report that is no longer
 *     the current one for its key ("review of a superseded report (index N)");
 *   - a condition on an unknown task or one whose deadline is not
 *     conditional, with an invalid met_date, or a due month that is neither
 *     0/0 nor a real month;
 *   - a payload that does not decode.
 * The fold does NOT check signatures: whoever admits an entry into a log
 * (the server at push, the inspector when re-verifying) calls
 * td_entry_verify first.  The fold checks everything else.  Revocations act
 * from their place in the log onward: an entry applied before the
 * ENTRY_REVOCATION stays applied (incrementality forbids rewriting the past).
 *
 * Concurrency (docs/LOG.md §5): every applied report for (task, agency, period)
 * is a version; the current one is the largest (hlc, author key memcmp,
 * seq): a pure maximum, so the winner does not depend on log order.  When a
 * version arrives from an author other than the current version's, the pair
 * is recorded as a td_conflict (winner, loser: by that order) and
 * conflict_index on the report names the other entry.  The same author
 * re-reporting simply supersedes.  A review belongs to one report entry: a
 * new current version resets review to 0 (pending).  Indicator values and
 * conditions: the largest (hlc, author key, seq) per key is current.
 *
 * Ownership: the state owns everything it returns; pointers stay valid until
 * the next td_state_apply or td_state_free.  The sorted views are built
 * lazily and cached until the next apply, so the const accessors are not
 * safe to call from two threads at once on one state.
 *
 * Cost: hash tables for authors, reports, report entries and indicator
 * values; a report costs about a microsecond (its three protobuf decodes
 * dominate: ~1M report entries/s in tests/unit/test_derive.c), whatever
 * the size of the state.
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

/* Bounds on one report's evidence: a month's report cites a few documents. */
#define TD_REPORT_EVIDENCE_MAX 32
/* A deadline edit names a few tasks; more is a whole-plan import. */
#define TD_DEADLINE_EDITS_MAX 100

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
    uint64_t last_seq;                   /* highest seq that passed the generic checks */
    int64_t last_device_ms;              /* largest effective signed time among those entries */
} td_author;

/*
 * Signed time and its plausibility (docs/LOG.md §11).  Lateness is judged on
 * the signed device time, but a signed time is a claim: the fold compares
 * it with what the log proves and flags what does not fit.  The EFFECTIVE
 * time is the earliest time the log allows the entry to have been signed:
 *   - FUTURE: signed more than TD_TIME_SKEW_MS after the server received
 *     it; effective = received time (it existed then, no later);
 *   - BACKWARDS: signed more than TD_TIME_SKEW_MS before the effective
 *     time of an earlier entry (lower seq) of the same device; effective =
 *     that time (a device's clock set back to look on time);
 *   - CLOCK_BEHIND: the entry's own hybrid clock is more than
 *     TD_TIME_HLC_SLACK_MS ahead of its signed time (the device had already
 *     seen later entries); effective = the clock's time, capped at receipt;
 *   - LATE_ARRIVAL: received more than TD_TIME_LATE_ARRIVAL_MS after it was
 *     signed (offline for over a month: plausible, but a person should see it).
 * Flags are bits of time_flags; effective_ms == device_time_ms when none of
 * the first three is set.
 */
#define TD_TIME_SKEW_MS (10LL * 60 * 1000)                  /* NTP-less office PCs drift minutes, not more */
#define TD_TIME_HLC_SLACK_MS (24LL * 3600 * 1000)           /* other devices' fast clocks leak into the HLC */
#define TD_TIME_LATE_ARRIVAL_MS (35LL * 24 * 3600 * 1000)   /* a month offline plus the reporting window */
enum {
    TD_TIMEF_FUTURE = 1,
    TD_TIMEF_BACKWARDS = 2,
    TD_TIMEF_CLOCK_BEHIND = 4,
    TD_TIMEF_LATE_ARRIVAL = 8,
};
/* Vietnamese explanation of the flags ("giờ ký sau giờ máy chủ nhận; ..."),
 * "" when none.  snprintf result. */
int td_time_flags_vi(int flags, char *buf, size_t n);

/* A document cited as evidence (số hiệu văn bản, ngày ban hành). */
typedef struct td_evidence_doc {
    char *number;                        /* owned, never NULL: "123/QĐ-UBND" */
    int32_t date;                        /* yyyymmdd, 0 if not given */
    char *title;                         /* owned, never NULL (trích yếu) */
} td_evidence_doc;

/* A file attached to a report, by content hash (common/attach.h). */
typedef struct td_attachment_ref {
    unsigned char sha256[32];
    char *name;                          /* owned, never NULL: file name as given */
    char *mime;                          /* owned, never NULL: one of td_attach types */
    uint64_t size;
} td_attachment_ref;

/* The current report of one (task, agency, period). */
typedef struct td_report {
    uint32_t task;
    const char *agency;                  /* the slug, owned by the state (one copy per agency): valid until
                                            td_state_free, like the state's other strings */
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
    /* a version from another device of the agency was seen for this key:
     * the index of the other entry of the last such pair (td_conflict has
     * every pair); kept when the same author later supersedes */
    uint64_t conflict_index;             /* 0 = no conflict */
    unsigned n_versions;                 /* applied entries seen for this key */
    /* signed-time plausibility of the current entry (see TD_TIMEF_*) */
    int time_flags;
    int64_t effective_ms;
    /* evidence of the current entry */
    char **evidence;                     /* owned: free-text references */
    size_t n_evidence;
    td_evidence_doc *docs;               /* owned */
    size_t n_docs;
    td_attachment_ref *attachments;      /* owned */
    size_t n_attachments;
} td_report;

/*
 * Every applied report entry (a version), in log order: the history that
 * status at a past date (common/status.h) replays.  Texts are not kept
 * (they are in the log; td_report has the current ones).
 */
typedef struct td_report_version {
    uint32_t task;
    const char *agency;                  /* owned by the state, as td_report.agency */
    char period[8];
    uint64_t index;                      /* log index of this entry */
    unsigned char author[32];
    uint64_t seq, hlc;
    int64_t device_time_ms, received_ms, effective_ms;
    int time_flags;
    int state;                           /* TIENDO__REPORT_STATE__* */
    uint32_t percent;
    int32_t done_date;
} td_report_version;

/* Every applied review, in log order (a review of a version that was
 * current when the review was applied). */
typedef struct td_review_event {
    uint64_t index;                      /* log index of the review entry */
    uint64_t report_index;               /* log index of the report version reviewed */
    uint32_t task;
    char agency[TD_AGENCY_MAX + 1];
    char period[8];
    int accept;                          /* 1 accepted, 0 returned */
    char *comment;                       /* owned, never NULL */
    unsigned char author[32];
    int64_t device_time_ms, received_ms;
} td_review_event;

/*
 * A change of one task's deadline, in log order: from a new whole plan
 * (ENTRY_PLAN with a plan: every task whose deadline differs from the
 * previous plan's) or a deadline edit (ENTRY_PLAN with PlanChange.deadlines
 * and no plan: gia hạn, with PlanChange.reason).  Status at a date before
 * received_ms uses `before`.
 */
typedef struct td_deadline_change {
    uint32_t task;
    uint64_t index;
    unsigned char author[32];
    int64_t device_time_ms, received_ms;
    td_deadline before, after;           /* owned */
    char *reason;                        /* owned, never NULL */
} td_deadline_change;

typedef struct td_indicator_value {
    char code[64];                       /* a later plan's: "NUMBER:CODE" (td_plan_merge) */
    char agency[TD_AGENCY_MAX + 1];
    char period[8];
    double value;
    int has_value;
    char *text;                          /* owned, never NULL */
    uint64_t index;
    int64_t device_time_ms, received_ms;
    unsigned char author[32];            /* current version: its author, seq, hlc */
    uint64_t seq, hlc;
    unsigned n_versions;
} td_indicator_value;

typedef struct td_condition {
    uint32_t task;
    int32_t met_date, due_year, due_month;   /* due 0/0: met, no date yet */
    char *note;                              /* owned, never NULL */
    uint64_t index;
    unsigned char author[32];
    uint64_t seq, hlc;
    int64_t device_time_ms, received_ms;
} td_condition;

typedef struct td_refusal {
    uint64_t index;
    int kind;
    unsigned char author[32];
    uint64_t seq;
    char agency[TD_AGENCY_MAX + 1];      /* Entry.agency */
    uint32_t task;                       /* as td_apply_result.task */
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
    uint32_t task;                       /* task concerned (report/review/condition), else 0;
                                            set when the payload decoded, refused or not */
    uint32_t attachments;                /* files a report cites, set when its payload decoded */
} td_apply_result;

/* ca: the provincial CA certificate (borrowed; must outlive the state).
 * NULL on out of memory. */
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
/* The same for an entry already decoded by td_entry_decode (en->e set):
 * the server's push path decodes each entry once, off the event loop. */
int td_state_apply_entry(td_state *st, uint64_t index, const td_entry *en, int64_t received_ms,
                         td_apply_result *res, td_error *err);

/* Last log index applied (0 for a new state), and how many entries. */
uint64_t td_state_last_index(const td_state *st);
uint64_t td_state_count(const td_state *st);

/* Current plan and registry (never NULL; empty before the first ENTRY_PLAN). */
const td_plan *td_state_plan(const td_state *st);
int td_state_has_plan(const td_state *st);
const td_registry *td_state_registry(const td_state *st);

/*
 * The plans (docs/LOG.md §14), in order of first import: plan 0 is the
 * default plan.  td_state_plan is their merged view (td_plan_merge: task
 * numbers are keys); td_state_plan_at(i) is plan i as imported, with its
 * own task numbers and the deadline edits since.  NULL out of range.
 */
size_t td_state_plan_count(const td_state *st);
const td_plan *td_state_plan_at(const td_state *st, size_t i);
/* The log index of plan i's first import (the ENTRY_PLAN that added it), 0 out of range. */
uint64_t td_state_plan_first_index(const td_state *st, size_t i);
/* td_state_plan_find as the state stood right after log entry `index` was folded: among the plans
 * imported by then (a short name shared with a later plan still names its plan then).  -1 when none. */
int td_state_plan_find_at(const td_state *st, const char *name, uint64_t index);
/* The plan of a task key (its index) and the task's number in it; -1 when
 * no plan has the key's slot. */
int td_state_key_plan(const td_state *st, uint32_t key, uint32_t *number);
/* The plan field a payload on task `key` carries: "" for the default plan. */
const char *td_state_key_plan_field(const td_state *st, uint32_t key);
/* Short name of plan i for people: its number up to the first '/' ("57"),
 * or the whole number when another plan has the same short name. */
const char *td_state_plan_short(const td_state *st, size_t i, char *buf, size_t n);
/* Plan index by what a person typed (whole number or short name), or -1. */
int td_state_plan_find(const td_state *st, const char *name);
/*
 * A task key for people: "47" while the state has one plan, else
 * "SHORT:NUMBER" ("726:47", "57:3").  Returns buf.
 */
const char *td_state_key_fmt(const td_state *st, uint32_t key, char *buf, size_t n);
/*
 * What a person typed for a task: "47", or "SHORT:47" / "NUMBER:47", with
 * the plan of --plan (NULL if not given).  Without a plan and with more
 * than one plan: the plan among those where `agency` (NULL: any) is lead or
 * partner of a task with that number, else the one plan having that
 * number.  0 and *key (the task may still be absent from the plan: callers
 * say so); -1 bad text or unknown plan, -2 ambiguous: why (Vietnamese)
 * says which and lists the choices.
 */
int td_state_key_parse(const td_state *st, const char *text, const char *plan, const char *agency, uint32_t *key,
                       char *why, size_t whyn);

/* Author by key, or NULL. */
const td_author *td_state_author(const td_state *st, const unsigned char key[32]);
/* Every author in order of its first ENTRY_CERT: count, and the i-th (NULL
 * out of range).  A device that renewed with a new key has one author per
 * key, all with the same agency, device and role. */
size_t td_state_author_count(const td_state *st);
const td_author *td_state_author_at(const td_state *st, size_t i);
/* The server's key (the first ENTRY_CERT's author), or NULL before it. */
const unsigned char *td_state_server_key(const td_state *st);

/* Reports sorted by (task, agency, period); *n entries. */
const td_report *td_state_reports(const td_state *st, size_t *n);
const td_report *td_state_report(const td_state *st, uint32_t task, const char *agency, const char *period);
/*
 * The same report, for a reader that never looks at its texts: result, difficulties and proposals may be
 * "" and evidence, docs and attachments empty (n_* 0) when the state came from a snapshot whose texts are
 * not read yet (common/derive_snap.h); every other field is the report's.  Reading the texts costs the
 * accessors above a read of the snapshot's text section (of the task's part, for one task); these never
 * read it.
 */
const td_report *td_state_report_notext(const td_state *st, uint32_t task, const char *agency, const char *period);
const td_report *td_state_reports_unsorted_notext(const td_state *st, size_t *n);
const td_report *td_state_version_report_notext(const td_state *st, const td_report_version *v);
/* The current report of a version's key (v from td_state_report_versions or
 * td_state_report_versions_by_key): what td_state_report(st, v->task, v->agency, v->period) answers,
 * without a lookup; NULL for a pointer that is not one of the state's versions. */
const td_report *td_state_version_report(const td_state *st, const td_report_version *v);
/* The same reports in the state's own order (the order the fold first met their keys): for a reader that
 * keeps a few of them and sorts those, instead of the sorted copy of all. */
const td_report *td_state_reports_unsorted(const td_state *st, size_t *n);
/* The current reports of one task, sorted by (agency, period) as td_state_reports has them, without
 * sorting every report: *out a malloc'd array of pointers into the state (free only the array; valid
 * until the next apply), NULL when *n == 0.  0 or TD_ENOMEM. */
int td_state_task_reports(const td_state *st, uint32_t task, const td_report ***out, size_t *n);
const td_indicator_value *td_state_indicator_values(const td_state *st, size_t *n);
const td_condition *td_state_conditions(const td_state *st, size_t *n);
const td_refusal *td_state_refusals(const td_state *st, size_t *n);
const td_conflict *td_state_conflicts(const td_state *st, size_t *n);

/* History (see the types above); arrays in log order. */
const td_report_version *td_state_report_versions(const td_state *st, size_t *n);
const td_review_event *td_state_reviews(const td_state *st, size_t *n);
const td_deadline_change *td_state_deadline_changes(const td_state *st, size_t *n);
/* Every applied condition, in log order (td_state_conditions has the current
 * one per task): status at a past date takes, among those received by then,
 * the largest (hlc, author key, seq), so a later condition entry never
 * changes what an earlier date shows. */
const td_condition *td_state_condition_history(const td_state *st, size_t *n);
/*
 * The report versions sorted by (task, agency, period), then in the fold's
 * order (hlc, author key, seq): within a key the last one is the current
 * version.  Pointers into td_state_report_versions; built lazily, cached
 * until the next apply (status at many dates sorts once).  *n = number of
 * versions; NULL only when out of memory (with *n = 0).
 */
const td_report_version *const *td_state_report_versions_by_key(const td_state *st, size_t *n);

/*
 * The agencies responsible on `date` (yyyymmdd) for task `task` as lead
 * (which = TD_TASK_LEADS) or partner (TD_TASK_PARTNERS), groups expanded and
 * successors followed, without duplicates, in plan order.  *v is a malloc'd
 * array of slugs borrowed from the state (free only the array; valid until
 * the next apply); NULL when *n == 0.  0, or TD_ENOMEM; an unknown task
 * gives none.
 */
enum { TD_TASK_LEADS = 1, TD_TASK_PARTNERS = 2 };
int td_state_task_agencies(const td_state *st, uint32_t task, int date, int which, const char ***v, size_t *n);

/*
 * VISIBILITY RULE (decided from the log alone, never the wall clock): an
 * office sees an entry on a task when its agency is lead or partner of the
 * task in the CURRENT plan (the last ENTRY_PLAN folded), groups expanded
 * and successor links followed with EVERY agency change folded so far in
 * effect, whatever the change's date.  So a dated rename/merge/split takes
 * effect for visibility at the log position where it was appended (a merge
 * dated tomorrow changes who sees what as soon as it is in the log, not
 * tomorrow), and a plan re-import at its own position.  The fold's checks
 * of an entry (on task AS OF THE ENTRY'S DEVICE DATE) are unchanged: this
 * date only decides who sees what.  Any replica holding the plan and agency
 * entries (every office does) computes the same answer as the server.
 */
#define TD_VISIBILITY_DATE 99991231
/*
 * Is `agency` lead or partner of task `task` under the visibility rule
 * above?  (Groups expanded.)  0 for an unknown task or on out of memory.
 */
int td_state_agency_on_task(const td_state *st, uint32_t task, const char *agency);
/* The same as of day `date` (yyyymmdd): what the fold uses, with the
 * entry's device date. */
int td_state_agency_on_task_at(const td_state *st, uint32_t task, const char *agency, int date);

/* The registry answers "who exists, who is responsible, who is in a group" on day `date` through its agencies'
 * validity bounds alone: the last bound <= date (1 before the first), a day with the same answers as `date`
 * (td_state_task_agencies, td_state_agency_on_task_at), for a reader's cache key. */
int td_state_registry_day(const td_state *st, int date);

/* yyyymmdd of a time in ms since the epoch, in Asia/Ho_Chi_Minh (UTC+7, no
 * daylight saving): the "device date" of an entry. */
int td_state_device_date(int64_t ms);
/* The first ms after day yyyymmdd ends in Asia/Ho_Chi_Minh (so "known by
 * the end of day d" is received_ms < td_state_day_end_ms(d)). */
int64_t td_state_day_end_ms(int yyyymmdd);

/*
 * Visibility (docs/LOG.md §7): may a device of (agency, role) see the log entry
 * that td_state_apply described as (kind, author agency, task)?  Central and
 * inspector see everything; an office sees plan, agency, certificate and
 * revocation entries, its own agency's entries, and entries on tasks where
 * its agency is lead or partner (the visibility rule above).
 */
int td_state_visible(const td_state *st, int kind, const char *entry_agency, uint32_t task,
                     const char *agency, td_role role);

/* The task key (docs/LOG.md §14: td_task_key of the payload's plan and
 * task, no state needed) a report, review or condition payload concerns,
 * else 0 (also for a payload that does not decode). */
uint32_t td_payload_task(int kind, const uint8_t *payload, size_t len);

/* td_state_visible for a serialized SignedEntry (kind, Entry.agency and
 * the payload's task decoded here); an entry that does not decode counts as
 * visible (the fold records it refused). */
int td_state_entry_visible(const td_state *st, const uint8_t *buf, size_t len, const char *agency, td_role role);
/*
 * A digest of what decides an office's visible set under the rule above:
 * the plan's tasks on which (agency, role) is lead or partner.  When it
 * changes (plan re-import, agency change), entries behind the replica's
 * cursor may have become visible or stopped being visible (client/replica.h
 * tdc_replica_visibility).  Central and inspector: a constant.
 */
void td_state_visibility_sig(const td_state *st, const char *agency, td_role role, unsigned char out[32]);

/*
 * Memos: what a reader computes from the state and may reuse until the
 * state changes (status.c keeps its replay index in TD_STATE_MEMO_STATUS,
 * so the pages of a long-lived `tiendo ui` do not rebuild it per request).
 * A memo is dropped (free_fn called) at the next td_state_apply and at
 * td_state_free; it is not part of the state nor of its digest.  Setting a
 * slot frees what it held.  Like the state, not safe across threads.
 */
#define TD_STATE_MEMO_SLOTS 2
#define TD_STATE_MEMO_STATUS 0
#define TD_STATE_MEMO_UI 1       /* client/ui_pages.c: pages generated from the state */
void *td_state_memo_get(const td_state *st, int slot);
void td_state_memo_set(const td_state *st, int slot, void *p, void (*free_fn)(void *));

/*
 * SHA-256 over a canonical serialization of the state: plan, registry,
 * authors, reports (with reviews and conflicts), indicator values,
 * conditions, refusals.  Equal digests = equal derived state.
 */
void td_state_digest(const td_state *st, unsigned char out[32]);

/*
 * Version 2 of the state digest (docs/LOG.md, checkpoints): SHA-256 over
 * "tiendo-state-v2", a hash of the plan and registry part and an LtHash
 * (a set-homomorphic sum) of the same records v1 hashes.  The fold keeps
 * the sum up to date, O(records changed) per entry, so a digest costs
 * O(1) after the entries (plus the plan part after a plan, agency or
 * certificate entry).  Equal digests = equal derived state, as for v1.
 * _full recomputes it from the records, ignoring what the fold kept
 * (tests; a check of the incremental path).
 */
void td_state_digest_v2(const td_state *st, unsigned char out[32]);
void td_state_digest_v2_full(const td_state *st, unsigned char out[32]);
#define TD_STATE_DIGEST_V1 1
#define TD_STATE_DIGEST_V2 2
/* The digest of version (TD_STATE_DIGEST_V1 or _V2); TD_EARG for another. */
int td_state_digest_ver(const td_state *st, int version, unsigned char out[32]);

#endif

/*
 * derive_int.h — the fold's private state, shared by common/derive.c (the
 * fold) and common/derive_snap.c (the snapshot of a folded state).  Nothing
 * else includes it: everyone else sees td_state through derive.h.
 */
#ifndef TD_DERIVE_INT_H
#define TD_DERIVE_INT_H

#include <openssl/x509.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#include "derive.h"

/* A small open-addressing hash table: 64-bit hash -> index into an array
 * owned by the state (derive.c td__map_*). */

typedef struct td__slot {
    uint64_t h;
    uint32_t v;   /* index + 1; 0 = empty */
} td__slot;

typedef struct td__map {
    td__slot *s;
    size_t cap, n;   /* cap a power of two; load kept <= 70% */
} td__map;

/* One applied report entry (a version), by (author, seq): what a review names.  Its author, seq and log
 * index are those of the version at the same position (st->versions, parallel). */
typedef struct td__rent {
    uint32_t report;   /* index into st->reports */
} td__rent;

/* A cached td_state_agency_on_task_at answer. */
typedef struct td__ontask {
    uint32_t task;
    int date;
    int yes;
    char agency[TD_AGENCY_MAX + 1];
} td__ontask;

struct td_state {
    X509 *ca;
    X509_STORE *store;
    unsigned char hkey[crypto_shorthash_KEYBYTES];   /* random per state: hash order never shows */
    uint64_t last_index, count;

    td_plan plan;              /* every plan's tasks under their keys (td_plan_merge) */
    int has_plan;
    td__map task_map;          /* task key -> index in plan.tasks */
    td_plan *plans;            /* each plan as imported (deadline edits applied), in order of first import:
                                  plans[0] is the default plan (docs/LOG.md §14) */
    size_t n_plans;
    uint64_t *plan_index;      /* parallel to plans: the log index of each plan's first import (audit history
                                  names a plan as the log stood at an entry: td_state_plan_find_at) */
    td_registry reg;
    size_t n_agency_entries;   /* ENTRY_AGENCY applied */

    unsigned char server_key[32];
    int has_server;

    td_author *authors;
    size_t n_authors, cap_authors;
    td__map author_map;

    /* The agency slugs the reports and versions point to (td_report.agency): one malloc'd copy of each,
     * never freed before the state; an open-addressing table (slot = name index + 1) finds them. */
    char **ag_names;
    size_t n_ag_names, cap_ag_names;
    uint32_t *ag_slots;
    size_t n_ag_slots;

    /* The records' image (derive_snap.h td_snap_src.img): when a load used it, reports, versions and rents
     * and the agency slugs lie in this mapping, which the state unmaps when freed, not in malloc'd memory.
     * A pointer into [img, img + img_len) is never freed; an array there is copied out before it grows
     * (td__img_thaw). */
    const uint8_t *img;
    size_t img_len;

    td_report *reports;
    size_t n_reports, cap_reports;
    /* One block holding the reports' texts and evidence as a snapshot loaded them (instead of a malloc
     * each): a report's pointer into [arena, arena + arena_len) is never freed alone.  NULL after a fold. */
    char *arena;
    size_t arena_len;
    /* The same for the texts a format-5 snapshot keeps in its own section (result, difficulties, proposals,
     * evidence), read at their first use (td__texts_need): NULL until then; lazy holds what is still to read,
     * NULL once every report has its texts. */
    char *tarena;
    size_t tarena_len;
    struct td__lazy *lazy;
    td__map report_map;

    td__rent *rents;
    size_t n_rents, cap_rents;
    td__map rent_map;
    int maps_lazy;                 /* report_map and rent_map not built yet (td__maps_ready) */
    unsigned lazy_lookups;         /* td_state_report lookups made meanwhile */
    td_report_version *versions;   /* parallel to rents: versions[i] is rents[i]'s entry */
    size_t cap_versions;

    td_review_event *reviews;
    size_t n_reviews, cap_reviews;
    td_deadline_change *dchanges;
    size_t n_dchanges, cap_dchanges;

    td_indicator_value *ivals;
    size_t n_ivals, cap_ivals;
    td__map ival_map;

    td_condition *conds;
    size_t n_conds, cap_conds;
    td_condition *cond_hist;     /* every applied condition, in log order (notes owned) */
    size_t n_cond_hist, cap_cond_hist;
    td__map cond_map;

    td_refusal *refusals;
    size_t n_refusals, cap_refusals;
    td_conflict *conflicts;
    size_t n_conflicts, cap_conflicts;

    td__ontask *ontask;
    size_t n_ontask, cap_ontask;
    td__map ontask_map;
    int *ontask_days;                    /* the registry's validity bounds, sorted (td__ontask_day) */
    size_t n_ontask_days;
    int ontask_days_ok;

    struct td__dg *dg;         /* the v2 digest kept up to date by the fold (digest section) */

    /* sorted views, built lazily, dropped at each apply */
    td_report *v_reports;
    int v_reports_ok;
    uint32_t *r_order;         /* a snapshot's order of v_reports (positions in reports), until it is built */
    const td_report_version **v_vers;
    int v_vers_ok;
    uint32_t *v_order;         /* a snapshot's order of v_vers (positions in versions), until it is built */
    td_indicator_value *v_ivals;
    int v_ivals_ok;
    td_condition *v_conds;
    int v_conds_ok;
    /* readers' memos (td_state_memo_get), dropped with the views */
    void *memo[TD_STATE_MEMO_SLOTS];
    void (*memo_free[TD_STATE_MEMO_SLOTS])(void *);
};

/* The v2 digest (see the digest section): records the fold changes in place
 * are marked with td__dg_touch; records appended are found by count. */
enum { TD__DG_AUTHOR, TD__DG_REPORT, TD__DG_IVAL, TD__DG_COND, TD__DG_NMUT };

/* The v2 digest accumulator (derive.c, digest section). */
#define TD__LT_N 1024

typedef struct td__dg {
    int valid;                 /* 0: rebuilt whole at the next digest (after a failed apply or no memory) */
    int plan_dirty;
    unsigned char plan_part[32];
    uint16_t sum[TD__LT_N];
    unsigned char (*seed[TD__DG_NMUT])[32];   /* each mutable record's hash, to subtract it when it changes */
    size_t n_mut[TD__DG_NMUT], cap_mut[TD__DG_NMUT];
    size_t n_vers, n_reviews, n_dchanges, n_conflicts, n_refusals;   /* append-only lists: hashed so far */
    struct {
        int what;
        size_t i;
    } touch[64];               /* records changed since the last sync (a run of reports waits, derive.c) */
    size_t n_touch;
} td__dg;

/* Touches a snapshot carries at most: readers from before the list held 64
 * accept 8, so the snapshot settles longer lists first (derive_snap.c). */
#define TD__DG_TOUCH_SNAP 8
/* Bring the v2 sum up to the records now (the touch list empties); the
 * digest's value does not change.  derive.c. */
void td__dg_settle(td_state *st);

/* The empty string the state shares for every empty owned text (td__sfree
 * skips it). */
extern char td__empty[1];

/* The state's copy of agency slug s (td_report.agency, td_report_version.agency), added when new; NULL
 * when out of memory. */
const char *td__intern(td_state *st, const char *s);

/* Rebuild every lookup table of the state (tasks, authors, reports, report
 * entries, indicator values, conditions) from its arrays, as the fold
 * would have built them (the report entries' table from the versions and
 * the rents, whose report the caller set); caches start empty.  0,
 * TD_ENOMEM, or TD_EPARSE for a report out of range. */
int td__state_reindex(td_state *st);
/* td__intern of a slug that lies in the state's image (s itself becomes the state's copy). */
const char *td__intern_img(td_state *st, const char *s);
/* Whether p points into the state's image. */
static inline int td__in_img(const td_state *st, const void *p)
{
    return st->img && (const uint8_t *)p >= st->img && (const uint8_t *)p < st->img + st->img_len;
}
/* Build what td__state_reindex left for first use; 0 or TD_ENOMEM.  Every
 * reader of report_map, rent_map or the rents' keys calls it first. */
int td__maps_ready(td_state *st);

/* The texts (result, difficulties, proposals, evidence) of the report of (task, agency) — of every report
 * of the task when agency is NULL, of all reports when r_all — read from the snapshot's text section if they
 * are still there (derive_snap.c): every reader of those fields calls it first, through td__texts.  Failing
 * that (section damaged, or the stored snapshot replaced since), the source's refold gives them; failing
 * that too, they stay empty and a warning says so. */
void td__texts_need(td_state *st, uint32_t task, const char *agency, int r_all);
static inline void td__texts(const td_state *st, uint32_t task, const char *agency, int r_all)
{
    if (st->lazy) td__texts_need((td_state *)st, task, agency, r_all);
}
/* The texts of report i alone (a reader of one report: td_state_report, td_state_version_report), read from
 * its chunk without writing the chunk's other reports. */
void td__texts_one(td_state *st, size_t i);
static inline void td__text1(const td_state *st, size_t i)
{
    if (st->lazy) td__texts_one((td_state *)st, i);
}
/* Report i's texts now come from the fold (td_state_apply replaced them): never read from the section. */
void td__texts_replaced(td_state *st, size_t i);
/* Free what the state keeps of its text source (td_state_free). */
void td__texts_free(td_state *st);

/* The orders of the sorted views (td_state_reports, td_state_report_versions_by_key) as positions in
 * st->reports and st->versions, malloc'd (NULL when empty): a snapshot keeps them so that a load does not
 * sort again.  0 or TD_ENOMEM. */
int td__view_orders(const td_state *st, uint32_t **rep, uint32_t **ver);
/* Take them back (ownership passes; either may be NULL): each is checked at the view's first use and used
 * only if it is a permutation in the view's order, else that view is sorted as always. */
void td__view_orders_set(td_state *st, uint32_t *rep, uint32_t *ver);

#endif

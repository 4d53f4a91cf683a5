/*
 * todo.h — "Việc cần làm" composed once, as data, for every interface: the
 * command line's `tiendo todo` prints it (cmd_tasks.c), the web UI's first
 * page renders it (ui_pages.c).  Everything here is read from the derived
 * state (common/derive.h, common/status.h) and the device's outbox; no state
 * of its own is computed.
 *
 * Items, in the order people act on them:
 *   TDC_TODO_OWED      a report owed this period (td_obligation): missing,
 *                      written and waiting in the outbox, or sent;
 *   TDC_TODO_RETURNED  the agency's latest report on a task was returned,
 *                      with the reviewer's reason;
 *   TDC_TODO_CONFLICT  two devices of the agency reported the same task and
 *                      period, each not knowing the other's version;
 *   TDC_TODO_DUE       a task the agency leads is near (DUE_SOON) or past
 *                      (ONGOING_LATE) its deadline;
 *   TDC_TODO_REVIEW    central: a DONE report not reviewed by the end of the
 *                      date.
 * Refusals of this device's entries (by the server at push, by the fold)
 * come with their Vietnamese reason and what to do (common/refusal.h), and
 * the certificate's expiry (certwarn.h) with the date.
 */
#ifndef TDC_TODO_H
#define TDC_TODO_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "certwarn.h"
#include "status.h"

typedef enum {
    TDC_TODO_OWED = 1,
    TDC_TODO_RETURNED,
    TDC_TODO_CONFLICT,
    TDC_TODO_DUE,
    TDC_TODO_REVIEW,
} tdc_todo_kind;

typedef struct tdc_todo_item {
    tdc_todo_kind kind;
    uint32_t task;
    char agency[TD_AGENCY_MAX + 1];
    char period[8];                      /* OWED, CONFLICT, REVIEW; RETURNED: the returned version's */
    int owed;                            /* OWED: td_owed */
    td_status status;                    /* DUE: DUE_SOON or ONGOING_LATE */
    int due_date;                        /* OWED: the report's due date; DUE: the task's; else 0 */
    int pending;                         /* a report of this device on it waits in the outbox */
    int returned;                        /* OWED: the report counted was returned (not yet replaced) */
    const char *reason;                  /* RETURNED: the reviewer's comment (borrowed from the state) */
    const td_report_version *ver[2];     /* CONFLICT: the version in use, the one replaced (borrowed) */
} tdc_todo_item;

/* One of this device's entries that was refused. */
typedef struct tdc_todo_refusal {
    int by_fold;                         /* 0: the server refused it at push (outbox); 1: the fold did */
    int resigned;                        /* refused for its seq alone and signed again: nothing to do */
    uint64_t seq, index;                 /* index: the log's, by_fold only */
    int kind;
    uint32_t task;                       /* by_fold: the task, 0 if none */
    char summary[256];                   /* outbox: what it was ("" for the fold's) */
    char reason[256];                    /* English, as recorded */
    char vi[768];                        /* Vietnamese: why and what to do (td_refusal_vi) */
} tdc_todo_refusal;

typedef struct tdc_todo {
    int date;                            /* yyyymmdd the list is for */
    int role;                            /* td_role of the device */
    int has_plan;
    char period[8];                      /* the date's month, "YYYY-MM" */
    int report_due;                      /* the period's report due date */
    char ended_note[1536];               /* the agency ended (registry), else "" */
    /* reports owed this period */
    size_t n_owed, owed_sent, owed_late, owed_written, owed_missing;
    /* near or past the deadline (lead) */
    size_t n_soon, n_late;
    /* central and the inspectorate: the whole plan by status */
    size_t n_tasks, by_status[TD_STATUS_COUNT];
    size_t n_log_refusals;               /* inspector: refusals in the whole log */
    size_t n_review_waiting;             /* central */
    tdc_todo_item *v;                    /* every item, kinds in the order above */
    size_t n;
    /* the outbox */
    size_t n_pending, n_pending_reports;
    int64_t last_sync_ms;
    tdc_todo_refusal *refusals;          /* at most refusals_max listed */
    size_t n_refusals, refusals_total;   /* listed; all of them (re-signed ones excluded) */
    /* the certificate */
    tdc_cert_state cert;
    /* the first item to act on (NULL: nothing left this period) */
    const tdc_todo_item *next;
} tdc_todo;

/* Compose the list for the device at date (yyyymmdd; 0: today).  At most
 * refusals_max refusals are copied (the total is counted).  0, or a TD_E*
 * code with e->msg (Vietnamese) saying what could not be read. */
int tdc_todo_build(tdc_ctx *c, int date, size_t refusals_max, tdc_todo *t, td_error *e);
void tdc_todo_free(tdc_todo *t);

/* The items of a kind, in order: for (it = tdc_todo_first(t, K); it; it = tdc_todo_next(t, it, K)). */
const tdc_todo_item *tdc_todo_first(const tdc_todo *t, tdc_todo_kind k);
const tdc_todo_item *tdc_todo_next(const tdc_todo *t, const tdc_todo_item *it, tdc_todo_kind k);

/* Refusals of this device's entries: the outbox's (refused by the server)
 * then the fold's (any key of this device), at most max copied into *v
 * (malloc'd), *total counting all but the re-signed ones.  0, or a TD_E*
 * code with e filled. */
/* Fold refusals of entries signed by any key of this device. */
size_t tdc_fold_refusals_mine(const td_state *st, const td_identity *id);

int tdc_refusals_mine(tdc_ctx *c, size_t max, tdc_todo_refusal **v, size_t *n, size_t *total, td_error *e);

#endif

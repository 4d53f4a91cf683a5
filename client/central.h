/*
 * central.h — what only central (Sở KH&CN) writes about the plan, for every
 * interface (`tiendo extend` / `tiendo condition` in cmd_central.c, the web
 * UI's deadline pages in ui_central.c): the checks for the person in front
 * of the screen (a clear message now rather than a refusal in the log
 * later) and the signed entry queued in the outbox.  The fold
 * (common/derive.c) is the authority and checks everything again
 * (docs/LOG.md §2).
 *
 * Errors: e->msg is Vietnamese, for the person; e->code TD_EARG (what was
 * typed is wrong: the command line's "bad usage"), TD_EPARSE (a deadline
 * wording td_deadline_parse does not classify: show tdc_deadline_forms),
 * TD_EAUTH (not a central device), TD_ENOTFOUND (no plan, no such task, not
 * a conditional deadline), TD_EEXISTS (the task already has that
 * deadline), TD_ENOMEM.
 */
#ifndef TDC_CENTRAL_H
#define TDC_CENTRAL_H

#include <stdint.h>

#include "app.h"
#include "deadline.h"

/* Longest comment, reason or note: a paragraph or two; a page is a mistake. */
#define TDC_CENTRAL_TEXT_MAX 4096

/* The deadline wordings td_deadline_parse classifies (deadline.h), for people. */
extern const char tdc_deadline_forms[];

/* Text as it is signed: UTF-8, at most TDC_CENTRAL_TEXT_MAX bytes, NFC,
 * blanks trimmed.  *out malloc'd.  0, or TD_EARG/TD_ENOMEM with e->msg
 * naming what (e.g. "lý do"). */
int tdc_central_text(const char *what, const char *s, char **out, td_error *e);

/* "MM/YYYY" (also "M/YYYY") -> year, month.  0, or -1. */
int tdc_month_parse(const char *s, int *y, int *m);

/* The device is central (what_vi: what it was about to do, for the
 * message) and its replica has a plan.  0, TD_EAUTH or TD_ENOTFOUND. */
int tdc_central_device(tdc_ctx *c, const char *what_vi, td_error *e);

/* A deadline change (gia hạn), checked and ready to sign. */
typedef struct tdc_extend {
    uint32_t task;
    char *wording;               /* the new deadline as written (NFC, trimmed) */
    char *reason;
    td_deadline dl;              /* parsed wording */
    char vi_old[256], vi_new[256];
    char old_text[256];          /* the current deadline as written */
    /* not "": the new deadline is already past, or earlier than the current
     * one; most likely a typo ("12/2020" for "12/2026"), recorded only when
     * the person confirms (--yes, the form's checkbox) */
    char confirm[700];
} tdc_extend;

/* Check a change of task's deadline to `deadline` for `reason` on central's
 * device c.  0 with *x filled (free with tdc_extend_free), or a code as
 * above with nothing to free. */
int tdc_extend_prepare(tdc_ctx *c, long task, const char *deadline, const char *reason, tdc_extend *x, td_error *e);
/* Sign and queue it: ENTRY_PLAN with PlanChange{reason, deadlines} and no
 * plan (proto/plan.proto).  *seq: the device's sequence number. */
int tdc_extend_sign(tdc_ctx *c, const tdc_extend *x, uint64_t *seq, td_error *e);
void tdc_extend_free(tdc_extend *x);

/* A conditional deadline's condition met (ConditionPayload). */
typedef struct tdc_condition_in {
    uint32_t task;
    int met;                     /* yyyymmdd */
    int due_y, due_m;            /* 0/0: no date yet */
    char *note;                  /* NFC, trimmed; "" when none */
} tdc_condition_in;

/* Check: met is a date not after today, the due month (if any) not before
 * met's month, the task in the plan with a conditional deadline, the device
 * central.  0 with *x filled (free with tdc_condition_free), or a code. */
int tdc_condition_prepare(tdc_ctx *c, long task, int met, int due_y, int due_m, const char *note,
                          tdc_condition_in *x, td_error *e);
int tdc_condition_sign(tdc_ctx *c, const tdc_condition_in *x, uint64_t *seq, td_error *e);
void tdc_condition_free(tdc_condition_in *x);

#endif

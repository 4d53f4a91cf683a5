/*
 * status.h — task status at a date and reporting obligations
 * (docs/LOG.md §11, §12).  Part of the derivation: it reads only the
 * derived state (derive.h: plan, registry, report versions, reviews,
 * conditions, deadline changes) and is the ONE place where status is
 * computed; server, client, reports and the inspector all call it.
 *
 * "At date D" (yyyymmdd, Asia/Ho_Chi_Minh) means: with what the server had
 * received by the end of day D (an entry counts iff received_ms <
 * td_state_day_end_ms(D)); deadlines as they stood then (deadline changes
 * received later are undone); lateness judged on each report's EFFECTIVE
 * signed time (derive.h TD_TIMEF_*: the signed device time unless the log
 * shows it implausible), never on when the server got it or when central
 * reviewed it.  A pure function of (state, D, options).
 *
 * Per (task, lead agency) — leads as of D, groups expanded, successors
 * followed (td_state_task_agencies) — the status is one of the list below.
 * A lead's reports are its own and those of every agency that no longer
 * exists at D and whose responsibility for the task passed to it (renames,
 * merges, splits: td_registry_responsible): the successor inherits the task
 * with what was already done on it, while each report stays attributed to
 * the agency that made it (docs/LOG.md §6).  Obligations count only the lead's
 * own reports for the period.
 *   DONE_ON_TIME    Đã hoàn thành đúng hạn   a DONE report accepted by central, signed by the due date
 *   DONE_LATE       Đã hoàn thành quá hạn    the same, signed after it
 *   AWAITING_REVIEW Chờ thẩm định            the lead's latest report says DONE, central has not reviewed it
 *   ONGOING_LATE    Đang thực hiện quá hạn   not done and D is after the due date, the lead having reported
 *                                            (a recurring period missed: no_report = 1)
 *   NEVER_REPORTED  Chưa báo cáo lần nào     the same, and no report at all from the lead (nor from the
 *                                            predecessors it inherits from) known at D: no_report = 1,
 *                                            report_index = 0; overdue = 1
 *   DUE_SOON        Sắp đến hạn              not done, due within opts.due_soon_days days (0 <= due - D <= days)
 *   ONGOING_ON_TIME Đang thực hiện trong hạn not done, reported (state not NOT_STARTED, or returned), not late
 *   NOT_STARTED     Chưa thực hiện           nothing reported (or only "chưa triển khai"), not late, not soon
 * "Done" needs central's acceptance of a DONE version that is still the
 * current version of its (task, agency, period) at D.  Completion date =
 * the earliest such version's effective date.  A returned report (the
 * current version of the lead's latest period is returned) is not done:
 * ONGOING_* (or DUE_SOON inside the window) with returned = 1 and the
 * comment; its DONE claim no longer counts.  Exception: for MONTH +
 * THEN_RECURRING, once the dated part was accepted a returned report of
 * the recurring part does not reopen it (returned = 1 is still shown).
 *
 * Deadline kinds (deadline.h) and the due date judged against:
 *   MONTH (and THEN_LATER_YEARS)  td_deadline_due: last day of the month
 *                                 (of the month before, when "trước");
 *   MONTH + THEN_RECURRING        as MONTH until done; once done stays done
 *                                 (the recurring part shows in obligations);
 *   MONTH + THEN_EVERY_YEAR       as MONTH in its year; later years as YEARLY
 *                                 with the same month;
 *   YEARLY                        the occurrence of D's year; done for that
 *                                 year only by a report whose period is in it;
 *   RECURRING                     judged per period: the period is D's month,
 *                                 due the report_due_day of that month; DONE_*
 *                                 when that period's DONE report is accepted,
 *                                 ONGOING_ON_TIME when the period's report was
 *                                 signed by its due day (ONGOING_LATE after),
 *                                 no report for the period: ONGOING_LATE
 *                                 (no_report) after the due day, DUE_SOON
 *                                 within the window, ONGOING_ON_TIME when the
 *                                 previous period was reported, else
 *                                 NOT_STARTED;
 *   CONDITIONAL                   no due date until central records the
 *                                 condition met by D (td_condition received by
 *                                 D); then due the last day of its due month
 *                                 (due 0/0: still no date);
 *   ROADMAP                       no due date.
 * Without a due date nothing is late or soon: DONE_ON_TIME / AWAITING_REVIEW
 * / ONGOING_ON_TIME / NOT_STARTED.
 *
 * Overall status of a task, from its leads' statuses, first rule that fits:
 *   no leads                          NOT_STARTED
 *   all done                          DONE_LATE if any is late, else DONE_ON_TIME
 *   any ONGOING_LATE or NEVER_REPORTED  NEVER_REPORTED if no lead has any report at D
 *                                     (last_report_date = 0), else ONGOING_LATE
 *   any DUE_SOON                      DUE_SOON
 *   every lead not done is AWAITING_REVIEW   AWAITING_REVIEW
 *   every lead NOT_STARTED            NOT_STARTED
 *   otherwise                         ONGOING_ON_TIME (e.g. one of two leads done)
 *
 * Reporting obligations of a period P ("YYYY-MM"): every lead (as of P's
 * due date) of every task that (a) recurs (RECURRING, MONTH+THEN_RECURRING,
 * ROADMAP) or (b) is not done for that lead as of the day before P begins (knowing what was received by then, never after D, so a period's list does not shrink when later entries arrive),
 * except conditional tasks whose condition is not met by P's due date.
 * Due on opts.report_due_day of P's month (clamped to the month's length).
 * At date D each obligation is ON_TIME (the current report for (task,
 * agency, P), received by D, has an effective signed time on or before the
 * due day), LATE (received by D, signed after), or MISSING.
 *
 * Ownership: results are malloc'd, freed with the matching free function;
 * strings inside point into the state (valid until its next apply).
 * Failures: TD_EARG (bad date/period, with the value in err), TD_ENOMEM.
 */
#ifndef TD_STATUS_H
#define TD_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "derive.h"
#include "err.h"

typedef enum {
    TD_ST_NONE = 0,
    TD_ST_DONE_ON_TIME = 1,
    TD_ST_DONE_LATE = 2,
    TD_ST_ONGOING_ON_TIME = 3,
    TD_ST_ONGOING_LATE = 4,
    TD_ST_NOT_STARTED = 5,
    TD_ST_DUE_SOON = 6,
    TD_ST_AWAITING_REVIEW = 7,
    TD_ST_NEVER_REPORTED = 8,
} td_status;
#define TD_STATUS_COUNT 9   /* including TD_ST_NONE: arrays indexed by td_status */
/* The statuses in the order tables show them (done first, overdue together):
 * td_status_order[0 .. TD_STATUS_COUNT - 2]. */
extern const td_status td_status_order[TD_STATUS_COUNT - 1];

/* "Đã hoàn thành đúng hạn" ...; "" for NONE. */
const char *td_status_vi(td_status s);
/* Stable ASCII id for CSV, options and logs: "done-on-time", "done-late",
 * "ongoing", "ongoing-late", "not-started", "due-soon", "awaiting-review",
 * "never-reported". */
const char *td_status_name(td_status s);
/* From an id, or a Vietnamese label (case, diacritics placement and blanks
 * as td_vi_key folds them).  TD_ST_NONE if neither. */
td_status td_status_parse(const char *s);
/* 1 for ONGOING_LATE and NEVER_REPORTED: not done, past the due date. */
int td_status_is_late(td_status s);
/* 1 for DONE_ON_TIME and DONE_LATE. */
int td_status_is_done(td_status s);

#define TD_STATUS_DUE_SOON_DAYS 7   /* a week's warning: a clerk acts within the week */
#define TD_STATUS_DUE_SOON_MAX 90   /* longer than a quarter is noise, not a warning */
#define TD_STATUS_REPORT_DUE_DAY 18 /* offices report by the 18th (docs/ARCHITECTURE.md §1) */

typedef struct td_status_opts {
    int due_soon_days;      /* >= 0 */
    int report_due_day;     /* 1..31; clamped to the month's last day */
} td_status_opts;
void td_status_opts_default(td_status_opts *o);

/* Status of one (task, lead). */
typedef struct td_lead_status {
    const char *agency;          /* slug (borrowed from the state) */
    td_status status;
    int due_date;                /* yyyymmdd judged against; 0 = no due date */
    int overdue;                 /* late at D: ONGOING_LATE, or AWAITING_REVIEW whose DONE claim was
                                    signed after due_date (a claim signed in time and reviewed after
                                    the date is not overdue; nor a recurring period reported in time) */
    int no_report;               /* no report from this lead (recurring: for the period) known at D */
    int returned;                /* the lead's latest report was returned */
    const char *return_comment;  /* borrowed, "" unless returned */
    uint64_t report_index;       /* the lead's latest report known at D (log index), 0 none */
    int report_state;            /* its TIENDO__REPORT_STATE__*, 0 none */
    uint32_t percent;            /* its percent */
    int last_report_date;        /* its effective signed date, yyyymmdd; 0 none */
    int time_flags;              /* its TD_TIMEF_* */
    int done_date;               /* when done: effective signed date of the accepted report */
    char period[8];              /* recurring: the period judged ("2025-06"); else "" */
} td_lead_status;

typedef struct td_task_status {
    uint32_t task;
    int date;                    /* D */
    td_status overall;
    int due_date;                /* the task's due date at D (0 = none) */
    td_deadline_kind kind;       /* of the deadline in force at D */
    int condition_met;           /* conditional: met by D */
    int deadline_changed;        /* a deadline change for this task was received by D */
    int last_report_date;        /* latest effective signed date of any lead's report, 0 none */
    td_lead_status *leads;       /* owned array */
    size_t n_leads;
} td_task_status;

/* Status of one task at date.  TD_ENOTFOUND for a task not in the plan. */
int td_status_task(const td_state *st, uint32_t task, int date, const td_status_opts *o, td_task_status *out,
                   td_error *err);
void td_task_status_free(td_task_status *ts);

/* Every task of the plan at date, in plan order (*v owned, *n entries). */
int td_status_all(const td_state *st, int date, const td_status_opts *o, td_task_status **v, size_t *n,
                  td_error *err);
void td_status_all_free(td_task_status *v, size_t n);

typedef enum {
    TD_OWED_MISSING = 0,
    TD_OWED_ON_TIME = 1,
    TD_OWED_LATE = 2,
} td_owed;
/* "chưa báo cáo", "đúng hạn", "muộn" */
const char *td_owed_vi(td_owed o);

typedef struct td_obligation {
    uint32_t task;
    const char *agency;          /* borrowed slug */
    char period[8];
    int due_date;                /* yyyymmdd: the report_due_day of the period's month */
    int recurring;               /* owed because the task recurs */
    td_owed state;               /* at D */
    uint64_t report_index;       /* the report counted, 0 if MISSING */
    int report_date;             /* its effective signed date */
    int time_flags;
    int returned;                /* that report was returned (and not yet replaced) */
} td_obligation;

/* Obligations of period P judged at date D, sorted by (agency, task); only
 * agency's when agency is not NULL.  TD_EARG for a period that is not
 * "YYYY-MM". */
int td_status_obligations(const td_state *st, const char *period, int date, const td_status_opts *o,
                          const char *agency, td_obligation **v, size_t *n, td_error *err);

/* Helpers on periods and dates (yyyymmdd). */
int td_period_parse(const char *p, int *year, int *month);   /* 0 or TD_EARG; "YYYY-MM" only */
/* The one period syntax of every command: "MM/YYYY", "M/YYYY", "YYYY-MM",
 * "YYYY-M" (and "YYYY-MM-01", a spreadsheet's date) -> canonical "YYYY-MM"
 * in out (may be NULL).  0 or TD_EARG. */
int td_period_norm(const char *in, char out[8]);
/* "2025-06" -> "06/2025", as people read a period. */
void td_period_vi(const char *p, char out[8]);
void td_period_of_date(int yyyymmdd, char out[8]);          /* 20250617 -> "2025-06" */
void td_period_prev(const char *p, char out[8]);             /* "2025-01" -> "2024-12" */
int td_period_due(const char *p, int due_day);               /* "2025-06", 18 -> 20250618 */
int td_date_add_days(int yyyymmdd, int days);
int td_date_diff_days(int a, int b);                          /* a - b in days */

#endif

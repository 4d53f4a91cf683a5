/*
 * report_entry.h — a monthly progress report being entered, whatever the
 * interface (command line, CSV file, web UI): its fields, how each is parsed
 * from what a clerk types, the ONE check a report passes before it is signed
 * (the same for a direct report, a CSV row, a submitted draft and the web
 * form), its payload (ReportPayload) and its draft.
 *
 * Nothing here prints.  Messages (`why`, `msg`) are Vietnamese, for the
 * clerk, and say what was wrong and how to give it.  Parsing needs no
 * terminal and no replica (the fuzz targets tests/fuzz/fuzz_doc.c and
 * fuzz_report_csv.c call it bare); only attachments need the replica.
 */
#ifndef TDC_REPORT_ENTRY_H
#define TDC_REPORT_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "attach.h"
#include "derive.h"
#include "err.h"
#include "replica.h"

/* Free-text references per report (--evidence) and cited documents
 * (--doc): the fold refuses more than TD_REPORT_EVIDENCE_MAX of each. */
#define TDC_EVIDENCE_MAX TD_REPORT_EVIDENCE_MAX
/* Longest free text of one field (result, difficulties ...): a few pages.
 * A monthly report is read by a person in a meeting; more is an annex,
 * which belongs in an attachment. */
#define TDC_TEXT_MAX 16384
/* A batch file (--from-file) is a month of one office's reports: 81 tasks
 * at most in the plan; 2000 rows and 8 MiB leave room for several months
 * without letting a wrong file eat the machine. */
#define TDC_BATCH_MAX_BYTES (8u * 1024 * 1024)
#define TDC_BATCH_MAX_RECORDS 2000
/* Errors kept per CSV file: enough to fix a file in one go. */
#define TDC_BATCH_ERRORS_SHOWN 20

typedef struct tdc_doc {
    char *number;                  /* số hiệu, NFC */
    int date;                      /* yyyymmdd, 0 = not given */
    char *title;                   /* trích yếu, NFC, never NULL (owned, "" if none) */
} tdc_doc;

typedef struct tdc_att {
    unsigned char sha256[32];
    char name[TD_ATTACH_NAME_MAX + 1];
    char mime[TD_ATTACH_MIME_MAX + 1];
    uint64_t size;
} tdc_att;

/*
 * A report being composed.  "Not given" is NULL / 0 / -1 so that a draft
 * and the command line can be merged field by field; lists have a has_
 * flag (an empty list given on the command line still replaces the
 * draft's).  Every string is owned and NFC.
 */
typedef struct tdc_rep {
    uint32_t task;                 /* task key (docs/LOG.md §14) */
    char plan[TD_PLAN_NUMBER_MAX + 1];   /* its plan's number as the payload names it; "" = the default plan */
    char period[8];
    int state;                     /* TIENDO__REPORT_STATE__*, 0 = not given */
    int percent;                   /* -1 = not given */
    char *result, *difficulties, *proposals;
    int done_date;                 /* 0 = not given */
    int has_evidence, has_docs, has_atts;
    char **evidence;
    size_t n_evidence;
    tdc_doc *docs;
    size_t n_docs;
    tdc_att *atts;
    size_t n_atts;
    /* the percent was given by the clerk (command line, CSV cell, form,
     * draft), so that xong/chua do not silently override it */
    int percent_cli;
} tdc_rep;

void tdc_rep_init(tdc_rep *r);
void tdc_rep_free(tdc_rep *r);

/* "chưa triển khai" ... for a TIENDO__REPORT_STATE__*; "(chưa chọn)" for 0. */
const char *tdc_rep_state_vi(int s);
/* "chua" / "dang" / "xong", 1 / 2 / 3, or the Vietnamese words with or
 * without diacritics, any case -> TIENDO__REPORT_STATE__*; 0 if none. */
int tdc_rep_state_parse(const char *s);
/* "40", "40%" -> 40; -1 unless an integer 0..100. */
int tdc_rep_percent_parse(const char *s);

/* Field setters: 0, or -1 with *why.  The text is NFC'd and owned. */
int tdc_rep_set_text(char **dst, const char *s, const char **why);
int tdc_rep_add_evidence(tdc_rep *r, const char *s, const char **why);
/* "SỐ HIỆU[,dd/mm/yyyy[,trích yếu]]" (the title may contain commas); a
 * date after today (yyyymmdd; 0 = unchecked) is refused. */
int tdc_rep_add_doc(tdc_rep *r, const char *s, int today, const char **why);
/* A file checked and stored by hash in the replica (blob.c); why_buf
 * gets the reason on failure. */
int tdc_rep_add_att(tdc_rep *r, tdc_replica *rep, const char *path, char *why_buf, size_t why_n);

/* Move src's given fields over dst's (src is emptied of what moved).  A
 * new state given without a percent drops dst's percent when that was the
 * old state's own (100 for xong, 0 for chua): the new state's applies. */
void tdc_rep_merge(tdc_rep *dst, tdc_rep *src);

/* The payload: ReportPayload of agency.  *buf malloc'd.  0 or TD_ENOMEM. */
int tdc_rep_pack(const tdc_rep *r, const char *agency, uint8_t **buf, size_t *len);
/* A payload (a draft's) back into r: every field given, the percent too
 * when a state is.  0, or -1 if it does not decode. */
int tdc_rep_unpack(const uint8_t *p, size_t n, tdc_rep *r);

/* How a missing field is to be given, for the message. */
typedef enum { TDC_HOW_CLI, TDC_HOW_CSV, TDC_HOW_DRAFT, TDC_HOW_FORM } tdc_how;

/*
 * THE check of a report before it is signed, whatever its origin (a direct
 * report, a CSV row, `draft submit`, the web form), and also completes it:
 *   - plan and date: an unknown task, a task where the agency is neither
 *     lead nor partner, a period after the current month (without a plan in
 *     the replica only the period; the server's fold decides) -> 1;
 *   - fields: the state (given, or "đang thực hiện" when a percent or a
 *     result was given), the percent (xong is 100, chua is 0; another value
 *     given explicitly is a contradiction), the result (required for dang
 *     and xong), the done date (only with xong; default today; not after
 *     today) -> 2.
 * 0, or 1/2 with msg (Vietnamese: the field and how to give it) and *field
 * ("task", "period", "state", "percent", "result", "done_date").
 */
int tdc_rep_check(const td_state *st, const char *agency, int today, tdc_rep *r, tdc_how how, char *msg, size_t n,
                  const char **field);

/* The plan-and-date part of tdc_rep_check alone (1 with msg, or 0): what a
 * draft is refused on before it is kept. */
int tdc_rep_check_plan(const td_state *st, const char *agency, int today, const tdc_rep *r, char *msg, size_t n,
                       const char **field);

/* The outbox summary line (Vietnamese, shown by `tiendo status`). */
void tdc_rep_summary(const tdc_rep *r, char *buf, size_t n);

/* Pack, sign, queue (app.h); *seq gets the device seq.  0 or a TD_E* code
 * with e->msg in Vietnamese. */
int tdc_rep_sign(tdc_ctx *c, const tdc_rep *r, uint64_t *seq, td_error *e);

/* Save r as the draft of its task and period (replacing one).  0 or a TD_E*
 * code with e->msg in Vietnamese. */
int tdc_rep_draft_save(tdc_ctx *c, const tdc_rep *r, td_error *e);
/* The draft of (task, period) into r; *found 0 (r empty) if none.  0, or a
 * TD_E* code (TD_EPARSE: the draft does not decode). */
int tdc_rep_draft_load(tdc_ctx *c, uint32_t task, const char *period, tdc_rep *r, int *found, td_error *e);

/* Central's review of report version r (td_state_report): accept, or
 * return with a reason (text; required for a return), signed and queued.
 * 0 or a TD_E* code with e->msg in Vietnamese. */
int tdc_review_sign(tdc_ctx *c, const td_report *r, int accept, const char *text, uint64_t *seq, td_error *e);

/* An indicator value as clerks type it: "42,5", "42.5", "-3"; one decimal
 * mark, no thousands separators.  0, or -1 with why. */
int tdc_ind_parse_value(const char *s, double *out, const char **why);
/* "42,5": a decimal comma, no trailing zeros. */
void tdc_ind_value_vi(double v, char *buf, size_t n);
/*
 * THE check of an indicator value (code NFC; has_value: a number was
 * given, else a text), in a period not after today's month, against the
 * plan in st: the code exists, is not a
 * heading, a qualitative indicator takes a text and a numeric one a number
 * within its unit (% 0..100, counts integers >= 0, ranks >= 1, HDI 0..1,
 * money and ratios >= 0).  1 with msg when refused; 0 otherwise, with note
 * (a unit not classified, no plan yet) and warn (the agency does not
 * monitor it: the server may refuse) possibly set.
 */
int tdc_ind_check(const td_state *st, const char *agency, int role, int today, const char *code_n, const char *period,
                  int has_value, double value, char *msg, size_t n, char *note, size_t nn, char *warn, size_t wn);
/* Sign and queue an indicator value of this device's agency (IndicatorPayload;
 * text: the result of a qualitative indicator, or a note).  0 or a TD_E*
 * code with e->msg in Vietnamese. */
int tdc_ind_sign(tdc_ctx *c, const char *code_n, const char *period, int has_value, double value, const char *text,
                 uint64_t *seq, td_error *e);

/* One error of a CSV file: line (0: the message names it), column or NULL. */
typedef struct tdc_csv_err {
    int line;
    const char *col;
    char msg[1024];
} tdc_csv_err;

/* The reports of a CSV file, or its errors (first TDC_BATCH_ERRORS_SHOWN). */
typedef struct tdc_csv_reports {
    tdc_rep *reps;
    int *lines;                /* the line of each report */
    size_t n;
    tdc_csv_err errs[TDC_BATCH_ERRORS_SHOWN];
    int n_err;                 /* all of them, shown or not */
} tdc_csv_reports;

/*
 * The report CSV (`tiendo report --from-file`: UTF-8 with or without BOM,
 * ',' ';' or tab, a header line of column names, one report per line) in
 * s[0..n), every record checked with tdc_rep_check before anything is
 * signed.  Attachments are read relative to base_dir into rep; with rep
 * NULL an attach cell is an error.  0 (out->reps usable), -1 (out->errs),
 * TD_ENOMEM.  Free with tdc_csv_reports_free.
 */
int tdc_rep_csv_read(const char *s, size_t n, const char *base_dir, tdc_replica *rep, const td_state *st,
                     const char *agency, int today, tdc_csv_reports *out);
void tdc_csv_reports_free(tdc_csv_reports *out);

/* The fields of a report already in the state (state, percent, texts,
 * evidence, documents, completion date) copied into r: the starting point
 * for correcting a returned report, in the CLI and the web form alike.
 * Attachments are not copied (the new version cites its own). */
void tdc_rep_from_report(const td_report *cur, tdc_rep *r);

#endif

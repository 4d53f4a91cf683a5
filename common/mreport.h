/*
 * mreport.h — the consolidated monthly report ("báo cáo tổng hợp" for
 * the review meeting on the 23rd; docs/ARCHITECTURE.md §1, §8; docs/LOG.md §12).
 *
 * The report is a VIEW over the derived state: it computes no status of
 * its own.  Statuses and reporting obligations come from common/status.h
 * (td_status_all, td_status_obligations) and everything else is read from
 * the fold (derive.h).  Server (`tiendo-server report`) and client
 * (`tiendo report-all`) build it with the same call from states folded from
 * the same log prefix, so their output is byte-identical: nothing in the
 * model or the renderers depends on the clock, the locale, the host or the
 * order of hash tables.
 *
 * Dates (yyyymmdd, Asia/Ho_Chi_Minh):
 *   as_of      "at date D" in the sense of status.h: what the server had
 *              received by the end of day D.  Default (td_mreport_default_as_of):
 *              the meeting day, the 23rd of the period's month (docs/ARCHITECTURE.md §1), or
 *              today when today is earlier (a report for the running month).
 *   prev_as_of the same day of the previous month (clamped to its length):
 *              the previous period's "corresponding date" the summary
 *              compares with.
 *
 * Contents (each list sorted deterministically):
 *   - summary: tasks by overall status at as_of and at prev_as_of, overall
 *     and per section I..X, with the difference;
 *   - tasks: every task of the plan, with each lead's status, percent, last
 *     report date and review state; the task's latest result, difficulties
 *     and proposals (of the most recent lead report known at as_of);
 *   - agencies: the obligations of the period judged at as_of (on time by the
 *     due day, late, missing) and the emulation ranking (TD_MREPORT_RANK_RULE);
 *   - compliance heat map: the same counts for the TD_MREPORT_MONTHS periods
 *     ending with this one, each judged at as_of (a report for March sent in
 *     May is "late", not "missing", in May's view);
 *   - overdue (ONGOING_LATE), near-deadline (DUE_SOON) and returned
 *     (lead's latest report returned) lists, per (task, lead);
 *   - indicators: latest value (largest period <= the report's period among
 *     values received by as_of) against the target, judged by its comparison;
 *   - implausible signed times: current reports of the last TD_MREPORT_MONTHS
 *     periods received by as_of whose signed time the fold flagged
 *     (derive.h TD_TIMEF_*).
 *
 * Report texts: the fold keeps the texts of the CURRENT version of each
 * (task, agency, period) only.  When a newer version arrived after as_of
 * (a report for a past date), the older texts are not in the state and the
 * task shows "(nội dung ở bản ghi số N)" instead.
 *
 * Ownership: the model borrows strings from the state (valid until its next
 * td_state_apply) and owns its arrays; td_mreport_free releases them.
 * Renderers write to a FILE; they return 0 or TD_EIO.
 */
#ifndef TD_MREPORT_H
#define TD_MREPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "derive.h"
#include "err.h"
#include "status.h"

/* The meeting that reviews the month's reports (docs/ARCHITECTURE.md §1). */
#define TD_MREPORT_MEETING_DAY 23
/* Months shown in the compliance heat map: a year of emulation review. */
#define TD_MREPORT_MONTHS 12
/* Longest title shown in the terminal table (characters); the CSV and the
 * HTML carry the whole title. */
#define TD_MREPORT_TEXT_TITLE 48

/* Ranking rule of the emulation review (thi đua), printed in every format. */
#define TD_MREPORT_RANK_RULE                                                                               \
    "Xếp hạng thi đua: (1) tỷ lệ báo cáo đúng hạn (số báo cáo đúng hạn / số báo cáo phải nộp trong kỳ) cao " \
    "hơn xếp trên; (2) bằng nhau thì cơ quan ít báo cáo thiếu hơn xếp trên; (3) vẫn bằng nhau thì ít báo cáo " \
    "muộn hơn xếp trên; bằng nhau ở cả ba tiêu chí thì cùng hạng (liệt kê theo mã cơ quan). Cơ quan không có " \
    "nghĩa vụ báo cáo trong kỳ không xếp hạng. Báo cáo đúng hạn: ký trước hết ngày hạn nộp của kỳ."

/* Verdicts on an indicator. */
typedef enum {
    TD_IV_NO_DATA = 0,     /* Chưa có số liệu */
    TD_IV_MET = 1,         /* Đạt */
    TD_IV_NOT_MET = 2,     /* Chưa đạt */
    TD_IV_TO_ASSESS = 3,   /* qualitative target with a value but no central assessment: Chờ đánh giá */
} td_iverdict;
#define TD_IV_COUNT 4
const char *td_iverdict_vi(td_iverdict v);
const char *td_iverdict_name(td_iverdict v);   /* "no-data", "met", "not-met", "to-assess" */

/* Review state of a lead's latest report at as_of. */
typedef enum {
    TD_RV_NONE = 0,        /* no report: Chưa có báo cáo */
    TD_RV_NOT_REVIEWED,    /* an in-progress report, not reviewed: Chưa thẩm định */
    TD_RV_PENDING,         /* a DONE report awaiting review: Chờ thẩm định */
    TD_RV_ACCEPTED,        /* Đã chấp nhận */
    TD_RV_RETURNED,        /* Trả lại */
} td_review_state;
const char *td_review_state_vi(td_review_state r);

typedef struct td_mr_lead {
    const char *slug;            /* borrowed */
    const char *name;            /* registry name, or the slug */
    const td_lead_status *ls;    /* borrowed from the model's status array */
    td_review_state review;
    const char *review_comment;  /* "" unless returned/accepted with a comment */
    int review_date;             /* yyyymmdd of the review's signed time, 0 none */
} td_mr_lead;

typedef struct td_mr_task {
    const td_task *task;         /* borrowed from the plan */
    const td_task_status *ts;    /* borrowed from the model's status array */
    td_status prev_overall;      /* at prev_as_of (TD_ST_NONE if the task did not exist) */
    int prev_silent;             /* at prev_as_of: overdue and no lead had ever reported */
    td_mr_lead *leads;           /* n = ts->n_leads */
    unsigned percent;            /* mean of the leads' latest percents (no report = 0), rounded */
    const char *result, *difficulties, *proposals;  /* of the latest lead report; "" if none */
    uint64_t text_index;         /* log index of that report; 0 none */
    int text_missing;            /* that report is superseded after as_of: texts not in the state */
    td_review_state review;      /* summary: worst of the leads (returned > pending > not reviewed > none > accepted) */
} td_mr_task;

typedef struct td_mr_section {
    const char *code, *title;    /* borrowed */
    unsigned n_tasks;
    unsigned cur[TD_STATUS_COUNT], prev[TD_STATUS_COUNT];
    /* of cur/prev[TD_ST_ONGOING_LATE]: overdue tasks no lead has ever reported
     * on (TD_MREPORT_SILENT_VI), as against overdue ones reported in progress */
    unsigned silent_cur, silent_prev;
} td_mr_section;
/* Said above the ranking when as_of is before the period's due day (two
 * dates, dd/mm/yyyy: as_of, due): nothing of the period is missing yet. */
#define TD_MREPORT_OPEN_VI                                                                                    \
    "Lưu ý: số liệu đến ngày %s, trước hạn nộp kỳ này (%s): báo cáo chưa nộp chưa bị coi là thiếu; tỷ lệ "   \
    "đúng hạn và xếp hạng kỳ này chỉ có ý nghĩa sau hạn nộp."
/* The label of those tasks in every rendering. */
#define TD_MREPORT_SILENT_VI "Quá hạn, chưa báo cáo"
#define TD_MREPORT_REPORTED_LATE_VI "Quá hạn, có báo cáo"

/* 1 if one of the task's leads, as the plan wrote it, is a group ("Các sở,
 * ban, ngành"): the lists show such a task once, with the agencies behind. */
int td_mreport_task_group_led(const td_mr_task *t);
/* 1 if the task is overdue and no lead has ever reported on it. */
int td_mreport_task_silent(const td_mr_task *t);

typedef struct td_mr_owed {
    unsigned owed, on_time, late, missing, returned;
} td_mr_owed;

/* Predecessors named on one agency's row (a merge of many lists the first). */
#define TD_MR_PREDS_MAX 8

typedef struct td_mr_agency {
    const char *slug, *name;     /* borrowed */
    const char *preds[TD_MR_PREDS_MAX];   /* borrowed slugs of predecessors whose months this row carries */
    size_t n_preds;
    td_mr_owed now;              /* the report's period, at as_of */
    td_mr_owed months[TD_MREPORT_MONTHS];   /* heat map: [0] oldest .. [MONTHS-1] = the period */
    unsigned rank;               /* 1-based competition rank; 0 = not ranked (nothing owed) */
} td_mr_agency;

/* One (task, lead) in a list. */
typedef struct td_mr_item {
    const td_mr_task *t;
    const td_mr_lead *l;
} td_mr_item;

typedef struct td_mr_indicator {
    const td_indicator *ind;     /* borrowed */
    const td_indicator_value *v; /* latest value, or NULL */
    td_iverdict verdict;
    double ratio;                /* value / target reference, for the chart (0 when none) */
} td_mr_indicator;

typedef struct td_mr_flagged {
    const td_report *r;          /* borrowed */
} td_mr_flagged;

typedef struct td_mreport_opts {
    td_status_opts status;
    /* one plan (docs/LOG.md §14): its index + 1 (td_state_plan_at order);
     * 0 = every plan together (the plan shown per task when there are several) */
    int plan;
} td_mreport_opts;
void td_mreport_opts_default(td_mreport_opts *o);

typedef struct td_mreport {
    const td_state *st;
    const td_plan *plan;
    char period[8];              /* "2025-06" */
    char periods[TD_MREPORT_MONTHS][8];   /* heat map columns, oldest first */
    int as_of, prev_as_of;
    int due_date;                /* the period's report due day (yyyymmdd) */
    td_mreport_opts opts;
    uint64_t last_index;         /* log index the state covers */
    td_task_status *cur;         /* owned: td_status_all at as_of */
    size_t n_cur;
    td_task_status *prev;        /* owned: at prev_as_of */
    size_t n_prev;
    td_mr_task *tasks;           /* plan order */
    size_t n_tasks;
    td_mr_section *sections;     /* plan order; the last entry is the total (code "") */
    size_t n_sections;
    td_mr_agency *agencies;      /* registry order: every agency owing something in the window */
    size_t n_agencies;
    size_t *ranking;             /* indexes into agencies, in rank order (ranked ones only) */
    size_t n_ranked;
    td_mr_item *overdue, *due_soon, *returned;
    size_t n_overdue, n_due_soon, n_returned;
    td_mr_indicator *indicators; /* plan order, measured ones (headings skipped) */
    size_t n_indicators;
    unsigned ind_count[TD_IV_COUNT];
    td_mr_flagged *flagged;      /* by log index */
    size_t n_flagged;
} td_mreport;

/*
 * Today in Asia/Ho_Chi_Minh (yyyymmdd), or $TIENDO_TODAY (yyyymmdd) when set
 * and valid, so that tests and demos are deterministic.
 */
int td_mreport_today(void);
/* The default as_of for a period: min(23rd of its month, today); TD_EARG
 * for a bad period. */
int td_mreport_default_as_of(const char *period, int today, int *as_of, td_error *err);
/* The same day one month earlier, clamped to that month's last day. */
int td_mreport_prev_date(int yyyymmdd);

/*
 * Build the report of `period` ("YYYY-MM") at as_of from st (which must
 * have a plan: TD_ENOTFOUND otherwise).  opts NULL = defaults.  TD_EARG for
 * a bad period or date, TD_ENOMEM.  On failure *r is empty (free is safe).
 */
int td_mreport_build(const td_state *st, const char *period, int as_of, const td_mreport_opts *opts,
                     td_mreport *r, td_error *err);
void td_mreport_free(td_mreport *r);

/* Renderers (mreport_text.c, mreport_csv.c, mreport_html.c). */
int td_mreport_text(const td_mreport *r, FILE *f);
int td_mreport_csv(const td_mreport *r, FILE *f);
int td_mreport_html(const td_mreport *r, FILE *f);

typedef enum { TD_MR_TEXT = 1, TD_MR_CSV = 2, TD_MR_HTML = 3 } td_mreport_format;
/* "text" / "csv" / "html" -> format; 0 if unknown. */
td_mreport_format td_mreport_format_parse(const char *s);
int td_mreport_render(const td_mreport *r, td_mreport_format fmt, FILE *f);

/* ---- the command line shared by `tiendo-server report` and `tiendo report-all` ---- */

typedef struct td_mreport_args {
    const char *period;          /* --period, canonical "YYYY-MM" (required) */
    char period_buf[8];          /* what period points to once parsed */
    int as_of;                   /* --as-of dd/mm/yyyy; 0 = default */
    td_mreport_format format;    /* --format; default text */
    const char *out;             /* --out FILE; NULL = stdout */
    const char *plan;            /* --plan NUMBER (or short name): one plan; NULL = every plan */
    td_mreport_opts opts;        /* --due-soon-days N, --report-day N */
    int due_soon_given, report_day_given;   /* set on the command line (they beat a config file) */
} td_mreport_args;
void td_mreport_args_init(td_mreport_args *a);
/*
 * The report's options as rows of an option table (common/cli.h: the
 * command's getopt_long table and --help are made from it joined with the
 * command's own rows); their codes are TD_MREPORT_OPT + k.  td_mreport_args_opt takes one code returned by
 * getopt_long and its optarg: 1 if it was one of the report's, 0 if not
 * ours, -1 after printing "PROG: <what was wrong>. <what to do>." on stderr
 * (bad usage: exit 2).
 */
#define TD_MREPORT_OPT 0x2000
#include "cli.h"
extern const td_cli_opt td_mreport_cli_opts[];
int td_mreport_args_opt(td_mreport_args *a, const char *prog, int c, const char *v);
/*
 * Check the arguments against today (--period given, period begun unless
 * --as-of is given, --as-of not before the period), build the report from
 * st, render it to --out (written to a temporary file and renamed, so a
 * reader never sees half a report) or stdout.  Messages in Vietnamese
 * prefixed by prog.  Returns the exit code: 0, 1 (failure), 2 (bad usage).
 */
int td_mreport_run(const td_state *st, const char *prog, const td_mreport_args *a);

/* ---- helpers shared by the renderers (mreport.c) ---- */

/* The report's title: "Báo cáo tiến độ thực hiện Kế hoạch 726/KH-UBND — tháng 06/2025". */
void td_mreport_title(const td_mreport *r, char *buf, size_t n);
/* A rendered report's heading: the title and its dates (dd/mm/yyyy): the
 * figures' date, the date compared with, the reports' due date. */
typedef struct td_mreport_head {
    char title[512], as_of[16], prev_as_of[16], due[16];
} td_mreport_head;
void td_mreport_head_of(const td_mreport *r, td_mreport_head *h);
/* A renderer's writers of the report's sections (summary, tasks, agencies,
 * overdue / due-soon / returned items, indicators, flagged times). */
typedef struct td_mreport_sections {
    void (*summary)(const td_mreport *r, FILE *f);
    void (*tasks)(const td_mreport *r, FILE *f);
    void (*agencies)(const td_mreport *r, FILE *f);
    void (*items)(const td_mreport *r, FILE *f);
    void (*indicators)(const td_mreport *r, FILE *f);
    void (*flagged)(const td_mreport *r, FILE *f);
} td_mreport_sections;
/* Write the sections to f in the report's one order, the same in every format. */
void td_mreport_write_sections(const td_mreport *r, FILE *f, const td_mreport_sections *w);
/* A task for people: "47", or "245:18" when the state has more than one
 * plan (td_state_key_fmt).  Returns buf. */
const char *td_mreport_task_label(const td_mreport *r, uint32_t key, char *buf, size_t n);
/* The same in one of four rotating static buffers (for one printf). */
const char *td_mreport_task_k(const td_mreport *r, uint32_t key);
#define TD_MR_K(r, key) td_mreport_task_k((r), (key))
/* "06/2025" */
void td_mreport_period_vi(const char *period, char *buf, size_t n);
/* The target shown ("≥ 55 %"), the value shown ("57,3" or the text). */
void td_mreport_value_vi(const td_mr_indicator *mi, char *buf, size_t n);
/* "dd/mm/yyyy hh:mm" in Asia/Ho_Chi_Minh (UTC+7, computed, not from the
 * host's TZ: server and client print the same bytes). */
void td_mreport_time_vi(int64_t ms, char *buf, size_t n);
/* A count difference as shown: "+2", "-1", "0". */
void td_mreport_diff(int d, char *buf, size_t n);
/* Display width of UTF-8 text in terminal columns (combining marks 0). */
size_t td_mreport_width(const char *s);
/* The same, counted only up to max + 1: the width when it is <= max, else max + 1 (a cell's fit test without
 * walking a long text to its end). */
size_t td_mreport_width_max(const char *s, size_t max);
/* Statuses in the order the report shows them (7 entries). */
extern const td_status td_mreport_status_order[7];
/* Agency name for a slug (registry name, or the slug itself). */
const char *td_mreport_agency_name(const td_mreport *r, const char *slug);

#endif

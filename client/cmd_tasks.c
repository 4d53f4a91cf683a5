/*
 * cmd_tasks.c — what an office reads, fully offline, from its replica:
 *   tiendo tasks    the tasks where the office's agency is lead (chủ trì) or
 *                   partner (phối hợp), with status and last report;
 *   tiendo task N   everything the replica knows about one task: the plan's
 *                   words, the agencies as resolved, deadline changes,
 *                   condition, status per lead, every report version with
 *                   its reviews, the current texts, and this device's
 *                   entries still waiting in the outbox ("chờ gửi");
 *   tiendo todo     the clerk's first screen: what the office still owes
 *                   this month, what was returned, what is near or past its
 *                   deadline, the outbox, and the next step.
 * Status is never computed here: common/status.h is THE status computation
 * (docs/LOG.md §12); this file only chooses what to show and how.
 *
 * "Today" is the date in Asia/Ho_Chi_Minh, TIENDO_TODAY=yyyymmdd for tests,
 * or --date dd/mm/yyyy.  Status at a date D counts only what the server had
 * received by the end of D (status.h), so a date before the last sync hides
 * later entries: that is the point of --date (what was known then).
 *
 * Output is for a terminal: columns are measured in characters (code
 * points, combining marks taking no cell), never in bytes, so Vietnamese
 * text lines up.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cmds.h"
#include "todo.h"
#include "derive.h"
#include "entry.h"
#include "log.pb-c.h"
#include "msg.h"
#include "plan.pb-c.h"
#include "status.h"
#include "utf8.h"

/* Column widths of `tiendo tasks`, in terminal cells: the whole row fits a
 * 120-column terminal (an old office PC's maximised console). */
#define TDC_COL_SECTION 5    /* "VIII" + blank */
/* The TT column: 3 (81 tasks), wider when keys carry their plan ("245:18"):
 * set by tdc__tt_fit before a table is printed. */
static size_t tdc__tt_w = 3;
#define TDC_COL_TT tdc__tt_w
#define TDC_COL_TITLE 36
#define TDC_COL_ROLE 8       /* "Phối hợp" */
#define TDC_COL_DEADLINE 20
#define TDC_COL_STATUS 24    /* "Đang thực hiện trong hạn" */
#define TDC_COL_DATE 10      /* dd/mm/yyyy */

/* `tiendo todo` lists at most this many lines per heading: it is a first
 * screen, the rest is one command away (tiendo tasks). */
#define TDC_TODO_LIST_MAX 8
/* `tiendo task N` names at most this many resolved agencies per role
 * ("Các sở, ban, ngành ..." expands to dozens). */
#define TDC_TASK_AGENCIES_MAX 12

/* ---- small helpers ------------------------------------------------------- */

static void tdc__date_ms(int64_t ms, char *buf, size_t n)
{
    if (ms <= 0) snprintf(buf, n, "—");
    else td_date_vi(td_state_device_date(ms), buf, n);
}

static const char *tdc__state_vi(int state)
{
    return td_msg_report_state(state, TD_MSG_TASKS_STATE_NOT_GIVEN);
}

/* The agency's name from the registry, or the slug. */
static const char *tdc__agency_name(const td_state *st, const char *slug)
{
    const td_agency *a = td_registry_agency(td_state_registry(st), slug);
    return a && a->name && *a->name ? a->name : slug;
}

/* Cells a code point takes: combining marks (an NFD tone or hat) none. */
static int tdc__cp_cells(uint32_t cp)
{
    if ((cp >= 0x300 && cp <= 0x36F) || cp == 0x200B) return 0;
    return 1;
}

static size_t tdc__width(const char *s)
{
    size_t i = 0, n = strlen(s), w = 0;
    while (i < n) {
        uint32_t cp;
        i += (size_t)td_utf8_decode(s + i, n - i, &cp);
        w += (size_t)tdc__cp_cells(cp);
    }
    return w;
}

/*
 * Print s in a column of w cells: cut at a character boundary with "…"
 * when longer, padded with blanks when shorter (not after the last column).
 * Newlines and tabs inside plan cells would break the row: shown as blanks.
 */
static void tdc__col(const char *s, size_t w, int last)
{
    size_t i = 0, n = strlen(s), cells = 0, total = tdc__width(s), end = 0;
    size_t room = total > w ? w - 1 : w;
    while (i < n) {
        uint32_t cp;
        size_t k = (size_t)td_utf8_decode(s + i, n - i, &cp);
        int c = tdc__cp_cells(cp);
        if (cells + (size_t)c > room) break;
        cells += (size_t)c;
        i += k;
        end = i;
    }
    if (total > w)   /* no blank before the ellipsis */
        while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == ',')) {
            end--;
            cells--;
        }
    for (i = 0; i < end; i++) putchar(s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ? ' ' : s[i]);
    if (total > w) {
        fputs("…", stdout);
        cells++;
    }
    if (!last)
        for (; cells < w; cells++) putchar(' ');
}

/* Right-aligned number in a column. */
/* The state whose plans name the task keys printed (td_state_key_fmt):
 * set when a command has its replica open. */
static const td_state *tdc__fmt_st;

/* A task key for people ("47", or "245:18" with more than one plan); four
 * rotating buffers, so one printf may show several. */
static const char *tdc__k(uint32_t key) { return tdc_key_label(tdc__fmt_st, key); }

static void tdc__col_num(unsigned v, size_t w)
{
    printf("%*s", (int)w, tdc__k(v));
}

static int tdc__in(const char **v, size_t n, const char *slug)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], slug)) return 1;
    return 0;
}

/* Role of agency on task at date: 1 lead, 2 partner, 0 none; -1 on OOM. */
static int tdc__role(const td_state *st, uint32_t task, int date, const char *agency)
{
    const char **v = NULL;
    size_t n = 0;
    int hit;
    if (td_state_task_agencies(st, task, date, TD_TASK_LEADS, &v, &n)) return -1;
    hit = tdc__in(v, n, agency);
    free(v);
    if (hit) return 1;
    v = NULL;
    n = 0;
    if (td_state_task_agencies(st, task, date, TD_TASK_PARTNERS, &v, &n)) return -1;
    hit = tdc__in(v, n, agency);
    free(v);
    return hit ? 2 : 0;
}

static const char *tdc__role_vi(int role)
{
    return role == 1 ? TD_MSG_TASKS_COL_LEAD : role == 2 ? TD_MSG_TASKS_COL_PARTNER : "";
}

static const td_lead_status *tdc__lead(const td_task_status *ts, const char *agency)
{
    for (size_t i = 0; i < ts->n_leads; i++)
        if (!strcmp(ts->leads[i].agency, agency)) return &ts->leads[i];
    return NULL;
}

/*
 * The latest report version (by effective signed time) on task, from agency
 * or one of its predecessors (NULL: any) for period (NULL: any) that the server had received by the
 * end of date.  NULL if none.
 */
static const td_report_version *tdc__last_version(const td_state *st, uint32_t task, const char *agency,
                                                  const char *period, int date)
{
    size_t n;
    const td_report_version *v = td_state_report_versions(st, &n), *best = NULL;
    int64_t end = td_state_day_end_ms(date);
    for (size_t i = 0; i < n; i++) {
        if (v[i].task != task || v[i].received_ms >= end) continue;
        /* a successor's column shows its predecessors' reports too (each
         * version keeps the agency that signed it) */
        if (agency && strcmp(v[i].agency, agency) &&
            !td_registry_is_predecessor(td_state_registry(st), v[i].agency, agency))
            continue;
        if (period && strcmp(v[i].period, period)) continue;
        if (!best || v[i].effective_ms >= best->effective_ms) best = &v[i];
    }
    return best;
}

/*
 * The deadline of task t as it stood at the end of date: the "before" of
 * the first change received after that day, else the current one (the
 * status at date is judged against the same deadline: status.h).
 */
static const td_deadline *tdc__deadline_at(const td_state *st, const td_task *t, int date)
{
    size_t n;
    const td_deadline_change *dc = td_state_deadline_changes(st, &n);
    int64_t end = td_state_day_end_ms(date);
    for (size_t i = 0; i < n; i++)
        if (dc[i].task == (uint32_t)t->number && dc[i].received_ms >= end) return &dc[i].before;
    return &t->deadline;
}

/* Common option: --date dd/mm/yyyy. */
static int tdc__parse_date(const char *cmd, const char *s, int *d)
{
    if (td_date_parse_vi(s, d) || !td_date_valid(*d)) {
        tdc_usage_err(cmd, TD_MSG_TASKS_DATE_BAD, s);
        return 0;
    }
    return 1;
}

/* Open the context and require a plan in the replica. */
static int tdc__open(tdc_ctx *c, const char *dir, const char *cmd)
{
    if (tdc_ctx_open(c, dir, cmd)) return 1;
    if (!td_state_has_plan(tdc_replica_state(c->rep))) {
        fprintf(stderr, TD_MSG_TASKS_NO_PLAN_SYNC "\n", cmd);
        tdc_ctx_close(c);
        return 1;
    }
    return 0;
}

/* One row of `tiendo tasks`. */
typedef struct tdc__row {
    const td_task *t;
    const td_deadline *dl;
    int role;
    td_status status;
    int rdate;
} tdc__row;

/* Widen the TT column to the longest task key shown (the title column gives way). */
static void tdc__tt_fit(const tdc__row *rows, size_t n)
{
    tdc__tt_w = 3;
    for (size_t i = 0; i < n; i++) {
        size_t w = strlen(tdc__k((unsigned)rows[i].t->number));
        if (w > tdc__tt_w && w <= 12) tdc__tt_w = w;
    }
}

/* The full table (--wide): 118 columns. */
static void tdc__tasks_wide(const tdc__row *rows, size_t n, int period)
{
    tdc__col(TD_MSG_TASKS_COL_SECTION, TDC_COL_SECTION, 0);
    fputs("  ", stdout);
    tdc__col("TT", TDC_COL_TT, 0);
    fputs("  ", stdout);
    tdc__col(TD_MSG_TASKS_COL_TASK, TDC_COL_TITLE, 0);
    fputs("  ", stdout);
    tdc__col(TD_MSG_TASKS_COL_ROLE, TDC_COL_ROLE, 0);
    fputs("  ", stdout);
    tdc__col(TD_MSG_TASKS_COL_DEADLINE, TDC_COL_DEADLINE, 0);
    fputs("  ", stdout);
    tdc__col(TD_MSG_TASKS_COL_STATUS, TDC_COL_STATUS, 0);
    fputs("  ", stdout);
    tdc__col(period ? TD_MSG_TASKS_COL_REPORT_PERIOD : TD_MSG_TASKS_COL_REPORT, TDC_COL_DATE, 1);
    putchar('\n');
    for (size_t i = 0; i < TDC_COL_SECTION + TDC_COL_TT + TDC_COL_TITLE + TDC_COL_ROLE + TDC_COL_DEADLINE +
                                TDC_COL_STATUS + TDC_COL_DATE + 12;
         i++)
        fputs("─", stdout);
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        const td_task *t = rows[i].t;
        char rbuf[16];
        td_date_vi(rows[i].rdate, rbuf, sizeof rbuf);
        tdc__col(t->section ? t->section : "", TDC_COL_SECTION, 0);
        fputs("  ", stdout);
        tdc__col_num((unsigned)t->number, TDC_COL_TT);
        fputs("  ", stdout);
        tdc__col(t->title ? t->title : "", TDC_COL_TITLE, 0);
        fputs("  ", stdout);
        tdc__col(tdc__role_vi(rows[i].role), TDC_COL_ROLE, 0);
        fputs("  ", stdout);
        tdc__col(rows[i].dl->text ? rows[i].dl->text : "", TDC_COL_DEADLINE, 0);
        fputs("  ", stdout);
        tdc__col(td_status_vi(rows[i].status), TDC_COL_STATUS, 0);
        fputs("  ", stdout);
        tdc__col(rows[i].rdate ? rbuf : "—", TDC_COL_DATE, 1);
        putchar('\n');
    }
}

/* The 80-column table: TT, title, role, due date, short status, report date. */
#define TDC_N_TT tdc__tt_w
#define TDC_N_ROLE 8
#define TDC_N_DUE 12
#define TDC_N_STATUS 14
#define TDC_N_DATE 10
#define TDC_N_WIDTH 80
#define TDC_N_TITLE (TDC_N_WIDTH - TDC_N_TT - TDC_N_ROLE - TDC_N_DUE - TDC_N_STATUS - TDC_N_DATE - 5)

static const char *tdc__status_short(td_status s)
{
    switch (s) {
    case TD_ST_DONE_ON_TIME: return TD_MSG_TASKS_COL_DONE_ON_TIME;
    case TD_ST_DONE_LATE: return TD_MSG_TASKS_COL_DONE_LATE;
    case TD_ST_ONGOING_ON_TIME: return TD_MSG_TASKS_COL_ONGOING;
    case TD_ST_ONGOING_LATE: return TD_MSG_TASKS_COL_LATE;
    case TD_ST_NEVER_REPORTED: return TD_MSG_TASKS_COL_NEVER_REPORTED;
    case TD_ST_NOT_STARTED: return TD_MSG_TASKS_COL_NOT_STARTED;
    case TD_ST_DUE_SOON: return TD_MSG_TASKS_COL_DUE_SOON;
    case TD_ST_AWAITING_REVIEW: return TD_MSG_REVIEW_PENDING;
    default: return td_status_vi(s);
    }
}

/* A deadline in at most 12 columns: its due date, or its kind. */
static void tdc__due_short(const td_deadline *d, char *buf, size_t n)
{
    int due = 0;
    switch (d->kind) {
    case TD_DEADLINE_MONTH:
        if (!td_deadline_due(d, 0, &due)) td_date_vi(due, buf, n);
        else snprintf(buf, n, "%s", d->text ? d->text : "");
        return;
    case TD_DEADLINE_RECURRING: snprintf(buf, n, TD_MSG_TASKS_DEADLINE_RECURRING); return;
    case TD_DEADLINE_ROADMAP: snprintf(buf, n, TD_MSG_TASKS_DEADLINE_ROADMAP); return;
    case TD_DEADLINE_CONDITIONAL: snprintf(buf, n, TD_MSG_TASKS_DEADLINE_CONDITIONAL); return;
    case TD_DEADLINE_YEARLY: snprintf(buf, n, TD_MSG_TASKS_DEADLINE_YEARLY, d->before ? "<" : "", d->month); return;
    default: snprintf(buf, n, "%s", d->text ? d->text : ""); return;
    }
}

/* Bytes of the leading words that a and b share (up to a blank), 0 if none. */
static size_t tdc__common_words(const char *a, const char *b)
{
    size_t i = 0, last = 0;
    if (!a || !b) return 0;
    while (a[i] && a[i] == b[i]) {
        if (a[i] == ' ') last = i + 1;
        i++;
    }
    if (!a[i] && (b[i] == ' ' || !b[i])) last = i;
    return last;
}

/*
 * The title as far as it fits, from the words that tell it apart: when it
 * is too long and shares at least its first 3 words with the task above or
 * below ("Xây dựng, trình UBND tỉnh ban hành ..."), those words give way to
 * "…" so the rest shows.
 */
static void tdc__title_short(const tdc__row *rows, size_t n, size_t i, char *buf, size_t bn)
{
    const char *title = rows[i].t->title ? rows[i].t->title : "";
    size_t cut = 0, words = 0;
    if (tdc__width(title) > TDC_N_TITLE) {
        size_t a = i > 0 ? tdc__common_words(title, rows[i - 1].t->title) : 0;
        size_t b = i + 1 < n ? tdc__common_words(title, rows[i + 1].t->title) : 0;
        cut = a > b ? a : b;
        for (size_t k = 0; k < cut; k++) words += title[k] == ' ';
        if (words < 3 || !title[cut]) cut = 0;
    }
    snprintf(buf, bn, "%s%s", cut ? "…" : "", title + cut);
}

static void tdc__tasks_narrow(const tdc__row *rows, size_t n, int period)
{
    tdc__col("TT", TDC_N_TT, 0);
    putchar(' ');
    tdc__col(TD_MSG_TASKS_COL_TASK, TDC_N_TITLE, 0);
    putchar(' ');
    tdc__col(TD_MSG_TASKS_COL_ROLE, TDC_N_ROLE, 0);
    putchar(' ');
    tdc__col(TD_MSG_TASKS_COL_DUE, TDC_N_DUE, 0);
    putchar(' ');
    tdc__col(TD_MSG_TASKS_COL_STATUS, TDC_N_STATUS, 0);
    putchar(' ');
    tdc__col(period ? TD_MSG_TASKS_COL_REPORT_PERIOD : TD_MSG_TASKS_COL_REPORT, TDC_N_DATE, 1);
    putchar('\n');
    for (size_t i = 0; i < TDC_N_WIDTH; i++) fputs("─", stdout);
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        char title[2048], due[64], rbuf[16];
        tdc__title_short(rows, n, i, title, sizeof title);
        tdc__due_short(rows[i].dl, due, sizeof due);
        td_date_vi(rows[i].rdate, rbuf, sizeof rbuf);
        tdc__col_num((unsigned)rows[i].t->number, TDC_N_TT);
        putchar(' ');
        tdc__col(title, TDC_N_TITLE, 0);
        putchar(' ');
        tdc__col(tdc__role_vi(rows[i].role), TDC_N_ROLE, 0);
        putchar(' ');
        tdc__col(due, TDC_N_DUE, 0);
        putchar(' ');
        tdc__col(tdc__status_short(rows[i].status), TDC_N_STATUS, 0);
        putchar(' ');
        tdc__col(rows[i].rdate ? rbuf : "—", TDC_N_DATE, 1);
        putchar('\n');
    }
    printf(TD_MSG_TASKS_NARROW_TABLE_HINT "\n");
}

/* ---- tiendo tasks --------------------------------------------------------- */

static const td_cli_opt tdc__tasks_opts[] = {
    {"all", no_argument, 'a', NULL, "mọi nhiệm vụ của kế hoạch"},
    {"period", required_argument, 'p', "MM/YYYY",
     "xét theo kỳ: trạng thái vào cuối tháng đó, cột báo cáo là báo cáo của kỳ"},
    {"status", required_argument, 's', "TRẠNG_THÁI",
     "chỉ nhiệm vụ có trạng thái này: done-on-time, done-late, ongoing, ongoing-late, never-reported, "
     "not-started, due-soon, awaiting-review (hoặc tên tiếng Việt, ví dụ \"Chờ thẩm định\", \"Chưa báo cáo "
     "lần nào\")"},
    {"section", required_argument, 'S', "MỤC", "chỉ các nhiệm vụ của mục (số La Mã I..X)"},
    {"wide", no_argument, 'w', NULL,
     "bảng đầy đủ (118 cột: mục, thời hạn như kế hoạch ghi, trạng thái đầy đủ); mặc định bảng vừa 80 cột: tên nhiệm "
     "vụ bỏ phần đầu giống các nhiệm vụ liền kề (\"…\") để thấy chỗ khác nhau, thời hạn là ngày đến hạn"},
    {"date", required_argument, 'D', "dd/mm/yyyy", "xét trạng thái tại ngày này (mặc định hôm nay)"},
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__tasks_spec = {
    .prog = "tiendo",
    .cmd = "tasks",
    .about = "Danh sách nhiệm vụ mà cơ quan mình chủ trì hoặc phối hợp, theo dữ liệu trên thiết bị (không cần mạng): "
             "mục, số thứ tự (TT), tên rút gọn, vai trò, thời hạn như kế hoạch ghi, trạng thái và ngày báo cáo gần "
             "nhất. Thiết bị của Sở KH&CN (trung tâm) và thanh tra xem mọi nhiệm vụ.",
    .opts = {tdc__tasks_opts},
    .footer = "Trạng thái của nhiệm vụ mình chủ trì là trạng thái của riêng cơ quan mình; với nhiệm vụ phối hợp (và "
              "--all) là trạng thái chung của nhiệm vụ.\n",
};
static void tdc__tasks_usage(FILE *f) { td_cli_help(&tdc__tasks_spec, f); }

int tdc_cmd_tasks(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *cmd = "tasks";
    int wide = 0;
    tdc__row *rows = NULL;
    size_t n_rows = 0;
    const char *dir = NULL, *period = NULL, *section = NULL;
    char period_buf[8];
    int all = 0, date = 0, opt, rc = 0, today = tdc_today();
    td_status want = TD_ST_NONE;
    td_status_opts so;
    td_task_status *ts = NULL;
    size_t n_ts = 0, shown = 0, n_lead = 0, n_partner = 0;
    td_error e;
    tdc_ctx c;
    const td_state *st;
    const td_plan *plan;
    const char *me;
    char dbuf[16], pvi[16];

    optind = 1;
    if (td_cli_longopts(&tdc__tasks_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'a': all = 1; break;
        case 'p': period = optarg; break;
        case 's':
            want = td_status_parse(optarg);
            if (want == TD_ST_NONE)
                return tdc_usage_err(cmd,
                                      TD_MSG_TASKS_STATUS_UNKNOWN,
                                      optarg);
            break;
        case 'S': section = optarg; break;
        case 'w': wide = 1; break;
        case 'D':
            if (!tdc__parse_date(cmd, optarg, &date)) return 2;
            break;
        case 'h': tdc__tasks_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "tasks", opt, argv);
        }
    }
    if (optind < argc) return td_cli_extra("tiendo", cmd, argv[optind]);
    if (period) {
        int y, m;
        char cur[8];
        if (td_period_norm(period, period_buf) || td_period_parse(period_buf, &y, &m))
            return tdc_usage_err(cmd, TD_MSG_PERIOD_BAD, period);
        period = period_buf;
        td_period_of_date(today, cur);
        if (strcmp(period, cur) > 0)
            return tdc_usage_err(cmd, TD_MSG_TASKS_PERIOD_FUTURE, period);
        /* judged at the end of the period's month, or today for this month */
        if (!date) {
            int next_first = m == 12 ? (y + 1) * 10000 + 101 : y * 10000 + (m + 1) * 100 + 1;
            int last = td_date_add_days(next_first, -1);
            date = last < today ? last : today;
        }
    }
    if (!date) date = today;

    if (tdc__open(&c, dir, cmd)) return 1;
    st = tdc_replica_state(c.rep);
    tdc__fmt_st = st;
    plan = td_state_plan(st);
    me = c.id.subject.agency;
    {
        char note[1536];
        if (td_registry_ended_note(td_state_registry(st), me, today, note, sizeof note)) printf("%s\n\n", note);
    }
    if (section) {
        int ok = 0;
        for (size_t i = 0; i < plan->n_sections; i++)
            if (!strcasecmp(plan->sections[i].code, section)) ok = 1;
        if (!ok) {
            fprintf(stderr, "tiendo tasks: " TD_MSG_TASKS_SECTION_UNKNOWN, section);
            for (size_t i = 0; i < plan->n_sections; i++) fprintf(stderr, " %s", plan->sections[i].code);
            fputs(".\n", stderr);
            tdc_ctx_close(&c);
            return 2;
        }
    }
    /* central and the inspectorate follow every task (docs/ARCHITECTURE.md §1) */
    if (c.id.subject.role == TD_ROLE_CENTRAL || c.id.subject.role == TD_ROLE_INSPECTOR) all = 1;

    tdc_device_status_opts(&c.dev, &so);
    if (td_status_all(st, date, &so, &ts, &n_ts, &e)) {
        fprintf(stderr, "tiendo tasks: " TD_MSG_TASKS_STATUS_FAILED "\n", td_error_vi(&e));
        tdc_ctx_close(&c);
        return 1;
    }

    td_date_vi(date, dbuf, sizeof dbuf);
    if (period) tdc_period_vi(period, pvi, sizeof pvi);
    printf(TD_MSG_TASKS_LIST_HEAD "\n\n",
           all ? TD_MSG_TASKS_WORD_OF_PLAN : TD_MSG_TASKS_WORD_LEAD_PARTNER, me, tdc__agency_name(st, me), dbuf,
           period ? TD_MSG_TASKS_WORD_PERIOD : "", period ? pvi : "");
    if (!(rows = calloc(n_ts ? n_ts : 1, sizeof *rows))) {
        fprintf(stderr, "tiendo tasks: %s\n", td_err_vi(TD_ENOMEM));
        td_status_all_free(ts, n_ts);
        tdc_ctx_close(&c);
        return 1;
    }
    for (size_t i = 0; i < n_ts; i++) {
        const td_task *t = td_plan_task(plan, (int)ts[i].task);
        const td_lead_status *ls;
        int role, rdate = 0;
        td_status s;
        if (!t) continue;
        if (section && (!t->section || strcasecmp(t->section, section))) continue;
        role = tdc__role(st, ts[i].task, date, me);
        if (role < 0) {
            rc = 1;
            fprintf(stderr, "tiendo tasks: %s\n", td_err_vi(TD_ENOMEM));
            break;
        }
        if (!role && !all) continue;
        ls = role == 1 ? tdc__lead(&ts[i], me) : NULL;
        s = ls ? ls->status : ts[i].overall;
        if (want != TD_ST_NONE && s != want) continue;
        if (period) {
            const td_report_version *v = tdc__last_version(st, ts[i].task, role ? me : NULL, period, date);
            rdate = v ? td_state_device_date(v->effective_ms) : 0;
        } else if (ls) {
            rdate = ls->last_report_date;
        } else if (role == 2) {
            const td_report_version *v = tdc__last_version(st, ts[i].task, me, NULL, date);
            rdate = v ? td_state_device_date(v->effective_ms) : 0;
        } else {
            rdate = ts[i].last_report_date;
        }
        rows[n_rows].t = t;
        rows[n_rows].dl = tdc__deadline_at(st, t, date);
        rows[n_rows].role = role;
        rows[n_rows].status = s;
        rows[n_rows].rdate = rdate;
        n_rows++;
        shown++;
        if (role == 1) n_lead++;
        else if (role == 2) n_partner++;
    }
    if (!rc) tdc__tt_fit(rows, n_rows);
    if (!rc && wide) tdc__tasks_wide(rows, n_rows, period != NULL);
    else if (!rc) tdc__tasks_narrow(rows, n_rows, period != NULL);
    free(rows);
    if (!rc) {
        putchar('\n');
        if (!shown)
            printf(TD_MSG_TASKS_NONE_MATCH "\n",
                   all ? "" : TD_MSG_TASKS_NONE_FOR_AGENCY_HINT);
        else
            printf(TD_MSG_TASKS_LIST_TOTAL "\n", shown,
                   n_lead, n_partner);
    }
    td_status_all_free(ts, n_ts);
    tdc_ctx_close(&c);
    return rc;
}

/* ---- tiendo task N -------------------------------------------------------- */

static const td_cli_opt tdc__task_opts[] = {
    {"SỐ", TD_CLI_WORD, 0, NULL, "số thứ tự (TT) của nhiệm vụ trong kế hoạch (hoặc KẾ_HOẠCH:SỐ)"},
    {"date", required_argument, 'D', "dd/mm/yyyy", "trạng thái tại ngày này (mặc định hôm nay)"},
    TDC_OPT_PLAN('K'),
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__task_spec = {
    .prog = "tiendo",
    .cmd = "task",
    .usage = "SỐ",
    .about = "Toàn bộ thông tin về một nhiệm vụ trên thiết bị (không cần mạng): tên, sản phẩm, cơ quan chủ trì và phối "
             "hợp (như kế hoạch ghi và theo tổ chức hiện nay), thời hạn và các lần gia hạn, điều kiện, trạng thái của "
             "từng cơ quan chủ trì, lịch sử mọi báo cáo và ý kiến thẩm định, nội dung báo cáo hiện hành, và các mục "
             "của thiết bị này đang chờ gửi.",
    .opts = {tdc__task_opts},
    .exit_codes = "Mã thoát: 0 thành công, 1 lỗi (nhiệm vụ không có trong kế hoạch), 2 sai cú pháp.\n",
};
static void tdc__task_usage(FILE *f) { td_cli_help(&tdc__task_spec, f); }

/* "a; b; c ... và N cơ quan khác" of the resolved agencies. */
static void tdc__print_agencies(const td_state *st, uint32_t task, int date, int which)
{
    const char **v = NULL;
    size_t n = 0;
    if (td_state_task_agencies(st, task, date, which, &v, &n)) {
        printf("(%s)\n", td_err_vi(TD_ENOMEM));
        return;
    }
    if (!n) printf(TD_MSG_TASKS_GROUP_OPEN "\n");
    for (size_t i = 0; i < n && i < TDC_TASK_AGENCIES_MAX; i++)
        printf("%s%s", i ? "; " : "", tdc__agency_name(st, v[i]));
    if (n > TDC_TASK_AGENCIES_MAX) printf(TD_MSG_TASKS_MORE_AGENCIES, n - TDC_TASK_AGENCIES_MAX);
    if (n) printf(" (%zu)\n", n);
    free(v);
}

static void tdc__print_text(const char *label, const char *s)
{
    if (!s || !*s) return;
    printf("      %s: %s\n", label, s);
}

static void tdc__print_deadline(const td_deadline *d)
{
    char vi[256];
    td_deadline_vi(d, vi, sizeof vi);
    printf("\"%s\" (%s)", d->text ? d->text : "", vi);
}

int tdc_cmd_task(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *cmd = "task";
    const char *dir = NULL, *plan_s = NULL;
    long num = 0;
    int date = 0, opt, role;
    tdc_ctx c;
    const td_state *st;
    const td_plan *plan;
    const td_task *t;
    const td_section *sec;
    td_task_status ts;
    td_status_opts so;
    td_error e;
    tdc_pending_set pend;
    char dbuf[16], dbuf2[16], pvi[16], when[32];
    const td_report **mine = NULL;
    size_t n, k, n_mine = 0;

    optind = 1;
    if (td_cli_longopts(&tdc__task_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'K': plan_s = optarg; break;
        case 'D':
            if (!tdc__parse_date(cmd, optarg, &date)) return 2;
            break;
        case 'h': tdc__task_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "task", opt, argv);
        }
    }
    if (optind >= argc) return tdc_usage_err(cmd, TD_MSG_TASK_MISSING, NULL);
    {
        char *end;
        const char *ns = strrchr(argv[optind], ':') ? strrchr(argv[optind], ':') + 1 : argv[optind];
        num = strtol(ns, &end, 10);
        if (*end || end == ns || num < 1 || num >= (long)TD_TASK_NUMBER_LIMIT)
            return tdc_usage_err(cmd, TD_MSG_TASK_BAD, argv[optind]);
    }
    if (optind + 1 < argc) return td_cli_extra("tiendo", cmd, argv[optind + 1]);
    if (!date) date = tdc_today();

    if (tdc__open(&c, dir, cmd)) return 1;
    st = tdc_replica_state(c.rep);
    tdc__fmt_st = st;
    plan = td_state_plan(st);
    {
        uint32_t key = 0;
        char why[768];
        int prc = td_state_key_parse(st, argv[optind], plan_s, c.id.subject.agency, &key, why, sizeof why);
        if (prc) {
            fprintf(stderr, "tiendo task: %s\n", why);
            tdc_ctx_close(&c);
            return prc == -2 ? 2 : 1;
        }
        num = (long)key;
    }
    t = td_plan_task(plan, (int)num);
    if (!t) {
        fprintf(stderr, "tiendo task: " TD_MSG_TASKS_TASK_UNKNOWN "\n",
                num, plan->number ? plan->number : "", plan->n_tasks);
        tdc_ctx_close(&c);
        return 1;
    }
    tdc_device_status_opts(&c.dev, &so);
    if (td_status_task(st, (uint32_t)num, date, &so, &ts, &e)) {
        fprintf(stderr, "tiendo task: " TD_MSG_TASKS_STATUS_FAILED "\n", td_error_vi(&e));
        tdc_ctx_close(&c);
        return 1;
    }
    if (tdc_app_pending_load(c.rep, &pend, &e)) {
        fprintf(stderr, "tiendo task: " TD_MSG_RECEIPT_OUTBOX_UNREADABLE "\n", td_error_vi(&e));
        td_task_status_free(&ts);
        tdc_ctx_close(&c);
        return 1;
    }
    role = tdc__role(st, (uint32_t)num, date, c.id.subject.agency);
    sec = t->section ? td_plan_section(plan, t->section) : NULL;

    td_date_vi(date, dbuf, sizeof dbuf);
    {
        uint32_t pn;
        int pi = td_state_key_plan(st, (uint32_t)t->number, &pn);
        const td_plan *own = pi >= 0 ? td_state_plan_at(st, (size_t)pi) : NULL;
        printf(TD_MSG_TASK_HEAD "\n", pn, own && own->number ? own->number : plan->number ? plan->number : "");
    }
    printf(TD_MSG_TASK_SECTION "\n", t->section ? t->section : "?", sec && sec->title ? ": " : "",
           sec && sec->title ? sec->title : "");
    printf(TD_MSG_TASK_TITLE "\n", t->title ? t->title : "");
    if (t->product && *t->product) printf(TD_MSG_TASK_PRODUCT "\n", t->product);
    printf(TD_MSG_TASK_LEADS "\n", t->lead_text ? t->lead_text : "");
    printf(TD_MSG_TASK_BY_ORGANISATION_AT, dbuf);
    tdc__print_agencies(st, (uint32_t)num, date, TD_TASK_LEADS);
    printf(TD_MSG_TASK_PARTNERS "\n", t->partner_text ? t->partner_text : "");
    printf(TD_MSG_TASK_BY_ORGANISATION_AT, dbuf);
    tdc__print_agencies(st, (uint32_t)num, date, TD_TASK_PARTNERS);
    printf(TD_MSG_TASK_ROLE_OF "\n", c.id.subject.agency,
           role == 1 ? TD_MSG_TASK_WORD_LEAD : role == 2 ? TD_MSG_TASK_WORD_PARTNER : TD_MSG_TASK_WORD_NO_ROLE);
    {
        const td_deadline *dl = tdc__deadline_at(st, t, date);
        printf(TD_MSG_TASK_DEADLINE, dl != &t->deadline ? TD_MSG_TASK_AT_DATE_SHOWN : "");
        tdc__print_deadline(dl);
        if (dl != &t->deadline) {
            fputs(TD_MSG_TASK_NOW, stdout);
            tdc__print_deadline(&t->deadline);
        }
        putchar('\n');
    }

    /* deadline changes (gia hạn) with their reasons */
    {
        const td_deadline_change *dc = td_state_deadline_changes(st, &n);
        for (size_t i = 0; i < n; i++) {
            if (dc[i].task != (uint32_t)num) continue;
            tdc__date_ms(dc[i].received_ms, dbuf2, sizeof dbuf2);
            printf(TD_MSG_TASK_DEADLINE_CHANGED, dbuf2, (unsigned long long)dc[i].index);
            tdc__print_deadline(&dc[i].before);
            fputs(" → ", stdout);
            tdc__print_deadline(&dc[i].after);
            putchar('\n');
            printf(TD_MSG_TASK_REASON "\n", *dc[i].reason ? dc[i].reason : TD_MSG_TASK_PLAN_NEW);
        }
    }
    /* condition */
    if (t->deadline.kind == TD_DEADLINE_CONDITIONAL || ts.kind == TD_DEADLINE_CONDITIONAL) {
        /* every condition entry, in log order: the last printed one
         * without "(thay bằng ghi nhận sau)" is in force */
        const td_condition *cur = NULL, *cd = td_state_conditions(st, &n);
        int found = 0;
        for (size_t i = 0; i < n; i++)
            if (cd[i].task == (uint32_t)num) cur = &cd[i];
        cd = td_state_condition_history(st, &n);
        for (size_t i = 0; i < n; i++) {
            if (cd[i].task != (uint32_t)num) continue;
            found = 1;
            td_date_vi(cd[i].met_date, dbuf2, sizeof dbuf2);
            printf(TD_MSG_TASK_CONDITION_MET, cur && cur->index == cd[i].index ? "" : TD_MSG_TASK_CONDITION_REPLACED,
                   dbuf2);
            if (cd[i].due_year) printf(TD_MSG_TASK_DUE_MONTH, cd[i].due_month, cd[i].due_year);
            else printf(TD_MSG_TASK_NO_DUE_YET);
            tdc__date_ms(cd[i].received_ms, dbuf2, sizeof dbuf2);
            printf(TD_MSG_TASK_CONDITION_RECORDED "\n", dbuf2);
            if (*cd[i].note) printf(TD_MSG_TASK_NOTE "\n", cd[i].note);
        }
        if (!found) printf(TD_MSG_TASK_CONDITION_NOT_MET "\n");
    }

    /* status at the date */
    printf(TD_MSG_TASK_STATUS_AT "\n", dbuf, td_status_vi(ts.overall));
    for (size_t i = 0; i < ts.n_leads; i++) {
        const td_lead_status *ls = &ts.leads[i];
        printf("  - %s (%s): %s", ls->agency, tdc__agency_name(st, ls->agency), td_status_vi(ls->status));
        if (ls->due_date) {
            td_date_vi(ls->due_date, dbuf2, sizeof dbuf2);
            printf(TD_MSG_TASK_DUE, dbuf2);
        } else {
            printf(TD_MSG_TASK_NO_DUE);
        }
        if (*ls->period) {
            tdc_period_vi(ls->period, pvi, sizeof pvi);
            printf(TD_MSG_TASK_PERIOD, pvi);
        }
        if (ls->last_report_date) {
            td_date_vi(ls->last_report_date, dbuf2, sizeof dbuf2);
            printf(TD_MSG_TASK_LAST_REPORT, dbuf2, tdc__state_vi(ls->report_state), ls->percent);
        } else {
            printf(TD_MSG_TASK_NOT_REPORTED);
        }
        if (ls->done_date) {
            td_date_vi(ls->done_date, dbuf2, sizeof dbuf2);
            printf(TD_MSG_TASK_COMPLETED_ON, dbuf2);
        }
        putchar('\n');
        if (ls->returned)
            printf(TD_MSG_TASK_RETURNED_REASON "\n", ls->return_comment && *ls->return_comment ? ls->return_comment
                                                                                            : TD_MSG_TASK_WORD_NOT_GIVEN);
    }

    /* the task's current reports, by (agency, period): their texts below */
    if (td_state_task_reports(st, (uint32_t)num, &mine, &n_mine)) {
        tdc_pending_free(&pend);
        td_task_status_free(&ts);
        tdc_ctx_close(&c);
        fprintf(stderr, "tiendo task: %s\n", td_err_vi(TD_ENOMEM));
        return 1;
    }

    /* history: every report version visible here, with its reviews */
    {
        const td_report_version *v = td_state_report_versions(st, &n);
        size_t nr;
        const td_review_event *rv = td_state_reviews(st, &nr);
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i].task == (uint32_t)num) count++;
        printf(TD_MSG_TASK_HISTORY_HEAD "\n", count);
        for (size_t i = 0; i < n; i++) {
            const td_report *cur;
            char flags[512];
            if (v[i].task != (uint32_t)num) continue;
            cur = td_state_version_report(st, &v[i]);
            tdc_period_vi(v[i].period, pvi, sizeof pvi);
            printf(TD_MSG_TASK_HISTORY_LINE "\n", pvi, v[i].agency, tdc__state_vi(v[i].state),
                   v[i].percent, (unsigned long long)v[i].index,
                   cur && cur->index == v[i].index ? TD_MSG_TASK_WORD_CURRENT : TD_MSG_TASK_WORD_REPLACED);
            tdc_fmt_time(v[i].device_time_ms, when, sizeof when);
            tdc__date_ms(v[i].received_ms, dbuf2, sizeof dbuf2);
            printf(TD_MSG_TASK_SIGNED_RECEIVED "\n", when, dbuf2);
            if (v[i].time_flags) {
                td_time_flags_vi(v[i].time_flags, flags, sizeof flags);
                tdc__date_ms(v[i].effective_ms, dbuf2, sizeof dbuf2);
                printf(TD_MSG_TASK_SIGNED_TIME_NOTE "\n", flags, dbuf2);
            }
            for (k = 0; k < nr; k++) {
                if (rv[k].report_index != v[i].index) continue;
                tdc__date_ms(rv[k].received_ms, dbuf2, sizeof dbuf2);
                printf(TD_MSG_TASK_REVIEWED_ON "\n", dbuf2, rv[k].accept ? TD_MSG_CENTRAL_WORD_ACCEPT : TD_MSG_TASK_WORD_RETURNED_CAPS,
                       *rv[k].comment ? TD_MSG_TASK_REVIEW_COMMENT : "", rv[k].comment);
            }
        }
        if (!count) printf(TD_MSG_TASK_HISTORY_NONE "\n");
    }

    /* current texts: per agency, its latest period's current report */
    {
        int any = 0;
        for (size_t j = 0; j < n_mine; j++) {
            const td_report *r = mine[j];
            if (j + 1 < n_mine && !strcmp(mine[j + 1]->agency, mine[j]->agency)) continue;
            if (!any) printf(TD_MSG_TASK_CURRENT_HEAD "\n");
            any = 1;
            tdc_period_vi(r->period, pvi, sizeof pvi);
            printf(TD_MSG_TASK_CURRENT_LINE, r->agency, pvi, tdc__state_vi(r->state), r->percent);
            if (r->done_date) {
                td_date_vi(r->done_date, dbuf2, sizeof dbuf2);
                printf(TD_MSG_TASK_DONE_ON, dbuf2);
            }
            printf("; %s\n", r->review > 0 ? TD_MSG_TASK_WORD_ACCEPTED : r->review < 0 ? TD_MSG_TASK_WORD_RETURNED : TD_MSG_TASK_WORD_NOT_REVIEWED);
            tdc__print_text(TD_MSG_TASK_LABEL_RESULT, r->result);
            tdc__print_text(TD_MSG_LABEL_DIFFICULTIES, r->difficulties);
            tdc__print_text(TD_MSG_LABEL_PROPOSALS, r->proposals);
            for (k = 0; k < r->n_evidence; k++) tdc__print_text(TD_MSG_TASK_LABEL_EVIDENCE, r->evidence[k]);
            for (k = 0; k < r->n_docs; k++) {
                td_date_vi(r->docs[k].date, dbuf2, sizeof dbuf2);
                printf(TD_MSG_TASK_DOC "\n", r->docs[k].number, *dbuf2 ? TD_MSG_TASK_WORD_DATED : "", dbuf2,
                       *r->docs[k].title ? " — " : "", r->docs[k].title);
            }
            for (k = 0; k < r->n_attachments; k++) {
                char hex[17];
                for (int b = 0; b < 8; b++) snprintf(hex + 2 * b, 3, "%02x", r->attachments[k].sha256[b]);
                printf(TD_MSG_TASK_ATTACHMENT "\n", r->attachments[k].name,
                       r->attachments[k].mime, (unsigned long long)r->attachments[k].size, hex);
            }
            if (r->review < 0 && *r->review_comment) tdc__print_text(TD_MSG_TASK_LABEL_RETURN_REASON, r->review_comment);
        }
    }

    /* this device's entries on the task still in the outbox */
    {
        size_t shown = 0;
        for (size_t i = 0; i < pend.n; i++) {
            if (pend.v[i].task != (uint32_t)num) continue;
            if (!shown) printf(TD_MSG_TASK_UNSENT_HEAD "\n");
            printf(TD_MSG_TASK_UNSENT_LINE "\n", (unsigned long long)pend.v[i].seq,
                   *pend.v[i].summary ? pend.v[i].summary : td_entry_kind_vi(pend.v[i].kind));
            shown++;
        }
        if (shown) printf(TD_MSG_TASK_SEND_HINT "\n");
    }
    free(mine);
    tdc_pending_free(&pend);
    td_task_status_free(&ts);
    tdc_ctx_close(&c);
    return 0;
}

/* ---- tiendo todo ---------------------------------------------------------- */

static const td_cli_opt tdc__todo_opts[] = {
    {"date", required_argument, 'D', "dd/mm/yyyy", "xét tại ngày này (mặc định hôm nay)"},
    TDC_OPT_DIR('d'),
    {NULL, 0, 0, NULL, NULL}};
static const td_cli_spec tdc__todo_spec = {
    .prog = "tiendo",
    .cmd = "todo",
    .about = "Việc cần làm của cơ quan (không cần mạng): các báo cáo còn nợ trong tháng, báo cáo bị trả lại và lý do, "
             "nhiệm vụ sắp đến hạn hoặc đã quá hạn, các mục chờ gửi, lần đồng bộ gần nhất và việc nên làm tiếp theo.",
    .opts = {tdc__todo_opts},
};
static void tdc__todo_usage(FILE *f) { td_cli_help(&tdc__todo_spec, f); }

/* The short title of a task for one line. */
static void tdc__todo_task(const td_plan *plan, uint32_t task, char *out, size_t n)
{
    const td_task *t = td_plan_task(plan, (int)task);
    char *s = td_plan_short(t && t->title ? t->title : "", 48);
    snprintf(out, n, "NV %s %s", tdc__k(task), s ? s : "");
    free(s);
}

/* What to run next for the item the list names first (todo.h). */
static void tdc__todo_next_cmd(const tdc_todo_item *it, char *out, size_t n)
{
    if (!it) *out = 0;
    else if (it->kind == TDC_TODO_REVIEW)
        snprintf(out, n, TD_MSG_TODO_REVIEW_HINT,
                 tdc__k(it->task), it->agency, it->period);
    else snprintf(out, n, "tiendo report %s --period %s", tdc__k(it->task), it->period);
}

int tdc_cmd_todo(int argc, char **argv)
{
    struct option opts[TD_CLI_OPTS_MAX];
    const char *cmd = "todo";
    const char *dir = NULL, *me;
    int date = 0, opt;
    tdc_ctx c;
    const td_state *st;
    const td_plan *plan;
    tdc_todo t;
    const tdc_todo_item *it;
    td_error e;
    char pvi[16], dbuf[16], dbuf2[16], line[256], when[32];
    char next[200] = "";

    optind = 1;
    if (td_cli_longopts(&tdc__todo_spec, opts, TD_CLI_OPTS_MAX)) return 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 'D':
            if (!tdc__parse_date(cmd, optarg, &date)) return 2;
            break;
        case 'h': tdc__todo_usage(stdout); return 0;
        default: return td_cli_opt_err("tiendo", "todo", opt, argv);
        }
    }
    if (optind < argc) return td_cli_extra("tiendo", cmd, argv[optind]);
    if (!date) date = tdc_today();

    if (tdc_ctx_open(&c, dir, cmd)) return 1;
    st = tdc_replica_state(c.rep);
    tdc__fmt_st = st;
    plan = td_state_plan(st);
    me = c.id.subject.agency;
    if (tdc_todo_build(&c, date, TDC_TODO_LIST_MAX, &t, &e)) {
        fprintf(stderr, "tiendo todo: " TD_MSG_TASKS_REPLICA_OR_STATUS_FAILED "\n",
                td_error_vi(&e));
        tdc_ctx_close(&c);
        return 1;
    }
    td_date_vi(date, dbuf, sizeof dbuf);
    printf(TD_MSG_TODO_HEAD "\n", tdc__agency_name(st, me), me, dbuf);
    if (*t.ended_note) printf("\n%s\n", t.ended_note);

    if (!t.has_plan) {
        printf(TD_MSG_TODO_NO_PLAN "\n");
        snprintf(next, sizeof next, "tiendo sync");
        goto outbox;
    }
    tdc_period_vi(t.period, pvi, sizeof pvi);

    /* central and the inspectorate follow the whole plan: one line of counts */
    if (t.role != TD_ROLE_OFFICE) {
        int first = 1;
        printf(TD_MSG_TODO_WHOLE_PLAN, t.n_tasks);
        for (int i = 0; i < TD_STATUS_COUNT - 1; i++) {
            td_status s = td_status_order[i];
            if (!t.by_status[s]) continue;
            printf("%s %s %zu", first ? "" : ";", td_status_vi(s), t.by_status[s]);
            first = 0;
        }
        printf("\n");
    }
    /* an inspector device writes nothing (the fold refuses its entries,
     * docs/LOG.md §4): no obligations of its own */
    if (t.role == TD_ROLE_INSPECTOR) {
        printf(TD_MSG_TODO_REFUSED_IN_LOG "\n", t.n_log_refusals);
        printf(TD_MSG_TODO_INSPECTOR_READ_ONLY "\n");
        snprintf(next, sizeof next, TD_MSG_TODO_ALARM_HINT);
        goto outbox;
    }
    tdc__todo_next_cmd(t.next, next, sizeof next);

    /* 1. reports owed this period: sent, written but not sent, missing */
    {
        size_t shown = 0;
        td_date_vi(t.report_due, dbuf2, sizeof dbuf2);
        printf(TD_MSG_TODO_PERIOD_HEAD, pvi, dbuf2, t.n_owed, t.owed_sent);
        if (t.owed_late) printf(TD_MSG_TODO_LATE_COUNT, t.owed_late);
        printf(TD_MSG_TODO_PERIOD_PENDING "\n", t.owed_written, t.owed_missing);
        if (t.owed_written) {
            size_t k = 0;
            printf(TD_MSG_TODO_QUEUED_HEAD);
            for (it = tdc_todo_first(&t, TDC_TODO_OWED); it; it = tdc_todo_next(&t, it, TDC_TODO_OWED))
                if (it->owed == TD_OWED_MISSING && it->pending) printf("%s%s", k++ ? ", " : " NV ", tdc__k(it->task));
            printf("\n");
        }
        if (t.owed_missing) printf(TD_MSG_TODO_MISSING_HEAD "\n");
        for (it = tdc_todo_first(&t, TDC_TODO_OWED); it && shown < TDC_TODO_LIST_MAX;
             it = tdc_todo_next(&t, it, TDC_TODO_OWED)) {
            if (it->owed != TD_OWED_MISSING || it->pending) continue;
            tdc__todo_task(plan, it->task, line, sizeof line);
            printf("  - %s: %s\n", line, td_owed_vi(it->owed));
            shown++;
        }
        if (t.owed_missing > shown) printf(TD_MSG_TODO_MORE_TASKS "\n", t.owed_missing - shown);
        if (!t.owed_missing && !t.owed_written && t.n_owed) printf(TD_MSG_TODO_PERIOD_COMPLETE "\n");
    }

    /* 2. returned reports, with the reason */
    {
        size_t count = 0;
        for (it = tdc_todo_first(&t, TDC_TODO_RETURNED); it; it = tdc_todo_next(&t, it, TDC_TODO_RETURNED)) {
            if (!count) printf(TD_MSG_TODO_RETURNED_HEAD "\n");
            if (++count > TDC_TODO_LIST_MAX) continue;
            tdc__todo_task(plan, it->task, line, sizeof line);
            printf(TD_MSG_TODO_RETURNED_LINE "\n", line, *it->reason ? it->reason : TD_MSG_TASK_WORD_NOT_GIVEN);
            if (it->pending) printf(TD_MSG_TODO_RETURNED_FIXED "\n");
        }
        if (count > TDC_TODO_LIST_MAX) printf(TD_MSG_TODO_MORE_TASKS "\n", count - TDC_TODO_LIST_MAX);
    }

    /* 2b. conflicts: two devices of the agency reported the same task and
     * period, each not knowing the other's version */
    {
        size_t count = 0;
        for (it = tdc_todo_first(&t, TDC_TODO_CONFLICT); it; it = tdc_todo_next(&t, it, TDC_TODO_CONFLICT)) {
            if (!count) printf(TD_MSG_TODO_CONFLICTS_HEAD "\n");
            if (++count > TDC_TODO_LIST_MAX) continue;
            tdc__todo_task(plan, it->task, line, sizeof line);
            tdc_period_vi(it->period, pvi, sizeof pvi);
            printf(TD_MSG_TODO_CONFLICT_HEAD "\n", line, pvi);
            for (int j = 0; j < 2; j++) {
                const td_author *au = td_state_author(st, it->ver[j]->author);
                char at[32];
                tdc_fmt_time(it->ver[j]->device_time_ms, at, sizeof at);
                printf(TD_MSG_TODO_CONFLICT_LINE "\n",
                       j == 0 ? TD_MSG_TODO_WORD_USED : TD_MSG_TODO_WORD_REPLACED, au ? au->device : "?",
                       au && !memcmp(au->key, c.id.pk, 32) ? TD_MSG_TODO_WORD_THIS_DEVICE : "", at, tdc__state_vi(it->ver[j]->state),
                       it->ver[j]->percent, (unsigned long long)it->ver[j]->index);
            }
            printf(TD_MSG_TODO_CONFLICT_HOW "\n",
                   tdc__k(it->task), it->period, tdc__k(it->task));
        }
        if (count > TDC_TODO_LIST_MAX) printf(TD_MSG_TODO_MORE_CONFLICTS "\n", count - TDC_TODO_LIST_MAX);
    }

    /* 3. near or past the deadline */
    {
        size_t shown = 0;
        if (t.n_soon || t.n_late) printf(TD_MSG_TODO_DUE_COUNTS "\n", t.n_soon, t.n_late);
        for (it = tdc_todo_first(&t, TDC_TODO_DUE); it && shown < TDC_TODO_LIST_MAX;
             it = tdc_todo_next(&t, it, TDC_TODO_DUE)) {
            tdc__todo_task(plan, it->task, line, sizeof line);
            td_date_vi(it->due_date, dbuf2, sizeof dbuf2);
            printf("  - %s: %s%s%s%s\n", line, td_status_vi(it->status), it->due_date ? TD_MSG_TODO_WORD_DUE : "",
                   it->due_date ? dbuf2 : "", it->pending ? TD_MSG_TODO_WORD_QUEUED : "");
            shown++;
        }
        if (t.n_soon + t.n_late > shown)
            printf(TD_MSG_TODO_MORE_LATE_HINT "\n",
                   t.n_soon + t.n_late - shown);
    }

    /* 4. central: DONE reports not reviewed by the end of the date */
    if (t.role == TD_ROLE_CENTRAL) {
        size_t count = 0;
        for (it = tdc_todo_first(&t, TDC_TODO_REVIEW); it; it = tdc_todo_next(&t, it, TDC_TODO_REVIEW)) {
            if (!count) printf(TD_MSG_TODO_AWAITING_HEAD "\n");
            if (++count > TDC_TODO_LIST_MAX) continue;
            tdc_period_vi(it->period, pvi, sizeof pvi);
            tdc__todo_task(plan, it->task, line, sizeof line);
            printf(TD_MSG_TODO_AWAITING_LINE "\n", line, it->agency, pvi);
        }
        if (count > TDC_TODO_LIST_MAX) printf(TD_MSG_TODO_MORE_REPORTS "\n", count - TDC_TODO_LIST_MAX);
        printf(TD_MSG_TODO_AWAITING_COUNT "\n", count ? "" : "\n", t.n_review_waiting);
    }

outbox:
    tdc_fmt_time(t.last_sync_ms, when, sizeof when);
    printf(TD_MSG_TODO_PENDING_COUNT, t.n_pending);
    if (t.n_pending_reports) printf(TD_MSG_TODO_REPORT_COUNT, t.n_pending_reports);
    printf(TD_MSG_TODO_LAST_SYNC "\n", when);
    /* refused by the server or by the fold, any key of this device */
    if (t.n_refusals) {
        size_t nrf = 0;
        printf(TD_MSG_TODO_REFUSED_HEAD "\n");
        if (tdc_print_refusals(&c, TDC_TODO_LIST_MAX, &nrf) == 0 && nrf)
            printf(TD_MSG_TODO_REFUSED_COUNT "\n", nrf);
    }
    if (!*next && t.n_pending) snprintf(next, sizeof next, "tiendo sync");
    printf(TD_MSG_TODO_NEXT "\n", *next ? next : TD_MSG_TODO_NOTHING_LEFT,
           *next && t.n_pending && strcmp(next, "tiendo sync") ? TD_MSG_TODO_THEN_SYNC : "");
    tdc_todo_free(&t);
    tdc_ctx_close(&c);
    return 0;
}

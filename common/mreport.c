/*
 * mreport.c — the model of the consolidated monthly report (mreport.h):
 * a view over the derived state and status.h, built once, rendered by
 * mreport_text.c, mreport_csv.c and mreport_html.c.
 */
#include "clock.h"
#include "mreport.h"
#include "grow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "deadline.h"
#include "log.pb-c.h"
#include "msg.h"
#include "utf8.h"

/* Relative tolerance of an "= target" comparison: values are typed by
 * people with at most a few decimals. */
#define TD_MR_EQ_EPS 1e-9

const td_status td_mreport_status_order[7] = {
    TD_ST_DONE_ON_TIME, TD_ST_DONE_LATE,  TD_ST_AWAITING_REVIEW, TD_ST_ONGOING_ON_TIME,
    TD_ST_DUE_SOON,     TD_ST_ONGOING_LATE, TD_ST_NOT_STARTED,
};

int td_mreport_task_group_led(const td_mr_task *t)
{
    for (size_t k = 0; t->task && k < t->task->n_leads; k++)
        if (t->task->leads[k].group) return 1;
    return 0;
}

int td_mreport_task_silent(const td_mr_task *t)
{
    return t->ts->overall == TD_ST_ONGOING_LATE && !t->ts->last_report_date;
}

const char *td_iverdict_vi(td_iverdict v)
{
    switch (v) {
    case TD_IV_MET: return "Đạt";
    case TD_IV_NOT_MET: return "Chưa đạt";
    case TD_IV_TO_ASSESS: return "Chờ đánh giá";
    default: return "Chưa có số liệu";
    }
}

const char *td_iverdict_name(td_iverdict v)
{
    switch (v) {
    case TD_IV_MET: return "met";
    case TD_IV_NOT_MET: return "not-met";
    case TD_IV_TO_ASSESS: return "to-assess";
    default: return "no-data";
    }
}

const char *td_review_state_vi(td_review_state r)
{
    switch (r) {
    case TD_RV_NOT_REVIEWED: return "Chưa thẩm định";
    case TD_RV_PENDING: return TD_MSG_REVIEW_PENDING;
    case TD_RV_ACCEPTED: return "Đã chấp nhận";
    case TD_RV_RETURNED: return "Trả lại";
    default: return "Chưa có báo cáo";
    }
}

void td_mreport_opts_default(td_mreport_opts *o)
{
    td_status_opts_default(&o->status);
}

td_mreport_format td_mreport_format_parse(const char *s)
{
    if (!s) return 0;
    if (!strcmp(s, "text")) return TD_MR_TEXT;
    if (!strcmp(s, "csv")) return TD_MR_CSV;
    if (!strcmp(s, "html")) return TD_MR_HTML;
    return 0;
}

int td_mreport_render(const td_mreport *r, td_mreport_format fmt, FILE *f)
{
    switch (fmt) {
    case TD_MR_TEXT: return td_mreport_text(r, f);
    case TD_MR_CSV: return td_mreport_csv(r, f);
    case TD_MR_HTML: return td_mreport_html(r, f);
    }
    return TD_EARG;
}

/* ---- dates ------------------------------------------------------------------ */

int td_mreport_today(void) { return td_clock_today(); }

int td_mreport_default_as_of(const char *period, int today, int *as_of, td_error *err)
{
    int first, meeting;
    if (td_period_parse(period, NULL, NULL))
        return td_error_set(err, TD_EARG, "period \"%.40s\" is not YYYY-MM | kỳ \"%.40s\" không hợp lệ (cần "
                            "MM/YYYY, ví dụ 06/2025)", period ? period : "", period ? period : "");
    first = td_period_due(period, 1);
    meeting = td_period_due(period, TD_MREPORT_MEETING_DAY);
    if (today < first) {
        char d[16];
        td_date_vi(today, d, sizeof d);
        return td_error_set(err, TD_EARG, "period %s has not begun (today is %d) | kỳ %.2s/%.4s chưa bắt đầu (hôm "
                            "nay là %s)", period, today, period + 5, period, d);
    }
    *as_of = today < meeting ? today : meeting;
    return 0;
}

int td_mreport_prev_date(int d)
{
    char p[8], pp[8];
    td_period_of_date(d, p);
    td_period_prev(p, pp);
    return td_period_due(pp, d % 100);   /* clamps to the month's length */
}

void td_mreport_period_vi(const char *period, char *buf, size_t n)
{
    if (period && strlen(period) == 7 && period[4] == '-')
        snprintf(buf, n, "%.2s/%.4s", period + 5, period);
    else
        snprintf(buf, n, "%s", period ? period : "");
}

const char *td_mreport_task_label(const td_mreport *r, uint32_t key, char *buf, size_t n)
{
    return td_state_key_fmt(r->st, key, buf, n);
}

const char *td_mreport_task_k(const td_mreport *r, uint32_t key)
{
    static char b[4][48];
    static int i;
    i = (i + 1) & 3;
    return td_mreport_task_label(r, key, b[i], sizeof b[i]);
}

/* Is this task key / section or indicator code of the plan the report
 * covers?  (Every plan when opts.plan is 0; a later plan's codes are
 * "NUMBER:CODE", td_plan_merge.) */
static int td__in_plan_key(const td_mreport *r, uint32_t key)
{
    return !r->opts.plan || td_state_key_plan(r->st, key, NULL) == r->opts.plan - 1;
}

static int td__in_plan_code(const td_mreport *r, const char *code)
{
    const char *colon;
    int k = 0;
    if (!r->opts.plan) return 1;
    if (code && (colon = strchr(code, ':'))) {
        for (size_t i = 1; i < td_state_plan_count(r->st); i++) {
            const char *num = td_state_plan_at(r->st, i)->number;
            if (strlen(num) == (size_t)(colon - code) && !strncmp(num, code, (size_t)(colon - code))) k = (int)i;
        }
    }
    return k == r->opts.plan - 1;
}

/* Keep only the statuses of the report's plan's tasks.  The report's
 * template has seven statuses: a task or lead never reported on
 * (TD_ST_NEVER_REPORTED) is its "Đang thực hiện quá hạn" row's "chưa có báo
 * cáo" part (td_mreport_task_silent, no_report), so it is counted there. */
static void td__filter_status(const td_mreport *r, td_task_status *v, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        if (v[i].overall == TD_ST_NEVER_REPORTED) v[i].overall = TD_ST_ONGOING_LATE;
        for (size_t l = 0; l < v[i].n_leads; l++)
            if (v[i].leads[l].status == TD_ST_NEVER_REPORTED) v[i].leads[l].status = TD_ST_ONGOING_LATE;
        if (td__in_plan_key(r, v[i].task)) v[k++] = v[i];
        else td_task_status_free(&v[i]);
    }
    *n = k;
}

void td_mreport_head_of(const td_mreport *r, td_mreport_head *h)
{
    td_mreport_title(r, h->title, sizeof h->title);
    td_date_vi(r->as_of, h->as_of, sizeof h->as_of);
    td_date_vi(r->prev_as_of, h->prev_as_of, sizeof h->prev_as_of);
    td_date_vi(r->due_date, h->due, sizeof h->due);
}

void td_mreport_title(const td_mreport *r, char *buf, size_t n)
{
    char pv[16];
    td_mreport_period_vi(r->period, pv, sizeof pv);
    if (td_state_plan_count(r->st) > 1) {
        /* one plan, or every plan together */
        size_t l = 0;
        l += (size_t)snprintf(buf, n, "Báo cáo tiến độ thực hiện %s", r->opts.plan ? "Kế hoạch " : "các Kế hoạch ");
        for (size_t i = 0; i < td_state_plan_count(r->st) && l < n; i++)
            if (!r->opts.plan || (size_t)r->opts.plan == i + 1)
                l += (size_t)snprintf(buf + l, n - l, "%s%s", r->opts.plan || !i ? "" : ", ",
                                      td_state_plan_at(r->st, i)->number);
        if (l < n) snprintf(buf + l, n - l, " — tháng %s", pv);
        return;
    }
    snprintf(buf, n, "Báo cáo tiến độ thực hiện Kế hoạch %s — tháng %s",
             r->plan && r->plan->number && *r->plan->number ? r->plan->number : "(chưa có số hiệu)", pv);
}

void td_mreport_write_sections(const td_mreport *r, FILE *f, const td_mreport_sections *w)
{
    w->summary(r, f);
    w->tasks(r, f);
    w->agencies(r, f);
    w->items(r, f);
    w->indicators(r, f);
    w->flagged(r, f);
}

/* "57,3": at most 3 decimals, trailing zeros dropped, decimal comma. */
static void td__num_vi(double v, char *buf, size_t n)
{
    char *dot, *e;
    snprintf(buf, n, "%.3f", v);
    if ((dot = strchr(buf, '.'))) {
        e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0') *e-- = '\0';
        if (e == dot) *e = '\0';
        else *dot = ',';
    }
    if (!strcmp(buf, "-0")) snprintf(buf, n, "0");
}

void td_mreport_value_vi(const td_mr_indicator *mi, char *buf, size_t n)
{
    if (!mi->v) {
        snprintf(buf, n, "%s", "");
        return;
    }
    if (mi->v->has_value) {
        char num[64];
        td__num_vi(mi->v->value, num, sizeof num);
        if (*mi->v->text) snprintf(buf, n, "%s (%s)", num, mi->v->text);
        else snprintf(buf, n, "%s", num);
    } else {
        snprintf(buf, n, "%s", mi->v->text);
    }
}

void td_mreport_time_vi(int64_t ms, char *buf, size_t n)
{
    char d[16];
    int64_t sec = ms / 1000 + 7 * 3600, tod = ((sec % 86400) + 86400) % 86400;
    if (ms <= 0) {
        snprintf(buf, n, "%s", "");
        return;
    }
    td_date_vi(td_state_device_date(ms), d, sizeof d);
    snprintf(buf, n, "%s %02d:%02d", d, (int)(tod / 3600), (int)(tod / 60 % 60));
}

void td_mreport_diff(int d, char *buf, size_t n)
{
    if (d > 0) snprintf(buf, n, "+%d", d);
    else snprintf(buf, n, "%d", d);
}

size_t td_mreport_width_max(const char *s, size_t max)
{
    size_t w = 0, len = strlen(s);
    while (len && w <= max) {
        uint32_t cp;
        int k;
        if ((unsigned char)*s < 0x80) {   /* ASCII: one column (td_utf8_decode's answer, without the call) */
            w++;
            s++;
            len--;
            continue;
        }
        k = td_utf8_decode(s, len, &cp);
        /* combining diacritics (NFD leftovers) take no column */
        if (!(cp >= 0x300 && cp <= 0x36F)) w++;
        s += k;
        len -= (size_t)k;
    }
    return w;
}

size_t td_mreport_width(const char *s)
{
    return td_mreport_width_max(s, SIZE_MAX - 1);
}

const char *td_mreport_agency_name(const td_mreport *r, const char *slug)
{
    const td_agency *a = td_registry_agency(td_state_registry(r->st), slug);
    return a && a->name ? a->name : slug;
}

/* ---- building ---------------------------------------------------------------- */

static int td__cmp_review(const void *a, const void *b)
{
    const td_review_event *x = *(const td_review_event *const *)a, *y = *(const td_review_event *const *)b;
    if (x->report_index != y->report_index) return x->report_index < y->report_index ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The last review of report version `ri` received by `end_ms`. */
static const td_review_event *td__review_of(const td_review_event **v, size_t n, uint64_t ri, int64_t end_ms)
{
    size_t lo = 0, hi = n;
    const td_review_event *best = NULL;
    while (lo < hi) {   /* first with report_index >= ri */
        size_t mid = (lo + hi) / 2;
        if (v[mid]->report_index < ri) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < n && v[lo]->report_index == ri; lo++)
        if (v[lo]->received_ms < end_ms) best = v[lo];
    return best;
}

/* The report version at log index `idx` (versions are in log order). */
static const td_report_version *td__version_at(const td_report_version *v, size_t n, uint64_t idx)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid].index < idx) lo = mid + 1;
        else if (v[mid].index > idx) hi = mid;
        else return &v[mid];
    }
    return NULL;
}

/* Worse review state first: what the meeting must act on. */
static int td__review_weight(td_review_state r)
{
    switch (r) {
    case TD_RV_RETURNED: return 5;
    case TD_RV_PENDING: return 4;
    case TD_RV_NOT_REVIEWED: return 3;
    case TD_RV_NONE: return 2;
    case TD_RV_ACCEPTED: return 1;
    }
    return 0;
}

static int td__push_item(td_mr_item **v, size_t *n, const td_mr_task *t, const td_mr_lead *l)
{
    if (TD_GROW_ONE(*v, *n)) return TD_ENOMEM;
    (*v)[*n].t = t;
    (*v)[*n].l = l;
    (*n)++;
    return 0;
}

static int td__build_tasks(td_mreport *r, td_error *err)
{
    const td_state *st = r->st;
    int64_t end_ms = td_state_day_end_ms(r->as_of);
    size_t n_rev, n_ver;
    const td_review_event *rev = td_state_reviews(st, &n_rev);
    const td_report_version *ver = td_state_report_versions(st, &n_ver);
    const td_review_event **rv = NULL;
    int rc = 0;

    if (n_rev && !(rv = malloc(n_rev * sizeof *rv))) return td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
    for (size_t i = 0; i < n_rev; i++) rv[i] = &rev[i];
    if (n_rev) qsort(rv, n_rev, sizeof *rv, td__cmp_review);

    if (!(r->tasks = calloc(r->n_cur ? r->n_cur : 1, sizeof *r->tasks))) {
        rc = td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
        goto out;
    }
    r->n_tasks = r->n_cur;
    for (size_t i = 0; i < r->n_cur; i++) {
        td_mr_task *t = &r->tasks[i];
        const td_task_status *ts = &r->cur[i];
        const td_lead_status *latest = NULL;
        unsigned sum = 0;
        t->ts = ts;
        t->task = td_plan_task(r->plan, (int)ts->task);
        t->result = t->difficulties = t->proposals = "";
        t->prev_overall = TD_ST_NONE;
        for (size_t j = i < r->n_prev && r->prev[i].task == ts->task ? i : 0; j < r->n_prev; j++)
            if (r->prev[j].task == ts->task) {
                t->prev_overall = r->prev[j].overall;
                t->prev_silent = r->prev[j].overall == TD_ST_ONGOING_LATE && !r->prev[j].last_report_date;
                break;
            }
        if (ts->n_leads && !(t->leads = calloc(ts->n_leads, sizeof *t->leads))) {
            rc = td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
            goto out;
        }
        t->review = TD_RV_NONE;
        for (size_t k = 0; k < ts->n_leads; k++) {
            const td_lead_status *ls = &ts->leads[k];
            td_mr_lead *l = &t->leads[k];
            const td_review_event *re = NULL;
            l->ls = ls;
            l->slug = ls->agency;
            l->name = td_mreport_agency_name(r, ls->agency);
            l->review_comment = "";
            if (ls->report_index) re = td__review_of(rv, n_rev, ls->report_index, end_ms);
            if (!ls->report_index) l->review = TD_RV_NONE;
            else if (ls->returned || (re && !re->accept)) l->review = TD_RV_RETURNED;
            else if (re && re->accept) l->review = TD_RV_ACCEPTED;
            else if (ls->status == TD_ST_AWAITING_REVIEW || ls->report_state == TIENDO__REPORT_STATE__REPORT_DONE)
                l->review = TD_RV_PENDING;
            else l->review = TD_RV_NOT_REVIEWED;
            if (re) {
                l->review_comment = re->comment;
                l->review_date = td_state_device_date(re->device_time_ms);
            }
            if (l->review == TD_RV_RETURNED && ls->return_comment && *ls->return_comment)
                l->review_comment = ls->return_comment;
            sum += ls->report_index ? ls->percent : 0;
            if (k == 0 || td__review_weight(l->review) > td__review_weight(t->review)) t->review = l->review;
            if (ls->report_index &&
                (!latest || ls->last_report_date > latest->last_report_date ||
                 (ls->last_report_date == latest->last_report_date && ls->report_index > latest->report_index)))
                latest = ls;
        }
        t->percent = ts->n_leads ? (unsigned)((sum + ts->n_leads / 2) / ts->n_leads) : 0;
        if (latest) {
            const td_report_version *v = td__version_at(ver, n_ver, latest->report_index);
            const td_report *cr = v ? td_state_version_report(st, v) : NULL;
            t->text_index = latest->report_index;
            if (cr && cr->index == latest->report_index) {
                t->result = cr->result;
                t->difficulties = cr->difficulties;
                t->proposals = cr->proposals;
            } else {
                t->text_missing = 1;
            }
        }
    }
out:
    free(rv);
    return rc;
}

static int td__build_sections(td_mreport *r, td_error *err)
{
    const td_plan *p = r->plan;
    size_t ns = p->n_sections;
    if (!(r->sections = calloc(ns + 1, sizeof *r->sections))) return td_error_set(err, TD_ENOMEM, "out of memory | "
                                                                                  TD_MSG_NOMEM);
    r->n_sections = ns + 1;
    for (size_t s = 0, k = 0; s < p->n_sections; s++) {
        if (!td__in_plan_code(r, p->sections[s].code)) {
            ns--;
            continue;
        }
        r->sections[k].code = p->sections[s].code;
        r->sections[k++].title = p->sections[s].title ? p->sections[s].title : "";
    }
    r->n_sections = ns + 1;
    r->sections[ns].code = "";
    r->sections[ns].title = "Tổng số";
    for (size_t i = 0; i < r->n_tasks; i++) {
        const td_mr_task *t = &r->tasks[i];
        td_mr_section *tot = &r->sections[ns];
        for (size_t s = 0; s < ns; s++)
            if (t->task && t->task->section && !strcmp(t->task->section, r->sections[s].code)) {
                r->sections[s].n_tasks++;
                r->sections[s].cur[t->ts->overall]++;
                r->sections[s].prev[t->prev_overall]++;
                r->sections[s].silent_cur += td_mreport_task_silent(t);
                r->sections[s].silent_prev += (unsigned)t->prev_silent;
                break;
            }
        tot->n_tasks++;
        tot->cur[t->ts->overall]++;
        tot->prev[t->prev_overall]++;
        tot->silent_cur += td_mreport_task_silent(t);
        tot->silent_prev += (unsigned)t->prev_silent;
    }
    return 0;
}

/* Position of an agency in the registry (its order: departments, provincial
 * bodies, districts), agencies not in it after all others. */
static size_t td__reg_pos(const td_registry *reg, const char *slug)
{
    for (size_t i = 0; i < reg->n_agencies; i++)
        if (!strcmp(reg->agencies[i].slug, slug)) return i;
    return reg->n_agencies;
}

static td_mr_agency *td__agency_slot(td_mreport *r, const char *slug)
{
    td_mr_agency *nv;
    for (size_t i = 0; i < r->n_agencies; i++)   /* slugs are mostly the registry's own pointers */
        if (r->agencies[i].slug == slug) return &r->agencies[i];
    for (size_t i = 0; i < r->n_agencies; i++)
        if (!strcmp(r->agencies[i].slug, slug)) return &r->agencies[i];
    if (TD_GROW_ONE(r->agencies, r->n_agencies)) return NULL;
    nv = &r->agencies[r->n_agencies++];
    memset(nv, 0, sizeof *nv);
    nv->slug = slug;
    nv->name = td_mreport_agency_name(r, slug);
    return nv;
}

/* Remember that agency a carries pred's record (a few names at most). */
static int td__note_pred(td_mr_agency *a, const char *pred)
{
    for (size_t i = 0; i < a->n_preds; i++)
        if (!strcmp(a->preds[i], pred)) return 0;
    if (a->n_preds < TD_MR_PREDS_MAX) a->preds[a->n_preds++] = pred;
    return 0;
}

static const td_registry *td__cmp_reg;
static int td__cmp_agency(const void *a, const void *b)
{
    const td_mr_agency *x = a, *y = b;
    size_t px = td__reg_pos(td__cmp_reg, x->slug), py = td__reg_pos(td__cmp_reg, y->slug);
    if (px != py) return px < py ? -1 : 1;
    return strcmp(x->slug, y->slug);
}

static const td_mr_agency *td__cmp_rank_base;
/* The emulation rule (TD_MREPORT_RANK_RULE) without the final tie-break. */
static int td__rank_key_cmp(const td_mr_agency *x, const td_mr_agency *y)
{
    /* on-time share x.on/x.owed vs y.on/y.owed, exactly (cross products) */
    unsigned long long lx = (unsigned long long)x->now.on_time * y->now.owed,
                       ly = (unsigned long long)y->now.on_time * x->now.owed;
    if (lx != ly) return lx > ly ? -1 : 1;
    if (x->now.missing != y->now.missing) return x->now.missing < y->now.missing ? -1 : 1;
    if (x->now.late != y->now.late) return x->now.late < y->now.late ? -1 : 1;
    return 0;
}

static int td__cmp_rank(const void *a, const void *b)
{
    const td_mr_agency *x = &td__cmp_rank_base[*(const size_t *)a], *y = &td__cmp_rank_base[*(const size_t *)b];
    int c = td__rank_key_cmp(x, y);
    return c ? c : strcmp(x->slug, y->slug);
}

static int td__build_agencies(td_mreport *r, td_error *err)
{
    const td_registry *reg = td_state_registry(r->st);
    int rc;
    for (int m = 0; m < TD_MREPORT_MONTHS; m++) {
        td_obligation *ob = NULL;
        size_t n = 0;
        /* the obligations come by agency: one look-up per agency that still exists at as_of (responsible
         * for each of its tasks itself, td_registry_responsible) and its slot */
        const char *run = NULL;
        size_t run_slot = SIZE_MAX;
        int run_self = 0;
        if ((rc = td_status_obligations(r->st, r->periods[m], r->as_of, &r->opts.status, NULL, &ob, &n, err)))
            return rc;
        for (size_t i = 0; i < n; i++) {
            const char *who;
            td_mr_agency *a;
            td_mr_owed *o;
            if (!td__in_plan_key(r, ob[i].task)) continue;
            if (ob[i].agency != run) {
                const td_agency *ag = td_registry_agency(reg, ob[i].agency);
                run = ob[i].agency;
                run_self = ag && (ag->valid_to == 0 || r->as_of < ag->valid_to);
                run_slot = SIZE_MAX;
            }
            if (run_self && run_slot != SIZE_MAX) {
                a = &r->agencies[run_slot];
                who = a->slug;
            } else {
                /* an agency renamed, merged or split since: its months count for
                 * the agency responsible at as_of, which carries its record */
                who = td_registry_responsible(reg, ob[i].agency, r->as_of, (int)ob[i].task);
                a = td__agency_slot(r, who ? who : ob[i].agency);
                if (a && run_self) run_slot = (size_t)(a - r->agencies);
            }
            if (!a) {
                free(ob);
                return td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
            }
            if (who && strcmp(who, ob[i].agency) && td__note_pred(a, ob[i].agency)) {
                free(ob);
                return td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
            }
            o = &a->months[m];
            o->owed++;
            if (ob[i].state == TD_OWED_ON_TIME) o->on_time++;
            else if (ob[i].state == TD_OWED_LATE) o->late++;
            else o->missing++;
            if (ob[i].returned) o->returned++;
        }
        free(ob);
    }
    td__cmp_reg = td_state_registry(r->st);
    if (r->n_agencies) qsort(r->agencies, r->n_agencies, sizeof *r->agencies, td__cmp_agency);
    if (r->n_agencies && !(r->ranking = malloc(r->n_agencies * sizeof *r->ranking)))
        return td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
    for (size_t i = 0; i < r->n_agencies; i++) {
        r->agencies[i].now = r->agencies[i].months[TD_MREPORT_MONTHS - 1];
        if (r->agencies[i].now.owed) r->ranking[r->n_ranked++] = i;
    }
    td__cmp_rank_base = r->agencies;
    if (r->n_ranked) qsort(r->ranking, r->n_ranked, sizeof *r->ranking, td__cmp_rank);
    for (size_t k = 0; k < r->n_ranked; k++) {
        td_mr_agency *a = &r->agencies[r->ranking[k]];
        if (k > 0 && !td__rank_key_cmp(&r->agencies[r->ranking[k - 1]], a))
            a->rank = r->agencies[r->ranking[k - 1]].rank;
        else
            a->rank = (unsigned)k + 1;
    }
    return 0;
}

static int td__build_lists(td_mreport *r, td_error *err)
{
    for (size_t i = 0; i < r->n_tasks; i++) {
        const td_mr_task *t = &r->tasks[i];
        for (size_t k = 0; k < t->ts->n_leads; k++) {
            const td_mr_lead *l = &t->leads[k];
            int rc = 0;
            if (l->ls->status == TD_ST_ONGOING_LATE) rc = td__push_item(&r->overdue, &r->n_overdue, t, l);
            if (!rc && l->ls->status == TD_ST_DUE_SOON) rc = td__push_item(&r->due_soon, &r->n_due_soon, t, l);
            if (!rc && l->review == TD_RV_RETURNED) rc = td__push_item(&r->returned, &r->n_returned, t, l);
            if (rc) return td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
        }
    }
    return 0;
}

/* Is value v on the right side of target t? */
static td_iverdict td__judge(const td_target *t, double v)
{
    double eps = TD_MR_EQ_EPS * (fabs(t->lo) > 1 ? fabs(t->lo) : 1);
    int ok = 0;
    if (t->kind == TD_TARGET_RANGE) {
        ok = v >= t->lo - eps && v <= t->hi + eps;
    } else {
        switch (t->op) {
        case TD_OP_GE: ok = v >= t->lo - eps; break;
        case TD_OP_LE: ok = v <= t->lo + eps; break;
        case TD_OP_GT: ok = v > t->lo + eps; break;
        case TD_OP_LT: ok = v < t->lo - eps; break;
        case TD_OP_EQ: ok = fabs(v - t->lo) <= eps; break;
        }
    }
    return ok ? TD_IV_MET : TD_IV_NOT_MET;
}

/* Later value first: period, then the fold's order of versions (hlc, key, seq). */
static int td__value_later(const td_indicator_value *a, const td_indicator_value *b)
{
    int c = strcmp(a->period, b->period);
    if (c) return c > 0;
    if (a->hlc != b->hlc) return a->hlc > b->hlc;
    c = memcmp(a->author, b->author, 32);
    if (c) return c > 0;
    return a->seq > b->seq;
}

static int td__build_indicators(td_mreport *r, td_error *err)
{
    const td_plan *p = r->plan;
    size_t nv;
    const td_indicator_value *vals = td_state_indicator_values(r->st, &nv);
    int64_t end_ms = td_state_day_end_ms(r->as_of);
    if (p->n_indicators && !(r->indicators = calloc(p->n_indicators, sizeof *r->indicators)))
        return td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
    for (size_t i = 0; i < p->n_indicators; i++) {
        const td_indicator *ind = &p->indicators[i];
        td_mr_indicator *mi;
        const td_indicator_value *best = NULL;
        if (ind->heading || !td__in_plan_code(r, ind->code)) continue;
        mi = &r->indicators[r->n_indicators++];
        mi->ind = ind;
        for (size_t k = 0; k < nv; k++) {
            const td_indicator_value *v = &vals[k];
            if (strcmp(v->code, ind->code) || strcmp(v->period, r->period) > 0 || v->received_ms >= end_ms) continue;
            if (!best || td__value_later(v, best)) best = v;
        }
        mi->v = best;
        if (!best) {
            mi->verdict = TD_IV_NO_DATA;
        } else if (ind->target.kind == TD_TARGET_VALUE || ind->target.kind == TD_TARGET_RANGE) {
            if (!best->has_value) mi->verdict = TD_IV_NO_DATA;
            else {
                double ref = ind->target.kind == TD_TARGET_RANGE ? ind->target.hi : ind->target.lo;
                mi->verdict = td__judge(&ind->target, best->value);
                mi->ratio = ref != 0 ? best->value / ref : 0;
            }
        } else {
            /* qualitative (or no) target: a person judges.  Central's value
             * with a number is its assessment: >= 1 met, else not met. */
            const td_author *au = td_state_author(r->st, best->author);
            if (best->has_value && au && au->role == TD_ROLE_CENTRAL)
                mi->verdict = best->value >= 1 ? TD_IV_MET : TD_IV_NOT_MET;
            else
                mi->verdict = TD_IV_TO_ASSESS;
        }
        r->ind_count[mi->verdict]++;
    }
    return 0;
}

static int td__cmp_flagged(const void *a, const void *b)
{
    const td_report *x = ((const td_mr_flagged *)a)->r, *y = ((const td_mr_flagged *)b)->r;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int td__build_flagged(td_mreport *r, td_error *err)
{
    size_t n;
    /* The current reports, found through their versions (in log order, no
     * sorted copy to make): a report carries its current version's flags,
     * so only a flagged version can be a flagged current report. */
    const td_report_version *ver = td_state_report_versions(r->st, &n);
    int64_t end_ms = td_state_day_end_ms(r->as_of);
    for (size_t i = 0; i < n; i++) {
        const td_report *rep;
        if (!ver[i].time_flags) continue;
        rep = td_state_version_report_notext(r->st, &ver[i]);   /* its flags and dates only */
        if (!rep || rep->index != ver[i].index) continue;   /* superseded */
        if (!rep->time_flags || rep->received_ms >= end_ms || !td__in_plan_key(r, rep->task)) continue;
        /* a report signed after the server received it (a PC clock ahead)
         * claims a later period than the meeting's: flagged all the same */
        if (strcmp(rep->period, r->periods[0]) < 0 ||
            (strcmp(rep->period, r->period) > 0 && !(rep->time_flags & TD_TIMEF_FUTURE)))
            continue;
        if (TD_GROW_ONE(r->flagged, r->n_flagged))
            return td_error_set(err, TD_ENOMEM, "out of memory | " TD_MSG_NOMEM);
        r->flagged[r->n_flagged++].r = rep;
    }
    if (r->n_flagged) qsort(r->flagged, r->n_flagged, sizeof *r->flagged, td__cmp_flagged);
    return 0;
}

int td_mreport_build(const td_state *st, const char *period, int as_of, const td_mreport_opts *opts,
                     td_mreport *r, td_error *err)
{
    int rc;
    memset(r, 0, sizeof *r);
    if (td_period_parse(period, NULL, NULL))
        return td_error_set(err, TD_EARG, "period \"%.40s\" is not YYYY-MM | kỳ \"%.40s\" không hợp lệ (cần "
                            "MM/YYYY, ví dụ 06/2025)", period ? period : "", period ? period : "");
    if (!td_date_valid(as_of))
        return td_error_set(err, TD_EARG, "as-of date %d is not a date | ngày chốt số liệu %d không phải ngày "
                            "hợp lệ (cần dd/mm/yyyy)", as_of, as_of);
    if (!td_state_has_plan(st))
        return td_error_set(err, TD_ENOTFOUND, "the log holds no plan yet | sổ cái chưa có kế hoạch nào (chưa "
                            "nhập kế hoạch hoặc chưa đồng bộ)");
    r->st = st;
    r->plan = td_state_plan(st);
    if (opts) r->opts = *opts;
    else td_mreport_opts_default(&r->opts);
    snprintf(r->period, sizeof r->period, "%s", period);
    snprintf(r->periods[TD_MREPORT_MONTHS - 1], 8, "%s", period);
    for (int m = TD_MREPORT_MONTHS - 2; m >= 0; m--) td_period_prev(r->periods[m + 1], r->periods[m]);
    r->as_of = as_of;
    r->prev_as_of = td_mreport_prev_date(as_of);
    r->due_date = td_period_due(period, r->opts.status.report_due_day);
    r->last_index = td_state_last_index(st);
    if ((rc = td_status_all(st, as_of, &r->opts.status, &r->cur, &r->n_cur, err)) ||
        (rc = td_status_all(st, r->prev_as_of, &r->opts.status, &r->prev, &r->n_prev, err)) ||
        (td__filter_status(r, r->cur, &r->n_cur), td__filter_status(r, r->prev, &r->n_prev), 0) ||
        (rc = td__build_tasks(r, err)) || (rc = td__build_sections(r, err)) || (rc = td__build_agencies(r, err)) ||
        (rc = td__build_lists(r, err)) || (rc = td__build_indicators(r, err)) || (rc = td__build_flagged(r, err))) {
        td_mreport_free(r);
        return rc;
    }
    return 0;
}

void td_mreport_free(td_mreport *r)
{
    if (!r) return;
    for (size_t i = 0; r->tasks && i < r->n_tasks; i++) free(r->tasks[i].leads);
    free(r->tasks);
    if (r->cur) td_status_all_free(r->cur, r->n_cur);
    if (r->prev) td_status_all_free(r->prev, r->n_prev);
    free(r->sections);
    free(r->agencies);
    free(r->ranking);
    free(r->overdue);
    free(r->due_soon);
    free(r->returned);
    free(r->indicators);
    free(r->flagged);
    memset(r, 0, sizeof *r);
}

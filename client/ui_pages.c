/*
 * ui_pages.c — the pages of `tiendo ui` (ui.h), server-rendered HTML that
 * works without JavaScript (JS only saves drafts while the clerk types).
 * Every page calls the application layer (app.h, report_entry.h, the
 * derived state of common/derive.h and common/status.h), as the commands
 * do; nothing here decides a rule of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "grow.h"
#include "deadline.h"
#include "derive.h"
#include "draft.h"
#include "html.h"
#include "log.h"
#include "log.pb-c.h"
#include "mreport.h"
#include "msg.h"
#include "report_entry.h"
#include "status.h"
#include "ui.h"
#include "ui_int.h"
#include "utf8.h"

/* Rows shown per list before "... và N khác". */
#define TDC_UI_LIST_MAX 200

void tdc_ui_esc(FILE *f, const char *s) { td_html_esc(f, s); }

/* URL-encode s (query values). */
static void tdc__urlenc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.')
            fputc(c, f);
        else
            fprintf(f, "%%%02X", c);
    }
}

/* A task key for people ("47", or "245:18" with several plans: docs/LOG.md
 * §14); four rotating buffers, so one printf may show several.  Links and
 * forms carry the key itself. */
const char *tdc_ui_k(const td_state *st, uint32_t key) { return tdc_key_label(st, key); }

static const char *tdc__agency_name(const td_state *st, const char *slug)
{
    const td_agency *a = st ? td_registry_agency(td_state_registry(st), slug) : NULL;
    return a && a->name && *a->name ? a->name : slug;
}

/* Lower case without diacritics, for searching "so hoa" in "Số hóa". */
static char *tdc__fold(const char *s)
{
    static const struct {
        const char *from;
        char to;
    } map[] = {
        {"àáạảãâầấậẩẫăằắặẳẵ", 'a'}, {"èéẹẻẽêềếệểễ", 'e'}, {"ìíịỉĩ", 'i'},
        {"òóọỏõôồốộổỗơờớợởỡ", 'o'}, {"ùúụủũưừứựửữ", 'u'}, {"ỳýỵỷỹ", 'y'}, {"đ", 'd'},
    };
    char *nfc = td_vi_nfc(s ? s : ""), *low = nfc ? td_vi_lower(nfc) : NULL, *out, *w;
    const char *p;
    free(nfc);
    if (!low) return NULL;
    if (!(out = malloc(strlen(low) + 1))) {
        free(low);
        return NULL;
    }
    for (p = low, w = out; *p;) {
        uint32_t cp;
        int k = td_utf8_decode(p, strlen(p), &cp);
        char rep = 0;
        if (k <= 0) k = 1;
        if (k > 1)
            for (size_t m = 0; m < sizeof map / sizeof map[0] && !rep; m++) {
                const char *q = map[m].from;
                while (*q) {
                    uint32_t c2;
                    int k2 = td_utf8_decode(q, strlen(q), &c2);
                    if (k2 <= 0) break;
                    if (c2 == cp) {
                        rep = map[m].to;
                        break;
                    }
                    q += k2;
                }
            }
        if (rep) *w++ = rep;
        else
            for (int i = 0; i < k; i++) *w++ = p[i];
        p += k;
    }
    *w = 0;
    free(low);
    return out;
}

/* ---- page frame ------------------------------------------------------------ */

static void tdc__sync_box(tdc_ui *ui, FILE *f, int full);

static void tdc__head_r(tdc_ui *ui, FILE *f, const char *title, const char *active, unsigned refresh_s)
{
    int central = ui->ctx.id.subject.role == TD_ROLE_CENTRAL;
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    size_t open_alarms = 0;
    int n_alarms = tdc_ui_alarm_count(ui, &open_alarms);
    struct {
        const char *href, *label, *key;
        int show;
    } nav[] = {
        {"/", TD_UI_FRAME_MENU_TODO, "todo", 1},
        {"/tasks", TD_UI_COL_TASK, "tasks", 1},
        {"/indicator", TD_UI_MENU_INDICATOR, "indicator", ui->ctx.id.subject.role == TD_ROLE_OFFICE},
        {"/review", TD_UI_MENU_REVIEW, "review", central},
        {"/missing", TD_UI_FRAME_MENU_MISSING, "missing", central},
        {"/dashboard", TD_UI_MENU_DASHBOARD, "dashboard", central || ui->ctx.id.subject.role == TD_ROLE_INSPECTOR},
        {"/deadlines", TD_UI_MENU_DEADLINES, "deadlines", 1},
        {"/mreport", TD_UI_MENU_MREPORT, "mreport", 1},
        {"/audit", TD_UI_FRAME_MENU_AUDIT, "audit", ui->ctx.id.subject.role == TD_ROLE_INSPECTOR},
        {"/audit/history", TD_UI_FRAME_MENU_HISTORY, "history", ui->ctx.id.subject.role == TD_ROLE_INSPECTOR},
        {"/alarms", TD_UI_FRAME_MENU_ALARMS, "alarms", ui->ctx.id.subject.role == TD_ROLE_INSPECTOR || n_alarms > 0},
    };
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<meta name=\"csrf\" content=\"%s\"><title>", ui->csrf);
    tdc_ui_esc(f, title);
    fprintf(f, " — tiendo</title>");
    /* a page that follows a background job reloads itself without the
     * script; with it, the script polls instead (noscript) */
    if (refresh_s)
        fprintf(f, "<noscript><meta http-equiv=\"refresh\" content=\"%u\"></noscript>", refresh_s);
    fprintf(f, "<link rel=\"stylesheet\" href=\"/static/app.css\">"
               "<script src=\"/static/app.js\" defer></script></head><body>\n"
               "<header><div class=\"brand\">tiendo <span>");
    tdc_ui_esc(f, tdc__agency_name(st, ui->ctx.id.subject.agency));
    fprintf(f, "</span></div><nav aria-label=\"" TD_UI_FRAME_MENU_LABEL "\"><ul>");
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
        if (!nav[i].show) continue;
        fprintf(f, "<li><a href=\"%s\"%s>%s</a></li>", nav[i].href,
                !strcmp(active, nav[i].key) ? " aria-current=\"page\"" : "", nav[i].label);
    }
    fprintf(f, "</ul></nav>");
    tdc__sync_box(ui, f, 0);
    fprintf(f, "</header>\n<main id=\"main\">\n");
    tdc_ui_cert_banner(ui, f);
    if (open_alarms) tdc_ui_alarm_banner(ui, f);
    fprintf(f, "<h1>");
    tdc_ui_esc(f, title);
    fprintf(f, "</h1>\n");
}

static void tdc__head(tdc_ui *ui, FILE *f, const char *title, const char *active)
{
    tdc__head_r(ui, f, title, active, 0);
}

static void tdc__foot(FILE *f)
{
    fprintf(f, "</main></body></html>\n");
}

static void tdc__csrf_field(tdc_ui *ui, FILE *f)
{
    fprintf(f, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", ui->csrf);
}

static void tdc__date(int yyyymmdd, char *buf, size_t n)
{
    if (yyyymmdd) td_date_vi(yyyymmdd, buf, n);
    else snprintf(buf, n, "—");
}

/* The background sync's state, and "Gửi ngay". */
static void tdc__sync_box(tdc_ui *ui, FILE *f, int full)
{
    tdc_ui_sync s;
    tdc_replica_meta meta;
    td_error e;
    char when[40], next[40];
    pthread_mutex_lock(&ui->lock);
    s = ui->sync;
    pthread_mutex_unlock(&ui->lock);
    memset(&meta, 0, sizeof meta);
    tdc_replica_meta_get(ui->ctx.rep, &meta, &e);
    tdc_fmt_time(meta.last_sync_ms, when, sizeof when);
    fprintf(f, "<section class=\"sync%s\" aria-label=\"" TD_UI_SYNC_TITLE
               "\" id=\"sync\">", s.last_ok || !s.last_attempt_ms ? "" : " bad");
    if (meta.n_pending)
        fprintf(f, "<p class=\"pending\"><strong>" TD_UI_FRAME_SYNC_PENDING
                   "</strong></p>", (unsigned long long)meta.n_pending);
    else
        fprintf(f, "<p>" TD_UI_FRAME_SYNC_NONE_PENDING "</p>");
    fprintf(f, "<p>" TD_UI_FRAME_SYNC_LAST "</p>", when);
    if (s.running) fprintf(f, "<p>" TD_UI_FRAME_SYNC_RUNNING "</p>");
    else if (!s.last_ok && s.last_attempt_ms) {
        size_t el = strlen(s.last_error);
        fprintf(f, "<p class=\"err\">" TD_UI_FRAME_SYNC_FAILED " ");
        tdc_ui_esc(f, s.last_error);
        td_clock_fmt(s.next_ms, next, sizeof next);
        fprintf(f, TD_UI_FRAME_SYNC_RETRY_AT "</p>", el && s.last_error[el - 1] == '.' ? "" : ".", next);
    }
    if (s.alarm_id)
        fprintf(f, "<p class=\"err\" role=\"alert\">" TD_UI_FRAME_SYNC_ALARM_BEFORE "<a href=\"/alarm?id="
                   "%lld\">" TD_UI_FRAME_SYNC_ALARM_LINK "</a>" TD_UI_FRAME_SYNC_ALARM_AFTER "</p>",
                (long long)s.alarm_id, (long long)s.alarm_id);
    if (full && meta.n_refused)
        fprintf(f, "<p class=\"err\">" TD_UI_FRAME_SYNC_REFUSED "</p>",
                (unsigned long long)meta.n_refused);
    fprintf(f, "<form method=\"post\" action=\"/sync\">");
    tdc__csrf_field(ui, f);
    fprintf(f, "<button type=\"submit\">" TD_UI_BUTTON_SYNC_NOW "</button></form></section>");
}

/* ---- tasks ------------------------------------------------------------------ */

static int tdc__role(const td_state *st, uint32_t task, int date, const char *agency)
{
    const char **v = NULL;
    size_t n = 0;
    int role = 0;
    for (int which = 0; which < 2 && !role; which++) {
        if (td_state_task_agencies(st, task, date, which ? TD_TASK_PARTNERS : TD_TASK_LEADS, &v, &n)) return 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(v[i], agency)) role = which ? 2 : 1;
        free(v);
        v = NULL;
    }
    return role;
}

static void tdc__page_tasks(tdc_ui *ui, const tdc_ui_form *q, FILE *f)
{
    tdc_ctx *c = &ui->ctx;
    const td_state *st = tdc_replica_state(c->rep);
    const td_plan *plan;
    const char *qs = tdc_ui_form_get(q, "q"), *role_s = tdc_ui_form_get(q, "role"),
               *status_s = tdc_ui_form_get(q, "status"), *section = tdc_ui_form_get(q, "section");
    int today = tdc_today(), office = c->id.subject.role == TD_ROLE_OFFICE;
    char *fq = qs && *qs ? tdc__fold(qs) : NULL;
    td_status_opts so;
    td_task_status *ts = NULL;
    size_t n_ts = 0, shown = 0;
    td_error e;
    if (!role_s) role_s = office ? "mine" : "all";
    tdc__head(ui, f, TD_UI_COL_TASK, "tasks");
    if (!st || !td_state_has_plan(st)) {
        fprintf(f, "<p>" TD_UI_TASKS_NO_PLAN "</p>");
        tdc__foot(f);
        free(fq);
        return;
    }
    plan = td_state_plan(st);
    tdc_device_status_opts(&c->dev, &so);
    td_status_all(st, today, &so, &ts, &n_ts, &e);
    fprintf(f, "<form method=\"get\" action=\"/tasks\" class=\"filters\" role=\"search\">"
               "<label for=\"q\">" TD_UI_TASKS_LABEL_SEARCH
               "</label><input id=\"q\" name=\"q\" type=\"search\" value=\"");
    tdc_ui_esc(f, qs ? qs : "");
    fprintf(f, "\"><label for=\"role\">" TD_UI_TASKS_LABEL_ROLE "</label><select id=\"role\" name=\"role\">"
               "<option value=\"all\"%s>" TD_UI_TASKS_ALL "</option><option value=\"mine\"%s>"
               TD_UI_TASKS_MINE "</option>"
               "<option value=\"lead\"%s>" TD_UI_ROLE_LEAD "</option><option value=\"partner\"%s>" TD_UI_ROLE_PARTNER
               "</option></select>",
            !strcmp(role_s, "all") ? " selected" : "", !strcmp(role_s, "mine") ? " selected" : "",
            !strcmp(role_s, "lead") ? " selected" : "", !strcmp(role_s, "partner") ? " selected" : "");
    fprintf(f, "<label for=\"status\">" TD_UI_COL_STATUS
               "</label><select id=\"status\" name=\"status\"><option value=\"\">" TD_UI_TASKS_ALL "</option>");
    for (int i = 0; i < TD_STATUS_COUNT - 1; i++)
        fprintf(f, "<option value=\"%s\"%s>%s</option>", td_status_name(td_status_order[i]),
                status_s && !strcmp(status_s, td_status_name(td_status_order[i])) ? " selected" : "",
                td_status_vi(td_status_order[i]));
    fprintf(f, "</select><label for=\"section\">" TD_UI_COL_SECTION
               "</label><input id=\"section\" name=\"section\" size=\"6\" value=\"");
    tdc_ui_esc(f, section ? section : "");
    fprintf(f, "\"><button type=\"submit\">" TD_UI_TASKS_BUTTON_FILTER "</button></form>");
    fprintf(f, "<table><thead><tr><th scope=\"col\">" TD_UI_COL_TASK_NO "</th><th scope=\"col\">" TD_UI_COL_SECTION
               "</th><th scope=\"col\">" TD_UI_COL_TASK "</th>"
               "<th scope=\"col\">" TD_UI_TASKS_LABEL_ROLE "</th><th scope=\"col\">" TD_UI_COL_STATUS
               "</th><th scope=\"col\">" TD_UI_COL_DUE "</th></tr></thead>"
               "<tbody>");
    for (size_t i = 0; i < plan->n_tasks; i++) {
        const td_task *t = &plan->tasks[i];
        const td_task_status *s = NULL;
        int role = tdc__role(st, (uint32_t)t->number, today, c->id.subject.agency);
        char d[16];
        for (size_t k = 0; k < n_ts; k++)
            if (ts[k].task == (uint32_t)t->number) s = &ts[k];
        if (!strcmp(role_s, "mine") && !role) continue;
        if (!strcmp(role_s, "lead") && role != 1) continue;
        if (!strcmp(role_s, "partner") && role != 2) continue;
        if (status_s && *status_s && (!s || strcmp(td_status_name(s->overall), status_s))) continue;
        if (section && *section && (!t->section || strcmp(t->section, section))) continue;
        if (fq) {
            char *ft = tdc__fold(t->title), num[16];
            int hit;
            snprintf(num, sizeof num, "%d", t->number);
            hit = (ft && strstr(ft, fq)) || !strcmp(num, fq);
            free(ft);
            if (!hit) continue;
        }
        if (++shown > TDC_UI_LIST_MAX) continue;
        tdc__date(s ? s->due_date : 0, d, sizeof d);
        fprintf(f, "<tr><td><a href=\"/task?n=%d\">%d</a></td><td>", t->number, t->number);
        tdc_ui_esc(f, t->section ? t->section : "");
        fprintf(f, "</td><td><a href=\"/task?n=%d\">", t->number);
        tdc_ui_esc(f, t->title ? t->title : "");
        fprintf(f, "</a></td><td>%s</td><td>%s</td><td>%s</td></tr>",
                role == 1 ? TD_UI_ROLE_LEAD : role == 2 ? TD_UI_ROLE_PARTNER : "", s ? td_status_vi(s->overall) :
                                                                               "", d);
    }
    fprintf(f, "</tbody></table><p>" TD_UI_N_TASKS "</p>", shown);
    tdc__foot(f);
    td_status_all_free(ts, n_ts);
    free(fq);
}

static void tdc__page_task(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    tdc_ctx *c = &ui->ctx;
    const td_state *st = tdc_replica_state(c->rep);
    const char *ns = tdc_ui_form_get(q, "n");
    long n = 0;
    const td_task *t;
    char title[160], buf[256], period[8];
    size_t nv, nrv;
    const td_report_version *v;
    const td_review_event *rv;
    if (!ns || !tdc_int(ns, &n) || !st || !td_state_has_plan(st) || !(t = td_plan_task(td_state_plan(st), (int)n))) {
        out->status = 404;
        tdc__head(ui, f, TD_UI_TASK_NOT_FOUND_TITLE, "tasks");
        fprintf(f, "<p>" TD_UI_TASK_NOT_FOUND " <a href=\"/tasks\">" TD_UI_TASK_LINK_LIST "</a></p>");
        tdc__foot(f);
        return;
    }
    snprintf(title, sizeof title, TD_MSG_UI_TITLE_TASK, t->number);
    tdc__head(ui, f, title, "tasks");
    fprintf(f, "<p class=\"task-title\">");
    tdc_ui_esc(f, t->title);
    fprintf(f, "</p><dl><dt>" TD_UI_ROLE_LEAD "</dt><dd>");
    tdc_ui_esc(f, t->lead_text ? t->lead_text : "");
    fprintf(f, "</dd><dt>" TD_UI_ROLE_PARTNER "</dt><dd>");
    tdc_ui_esc(f, t->partner_text ? t->partner_text : "");
    fprintf(f, "</dd><dt>" TD_UI_TASK_PRODUCT "</dt><dd>");
    tdc_ui_esc(f, t->product ? t->product : "");
    td_deadline_vi(&t->deadline, buf, sizeof buf);
    fprintf(f, "</dd><dt>" TD_UI_MENU_DEADLINES "</dt><dd>");
    tdc_ui_esc(f, buf);
    fprintf(f, "</dd></dl>");
    td_clock_period(period);
    if (c->id.subject.role == TD_ROLE_OFFICE && tdc__role(st, (uint32_t)n, tdc_today(), c->id.subject.agency))
        fprintf(f, "<p><a class=\"button\" href=\"/report?task=%ld&amp;period=%s\">" TD_UI_TASK_LINK_REPORT
                   "</a></p>", n,
                period);
    fprintf(f, "<h2>" TD_UI_TASK_HISTORY_TITLE "</h2><table><thead><tr><th scope=\"col\">" TD_UI_COL_AGENCY
               "</th><th scope=\"col\">" TD_UI_COL_PERIOD "</th>"
               "<th scope=\"col\">" TD_UI_COL_STATUS "</th><th scope=\"col\">" TD_UI_COL_SIGNED_AT
               "</th></tr></thead><tbody>");
    v = td_state_report_versions(st, &nv);
    for (size_t i = 0; i < nv; i++) {
        char pvi[16], when[40];
        if (v[i].task != (uint32_t)n) continue;
        tdc_period_vi(v[i].period, pvi, sizeof pvi);
        tdc_fmt_time(v[i].device_time_ms, when, sizeof when);
        fprintf(f, "<tr><td>");
        tdc_ui_esc(f, tdc__agency_name(st, v[i].agency));
        fprintf(f, "</td><td>%s</td><td>%s, %u%%</td><td>%s</td></tr>", pvi, tdc_rep_state_vi(v[i].state),
                v[i].percent, when);
    }
    fprintf(f, "</tbody></table><h2>" TD_UI_MENU_REVIEW "</h2><ul>");
    rv = td_state_reviews(st, &nrv);
    for (size_t i = 0; i < nrv; i++) {
        char pvi[16];
        if (rv[i].task != (uint32_t)n) continue;
        tdc_period_vi(rv[i].period, pvi, sizeof pvi);
        fprintf(f, "<li>");
        tdc_ui_esc(f, tdc__agency_name(st, rv[i].agency));
        fprintf(f, TD_UI_TASK_HISTORY_REVIEW, pvi, rv[i].accept ? TD_UI_WORD_ACCEPTED : TD_UI_WORD_RETURNED);
        if (*rv[i].comment) {
            fprintf(f, " — ");
            tdc_ui_esc(f, rv[i].comment);
        }
        fprintf(f, "</li>");
    }
    fprintf(f, "</ul>");
    tdc__foot(f);
}

/* ---- the report form --------------------------------------------------------- */

/* A form into r (fields as report_entry parses them).  0, or -1 with
 * msg/field for what cannot be read. */
static int tdc__form_rep(const tdc_ui_form *q, int today, tdc_rep *r, char *msg, size_t n, const char **field)
{
    const char *v, *why;
    long task;
    tdc_rep_init(r);
    if (!(v = tdc_ui_form_get(q, "task")) || !tdc_int(v, &task) || task < 1 || task > INT32_MAX) {
        snprintf(msg, n, TD_MSG_UI_TASK_NUMBER_BAD);
        *field = "task";
        return -1;
    }
    r->task = (uint32_t)task;
    if (!(v = tdc_ui_form_get(q, "period")) || !tdc_period_norm(v, r->period)) {
        snprintf(msg, n, TD_MSG_UI_PERIOD_BAD);
        *field = "period";
        return -1;
    }
    if ((v = tdc_ui_form_get(q, "state")) && *v && !(r->state = tdc_rep_state_parse(v))) {
        snprintf(msg, n, TD_MSG_UI_STATE_BAD);
        *field = "state";
        return -1;
    }
    if ((v = tdc_ui_form_get(q, "percent")) && *td_trim((char *)v)) {
        if ((r->percent = tdc_rep_percent_parse(v)) < 0) {
            snprintf(msg, n, TD_MSG_REPORT_PERCENT_RANGE);
            *field = "percent";
            return -1;
        }
        r->percent_cli = 1;
    }
    if ((v = tdc_ui_form_get(q, "done_date")) && *td_trim((char *)v)) {
        if (td_date_parse_vi(v, &r->done_date) || !td_date_valid(r->done_date)) {
            snprintf(msg, n, TD_MSG_UI_DONE_DATE_BAD);
            *field = "done_date";
            return -1;
        }
    }
    {
        static const char *const names[3] = {"result", "difficulties", "proposals"};
        char **dst[3] = {&r->result, &r->difficulties, &r->proposals};
        for (int i = 0; i < 3; i++)
            if ((v = tdc_ui_form_get(q, names[i])) && tdc_rep_set_text(dst[i], v, &why)) {
                snprintf(msg, n, TD_MSG_UI_TEXT_LIMIT, why, TDC_TEXT_MAX);
                *field = names[i];
                return -1;
            }
    }
    /* documents and evidence: one per line */
    for (int which = 0; which < 2; which++) {
        char *all = NULL, *p, *save = NULL;
        if (!(v = tdc_ui_form_get(q, which ? "evidence" : "docs"))) continue;
        if (!(all = strdup(v))) return -1;
        for (p = strtok_r(all, "\r\n", &save); p; p = strtok_r(NULL, "\r\n", &save)) {
            if (!*td_trim(p)) continue;
            if (which ? tdc_rep_add_evidence(r, p, &why) : tdc_rep_add_doc(r, p, today, &why)) {
                snprintf(msg, n, TD_MSG_UI_LINE_ERROR, p, why);
                *field = which ? "evidence" : "docs";
                free(all);
                return -1;
            }
        }
        free(all);
        if (which) r->has_evidence = 1;
        else r->has_docs = 1;
    }
    return 0;
}

static void tdc__field_err(FILE *f, const char *field, const char *want, const char *msg)
{
    if (field && msg && !strcmp(field, want)) {
        fprintf(f, "<p class=\"field-err\" id=\"err-%s\">", want);
        tdc_ui_esc(f, msg);
        fprintf(f, "</p>");
    }
}

static void tdc__textarea(FILE *f, const char *name, const char *label, const char *hint, const char *val, int rows,
                          const char *field, const char *msg)
{
    fprintf(f, "<div class=\"field\"><label for=\"%s\">%s</label>", name, label);
    if (hint) fprintf(f, "<p class=\"hint\" id=\"hint-%s\">%s</p>", name, hint);
    tdc__field_err(f, field, name, msg);
    fprintf(f, "<textarea id=\"%s\" name=\"%s\" rows=\"%d\"%s%s%s>", name, name, rows,
            hint ? " aria-describedby=\"hint-" : "", hint ? name : "", hint ? "\"" : "");
    tdc_ui_esc(f, val ? val : "");
    fprintf(f, "</textarea></div>");
}

/* The form, pre-filled from r; msg/field: what was refused. */
static void tdc__report_form(tdc_ui *ui, FILE *f, const tdc_rep *r, const td_report *cur, int from_draft,
                             const char *msg, const char *field, int saved)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    const td_task *t = st && td_state_has_plan(st) ? td_plan_task(td_state_plan(st), (int)r->task) : NULL;
    char title[160], pvi[16], d[16], pct[16] = "";
    tdc_period_vi(r->period, pvi, sizeof pvi);
    snprintf(title, sizeof title, TD_MSG_UI_TITLE_REPORT, tdc_ui_k(st, r->task), pvi);
    tdc__head(ui, f, title, "todo");
    if (t) {
        fprintf(f, "<p class=\"task-title\">");
        tdc_ui_esc(f, t->title);
        fprintf(f, "</p>");
    }
    if (msg) {
        fprintf(f, "<div class=\"err\" role=\"alert\" id=\"form-error\"><p><strong>" TD_UI_REPORT_NOT_SIGNED
                   "</strong> ");
        tdc_ui_esc(f, msg);
        fprintf(f, "</p><p>" TD_UI_REPORT_KEPT_IN_DRAFT "</p></div>");
    }
    if (saved) fprintf(f, "<p class=\"ok\" role=\"status\">" TD_UI_REPORT_DRAFT_SAVED "</p>");
    fprintf(f, "<div class=\"report-layout\"><form method=\"post\" action=\"/report\" id=\"report-form\" "
               "enctype=\"multipart/form-data\" data-autosave=\"/report/autosave\">");
    tdc__csrf_field(ui, f);
    fprintf(f, "<input type=\"hidden\" name=\"task\" value=\"%u\"><input type=\"hidden\" name=\"period\" value=\"%s\">",
            r->task, r->period);
    if (from_draft) fprintf(f, "<p class=\"hint\">" TD_UI_REPORT_FROM_DRAFT "</p>");
    tdc__field_err(f, field, "state", msg);
    fprintf(f, "<div class=\"field\"><label for=\"state\">" TD_UI_COL_STATUS
               "</label><select id=\"state\" name=\"state\">"
               "<option value=\"\"%s>" TD_UI_OPTION_CHOOSE "</option>", r->state ? "" : " selected");
    for (int s = 1; s <= 3; s++)
        fprintf(f, "<option value=\"%d\"%s>%s</option>", s, r->state == s ? " selected" : "", tdc_rep_state_vi(s));
    fprintf(f, "</select></div>");
    if (r->percent >= 0) snprintf(pct, sizeof pct, "%d", r->percent);
    fprintf(f, "<div class=\"field\"><label for=\"percent\">" TD_UI_REPORT_LABEL_PERCENT "</label>");
    tdc__field_err(f, field, "percent", msg);
    fprintf(f, "<input id=\"percent\" name=\"percent\" inputmode=\"numeric\" pattern=\"[0-9]{1,3}%%?\" size=\"4\" "
               "value=\"%s\"></div>", pct);
    tdc__date(r->done_date, d, sizeof d);
    fprintf(f, "<div class=\"field\"><label for=\"done_date\">" TD_UI_REPORT_LABEL_DONE_DATE "</label>");
    tdc__field_err(f, field, "done_date", msg);
    fprintf(f, "<input id=\"done_date\" name=\"done_date\" placeholder=\"" TD_UI_PLACEHOLDER_DATE
               "\" size=\"10\" value=\"%s\"></div>",
            r->done_date ? d : "");
    tdc__textarea(f, "result", TD_UI_REPORT_LABEL_RESULT, TD_UI_REPORT_HINT_RESULT, r->result, 6,
                  field, msg);
    tdc__textarea(f, "difficulties", TD_UI_REPORT_LABEL_DIFFICULTIES, NULL, r->difficulties, 3, field, msg);
    tdc__textarea(f, "proposals", TD_UI_REPORT_LABEL_PROPOSALS, NULL, r->proposals, 3, field, msg);
    {
        char *docs = NULL, *ev = NULL;
        size_t dn = 0, en = 0;
        FILE *df = open_memstream(&docs, &dn), *ef = open_memstream(&ev, &en);
        if (df && ef) {
            for (size_t i = 0; i < r->n_docs; i++) {
                char dd[16] = "";
                if (r->docs[i].date) td_date_vi(r->docs[i].date, dd, sizeof dd);
                fprintf(df, "%s%s%s%s%s\n", r->docs[i].number, dd[0] || *r->docs[i].title ? "," : "", dd,
                        *r->docs[i].title ? "," : "", r->docs[i].title);
            }
            for (size_t i = 0; i < r->n_evidence; i++) fprintf(ef, "%s\n", r->evidence[i]);
        }
        if (df) fclose(df);
        if (ef) fclose(ef);
        tdc__textarea(f, "docs", TD_UI_REPORT_LABEL_DOCS,
                      TD_UI_REPORT_HINT_DOCS,
                      docs, 3, field, msg);
        tdc__textarea(f, "evidence", TD_UI_REPORT_LABEL_EVIDENCE, TD_UI_REPORT_HINT_EVIDENCE, ev, 2, field,
                      msg);
        free(docs);
        free(ev);
    }
    if (r->n_atts) {
        fprintf(f, "<p>" TD_UI_REPORT_ATTACHED "</p><ul class=\"attachments\">");
        for (size_t i = 0; i < r->n_atts; i++) {
            fprintf(f, "<li>");
            tdc_ui_esc(f, r->atts[i].name);
            fprintf(f, "</li>");
        }
        fprintf(f, "</ul>");
    }
    fprintf(f, "<div class=\"field\"><label for=\"attach\">" TD_UI_REPORT_LABEL_ATTACH "</label>");
    tdc__field_err(f, field, "attach", msg);
    fprintf(f, "<input type=\"file\" id=\"attach\" name=\"attach\" multiple></div>");
    fprintf(f, "<p class=\"hint\" id=\"autosave-status\" aria-live=\"polite\"></p>"
               "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"draft\">"
               TD_UI_REPORT_BUTTON_DRAFT
               "</button>"
               "<button type=\"submit\" name=\"action\" value=\"submit\" class=\"primary\">" TD_UI_BUTTON_SIGN_QUEUE
               "</button></div></form>");
    if (cur && cur->review < 0) {
        fprintf(f, "<aside class=\"reason-box\" aria-labelledby=\"why\"><h2 id=\"why\">" TD_UI_REPORT_RETURNED_REASON
                   "</h2><p "
                   "class=\"reason\">");
        tdc_ui_esc(f, cur->review_comment);
        fprintf(f, "</p><p>" TD_UI_REPORT_SENT "</p></aside>", tdc_rep_state_vi(cur->state), cur->percent);
    } else if (cur) {
        fprintf(f, "<aside class=\"reason-box\"><h2>" TD_UI_REPORT_SENT_TITLE "</h2><p>%s, %u%%%s</p></aside>",
                tdc_rep_state_vi(cur->state), cur->percent,
                cur->review > 0 ? " " TD_UI_REPORT_SENT_ACCEPTED : "");
    }
    fprintf(f, "</div>");
    tdc__foot(f);
}

/* A signed report (the state's) as a starting point for a corrected one. */

static void tdc__page_report_get(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    tdc_ctx *c = &ui->ctx;
    const td_state *st = tdc_replica_state(c->rep);
    tdc_rep r;
    int found = 0;
    long task;
    char period[8];
    const char *ts = tdc_ui_form_get(q, "task"), *ps = tdc_ui_form_get(q, "period");
    const td_report *cur;
    td_error e;
    if (!ts || !tdc_int(ts, &task) || task < 1 || task > INT32_MAX || !ps ||
        !tdc_period_norm(ps, period)) {
        out->status = 400;
        tdc__head(ui, f, TD_UI_REPORT_NO_TASK_TITLE, "todo");
        fprintf(f, "<p>" TD_UI_REPORT_NO_TASK "</p>");
        tdc__foot(f);
        return;
    }
    if (tdc_rep_draft_load(c, (uint32_t)task, period, &r, &found, &e)) tdc_rep_init(&r);
    cur = st ? td_state_report(st, (uint32_t)task, c->id.subject.agency, period) : NULL;
    if (!found && cur) tdc_rep_from_report(cur, &r);
    r.task = (uint32_t)task;
    memcpy(r.period, period, sizeof r.period);
    tdc__report_form(ui, f, &r, cur, found, NULL, NULL, tdc_ui_form_get(q, "saved") != NULL);
    tdc_rep_free(&r);
}

static void tdc__page_report_post(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out, int autosave)
{
    tdc_ctx *c = &ui->ctx;
    const td_state *st = tdc_replica_state(c->rep);
    const char *action = tdc_ui_form_get(q, "action"), *field = NULL;
    int today = tdc_today(), rc;
    char msg[1024];
    tdc_rep r;
    td_error e;
    if (c->id.subject.role != TD_ROLE_OFFICE) {
        out->status = 403;
        tdc__head(ui, f, TD_UI_REPORT_NOT_WRITTEN_TITLE, "todo");
        fprintf(f, "<p>" TD_UI_REPORT_OFFICE_ONLY "</p>");
        tdc__foot(f);
        return;
    }
    if (tdc__form_rep(q, today, &r, msg, sizeof msg, &field)) {
        if (autosave) {
            out->status = 422;
            fprintf(f, "%s", msg);
            tdc_rep_free(&r);
            return;
        }
        if (r.task && r.period[0]) {
            out->status = 422;
            tdc__report_form(ui, f, &r, NULL, 0, msg, field, 0);
        } else {
            out->status = 400;
            tdc__head(ui, f, TD_UI_REPORT_FORM_UNREADABLE, "todo");
            fprintf(f, "<p>");
            tdc_ui_esc(f, msg);
            fprintf(f, "</p>");
            tdc__foot(f);
        }
        tdc_rep_free(&r);
        return;
    }
    /* the plan refuses a wrong task or period before anything is kept */
    if (tdc_rep_check_plan(st, c->id.subject.agency, today, &r, msg, sizeof msg, &field)) {
        out->status = 422;
        if (autosave) fprintf(f, "%s", msg);
        else tdc__report_form(ui, f, &r, NULL, 0, msg, field, 0);
        tdc_rep_free(&r);
        return;
    }
    /* attachments: the draft's (or the signed report's) stay; uploads are added */
    {
        tdc_rep prev;
        int found = 0;
        if (!tdc_rep_draft_load(c, r.task, r.period, &prev, &found, &e) && found && prev.n_atts) {
            r.atts = prev.atts;
            r.n_atts = prev.n_atts;
            prev.atts = NULL;
            prev.n_atts = 0;
        } else if (!found) {
            const td_report *cur = td_state_report(st, r.task, c->id.subject.agency, r.period);
            for (size_t i = 0; cur && i < cur->n_attachments && i < TD_ATTACH_PER_REPORT_MAX; i++) {
                if (TD_GROW_ONE(r.atts, r.n_atts)) break;
                memset(&r.atts[r.n_atts], 0, sizeof r.atts[0]);
                memcpy(r.atts[r.n_atts].sha256, cur->attachments[i].sha256, 32);
                snprintf(r.atts[r.n_atts].name, sizeof r.atts[0].name, "%s", cur->attachments[i].name);
                snprintf(r.atts[r.n_atts].mime, sizeof r.atts[0].mime, "%s", cur->attachments[i].mime);
                r.atts[r.n_atts].size = cur->attachments[i].size;
                r.n_atts++;
            }
        }
        if (found) tdc_rep_free(&prev);
        r.has_atts = 1;
        for (size_t i = 0; i < q->n; i++) {
            char why[768];
            if (strcmp(q->v[i].key, "attach_file")) continue;
            if (tdc_rep_add_att(&r, c->rep, q->v[i].val, why, sizeof why)) {
                snprintf(msg, sizeof msg, TD_MSG_UI_ATTACHMENT_ERROR, why);
                tdc_rep_draft_save(c, &r, &e);
                out->status = 422;
                if (autosave) fprintf(f, "%s", msg);
                else tdc__report_form(ui, f, &r, NULL, 1, msg, "attach", 0);
                tdc_rep_free(&r);
                return;
            }
        }
    }
    if (autosave || !action || strcmp(action, "submit")) {
        if (tdc_rep_draft_save(c, &r, &e)) {
            out->status = 500;
            fprintf(f, "%s", td_error_vi(&e));
        } else if (autosave) {
            out->status = 200;
            out->type = "text/plain; charset=utf-8";
            fprintf(f, TD_UI_REPORT_DRAFT_SAVED_TITLE);
        } else {
            out->status = 303;
            snprintf(out->location, sizeof out->location, "/report?task=%u&period=%s&saved=1", r.task, r.period);
        }
        tdc_rep_free(&r);
        return;
    }
    /* sign: THE check of every report (report_entry.h) */
    if ((rc = tdc_rep_check(st, c->id.subject.agency, today, &r, TDC_HOW_FORM, msg, sizeof msg, &field))) {
        tdc_rep_draft_save(c, &r, &e);   /* nothing typed is lost */
        out->status = 422;
        tdc__report_form(ui, f, &r, td_state_report(st, r.task, c->id.subject.agency, r.period), 1, msg, field, 0);
        tdc_rep_free(&r);
        return;
    }
    {
        uint64_t seq = 0;
        char key[TDC_DRAFT_KEY_MAX + 1], pvi[16], done[256];
        if (tdc_rep_sign(c, &r, &seq, &e)) {
            tdc_rep_draft_save(c, &r, &e);
            out->status = 500;
            tdc__report_form(ui, f, &r, NULL, 1, td_error_vi(&e), NULL, 0);
            tdc_rep_free(&r);
            return;
        }
        tdc_draft_key(r.task, r.period, key);
        tdc_draft_delete(c->rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, NULL, &e);
        tdc_period_vi(r.period, pvi, sizeof pvi);
        snprintf(done, sizeof done, TD_MSG_UI_REPORT_SIGNED,
                 tdc_ui_k(st, r.task), pvi, (unsigned long long)seq);
        tdc_ui_redirect_done(ui, out, "/", done);   /* and send it now if the server is up */
    }
    tdc_rep_free(&r);
}

/* ---- central: review queue, missing reports ------------------------------------ */

static void tdc__page_review(tdc_ui *ui, const tdc_ui_form *q, FILE *f)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    size_t nr, k = 0;
    const td_report *r = st ? td_state_reports(st, &nr) : NULL;
    const char *done = tdc_ui_form_get(q, "done");
    tdc_pending_set pend;
    td_error e;
    tdc__head(ui, f, TD_UI_REVIEW_TITLE, "review");
    if (done && *done) {
        fprintf(f, "<p class=\"ok\" role=\"status\">");
        tdc_ui_esc(f, done);
        fprintf(f, "</p>");
    }
    memset(&pend, 0, sizeof pend);
    tdc_app_pending_load(ui->ctx.rep, &pend, &e);
    fprintf(f, "<p>" TD_UI_REVIEW_INTRO "</p><form method=\"post\" "
               "action=\"/review\">");
    tdc__csrf_field(ui, f);
    fprintf(f, "<table><thead><tr><th scope=\"col\">" TD_UI_REVIEW_COL_SELECT "</th><th scope=\"col\">"
               TD_UI_COL_TASK_NO
               "</th><th scope=\"col\">" TD_UI_COL_AGENCY "</th>"
               "<th scope=\"col\">" TD_UI_COL_PERIOD "</th><th scope=\"col\">" TD_UI_RESULT "</th><th scope=\"col\">"
               TD_UI_REVIEW_COL_OPINION "</th></tr></thead><tbody>");
    for (size_t i = 0; r && i < nr; i++) {
        char pvi[16];
        int queued = 0;
        if (r[i].state != TIENDO__REPORT_STATE__REPORT_DONE || r[i].review) continue;
        for (size_t p = 0; p < pend.n; p++)
            if (pend.v[p].kind == TIENDO__ENTRY_KIND__ENTRY_REVIEW && pend.v[p].task == r[i].task &&
                !strcmp(pend.v[p].agency, r[i].agency))
                queued = 1;
        tdc_period_vi(r[i].period, pvi, sizeof pvi);
        fprintf(f, "<tr><td><input type=\"checkbox\" id=\"sel%zu\" name=\"sel\" value=\"%zu\">"
                   "<label for=\"sel%zu\" class=\"sr\">" TD_UI_REVIEW_SELECT_ONE "</label>"
                   "<input type=\"hidden\" name=\"key%zu\" value=\"%u|%s|%s\"></td><td>%u</td><td>",
                k, k, k, k + 1, k, r[i].task, r[i].agency, r[i].period, r[i].task);
        tdc_ui_esc(f, tdc__agency_name(st, r[i].agency));
        fprintf(f, "</td><td>%s</td><td>", pvi);
        tdc_ui_esc(f, r[i].result);
        fprintf(f, "</td><td>");
        if (queued) fprintf(f, "<span class=\"badge wait\">" TD_UI_REVIEW_PENDING "</span>");
        else
            fprintf(f, "<label for=\"reason%zu\">" TD_UI_REVIEW_LABEL_REASON
                       "</label><input id=\"reason%zu\" name=\"reason%zu\">"
                       "<button type=\"submit\" name=\"one\" value=\"accept:%zu\">" TD_UI_REVIEW_BUTTON_ACCEPT
                       "</button>"
                       "<button type=\"submit\" name=\"one\" value=\"return:%zu\">" TD_UI_REVIEW_BUTTON_RETURN
                       "</button>",
                    k, k, k, k, k);
        fprintf(f, "</td></tr>");
        k++;
    }
    fprintf(f, "</tbody></table>");
    if (!k) fprintf(f, "<p>" TD_UI_REVIEW_NONE "</p>");
    else
        fprintf(f, "<fieldset><legend>" TD_UI_REVIEW_BULK_TITLE "</legend><label for=\"reason_bulk\">"
                   TD_UI_REVIEW_LABEL_BULK_REASON
                   "</label><input id=\"reason_bulk\" name=\"reason_bulk\"><button type=\"submit\" name=\"bulk\" "
                   "value=\"accept\">" TD_UI_REVIEW_BUTTON_ACCEPT_BULK "</button><button type=\"submit\" name=\"bulk\" "
                   "value=\"return\">" TD_UI_REVIEW_BUTTON_RETURN_BULK "</button></fieldset>");
    fprintf(f, "</form>");
    tdc__foot(f);
    tdc_pending_free(&pend);
}

static int tdc__review_one(tdc_ui *ui, const tdc_ui_form *q, const char *idx, int accept, const char *reason,
                           char *msg, size_t n)
{
    char name[32], key[160], *a, *p;
    const char *v;
    long task;
    const td_report *r;
    uint64_t seq;
    td_error e;
    snprintf(name, sizeof name, "key%s", idx);
    if (!(v = tdc_ui_form_get(q, name)) || strlen(v) >= sizeof key) {
        snprintf(msg, n, TD_MSG_UI_REVIEW_WHICH);
        return -1;
    }
    snprintf(key, sizeof key, "%s", v);
    if (!(a = strchr(key, '|')) || !(p = strchr(a + 1, '|'))) {
        snprintf(msg, n, TD_MSG_UI_REVIEW_WHICH);
        return -1;
    }
    *a++ = 0;
    *p++ = 0;
    if (!tdc_int(key, &task) ||
        !(r = td_state_report(tdc_replica_state(ui->ctx.rep), (uint32_t)task, a, p))) {
        snprintf(msg, n, TD_MSG_UI_REVIEW_NOT_IN_REPLICA);
        return -1;
    }
    if (tdc_review_sign(&ui->ctx, r, accept, reason, &seq, &e)) {
        snprintf(msg, n, TD_MSG_UI_REVIEW_ERROR, task, a, td_error_vi(&e));
        return -1;
    }
    return 0;
}

static void tdc__page_review_post(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    const char *one = tdc_ui_form_get(q, "one"), *bulk = tdc_ui_form_get(q, "bulk");
    char msg[1024] = "", done[256];
    int ok = 0, bad = 0;
    if (ui->ctx.id.subject.role != TD_ROLE_CENTRAL) {
        out->status = 403;
        tdc__head(ui, f, TD_UI_FORBIDDEN_TITLE, "review");
        fprintf(f, "<p>" TD_UI_REVIEW_CENTRAL_ONLY "</p>");
        tdc__foot(f);
        return;
    }
    if (one) {
        char idx[16], name[32];
        int accept = !strncmp(one, "accept:", 7);
        const char *i = strchr(one, ':');
        snprintf(idx, sizeof idx, "%s", i ? i + 1 : "");
        snprintf(name, sizeof name, "reason%s", idx);
        if (tdc__review_one(ui, q, idx, accept, tdc_ui_form_get(q, name), msg, sizeof msg)) bad++;
        else ok++;
    } else if (bulk) {
        int accept = !strcmp(bulk, "accept");
        for (size_t i = 0; i < q->n; i++) {
            if (strcmp(q->v[i].key, "sel")) continue;
            if (tdc__review_one(ui, q, q->v[i].val, accept, tdc_ui_form_get(q, "reason_bulk"), msg, sizeof msg)) bad++;
            else ok++;
        }
    }
    if (bad) {
        out->status = 422;
        tdc__head(ui, f, TD_UI_REVIEW_UNFINISHED_TITLE, "review");
        fprintf(f, "<div class=\"err\" role=\"alert\"><p>");
        tdc_ui_esc(f, msg);
        fprintf(f, "</p><p>" TD_UI_REVIEW_UNFINISHED "</p></div><p><a href=\"/review\">"
                   TD_UI_REVIEW_BACK "</a></p>", ok,
                bad);
        tdc__foot(f);
        return;
    }
    snprintf(done, sizeof done, TD_MSG_UI_REVIEWS_SIGNED, ok);
    tdc_ui_redirect_done(ui, out, "/review", done);
}

static int tdc__missing(tdc_ui *ui, const char *period, td_obligation **ob, size_t *n)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    td_status_opts so;
    td_error e;
    *ob = NULL;
    *n = 0;
    if (!st || !td_state_has_plan(st)) return -1;
    tdc_device_status_opts(&ui->ctx.dev, &so);
    return td_status_obligations(st, period, tdc_today(), &so, NULL, ob, n, &e);
}

static void tdc__page_missing(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out, int csv)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    const char *ps = tdc_ui_form_get(q, "period");
    char period[8], pvi[16], title[128];
    td_obligation *ob;
    size_t n, shown = 0;
    if (!ps || !tdc_period_norm(ps, period)) td_clock_period(period);
    tdc_period_vi(period, pvi, sizeof pvi);
    if (tdc__missing(ui, period, &ob, &n)) n = 0;
    if (csv) {
        out->type = "text/csv; charset=utf-8";
        snprintf(out->filename, sizeof out->filename, "chua-bao-cao-%s.csv", period);
        fprintf(f, "\xEF\xBB\xBF" "co_quan,ten_co_quan,nhiem_vu,ky\r\n");
        for (size_t i = 0; i < n; i++) {
            const char *name = tdc__agency_name(st, ob[i].agency);
            if (ob[i].state != TD_OWED_MISSING) continue;
            fprintf(f, "%s,\"", ob[i].agency);
            for (const char *p = name; *p; p++) fprintf(f, *p == '"' ? "\"\"" : "%c", *p);
            fprintf(f, "\",%s,%s\r\n", tdc_ui_k(st, ob[i].task), ob[i].period);
        }
        free(ob);
        return;
    }
    snprintf(title, sizeof title, TD_MSG_UI_TITLE_NOT_REPORTED, pvi);
    tdc__head(ui, f, title, "missing");
    fprintf(f, "<form method=\"get\" action=\"/missing\" class=\"filters\"><label for=\"period\">" TD_UI_LABEL_PERIOD
               "</label>"
               "<input id=\"period\" name=\"period\" value=\"%s\" size=\"8\"><button type=\"submit\">" TD_UI_BUTTON_VIEW
               "</button>"
               "<a href=\"/missing.csv?period=%s\">" TD_UI_LINK_CSV "</a></form>",
            period, period);
    fprintf(f, "<table><thead><tr><th scope=\"col\">" TD_UI_COL_AGENCY "</th><th scope=\"col\">" TD_UI_COL_TASK_NO
               "</th><th scope=\"col\">" TD_UI_COL_TASK
               "</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const td_task *t;
        if (ob[i].state != TD_OWED_MISSING) continue;
        shown++;
        t = td_plan_task(td_state_plan(st), (int)ob[i].task);
        fprintf(f, "<tr><td>");
        tdc_ui_esc(f, tdc__agency_name(st, ob[i].agency));
        fprintf(f, "</td><td>%s</td><td>", tdc_ui_k(st, ob[i].task));
        tdc_ui_esc(f, t && t->title ? t->title : "");
        fprintf(f, "</td></tr>");
    }
    fprintf(f, "</tbody></table><p>" TD_UI_MISSING_COUNT "</p>", shown);
    tdc__foot(f);
    free(ob);
}

/* What the monthly report's pages made, kept for the state they were made
 * from, in its memo TD_STATE_MEMO_UI (a sync that applies entries drops
 * it): the built report per (period, as-of day), ~20-30 ms of CPU on five
 * years, shared by the HTML and the CSV, and each page's bytes (~1-2 MB),
 * so a repeated request costs a copy. */
#define TDC_UI_MREPORT_KEEP 4
typedef struct tdc__mreport_memo {
    struct {
        char period[8];
        int as_of;               /* 0: slot unused */
        td_mreport m;
        char *body[2];           /* HTML, CSV (NULL until asked) */
        size_t len[2];
    } v[TDC_UI_MREPORT_KEEP];
    unsigned next;
} tdc__mreport_memo;

static void tdc__mreport_memo_free(void *p)
{
    tdc__mreport_memo *mm = p;
    for (int i = 0; i < TDC_UI_MREPORT_KEEP; i++) {
        if (!mm->v[i].as_of) continue;
        td_mreport_free(&mm->v[i].m);
        free(mm->v[i].body[0]);
        free(mm->v[i].body[1]);
    }
    free(mm);
}

/* Made by the sync thread from a state whose v2 digest is `digest` (equal
 * digests: equal derived state, so the same report). */
struct tdc_ui_mr {
    char period[8];
    int as_of;
    unsigned char digest[32];
    char *body[2];
    size_t len[2];
};

void tdc_ui_mr_free(tdc_ui_mr *mr)
{
    if (!mr) return;
    free(mr->body[0]);
    free(mr->body[1]);
    free(mr);
}

void tdc_ui_mreport_prepare(tdc_ui *ui, const td_state *st)
{
    char period[8];
    int as_of;
    td_mreport m;
    td_error e;
    tdc_ui_mr *mr, *old;
    FILE *mf;
    pthread_mutex_lock(&ui->lock);
    snprintf(period, sizeof period, "%s", ui->mr_want);
    pthread_mutex_unlock(&ui->lock);
    if (!period[0] || !st || !td_state_has_plan(st) || td_mreport_default_as_of(period, tdc_today(), &as_of, &e))
        return;
    if (!(mr = calloc(1, sizeof *mr))) return;
    memset(&m, 0, sizeof m);
    if (td_mreport_build(st, period, as_of, NULL, &m, &e)) {
        td_mreport_free(&m);
        free(mr);
        return;
    }
    for (int k = 0; k < 2; k++) {
        if (!(mf = open_memstream(&mr->body[k], &mr->len[k]))) break;
        if (k) td_mreport_csv(&m, mf);
        else td_mreport_html(&m, mf);
        if (fclose(mf)) break;
    }
    td_mreport_free(&m);
    if (!mr->body[0] || !mr->body[1]) {
        tdc_ui_mr_free(mr);
        return;
    }
    snprintf(mr->period, sizeof mr->period, "%s", period);
    mr->as_of = as_of;
    td_state_digest_v2(st, mr->digest);
    pthread_mutex_lock(&ui->lock);
    old = ui->mr;
    ui->mr = mr;
    pthread_mutex_unlock(&ui->lock);
    tdc_ui_mr_free(old);
}

/* The page (csv 0/1) of (period, as_of) into *body (owned by the memo);
 * 0, or -1 when the report cannot be built (e says why). */
static int tdc__mreport_page(tdc_ui *ui, const td_state *st, const char *period, int as_of, int csv,
                             const char **body, size_t *len, td_error *e)
{
    tdc__mreport_memo *mm = td_state_memo_get(st, TD_STATE_MEMO_UI);
    int k = -1;
    FILE *mf;
    if (!mm) {
        if (!(mm = calloc(1, sizeof *mm))) return td_error_set(e, TD_ENOMEM, "mreport page");
        td_state_memo_set(st, TD_STATE_MEMO_UI, mm, tdc__mreport_memo_free);
    }
    for (int i = 0; i < TDC_UI_MREPORT_KEEP && k < 0; i++)
        if (mm->v[i].as_of == as_of && !strcmp(mm->v[i].period, period)) k = i;
    if (k < 0) {
        k = (int)(mm->next++ % TDC_UI_MREPORT_KEEP);
        if (mm->v[k].as_of) {
            td_mreport_free(&mm->v[k].m);
            free(mm->v[k].body[0]);
            free(mm->v[k].body[1]);
        }
        memset(&mm->v[k], 0, sizeof mm->v[k]);
        /* made by the sync thread from the same state? */
        {
            tdc_ui_mr *mr = NULL;
            unsigned char dg[32];
            pthread_mutex_lock(&ui->lock);
            snprintf(ui->mr_want, sizeof ui->mr_want, "%s", period);
            if (ui->mr && ui->mr->as_of == as_of && !strcmp(ui->mr->period, period)) {
                mr = ui->mr;
                ui->mr = NULL;
            }
            pthread_mutex_unlock(&ui->lock);
            if (mr) td_state_digest_v2(st, dg);
            if (mr && memcmp(dg, mr->digest, 32))
                td_log_info("ui: the monthly report %s the sync made is of another state: built again", period);
            if (mr && !memcmp(dg, mr->digest, 32)) {
                td_log_info("ui: /mreport %s: the report the sync made (same state)", period);
                snprintf(mm->v[k].period, sizeof mm->v[k].period, "%s", period);
                mm->v[k].as_of = as_of;   /* no built report: both pages are here */
                for (int i = 0; i < 2; i++) {
                    mm->v[k].body[i] = mr->body[i];
                    mm->v[k].len[i] = mr->len[i];
                    mr->body[i] = NULL;
                }
                tdc_ui_mr_free(mr);
                goto have;
            }
            tdc_ui_mr_free(mr);
        }
        if (td_mreport_build(st, period, as_of, NULL, &mm->v[k].m, e)) {
            td_mreport_free(&mm->v[k].m);
            memset(&mm->v[k], 0, sizeof mm->v[k]);
            return -1;
        }
        snprintf(mm->v[k].period, sizeof mm->v[k].period, "%s", period);
        mm->v[k].as_of = as_of;
    }
have:
    if (!mm->v[k].body[csv]) {
        char *b = NULL;
        size_t n = 0;
        if (!(mf = open_memstream(&b, &n))) return td_error_set(e, TD_ENOMEM, "mreport page");
        if (csv) td_mreport_csv(&mm->v[k].m, mf);
        else td_mreport_html(&mm->v[k].m, mf);
        if (fclose(mf) || !b) {
            free(b);
            return td_error_set(e, TD_ENOMEM, "mreport page");
        }
        mm->v[k].body[csv] = b;
        mm->v[k].len[csv] = n;
    }
    *body = mm->v[k].body[csv];
    *len = mm->v[k].len[csv];
    return 0;
}

/* The monthly report: common/mreport_html.c's page as is, or its CSV (made
 * once per state, period and as-of day: tdc__mreport_page). */
static void tdc__page_mreport(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out, int csv)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    const char *ps = tdc_ui_form_get(q, "period"), *body = NULL;
    char period[8];
    int as_of;
    size_t len = 0;
    td_error e;
    if (!ps || !tdc_period_norm(ps, period)) td_clock_period(period);
    if (!st || !td_state_has_plan(st) || td_mreport_default_as_of(period, tdc_today(), &as_of, &e) ||
        tdc__mreport_page(ui, st, period, as_of, csv, &body, &len, &e)) {
        out->status = 422;
        tdc__head(ui, f, TD_UI_MENU_MREPORT, "mreport");
        fprintf(f, "<p>" TD_UI_MREPORT_NOT_BUILT "</p>", period);
        tdc__foot(f);
        return;
    }
    if (csv) {
        out->type = "text/csv; charset=utf-8";
        snprintf(out->filename, sizeof out->filename, "bao-cao-thang-%s.csv", period);
    } else {
        out->csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";
    }
    fwrite(body, 1, len, f);
}

/* ---- indicator values -------------------------------------------------------------- */

static void tdc__indicator_form(tdc_ui *ui, FILE *f, const tdc_ui_form *q, const char *msg, const char *okmsg)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    const char *code = tdc_ui_form_get(q, "code"), *value = tdc_ui_form_get(q, "value"),
               *text = tdc_ui_form_get(q, "text"), *ps = tdc_ui_form_get(q, "period");
    char period[8];
    if (!ps || !tdc_period_norm(ps, period)) td_clock_period(period);
    tdc__head(ui, f, TD_UI_INDICATOR_TITLE, "indicator");
    if (msg) {
        fprintf(f, "<div class=\"err\" role=\"alert\"><p><strong>" TD_MSG_UI_NOT_SAVED "</strong> ");
        tdc_ui_esc(f, msg);
        fprintf(f, "</p></div>");
    }
    if (okmsg) {
        fprintf(f, "<p class=\"ok\" role=\"status\">");
        tdc_ui_esc(f, okmsg);
        fprintf(f, "</p>");
    }
    fprintf(f, "<form method=\"post\" action=\"/indicator\">");
    tdc__csrf_field(ui, f);
    fprintf(f, "<div class=\"field\"><label for=\"code\">" TD_UI_MENU_INDICATOR
               "</label><select id=\"code\" name=\"code\">");
    if (st && td_state_has_plan(st)) {
        const td_plan *plan = td_state_plan(st);
        for (size_t i = 0; i < plan->n_indicators; i++) {
            const td_indicator *ind = &plan->indicators[i];
            fprintf(f, "<option value=\"");
            tdc_ui_esc(f, ind->code);
            fprintf(f, "\"%s>", code && !strcmp(code, ind->code) ? " selected" : "");
            tdc_ui_esc(f, ind->code);
            fprintf(f, " — ");
            tdc_ui_esc(f, ind->name ? ind->name : "");
            if (ind->unit && *ind->unit) {
                fprintf(f, " (");
                tdc_ui_esc(f, ind->unit);
                fprintf(f, ")");
            }
            fprintf(f, "</option>");
        }
    }
    fprintf(f, "</select></div><div class=\"field\"><label for=\"period\">" TD_UI_LABEL_PERIOD
               "</label><input id=\"period\" "
               "name=\"period\" size=\"8\" value=\"%s\"></div>", period);
    fprintf(f, "<div class=\"field\"><label for=\"value\">" TD_UI_INDICATOR_LABEL_VALUE "</label>"
               "<input id=\"value\" name=\"value\" size=\"12\" value=\"");
    tdc_ui_esc(f, value ? value : "");
    fprintf(f, "\"></div>");
    tdc__textarea(f, "text", TD_UI_INDICATOR_LABEL_TEXT, NULL, text, 3, NULL, NULL);
    fprintf(f, "<div class=\"actions\"><button type=\"submit\" class=\"primary\">" TD_UI_BUTTON_SIGN_QUEUE "</button>"
               "</div></form>");
    tdc__foot(f);
}

static void tdc__page_indicator_post(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    tdc_ctx *c = &ui->ctx;
    const char *code = tdc_ui_form_get(q, "code"), *value_s = tdc_ui_form_get(q, "value"),
               *text_in = tdc_ui_form_get(q, "text"), *ps = tdc_ui_form_get(q, "period"), *why;
    char period[8], msg[1024] = "", note[512] = "", warn[1024] = "", done[4096];
    char *code_n = NULL, *text = NULL;
    double value = 0;
    int has_value = value_s && *td_trim((char *)value_s);
    uint64_t seq = 0;
    td_error e;
    if (c->id.subject.role != TD_ROLE_OFFICE) snprintf(msg, sizeof msg, TD_MSG_UI_INDICATOR_OFFICE_ONLY);
    else if (!code || !*code || !(code_n = tdc_nfc(code, 64, &why))) snprintf(msg, sizeof msg, TD_MSG_UI_INDICATOR_PICK);
    else if (!ps || !tdc_period_norm(ps, period)) snprintf(msg, sizeof msg, TD_MSG_UI_INDICATOR_PERIOD_BAD);
    else if (has_value && tdc_ind_parse_value(value_s, &value, &why))
        snprintf(msg, sizeof msg, TD_MSG_UI_INDICATOR_VALUE_BAD, value_s, why);
    else if (text_in && *text_in && !(text = tdc_nfc(text_in, TDC_TEXT_MAX, &why)))
        snprintf(msg, sizeof msg, TD_MSG_UI_INDICATOR_TEXT_BAD, why);
    else if (!has_value && !text) snprintf(msg, sizeof msg, TD_MSG_UI_INDICATOR_VALUE_NEEDED);
    else if (!tdc_ind_check(tdc_replica_state(c->rep), c->id.subject.agency, c->id.subject.role, tdc_today(), code_n,
                            period, has_value, value, msg, sizeof msg, note, sizeof note, warn, sizeof warn)) {
        if (tdc_ind_sign(c, code_n, period, has_value, value, text, &seq, &e)) {
            snprintf(msg, sizeof msg, "%s", td_error_vi(&e));
        } else {
            snprintf(done, sizeof done, TD_MSG_UI_INDICATOR_SIGNED, code_n,
                     (unsigned long long)seq, warn, note);
            pthread_mutex_lock(&ui->lock);
            ui->sync_now = 1;
            pthread_mutex_unlock(&ui->lock);
            tdc__indicator_form(ui, f, q, NULL, done);
            free(code_n);
            free(text);
            return;
        }
    }
    out->status = 422;
    tdc__indicator_form(ui, f, q, msg, NULL);
    free(code_n);
    free(text);
}

/* ---- what the other page files share (ui_int.h) ------------------------------------- */

void tdc_ui_head(tdc_ui *ui, FILE *f, const char *title, const char *active) { tdc__head(ui, f, title, active); }
void tdc_ui_head_refresh(tdc_ui *ui, FILE *f, const char *title, const char *active, unsigned refresh_s)
{
    tdc__head_r(ui, f, title, active, refresh_s);
}
void tdc_ui_foot(FILE *f) { tdc__foot(f); }
void tdc_ui_csrf(tdc_ui *ui, FILE *f) { tdc__csrf_field(ui, f); }
void tdc_ui_urlenc(FILE *f, const char *s) { tdc__urlenc(f, s); }
const char *tdc_ui_agency_name(const td_state *st, const char *slug) { return tdc__agency_name(st, slug); }
void tdc_ui_date(int yyyymmdd, char *buf, size_t n) { tdc__date(yyyymmdd, buf, n); }
void tdc_ui_sync_box(tdc_ui *ui, FILE *f, int full) { tdc__sync_box(ui, f, full); }

void tdc_ui_redirect_done(tdc_ui *ui, tdc_ui_resp *out, const char *path, const char *msg)
{
    char *loc = NULL;
    size_t ln = 0;
    FILE *lf = open_memstream(&loc, &ln);
    pthread_mutex_lock(&ui->lock);
    ui->sync_now = 1;
    pthread_mutex_unlock(&ui->lock);
    if (lf) {
        fprintf(lf, "%s%cdone=", path, strchr(path, '?') ? '&' : '?');
        tdc__urlenc(lf, msg);
        fclose(lf);
        snprintf(out->location, sizeof out->location, "%s", loc);
        free(loc);
    }
    out->status = 303;
}

/* ---- routing ---------------------------------------------------------------------- */

void tdc_ui_route(tdc_ui *ui, const char *method, const char *path, const tdc_ui_form *q, tdc_ui_resp *out)
{
    FILE *f = open_memstream(&out->body, &out->len);
    int post = !strcmp(method, "POST");
    if (!f) {
        out->status = 500;
        return;
    }
    out->status = 200;
    if (tdc_ui_central_route(ui, method, path, q, f, out) || tdc_ui_alarm_route(ui, method, path, q, f, out)) {
    } else if (!post && !strcmp(path, "/")) tdc_ui_page_todo(ui, q, f);
    else if (!post && !strcmp(path, "/tasks")) tdc__page_tasks(ui, q, f);
    else if (!post && !strcmp(path, "/task")) tdc__page_task(ui, q, f, out);
    else if (!post && !strcmp(path, "/report")) tdc__page_report_get(ui, q, f, out);
    else if (post && !strcmp(path, "/report")) tdc__page_report_post(ui, q, f, out, 0);
    else if (post && !strcmp(path, "/report/autosave")) tdc__page_report_post(ui, q, f, out, 1);
    else if (!post && !strcmp(path, "/indicator")) tdc__indicator_form(ui, f, q, NULL, NULL);
    else if (post && !strcmp(path, "/indicator")) tdc__page_indicator_post(ui, q, f, out);
    else if (!post && !strcmp(path, "/review")) tdc__page_review(ui, q, f);
    else if (post && !strcmp(path, "/review")) tdc__page_review_post(ui, q, f, out);
    else if (!post && !strcmp(path, "/missing")) tdc__page_missing(ui, q, f, out, 0);
    else if (!post && !strcmp(path, "/missing.csv")) tdc__page_missing(ui, q, f, out, 1);
    else if (!post && !strcmp(path, "/mreport")) tdc__page_mreport(ui, q, f, out, 0);
    else if (!post && !strcmp(path, "/mreport.csv")) tdc__page_mreport(ui, q, f, out, 1);
    else if (post && !strcmp(path, "/sync")) {
        pthread_mutex_lock(&ui->lock);
        ui->sync_now = 1;
        pthread_mutex_unlock(&ui->lock);
        out->status = 303;
        snprintf(out->location, sizeof out->location, "/");
    } else {
        out->status = 404;
        tdc__head(ui, f, TD_UI_FRAME_NOT_FOUND_TITLE, "");
        fprintf(f, "<p><a href=\"/\">" TD_UI_FRAME_NOT_FOUND_BACK "</a></p>");
        tdc__foot(f);
    }
    fclose(f);
}

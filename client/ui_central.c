/*
 * ui_central.c — pages of `tiendo ui` beyond the office's daily work:
 *   /deadlines            every task whose deadline changed (gia hạn) or
 *                         whose condition was met, with the history;
 *   /deadlines?n=N        one task: its deadline now, every change with the
 *                         reason and who signed it, every condition; central
 *                         also gets the forms below;
 *   POST /extend          a new deadline (central.h: tdc_extend_prepare, the
 *                         same rule as `tiendo extend`; a past or earlier
 *                         deadline needs the confirmation checkbox, as --yes);
 *   POST /condition       a conditional deadline's condition met (as
 *                         `tiendo condition`);
 *   /dashboard?by=section|agency   counts by status (common/status.c), each
 *                         count a link to the tasks behind it; /dashboard.csv
 *                         the same counts as CSV;
 *   /dashboard/agency?a=SLUG       one agency: the tasks it leads with their
 *                         status, its reports;
 *   /audit                the inspector's checks: `tiendo audit verify` on
 *                         the replica (checkpoints, consistency, witness
 *                         cosignatures) and the device's alarms with evidence
 *                         (as `tiendo status`);
 *                         the verification runs in the background (one job
 *                         per process, started by POST /audit/verify or by
 *                         itself once per log size); the page shows its
 *                         progress and the last result; /audit/status the
 *                         same as JSON for the page's script;
 *   /audit/history?task=N|agency=SLUG   `tiendo audit history` (audit_hist.h).
 * Plus the certificate banner every page shows (certwarn.h).  Nothing here
 * computes state: counts come from td_status_all, rules from central.h.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_hist.h"
#include "central.h"
#include "certwarn.h"
#include "clock.h"
#include "grow.h"
#include "csv.h"
#include "deadline.h"
#include "entry.h"
#include "log.h"
#include "msg.h"
#include "report_entry.h"
#include "status.h"
#include "ui_int.h"
#include "utf8.h"

/* ---- the certificate -------------------------------------------------------------- */

void tdc_ui_cert_banner(tdc_ui *ui, FILE *f)
{
    tdc_cert_state cs;
    char d[16];
    tdc_cert_state_get(&ui->ctx.dev, ui->ctx.id.cert, td_clock_now_ms() / 1000, &cs);
    if (cs.kind == TDC_CERT_OK) return;
    td_clock_fmt_date((cs.kind == TDC_CERT_NOT_YET ? cs.not_before_s : cs.not_after_s) * 1000, d, sizeof d);
    fprintf(f, "<div class=\"%s\" role=\"alert\" id=\"cert-warning\"><p><strong>", cs.kind == TDC_CERT_SOON ? "warn" : "err");
    if (cs.kind == TDC_CERT_SOON) {
        fprintf(f, TD_UI_CERT_EXPIRING "</strong></p>"
                   "<p>" TD_UI_CERT_EXPIRING_RENEW_BEFORE " <code>" TD_UI_CERT_CMD_RENEW "</code>"
                   TD_UI_CERT_EXPIRING_OFFLINE " <code>" TD_UI_CERT_CMD_RENEW_CSR "</code> "
                   TD_UI_CERT_EXPIRING_SEND_CSR "</p>", d, cs.days_left);
    } else if (cs.kind == TDC_CERT_EXPIRED) {
        fprintf(f, TD_UI_CERT_EXPIRED "</strong></p>"
                   "<p>" TD_UI_CERT_EXPIRED_NOTHING_LOST " <code>" TD_UI_CERT_CMD_RENEW_CSR_FILE "</code>"
                   TD_UI_CERT_EXPIRED_SEND_THEN " <code>" TD_UI_CERT_CMD_RENEW_IMPORT "</code> "
                   TD_UI_CERT_EXPIRED_SYNC "</p>", d);
    } else {
        fprintf(f, TD_UI_CERT_CLOCK_EARLY
                   "</strong></p><p>" TD_UI_CERT_CLOCK_EARLY_FIX "</p>", d);
    }
    fprintf(f, "</div>");
}

/* ---- small helpers ------------------------------------------------------------------ */

static void tdc__msg(FILE *f, const char *cls, const char *lead, const char *msg)
{
    fprintf(f, "<div class=\"%s\" role=\"%s\"><p>", cls, strcmp(cls, "ok") ? "alert" : "status");
    if (lead) fprintf(f, "<strong>%s</strong> ", lead);
    tdc_ui_esc(f, msg);
    fprintf(f, "</p></div>");
}

static void tdc__done(const tdc_ui_form *q, FILE *f)
{
    const char *done = tdc_ui_form_get(q, "done");
    if (done && *done) tdc__msg(f, "ok", NULL, done);
}

static void tdc__author(FILE *f, const td_state *st, const unsigned char *key)
{
    const td_author *a = td_state_author(st, key);
    char hex[17];
    if (a) {
        tdc_ui_esc(f, tdc_ui_agency_name(st, a->agency));
        fprintf(f, " / ");
        tdc_ui_esc(f, a->device);
    } else {
        td_key_short_hex(key, hex);
        fprintf(f, TD_UI_CENTRAL_AUTHOR_KEY, hex);
    }
}

static int tdc__no_plan(tdc_ui *ui, FILE *f, const char *title, const char *active, tdc_ui_resp *out)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    if (st && td_state_has_plan(st)) return 0;
    out->status = 404;
    tdc_ui_head(ui, f, title, active);
    fprintf(f, "<p>" TD_UI_NO_PLAN_PRESS_BEFORE " <strong>" TD_UI_BUTTON_SYNC_NOW "</strong> "
               TD_UI_CENTRAL_NO_PLAN_AFTER "</p>");
    tdc_ui_foot(f);
    return 1;
}

/* ---- deadlines: gia hạn, điều kiện ------------------------------------------------- */

/* One row; with_task: a first cell linking to the task's page. */
static void tdc__task_cell(FILE *f, const td_state *st, uint32_t task, int with_task)
{
    fprintf(f, "<tr>");
    if (with_task) fprintf(f, "<td><a href=\"/deadlines?n=%u\">%s</a></td>", task, tdc_ui_k(st, task));
}

static void tdc__deadline_row(FILE *f, const td_state *st, const td_deadline_change *d, int with_task)
{
    char b[256], a[256], when[40], recv[40];
    td_deadline_vi(&d->before, b, sizeof b);
    td_deadline_vi(&d->after, a, sizeof a);
    tdc_fmt_time(d->device_time_ms, when, sizeof when);
    tdc_fmt_time(d->received_ms, recv, sizeof recv);
    tdc__task_cell(f, st, d->task, with_task);
    fprintf(f, "<td>");
    tdc_ui_esc(f, d->before.text ? d->before.text : "");
    fprintf(f, "<br><span class=\"hint\">");
    tdc_ui_esc(f, b);
    fprintf(f, "</span></td><td>");
    tdc_ui_esc(f, d->after.text ? d->after.text : "");
    fprintf(f, "<br><span class=\"hint\">");
    tdc_ui_esc(f, a);
    fprintf(f, "</span></td><td>");
    tdc_ui_esc(f, *d->reason ? d->reason : TD_UI_DEADLINES_NEW_PLAN);
    fprintf(f, "</td><td>");
    tdc__author(f, st, d->author);
    fprintf(f, "</td><td>%s</td><td>%s</td><td>%" PRIu64 "</td></tr>", when, recv, d->index);
}

static void tdc__condition_row(FILE *f, const td_state *st, const td_condition *c, int with_task)
{
    char met[16], when[40], recv[40];
    td_date_vi(c->met_date, met, sizeof met);
    tdc_fmt_time(c->device_time_ms, when, sizeof when);
    tdc_fmt_time(c->received_ms, recv, sizeof recv);
    tdc__task_cell(f, st, c->task, with_task);
    fprintf(f, "<td>%s</td><td>", met);
    if (c->due_year) fprintf(f, TD_UI_DEADLINES_MONTH, c->due_month, c->due_year);
    else fprintf(f, TD_UI_DEADLINES_NO_DUE);
    fprintf(f, "</td><td>");
    tdc_ui_esc(f, c->note);
    fprintf(f, "</td><td>");
    tdc__author(f, st, c->author);
    fprintf(f, "</td><td>%s</td><td>%s</td><td>%" PRIu64 "</td></tr>", when, recv, c->index);
}

static const char tdc__dl_head[] =
    "<th scope=\"col\">" TD_UI_DEADLINES_COL_OLD "</th><th scope=\"col\">" TD_UI_DEADLINES_COL_NEW
    "</th><th scope=\"col\">" TD_UI_COL_REASON
    "</th><th scope=\"col\">" TD_UI_DEADLINES_COL_SIGNER "</th><th scope=\"col\">" TD_UI_COL_SIGNED_AT
    "</th><th scope=\"col\">"
    TD_UI_COL_SERVER_RECEIVED "</th>"
    "<th scope=\"col\">" TD_UI_DEADLINES_COL_ENTRY "</th></tr></thead><tbody>";
static const char tdc__cond_head[] =
    "<th scope=\"col\">" TD_UI_DEADLINES_COL_MET "</th><th scope=\"col\">" TD_UI_DEADLINES_COL_DUE
    "</th><th scope=\"col\">" TD_UI_COL_NOTE "</th><th scope=\"col\">" TD_UI_DEADLINES_COL_SIGNER
    "</th><th scope=\"col\">" TD_UI_COL_SIGNED_AT "</th><th scope=\"col\">" TD_UI_COL_SERVER_RECEIVED "</th>"
    "<th scope=\"col\">" TD_UI_DEADLINES_COL_ENTRY "</th></tr></thead><tbody>";

/* The forms of one task (central), pre-filled from q after a refusal. */
static void tdc__deadline_forms(tdc_ui *ui, FILE *f, const td_task *t, const tdc_ui_form *q)
{
    const char *dl = q ? tdc_ui_form_get(q, "deadline") : NULL, *reason = q ? tdc_ui_form_get(q, "reason") : NULL,
               *met = q ? tdc_ui_form_get(q, "met") : NULL, *due = q ? tdc_ui_form_get(q, "due") : NULL,
               *note = q ? tdc_ui_form_get(q, "note") : NULL;
    char today[16];
    td_date_vi(tdc_today(), today, sizeof today);
    fprintf(f, "<section aria-labelledby=\"ext\"><h2 id=\"ext\">" TD_UI_DEADLINES_EXTEND_TITLE "</h2>"
               "<form method=\"post\" action=\"/extend\" id=\"extend-form\">");
    tdc_ui_csrf(ui, f);
    fprintf(f, "<input type=\"hidden\" name=\"n\" value=\"%d\">", t->number);
    fprintf(f, "<div class=\"field\"><label for=\"deadline\">" TD_UI_DEADLINES_LABEL_DEADLINE "</label>"
               "<p class=\"hint\" id=\"hint-deadline\">" TD_UI_DEADLINES_HINT_DEADLINE
               "</p><input id=\"deadline\" name=\"deadline\" size=\"40\" "
               "aria-describedby=\"hint-deadline\" value=\"");
    tdc_ui_esc(f, dl ? dl : "");
    fprintf(f, "\"></div><div class=\"field\"><label for=\"reason\">" TD_UI_DEADLINES_LABEL_REASON
               "</label><textarea id=\"reason\" name=\"reason\" rows=\"2\">");
    tdc_ui_esc(f, reason ? reason : "");
    fprintf(f, "</textarea></div><div class=\"field\"><input type=\"checkbox\" id=\"confirm\" name=\"confirm\" "
               "value=\"1\"> <label for=\"confirm\" style=\"display:inline\">" TD_UI_DEADLINES_LABEL_CONFIRM
               "</label></div><details><summary>" TD_UI_DEADLINES_FORMS_ACCEPTED
               "</summary><pre>");
    tdc_ui_esc(f, tdc_deadline_forms);
    fprintf(f, "</pre></details><div class=\"actions\"><button type=\"submit\" class=\"primary\">"
               TD_UI_BUTTON_SIGN_QUEUE
               "</button></div></form></section>");
    if (t->deadline.kind != TD_DEADLINE_CONDITIONAL) return;
    fprintf(f, "<section aria-labelledby=\"cond\"><h2 id=\"cond\">" TD_UI_DEADLINES_CONDITION_TITLE "</h2>"
               "<form method=\"post\" action=\"/condition\" id=\"condition-form\">");
    tdc_ui_csrf(ui, f);
    fprintf(f, "<input type=\"hidden\" name=\"n\" value=\"%d\">", t->number);
    fprintf(f, "<div class=\"field\"><label for=\"met\">" TD_UI_DEADLINES_LABEL_MET "</label>"
               "<input id=\"met\" name=\"met\" size=\"10\" placeholder=\"" TD_UI_PLACEHOLDER_DATE "\" value=\"");
    tdc_ui_esc(f, met ? met : today);
    fprintf(f, "\"></div><div class=\"field\"><label for=\"due\">" TD_UI_DEADLINES_LABEL_DUE
               "</label><input id=\"due\" name=\"due\" size=\"8\" placeholder=\"" TD_UI_DEADLINES_PLACEHOLDER_MONTH
               "\" value=\"");
    tdc_ui_esc(f, due ? due : "");
    fprintf(f, "\"></div><div class=\"field\"><label for=\"note\">" TD_UI_DEADLINES_LABEL_NOTE "</label>"
               "<textarea id=\"note\" name=\"note\" rows=\"2\">");
    tdc_ui_esc(f, note ? note : "");
    fprintf(f, "</textarea></div><div class=\"actions\"><button type=\"submit\" class=\"primary\">"
               TD_UI_BUTTON_SIGN_QUEUE
               "</button></div></form></section>");
}

/* One task's deadline page; err/okmsg: the result of a POST. */
static void tdc__page_deadline_task(tdc_ui *ui, FILE *f, tdc_ui_resp *out, long n, const tdc_ui_form *q,
                                    const char *err, const char *confirm)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    const td_task *t = td_plan_task(td_state_plan(st), (int)n);
    size_t nd, nc, shown = 0;
    const td_deadline_change *dc = td_state_deadline_changes(st, &nd);
    const td_condition *ch = td_state_condition_history(st, &nc);
    char title[96], vi[256];
    if (!t) {
        out->status = 404;
        tdc_ui_head(ui, f, TD_UI_TASK_NOT_FOUND_TITLE, "deadlines");
        fprintf(f, "<p>" TD_UI_DEADLINES_TASK_UNKNOWN " <a href=\"/deadlines\">"
                   TD_UI_DEADLINES_LINK_LIST "</a></p>", n);
        tdc_ui_foot(f);
        return;
    }
    snprintf(title, sizeof title, TD_MSG_UI_TITLE_EXTEND, t->number);
    tdc_ui_head(ui, f, title, "deadlines");
    if (q && !err) tdc__done(q, f);
    if (err) tdc__msg(f, "err", TD_MSG_UI_NOT_SAVED, err);
    if (confirm)
        tdc__msg(f, "warn", TD_MSG_UI_CONFIRM_NEEDED,
                 confirm);
    fprintf(f, "<p class=\"task-title\"><a href=\"/task?n=%d\">", t->number);
    tdc_ui_esc(f, t->title ? t->title : "");
    td_deadline_vi(&t->deadline, vi, sizeof vi);
    fprintf(f, "</a></p><dl><dt>" TD_UI_DEADLINES_CURRENT "</dt><dd id=\"deadline-now\">");
    tdc_ui_esc(f, t->deadline.text ? t->deadline.text : "");
    fprintf(f, " (");
    tdc_ui_esc(f, vi);
    fprintf(f, ")</dd></dl><h2>" TD_UI_DEADLINES_HISTORY_TITLE "</h2>");
    for (size_t i = 0; i < nd; i++) {
        if (dc[i].task != (uint32_t)n) continue;
        if (!shown++) fprintf(f, "<table><thead><tr>%s", tdc__dl_head);
        tdc__deadline_row(f, st, &dc[i], 0);
    }
    fprintf(f, shown ? "</tbody></table>" : "<p>" TD_UI_DEADLINES_HISTORY_NONE "</p>");
    if (t->deadline.kind == TD_DEADLINE_CONDITIONAL || nc) {
        shown = 0;
        fprintf(f, "<h2>" TD_UI_DEADLINES_CONDITIONS_TITLE "</h2>");
        for (size_t i = 0; i < nc; i++) {
            if (ch[i].task != (uint32_t)n) continue;
            if (!shown++) fprintf(f, "<table><thead><tr>%s", tdc__cond_head);
            tdc__condition_row(f, st, &ch[i], 0);
        }
        fprintf(f, shown ? "</tbody></table>" : "<p>" TD_UI_DEADLINES_CONDITIONS_NONE "</p>");
    }
    if (ui->ctx.id.subject.role == TD_ROLE_CENTRAL) tdc__deadline_forms(ui, f, t, err || confirm ? q : NULL);
    tdc_ui_foot(f);
}

static void tdc__page_deadlines(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    const char *ns = tdc_ui_form_get(q, "n");
    long n;
    size_t nd, nc, shown = 0;
    const td_deadline_change *dc;
    const td_condition *ch;
    if (tdc__no_plan(ui, f, TD_UI_MENU_DEADLINES, "deadlines", out)) return;
    if (ns && *ns) {
        if (!tdc_int(ns, &n)) n = 0;
        tdc__page_deadline_task(ui, f, out, n, q, NULL, NULL);
        return;
    }
    dc = td_state_deadline_changes(st, &nd);
    ch = td_state_condition_history(st, &nc);
    tdc_ui_head(ui, f, TD_UI_DEADLINES_PAGE_TITLE, "deadlines");
    tdc__done(q, f);
    fprintf(f, "<form method=\"get\" action=\"/deadlines\" class=\"filters\"><label for=\"n\">"
               TD_UI_DEADLINES_LABEL_TASK "</label>"
               "<input id=\"n\" name=\"n\" size=\"5\" inputmode=\"numeric\"><button type=\"submit\">"
               TD_UI_DEADLINES_BUTTON_OPEN "</button></form>");
    if (ui->ctx.id.subject.role == TD_ROLE_CENTRAL)
        fprintf(f, "<p class=\"hint\">" TD_UI_DEADLINES_HINT_OPEN "</p>");
    fprintf(f, "<h2>" TD_UI_DEADLINES_EXTENSIONS_TITLE "</h2>");
    for (size_t i = 0; i < nd; i++) {
        if (!*dc[i].reason) continue;   /* a whole new plan, not a gia hạn */
        if (!shown++) fprintf(f, "<table><thead><tr><th scope=\"col\">" TD_UI_COL_TASK_NO "</th>%s", tdc__dl_head);
        tdc__deadline_row(f, st, &dc[i], 1);
    }
    fprintf(f, shown ? "</tbody></table>" : "<p>" TD_UI_DEADLINES_EXTENSIONS_NONE "</p>");
    fprintf(f, "<h2>" TD_UI_DEADLINES_MET_TITLE "</h2>");
    shown = 0;
    for (size_t i = 0; i < nc; i++) {
        if (!shown++) fprintf(f, "<table><thead><tr><th scope=\"col\">" TD_UI_COL_TASK_NO "</th>%s", tdc__cond_head);
        tdc__condition_row(f, st, &ch[i], 1);
    }
    fprintf(f, shown ? "</tbody></table>" : "<p>" TD_UI_DEADLINES_CONDITIONS_NONE "</p>");
    /* tasks with a conditional deadline: where central records a condition */
    {
        const td_plan *plan = td_state_plan(st);
        int first = 1;
        for (size_t i = 0; i < plan->n_tasks; i++) {
            if (plan->tasks[i].deadline.kind != TD_DEADLINE_CONDITIONAL) continue;
            fprintf(f, "%s<li><a href=\"/deadlines?n=%d\">" TD_UI_DEADLINES_TASK_NO "</a> ", first ? "<h2>"
                       TD_UI_DEADLINES_CONDITIONAL_TITLE
                                                                               "</h2><ul>" : "",
                    plan->tasks[i].number, plan->tasks[i].number);
            tdc_ui_esc(f, plan->tasks[i].title ? plan->tasks[i].title : "");
            fprintf(f, " — ");
            tdc_ui_esc(f, plan->tasks[i].deadline.text ? plan->tasks[i].deadline.text : "");
            fprintf(f, "</li>");
            first = 0;
        }
        if (!first) fprintf(f, "</ul>");
    }
    tdc_ui_foot(f);
}

static int tdc__task_of(const tdc_ui_form *q, long *n)
{
    const char *ns = tdc_ui_form_get(q, "n");
    return ns && tdc_int(ns, n) && *n >= 1 && *n <= TD_PLAN_TASK_NUMBER_MAX;
}

static void tdc__post_refused(tdc_ui *ui, FILE *f, tdc_ui_resp *out, long n, const tdc_ui_form *q, const char *err,
                              const char *confirm, unsigned status)
{
    out->status = status;
    if (ui->ctx.id.subject.role != TD_ROLE_CENTRAL || !td_plan_task(td_state_plan(tdc_replica_state(ui->ctx.rep)),
                                                                    (int)n)) {
        tdc_ui_head(ui, f, TD_UI_NOT_WRITTEN_TITLE, "deadlines");
        tdc__msg(f, "err", TD_MSG_UI_NOT_SAVED, err);
        fprintf(f, "<p><a href=\"/deadlines\">" TD_UI_DEADLINES_BACK "</a></p>");
        tdc_ui_foot(f);
        return;
    }
    tdc__page_deadline_task(ui, f, out, n, q, err, confirm);
}

static void tdc__post_extend(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    long n = 0;
    const char *confirm = tdc_ui_form_get(q, "confirm");
    tdc_extend x;
    td_error e;
    uint64_t seq;
    char done[700], path[48], msg[1100];
    if (!tdc__task_of(q, &n)) {
        tdc__post_refused(ui, f, out, 0, q, TD_MSG_UI_TASK_NUMBER_BAD, NULL, 422);
        return;
    }
    if (tdc_extend_prepare(&ui->ctx, n, tdc_ui_form_get(q, "deadline"), tdc_ui_form_get(q, "reason"), &x, &e)) {
        tdc__post_refused(ui, f, out, n, q, td_error_vi(&e), NULL, e.code == TD_EAUTH ? 403 : 422);
        return;
    }
    if (*x.confirm && !(confirm && !strcmp(confirm, "1"))) {
        snprintf(msg, sizeof msg, TD_MSG_UI_EXTEND_CONFIRM,
                 n, x.confirm);
        tdc_extend_free(&x);
        tdc__post_refused(ui, f, out, n, q, NULL, msg, 422);
        return;
    }
    if (tdc_extend_sign(&ui->ctx, &x, &seq, &e)) {
        tdc_extend_free(&x);
        tdc__post_refused(ui, f, out, n, q, td_error_vi(&e), NULL, 500);
        return;
    }
    snprintf(done, sizeof done, TD_MSG_UI_EXTEND_SIGNED, n, x.vi_old, x.vi_new, (unsigned long long)seq);
    tdc_extend_free(&x);
    snprintf(path, sizeof path, "/deadlines?n=%ld", n);
    tdc_ui_redirect_done(ui, out, path, done);
}

static void tdc__post_condition(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    long n = 0;
    const char *met_s = tdc_ui_form_get(q, "met"), *due_s = tdc_ui_form_get(q, "due");
    int met = 0, due_y = 0, due_m = 0;
    tdc_condition_in x;
    td_error e;
    uint64_t seq;
    char done[300], path[48];
    if (!tdc__task_of(q, &n)) {
        tdc__post_refused(ui, f, out, 0, q, TD_MSG_UI_TASK_NUMBER_BAD, NULL, 422);
        return;
    }
    if (!met_s || td_date_parse_vi(met_s, &met) || !td_date_valid(met)) {
        tdc__post_refused(ui, f, out, n, q, TD_MSG_UI_MET_DATE_BAD, NULL, 422);
        return;
    }
    if (due_s && *td_trim((char *)due_s) && tdc_month_parse(due_s, &due_y, &due_m)) {
        tdc__post_refused(ui, f, out, n, q, TD_MSG_UI_DUE_MONTH_BAD, NULL, 422);
        return;
    }
    if (tdc_condition_prepare(&ui->ctx, n, met, due_y, due_m, tdc_ui_form_get(q, "note"), &x, &e)) {
        tdc__post_refused(ui, f, out, n, q, td_error_vi(&e), NULL, e.code == TD_EAUTH ? 403 : 422);
        return;
    }
    if (tdc_condition_sign(&ui->ctx, &x, &seq, &e)) {
        tdc_condition_free(&x);
        tdc__post_refused(ui, f, out, n, q, td_error_vi(&e), NULL, 500);
        return;
    }
    tdc_condition_free(&x);
    snprintf(done, sizeof done, TD_MSG_UI_CONDITION_SIGNED, n, (unsigned long long)seq);
    snprintf(path, sizeof path, "/deadlines?n=%ld", n);
    tdc_ui_redirect_done(ui, out, path, done);
}

/* ---- dashboards ---------------------------------------------------------------------- */

/* One row of counts: name, counts by status, each count a link (href + status). */
static void tdc__count_cells(FILE *f, const size_t *count, const char *href_pre)
{
    size_t total = 0;
    for (int i = 0; i < TD_STATUS_COUNT - 1; i++) {
        td_status s = td_status_order[i];
        total += count[s];
        if (count[s])
            fprintf(f, "<td class=\"num st-%s\"><a href=\"%s&amp;status=%s\">%zu</a></td>", td_status_name(s),
                    href_pre, td_status_name(s), count[s]);
        else fprintf(f, "<td class=\"num st-%s\">0</td>", td_status_name(s));
    }
    fprintf(f, "<td class=\"num\"><strong>%zu</strong></td></tr>", total);
}

static void tdc__count_head(FILE *f, const char *first)
{
    fprintf(f, "<table class=\"counts\"><thead><tr><th scope=\"col\">%s</th>", first);
    for (int i = 0; i < TD_STATUS_COUNT - 1; i++)
        fprintf(f, "<th scope=\"col\" id=\"col-%s\">%s</th>", td_status_name(td_status_order[i]),
                td_status_vi(td_status_order[i]));
    fprintf(f, "<th scope=\"col\">" TD_UI_DASHBOARD_COL_TOTAL "</th></tr></thead><tbody>");
}

/* CSV of the dashboard: the head row (first: what a row is), and a row of
 * counts in the order of the HTML table. */
static void tdc__count_head_csv(FILE *f, const char *first, const char *second)
{
    fputs(TD_CSV_BOM, f);
    td_csv_text(f, first);
    if (second) {
        td_csv_sep(f);
        td_csv_text(f, second);
    }
    for (int i = 0; i < TD_STATUS_COUNT - 1; i++) {
        td_csv_sep(f);
        td_csv_text(f, td_status_vi(td_status_order[i]));
    }
    td_csv_sep(f);
    td_csv_text(f, TD_UI_DASHBOARD_COL_TOTAL);
    td_csv_eol(f);
}

static void tdc__count_row_csv(FILE *f, const char *first, const char *second, const size_t *count)
{
    size_t total = 0;
    char num[32];
    td_csv_text(f, first);
    if (second) {
        td_csv_sep(f);
        td_csv_text(f, second);
    }
    for (int i = 0; i < TD_STATUS_COUNT - 1; i++) {
        total += count[td_status_order[i]];
        snprintf(num, sizeof num, "%zu", count[td_status_order[i]]);
        td_csv_sep(f);
        td_csv_bare(f, num);
    }
    snprintf(num, sizeof num, "%zu", total);
    td_csv_sep(f);
    td_csv_bare(f, num);
    td_csv_eol(f);
}

/* /dashboard (csv 0) and /dashboard.csv (csv 1): the same counts. */
static void tdc__page_dashboard(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out, int csv)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    const char *by = tdc_ui_form_get(q, "by");
    int by_agency = by && !strcmp(by, "agency"), today = tdc_today();
    const td_plan *plan;
    td_status_opts so;
    td_task_status *ts = NULL;
    size_t n_ts = 0;
    td_error e;
    char d[16];
    if (tdc__no_plan(ui, f, TD_UI_MENU_DASHBOARD, "dashboard", out)) return;
    plan = td_state_plan(st);
    tdc_device_status_opts(&ui->ctx.dev, &so);
    if (td_status_all(st, today, &so, &ts, &n_ts, &e)) {
        out->status = 500;
        tdc_ui_head(ui, f, TD_UI_MENU_DASHBOARD, "dashboard");
        tdc__msg(f, "err", TD_MSG_UI_STATUS_FAILED, td_err_vi(e.code));
        tdc_ui_foot(f);
        return;
    }
    td_date_vi(today, d, sizeof d);
    if (csv) {
        out->type = "text/csv; charset=utf-8";
        snprintf(out->filename, sizeof out->filename, "tong-hop-theo-%s-%d.csv", by_agency ? "co-quan" : "muc", today);
        if (by_agency) tdc__count_head_csv(f, TD_UI_DASHBOARD_CSV_AGENCY_CODE, TD_UI_DASHBOARD_COL_LEAD);
        else tdc__count_head_csv(f, TD_UI_COL_SECTION, NULL);
    } else {
        tdc_ui_head(ui, f, by_agency ? TD_UI_DASHBOARD_BY_AGENCY_TITLE : TD_UI_DASHBOARD_BY_SECTION_TITLE,
            "dashboard");
        fprintf(f, "<p>" TD_UI_DASHBOARD_AS_OF
                   " <a href=\"/dashboard?by=%s\">%s</a> · <a href=\"/dashboard.csv?by=%s\" "
                   "id=\"dashboard-csv\">" TD_UI_LINK_CSV "</a></p>", d, by_agency ? "section" : "agency",
                by_agency ? TD_UI_DASHBOARD_LINK_BY_SECTION : TD_UI_DASHBOARD_LINK_BY_AGENCY, by_agency ? "agency" :
                    "section");
    }
    if (!by_agency) {
        size_t all[TD_STATUS_COUNT] = {0};
        if (!csv) tdc__count_head(f, TD_UI_COL_SECTION);
        for (size_t sct = 0; sct <= plan->n_sections; sct++) {
            /* the plan's sections in order, then tasks without one */
            const char *code = sct < plan->n_sections ? plan->sections[sct].code : NULL;
            size_t count[TD_STATUS_COUNT] = {0}, n = 0;
            char *href = NULL;
            size_t hn = 0;
            FILE *hf;
            for (size_t i = 0; i < n_ts; i++) {
                const td_task *t = td_plan_task(plan, (int)ts[i].task);
                const char *sec = t && t->section && *t->section ? t->section : NULL;
                if (code ? !sec || strcmp(sec, code) : sec != NULL) continue;
                if ((unsigned)ts[i].overall < TD_STATUS_COUNT) count[ts[i].overall]++;
                n++;
            }
            if (!n) continue;
            for (int s = 0; s < TD_STATUS_COUNT; s++) all[s] += count[s];
            if (csv) {
                char name[512];
                if (code)
                    snprintf(name, sizeof name, "%s. %s", code,
                             plan->sections[sct].title ? plan->sections[sct].title : "");
                else snprintf(name, sizeof name, TD_MSG_UI_NO_SECTION);
                tdc__count_row_csv(f, name, NULL, count);
                continue;
            }
            fprintf(f, "<tr><th scope=\"row\">");
            if (code) {
                tdc_ui_esc(f, code);
                fprintf(f, ". ");
                tdc_ui_esc(f, plan->sections[sct].title ? plan->sections[sct].title : "");
            } else {
                fprintf(f, TD_MSG_UI_NO_SECTION);
            }
            fprintf(f, "</th>");
            if (!(hf = open_memstream(&href, &hn))) continue;
            fprintf(hf, "/tasks?role=all&amp;section=");
            tdc_ui_urlenc(hf, code ? code : "");
            fclose(hf);
            tdc__count_cells(f, count, href);
            free(href);
        }
        if (csv) {
            tdc__count_row_csv(f, TD_UI_DASHBOARD_WHOLE_PLAN, NULL, all);
            goto done;
        }
        fprintf(f, "<tr><th scope=\"row\">" TD_UI_DASHBOARD_WHOLE_PLAN "</th>");
        tdc__count_cells(f, all, "/tasks?role=all");
        fprintf(f, "</tbody></table>");
    } else {
        /* each lead agency's status on each task it leads */
        const char **slugs = NULL;
        size_t n_slugs = 0, (*count)[TD_STATUS_COUNT] = NULL;
        for (size_t i = 0; i < n_ts; i++)
            for (size_t k = 0; k < ts[i].n_leads; k++) {
                size_t j;
                for (j = 0; j < n_slugs && strcmp(slugs[j], ts[i].leads[k].agency); j++) {
                }
                if (j == n_slugs) {
                    if (TD_GROW_ONE(slugs, n_slugs) || TD_GROW_ONE(count, n_slugs)) goto agency_done;
                    slugs[n_slugs] = ts[i].leads[k].agency;
                    memset(count[n_slugs], 0, sizeof count[n_slugs]);
                    n_slugs++;
                }
                if ((unsigned)ts[i].leads[k].status < TD_STATUS_COUNT) count[j][ts[i].leads[k].status]++;
            }
        if (csv) {
            for (size_t j = 0; j < n_slugs; j++)
                tdc__count_row_csv(f, slugs[j], tdc_ui_agency_name(st, slugs[j]), count[j]);
            goto agency_done;
        }
        tdc__count_head(f, TD_UI_DASHBOARD_COL_LEAD);
        for (size_t j = 0; j < n_slugs; j++) {
            char *href = NULL;
            size_t hn = 0;
            FILE *hf = open_memstream(&href, &hn);
            if (!hf) continue;
            fprintf(hf, "/dashboard/agency?a=");
            tdc_ui_urlenc(hf, slugs[j]);
            fclose(hf);
            fprintf(f, "<tr><th scope=\"row\"><a href=\"%s\">", href);
            tdc_ui_esc(f, tdc_ui_agency_name(st, slugs[j]));
            fprintf(f, "</a></th>");
            tdc__count_cells(f, count[j], href);
            free(href);
        }
        fprintf(f, "</tbody></table><p class=\"hint\">" TD_UI_DASHBOARD_HINT_CELLS "</p>");
    agency_done:
        free(slugs);
        free(count);
    }
done:
    if (!csv) tdc_ui_foot(f);
    td_status_all_free(ts, n_ts);
}

static void tdc__page_agency(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    const char *slug = tdc_ui_form_get(q, "a"), *status_s = tdc_ui_form_get(q, "status");
    td_status want = status_s && *status_s ? td_status_parse(status_s) : TD_ST_NONE;
    const td_plan *plan;
    td_status_opts so;
    td_task_status *ts = NULL;
    size_t n_ts = 0, shown = 0, nr;
    const td_report *r;
    td_error e;
    char title[300];
    if (tdc__no_plan(ui, f, TD_UI_COL_AGENCY, "dashboard", out)) return;
    if (!slug || !*slug || !td_registry_agency(td_state_registry(st), slug)) {
        out->status = 404;
        tdc_ui_head(ui, f, TD_UI_AGENCY_NOT_FOUND_TITLE, "dashboard");
        fprintf(f, "<p>" TD_UI_AGENCY_NOT_FOUND " <a href=\"/dashboard?by=agency\">"
                   TD_UI_AGENCY_LINK_DASHBOARD "</a>"
                   "</p>");
        tdc_ui_foot(f);
        return;
    }
    plan = td_state_plan(st);
    tdc_device_status_opts(&ui->ctx.dev, &so);
    td_status_all(st, tdc_today(), &so, &ts, &n_ts, &e);
    snprintf(title, sizeof title, "%s", tdc_ui_agency_name(st, slug));
    tdc_ui_head(ui, f, title, "dashboard");
    fprintf(f, "<p><a href=\"/dashboard?by=agency\">" TD_UI_AGENCY_LINK_DASHBOARD "</a>");
    if (ui->ctx.id.subject.role == TD_ROLE_INSPECTOR) {
        fprintf(f, " · <a href=\"/audit/history?agency=");
        tdc_ui_urlenc(f, slug);
        fprintf(f, "\">" TD_UI_AGENCY_LINK_HISTORY "</a>");
    }
    fprintf(f, "</p><h2>" TD_UI_AGENCY_LEAD_TITLE "</h2>", want ? ": " : "", want ? td_status_vi(want) : "");
    fprintf(f, "<table><thead><tr><th scope=\"col\">" TD_UI_COL_TASK_NO "</th><th scope=\"col\">" TD_UI_COL_TASK
               "</th><th scope=\"col\">" TD_UI_COL_STATUS
               "</th><th scope=\"col\">" TD_UI_COL_DUE "</th><th scope=\"col\">" TD_UI_AGENCY_COL_LAST_REPORT
               "</th></tr></thead><tbody>");
    for (size_t i = 0; i < n_ts; i++)
        for (size_t k = 0; k < ts[i].n_leads; k++) {
            const td_lead_status *ls = &ts[i].leads[k];
            const td_task *t;
            char d1[16], d2[16];
            if (strcmp(ls->agency, slug) || (want && ls->status != want)) continue;
            shown++;
            t = td_plan_task(plan, (int)ts[i].task);
            tdc_ui_date(ls->due_date, d1, sizeof d1);
            tdc_ui_date(ls->last_report_date, d2, sizeof d2);
            fprintf(f, "<tr><td><a href=\"/task?n=%u\">%s</a></td><td>", ts[i].task, tdc_ui_k(st, ts[i].task));
            tdc_ui_esc(f, t && t->title ? t->title : "");
            fprintf(f, "</td><td>%s%s</td><td>%s</td><td>%s", td_status_vi(ls->status),
                    ls->returned ? " " TD_UI_AGENCY_RETURNED : "", d1, d2);
            if (ls->report_index) fprintf(f, ", %u%%", ls->percent);
            fprintf(f, "</td></tr>");
        }
    fprintf(f, "</tbody></table><p>" TD_UI_N_TASKS "</p><h2>" TD_UI_AGENCY_REPORTS_TITLE "</h2>", shown);
    r = td_state_reports(st, &nr);
    shown = 0;
    for (size_t i = nr; i-- > 0;) {
        char pvi[16], when[40];
        if (strcmp(r[i].agency, slug)) continue;
        if (!shown++)
            fprintf(f, "<table><thead><tr><th scope=\"col\">" TD_UI_COL_TASK_NO "</th><th scope=\"col\">"
                       TD_UI_COL_PERIOD
                       "</th><th scope=\"col\">" TD_UI_COL_REPORT_STATE
                       "</th><th scope=\"col\">" TD_UI_MENU_REVIEW "</th><th scope=\"col\">" TD_UI_COL_SIGNED_AT
                       "</th></tr></thead><tbody>");
        if (shown > 200) continue;
        tdc_period_vi(r[i].period, pvi, sizeof pvi);
        tdc_fmt_time(r[i].device_time_ms, when, sizeof when);
        fprintf(f, "<tr><td><a href=\"/task?n=%u\">%u</a></td><td>%s</td><td>%s, %u%%</td><td>%s</td><td>%s</td></tr>",
                r[i].task, r[i].task, pvi, tdc_rep_state_vi(r[i].state), r[i].percent,
                r[i].review > 0 ? TD_UI_WORD_ACCEPTED : r[i].review < 0 ? TD_UI_WORD_RETURNED :
                    TD_UI_AGENCY_NOT_YET, when);
    }
    fprintf(f, shown ? "</tbody></table>" : "<p>" TD_UI_AGENCY_REPORTS_NONE "</p>");
    tdc_ui_foot(f);
    td_status_all_free(ts, n_ts);
}

/* ---- the inspector: audit ------------------------------------------------------------ */

/* ---- the inspector's verification: a background job ---------------------------------
 *
 * `tiendo audit verify` on the replica takes seconds on a large log (every
 * signature, the whole fold, every checkpoint), so /audit never runs it in
 * the request: one job per process runs it in its own thread, on its own
 * read-only connection and its own copy of the CA certificate, and the page
 * shows its progress (tda_verify_progress) and the last finished result.
 * A run starts from the button (POST /audit/verify) or by itself when /audit
 * is opened and no run covered the replica's current log size (once per
 * size).  The result is kept in memory only: a result stored in the replica
 * would sit in the file under audit, where whoever can change the log can
 * change it too; after a restart the page verifies again. */

typedef struct tdc__audit_job {
    pthread_mutex_t lock;
    pthread_t thread;
    int joinable;                /* a thread to join (running or finished) */
    int running, stop;
    uint64_t checked, total;     /* of the running job */
    int64_t started_ms;
    uint64_t auto_for;           /* log size + 1 an automatic run was started for */
    unsigned runs;               /* finished runs */
    /* the last finished run */
    int have, failed;
    tda_result *res;
    uint64_t size;               /* the log size it covered (its total) */
    int64_t began_ms, done_ms;
    char error[256];             /* Vietnamese: the replica could not be read */
    /* the running job's inputs (owned by the thread) */
    char *db_path;
    X509 *ca;
    tda_witness_key wk;
    size_t n_wk;
} tdc__audit_job;

static tdc__audit_job tdc__job = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int tdc__job_progress(void *arg, uint64_t checked)
{
    tdc__audit_job *j = arg;
    int stop;
    pthread_mutex_lock(&j->lock);
    j->checked = checked;
    if (checked > j->total) j->total = checked;
    stop = j->stop;
    pthread_mutex_unlock(&j->lock);
    return stop;
}

static void *tdc__job_main(void *arg)
{
    tdc__audit_job *j = arg;
    tda_result *res = calloc(1, sizeof *res);
    tda_db *db = NULL;
    tda_source src;
    td_error e = {0};
    int rc = TD_ENOMEM;
    uint64_t total = 0;
    if (res && (rc = tda_db_open_replica(j->db_path, &db, &e)) == 0) {
        total = tda_db_size(db);
        pthread_mutex_lock(&j->lock);
        j->total = total;
        pthread_mutex_unlock(&j->lock);
        src = tda_db_source(db);
        rc = tda_verify_progress(&src, j->ca, NULL, j->n_wk ? &j->wk : NULL, j->n_wk, tdc__job_progress, j, res, &e);
    }
    if (db) tda_db_close(db);
    pthread_mutex_lock(&j->lock);
    if (!j->stop) {
        if (rc) td_log_warn("ui: audit verify: %s", e.msg);
        else td_log_info("ui: audit verify of %llu entries: %s", (unsigned long long)res->n_entries,
                         res->ok ? "consistent" : "DISCREPANCY");
        free(j->res);
        j->res = rc ? NULL : res;
        res = rc ? res : NULL;
        j->have = 1;
        j->failed = rc != 0;
        snprintf(j->error, sizeof j->error, "%s", rc ? td_err_vi(e.code ? e.code : rc) : "");
        j->size = total > j->checked ? total : j->checked;
        j->began_ms = j->started_ms;
        j->done_ms = td_clock_now_ms();
        j->runs++;
    }
    j->running = 0;
    free(j->db_path);
    j->db_path = NULL;
    X509_free(j->ca);
    j->ca = NULL;
    pthread_mutex_unlock(&j->lock);
    free(res);
    return NULL;
}

/* Start a run unless one is running; with the lock held.  1 if started. */
static int tdc__job_start_locked(tdc_ui *ui, tdc__audit_job *j)
{
    td_error e = {0};
    if (j->running) return 0;
    if (j->joinable) {
        pthread_join(j->thread, NULL);   /* finished: returns at once */
        j->joinable = 0;
    }
    j->n_wk = tda_witness_key_from_cert(ui->ctx.id.cert, ui->ctx.ca, &j->wk, &e) == 0;
    j->db_path = strdup(ui->ctx.db_path);
    j->ca = X509_dup(ui->ctx.ca);
    if (!j->db_path || !j->ca) goto fail;
    j->running = 1;
    j->stop = 0;
    j->checked = j->total = 0;
    j->started_ms = td_clock_now_ms();
    if (pthread_create(&j->thread, NULL, tdc__job_main, j)) {
        j->running = 0;
        goto fail;
    }
    j->joinable = 1;
    return 1;
fail:
    free(j->db_path);
    j->db_path = NULL;
    X509_free(j->ca);
    j->ca = NULL;
    return 0;
}

void tdc_ui_audit_shutdown(void)
{
    tdc__audit_job *j = &tdc__job;
    int join;
    pthread_mutex_lock(&j->lock);
    j->stop = 1;
    join = j->joinable;
    j->joinable = 0;
    pthread_mutex_unlock(&j->lock);
    if (join) pthread_join(j->thread, NULL);
    pthread_mutex_lock(&j->lock);
    free(j->res);
    j->res = NULL;
    j->have = 0;
    j->stop = 0;
    pthread_mutex_unlock(&j->lock);
}

/* The replica's log size as the pages' state has folded it. */
static uint64_t tdc__log_size(tdc_ui *ui)
{
    const td_state *st = tdc_replica_state(ui->ctx.rep);
    return st ? td_state_last_index(st) : 0;
}

static int tdc__pct(uint64_t checked, uint64_t total)
{
    return total ? (int)(checked >= total ? 100 : checked * 100 / total) : 0;
}

/* A finished run's result (what tda_result_print says, as HTML). */
static void tdc__verify_result(FILE *f, const tda_result *res)
{
    char hex[65];
    fprintf(f, "<p class=\"%s\" role=\"status\" id=\"verify-result\">%s</p>", res->ok ? "ok" : "err",
            res->ok ? TD_UI_AUDIT_CONSISTENT : TD_UI_AUDIT_DISCREPANCY);
    if (!res->ok) {
        fprintf(f, "<p class=\"err\" id=\"verify-discrepancy\">" TD_UI_AUDIT_DISCREPANCY_ENTRY, res->bad_index);
        if (res->bad_checkpoint) fprintf(f, TD_UI_AUDIT_DISCREPANCY_CHECKPOINT, res->bad_checkpoint);
        if (res->has_entry) fprintf(f, TD_UI_AUDIT_DISCREPANCY_AUTHOR, res->author_hex, res->seq,
                                    td_entry_kind_vi(res->kind));
        fprintf(f, ": ");
        tdc_ui_esc(f, res->what);
        fprintf(f, "</p>");
    }
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", res->max_root[i]);
    fprintf(f, "<dl><dt>" TD_UI_AUDIT_ENTRIES "</dt><dd>" TD_UI_AUDIT_ENTRIES_AUTHORS "</dd><dt>"
               TD_UI_AUDIT_CHECKPOINTS
               "</dt><dd>" TD_UI_AUDIT_CHECKPOINTS_MATCHED "</dd><dt>" TD_UI_AUDIT_MAX_CHECKPOINT "</dt><dd>"
               TD_UI_AUDIT_MAX_CHECKPOINT_ROOT " <code>%s</code></dd><dt>" TD_UI_AUDIT_PROVENANCE "</dt><dd>",
            res->n_entries, res->n_authors, res->n_checkpoints, res->n_checkpoints_ok, res->max_size, hex);
    tdc_ui_esc(f, res->origin);
    fprintf(f, "</dd><dt>" TD_UI_AUDIT_FOLD_REFUSED "</dt><dd>%" PRIu64 "</dd><dt>" TD_UI_AUDIT_ODD_TIMES
               "</dt><dd>%"
               PRIu64 "</dd><dt>" TD_UI_AUDIT_COSIGNATURES "</dt><dd>" TD_UI_AUDIT_COSIGNATURES_MAX "</dd></dl>",
            res->n_refused, res->n_time_flagged, res->n_witness, res->max_witnessed);
    if (res->n_witness_listed) {
        fprintf(f, "<h3>" TD_UI_AUDIT_COSIGNATURES_TITLE "</h3><table><thead><tr><th scope=\"col\">"
                   TD_UI_AUDIT_COL_TREE_SIZE "</th><th scope=\"col\">" TD_UI_AUDIT_COL_WITNESS "</th><th scope=\"col\">"
                   TD_UI_AUDIT_COL_CHECK "</th></tr></thead><tbody>");
        for (size_t i = 0; i < res->n_witness_listed; i++) {
            fprintf(f, "<tr><td>%" PRIu64 "</td><td>", res->witness[i].size);
            tdc_ui_esc(f, res->witness[i].witness);
            fprintf(f, "</td><td>%s</td></tr>", res->witness[i].verified > 0    ? TD_UI_AUDIT_VALID
                                                : res->witness[i].verified == 0 ? TD_UI_AUDIT_INVALID
                                                                                : TD_UI_AUDIT_KEY_UNKNOWN);
        }
        fprintf(f, "</tbody></table>");
    }
    if (res->n_refusals_listed) {
        fprintf(f, "<h3>" TD_UI_AUDIT_REFUSED_TITLE "</h3><table><thead><tr><th scope=\"col\">" TD_UI_COL_SECTION
                   "</th><th scope=\"col\">" TD_UI_AUDIT_COL_AUTHOR "</th>"
                   "<th scope=\"col\">" TD_UI_COL_KIND "</th><th scope=\"col\">" TD_UI_COL_REASON
                   "</th></tr></thead><tbody>");
        for (size_t i = 0; i < res->n_refusals_listed; i++) {
            char vi[768];
            td_refusal_vi(res->refusals[i].reason, vi, sizeof vi);
            fprintf(f, "<tr><td>%" PRIu64 "</td><td>%s</td><td>%s</td><td>", res->refusals[i].index,
                    res->refusals[i].author_hex, td_entry_kind_vi(res->refusals[i].kind));
            tdc_ui_esc(f, vi);
            fprintf(f, "</td></tr>");
        }
        fprintf(f, "</tbody></table>");
    }
    if (res->n_time_listed) {
        fprintf(f, "<h3>" TD_UI_AUDIT_ODD_TIMES "</h3><table><thead><tr><th scope=\"col\">" TD_UI_COL_SECTION
                   "</th><th scope=\"col\">"
                   TD_UI_COL_TASK_NO "</th><th scope=\"col\">" TD_UI_COL_AGENCY "</th><th scope=\"col\">"
                                     TD_UI_COL_SIGNED_AT
                            "</th><th scope=\"col\">" TD_UI_COL_SERVER_RECEIVED "</th>"
                   "<th scope=\"col\">" TD_UI_AUDIT_COL_WHY "</th></tr></thead><tbody>");
        for (size_t i = 0; i < res->n_time_listed; i++) {
            char a[40], b[40], why[512];
            tdc_fmt_time(res->time_flagged[i].device_time_ms, a, sizeof a);
            tdc_fmt_time(res->time_flagged[i].received_ms, b, sizeof b);
            td_time_flags_vi(res->time_flagged[i].flags, why, sizeof why);
            fprintf(f, "<tr><td>%" PRIu64 "</td><td>%u</td><td>", res->time_flagged[i].index,
                    res->time_flagged[i].task);
            tdc_ui_esc(f, res->time_flagged[i].agency);
            fprintf(f, "</td><td>%s</td><td>%s</td><td>", a, b);
            tdc_ui_esc(f, why);
            fprintf(f, "</td></tr>");
        }
        fprintf(f, "</tbody></table>");
    }
}

/* The verification section of /audit: progress, the last result, the button. */
static void tdc__verify_section(tdc_ui *ui, FILE *f, int running, uint64_t checked, uint64_t total, int64_t started,
                                uint64_t now_size)
{
    tdc__audit_job *j = &tdc__job;
    char when[40], began[40];
    fprintf(f, "<section aria-labelledby=\"verify\"><h2 id=\"verify\">" TD_UI_AUDIT_VERIFY_TITLE "</h2>"
               "<p class=\"hint\">" TD_UI_AUDIT_VERIFY_HINT_BEFORE " <code>" TD_UI_AUDIT_CMD_VERIFY "</code>"
               TD_UI_AUDIT_VERIFY_HINT_AFTER "</p>");
    if (running) {
        tdc_fmt_time(started, began, sizeof began);
        fprintf(f, "<div id=\"verify-running\" data-status=\"/audit/status\"><p><label for=\"verify-progress\">"
                   TD_UI_AUDIT_VERIFY_RUNNING "</label> <progress id=\"verify-progress\" max=\"%" PRIu64
                   "\" value=\"%"
                   PRIu64 "\">%d%%</progress> <span id=\"verify-count\">" TD_UI_AUDIT_VERIFY_PROGRESS "</span></p>"
                   "<p class=\"hint\">" TD_UI_AUDIT_VERIFY_SELF_UPDATES "</p></div>",
                began, total ? total : 1, checked, tdc__pct(checked, total), checked, total, tdc__pct(checked, total));
    }
    pthread_mutex_lock(&j->lock);
    if (j->have) {
        tdc_fmt_time(j->done_ms, when, sizeof when);
        tdc_fmt_time(j->began_ms, began, sizeof began);
        fprintf(f, "<h3>%s</h3><p id=\"verify-when\">" TD_UI_AUDIT_VERIFY_WHEN "</p>",
                running ? TD_UI_AUDIT_VERIFY_PREVIOUS : TD_UI_RESULT, began, when, j->size);
        if (now_size > j->size)
            fprintf(f, "<p class=\"warn\" id=\"verify-stale\">" TD_UI_AUDIT_VERIFY_STALE
                       "</p>", now_size - j->size, now_size,
                    running ? TD_UI_AUDIT_VERIFY_STALE_RUNNING : TD_UI_AUDIT_VERIFY_STALE_PRESS);
        if (j->failed) {
            fprintf(f, "<p class=\"err\" role=\"alert\" id=\"verify-result\">" TD_UI_AUDIT_VERIFY_UNREADABLE " ");
            tdc_ui_esc(f, j->error);
            fprintf(f, "</p>");
        } else if (j->res) {
            tdc__verify_result(f, j->res);
        }
    } else if (!running) {
        fprintf(f, "<p id=\"verify-result\">" TD_UI_AUDIT_VERIFY_NEVER "</p>");
    }
    pthread_mutex_unlock(&j->lock);
    fprintf(f, "<form method=\"post\" action=\"/audit/verify\" id=\"verify-form\">");
    tdc_ui_csrf(ui, f);
    fprintf(f, "<div class=\"actions\"><button type=\"submit\" class=\"primary\" id=\"verify-start\"%s>"
               TD_UI_AUDIT_BUTTON_VERIFY "</button></div></form></section>", running ? " disabled" : "");
}

static void tdc__page_audit(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    tdc__audit_job *j = &tdc__job;
    td_error e = {0};
    tdc_alarm *al = NULL;
    size_t nal = 0;
    tdc_checkpoint_row row;
    int found = 0, running;
    uint64_t cosigned = 0, size = tdc__log_size(ui), checked, total;
    int64_t started;
    char when[40], hex[65];
    (void)out;
    pthread_mutex_lock(&j->lock);
    /* by itself once per log size, when no run covered this size */
    if (!j->running && (!j->have || j->size != size) && j->auto_for != size + 1) {
        j->auto_for = size + 1;
        tdc__job_start_locked(ui, j);
    }
    running = j->running;
    checked = j->checked;
    total = j->total ? j->total : size;
    started = j->started_ms;
    pthread_mutex_unlock(&j->lock);
    /* without the script the page reloads itself while a run goes on */
    tdc_ui_head_refresh(ui, f, TD_UI_AUDIT_TITLE, "audit", running ? 2 : 0);
    if (running) tdc__done(q, f);   /* "started" / "one is running": said while it runs */
    /* alarms first: they matter more than anything below */
    if (!tdc_replica_alarm_list(ui->ctx.rep, 1, &al, &nal, &e) && nal) {
        fprintf(f, "<section aria-labelledby=\"alarms\"><h2 id=\"alarms\">" TD_UI_ALARMS_TITLE "</h2>"
                   "<p><a href=\"/alarms\">" TD_UI_AUDIT_LINK_ALARMS "</a></p>");
        for (size_t i = 0; i < nal; i++) {
            tdc_fmt_time(al[i].at_ms, when, sizeof when);
            fprintf(f, "<div class=\"%s\" role=\"alert\"><p><strong>" TD_UI_AUDIT_ALARM_NO "</strong>"
                       TD_UI_AUDIT_ALARM_AT " ",
                    al[i].acked_ms ? "warn" : "err", (long long)al[i].id, when);
            tdc_ui_esc(f, tdc_alarm_vi(al[i].kind));
            fprintf(f, TD_UI_AUDIT_ALARM_SIZES "</p><p class=\"hint\">"
                       TD_UI_AUDIT_ALARM_DETAIL " ", (unsigned long long)al[i].old_size, (unsigned long long)al[i].new_size,
                    al[i].acked_ms ? " " TD_UI_AUDIT_ALARM_CLEARED : "");
            tdc_ui_esc(f, al[i].detail ? al[i].detail : "");
            fprintf(f, "</p><details><summary>" TD_UI_AUDIT_ALARM_EVIDENCE "</summary><pre>");
            tdc_ui_esc(f, al[i].old_note ? al[i].old_note : TD_UI_NONE);
            fprintf(f, "\n");
            tdc_ui_esc(f, al[i].new_note ? al[i].new_note : TD_UI_NONE);
            fprintf(f, "</pre></details></div>");
        }
        fprintf(f, "</section>");
    }
    tdc_alarms_free(al, nal);
    tdc__verify_section(ui, f, running, checked, total, started, size);
    fprintf(f, "<section aria-labelledby=\"cps\"><h2 id=\"cps\">" TD_UI_AUDIT_CHECKPOINTS_TITLE "</h2><dl>");
    if (!tdc_replica_checkpoint_get(ui->ctx.rep, 0, &row, &found, &e) && found) {
        tdc_fmt_time(row.verified_ms, when, sizeof when);
        for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", row.root[i]);
        fprintf(f, "<dt>" TD_UI_AUDIT_LATEST_VERIFIED "</dt><dd id=\"cp-latest\">" TD_UI_AUDIT_LATEST_SIZE_AT
                   "</dd><dt>"
                   TD_UI_AUDIT_MERKLE_ROOT "</dt>"
                   "<dd><code>%s</code></dd>", (unsigned long long)row.size, when, hex);
        tdc_checkpoint_row_free(&row);
    } else {
        fprintf(f, "<dt>" TD_UI_AUDIT_LATEST_VERIFIED "</dt><dd id=\"cp-latest\">" TD_UI_AUDIT_NEVER_VERIFIED
                   "</dd>");
    }
    if (!tdc_replica_cosigned_get(ui->ctx.rep, &cosigned, &e)) {
        fprintf(f, "<dt>" TD_UI_AUDIT_COSIGNED_BY_DEVICE "</dt><dd>");
        if (cosigned) fprintf(f, TD_UI_AUDIT_COSIGNED_SIZE "</dd>", (unsigned long long)cosigned);
        else fprintf(f, TD_UI_AUDIT_COSIGNED_NONE "</dd>");
    }
    fprintf(f, "</dl></section>");
    if (ui->ctx.id.subject.role != TD_ROLE_INSPECTOR)
        fprintf(f, "<p class=\"hint\">" TD_UI_AUDIT_OFFICE_PARTIAL "</p>");
    fprintf(f, "<p><a href=\"/audit/history\">" TD_UI_AUDIT_LINK_HISTORY "</a></p>");
    tdc_ui_foot(f);
}

/* POST /audit/verify: start a run (none if one is running), back to /audit. */
static void tdc__post_verify(tdc_ui *ui, FILE *f, tdc_ui_resp *out)
{
    tdc__audit_job *j = &tdc__job;
    int started;
    (void)f;
    pthread_mutex_lock(&j->lock);
    started = tdc__job_start_locked(ui, j);
    if (!started && !j->running) {
        pthread_mutex_unlock(&j->lock);
        out->status = 500;
        tdc_ui_head(ui, f, TD_UI_AUDIT_TITLE, "audit");
        fprintf(f, "<p class=\"err\" role=\"alert\">" TD_UI_AUDIT_JOB_NOT_STARTED "</p><p><a href=\"/audit\">"
                   TD_UI_AUDIT_BACK "</a></p>", td_err_vi(TD_ENOMEM));
        tdc_ui_foot(f);
        return;
    }
    pthread_mutex_unlock(&j->lock);
    out->status = 303;
    {
        char *loc = NULL;
        size_t ln = 0;
        FILE *lf = open_memstream(&loc, &ln);
        if (lf) {
            fprintf(lf, "/audit?done=");
            tdc_ui_urlenc(lf, started ? TD_UI_AUDIT_JOB_STARTED
                                      : TD_UI_AUDIT_JOB_ALREADY_RUNNING);
            fclose(lf);
            snprintf(out->location, sizeof out->location, "%s", loc);
            free(loc);
        } else {
            snprintf(out->location, sizeof out->location, "/audit");
        }
    }
}

/* GET /audit/status: the job's state for the page's script (JSON). */
static void tdc__audit_status(tdc_ui *ui, FILE *f, tdc_ui_resp *out)
{
    tdc__audit_job *j = &tdc__job;
    uint64_t size = tdc__log_size(ui);
    out->type = "application/json; charset=utf-8";
    pthread_mutex_lock(&j->lock);
    fprintf(f, "{\"running\":%s,\"checked\":%" PRIu64 ",\"total\":%" PRIu64 ",\"percent\":%d,\"runs\":%u,"
               "\"have\":%s,\"ok\":%s,\"size\":%" PRIu64 ",\"log_size\":%" PRIu64 "}",
            j->running ? "true" : "false", j->checked, j->total, tdc__pct(j->checked, j->total), j->runs,
            j->have ? "true" : "false", j->have && !j->failed && j->res && j->res->ok ? "true" : "false", j->size,
            size);
    pthread_mutex_unlock(&j->lock);
}

typedef struct tdc__hist_html {
    FILE *f;
    const td_state *st;
    uint64_t shown;
    int any_pre;
} tdc__hist_html;

#define TDC_UI_HISTORY_MAX 2000

static void tdc__hist_pre(void *arg, const char *slug, const char *name)
{
    tdc__hist_html *h = arg;
    fprintf(h->f, "%s", h->any_pre++ ? ", " : "<p>" TD_UI_HISTORY_PREDECESSORS " ");
    tdc_ui_esc(h->f, name && *name ? name : slug);
    fprintf(h->f, " (");
    tdc_ui_esc(h->f, slug);
    fprintf(h->f, ")");
}

static int tdc__hist_row(void *arg, const tda_hist_row *r)
{
    tdc__hist_html *h = arg;
    FILE *f = h->f;
    char a[40], b[40];
    if (h->any_pre) {
        fprintf(f, " " TD_UI_HISTORY_EACH_SIGNED "</p>");
        h->any_pre = 0;
    }
    if (h->shown++ == 0)
        fprintf(f, "<table class=\"history\"><thead><tr><th scope=\"col\">" TD_UI_COL_SECTION "</th><th scope=\"col\">"
                   TD_UI_COL_SIGNED_AT "</th>"
                   "<th scope=\"col\">" TD_UI_COL_SERVER_RECEIVED "</th><th scope=\"col\">"
                   TD_UI_HISTORY_COL_AGENCY_DEVICE
                   "</th><th scope=\"col\">" TD_UI_COL_KIND
                   "</th><th scope=\"col\">" TD_UI_COL_PERIOD "</th><th scope=\"col\">" TD_UI_HISTORY_COL_CONTENT
                   "</th><th scope=\"col\">" TD_UI_COL_NOTE "</th></tr>"
                   "</thead><tbody>");
    if (h->shown > TDC_UI_HISTORY_MAX) return 0;
    tdc_fmt_time(r->signed_ms, a, sizeof a);
    tdc_fmt_time(r->received_ms, b, sizeof b);
    fprintf(f, "<tr%s><td>%" PRIu64 "</td><td>%s</td><td>%s</td><td>", r->refused ? " class=\"refused\"" : "", r->idx,
            a, b);
    tdc_ui_esc(f, *r->agency ? tdc_ui_agency_name(h->st, r->agency) : TD_UI_HISTORY_SERVER);
    fprintf(f, " / ");
    tdc_ui_esc(f, r->device);
    fprintf(f, "</td><td>%s</td><td>", td_entry_kind_vi(r->kind));
    tdc_ui_esc(f, r->period);
    fprintf(f, "</td><td>");
    tdc_ui_esc(f, r->summary);
    fprintf(f, "</td><td>");
    if (r->refused) {
        char vi[768];
        td_refusal_vi(r->reason, vi, sizeof vi);
        fprintf(f, "<span class=\"badge bad\">" TD_UI_HISTORY_BADGE_REFUSED "</span> ");
        tdc_ui_esc(f, vi);
    }
    if (r->time_flags) {
        char why[512];
        td_time_flags_vi(r->time_flags, why, sizeof why);
        fprintf(f, "<span class=\"badge wait\">" TD_UI_HISTORY_BADGE_ODD_TIME "</span> ");
        tdc_ui_esc(f, why);
    }
    fprintf(f, "</td></tr>");
    return 0;
}

/* How many times the history page brings its state up to the replica before it gives up (each time another
 * process changed rows below the state's last index meanwhile). */
#define TDC_UI_HISTORY_TRIES 3

/* The page's rows and the state that gives their outcomes describe one database: a read transaction on db,
 * and the state as folded at the pulled_gen that transaction sees.  Rows another process put in below the
 * state's last index, or dropped, since the state was folded (a rescan, an agency change; replica.c
 * tdc__gen_bump) would otherwise be shown with outcomes the state never computed: the state is brought up to
 * the database first.  0 with the transaction open, or a TD_E* code with none open. */
static int tdc__history_read_begin(tdc_ui *ui, tda_db *db, const tda_source *src, td_error *e)
{
    for (int tries = 0;; tries++) {
        int64_t gen;
        int rc;
        if ((rc = src->read_begin(src->arg, e))) return rc;
        if ((rc = tda_db_pulled_gen(db, &gen, e))) {
            src->read_end(src->arg);
            return rc;
        }
        if (gen == tdc_replica_pulled_gen(ui->ctx.rep)) return TD_OK;
        src->read_end(src->arg);
        if (tries + 1 == TDC_UI_HISTORY_TRIES)
            return td_error_set(e, TD_EBUSY, "the replica's rows keep changing while the page reads them");
        td_log_info("ui: /audit/history: rows below the page's state changed (pulled_gen %lld, state at %lld): "
                    "refreshing the state", (long long)gen, (long long)tdc_replica_pulled_gen(ui->ctx.rep));
        if ((rc = tdc_ctx_refresh(&ui->ctx, e))) return rc;
    }
}

static void tdc__page_history(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    const td_state *st;
    const char *ts = tdc_ui_form_get(q, "task"), *ag = tdc_ui_form_get(q, "agency");
    long task = 0;
    tda_db *db = NULL;
    tda_source src;
    tdc__hist_html h = {f, NULL, 0, 0};
    uint64_t n_rows = 0;
    td_error e = {0};
    char title[300];
    int by_task = ts && *ts, by_agency = !by_task && ag && *ag, failed = 0;
    if (by_task && (!tdc_int(ts, &task) || task < 1 || task > TD_PLAN_TASK_NUMBER_MAX)) by_task = 0;
    /* the rows' read first: it may bring the state up to the database */
    if (by_task || by_agency) {
        if (tda_db_open_replica(ui->ctx.db_path, &db, &e)) {
            failed = 1;
        } else {
            src = tda_db_source(db);
            if (tdc__history_read_begin(ui, db, &src, &e)) failed = 2;
        }
    }
    h.st = st = tdc_replica_state(ui->ctx.rep);
    if (by_task) snprintf(title, sizeof title, TD_MSG_UI_TITLE_TASK_HISTORY, task);
    else if (by_agency) snprintf(title, sizeof title, TD_MSG_UI_TITLE_AGENCY_HISTORY, tdc_ui_agency_name(st, ag));
    else snprintf(title, sizeof title, TD_MSG_UI_TITLE_LOG_HISTORY);
    tdc_ui_head(ui, f, title, "history");
    fprintf(f, "<form method=\"get\" action=\"/audit/history\" class=\"filters\"><label for=\"h-task\">"
               TD_UI_HISTORY_LABEL_TASK
               "</label><input id=\"h-task\" name=\"task\" size=\"5\" inputmode=\"numeric\" value=\"");
    if (by_task) fprintf(f, "%ld", task);
    fprintf(f, "\"><button type=\"submit\">" TD_UI_BUTTON_VIEW "</button></form>");
    fprintf(f, "<form method=\"get\" action=\"/audit/history\" class=\"filters\"><label for=\"h-agency\">"
               TD_UI_COL_AGENCY "</label>"
               "<select id=\"h-agency\" name=\"agency\"><option value=\"\">" TD_UI_OPTION_CHOOSE "</option>");
    if (st) {
        const td_registry *reg = td_state_registry(st);
        for (size_t i = 0; i < reg->n_agencies; i++) {
            fprintf(f, "<option value=\"");
            tdc_ui_esc(f, reg->agencies[i].slug);
            fprintf(f, "\"%s>", by_agency && !strcmp(ag, reg->agencies[i].slug) ? " selected" : "");
            tdc_ui_esc(f, reg->agencies[i].name && *reg->agencies[i].name ? reg->agencies[i].name : reg->agencies[i].slug);
            fprintf(f, "</option>");
        }
    }
    fprintf(f, "</select><button type=\"submit\">" TD_UI_BUTTON_VIEW "</button></form>");
    if (!by_task && !by_agency) {
        fprintf(f, "<p>" TD_UI_HISTORY_INTRO "</p>");
        tdc_ui_foot(f);
        return;
    }
    if (failed == 1) {
        out->status = 500;
        fprintf(f, "<p class=\"err\">" TD_UI_HISTORY_REPLICA_UNOPENED "</p>", td_err_vi(e.code));
        tdc_ui_foot(f);
        return;
    }
    /* the rows, in that read transaction, each with its outcome from the page's own folded state: no refold
     * (audit_hist.h) */
    if (failed == 2) {
        out->status = 503;
        fprintf(f, "<p class=\"err\">" TD_UI_HISTORY_LOG_UNREADABLE "</p>", td_err_vi(e.code));
    } else if (tda_history_folded(&src, st, by_task ? (uint32_t)task : 0, NULL, by_agency ? ag : NULL,
                                  tdc__hist_pre, tdc__hist_row, &h, &n_rows, &e)) {
        out->status = 500;
        if (h.shown) fprintf(f, "</tbody></table>");
        fprintf(f, "<p class=\"err\">" TD_UI_HISTORY_LOG_UNREADABLE "</p>", td_err_vi(e.code));
    } else {
        if (h.any_pre) fprintf(f, "</p>");
        if (h.shown) fprintf(f, "</tbody></table>");
        if (h.shown > TDC_UI_HISTORY_MAX)
            fprintf(f, "<p>" TD_UI_HISTORY_LIMIT_BEFORE " <code>" TD_UI_HISTORY_CMD_CSV "</code> "
                       TD_UI_HISTORY_LIMIT_AFTER "</p>",
                    TDC_UI_HISTORY_MAX);
        fprintf(f, "<p id=\"history-total\">" TD_UI_HISTORY_TOTAL "</p>", n_rows);
    }
    if (!failed) src.read_end(src.arg);
    tda_db_close(db);
    tdc_ui_foot(f);
}

/* ---- routing -------------------------------------------------------------------------- */

static void tdc__forbidden(tdc_ui *ui, FILE *f, tdc_ui_resp *out, const char *active, const char *who)
{
    out->status = 403;
    tdc_ui_head(ui, f, TD_UI_FORBIDDEN_TITLE, active);
    fprintf(f, "<p>%s</p>", who);
    tdc_ui_foot(f);
}

int tdc_ui_central_route(tdc_ui *ui, const char *method, const char *path, const tdc_ui_form *q, FILE *f,
                         tdc_ui_resp *out)
{
    int post = !strcmp(method, "POST"), role = ui->ctx.id.subject.role;
    if (!post && !strcmp(path, "/deadlines")) tdc__page_deadlines(ui, q, f, out);
    else if (post && !strcmp(path, "/extend")) tdc__post_extend(ui, q, f, out);
    else if (post && !strcmp(path, "/condition")) tdc__post_condition(ui, q, f, out);
    else if (!post && (!strcmp(path, "/dashboard") || !strcmp(path, "/dashboard/agency") ||
                       !strcmp(path, "/dashboard.csv"))) {
        if (role == TD_ROLE_OFFICE)
            tdc__forbidden(ui, f, out, "dashboard",
                           TD_MSG_UI_CENTRAL_ONLY);
        else if (!strcmp(path, "/dashboard/agency")) tdc__page_agency(ui, q, f, out);
        else tdc__page_dashboard(ui, q, f, out, !strcmp(path, "/dashboard.csv"));
    } else if (!post && !strcmp(path, "/audit")) {
        tdc__page_audit(ui, q, f, out);
    } else if (post && !strcmp(path, "/audit/verify")) {
        tdc__post_verify(ui, f, out);
    } else if (!post && !strcmp(path, "/audit/status")) {
        tdc__audit_status(ui, f, out);
    } else if (!post && !strcmp(path, "/audit/history")) {
        if (role == TD_ROLE_OFFICE)
            tdc__forbidden(ui, f, out, "history", TD_MSG_UI_HISTORY_ONLY);
        else tdc__page_history(ui, q, f, out);
    } else {
        return 0;
    }
    return 1;
}

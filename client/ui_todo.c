/*
 * ui_todo.c — "Việc cần làm", the first page of `tiendo ui`: the list
 * tdc_todo_build composes (todo.h, the same list `tiendo todo` prints),
 * rendered as HTML.  Nothing here decides what is owed, returned, late or
 * refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draft.h"
#include "entry.h"
#include "log.pb-c.h"
#include "msg.h"
#include "report_entry.h"
#include "todo.h"
#include "ui_int.h"

/* Rows shown per section before "... và N khác". */
#define TDC_UI_TODO_MAX 200

static const char *tdc__title(const td_state *st, uint32_t task)
{
    const td_task *t = td_plan_task(td_state_plan(st), (int)task);
    return t && t->title ? t->title : "";
}

static void tdc__owed(tdc_ui *ui, FILE *f, const td_state *st, const tdc_todo *t)
{
    char pvi[16], d[16];
    size_t shown = 0;
    tdc_period_vi(t->period, pvi, sizeof pvi);
    tdc_ui_date(t->report_due, d, sizeof d);
    fprintf(f, "<section aria-labelledby=\"owed\"><h2 id=\"owed\">" TD_UI_TODO_OWED_TITLE "</h2>", pvi, d);
    if (!t->n_owed) {
        fprintf(f, "<p>" TD_UI_TODO_OWED_NONE "</p></section>");
        return;
    }
    fprintf(f, "<p>" TD_UI_TODO_OWED_SENT, t->n_owed, t->owed_sent);
    if (t->owed_late) fprintf(f, " " TD_UI_TODO_OWED_LATE, t->owed_late);
    fprintf(f, TD_UI_TODO_OWED_WRITTEN_MISSING "</p>", t->owed_written, t->owed_missing);
    fprintf(f, "<table><thead><tr><th scope=\"col\">" TD_UI_COL_TASK_NO "</th><th scope=\"col\">" TD_UI_COL_TASK "</th>"
               "<th scope=\"col\">" TD_UI_COL_REPORT_STATE "</th><th scope=\"col\"></th></tr></thead><tbody>");
    for (const tdc_todo_item *it = tdc_todo_first(t, TDC_TODO_OWED); it; it = tdc_todo_next(t, it, TDC_TODO_OWED)) {
        char key[TDC_DRAFT_KEY_MAX + 1];
        tdc_draft dr;
        td_error e;
        int has_draft = 0;
        if (++shown > TDC_UI_TODO_MAX) continue;
        tdc_draft_key(it->task, it->period, key);
        if (!tdc_draft_get(ui->ctx.rep, TIENDO__ENTRY_KIND__ENTRY_REPORT, key, &dr, &has_draft, &e) && has_draft)
            tdc_draft_free(&dr);
        fprintf(f, "<tr><td>%s</td><td>", tdc_ui_k(st, it->task));
        tdc_ui_esc(f, tdc__title(st, it->task));
        fprintf(f, "</td><td>");
        if (it->pending) fprintf(f, "<span class=\"badge wait\">" TD_UI_TODO_BADGE_PENDING "</span>");
        else if (it->returned) fprintf(f, "<span class=\"badge bad\">" TD_UI_TODO_BADGE_RETURNED "</span>");
        else if (it->owed == TD_OWED_MISSING) fprintf(f, "<span class=\"badge bad\">" TD_UI_TODO_BADGE_MISSING
                                                         "</span>");
        else fprintf(f, "<span class=\"badge ok\">%s</span>", td_owed_vi(it->owed));
        if (has_draft) fprintf(f, " <span class=\"badge\">" TD_UI_TODO_BADGE_DRAFT "</span>");
        fprintf(f, "</td><td><a href=\"/report?task=%u&amp;period=%s\">%s</a></td></tr>", it->task, it->period,
                it->owed == TD_OWED_MISSING && !it->pending ? TD_UI_TODO_LINK_REPORT : TD_UI_TODO_LINK_EDIT);
    }
    fprintf(f, "</tbody></table>");
    if (shown > TDC_UI_TODO_MAX) fprintf(f, "<p>" TD_UI_TODO_MORE_TASKS "</p>", shown - TDC_UI_TODO_MAX);
    fprintf(f, "</section>");
}

static void tdc__returned(FILE *f, const td_state *st, const tdc_todo *t)
{
    const tdc_todo_item *it = tdc_todo_first(t, TDC_TODO_RETURNED);
    if (!it) return;
    fprintf(f, "<section aria-labelledby=\"ret\"><h2 id=\"ret\">" TD_UI_TODO_RETURNED_TITLE "</h2>"
               "<ul class=\"returned\">");
    for (; it; it = tdc_todo_next(t, it, TDC_TODO_RETURNED)) {
        fprintf(f, "<li><strong>" TD_UI_TODO_TASK_NO "</strong> ", tdc_ui_k(st, it->task));
        tdc_ui_esc(f, tdc__title(st, it->task));
        fprintf(f, "<p class=\"reason\">" TD_UI_TODO_REASON " ");
        tdc_ui_esc(f, *it->reason ? it->reason : TD_UI_TODO_REASON_NONE);
        fprintf(f, "</p>");
        if (it->pending) fprintf(f, "<p>" TD_UI_TODO_RETURNED_PENDING "</p>");
        else fprintf(f, "<p><a href=\"/report?task=%u&amp;period=%s\">" TD_UI_TODO_RETURNED_FIX
                        "</a></p>", it->task, it->period);
        fprintf(f, "</li>");
    }
    fprintf(f, "</ul></section>");
}

static void tdc__conflicts(tdc_ui *ui, FILE *f, const td_state *st, const tdc_todo *t)
{
    const tdc_todo_item *it = tdc_todo_first(t, TDC_TODO_CONFLICT);
    if (!it) return;
    fprintf(f, "<section aria-labelledby=\"conf\"><h2 id=\"conf\">" TD_UI_TODO_CONFLICT_TITLE "</h2><ul>");
    for (; it; it = tdc_todo_next(t, it, TDC_TODO_CONFLICT)) {
        char pvi[16];
        tdc_period_vi(it->period, pvi, sizeof pvi);
        fprintf(f, "<li><strong>" TD_UI_TODO_TASK_NO "</strong> ", tdc_ui_k(st, it->task));
        tdc_ui_esc(f, tdc__title(st, it->task));
        fprintf(f, TD_UI_TODO_PERIOD "<ul>", pvi);
        for (int j = 0; j < 2; j++) {
            const td_author *au = td_state_author(st, it->ver[j]->author);
            char at[32];
            tdc_fmt_time(it->ver[j]->device_time_ms, at, sizeof at);
            fprintf(f, "<li>" TD_UI_TODO_CONFLICT_DEVICE " ", j == 0 ? TD_UI_TODO_CONFLICT_KEPT :
                       TD_UI_TODO_CONFLICT_REPLACED);
            tdc_ui_esc(f, au ? au->device : "?");
            fprintf(f, TD_UI_TODO_CONFLICT_VERSION "</li>",
                    au && !memcmp(au->key, ui->ctx.id.pk, 32) ? " " TD_UI_TODO_CONFLICT_THIS_DEVICE : "", at,
                    tdc_rep_state_vi(it->ver[j]->state), it->ver[j]->percent,
                    (unsigned long long)it->ver[j]->index);
        }
        fprintf(f, "</ul><p>" TD_UI_TODO_CONFLICT_FIX_BEFORE " <a href=\"/report?task=%u&amp;"
                   "period=%s\">" TD_UI_TODO_CONFLICT_FIX_LINK "</a> " TD_UI_TODO_CONFLICT_FIX_AFTER "</p></li>",
                it->task, it->period);
    }
    fprintf(f, "</ul></section>");
}

static void tdc__due(FILE *f, const td_state *st, const tdc_todo *t)
{
    const tdc_todo_item *it = tdc_todo_first(t, TDC_TODO_DUE);
    if (!it) return;
    fprintf(f, "<section aria-labelledby=\"due\"><h2 id=\"due\">" TD_UI_TODO_DUE_TITLE "</h2><ul>",
            t->n_soon, t->n_late);
    for (; it; it = tdc_todo_next(t, it, TDC_TODO_DUE)) {
        char d[16];
        tdc_ui_date(it->due_date, d, sizeof d);
        fprintf(f, "<li><a href=\"/task?n=%u\">" TD_UI_TODO_TASK_NO "</a> ", it->task, tdc_ui_k(st, it->task));
        tdc_ui_esc(f, tdc__title(st, it->task));
        fprintf(f, ": <span class=\"badge %s\">%s</span>" TD_UI_TODO_DUE_DATE "</li>",
                td_status_is_late(it->status) ? "bad" : "wait", td_status_vi(it->status), d,
                it->pending ? " " TD_UI_TODO_DUE_PENDING : "");
    }
    fprintf(f, "</ul></section>");
}

static void tdc__review(FILE *f, const td_state *st, const tdc_todo *t)
{
    size_t shown = 0;
    fprintf(f, "<section aria-labelledby=\"rv\"><h2 id=\"rv\">" TD_UI_TODO_REVIEW_TITLE "</h2>",
            t->n_review_waiting);
    if (t->n_review_waiting) {
        fprintf(f, "<ul>");
        for (const tdc_todo_item *it = tdc_todo_first(t, TDC_TODO_REVIEW); it;
             it = tdc_todo_next(t, it, TDC_TODO_REVIEW)) {
            char pvi[16];
            if (++shown > TDC_UI_TODO_MAX) continue;
            tdc_period_vi(it->period, pvi, sizeof pvi);
            fprintf(f, "<li>" TD_UI_TODO_TASK_NO " ", tdc_ui_k(st, it->task));
            tdc_ui_esc(f, tdc__title(st, it->task));
            fprintf(f, " — ");
            tdc_ui_esc(f, tdc_ui_agency_name(st, it->agency));
            fprintf(f, TD_UI_TODO_PERIOD "</li>", pvi);
        }
        fprintf(f, "</ul>");
    }
    fprintf(f, "<p><a href=\"/review\">" TD_UI_TODO_LINK_REVIEW "</a> · <a href=\"/missing\">"
               TD_UI_TODO_LINK_MISSING "</a> · "
               "<a href=\"/dashboard\">" TD_UI_TODO_LINK_DASHBOARD "</a></p></section>");
}

/* The whole plan by status (central, inspectorate). */
static void tdc__plan_counts(FILE *f, const tdc_todo *t)
{
    fprintf(f, "<p>" TD_UI_TODO_PLAN_COUNTS, t->n_tasks);
    for (int i = 0, first = 1; i < TD_STATUS_COUNT - 1; i++) {
        td_status s = td_status_order[i];
        if (!t->by_status[s]) continue;
        fprintf(f, "%s <a href=\"/tasks?role=all&amp;status=%s\">%s %zu</a>", first ? "" : ";",
                td_status_name((td_status)s), td_status_vi((td_status)s), t->by_status[s]);
        first = 0;
    }
    fprintf(f, "</p>");
}

/* Refused entries of this device: why, and what to do (common/refusal.h). */
static void tdc__refusals(FILE *f, const tdc_todo *t)
{
    if (!t->n_refusals) return;
    fprintf(f, "<section aria-labelledby=\"refused\"><h2 id=\"refused\">" TD_UI_TODO_REFUSED_TITLE "</h2>"
               "<ul class=\"refused\">", t->refusals_total);
    for (size_t i = 0; i < t->n_refusals; i++) {
        const tdc_todo_refusal *r = &t->refusals[i];
        fprintf(f, "<li>");
        if (!r->by_fold) {
            fprintf(f, "<strong>" TD_UI_TODO_REFUSED_SEQ "</strong> (", r->resigned ? TD_UI_TODO_REFUSED_RESIGNED :
                       TD_UI_TODO_REFUSED_BY_SERVER,
                    (unsigned long long)r->seq);
            tdc_ui_esc(f, *r->summary ? r->summary : td_entry_kind_vi(r->kind));
            fprintf(f, ")");
        } else {
            fprintf(f, "<strong>" TD_UI_TODO_REFUSED_BY_FOLD "</strong> " TD_UI_TODO_REFUSED_ENTRY,
                    td_entry_kind_vi(r->kind), (unsigned long long)r->seq, (unsigned long long)r->index);
            if (r->task) fprintf(f, TD_UI_TODO_REFUSED_TASK, r->task);
            fprintf(f, ")");
        }
        fprintf(f, "<p class=\"reason\">");
        tdc_ui_esc(f, r->vi);
        fprintf(f, "</p><p class=\"hint\">" TD_UI_TODO_REFUSED_DETAIL " ");
        tdc_ui_esc(f, r->reason);
        fprintf(f, "</p></li>");
    }
    fprintf(f, "</ul>");
    if (t->refusals_total > t->n_refusals) fprintf(f, "<p>" TD_UI_TODO_REFUSED_MORE "</p>");
    fprintf(f, "</section>");
}

void tdc_ui_page_todo(tdc_ui *ui, const tdc_ui_form *q, FILE *f)
{
    tdc_ctx *c = &ui->ctx;
    const td_state *st = tdc_replica_state(c->rep);
    const char *done = tdc_ui_form_get(q, "done");
    char title[256], d1[16];
    tdc_todo t;
    td_error e;
    int rc = tdc_todo_build(c, 0, TDC_UI_TODO_MAX, &t, &e);

    td_date_vi(rc ? tdc_today() : t.date, d1, sizeof d1);
    snprintf(title, sizeof title, TD_MSG_UI_TITLE_TODO, d1);
    tdc_ui_head(ui, f, title, "todo");
    if (done && *done) {
        fprintf(f, "<p class=\"ok\" role=\"status\">");
        tdc_ui_esc(f, done);
        fprintf(f, "</p>");
    }
    if (rc) {
        fprintf(f, "<p class=\"err\">" TD_UI_TODO_BUILD_FAILED " ");
        tdc_ui_esc(f, td_error_vi(&e));
        fprintf(f, "</p>");
        goto sync;
    }
    if (*t.ended_note) {
        fprintf(f, "<p class=\"warn\">");
        tdc_ui_esc(f, t.ended_note);
        fprintf(f, "</p>");
    }
    if (!t.has_plan) {
        fprintf(f, "<p>" TD_UI_NO_PLAN_PRESS_BEFORE " <strong>" TD_UI_BUTTON_SYNC_NOW "</strong> "
                   TD_UI_TODO_NO_PLAN_AFTER
                   "</p>");
    } else if (t.role == TD_ROLE_OFFICE) {
        tdc__owed(ui, f, st, &t);
        tdc__returned(f, st, &t);
        tdc__conflicts(ui, f, st, &t);
        tdc__due(f, st, &t);
    } else if (t.role == TD_ROLE_CENTRAL) {
        tdc__plan_counts(f, &t);
        tdc__review(f, st, &t);
        tdc__returned(f, st, &t);
        tdc__due(f, st, &t);
    } else {
        tdc__plan_counts(f, &t);
        fprintf(f, "<p>" TD_UI_TODO_LOG_REFUSED "</p><p>" TD_UI_TODO_INSPECTOR_BEFORE " <a href=\"/audit\">"
                   TD_UI_TODO_INSPECTOR_LINK_AUDIT "</a>, <a href=\"/audit/history\">" TD_UI_TODO_INSPECTOR_LINK_HISTORY
                   "</a>.</p>", t.n_log_refusals);
    }
    tdc__refusals(f, &t);
sync:
    fprintf(f, "<section aria-labelledby=\"syncfull\"><h2 id=\"syncfull\">" TD_UI_SYNC_TITLE "</h2>");
    tdc_ui_sync_box(ui, f, 1);
    fprintf(f, "</section>");
    tdc_ui_foot(f);
    if (!rc) tdc_todo_free(&t);
}

/* What the first page (the work list, `/`) needs from the state, built before the first request so that it
 * is not the slow one: the status index (status.c's memo), the sorted report views.  The same list
 * `tiendo todo` composes, thrown away; a failure here only means the first page builds it. */
void tdc_ui_warm(tdc_ctx *c)
{
    tdc_todo t;
    td_error e;
    size_t n;
    memset(&t, 0, sizeof t);
    if (tdc_todo_build(c, 0, TDC_UI_TODO_MAX, &t, &e) == 0) tdc_todo_free(&t);
    td_state_reports(tdc_replica_state(c->rep), &n);
    td_state_report_versions_by_key(tdc_replica_state(c->rep), &n);
}

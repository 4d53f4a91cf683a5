/*
 * ui_alarm.c — the alarms about the server's log in `tiendo ui` (replica.h
 * tdc_alarm: a checkpoint or entries that failed verification, kept with
 * their evidence for ever):
 *   every page        a red banner while an alarm is not acknowledged, for
 *                     every role: what the office's replica received from
 *                     the server may not be the province's log;
 *   /alarms           every alarm: number, kind in Vietnamese, when, the
 *                     evidence shortened (sizes, roots in hex), who
 *                     acknowledged it, when, and their note;
 *   /alarm?id=N       one alarm with the full evidence (both signed
 *                     checkpoints, roots, the consistency proof) and, while
 *                     open, the acknowledgement form;
 *   POST /alarm/ack   first a confirmation page (what will be recorded),
 *                     then with confirm=1 the acknowledgement: app.h
 *                     tdc_app_alarm_ack, the rule of `tiendo status
 *                     --clear-alarm N --note ...` (a note is required; the
 *                     evidence is never changed).
 * Plain forms and links: no JavaScript, every input labelled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit_hist.h"
#include "msg.h"
#include "note.h"
#include "replica.h"
#include "ui_int.h"

/* Hex digits of a root shown in the list; the detail page shows all 64. */
#define TDC_UI_ROOT_SHORT 12

/* The root of a signed checkpoint note, as hex; "" if it does not parse. */
static void tdc__note_root(const char *signed_note, char hex[2 * TD_CHECKPOINT_HASH_LEN + 1])
{
    td_note n;
    td_checkpoint cp;
    td_error e;
    hex[0] = 0;
    if (!signed_note || td_note_parse(signed_note, strlen(signed_note), &n, &e)) return;
    if (!td_checkpoint_parse(n.text, n.text_len, &cp, &e)) {
        for (int i = 0; i < TD_CHECKPOINT_HASH_LEN; i++) snprintf(hex + 2 * i, 3, "%02x", cp.root[i]);
        td_checkpoint_free(&cp);
    }
    td_note_free(&n);
}

/* A hex value shortened for the list, the full value in its title. */
static void tdc__short_hex(FILE *f, const char *hex)
{
    if (!*hex) {
        fprintf(f, "—");
        return;
    }
    fprintf(f, "<code title=\"%s\">%.*s…</code>", hex, TDC_UI_ROOT_SHORT, hex);
}

static int tdc__alarms(tdc_ui *ui, tdc_alarm **v, size_t *n, size_t *open)
{
    td_error e;
    *open = 0;
    if (tdc_replica_alarm_list(ui->ctx.rep, 1, v, n, &e)) {
        *v = NULL;
        *n = 0;
        return -1;
    }
    for (size_t i = 0; i < *n; i++) *open += !(*v)[i].acked_ms;
    return 0;
}

int tdc_ui_alarm_count(tdc_ui *ui, size_t *open)
{
    tdc_alarm *v;
    size_t n;
    if (tdc__alarms(ui, &v, &n, open)) return 0;
    tdc_alarms_free(v, n);
    return (int)n;
}

void tdc_ui_alarm_banner(tdc_ui *ui, FILE *f)
{
    size_t open = 0;
    tdc_ui_alarm_count(ui, &open);
    if (!open) return;
    fprintf(f, "<div class=\"err\" role=\"alert\" id=\"alarm-banner\"><p><strong>" TD_UI_ALARM_BANNER
               "</strong> " TD_UI_ALARM_BANNER_WHAT " <a href=\"/alarms\">" TD_UI_ALARM_BANNER_LINK
               "</a></p></div>",
            open);
}

static void tdc__when(int64_t ms, char *buf, size_t n)
{
    tdc_fmt_time(ms, buf, n);
}

static void tdc__done(const tdc_ui_form *q, FILE *f)
{
    const char *done = tdc_ui_form_get(q, "done");
    if (!done || !*done) return;
    fprintf(f, "<div class=\"ok\" role=\"status\" id=\"done\"><p>");
    tdc_ui_esc(f, done);
    fprintf(f, "</p></div>");
}

static void tdc__page_list(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    tdc_alarm *v;
    size_t n, open;
    tdc_ui_head(ui, f, TD_UI_ALARMS_TITLE, "alarms");
    tdc__done(q, f);
    if (tdc__alarms(ui, &v, &n, &open)) {
        out->status = 500;
        fprintf(f, "<p class=\"err\">" TD_UI_ALARM_UNREADABLE "</p>");
        tdc_ui_foot(f);
        return;
    }
    fprintf(f, "<p>" TD_UI_ALARM_INTRO "</p>");
    if (!n) {
        fprintf(f, "<p class=\"ok\" id=\"no-alarms\">" TD_UI_ALARM_NONE "</p>");
        tdc_ui_foot(f);
        return;
    }
    fprintf(f, "<p id=\"alarm-count\">" TD_UI_ALARM_COUNT "</p>", n, open);
    fprintf(f, "<table id=\"alarms\"><thead><tr><th scope=\"col\">" TD_UI_ALARM_COL_NO "</th><th scope=\"col\">"
               TD_UI_COL_KIND
               "</th>"
               "<th scope=\"col\">" TD_UI_ALARM_COL_AT "</th><th scope=\"col\">" TD_UI_ALARM_COL_EVIDENCE
               "</th><th scope=\"col\">" TD_UI_ALARM_COL_HANDLING "</th></tr></thead>"
               "<tbody>");
    for (size_t i = n; i-- > 0;) {   /* newest first */
        tdc_alarm *a = &v[i];
        char when[40], ro[65], rn[65];
        tdc__when(a->at_ms, when, sizeof when);
        tdc__note_root(a->old_note, ro);
        tdc__note_root(a->new_note, rn);
        fprintf(f, "<tr id=\"alarm-%lld\"%s><td><a href=\"/alarm?id=%lld\">%lld</a></td><td>", (long long)a->id,
                a->acked_ms ? "" : " class=\"refused\"", (long long)a->id, (long long)a->id);
        tdc_ui_esc(f, tdc_alarm_vi(a->kind));
        fprintf(f, "</td><td>%s</td><td>" TD_UI_ALARM_VERIFIED_ROOT " ", when, (unsigned long long)a->old_size);
        tdc__short_hex(f, ro);
        fprintf(f, "<br>" TD_UI_ALARM_SERVED_ROOT " ", (unsigned long long)a->new_size);
        tdc__short_hex(f, rn);
        fprintf(f, "<br><a href=\"/alarm?id=%lld\">" TD_UI_ALARM_LINK_EVIDENCE "</a></td><td>", (long long)a->id);
        if (a->acked_ms) {
            tdc__when(a->acked_ms, when, sizeof when);
            fprintf(f, TD_UI_ALARM_CLEARED_BY " ", when);
            tdc_ui_esc(f, a->acked_by && *a->acked_by ? a->acked_by : TD_UI_ALARM_UNKNOWN);
            fprintf(f, "<br>" TD_UI_ALARM_NOTE " ");
            tdc_ui_esc(f, a->acked_note && *a->acked_note ? a->acked_note : TD_UI_NONE);
        } else {
            fprintf(f, "<strong>" TD_UI_ALARM_OPEN "</strong><br><a href=\"/alarm?id=%lld#ack\">"
                       TD_UI_ALARM_LINK_ACK "</a>",
                    (long long)a->id);
        }
        fprintf(f, "</td></tr>");
    }
    fprintf(f, "</tbody></table><p class=\"hint\">" TD_UI_ALARM_CLI_BEFORE " <code>" TD_UI_ALARM_CMD_STATUS
               "</code> " TD_UI_ALARM_CLI_LISTS " "
               "<code>" TD_UI_ALARM_CMD_CLEAR "</code> " TD_UI_ALARM_CLI_CLEARS "</p>");
    tdc_alarms_free(v, n);
    tdc_ui_foot(f);
}

/* The acknowledgement form (step 1), with what was typed and an error. */
static void tdc__ack_form(tdc_ui *ui, FILE *f, long long id, const char *note, const char *err)
{
    fprintf(f, "<section aria-labelledby=\"ack\"><h2 id=\"ack\">" TD_UI_ALARM_ACK_TITLE "</h2>");
    if (err) {
        fprintf(f, "<div class=\"err\" role=\"alert\" id=\"ack-error\"><p><strong>" TD_MSG_UI_NOT_SAVED
                   "</strong> ");
        tdc_ui_esc(f, err);
        fprintf(f, "</p></div>");
    }
    fprintf(f, "<p>" TD_UI_ALARM_ACK_WARNING "</p><form method=\"post\" action=\"/alarm/ack\" id=\"ack-form\">");
    tdc_ui_csrf(ui, f);
    fprintf(f, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><div class=\"field\"><label for=\"note\">"
               TD_UI_ALARM_LABEL_NOTE "</label><p class=\"hint\" id=\"hint-note\">" TD_UI_ALARM_HINT_NOTE
               "</p><textarea id=\"note\" name=\"note\" "
               "rows=\"3\" required aria-describedby=\"hint-note\">",
            id);
    tdc_ui_esc(f, note ? note : "");
    fprintf(f, "</textarea></div><div class=\"actions\"><button type=\"submit\" class=\"primary\" id=\"ack-next\">"
               TD_UI_ALARM_BUTTON_NEXT "</button>"
               "</div></form></section>");
}

static int tdc__find(tdc_alarm *v, size_t n, long long id)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id) return (int)i;
    return -1;
}

/* One alarm: the full evidence, and the form while it is open. */
static void tdc__page_one(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out, const char *note,
                          const char *err)
{
    const char *ids = tdc_ui_form_get(q, "id");
    long id = 0;
    tdc_alarm *v = NULL;
    size_t n = 0, open;
    int k;
    char title[64], when[40], hex[65];
    if (!ids || !tdc_int(ids, &id) || tdc__alarms(ui, &v, &n, &open) || (k = tdc__find(v, n, id)) < 0) {
        tdc_alarms_free(v, n);
        out->status = 404;
        tdc_ui_head(ui, f, TD_UI_ALARM_NOT_FOUND_TITLE, "alarms");
        fprintf(f, "<p>" TD_UI_ALARM_NOT_FOUND_BEFORE);
        tdc_ui_esc(f, ids ? ids : "");
        fprintf(f, "\". <a href=\"/alarms\">" TD_UI_ALARM_LINK_LIST "</a></p>");
        tdc_ui_foot(f);
        return;
    }
    snprintf(title, sizeof title, TD_MSG_UI_TITLE_ALARM, id);
    tdc_ui_head(ui, f, title, "alarms");
    if (!err) tdc__done(q, f);
    tdc_alarm *a = &v[k];
    tdc__when(a->at_ms, when, sizeof when);
    fprintf(f, "<p><a href=\"/alarms\">" TD_UI_ALARM_LINK_LIST "</a></p><dl id=\"alarm-detail\"><dt>"
               TD_UI_COL_KIND "</dt><dd>");
    tdc_ui_esc(f, tdc_alarm_vi(a->kind));
    fprintf(f, " <span class=\"hint\">(");
    tdc_ui_esc(f, a->kind);
    fprintf(f, ")</span></dd><dt>" TD_UI_ALARM_COL_AT "</dt><dd>%s</dd><dt>" TD_UI_COL_REPORT_STATE
               "</dt><dd id=\"alarm-state\">", when);
    if (a->acked_ms) {
        tdc__when(a->acked_ms, when, sizeof when);
        fprintf(f, TD_UI_ALARM_CLEARED_BY " ", when);
        tdc_ui_esc(f, a->acked_by && *a->acked_by ? a->acked_by : TD_UI_ALARM_UNKNOWN);
        fprintf(f, "</dd><dt>" TD_UI_ALARM_CLEARED_NOTE "</dt><dd id=\"alarm-note\">");
        tdc_ui_esc(f, a->acked_note && *a->acked_note ? a->acked_note : TD_UI_NONE);
    } else {
        fprintf(f, "<strong>" TD_UI_ALARM_OPEN "</strong>");
    }
    fprintf(f, "</dd><dt>" TD_UI_ALARM_VERIFIED_CHECKPOINT "</dt><dd>" TD_UI_ALARM_N_ENTRIES "</dd><dt>"
               TD_UI_ALARM_VERIFIED_TREE_ROOT "</dt><dd>",
            (unsigned long long)a->old_size);
    tdc__note_root(a->old_note, hex);
    fprintf(f, "<code id=\"old-root\">%s</code></dd><dt>" TD_UI_ALARM_SERVED "</dt><dd>" TD_UI_ALARM_N_ENTRIES
               "</dd><dt>" TD_UI_ALARM_SERVED_TREE_ROOT
               "</dt><dd>", *hex ? hex : "—", (unsigned long long)a->new_size);
    tdc__note_root(a->new_note, hex);
    fprintf(f, "<code id=\"new-root\">%s</code></dd><dt>" TD_UI_ALARM_MISMATCH "</dt><dd>", *hex ? hex :
               "—");
    tdc_ui_esc(f, a->detail ? a->detail : "");
    fprintf(f, "</dd></dl><h2>" TD_UI_ALARM_COL_EVIDENCE "</h2><h3>" TD_UI_ALARM_VERIFIED_NOTE
               "</h3><pre id=\"old-note\">");
    tdc_ui_esc(f, a->old_note ? a->old_note : TD_UI_NONE);
    fprintf(f, "</pre><h3>" TD_UI_ALARM_SERVED_NOTE "</h3><pre id=\"new-note\">");
    tdc_ui_esc(f, a->new_note ? a->new_note : TD_UI_NONE);
    fprintf(f, "</pre><h3>" TD_UI_ALARM_PROOF "</h3>");
    if (a->proof_len) {
        fprintf(f, "<pre id=\"proof\">");
        for (size_t i = 0; i < a->proof_len; i++)
            fprintf(f, "%02x%s", a->proof[i], (i + 1) % TD_CHECKPOINT_HASH_LEN == 0 ? "\n" : "");
        fprintf(f, "</pre>");
    } else {
        fprintf(f, "<p>" TD_UI_NONE "</p>");
    }
    if (!a->acked_ms) tdc__ack_form(ui, f, id, note, err);
    tdc_alarms_free(v, n);
    tdc_ui_foot(f);
}

/* POST /alarm/ack: without confirm=1 the confirmation page; with it, the
 * acknowledgement, then back to the alarm. */
static void tdc__post_ack(tdc_ui *ui, const tdc_ui_form *q, FILE *f, tdc_ui_resp *out)
{
    const char *ids = tdc_ui_form_get(q, "id"), *note = tdc_ui_form_get(q, "note"),
               *confirm = tdc_ui_form_get(q, "confirm");
    long id = 0;
    tdc_alarm *v = NULL;
    size_t n = 0, open;
    td_error e;
    char path[48], done[200];
    if (!ids || !tdc_int(ids, &id) || id <= 0) {
        out->status = 422;
        tdc_ui_head(ui, f, TD_UI_NOT_WRITTEN_TITLE, "alarms");
        fprintf(f, "<p class=\"err\">" TD_UI_ALARM_BAD_NUMBER " <a href=\"/alarms\">"
                   TD_UI_ALARM_LINK_LIST "</a></p>");
        tdc_ui_foot(f);
        return;
    }
    if (!(confirm && !strcmp(confirm, "1"))) {
        /* step 2: what will be recorded; nothing is written yet */
        int k;
        char *t = tdc_app_alarm_note(note, &e);
        if (!t) {
            out->status = 422;
            tdc__page_one(ui, q, f, out, note, td_error_vi(&e));
            return;
        }
        if (tdc__alarms(ui, &v, &n, &open) || (k = tdc__find(v, n, id)) < 0 || v[k].acked_ms) {
            tdc_alarms_free(v, n);
            free(t);
            out->status = 422;
            tdc__page_one(ui, q, f, out, note, TD_UI_ALARM_NOT_OPEN);
            return;
        }
        tdc_ui_head(ui, f, TD_UI_ALARM_CONFIRM_TITLE, "alarms");
        fprintf(f, "<div class=\"warn\" role=\"alert\" id=\"confirm-step\"><p><strong>" TD_MSG_UI_CONFIRM_NEEDED
                   "</strong> " TD_UI_ALARM_CONFIRM_BEFORE, id);
        tdc_ui_esc(f, tdc_alarm_vi(v[k].kind));
        fprintf(f, TD_UI_ALARM_CONFIRM_AFTER "</p></div>"
                   "<blockquote id=\"confirm-note\">");
        tdc_ui_esc(f, t);
        fprintf(f, "</blockquote><form method=\"post\" action=\"/alarm/ack\" id=\"confirm-form\">");
        tdc_ui_csrf(ui, f);
        fprintf(f, "<input type=\"hidden\" name=\"id\" value=\"%ld\"><input type=\"hidden\" name=\"confirm\" "
                   "value=\"1\"><input type=\"hidden\" name=\"note\" value=\"", id);
        tdc_ui_esc(f, t);
        free(t);
        fprintf(f, "\"><div class=\"actions\"><button type=\"submit\" class=\"primary\" id=\"confirm-ack\">"
                   TD_UI_ALARM_BUTTON_CONFIRM "</button><a href=\"/alarm?id=%ld\">" TD_UI_ALARM_BUTTON_BACK
                   "</a></div></form>", id);
        tdc_alarms_free(v, n);
        tdc_ui_foot(f);
        return;
    }
    if (tdc_app_alarm_ack(&ui->ctx, id, note, &e)) {
        out->status = e.code == TD_ENOTFOUND ? 409 : e.code == TD_EARG ? 422 : 500;
        tdc__page_one(ui, q, f, out, note, td_error_vi(&e));
        return;
    }
    /* the background sync stopped on this alarm: it may try again (a server
     * still lying raises a new alarm) */
    pthread_mutex_lock(&ui->lock);
    if (ui->sync.alarm_id == id) ui->sync.alarm_id = 0;
    pthread_mutex_unlock(&ui->lock);
    snprintf(done, sizeof done, TD_MSG_UI_ALARM_CLEARED, id);
    snprintf(path, sizeof path, "/alarm?id=%ld", id);
    tdc_ui_redirect_done(ui, out, path, done);
}

int tdc_ui_alarm_route(tdc_ui *ui, const char *method, const char *path, const tdc_ui_form *q, FILE *f,
                       tdc_ui_resp *out)
{
    int post = !strcmp(method, "POST");
    if (!post && !strcmp(path, "/alarms")) tdc__page_list(ui, q, f, out);
    else if (!post && !strcmp(path, "/alarm")) tdc__page_one(ui, q, f, out, NULL, NULL);
    else if (post && !strcmp(path, "/alarm/ack")) tdc__post_ack(ui, q, f, out);
    else return 0;
    return 1;
}

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
    fprintf(f, "<div class=\"err\" role=\"alert\" id=\"alarm-banner\"><p><strong>CẢNH BÁO: nhật ký của máy chủ không "
               "qua được kiểm tra (%zu cảnh báo chưa xử lý).</strong> Dữ liệu máy chủ đưa ra có thể đã bị sửa, cắt bớt "
               "hoặc không phải nhật ký của tỉnh; bằng chứng được giữ trong máy này. Hãy báo cho thanh tra và Sở "
               "KH&amp;CN. <a href=\"/alarms\">Xem các cảnh báo</a></p></div>",
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
    tdc_ui_head(ui, f, "Cảnh báo về nhật ký máy chủ", "alarms");
    tdc__done(q, f);
    if (tdc__alarms(ui, &v, &n, &open)) {
        out->status = 500;
        fprintf(f, "<p class=\"err\">Không đọc được các cảnh báo trong bản sao dữ liệu.</p>");
        tdc_ui_foot(f);
        return;
    }
    fprintf(f, "<p>Mỗi cảnh báo là bằng chứng máy chủ đưa ra một điểm kiểm tra (checkpoint) hoặc các mục nhật ký không "
               "khớp với những gì máy này đã xác minh. Bằng chứng không bao giờ bị xóa; đánh dấu đã xử lý chỉ ghi thêm "
               "ai xử lý, lúc nào và ghi chú.</p>");
    if (!n) {
        fprintf(f, "<p class=\"ok\" id=\"no-alarms\">Chưa có cảnh báo nào: mọi điểm kiểm tra máy chủ đưa ra đều đã được "
                   "xác minh.</p>");
        tdc_ui_foot(f);
        return;
    }
    fprintf(f, "<p id=\"alarm-count\">%zu cảnh báo, %zu chưa xử lý.</p>", n, open);
    fprintf(f, "<table id=\"alarms\"><thead><tr><th scope=\"col\">Số</th><th scope=\"col\">Loại</th>"
               "<th scope=\"col\">Lúc</th><th scope=\"col\">Bằng chứng</th><th scope=\"col\">Xử lý</th></tr></thead>"
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
        fprintf(f, "</td><td>%s</td><td>đã xác minh: %llu mục, gốc ", when, (unsigned long long)a->old_size);
        tdc__short_hex(f, ro);
        fprintf(f, "<br>máy chủ đưa ra: %llu mục, gốc ", (unsigned long long)a->new_size);
        tdc__short_hex(f, rn);
        fprintf(f, "<br><a href=\"/alarm?id=%lld\">Toàn bộ bằng chứng</a></td><td>", (long long)a->id);
        if (a->acked_ms) {
            tdc__when(a->acked_ms, when, sizeof when);
            fprintf(f, "Đã xử lý lúc %s, bởi ", when);
            tdc_ui_esc(f, a->acked_by && *a->acked_by ? a->acked_by : "không rõ");
            fprintf(f, "<br>Ghi chú: ");
            tdc_ui_esc(f, a->acked_note && *a->acked_note ? a->acked_note : "(không có)");
        } else {
            fprintf(f, "<strong>Chưa xử lý</strong><br><a href=\"/alarm?id=%lld#ack\">Đánh dấu đã xử lý…</a>",
                    (long long)a->id);
        }
        fprintf(f, "</td></tr>");
    }
    fprintf(f, "</tbody></table><p class=\"hint\">Trên dòng lệnh: <code>tiendo status</code> liệt kê các cảnh báo; "
               "<code>tiendo status --clear-alarm SỐ --note \"GHI CHÚ\"</code> đánh dấu đã xử lý.</p>");
    tdc_alarms_free(v, n);
    tdc_ui_foot(f);
}

/* The acknowledgement form (step 1), with what was typed and an error. */
static void tdc__ack_form(tdc_ui *ui, FILE *f, long long id, const char *note, const char *err)
{
    fprintf(f, "<section aria-labelledby=\"ack\"><h2 id=\"ack\">Đánh dấu đã xử lý</h2>");
    if (err) {
        fprintf(f, "<div class=\"err\" role=\"alert\" id=\"ack-error\"><p><strong>Chưa ghi được:</strong> ");
        tdc_ui_esc(f, err);
        fprintf(f, "</p></div>");
    }
    fprintf(f, "<p>Chỉ đánh dấu sau khi đã kiểm tra với Sở KH&amp;CN và thanh tra rằng sự việc đã được giải quyết (ví dụ "
               "máy chủ đã được khôi phục từ bản sao lưu). Bằng chứng vẫn được giữ; ghi chú được lưu cùng thời điểm và "
               "thiết bị xử lý.</p><form method=\"post\" action=\"/alarm/ack\" id=\"ack-form\">");
    tdc_ui_csrf(ui, f);
    fprintf(f, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><div class=\"field\"><label for=\"note\">Ghi chú (bắt "
               "buộc): đã kiểm tra gì, với ai</label><p class=\"hint\" id=\"hint-note\">Ví dụ: đã kiểm tra với Sở "
               "KH&amp;CN, máy chủ được khôi phục từ bản sao lưu ngày 01/12/2026.</p><textarea id=\"note\" name=\"note\" "
               "rows=\"3\" required aria-describedby=\"hint-note\">",
            id);
    tdc_ui_esc(f, note ? note : "");
    fprintf(f, "</textarea></div><div class=\"actions\"><button type=\"submit\" class=\"primary\" id=\"ack-next\">Tiếp tục</button>"
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
        tdc_ui_head(ui, f, "Không tìm thấy cảnh báo", "alarms");
        fprintf(f, "<p>Không có cảnh báo số \"");
        tdc_ui_esc(f, ids ? ids : "");
        fprintf(f, "\". <a href=\"/alarms\">Danh sách cảnh báo</a></p>");
        tdc_ui_foot(f);
        return;
    }
    snprintf(title, sizeof title, TD_MSG_UI_TITLE_ALARM, id);
    tdc_ui_head(ui, f, title, "alarms");
    if (!err) tdc__done(q, f);
    tdc_alarm *a = &v[k];
    tdc__when(a->at_ms, when, sizeof when);
    fprintf(f, "<p><a href=\"/alarms\">Danh sách cảnh báo</a></p><dl id=\"alarm-detail\"><dt>Loại</dt><dd>");
    tdc_ui_esc(f, tdc_alarm_vi(a->kind));
    fprintf(f, " <span class=\"hint\">(");
    tdc_ui_esc(f, a->kind);
    fprintf(f, ")</span></dd><dt>Lúc</dt><dd>%s</dd><dt>Tình trạng</dt><dd id=\"alarm-state\">", when);
    if (a->acked_ms) {
        tdc__when(a->acked_ms, when, sizeof when);
        fprintf(f, "Đã xử lý lúc %s, bởi ", when);
        tdc_ui_esc(f, a->acked_by && *a->acked_by ? a->acked_by : "không rõ");
        fprintf(f, "</dd><dt>Ghi chú khi xử lý</dt><dd id=\"alarm-note\">");
        tdc_ui_esc(f, a->acked_note && *a->acked_note ? a->acked_note : "(không có)");
    } else {
        fprintf(f, "<strong>Chưa xử lý</strong>");
    }
    fprintf(f, "</dd><dt>Điểm kiểm tra đã xác minh</dt><dd>%llu mục</dd><dt>Gốc cây đã xác minh</dt><dd>",
            (unsigned long long)a->old_size);
    tdc__note_root(a->old_note, hex);
    fprintf(f, "<code id=\"old-root\">%s</code></dd><dt>Máy chủ đưa ra</dt><dd>%llu mục</dd><dt>Gốc cây máy chủ đưa ra"
               "</dt><dd>", *hex ? hex : "—", (unsigned long long)a->new_size);
    tdc__note_root(a->new_note, hex);
    fprintf(f, "<code id=\"new-root\">%s</code></dd><dt>Điều không khớp (chi tiết kỹ thuật)</dt><dd>", *hex ? hex : "—");
    tdc_ui_esc(f, a->detail ? a->detail : "");
    fprintf(f, "</dd></dl><h2>Bằng chứng</h2><h3>Điểm kiểm tra đã xác minh (đã ký)</h3><pre id=\"old-note\">");
    tdc_ui_esc(f, a->old_note ? a->old_note : "(không có)");
    fprintf(f, "</pre><h3>Điểm kiểm tra máy chủ đưa ra (đã ký)</h3><pre id=\"new-note\">");
    tdc_ui_esc(f, a->new_note ? a->new_note : "(không có)");
    fprintf(f, "</pre><h3>Bằng chứng nhất quán (consistency proof) máy chủ gửi</h3>");
    if (a->proof_len) {
        fprintf(f, "<pre id=\"proof\">");
        for (size_t i = 0; i < a->proof_len; i++)
            fprintf(f, "%02x%s", a->proof[i], (i + 1) % TD_CHECKPOINT_HASH_LEN == 0 ? "\n" : "");
        fprintf(f, "</pre>");
    } else {
        fprintf(f, "<p>(không có)</p>");
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
        tdc_ui_head(ui, f, "Chưa ghi được", "alarms");
        fprintf(f, "<p class=\"err\">Số cảnh báo không hợp lệ. <a href=\"/alarms\">Danh sách cảnh báo</a></p>");
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
            tdc__page_one(ui, q, f, out, note, "cảnh báo này không còn chờ xử lý.");
            return;
        }
        tdc_ui_head(ui, f, "Xác nhận đã xử lý cảnh báo", "alarms");
        fprintf(f, "<div class=\"warn\" role=\"alert\" id=\"confirm-step\"><p><strong>Cần xác nhận:</strong> đánh dấu "
                   "cảnh báo số %ld (", id);
        tdc_ui_esc(f, tdc_alarm_vi(v[k].kind));
        fprintf(f, ") là đã xử lý, với ghi chú dưới đây. Bằng chứng vẫn được giữ. Chưa ghi gì.</p></div>"
                   "<blockquote id=\"confirm-note\">");
        tdc_ui_esc(f, t);
        fprintf(f, "</blockquote><form method=\"post\" action=\"/alarm/ack\" id=\"confirm-form\">");
        tdc_ui_csrf(ui, f);
        fprintf(f, "<input type=\"hidden\" name=\"id\" value=\"%ld\"><input type=\"hidden\" name=\"confirm\" "
                   "value=\"1\"><input type=\"hidden\" name=\"note\" value=\"", id);
        tdc_ui_esc(f, t);
        free(t);
        fprintf(f, "\"><div class=\"actions\"><button type=\"submit\" class=\"primary\" id=\"confirm-ack\">Xác nhận đã "
                   "xử lý</button><a href=\"/alarm?id=%ld\">Quay lại, không ghi</a></div></form>", id);
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

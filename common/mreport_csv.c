/*
 * mreport_csv.c — the monthly report as ONE CSV file for Excel and
 * LibreOffice (mreport.h; layout documented in README.md, "Báo cáo tổng
 * hợp"): UTF-8 with a BOM, comma separated, CRLF line ends (RFC 4180).
 *
 * The file is a sequence of blocks separated by an empty line; each block
 * is a title row ("Bảng N. ...") , a header row, then data rows.  Cells:
 *   - counts and percents: bare integers (numbers in any locale);
 *   - decimals (indicator values, ratios): decimal comma, quoted ("57,3"):
 *     a number for a Vietnamese locale (vi-VN), which is what the
 *     province's machines use;
 *   - dates: dd/mm/yyyy, bare (a date for vi-VN);
 *   - text: always quoted, quotes doubled; a text starting with = + - @
 *     gets a leading apostrophe so that no spreadsheet runs it as a
 *     formula (CSV injection).
 */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "deadline.h"
#include "mreport.h"

static void td__txt(FILE *f, const char *s) { td_csv_text(f, s); }
static void td__sep(FILE *f) { td_csv_sep(f); }
static void td__eol(FILE *f) { td_csv_eol(f); }

static void td__uint(FILE *f, unsigned long long v) { fprintf(f, "%llu", v); }
/* A task: its number, or "245:18" when the state has more than one plan. */
static void td__task(FILE *f, const td_mreport *r, uint32_t key)
{
    char b[48];
    if (td_state_plan_count(r->st) > 1) td__txt(f, td_mreport_task_label(r, key, b, sizeof b));
    else td__uint(f, key);
}
static void td__int(FILE *f, long long v) { fprintf(f, "%lld", v); }

static void td__date(FILE *f, int d)
{
    char b[16];
    td_date_vi(d, b, sizeof b);
    fputs(b, f);
}

/* A decimal with a decimal comma (quoted), at most 3 decimals. */
static void td__dec(FILE *f, double v)
{
    char b[64], *dot, *e;
    snprintf(b, sizeof b, "%.3f", v);
    if ((dot = strchr(b, '.'))) {
        e = b + strlen(b) - 1;
        while (e > dot && *e == '0') *e-- = '\0';
        if (e == dot) *e = '\0';
        else *dot = ',';
    }
    if (strchr(b, ',')) fprintf(f, "\"%s\"", b);
    else fputs(strcmp(b, "-0") ? b : "0", f);
}

/* A row of header/label texts, NULL-terminated. */
static void td__row(FILE *f, const char *const *cells)
{
    for (size_t i = 0; cells[i]; i++) {
        if (i) td__sep(f);
        td__txt(f, cells[i]);
    }
    td__eol(f);
}

static void td__block(FILE *f, const char *title)
{
    td__eol(f);
    td__txt(f, title);
    td__eol(f);
}

static void td__summary(const td_mreport *r, FILE *f)
{
    char h[160];
    td__block(f, "Bảng 1. Tổng hợp nhiệm vụ theo trạng thái (theo phần và tổng số)");
    td__txt(f, "Phần");
    td__sep(f);
    td__txt(f, "Tên phần");
    td__sep(f);
    td__txt(f, "Số nhiệm vụ");
    for (int i = 0; i < 7; i++) {
        const char *s = td_status_vi(td_mreport_status_order[i]);
        snprintf(h, sizeof h, "%s (kỳ này)", s);
        td__sep(f), td__txt(f, h);
        snprintf(h, sizeof h, "%s (kỳ trước)", s);
        td__sep(f), td__txt(f, h);
        snprintf(h, sizeof h, "%s (tăng/giảm)", s);
        td__sep(f), td__txt(f, h);
    }
    /* of "Đang thực hiện quá hạn": the tasks no lead has ever reported on */
    td__sep(f), td__txt(f, TD_MREPORT_SILENT_VI " (kỳ này)");
    td__sep(f), td__txt(f, TD_MREPORT_SILENT_VI " (kỳ trước)");
    td__sep(f), td__txt(f, TD_MREPORT_SILENT_VI " (tăng/giảm)");
    td__eol(f);
    for (size_t s = 0; s < r->n_sections; s++) {
        const td_mr_section *sec = &r->sections[s];
        td__txt(f, *sec->code ? sec->code : "Tổng");
        td__sep(f);
        td__txt(f, sec->title);
        td__sep(f);
        td__uint(f, sec->n_tasks);
        for (int i = 0; i < 7; i++) {
            td_status st = td_mreport_status_order[i];
            td__sep(f), td__uint(f, sec->cur[st]);
            td__sep(f), td__uint(f, sec->prev[st]);
            td__sep(f), td__int(f, (long long)sec->cur[st] - (long long)sec->prev[st]);
        }
        td__sep(f), td__uint(f, sec->silent_cur);
        td__sep(f), td__uint(f, sec->silent_prev);
        td__sep(f), td__int(f, (long long)sec->silent_cur - (long long)sec->silent_prev);
        td__eol(f);
    }
}

static void td__task_cols(const td_mreport *r, const td_mr_task *t, FILE *f)
{
    char a[64];
    (void)r;
    td__task(f, r, t->ts->task);
    td__sep(f), td__txt(f, t->task ? t->task->section : "");
    td__sep(f), td__txt(f, t->task ? t->task->title : "");
    td__sep(f), td__txt(f, t->task ? t->task->lead_text : "");
    td__sep(f), td__txt(f, t->task ? t->task->deadline.text : "");
    td__sep(f), td__date(f, t->ts->due_date);
    td__sep(f), td__txt(f, td_status_vi(t->ts->overall));
    td__sep(f), td__uint(f, t->percent);
    td__sep(f), td__date(f, t->ts->last_report_date);
    td__sep(f), td__txt(f, td_review_state_vi(t->review));
    if (t->text_missing) {
        snprintf(a, sizeof a, "(nội dung ở bản ghi số %llu)", (unsigned long long)t->text_index);
        td__sep(f), td__txt(f, a);
        td__sep(f), td__txt(f, "");
        td__sep(f), td__txt(f, "");
    } else {
        td__sep(f), td__txt(f, t->result);
        td__sep(f), td__txt(f, t->difficulties);
        td__sep(f), td__txt(f, t->proposals);
    }
}

static void td__tasks(const td_mreport *r, FILE *f)
{
    static const char *const hdr[] = {
        "TT", "Phần", "Tên nhiệm vụ", "Cơ quan chủ trì (theo kế hoạch)", "Thời hạn (theo kế hoạch)", "Hạn tính",
        "Trạng thái chung", "Tỷ lệ hoàn thành chung (%)", "Ngày báo cáo gần nhất", "Thẩm định (chung)",
        "Kết quả thực hiện", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị", "Mã cơ quan", "Cơ quan chủ trì",
        "Trạng thái của cơ quan", "Tỷ lệ hoàn thành của cơ quan (%)", "Ngày báo cáo của cơ quan",
        "Thẩm định báo cáo của cơ quan", "Ý kiến thẩm định", NULL};
    td__block(f, "Bảng 2. Nhiệm vụ (một dòng cho mỗi cơ quan chủ trì)");
    td__row(f, hdr);
    for (size_t i = 0; i < r->n_tasks; i++) {
        const td_mr_task *t = &r->tasks[i];
        if (!t->ts->n_leads) {
            td__task_cols(r, t, f);
            for (int k = 0; k < 7; k++) td__sep(f);
            td__eol(f);
        }
        for (size_t k = 0; k < t->ts->n_leads; k++) {
            const td_mr_lead *l = &t->leads[k];
            td__task_cols(r, t, f);
            td__sep(f), td__txt(f, l->slug);
            td__sep(f), td__txt(f, l->name);
            td__sep(f), td__txt(f, l->ls->status == TD_ST_ONGOING_LATE && !l->ls->last_report_date
                                       ? TD_MREPORT_SILENT_VI
                                       : td_status_vi(l->ls->status));
            td__sep(f), td__uint(f, l->ls->report_index ? l->ls->percent : 0);
            td__sep(f), td__date(f, l->ls->last_report_date);
            td__sep(f), td__txt(f, td_review_state_vi(l->review));
            td__sep(f), td__txt(f, l->review_comment);
            td__eol(f);
        }
    }
}

static void td__agencies(const td_mreport *r, FILE *f)
{
    static const char *const hdr[] = {"Hạng", "Mã cơ quan", "Cơ quan", "Phải nộp", "Đúng hạn", "Muộn", "Thiếu",
                                      "Bị trả lại", "Tỷ lệ đúng hạn (%)", NULL};
    static const char *const hdr2[] = {"Mã cơ quan", "Cơ quan", "Kỳ", "Phải nộp", "Đúng hạn", "Muộn", "Thiếu",
                                       "Bị trả lại", NULL};
    char t[160], pv[16], d[16];
    td_mreport_period_vi(r->period, pv, sizeof pv);
    td_date_vi(r->due_date, d, sizeof d);
    snprintf(t, sizeof t, "Bảng 3. Báo cáo của các cơ quan kỳ %s (hạn %s) và xếp hạng thi đua", pv, d);
    td__block(f, t);
    td__row(f, hdr);
    for (size_t k = 0; k < r->n_ranked; k++) {
        const td_mr_agency *a = &r->agencies[r->ranking[k]];
        td__uint(f, a->rank);
        td__sep(f), td__txt(f, a->slug);
        td__sep(f), td__txt(f, a->name);
        td__sep(f), td__uint(f, a->now.owed);
        td__sep(f), td__uint(f, a->now.on_time);
        td__sep(f), td__uint(f, a->now.late);
        td__sep(f), td__uint(f, a->now.missing);
        td__sep(f), td__uint(f, a->now.returned);
        td__sep(f), td__dec(f, 100.0 * a->now.on_time / a->now.owed);
        td__eol(f);
    }
    for (size_t i = 0; i < r->n_agencies; i++) {
        const td_mr_agency *a = &r->agencies[i];
        if (a->now.owed) continue;
        td__txt(f, "không xếp hạng");
        td__sep(f), td__txt(f, a->slug);
        td__sep(f), td__txt(f, a->name);
        for (int k = 0; k < 5; k++) td__sep(f), td__uint(f, 0);
        td__sep(f);
        td__eol(f);
    }
    td__txt(f, "Quy tắc xếp hạng");
    td__sep(f), td__txt(f, TD_MREPORT_RANK_RULE);
    td__eol(f);

    snprintf(t, sizeof t, "Bảng 4. Tuân thủ báo cáo %d tháng (%s – %s), đánh giá ngày %s", TD_MREPORT_MONTHS,
             r->periods[0], r->period, (td_date_vi(r->as_of, d, sizeof d), d));
    td__block(f, t);
    td__row(f, hdr2);
    for (size_t i = 0; i < r->n_agencies; i++) {
        const td_mr_agency *a = &r->agencies[i];
        for (int m = 0; m < TD_MREPORT_MONTHS; m++) {
            const td_mr_owed *o = &a->months[m];
            td__txt(f, a->slug);
            td__sep(f), td__txt(f, a->name);
            td_mreport_period_vi(r->periods[m], pv, sizeof pv);
            snprintf(t, sizeof t, "Tháng %s", pv);
            td__sep(f), td__txt(f, t);
            td__sep(f), td__uint(f, o->owed);
            td__sep(f), td__uint(f, o->on_time);
            td__sep(f), td__uint(f, o->late);
            td__sep(f), td__uint(f, o->missing);
            td__sep(f), td__uint(f, o->returned);
            td__eol(f);
        }
    }
}

static void td__items(const td_mreport *r, FILE *f)
{
    static const char *const hdr[] = {"Danh sách", "TT", "Tên nhiệm vụ", "Mã cơ quan", "Cơ quan chủ trì", "Hạn tính",
                                      "Trạng thái", "Ngày trả lại", "Lý do trả lại", NULL};
    static const char *const kinds[3] = {"Quá hạn", "Sắp đến hạn", "Bị trả lại, chờ chỉnh sửa"};
    const td_mr_item *lists[3] = {r->overdue, r->due_soon, r->returned};
    size_t ns[3] = {r->n_overdue, r->n_due_soon, r->n_returned};
    td__block(f, "Bảng 5. Nhiệm vụ quá hạn, sắp đến hạn và báo cáo bị trả lại");
    td__row(f, hdr);
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < ns[k]; i++) {
            const td_mr_item *it = &lists[k][i];
            td__txt(f, kinds[k]);
            td__sep(f), td__task(f, r, it->t->ts->task);
            td__sep(f), td__txt(f, it->t->task ? it->t->task->title : "");
            td__sep(f), td__txt(f, it->l->slug);
            td__sep(f), td__txt(f, it->l->name);
            td__sep(f), td__date(f, it->l->ls->due_date);
            td__sep(f), td__txt(f, td_status_vi(it->l->ls->status));
            td__sep(f);
            if (k == 2) td__date(f, it->l->review_date);
            td__sep(f), td__txt(f, k == 2 ? it->l->review_comment : "");
            td__eol(f);
        }
}

static void td__indicators(const td_mreport *r, FILE *f)
{
    static const char *const hdr[] = {"Mã", "Chỉ tiêu", "Đơn vị", "Mục tiêu", "Phép so sánh", "Ngưỡng dưới",
                                      "Ngưỡng trên", "Giá trị", "Ghi chú/giá trị định tính", "Kỳ",
                                      "Mã cơ quan báo cáo", "Đánh giá", NULL};
    char a[512], pv[16];
    td__block(f, "Bảng 6. Chỉ tiêu: giá trị mới nhất so với mục tiêu");
    td__row(f, hdr);
    for (size_t i = 0; i < r->n_indicators; i++) {
        const td_mr_indicator *mi = &r->indicators[i];
        const td_target *t = &mi->ind->target;
        td__txt(f, mi->ind->code);
        td__sep(f), td__txt(f, mi->ind->name);
        td__sep(f), td__txt(f, mi->ind->unit);
        td_target_vi(t, a, sizeof a);
        td__sep(f), td__txt(f, a);
        td__sep(f), td__txt(f, t->kind == TD_TARGET_VALUE   ? td_target_op_str(t->op)
                               : t->kind == TD_TARGET_RANGE ? "khoảng"
                                                            : "định tính");
        td__sep(f);
        if (t->kind == TD_TARGET_VALUE || t->kind == TD_TARGET_RANGE) td__dec(f, t->lo);
        td__sep(f);
        if (t->kind == TD_TARGET_RANGE) td__dec(f, t->hi);
        td__sep(f);
        if (mi->v && mi->v->has_value) td__dec(f, mi->v->value);
        td__sep(f), td__txt(f, mi->v ? mi->v->text : "");
        td_mreport_period_vi(mi->v ? mi->v->period : "", pv, sizeof pv);
        snprintf(a, sizeof a, "%s%s", *pv ? "Tháng " : "", pv);
        td__sep(f), td__txt(f, a);
        td__sep(f), td__txt(f, mi->v ? mi->v->agency : "");
        td__sep(f), td__txt(f, td_iverdict_vi(mi->verdict));
        td__eol(f);
    }
}

static void td__flagged(const td_mreport *r, FILE *f)
{
    static const char *const hdr[] = {"Bản ghi số", "TT", "Mã cơ quan", "Cơ quan", "Kỳ", "Giờ ký", "Giờ máy chủ nhận",
                                      "Cảnh báo", NULL};
    char a[512], pv[16];
    td__block(f, "Bảng 7. Báo cáo có thời gian ký bất thường (cần người kiểm tra)");
    td__row(f, hdr);
    for (size_t i = 0; i < r->n_flagged; i++) {
        const td_report *rep = r->flagged[i].r;
        td__uint(f, rep->index);
        td__sep(f), td__task(f, r, rep->task);
        td__sep(f), td__txt(f, rep->agency);
        td__sep(f), td__txt(f, td_mreport_agency_name(r, rep->agency));
        td_mreport_period_vi(rep->period, pv, sizeof pv);
        snprintf(a, sizeof a, "Tháng %s", pv);
        td__sep(f), td__txt(f, a);
        td_mreport_time_vi(rep->device_time_ms, a, sizeof a);
        td__sep(f), td__txt(f, a);
        td_mreport_time_vi(rep->received_ms, a, sizeof a);
        td__sep(f), td__txt(f, a);
        td_time_flags_vi(rep->time_flags, a, sizeof a);
        td__sep(f), td__txt(f, a);
        td__eol(f);
    }
}

static const td_mreport_sections td__sections = {td__summary,    td__tasks,      td__agencies,
                                                   td__items,      td__indicators, td__flagged};

int td_mreport_csv(const td_mreport *r, FILE *f)
{
    char title[512];
    fputs("\xEF\xBB\xBF", f);   /* BOM: Excel reads the file as UTF-8 */
    td_mreport_title(r, title, sizeof title);
    td__txt(f, title);
    td__eol(f);
    td__txt(f, "Số liệu đến hết ngày");
    td__sep(f), td__date(f, r->as_of);
    td__sep(f), td__txt(f, "So sánh với ngày");
    td__sep(f), td__date(f, r->prev_as_of);
    td__sep(f), td__txt(f, "Hạn báo cáo của kỳ");
    td__sep(f), td__date(f, r->due_date);
    td__sep(f), td__txt(f, "Bản ghi cuối của sổ nhật ký");
    td__sep(f), td__uint(f, r->last_index);
    td__eol(f);
    td_mreport_write_sections(r, f, &td__sections);
    return ferror(f) ? TD_EIO : 0;
}

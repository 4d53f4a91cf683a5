/*
 * mreport_text.c — the monthly report for the terminal (mreport.h): UTF-8,
 * columns aligned by characters (td_mreport_width), long texts cut with "…".
 */
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "mreport.h"
#include "utf8.h"

/* Widest cell text kept in the terminal (characters); the rest is cut. */
#define TD_MRT_NOTE_MAX 110

/* Print s in exactly w columns: cut with "…" if longer, padded with blanks
 * (on the left when right-aligned). */
static void td__cell(FILE *f, const char *s, size_t w, int right)
{
    size_t width = td_mreport_width_max(s, w);
    if (width <= w) {
        if (right)
            for (size_t i = width; i < w; i++) fputc(' ', f);
        fputs(s, f);
        if (!right)
            for (size_t i = width; i < w; i++) fputc(' ', f);
        return;
    }
    /* cut: w - 1 characters, then "…" */
    {
        size_t len = strlen(s), chars = 0;
        const char *p = s;
        while (len && chars + 1 < w) {
            uint32_t cp;
            int k = td_utf8_decode(p, len, &cp);
            p += k;
            len -= (size_t)k;
            if (!(cp >= 0x300 && cp <= 0x36F)) chars++;
        }
        /* keep combining marks that belong to the last letter */
        while (len) {
            uint32_t cp;
            int k = td_utf8_decode(p, len, &cp);
            if (!(cp >= 0x300 && cp <= 0x36F)) break;
            p += k;
            len -= (size_t)k;
        }
        fwrite(s, 1, (size_t)(p - s), f);
        fputs("…", f);
        for (size_t i = chars + 1; i < w; i++) fputc(' ', f);
    }
}

/* One line of text (no newlines inside: they become blanks), cut at max. */
static void td__line(FILE *f, const char *label, const char *s, size_t max)
{
    char *c = strdup(s ? s : ""), *p;
    if (!c) return;
    for (p = c; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
    fputs(label, f);
    {
        size_t cw = td_mreport_width_max(c, max);
        td__cell(f, c, cw > max ? max : cw, 0);
    }
    fputc('\n', f);
    free(c);
}

static void td__rule(FILE *f, size_t w)
{
    for (size_t i = 0; i < w; i++) fputs("─", f);
    fputc('\n', f);
}

static void td__heading(FILE *f, const char *s)
{
    fprintf(f, "\n%s\n", s);
    td__rule(f, td_mreport_width(s));
}

static const char *td__short_status[TD_STATUS_COUNT] = {
    "", "HT đúng hạn", "HT quá hạn", "Đang làm", "Quá hạn", "Chưa làm", "Sắp hạn", "Chờ TĐ",
};

static void td__summary(const td_mreport *r, FILE *f)
{
    const td_mr_section *tot = &r->sections[r->n_sections - 1];
    char a[64], b[64], c[32], d1[16], d2[16];
    td_date_vi(r->as_of, d1, sizeof d1);
    td_date_vi(r->prev_as_of, d2, sizeof d2);
    td__heading(f, "1. TỔNG HỢP NHIỆM VỤ THEO TRẠNG THÁI");
    td__cell(f, "Trạng thái", 28, 0);
    snprintf(a, sizeof a, "Ngày %s", d1);
    snprintf(b, sizeof b, "Ngày %s", d2);
    td__cell(f, a, 17, 1);
    td__cell(f, b, 17, 1);
    td__cell(f, "Tăng/giảm", 11, 1);
    fputc('\n', f);
    for (int i = 0; i < 7; i++) {
        td_status s = td_mreport_status_order[i];
        td__cell(f, td_status_vi(s), 28, 0);
        snprintf(a, sizeof a, "%u", tot->cur[s]);
        snprintf(b, sizeof b, "%u", tot->prev[s]);
        td_mreport_diff((int)tot->cur[s] - (int)tot->prev[s], c, sizeof c);
        td__cell(f, a, 17, 1);
        td__cell(f, b, 17, 1);
        td__cell(f, c, 11, 1);
        fputc('\n', f);
        if (s == TD_ST_ONGOING_LATE) {
            /* a leader acts differently on silence and on a late report */
            static const char *const sub[2] = {"  - " TD_MREPORT_REPORTED_LATE_VI, "  - " TD_MREPORT_SILENT_VI};
            for (int k = 0; k < 2; k++) {
                unsigned cu = k ? tot->silent_cur : tot->cur[s] - tot->silent_cur;
                unsigned pr = k ? tot->silent_prev : tot->prev[s] - tot->silent_prev;
                snprintf(a, sizeof a, "%u", cu);
                snprintf(b, sizeof b, "%u", pr);
                td_mreport_diff((int)cu - (int)pr, c, sizeof c);
                td__cell(f, sub[k], 28, 0);
                td__cell(f, a, 17, 1);
                td__cell(f, b, 17, 1);
                td__cell(f, c, 11, 1);
                fputc('\n', f);
            }
        }
    }
    td__cell(f, "Tổng số nhiệm vụ", 28, 0);
    snprintf(a, sizeof a, "%u", tot->n_tasks);
    td__cell(f, a, 17, 1);
    fputc('\n', f);

    fprintf(f, "\nTheo phần (số nhiệm vụ ngày %s, trong ngoặc: tăng/giảm so với ngày %s):\n", d1, d2);
    td__cell(f, "Phần", 6, 0);
    td__cell(f, "Số NV", 6, 1);
    for (int i = 0; i < 7; i++) td__cell(f, td__short_status[td_mreport_status_order[i]], 13, 1);
    fputc('\n', f);
    for (size_t s = 0; s < r->n_sections; s++) {
        const td_mr_section *sec = &r->sections[s];
        td__cell(f, *sec->code ? sec->code : "Tổng", 6, 0);
        snprintf(a, sizeof a, "%u", sec->n_tasks);
        td__cell(f, a, 6, 1);
        for (int i = 0; i < 7; i++) {
            td_status st = td_mreport_status_order[i];
            td_mreport_diff((int)sec->cur[st] - (int)sec->prev[st], c, sizeof c);
            snprintf(a, sizeof a, "%u (%s)", sec->cur[st], c);
            td__cell(f, a, 13, 1);
        }
        fputc('\n', f);
    }
    fputs("Chú thích: HT = đã hoàn thành; Đang làm = đang thực hiện trong hạn; Quá hạn = đang thực hiện quá "
          "hạn;\n           Chưa làm = chưa thực hiện; Sắp hạn = sắp đến hạn; Chờ TĐ = chờ thẩm định.\n",
          f);
    for (size_t s = 0; s + 1 < r->n_sections; s++) {
        fprintf(f, "  %-5s ", r->sections[s].code);
        td__line(f, "", r->sections[s].title, TD_MRT_NOTE_MAX);
    }
}

static void td__tasks(const td_mreport *r, FILE *f)
{
    char a[64], d[16];
    td__heading(f, "2. TÌNH HÌNH THỰC HIỆN TỪNG NHIỆM VỤ");
    td__cell(f, "TT", 4, 1);
    fputc(' ', f);
    td__cell(f, "Nhiệm vụ", TD_MREPORT_TEXT_TITLE, 0);
    fputc(' ', f);
    td__cell(f, "Thời hạn", 22, 0);
    fputc(' ', f);
    td__cell(f, "Trạng thái", 24, 0);
    td__cell(f, "%", 4, 1);
    fputc(' ', f);
    td__cell(f, "BC gần nhất", 11, 0);
    fputc(' ', f);
    fputs("Thẩm định\n", f);
    for (size_t i = 0; i < r->n_tasks; i++) {
        const td_mr_task *t = &r->tasks[i];
        td_mreport_task_label(r, t->ts->task, a, sizeof a);
        td__cell(f, a, 4, 1);
        fputc(' ', f);
        td__cell(f, t->task ? t->task->title : "", TD_MREPORT_TEXT_TITLE, 0);
        fputc(' ', f);
        td__cell(f, t->task ? t->task->deadline.text : "", 22, 0);
        fputc(' ', f);
        td__cell(f, td_status_vi(t->ts->overall), 24, 0);
        snprintf(a, sizeof a, "%u", t->percent);
        td__cell(f, a, 4, 1);
        fputc(' ', f);
        td_date_vi(t->ts->last_report_date, d, sizeof d);
        td__cell(f, d, 11, 0);
        fputc(' ', f);
        fputs(td_review_state_vi(t->review), f);
        fputc('\n', f);
        for (size_t k = 0; k < t->ts->n_leads; k++) {
            const td_mr_lead *l = &t->leads[k];
            char line[1024];
            td_date_vi(l->ls->last_report_date, d, sizeof d);
            snprintf(line, sizeof line, "%s: %s, %u%%, %s%s%s", l->name, td_status_vi(l->ls->status),
                     l->ls->report_index ? l->ls->percent : 0, l->ls->report_index ? "báo cáo " : "chưa báo cáo",
                     d, "");
            snprintf(line + strlen(line), sizeof line - strlen(line), ", %s", td_review_state_vi(l->review));
            td__line(f, "      Chủ trì: ", line, TD_MRT_NOTE_MAX);
        }
        if (t->text_missing) {
            snprintf(a, sizeof a, "(nội dung ở bản ghi số %llu)", (unsigned long long)t->text_index);
            td__line(f, "      Kết quả: ", a, TD_MRT_NOTE_MAX);
        } else {
            if (*t->result) td__line(f, "      Kết quả: ", t->result, TD_MRT_NOTE_MAX);
            if (*t->difficulties) td__line(f, "      Khó khăn: ", t->difficulties, TD_MRT_NOTE_MAX);
            if (*t->proposals) td__line(f, "      Kiến nghị: ", t->proposals, TD_MRT_NOTE_MAX);
        }
    }
}

static void td__agencies(const td_mreport *r, FILE *f)
{
    char a[128], pv[16], d[16];
    td_mreport_period_vi(r->period, pv, sizeof pv);
    td_date_vi(r->due_date, d, sizeof d);
    snprintf(a, sizeof a, "3. BÁO CÁO CỦA CÁC CƠ QUAN KỲ %s (HẠN %s)", pv, d);
    td__heading(f, a);
    td__line(f, "", TD_MREPORT_RANK_RULE, 100000);
    if (r->as_of < r->due_date) {
        char ad[16], msg[512];
        td_date_vi(r->as_of, ad, sizeof ad);
        snprintf(msg, sizeof msg, TD_MREPORT_OPEN_VI, ad, d);
        td__line(f, "", msg, 100000);
    }
    fputc('\n', f);
    td__cell(f, "Hạng", 5, 1);
    fputc(' ', f);
    td__cell(f, "Cơ quan", 44, 0);
    td__cell(f, "Phải nộp", 9, 1);
    td__cell(f, "Đúng hạn", 9, 1);
    td__cell(f, "Muộn", 6, 1);
    td__cell(f, "Thiếu", 6, 1);
    td__cell(f, "Trả lại", 8, 1);
    td__cell(f, "Tỷ lệ đúng hạn", 15, 1);
    fputc('\n', f);
    for (size_t k = 0; k < r->n_ranked; k++) {
        const td_mr_agency *ag = &r->agencies[r->ranking[k]];
        snprintf(a, sizeof a, "%u", ag->rank);
        td__cell(f, a, 5, 1);
        fputc(' ', f);
        td__cell(f, ag->name, 44, 0);
        snprintf(a, sizeof a, "%u", ag->now.owed);
        td__cell(f, a, 9, 1);
        snprintf(a, sizeof a, "%u", ag->now.on_time);
        td__cell(f, a, 9, 1);
        snprintf(a, sizeof a, "%u", ag->now.late);
        td__cell(f, a, 6, 1);
        snprintf(a, sizeof a, "%u", ag->now.missing);
        td__cell(f, a, 6, 1);
        snprintf(a, sizeof a, "%u", ag->now.returned);
        td__cell(f, a, 8, 1);
        snprintf(a, sizeof a, "%.1f%%", 100.0 * ag->now.on_time / ag->now.owed);
        for (char *p = a; *p; p++)
            if (*p == '.') *p = ',';   /* Vietnamese decimal comma */
        td__cell(f, a, 15, 1);
        fputc('\n', f);
    }
    {
        int any = 0;
        for (size_t i = 0; i < r->n_agencies; i++)
            if (!r->agencies[i].now.owed) {
                fprintf(f, "%s%s", any ? "; " : "Không có nghĩa vụ báo cáo kỳ này: ", r->agencies[i].name);
                any = 1;
            }
        if (any) fputc('\n', f);
    }
    /* a successor's row carries its predecessors' record: say so */
    for (size_t i = 0; i < r->n_agencies; i++) {
        const td_mr_agency *ag = &r->agencies[i];
        if (!ag->n_preds) continue;
        fprintf(f, "Số liệu của %s gồm cả của cơ quan tiền nhiệm: ", ag->name);
        for (size_t k = 0; k < ag->n_preds; k++) {
            const td_agency *p = td_registry_agency(td_state_registry(r->st), ag->preds[k]);
            char until[16] = "";
            if (p && p->valid_to) td_date_vi(td_date_add_days(p->valid_to, -1), until, sizeof until);
            fprintf(f, "%s%s%s%s%s", k ? "; " : "", td_mreport_agency_name(r, ag->preds[k]), *until ? " (đến " : "",
                    until, *until ? ")" : "");
        }
        fputs(".\n", f);
    }
    fprintf(f, "\nTuân thủ báo cáo %d tháng (%s..%s): ", TD_MREPORT_MONTHS, r->periods[0], r->period);
    fputs("+ đủ, đúng hạn; ~ có báo cáo muộn; x có báo cáo thiếu; . không phải nộp; - chưa đến hạn nộp\n", f);
    td__cell(f, "", 44, 0);
    for (int m = 0; m < TD_MREPORT_MONTHS; m++) fprintf(f, " %.2s", r->periods[m] + 5);
    fputc('\n', f);
    for (size_t i = 0; i < r->n_agencies; i++) {
        const td_mr_agency *ag = &r->agencies[i];
        td__cell(f, ag->name, 44, 0);
        for (int m = 0; m < TD_MREPORT_MONTHS; m++) {
            const td_mr_owed *o = &ag->months[m];
            int open = r->as_of < td_period_due(r->periods[m], r->opts.status.report_due_day);
            /* before the due day a missing report is not yet missing */
            fputs(!o->owed                 ? "  ."
                  : o->missing && !open   ? "  x"
                  : o->late               ? "  ~"
                  : o->missing            ? "  -"
                                          : "  +",
                  f);
        }
        fputc('\n', f);
    }
}

static void td__items(const td_mreport *r, FILE *f, const char *title, const td_mr_item *v, size_t n, int what)
{
    char d[16], line[2048];
    td__heading(f, title);
    if (!n) {
        fputs("(không có)\n", f);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const td_mr_task *t = v[i].t;
        const td_mr_lead *l = v[i].l;
        size_t j = i + 1;
        td_date_vi(l->ls->due_date, d, sizeof d);
        while (j < n && v[j].t == t) j++;
        if (what != 2 && j - i > 1 && td_mreport_task_group_led(t)) {
            /* a task led by a group ("Các sở, ban, ngành") once, with the
             * agencies behind it, not once per agency */
            size_t used, silent = 0;
            for (size_t k = i; k < j; k++) silent += !v[k].l->ls->last_report_date;
            used = (size_t)snprintf(line, sizeof line, "NV %s — %s: %zu cơ quan — hạn %s (%s)", TD_MR_K(r, t->ts->task),
                                    t->task->lead_text, j - i, *d ? d : "không có", t->task->deadline.text);
            if (what == 0 && used < sizeof line)
                used += (size_t)snprintf(line + used, sizeof line - used, " — %zu chưa báo cáo, %zu có báo cáo", silent,
                                         j - i - silent);
            for (size_t k = i; k < j && used < sizeof line; k++)
                used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", k == i ? ": " : "; ",
                                         v[k].l->name);
            td__line(f, "  ", line, TD_MRT_NOTE_MAX * 4);
            i = j - 1;
            continue;
        }
        if (what == 2) {
            char rd[16];
            td_date_vi(l->review_date, rd, sizeof rd);
            snprintf(line, sizeof line, "NV %s — %s — trả lại%s%s: %s", TD_MR_K(r, t->ts->task), l->name, *rd ? " ngày " : "", rd,
                     l->review_comment);
        } else {
            snprintf(line, sizeof line, "NV %s — %s — hạn %s (%s)%s", TD_MR_K(r, t->ts->task), l->name, *d ? d : "không có",
                     t->task ? t->task->deadline.text : "",
                     what == 0 ? (l->ls->last_report_date ? " — " TD_MREPORT_REPORTED_LATE_VI : " — " TD_MREPORT_SILENT_VI)
                     : l->ls->no_report ? ", chưa có báo cáo" : "");
        }
        td__line(f, "  ", line, TD_MRT_NOTE_MAX + 20);
    }
}

static void td__indicators(const td_mreport *r, FILE *f)
{
    char a[512], pv[16];
    td__heading(f, "5. CHỈ TIÊU");
    fprintf(f, "Đạt: %u; Chưa đạt: %u; Chưa có số liệu: %u; Chờ đánh giá (chỉ tiêu định tính): %u.\n",
            r->ind_count[TD_IV_MET], r->ind_count[TD_IV_NOT_MET], r->ind_count[TD_IV_NO_DATA],
            r->ind_count[TD_IV_TO_ASSESS]);
    td__cell(f, "Mã", 6, 0);
    td__cell(f, "Chỉ tiêu", 40, 0);
    fputc(' ', f);
    td__cell(f, "Đơn vị", 12, 0);
    fputc(' ', f);
    td__cell(f, "Mục tiêu", 16, 0);
    fputc(' ', f);
    td__cell(f, "Giá trị mới nhất", 20, 0);
    fputc(' ', f);
    td__cell(f, "Kỳ", 7, 0);
    fputc(' ', f);
    fputs("Đánh giá\n", f);
    for (size_t i = 0; i < r->n_indicators; i++) {
        const td_mr_indicator *mi = &r->indicators[i];
        td__cell(f, mi->ind->code, 6, 0);
        td__cell(f, mi->ind->name ? mi->ind->name : "", 40, 0);
        fputc(' ', f);
        td__cell(f, mi->ind->unit ? mi->ind->unit : "", 12, 0);
        fputc(' ', f);
        td_target_vi(&mi->ind->target, a, sizeof a);
        td__cell(f, a, 16, 0);
        fputc(' ', f);
        td_mreport_value_vi(mi, a, sizeof a);
        td__cell(f, a, 20, 0);
        fputc(' ', f);
        td_mreport_period_vi(mi->v ? mi->v->period : "", pv, sizeof pv);
        td__cell(f, pv, 7, 0);
        fputc(' ', f);
        fputs(td_iverdict_vi(mi->verdict), f);
        fputc('\n', f);
    }
    fputs("Chỉ tiêu định tính: kết luận do Sở KH&CN ghi (giá trị 1 = Đạt, 0 = Chưa đạt); trước đó là "
          "\"Chờ đánh giá\".\n",
          f);
}

static void td__flagged(const td_mreport *r, FILE *f)
{
    char a[512], s1[32], s2[32], pv[16], line[1024];
    td__heading(f, "6. BÁO CÁO CÓ THỜI GIAN KÝ BẤT THƯỜNG (cần người kiểm tra)");
    if (!r->n_flagged) {
        fputs("(không có)\n", f);
        return;
    }
    for (size_t i = 0; i < r->n_flagged; i++) {
        const td_report *rep = r->flagged[i].r;
        td_time_flags_vi(rep->time_flags, a, sizeof a);
        td_mreport_time_vi(rep->device_time_ms, s1, sizeof s1);
        td_mreport_time_vi(rep->received_ms, s2, sizeof s2);
        td_mreport_period_vi(rep->period, pv, sizeof pv);
        snprintf(line, sizeof line, "bản ghi số %llu: NV %s, %s, kỳ %s: ký %s, máy chủ nhận %s — %s",
                 (unsigned long long)rep->index, TD_MR_K(r, rep->task), td_mreport_agency_name(r, rep->agency), pv, s1, s2, a);
        td__line(f, "  ", line, 100000);
    }
}

/* The three lists of items, as one section. */
static void td__items_all(const td_mreport *r, FILE *f)
{
    td__items(r, f, "4a. NHIỆM VỤ QUÁ HẠN (theo cơ quan chủ trì)", r->overdue, r->n_overdue, 0);
    td__items(r, f, "4b. NHIỆM VỤ SẮP ĐẾN HẠN", r->due_soon, r->n_due_soon, 1);
    td__items(r, f, "4c. BÁO CÁO BỊ TRẢ LẠI, CHỜ CHỈNH SỬA", r->returned, r->n_returned, 2);
}

static const td_mreport_sections td__sections = {td__summary,   td__tasks,      td__agencies,
                                                   td__items_all, td__indicators, td__flagged};

int td_mreport_text(const td_mreport *r, FILE *f)
{
    td_mreport_head h;
    td_mreport_head_of(r, &h);
    fprintf(f, "%s\n", h.title);
    td__rule(f, td_mreport_width(h.title));
    fprintf(f, "Số liệu đến hết ngày %s (so sánh với ngày %s); hạn báo cáo của kỳ: %s.\n", h.as_of, h.prev_as_of,
            h.due);
    fprintf(f, "Tổng hợp từ sổ nhật ký đến bản ghi số %llu.\n", (unsigned long long)r->last_index);
    {
        /* the province reorganised: who carries the plan now */
        const char *was = r->plan && r->plan->issuer ? r->plan->issuer : "";
        const char *now = td_registry_issuer(td_state_registry(r->st), r->as_of, was);
        if (strcmp(now, was))
            fprintf(f, "Cơ quan chủ trì kế hoạch: %s (kế hoạch do %s ban hành).\n", now, *was ? was : "cơ quan trước");
    }
    td_mreport_write_sections(r, f, &td__sections);
    return ferror(f) ? TD_EIO : 0;
}

/*
 * mreport_html.c — the monthly report as ONE self-contained HTML file for
 * the meeting (mreport.h; docs/ARCHITECTURE.md §8): inline CSS and inline SVG only, no
 * script, no font, image or style from anywhere else, so it opens offline
 * and prints the same everywhere.  A4 landscape (@page), one section per
 * printed page (break-before), table headers repeated on each page.
 *
 * Charts (each an <svg> with a stable id and class, which the browser test
 * looks for):
 *   #chart-status-section  .chart-stacked   tasks by status per section (stacked bars)
 *   #chart-compliance      .chart-heatmap   agencies x 12 months, on time / late / missing
 *   #chart-indicators      .chart-indicators latest value against the target (marked)
 * Every text from the log or the plan is escaped (td__esc).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "html.h"
#include "mreport.h"

/* Colours of the statuses (index td_status): green done, blue waiting for
 * central, yellow/orange in progress, red late, grey not started. */
static const char *const td__col[TD_STATUS_COUNT] = {
    /* none      done-on-time done-late  ongoing    ongoing-late not-started due-soon   awaiting-review */
    "#ffffff", "#2e7d32",    "#9ccc65", "#4e79a7", "#e53935",    "#bdbdbd",   "#ffb300", "#4fc3f7",
};

/* Chart geometry (CSS pixels; the SVGs scale down to the page width). */
#define TD_H_WIDTH 1000        /* width of every chart */
#define TD_H_LABEL 90          /* label column of the bar charts */
#define TD_H_ROW 24            /* row of the stacked bars */
#define TD_H_HEAT_NAME 330     /* agency names of the heat map */
#define TD_H_HEAT_ROW 15
#define TD_H_IND_ROW 15

static void td__esc(FILE *f, const char *s) { td_html_esc(f, s); }

/* <tag class="cls">escaped text</tag> */
static void td__el(FILE *f, const char *tag, const char *cls, const char *s)
{
    if (cls) fprintf(f, "<%s class=\"%s\">", tag, cls);
    else fprintf(f, "<%s>", tag);
    td__esc(f, s);
    fprintf(f, "</%s>", tag);
}

static void td__td_uint(FILE *f, unsigned long long v) { fprintf(f, "<td class=\"n\">%llu</td>", v); }
/* A task's cell: its number, or "245:18" when the state has more than one plan. */
static void td__td_task(FILE *f, const td_mreport *r, uint32_t key)
{
    char b[48];
    if (td_state_plan_count(r->st) > 1) td__el(f, "td", "n", td_mreport_task_label(r, key, b, sizeof b));
    else td__td_uint(f, key);
}

static void td__td_date(FILE *f, int d)
{
    char b[16];
    td_date_vi(d, b, sizeof b);
    td__el(f, "td", "d", b);
}

static const char td__css[] =
    "@page { size: A4 landscape; margin: 10mm; }\n"
    "* { box-sizing: border-box; }\n"
    "body { font-family: 'DejaVu Sans', 'Noto Sans', 'Liberation Sans', Arial, sans-serif; font-size: 9.5pt;\n"
    "       color: #111; margin: 0 auto; max-width: 277mm; background: #fff; }\n"
    "h1 { font-size: 16pt; margin: 0 0 4px 0; }\n"
    "h2 { font-size: 13pt; margin: 6px 0; border-bottom: 2px solid #1f4e79; color: #1f4e79; }\n"
    "h3 { font-size: 11pt; margin: 8px 0 4px 0; }\n"
    "p.meta { margin: 2px 0; color: #333; }\n"
    "section { break-before: page; page-break-before: always; }\n"
    "section.first { break-before: auto; page-break-before: auto; }\n"
    "table { border-collapse: collapse; width: 100%; margin: 4px 0 8px 0; }\n"
    "thead { display: table-header-group; }\n"
    "tr { break-inside: avoid; page-break-inside: avoid; }\n"
    "th, td { border: 1px solid #9e9e9e; padding: 2px 4px; vertical-align: top; text-align: left; }\n"
    "th { background: #e8eef5; }\n"
    "td.n { text-align: right; white-space: nowrap; }\n"
    "td.d { white-space: nowrap; }\n"
    "td.note { font-size: 8.5pt; color: #333; }\n"
    "span.st { display: inline-block; padding: 0 4px; border-radius: 3px; color: #000; white-space: nowrap; }\n"
    "p.rule { border: 1px solid #1f4e79; padding: 4px 6px; background: #f3f7fb; }\n"
    "svg.chart { display: block; width: 100%; height: auto; margin: 4px 0; }\n"
    "svg.chart text { font-family: 'DejaVu Sans', 'Noto Sans', Arial, sans-serif; }\n"
    ".met { color: #1b5e20; font-weight: bold; }\n"
    ".notmet { color: #b71c1c; font-weight: bold; }\n"
    ".nodata { color: #616161; }\n"
    "@media print { body { max-width: none; } }\n";

static void td__status_span(FILE *f, td_status s)
{
    /* dark backgrounds get white text */
    int dark = s == TD_ST_DONE_ON_TIME || s == TD_ST_ONGOING_LATE || s == TD_ST_ONGOING_ON_TIME;
    fprintf(f, "<span class=\"st st-%s\" style=\"background:%s;%s\">", td_status_name(s), td__col[s],
            dark ? "color:#fff" : "");
    td__esc(f, td_status_vi(s));
    fputs("</span>", f);
}

/* The opening tag of a chart h pixels high: its stable id and class (the
 * browser test finds it by them) and its text for screen readers. */
static void td__svg_open(FILE *f, const char *id, const char *cls, int h, const char *label)
{
    fprintf(f,
            "<svg id=\"%s\" class=\"chart %s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
            "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">\n",
            id, cls, TD_H_WIDTH, h, TD_H_WIDTH, h, label);
}

/* ---- chart 1: status by section, stacked bars ---------------------------------- */

static void td__chart_status(const td_mreport *r, FILE *f)
{
    unsigned max = 1;
    size_t rows = r->n_sections;
    int bar_w = TD_H_WIDTH - TD_H_LABEL - 60;
    int h = (int)rows * TD_H_ROW + 70;
    for (size_t s = 0; s + 1 < rows; s++)
        if (r->sections[s].n_tasks > max) max = r->sections[s].n_tasks;
    td__svg_open(f, "chart-status-section", "chart-stacked", h, "Trạng thái nhiệm vụ theo phần");
    for (size_t s = 0; s < rows; s++) {
        const td_mr_section *sec = &r->sections[s];
        int y = 10 + (int)s * TD_H_ROW;
        double x = TD_H_LABEL;
        /* the total row is scaled to the full width: it is a share, not a count */
        unsigned scale = s + 1 == rows ? (sec->n_tasks ? sec->n_tasks : 1) : max;
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\"%s>", TD_H_LABEL - 8, y + 15,
                s + 1 == rows ? " font-weight=\"bold\"" : "");
        td__esc(f, *sec->code ? sec->code : "Tổng (tỷ lệ)");
        fputs("</text>\n", f);
        for (int i = 0; i < 7; i++) {
            td_status st = td_mreport_status_order[i];
            double w = (double)sec->cur[st] * bar_w / scale;
            if (!sec->cur[st]) continue;
            fprintf(f,
                    "<rect class=\"seg st-%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
                    "stroke=\"#fff\"><title>",
                    td_status_name(st), x, y, w, TD_H_ROW - 6, td__col[st]);
            fprintf(f, "%s — ", *sec->code ? sec->code : "Tổng");
            td__esc(f, td_status_vi(st));
            fprintf(f, ": %u</title></rect>\n", sec->cur[st]);
            if (w >= 16)
                fprintf(f,
                        "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"%s\">%u</text>\n",
                        x + w / 2, y + 13, st == TD_ST_DONE_ON_TIME || st == TD_ST_ONGOING_LATE ||
                                                   st == TD_ST_ONGOING_ON_TIME ? "#fff" : "#000",
                        sec->cur[st]);
            x += w;
        }
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#333\">%u</text>\n", x + 6, y + 14,
                sec->n_tasks);
    }
    /* legend */
    {
        int y = 10 + (int)rows * TD_H_ROW + 14, x = TD_H_LABEL;
        for (int i = 0; i < 7; i++) {
            td_status st = td_mreport_status_order[i];
            fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", x, y, td__col[st]);
            fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">", x + 16, y + 10);
            td__esc(f, td_status_vi(st));
            fputs("</text>\n", f);
            x += (int)td_mreport_width(td_status_vi(st)) * 6 + 34;
            if (x > TD_H_WIDTH - 150 && i < 6) {
                x = TD_H_LABEL;
                y += 18;
            }
        }
    }
    fputs("</svg>\n", f);
}

static void td__summary(const td_mreport *r, FILE *f)
{
    char d1[16], d2[16];
    const td_mr_section *tot = &r->sections[r->n_sections - 1];
    td_date_vi(r->as_of, d1, sizeof d1);
    td_date_vi(r->prev_as_of, d2, sizeof d2);
    fputs("<section id=\"summary\" class=\"first\">\n<h2>1. Tổng hợp nhiệm vụ theo trạng thái</h2>\n", f);
    td__chart_status(r, f);
    fprintf(f, "<table class=\"summary\"><thead><tr><th>Trạng thái</th><th>Ngày %s</th><th>Ngày %s</th>"
               "<th>Tăng/giảm</th></tr></thead><tbody>\n",
            d1, d2);
    for (int i = 0; i < 7; i++) {
        td_status st = td_mreport_status_order[i];
        char c[16];
        fputs("<tr><td>", f);
        td__status_span(f, st);
        fputs("</td>", f);
        td__td_uint(f, tot->cur[st]);
        td__td_uint(f, tot->prev[st]);
        td_mreport_diff((int)tot->cur[st] - (int)tot->prev[st], c, sizeof c);
        td__el(f, "td", "n", c);
        fputs("</tr>\n", f);
    }
    fprintf(f, "<tr><th>Tổng số nhiệm vụ</th><td class=\"n\">%u</td><td class=\"n\">%u</td><td></td></tr>\n",
            tot->n_tasks, tot->n_tasks);
    fputs("</tbody></table>\n<h3>Theo phần (kỳ này / tăng, giảm so với kỳ trước)</h3>\n<table class=\"sections\">"
          "<thead><tr><th>Phần</th><th>Tên phần</th><th>Số NV</th>",
          f);
    for (int i = 0; i < 7; i++) td__el(f, "th", NULL, td_status_vi(td_mreport_status_order[i]));
    fputs("</tr></thead><tbody>\n", f);
    for (size_t s = 0; s < r->n_sections; s++) {
        const td_mr_section *sec = &r->sections[s];
        fputs("<tr>", f);
        td__el(f, "td", NULL, *sec->code ? sec->code : "Tổng");
        td__el(f, "td", "note", sec->title);
        td__td_uint(f, sec->n_tasks);
        for (int i = 0; i < 7; i++) {
            td_status st = td_mreport_status_order[i];
            char c[16];
            td_mreport_diff((int)sec->cur[st] - (int)sec->prev[st], c, sizeof c);
            fprintf(f, "<td class=\"n\">%u <small>(%s)</small></td>", sec->cur[st], c);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n</section>\n", f);
}

/* ---- tasks ------------------------------------------------------------------------ */

static void td__tasks(const td_mreport *r, FILE *f)
{
    fputs("<section id=\"tasks\">\n<h2>2. Tình hình thực hiện từng nhiệm vụ</h2>\n"
          "<table class=\"tasks\"><colgroup><col style=\"width:3%\"><col style=\"width:27%\">"
          "<col style=\"width:19%\"><col style=\"width:8%\"><col style=\"width:4%\"><col style=\"width:27%\">"
          "<col style=\"width:6%\"><col style=\"width:6%\"></colgroup><thead><tr><th>TT</th><th>Nhiệm vụ</th><th>Cơ quan chủ trì: trạng thái</th>"
          "<th>Thời hạn</th><th>%</th><th>Kết quả / khó khăn / kiến nghị</th><th>BC gần nhất</th>"
          "<th>Thẩm định</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < r->n_tasks; i++) {
        const td_mr_task *t = &r->tasks[i];
        {
            char b[48];
            fprintf(f, "<tr id=\"task-%u\"><td class=\"n\">%s</td><td>", t->ts->task,
                    td_mreport_task_label(r, t->ts->task, b, sizeof b));
        }
        td__esc(f, t->task ? t->task->title : "");
        fputs("<br>", f);
        td__status_span(f, t->ts->overall);
        fputs("</td><td>", f);
        for (size_t k = 0; k < t->ts->n_leads; k++) {
            const td_mr_lead *l = &t->leads[k];
            char pc[16];
            if (k) fputs("<br>", f);
            td__esc(f, l->name);
            snprintf(pc, sizeof pc, " (%u%%)", l->ls->report_index ? l->ls->percent : 0);
            fputs(": ", f);
            td__status_span(f, l->ls->status);
            td__esc(f, pc);
        }
        if (!t->ts->n_leads && t->task) td__esc(f, t->task->lead_text);
        fputs("</td>", f);
        td__el(f, "td", "note", t->task ? t->task->deadline.text : "");
        fprintf(f, "<td class=\"n\">%u</td><td class=\"note\">", t->percent);
        if (t->text_missing) {
            fprintf(f, "(nội dung ở bản ghi số %llu)", (unsigned long long)t->text_index);
        } else {
            if (*t->result) fputs("<b>Kết quả:</b> ", f), td__esc(f, t->result);
            if (*t->difficulties) fputs("<br><b>Khó khăn:</b> ", f), td__esc(f, t->difficulties);
            if (*t->proposals) fputs("<br><b>Kiến nghị:</b> ", f), td__esc(f, t->proposals);
        }
        fputs("</td>", f);
        td__td_date(f, t->ts->last_report_date);
        fputs("<td>", f);
        td__esc(f, td_review_state_vi(t->review));
        for (size_t k = 0; k < t->ts->n_leads; k++)
            if (t->leads[k].review == TD_RV_RETURNED && *t->leads[k].review_comment) {
                fputs("<br><small>", f);
                td__esc(f, t->leads[k].review_comment);
                fputs("</small>", f);
            }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n</section>\n", f);
}

/* ---- agencies, ranking, heat map ---------------------------------------------- */

static void td__heat_cell(FILE *f, const td_mr_owed *o, int x, int y, int w, int open)
{
    const char *fill, *fg = "#000";
    if (!o->owed) fill = "#eeeeee";
    else if (o->missing && open && !o->late) {
        /* before the due day a report not yet sent is not missing */
        fprintf(f,
                "<rect class=\"cell open\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#e3f2fd\" "
                "stroke=\"#fff\"><title>chưa đến hạn: đúng hạn %u / %u</title></rect>"
                "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\">chưa đến hạn</text>\n",
                x, y, w, TD_H_HEAT_ROW, o->on_time, o->owed, x + w / 2, y + 11);
        return;
    } else if (o->missing) {
        double share = (double)o->missing / o->owed;
        fill = share > 0.5 ? "#c62828" : share > 0.25 ? "#e53935" : "#ef9a9a";
        if (share > 0.25) fg = "#fff";
    } else if (o->late) fill = "#ffb300";
    else {
        fill = "#2e7d32";
        fg = "#fff";
    }
    fprintf(f,
            "<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#fff\">"
            "<title>đúng hạn %u, muộn %u, thiếu %u / %u</title></rect>",
            x, y, w, TD_H_HEAT_ROW, fill, o->on_time, o->late, o->missing, o->owed);
    if (o->owed)
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\" fill=\"%s\">%u/%u</text>",
                x + w / 2, y + 11, fg, o->on_time, o->owed);
    fputc('\n', f);
}

static void td__chart_heat(const td_mreport *r, FILE *f)
{
    int cw = (TD_H_WIDTH - TD_H_HEAT_NAME - 10) / TD_MREPORT_MONTHS;
    int h = 30 + (int)r->n_agencies * TD_H_HEAT_ROW + 40;
    td__svg_open(f, "chart-compliance", "chart-heatmap", h, "Tuân thủ báo cáo theo cơ quan và tháng");
    for (int m = 0; m < TD_MREPORT_MONTHS; m++) {
        char pv[16];
        td_mreport_period_vi(r->periods[m], pv, sizeof pv);
        fprintf(f, "<text x=\"%d\" y=\"20\" font-size=\"10\" text-anchor=\"middle\">%s</text>\n",
                TD_H_HEAT_NAME + m * cw + cw / 2, pv);
    }
    for (size_t i = 0; i < r->n_agencies; i++) {
        const td_mr_agency *a = &r->agencies[i];
        int y = 28 + (int)i * TD_H_HEAT_ROW;
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">", TD_H_HEAT_NAME - 6, y + 11);
        td__esc(f, a->name);
        fputs("</text>\n", f);
        for (int m = 0; m < TD_MREPORT_MONTHS; m++)
            td__heat_cell(f, &a->months[m], TD_H_HEAT_NAME + m * cw, y, cw,
                          r->as_of < td_period_due(r->periods[m], r->opts.status.report_due_day));
    }
    {
        static const struct {
            const char *fill, *label;
        } lg[] = {{"#2e7d32", "Đủ, đúng hạn"},
                  {"#ffb300", "Có báo cáo muộn"},
                  {"#ef9a9a", "Thiếu ≤ 25%"},
                  {"#e53935", "Thiếu ≤ 50%"},
                  {"#c62828", "Thiếu > 50%"},
                  {"#eeeeee", "Không phải nộp"}};
        int y = 28 + (int)r->n_agencies * TD_H_HEAT_ROW + 12, x = TD_H_HEAT_NAME;
        for (size_t k = 0; k < sizeof lg / sizeof lg[0]; k++) {
            fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\" stroke=\"#999\"/>", x, y,
                    lg[k].fill);
            fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\">", x + 16, y + 10);
            td__esc(f, lg[k].label);
            fputs("</text>\n", f);
            x += 112;
        }
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\">Số trong ô: đúng hạn / phải nộp</text>\n", 0, y + 10);
    }
    fputs("</svg>\n", f);
}

static void td__agencies(const td_mreport *r, FILE *f)
{
    char pv[16], d[16], ad[16];
    td_mreport_period_vi(r->period, pv, sizeof pv);
    td_date_vi(r->due_date, d, sizeof d);
    td_date_vi(r->as_of, ad, sizeof ad);
    fprintf(f, "<section id=\"agencies\">\n<h2>3. Báo cáo của các cơ quan kỳ %s (hạn %s) — xếp hạng thi đua</h2>\n",
            pv, d);
    fputs("<p class=\"rule\" id=\"rank-rule\">", f);
    td__esc(f, TD_MREPORT_RANK_RULE);
    if (r->as_of < r->due_date) {
        char msg[512];
        snprintf(msg, sizeof msg, TD_MREPORT_OPEN_VI, ad, d);
        fputs("</p>\n<p class=\"open-period\">", f);
        td__esc(f, msg);
    }
    fputs("</p>\n<table class=\"ranking\"><thead><tr><th>Hạng</th><th>Cơ quan</th><th>Phải nộp</th><th>Đúng hạn"
          "</th><th>Muộn</th><th>Thiếu</th><th>Bị trả lại</th><th>Tỷ lệ đúng hạn</th></tr></thead><tbody>\n",
          f);
    for (size_t k = 0; k < r->n_ranked; k++) {
        const td_mr_agency *a = &r->agencies[r->ranking[k]];
        char pc[32];
        fputs("<tr>", f);
        td__td_uint(f, a->rank);
        td__el(f, "td", NULL, a->name);
        td__td_uint(f, a->now.owed);
        td__td_uint(f, a->now.on_time);
        td__td_uint(f, a->now.late);
        td__td_uint(f, a->now.missing);
        td__td_uint(f, a->now.returned);
        snprintf(pc, sizeof pc, "%.1f%%", 100.0 * a->now.on_time / a->now.owed);
        for (char *p = pc; *p; p++)
            if (*p == '.') *p = ',';
        td__el(f, "td", "n", pc);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    {
        int any = 0;
        for (size_t i = 0; i < r->n_agencies; i++)
            if (!r->agencies[i].now.owed) {
                fputs(any ? "; " : "<p>Không có nghĩa vụ báo cáo kỳ này: ", f);
                td__esc(f, r->agencies[i].name);
                any = 1;
            }
        if (any) fputs(".</p>\n", f);
    }
    fprintf(f, "<h3>Tuân thủ báo cáo %d tháng gần nhất (đánh giá ngày %s)</h3>\n", TD_MREPORT_MONTHS, ad);
    td__chart_heat(r, f);
    fputs("</section>\n", f);
}

/* ---- lists ------------------------------------------------------------------------ */

static void td__items(const td_mreport *r, FILE *f)
{
    static const char *const titles[3] = {"4a. Nhiệm vụ quá hạn", "4b. Nhiệm vụ sắp đến hạn",
                                          "4c. Báo cáo bị trả lại, chờ chỉnh sửa"};
    static const char *const ids[3] = {"overdue", "due-soon", "returned"};
    const td_mr_item *lists[3] = {r->overdue, r->due_soon, r->returned};
    size_t ns[3] = {r->n_overdue, r->n_due_soon, r->n_returned};
    fputs("<section id=\"lists\">\n<h2>4. Nhiệm vụ cần đôn đốc</h2>\n", f);
    for (int k = 0; k < 3; k++) {
        fprintf(f, "<h3>%s (%zu)</h3>\n", titles[k], ns[k]);
        if (!ns[k]) {
            fputs("<p>(không có)</p>\n", f);
            continue;
        }
        fprintf(f, "<table id=\"list-%s\"><thead><tr><th>TT</th><th>Nhiệm vụ</th><th>Cơ quan chủ trì</th>"
                   "<th>Thời hạn</th><th>Hạn tính</th><th>%s</th></tr></thead><tbody>\n",
                ids[k], k == 2 ? "Ngày trả lại — lý do" : "Trạng thái");
        for (size_t i = 0; i < ns[k]; i++) {
            const td_mr_item *it = &lists[k][i];
            size_t j = i + 1, silent = 0;
            while (j < ns[k] && lists[k][j].t == it->t) j++;
            if (k != 2 && j - i > 1 && td_mreport_task_group_led(it->t)) {
                /* a group-led task once, with the agencies behind it */
                fputs("<tr class=\"group\">", f);
                td__td_task(f, r, it->t->ts->task);
                td__el(f, "td", "note", it->t->task->title);
                fputs("<td>", f);
                td__esc(f, it->t->task->lead_text);
                fprintf(f, ": %zu cơ quan<br><span class=\"note\">", j - i);
                for (size_t q = i; q < j; q++) {
                    if (q > i) fputs("; ", f);
                    td__esc(f, lists[k][q].l->name);
                    silent += !lists[k][q].l->ls->last_report_date;
                }
                fputs("</span></td>", f);
                td__el(f, "td", "note", it->t->task->deadline.text);
                td__td_date(f, it->l->ls->due_date);
                if (k == 0) fprintf(f, "<td>%zu chưa báo cáo, %zu có báo cáo</td></tr>\n", silent, j - i - silent);
                else fprintf(f, "<td>%zu cơ quan</td></tr>\n", j - i);
                i = j - 1;
                continue;
            }
            fputs("<tr>", f);
            td__td_task(f, r, it->t->ts->task);
            td__el(f, "td", "note", it->t->task ? it->t->task->title : "");
            td__el(f, "td", NULL, it->l->name);
            td__el(f, "td", "note", it->t->task ? it->t->task->deadline.text : "");
            td__td_date(f, it->l->ls->due_date);
            fputs("<td>", f);
            if (k == 2) {
                char rd[16];
                td_date_vi(it->l->review_date, rd, sizeof rd);
                td__esc(f, rd);
                fputs(" — ", f);
                td__esc(f, it->l->review_comment);
            } else {
                td__status_span(f, it->l->ls->status);
                if (k == 0) fputs(it->l->ls->last_report_date ? " (" TD_MREPORT_REPORTED_LATE_VI ")"
                                                                : " (" TD_MREPORT_SILENT_VI ")", f);
                else if (it->l->ls->no_report) fputs(" (chưa có báo cáo)", f);
            }
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }
    fputs("</section>\n", f);
}

/* ---- indicators ----------------------------------------------------------------- */

static void td__chart_indicators(const td_mreport *r, FILE *f)
{
    size_t rows = 0, empty = 0;
    int x0 = TD_H_LABEL + 150, bw = TD_H_WIDTH - x0 - 170, h, y;
    /* only indicators with a value are drawn; those without data are one
     * line under the chart, not rows of empty bars */
    for (size_t i = 0; i < r->n_indicators; i++) {
        const td_mr_indicator *mi = &r->indicators[i];
        td_target_kind k = mi->ind->target.kind;
        if (k != TD_TARGET_VALUE && k != TD_TARGET_RANGE) continue;
        if (mi->v && mi->v->has_value) rows++;
        else empty++;
    }
    h = 30 + (int)rows * TD_H_IND_ROW + 30;
    td__svg_open(f, "chart-indicators", "chart-indicators", h, "Chỉ tiêu so với mục tiêu");
    fprintf(f, "<text x=\"%d\" y=\"14\" font-size=\"10\">Giá trị mới nhất (thanh) so với mục tiêu (vạch đen; "
               "khoảng mục tiêu: vùng xanh nhạt), mỗi chỉ tiêu theo thang riêng</text>\n",
            x0);
    y = 24;
    for (size_t i = 0; i < r->n_indicators; i++) {
        const td_mr_indicator *mi = &r->indicators[i];
        const td_target *t = &mi->ind->target;
        double top, ref;
        char a[256];
        if (t->kind != TD_TARGET_VALUE && t->kind != TD_TARGET_RANGE) continue;
        if (!mi->v || !mi->v->has_value) continue;
        ref = t->kind == TD_TARGET_RANGE ? t->hi : t->lo;
        top = fabs(ref) * 1.25;
        if (mi->v && mi->v->has_value && fabs(mi->v->value) * 1.05 > top) top = fabs(mi->v->value) * 1.05;
        if (top <= 0) top = 1;
        fprintf(f, "<g class=\"ind ind-%s\">", td_iverdict_name(mi->verdict));
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">", x0 - 6, y + 11);
        td__esc(f, mi->ind->code);
        fputs(" ", f);
        {
            /* a short name: the chart is a picture, the table below has the full text */
            char *s = td_plan_short(mi->ind->name ? mi->ind->name : "", 30);
            td__esc(f, s ? s : "");
            free(s);
        }
        fputs("</text>", f);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f5f5f5\"/>", x0, y + 1, bw,
                TD_H_IND_ROW - 3);
        if (t->kind == TD_TARGET_RANGE) {
            double lo = t->lo / top * bw, hi = t->hi / top * bw;
            if (lo < 0) lo = 0;
            fprintf(f, "<rect class=\"target-band\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#c8e6c9\"/>",
                    x0 + lo, y + 1, hi - lo > 1 ? hi - lo : 1, TD_H_IND_ROW - 3);
        }
        if (mi->v && mi->v->has_value) {
            double w = mi->v->value / top * bw;
            if (w < 0) w = 0;
            if (w > bw) w = bw;
            fprintf(f, "<rect class=\"value\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", x0, y + 3,
                    w, TD_H_IND_ROW - 7, mi->verdict == TD_IV_MET ? "#43a047" : "#e53935");
        }
        {
            double tx = x0 + (t->kind == TD_TARGET_RANGE ? t->hi : t->lo) / top * bw;
            if (t->kind != TD_TARGET_RANGE)
                fprintf(f, "<line class=\"target\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" "
                           "stroke-width=\"2\"/>",
                        tx, y, tx, y + TD_H_IND_ROW - 1);
        }
        td_mreport_value_vi(mi, a, sizeof a);
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\">", x0 + bw + 6, y + 11);
        if (mi->v && mi->v->has_value) {
            char tg[128];
            char *v = td_plan_short(a, 14);
            td_target_vi(t, tg, sizeof tg);
            td__esc(f, v ? v : "");
            free(v);
            fputs(" / ", f);
            td__esc(f, tg);
        } else {
            td__esc(f, td_iverdict_vi(mi->verdict));
        }
        fputs("</text></g>\n", f);
        y += TD_H_IND_ROW;
    }
    fputs("</svg>\n", f);
    if (empty) {
        size_t k = 0;
        fprintf(f, "<p class=\"ind-no-data\">Chưa có số liệu: <b>%zu</b> chỉ tiêu định lượng (mã ", empty);
        for (size_t i = 0; i < r->n_indicators; i++) {
            const td_mr_indicator *mi = &r->indicators[i];
            td_target_kind kd = mi->ind->target.kind;
            if ((kd != TD_TARGET_VALUE && kd != TD_TARGET_RANGE) || (mi->v && mi->v->has_value)) continue;
            if (k++) fputs(", ", f);
            td__esc(f, mi->ind->code);
        }
        fputs(").</p>\n", f);
    }
}

static void td__indicators(const td_mreport *r, FILE *f)
{
    fputs("<section id=\"indicators\">\n<h2>5. Chỉ tiêu: giá trị mới nhất so với mục tiêu</h2>\n", f);
    fprintf(f, "<p>Đạt: <b>%u</b>; Chưa đạt: <b>%u</b>; Chưa có số liệu: <b>%u</b>; Chờ đánh giá (chỉ tiêu định "
               "tính): <b>%u</b>. Chỉ tiêu định tính: kết luận do Sở KH&amp;CN ghi (giá trị 1 = Đạt, 0 = Chưa "
               "đạt).</p>\n",
            r->ind_count[TD_IV_MET], r->ind_count[TD_IV_NOT_MET], r->ind_count[TD_IV_NO_DATA],
            r->ind_count[TD_IV_TO_ASSESS]);
    td__chart_indicators(r, f);
    fputs("<table class=\"indicators\"><thead><tr><th>Mã</th><th>Chỉ tiêu</th><th>Đơn vị</th><th>Mục tiêu</th>"
          "<th>Giá trị mới nhất</th><th>Kỳ</th><th>Đánh giá</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < r->n_indicators; i++) {
        const td_mr_indicator *mi = &r->indicators[i];
        char a[512], pv[16];
        fputs("<tr>", f);
        td__el(f, "td", NULL, mi->ind->code);
        td__el(f, "td", "note", mi->ind->name ? mi->ind->name : "");
        td__el(f, "td", NULL, mi->ind->unit ? mi->ind->unit : "");
        td_target_vi(&mi->ind->target, a, sizeof a);
        td__el(f, "td", NULL, a);
        td_mreport_value_vi(mi, a, sizeof a);
        td__el(f, "td", NULL, a);
        td_mreport_period_vi(mi->v ? mi->v->period : "", pv, sizeof pv);
        td__el(f, "td", "d", pv);
        td__el(f, "td",
               mi->verdict == TD_IV_MET ? "met" : mi->verdict == TD_IV_NOT_MET ? "notmet" : "nodata",
               td_iverdict_vi(mi->verdict));
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n</section>\n", f);
}

static void td__flagged(const td_mreport *r, FILE *f)
{
    fputs("<section id=\"flagged\">\n<h2>6. Báo cáo có thời gian ký bất thường (cần người kiểm tra)</h2>\n", f);
    if (!r->n_flagged) {
        fputs("<p>(không có)</p>\n</section>\n", f);
        return;
    }
    fputs("<table class=\"flagged\"><thead><tr><th>Bản ghi số</th><th>TT</th><th>Cơ quan</th><th>Kỳ</th>"
          "<th>Giờ ký</th><th>Giờ máy chủ nhận</th><th>Cảnh báo</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < r->n_flagged; i++) {
        const td_report *rep = r->flagged[i].r;
        char a[512];
        fputs("<tr>", f);
        td__td_uint(f, rep->index);
        td__td_task(f, r, rep->task);
        td__el(f, "td", NULL, td_mreport_agency_name(r, rep->agency));
        td_mreport_period_vi(rep->period, a, sizeof a);
        td__el(f, "td", "d", a);
        td_mreport_time_vi(rep->device_time_ms, a, sizeof a);
        td__el(f, "td", "d", a);
        td_mreport_time_vi(rep->received_ms, a, sizeof a);
        td__el(f, "td", "d", a);
        td_time_flags_vi(rep->time_flags, a, sizeof a);
        td__el(f, "td", "note", a);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n</section>\n", f);
}

static const td_mreport_sections td__sections = {td__summary,    td__tasks,      td__agencies,
                                                   td__items,      td__indicators, td__flagged};

int td_mreport_html(const td_mreport *r, FILE *f)
{
    td_mreport_head h;
    td_mreport_head_of(r, &h);
    fputs("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    td__esc(f, h.title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1 id=\"report-title\">", td__css);
    td__esc(f, h.title);
    fputs("</h1>\n<p class=\"meta\">", f);
    if (r->plan->title && *r->plan->title) td__esc(f, r->plan->title);
    fprintf(f, "</p>\n<p class=\"meta\">Số liệu đến hết ngày <b>%s</b> (so sánh với ngày %s); hạn báo cáo của kỳ: "
               "%s; tổng hợp từ sổ nhật ký đến bản ghi số %llu.</p>\n</header>\n",
            h.as_of, h.prev_as_of, h.due, (unsigned long long)r->last_index);
    td_mreport_write_sections(r, f, &td__sections);
    fputs("</body>\n</html>\n", f);
    return ferror(f) ? TD_EIO : 0;
}

/* plan_text.c — see plan_text.h. */
#include "plan_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grow.h"
#include "utf8.h"

#define TD__TASK_COLS 6
#define TD__IND_COLS 5
#define TD__MAX_COLS 6

enum { ROW_SECTION = 1, ROW_ITEM = 2 };

typedef struct {
    int kind;
    int line;
    char *code;                   /* section numeral or row number, as read */
    char *cells[TD__MAX_COLS];    /* raw cells; [0] unused for items */
} td__row;

typedef struct {
    td__row *v;
    size_t n;
} td__rows;

static void td__rows_free(td__rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].code);
        for (int k = 0; k < TD__MAX_COLS; k++) free(r->v[i].cells[k]);
    }
    free(r->v);
    r->v = NULL;
    r->n = 0;
}

/* One line of the input, without its terminator. */
typedef struct {
    const char *p;
    size_t n;
} td__line;

/*
 * Read a section TT cell: "VI", "V I" (OCR), or "II Đến năm 2045" (numeral
 * and title merged).  Returns 1 and sets *code (malloc'd) and *title_rest
 * (malloc'd, maybe "") if it is one.  -1 on OOM.
 */
static int td__section_cell(const char *cell, char **code, char **rest)
{
    char buf[32];
    size_t o = 0, i = 0, n = strlen(cell);
    *code = *rest = NULL;
    /* all roman letters and blanks: one numeral, OCR blanks removed */
    for (i = 0; i < n; i++) {
        if (cell[i] == ' ') continue;
        if (!strchr("IVXLCDM", cell[i]) || o + 1 >= sizeof buf) break;
        buf[o++] = cell[i];
    }
    buf[o] = '\0';
    if (i == n && o && td_plan_roman(buf)) {
        if (!(*code = strdup(buf)) || !(*rest = strdup(""))) goto oom;
        return 1;
    }
    /* numeral, blank, then words */
    for (i = 0, o = 0; i < n && cell[i] != ' ' && o + 1 < sizeof buf; i++) buf[o++] = cell[i];
    buf[o] = '\0';
    if (i < n && cell[i] == ' ' && td_plan_roman(buf)) {
        if (!(*code = strdup(buf)) || !(*rest = strdup(cell + i + 1))) goto oom;
        td_trim(*rest);
        return 1;
    }
    return 0;
oom:
    free(*code);
    free(*rest);
    *code = *rest = NULL;
    return -1;
}

/* "12", "12." (tasks); "7", "7.1" (indicators).  1 if it is a row number. */
static int td__row_number(const char *cell, int dotted)
{
    size_t i = 0, digits = 0;
    if (!*cell) return 0;
    for (;;) {
        size_t d = 0;
        while (cell[i] >= '0' && cell[i] <= '9') i++, d++;
        if (!d || d > 5) return 0;
        digits++;
        if (cell[i] == '\0') return 1;
        if (cell[i] != '.') return 0;
        i++;
        if (cell[i] == '\0') return 1;   /* "12." */
        if (!dotted || digits >= 3) return 0;
    }
}

static int td__is_header(char **cells, int ncells)
{
    return ncells >= 2 && !strcmp(cells[0], "TT") &&
           (!strncmp(cells[1], "Tên nhiệm vụ", strlen("Tên nhiệm vụ")) ||
            !strncmp(cells[1], "Chỉ tiêu", strlen("Chỉ tiêu")));
}

/* Append text to *cell with one blank between. */
static int td__append(char **cell, const char *text, size_t max)
{
    size_t a = *cell ? strlen(*cell) : 0, b = strlen(text);
    char *v;
    if (!b) return 0;
    if (a + b + 2 > max) return TD_ETOOBIG;
    if (!(v = realloc(*cell, a + b + 2))) return TD_ENOMEM;
    if (a) v[a++] = ' ';
    memcpy(v + a, text, b + 1);
    *cell = v;
    return 0;
}

/*
 * Collect the rows of one appendix table: lines [from, to).  ncols is the
 * table's width; dotted allows "7.1" row numbers.
 */
static int td__table(const td__line *lines, size_t from, size_t to, int ncols, int dotted, const char *name,
                     td__rows *rows, td_error *err)
{
    int seen_header = 0;
    char *cells[TD__MAX_COLS + 1];
    int rc = 0;

    for (size_t li = from; li < to; li++) {
        const td__line *L = &lines[li];
        int lineno = (int)li + 1, nc = 0, all_empty = 1;
        char *line;
        const char *p;

        if (!(line = td_strndup(L->p, L->n))) return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
        if (!memchr(line, '\t', L->n)) {
            /* no tab: blank lines, titles above the table, page furniture */
            td_trim(line);
            if (*line && seen_header) {
                rc = td_error_set(err, TD_EPARSE, "%s:%d: cần một dòng của bảng (các ô cách nhau bằng dấu tab)", name,
                                  lineno);
                free(line);
                return rc;
            }
            free(line);
            continue;
        }
        memset(cells, 0, sizeof cells);
        p = line;
        for (;;) {
            const char *tab = strchr(p, '\t');
            size_t len = tab ? (size_t)(tab - p) : strlen(p);
            if (nc < TD__MAX_COLS + 1) {
                if (!(cells[nc] = td_text_clean_n(p, len))) {
                    rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
                    goto row_done;
                }
                if (*cells[nc]) all_empty = 0;
                nc++;
            } else {
                char *extra = td_strndup(p, len);
                if (!extra) {
                    rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
                    goto row_done;
                }
                td_trim(extra);
                if (*extra) {
                    free(extra);
                    rc = td_error_set(err, TD_EPARSE, "%s:%d: một dòng có quá %d ô", name, lineno, ncols);
                    goto row_done;
                }
                free(extra);
            }
            if (!tab) break;
            p = tab + 1;
        }
        /* trailing empty cells beyond the table's width are harmless */
        while (nc > ncols && !*cells[nc - 1]) {
            free(cells[--nc]);
            cells[nc] = NULL;
        }
        if (nc > ncols) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: dòng có %d ô, bảng có %d cột", name, lineno,
                              nc, ncols);
            goto row_done;
        }
        if (all_empty) goto row_done;
        if (td__is_header(cells, nc)) {
            seen_header = 1;
            goto row_done;
        }
        if (!seen_header) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: dòng của bảng đứng trước dòng tiêu đề cột (TT ...)", name, lineno);
            goto row_done;
        }
        if (!*cells[0]) {
            /* continuation: completes the cells of the row above */
            td__row *prev;
            if (!rows->n) {
                rc = td_error_set(err, TD_EPARSE, "%s:%d: dòng viết tiếp nhưng không có dòng nào ở trên", name, lineno);
                goto row_done;
            }
            prev = &rows->v[rows->n - 1];
            for (int k = 1; k < nc; k++) {
                if ((rc = td__append(&prev->cells[k], cells[k], TD_PLAN_CELL_MAX))) {
                    char lim[TD_MSG_NUM_MAX];
                    rc = rc == TD_ENOMEM ? td_error_set(err, rc, TD_MSG_NOMEM)
                                         : td_error_set(err, rc, "%s:%d: ô %d dài quá giới hạn %s byte", name, lineno,
                                                        k + 1, td_msg_num(lim, TD_PLAN_CELL_MAX));
                    goto row_done;
                }
            }
            goto row_done;
        }
        {
            td__row r = {0};
            char *code = NULL, *rest = NULL;
            int sec = td__section_cell(cells[0], &code, &rest);
            if (sec < 0) {
                rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
                goto row_done;
            }
            r.line = lineno;
            if (sec) {
                r.kind = ROW_SECTION;
                r.code = code;
                /* title: merged into the TT cell, or in the next cell */
                if (*rest) {
                    if (nc > 1 && *cells[1]) td__append(&rest, cells[1], TD_PLAN_CELL_MAX);
                    r.cells[1] = rest;
                } else {
                    free(rest);
                    r.cells[1] = nc > 1 ? cells[1] : NULL;
                    if (nc > 1) cells[1] = NULL;
                }
                for (int k = 2; k < nc; k++)
                    if (*cells[k]) {
                        rc = td_error_set(err, TD_EPARSE, "%s:%d: dòng của mục %s có chữ ở cột %d", name,
                                          lineno, code, k + 1);
                        free(r.code);
                        free(r.cells[1]);
                        goto row_done;
                    }
            } else if (td__row_number(cells[0], dotted)) {
                r.kind = ROW_ITEM;
                r.code = cells[0];
                cells[0] = NULL;
                for (int k = 1; k < nc; k++) {
                    r.cells[k] = cells[k];
                    cells[k] = NULL;
                }
            } else {
                rc = td_error_set(err, TD_EPARSE, "%s:%d: không đọc được số thứ tự dòng \"%.40s\"", name, lineno,
                                  cells[0]);
                goto row_done;
            }
            if (rows->n >= TD_PLAN_TASKS_MAX + TD_PLAN_SECTIONS_MAX) {
                rc = td_error_set(err, TD_ETOOBIG, "%s:%d: quá nhiều dòng", name, lineno);
            } else if (TD_GROW_ONE(rows->v, rows->n)) {
                rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            } else {
                rows->v[rows->n++] = r;
                memset(&r, 0, sizeof r);
            }
            free(r.code);
            for (int k = 0; k < TD__MAX_COLS; k++) free(r.cells[k]);
        }
    row_done:
        for (int k = 0; k < TD__MAX_COLS + 1; k++) free(cells[k]);
        free(line);
        if (rc) return rc;
    }
    return 0;
}

/* Take a cell (ownership), never NULL: "" for an absent cell.  NULL on OOM. */
static char *td__take(char **cell)
{
    char *c = *cell ? *cell : strdup("");
    *cell = NULL;
    return c;
}

static int td__tasks(td__rows *rows, const char *name, td_plan *plan, td_error *err)
{
    const char *section = NULL;
    int rc;
    for (size_t i = 0; i < rows->n; i++) {
        td__row *r = &rows->v[i];
        if (r->kind == ROW_SECTION) {
            td_section s = {0};
            s.code = td__take(&r->code);
            s.title = td__take(&r->cells[1]);
            s.line = r->line;
            if (!s.code || !s.title) {
                free(s.code);
                free(s.title);
                return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            }
            if ((rc = td_plan_add_section(plan, &s, err)))
                return td_error_prefix(err, rc == TD_EEXISTS ? TD_EPARSE : rc, "%s:%d: ", name, r->line);
            section = plan->sections[plan->n_sections - 1].code;
            continue;
        }
        {
            td_task t = {0};
            td_error e2 = {0};
            t.number = atoi(r->code);
            t.line = r->line;
            if (!section) return td_error_set(err, TD_EPARSE, "%s:%d: nhiệm vụ %d đứng trước mọi mục", name, r->line, t.number);
            t.section = strdup(section);
            t.title = td__take(&r->cells[1]);
            t.lead_text = td__take(&r->cells[2]);
            t.partner_text = td__take(&r->cells[3]);
            t.product = td__take(&r->cells[4]);
            if (!t.section || !t.title || !t.lead_text || !t.partner_text || !t.product) {
                td_task_free(&t);
                return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            }
            if (!*t.title) {
                td_task_free(&t);
                return td_error_set(err, TD_EPARSE, "%s:%d: nhiệm vụ %d không có tên", name, r->line, t.number);
            }
            if ((rc = td_deadline_parse(r->cells[5] ? r->cells[5] : "", &t.deadline, &e2))) {
                int num = t.number;
                td_task_free(&t);
                return td_error_set(err, rc, "%s:%d: nhiệm vụ %d: %s", name, r->line, num, e2.msg);
            }
            if ((rc = td_plan_add_task(plan, &t, &e2))) {
                if (err) *err = e2;
                return td_error_prefix(err, rc == TD_EEXISTS ? TD_EPARSE : rc, "%s:%d: ", name, r->line);
            }
        }
    }
    return 0;
}

/* The horizon year named in an indicator section title ("Đến năm 2030"). */
static int td__horizon(const char *title)
{
    for (const char *p = title; *p; p++)
        if (p[0] == '2' && p[1] == '0' && p[2] >= '0' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9' &&
            !(p[4] >= '0' && p[4] <= '9') && (p == title || !(p[-1] >= '0' && p[-1] <= '9')))
            return atoi(p);
    return 0;
}

static int td__indicators(td__rows *rows, const char *name, td_plan *plan, td_error *err)
{
    int horizon = 0, nsec = 0, rc;
    char prefix[40] = "";
    for (size_t i = 0; i < rows->n; i++) {
        td__row *r = &rows->v[i];
        if (r->kind == ROW_SECTION) {
            horizon = td__horizon(r->cells[1] ? r->cells[1] : "");
            if (!horizon)
                return td_error_set(err, TD_EPARSE, "%s:%d: nhóm chỉ tiêu %s không ghi năm (\"Đến năm 2030\")",
                                    name, r->line, r->code);
            /* codes of the first section stay plain ("7.1"); later ones carry the section ("II.3") */
            if (nsec++ == 0) prefix[0] = '\0';
            else snprintf(prefix, sizeof prefix, "%.30s.", r->code);
            continue;
        }
        {
            td_indicator ind = {0};
            td_error e2 = {0};
            size_t cl = strlen(r->code);
            if (!horizon)
                return td_error_set(err, TD_EPARSE, "%s:%d: chỉ tiêu %s đứng trước mọi nhóm", name, r->line, r->code);
            if (cl && r->code[cl - 1] == '.') r->code[cl - 1] = '\0';   /* "7." == "7" */
            if (!(ind.code = malloc(strlen(prefix) + strlen(r->code) + 1)))
                return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            strcpy(ind.code, prefix);
            strcat(ind.code, r->code);
            ind.horizon = horizon;
            ind.line = r->line;
            ind.name = td__take(&r->cells[1]);
            ind.unit = td__take(&r->cells[2]);
            ind.monitor_text = td__take(&r->cells[4]);
            if (!ind.name || !ind.unit || !ind.monitor_text) {
                td_indicator_free(&ind);
                return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            }
            if ((rc = td_target_parse(r->cells[3] ? r->cells[3] : "", &ind.target, &e2))) {
                rc = td_error_set(err, rc, "%s:%d: chỉ tiêu %s: %s", name, r->line, ind.code, e2.msg);
                td_indicator_free(&ind);
                return rc;
            }
            if ((rc = td_plan_add_indicator(plan, &ind, &e2))) {
                if (err) *err = e2;
                return td_error_prefix(err, rc == TD_EEXISTS ? TD_EPARSE : rc, "%s:%d: ", name, r->line);
            }
        }
    }
    td_plan_mark_headings(plan);
    return 0;
}

/* Line text trimmed, compared with a literal. */
static int td__line_is(const td__line *L, const char *lit)
{
    size_t b = 0, e = L->n, n = strlen(lit);
    while (b < e && (L->p[b] == ' ' || L->p[b] == '\t')) b++;
    while (e > b && (L->p[e - 1] == ' ' || L->p[e - 1] == '\t')) e--;
    return e - b == n && !strncasecmp(L->p + b, lit, n);
}

static int td__is_blank(const td__line *L)
{
    for (size_t i = 0; i < L->n; i++)
        if (L->p[i] != ' ' && L->p[i] != '\t') return 0;
    return 1;
}

static int td__meta(const td__line *lines, size_t n, size_t end, td_plan *plan)
{
    char buf[4096];
    for (size_t i = 0; i < end && i < n; i++) {
        const td__line *L = &lines[i];
        size_t len = L->n < sizeof buf - 1 ? L->n : sizeof buf - 1;
        memcpy(buf, L->p, len);
        buf[len] = '\0';
        td_trim(buf);
        if (!plan->number && !strncmp(buf, "Số:", strlen("Số:"))) {
            char *v = td_text_clean(buf + strlen("Số:"));
            if (!v) return TD_ENOMEM;
            if (*v) plan->number = v;
            else free(v);
        }
        if (!plan->date) {
            const char *p = strstr(buf, "ngày ");
            int d, m, y;
            if (p && sscanf(p, "ngày %d tháng %d năm %d", &d, &m, &y) == 3 &&
                td_date_valid(y * 10000 + m * 100 + d))
                plan->date = y * 10000 + m * 100 + d;
        }
        if (!plan->title && (!strcmp(buf, "KẾ HOẠCH") || !strcmp(buf, "**KẾ HOẠCH**"))) {
            size_t k = i + 1;
            while (k < end && td__is_blank(&lines[k])) k++;
            if (k < end) {
                char *raw = td_strndup(lines[k].p, lines[k].n), *v;
                if (!raw) return TD_ENOMEM;
                v = td_text_clean(raw);
                free(raw);
                if (!v) return TD_ENOMEM;
                plan->title = v;
            }
        }
    }
    /* issuer: the first paragraph, bold markers removed */
    {
        size_t i = 0;
        char *acc = NULL;
        while (i < end && td__is_blank(&lines[i])) i++;
        for (; i < end && !td__is_blank(&lines[i]); i++) {
            char *raw = td_strndup(lines[i].p, lines[i].n), *o, *q;
            if (!raw) {
                free(acc);
                return TD_ENOMEM;
            }
            for (o = q = raw; *q; q++)
                if (*q != '*') *o++ = *q;
            *o = '\0';
            td_trim(raw);
            if (td__append(&acc, raw, TD_PLAN_CELL_MAX)) {
                free(raw);
                free(acc);
                return TD_ENOMEM;
            }
            free(raw);
        }
        if (acc && strlen(acc) < 200 && !strstr(acc, "\t")) plan->issuer = acc;
        else free(acc);
    }
    return 0;
}

int td_plan_text_parse(const char *buf, size_t n, const char *name, td_plan *out, td_error *err)
{
    td__line *lines = NULL;
    size_t nl = 0, cap = 0, i = 0, bad;
    size_t app1 = (size_t)-1, app2 = (size_t)-1;
    td__rows rows = {0};
    int rc = 0;

    td_plan_init(out);
    if (!name) name = "(plan)";
    if (n > TD_PLAN_TEXT_MAX) return td_error_set(err, TD_ETOOBIG, "%s: lớn hơn %u byte", name, TD_PLAN_TEXT_MAX);
    if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) buf += 3, n -= 3;
    if (!td_utf8_valid(buf, n, &bad)) {
        int line = 1;
        for (size_t k = 0; k < bad; k++)
            if (buf[k] == '\n') line++;
        return td_error_set(err, TD_EPARSE, "%s:%d: không phải văn bản UTF-8 hợp lệ (byte %zu)", name, line, bad);
    }
    while (i <= n) {
        const char *e = memchr(buf + i, '\n', n - i);
        size_t len = e ? (size_t)(e - (buf + i)) : n - i;
        if (!e && len == 0) break;
        if (TD_GROW(lines, cap, nl + 1)) {
            free(lines);
            return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
        }
        lines[nl].p = buf + i;
        lines[nl].n = len && buf[i + len - 1] == '\r' ? len - 1 : len;
        nl++;
        i += len + 1;
        if (!e) break;
    }
    for (i = 0; i < nl; i++) {
        if (app1 == (size_t)-1 && td__line_is(&lines[i], "Phụ lục I")) app1 = i;
        else if (app2 == (size_t)-1 && td__line_is(&lines[i], "Phụ lục II")) app2 = i;
    }
    if (app2 == (size_t)-1) {
        rc = td_error_set(err, TD_EPARSE, "%s: không có dòng \"Phụ lục II\": không tìm thấy bảng nhiệm vụ", name);
        goto done;
    }
    if ((rc = td__meta(lines, nl, app1 != (size_t)-1 && app1 < app2 ? app1 : app2, out))) {
        rc = td_error_set(err, rc, TD_MSG_NOMEM);
        goto done;
    }
    if (app1 != (size_t)-1) {
        size_t end = app1 < app2 ? app2 : nl;
        if ((rc = td__table(lines, app1 + 1, end, TD__IND_COLS, 1, name, &rows, err))) goto done;
        if ((rc = td__indicators(&rows, name, out, err))) goto done;
        td__rows_free(&rows);
    }
    {
        size_t end = app1 != (size_t)-1 && app1 > app2 ? app1 : nl;
        if ((rc = td__table(lines, app2 + 1, end, TD__TASK_COLS, 0, name, &rows, err))) goto done;
        if ((rc = td__tasks(&rows, name, out, err))) goto done;
    }
    if (!out->n_tasks) rc = td_error_set(err, TD_EPARSE, "%s: bảng nhiệm vụ (Phụ lục II) không có nhiệm vụ nào", name);
done:
    td__rows_free(&rows);
    free(lines);
    if (rc) td_plan_free(out);
    return rc;
}

/* plan_csv.c — see plan_csv.h. */
#include "plan_csv.h"
#include "grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "deadline.h"
#include "identity.h"
#include "utf8.h"

/* --- reading records: the project's one CSV reader (csv.h), fields cleaned ------ */

typedef struct {
    td_csv_row row;   /* owns the fields */
    char **f;         /* row.f, each field through td_text_clean */
    int n;
    int line;         /* first line of the record */
} td__rec;

static void td__rec_free(td__rec *r)
{
    td_csv_row_free(&r->row);
    r->f = NULL;
    r->n = 0;
}

/* Next record.  1 = a record, 0 = end of input, < 0 = error (err filled). */
static int td__next(td_csv_reader *c, td__rec *r, td_error *err)
{
    int rc = td_csv_next(c, &r->row, err);
    r->f = r->row.f;
    r->n = (int)r->row.n;
    r->line = r->row.line;
    if (rc != 1) return rc;
    for (int i = 0; i < r->n; i++) {
        char *t = td_text_clean(r->f[i]);
        if (!t) {
            td__rec_free(r);
            return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
        }
        if (strlen(t) > TD_PLAN_CELL_MAX) {
            char lim[TD_MSG_NUM_MAX];
            int rc2 = td_error_set(err, TD_ETOOBIG, "%s:%d: cột %d: ô dài quá giới hạn %s byte của một ô", c->name,
                                   r->row.at[i], i + 1, td_msg_num(lim, TD_PLAN_CELL_MAX));
            free(t);
            td__rec_free(r);
            return rc2;
        }
        free(r->f[i]);
        r->f[i] = t;
    }
    return 1;
}

static int td__blank_rec(const td__rec *r) { return td_csv_row_blank(&r->row); }

/* A plan cell is at most TD_PLAN_CELL_MAX once cleaned; the raw field may carry markup twice as long. */
static void td__csv_init(td_csv_reader *c, const char *buf, size_t n, const char *name)
{
    td_csv_reader_init(c, buf, n, name);
    c->field_max = 2 * (size_t)TD_PLAN_CELL_MAX;
}

/* Column positions from the header, by key. */
typedef struct {
    const char *name;   /* Vietnamese header */
    int required;
} td__col;

static int td__header(const td__rec *h, const td__col *cols, int ncols, int *pos, const char *name, td_error *err)
{
    char *keys[TD_CSV_FIELDS_MAX] = {0};
    int rc = 0;
    for (int k = 0; k < ncols; k++) pos[k] = -1;
    for (int i = 0; i < h->n; i++)
        if (!(keys[i] = td_vi_key(h->f[i]))) {
            rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            goto done;
        }
    for (int i = 0; i < h->n; i++) {
        int found = 0;
        for (int k = 0; k < ncols; k++) {
            char *ck = td_vi_key(cols[k].name);
            if (!ck) {
                rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
                goto done;
            }
            if (!strcmp(ck, keys[i])) {
                if (pos[k] >= 0) {
                    free(ck);
                    rc = td_error_set(err, TD_EPARSE, "%s:%d: cột \"%s\" xuất hiện hai lần", name, h->line, cols[k].name);
                    goto done;
                }
                pos[k] = i;
                found = 1;
            }
            free(ck);
        }
        if (!found) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: cột \"%.80s\" không có trong mẫu", name, h->line, h->f[i]);
            goto done;
        }
    }
    for (int k = 0; k < ncols; k++)
        if (pos[k] < 0 && cols[k].required) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: thiếu cột \"%s\"", name, h->line, cols[k].name);
            goto done;
        }
done:
    for (int i = 0; i < h->n; i++) free(keys[i]);
    return rc;
}

enum { TC_SECTION, TC_TT, TC_TITLE, TC_LEAD, TC_PARTNER, TC_PRODUCT, TC_DEADLINE, TC_N };
static const td__col td__task_cols[TC_N] = {
    {"Mục", 1}, {"TT", 1}, {"Tên nhiệm vụ", 1}, {"Cơ quan chủ trì", 1},
    {"Cơ quan phối hợp", 1}, {"Sản phẩm", 1}, {"Thời gian hoàn thành", 1},
};
enum { IC_HORIZON, IC_CODE, IC_NAME, IC_UNIT, IC_TARGET, IC_MONITOR, IC_N };
static const td__col td__ind_cols[IC_N] = {
    {"Mốc", 1}, {"Mã", 1}, {"Chỉ tiêu", 1}, {"Đơn vị", 1}, {"Kết quả", 1},
    {"Cơ quan chủ trì theo dõi, đánh giá", 1},
};

td_csv_kind td_csv_detect(const char *buf, size_t n)
{
    td_csv_reader c;
    td__rec h;
    int pos[TC_N];
    td_csv_kind k = TD_CSV_UNKNOWN;
    td__csv_init(&c, buf, n, NULL);
    if (td__next(&c, &h, NULL) != 1) return k;
    if (!td__header(&h, td__task_cols, TC_N, pos, "", NULL)) k = TD_CSV_TASKS;
    else if (!td__header(&h, td__ind_cols, IC_N, pos, "", NULL)) k = TD_CSV_INDICATORS;
    td__rec_free(&h);
    return k;
}

/* "12" or "12." -> 12; 0 if not a task number. */
static int td__task_number(const char *s)
{
    long v = 0;
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9' && i < 6) v = v * 10 + (s[i++] - '0');
    if (!i || (s[i] == '.' ? s[i + 1] : s[i])) return 0;
    return v > 0 && v <= TD_PLAN_TASK_NUMBER_MAX ? (int)v : 0;
}

static char *td__field(const td__rec *r, int pos)
{
    char *v = strdup(pos >= 0 && pos < r->n ? r->f[pos] : "");
    td_csv_unneutralise(v);
    return v;
}

/* The opening of an import: the size limit, then the header line, whose
 * columns land in pos and whose field count in *nh. */
static int td__open_csv(td_csv_reader *c, const char *buf, size_t n, const char *name, const td__col *cols, int ncols,
                        int *pos, int *nh, td_error *err)
{
    td__rec r = {0};
    int rc;
    if (n > TD_CSV_MAX) return td_error_set(err, TD_ETOOBIG, "%s: lớn hơn %u byte", name, TD_CSV_MAX);
    td__csv_init(c, buf, n, name);
    if ((rc = td__next(c, &r, err)) <= 0)
        return rc ? rc : td_error_set(err, TD_EPARSE, "%s: tệp trống, cần dòng tiêu đề", name);
    rc = td__header(&r, cols, ncols, pos, name, err);
    *nh = r.n;
    td__rec_free(&r);
    return rc;
}

/* The next data row into r, blank rows skipped: 1, 0 at the end, or an
 * error (a row whose field count is not the header's nh is one). */
static int td__row(td_csv_reader *c, td__rec *r, int nh, const char *name, td_error *err)
{
    int rc;
    while ((rc = td__next(c, r, err)) == 1 && td__blank_rec(r)) td__rec_free(r);
    if (rc == 1 && r->n != nh)
        return td_error_set(err, TD_EPARSE, "%s:%d: %d ô, dòng tiêu đề có %d cột", name, r->line, r->n, nh);
    return rc;
}

/* What td_plan_add_* said (e2) about row `line`, as the import's error; a
 * repeated number or code is an error of the file. */
static int td__add_err(td_error *err, int rc, const char *name, int line, const td_error *e2)
{
    if (err) *err = *e2;
    return td_error_prefix(err, rc == TD_EEXISTS ? TD_EPARSE : rc, "%s:%d: ", name, line);
}

/* Plan order: the tasks grouped by section, the sections in their order,
 * each section's tasks in file order.  A spreadsheet may hold its rows in
 * any order, naming each task's section in the Mục column; plan export
 * writes section by section, so that an exported plan imports as the same
 * plan. */
static int td__tasks_by_section(td_plan *p, td_error *err)
{
    td_task *v;
    size_t k = 0;
    if (p->n_tasks < 2) return 0;
    if (!(v = malloc(p->n_tasks * sizeof *v))) return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
    for (size_t s = 0; s < p->n_sections; s++)
        for (size_t i = 0; i < p->n_tasks; i++)
            if (p->tasks[i].section && !strcmp(p->tasks[i].section, p->sections[s].code)) v[k++] = p->tasks[i];
    if (k != p->n_tasks) {   /* every task names a section of the plan (the loop above added it) */
        free(v);
        return td_error_set(err, TD_EINTERNAL, "%zu trong %zu nhiệm vụ không thuộc mục nào của kế hoạch",
                            p->n_tasks - k, p->n_tasks);
    }
    free(p->tasks);
    p->tasks = v;
    return 0;
}

int td_csv_import_tasks(const char *buf, size_t n, const char *name, td_plan *out, td_error *err)
{
    td_csv_reader c;
    td__rec r = {0};
    int pos[TC_N], rc, nh;
    char *cur = NULL;

    td_plan_init(out);
    if (!name) name = "(csv)";
    if ((rc = td__open_csv(&c, buf, n, name, td__task_cols, TC_N, pos, &nh, err))) return rc;
    while ((rc = td__row(&c, &r, nh, name, err)) == 1) {
        const char *tt = r.f[pos[TC_TT]];
        if (td_plan_roman(tt)) {
            td_section s = {0};
            td_error e2 = {0};
            const char *sec = r.f[pos[TC_SECTION]];
            if (*sec && strcmp(sec, tt)) {
                rc = td_error_set(err, TD_EPARSE, "%s:%d: dòng của mục %s lại ghi Mục \"%.20s\"", name, r.line, tt, sec);
                goto fail;
            }
            s.code = strdup(tt);
            s.title = td__field(&r, pos[TC_TITLE]);
            s.line = r.line;
            if (!s.code || !s.title) {
                free(s.code);
                free(s.title);
                rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
                goto fail;
            }
            if ((rc = td_plan_add_section(out, &s, &e2))) {
                rc = td__add_err(err, rc, name, r.line, &e2);
                goto fail;
            }
            cur = out->sections[out->n_sections - 1].code;
        } else {
            td_task t = {0};
            td_error e2 = {0};
            const char *sec = r.f[pos[TC_SECTION]];
            t.number = td__task_number(tt);
            t.line = r.line;
            if (!t.number) {
                rc = td_error_set(err, TD_EPARSE, "%s:%d: TT \"%.20s\" không phải số nhiệm vụ hay số La Mã của mục", name,
                                  r.line, tt);
                goto fail;
            }
            if (!*sec && !cur) {
                rc = td_error_set(err, TD_EPARSE, "%s:%d: nhiệm vụ %d không thuộc mục nào (Mục)", name, r.line, t.number);
                goto fail;
            }
            if (*sec && !td_plan_section(out, sec)) {
                /* a spreadsheet may name sections only in the Mục column */
                td_section s = {0};
                if (!td_plan_roman(sec)) {
                    rc = td_error_set(err, TD_EPARSE, "%s:%d: nhiệm vụ %d: Mục \"%.20s\" không phải số La Mã", name,
                                      r.line, t.number, sec);
                    goto fail;
                }
                s.code = strdup(sec);
                s.title = strdup("");
                s.line = r.line;
                if (!s.code || !s.title || td_plan_add_section(out, &s, &e2)) {
                    free(s.code);
                    free(s.title);
                    rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
                    goto fail;
                }
            }
            t.section = strdup(*sec ? sec : cur);
            t.title = td__field(&r, pos[TC_TITLE]);
            t.lead_text = td__field(&r, pos[TC_LEAD]);
            t.partner_text = td__field(&r, pos[TC_PARTNER]);
            t.product = td__field(&r, pos[TC_PRODUCT]);
            if (!t.section || !t.title || !t.lead_text || !t.partner_text || !t.product) {
                td_task_free(&t);
                rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
                goto fail;
            }
            if (!*t.title) {
                rc = td_error_set(err, TD_EPARSE, "%s:%d: nhiệm vụ %d không có tên", name, r.line, t.number);
                td_task_free(&t);
                goto fail;
            }
            if ((rc = td_deadline_parse(r.f[pos[TC_DEADLINE]], &t.deadline, &e2))) {
                rc = td_error_set(err, rc, "%s:%d: nhiệm vụ %d: %s", name, r.line, t.number, e2.msg);
                td_task_free(&t);
                goto fail;
            }
            if ((rc = td_plan_add_task(out, &t, &e2))) {
                rc = td__add_err(err, rc, name, r.line, &e2);
                goto fail;
            }
        }
        td__rec_free(&r);
    }
    if (rc < 0) goto fail;
    if (!out->n_tasks) {
        rc = td_error_set(err, TD_EPARSE, "%s: không có nhiệm vụ nào", name);
        goto fail;
    }
    if ((rc = td__tasks_by_section(out, err))) goto fail;
    return 0;
fail:
    td__rec_free(&r);
    td_plan_free(out);
    return rc;
}

int td_csv_import_indicators(const char *buf, size_t n, const char *name, td_plan *plan, td_error *err)
{
    td_csv_reader c;
    td__rec r = {0};
    int pos[IC_N], rc, nh;

    if (!name) name = "(csv)";
    if (plan->n_indicators) return td_error_set(err, TD_EARG, "%s: kế hoạch đã có chỉ tiêu", name);
    if ((rc = td__open_csv(&c, buf, n, name, td__ind_cols, IC_N, pos, &nh, err))) return rc;
    while ((rc = td__row(&c, &r, nh, name, err)) == 1) {
        td_indicator ind = {0};
        td_error e2 = {0};
        const char *h, *code;
        h = r.f[pos[IC_HORIZON]];
        code = r.f[pos[IC_CODE]];
        if (strlen(h) != 4 || h[0] != '2' || h[1] != '0' || h[2] < '0' || h[2] > '9' || h[3] < '0' || h[3] > '9') {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: Mốc \"%.20s\" không phải một năm (ví dụ 2030)", name, r.line, h);
            goto fail;
        }
        if (!*code || strlen(code) > 32 || strspn(code, "0123456789.IVXLCDM") != strlen(code)) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: Mã \"%.40s\" không phải mã chỉ tiêu (ví dụ 7.1)", name, r.line,
                              code);
            goto fail;
        }
        ind.horizon = atoi(h);
        ind.line = r.line;
        ind.code = strdup(code);
        ind.name = td__field(&r, pos[IC_NAME]);
        ind.unit = td__field(&r, pos[IC_UNIT]);
        ind.monitor_text = td__field(&r, pos[IC_MONITOR]);
        if (!ind.code || !ind.name || !ind.unit || !ind.monitor_text) {
            td_indicator_free(&ind);
            rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            goto fail;
        }
        if ((rc = td_target_parse(r.f[pos[IC_TARGET]], &ind.target, &e2))) {
            rc = td_error_set(err, rc, "%s:%d: chỉ tiêu %s: %s", name, r.line, ind.code, e2.msg);
            td_indicator_free(&ind);
            goto fail;
        }
        if ((rc = td_plan_add_indicator(plan, &ind, &e2))) {
            rc = td__add_err(err, rc, name, r.line, &e2);
            goto fail;
        }
        td__rec_free(&r);
    }
    if (rc < 0) goto fail;
    td_plan_mark_headings(plan);
    return 0;
fail:
    td__rec_free(&r);
    for (size_t i = 0; i < plan->n_indicators; i++) td_indicator_free(&plan->indicators[i]);
    free(plan->indicators);
    plan->indicators = NULL;
    plan->n_indicators = 0;
    return rc;
}

/* --- writing ------------------------------------------------------------------ */

/* Rows into a memory buffer, cells through csv.h (one CSV writer). */
typedef struct { FILE *f; char *p; size_t n; } td__out;

static int td__open(td__out *o)
{
    memset(o, 0, sizeof *o);
    if (!(o->f = open_memstream(&o->p, &o->n))) return TD_ENOMEM;
    fputs(TD_CSV_BOM, o->f);
    return 0;
}

static void td__field_out(td__out *o, const char *s, int last)
{
    td_csv_text_min(o->f, s);
    if (last) td_csv_eol(o->f);
    else td_csv_sep(o->f);
}

static int td__finish(td__out *o, char **out, size_t *n)
{
    int bad = ferror(o->f);
    if (fclose(o->f) || bad) {
        free(o->p);
        return TD_ENOMEM;
    }
    *out = o->p;
    *n = o->n;
    return 0;
}

int td_csv_export_tasks(const td_plan *p, char **out, size_t *n)
{
    td__out o;
    char num[16];
    if (td__open(&o)) return TD_ENOMEM;
    for (int k = 0; k < TC_N; k++) td__field_out(&o, td__task_cols[k].name, k == TC_N - 1);
    for (size_t s = 0; s < p->n_sections; s++) {
        const td_section *sec = &p->sections[s];
        td__field_out(&o, sec->code, 0);
        td__field_out(&o, sec->code, 0);
        td__field_out(&o, sec->title, 0);
        for (int k = TC_LEAD; k < TC_N; k++) td__field_out(&o, "", k == TC_N - 1);
        for (size_t i = 0; i < p->n_tasks; i++) {
            const td_task *t = &p->tasks[i];
            if (!t->section || strcmp(t->section, sec->code)) continue;
            snprintf(num, sizeof num, "%d", t->number);
            td__field_out(&o, t->section, 0);
            td__field_out(&o, num, 0);
            td__field_out(&o, t->title, 0);
            td__field_out(&o, t->lead_text, 0);
            td__field_out(&o, t->partner_text, 0);
            td__field_out(&o, t->product, 0);
            td__field_out(&o, t->deadline.text, 1);
        }
    }
    return td__finish(&o, out, n);
}

int td_csv_export_indicators(const td_plan *p, char **out, size_t *n)
{
    td__out o;
    char h[16];
    if (td__open(&o)) return TD_ENOMEM;
    for (int k = 0; k < IC_N; k++) td__field_out(&o, td__ind_cols[k].name, k == IC_N - 1);
    for (size_t i = 0; i < p->n_indicators; i++) {
        const td_indicator *ind = &p->indicators[i];
        snprintf(h, sizeof h, "%d", ind->horizon);
        td__field_out(&o, h, 0);
        td__field_out(&o, ind->code, 0);
        td__field_out(&o, ind->name, 0);
        td__field_out(&o, ind->unit, 0);
        td__field_out(&o, ind->target.text, 0);
        td__field_out(&o, ind->monitor_text, 1);
    }
    return td__finish(&o, out, n);
}

/* --- the agency registry --------------------------------------------------------- */

enum { AC_SLUG, AC_NAME, AC_KIND, AC_FROM, AC_TO, AC_NEXT, AC_N };
static const td__col td__agency_cols[AC_N] = {
    {"Mã", 1}, {"Tên", 1}, {"Loại", 1}, {"Từ ngày", 0}, {"Đến ngày", 0}, {"Kế nhiệm", 0},
};

void td_csv_agencies_free(td_agency *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].slug);
        free(v[i].name);
    }
    free(v);
}

int td_csv_import_agencies(const char *buf, size_t n, const char *name, td_agency **out, size_t *n_out,
                           td_error *err)
{
    td_csv_reader c;
    td__rec r = {0};
    int pos[AC_N], rc;
    td_agency *v = NULL;
    size_t nv = 0;

    *out = NULL;
    *n_out = 0;
    if (!name) name = "(csv)";
    if (n > TD_CSV_MAX) return td_error_set(err, TD_ETOOBIG, "%s: lớn hơn %u byte", name, TD_CSV_MAX);
    td__csv_init(&c, buf, n, name);
    if ((rc = td__next(&c, &r, err)) <= 0)
        return rc ? rc : td_error_set(err, TD_EPARSE, "%s: tệp trống, cần dòng tiêu đề Mã,Tên,Loại,Từ ngày", name);
    rc = td__header(&r, td__agency_cols, AC_N, pos, name, err);
    td__rec_free(&r);
    if (rc) return rc;
    while ((rc = td__next(&c, &r, err)) == 1) {
        td_agency a = {0};
        const char *slug, *nm, *kind, *from;
        int k;
        if (td__blank_rec(&r)) {
            td__rec_free(&r);
            continue;
        }
        slug = pos[AC_SLUG] < r.n ? r.f[pos[AC_SLUG]] : "";
        nm = pos[AC_NAME] < r.n ? r.f[pos[AC_NAME]] : "";
        kind = pos[AC_KIND] < r.n ? r.f[pos[AC_KIND]] : "";
        from = pos[AC_FROM] >= 0 && pos[AC_FROM] < r.n ? r.f[pos[AC_FROM]] : "";
        if (!td_slug_valid(slug)) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: mã \"%.80s\" không hợp lệ (chữ thường không dấu, số, dấu -)",
                              name, r.line, slug);
            break;
        }
        if (!*nm) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: %s thiếu tên", name, r.line, slug);
            break;
        }
        if ((k = td_agency_kind_parse(kind)) < 0) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: loại \"%.80s\" không rõ (" TD_AGENCY_KINDS_TEXT ")", name,
                              r.line, kind);
            break;
        }
        if (pos[AC_TO] >= 0 && pos[AC_TO] < r.n && *r.f[pos[AC_TO]] &&
            td_date_parse_vi(r.f[pos[AC_TO]], &a.valid_to)) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: ngày ngừng \"%.40s\" không hợp lệ (cần dd/mm/yyyy)", name,
                              r.line, r.f[pos[AC_TO]]);
            break;
        }
        if (*from && td_date_parse_vi(from, &a.valid_from)) {
            rc = td_error_set(err, TD_EPARSE, "%s:%d: ngày \"%.40s\" không hợp lệ (cần dd/mm/yyyy)", name, r.line,
                              from);
            break;
        }
        for (size_t i = 0; i < nv && rc == 1; i++)
            if (!strcmp(v[i].slug, slug))
                rc = td_error_set(err, TD_EPARSE, "%s:%d: mã %s đã có ở dòng trên", name, r.line, slug);
        if (rc != 1) break;
        a.kind = (td_agency_kind)k;
        if (TD_GROW_ONE(v, nv)) {
            rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            break;
        }
        a.slug = strdup(slug);
        a.name = strdup(nm);
        v[nv++] = a;
        if (!a.slug || !a.name) {
            rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            break;
        }
        td__rec_free(&r);
    }
    td__rec_free(&r);
    if (rc) {
        td_csv_agencies_free(v, nv);
        return rc;
    }
    *out = v;
    *n_out = nv;
    return 0;
}

int td_csv_export_registry(const td_registry *reg, char **out, size_t *n)
{
    td__out o;
    if (td__open(&o)) return TD_ENOMEM;
    for (int k = 0; k < AC_N; k++) td__field_out(&o, td__agency_cols[k].name, k == AC_N - 1);
    for (size_t i = 0; i < reg->n_agencies; i++) {
        const td_agency *a = &reg->agencies[i];
        const td_agency_change *c = td_registry_ended_by(reg, a->slug);
        char from[16] = "", to[16] = "", next[1024] = "";
        size_t used = 0;
        if (a->valid_from) td_date_vi(a->valid_from, from, sizeof from);
        if (a->valid_to) td_date_vi(a->valid_to, to, sizeof to);
        for (size_t k = 0; c && k < c->n_to && used < sizeof next; k++) {
            int w = snprintf(next + used, sizeof next - used, "%s%s", k ? " " : "", c->to[k].slug);
            if (w < 0) break;
            used += (size_t)w;
        }
        td__field_out(&o, a->slug, 0);
        td__field_out(&o, a->name, 0);
        td__field_out(&o, td_agency_kind_name(a->kind), 0);
        td__field_out(&o, from, 0);
        td__field_out(&o, to, 0);
        td__field_out(&o, next, 1);
    }
    return td__finish(&o, out, n);
}

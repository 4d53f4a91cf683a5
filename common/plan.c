/* plan.c — see plan.h. */
#include "plan.h"
#include "grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void td_plan_init(td_plan *p)
{
    memset(p, 0, sizeof *p);
}

void td_task_free(td_task *t)
{
    if (!t) return;
    free(t->section);
    free(t->title);
    free(t->lead_text);
    free(t->partner_text);
    free(t->product);
    td_deadline_free(&t->deadline);
    td_agency_refs_free(t->leads, t->n_leads);
    td_agency_refs_free(t->partners, t->n_partners);
    memset(t, 0, sizeof *t);
}

void td_indicator_free(td_indicator *ind)
{
    if (!ind) return;
    free(ind->code);
    free(ind->name);
    free(ind->unit);
    td_target_free(&ind->target);
    free(ind->monitor_text);
    td_agency_refs_free(ind->monitors, ind->n_monitors);
    memset(ind, 0, sizeof *ind);
}

static void td__section_free(td_section *s)
{
    free(s->code);
    free(s->title);
    memset(s, 0, sizeof *s);
}

void td_plan_free(td_plan *p)
{
    if (!p) return;
    free(p->number);
    free(p->title);
    free(p->issuer);
    for (size_t i = 0; i < p->n_sections; i++) td__section_free(&p->sections[i]);
    free(p->sections);
    for (size_t i = 0; i < p->n_tasks; i++) td_task_free(&p->tasks[i]);
    free(p->tasks);
    for (size_t i = 0; i < p->n_indicators; i++) td_indicator_free(&p->indicators[i]);
    free(p->indicators);
    memset(p, 0, sizeof *p);
}

/* strdup that accepts NULL; *ok cleared on OOM. */
static char *td__dup(const char *s, int *ok)
{
    char *d;
    if (!s) return NULL;
    if (!(d = strdup(s))) *ok = 0;
    return d;
}

int td_task_copy(td_task *dst, const td_task *src)
{
    int ok = 1;
    memset(dst, 0, sizeof *dst);
    dst->number = src->number;
    dst->line = src->line;
    dst->section = td__dup(src->section, &ok);
    dst->title = td__dup(src->title, &ok);
    dst->lead_text = td__dup(src->lead_text, &ok);
    dst->partner_text = td__dup(src->partner_text, &ok);
    dst->product = td__dup(src->product, &ok);
    if (td_deadline_copy(&dst->deadline, &src->deadline)) ok = 0;
    if (td_agency_refs_copy(&dst->leads, src->leads, src->n_leads)) ok = 0;
    else dst->n_leads = src->n_leads;
    if (td_agency_refs_copy(&dst->partners, src->partners, src->n_partners)) ok = 0;
    else dst->n_partners = src->n_partners;
    if (!ok) {
        td_task_free(dst);
        return TD_ENOMEM;
    }
    return 0;
}

int td_indicator_copy(td_indicator *dst, const td_indicator *src)
{
    int ok = 1;
    memset(dst, 0, sizeof *dst);
    dst->horizon = src->horizon;
    dst->heading = src->heading;
    dst->line = src->line;
    dst->code = td__dup(src->code, &ok);
    dst->name = td__dup(src->name, &ok);
    dst->unit = td__dup(src->unit, &ok);
    dst->monitor_text = td__dup(src->monitor_text, &ok);
    if (td_target_copy(&dst->target, &src->target)) ok = 0;
    if (td_agency_refs_copy(&dst->monitors, src->monitors, src->n_monitors)) ok = 0;
    else dst->n_monitors = src->n_monitors;
    if (!ok) {
        td_indicator_free(dst);
        return TD_ENOMEM;
    }
    return 0;
}

int td_plan_copy(td_plan *dst, const td_plan *src)
{
    int ok = 1;
    td_plan_init(dst);
    dst->number = td__dup(src->number, &ok);
    dst->title = td__dup(src->title, &ok);
    dst->issuer = td__dup(src->issuer, &ok);
    dst->date = src->date;
    if (src->n_sections && !(dst->sections = calloc(src->n_sections, sizeof *dst->sections))) ok = 0;
    for (size_t i = 0; ok && i < src->n_sections; i++, dst->n_sections++) {
        dst->sections[i].code = td__dup(src->sections[i].code, &ok);
        dst->sections[i].title = td__dup(src->sections[i].title, &ok);
        dst->sections[i].line = src->sections[i].line;
    }
    if (ok && src->n_tasks && !(dst->tasks = calloc(src->n_tasks, sizeof *dst->tasks))) ok = 0;
    for (size_t i = 0; ok && i < src->n_tasks; i++) {
        if (td_task_copy(&dst->tasks[i], &src->tasks[i])) ok = 0;
        else dst->n_tasks++;
    }
    if (ok && src->n_indicators && !(dst->indicators = calloc(src->n_indicators, sizeof *dst->indicators))) ok = 0;
    for (size_t i = 0; ok && i < src->n_indicators; i++) {
        if (td_indicator_copy(&dst->indicators[i], &src->indicators[i])) ok = 0;
        else dst->n_indicators++;
    }
    if (!ok) {
        td_plan_free(dst);
        return TD_ENOMEM;
    }
    return 0;
}

td_task *td_plan_task(const td_plan *p, int number)
{
    for (size_t i = 0; i < p->n_tasks; i++)
        if (p->tasks[i].number == number) return &p->tasks[i];
    return NULL;
}

td_section *td_plan_section(const td_plan *p, const char *code)
{
    for (size_t i = 0; code && i < p->n_sections; i++)
        if (!strcmp(p->sections[i].code, code)) return &p->sections[i];
    return NULL;
}

td_indicator *td_plan_indicator(const td_plan *p, const char *code)
{
    for (size_t i = 0; code && i < p->n_indicators; i++)
        if (!strcmp(p->indicators[i].code, code)) return &p->indicators[i];
    return NULL;
}

size_t td_plan_section_tasks(const td_plan *p, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_tasks; i++)
        if (p->tasks[i].section && code && !strcmp(p->tasks[i].section, code)) n++;
    return n;
}

/* Move *x (size bytes) to the end of arr, n items, at most max (what: the
 * items, for the error): *out is the grown array, *x is zeroed (its strings
 * are the array's now).  On failure arr and *x are as they were. */
static int td__append(void *arr, size_t *n, size_t max, void *x, size_t size, const char *what, void **out,
                      td_error *err)
{
    char *v = arr;
    if (*n >= max) return td_error_set(err, TD_ETOOBIG, "quá %zu %s", max, what);
    if (td_grow_one(&v, *n, size)) return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
    memcpy(v + *n * size, x, size);
    memset(x, 0, size);
    (*n)++;
    *out = v;
    return 0;
}

int td_plan_add_section(td_plan *p, td_section *s, td_error *err)
{
    void *v;
    int rc;
    if (!s->code || !*s->code) {
        rc = td_error_set(err, TD_EARG, "phần (mục) không có số La Mã");
        goto fail;
    }
    if (td_plan_section(p, s->code)) {
        rc = td_error_set(err, TD_EEXISTS, "mục %s xuất hiện hai lần", s->code);
        goto fail;
    }
    if ((rc = td__append(p->sections, &p->n_sections, TD_PLAN_SECTIONS_MAX, s, sizeof *s, "mục", &v, err)))
        goto fail;
    p->sections = v;
    return 0;
fail:
    td__section_free(s);
    return rc;
}

int td_plan_add_task(td_plan *p, td_task *t, td_error *err)
{
    void *v;
    int rc;
    if (t->number < 1 || t->number > TD_PLAN_TASK_NUMBER_MAX) {
        rc = td_error_set(err, TD_EARG, "số thứ tự nhiệm vụ %d ngoài khoảng 1..%d", t->number, TD_PLAN_TASK_NUMBER_MAX);
        goto fail;
    }
    if (td_plan_task(p, t->number)) {
        rc = td_error_set(err, TD_EEXISTS, "nhiệm vụ %d xuất hiện hai lần", t->number);
        goto fail;
    }
    if ((rc = td__append(p->tasks, &p->n_tasks, TD_PLAN_TASKS_MAX, t, sizeof *t, "nhiệm vụ", &v, err))) goto fail;
    p->tasks = v;
    return 0;
fail:
    td_task_free(t);
    return rc;
}

int td_plan_add_indicator(td_plan *p, td_indicator *ind, td_error *err)
{
    void *v;
    int rc;
    if (!ind->code || !*ind->code) {
        rc = td_error_set(err, TD_EARG, "chỉ tiêu không có mã");
        goto fail;
    }
    if (td_plan_indicator(p, ind->code)) {
        rc = td_error_set(err, TD_EEXISTS, "chỉ tiêu %s xuất hiện hai lần", ind->code);
        goto fail;
    }
    if ((rc = td__append(p->indicators, &p->n_indicators, TD_PLAN_INDICATORS_MAX, ind, sizeof *ind, "chỉ tiêu", &v,
                         err)))
        goto fail;
    p->indicators = v;
    return 0;
fail:
    td_indicator_free(ind);
    return rc;
}

/* "7.1" is below "7"; "II.3.1" below "II.3". */
static int td__is_child(const char *parent, const char *code)
{
    size_t n = strlen(parent);
    return !strncmp(parent, code, n) && code[n] == '.' && code[n + 1];
}

void td_plan_mark_headings(td_plan *p)
{
    for (size_t i = 0; i < p->n_indicators; i++) {
        p->indicators[i].heading = 0;
        for (size_t k = 0; k < p->n_indicators; k++)
            if (k != i && td__is_child(p->indicators[i].code, p->indicators[k].code)) {
                p->indicators[i].heading = 1;
                break;
            }
    }
}

size_t td_plan_count_indicators(const td_plan *p, int horizon, int which)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_indicators; i++) {
        const td_indicator *ind = &p->indicators[i];
        const char *c = ind->code;
        if (horizon && ind->horizon != horizon) continue;
        if (which & TD_IND_TOP) {
            /* top level: no '.' after the optional "II." horizon prefix */
            const char *dot = strchr(c, '.');
            if (dot && (c[0] >= '0' && c[0] <= '9')) continue;
            if (dot && strchr(dot + 1, '.')) continue;
        }
        if ((which & TD_IND_MEASURED) && ind->heading) continue;
        n++;
    }
    return n;
}

void td_plan_issues_free(td_plan_issues *is)
{
    for (size_t i = 0; i < is->n; i++) {
        free(is->v[i].indicator);
        free(is->v[i].column);
        free(is->v[i].text);
    }
    free(is->v);
    is->v = NULL;
    is->n = 0;
}

static int td__issue(td_plan_issues *is, int line, int task, const char *ind, const char *col, const char *text)
{
    td_plan_issue *v;
    int ok = 1;
    if (TD_GROW_ONE(is->v, is->n)) return TD_ENOMEM;
    v = &is->v[is->n++];
    memset(v, 0, sizeof *v);
    v->line = line;
    v->task = task;
    v->indicator = td__dup(ind, &ok);
    v->column = td__dup(col, &ok);
    v->text = td__dup(text, &ok);
    return ok ? 0 : TD_ENOMEM;
}

static int td__resolve_one(const td_registry *reg, const char *cell, td_agency_ref **refs, size_t *n,
                           td_plan_issues *is, int line, int task, const char *ind, const char *col)
{
    td_unresolved *un = NULL;
    size_t nu = 0;
    int rc;
    td_agency_refs_free(*refs, *n);
    *refs = NULL;
    *n = 0;
    if ((rc = td_registry_resolve_cell(reg, cell, refs, n, &un, &nu))) return rc;
    for (size_t i = 0; i < nu && !rc; i++) rc = td__issue(is, line, task, ind, col, un[i].text);
    td_unresolved_free(un, nu);
    return rc;
}

int td_plan_resolve(td_plan *p, const td_registry *reg, td_plan_issues *issues)
{
    int rc = 0;
    for (size_t i = 0; i < p->n_tasks && !rc; i++) {
        td_task *t = &p->tasks[i];
        if (!t->lead_text || !*t->lead_text) {
            rc = td__issue(issues, t->line, t->number, NULL, "Cơ quan chủ trì", "(trống)");
            if (rc) break;
        }
        rc = td__resolve_one(reg, t->lead_text, &t->leads, &t->n_leads, issues, t->line, t->number, NULL,
                             "Cơ quan chủ trì");
        if (!rc)
            rc = td__resolve_one(reg, t->partner_text, &t->partners, &t->n_partners, issues, t->line, t->number,
                                 NULL, "Cơ quan phối hợp");
    }
    for (size_t i = 0; i < p->n_indicators && !rc; i++) {
        td_indicator *ind = &p->indicators[i];
        rc = td__resolve_one(reg, ind->monitor_text, &ind->monitors, &ind->n_monitors, issues, ind->line, 0,
                             ind->code, "Cơ quan chủ trì theo dõi, đánh giá");
    }
    return rc;
}

/* --- equality ----------------------------------------------------------------- */

static int td__seq(const char *a, const char *b)
{
    /* NULL and "" are the same absence of text */
    return !strcmp(a ? a : "", b ? b : "");
}

static int td__refs_eq(const td_agency_ref *a, size_t na, const td_agency_ref *b, size_t nb)
{
    if (na != nb) return 0;
    for (size_t i = 0; i < na; i++)
        if (a[i].group != b[i].group || !td__seq(a[i].slug, b[i].slug) || !td__seq(a[i].text, b[i].text))
            return 0;
    return 1;
}

#define TD__DIFF(...) do { if (why) snprintf(why, why_n, __VA_ARGS__); return 0; } while (0)

int td_plan_equal(const td_plan *a, const td_plan *b, int what, char *why, size_t why_n)
{
    if (why && why_n) why[0] = '\0';
    if (what & TD_PLAN_CMP_META) {
        if (!td__seq(a->number, b->number)) TD__DIFF("plan number differs");
        if (!td__seq(a->title, b->title)) TD__DIFF("plan title differs");
        if (!td__seq(a->issuer, b->issuer)) TD__DIFF("plan issuer differs");
        if (a->date != b->date) TD__DIFF("plan date differs");
    }
    if (what & TD_PLAN_CMP_TASKS) {
        if (a->n_sections != b->n_sections) TD__DIFF("%zu sections vs %zu", a->n_sections, b->n_sections);
        for (size_t i = 0; i < a->n_sections; i++)
            if (!td__seq(a->sections[i].code, b->sections[i].code) ||
                !td__seq(a->sections[i].title, b->sections[i].title))
                TD__DIFF("section %zu differs (%s)", i + 1, a->sections[i].code);
        if (a->n_tasks != b->n_tasks) TD__DIFF("%zu tasks vs %zu", a->n_tasks, b->n_tasks);
        for (size_t i = 0; i < a->n_tasks; i++) {
            const td_task *x = &a->tasks[i], *y = &b->tasks[i];
            if (x->number != y->number) TD__DIFF("task at position %zu: %d vs %d", i + 1, x->number, y->number);
            if (!td__seq(x->section, y->section)) TD__DIFF("task %d: section differs", x->number);
            if (!td__seq(x->title, y->title)) TD__DIFF("task %d: title differs", x->number);
            if (!td__seq(x->lead_text, y->lead_text)) TD__DIFF("task %d: lead differs", x->number);
            if (!td__seq(x->partner_text, y->partner_text)) TD__DIFF("task %d: partners differ", x->number);
            if (!td__seq(x->product, y->product)) TD__DIFF("task %d: product differs", x->number);
            if (!td_deadline_equal(&x->deadline, &y->deadline)) TD__DIFF("task %d: deadline differs", x->number);
            if (!td__refs_eq(x->leads, x->n_leads, y->leads, y->n_leads))
                TD__DIFF("task %d: resolved leads differ", x->number);
            if (!td__refs_eq(x->partners, x->n_partners, y->partners, y->n_partners))
                TD__DIFF("task %d: resolved partners differ", x->number);
        }
    }
    if (what & TD_PLAN_CMP_INDICATORS) {
        if (a->n_indicators != b->n_indicators)
            TD__DIFF("%zu indicators vs %zu", a->n_indicators, b->n_indicators);
        for (size_t i = 0; i < a->n_indicators; i++) {
            const td_indicator *x = &a->indicators[i], *y = &b->indicators[i];
            if (!td__seq(x->code, y->code)) TD__DIFF("indicator at position %zu: %s vs %s", i + 1, x->code, y->code);
            if (x->horizon != y->horizon || x->heading != y->heading || !td__seq(x->name, y->name) ||
                !td__seq(x->unit, y->unit) || !td__seq(x->monitor_text, y->monitor_text))
                TD__DIFF("indicator %s differs", x->code);
            if (!td_target_equal(&x->target, &y->target)) TD__DIFF("indicator %s: target differs", x->code);
            if (!td__refs_eq(x->monitors, x->n_monitors, y->monitors, y->n_monitors))
                TD__DIFF("indicator %s: resolved monitors differ", x->code);
        }
    }
    return 1;
}

char *td_plan_short(const char *s, size_t max_chars)
{
    size_t i = 0, chars = 0, n;
    char *out;
    if (!s) s = "";
    n = strlen(s);
    while (i < n && chars < max_chars) {
        uint32_t cp;
        i += (size_t)td_utf8_decode(s + i, n - i, &cp);
        chars++;
    }
    if (i >= n) return strdup(s);
    /* cut at the last blank so a word is not split */
    {
        size_t cut = i;
        while (cut > 0 && s[cut] != ' ') cut--;
        if (cut > i / 2) i = cut;
    }
    if (!(out = malloc(i + 4))) return NULL;
    memcpy(out, s, i);
    memcpy(out + i, "…", 4);   /* 3 bytes + NUL */
    return out;
}

/* Roman numerals 1..3999 in canonical form only ("IIII" is not one):
 * re-encode the value and compare. */
int td_plan_roman(const char *s)
{
    static const struct { const char *sym; int v; } tab[] = {
        {"M", 1000}, {"CM", 900}, {"D", 500}, {"CD", 400}, {"C", 100}, {"XC", 90}, {"L", 50},
        {"XL", 40},  {"X", 10},   {"IX", 9},  {"V", 5},    {"IV", 4},  {"I", 1},
    };
    int v = 0;
    const char *p = s;
    char back[32];
    if (!*s || strlen(s) > 15) return 0;
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        size_t l = strlen(tab[i].sym);
        while (!strncmp(p, tab[i].sym, l)) {
            v += tab[i].v;
            p += l;
        }
    }
    if (*p) return 0;
    /* canonical form only ("IIII" is not a numeral): re-encode and compare */
    {
        int x = v;
        char *o = back;
        for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
            while (x >= tab[i].v && o + strlen(tab[i].sym) < back + sizeof back) {
                memcpy(o, tab[i].sym, strlen(tab[i].sym));
                o += strlen(tab[i].sym);
                x -= tab[i].v;
            }
        *o = '\0';
    }
    return strcmp(back, s) ? 0 : v;
}


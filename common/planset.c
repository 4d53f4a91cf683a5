/*
 * planset.c — more than one plan (docs/LOG.md §14): plan slots, task keys,
 * the merged plan the fold keeps, and the one way task keys are shown to and
 * read from people.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "plan.h"

unsigned td_plan_slot(const char *number)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)(number ? number : ""); *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return 1 + h % 32767u;
}

unsigned td_task_key(const char *plan, unsigned number)
{
    if (!plan || !*plan) return number;
    if (number >= TD_TASK_NUMBER_LIMIT) return 0;
    return td_plan_slot(plan) << 16 | number;
}

/* "NUMBER:CODE", malloc'd; NULL on OOM. */
static char *td__prefixed(const char *number, const char *code)
{
    size_t a = strlen(number), b = strlen(code ? code : "");
    char *s = malloc(a + b + 2);
    if (!s) return NULL;
    memcpy(s, number, a);
    s[a] = ':';
    memcpy(s + a + 1, code ? code : "", b + 1);
    return s;
}

static int td__rename(char **field, const char *number)
{
    char *s = td__prefixed(number, *field);
    if (!s) return -1;
    free(*field);
    *field = s;
    return 0;
}

int td_plan_merge(td_plan *out, const td_plan *plans, size_t n)
{
    size_t ns = 0, nt = 0, ni = 0;
    td_plan_init(out);
    if (!n) return 0;
    if (td_plan_copy(out, &plans[0])) return TD_ENOMEM;
    if (n == 1) return 0;
    for (size_t o = 1; o < n; o++) {
        ns += plans[o].n_sections;
        nt += plans[o].n_tasks;
        ni += plans[o].n_indicators;
    }
    {
        td_section *s = realloc(out->sections, (out->n_sections + ns + 1) * sizeof *s);
        if (s) out->sections = s;
        td_task *t = realloc(out->tasks, (out->n_tasks + nt + 1) * sizeof *t);
        if (t) out->tasks = t;
        td_indicator *ind = realloc(out->indicators, (out->n_indicators + ni + 1) * sizeof *ind);
        if (ind) out->indicators = ind;
        if (!s || !t || !ind) goto oom;
    }
    for (size_t o = 1; o < n; o++) {
        const td_plan *p = &plans[o];
        const char *num = p->number ? p->number : "";
        for (size_t i = 0; i < p->n_sections; i++) {
            td_section *d = &out->sections[out->n_sections];
            memset(d, 0, sizeof *d);
            if (!(d->code = td__prefixed(num, p->sections[i].code)) ||
                !(d->title = strdup(p->sections[i].title ? p->sections[i].title : ""))) {
                free(d->code);
                goto oom;
            }
            d->line = p->sections[i].line;
            out->n_sections++;
        }
        for (size_t i = 0; i < p->n_tasks; i++) {
            td_task *d = &out->tasks[out->n_tasks];
            if (td_task_copy(d, &p->tasks[i])) goto oom;
            out->n_tasks++;
            d->number = (int)td_task_key(num, (unsigned)p->tasks[i].number);
            if (d->section && td__rename(&d->section, num)) goto oom;
        }
        for (size_t i = 0; i < p->n_indicators; i++) {
            td_indicator *d = &out->indicators[out->n_indicators];
            if (td_indicator_copy(d, &p->indicators[i])) goto oom;
            out->n_indicators++;
            if (td__rename(&d->code, num)) goto oom;
        }
    }
    return 0;
oom:
    td_plan_free(out);
    return TD_ENOMEM;
}

/* ---- keys for people ------------------------------------------------------ */

int td_state_key_plan(const td_state *st, uint32_t key, uint32_t *number)
{
    size_t n = td_state_plan_count(st);
    if (key < TD_TASK_NUMBER_LIMIT) {
        if (number) *number = key;
        return 0;
    }
    for (size_t i = 1; i < n; i++)
        if (td_plan_slot(td_state_plan_at(st, i)->number) == key >> 16) {
            if (number) *number = key & 0xffff;
            return (int)i;
        }
    if (number) *number = key & 0xffff;
    return -1;
}

const char *td_state_key_plan_field(const td_state *st, uint32_t key)
{
    int i = td_state_key_plan(st, key, NULL);
    return i > 0 ? td_state_plan_at(st, (size_t)i)->number : "";
}

/* td_state_plan_short among the first np plans (those imported by some log position). */
static const char *td__plan_short_n(const td_state *st, size_t i, size_t np, char *buf, size_t n)
{
    const td_plan *p = td_state_plan_at(st, i);
    const char *num = p && p->number ? p->number : "";
    size_t l = strcspn(num, "/");
    snprintf(buf, n, "%.*s", (int)l, num);
    for (size_t k = 0; k < np; k++) {
        const char *o = td_state_plan_at(st, k)->number;
        if (k != i && o && strlen(o) >= l && !strncmp(o, num, l) && (o[l] == '/' || !o[l])) {
            snprintf(buf, n, "%s", num);   /* two plans share the short form: the whole number */
            break;
        }
    }
    if (!*buf) snprintf(buf, n, "%s", num);
    return buf;
}

const char *td_state_plan_short(const td_state *st, size_t i, char *buf, size_t n)
{
    return td__plan_short_n(st, i, td_state_plan_count(st), buf, n);
}

const char *td_state_key_fmt(const td_state *st, uint32_t key, char *buf, size_t n)
{
    uint32_t num;
    char sh[TD_PLAN_NUMBER_MAX + 1];
    int i;
    if (td_state_plan_count(st) <= 1) {
        snprintf(buf, n, "%u", key);
        return buf;
    }
    i = td_state_key_plan(st, key, &num);
    if (i < 0) snprintf(buf, n, "?:%u", num);
    else snprintf(buf, n, "%s:%u", td_state_plan_short(st, (size_t)i, sh, sizeof sh), num);
    return buf;
}

/* td_state_plan_find among the first n plans. */
static int td__plan_find_n(const td_state *st, const char *name, size_t n)
{
    char sh[TD_PLAN_NUMBER_MAX + 1];
    if (!name || !*name) return -1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(td_state_plan_at(st, i)->number ? td_state_plan_at(st, i)->number : "", name)) return (int)i;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(td__plan_short_n(st, i, n, sh, sizeof sh), name)) return (int)i;
    return -1;
}

int td_state_plan_find(const td_state *st, const char *name)
{
    return td__plan_find_n(st, name, td_state_plan_count(st));
}

int td_state_plan_find_at(const td_state *st, const char *name, uint64_t index)
{
    size_t n = 0;
    /* plans are kept in order of first import: those imported by then are a prefix */
    while (n < td_state_plan_count(st) && td_state_plan_first_index(st, n) <= index) n++;
    return td__plan_find_n(st, name, n);
}

/* "726/KH-UBND (726), 57/KH-UBND (57)" for the plans whose bit is set in
 * `which` (all when NULL). */
static void td__plan_list(const td_state *st, const unsigned char *which, char *buf, size_t n)
{
    char sh[TD_PLAN_NUMBER_MAX + 1];
    size_t l = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < td_state_plan_count(st) && l < n; i++) {
        if (which && !which[i]) continue;
        l += (size_t)snprintf(buf + l, n - l, "%s%s (--plan %s)", l ? ", " : "", td_state_plan_at(st, i)->number,
                              td_state_plan_short(st, i, sh, sizeof sh));
    }
}

int td_state_key_parse(const td_state *st, const char *text, const char *plan, const char *agency, uint32_t *key,
                       char *why, size_t whyn)
{
    char pbuf[TD_PLAN_NUMBER_MAX + 8], list[512];
    const char *colon = text ? strrchr(text, ':') : NULL, *ns = colon ? colon + 1 : text;
    char *end;
    unsigned long v;
    int pi = 0;
    size_t np = td_state_plan_count(st);
    if (!text || !*ns) {
        snprintf(why, whyn, "thiếu số thứ tự nhiệm vụ");
        return -1;
    }
    v = strtoul(ns, &end, 10);
    if (*end || end == ns || *ns == '-' || *ns == '+' || v < 1 || v >= TD_TASK_NUMBER_LIMIT) {
        snprintf(why, whyn, "số thứ tự nhiệm vụ \"%s\" không hợp lệ (một số nguyên 1..%u, hoặc KẾ_HOẠCH:SỐ như 57:3)",
                 text, TD_TASK_NUMBER_LIMIT - 1);
        return -1;
    }
    if (colon) {
        if ((size_t)(colon - text) >= sizeof pbuf) {
            snprintf(why, whyn, "tên kế hoạch trong \"%.60s\" quá dài", text);
            return -1;
        }
        snprintf(pbuf, sizeof pbuf, "%.*s", (int)(colon - text), text);
        if (plan && *plan && strcmp(plan, pbuf)) {
            if (td_state_plan_find(st, plan) != td_state_plan_find(st, pbuf) || td_state_plan_find(st, plan) < 0) {
                snprintf(why, whyn, "--plan %s khác kế hoạch ghi trong \"%s\"", plan, text);
                return -1;
            }
        }
        plan = pbuf;
    }
    if (plan && *plan) {
        if ((pi = td_state_plan_find(st, plan)) < 0) {
            td__plan_list(st, NULL, list, sizeof list);
            snprintf(why, whyn, "không có kế hoạch \"%s\"; các kế hoạch: %s", plan, *list ? list : "(chưa có)");
            return -1;
        }
    } else if (np > 1) {
        /* which plans have this number: among those the agency has tasks
         * in, else among all */
        unsigned char has[64] = {0}, mine[64] = {0};
        size_t n_has = 0, n_mine = 0;
        int last_has = 0, last_mine = 0;
        for (size_t i = 0; i < np && i < sizeof has; i++) {
            const td_plan *p = td_state_plan_at(st, i);
            uint32_t k = td_task_key(i ? p->number : "", (unsigned)v);
            if (!td_plan_task(p, (int)v)) continue;
            has[i] = 1;
            n_has++;
            last_has = (int)i;
            if (agency && *agency && td_state_agency_on_task(st, k, agency)) {
                mine[i] = 1;
                n_mine++;
                last_mine = (int)i;
            }
        }
        if (n_mine == 1) pi = last_mine;
        else if (n_mine == 0 && n_has == 1) pi = last_has;
        else if (n_has > 1) {
            char sh[TD_PLAN_NUMBER_MAX + 1];
            td__plan_list(st, n_mine ? mine : has, list, sizeof list);
            snprintf(why, whyn,
                     "nhiệm vụ số %lu có trong nhiều kế hoạch: %s; hãy chọn kế hoạch bằng --plan (ví dụ --plan %s) "
                     "hoặc ghi %s:%lu",
                     v, list, td_state_plan_short(st, (size_t)(n_mine ? last_mine : last_has), sh, sizeof sh),
                     td_state_plan_short(st, (size_t)(n_mine ? last_mine : last_has), sh, sizeof sh), v);
            return -2;
        }
    }
    *key = td_task_key(pi ? td_state_plan_at(st, (size_t)pi)->number : "", (unsigned)v);
    return 0;
}

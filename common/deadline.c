/* deadline.c — see deadline.h. */
#include "deadline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "utf8.h"

static const char *td__skip(const char *p)
{
    while (*p == ' ') p++;
    return p;
}

/* A word ends at the end, a blank or punctuation (not inside a UTF-8 letter). */
static int td__boundary(const char *p)
{
    return *p == '\0' || strchr(" .,;:()/", *p) != NULL;
}

/* Match the lower-case literal lit at p (after blanks); NULL if absent. */
static const char *td__eat(const char *p, const char *lit)
{
    size_t n = strlen(lit);
    p = td__skip(p);
    if (strncmp(p, lit, n)) return NULL;
    if (!td__boundary(p + n) && !td__boundary(p + n - 1)) return NULL;
    return p + n;
}

/* First literal of a NULL-terminated list that matches. */
static const char *td__eat_any(const char *p, const char *const *lits)
{
    for (; *lits; lits++) {
        const char *q = td__eat(p, *lits);
        if (q) return q;
    }
    return NULL;
}

/* 1..4 decimal digits. */
static const char *td__num(const char *p, int *v)
{
    int n = 0, x = 0;
    p = td__skip(p);
    while (*p >= '0' && *p <= '9' && n < 4) {
        x = x * 10 + (*p - '0');
        p++;
        n++;
    }
    if (n == 0 || (*p >= '0' && *p <= '9')) return NULL;
    *v = x;
    return p;
}

static const char *td__end(const char *p)
{
    p = td__skip(p);
    if (*p == '.') p = td__skip(p + 1);
    return *p ? NULL : p;
}

static const char *const td__yearly[] = {"hàng năm", "hằng năm", NULL};
static const char *const td__recurring[] = {"thực hiện thường xuyên", "thường xuyên", NULL};

/*
 * The forms officials write for a one-off deadline, at q (after
 * "hoàn thành", "trước", "trong"): a day "31/12/2027" (or "ngày ..."), a
 * quarter "quý II/2027", "quý 2/2027", "quý II năm 2027" (its last month),
 * "6 tháng đầu năm 2027" (June; 3 and 9 too), "6 tháng cuối năm 2027",
 * "năm 2027", "cuối năm 2027" (December).  1 parsed into d, 0 not one of
 * these forms, -1 one of them with an impossible number.
 */
static int td__forms(const char *q, td_deadline *d)
{
    const char *r;
    int a, b, y;
    /* a day */
    r = td__eat(q, "ngày");
    if ((r = td__num(r ? r : q, &a)) && *r == '/' && (r = td__num(r + 1, &b)) && *r == '/' &&
        (r = td__num(r + 1, &y))) {
        if (!td__end(r)) return 0;
        if (!td_date_valid(y * 10000 + b * 100 + a)) return -1;
        d->kind = TD_DEADLINE_MONTH;
        d->year = y;
        d->month = b;
        d->day = a;
        return 1;
    }
    /* a quarter */
    if ((r = td__eat(q, "quý"))) {
        static const char *const roman[] = {"iv", "iii", "ii", "i", NULL};
        static const int rv[] = {4, 3, 2, 1};
        const char *t = td__skip(r);
        a = 0;
        for (int i = 0; roman[i]; i++)
            if (!strncmp(t, roman[i], strlen(roman[i])) && (t[strlen(roman[i])] == '/' || t[strlen(roman[i])] == ' ')) {
                a = rv[i];
                t += strlen(roman[i]);
                break;
            }
        if (!a && !(t = td__num(t, &a))) return 0;
        t = td__skip(t);
        if (*t == '/') t++;
        else if (!(t = td__eat(t, "năm"))) return 0;
        if (!(t = td__num(t, &y)) || !td__end(t)) return 0;
        if (a < 1 || a > 4 || y < TD_DEADLINE_YEAR_MIN || y > TD_DEADLINE_YEAR_MAX) return -1;
        d->kind = TD_DEADLINE_MONTH;
        d->year = y;
        d->month = a * 3;
        return 1;
    }
    /* months of a year: "6 tháng đầu năm 2027", "6 tháng cuối năm 2027" */
    if ((r = td__num(q, &a)) && (r = td__eat(r, "tháng"))) {
        const char *t;
        if ((t = td__eat(r, "đầu năm"))) b = a;
        else if ((t = td__eat(r, "cuối năm"))) b = a == 6 ? 12 : 0;
        else return 0;
        if (!(t = td__num(t, &y)) || !td__end(t)) return 0;
        if (b < 1 || b > 12 || y < TD_DEADLINE_YEAR_MIN || y > TD_DEADLINE_YEAR_MAX) return -1;
        d->kind = TD_DEADLINE_MONTH;
        d->year = y;
        d->month = b;
        return 1;
    }
    /* a year: "năm 2027", "cuối năm 2027" */
    r = td__eat(q, "cuối");
    if ((r = td__eat(r ? r : q, "năm")) && (r = td__num(r, &y)) && td__end(r)) {
        if (y < TD_DEADLINE_YEAR_MIN || y > TD_DEADLINE_YEAR_MAX) return -1;
        d->kind = TD_DEADLINE_MONTH;
        d->year = y;
        d->month = 12;
        return 1;
    }
    return 0;
}

/* Parse lower-case text into d (kind and numbers only). 0 or -1. */
static int td__parse(const char *s, td_deadline *d, const char **scope_b, const char **scope_e)
{
    const char *p = s, *q;
    int m, y;

    if ((q = td__eat_any(p, td__recurring)) && td__end(q)) {
        d->kind = TD_DEADLINE_RECURRING;
        return 0;
    }
    if ((q = td__eat(p, "theo lộ trình")) && td__end(q)) {
        d->kind = TD_DEADLINE_ROADMAP;
        return 0;
    }
    {
        static const struct { const char *w; td_deadline_cond c; } conds[] = {
            {"sau khi trung ương ban hành", TD_COND_CENTRAL_ISSUES},
            {"sau khi bộ, ngành trung ương ban hành", TD_COND_CENTRAL_ISSUES},
            {"sau khi đề án, chương trình của trung ương ban hành", TD_COND_CENTRAL_PROGRAMME},
            {"sau khi đề án/chương trình của trung ương ban hành", TD_COND_CENTRAL_PROGRAMME},
            {"sau khi đề án/chương trình được trung ương ban hành", TD_COND_CENTRAL_PROGRAMME},
            {"theo hướng dẫn của trung ương", TD_COND_CENTRAL_GUIDANCE},
        };
        const char *h = td__eat(p, "hoàn thành");
        for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
            if ((q = td__eat(h ? h : p, conds[i].w)) && td__end(q)) {
                d->kind = TD_DEADLINE_CONDITIONAL;
                d->cond = conds[i].c;
                return 0;
            }
        }
    }

    /* YEARLY, optionally after "rà soát bổ sung năm YYYY và" */
    q = p;
    if ((q = td__eat(p, "rà soát bổ sung năm"))) {
        if (!(q = td__num(q, &y)) || !(q = td__eat(q, "và"))) return -1;
        d->review_year = y;
    } else {
        q = p;
    }
    {
        const char *r = td__eat(q, "thực hiện");
        int before = 0;
        if (r) q = r;
        if ((r = td__eat(q, "trước"))) { q = r; before = 1; }
        if ((r = td__eat(q, "tháng")) && (r = td__num(r, &m)) && (r = td__eat_any(r, td__yearly)) &&
            td__end(r)) {
            if (m < 1 || m > 12) return -1;
            d->kind = TD_DEADLINE_YEARLY;
            d->month = m;
            d->before = before;
            return 0;
        }
        if (d->review_year) return -1;
    }

    /* MONTH */
    q = p;
    {
        const char *r;
        if ((r = td__eat(q, "hoàn thành"))) q = r;
        if ((r = td__eat(q, "trước"))) { q = r; d->before = 1; }
        else if ((r = td__eat(q, "trong"))) q = r;
        switch (td__forms(q, d)) {
        case 1: return 0;
        case -1: return -1;
        default: break;
        }
        if ((r = td__eat(q, "tháng"))) q = r;
        if (!(q = td__num(q, &m)) || *q != '/' || !(q = td__num(q + 1, &y))) return -1;
        if (m < 1 || m > 12 || y < TD_DEADLINE_YEAR_MIN || y > TD_DEADLINE_YEAR_MAX) return -1;
        d->kind = TD_DEADLINE_MONTH;
        d->month = m;
        d->year = y;
        if (td__end(q)) return 0;
        if ((r = td__eat(q, "và"))) {
            const char *t;
            if ((t = td__eat_any(r, td__recurring)) && td__end(t)) {
                d->then = TD_THEN_RECURRING;
                return 0;
            }
            if ((t = td__eat(r, "các năm tiếp theo")) && td__end(t)) {
                d->then = TD_THEN_EVERY_YEAR;
                return 0;
            }
            return -1;
        }
        q = td__skip(q);
        if (*q == '(') {
            const char *close = strchr(q, ')');
            if (!close || close == q + 1) return -1;
            *scope_b = q + 1;
            *scope_e = close;
            q = td__skip(close + 1);
            if (*q == '.') q++;
        }
        if ((r = td__eat(q, "đối với"))) {
            /* the rest of the work: "... hoàn thành trong những năm tiếp theo" */
            static const char *const tails[] = {"những năm tiếp theo", "các năm tiếp theo", NULL};
            const char *t = r;
            for (;;) {
                const char *e = td__eat_any(t, tails);
                if (e && td__end(e)) {
                    d->then = TD_THEN_LATER_YEARS;
                    return 0;
                }
                t = td__skip(t);
                if (!*t) return -1;
                t++;
            }
        }
        if (*scope_b && td__end(q)) return 0;
        return -1;
    }
}

int td_deadline_parse(const char *text, td_deadline *out, td_error *err)
{
    char *clean = NULL, *low = NULL;
    const char *sb = NULL, *se = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    if (!text) return td_error_set(err, TD_EPARSE, "thời hạn để trống");
    if (strlen(text) > TD_DEADLINE_TEXT_MAX)
        return td_error_set(err, TD_EPARSE, "thời hạn dài quá %d byte", TD_DEADLINE_TEXT_MAX);
    clean = td_text_clean(text);
    if (!clean) return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
    low = td_vi_lower(clean);
    if (!low) {
        free(clean);
        return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
    }
    if (!*low) {
        rc = td_error_set(err, TD_EPARSE, "thời hạn để trống");
        goto fail;
    }
    if (td__parse(low, out, &sb, &se) != 0) {
        rc = td_error_set(err, TD_EPARSE, "không hiểu thời hạn \"%.200s\"", clean);
        goto fail;
    }
    if (sb) {
        /* lower-casing keeps byte lengths of Vietnamese letters only when
         * case pairs have equal UTF-8 lengths, which they do for every
         * letter td_vi_lower touches (ASCII, đ/Đ, the vowels of one row) */
        const char *base = strlen(clean) == strlen(low) ? clean : low;   /* defensive */
        out->scope = td_strndup(base + (sb - low), (size_t)(se - sb));
        if (!out->scope) {
            rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            goto fail;
        }
        td_trim(out->scope);
    }
    out->text = clean;
    free(low);
    return 0;
fail:
    free(clean);
    free(low);
    free(out->scope);
    memset(out, 0, sizeof *out);
    return rc;
}

void td_deadline_free(td_deadline *d)
{
    if (!d) return;
    free(d->scope);
    free(d->text);
    memset(d, 0, sizeof *d);
}

int td_deadline_copy(td_deadline *dst, const td_deadline *src)
{
    *dst = *src;
    dst->scope = NULL;
    dst->text = NULL;
    if ((src->scope && !(dst->scope = strdup(src->scope))) || (src->text && !(dst->text = strdup(src->text)))) {
        td_deadline_free(dst);
        return TD_ENOMEM;
    }
    return 0;
}

int td_deadline_equal(const td_deadline *a, const td_deadline *b)
{
    return a->kind == b->kind && a->year == b->year && a->month == b->month && a->day == b->day &&
           a->before == b->before &&
           a->cond == b->cond && a->then == b->then && a->review_year == b->review_year &&
           td_str_same(a->scope, b->scope) && td_str_same(a->text, b->text);
}

int td_deadline_vi(const td_deadline *d, char *buf, size_t n)
{
    char head[96];
    switch (d->kind) {
    case TD_DEADLINE_MONTH:
        if (d->day)
            snprintf(head, sizeof head, "%sngày %02d/%02d/%04d", d->before ? "trước " : "", d->day, d->month, d->year);
        else
            snprintf(head, sizeof head, "%stháng %02d/%04d", d->before ? "trước " : "", d->month, d->year);
        switch (d->then) {
        case TD_THEN_RECURRING: return snprintf(buf, n, "%s, sau đó thực hiện thường xuyên", head);
        case TD_THEN_EVERY_YEAR: return snprintf(buf, n, "%s và các năm tiếp theo", head);
        case TD_THEN_LATER_YEARS:
            return snprintf(buf, n, "%s (%s); phần còn lại trong những năm tiếp theo", head,
                            d->scope ? d->scope : "");
        default:
            if (d->scope) return snprintf(buf, n, "%s (%s)", head, d->scope);
            return snprintf(buf, n, "%s", head);
        }
    case TD_DEADLINE_RECURRING: return snprintf(buf, n, "thường xuyên");
    case TD_DEADLINE_ROADMAP: return snprintf(buf, n, "theo lộ trình");
    case TD_DEADLINE_CONDITIONAL:
        switch (d->cond) {
        case TD_COND_CENTRAL_PROGRAMME:
            return snprintf(buf, n, "sau khi Đề án, Chương trình của Trung ương ban hành");
        case TD_COND_CENTRAL_GUIDANCE: return snprintf(buf, n, "theo hướng dẫn của Trung ương");
        default: return snprintf(buf, n, "sau khi Trung ương ban hành");
        }
    case TD_DEADLINE_YEARLY:
        if (d->review_year)
            return snprintf(buf, n, "rà soát bổ sung năm %d; %stháng %02d hằng năm", d->review_year,
                            d->before ? "trước " : "", d->month);
        return snprintf(buf, n, "%stháng %02d hằng năm", d->before ? "trước " : "", d->month);
    default: return snprintf(buf, n, "chưa xác định");
    }
}

int td_deadline_due(const td_deadline *d, int year, int *yyyymmdd)
{
    int y, m;
    if (d->kind == TD_DEADLINE_MONTH) y = d->year;
    else if (d->kind == TD_DEADLINE_YEARLY) y = year;
    else return TD_ENOTFOUND;
    m = d->month;
    if (m < 1 || m > 12) return TD_ENOTFOUND;
    if (d->kind == TD_DEADLINE_MONTH && d->day) {
        int day = d->day;
        if (day < 1 || day > td_clock_month_days(y, m)) return TD_ENOTFOUND;
        if (d->before && --day == 0) {   /* "trước ngày D": the day before */
            if (--m == 0) {
                m = 12;
                y--;
            }
            day = td_clock_month_days(y, m);
        }
        *yyyymmdd = y * 10000 + m * 100 + day;
        return 0;
    }
    if (d->before) {
        /* before month m begins: the last day of the month before */
        if (--m == 0) {
            m = 12;
            y--;
        }
    }
    *yyyymmdd = y * 10000 + m * 100 + td_clock_month_days(y, m);
    return 0;
}

const char *td_deadline_kind_name(td_deadline_kind k)
{
    switch (k) {
    case TD_DEADLINE_MONTH: return "month";
    case TD_DEADLINE_RECURRING: return "recurring";
    case TD_DEADLINE_CONDITIONAL: return "conditional";
    case TD_DEADLINE_ROADMAP: return "roadmap";
    case TD_DEADLINE_YEARLY: return "yearly";
    default: return "none";
    }
}

int td_date_valid(int d)
{
    int y = d / 10000, m = d / 100 % 100, day = d % 100;
    if (y < TD_DEADLINE_YEAR_MIN || y > TD_DEADLINE_YEAR_MAX || m < 1 || m > 12) return 0;
    return day >= 1 && day <= td_clock_month_days(y, m);
}

int td_date_parse_vi(const char *s, int *out)
{
    int d = 0, m = 0, y = 0, nd = 0, nm = 0, ny = 0;
    const char *p = s;
    if (!s) return TD_EPARSE;
    while (*p >= '0' && *p <= '9' && nd < 3) d = d * 10 + (*p++ - '0'), nd++;
    if (*p++ != '/') return TD_EPARSE;
    while (*p >= '0' && *p <= '9' && nm < 3) m = m * 10 + (*p++ - '0'), nm++;
    if (*p++ != '/') return TD_EPARSE;
    while (*p >= '0' && *p <= '9' && ny < 5) y = y * 10 + (*p++ - '0'), ny++;
    if (*p || nd < 1 || nd > 2 || nm < 1 || nm > 2 || ny != 4) return TD_EPARSE;
    if (!td_date_valid(y * 10000 + m * 100 + d)) return TD_EPARSE;
    *out = y * 10000 + m * 100 + d;
    return 0;
}

void td_date_vi(int d, char *buf, size_t n)
{
    if (!d) {
        if (n) buf[0] = '\0';
        return;
    }
    snprintf(buf, n, "%02d/%02d/%04d", d % 100, d / 100 % 100, d / 10000);
}

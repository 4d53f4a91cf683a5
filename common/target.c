/* target.c — see target.h. */
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Rewrite LaTeX remnants of the conversion into plain text: "$\geq 3\%$" -> "≥ 3%". */
static char *td__unlatex(const char *s)
{
    static const struct { const char *from, *to; } map[] = {
        {"\\geqslant", "≥"}, {"\\leqslant", "≤"}, {"\\geq", "≥"}, {"\\leq", "≤"}, {"\\ge", "≥"},
        {"\\le", "≤"}, {"\\gt", ">"}, {"\\lt", "<"}, {"\\%", "%"}, {"\\,", ""}, {"\\;", " "},
        {"\\ ", " "},
    };
    size_t n = strlen(s);
    char *out = malloc(n + 1), *o = out;   /* every rewrite is no longer than its source */
    if (!out) return NULL;
    while (*s) {
        size_t k;
        if (*s == '$') {
            s++;
            continue;
        }
        for (k = 0; k < sizeof map / sizeof map[0]; k++) {
            size_t l = strlen(map[k].from);
            if (!strncmp(s, map[k].from, l)) {
                size_t tl = strlen(map[k].to);
                memcpy(o, map[k].to, tl);
                o += tl;
                s += l;
                break;
            }
        }
        if (k == sizeof map / sizeof map[0]) *o++ = *s++;
    }
    *o = '\0';
    return out;
}

static const char *td__blanks(const char *p)
{
    while (*p == ' ') p++;
    return p;
}

/* A number with a decimal comma ("0,8") or point; "1.000" is a thousand. */
static const char *td__number(const char *p, double *v)
{
    double x = 0, scale = 0.1;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (digits >= 15) return NULL;   /* beyond double precision: not a target */
        x = x * 10 + (*p - '0');
        p++;
        digits++;
    }
    if (!digits) return NULL;
    if (*p == '.' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && p[3] >= '0' &&
        p[3] <= '9' && !(p[4] >= '0' && p[4] <= '9')) {
        x = x * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
        p += 4;
    } else if ((*p == ',' || *p == '.') && p[1] >= '0' && p[1] <= '9') {
        int fd = 0;
        p++;
        while (*p >= '0' && *p <= '9') {
            if (++fd > 9) return NULL;
            x += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    *v = x;
    return p;
}

static const char *td__percent(const char *p, int *pct)
{
    const char *q = td__blanks(p);
    if (*q == '%') {
        *pct = 1;
        return q + 1;
    }
    return p;
}

int td_target_parse(const char *text, td_target *out, td_error *err)
{
    static const struct { const char *s; td_target_op op; } ops[] = {
        {"≥", TD_OP_GE}, {">=", TD_OP_GE}, {"≤", TD_OP_LE}, {"<=", TD_OP_LE},
        {">", TD_OP_GT}, {"<", TD_OP_LT},  {"=", TD_OP_EQ},
    };
    char *clean, *plain;
    const char *p, *q;
    int has_op = 0, rc = 0;

    memset(out, 0, sizeof *out);
    if (!text) text = "";
    if (strlen(text) > TD_TARGET_TEXT_MAX)
        return td_error_set(err, TD_EPARSE, "mục tiêu dài quá %d byte", TD_TARGET_TEXT_MAX);
    clean = td_text_clean(text);
    if (!clean) return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
    plain = td__unlatex(clean);
    free(clean);
    if (!plain) return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
    /* "\ " and "\," leave blanks behind: clean again so the kept wording is
     * what a second reading (a CSV round trip) would keep */
    clean = td_text_clean(plain);
    free(plain);
    if (!(plain = clean)) return td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
    out->text = plain;
    if (!*plain) return 0;   /* NONE */

    p = plain;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t l = strlen(ops[i].s);
        if (!strncmp(p, ops[i].s, l)) {
            out->op = ops[i].op;
            has_op = 1;
            p = td__blanks(p + l);
            break;
        }
    }
    q = td__number(p, &out->lo);
    if (!q) {
        if (has_op) {
            rc = td_error_set(err, TD_EPARSE, "mục tiêu \"%.200s\": có dấu so sánh mà không có số", plain);
            goto fail;
        }
        out->kind = TD_TARGET_TEXT;
        return 0;
    }
    /* a number glued to letters ("1Gb/s", "20 tỉnh") is wording, not a target value */
    if (!has_op && *q && *q != ' ' && *q != '%' && *q != '-' && strncmp(q, "–", 3) && strncmp(q, "—", 3)) {
        out->kind = TD_TARGET_TEXT;
        return 0;
    }
    out->kind = TD_TARGET_VALUE;
    out->hi = out->lo;
    q = td__percent(q, &out->percent);
    if (!has_op) {
        const char *r = td__blanks(q);
        size_t dl = 0;
        if (*r == '-') dl = 1;
        else if (!strncmp(r, "–", 3) || !strncmp(r, "—", 3)) dl = 3;
        if (dl) {
            const char *s2 = td__number(td__blanks(r + dl), &out->hi);
            if (!s2) {
                rc = td_error_set(err, TD_EPARSE, "mục tiêu \"%.200s\": khoảng không có cận trên", plain);
                goto fail;
            }
            if (out->hi < out->lo) {
                rc = td_error_set(err, TD_EPARSE, "mục tiêu \"%.200s\": cận trên nhỏ hơn cận dưới",
                                  plain);
                goto fail;
            }
            out->kind = TD_TARGET_RANGE;
            q = td__percent(s2, &out->percent);
        }
    }
    q = td__blanks(q);
    if (*q) {
        if (!has_op && out->kind == TD_TARGET_VALUE && !out->percent &&
            !((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (unsigned char)*q >= 0x80)) {
            /* "90 ..." followed by punctuation or digits: not a form we know */
            rc = td_error_set(err, TD_EPARSE, "mục tiêu \"%.200s\": có chữ thừa sau số", plain);
            goto fail;
        }
        out->note = strdup(q);
        if (!out->note) {
            rc = td_error_set(err, TD_ENOMEM, TD_MSG_NOMEM);
            goto fail;
        }
    }
    return 0;
fail:
    td_target_free(out);
    return rc;
}

void td_target_free(td_target *t)
{
    if (!t) return;
    free(t->note);
    free(t->text);
    memset(t, 0, sizeof *t);
}

int td_target_copy(td_target *dst, const td_target *src)
{
    *dst = *src;
    dst->note = NULL;
    dst->text = NULL;
    if ((src->note && !(dst->note = strdup(src->note))) || (src->text && !(dst->text = strdup(src->text)))) {
        td_target_free(dst);
        return TD_ENOMEM;
    }
    return 0;
}

int td_target_equal(const td_target *a, const td_target *b)
{
    return a->kind == b->kind && a->op == b->op && a->lo == b->lo && a->hi == b->hi &&
           a->percent == b->percent && td_str_same(a->note, b->note) && td_str_same(a->text, b->text);
}

const char *td_target_op_str(td_target_op op)
{
    switch (op) {
    case TD_OP_GE: return "≥";
    case TD_OP_LE: return "≤";
    case TD_OP_GT: return ">";
    case TD_OP_LT: return "<";
    default: return "=";
    }
}

/* %g with a decimal comma, as Vietnamese writes numbers. */
static void td__num_vi(double v, char *buf, size_t n)
{
    snprintf(buf, n, "%.10g", v);
    for (char *c = buf; *c; c++)
        if (*c == '.') *c = ',';
}

int td_target_vi(const td_target *t, char *buf, size_t n)
{
    char a[32], b[32];
    const char *pct = t->percent ? "%" : "";
    const char *sp = t->note ? " " : "";
    const char *note = t->note ? t->note : "";
    switch (t->kind) {
    case TD_TARGET_VALUE:
        td__num_vi(t->lo, a, sizeof a);
        if (t->op == TD_OP_EQ) return snprintf(buf, n, "%s%s%s%s", a, pct, sp, note);
        return snprintf(buf, n, "%s %s%s%s%s", td_target_op_str(t->op), a, pct, sp, note);
    case TD_TARGET_RANGE:
        td__num_vi(t->lo, a, sizeof a);
        td__num_vi(t->hi, b, sizeof b);
        return snprintf(buf, n, "%s–%s%s%s%s", a, b, pct, sp, note);
    case TD_TARGET_TEXT: return snprintf(buf, n, "%s", t->text ? t->text : "");
    default: return snprintf(buf, n, "%s", "");
    }
}

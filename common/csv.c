/* csv.c — see csv.h. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "utf8.h"

static int td__formula_lead(const char *s) { return *s == '=' || *s == '+' || *s == '-' || *s == '@'; }

static void td__quoted(FILE *f, const char *s)
{
    fputc('"', f);
    if (td__formula_lead(s)) fputc('\'', f);
    /* by spans up to each quote, which is doubled */
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        fwrite(s, 1, (size_t)(q - s) + 1, f);
        fputc('"', f);
    }
    fputs(s, f);
    fputc('"', f);
}

void td_csv_text(FILE *f, const char *s) { td__quoted(f, s ? s : ""); }

void td_csv_text_min(FILE *f, const char *s)
{
    size_t n;
    if (!s) s = "";
    n = strlen(s);
    if (strpbrk(s, ",;\"\r\n") || (n && (s[0] == ' ' || s[n - 1] == ' '))) {
        td__quoted(f, s);
        return;
    }
    if (td__formula_lead(s)) fputc('\'', f);
    fputs(s, f);
}

void td_csv_bare(FILE *f, const char *s) { fputs(s ? s : "", f); }
void td_csv_sep(FILE *f) { fputc(',', f); }
void td_csv_eol(FILE *f) { fputs("\r\n", f); }

void td_csv_unneutralise(char *s)
{
    if (s && s[0] == '\'' && td__formula_lead(s + 1)) memmove(s, s + 1, strlen(s));
}

/* ---- reading ---------------------------------------------------------------------- */

void td_csv_reader_init(td_csv_reader *c, const char *buf, size_t n, const char *name)
{
    int q = 0;
    size_t comma = 0, semi = 0, tab = 0;
    if (n >= 3 && !memcmp(buf, TD_CSV_BOM, 3)) buf += 3, n -= 3;
    c->p = buf;
    c->end = buf + n;
    c->line = 1;
    c->field_max = TD_CSV_FIELD_MAX;
    c->name = name;
    for (const char *e = buf; e < buf + n && (q || (*e != '\n' && *e != '\r')); e++) {
        if (*e == '"') q = !q;
        else if (!q) comma += *e == ',', semi += *e == ';', tab += *e == '\t';
    }
    c->sep = semi > comma && semi >= tab ? ';' : tab > comma && tab > semi ? '\t' : ',';
}

void td_csv_row_free(td_csv_row *r)
{
    for (size_t i = 0; i < r->n; i++) free(r->f[i]);
    free(r->f);
    free(r->at);
    memset(r, 0, sizeof *r);
}

int td_csv_row_blank(const td_csv_row *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (*r->f[i]) return 0;
    return 1;
}

/* "NAME:LINE: cột C: " or "dòng LINE, cột C: " + what */
static int td__csv_err(const td_csv_reader *c, td_error *err, int code, int line, size_t col, const char *what)
{
    if (c->name && *c->name) return td_error_set(err, code, "%s:%d: cột %zu: %s", c->name, line, col, what);
    return td_error_set(err, code, "dòng %d, cột %zu: %s", line, col, what);
}

int td_csv_next(td_csv_reader *c, td_csv_row *r, td_error *err)
{
    char *b = NULL, what[160];
    size_t bn = 0, bcap = 0, fcap = 0;
    int rc;
    memset(r, 0, sizeof *r);
    if (c->p >= c->end) return 0;
    r->line = c->line;
    for (;;) {
        int quoted = 0, at = c->line;
        size_t col = r->n + 1;
        bn = 0;
        if (c->p < c->end && *c->p == '"') {
            quoted = 1;
            c->p++;
        }
        for (;;) {
            char ch;
            if (c->p >= c->end) {
                if (quoted) {
                    rc = td__csv_err(c, err, TD_EPARSE, at, col,
                                     "ô mở dấu ngoặc kép ở dòng này mà không có dấu ngoặc kép đóng");
                    goto fail;
                }
                break;
            }
            ch = *c->p;
            if (quoted && ch == '"') {
                if (c->p + 1 < c->end && c->p[1] == '"') {
                    c->p += 2;
                } else {
                    quoted = 0;
                    c->p++;
                    /* after the closing quote only a separator or the line end */
                    if (c->p < c->end && *c->p != c->sep && *c->p != '\n' && *c->p != '\r') {
                        rc = td__csv_err(c, err, TD_EPARSE, c->line, col,
                                         "có chữ ngay sau dấu ngoặc kép đóng ô (dấu ngoặc kép trong ô phải viết "
                                         "đôi: \"\")");
                        goto fail;
                    }
                    continue;
                }
            } else if (quoted) {
                c->p++;
                if (ch == '\r' && c->p < c->end && *c->p == '\n') continue;   /* CRLF inside: LF */
                if (ch == '\n') c->line++;
                else if (ch == '\r') c->line++, ch = '\n';
            } else if (ch == c->sep || ch == '\n' || ch == '\r') {
                break;
            } else {
                c->p++;
            }
            if (bn + 1 > c->field_max) {
                char lim[TD_MSG_NUM_MAX];
                snprintf(what, sizeof what, "ô dài quá giới hạn %s byte của một ô",
                         td_msg_num(lim, c->field_max));
                rc = td__csv_err(c, err, TD_ETOOBIG, at, col, what);
                goto fail;
            }
            if (TD_GROW(b, bcap, bn + 1)) goto nomem;
            b[bn++] = ch;
        }
        if (r->n >= TD_CSV_FIELDS_MAX) {
            snprintf(what, sizeof what, "dòng có quá %d cột", TD_CSV_FIELDS_MAX);
            rc = td__csv_err(c, err, TD_EPARSE, r->line, col, what);
            goto fail;
        }
        if (!td_utf8_valid(b ? b : "", bn, NULL)) {
            rc = td__csv_err(c, err, TD_EPARSE, at, col,
                             "không phải văn bản UTF-8 (trong Excel hãy lưu bằng \"CSV UTF-8\")");
            goto fail;
        }
        if (r->n == fcap) {
            size_t acap = fcap;
            if (TD_GROW(r->f, fcap, r->n + 1) || TD_GROW(r->at, acap, r->n + 1)) goto nomem;
            fcap = acap < fcap ? acap : fcap;
        }
        if (!(r->f[r->n] = malloc(bn + 1))) goto nomem;
        if (bn) memcpy(r->f[r->n], b, bn);
        r->f[r->n][bn] = 0;
        r->at[r->n++] = at;
        if (c->p >= c->end) break;
        if (*c->p == c->sep) {
            c->p++;
            continue;
        }
        if (*c->p == '\r') c->p++;
        if (c->p < c->end && *c->p == '\n') c->p++;
        c->line++;
        break;
    }
    free(b);
    return 1;
nomem:
    rc = td_error_set(err, TD_ENOMEM, "hết bộ nhớ khi đọc CSV");
fail:
    free(b);
    td_csv_row_free(r);
    return rc;
}

void td_csv_rows_free(td_csv_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) td_csv_row_free(&rows[i]);
    free(rows);
}

int td_csv_read_all(td_csv_reader *c, td_csv_row **rows, size_t *n_rows, td_error *err)
{
    td_csv_row *v = NULL, r;
    size_t n = 0, cap = 0;
    int rc;
    *rows = NULL;
    *n_rows = 0;
    while ((rc = td_csv_next(c, &r, err)) == 1) {
        if (TD_GROW(v, cap, n + 1)) {
            td_csv_row_free(&r);
            td_csv_rows_free(v, n);
            return td_error_set(err, TD_ENOMEM, "hết bộ nhớ khi đọc CSV");
        }
        v[n++] = r;
    }
    if (rc < 0) {
        td_csv_rows_free(v, n);
        return rc;
    }
    *rows = v;
    *n_rows = n;
    return 0;
}
